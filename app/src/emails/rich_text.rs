//! The rich-text editor of e-mail bodies and 知识库 articles, and the plain text of its HTML
//! (for the text part of an e-mail, search, and the same content check in the browser as on
//! the server).
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

/// Tags after which the plain text starts a new line.
const BLOCKS: [&str; 16] =
    ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol"];

/// The plain text of (sanitised) HTML: tags gone, entities decoded, a line per block, white
/// space within a line collapsed, no empty lines.
pub fn plain_text(html: &str) -> String {
    let mut raw = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        raw.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            // A lone `<` is text.
            raw.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if BLOCKS.contains(&name.as_str()) {
            raw.push('\n');
        } else if name == "td" || name == "th" {
            raw.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    raw.push_str(rest);
    decode_entities(&raw)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`, `&apos;`, `&nbsp;` and numeric references decoded;
/// anything else left as written.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|end| *end <= 10).and_then(|end| {
            let name = &after[..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
