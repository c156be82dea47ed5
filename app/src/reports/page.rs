//! 报表中心 (PG-50): 报表类型 first, the other criteria enabled for that type, 确认 generates
//! the report — its charts (drawn on the server) beside the table with row and column totals,
//! every count linking to the records behind it — with 导出 Excel and 打印.
use leptos::prelude::*;

use super::api::{load_report_options, run_report};
use super::{
    Field, Grain, MemberMetric, NON_MEMBER, NONE, Preset, PushSource, Report, ReportFilter, ReportKind, ReportOptions,
    ResultFilter,
};
use crate::bind_filter;
use crate::callbacks::Satisfaction;
use crate::error::AppError;
use crate::exports::ExportButtons;
use crate::i18n::{Locale, use_i18n};
use crate::members::enums::{INFO_TYPES, MemberLevel};
use crate::requests::{HandlingStatus, RequestType};
use crate::ui::filters::{ChecksFilter, DateRange, SelectFilter};
use crate::ui::list::{FilterForm, ListState, UrlFilter};
use crate::ui::{PageHeader, field_errors};

/// Any day: the client has no clock in chrono, and validity never depends on the day.
const CHECK_DAY: chrono::NaiveDate = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("a valid date");

fn owned(choices: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    choices.iter().map(|(c, z, e)| (c.to_string(), z.to_string(), e.to_string())).collect()
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<ReportFilter>::new(|_| {});
    let draft = list.draft;
    let options = Resource::new(|| (), |_| load_report_options());
    let report = Resource::new(
        move || list.filter.get(),
        |f| async move { if f.kind.is_empty() { None } else { Some(run_report(f).await) } },
    );
    // The criteria are checked as the server checks them (the date only shapes the presets'
    // ranges, never whether they are valid).
    let errors = Signal::derive(move || {
        list.filter.with(|f| {
            if f.kind.is_empty() { Default::default() } else { field_errors(f.validate(CHECK_DAY).err().as_ref()) }
        })
    });
    let kind = Signal::derive(move || draft.with(|f| f.kind()));
    let shows = move |field: Field| kind.get().is_some_and(|k| k.fields().contains(&field));
    let locked =
        Signal::derive(move || options.get().and_then(|o| o.ok()).and_then(|o: ReportOptions| o.locked_org).is_some());
    let kinds = Signal::derive(move || {
        options
            .get()
            .and_then(|o| o.ok())
            .map(|o| {
                o.kinds
                    .iter()
                    .map(|k| (k.code().to_string(), k.zh().to_string(), k.en().to_string()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let orgs = Signal::derive(move || {
        options
            .get()
            .and_then(|o| o.ok())
            .map(|o| o.orgs.into_iter().map(|(id, n)| (id.to_string(), n.clone(), n)).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let levels = Signal::derive(move || {
        let mut v = owned(MemberLevel::CHOICES);
        if matches!(kind.get(), Some(ReportKind::RequestVolume | ReportKind::RequestType)) {
            v.push((NON_MEMBER.into(), "非会员".into(), "Non-member".into()));
        }
        v
    });
    let ratings = Signal::derive(move || {
        let mut v = owned(Satisfaction::CHOICES);
        v.push((NONE.into(), "未评价".into(), "Not rated".into()));
        v
    });
    let custom = move || draft.with(|f| f.preset() == Preset::Custom);
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        let _ = window().print();
    };
    let query = Signal::derive(move || list.filter.with(|f| f.to_query()));
    view! {
        <PageHeader title=("报表中心", "Reports")>
            {move || (!list.filter.with(|f| f.kind.is_empty())).then(|| view! {
                <ExportButtons kind="report" xlsx_only=true query=query/>
                <button type="button" class="btn" on:click=print data-testid="report-print">{move || i18n.t("打印", "Print")}</button>
            })}
        </PageHeader>
        <FilterForm list class="report-filters">
            <div class="filter-item">
                <label for="kind">{move || i18n.t("报表类型", "Report")}</label>
                <div>
                    // (The options are a resource: read inside a transition, as SSR requires.)
                    <Transition fallback=|| view! { <select id="kind" disabled=true></select> }>
                        <select id="kind" name="kind" required=true on:change=move |ev| draft.update(|f| f.kind = event_target_value(&ev))>
                            <option value="">{move || i18n.t("请选择", "Select…")}</option>
                            {move || kinds.get().into_iter().map(|(code, zh, en)| {
                                let c = code.clone();
                                view! {
                                    <option value=code selected=move || draft.with(|f| f.kind == c)>
                                        {move || if i18n.locale() == Locale::Zh { zh.clone() } else { en.clone() }}
                                    </option>
                                }
                            }).collect_view()}
                        </select>
                    </Transition>
                    <crate::ui::filters::FieldError id="kind" errors=errors/>
                </div>
            </div>
            <OneOf label=("时间", "Period") id="preset" choices=Preset::CHOICES value=bind_filter!(draft, preset) current=Signal::derive(move || draft.with(|f| f.preset().code())) errors=errors/>
            <Show when=custom>
                <DateRange label=("起止日期", "Dates") id="from" from=bind_filter!(draft, from) to=bind_filter!(draft, to) errors=errors/>
            </Show>
            <OneOf label=("统计粒度", "Grain") id="grain" choices=Grain::CHOICES value=bind_filter!(draft, grain) current=Signal::derive(move || draft.with(|f| f.grain().code())) errors=errors/>
            <Show when=move || shows(Field::Metric)>
                <OneOf label=("统计指标", "Metric") id="metric" choices=MemberMetric::CHOICES value=bind_filter!(draft, metric) current=Signal::derive(move || draft.with(|f| f.metric().code())) errors=errors/>
            </Show>
            <Show when=move || shows(Field::Orgs)>
                <Transition fallback=|| ()>
                    <ChecksFilter label=("组织结构", "Organisation") id="orgs" choices=orgs value=bind_filter!(draft, orgs) errors=errors disabled=locked/>
                </Transition>
            </Show>
            <Show when=move || shows(Field::Levels)>
                <ChecksFilter label=("会员级别", "Member level") id="levels" choices=levels value=bind_filter!(draft, levels) errors=errors/>
            </Show>
            <Show when=move || shows(Field::RequestType)>
                <SelectFilter label=("诉求类别", "Category") id="type" choices=RequestType::CHOICES value=bind_filter!(draft, request_type) errors=errors/>
            </Show>
            <Show when=move || shows(Field::HandlingStatus)>
                <SelectFilter label=("解决状态", "Status") id="hstatus" choices=HandlingStatus::CHOICES value=bind_filter!(draft, handling_status) errors=errors/>
            </Show>
            <Show when=move || shows(Field::ServiceResult)>
                <SelectFilter label=("服务结果", "Result") id="result" choices=ResultFilter::CHOICES value=bind_filter!(draft, result) errors=errors/>
            </Show>
            <Show when=move || shows(Field::Satisfaction)>
                <ChecksFilter label=("满意程度", "Satisfaction") id="sat" choices=ratings value=bind_filter!(draft, satisfaction) errors=errors/>
            </Show>
            <Show when=move || shows(Field::InfoTypes)>
                <ChecksFilter label=("信息发布类别", "Information type") id="info_types" choices=Signal::derive(|| owned(INFO_TYPES)) value=bind_filter!(draft, info_types) errors=errors/>
            </Show>
            <Show when=move || shows(Field::Source)>
                <SelectFilter label=("来源", "Source") id="source" choices=PushSource::CHOICES value=bind_filter!(draft, source) errors=errors/>
            </Show>
            <Show when=move || shows(Field::ByLevel)>
                <div class="filter-item">
                    <label class="check">
                        <input type="checkbox" name="by_level" value="1" checked=move || draft.with(|f| f.by_level())
                            prop:checked=move || draft.with(|f| f.by_level())
                            on:change=move |ev| draft.update(|f| f.by_level = if event_target_checked(&ev) { "1".into() } else { String::new() })/>
                        {move || i18n.t("按会员级别分行", "Rows by member level")}
                    </label>
                </div>
            </Show>
            <div class="filter-buttons">
                <button type="submit" class="btn btn-primary" data-testid="report-run">{move || i18n.t("确认", "Generate")}</button>
                <button type="button" class="btn" on:click=list.on_reset()>{move || i18n.t("重置", "Reset")}</button>
            </div>
        </FilterForm>
        <Transition fallback=move || view! { <div class="empty"><p>{move || i18n.t("正在生成报表…", "Generating…")}</p></div> }>
            {move || report.get().map(|r| match r {
                None => view! {
                    <div class="empty" data-testid="report-empty">
                        <p>{move || i18n.t("请选择报表类型,然后点击“确认”生成报表", "Choose a report, then Generate")}</p>
                        <p class="muted">{move || i18n.t("时间默认为本年;按月或按周可看到趋势。", "The period defaults to this year; by month or by week shows the trend.")}</p>
                    </div>
                }.into_any(),
                Some(r) => view! { <ReportOutcome r/> }.into_any(),
            })}
        </Transition>
    }
}

/// A generated table, or why there is none: the marked criteria, or the error.
#[component]
pub fn ReportOutcome(r: Result<Report, AppError>) -> impl IntoView {
    let i18n = use_i18n();
    match r {
        Err(AppError::Validation(_)) => view! {
            <div class="empty"><p>{move || i18n.t("请修正标红的条件", "Correct the marked criteria")}</p></div>
        }
        .into_any(),
        Err(e) => view! { <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div> }.into_any(),
        Ok(r) => view! { <ReportView r/> }.into_any(),
    }
}

/// A generated table with its charts, criteria and notes (the report centre's and the
/// statistics pages').
#[component]
pub fn ReportView(r: Report) -> impl IntoView {
    let i18n = use_i18n();
    let criteria = r.criteria.clone();
    let (title, heading) = (r.title.clone(), r.title.clone());
    let charts = r.charts.clone();
    let heads = r.heads.clone();
    let columns = r.columns.clone();
    // The first header row: a group over its run of columns; an ungrouped column spans both rows.
    let mut runs: Vec<(Option<crate::error::Text>, crate::error::Text, usize)> = vec![];
    for c in &columns {
        match runs.last_mut() {
            Some((g, _, n)) if c.group.is_some() && *g == c.group => *n += 1,
            _ => runs.push((c.group.clone(), c.label.clone(), 1)),
        }
    }
    let grouped = columns.iter().any(|c| c.group.is_some());
    let text = move |t: &crate::error::Text| t.get(i18n.locale()).to_string();
    view! {
        <section class="report" data-testid="report" aria-label=move || title.get(i18n.locale()).to_string()>
            <h2 class="report-title">{move || heading.get(i18n.locale()).to_string()}</h2>
            <p class="report-criteria" data-testid="report-criteria">
                {criteria.into_iter().map(|(l, v)| view! {
                    <span><span class="muted">{move || format!("{}:", l.get(i18n.locale()))}</span>{move || v.get(i18n.locale()).to_string()}</span>
                }).collect_view()}
            </p>
            <div class="report-charts">
                {charts.into_iter().map(|c| {
                    let alt = c.alt.clone();
                    view! {
                        <figure class="chart" data-testid="report-chart">
                            <div class="chart-svg" inner_html=move || if i18n.locale() == Locale::Zh { c.zh.clone() } else { c.en.clone() }></div>
                            <figcaption class="sr-only">{move || alt.get(i18n.locale()).to_string()}</figcaption>
                        </figure>
                    }
                }).collect_view()}
            </div>
            <div class="table-wrap">
                <table class="data report-table" data-testid="report-table">
                    <thead>
                        <tr>
                            {heads.iter().map(|h| {
                                let h = h.clone();
                                view! { <th scope="col" rowspan=if grouped { 2 } else { 1 }>{move || text(&h)}</th> }
                            }).collect_view()}
                            {runs.iter().map(|(g, label, n)| {
                                let (g, label, n) = (g.clone(), label.clone(), *n);
                                match g {
                                    Some(g) => view! { <th scope="colgroup" colspan=n class="group">{move || text(&g)}</th> }.into_any(),
                                    None => view! { <th scope="col" class="num" rowspan=if grouped { 2 } else { 1 }>{move || text(&label)}</th> }.into_any(),
                                }
                            }).collect_view()}
                        </tr>
                        {grouped.then(|| view! {
                            <tr>
                                {columns.iter().filter(|c| c.group.is_some()).map(|c| {
                                    let l = c.label.clone();
                                    view! { <th scope="col" class="num">{move || text(&l)}</th> }
                                }).collect_view()}
                            </tr>
                        })}
                    </thead>
                    <tbody>
                        {r.rows.iter().map(|row| {
                            let cells = row.cells.clone();
                            view! {
                                <tr class:total=row.total>
                                    {row.heads.iter().map(|h| { let h = h.clone(); view! { <th scope="row">{move || text(&h)}</th> } }).collect_view()}
                                    {cells.into_iter().map(|c| {
                                        let shown = c.value.text();
                                        match c.link {
                                            Some(href) if c.value.count().is_some_and(|n| n > 0) => view! {
                                                <td class="num"><a class="link" href=href>{shown}</a></td>
                                            }.into_any(),
                                            _ => view! { <td class="num">{shown}</td> }.into_any(),
                                        }
                                    }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(!r.notes.is_empty()).then(|| view! {
                <ul class="muted report-notes">{r.notes.iter().map(|n| { let n = n.clone(); view! { <li>{move || text(&n)}</li> } }).collect_view()}</ul>
            })}
        </section>
    }
}

/// A criterion that always has a value (时间, 统计粒度, 统计指标): no 全部, the default shown.
#[component]
pub fn OneOf(
    label: (&'static str, &'static str),
    id: &'static str,
    choices: &'static [(&'static str, &'static str, &'static str)],
    value: crate::ui::list::FilterField,
    /// The value in force (the default when the URL has none).
    current: Signal<&'static str>,
    errors: Signal<crate::error::FieldErrors>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="filter-item">
            <label for=id>{move || i18n.t(label.0, label.1)}</label>
            <div>
                <select id=id name=value.name on:change=move |ev| value.set.run(event_target_value(&ev))>
                    {choices.iter().map(|(code, zh, en)| view! {
                        <option value=*code selected=move || current.get() == *code>{move || i18n.t(zh, en)}</option>
                    }).collect_view()}
                </select>
                <crate::ui::filters::FieldError id=id errors=errors/>
            </div>
        </div>
    }
}
