//! The 知识库 side panel of the forms an agent answers members with (诉求受理, 诉求详情, 回访录入):
//! the articles that answer what the agent is typing (suggested while typing, never blocking
//! it), a search box of its own, and 引用 to put an article's answer into the form.
use leptos::prelude::*;

use super::api::{kb_article, kb_search, kb_suggest};
use super::browse_page::{marked, path_text, status_badge};
use super::{MAX_QUERY_CHARS, SearchHit, SearchInput, SearchResult};
use crate::error::AppError;
use crate::i18n::use_i18n;

/// How long the text must rest before it is looked up (ms).
const DEBOUNCE_MS: i32 = 400;
/// Suggestions need this many characters of text.
const SUGGEST_MIN_CHARS: usize = 2;

/// The side panel. `suggest_from`: the text being typed (诉求内容), looked up once it rests;
/// `on_cite`: hears the plain text of an article cited with 引用 (no 引用 buttons without it).
#[component]
pub fn KbPanel(
    #[prop(optional, into)] suggest_from: Option<Signal<String>>,
    #[prop(optional)] on_cite: Option<Callback<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    // Suggestions: each change of the text gets the next number; an answer is shown only if
    // its number is still the latest (a slow answer to older text never replaces a newer one).
    let suggest_seq = StoredValue::new(0u64);
    let suggestions = RwSignal::new(None::<Result<Vec<SearchHit>, AppError>>);
    let suggesting = RwSignal::new(false);
    if let Some(source) = suggest_from {
        // Only a change of the text itself (the form's other fields leave it alone).
        let source = Memo::new(move |_| source.get());
        Effect::new(move |_| {
            let text = source.get();
            suggest_seq.update_value(|s| *s += 1);
            let mine = suggest_seq.get_value();
            if text.trim().chars().count() < SUGGEST_MIN_CHARS {
                suggesting.set(false);
                suggestions.set(None);
                return;
            }
            suggesting.set(true);
            leptos::task::spawn_local(async move {
                let latest = move || suggest_seq.try_get_value() == Some(mine);
                sleep_ms(DEBOUNCE_MS).await;
                if !latest() {
                    return;
                }
                let r = kb_suggest(text).await;
                if latest() {
                    let _ = suggesting.try_set(false);
                    let _ = suggestions.try_set(Some(r));
                }
            });
        });
    }

    // The panel's own search, with the same rule for answers that come late.
    let typed = RwSignal::new(String::new());
    let searched = RwSignal::new(None::<(String, Result<SearchResult, AppError>)>);
    let searching = RwSignal::new(false);
    let search_seq = StoredValue::new(0u64);
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = typed.get_untracked().trim().to_string();
        search_seq.update_value(|s| *s += 1);
        let mine = search_seq.get_value();
        if q.is_empty() {
            searched.set(None);
            searching.set(false);
            return;
        }
        searching.set(true);
        leptos::task::spawn_local(async move {
            let r = kb_search(SearchInput { q: q.clone(), page: 1, panel: true }).await;
            if search_seq.try_get_value() == Some(mine) {
                let _ = searching.try_set(false);
                let _ = searched.try_set(Some((q, r)));
            }
        });
    };

    // 引用: the article's plain text to the form; which one was cited last, or the failure.
    let cited = RwSignal::new(None::<i64>);
    let cite_error = RwSignal::new(None::<AppError>);
    let cite = on_cite.map(|cb| {
        Callback::new(move |id: i64| {
            cite_error.set(None);
            leptos::task::spawn_local(async move {
                match kb_article(id).await {
                    Ok(a) => {
                        cb.run(a.content_text);
                        let _ = cited.try_set(Some(id));
                    }
                    Err(e) => {
                        let _ = cite_error.try_set(Some(e));
                    }
                }
            });
        })
    });

    let hit_list = move |hits: Vec<SearchHit>, testid: &'static str| {
        view! {
            <ul class="kb-panel-hits" data-testid=testid>
                {hits.into_iter().map(|h| view! { <PanelHit h=h cite=cite cited=cited/> }).collect_view()}
            </ul>
        }
    };
    view! {
        <section class="card kb-panel" aria-labelledby="kb-panel-title" data-testid="kb-panel">
            <h2 id="kb-panel-title">{move || i18n.t("知识库", "Knowledge base")}</h2>
            {suggest_from.map(|_| view! {
                <div class="kb-panel-block" aria-live="polite" aria-busy=move || suggesting.get().to_string()>
                    <h3>
                        {move || i18n.t("推荐知识点", "Suggested articles")}
                        <span class="kb-panel-busy muted">{move || suggesting.get().then(|| i18n.t("查找中…", "Looking…"))}</span>
                    </h3>
                    {move || match suggestions.get() {
                        None => view! {
                            <p class="muted kb-panel-hint">{move || i18n.t("输入诉求内容后,这里会推荐相关的知识点。", "Articles that answer the request appear here as you type it.")}</p>
                        }.into_any(),
                        Some(Err(e)) => view! { <p class="field-error" role="alert">{e.message(i18n.locale())}</p> }.into_any(),
                        Some(Ok(hits)) if hits.is_empty() => view! {
                            <p class="muted kb-panel-hint" data-testid="kb-suggest-none">{move || i18n.t("没有相关的知识点。", "No related article.")}</p>
                        }.into_any(),
                        Some(Ok(hits)) => hit_list(hits, "kb-suggest").into_any(),
                    }}
                </div>
            })}
            <form class="kb-panel-search" role="search" on:submit=on_search>
                <label for="kb-panel-q" class="sr-only">{move || i18n.t("搜索知识库", "Search the knowledge base")}</label>
                <input id="kb-panel-q" type="search" autocomplete="off" maxlength=MAX_QUERY_CHARS.to_string()
                    placeholder=move || i18n.t("搜索知识库", "Search the knowledge base")
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))/>
                <button type="submit" class="btn" disabled=move || searching.get()>{move || i18n.t("搜索", "Search")}</button>
            </form>
            <div class="kb-panel-block" aria-live="polite">
                {move || searched.get().map(|(q, r)| match r {
                    Err(e) => view! { <p class="field-error" role="alert">{e.message(i18n.locale())}</p> }.into_any(),
                    Ok(r) if r.hits.is_empty() => {
                        let shown = q.clone();
                        view! {
                            <p class="muted" data-testid="kb-panel-none">
                                {move || match i18n.locale() {
                                    crate::i18n::Locale::Zh => format!("未找到包含“{shown}”的知识点"),
                                    crate::i18n::Locale::En => format!("No article contains “{shown}”"),
                                }}
                            </p>
                        }
                        .into_any()
                    }
                    Ok(r) => {
                        let total = r.total;
                        let more = format!("/kb?q={}", crate::url::urlencode(&q));
                        view! {
                            {hit_list(r.hits, "kb-panel-results")}
                            <p class="kb-panel-more">
                                <a class="link" href=more target="_blank" rel="noopener">
                                    {move || match i18n.locale() {
                                        crate::i18n::Locale::Zh => format!("共 {total} 条,在知识库中查看"),
                                        crate::i18n::Locale::En => format!("{total} in all: open in the knowledge base"),
                                    }}
                                </a>
                            </p>
                        }
                        .into_any()
                    }
                })}
            </div>
            {move || cite_error.get().map(|e| view! { <p class="field-error" role="alert">{e.message(i18n.locale())}</p> })}
        </section>
    }
}

