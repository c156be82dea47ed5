//! 统计查询 (PG-79) and 分析 (PG-80): 统计项 (in 分析 after its area) first, then 统计维度, 时间
//! and (where the statistic takes them and the scope allows) 组织机构 / 客服人员; 查询 shows the
//! table with its charts, 导出 Excel and 打印.
use leptos::prelude::*;

use super::api::{load_stat_options, run_stat};
use super::{Area, StatFilter, StatOptions};
use crate::bind_filter;
use crate::exports::ExportButtons;
use crate::i18n::{Locale, use_i18n};
use crate::reports::Preset;
use crate::reports::page::{OneOf, ReportOutcome};
use crate::ui::filters::{DateRange, IdFilter};
use crate::ui::list::{FilterForm, ListState, UrlFilter};
use crate::ui::{PageHeader, field_errors};

/// Any day: validity never depends on the day (see the report centre).
const CHECK_DAY: chrono::NaiveDate = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("a valid date");

#[component]
pub fn StatsPage() -> impl IntoView {
    view! { <StatsCentre analysis=false/> }
}

#[component]
pub fn AnalysisPage() -> impl IntoView {
    view! { <StatsCentre analysis=true/> }
}

/// The area a page's filter runs in: 统计查询, or the chosen area of 分析 (else the item's, else
/// 客户基础数据).
fn area_in(analysis: bool, f: &StatFilter) -> Area {
    match (analysis, Area::parse(&f.area)) {
        (false, _) => Area::Query,
        (true, Some(a)) if a != Area::Query => a,
        (true, _) => {
            f.item().and_then(|i| i.areas().iter().copied().find(|a| *a != Area::Query)).unwrap_or(Area::Customers)
        }
    }
}

