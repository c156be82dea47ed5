//! 质检记录 / 质检报告 (PG-40): the current inspections of the filter, the summary — 质检数,
//! 处理有误数, 差错率 overall, by 被检客服 and by 组织机构 — 导出 of the report workbook and 打印.
use leptos::prelude::*;

use super::api::{load_qa_options, load_qa_report};
use super::{QaReport, QaReportFilter, QaReportRow, QaResult, QaTally};
use crate::bind_filter;
use crate::exports::ExportButtons;
use crate::i18n::use_i18n;
use crate::requests::{AcceptingDept, RequestType};
use crate::ui::filters::IdFilter;
use crate::ui::filters::{DateRange, SelectFilter};
use crate::ui::list::{FilterButtons, FilterForm, ListState, Results, UrlFilter};
use crate::ui::{PageHeader, Pager, field_errors, fmt_time};

const COLUMNS: &[(&str, &str)] = &[
    ("诉求编号", "No."),
    ("企业名称", "Company"),
    ("诉求类型", "Type"),
    ("被检客服", "Agent"),
    ("受理部门", "Accepting dept."),
    ("组织机构", "Organisation"),
    ("质检结果", "Result"),
    ("备注", "Remark"),
    ("质检人", "Inspector"),
    ("质检时间", "Inspected"),
];

#[component]
pub fn QaReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<QaReportFilter>::new(|_| {});
    let draft = list.draft;
    let (filter, version) = (list.filter, list.version);
    let report = Resource::new(move || (filter.get(), version.get()), |(f, _)| load_qa_report(f));
    let options = Resource::new(|| (), |_| load_qa_options());
    let errors = Signal::derive(move || list.filter.with(|f| field_errors(f.validate().err().as_ref())));
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        let _ = window().print();
    };
    let loading = RwSignal::new(false);
    let fallback = move || view! { <div class="empty"><p>{move || i18n.t("查询中…", "Loading…")}</p></div> };
    view! {
        <PageHeader title=("质检报告", "QA report")>
            <ExportButtons kind="qa_report" xlsx_only=true query=Signal::derive(move || list.filter.with(|f| f.to_query()))/>
            <button type="button" class="btn" on:click=print data-testid="qa-print">{move || i18n.t("打印", "Print")}</button>
            <a class="btn" href="/qa">{move || i18n.t("质检列表", "QA list")}</a>
        </PageHeader>
        <FilterForm list>
            <DateRange label=("质检时间", "Inspected") id="from" from=bind_filter!(draft, from) to=bind_filter!(draft, to) errors=errors/>
            <SelectFilter label=("质检结果", "Result") id="result" choices=QaResult::CHOICES value=bind_filter!(draft, result) errors=errors/>
            <IdFilter label=("质检人", "Inspector") id="inspector" options pick=|o| o.inspectors.clone()
                value=Signal::derive(move || draft.with(|f| f.inspector)) on_change=Callback::new(move |v| draft.update(|f| f.inspector = v))/>
            <IdFilter label=("被检客服", "Agent") id="agent" options pick=|o| o.agents.clone()
                value=Signal::derive(move || draft.with(|f| f.agent)) on_change=Callback::new(move |v| draft.update(|f| f.agent = v))/>
            <SelectFilter label=("受理部门", "Accepting dept.") id="acc_dept" choices=AcceptingDept::CHOICES value=bind_filter!(draft, accepting_dept) errors=errors/>
            <IdFilter label=("组织机构", "Organisation") id="org" options pick=|o| o.orgs.clone()
                value=Signal::derive(move || draft.with(|f| f.org)) on_change=Callback::new(move |v| draft.update(|f| f.org = v))/>
            <SelectFilter label=("诉求类型", "Type") id="type" choices=RequestType::CHOICES value=bind_filter!(draft, request_type) errors=errors/>
            <FilterButtons list/>
        </FilterForm>
        <div class="qa-report" data-testid="qa-report">
            <Results loading fallback=fallback>
                {move || report.get().map(|r| match r {
                    Err(crate::error::AppError::Validation(_)) => view! {
                        <div class="empty"><p>{move || i18n.t("请修正标红的查询条件", "Correct the marked filters")}</p></div>
                    }.into_any(),
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div> }.into_any(),
                    Ok(r) => view! { <Report r=r on_page=list.on_page()/> }.into_any(),
                })}
            </Results>
        </div>
    }
}

