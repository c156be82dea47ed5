//! 审核中心 (PG-73): 待我审核 / 我提交的 / 我已审核. The approver approves or rejects (reason
//! required) each entry; an import batch opens on its own page, where single rows can be
//! rejected; the entrant edits and resubmits a rejected entry.
use leptos::prelude::*;

use super::api::{count_pending_reviews, decide_review, list_reviews};
use super::{ReviewFilter, ReviewRow, ReviewStatus, ReviewTarget};
use crate::auth::Perm;
use crate::auth::use_session_user;
use crate::bind_filter;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::filters::{DateRange, SelectFilter};
use crate::ui::list::{FilterForm, ListState, ListTable};
use crate::ui::{PageHeader, fmt_opt_time, fmt_time};

#[component]
pub fn ReviewsPage() -> impl IntoView {
    view! {
        <PageHeader title=("审核中心", "Review centre")/>
        <Reviews/>
    }
}

const COLUMNS: &[(&str, &str)] = &[
    ("类型", "Type"),
    ("摘要", "Summary"),
    ("提交人", "Submitted by"),
    ("提交时间", "Submitted"),
    ("审批人", "Approver"),
    ("状态", "Status"),
    ("疑似重复", "Duplicates"),
    ("操作", "Actions"),
];

#[component]
fn Reviews() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_session_user();
    let reviewer = user.has(Perm::ArchiveReview);
    let list = ListState::<ReviewFilter>::new(move |f| {
        if f.tab.is_empty() {
            f.tab = if reviewer { "todo".into() } else { "mine".into() };
        }
    });
    let (filter, draft, version) = (list.filter, list.draft, list.version);
    let rows = list.load(list_reviews);
    let pending = Resource::new(move || version.get(), |_| count_pending_reviews());
    let errors = Signal::derive(crate::error::FieldErrors::default);
    let tab = move |key: &'static str, zh: &'static str, en: &'static str| {
        view! {
            <button type="button" role="tab" class:active=move || filter.with(|f| f.tab == key)
                aria-selected=move || filter.with(|f| f.tab == key).to_string()
                on:click=move |_| list.go(ReviewFilter { tab: key.into(), ..Default::default() })>
                {move || i18n.t(zh, en)}
                {(key == "todo").then(|| view! {
                    <Transition fallback=|| ()>
                        {move || pending.get().and_then(Result::ok).filter(|n| *n > 0).map(|n| view! { " " <span class="count">{n}</span> })}
                    </Transition>
                })}
            </button>
        }
    };
    view! {
        <div class="toolbar">
            <div class="segmented" role="tablist" aria-label=move || i18n.t("审核页签", "Review tabs")>
                {tab("todo", "待我审核", "Waiting for me")}
                {tab("mine", "我提交的", "Submitted by me")}
                {tab("done", "我已审核", "Decided by me")}
            </div>
        </div>
        <FilterForm list keep=&["tab"]>
            <SelectFilter label=("类型", "Type") id="r-type" choices=ReviewTarget::CHOICES value=bind_filter!(draft, target_type) errors=errors/>
            <SelectFilter label=("状态", "Status") id="r-status" choices=&ReviewStatus::CHOICES[1..] value=bind_filter!(draft, status) errors=errors/>
            <DateRange label=("提交时间", "Submitted") id="r-at" from=bind_filter!(draft, from) to=bind_filter!(draft, to) errors=errors/>
            <div class="filter-buttons">
                <button type="submit" class="btn btn-primary">{move || i18n.t("查询", "Search")}</button>
            </div>
        </FilterForm>
        <ListTable rows columns=COLUMNS on_page=list.on_page() testid="reviews"
            row=move |r| view! { <Row r=r version=version/> }
            empty=move || view! {
                <p>{move || match filter.with(|f| f.tab.clone()).as_str() {
                    "todo" => i18n.t("没有等待您审核的记录", "Nothing waits for your decision"),
                    "done" => i18n.t("您还没有审核过记录", "You have not decided anything yet"),
                    _ => i18n.t("您还没有提交过需要审核的记录", "You have not submitted anything for review"),
                }}</p>
            }/>
    }
}

