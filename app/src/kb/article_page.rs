//! 知识点详情 (PG-61): where the article sits in the catalogue, its title, who changed it last
//! and when, the version, how often it was read, the member levels it applies to, its keywords,
//! the content and the attachments; 打印 (the print stylesheet leaves only the article) and
//! 复制解答 (the plain text, for an answer by e-mail or chat); 编辑 for editors.
use leptos::prelude::*;

use super::ArticleView;
use super::api::kb_article;
use super::browse_page::{fmt_date, status_badge};
use crate::i18n::use_i18n;
use crate::ui::{Loaded, PageHeader, fmt_opt_time, fmt_time};

#[component]
pub fn KbArticlePage() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let data = crate::ui::record_of(version, kb_article);
    view! {
        <PageHeader title=("知识点详情", "Article")>
            <a class="btn" href="/kb">{move || i18n.t("返回知识库", "Back to the knowledge base")}</a>
        </PageHeader>
        <Loaded data show=move |a| view! { <Article a=a/> }/>
    }
}

#[component]
fn Article(a: ArticleView) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(None::<bool>);
    let text = StoredValue::new(a.content_text.clone());
    let copy = move |_| {
        copied.set(None);
        let t = text.get_value();
        leptos::task::spawn_local(async move {
            let ok = copy_text(t).await;
            let _ = copied.try_set(Some(ok));
        });
    };
    let levels = a.levels.clone();
    let levels_text = move || {
        if levels.is_empty() {
            i18n.t("全部级别", "All levels").to_string()
        } else {
            levels.iter().map(|l| l.label(i18n.locale())).collect::<Vec<_>>().join("、")
        }
    };
    let last = a.path.len().saturating_sub(1);
    let category = a.category_id;
    let (version, views) = (a.version, a.view_count);
    view! {
        <article class="card kb-article" data-testid="kb-article">
            <nav class="kb-crumbs" aria-label=move || i18n.t("所在位置", "Location")>
                <a class="link" href="/kb">{move || i18n.t("知识库", "Knowledge base")}</a>
                {a.path.iter().enumerate().map(|(i, p)| view! {
                    <span class="kb-sep" aria-hidden="true">" › "</span>
                    {if i == last {
                        view! { <a class="link" href=format!("/kb?cat={category}")>{p.clone()}</a> }.into_any()
                    } else {
                        view! { <span>{p.clone()}</span> }.into_any()
                    }}
                }).collect_view()}
                <span class="kb-sep" aria-hidden="true">" › "</span>
                <span aria-current="page">{a.title.clone()}</span>
            </nav>
            <h2 class="kb-article-title" data-testid="kb-article-title">{a.title.clone()}" "{status_badge(a.status)}</h2>
            <dl class="kb-meta">
                <div><dt>{move || i18n.t("更新人", "Updated by")}</dt><dd>{a.updated_by.clone()}</dd></div>
                <div><dt>{move || i18n.t("更新时间", "Updated")}</dt><dd>{fmt_time(&a.updated_at)}</dd></div>
                <div><dt>{move || i18n.t("版本", "Version")}</dt><dd data-testid="kb-version">{format!("v{version}")}</dd></div>
                <div><dt>{move || i18n.t("浏览", "Views")}</dt><dd>{views}</dd></div>
                <div><dt>{move || i18n.t("适用会员级别", "Member levels")}</dt><dd>{levels_text}</dd></div>
                {a.published_at.map(|t| view! {
                    <div><dt>{move || i18n.t("发布时间", "Published")}</dt><dd>{fmt_opt_time(&Some(t))}</dd></div>
                })}
            </dl>
            {(!a.keywords.is_empty()).then(|| view! {
                <div class="kb-tags" data-testid="kb-keywords">
                    <span class="muted">{move || i18n.t("关键词:", "Keywords: ")}</span>
                    {a.keywords.iter().map(|k| view! {
                        <a class="kb-tag" href=format!("/kb?q={}", crate::url::urlencode(k))>{k.clone()}</a>
                    }).collect_view()}
                </div>
            })}
            // Sanitised by the server on save (an allow-list): the one place HTML is shown as such.
            <div class="kb-content" data-testid="kb-content" inner_html=a.content_html.clone()></div>
            {(!a.attachments.is_empty()).then(|| view! {
                <section class="kb-attachments" aria-labelledby="kb-att-title">
                    <h3 id="kb-att-title">{move || i18n.t("附件", "Attachments")}</h3>
                    <ul data-testid="kb-attachments">
                        {a.attachments.iter().map(|f| view! {
                            <li>
                                <a class="link" href=format!("/files/kb/{}", f.id) download=f.file_name.clone()>{f.file_name.clone()}</a>
                                <span class="muted">" ("{format_size(f.size_bytes)}")"</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            <div class="kb-article-actions">
                <button type="button" class="btn" data-testid="kb-print" on:click=move |_| print_page()>
                    {move || i18n.t("打印", "Print")}
                </button>
                <button type="button" class="btn btn-primary" data-testid="kb-copy" on:click=copy>
                    {move || i18n.t("复制解答", "Copy the answer")}
                </button>
                {a.can_edit.then(|| view! {
                    <a class="btn" data-testid="kb-edit" href=format!("/kb/manage/articles/{}", a.id)>{move || i18n.t("编辑", "Edit")}</a>
                })}
                <span class="kb-copied" role="status" data-testid="kb-copied">
                    {move || copied.get().map(|ok| if ok {
                        i18n.t("已复制到剪贴板", "Copied to the clipboard")
                    } else {
                        i18n.t("无法访问剪贴板,请手动选择文字复制", "The clipboard is not available: select the text and copy it")
                    })}
                </span>
            </div>
            <p class="kb-print-foot">{move || i18n.t("更新于 ", "Updated ")}{fmt_date(&a.updated_at)}" · v"{version}</p>
        </article>
    }
}

fn format_size(n: u64) -> String {
    if n >= 1 << 20 { format!("{:.1} MB", n as f64 / f64::from(1 << 20)) } else { format!("{} KB", n.div_ceil(1024)) }
}

/// The browser's print dialog (the print stylesheet shows the article alone).
fn print_page() {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().print();
    }
}

/// Copies `text` to the clipboard: the asynchronous Clipboard API, or where the page may not
/// use it (not a secure context) a selected hidden text area and the copy command. Whether it
/// worked.
pub async fn copy_text(text: String) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::{JsCast, JsValue};
        let get = |target: &JsValue, key: &str| {
            js_sys::Reflect::get(target, &JsValue::from_str(key)).ok().filter(|v| !v.is_undefined() && !v.is_null())
        };
        let write = get(&window(), "navigator").and_then(|n| get(&n, "clipboard")).and_then(|c| {
            let f = get(&c, "writeText")?.dyn_into::<js_sys::Function>().ok()?;
            f.call1(&c, &JsValue::from_str(&text)).ok()?.dyn_into::<js_sys::Promise>().ok()
        });
        if let Some(promise) = write
            && wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
        {
            return true;
        }
        let doc = document();
        let (Ok(area), Some(body)) = (doc.create_element("textarea"), doc.body()) else { return false };
        let _ = js_sys::Reflect::set(&area, &JsValue::from_str("value"), &JsValue::from_str(&text));
        let _ = area.set_attribute("readonly", "");
        let _ = area.set_attribute("style", "position:fixed;top:0;left:-9999px;opacity:0");
        if body.append_child(&area).is_err() {
            return false;
        }
        if let Some(select) = get(&area, "select").and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
            let _ = select.call0(&area);
        }
        let ok =
            doc.dyn_into::<web_sys::HtmlDocument>().ok().and_then(|d| d.exec_command("copy").ok()).unwrap_or(false);
        area.remove();
        ok
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        false
    }
}
