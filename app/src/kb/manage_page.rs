//! 知识库维护 (PG-62): the tabs 知识点 (the article list with its filters in the URL and the
//! row actions 编辑 / 发布 / 下架 / 转为草稿 / 删除), 类别管理 (the catalogue: rename, reorder,
//! add and delete categories; the built-in ones stay), 导入 (a .zip bundle of Markdown/HTML
//! files, previewed, then imported) and 无结果搜索 (the queries that found nothing, §8.3.10).
//! The tab is kept in the URL (`?tab=`); 知识点 is the default, so its filters own the rest of
//! the query.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{
    kb_delete, kb_delete_category, kb_import, kb_manage_list, kb_manage_options, kb_move_category, kb_save_category,
    kb_set_status, kb_zero_results, load_kb_home,
};
use super::{
    ArticleFilter, ArticleRow, ArticleStatus, CategoryInput, CategoryNode, ImportOutcome, ImportPreview, ImportRun,
    StatusInput,
};
use crate::bind_filter;
use crate::error::AppError;
use crate::i18n::{Locale, use_i18n};
use crate::ui::filters::{DateRange, IdFilter, SelectFilter, TextFilter};
use crate::ui::list::{FilterButtons, FilterForm, ListState, ListTable};
use crate::ui::{ErrorBanner, PageHeader, confirm, field_errors, fmt_time, focus_later};

/// The tabs: (URL value, 中文, English); the first is the default (no `tab` in the URL).
const TABS: [(&str, &str, &str); 4] = [
    ("articles", "知识点", "Articles"),
    ("categories", "类别管理", "Categories"),
    ("import", "导入", "Import"),
    ("zero", "无结果搜索", "Zero-result searches"),
];

const COLUMNS: &[(&str, &str)] = &[
    ("标题", "Title"),
    ("类别", "Category"),
    ("状态", "Status"),
    ("版本", "Version"),
    ("更新人", "Updated by"),
    ("更新时间", "Updated"),
    ("浏览", "Views"),
    ("操作", "Actions"),
];

/// A message in both languages, picked when shown.
type Notice = RwSignal<Option<(String, String)>>;

fn notice_signal(notice: Notice) -> Signal<Option<String>> {
    let i18n = use_i18n();
    Signal::derive(move || notice.get().map(|(zh, en)| i18n.pick(&zh, &en)))
}

fn pick(locale: Locale, zh: String, en: String) -> String {
    match locale {
        Locale::Zh => zh,
        Locale::En => en,
    }
}

#[component]
pub fn KbManagePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let tab = Memo::new(move |_| {
        let t = query.with(|q| q.get("tab").unwrap_or_default());
        TABS.iter().find(|(code, ..)| *code == t).map_or(TABS[0].0, |(code, ..)| *code)
    });
    view! {
        <PageHeader title=("知识库维护", "KB maintenance")>
            <a class="btn" href="/kb">{move || i18n.t("浏览知识库", "Browse the knowledge base")}</a>
            <a class="btn btn-primary" href="/kb/manage/articles/new" data-testid="kb-new">
                {move || i18n.t("新增知识点", "New article")}
            </a>
        </PageHeader>
        <nav class="tabs kb-tabs" aria-label=move || i18n.t("知识库维护页签", "Maintenance tabs")>
            {TABS.iter().enumerate().map(|(n, (code, zh, en))| {
                let href = if n == 0 { "/kb/manage".to_string() } else { format!("/kb/manage?tab={code}") };
                view! {
                    <a class="tab" href=href data-tab=*code class:active=move || tab.get() == *code
                        aria-current=move || (tab.get() == *code).then_some("page")>
                        {move || i18n.t(zh, en)}
                    </a>
                }
            }).collect_view()}
        </nav>
        {move || match tab.get() {
            "categories" => view! { <CategoriesTab/> }.into_any(),
            "import" => view! { <ImportTab/> }.into_any(),
            "zero" => view! { <ZeroResultsTab/> }.into_any(),
            _ => view! { <ArticlesTab/> }.into_any(),
        }}
    }
}

// ---------------------------------------------------------------------------------------------
// 知识点

