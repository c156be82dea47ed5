//! 部门待办 (PG-23): what was routed to the signed-in account's department — oldest first, so
//! nothing waits longest unseen — what the department has answered, and the rep-office needs
//! HQ CS routed to it (代表处需求 tab).
use leptos::prelude::*;

use super::api::dept_inbox;
use super::list_page::SlaCell;
use super::{InboxTab, RequestFilter, RequestRow, RequestState, RequestType, SlaState};
use crate::bind_filter;
use crate::i18n::use_i18n;
use crate::members::enums;
use crate::ui::filters::{DateRange, SelectFilter, TextFilter};
use crate::ui::list::{FilterButtons, FilterForm, ListState, ListTable};
use crate::ui::{PageHeader, fmt_opt_time};

const COLUMNS: &[(&str, &str)] = &[
    ("编号", "No."),
    ("来源", "Source"),
    ("企业名称", "Company"),
    ("会员级别", "Level"),
    ("诉求类型", "Type"),
    ("诉求内容", "Request"),
    ("流转时间", "Routed"),
    ("流转人", "Routed by"),
    ("流程状态", "State"),
    ("反馈期限", "Feedback due"),
];

/// The workflow states a department sees.
const DEPT_STATES: &[(&str, &str, &str)] = &[
    ("dept_pending", "待部门处理", "Awaiting department"),
    ("dept_processing", "部门处理中", "Department handling"),
    ("feedback_received", "部门已反馈", "Department replied"),
    ("completed", "已完成", "Completed"),
];

/// The `tab` of the rep-office needs.
const REP_TAB: &str = "rep";

#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let tab = Memo::new(move |_| query.with(|q| q.get("tab").unwrap_or_default()));
    let rep = Memo::new(move |_| tab.get() == REP_TAB);
    let tabs: Vec<(&'static str, (&'static str, &'static str))> = InboxTab::ALL
        .iter()
        .map(|t| (t.code(), (t.zh(), t.en())))
        .chain(std::iter::once((REP_TAB, ("代表处需求", "Rep-office needs"))))
        .collect();
    let current = move |code: &str| {
        let t = tab.get();
        t == code || (code == InboxTab::Pending.code() && t != REP_TAB && InboxTab::parse(&t).is_none())
    };
    view! {
        <PageHeader title=("部门待办", "Department inbox")/>
        <nav class="tabs" aria-label=move || i18n.t("待办分类", "Inbox tabs")>
            {tabs.into_iter().map(|(code, (zh, en))| view! {
                <a href=format!("/dept/inbox?tab={code}") class:active=move || current(code)
                    aria-current=move || current(code).then_some("page")>
                    {move || i18n.t(zh, en)}
                </a>
            }).collect_view()}
        </nav>
        {move || if rep.get() {
            view! { <super::rep::pages::RepInbox/> }.into_any()
        } else {
            view! { <RequestInbox/> }.into_any()
        }}
    }
}

/// The member requests of the inbox (待处理 / 已反馈).
#[component]
fn RequestInbox() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<RequestFilter>::new(|_| {});
    let draft = list.draft;
    let rows = list.load(dept_inbox);
    let errors = Signal::derive(move || list.filter.with(|f| crate::ui::field_errors(f.validate().err().as_ref())));
    view! {
        <FilterForm list keep=&["tab"]>
            <TextFilter label=("编号", "No.") id="f-no" value=bind_filter!(draft, no)/>
            <TextFilter label=("企业名称", "Company") id="f-company" value=bind_filter!(draft, company)/>
            <DateRange label=("流转时间", "Routed") id="routed_from" from=bind_filter!(draft, routed_from) to=bind_filter!(draft, routed_to) errors=errors/>
            <SelectFilter label=("诉求类型", "Type") id="type" choices=RequestType::CHOICES value=bind_filter!(draft, request_type) errors=errors/>
            <SelectFilter label=("流程状态", "State") id="state" choices=DEPT_STATES value=bind_filter!(draft, state) errors=errors/>
            <SelectFilter label=("超时状态", "Deadline") id="sla" choices=SlaState::CHOICES value=bind_filter!(draft, sla) errors=errors/>
            <FilterButtons list/>
        </FilterForm>
        <ListTable rows columns=COLUMNS on_page=list.on_page() testid="inbox"
            row=move |r| view! { <Row r=r/> }
            empty=move || view! {
                <p>{move || i18n.t("没有待处理的事项", "Nothing to handle")}</p>
                <p class="muted">{move || i18n.t("客服部流转给本部门的诉求会出现在这里,并在消息中心提醒。", "Requests routed to your department appear here and in the message centre.")}</p>
            }/>
    }
}

#[component]
fn Row(r: RequestRow) -> impl IntoView {
    let i18n = use_i18n();
    let level = enums::label(enums::LEVELS, &r.member_level);
    let (state, kind) = (r.state, r.request_type);
    let waiting = matches!(state, RequestState::DeptPending);
    view! {
        <tr class:unread=waiting>
            <td><a class="link" href=format!("/requests/{}", r.id)>{r.request_no.clone()}</a></td>
            <td>{move || i18n.t("会员诉求", "Member request")}</td>
            <td>{r.caller.clone()}</td>
            <td>{move || i18n.t(level.0, level.1)}</td>
            <td>{move || kind.label(i18n.locale())}</td>
            <td class="clip">{r.content.clone()}</td>
            <td>{fmt_opt_time(&r.routed_at)}</td>
            <td>{r.routed_by.clone()}</td>
            <td><span class=state.badge()>{move || state.label(i18n.locale())}</span></td>
            <td><SlaCell state=state sla=r.sla_state due=r.due_at/></td>
        </tr>
    }
}
