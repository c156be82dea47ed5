//! 回访录入 (PG-25): the member panel beside the form; 完成 records the call, 完成并转为诉求
//! records it and opens the intake with the member and the callback. Keyboard-first: the
//! first field takes the focus, every control is reachable by Tab, Enter submits.
use leptos::prelude::*;

use super::api::{load_callback_form, save_callback};
use super::{CallbackContent, CallbackForm, CallbackInput, CallbackSaved, CallbackView, Reach, Satisfaction};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::members::enums;
use crate::requests::caller_view::MemberPanel;
use crate::ui::{ChoiceSelect, ErrorBanner, Field, PageHeader, field_errors, fmt_opt_time, fmt_time, query_id};

/// 回访录入 of `?customer=ID` (`&task=ID`: the task this call answers).
#[component]
pub fn CallbackPage() -> impl IntoView {
    let i18n = use_i18n();
    let customer = query_id("customer");
    let task = query_id("task");
    let form = Resource::new(
        move || customer,
        |id| async move {
            match id {
                Some(id) => load_callback_form(id).await,
                None => Err(AppError::field(
                    "customer",
                    "请从会员列表选择要回访的会员",
                    "Pick the member to call from the list",
                )),
            }
        },
    );
    view! {
        <PageHeader title=("回访录入", "Record a callback")>
            <a class="btn" href="/callbacks">{move || i18n.t("电话回访关怀", "Callbacks")}</a>
        </PageHeader>
        <Transition fallback=|| view! { <p class="muted">"…"</p> }>
            {move || form.get().map(|f| match (f, customer) {
                (Ok(f), Some(id)) => view! { <CallbackEntry data=f customer=id task=task/> }.into_any(),
                (Err(e), _) => view! { <ErrorBanner error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                (Ok(_), None) => ().into_any(),
            })}
        </Transition>
    }
}

#[component]
fn CallbackEntry(data: CallbackForm, customer: i64, task: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let start = CallbackInput {
        customer_id: customer,
        reach: Reach::Reached.code().into(),
        callback_at: data.now.clone(),
        task_id: task.filter(|t| data.tasks.iter().any(|o| o.id == *t)),
        // A care task suggests what the call is about (its rule's 回访内容).
        content: data.tasks.iter().find(|o| Some(o.id) == task).and_then(|o| o.content.clone()).unwrap_or_default(),
        ..CallbackInput::default()
    };
    let form = RwSignal::new(start.clone());
    let start = StoredValue::new(start);
    let history = RwSignal::new(data.history.clone());
    let tasks = RwSignal::new(data.tasks.clone());
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(None::<CallbackSaved>);
    // 完成并转为诉求: the intake opens once the callback is saved.
    let then_request = RwSignal::new(false);
    let save = Action::new(|input: &CallbackInput| {
        let input = input.clone();
        async move { save_callback(input).await }
    });
    let pending = save.pending();
    Effect::new(move |_| {
        let Some(result) = save.value().get() else { return };
        match result {
            Ok(s) => {
                if then_request.get_untracked() {
                    crate::ui::hard_navigate(&format!("/requests/new?customer={customer}&callback={}", s.id));
                } else {
                    // Recorded: the history and the open tasks as they are now, the form
                    // cleared for the next call.
                    error.set(None);
                    saved.set(Some(s));
                    form.set(CallbackInput { task_id: None, ..start.get_value() });
                    leptos::task::spawn_local(async move {
                        if let Ok(f) = load_callback_form(customer).await {
                            history.set(f.history);
                            tasks.set(f.tasks);
                            form.update(|i| i.callback_at = f.now);
                        }
                    });
                }
            }
            Err(e) => error.set(Some(e)),
        }
    });
    let submit = move |to_request: bool| {
        let input = form.get_untracked();
        match input.validate() {
            Ok(()) => {
                then_request.set(to_request);
                save.dispatch(input);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));
    let text = move |get: fn(&CallbackInput) -> &String| move || form.with(|f| get(f).clone());
    let reached = move || form.with(|f| f.reach == Reach::Reached.code());
    let dept = data.service_dept;
    crate::ui::focus_later("content");
    view! {
        <div class="intake">
            <div class="intake-stack">
                <div class="intake-main card">
                    {move || saved.get().map(|s| view! {
                        <div class="alert alert-success" role="status" data-testid="callback-done">
                            {move || i18n.t("回访已记录", "Callback recorded")}
                            {s.follow_up_task_id.map(|_| view! { <span>{move || i18n.t(",已创建下次回访任务", "; the next call is in your tasks")}</span> })}
                            {s.closed_task_id.map(|_| view! { <span>{move || i18n.t(",对应任务已完成", "; its task is done")}</span> })}
                            " "<a class="link" href=format!("/customers/{customer}")>{move || i18n.t("查看会员", "Open the member")}</a>
                            " "<a class="link" href="/callbacks">{move || i18n.t("返回回访列表", "Back to the call list")}</a>
                        </div>
                    })}
                    <ErrorBanner error=general/>
                    <form class="form" novalidate data-testid="callback-form" on:submit=move |ev| {
                        ev.prevent_default();
                        submit(false);
                    }>
                        <div class="form-2col">
                            <Field label=("回访内容", "Purpose") id="content" required=true errors=errors>
                                <ChoiceSelect id="content" form=true choices=CallbackContent::CHOICES value=Signal::derive(text(|f| &f.content))
                                    on_change=Callback::new(move |v| form.update(|f| f.content = v))/>
                            </Field>
                            <Field label=("接通情况", "Reached") id="reach" required=true errors=errors>
                                <select id="reach" on:change=move |ev| form.update(|f| f.reach = event_target_value(&ev))>
                                    {Reach::ALL.iter().copied().map(|r| view! {
                                        <option value=r.code() selected=move || form.with(|f| f.reach == r.code())>{move || r.label(i18n.locale())}</option>
                                    }).collect_view()}
                                </select>
                            </Field>
                            <Field label=("被回访人", "Person called") id="contact_name" errors=errors>
                                <input id="contact_name" type="text" maxlength="50" prop:value=text(|f| &f.contact_name)
                                    on:input=move |ev| form.update(|f| f.contact_name = event_target_value(&ev))/>
                            </Field>
                            <Field label=("联系电话", "Number called") id="phone_called" errors=errors>
                                <input id="phone_called" type="tel" maxlength="30" prop:value=text(|f| &f.phone_called)
                                    on:input=move |ev| form.update(|f| f.phone_called = event_target_value(&ev))/>
                            </Field>
                        </div>
                        <Field label=("会员反馈", "Member's feedback") id="feedback" required=true errors=errors
                            hint=("会员的服务需求和建议;未接通时可不填", "Needs and suggestions; optional when not reached")>
                            <textarea id="feedback" rows="4" maxlength="4000" aria-required=move || reached().to_string() prop:value=text(|f| &f.feedback)
                                on:input=move |ev| form.update(|f| f.feedback = event_target_value(&ev))></textarea>
                            <div class="counter">{move || form.with(|f| f.feedback.chars().count())}" / 4000"</div>
                        </Field>
                        <div class="form-2col">
                            <Field label=("满意程度", "Satisfaction") id="satisfaction" errors=errors>
                                <ChoiceSelect id="satisfaction" form=true choices=Satisfaction::CHOICES value=Signal::derive(text(|f| &f.satisfaction))
                                    on_change=Callback::new(move |v| form.update(|f| f.satisfaction = v))/>
                            </Field>
                            <Field label=("回访时间", "Called at") id="callback_at" required=true errors=errors
                                hint=("可补录 7 天内的回访", "Up to 7 days back")>
                                <input id="callback_at" type="datetime-local" prop:value=text(|f| &f.callback_at)
                                    on:input=move |ev| form.update(|f| f.callback_at = event_target_value(&ev))/>
                            </Field>
                            <Field label=("下次回访时间", "Next call") id="next_at" errors=errors
                                hint=("填写后将为您创建回访任务", "Creates a task for you")>
                                <input id="next_at" type="datetime-local" prop:value=text(|f| &f.next_at)
                                    on:input=move |ev| form.update(|f| f.next_at = event_target_value(&ev))/>
                            </Field>
                            <Field label=("下次回访事项", "Next call about") id="next_note" errors=errors>
                                <input id="next_note" type="text" maxlength="255" prop:value=text(|f| &f.next_note)
                                    on:input=move |ev| form.update(|f| f.next_note = event_target_value(&ev))/>
                            </Field>
                        </div>
                        {move || (!tasks.with(Vec::is_empty)).then(|| view! {
                            <Field label=("对应任务", "Answers task") id="task_id" errors=errors
                                hint=("保存后该任务标记为已完成", "The task is marked done on save")>
                                <select id="task_id" on:change=move |ev| form.update(|f| f.task_id = event_target_value(&ev).parse().ok())>
                                    <option value="">{move || i18n.t("无", "None")}</option>
                                    {tasks.get().into_iter().map(|t| {
                                        let id = t.id;
                                        let label = format!("{}({})", t.title, fmt_opt_time(&t.due_at));
                                        view! { <option value=id.to_string() selected=move || form.with(|f| f.task_id == Some(id))>{label}</option> }
                                    }).collect_view()}
                                </select>
                            </Field>
                        })}
                        <dl class="desc">
                            <dt>{move || i18n.t("服务方式", "Service mode")}</dt><dd>{move || i18n.t("主动服务", "Proactive")}</dd>
                            <dt>{move || i18n.t("服务部门", "Service dept")}</dt><dd>{move || dept.label(i18n.locale())}</dd>
                            <dt>{move || i18n.t("回访人", "Called by")}</dt><dd>{data.agent.clone()}</dd>
                        </dl>
                        <div class="form-buttons">
                            <button type="submit" class="btn btn-primary" data-testid="callback-complete" disabled=move || pending.get()>
                                {move || i18n.t("完成", "Done")}
                            </button>
                            <button type="button" class="btn" data-testid="callback-to-request" disabled=move || pending.get()
                                on:click=move |_| submit(true)>
                                {move || i18n.t("完成并转为诉求", "Done, then take a request")}
                            </button>
                            <button type="button" class="btn" on:click=move |_| {
                                form.set(start.get_value());
                                error.set(None);
                                saved.set(None);
                                crate::ui::focus_later("content");
                            }>{move || i18n.t("清空", "Clear")}</button>
                        </div>
                    </form>
                </div>
                // 知识库 search for the member's questions during the call, under the form.
                {crate::auth::use_session_user().has(crate::auth::Perm::Kb).then(|| view! { <crate::kb::panel::KbPanel/> })}
            </div>
            <aside class="intake-side card" aria-label=move || i18n.t("会员资料", "Member")>
                <MemberPanel p=data.panel/>
                <h3>{move || i18n.t("回访记录", "Callbacks")}</h3>
                {move || view! { <History rows=history.get()/> }}
            </aside>
        </div>
    }
}

/// A member's last callbacks.
#[component]
pub fn History(rows: Vec<CallbackView>) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <p class="muted">{move || i18n.t("尚无回访记录", "No callbacks yet")}</p> }.into_any();
    }
    view! {
        <ul class="briefs" data-testid="callback-history">
            {rows.into_iter().map(|r| {
                let content = enums::label(CallbackContent::CHOICES, &r.content);
                let reach = enums::label(Reach::CHOICES, &r.reach);
                view! {
                    <li>
                        <span>{fmt_time(&r.callback_at)}</span>" "
                        <span class="badge badge-gray">{move || i18n.t(content.0, content.1)}</span>" "
                        <span class="muted">{move || i18n.t(reach.0, reach.1)}" · "{r.agent.clone()}</span>" "
                        <span class="muted">{r.feedback.chars().take(40).collect::<String>()}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