#[component]
fn ArticlesTab() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<ArticleFilter>::new(|_| {});
    let draft = list.draft;
    let rows = list.load(kb_manage_list);
    let options = Resource::new(|| (), |_| kb_manage_options());
    let errors = Signal::derive(move || list.filter.with(|f| field_errors(f.validate().err().as_ref())));
    let error = RwSignal::new(None::<AppError>);
    let notice: Notice = RwSignal::new(None);
    // A new filter: the last action's message has done its job.
    Effect::new(move |first: Option<()>| {
        list.filter.track();
        if first.is_some() {
            notice.set(None);
        }
    });
    let done = Callback::new(move |msg: Option<(String, String)>| {
        error.set(None);
        notice.set(msg);
        list.reload();
    });
    view! {
        <FilterForm list>
            <IdFilter label=("类别", "Category") id="cat" options pick=|o| o.categories.clone()
                value=Signal::derive(move || draft.with(|f| f.category))
                on_change=Callback::new(move |v| draft.update(|f| f.category = v))/>
            <SelectFilter label=("状态", "Status") id="status" choices=ArticleStatus::CHOICES
                value=bind_filter!(draft, status) errors=errors/>
            <IdFilter label=("更新人", "Updated by") id="editor" options pick=|o| o.editors.clone()
                value=Signal::derive(move || draft.with(|f| f.editor))
                on_change=Callback::new(move |v| draft.update(|f| f.editor = v))/>
            <DateRange label=("更新时间", "Updated") id="updated" from=bind_filter!(draft, updated_from)
                to=bind_filter!(draft, updated_to) errors=errors/>
            <TextFilter label=("关键字", "Keyword") id="f-q" value=bind_filter!(draft, keyword)
                placeholder=("标题、关键词或内容", "Title, keywords or content")/>
            <FilterButtons list/>
        </FilterForm>
        <ErrorBanner error/>
        {move || notice_signal(notice).get().map(|m| view! {
            <div class="alert alert-success" role="status" data-testid="kb-notice">{m}</div>
        })}
        <ListTable rows columns=COLUMNS on_page=list.on_page() testid="kb-articles" class="kb-articles"
            row=move |r| view! { <ArticleRowView r=r error=error done=done/> }
            empty=move || view! {
                <p>{move || i18n.t("没有符合条件的知识点", "No articles match")}</p>
                <p class="muted">
                    {move || i18n.t("可调整查询条件,或", "Change the filters, or ")}
                    <a class="link" href="/kb/manage/articles/new">{move || i18n.t("新增知识点", "add an article")}</a>
                    {move || i18n.t(",也可在“导入”页签批量导入。", "; the Import tab takes a whole bundle.")}
                </p>
            }/>
    }
}

/// The status changes offered for an article in `status`: (target, 中文, English).
fn status_actions(status: ArticleStatus) -> &'static [(ArticleStatus, &'static str, &'static str)] {
    match status {
        ArticleStatus::Draft => &[(ArticleStatus::Published, "发布", "Publish")],
        ArticleStatus::Published => {
            &[(ArticleStatus::Archived, "下架", "Archive"), (ArticleStatus::Draft, "转为草稿", "Back to draft")]
        }
        ArticleStatus::Archived => {
            &[(ArticleStatus::Published, "发布", "Publish"), (ArticleStatus::Draft, "转为草稿", "Back to draft")]
        }
    }
}

