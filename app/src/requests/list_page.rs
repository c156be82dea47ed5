//! 诉求列表 (PG-21): the agent's work queue by tab (待我回复, 我处理中, 我受理的, 本机构全部,
//! 已作废 for 主管/经理) with the filters of the spec kept in the URL.
use leptos::prelude::*;

use super::api::list_requests;
use super::{
    AcceptingDept, Channel, HandlingDept, HandlingStatus, ListTab, Priority, RequestFilter, RequestRow, RequestState,
    RequestType, SlaState,
};
use crate::auth::{Perm, use_session_user};
use crate::bind_filter;
use crate::i18n::use_i18n;
use crate::members::enums::{self, CustomerType};
use crate::ui::filters::{DateRange, SelectFilter, TextFilter};
use crate::ui::list::{FilterButtons, FilterForm, ListState, ListTable, UrlFilter};
use crate::ui::{PageHeader, fmt_time};

const COLUMNS: &[(&str, &str)] = &[
    ("诉求编号", "No."),
    ("诉求受理时间", "Taken"),
    ("企业名称/客户姓名", "Caller"),
    ("客户类型", "Type"),
    ("会员级别", "Level"),
    ("诉求类型", "Request"),
    ("受理渠道", "Channel"),
    ("处理部门", "Handled by"),
    ("诉求处理状态", "Status"),
    ("优先级", "Priority"),
    ("超时", "Deadline"),
    ("客服人员", "Agent"),
    ("最后更新时间", "Updated"),
];

#[component]
pub fn RequestListPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_session_user();
    let supervisor = user.has(Perm::IntakeVoidRequest);
    let list = ListState::<RequestFilter>::new(|_| {});
    let draft = list.draft;
    let rows = list.load(list_requests);
    let errors = Signal::derive(move || list.filter.with(|f| crate::ui::field_errors(f.validate().err().as_ref())));
    let tabs: Vec<ListTab> = ListTab::ALL.iter().copied().filter(|t| *t != ListTab::Voided || supervisor).collect();
    view! {
        <PageHeader title=("诉求列表", "Requests")>
            <crate::exports::ExportButtons kind="requests" query=Signal::derive(move || list.filter.with(|f| f.to_query()))/>
            <a class="btn btn-primary" href="/requests/new">{move || i18n.t("受理新诉求", "New request")}</a>
        </PageHeader>
        <nav class="tabs" aria-label=move || i18n.t("诉求分类", "Request tabs")>
            {tabs.into_iter().map(|t| {
                let href = move || {
                    let f = list.filter.get();
                    let size = f.page_size();
                    let f = RequestFilter { tab: t.code().into(), ..f.at_page(1, size) };
                    format!("/requests?{}", f.to_query())
                };
                view! {
                    <a href=href class:active=move || list.filter.with(|f| f.list_tab() == t)
                        aria-current=move || list.filter.with(|f| f.list_tab() == t).then_some("page")>
                        {move || t.label(i18n.locale())}
                    </a>
                }
            }).collect_view()}
        </nav>
        <FilterForm list keep=&["tab"]>
            <TextFilter label=("诉求编号", "No.") id="f-no" value=bind_filter!(draft, no)/>
            <TextFilter label=("企业名称", "Company") id="f-company" value=bind_filter!(draft, company)/>
            <TextFilter label=("登录名", "Login") id="f-login" value=bind_filter!(draft, login)/>
            <TextFilter label=("客户姓名", "Caller") id="f-caller" value=bind_filter!(draft, caller)/>
            <TextFilter label=("电话", "Phone") id="f-phone" value=bind_filter!(draft, phone) placeholder=("只比对数字", "Digits only")/>
            <DateRange label=("诉求受理时间", "Taken") id="from" from=bind_filter!(draft, from) to=bind_filter!(draft, to) errors=errors/>
            <SelectFilter label=("诉求类型", "Type") id="type" choices=RequestType::CHOICES value=bind_filter!(draft, request_type) errors=errors/>
            <SelectFilter label=("受理渠道", "Channel") id="channel" choices=Channel::CHOICES value=bind_filter!(draft, channel) errors=errors/>
            <SelectFilter label=("受理部门", "Accepting dept.") id="acc_dept" choices=AcceptingDept::CHOICES value=bind_filter!(draft, accepting_dept) errors=errors/>
            <SelectFilter label=("处理部门", "Handled by") id="dept" choices=HandlingDept::CHOICES value=bind_filter!(draft, handling_dept) errors=errors/>
            <SelectFilter label=("诉求处理状态", "Status") id="hstatus" choices=HandlingStatus::CHOICES value=bind_filter!(draft, handling_status) errors=errors/>
            <SelectFilter label=("流程状态", "Workflow state") id="state" choices=RequestState::CHOICES value=bind_filter!(draft, state) errors=errors/>
            <SelectFilter label=("会员级别", "Level") id="level" choices=enums::LEVELS value=bind_filter!(draft, level) errors=errors/>
            <SelectFilter label=("客户类型", "Caller type") id="ctype" choices=CustomerType::CHOICES value=bind_filter!(draft, customer_type) errors=errors/>
            <SelectFilter label=("是否质检", "QA") id="qa" choices=enums::QA_STATUSES value=bind_filter!(draft, qa) errors=errors/>
            <SelectFilter label=("优先级", "Priority") id="priority" choices=Priority::CHOICES value=bind_filter!(draft, priority) errors=errors/>
            <SelectFilter label=("超时状态", "Deadline") id="sla" choices=SlaState::CHOICES value=bind_filter!(draft, sla) errors=errors/>
            <FilterButtons list/>
        </FilterForm>
        <ListTable rows columns=COLUMNS on_page=list.on_page() testid="requests"
            row=move |r| view! { <Row r=r/> }
            empty=move || view! {
                <p>{move || i18n.t("没有符合条件的诉求", "No requests match")}</p>
                <p class="muted">{move || i18n.t("换一个分类或放宽筛选条件;新来电请点“受理新诉求”。", "Try another tab or fewer filters; for a new call use “New request”.")}</p>
            }/>
    }
}

