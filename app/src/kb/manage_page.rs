//! 知识库维护 (PG-62): the tabs 知识点 (the article list with its filters in the URL and the
//! row actions 编辑 / 发布 / 下架 / 转为草稿 / 删除), 类别管理 (the catalogue: rename, reorder,
//! add and delete categories; the built-in ones stay), 导入 (a .zip bundle of Markdown/HTML
//! files, previewed, then imported) and 无结果搜索 (the queries that found nothing, §8.3.10).
//! The tab is kept in the URL (`?tab=`); 知识点 is the default, so its filters own the rest of
//! the query.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{kb_delete, kb_manage_list, kb_manage_options, kb_set_status};
use super::categories_tab::CategoriesTab;
use super::import_tab::{ImportTab, ZeroResultsTab};
use super::{ArticleFilter, ArticleRow, ArticleStatus, StatusInput};
use super::{Notice, notice_signal, pick};
use crate::bind_filter;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::filters::{DateRange, IdFilter, SelectFilter, TextFilter};
use crate::ui::list::{FilterButtons, FilterForm, ListState, ListTable};
use crate::ui::{ErrorBanner, PageHeader, confirm, field_errors, fmt_time};

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
