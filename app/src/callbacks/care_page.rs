//! 关怀规则 page (经理): the rules with their open tasks, a form to add or edit one, 立即运行
//! with its progress, and the last runs (nightly and by hand) with what each made.
use leptos::prelude::*;

use super::CallbackContent;
use super::api::{delete_care_rule, load_care_page, save_care_rule, start_care_run};
use super::care::{CareAssign, CarePage, CareRuleInput, CareRuleView, CareTrigger};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::jobs::{JobState, JobStatus};
use crate::members::enums::{LEVELS, MemberLevel, label};
use crate::ui::{
    ChoiceSelect, ErrorBanner, Field, Loaded, PageHeader, SuccessBanner, confirm, field_errors, fmt_opt_time, fmt_time,
};

/// The levels a new rule starts with: the paid ones.
fn paid_levels() -> Vec<String> {
    MemberLevel::ALL.iter().filter(|l| l.is_paid()).map(|l| l.code().to_string()).collect()
}

fn new_rule() -> CareRuleInput {
    CareRuleInput {
        trigger: CareTrigger::BeforeExpiry.code().into(),
        member_levels: paid_levels(),
        callback_content: CallbackContent::RenewalReminder.code().into(),
        assign_to: CareAssign::OwnerAgent.code().into(),
        enabled: true,
        ..Default::default()
    }
}

#[component]
pub fn CareRulesPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| load_care_page());
    let reload = Callback::new(move |_| version.update(|v| *v += 1));
    view! {
        <PageHeader title=("关怀规则", "Care rules")/>
        <Loaded data show=move |p| view! { <Rules p=p reload=reload/> }/>
    }
}

