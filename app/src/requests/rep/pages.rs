//! 代表处服务需求 (PG-28: 提交 and 我的需求), 代表处需求处理 (PG-29, HQ CS by tab) and the
//! 代表处需求 tab of 部门待办 — one row component, one filter set, three sources.
use leptos::prelude::*;

use super::api::{my_rep_needs, rep_need_inbox, rep_need_queue, submit_rep_need};
use super::{QueueTab, RepFilter, RepNeedInput, RepRow, RepState, RepSubmitted};
use crate::auth::use_session_user;
use crate::bind_filter;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::members::api::load_query_choices;
use crate::members::filter_fields::OrgFilter;
use crate::requests::caller_view::CallerSearch;
use crate::requests::{CallerHit, HandlingDept, HandlingStatus, MAX_TEXT, RequestType};
use crate::ui::filters::{DateRange, SelectFilter, TextFilter};
use crate::ui::list::{FilterButtons, FilterForm, ListState, ListTable, UrlFilter};
use crate::ui::{ErrorBanner, PageHeader, field_errors, fmt_opt_time, fmt_time};

/// Which list a row belongs to (its columns differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lane {
    Office,
    Hq,
    Dept,
}

const OFFICE_COLUMNS: &[(&str, &str)] = &[
    ("诉求编号", "No."),
    ("诉求受理时间", "Submitted"),
    ("诉求内容", "Need"),
    ("诉求类型", "Type"),
    ("处理部门", "Handled by"),
    ("诉求处理状态", "Status"),
    ("反馈时间", "Answered"),
];

const HQ_COLUMNS: &[(&str, &str)] = &[
    ("诉求编号", "No."),
    ("组织机构", "Rep office"),
    ("提交人", "Submitted by"),
    ("诉求受理时间", "Submitted"),
    ("诉求内容", "Need"),
    ("诉求类型", "Type"),
    ("处理部门", "Handled by"),
    ("流程状态", "State"),
];

const DEPT_COLUMNS: &[(&str, &str)] = &[
    ("诉求编号", "No."),
    ("组织机构", "Rep office"),
    ("诉求内容", "Need"),
    ("诉求类型", "Type"),
    ("流转时间", "Routed"),
    ("流程状态", "State"),
];

/// PG-28: the form on top, the office's needs below.
#[component]
pub fn RepNeedsPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<RepFilter>::new(|_| {});
    let rows = list.load(my_rep_needs);
    view! {
        <PageHeader title=("代表处服务需求", "Rep-office needs")/>
        <SubmitForm on_done=Callback::new(move |_| list.reload())/>
        <h2 class="section-title">{move || i18n.t("我的需求", "Our needs")}</h2>
        <Filters list lane=Lane::Office/>
        <ListTable rows columns=OFFICE_COLUMNS on_page=list.on_page() testid="my-needs"
            row=move |r| view! { <Row r=r lane=Lane::Office/> }
            empty=move || view! {
                <p>{move || i18n.t("还没有提交过需求", "No needs submitted yet")}</p>
                <p class="muted">{move || i18n.t("在上方填写诉求内容并提交,总部客服会受理并答复。", "Describe the need above and submit it; HQ CS takes it and answers.")}</p>
            }/>
    }
}

