//! 任务提醒 (PG-76): 我的任务 / 我分配的 / 团队任务 (主管/经理), filters kept in the URL,
//! 开始 / 完成 (with a note) / 转交 / 取消 on each row; and the 新建任务 form, which a request's
//! page opens with the request already related (跟进任务).
use leptos::prelude::*;

use super::api::{act_on_task, create_task, list_tasks, load_task_options};
use super::{TaskActInput, TaskAction, TaskFilter, TaskInput, TaskOptions, TaskRow, TaskSource, TaskStatus, TaskTab};
use crate::auth::{RoleCode, use_session_user};
use crate::bind_filter;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::requests::Priority;
use crate::ui::filters::{DateRange, SelectFilter};
use crate::ui::list::{FilterButtons, FilterForm, ListState, ListTable, UrlFilter};
use crate::ui::{ErrorBanner, Field, PageHeader, field_errors, fmt_opt_time};

const COLUMNS: &[(&str, &str)] = &[
    ("标题", "Title"),
    ("关联对象", "Related"),
    ("优先级", "Priority"),
    ("截止时间", "Due"),
    ("提醒时间", "Reminder"),
    ("负责人", "Assignee"),
    ("创建人", "Created by"),
    ("来源", "Source"),
    ("状态", "Status"),
    ("操作", "Actions"),
];

#[component]
pub fn TasksPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_session_user();
    let boss = RoleCode::is_reviewer(RoleCode::parse(&user.role_code));
    let list = ListState::<TaskFilter>::new(|_| {});
    let draft = list.draft;
    let rows = list.load(list_tasks);
    let errors = Signal::derive(move || list.filter.with(|f| field_errors(f.validate().err().as_ref())));
    let acting = RwSignal::new(None::<(TaskRow, TaskAction)>);
    let tabs: Vec<TaskTab> = TaskTab::ALL.iter().copied().filter(|t| *t != TaskTab::Team || boss).collect();
    view! {
        <PageHeader title=("任务提醒", "Tasks")>
            <a class="btn btn-primary" href="/tasks/new">{move || i18n.t("新建任务", "New task")}</a>
        </PageHeader>
        <nav class="tabs" aria-label=move || i18n.t("任务分类", "Task tabs")>
            {tabs.into_iter().map(|t| {
                let href = move || {
                    let f = list.filter.get();
                    let size = f.page_size();
                    format!("/tasks?{}", TaskFilter { tab: t.code().into(), ..f.at_page(1, size) }.to_query())
                };
                view! {
                    <a href=href class:active=move || list.filter.with(|f| f.task_tab() == t)
                        aria-current=move || list.filter.with(|f| f.task_tab() == t).then_some("page")>
                        {move || t.label(i18n.locale())}
                    </a>
                }
            }).collect_view()}
        </nav>
        <FilterForm list keep=&["tab"]>
            <SelectFilter label=("状态", "Status") id="status" choices=TaskStatus::CHOICES value=bind_filter!(draft, status) errors=errors/>
            <SelectFilter label=("优先级", "Priority") id="priority" choices=Priority::CHOICES value=bind_filter!(draft, priority) errors=errors/>
            <SelectFilter label=("来源", "Source") id="source" choices=TaskSource::CHOICES value=bind_filter!(draft, source) errors=errors/>
            <DateRange label=("截止时间", "Due") id="due_from" from=bind_filter!(draft, due_from) to=bind_filter!(draft, due_to) errors=errors/>
            <FilterButtons list/>
        </FilterForm>
        <p class="muted small">{move || i18n.t("未选状态时只列出待办和进行中的任务。", "Without a status only open tasks are listed.")}</p>
        {move || acting.get().map(|(t, a)| view! { <ActPanel task=t action=a acting=acting done=Callback::new(move |_| list.reload())/> })}
        <ListTable rows columns=COLUMNS on_page=list.on_page() testid="tasks"
            row=move |r| view! { <Row r=r acting=acting/> }
            empty=move || view! {
                <p>{move || i18n.t("没有符合条件的任务", "No tasks match")}</p>
                <p class="muted">{move || i18n.t("在诉求详情中可“创建跟进任务”,或点“新建任务”。", "Create a follow-up from a request's page, or use “New task”.")}</p>
            }/>
    }
}