#[component]
fn StatsCentre(analysis: bool) -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<StatFilter>::new(|_| {});
    let draft = list.draft;
    let options = Resource::new(|| (), move |_| load_stat_options(analysis));
    let stat = Resource::new(
        move || list.filter.get(),
        move |mut f| async move {
            if f.item.is_empty() {
                return None;
            }
            f.area = area_in(analysis, &f).code().into();
            Some(run_stat(f).await)
        },
    );
    let errors = Signal::derive(move || {
        list.filter.with(|f| {
            if f.item.is_empty() { Default::default() } else { field_errors(f.validate(CHECK_DAY).err().as_ref()) }
        })
    });
    let item = Signal::derive(move || draft.with(|f| f.item()));
    let area = Signal::derive(move || draft.with(|f| area_in(analysis, f)));
    let items = Signal::derive(move || {
        let area = area.get();
        options
            .get()
            .and_then(|o| o.ok())
            .map(|o: StatOptions| o.items.into_iter().filter(|i| i.areas().contains(&area)).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let custom = move || draft.with(|f| f.preset() == Preset::Custom);
    let timed = move || item.get().is_some_and(|i| i.timed());
    let dims = move || item.get().map(|i| i.dims()).unwrap_or(&[]);
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        let _ = window().print();
    };
    let query = Signal::derive(move || {
        list.filter.with(|f| {
            let mut f = f.clone();
            f.area = area_in(analysis, &f).code().into();
            f.to_query()
        })
    });
    let title = if analysis { ("分析", "Analysis") } else { ("统计查询", "Statistics") };
    view! {
        <PageHeader title=title>
            {move || (!list.filter.with(|f| f.item.is_empty())).then(|| view! {
                <ExportButtons kind="stats" xlsx_only=true query=query/>
                <button type="button" class="btn" on:click=print data-testid="stat-print">{move || i18n.t("打印", "Print")}</button>
            })}
        </PageHeader>
        <FilterForm list class="report-filters">
            {analysis.then(|| view! {
                <div class="filter-item">
                    <label for="area">{move || i18n.t("分析领域", "Area")}</label>
                    <select id="area" name="area" on:change=move |ev| draft.update(|f| {
                        f.area = event_target_value(&ev);
                        f.item.clear();
                        f.by.clear();
                    })>
                        {Area::ANALYSIS.iter().map(|a| {
                            let a = *a;
                            view! { <option value=a.code() selected=move || area.get() == a>{move || i18n.t(a.zh(), a.en())}</option> }
                        }).collect_view()}
                    </select>
                </div>
            })}
            <div class="filter-item">
                <label for="item">{move || if analysis { i18n.t("分析项", "Analysis") } else { i18n.t("统计项", "Statistic") }}</label>
                <div>
                    <Transition fallback=|| view! { <select id="item" disabled=true></select> }>
                        <select id="item" name="item" required=true on:change=move |ev| draft.update(|f| {
                            f.item = event_target_value(&ev);
                            f.by.clear();
                        })>
                            <option value="">{move || i18n.t("请选择", "Select…")}</option>
                            {move || items.get().into_iter().map(|it| view! {
                                <option value=it.code() selected=move || draft.with(|f| f.item == it.code())>
                                    {move || if i18n.locale() == Locale::Zh { it.zh() } else { it.en() }}
                                </option>
                            }).collect_view()}
                        </select>
                    </Transition>
                    <crate::ui::filters::FieldError id="item" errors=errors/>
                </div>
            </div>
            <Show when=move || !dims().is_empty()>
                <div class="filter-item">
                    <label for="by">{move || i18n.t("统计维度", "Breakdown")}</label>
                    <div>
                        <select id="by" name="by" on:change=move |ev| draft.update(|f| f.by = event_target_value(&ev))>
                            {move || dims().iter().map(|b| {
                                let b = *b;
                                view! { <option value=b.code() selected=move || draft.with(|f| f.by() == Some(b))>{move || i18n.t(b.zh(), b.en())}</option> }
                            }).collect_view()}
                        </select>
                        <crate::ui::filters::FieldError id="by" errors=errors/>
                    </div>
                </div>
            </Show>
            <Show when=timed>
                <OneOf label=("时间", "Period") id="preset" choices=Preset::CHOICES value=bind_filter!(draft, preset) current=Signal::derive(move || draft.with(|f| f.preset().code())) errors=errors/>
            </Show>
            <Show when=move || timed() && custom()>
                <DateRange label=("起止日期", "Dates") id="from" from=bind_filter!(draft, from) to=bind_filter!(draft, to) errors=errors/>
            </Show>
            <Show when=move || item.get().is_some_and(|i| i.takes_org())>
                <IdFilter label=("组织机构", "Organisation") id="org" options pick=|o| o.orgs.clone()
                    value=Signal::derive(move || draft.with(|f| f.org)) on_change=Callback::new(move |v| draft.update(|f| f.org = v))/>
            </Show>
            <Show when=move || item.get().is_some_and(|i| i.takes_agent())>
                <IdFilter label=("客服人员", "Agent") id="agent" options pick=|o| o.agents.clone()
                    value=Signal::derive(move || draft.with(|f| f.agent)) on_change=Callback::new(move |v| draft.update(|f| f.agent = v))/>
            </Show>
            <div class="filter-buttons">
                <button type="submit" class="btn btn-primary" data-testid="stat-run">{move || i18n.t("查询", "Run")}</button>
                <button type="button" class="btn" on:click=list.on_reset()>{move || i18n.t("重置", "Reset")}</button>
            </div>
        </FilterForm>
        <Transition fallback=move || view! { <div class="empty"><p>{move || i18n.t("正在统计…", "Counting…")}</p></div> }>
            {move || stat.get().map(|r| match r {
                None => view! {
                    <div class="empty" data-testid="stat-empty">
                        <p>{move || if analysis {
                            i18n.t("请选择分析领域和分析项,然后点击“查询”", "Choose an area and an analysis, then Run")
                        } else {
                            i18n.t("请选择统计项,然后点击“查询”", "Choose a statistic, then Run")
                        }}</p>
                        <p class="muted">{move || i18n.t("“今天”为实时数据;其他时间为历史数据。", "Today is live; other periods are history.")}</p>
                    </div>
                }.into_any(),
                Some(r) => view! { <ReportOutcome r/> }.into_any(),
            })}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::StatItem;

    #[test]
    fn the_analysis_page_runs_in_its_area_and_the_query_page_in_query() {
        let f = StatFilter { area: "service".into(), ..Default::default() };
        assert_eq!(area_in(true, &f), Area::Service);
        assert_eq!(area_in(false, &f), Area::Query);
        assert_eq!(area_in(true, &StatFilter::default()), Area::Customers);
        let q = StatFilter { area: "query".into(), ..Default::default() };
        assert_eq!(area_in(true, &q), Area::Customers);
        // A link naming only the item opens it in its area.
        let work = StatFilter { item: "agent_work".into(), ..Default::default() };
        assert_eq!(area_in(true, &work), Area::Workload);
    }

    #[test]
    fn every_item_is_offered_somewhere_and_its_default_dimension_is_its_first() {
        for i in StatItem::ALL {
            assert!(!i.areas().is_empty(), "{i:?}");
            let f = StatFilter { item: i.code().into(), ..Default::default() };
            assert_eq!(f.by(), i.dims().first().copied());
        }
        let bad = StatFilter { item: "qa".into(), by: "region".into(), ..Default::default() };
        assert!(bad.validate(CHECK_DAY).is_err());
        let ok = StatFilter { item: "qa".into(), by: "agent".into(), ..Default::default() };
        assert!(ok.validate(CHECK_DAY).is_ok());
    }
}