#[component]
fn ArticleRowView(
    r: ArticleRow,
    error: RwSignal<Option<AppError>>,
    done: Callback<Option<(String, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (id, version, status) = (r.id, r.version, r.status);
    let title = StoredValue::new(r.title.clone());
    let busy = RwSignal::new(false);
    let set_status = move |to: ArticleStatus| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = kb_set_status(StatusInput { id, version, status: to }).await;
            busy.set(false);
            match result {
                Ok(s) => {
                    let t = title.get_value();
                    let (zh, en) = match to {
                        ArticleStatus::Published => ("已发布", "published"),
                        ArticleStatus::Archived => ("已下架", "archived"),
                        ArticleStatus::Draft => ("已转为草稿", "back to draft"),
                    };
                    done.run(Some((format!("「{t}」{zh}(v{})", s.version), format!("“{t}”: {en} (v{})", s.version))))
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let delete = move |_| {
        let t = title.get_value();
        let asked = pick(
            i18n.locale(),
            format!("确定删除知识点「{t}」?删除后读者不再看到它,修订记录保留。"),
            format!("Delete the article “{t}”? Readers will no longer see it; its revisions are kept."),
        );
        if !confirm(&asked) {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = kb_delete(id, version).await;
            busy.set(false);
            match result {
                Ok(()) => done.run(Some((format!("已删除「{t}」"), format!("Deleted “{t}”")))),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <tr data-article=id.to_string()>
            <td class="kb-title-cell"><a class="link" href=format!("/kb/articles/{id}")>{r.title.clone()}</a></td>
            <td class="muted kb-path-cell">{r.path.join(" › ")}</td>
            <td><span class=status.badge() data-status=status.code()>{move || status.label(i18n.locale())}</span></td>
            <td class="num">{format!("v{version}")}</td>
            <td>{r.updated_by.clone()}</td>
            <td class="nowrap">{fmt_time(&r.updated_at)}</td>
            <td class="num">{r.view_count}</td>
            <td class="row-actions">
                <a class="link" href=format!("/kb/manage/articles/{id}") data-action="edit">{move || i18n.t("编辑", "Edit")}</a>
                {status_actions(status).iter().map(|(to, zh, en)| {
                    let to = *to;
                    view! {
                        <button type="button" class="link" data-action=to.code() disabled=move || busy.get()
                            on:click=move |_| set_status(to)>{move || i18n.t(zh, en)}</button>
                    }
                }).collect_view()}
                <button type="button" class="link danger" data-action="delete" disabled=move || busy.get() on:click=delete>
                    {move || i18n.t("删除", "Delete")}
                </button>
            </td>
        </tr>
    }
}

// ---------------------------------------------------------------------------------------------
// 类别管理

/// The inline form open in the tree: renaming a category, or adding one under a parent
/// (`None`: a new top-level category).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CatEdit {
    Rename(i64),
    Add(Option<i64>),
}

/// The state of the category tree shared by its nodes.
#[derive(Clone, Copy)]
struct Tree {
    editing: RwSignal<Option<CatEdit>>,
    text: RwSignal<String>,
    error: RwSignal<Option<AppError>>,
    busy: RwSignal<bool>,
    notice: Notice,
    reload: Callback<()>,
}

impl Tree {
    fn open(&self, edit: CatEdit, text: String) {
        self.error.set(None);
        self.text.set(text);
        self.editing.set(Some(edit));
        focus_later("kb-cat-title");
    }

    fn save(&self, parent_id: Option<i64>) {
        let Some(edit) = self.editing.get_untracked() else { return };
        let input = CategoryInput {
            id: match edit {
                CatEdit::Rename(id) => Some(id),
                CatEdit::Add(_) => None,
            },
            parent_id,
            title: self.text.get_untracked().trim().to_string(),
        };
        if let Err(e) = input.validate() {
            self.error.set(Some(e));
            return;
        }
        let this = *self;
        this.busy.set(true);
        leptos::task::spawn_local(async move {
            let title = input.title.clone();
            let result = kb_save_category(input).await;
            this.busy.set(false);
            match result {
                Ok(_) => {
                    this.editing.set(None);
                    this.notice.set(Some(match edit {
                        CatEdit::Rename(_) => (format!("已重命名为「{title}」"), format!("Renamed to “{title}”")),
                        CatEdit::Add(_) => (format!("已添加类别「{title}」"), format!("Added “{title}”")),
                    }));
                    this.reload.run(());
                }
                Err(e) => this.error.set(Some(e)),
            }
        });
    }

    /// Runs a move or delete, then reloads (or shows why not).
    fn act(
        &self,
        fut: impl std::future::Future<Output = Result<(), AppError>> + 'static,
        msg: Option<(String, String)>,
    ) {
        let this = *self;
        this.busy.set(true);
        this.error.set(None);
        leptos::task::spawn_local(async move {
            let result = fut.await;
            this.busy.set(false);
            match result {
                Ok(()) => {
                    this.notice.set(msg);
                    this.reload.run(());
                }
                Err(e) => this.error.set(Some(e)),
            }
        });
    }
}

#[component]
fn CategoriesTab() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let home = Resource::new(move || version.get(), |_| load_kb_home());
    let tree = Tree {
        editing: RwSignal::new(None),
        text: RwSignal::new(String::new()),
        error: RwSignal::new(None),
        busy: RwSignal::new(false),
        notice: RwSignal::new(None),
        reload: Callback::new(move |_| version.update(|v| *v += 1)),
    };
    // Errors of the open form are shown at its field; others (a refused delete) above the tree.
    let general = Signal::derive(move || {
        tree.error.get().filter(|e| e.field_errors().is_none() && tree.editing.with(Option::is_none))
    });
    let inline_general = Signal::derive(move || tree.error.get().filter(|e| e.field_errors().is_none()));
    view! {
        <div class="card kb-categories" data-testid="kb-categories">
            <div class="toolbar">
                <p class="muted small">
                    {move || i18n.t(
                        "内置类别(标题一至标题七及其预置子目录)不可删除;有知识点或子类别的类别也不能删除。上移/下移调整同级顺序。",
                        "Built-in categories (the seven headings and their seeded sections) cannot be deleted, nor can a category that still holds articles or sub-categories. Move up/down reorders siblings.",
                    )}
                </p>
                <button type="button" class="btn btn-primary" data-testid="kb-cat-add-top"
                    on:click=move |_| tree.open(CatEdit::Add(None), String::new())>
                    {move || i18n.t("添加类别", "Add category")}
                </button>
            </div>
            <ErrorBanner error=general/>
            {move || notice_signal(tree.notice).get().map(|m| view! {
                <div class="alert alert-success" role="status" data-testid="kb-cat-notice">{m}</div>
            })}
            {move || (tree.editing.get() == Some(CatEdit::Add(None))).then(|| view! {
                <CatForm tree parent_id=None general=inline_general/>
            })}
            <Transition fallback=move || view! { <p class="muted">{move || i18n.t("加载中…", "Loading…")}</p> }>
                {move || home.get().map(|h| match h {
                    Ok(h) => view! { <CategoryList nodes=h.tree depth=1 tree general=inline_general/> }.into_any(),
                    Err(e) => view! { <ErrorBanner error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

/// How deep categories nest (the server refuses a fifth level).
const MAX_DEPTH: usize = 4;

/// Siblings of the tree, in order.
#[component]
fn CategoryList(
    nodes: Vec<CategoryNode>,
    depth: usize,
    tree: Tree,
    general: Signal<Option<AppError>>,
) -> impl IntoView {
    let n = nodes.len();
    view! {
        <ul class="kb-cat-tree">
            {nodes.into_iter().enumerate().map(|(i, node)| view! {
                <CategoryItem node depth first=i == 0 last=i + 1 == n tree general/>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn CategoryItem(
    node: CategoryNode,
    /// 1 for a heading.
    depth: usize,
    first: bool,
    last: bool,
    tree: Tree,
    general: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let CategoryNode { id, parent_id, title, builtin, articles, children, heading_no } = node;
    let title = StoredValue::new(title);
    let renaming = move || tree.editing.get() == Some(CatEdit::Rename(id));
    let adding = move || tree.editing.get() == Some(CatEdit::Add(Some(id)));
    let busy = tree.busy;
    let move_by = move |up: bool| tree.act(kb_move_category(id, up), None);
    let delete = move |_| {
        let t = title.get_value();
        let asked = pick(i18n.locale(), format!("确定删除类别「{t}」?"), format!("Delete the category “{t}”?"));
        if confirm(&asked) {
            tree.act(kb_delete_category(id), Some((format!("已删除类别「{t}」"), format!("Deleted “{t}”"))));
        }
    };
    let children = (!children.is_empty())
        .then(|| view! { <CategoryList nodes=children depth=depth + 1 tree general/> }.into_any());
    view! {
        <li data-category=id.to_string()>
            <div class="kb-cat-node" class:top=parent_id.is_none()>
                {move || if renaming() {
                    view! { <CatForm tree parent_id general/> }.into_any()
                } else {
                    view! {
                        <span class="kb-cat-title">
                            {heading_no.map(|n| view! { <span class="kb-heading-no">{move || heading_label(i18n.locale(), n)}</span> })}
                            {title.get_value()}
                        </span>
                        {builtin.then(|| view! { <span class="badge badge-blue">{move || i18n.t("内置", "Built-in")}</span> })}
                        <span class="muted small">{move || match i18n.locale() {
                            Locale::Zh => format!("{articles} 篇"),
                            Locale::En => format!("{articles} articles"),
                        }}</span>
                    }.into_any()
                }}
                <span class="kb-cat-actions">
                    <button type="button" class="link" data-action="rename" disabled=move || busy.get()
                        on:click=move |_| tree.open(CatEdit::Rename(id), title.get_value())>
                        {move || i18n.t("重命名", "Rename")}
                    </button>
                    <button type="button" class="link" data-action="up" disabled=move || first || busy.get()
                        on:click=move |_| move_by(true)>{move || i18n.t("上移", "Up")}</button>
                    <button type="button" class="link" data-action="down" disabled=move || last || busy.get()
                        on:click=move |_| move_by(false)>{move || i18n.t("下移", "Down")}</button>
                    {(depth < MAX_DEPTH).then(|| view! {
                        <button type="button" class="link" data-action="add-child" disabled=move || busy.get()
                            on:click=move |_| tree.open(CatEdit::Add(Some(id)), String::new())>
                            {move || i18n.t("添加子类别", "Add sub-category")}
                        </button>
                    })}
                    {if builtin {
                        // Keeps the columns of actions aligned from row to row.
                        view! { <span class="kb-cat-slot" aria-hidden="true">{move || i18n.t("删除", "Delete")}</span> }.into_any()
                    } else {
                        view! {
                            <button type="button" class="link danger" data-action="delete" disabled=move || busy.get() on:click=delete>
                                {move || i18n.t("删除", "Delete")}
                            </button>
                        }.into_any()
                    }}
                </span>
            </div>
            {children}
            {move || adding().then(|| view! {
                <div class="kb-cat-child-form"><CatForm tree parent_id=Some(id) general/></div>
            })}
        </li>
    }
}

/// 标题一 … 标题七 (Heading 1 … 7).
fn heading_label(locale: Locale, n: i32) -> String {
    const NUMS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    match (locale, usize::try_from(n).ok().and_then(|n| n.checked_sub(1)).and_then(|i| NUMS.get(i))) {
        (Locale::Zh, Some(z)) => format!("标题{z}"),
        (Locale::Zh, None) => format!("标题{n}"),
        (Locale::En, _) => format!("Heading {n}"),
    }
}

/// The inline name input of a rename or a new category, with its error.
#[component]
fn CatForm(tree: Tree, parent_id: Option<i64>, general: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let errors = Signal::derive(move || field_errors(tree.error.get().as_ref()));
    let label = move || match tree.editing.get() {
        Some(CatEdit::Rename(_)) => i18n.t("新名称", "New name"),
        Some(CatEdit::Add(None)) => i18n.t("新类别名称", "New category"),
        _ => i18n.t("子类别名称", "Sub-category name"),
    };
    view! {
        <form class="kb-cat-form" class:has-error=move || errors.with(|e| e.get("title").is_some()) novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                tree.save(parent_id);
            }>
            <div class="kb-cat-form-row">
                <label for="kb-cat-title">{label}</label>
                <input id="kb-cat-title" name="title" type="text" maxlength="100" autocomplete="off"
                    aria-describedby="kb-cat-title-error"
                    prop:value=move || tree.text.get() on:input=move |ev| tree.text.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Escape" { tree.editing.set(None) }/>
                <button type="submit" class="btn btn-primary btn-small" data-testid="kb-cat-save" disabled=move || tree.busy.get()>
                    {move || i18n.t("保存", "Save")}
                </button>
                <button type="button" class="btn btn-small" on:click=move |_| { tree.error.set(None); tree.editing.set(None) }>
                    {move || i18n.t("取消", "Cancel")}
                </button>
            </div>
            <div class="field-error" id="kb-cat-title-error" role="alert">
                {move || errors.with(|e| e.get("title").map(|t| t.get(i18n.locale()).to_string()))
                    .or_else(|| general.get().map(|e| e.message(i18n.locale())))}
            </div>
        </form>
    }
}

// ---------------------------------------------------------------------------------------------
// 导入

#[component]
fn ImportTab() -> impl IntoView {
    let i18n = use_i18n();
    let preview = RwSignal::new(None::<ImportPreview>);
    let status = RwSignal::new(ArticleStatus::Draft);
    let outcome = RwSignal::new(None::<ImportOutcome>);
    let error = RwSignal::new(None::<AppError>);
    let upload_error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let upload = move |_| {
        busy.set(true);
        upload_error.set(None);
        error.set(None);
        outcome.set(None);
        leptos::task::spawn_local(async move {
            let result = crate::jobs::api::upload::<ImportPreview>("/upload/kb-import", "kb-import-file").await;
            busy.set(false);
            match result {
                Ok(p) => preview.set(Some(p)),
                Err(e) => {
                    preview.set(None);
                    upload_error.set(Some(e));
                }
            }
        });
    };
    let run = move |_| {
        let Some(p) = preview.get_untracked() else { return };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = kb_import(ImportRun { key: p.key.clone(), status: status.get_untracked() }).await;
            busy.set(false);
            match result {
                Ok(o) => {
                    preview.set(None);
                    outcome.set(Some(o));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let upload_message = move || {
        upload_error.get().map(|e| match e.field_errors() {
            Some(f) => f.0.iter().map(|fe| fe.message.get(i18n.locale()).to_string()).collect::<Vec<_>>().join(";"),
            None => e.message(i18n.locale()),
        })
    };
    view! {
        <div class="card kb-import" data-testid="kb-import">
            <h2>{move || i18n.t("导入知识点", "Import articles")}</h2>
            <p class="hint kb-import-help">
                {move || i18n.t(
                    "上传 .zip 压缩包:其中每个 .md(Markdown)或 .html 文件导入为一个知识点,标题取文件中的第一个标题(没有时取文件名);文件所在的文件夹即类别路径,如 “产品知识/EC数据宝2.0/续费说明.md”,不存在的类别将自动新建。",
                    "Upload a .zip bundle: every .md (Markdown) or .html file becomes one article, titled by its first heading (or its file name); the folders it sits in are its category path, e.g. “产品知识/EC数据宝2.0/renewal.md”, and missing categories are created.",
                )}
            </p>
            <div class="form-row" class:has-error=move || upload_error.with(Option::is_some)>
                <div class="upload-row">
                    <label for="kb-import-file">{move || i18n.t("压缩包", "Bundle")}</label>
                    <input id="kb-import-file" type="file" accept=".zip,application/zip" aria-describedby="kb-import-file-error"/>
                    <button type="button" class="btn" data-testid="kb-import-upload" disabled=move || busy.get() on:click=upload>
                        {move || i18n.t("上传并预览", "Upload and preview")}
                    </button>
                </div>
                <div class="field-error" id="kb-import-file-error" role="alert">{upload_message}</div>
            </div>
            <ErrorBanner error/>
            {move || outcome.get().map(|o| view! {
                <div class="alert alert-success" role="status" data-testid="kb-import-done">
                    {move || match i18n.locale() {
                        Locale::Zh => format!("导入完成:{} 个知识点,新建 {} 个类别。", o.articles, o.categories),
                        Locale::En => format!("Imported {} articles and created {} categories.", o.articles, o.categories),
                    }}
                    " "<a class="link" href="/kb/manage">{move || i18n.t("查看知识点列表", "See the articles")}</a>
                </div>
            })}
            {move || preview.get().map(|p| {
                let total = p.items.len();
                let bad = p.items.iter().filter(|i| i.error.is_some()).count();
                let good = total - bad;
                view! {
                    <div class="kb-import-preview" data-testid="kb-import-preview">
                        <p class="kb-import-summary">{move || match i18n.locale() {
                            Locale::Zh => format!("共 {total} 个文件:{good} 个可导入,{bad} 个有问题将跳过。"),
                            Locale::En => format!("{total} files: {good} can be imported, {bad} with problems will be skipped."),
                        }}</p>
                        <div class="table-wrap">
                            <table class="data">
                                <thead><tr>
                                    <th>{move || i18n.t("文件", "File")}</th>
                                    <th>{move || i18n.t("类别", "Category")}</th>
                                    <th>{move || i18n.t("标题", "Title")}</th>
                                    <th class="num">{move || i18n.t("字数", "Characters")}</th>
                                    <th>{move || i18n.t("问题", "Problem")}</th>
                                </tr></thead>
                                <tbody>
                                    {p.items.into_iter().map(|it| {
                                        let bad = it.error.is_some();
                                        view! {
                                        <tr class:kb-import-bad=bad>
                                            <td class="kb-import-path">{it.path}</td>
                                            <td>
                                                {it.category.join(" › ")}
                                                {it.new_category.then(|| view! { " "<span class="badge badge-orange">{move || i18n.t("新建", "New")}</span> })}
                                            </td>
                                            <td>{it.title}</td>
                                            <td class="num">{it.chars}</td>
                                            <td class="kb-import-error">{it.error}</td>
                                        </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <fieldset class="kb-import-status">
                            <legend>{move || i18n.t("导入后的状态", "Status after import")}</legend>
                            {[ArticleStatus::Draft, ArticleStatus::Published].into_iter().map(|s| view! {
                                <label class="checkbox-row">
                                    <input type="radio" name="kb-import-status" value=s.code()
                                        prop:checked=move || status.get() == s on:change=move |_| status.set(s)/>
                                    {move || s.label(i18n.locale())}
                                </label>
                            }).collect_view()}
                        </fieldset>
                        <div class="form-buttons">
                            <button type="button" class="btn btn-primary" data-testid="kb-import-run"
                                disabled=move || busy.get() || good == 0 on:click=run>
                                {move || i18n.t("确认导入", "Import")}
                            </button>
                            <button type="button" class="btn" on:click=move |_| preview.set(None)>
                                {move || i18n.t("取消", "Cancel")}
                            </button>
                        </div>
                    </div>
                }
            })}
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// 无结果搜索

const PERIODS: [(i64, &str, &str); 3] =
    [(7, "近 7 天", "7 days"), (30, "近 30 天", "30 days"), (90, "近 90 天", "90 days")];

#[component]
fn ZeroResultsTab() -> impl IntoView {
    let i18n = use_i18n();
    let days = RwSignal::new(30i64);
    let rows = Resource::new(move || days.get(), kb_zero_results);
    view! {
        <div class="card kb-zero" data-testid="kb-zero">
            <div class="toolbar">
                <p class="muted small">
                    {move || i18n.t(
                        "读者搜索后没有找到任何知识点的搜索词,按次数排列:可据此补充知识点或关键词。",
                        "Searches that found no article, most frequent first: candidates for new articles or keywords.",
                    )}
                </p>
                <div class="segmented" role="group" aria-label=move || i18n.t("时间范围", "Period")>
                    {PERIODS.into_iter().map(|(n, zh, en)| view! {
                        <button type="button" class:active=move || days.get() == n aria-pressed=move || (days.get() == n).to_string()
                            data-days=n on:click=move |_| days.set(n)>{move || i18n.t(zh, en)}</button>
                    }).collect_view()}
                </div>
            </div>
            <Transition fallback=move || view! { <p class="muted">{move || i18n.t("加载中…", "Loading…")}</p> }>
                {move || rows.get().map(|r| match r {
                    Err(e) => view! { <ErrorBanner error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! {
                        <div class="empty"><p>{move || i18n.t("这段时间没有无结果的搜索", "No search came back empty in this period")}</p></div>
                    }.into_any(),
                    Ok(rows) => view! {
                        <table class="data" data-testid="kb-zero-table">
                            <thead><tr>
                                <th>{move || i18n.t("搜索词", "Query")}</th>
                                <th class="num">{move || i18n.t("次数", "Times")}</th>
                                <th>{move || i18n.t("最近一次", "Last")}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| view! {
                                    <tr>
                                        <td>{r.query}</td>
                                        <td class="num">{r.times}</td>
                                        <td>{fmt_time(&r.last_at)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
        </div>
    }
}
