//! PG-75 流失预警: the open warnings by risk, what each is about, and 处理 — 回访 (the callback
//! form for the member), 开始跟进, 标记已挽回 / 已流失 (with a note), 忽略 (主管/经理, with a
//! reason); 重新计算 with its progress; 规则设置 for 经理.
use leptos::prelude::*;

use super::api::{churn_handle, churn_list, churn_rules, churn_rules_save, load_churn_options, start_churn_run};
use super::{ACTIVE, ChurnFilter, HandleAction, HandleInput, RiskLevel, RuleCode, RuleView, WarningRow, WarningStatus};
use crate::bind_filter;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::jobs::{JobState, JobStatus};
use crate::members::enums::MemberLevel;
use crate::ui::filters::{DateRange, IdFilter, SelectFilter, TextFilter};
use crate::ui::list::{FilterButtons, FilterForm, ListState};
use crate::ui::{ErrorBanner, PageHeader, Pager, field_errors, fmt_time};

const STATUS_CHOICES: &[(&str, &str, &str)] = &[
    ("active", "待处理和跟进中", "Open and following up"),
    ("open", "待处理", "Open"),
    ("following", "跟进中", "Following up"),
    ("retained", "已挽回", "Retained"),
    ("lost", "已流失", "Lost"),
    ("dismissed", "已忽略", "Dismissed"),
];