#[component]
fn Row(r: TaskRow, acting: RwSignal<Option<(TaskRow, TaskAction)>>) -> impl IntoView {
    let i18n = use_i18n();
    let (priority, source, status) = (r.priority, r.source, r.status);
    let row = StoredValue::new(r.clone());
    view! {
        <tr class:overdue=r.overdue>
            <td>
                <strong>{r.title.clone()}</strong>
                {(!r.description.is_empty()).then(|| view! { <div class="muted small clip">{r.description.clone()}</div> })}
                {(!r.completion_note.is_empty()).then(|| view! { <div class="muted small">{move || i18n.t("完成说明:", "Note: ")}{r.completion_note.clone()}</div> })}
            </td>
            <td>{r.related.clone().map(|(label, href)| view! { <a class="link" href=href>{label}</a> })}</td>
            <td>{move || priority.label(i18n.locale())}</td>
            <td>
                {fmt_opt_time(&r.due_at)}
                {r.overdue.then(|| view! { <span class="badge badge-red">{move || i18n.t("已逾期", "Overdue")}</span> })}
            </td>
            <td>{fmt_opt_time(&r.remind_at)}</td>
            <td>{r.assignee.clone()}</td>
            <td>{r.creator.clone()}</td>
            <td>{move || source.label(i18n.locale())}</td>
            <td><span class=status.badge()>{move || status.label(i18n.locale())}</span></td>
            <td class="row-actions">
                {r.call_back.clone().map(|href| view! {
                    <a class="link" href=href data-testid="task-call-back">{move || i18n.t("回访", "Call back")}</a>
                })}
                {r.actions.iter().copied().map(|a| {
                    let (zh, en) = a.label();
                    view! {
                        <button type="button" class="link" data-task-action=format!("{a:?}")
                            on:click=move |_| acting.set(Some((row.get_value(), a)))>{move || i18n.t(zh, en)}</button>
                    }
                }).collect_view()}
            </td>
        </tr>
    }
}

