//! 知识库 (PG-60): the catalogue tree on the left; on the right the articles of the chosen
//! category, the results of 关键字搜索 (category path, highlighted title and snippet) or, with
//! neither, the articles updated last. The query, the category and the page live in the URL
//! (`?q=…&page=…`, `?cat=ID`), so a search or a category can be bookmarked and shared.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{kb_category, kb_search, load_kb_home};
use super::{ArticleBrief, ArticleStatus, CategoryNode, KbHome, MAX_QUERY_CHARS, SearchHit, SearchInput, Segment};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::list::{ListTable, Results};
use crate::ui::{ErrorBanner, PageHeader, Pager, fmt_time, query_num, query_parse, use_query_navigate};

/// Highlighted text: the `hit` pieces in `<mark>`, every piece as text (never HTML).
pub fn marked(segments: Vec<Segment>) -> impl IntoView {
    segments
        .into_iter()
        .map(|s| if s.hit { view! { <mark>{s.text}</mark> }.into_any() } else { s.text.into_any() })
        .collect_view()
}

/// A category path as shown: 标题 › 子目录.
pub fn path_text(path: &[String]) -> String {
    path.join(" › ")
}

/// `YYYY-MM-DD` in Asia/Shanghai.
pub fn fmt_date(t: &chrono::DateTime<chrono::Utc>) -> String {
    crate::cst::local(t).format("%Y-%m-%d").to_string()
}

/// The status badge of an article that is not 已发布 (editors see drafts and archived ones).
pub fn status_badge(status: ArticleStatus) -> impl IntoView {
    let i18n = use_i18n();
    (status != ArticleStatus::Published).then(
        || view! { <span class=status.badge() data-testid="kb-status">{move || status.label(i18n.locale())}</span> },
    )
}

/// The articles of a category and its sub-categories.
fn subtree_total(n: &CategoryNode) -> u64 {
    n.articles + n.children.iter().map(subtree_total).sum::<u64>()
}

/// The path (标题 › 子目录) of category `id` in `tree`.
fn path_of(tree: &[CategoryNode], id: i64) -> Option<Vec<String>> {
    tree.iter().find_map(|n| {
        if n.id == id {
            Some(vec![n.title.clone()])
        } else {
            path_of(&n.children, id).map(|mut p| {
                p.insert(0, n.title.clone());
                p
            })
        }
    })
}

/// The URL query of a view of the page.
fn query_of(q: &str, cat: Option<i64>, page: u64) -> String {
    let mut parts = vec![];
    if !q.trim().is_empty() {
        parts.push(format!("q={}", crate::url::urlencode(q.trim())));
    }
    if let Some(c) = cat {
        parts.push(format!("cat={c}"));
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    parts.join("&")
}

#[component]
pub fn KbPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q").unwrap_or_default()));
    let cat = Memo::new(move |_| query.with(|m| query_parse::<i64>(m, "cat")));
    let page = Memo::new(move |_| query.with(|m| query_num(m, "page", 1)).clamp(1, crate::ui::MAX_PAGE));
    let searching = Memo::new(move |_| !q.with(|q| q.trim().is_empty()));
    let home = Resource::new(|| (), |_| load_kb_home());
    let nav = use_query_navigate();
    let go = Callback::new(move |(q, cat, page): (String, Option<i64>, u64)| nav(query_of(&q, cat, page)));

    // What the search box shows: the URL's query, followed on back/forward and links.
    let draft = RwSignal::new(q.get_untracked());
    Effect::new(move |first: Option<()>| {
        let v = q.get();
        if first.is_some() {
            draft.set(v);
        }
    });
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        go.run((draft.get_untracked(), None, 1));
    };

    let editor = move || home.get().and_then(Result::ok).is_some_and(|h| h.editor);
    view! {
        <PageHeader title=("知识库", "Knowledge base")>
            <Transition fallback=|| ()>
                {move || editor().then(|| view! {
                    <a class="btn" href="/kb/manage" data-testid="kb-manage">{move || i18n.t("知识库维护", "Maintain")}</a>
                    <a class="btn btn-primary" href="/kb/manage/articles/new" data-testid="kb-new">
                        {move || i18n.t("新增知识点", "New article")}
                    </a>
                })}
            </Transition>
        </PageHeader>
        <form class="kb-search card" method="get" action="/kb" role="search" on:submit=on_search>
            <label for="kb-q" class="sr-only">{move || i18n.t("关键字搜索", "Keyword search")}</label>
            <input id="kb-q" name="q" type="search" autocomplete="off" maxlength=MAX_QUERY_CHARS.to_string()
                placeholder=move || i18n.t("关键字搜索:标题、关键词、内容、类别,多个关键字用空格分隔", "Search titles, keywords, content and categories; separate terms with spaces")
                value=move || q.get()
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))/>
            <button type="submit" class="btn btn-primary">{move || i18n.t("搜索", "Search")}</button>
            <Show when=move || searching.get()>
                <a class="btn" href="/kb">{move || i18n.t("清除", "Clear")}</a>
            </Show>
        </form>
        <div class="kb-layout">
            <nav class="kb-tree card" aria-label=move || i18n.t("知识库目录", "Catalogue") data-testid="kb-tree">
                <h2>{move || i18n.t("目录", "Catalogue")}</h2>
                <Transition fallback=|| view! { <p class="muted">"…"</p> }>
                    {move || home.get().map(|h| match h {
                        Ok(h) => view! {
                            <ul class="kb-nodes">
                                <li>
                                    <a href="/kb" class="kb-node" aria-current=move || (!searching.get() && cat.get().is_none()).then_some("page")>
                                        <span>{move || i18n.t("最近更新", "Recently updated")}</span>
                                    </a>
                                </li>
                            </ul>
                            {tree_view(h.tree, cat, searching)}
                        }
                        .into_any(),
                        Err(e) => view! { <ErrorBanner error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    })}
                </Transition>
            </nav>
            <section class="kb-results card" aria-label=move || i18n.t("知识点", "Articles")>
                {move || {
                    if searching.get() {
                        view! { <SearchResults q=q page=page go=go/> }.into_any()
                    } else if let Some(id) = cat.get() {
                        view! { <CategoryArticles id=id page=page home=home go=go/> }.into_any()
                    } else {
                        view! { <Recent home=home/> }.into_any()
                    }
                }}
            </section>
        </div>
    }
}