#[component]
pub fn ChurnPage() -> impl IntoView {
    let i18n = use_i18n();
    // The open warnings unless another status is asked for.
    let list = ListState::<ChurnFilter>::new(|f| {
        if f.status.is_empty() {
            f.status = ACTIVE.into();
        }
    });
    let draft = list.draft;
    let (filter, version) = (list.filter, list.version);
    let data = Resource::new(move || (filter.get(), version.get()), |(f, _)| churn_list(f));
    let options = Resource::new(move || version.get(), |_| load_churn_options());
    let errors = Signal::derive(move || list.filter.with(|f| field_errors(f.validate().err().as_ref())));
    let run = RwSignal::new(None::<JobStatus>);
    let run_error = RwSignal::new(None::<AppError>);
    let start = move |_| {
        if !crate::ui::confirm("现在按已启用的规则重新计算全部付费会员的流失风险?") {
            return;
        }
        leptos::task::spawn_local(async move {
            run_error.set(None);
            match start_churn_run(String::new()).await {
                Ok(s) => match crate::jobs::api::watch(s, run).await {
                    Ok(s) if s.state == JobState::Done => list.reload(),
                    Ok(s) => run_error.set(s.message.map(AppError::Rejected)),
                    Err(e) => run_error.set(Some(e)),
                },
                Err(e) => run_error.set(Some(e)),
            }
        });
    };
    let running =
        move || run.with(|r| r.as_ref().is_some_and(|s| matches!(s.state, JobState::Queued | JobState::Running)));
    view! {
        <PageHeader title=("流失预警", "Churn warnings")>
            <Transition fallback=|| ()>
                {move || options.get().and_then(|o| o.ok()).filter(|o| o.may_dismiss || o.may_configure).map(|_| view! {
                    <button type="button" class="btn" disabled=running on:click=start data-testid="churn-run">
                        {move || i18n.t("重新计算", "Evaluate now")}
                    </button>
                })}
            </Transition>
        </PageHeader>
        {move || run.get().map(|s| view! {
            <div class="job" role="status" data-testid="churn-progress">
                <progress max="100" value=s.percent().to_string()></progress>
                <span>{move || match s.state {
                    JobState::Done => i18n.t("计算完成", "Done").to_string(),
                    _ => format!("{} {} / {}", i18n.t("正在计算", "Evaluating"), s.done, s.total),
                }}</span>
            </div>
        })}
        <ErrorBanner error=run_error/>
        <Transition fallback=|| ()>
            {move || options.get().and_then(|o| o.ok()).and_then(|o| o.last_run).map(|r| view! {
                <p class="muted" data-testid="churn-last-run">
                    {move || format!(
                        "{} {}:{} {},{} {},{} {},{} {}",
                        i18n.t("最近一次计算", "Last evaluation"), fmt_time(&r.started_at),
                        i18n.t("检查会员", "members"), r.examined,
                        i18n.t("新增预警", "raised"), r.raised,
                        i18n.t("更新", "updated"), r.updated,
                        i18n.t("关闭", "closed"), r.closed,
                    )}
                </p>
            })}
        </Transition>
        <FilterForm list>
            <SelectFilter label=("风险等级", "Risk") id="risk" choices=RiskLevel::CHOICES value=bind_filter!(draft, risk) errors=errors/>
            <SelectFilter label=("预警状态", "Status") id="status" choices=STATUS_CHOICES value=bind_filter!(draft, status) errors=errors/>
            <IdFilter label=("组织机构", "Organisation") id="org" options pick=|o| o.orgs.clone()
                value=Signal::derive(move || draft.with(|f| f.org)) on_change=Callback::new(move |v| draft.update(|f| f.org = v))/>
            <SelectFilter label=("会员级别", "Member level") id="level" choices=MemberLevel::CHOICES value=bind_filter!(draft, level) errors=errors/>
            <SelectFilter label=("触发规则", "Rule") id="rule" choices=RuleCode::CHOICES value=bind_filter!(draft, rule) errors=errors/>
            <TextFilter label=("企业名称", "Company") id="company" value=bind_filter!(draft, company)/>
            <DateRange label=("服务到期时间", "Service ends") id="end_from" from=bind_filter!(draft, end_from) to=bind_filter!(draft, end_to) errors=errors/>
            <FilterButtons list/>
        </FilterForm>
        <Transition fallback=move || view! { <div class="empty"><p>{move || i18n.t("查询中…", "Loading…")}</p></div> }>
            {move || data.get().map(|d| match d {
                Err(e) => view! { <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div> }.into_any(),
                Ok((page, summary)) => {
                    let may_dismiss = options.get().and_then(|o| o.ok()).is_some_and(|o| o.may_dismiss);
                    let may_see_stats = options.get().and_then(|o| o.ok()).is_some_and(|o| o.may_see_stats);
                    view! {
                        <div class="churn-summary" data-testid="churn-summary">
                            {summary.by_risk.into_iter().map(|(l, n)| view! {
                                <div class="card stat"><div class="muted">{move || format!("{}{}", i18n.t("风险", "Risk "), l.label(i18n.locale()))}</div>
                                <strong class=l.badge()>{n}</strong></div>
                            }).collect_view()}
                            {summary.by_status.into_iter().filter(|(s, _)| !s.is_open()).map(|(s, n)| view! {
                                <div class="card stat"><div class="muted">{move || s.label(i18n.locale())}</div><strong>{n}</strong></div>
                            }).collect_view()}
                            {may_see_stats.then(|| view! {
                                <div class="card stat churn-stats-links">
                                    <div class="muted">{move || i18n.t("客户流失统计", "Churn statistics")}</div>
                                    <a class="link" href="/stats?item=churn&by=month" data-testid="churn-stats-month">{move || i18n.t("按月", "By month")}</a>
                                    " · "
                                    <a class="link" href="/stats?item=churn&by=org">{move || i18n.t("按组织机构", "By organisation")}</a>
                                </div>
                            })}
                        </div>
                        <Warnings page=page may_dismiss on_done=Callback::new(move |_| list.reload()) on_page=list.on_page()/>
                    }.into_any()
                }
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || options.get().and_then(|o| o.ok()).filter(|o| o.may_configure).map(|_| view! { <Rules/> })}
        </Transition>
    }
}

/// The open 处理 of a row: the action waiting for its note.
#[derive(Clone, PartialEq)]
struct Pending {
    row: WarningRow,
    action: HandleAction,
}

#[component]
fn Warnings(
    page: crate::ui::Page<WarningRow>,
    may_dismiss: bool,
    on_done: Callback<()>,
    on_page: Callback<(u64, u64)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let pending = RwSignal::new(None::<Pending>);
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let send = move |row: WarningRow, action: HandleAction, text: String| {
        leptos::task::spawn_local(async move {
            let input = HandleInput { id: row.id, version: row.version, action: action.code().into(), note: text };
            match churn_handle(input).await {
                Ok(()) => {
                    pending.set(None);
                    note.set(String::new());
                    on_done.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let act = move |row: WarningRow, action: HandleAction| {
        error.set(None);
        if action.needs_note() {
            note.set(String::new());
            pending.set(Some(Pending { row, action }));
        } else {
            send(row, action, String::new());
        }
    };
    let note_errors = Signal::derive(move || field_errors(error.get().as_ref()));
    if page.items.is_empty() {
        return view! {
            <div class="empty" data-testid="churn-empty">
                <p>{move || i18n.t("没有符合条件的流失预警", "No warnings match")}</p>
                <p class="muted">{move || i18n.t("每晚 03:00 按规则计算一次;也可点击“重新计算”。", "The rules are evaluated nightly at 03:00, or with Evaluate now.")}</p>
            </div>
        }
        .into_any();
    }
    view! {
        {move || pending.get().map(|p| {
            let label = p.action.label(i18n.locale());
            view! {
                <form class="card churn-note" data-testid="churn-note" on:submit=move |ev| {
                    ev.prevent_default();
                    send(p.row.clone(), p.action, note.get_untracked());
                }>
                    <h2>{format!("{label}:{}", p.row.company)}</h2>
                    <label for="churn-note-text">{move || if p.action == HandleAction::Dismiss { i18n.t("忽略原因", "Reason") } else { i18n.t("说明", "Note") }}</label>
                    <textarea id="churn-note-text" rows="3" maxlength="500" prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    <crate::ui::filters::FieldError id="note" errors=note_errors/>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">{move || i18n.t("确认", "Confirm")}</button>
                        <button type="button" class="btn" on:click=move |_| pending.set(None)>{move || i18n.t("取消", "Cancel")}</button>
                    </div>
                </form>
            }
        })}
        {move || error.get().filter(|e| !matches!(e, AppError::Validation(_))).map(|e| view! {
            <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div>
        })}
        <div class="table-wrap">
            <table class="data" data-testid="churn-list">
                <thead><tr>
                    {[("企业名称", "Company"), ("会员级别", "Level"), ("组织机构", "Organisation"), ("服务到期时间", "Service ends"),
                      ("风险等级", "Risk"), ("得分", "Score"), ("预警原因", "Reasons"), ("预警时间", "Raised"), ("状态", "Status"),
                      ("负责人", "Assignee"), ("最近服务时间", "Last service"), ("操作", "Actions")]
                        .into_iter().map(|(zh, en)| view! { <th scope="col">{move || i18n.t(zh, en)}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {page.items.clone().into_iter().map(|r| {
                        let (risk, status) = (r.risk, r.status);
                        let level = r.member_level.as_deref().and_then(MemberLevel::parse);
                        let open = status.is_open();
                        let (r1, r2, r3, r4) = (r.clone(), r.clone(), r.clone(), r.clone());
                        view! {
                            <tr>
                                <td><a class="link" href=format!("/customers/{}", r.customer_id)>{r.company.clone()}</a></td>
                                <td>{move || level.map(|l| l.label(i18n.locale())).unwrap_or("")}</td>
                                <td>{r.org.clone()}</td>
                                <td>{r.service_end.map(|d| d.to_string()).unwrap_or_default()}</td>
                                <td><span class=risk.badge()>{move || risk.label(i18n.locale())}</span></td>
                                <td class="num">{r.score}</td>
                                <td><ul class="reasons">{r.reasons.iter().map(|x| {
                                    let title = RuleCode::parse(&x.code).map(|c| c.zh()).unwrap_or_default();
                                    view! { <li title=title>{x.fact.clone()}</li> }
                                }).collect_view()}</ul></td>
                                <td>{fmt_time(&r.detected_at)}</td>
                                <td>{move || status.label(i18n.locale())}{r.note.clone().map(|n| view! { <div class="muted small">{n}</div> })}</td>
                                <td>{r.assignee.clone().unwrap_or_default()}</td>
                                <td>{r.last_service_at.as_ref().map(fmt_time).unwrap_or_default()}</td>
                                <td class="actions">
                                    {open.then(|| view! {
                                        <a class="link" href=format!("/callbacks/new?customer={}", r.customer_id)>{move || i18n.t("回访", "Call")}</a>
                                        {(status == WarningStatus::Open).then(|| view! {
                                            <button type="button" class="link" on:click=move |_| act(r1.clone(), HandleAction::Follow)>{move || i18n.t("开始跟进", "Follow up")}</button>
                                        })}
                                        <button type="button" class="link" on:click=move |_| act(r2.clone(), HandleAction::Retained)>{move || i18n.t("已挽回", "Retained")}</button>
                                        <button type="button" class="link" on:click=move |_| act(r3.clone(), HandleAction::Lost)>{move || i18n.t("已流失", "Lost")}</button>
                                        {may_dismiss.then(|| view! {
                                            <button type="button" class="link" on:click=move |_| act(r4.clone(), HandleAction::Dismiss)>{move || i18n.t("忽略", "Dismiss")}</button>
                                        })}
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager total=page.total page=page.page per_page=page.per_page on_change=on_page/>
    }
    .into_any()
}

/// 规则设置 (经理): enable, threshold and score per rule; applied from the next evaluation.
#[component]
fn Rules() -> impl IntoView {
    let i18n = use_i18n();
    let rules = Resource::new(|| (), |_| churn_rules());
    let grid = RwSignal::new(Vec::<RuleView>::new());
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(r)) = rules.get() {
            grid.set(r);
        }
    });
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            error.set(None);
            saved.set(None);
            match churn_rules_save(grid.get_untracked()).await {
                Ok(r) => {
                    grid.set(r);
                    saved.set(Some(
                        i18n.t("规则已保存,下次计算时生效", "Saved; applies from the next evaluation").into(),
                    ));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let edit = move |i: usize, f: fn(&mut RuleView, String)| {
        move |ev: leptos::ev::Event| {
            grid.update(|g| {
                if let Some(r) = g.get_mut(i) {
                    f(r, event_target_value(&ev))
                }
            })
        }
    };
    view! {
        <form class="card churn-rules" data-testid="churn-rules" novalidate=true on:submit=save>
            <h2>{move || i18n.t("规则设置", "Rules")}</h2>
            <crate::ui::SuccessBanner message=saved/>
            <table class="data">
                <thead><tr>
                    <th scope="col">{move || i18n.t("启用", "On")}</th>
                    <th scope="col">{move || i18n.t("规则", "Rule")}</th>
                    <th scope="col">{move || i18n.t("阈值", "Threshold")}</th>
                    <th scope="col">{move || i18n.t("分值", "Score")}</th>
                </tr></thead>
                <tbody>
                    {move || grid.get().into_iter().enumerate().map(|(i, r)| {
                        let code = RuleCode::parse(&r.code);
                        let unit = code.and_then(|c| c.threshold_unit());
                        let label = code.map(|c| (c.zh(), c.en())).unwrap_or(("", ""));
                        let (tkey, skey) = (format!("{}.threshold", r.code), format!("{}.score", r.code));
                        view! {
                            <tr>
                                <td><input type="checkbox" aria-label=move || i18n.t(label.0, label.1) prop:checked=r.enabled
                                    on:change=move |ev| grid.update(|g| if let Some(x) = g.get_mut(i) { x.enabled = event_target_checked(&ev) })/></td>
                                <td>{move || i18n.t(label.0, label.1)}</td>
                                <td>{unit.map(|u| {
                                    let tkey = tkey.clone();
                                    view! {
                                        <input type="number" min="1" max="3650" class="narrow" prop:value=r.threshold.map(|t| t.to_string()).unwrap_or_default()
                                            aria-label=move || format!("{} {}", i18n.t(label.0, label.1), i18n.t("阈值", "threshold"))
                                            on:input=edit(i, |x, v| x.threshold = v.trim().parse().ok())/>
                                        " " {move || i18n.t(u.0, u.1)}
                                        <crate::ui::filters::FieldError id=tkey errors=errors/>
                                    }
                                })}</td>
                                <td>
                                    <input type="number" min="0" max="100" class="narrow" prop:value=r.score.to_string()
                                        aria-label=move || format!("{} {}", i18n.t(label.0, label.1), i18n.t("分值", "score"))
                                        on:input=edit(i, |x, v| x.score = v.trim().parse().unwrap_or(-1))/>
                                    <crate::ui::filters::FieldError id=skey errors=errors/>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <p class="muted">{move || i18n.t("得分 ≥ 60 为高风险,30–59 中,15–29 低;“服务即将到期”剩 30 天内另加 10 分。", "Score ≥ 60 is high, 30–59 medium, 15–29 low; 10 more when the service ends within 30 days.")}</p>
            {move || error.get().filter(|e| !matches!(e, AppError::Validation(_))).map(|e| view! {
                <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div>
            })}
            <div class="form-actions"><button type="submit" class="btn btn-primary" data-testid="churn-rules-save">{move || i18n.t("保存规则", "Save rules")}</button></div>
        </form>
    }
}