/// 超时: the SLA state of an open request with its deadline (closed ones: how they ended).
#[component]
pub fn SlaCell(state: RequestState, sla: SlaState, due: Option<chrono::DateTime<chrono::Utc>>) -> impl IntoView {
    let i18n = use_i18n();
    let due = due.filter(|_| !state.is_closed()).map(|t| fmt_time(&t));
    view! {
        <span class=sla.badge()>{move || sla.label(i18n.locale())}</span>
        {due.map(|d| view! { <div class="muted small">{d}</div> })}
    }
}

#[component]
fn Row(r: RequestRow) -> impl IntoView {
    let i18n = use_i18n();
    let level = enums::label(enums::LEVELS, &r.member_level);
    let (state, kind, channel, dept, priority, ctype) =
        (r.state, r.request_type, r.channel, r.handling_dept, r.priority, r.customer_type);
    let status = state.handling_status();
    view! {
        <tr>
            <td><a class="link" href=format!("/requests/{}", r.id)>{r.request_no.clone()}</a></td>
            <td>{fmt_time(&r.accepted_at)}</td>
            <td>{r.caller.clone()}</td>
            <td>{move || ctype.label(i18n.locale())}</td>
            <td>{move || i18n.t(level.0, level.1)}</td>
            <td>{move || kind.label(i18n.locale())}</td>
            <td>{move || channel.label(i18n.locale())}</td>
            <td>{move || dept.label(i18n.locale())}</td>
            <td><span class=state.badge() title=move || state.label(i18n.locale())>
                {move || status.map(|s| s.label(i18n.locale())).unwrap_or_else(|| state.label(i18n.locale()))}
            </span></td>
            <td>{move || priority.label(i18n.locale())}</td>
            <td><SlaCell state=r.state sla=r.sla_state due=r.due_at/></td>
            <td>{r.agent.clone()}</td>
            <td>{fmt_time(&r.updated_at)}</td>
        </tr>
    }
}
