//! 工作日历 page (SPEC K15): the working week, the holidays and make-up working days of a year,
//! and the time limits they apply to.
use leptos::prelude::*;

use super::api::{delete_calendar_day, load_calendar, save_calendar_day, save_work_week};
use super::calendar::{CalendarDay, CalendarView, WEEK_ROWS};
use super::{Priority, RequestType};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::{ErrorBanner, Field, PageHeader, SuccessBanner, confirm, field_errors};

#[component]
pub fn CalendarPage() -> impl IntoView {
    let i18n = use_i18n();
    // `None`: the server's current year.
    let year = RwSignal::new(None::<i32>);
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || (year.get(), version.get()), |(y, _)| load_calendar(y));
    view! {
        <PageHeader title=("工作日历", "Working calendar")/>
        <p class="muted">{move || i18n.t(
            "诉求的处理期限按这里的工作时间计算(法定节假日不计,调休上班日照常计)。修改只影响之后开始计时的诉求。",
            "Request deadlines count these working hours (holidays excluded, make-up days included). Changes apply to clocks started afterwards.",
        )}</p>
        <Transition fallback=|| view! { <p class="muted">"…"</p> }>
            {move || data.get().map(|d| match d {
                Ok(v) => view! { <Calendar v=v year=year reload=Callback::new(move |_| version.update(|x| *x += 1))/> }.into_any(),
                Err(e) => view! { <ErrorBanner error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Calendar(v: CalendarView, year: RwSignal<Option<i32>>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let week = RwSignal::new(v.week.clone());
    let week_error = RwSignal::new(None::<AppError>);
    let week_saved = RwSignal::new(None::<String>);
    let week_errors = Signal::derive(move || field_errors(week_error.get().as_ref()));
    let save_week = move |_| {
        let w = week.get_untracked();
        leptos::task::spawn_local(async move {
            match save_work_week(w).await {
                Ok(()) => {
                    week_error.set(None);
                    week_saved.set(Some("工作时间已保存 / Saved".into()));
                }
                Err(e) => {
                    week_saved.set(None);
                    week_error.set(Some(e));
                }
            }
        });
    };
    let new_day = RwSignal::new(CalendarDay { day: String::new(), kind: "holiday".into(), name: String::new() });
    let day_error = RwSignal::new(None::<AppError>);
    let day_errors = Signal::derive(move || field_errors(day_error.get().as_ref()));
    let add_day = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let d = new_day.get_untracked();
        if let Err(e) = super::calendar::check_day(&d) {
            day_error.set(Some(e));
            return;
        }
        leptos::task::spawn_local(async move {
            match save_calendar_day(d).await {
                Ok(()) => {
                    day_error.set(None);
                    new_day.update(|d| {
                        d.day.clear();
                        d.name.clear();
                    });
                    reload.run(());
                }
                Err(e) => day_error.set(Some(e)),
            }
        });
    };
    let remove = move |day: String| {
        if !confirm(&format!("删除 {day} 的安排?")) {
            return;
        }
        leptos::task::spawn_local(async move {
            match delete_calendar_day(day).await {
                Ok(()) => reload.run(()),
                Err(e) => day_error.set(Some(e)),
            }
        });
    };
    let y = v.year;
    view! {
        <div class="card">
            <h2>{move || i18n.t("每周工作时间", "Working week")}</h2>
            <ErrorBanner error=Signal::derive(move || week_error.get().filter(|e| e.field_errors().is_none()))/>
            <SuccessBanner message=week_saved/>
            <form class="form" novalidate on:submit=move |ev| { ev.prevent_default(); save_week(()) }>
                {WEEK_ROWS.iter().enumerate().map(|(i, (zh, en))| {
                    let id: &'static str = ["week-0", "week-1", "week-2", "week-3", "week-4", "week-5", "week-6", "week-7"][i];
                    view! {
                        <Field label=(*zh, *en) id=id errors=week_errors>
                            <input id=id type="text" placeholder="休息(如需上班填 09:00-12:00,13:30-18:00)"
                                prop:value=move || week.with(|w| w.get(i).cloned().unwrap_or_default())
                                on:input=move |ev| week.update(|w| if let Some(x) = w.get_mut(i) { *x = event_target_value(&ev) })/>
                        </Field>
                    }
                }).collect_view()}
                <div class="form-buttons">
                    <button type="submit" class="btn btn-primary">{move || i18n.t("保存工作时间", "Save the week")}</button>
                </div>
            </form>
        </div>
        <div class="card">
            <h2>
                {move || i18n.t("节假日与调休", "Holidays and make-up days")}" "
                <button type="button" class="btn btn-small" aria-label=move || i18n.t("上一年", "Previous year") on:click=move |_| year.set(Some(y - 1))>"‹"</button>
                " "{y}" "
                <button type="button" class="btn btn-small" aria-label=move || i18n.t("下一年", "Next year") on:click=move |_| year.set(Some(y + 1))>"›"</button>
            </h2>
            <ErrorBanner error=Signal::derive(move || day_error.get().filter(|e| e.field_errors().is_none()))/>
            {if v.days.is_empty() {
                view! { <p class="muted" data-testid="no-days">{move || i18n.t("该年尚未录入节假日;请按国务院办公厅通知录入。", "No holidays entered for this year yet.")}</p> }.into_any()
            } else {
                view! {
                    <table class="data" data-testid="calendar-days">
                        <thead><tr>
                            <th>{move || i18n.t("日期", "Date")}</th>
                            <th>{move || i18n.t("安排", "Kind")}</th>
                            <th>{move || i18n.t("名称", "Name")}</th>
                            <th>{move || i18n.t("操作", "Actions")}</th>
                        </tr></thead>
                        <tbody>
                            {v.days.into_iter().map(|d| {
                                let day = d.day.clone();
                                let holiday = d.kind == "holiday";
                                view! {
                                    <tr>
                                        <td>{d.day.clone()}</td>
                                        <td>{if holiday {
                                            view! { <span class="badge badge-red">{move || i18n.t("放假", "Holiday")}</span> }.into_any()
                                        } else {
                                            view! { <span class="badge badge-blue">{move || i18n.t("调休上班", "Working day")}</span> }.into_any()
                                        }}</td>
                                        <td>{d.name.clone()}</td>
                                        <td><button type="button" class="link danger" on:click=move |_| remove(day.clone())>{move || i18n.t("删除", "Delete")}</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <h3>{move || i18n.t("新增安排", "Add a date")}</h3>
            <form class="form form-2col" novalidate on:submit=add_day>
                <Field label=("日期", "Date") id="day" required=true errors=day_errors>
                    <input id="day" type="date" prop:value=move || new_day.with(|d| d.day.clone())
                        on:input=move |ev| new_day.update(|d| d.day = event_target_value(&ev))/>
                </Field>
                <Field label=("安排", "Kind") id="kind" required=true errors=day_errors>
                    <select id="kind" on:change=move |ev| new_day.update(|d| d.kind = event_target_value(&ev))>
                        <option value="holiday" selected=move || new_day.with(|d| d.kind == "holiday")>{move || i18n.t("放假", "Holiday")}</option>
                        <option value="workday" selected=move || new_day.with(|d| d.kind == "workday")>{move || i18n.t("调休上班", "Working day")}</option>
                    </select>
                </Field>
                <Field label=("名称", "Name") id="name" required=true errors=day_errors>
                    <input id="name" type="text" maxlength="50" placeholder="国庆节" prop:value=move || new_day.with(|d| d.name.clone())
                        on:input=move |ev| new_day.update(|d| d.name = event_target_value(&ev))/>
                </Field>
                <div class="form-buttons form-wide">
                    <button type="submit" class="btn btn-primary">{move || i18n.t("保存", "Save")}</button>
                </div>
            </form>
        </div>
        <div class="card">
            <h2>{move || i18n.t("服务时限(工作小时)", "Time limits (business hours)")}</h2>
            <table class="data" data-testid="sla-policies">
                <thead><tr>
                    <th>{move || i18n.t("类别", "Kind")}</th>
                    <th>{move || i18n.t("诉求类型", "Type")}</th>
                    <th>{move || i18n.t("优先级", "Priority")}</th>
                    <th>{move || i18n.t("部门反馈时限", "Department feedback")}</th>
                    <th>{move || i18n.t("处理完成时限", "Resolution")}</th>
                    <th>{move || i18n.t("提前预警", "Warn before")}</th>
                </tr></thead>
                <tbody>
                    {v.policies.into_iter().map(|p| {
                        let kind = if p.request_kind == "rep_request" { ("代表处需求", "Rep-office need") } else { ("会员诉求", "Member request") };
                        let ty = RequestType::parse(&p.request_type);
                        let prio = Priority::parse(&p.priority);
                        view! {
                            <tr>
                                <td>{move || i18n.t(kind.0, kind.1)}</td>
                                <td>{move || ty.map(|t| t.label(i18n.locale())).unwrap_or("—")}</td>
                                <td>{move || prio.map(|t| t.label(i18n.locale())).unwrap_or("—")}</td>
                                <td>{p.dept_feedback_hours}" h"</td>
                                <td>{p.resolve_hours}" h"</td>
                                <td>{p.warn_before_hours}" h"</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
