//! 客户档案信息管理 (PG-70): the customers entered in the CRM, with their review state; entry,
//! import, edit and delete start here.
use leptos::prelude::*;

use super::api::{delete_customer_entry, list_archive};
use super::{ArchiveFilter, ArchiveRow, ReviewStatus, review_badge};
use crate::auth::use_session_user;
use crate::auth::{Perm, RoleCode};
use crate::bind_filter;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::members::api::load_query_choices;
use crate::members::enums::{self, CustomerType};
use crate::members::filter_fields::OrgFilter;
use crate::ui::filters::{DateRange, SelectFilter, TextFilter};
use crate::ui::list::{FilterButtons, FilterForm, ListState, ListTable};
use crate::ui::{PageHeader, confirm, fmt_time};

/// Columns of the archive list.
const COLUMNS: &[(&str, &str)] = &[
    ("客户编号", "No."),
    ("企业名称", "Company"),
    ("客户类型", "Type"),
    ("联系人", "Contact"),
    ("电话", "Phone"),
    ("区域", "Region"),
    ("组织机构", "Organisation"),
    ("信息来源", "Source"),
    ("审核状态", "Review"),
    ("录入人", "Entered by"),
    ("录入时间", "Entered"),
    ("操作", "Actions"),
];

#[component]
pub fn ArchivePage() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<ArchiveFilter>::new(|_| {});
    let draft = list.draft;
    let rows = list.load(list_archive);
    let choices = Resource::new(|| (), |_| load_query_choices());
    let errors = Signal::derive(move || list.filter.with(|f| crate::ui::field_errors(f.validate().err().as_ref())));
    let action_error = RwSignal::new(None::<AppError>);
    let user = use_session_user();
    let can_import = user.has(Perm::ArchiveImport);
    let manager = user.role() == Some(RoleCode::CsManager);
    let delete = Callback::new(move |(id, label): (i64, String)| {
        if !confirm(&format!("确定删除“{label}”?删除后该客户不再出现在任何列表中。")) {
            return;
        }
        leptos::task::spawn_local(async move {
            match delete_customer_entry(id).await {
                Ok(()) => {
                    action_error.set(None);
                    list.reload();
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
        <FilterForm list>
            <TextFilter label=("企业名称", "Company") id="f-company" value=bind_filter!(draft, company)/>
            <TextFilter label=("客户姓名", "Customer name") id="f-contact" value=bind_filter!(draft, contact)/>
            <TextFilter label=("电话", "Phone") id="f-phone" value=bind_filter!(draft, phone) placeholder=("只比对数字", "Digits only")/>
            <SelectFilter label=("信息来源", "Source") id="info_source" choices=&enums::INFO_SOURCES[1..] value=bind_filter!(draft, info_source) errors=errors/>
            <SelectFilter label=("录入方式", "Entry method") id="entry_method" choices=enums::ENTRY_METHODS value=bind_filter!(draft, entry_method) errors=errors/>
            <SelectFilter label=("审核状态", "Review") id="review_status" choices=ReviewStatus::CHOICES value=bind_filter!(draft, review_status) errors=errors/>
            <OrgFilter choices=choices value=Signal::derive(move || draft.with(|f| f.org)) on_change=Callback::new(move |v| draft.update(|f| f.org = v))/>
            <DateRange label=("录入时间", "Entered") id="entered" from=bind_filter!(draft, entered_from) to=bind_filter!(draft, entered_to) errors=errors/>
            <div class="filter-item">
                <span></span>
                <label class="check"><input type="checkbox" name="mine" value="1" checked=move || draft.with(|f| f.mine == "1") prop:checked=move || draft.with(|f| f.mine == "1")
                    on:change=move |ev| draft.update(|f| f.mine = if event_target_checked(&ev) { "1".into() } else { String::new() })/>
                    {move || i18n.t("只看我录入的", "Only mine")}</label>
            </div>
            <FilterButtons list/>
        </FilterForm>
        {move || action_error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div> })}
        <ListTable rows columns=COLUMNS on_page=list.on_page() testid="archive" class="archive-grid"
            row=move |r| view! { <Row r=r manager=manager delete=delete/> }
            empty=move || view! {
                <p>{move || i18n.t("没有符合条件的客户档案", "No customers match")}</p>
                <p class="muted">{move || i18n.t("点击“录入客户信息”逐条录入,或用“批量导入”从 Excel 导入。", "Use “New customer” or “Import” to add customers.")}</p>
            }/>
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
