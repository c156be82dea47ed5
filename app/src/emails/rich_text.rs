//! The rich-text editor of e-mail bodies (compose and templates).
use leptos::prelude::*;

use crate::i18n::use_i18n;

/// A rich-text editor: a contenteditable region (id `body_html`) with bold, italic, underline,
/// lists and links; what it holds goes to `on_input` as HTML (the server sanitises it).
/// `value` is shown when the editor appears and whenever `version` changes (a template or a
/// draft filled the form).
#[component]
pub fn RichText(value: Signal<String>, on_input: Callback<String>, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let editor = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        version.track();
        if let Some(el) = editor.get() {
            el.set_inner_html(&value.get_untracked());
        }
    });
    let sync = move || {
        if let Some(el) = editor.get_untracked() {
            on_input.run(el.inner_html());
        }
    };
    let command = move |cmd: &'static str| {
        exec(cmd, None);
        sync();
    };
    let link = move |_| {
        #[cfg(feature = "hydrate")]
        if let Ok(Some(url)) = window().prompt_with_message("链接地址(https://…)")
            && (url.starts_with("https://") || url.starts_with("http://"))
        {
            exec("createLink", Some(&url));
        }
        sync();
    };
    view! {
        <div class="rich-text">
            <div class="toolbar" role="toolbar" aria-label=move || i18n.t("格式", "Formatting")>
                <button type="button" class="btn btn-small" title="加粗" on:click=move |_| command("bold")><b>"B"</b></button>
                <button type="button" class="btn btn-small" title="斜体" on:click=move |_| command("italic")><i>"I"</i></button>
                <button type="button" class="btn btn-small" title="下划线" on:click=move |_| command("underline")><u>"U"</u></button>
                <button type="button" class="btn btn-small" title="列表" on:click=move |_| command("insertUnorderedList")>"• ≡"</button>
                <button type="button" class="btn btn-small" title="链接" on:click=link>"链接"</button>
            </div>
            <div id="body_html" class="editor" contenteditable="true" role="textbox" aria-multiline="true"
                aria-label=move || i18n.t("正文", "Message") node_ref=editor
                on:input=move |_| sync()></div>
        </div>
    }
}

/// `document.execCommand` (what the editor's buttons and the placeholder buttons do).
fn exec(cmd: &str, value: Option<&str>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
            let _ = doc.exec_command_with_show_ui_and_value(cmd, false, value.unwrap_or(""));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (cmd, value);
}

/// Types `text` at the caret of the editor (placeholders).
pub fn insert_text(text: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) =
            document().get_element_by_id("body_html").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
        exec("insertText", Some(text));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}
