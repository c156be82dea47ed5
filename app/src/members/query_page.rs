//! PG-10 会员资料及服务查询: the filter panel of the seed (text filters first, then the
//! dropdown and date filters in the seed's row order), kept in the URL; the result grid with
//! sortable columns, paging, the 服务明细 / 按会员 toggle, and export.
use leptos::prelude::*;

use super::api::{count_member_services, list_member_services, load_query_choices};
use super::enums::{self, label};
use super::filter_panel::{MemberFilterPanel, has_advanced};
use super::{COUNT_CAP, MemberFilter, ServiceRow};
use crate::error::AppError;
use crate::exports::ExportButtons;
use crate::i18n::use_i18n;
use crate::ui::list::UrlFilter;
use crate::ui::list::{ListState, Results};
use crate::ui::{PageHeader, Pager, fmt_time};

#[component]
pub fn MemberServicesPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<MemberFilter>::new(|_| {});
    let (filter, draft) = (list.filter, list.draft);
    let expanded = RwSignal::new(has_advanced(&draft.get_untracked()));
    let choices = Resource::new(|| (), |_| load_query_choices());
    let rows = Resource::new(move || filter.get(), list_member_services);
    let loading = RwSignal::new(false);
    let exact_total = RwSignal::new(None::<u64>);
    let counting = RwSignal::new(false);

    let go = move |f: MemberFilter| list.go(f);
    let set_view = {
        move |v: &'static str| {
            exact_total.set(None);
            go(MemberFilter { view: v.into(), page: 1, ..filter.get_untracked() })
        }
    };
    let sort_by = {
        Callback::new(move |key: &'static str| {
            let f = filter.get_untracked();
            let (cur, desc) = f.sort_key();
            let sort = if cur == key && !desc { format!("-{key}") } else { key.to_string() };
            go(MemberFilter { sort, page: 1, ..f });
        })
    };
    let count_all = move |_| {
        counting.set(true);
        let f = filter.get_untracked();
        leptos::task::spawn_local(async move {
            if let Ok(n) = count_member_services(f).await {
                exact_total.set(Some(n));
            }
            counting.set(false);
        });
    };
    let by_member = Memo::new(move |_| filter.with(|f| f.by_member()));
    let body = move || {
        rows.get().map(|r| match r {
                    Err(AppError::Validation(_)) => view! {
                        <div class="empty"><p>{move || i18n.t("请修正标红的查询条件", "Correct the marked filters")}</p></div>
                    }.into_any(),
                    Err(e) => view! { <div class="alert alert-error">{e.message(i18n.locale())}</div> }.into_any(),
                    Ok(page) if page.items.is_empty() => view! {
                        <div class="empty">
                            <p>{move || i18n.t("没有符合条件的记录", "Nothing matches these filters")}</p>
                            <p class="muted">{move || if by_member.get() {
                                i18n.t("可以放宽条件后重新查询", "Loosen the filters and search again")
                            } else {
                                i18n.t("服务明细只列出有服务记录的会员;没有服务记录的会员请切换到“按会员”查看", "Only members with service records are listed; switch to “By member” to see the others")
                            }}</p>
                        </div>
                    }.into_any(),
                    Ok(page) => {
                        let total = page.total;
                        view! {
                            <ResultTable rows=page.items by_member=by_member.get_untracked() filter=filter sort_by=sort_by/>
                            <div class="pager-row">
                                {(total > COUNT_CAP).then(|| view! {
                                    <button type="button" class="link" disabled=move || counting.get() on:click=count_all>
                                        {move || if counting.get() { i18n.t("统计中…", "Counting…") } else { i18n.t("统计总数", "Count all") }}
                                    </button>
                                })}
                                <Pager total=total page=page.page per_page=page.per_page counted_to=page.counted_to
                                    on_change=Callback::new(move |(p, n): (u64, u64)| go(MemberFilter { page: p, per_page: n, ..filter.get_untracked() }))/>
                            </div>
                        }.into_any()
                    }
                })
    };
    let fallback = || view! { <div class="empty"><p>"查询中…"</p></div> };

    view! {
        <PageHeader title=("会员资料及服务查询", "Member profile & service query")>
            <ExportButtons kind="member_services" query=Signal::derive(move || filter.with(|f| f.to_query()))/>
        </PageHeader>
        <MemberFilterPanel list choices expanded on_search=Callback::new(move |()| exact_total.set(None))/>
        <div class="toolbar">
            <div class="segmented" role="tablist" aria-label=move || i18n.t("显示方式", "Show as")>
                <button type="button" role="tab" class:active=move || !by_member.get() aria-selected=move || (!by_member.get()).to_string()
                    on:click=move |_| set_view("")>{move || i18n.t("服务明细", "Service records")}</button>
                <button type="button" role="tab" class:active=move || by_member.get() aria-selected=move || by_member.get().to_string()
                    on:click=move |_| set_view("members")>{move || i18n.t("按会员", "By member")}</button>
            </div>
            <div class="muted">
                {move || exact_total.get().map(|n| match i18n.locale() {
                    crate::i18n::Locale::Zh => format!("精确总数:{n} 条"),
                    crate::i18n::Locale::En => format!("Exact total: {n}"),
                })}
            </div>
        </div>
        <div class="table-wrap" class:loading=move || loading.get() aria-busy=move || loading.get().to_string()>
            <Results loading fallback=fallback>{body}</Results>
        </div>
    }
}

