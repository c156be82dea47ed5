//! 诉求详情与处理 (PG-22): the request, the caller, the 处理记录 timeline, the departments'
//! feedback, and the actions the signed-in account may take in the request's state — nothing
//! else is shown (and the server refuses anything else anyway).
use leptos::prelude::*;

use super::api::{act_on_request, get_request};
use super::{ActInput, DeptChoice, PanelAction, RequestAction, RequestDetail, RequestType, StateBadge, StepView};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::members::enums::{self};
use crate::ui::{ErrorBanner, Field, Loaded, PageHeader, field_errors, fmt_opt_time, fmt_time};

#[component]
pub fn RequestDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let data = crate::ui::record_of(version, get_request);
    view! {
        <PageHeader title=("诉求详情", "Request")>
            {if crate::auth::use_session_user().has(crate::auth::Perm::IntakeMemberRequest) {
                view! { <a class="btn" href="/requests">{move || i18n.t("返回诉求列表", "Back to the list")}</a> }.into_any()
            } else {
                view! { <a class="btn" href="/dept/inbox">{move || i18n.t("返回部门待办", "Back to the inbox")}</a> }.into_any()
            }}
        </PageHeader>
        <Loaded data show=move |d| view! { <Detail d=d reload=Callback::new(move |_| version.update(|v| *v += 1))/> }/>
    }
}

#[component]
fn Detail(d: RequestDetail, reload: Callback<()>) -> impl IntoView {
    let state = d.row.state;
    let steps = d.steps.clone();
    let feedbacks = d.feedbacks.clone();
    let prefill = d.feedbacks.last().map(|f| f.text.clone()).unwrap_or_else(|| d.result.clone());
    let (id, version) = (d.row.id, d.version);
    let submit = move |f: ActForm<RequestAction>| async move {
        let input = ActInput { id, version, action: f.action, text: f.text, handling_org_id: f.handling_org_id };
        input.validate()?;
        act_on_request(input).await.map(|_| ())
    };
    view! {
        <RequestCard d=d.clone()/>
        <ActionPanel actions=d.actions.clone() departments=d.departments.clone() prefill=prefill
            closed=state.is_closed() reload=reload
            kb=crate::auth::use_session_user().has(crate::auth::Perm::Kb).then(|| d.content.clone())
            submit=submit/>
        <Feedbacks feedbacks=feedbacks/>
        <Timeline steps=steps/>
    }
}

