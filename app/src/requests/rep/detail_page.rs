//! 代表处诉求详情 (PG-16): the need, its related member, the timeline, the departments'
//! feedback (HQ and departments only) and the SM-2 actions of the signed-in lane.
use leptos::prelude::*;

use super::api::{act_on_rep_need, get_rep_need};
use super::{RepActInput, RepAction, RepDetail};
use crate::auth::{Perm, use_session_user};
use crate::i18n::use_i18n;
use crate::requests::detail_page::{ActForm, ActionPanel, Feedbacks, Timeline};
use crate::ui::{Loaded, PageHeader, fmt_opt_time, fmt_time};

#[component]
pub fn RepNeedDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let data = crate::ui::record_of(version, get_rep_need);
    let user = use_session_user();
    let (back, zh, en) = if user.has(Perm::IntakeRepNeedProcess) {
        ("/rep-needs/queue", "返回需求处理", "Back to the queue")
    } else if user.has(Perm::IntakeRepNeedSubmit) {
        ("/rep-needs", "返回我的需求", "Back to my needs")
    } else {
        ("/dept/inbox?tab=rep", "返回部门待办", "Back to the inbox")
    };
    view! {
        <PageHeader title=("代表处需求详情", "Rep-office need")>
            <a class="btn" href=back>{move || i18n.t(zh, en)}</a>
        </PageHeader>
        <Loaded data show=move |d| view! { <Detail d=d reload=Callback::new(move |_| version.update(|v| *v += 1))/> }/>
    }
}

#[component]
fn Detail(d: RepDetail, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let r = d.row.clone();
    let (state, kind, dept) = (r.state, r.request_type, r.handling_dept);
    let status = state.handling_status();
    let (id, version) = (r.id, d.version);
    let prefill = d.feedbacks.last().map(|f| f.text.clone()).unwrap_or_else(|| d.result.clone());
    let dash = || "—".to_string();
    let submit = move |f: ActForm<RepAction>| async move {
        let input = RepActInput {
            id,
            version,
            action: f.action,
            text: f.text,
            request_type: f.request_type,
            handling_org_id: f.handling_org_id,
        };
        input.validate()?;
        act_on_rep_need(input).await.map(|_| ())
    };
    view! {
        <div class="card request-head" data-testid="need-head">
            <h2>
                {r.request_no.clone()}" "
                <span class=state.badge() data-testid="need-state">{move || state.label(i18n.locale())}</span>" "
                {status.map(|s| view! { <span class="badge badge-gray">{move || s.label(i18n.locale())}</span> })}
            </h2>
            <dl class="desc desc-3">
                <dt>{move || i18n.t("组织机构", "Rep office")}</dt><dd>{r.org.clone()}</dd>
                <dt>{move || i18n.t("提交人", "Submitted by")}</dt><dd>{r.submitter.clone()}</dd>
                <dt>{move || i18n.t("诉求受理时间", "Submitted")}</dt><dd>{fmt_time(&r.accepted_at)}</dd>
                <dt>{move || i18n.t("诉求类型", "Type")}</dt>
                <dd>{move || kind.map(|k| k.label(i18n.locale()).to_string()).unwrap_or_else(dash)}</dd>
                <dt>{move || i18n.t("处理部门", "Handled by")}</dt>
                <dd>{let org = d.handling_org.clone(); move || match dept {
                    Some(_) if !org.is_empty() => org.clone(),
                    Some(x) => x.label(i18n.locale()).to_string(),
                    None => dash(),
                }}</dd>
                <dt>{move || i18n.t("总部受理人", "HQ handler")}</dt><dd>{d.hq_handler.clone()}</dd>
                <dt>{move || i18n.t("相关会员", "Member")}</dt>
                <dd>{match d.customer.clone() {
                    Some((cid, name, true)) => view! { <a class="link" href=format!("/customers/{cid}")>{name}</a> }.into_any(),
                    Some((_, name, false)) => view! { <span>{name}</span> }.into_any(),
                    None => view! { <span>{dash()}</span> }.into_any(),
                }}</dd>
                <dt>{move || i18n.t("流转时间", "Routed")}</dt><dd>{fmt_opt_time(&r.routed_at)}</dd>
                <dt>{move || i18n.t("反馈代表处时间", "Answered")}</dt><dd>{fmt_opt_time(&r.completed_at)}</dd>
            </dl>
            <h3>{move || i18n.t("诉求内容", "Need")}</h3>
            <p class="pre" data-testid="need-content">{d.content.clone()}</p>
            {(!d.result.is_empty()).then(|| view! {
                <h3>{move || i18n.t("处理结果", "Result")}</h3>
                <p class="pre" data-testid="need-result">{d.result.clone()}</p>
            })}
        </div>
        <ActionPanel actions=d.actions.clone() departments=d.departments.clone() prefill=prefill
            request_type=kind closed=state.is_closed() reload=reload
            submit=submit/>
        <Feedbacks feedbacks=d.feedbacks.clone()/>
        <Timeline steps=d.steps.clone()/>
    }
}