#[component]
fn Report(r: QaReport, on_page: Callback<(u64, u64)>) -> impl IntoView {
    let i18n = use_i18n();
    let QaReport { rows, overall, by_agent, by_org } = r;
    view! {
        <div class="qa-stats" data-testid="qa-summary">
            <div class="card stat"><div class="muted">{move || i18n.t("质检数", "Inspected")}</div><strong data-testid="qa-inspected">{overall.inspected}</strong></div>
            <div class="card stat"><div class="muted">{move || i18n.t("处理有误数", "Errors")}</div><strong data-testid="qa-incorrect">{overall.incorrect}</strong></div>
            <div class="card stat"><div class="muted">{move || i18n.t("差错率", "Error rate")}</div><strong data-testid="qa-rate">{overall.rate()}</strong></div>
        </div>
        <div class="qa-tallies">
            <Tallies title=("按被检客服", "By agent") name=("被检客服", "Agent") list=by_agent testid="by-agent"/>
            <Tallies title=("按组织机构", "By organisation") name=("组织机构", "Organisation") list=by_org testid="by-org"/>
        </div>
        {if rows.items.is_empty() {
            view! {
                <div class="empty">
                    <p>{move || i18n.t("没有符合条件的质检记录", "No inspections match")}</p>
                    <p class="muted">{move || i18n.t("在“诉求信息质检管理”中质检已完成的诉求后,记录会出现在这里。", "Inspect completed requests on the QA list; they are listed here.")}</p>
                </div>
            }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="data" data-testid="qa-records">
                        <thead><tr>{COLUMNS.iter().map(|(zh, en)| view! { <th>{move || i18n.t(zh, en)}</th> }).collect_view()}</tr></thead>
                        <tbody>{rows.items.clone().into_iter().map(|r| view! { <Row r=r/> }).collect_view()}</tbody>
                    </table>
                </div>
                <Pager total=rows.total page=rows.page per_page=rows.per_page on_change=on_page/>
            }.into_any()
        }}
    }
}

#[component]
fn Tallies(
    title: (&'static str, &'static str),
    name: (&'static str, &'static str),
    list: Vec<QaTally>,
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card">
            <h2>{move || i18n.t(title.0, title.1)}</h2>
            <table class="data" data-testid=testid>
                <thead><tr>
                    <th>{move || i18n.t(name.0, name.1)}</th>
                    <th class="num">{move || i18n.t("质检数", "Inspected")}</th>
                    <th class="num">{move || i18n.t("处理有误数", "Errors")}</th>
                    <th class="num">{move || i18n.t("差错率", "Error rate")}</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|t| view! {
                        <tr>
                            <td>{t.name.clone()}</td>
                            <td class="num">{t.inspected}</td>
                            <td class="num">{t.incorrect}</td>
                            <td class="num">{t.rate()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Row(r: QaReportRow) -> impl IntoView {
    let i18n = use_i18n();
    let (kind, acc, result) = (r.request_type, r.accepting_dept, r.result);
    view! {
        <tr>
            <td><a class="link" href=format!("/qa/{}", r.request_id)>{r.request_no.clone()}</a></td>
            <td>{r.company.clone()}</td>
            <td>{move || kind.label(i18n.locale())}</td>
            <td>{r.agent.clone()}</td>
            <td>{move || acc.label(i18n.locale())}</td>
            <td>{r.org.clone()}</td>
            <td><span class=if result == QaResult::Incorrect { "badge badge-red" } else { "badge badge-blue" }>{move || result.label(i18n.locale())}</span></td>
            <td class="pre">{r.remark.clone()}</td>
            <td>{r.inspector.clone()}</td>
            <td>{fmt_time(&r.at)}</td>
        </tr>
    }
}