/// The request read-only: number, state, caller, the request's fields, its content and
/// result, and the QA block (for customer service, once inspected).
#[component]
pub fn RequestCard(d: RequestDetail) -> impl IntoView {
    let i18n = use_i18n();
    let r = d.row.clone();
    let (state, kind, channel, dept, priority, ctype) =
        (r.state, r.request_type, r.channel, r.handling_dept, r.priority, r.customer_type);
    let level = enums::label(enums::LEVELS, &r.member_level);
    let accepting = d.accepting_dept;
    let caller_link = d.customer_visible.then(|| format!("/customers/{}", d.customer_id));
    let id = d.row.id;
    view! {
        <div class="card request-head" data-testid="request-head">
            <h2>
                {r.request_no.clone()}" "
                <span class=state.badge() data-testid="request-state">{move || state.label(i18n.locale())}</span>" "
                <span class="badge badge-gray">{move || priority.label(i18n.locale())}</span>" "
                <crate::requests::list_page::SlaCell state=state sla=r.sla_state due=r.due_at/>
            </h2>
            <dl class="desc desc-3">
                <dt>{move || i18n.t("企业名称", "Company")}</dt>
                <dd>{match caller_link {
                    Some(href) => view! { <a class="link" href=href>{r.caller.clone()}</a> }.into_any(),
                    None => view! { <span>{r.caller.clone()}</span> }.into_any(),
                }}</dd>
                <dt>{move || i18n.t("客户类型", "Caller type")}</dt><dd>{move || ctype.label(i18n.locale())}</dd>
                <dt>{move || i18n.t("会员级别", "Level")}</dt><dd>{move || i18n.t(level.0, level.1)}</dd>
                <dt>{move || i18n.t("客户姓名", "Caller")}</dt><dd>{d.caller_name.clone()}</dd>
                <dt>{move || i18n.t("移动电话", "Mobile")}</dt><dd>{d.contact_mobile.clone()}</dd>
                <dt>{move || i18n.t("固定电话", "Phone")}</dt><dd>{d.contact_phone.clone()}</dd>
                <dt>{move || i18n.t("登录名", "Login")}</dt><dd>{d.login_name.clone()}</dd>
                <dt>{move || i18n.t("注册邮箱", "E-mail")}</dt><dd>{d.registered_email.clone()}</dd>
                <dt>{move || i18n.t("诉求受理时间", "Taken")}</dt><dd>{fmt_time(&r.accepted_at)}</dd>
                <dt>{move || i18n.t("受理渠道", "Channel")}</dt><dd>{move || channel.label(i18n.locale())}</dd>
                <dt>{move || i18n.t("受理部门", "Accepting dept.")}</dt><dd>{move || accepting.label(i18n.locale())}" · "{d.accepting_org.clone()}</dd>
                <dt>{move || i18n.t("客服人员", "Agent")}</dt><dd>{r.agent.clone()}</dd>
                <dt>{move || i18n.t("诉求类型", "Type")}</dt><dd>{move || kind.label(i18n.locale())}</dd>
                <dt>{move || i18n.t("处理部门", "Handled by")}</dt>
                <dd>{let org = d.handling_org.clone(); move || if org.is_empty() || org == dept.zh() { dept.label(i18n.locale()).to_string() } else { org.clone() }}</dd>
                <dt>{move || i18n.t("完成时间", "Completed")}</dt><dd>{fmt_opt_time(&d.completed_at)}" "{d.completed_by.clone()}</dd>
            </dl>
            <h3>{move || i18n.t("诉求内容", "Request")}</h3>
            <p class="pre" data-testid="request-content">{d.content.clone()}</p>
            {(!d.result.is_empty()).then(|| view! {
                <h3>{move || i18n.t("处理结果", "Result")}</h3>
                <p class="pre" data-testid="request-result">{d.result.clone()}</p>
            })}
            {(!d.void_reason.is_empty()).then(|| view! {
                <div class="alert alert-error" role="status">{move || i18n.t("作废原因:", "Voided: ")}{d.void_reason.clone()}</div>
            })}
            {d.qa.clone().map(|q| {
                let result = q.result;
                view! {
                    <h3>{move || i18n.t("质检", "QA")}</h3>
                    <dl class="desc desc-3" data-testid="request-qa">
                        <dt>{move || i18n.t("是否质检", "QA")}</dt><dd>{move || i18n.t("已质检", "Inspected")}</dd>
                        <dt>{move || i18n.t("质检结果", "QA result")}</dt>
                        <dd><span class=if result == crate::members::enums::QaResult::Incorrect { "badge badge-red" } else { "badge badge-green" }>
                            {move || result.label(i18n.locale())}</span></dd>
                        <dt>{move || i18n.t("质检人", "Inspector")}</dt><dd>{q.inspector.clone()}" "{fmt_opt_time(&q.at)}</dd>
                        <dt>{move || i18n.t("质检备注", "QA remark")}</dt><dd class="pre">{q.remark.clone()}</dd>
                    </dl>
                }
            })}
            {crate::auth::use_session_user().has(crate::auth::Perm::CrmTasks).then(|| view! {
                <p><a class="link" data-testid="follow-up" href=format!("/tasks/new?related=service_request:{id}")>
                    {move || i18n.t("创建跟进任务", "Create a follow-up task")}
                </a></p>
            })}
        </div>
    }
}