/// The catalogue: each category links to its articles, with how many there are.
fn tree_view(nodes: Vec<CategoryNode>, cat: Memo<Option<i64>>, searching: Memo<bool>) -> AnyView {
    if nodes.is_empty() {
        return ().into_any();
    }
    view! {
        <ul class="kb-nodes">
            {nodes.into_iter().map(|n| {
                let id = n.id;
                let total = subtree_total(&n);
                let heading = n.parent_id.is_none();
                view! {
                    <li>
                        <a href=format!("/kb?cat={id}") class="kb-node" class:kb-heading=heading data-cat=id.to_string()
                            aria-current=move || (!searching.get() && cat.get() == Some(id)).then_some("page")>
                            <span>{n.title.clone()}</span>
                            <span class="kb-count">{total}</span>
                        </a>
                        {tree_view(n.children, cat, searching)}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// A table of article briefs: title, place in the catalogue, status, who and when.
const BRIEF_COLUMNS: &[(&str, &str)] = &[
    ("标题", "Title"),
    ("所属类别", "Category"),
    ("状态", "Status"),
    ("更新人", "Updated by"),
    ("更新时间", "Updated"),
];

#[component]
fn BriefRow(a: ArticleBrief) -> impl IntoView {
    let i18n = use_i18n();
    let status = a.status;
    view! {
        <tr>
            <td><a class="link" href=format!("/kb/articles/{}", a.id)>{a.title.clone()}</a></td>
            <td class="muted">{path_text(&a.path)}</td>
            <td><span class=status.badge()>{move || status.label(i18n.locale())}</span></td>
            <td>{a.updated_by.clone()}</td>
            <td class="time">{fmt_time(&a.updated_at)}</td>
        </tr>
    }
}

#[component]
fn Recent(home: Resource<Result<KbHome, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2>{move || i18n.t("最近更新", "Recently updated")}</h2>
        <Transition fallback=|| view! { <p class="muted">"…"</p> }>
            {move || home.get().and_then(Result::ok).map(|h| {
                if h.recent.is_empty() {
                    view! {
                        <div class="empty" data-testid="kb-recent">
                            <p>{move || i18n.t("知识库中还没有知识点。", "The knowledge base has no articles yet.")}</p>
                        </div>
                    }
                    .into_any()
                } else {
                    view! {
                        <div class="table-wrap">
                            <table class="data" data-testid="kb-recent">
                                <thead><tr>
                                    {BRIEF_COLUMNS.iter().map(|(zh, en)| view! { <th>{move || i18n.t(zh, en)}</th> }).collect_view()}
                                </tr></thead>
                                <tbody>{h.recent.into_iter().map(|a| view! { <BriefRow a=a/> }).collect_view()}</tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn CategoryArticles(
    id: i64,
    page: Memo<u64>,
    home: Resource<Result<KbHome, AppError>>,
    go: Callback<(String, Option<i64>, u64)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows = Resource::new(move || page.get(), move |page| kb_category(id, page));
    let title = move || {
        home.get().and_then(Result::ok).and_then(|h| path_of(&h.tree, id)).map(|p| path_text(&p)).unwrap_or_default()
    };
    let editor = move || home.get().and_then(Result::ok).is_some_and(|h| h.editor);
    view! {
        <div class="kb-results-head">
            <h2 data-testid="kb-category-title">
                <Transition fallback=|| ()>{title}</Transition>
            </h2>
            <Transition fallback=|| ()>
                {move || editor().then(|| view! {
                    <a class="btn btn-small" href=format!("/kb/manage/articles/new?cat={id}")>
                        {move || i18n.t("在此类别新增", "New article here")}
                    </a>
                })}
            </Transition>
        </div>
        <ListTable rows columns=BRIEF_COLUMNS testid="kb-category"
            on_page=Callback::new(move |(p, _): (u64, u64)| go.run((String::new(), Some(id), p)))
            empty=move || view! { <p>{move || i18n.t("此类别下还没有知识点。", "No articles in this category yet.")}</p> }
            row=|a: ArticleBrief| view! { <BriefRow a=a/> }/>
    }
}

#[component]
fn SearchResults(q: Memo<String>, page: Memo<u64>, go: Callback<(String, Option<i64>, u64)>) -> impl IntoView {
    let i18n = use_i18n();
    let results =
        Resource::new(move || (q.get(), page.get()), |(q, page)| kb_search(SearchInput { q, page, panel: false }));
    let loading = RwSignal::new(false);
    let fallback = move || view! { <p class="muted">{move || i18n.t("搜索中…", "Searching…")}</p> };
    let body = move || {
        results.get().map(|r| match r {
            Err(e) => view! { <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div> }.into_any(),
            Ok(r) if r.empty_query => view! {
                <div class="empty"><p>{move || i18n.t("请输入要搜索的关键字。", "Type what to search for.")}</p></div>
            }
            .into_any(),
            Ok(r) if r.hits.is_empty() => view! { <NoHits q=q.get_untracked()/> }.into_any(),
            Ok(r) => {
                let (total, shown_page, per_page) = (r.total, r.page, r.per_page);
                view! {
                    <p class="kb-total" role="status" data-testid="kb-total">
                        {move || match i18n.locale() {
                            crate::i18n::Locale::Zh => format!("找到 {total} 条相关知识点"),
                            crate::i18n::Locale::En => format!("{total} articles found"),
                        }}
                    </p>
                    <ol class="kb-hits" data-testid="kb-hits">
                        {r.hits.into_iter().map(|h| view! { <HitItem h=h/> }).collect_view()}
                    </ol>
                    <Pager total=total page=shown_page per_page=per_page
                        on_change=Callback::new(move |(p, _): (u64, u64)| go.run((q.get_untracked(), None, p)))/>
                }
                .into_any()
            }
        })
    };
    view! {
        <h2>{move || i18n.t("搜索结果", "Search results")}</h2>
        <div class:loading=move || loading.get() aria-busy=move || loading.get().to_string()>
            <Results loading fallback=fallback>{body}</Results>
        </div>
    }
}

/// One search result: where it is, the title and the snippet with the hits marked, the date.
#[component]
fn HitItem(h: SearchHit) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/kb/articles/{}", h.id);
    view! {
        <li class="kb-hit" data-testid="kb-hit">
            <div class="kb-hit-head">
                {h.path.iter().map(|p| view! { <span class="kb-crumb">{p.clone()}</span><span class="kb-sep" aria-hidden="true">" › "</span> }).collect_view()}
                <a class="kb-hit-title" href=href>{marked(h.title)}</a>
                {status_badge(h.status)}
            </div>
            <p class="kb-snippet">{marked(h.snippet)}</p>
            <p class="kb-hit-meta muted">{move || i18n.t("更新于 ", "Updated ")}{fmt_date(&h.updated_at)}</p>
        </li>
    }
}

#[component]
fn NoHits(q: String) -> impl IntoView {
    let i18n = use_i18n();
    let shown = q.trim().to_string();
    view! {
        <div class="kb-empty" data-testid="kb-empty">
            <p class="kb-empty-title">
                {move || match i18n.locale() {
                    crate::i18n::Locale::Zh => format!("未找到包含“{shown}”的知识点"),
                    crate::i18n::Locale::En => format!("No article contains “{shown}”"),
                }}
            </p>
            <ul>
                <li>{move || i18n.t("检查关键字是否有错别字;", "Check the spelling;")}</li>
                <li>{move || i18n.t("换用更短或更常用的说法,例如“续费”而不是“续费怎么办理”;", "Try a shorter or more common term;")}</li>
                <li>{move || i18n.t("多个关键字以空格分隔时,结果须同时包含全部关键字,可减少关键字;", "Several terms must all appear: try fewer;")}</li>
                <li>{move || i18n.t("或在左侧目录中按类别浏览。", "Or browse the catalogue on the left.")}</li>
            </ul>
        </div>
    }
}
