//! 客户档案信息管理 (PG-70): the customers entered in the CRM, with their review state; entry,
//! import, edit and delete start here.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{delete_customer_entry, list_archive};
use super::{ArchiveFilter, ArchiveRow, ReviewStatus, review_badge};
use crate::auth::{Perm, RoleCode};
use crate::bind_filter;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::layout::use_session_user;
use crate::members::api::load_query_choices;
use crate::members::enums::{self, CustomerType};
use crate::members::filter_fields::{DateRange, OrgFilter, SelectFilter, TextFilter};
use crate::ui::{Guard, PageHeader, Pager, confirm, fmt_time, use_query_navigate};

#[component]
pub fn ArchivePage() -> impl IntoView {
    view! {
        <Guard perms=&[Perm::ArchiveCustomer]>
            <Archive/>
        </Guard>
    }
}

#[component]
fn Archive() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter = Memo::new(move |_| ArchiveFilter::from_query(&query.get()));
    let draft = RwSignal::new(filter.get_untracked());
    Effect::new(move |_| draft.set(filter.get()));
    let version = RwSignal::new(0u32);
    let rows = Resource::new(move || (filter.get(), version.get()), |(f, _)| list_archive(f));
    let choices = Resource::new(|| (), |_| load_query_choices());
    let errors = Signal::derive(move || filter.with(|f| crate::ui::field_errors(f.validate().err().as_ref())));
    let action_error = RwSignal::new(None::<AppError>);
    let user = use_session_user();
    let can_import = user.has(Perm::ArchiveImport);
    let manager = user.role() == Some(RoleCode::CsManager);
    let nav = use_query_navigate();
    let go = move |f: ArchiveFilter| nav(f.to_query());
    let on_search = {
        let go = go.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            go(ArchiveFilter { page: 1, ..draft.get_untracked() });
        }
    };
    let reset = {
        let go = go.clone();
        move |_| {
            draft.set(ArchiveFilter::default());
            go(ArchiveFilter::default());
        }
    };
    let delete = Callback::new(move |(id, label): (i64, String)| {
        if !confirm(&format!("确定删除“{label}”?删除后该客户不再出现在任何列表中。")) {
            return;
        }
        leptos::task::spawn_local(async move {
            match delete_customer_entry(id).await {
                Ok(()) => {
                    action_error.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => action_error.set(Some(e)),
            }
        });
    });
    view! {
        <PageHeader title=("客户档案信息管理", "Customer archive")>
            {can_import.then(|| view! { <a class="btn" href="/archive/import">{move || i18n.t("批量导入", "Import")}</a> })}
            <a class="btn btn-primary" href="/archive/customers/new">{move || i18n.t("录入客户信息", "New customer")}</a>
        </PageHeader>
        <form class="filters" on:submit=on_search role="search">
            <TextFilter label=("企业名称", "Company") id="f-company" value=bind_filter!(draft, company)/>
            <TextFilter label=("客户姓名", "Customer name") id="f-contact" value=bind_filter!(draft, contact)/>
            <TextFilter label=("电话", "Phone") id="f-phone" value=bind_filter!(draft, phone) placeholder=("只比对数字", "Digits only")/>
            <SelectFilter label=("信息来源", "Source") id="info_source" choices=&enums::INFO_SOURCES[1..] value=bind_filter!(draft, info_source) errors=errors/>
            <SelectFilter label=("录入方式", "Entry method") id="entry_method" choices=enums::ENTRY_METHODS value=bind_filter!(draft, entry_method) errors=errors/>
            <SelectFilter label=("审核状态", "Review") id="review_status" choices=enums::REVIEW_STATUSES value=bind_filter!(draft, review_status) errors=errors/>
            <OrgFilter choices=choices value=Signal::derive(move || draft.with(|f| f.org)) on_change=Callback::new(move |v| draft.update(|f| f.org = v))/>
            <DateRange label=("录入时间", "Entered") id="entered" from=bind_filter!(draft, entered_from) to=bind_filter!(draft, entered_to) errors=errors/>
            <div class="filter-item">
                <span></span>
                <label class="check"><input type="checkbox" prop:checked=move || draft.with(|f| f.mine == "1")
                    on:change=move |ev| draft.update(|f| f.mine = if event_target_checked(&ev) { "1".into() } else { String::new() })/>
                    {move || i18n.t("只看我录入的", "Only mine")}</label>
            </div>
            <div class="filter-buttons">
                <button type="submit" class="btn btn-primary">{move || i18n.t("查询", "Search")}</button>
                <button type="button" class="btn" on:click=reset>{move || i18n.t("重置", "Reset")}</button>
            </div>
        </form>
        {move || action_error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div> })}
        <div class="table-wrap">
            <Transition fallback=|| view! { <div class="empty"><p>"查询中…"</p></div> }>
                {move || rows.get().map(|r| match r {
                    Err(AppError::Validation(_)) => view! { <div class="empty"><p>{move || i18n.t("请修正标红的查询条件", "Correct the marked filters")}</p></div> }.into_any(),
                    Err(e) => view! { <div class="alert alert-error">{e.message(i18n.locale())}</div> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! {
                        <div class="empty">
                            <p>{move || i18n.t("没有符合条件的客户档案", "No customers match")}</p>
                            <p class="muted">{move || i18n.t("点击“录入客户信息”逐条录入,或用“批量导入”从 Excel 导入。", "Use “New customer” or “Import” to add customers.")}</p>
                        </div>
                    }.into_any(),
                    Ok(p) => {
                        let go = go.clone();
                        view! {
                            <table class="data archive-grid" data-testid="archive">
                                <thead><tr>
                                    <th>{move || i18n.t("客户编号", "No.")}</th><th>{move || i18n.t("企业名称", "Company")}</th>
                                    <th>{move || i18n.t("客户类型", "Type")}</th><th>{move || i18n.t("联系人", "Contact")}</th>
                                    <th>{move || i18n.t("电话", "Phone")}</th><th>{move || i18n.t("区域", "Region")}</th>
                                    <th>{move || i18n.t("组织机构", "Organisation")}</th><th>{move || i18n.t("信息来源", "Source")}</th>
                                    <th>{move || i18n.t("审核状态", "Review")}</th><th>{move || i18n.t("录入人", "Entered by")}</th>
                                    <th>{move || i18n.t("录入时间", "Entered")}</th><th>{move || i18n.t("操作", "Actions")}</th>
                                </tr></thead>
                                <tbody>
                                    {p.items.into_iter().map(|r| view! { <Row r=r manager=manager delete=delete/> }).collect_view()}
                                </tbody>
                            </table>
                            <Pager total=p.total page=p.page per_page=p.per_page
                                on_change=Callback::new(move |(n, per): (u64, u64)| go(ArchiveFilter { page: n, per_page: per, ..filter.get_untracked() }))/>
                        }.into_any()
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Row(r: ArchiveRow, manager: bool, delete: Callback<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let (zh, en, class) = review_badge(&r.review_status);
    let ctype = enums::label(enums::CUSTOMER_TYPES, &r.customer_type);
    let source = enums::label(enums::INFO_SOURCES, &r.info_source);
    let label = if r.company_name.is_empty() { r.contact_name.clone() } else { r.company_name.clone() };
    let status = ReviewStatus::parse(&r.review_status);
    let with_entrant = r.entered_by_me && status.is_some_and(ReviewStatus::with_entrant);
    let editable = with_entrant
        || (status == Some(ReviewStatus::Approved)
            && CustomerType::parse(&r.customer_type) != Some(CustomerType::Member));
    let deletable = with_entrant || manager;
    let id = r.id;
    view! {
        <tr>
            <td>{r.customer_no.clone()}</td>
            <td><a class="link" href=format!("/customers/{id}")>{label.clone()}</a></td>
            <td>{move || i18n.t(ctype.0, ctype.1)}</td>
            <td>{r.contact_name.clone()}</td>
            <td>{r.phone.clone()}</td>
            <td>{r.region.clone()}</td>
            <td>{r.organization.clone()}</td>
            <td>{move || i18n.t(source.0, source.1)}</td>
            <td><span class=class>{move || i18n.t(zh, en)}</span></td>
            <td>{r.entered_by.clone()}</td>
            <td>{fmt_time(&r.entered_at)}</td>
            <td class="actions">
                <a class="link" href=format!("/customers/{id}")>{move || i18n.t("查看", "View")}</a>
                {editable.then(|| view! { <a class="link" href=format!("/archive/customers/{id}/edit")>{move || i18n.t("修改", "Edit")}</a> })}
                {deletable.then(|| {
                    let label = label.clone();
                    view! { <button type="button" class="link danger" on:click=move |_| delete.run((id, label.clone()))>{move || i18n.t("删除", "Delete")}</button> }
                })}
            </td>
        </tr>
    }
}