/// The departments' feedback rounds (nothing when there is none).
#[component]
pub fn Feedbacks(feedbacks: Vec<super::FeedbackView>) -> impl IntoView {
    let i18n = use_i18n();
    (!feedbacks.is_empty()).then(|| {
        view! {
            <div class="card">
                <h2>{move || i18n.t("部门反馈", "Department feedback")}</h2>
                {feedbacks.into_iter().map(|f| view! {
                    <div class="feedback" data-testid="feedback">
                        <p class="muted">{f.department.clone()}" · "{f.handler.clone()}" · "{fmt_time(&f.at)}</p>
                        <p class="pre">{f.text.clone()}</p>
                    </div>
                }).collect_view()}
            </div>
        }
    })
}

/// The 处理记录 timeline of a request or a rep-office need.
#[component]
pub fn Timeline<S: StateBadge>(steps: Vec<StepView<S>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card">
            <h2>{move || i18n.t("处理记录", "History")}</h2>
            <ol class="timeline" data-testid="timeline">
                {steps.into_iter().map(|s| {
                    let (step, to, to_dept) = (s.step, s.to_state, s.to_dept);
                    view! {
                        <li>
                            <span class="when">{fmt_time(&s.at)}</span>
                            <strong>{move || to.step_label(step, i18n.locale())}</strong>
                            {to_dept.map(|d| view! { <span>" → "{move || d.label(i18n.locale())}</span> })}
                            <span class="muted">" · "{s.actor.clone()}" · "{s.org.clone()}</span>
                            <span class=to.badge()>{move || to.text(i18n.locale())}</span>
                            {(!s.note.is_empty()).then(|| view! { <p class="pre">{s.note.clone()}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </div>
    }
}

/// What a chosen action is sent with.
#[derive(Debug, Clone)]
pub struct ActForm<A> {
    pub action: A,
    pub text: String,
    pub handling_org_id: Option<i64>,
    pub request_type: Option<RequestType>,
}

/// The action buttons of a request or a rep-office need and, for an action that needs it, its
/// text, department and 诉求类型. `submit` validates and sends the action.
#[component]
pub fn ActionPanel<A, F, Fut>(
    actions: Vec<A>,
    departments: Vec<DeptChoice>,
    /// The text a 完成 / 反馈代表处 starts from (the department's last feedback).
    prefill: String,
    /// The classification so far (the 诉求类型 select of a rep-office need starts from it).
    #[prop(optional_no_strip)]
    request_type: Option<RequestType>,
    closed: bool,
    submit: F,
    reload: Callback<()>,
    /// The request's text: with it the 知识库 panel sits beside the action's text, suggesting
    /// articles for the request, and 引用 adds an article's answer to the text.
    #[prop(optional_no_strip)]
    kb: Option<String>,
) -> impl IntoView
where
    A: PanelAction,
    F: Fn(ActForm<A>) -> Fut + Copy + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), AppError>> + 'static,
{
    let i18n = use_i18n();
    let chosen = RwSignal::new(None::<A>);
    let text = RwSignal::new(String::new());
    let dept = RwSignal::new(None::<i64>);
    let kind = RwSignal::new(request_type);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let departments = StoredValue::new(departments);
    let run = move |action: A| {
        let form = ActForm {
            action,
            text: text.get_untracked(),
            handling_org_id: dept.get_untracked(),
            request_type: kind.get_untracked(),
        };
        if let Some(question) = action.confirm()
            && !crate::ui::confirm(question)
        {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let r = submit(form).await;
            busy.set(false);
            match r {
                Ok(()) => {
                    error.set(None);
                    chosen.set(None);
                    reload.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let choose = StoredValue::new(move |a: A| {
        error.set(None);
        if a.immediate() {
            run(a);
        } else {
            text.set(if a.prefilled() { prefill.clone() } else { String::new() });
            dept.set(None);
            chosen.set(Some(a));
            crate::ui::focus_later(if a.classifies() {
                "request_type"
            } else if a.routes() {
                "handling_org_id"
            } else {
                "act-text"
            });
        }
    });
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));
    if actions.is_empty() && closed {
        return ().into_any();
    }
    if actions.is_empty() {
        return view! {
            <div class="card muted" data-testid="no-actions">
                {move || i18n.t("您在当前状态下没有可执行的操作。", "Nothing for you to do in this state.")}
            </div>
        }
        .into_any();
    }
    view! {
        <div class="card" data-testid="actions">
            <h2>{move || i18n.t("处理", "Handle")}</h2>
            <ErrorBanner error=general/>
            <div class="page-actions">
                {actions.into_iter().map(|a| {
                    let (zh, en) = a.label();
                    view! {
                        <button type="button" class=a.button_class() data-action=format!("{a:?}") disabled=move || busy.get()
                            aria-pressed=move || (chosen.get() == Some(a)).to_string()
                            on:click=move |_| choose.with_value(|f| f(a))>{move || i18n.t(zh, en)}</button>
                    }
                }).collect_view()}
            </div>
            {move || chosen.get().map(|a| {
                let (zh, en) = a.text_label();
                let field = a.required_text().unwrap_or("note");
                let kb = kb.clone();
                let beside = kb.is_some();
                view! {
                    <div class:act-with-kb=beside>
                        <form class="form act-form" novalidate on:submit=move |ev| { ev.prevent_default(); run(a) }>
                            {a.classifies().then(|| view! {
                                <Field label=("诉求类型", "Type") id="request_type" required=true errors=errors>
                                    <select id="request_type" on:change=move |ev| kind.set(RequestType::parse(&event_target_value(&ev)))>
                                        <option value="">{move || i18n.t("请选择", "Select…")}</option>
                                        {RequestType::ALL.iter().copied().map(|t| view! {
                                            <option value=t.code() selected=kind.get_untracked() == Some(t)>{move || t.label(i18n.locale())}</option>
                                        }).collect_view()}
                                    </select>
                                </Field>
                            })}
                            {a.routes().then(|| view! {
                                <Field label=("处理部门", "Department") id="handling_org_id" required=true errors=errors>
                                    <select id="handling_org_id" on:change=move |ev| dept.set(event_target_value(&ev).parse().ok())>
                                        <option value="">{move || i18n.t("请选择", "Select…")}</option>
                                        {departments.get_value().into_iter().map(|d| view! {
                                            <option value=d.org_id.map(|o| o.to_string()).unwrap_or_default()>{d.name.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </Field>
                            })}
                            <div class="form-row" class:has-error=move || errors.with(|e| e.get(field).is_some())>
                                <label for="act-text">
                                    {a.required_text().is_some().then(|| view! { <span class="req" aria-hidden="true">"*"</span> })}
                                    {move || i18n.t(zh, en)}
                                </label>
                                <div class="form-control">
                                    <textarea id="act-text" rows="4" maxlength="4000" prop:value=move || text.get()
                                        on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                                    <div class="field-error" role="alert">{move || errors.with(|e| e.get(field).map(|t| t.get(i18n.locale()).to_string()))}</div>
                                </div>
                            </div>
                            <div class="form-buttons">
                                <button type="submit" class="btn btn-primary" data-testid="act-confirm" disabled=move || busy.get()>
                                    {move || { let (zh, en) = a.label(); i18n.t(zh, en) }}
                                </button>
                                <button type="button" class="btn" on:click=move |_| chosen.set(None)>{move || i18n.t("取消", "Cancel")}</button>
                            </div>
                        </form>
                        {kb.map(|content| view! {
                            <crate::kb::panel::KbPanel suggest_from=Signal::stored(content)
                                on_cite=Callback::new(move |cited: String| text.update(|t| *t = crate::kb::panel::cite_into(t, &cited)))/>
                        })}
                    </div>
                }
            })}
        </div>
    }
    .into_any()
}