/// The chosen action on a task with what it needs (a note, a colleague), confirmed.
#[component]
fn ActPanel(
    task: TaskRow,
    action: TaskAction,
    acting: RwSignal<Option<(TaskRow, TaskAction)>>,
    done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let note = RwSignal::new(String::new());
    let assignee = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let options = Resource::new(
        move || (),
        move |_| async move {
            if action == TaskAction::Transfer { load_task_options(None).await.map(Some) } else { Ok(None) }
        },
    );
    let (id, version, title) = (task.id, task.version, task.title.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input =
            TaskActInput { id, version, action, note: note.get_untracked(), assignee_id: assignee.get_untracked() };
        if let Err(e) = input.validate() {
            error.set(Some(e));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let r = act_on_task(input).await;
            busy.set(false);
            match r {
                Ok(_) => {
                    acting.set(None);
                    done.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));
    let (zh, en) = action.label();
    view! {
        <div class="card" data-testid="task-act">
            <h2>{move || i18n.t(zh, en)}" · "{title.clone()}</h2>
            <ErrorBanner error=general/>
            <form class="form" novalidate on:submit=submit>
                {(action == TaskAction::Transfer).then(|| view! {
                    <Field label=("转交给", "Hand over to") id="assignee_id" required=true errors=errors>
                        <Transition fallback=|| view! { <select id="assignee_id" disabled=true></select> }>
                            {move || options.get().map(|o| {
                                let people = o.ok().flatten().map(|o: TaskOptions| o.assignees).unwrap_or_default();
                                view! {
                                    <select id="assignee_id" on:change=move |ev| assignee.set(event_target_value(&ev).parse().ok())>
                                        <option value="">{move || i18n.t("请选择", "Select…")}</option>
                                        {people.into_iter().map(|(pid, name)| view! { <option value=pid.to_string()>{name}</option> }).collect_view()}
                                    </select>
                                }
                            })}
                        </Transition>
                    </Field>
                })}
                {matches!(action, TaskAction::Complete | TaskAction::Cancel | TaskAction::Transfer).then(|| view! {
                    <div class="form-row">
                        <label for="task-note">{move || i18n.t("说明", "Note")}</label>
                        <div class="form-control">
                            <textarea id="task-note" rows="3" maxlength="4000" prop:value=move || note.get()
                                on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                        </div>
                    </div>
                })}
                <div class="form-buttons">
                    <button type="submit" class="btn btn-primary" data-testid="task-act-confirm" disabled=move || busy.get()>{move || i18n.t(zh, en)}</button>
                    <button type="button" class="btn" on:click=move |_| acting.set(None)>{move || i18n.t("返回", "Back")}</button>
                </div>
            </form>
        </div>
    }
}

/// 新建任务; `?related=service_request:ID` relates it to a request (跟进任务).
#[component]
pub fn TaskNewPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let related = query.with_untracked(|q| q.get("related"));
    let options = Resource::new(move || related.clone(), load_task_options);
    view! {
        <PageHeader title=("新建任务", "New task")>
            <a class="btn" href="/tasks">{move || use_i18n().t("返回任务列表", "Back to tasks")}</a>
        </PageHeader>
        <Transition fallback=|| view! { <p class="muted">"…"</p> }>
            {move || options.get().map(|o| match o {
                Ok(o) => view! { <TaskForm options=o/> }.into_any(),
                Err(e) => view! { <ErrorBanner error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn TaskForm(options: TaskOptions) -> impl IntoView {
    let i18n = use_i18n();
    let related = options.related.clone();
    let form = RwSignal::new(TaskInput {
        assignee_id: Some(options.me),
        related: related.as_ref().map(|r| (r.0, r.1)),
        title: related.as_ref().map(|r| format!("跟进 {}", r.2)).unwrap_or_default(),
        ..TaskInput::default()
    });
    let error = RwSignal::new(None::<AppError>);
    let save = Action::new(|input: &TaskInput| {
        let input = input.clone();
        async move { create_task(input).await }
    });
    let pending = save.pending();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => crate::ui::hard_navigate("/tasks?tab=assigned"),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));
    let text = move |get: fn(&TaskInput) -> &String| move || form.with(|f| get(f).clone());
    view! {
        <div class="card">
            <ErrorBanner error=general/>
            <form class="form" novalidate on:submit=move |ev| {
                ev.prevent_default();
                let input = form.get_untracked();
                match input.validate() {
                    Ok(()) => { save.dispatch(input); }
                    Err(e) => error.set(Some(e)),
                }
            }>
                {related.map(|(kind, id, label)| {
                    let href = kind.href(id);
                    view! {
                        <div class="form-row">
                            <label>{move || i18n.t("关联对象", "Related")}</label>
                            <div class="form-control static-value"><a class="link" href=href>{label}</a></div>
                        </div>
                    }
                })}
                <Field label=("标题", "Title") id="title" required=true errors=errors>
                    <input id="title" type="text" maxlength="200" autofocus=true prop:value=text(|f| &f.title)
                        on:input=move |ev| form.update(|f| f.title = event_target_value(&ev))/>
                </Field>
                <Field label=("描述", "Description") id="description" errors=errors>
                    <textarea id="description" rows="3" maxlength="4000" prop:value=text(|f| &f.description)
                        on:input=move |ev| form.update(|f| f.description = event_target_value(&ev))></textarea>
                </Field>
                <Field label=("负责人", "Assignee") id="assignee_id" required=true errors=errors>
                    <select id="assignee_id" on:change=move |ev| form.update(|f| f.assignee_id = event_target_value(&ev).parse().ok())>
                        {options.assignees.iter().map(|(pid, name)| {
                            let pid = *pid;
                            view! { <option value=pid.to_string() selected=pid == options.me>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </Field>
                <Field label=("优先级", "Priority") id="priority" errors=errors>
                    <select id="priority" on:change=move |ev| form.update(|f| f.priority = Priority::parse(&event_target_value(&ev)).unwrap_or(Priority::Normal))>
                        {Priority::ALL.iter().copied().map(|p| view! {
                            <option value=p.code() selected=p == Priority::Normal>{move || p.label(i18n.locale())}</option>
                        }).collect_view()}
                    </select>
                </Field>
                <Field label=("截止时间", "Due") id="due_at" errors=errors>
                    <input id="due_at" type="datetime-local" prop:value=text(|f| &f.due_at)
                        on:input=move |ev| form.update(|f| f.due_at = event_target_value(&ev))/>
                </Field>
                <Field label=("提醒时间", "Reminder") id="remind_at" errors=errors>
                    <input id="remind_at" type="datetime-local" prop:value=text(|f| &f.remind_at)
                        on:input=move |ev| form.update(|f| f.remind_at = event_target_value(&ev))/>
                </Field>
                <div class="form-buttons">
                    <button type="submit" class="btn btn-primary" data-testid="task-save" disabled=move || pending.get()>
                        {move || i18n.t("保存", "Save")}
                    </button>
                </div>
            </form>
        </div>
    }
}