#[component]
fn SubmitForm(on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_session_user();
    let form = RwSignal::new(RepNeedInput::default());
    let picked = RwSignal::new(None::<CallerHit>);
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<RepSubmitted>);
    let save = Action::new(|input: &RepNeedInput| {
        let input = input.clone();
        async move { submit_rep_need(input).await }
    });
    let pending = save.pending();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(out)) => {
            error.set(None);
            done.set(Some(out));
            form.set(RepNeedInput::default());
            picked.set(None);
            on_done.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));
    let count = move || form.with(|f| f.content.chars().count());
    view! {
        <div class="card">
            <h2>{move || i18n.t("提交需求", "Submit a need")}</h2>
            {move || done.get().map(|d| view! {
                <div class="alert alert-success" role="status" data-testid="need-done">
                    {move || i18n.t("需求 ", "Need ")}<a class="link" href=format!("/rep-needs/{}", d.id)>{d.request_no.clone()}</a>
                    {move || i18n.t(" 已提交总部客服", " was sent to HQ CS")}
                </div>
            })}
            <ErrorBanner error=general/>
            <form class="form" novalidate on:submit=move |ev| {
                ev.prevent_default();
                let input = form.get_untracked();
                match input.validate() {
                    Ok(()) => { done.set(None); save.dispatch(input); }
                    Err(e) => error.set(Some(e)),
                }
            }>
                <div class="form-row">
                    <label>{move || i18n.t("组织机构", "Rep office")}</label>
                    <div class="form-control static-value">{user.org_name.clone()}</div>
                </div>
                <div class="form-row">
                    <label>{move || i18n.t("诉求受理时间", "Submitted")}</label>
                    <div class="form-control static-value muted">{move || i18n.t("提交时自动记录", "Recorded on submit")}</div>
                </div>
                <CallerSearch picked=picked errors=errors field="customer_id" next="need-content"
                    label=("相关会员(选填)", "Related member (optional)") required=false
                    no_match=("本代表处没有匹配的会员", "No matching member of your office")
                    on_pick=move |id| form.update(|f| f.customer_id = id)/>
                <div class="form-row" class:has-error=move || errors.with(|e| e.get("content").is_some())>
                    <label for="need-content"><span class="req" aria-hidden="true">"*"</span>{move || i18n.t("诉求内容", "Need")}</label>
                    <div class="form-control">
                        <textarea id="need-content" rows="6" maxlength=MAX_TEXT aria-describedby="content-error content-count"
                            prop:value=move || form.with(|f| f.content.clone())
                            on:input=move |ev| form.update(|f| f.content = event_target_value(&ev))></textarea>
                        <div class="hint" id="content-count">{move || format!("{} / {MAX_TEXT}", count())}</div>
                        <div class="field-error" id="content-error" role="alert">{move || errors.with(|e| e.get("content").map(|t| t.get(i18n.locale()).to_string()))}</div>
                    </div>
                </div>
                <div class="form-buttons">
                    <button type="submit" class="btn btn-primary" data-testid="need-submit" disabled=move || pending.get()>
                        {move || if pending.get() { i18n.t("提交中…", "Submitting…") } else { i18n.t("提交", "Submit") }}
                    </button>
                </div>
            </form>
        </div>
    }
}

/// PG-29: HQ CS works the needs by tab.
#[component]
pub fn RepQueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<RepFilter>::new(|_| {});
    let rows = list.load(rep_need_queue);
    view! {
        <PageHeader title=("代表处需求处理", "Rep-office needs (HQ)")/>
        <nav class="tabs" aria-label=move || i18n.t("需求分类", "Need tabs")>
            {QueueTab::ALL.iter().copied().map(|t| {
                let href = move || {
                    let f = list.filter.get();
                    let size = f.page_size();
                    format!("/rep-needs/queue?{}", RepFilter { tab: t.code().into(), ..f.at_page(1, size) }.to_query())
                };
                view! {
                    <a href=href class:active=move || list.filter.with(|f| f.queue_tab() == t)
                        aria-current=move || list.filter.with(|f| f.queue_tab() == t).then_some("page")>
                        {move || t.label(i18n.locale())}
                    </a>
                }
            }).collect_view()}
        </nav>
        <Filters list lane=Lane::Hq/>
        <ListTable rows columns=HQ_COLUMNS on_page=list.on_page() testid="need-queue"
            row=move |r| view! { <Row r=r lane=Lane::Hq/> }
            empty=move || view! {
                <p>{move || i18n.t("这里没有需求", "No needs here")}</p>
                <p class="muted">{move || i18n.t("代表处提交的新需求会出现在“待受理”,并在消息中心提醒。", "New needs from the rep offices appear under “To take” and in the message centre.")}</p>
            }/>
    }
}

/// 部门待办 › 代表处需求: what HQ CS routed to the department.
#[component]
pub fn RepInbox() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<RepFilter>::new(|_| {});
    let rows = list.load(rep_need_inbox);
    view! {
        <Filters list lane=Lane::Dept/>
        <ListTable rows columns=DEPT_COLUMNS on_page=list.on_page() testid="need-inbox"
            row=move |r| view! { <Row r=r lane=Lane::Dept/> }
            empty=move || view! {
                <p>{move || i18n.t("没有流转给本部门的代表处需求", "No rep-office needs routed to your department")}</p>
            }/>
    }
}