/// Column header: label and, when sortable, the sort key.
const COLUMNS: [(&str, &str, Option<&str>); 16] = [
    ("企业名称", "Company", Some("company")),
    ("会员级别", "Level", Some("level")),
    ("企业状态", "Status", None),
    ("平台注册时间", "Registered", Some("registered")),
    ("服务开始时间", "Service start", Some("start")),
    ("服务到期时间", "Service end", Some("end")),
    ("诉求受理时间", "Service time", Some("service_at")),
    ("组织机构", "Organisation", Some("org")),
    ("行业分类", "Industry", None),
    ("会员积分", "Points", Some("points")),
    ("服务类型", "Service type", None),
    ("服务方式", "Mode", None),
    ("服务部门", "Dept", None),
    ("服务是否到期", "Expired", None),
    ("履约状态", "Fulfilment", None),
    ("质检结果", "QA result", None),
];

#[component]
fn ResultTable(
    rows: Vec<ServiceRow>,
    by_member: bool,
    filter: Memo<MemberFilter>,
    sort_by: Callback<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |list: &'static [enums::Choice], code: &str| {
        let (zh, en) = label(list, code);
        i18n.t(zh, en)
    };
    view! {
        <table class="data member-grid" data-testid="member-services">
            <thead><tr>
                {COLUMNS.iter().map(|(zh, en, key)| {
                    let sort = move || {
                        let f = filter.get();
                        let (cur, desc) = f.sort_key();
                        key.filter(|k| *k == cur).map(|_| if desc { "descending" } else { "ascending" }).unwrap_or("none").to_string()
                    };
                    match key {
                        Some(k) => view! {
                            <th aria-sort=sort class="sortable">
                                <button type="button" class="th-sort" on:click=move |_| sort_by.run(k)>
                                    {move || i18n.t(zh, en)}
                                    <span class="sort-mark" aria-hidden="true">{move || match sort().as_str() { "ascending" => "▲", "descending" => "▼", _ => "↕" }}</span>
                                </button>
                            </th>
                        }.into_any(),
                        None => view! { <th>{move || i18n.t(zh, en)}</th> }.into_any(),
                    }
                }).collect_view()}
                {by_member.then(|| view! { <th class="num">{move || i18n.t("服务记录数", "Records")}</th> })}
                <th>{move || i18n.t("操作", "Actions")}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let (lv, st, ty, md, dp, fu, qa) = (r.member_level.clone(), r.enterprise_status.clone(), r.service_type.clone(), r.service_mode.clone(), r.service_dept.clone(), r.fulfilment_status.clone(), r.qa_result.clone());
                    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
                    view! {
                        <tr>
                            <td class="sticky-col"><a href=format!("/customers/{}", r.customer_id)>{r.company_name.clone()}</a></td>
                            <td><span class=format!("level level-{}", r.member_level)>{move || t(enums::LEVELS, &lv)}</span></td>
                            <td>{move || t(enums::ENTERPRISE_STATUSES, &st)}</td>
                            <td>{r.registered_at.as_ref().map(fmt_time).unwrap_or_default()}</td>
                            <td>{date(r.service_start)}</td>
                            <td>{date(r.service_end)}</td>
                            <td>{r.service_at.as_ref().map(fmt_time).unwrap_or_default()}</td>
                            <td>{r.org_name.clone()}</td>
                            <td>{r.industry.clone()}</td>
                            <td class="num">{r.points.map(|p| p.to_string()).unwrap_or_default()}</td>
                            <td>{move || t(enums::SERVICE_TYPES, &ty)}</td>
                            <td>{move || t(enums::SERVICE_MODES, &md)}</td>
                            <td>{move || t(enums::SERVICE_DEPTS, &dp)}</td>
                            <td>{r.expired.map(|e| if e {
                                view! { <span class="badge badge-red">{move || i18n.t("已到期", "Expired")}</span> }.into_any()
                            } else {
                                view! { <span class="badge badge-green">{move || i18n.t("未到期", "Active")}</span> }.into_any()
                            })}</td>
                            <td>{move || t(enums::FULFILMENT_STATUSES, &fu)}</td>
                            <td>{move || t(enums::QA_RESULTS, &qa)}</td>
                            {by_member.then(|| view! { <td class="num">{r.record_count.unwrap_or(0)}</td> })}
                            <td class="actions">
                                {match r.record_id {
                                    Some(id) => view! { <a href=format!("/service-records/{id}")>{move || i18n.t("详情", "Details")}</a> }.into_any(),
                                    None => view! { <a href=format!("/customers/{}", r.customer_id)>{move || i18n.t("会员", "Member")}</a> }.into_any(),
                                }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