/// One article in the panel: where it is, its title (opens it in a new tab), the snippet and,
/// in a form that takes answers, 引用.
#[component]
fn PanelHit(h: SearchHit, cite: Option<Callback<i64>>, cited: RwSignal<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let id = h.id;
    let title: String = h.title.iter().map(|s| s.text.as_str()).collect();
    let cite_label = title.clone();
    view! {
        <li class="kb-panel-hit" data-testid="kb-panel-hit" data-article=id.to_string()>
            {(!h.path.is_empty()).then(|| view! { <div class="kb-path muted">{path_text(&h.path)}</div> })}
            <a class="kb-hit-title" href=format!("/kb/articles/{id}") target="_blank" rel="noopener"
                title=move || i18n.t("在新标签页中打开", "Opens in a new tab")>
                {marked(h.title)}
            </a>
            {status_badge(h.status)}
            <p class="kb-snippet">{marked(h.snippet)}</p>
            {cite.map(|cb| view! {
                <div class="kb-panel-cite">
                    <button type="button" class="btn btn-small" data-testid="kb-cite"
                        aria-label=move || format!("{}:{}", i18n.t("引用", "Cite"), cite_label)
                        on:click=move |_| cb.run(id)>
                        {move || i18n.t("引用", "Cite")}
                    </button>
                    <span class="muted" role="status">
                        {move || (cited.get() == Some(id)).then(|| i18n.t("已引用", "Cited"))}
                    </span>
                </div>
            })}
        </li>
    }
}

/// The answer field `current` with the `cited` text added: alone when the field is empty,
/// otherwise after what is there and a blank line.
pub fn cite_into(current: &str, cited: &str) -> String {
    let cited = cited.trim();
    if current.trim().is_empty() { cited.to_string() } else { format!("{}\n\n{cited}", current.trim_end()) }
}

/// Waits `ms` milliseconds in the browser (nothing on the server).
async fn sleep_ms(ms: i32) {
    #[cfg(feature = "hydrate")]
    {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ms;
}

#[cfg(test)]
mod tests {
    use super::cite_into;

    #[test]
    fn a_citation_follows_what_was_typed() {
        assert_eq!(cite_into("", " 会员可在服务到期前30天办理续费。\n"), "会员可在服务到期前30天办理续费。");
        assert_eq!(cite_into("  \n", "答复"), "答复");
        assert_eq!(cite_into("已告知会员:\n", "答复"), "已告知会员:\n\n答复");
    }
}