#[component]
fn Filters(list: ListState<RepFilter>, lane: Lane) -> impl IntoView {
    let draft = list.draft;
    let errors = Signal::derive(move || list.filter.with(|f| field_errors(f.validate().err().as_ref())));
    let orgs = (lane == Lane::Hq).then(|| Resource::new(|| (), |_| load_query_choices()));
    view! {
        <FilterForm list keep=&["tab"]>
            <TextFilter label=("诉求编号", "No.") id="f-no" value=bind_filter!(draft, no)/>
            <TextFilter label=("诉求内容", "Need") id="f-q" value=bind_filter!(draft, keyword)/>
            {orgs.map(|choices| view! {
                <OrgFilter choices=choices value=Signal::derive(move || draft.with(|f| f.org))
                    on_change=Callback::new(move |v| draft.update(|f| f.org = v))/>
            })}
            <DateRange label=("诉求受理时间", "Submitted") id="from" from=bind_filter!(draft, from) to=bind_filter!(draft, to) errors=errors/>
            <SelectFilter label=("诉求类型", "Type") id="type" choices=RequestType::CHOICES value=bind_filter!(draft, request_type) errors=errors/>
            {(lane != Lane::Dept).then(|| view! {
                <SelectFilter label=("处理部门", "Handled by") id="dept" choices=HandlingDept::CHOICES value=bind_filter!(draft, handling_dept) errors=errors/>
            })}
            <SelectFilter label=("诉求处理状态", "Status") id="hstatus" choices=HandlingStatus::CHOICES value=bind_filter!(draft, handling_status) errors=errors/>
            <SelectFilter label=("流程状态", "State") id="state" choices=RepState::CHOICES value=bind_filter!(draft, state) errors=errors/>
            <FilterButtons list/>
        </FilterForm>
    }
}

#[component]
fn Row(r: RepRow, lane: Lane) -> impl IntoView {
    let i18n = use_i18n();
    let (state, kind, dept) = (r.state, r.request_type, r.handling_dept);
    let status = state.handling_status();
    let link = view! { <td><a class="link" href=format!("/rep-needs/{}", r.id)>{r.request_no.clone()}</a></td> };
    let kind = move || kind.map(|k| k.label(i18n.locale())).unwrap_or("—");
    let dept = move || dept.map(|d| d.label(i18n.locale())).unwrap_or("—");
    let badge = move || view! { <span class=state.badge()>{move || state.label(i18n.locale())}</span> };
    match lane {
        Lane::Office => view! {
            <tr>
                {link}
                <td>{fmt_time(&r.accepted_at)}</td>
                <td class="clip">{r.content.clone()}</td>
                <td>{kind}</td>
                <td>{dept}</td>
                <td><span class=state.badge() title=move || state.label(i18n.locale())>
                    {move || status.map(|s| s.label(i18n.locale())).unwrap_or_else(|| state.label(i18n.locale()))}
                </span></td>
                <td>{fmt_opt_time(&r.completed_at)}</td>
            </tr>
        }
        .into_any(),
        Lane::Hq => view! {
            <tr class:unread=state == RepState::Submitted>
                {link}
                <td>{r.org.clone()}</td>
                <td>{r.submitter.clone()}</td>
                <td>{fmt_time(&r.accepted_at)}</td>
                <td class="clip">{r.content.clone()}</td>
                <td>{kind}</td>
                <td>{dept}</td>
                <td>{badge()}</td>
            </tr>
        }
        .into_any(),
        Lane::Dept => view! {
            <tr class:unread=state == RepState::DeptPending>
                {link}
                <td>{r.org.clone()}</td>
                <td class="clip">{r.content.clone()}</td>
                <td>{kind}</td>
                <td>{fmt_opt_time(&r.routed_at)}</td>
                <td>{badge()}</td>
            </tr>
        }
        .into_any(),
    }
}