#[component]
fn Row(r: ReviewRow, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let (target, status) = (r.target_type, r.status);
    let (zh, en, class) = status.map(|s| (s.zh(), s.en(), s.badge())).unwrap_or(("—", "—", "badge badge-gray"));
    let kind = target.map(|t| (t.zh(), t.en())).unwrap_or(("—", "—"));
    let batch = target == Some(ReviewTarget::ImportJob);
    let href = if batch { format!("/archive/import/{}", r.target_id) } else { format!("/customers/{}", r.target_id) };
    let rejecting = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let id = r.id;
    let decide = move |approve: bool| {
        let comment = reason.get_untracked();
        if !approve && comment.trim().is_empty() {
            error.set(Some(AppError::field("comment", "驳回时必须填写原因", "Give the reason")));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match decide_review(id, approve, comment, vec![]).await {
                Ok(()) => version.update(|v| *v += 1),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let can_decide = r.approver_is_me && status == Some(ReviewStatus::Pending);
    let resubmit =
        r.submitted_by_me && status == Some(ReviewStatus::Rejected) && target == Some(ReviewTarget::Customer);
    let target_id = r.target_id;
    let comment = r.comment.clone();
    view! {
        <tr>
            <td>{move || i18n.t(kind.0, kind.1)}</td>
            <td><a class="link" href=href.clone()>{r.summary.clone()}</a>
                {(r.revision > 1).then(|| view! { <span class="muted">{format!(" (第 {} 次提交)", r.revision)}</span> })}
            </td>
            <td>{r.submitted_by.clone()}</td>
            <td>{fmt_time(&r.submitted_at)}</td>
            <td>{r.approver.clone().unwrap_or_else(|| "免审".into())}</td>
            <td>
                <span class=class>{move || i18n.t(zh, en)}</span>
                {comment.map(|c| view! { <div class="muted small">{c}</div> })}
                {r.decided_at.map(|t| view! { <div class="muted small">{fmt_opt_time(&Some(t))}</div> })}
            </td>
            <td>{r.duplicate_reason.clone().map(|d| view! { <span class="badge badge-red">{move || i18n.t("疑似重复", "Duplicate")}</span> " " {d} })}</td>
            <td class="actions">
                {(can_decide && batch).then(|| view! { <a class="link" href=href.clone()>{move || i18n.t("查看明细并审核", "Open and decide")}</a> })}
                {(can_decide && !batch).then(|| view! {
                    <button type="button" class="btn btn-small btn-primary" disabled=move || busy.get() on:click=move |_| decide(true)>{move || i18n.t("通过", "Approve")}</button>
                    <button type="button" class="btn btn-small" disabled=move || busy.get() on:click=move |_| rejecting.update(|v| *v = !*v)>{move || i18n.t("驳回", "Reject")}</button>
                })}
                {resubmit.then(|| view! { <a class="link" href=format!("/archive/customers/{target_id}/edit")>{move || i18n.t("修改并重新提交", "Edit and resubmit")}</a> })}
            </td>
        </tr>
        <Show when=move || rejecting.get() || error.get().is_some()>
            <tr class="reject-row"><td colspan="8">
                <Show when=move || rejecting.get()>
                    <label for=format!("reason-{id}")>{move || i18n.t("驳回原因", "Reason")}<span class="req">"*"</span></label>
                    <textarea id=format!("reason-{id}") rows="2" maxlength="500" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    <button type="button" class="btn btn-small btn-danger" disabled=move || busy.get() on:click=move |_| decide(false)>{move || i18n.t("确认驳回", "Reject")}</button>
                </Show>
                {move || error.get().map(|e| view! { <div class="field-error" role="alert">{
                    e.field_errors().and_then(|f| f.get("comment").map(|t| t.get(i18n.locale()).to_string())).unwrap_or_else(|| e.message(i18n.locale()))
                }</div> })}
            </td></tr>
        </Show>
    }
}
