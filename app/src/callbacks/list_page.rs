//! 电话回访关怀 (PG-24): the members to call, one row each, with every filter of the member
//! query plus 最近回访时间, 未回访天数 and 回访内容; 回访 opens 回访录入. The call list exports
//! as shown (offline call lists).
use leptos::prelude::*;

use super::CallbackContent;
use super::api::list_call_list;
use crate::exports::ExportButtons;
use crate::i18n::use_i18n;
use crate::members::api::load_query_choices;
use crate::members::enums::{self, label};
use crate::members::filter_panel::{MemberFilterPanel, has_advanced};
use crate::members::{MemberFilter, ServiceRow};
use crate::ui::list::{ListState, ListTable, UrlFilter};
use crate::ui::{PageHeader, fmt_opt_time};

const COLUMNS: &[(&str, &str)] = &[
    ("企业名称", "Company"),
    ("登录名", "Login"),
    ("会员级别", "Level"),
    ("企业状态", "Status"),
    ("组织机构", "Organisation"),
    ("服务开始时间", "Service start"),
    ("服务到期时间", "Service end"),
    ("服务是否到期", "Expired"),
    ("履约状态", "Fulfilment"),
    ("最近服务时间", "Last service"),
    ("最近回访时间", "Last callback"),
    ("最近回访内容", "Last call about"),
    ("操作", "Actions"),
];

#[component]
pub fn CallbackListPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<MemberFilter>::new(|f| f.view = "members".into());
    let expanded = RwSignal::new(has_advanced(&list.draft.get_untracked()));
    let choices = Resource::new(|| (), |_| load_query_choices());
    let rows = list.load(list_call_list);
    view! {
        <PageHeader title=("电话回访关怀", "Callbacks")>
            <ExportButtons kind="callbacks" query=Signal::derive(move || list.filter.with(|f| f.to_query()))/>
        </PageHeader>
        <MemberFilterPanel list choices expanded callbacks=true/>
        <ListTable rows columns=COLUMNS on_page=list.on_page() testid="call-list" class="member-grid"
            row=move |r| view! { <Row r=r/> }
            empty=move || view! {
                <p>{move || i18n.t("没有符合条件的会员", "No members match")}</p>
                <p class="muted">{move || i18n.t("可以放宽条件后重新查询", "Loosen the filters and search again")}</p>
            }/>
    }
}

#[component]
fn Row(r: ServiceRow) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |list: &'static [enums::Choice], code: &str| {
        let (zh, en) = label(list, code);
        i18n.t(zh, en)
    };
    let (lv, st, fu, cb) = (
        r.member_level.clone(),
        r.enterprise_status.clone(),
        r.fulfilment_status.clone(),
        r.last_callback_content.clone(),
    );
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    view! {
        <tr>
            <td class="sticky-col"><a href=format!("/customers/{}", r.customer_id)>{r.company_name.clone()}</a></td>
            <td>{r.login_name.clone()}</td>
            <td><span class=format!("level level-{}", r.member_level)>{move || t(enums::LEVELS, &lv)}</span></td>
            <td>{move || t(enums::ENTERPRISE_STATUSES, &st)}</td>
            <td>{r.org_name.clone()}</td>
            <td>{date(r.service_start)}</td>
            <td>{date(r.service_end)}</td>
            <td>{r.expired.map(|e| if e {
                view! { <span class="badge badge-red">{move || i18n.t("已到期", "Expired")}</span> }.into_any()
            } else {
                view! { <span class="badge badge-green">{move || i18n.t("未到期", "Active")}</span> }.into_any()
            })}</td>
            <td>{move || t(enums::FULFILMENT_STATUSES, &fu)}</td>
            <td>{fmt_opt_time(&r.service_at)}</td>
            <td>{match r.last_callback_at {
                Some(at) => view! { <span>{crate::ui::fmt_time(&at)}</span> }.into_any(),
                None => view! { <span class="muted">{move || i18n.t("从未回访", "Never")}</span> }.into_any(),
            }}</td>
            <td>{move || t(CallbackContent::CHOICES, &cb)}</td>
            <td class="actions">
                <a class="btn btn-small" href=format!("/callbacks/new?customer={}", r.customer_id)
                    data-testid="callback-open">{move || i18n.t("回访", "Call")}</a>
            </td>
        </tr>
    }
}
