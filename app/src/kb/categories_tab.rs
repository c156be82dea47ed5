//! 知识库维护 › 类别管理: the catalogue as a tree — rename inline, 上移/下移, 添加子类别 (down to
//! 4 levels), 删除 for categories that are not built in — each error under its input.
use leptos::prelude::*;

use super::api::{kb_delete_category, kb_move_category, kb_save_category, load_kb_home};
use super::{CategoryInput, CategoryNode};
use super::{Notice, notice_signal, pick};
use crate::error::AppError;
use crate::i18n::{Locale, use_i18n};
use crate::ui::{ErrorBanner, confirm, field_errors, focus_later};

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
pub(super) fn CategoriesTab() -> impl IntoView {
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