#[component]
fn Rules(p: CarePage, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let form = RwSignal::new(new_rule());
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(None::<String>);
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let run = RwSignal::new(None::<JobStatus>);
    let run_error = RwSignal::new(None::<AppError>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = form.get_untracked();
        if let Err(e) = input.validate() {
            error.set(Some(e));
            return;
        }
        leptos::task::spawn_local(async move {
            match save_care_rule(input).await {
                Ok(r) => {
                    error.set(None);
                    saved.set(Some(format!("已保存规则「{}」/ Saved", r.name)));
                    form.set(new_rule());
                    reload.run(());
                }
                Err(e) => {
                    saved.set(None);
                    error.set(Some(e));
                }
            }
        });
    };
    let remove = move |r: CareRuleView| {
        if !confirm(&format!("删除规则「{}」?已生成的关怀任务保留。", r.name)) {
            return;
        }
        leptos::task::spawn_local(async move {
            match delete_care_rule(r.id, r.version).await {
                Ok(()) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let start = move |_| {
        if !confirm("现在按已启用的规则检查会员并生成关怀任务?已生成过的不会重复。") {
            return;
        }
        leptos::task::spawn_local(async move {
            run_error.set(None);
            match start_care_run(String::new()).await {
                Ok(s) => match crate::jobs::api::watch(s, run).await {
                    Ok(s) if s.state == JobState::Done => reload.run(()),
                    Ok(s) => run_error.set(s.message.map(AppError::Rejected)),
                    Err(e) => run_error.set(Some(e)),
                },
                Err(e) => run_error.set(Some(e)),
            }
        });
    };
    let running =
        move || run.with(|r| r.as_ref().is_some_and(|s| matches!(s.state, JobState::Queued | JobState::Running)));
    let editing = move || form.with(|f| f.id.is_some());
    let next = fmt_time(&p.next_nightly);
    let levels_text = move |codes: &[String]| {
        codes
            .iter()
            .map(|c| {
                let (zh, en) = label(LEVELS, c);
                i18n.t(zh, en)
            })
            .collect::<Vec<_>>()
            .join("、")
    };

    view! {
        <div class="card">
            <h2>{move || i18n.t("规则", "Rules")}</h2>
            <p class="muted">{move || i18n.t(
                "每天 02:00 按已启用的规则检查付费会员,为到期的关怀时机生成回访任务(同一会员同一时机只生成一次;错过的时机 7 天内补上)。回访时选择该任务即自动关闭。",
                "Every night at 02:00 the enabled rules are applied to paid members; each occasion becomes one callback task (never twice; missed occasions are caught up for 7 days). The callback that answers a task closes it.",
            )}</p>
            {if p.rules.is_empty() {
                view! { <p class="empty" data-testid="no-rules">{move || i18n.t("尚无关怀规则,请在下方新增。", "No rules yet; add one below.")}</p> }.into_any()
            } else {
                view! {
                    <table class="data" data-testid="care-rules">
                        <thead><tr>
                            <th>{move || i18n.t("规则名称", "Name")}</th>
                            <th>{move || i18n.t("触发条件", "When")}</th>
                            <th>{move || i18n.t("会员级别", "Levels")}</th>
                            <th>{move || i18n.t("回访内容", "Call about")}</th>
                            <th>{move || i18n.t("分配方式", "Who calls")}</th>
                            <th>{move || i18n.t("状态", "State")}</th>
                            <th>{move || i18n.t("未完成任务", "Open tasks")}</th>
                            <th>{move || i18n.t("操作", "Actions")}</th>
                        </tr></thead>
                        <tbody>
                            {p.rules.into_iter().map(|r| {
                                let (edit, del) = (r.clone(), r.clone());
                                let levels = r.member_levels.clone();
                                view! {
                                    <tr>
                                        <td>{r.name.clone()}</td>
                                        <td>{move || r.trigger.describe(r.offset_days, i18n.locale())}</td>
                                        <td>{move || levels_text(&levels)}</td>
                                        <td>{move || r.callback_content.label(i18n.locale())}</td>
                                        <td>{move || r.assign_to.label(i18n.locale())}</td>
                                        <td>{if r.enabled {
                                            view! { <span class="badge badge-green">{move || i18n.t("启用", "On")}</span> }.into_any()
                                        } else {
                                            view! { <span class="badge">{move || i18n.t("停用", "Off")}</span> }.into_any()
                                        }}</td>
                                        <td>{r.open_tasks}</td>
                                        <td class="actions">
                                            <button type="button" class="link" on:click=move |_| {
                                                form.set(edit.input());
                                                error.set(None);
                                                crate::ui::focus_later("name");
                                            }>{move || i18n.t("编辑", "Edit")}</button>
                                            <button type="button" class="link danger" on:click=move |_| remove(del.clone())>
                                                {move || i18n.t("删除", "Delete")}
                                            </button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </div>

        <div class="card">
            <h2>{move || if editing() { i18n.t("编辑规则", "Edit rule") } else { i18n.t("新增规则", "New rule") }}</h2>
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()))/>
            <SuccessBanner message=saved/>
            <form class="form form-2col" novalidate on:submit=submit>
                <Field label=("规则名称", "Name") id="name" required=true errors>
                    <input id="name" type="text" maxlength="50" placeholder="到期前续费提醒"
                        prop:value=move || form.with(|f| f.name.clone())
                        on:input=move |ev| form.update(|f| f.name = event_target_value(&ev))/>
                </Field>
                <Field label=("触发条件", "When") id="trigger" required=true errors>
                    <ChoiceSelect id="trigger" form=true choices=CareTrigger::CHOICES
                        value=Signal::derive(move || form.with(|f| f.trigger.clone()))
                        on_change=Callback::new(move |v| form.update(|f| f.trigger = v))/>
                </Field>
                <Field label=("天数 N", "Days (N)") id="offset_days" required=true errors
                    hint=("例如 到期前 30 天 填 30", "e.g. 30 for 30 days before expiry")>
                    <input id="offset_days" type="number" min="1" max="366" inputmode="numeric"
                        prop:value=move || form.with(|f| f.offset_days.clone())
                        on:input=move |ev| form.update(|f| f.offset_days = event_target_value(&ev))/>
                </Field>
                <Field label=("回访内容", "Call about") id="callback_content" required=true errors>
                    <ChoiceSelect id="callback_content" form=true choices=CallbackContent::CHOICES
                        value=Signal::derive(move || form.with(|f| f.callback_content.clone()))
                        on_change=Callback::new(move |v| form.update(|f| f.callback_content = v))/>
                </Field>
                <Field label=("会员级别", "Levels") id="member_levels" required=true errors>
                    <div class="checkbox-group" id="member_levels" role="group">
                        {LEVELS.iter().map(|(code, zh, en)| {
                            let code = code.to_string();
                            let c2 = code.clone();
                            view! {
                                <label class="checkbox-row">
                                    <input type="checkbox" name="member_levels" value=code.clone()
                                        prop:checked=move || form.with(|f| f.member_levels.contains(&code))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            form.update(|f| {
                                                f.member_levels.retain(|l| l != &c2);
                                                if on { f.member_levels.push(c2.clone()) }
                                            })
                                        }/>
                                    {move || i18n.t(zh, en)}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </Field>
                <Field label=("分配方式", "Who calls") id="assign_to" required=true errors>
                    <ChoiceSelect id="assign_to" form=true choices=CareAssign::CHOICES
                        value=Signal::derive(move || form.with(|f| f.assign_to.clone()))
                        on_change=Callback::new(move |v| form.update(|f| f.assign_to = v))/>
                </Field>
                <Field label=("启用", "Enabled") id="enabled" errors>
                    <label class="checkbox-row">
                        <input id="enabled" type="checkbox" prop:checked=move || form.with(|f| f.enabled)
                            on:change=move |ev| form.update(|f| f.enabled = event_target_checked(&ev))/>
                        {move || i18n.t("按此规则生成任务", "Make tasks by this rule")}
                    </label>
                </Field>
                <div class="form-buttons form-wide">
                    <button type="submit" class="btn btn-primary" data-testid="care-save">{move || i18n.t("保存", "Save")}</button>
                    {move || editing().then(|| view! {
                        <button type="button" class="btn" on:click=move |_| { form.set(new_rule()); error.set(None); }>
                            {i18n.t("取消编辑", "Cancel")}
                        </button>
                    })}
                </div>
            </form>
        </div>

        <div class="card">
            <h2>
                {move || i18n.t("运行记录", "Runs")}" "
                <button type="button" class="btn btn-primary btn-small" data-testid="care-run" disabled=running on:click=start>
                    {move || if running() { i18n.t("运行中…", "Running…") } else { i18n.t("立即运行", "Run now") }}
                </button>
            </h2>
            <p class="muted">{move || i18n.t("下次自动运行:", "Next nightly run: ")}{next.clone()}</p>
            <ErrorBanner error=run_error/>
            {move || run.get().filter(|s| matches!(s.state, JobState::Queued | JobState::Running)).map(|s| view! {
                <div class="progress" role="status">
                    <progress max="100" value=s.percent()></progress>
                    " "{if s.state == JobState::Queued { i18n.t("排队中…", "Queued…").to_string() } else { format!("{} {}", s.done, i18n.t("位会员已检查", "members checked")) }}
                </div>
            })}
            {if p.runs.is_empty() {
                view! { <p class="empty" data-testid="no-runs">{move || i18n.t("尚未运行过。", "Not run yet.")}</p> }.into_any()
            } else {
                view! {
                    <table class="data" data-testid="care-runs">
                        <thead><tr>
                            <th>{move || i18n.t("开始时间", "Started")}</th>
                            <th>{move || i18n.t("检查日期", "Day")}</th>
                            <th>{move || i18n.t("方式", "How")}</th>
                            <th>{move || i18n.t("执行人", "By")}</th>
                            <th>{move || i18n.t("规则数", "Rules")}</th>
                            <th>{move || i18n.t("到期会员", "Members due")}</th>
                            <th>{move || i18n.t("新建任务", "Tasks made")}</th>
                            <th>{move || i18n.t("状态", "State")}</th>
                            <th>{move || i18n.t("结束时间", "Finished")}</th>
                        </tr></thead>
                        <tbody>
                            {p.runs.into_iter().map(|r| view! {
                                <tr>
                                    <td>{fmt_time(&r.started_at)}</td>
                                    <td>{r.run_day.format("%Y-%m-%d").to_string()}</td>
                                    <td>{move || r.started_how.label(i18n.locale())}</td>
                                    <td>{r.started_by.clone()}</td>
                                    <td>{r.rules}</td>
                                    <td>{r.examined}</td>
                                    <td data-testid="care-run-created">{r.created}</td>
                                    <td title=r.message.clone().unwrap_or_default()>{move || r.state.label(i18n.locale())}</td>
                                    <td>{fmt_opt_time(&r.finished_at)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </div>
    }
}
