//! 诉求信息质检管理 (PG-38): the completed member requests (未质检 by default) with the spec's
//! filters in the URL, 导出, and 随机抽取 — N 条 or N % of the filter's result by a seed kept in
//! the URL too (`n` / `pct`, `seed`, `since`), so a sample can be paged, left for 质检 and come
//! back to unchanged.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{draw_qa_sample, list_qa, load_qa_options};
use super::{QaFilter, QaResult, QaRow, QaSample, QaShown, QaStatus, SampleInput};
use crate::bind_filter;
use crate::error::AppError;
use crate::exports::ExportButtons;
use crate::i18n::use_i18n;
use crate::members::enums::{self, CustomerType};
use crate::requests::{AcceptingDept, Channel, HandlingDept, RequestType};
use crate::ui::filters::{DateRange, IdFilter, SelectFilter, TextFilter};
use crate::ui::list::{FilterButtons, FilterForm, ListState, ListTable, Results, UrlFilter};
use crate::ui::{Page, PageHeader, Pager, field_errors, fmt_opt_time, fmt_time};

const COLUMNS: &[(&str, &str)] = &[
    ("诉求编号", "No."),
    ("诉求受理时间", "Taken"),
    ("企业名称", "Company"),
    ("客户类型", "Caller type"),
    ("会员级别", "Level"),
    ("诉求类型", "Type"),
    ("受理渠道", "Channel"),
    ("受理部门", "Accepting dept."),
    ("组织机构", "Organisation"),
    ("处理部门", "Handled by"),
    ("客服人员", "Agent"),
    ("完成时间", "Completed"),
    ("是否质检", "QA"),
    ("质检结果", "QA result"),
    ("操作", "Actions"),
];

/// The sample the URL asks for (`None`: the list).
fn sample_of(q: &leptos_router::params::ParamsMap) -> Option<SampleInput> {
    let count = q.get("n").and_then(|v| v.parse().ok());
    let percent = q.get("pct").filter(|v| !v.is_empty());
    (count.is_some() || percent.is_some()).then(|| SampleInput {
        count,
        percent,
        seed: q.get("seed").and_then(|v| v.parse().ok()),
        since: q.get("since").and_then(|v| v.parse().ok()),
    })
}

/// The URL parameters of a sample.
fn sample_query(s: &SampleInput) -> String {
    let mut parts = vec![];
    if let Some(n) = s.count {
        parts.push(format!("n={n}"));
    }
    if let Some(p) = s.percent.as_deref() {
        parts.push(format!("pct={}", crate::url::urlencode(p)));
    }
    if let Some(seed) = s.seed {
        parts.push(format!("seed={seed}"));
    }
    if let Some(since) = s.since {
        parts.push(format!("since={since}"));
    }
    parts.join("&")
}

fn href(f: &QaFilter, sample: Option<&SampleInput>) -> String {
    let parts: Vec<String> =
        [f.to_query(), sample.map(sample_query).unwrap_or_default()].into_iter().filter(|p| !p.is_empty()).collect();
    if parts.is_empty() { "/qa".into() } else { format!("/qa?{}", parts.join("&")) }
}

#[component]
pub fn QaListPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<QaFilter>::new(|_| {});
    let draft = list.draft;
    let query = use_query_map();
    let sample = Memo::new(move |_| query.with(sample_of));
    let options = Resource::new(|| (), |_| load_qa_options());
    let (filter, version) = (list.filter, list.version);
    let rows = Resource::new(
        move || (filter.get(), version.get(), sample.with(Option::is_some)),
        |(f, _, sampling)| async move { if sampling { Ok(Page::default()) } else { list_qa(f).await } },
    );
    let drawn = Resource::new(
        move || (filter.get(), sample.get()),
        |(f, s)| async move {
            match s {
                Some(s) => Some(draw_qa_sample(f, s).await),
                None => None,
            }
        },
    );
    let errors = Signal::derive(move || list.filter.with(|f| field_errors(f.validate().err().as_ref())));
    let shown = Signal::derive(move || draft.with(|f| f.shown()));
    view! {
        <PageHeader title=("诉求信息质检管理", "Request QA")>
            <ExportButtons kind="qa" query=Signal::derive(move || list.filter.with(|f| f.to_query()))/>
            <a class="btn" href="/qa/records">{move || i18n.t("质检报告", "QA report")}</a>
        </PageHeader>
        <FilterForm list>
            <div class="filter-item">
                <label for="qa">{move || i18n.t("是否质检", "Inspected?")}</label>
                <select id="qa" name="qa" on:change=move |ev| draft.update(|f| f.qa = event_target_value(&ev))>
                    {QaShown::ALL.iter().copied().map(|s| view! {
                        <option value=s.code() selected=move || shown.get() == s>{move || s.label(i18n.locale())}</option>
                    }).collect_view()}
                </select>
            </div>
            <SelectFilter label=("质检结果", "QA result") id="result" choices=QaResult::CHOICES value=bind_filter!(draft, result) errors=errors/>
            <DateRange label=("诉求受理时间", "Taken") id="from" from=bind_filter!(draft, from) to=bind_filter!(draft, to) errors=errors/>
            <DateRange label=("完成时间", "Completed") id="done_from" from=bind_filter!(draft, done_from) to=bind_filter!(draft, done_to) errors=errors/>
            <SelectFilter label=("受理部门", "Accepting dept.") id="acc_dept" choices=AcceptingDept::CHOICES value=bind_filter!(draft, accepting_dept) errors=errors/>
            <IdFilter label=("组织机构", "Organisation") id="org" options pick=|o| o.orgs.clone()
                value=Signal::derive(move || draft.with(|f| f.org)) on_change=Callback::new(move |v| draft.update(|f| f.org = v))/>
            <IdFilter label=("客服人员", "Agent") id="agent" options pick=|o| o.agents.clone()
                value=Signal::derive(move || draft.with(|f| f.agent)) on_change=Callback::new(move |v| draft.update(|f| f.agent = v))/>
            <SelectFilter label=("诉求类型", "Type") id="type" choices=RequestType::CHOICES value=bind_filter!(draft, request_type) errors=errors/>
            <SelectFilter label=("受理渠道", "Channel") id="channel" choices=Channel::CHOICES value=bind_filter!(draft, channel) errors=errors/>
            <SelectFilter label=("处理部门", "Handled by") id="dept" choices=HandlingDept::CHOICES value=bind_filter!(draft, handling_dept) errors=errors/>
            <SelectFilter label=("会员级别", "Level") id="level" choices=enums::LEVELS value=bind_filter!(draft, level) errors=errors/>
            <SelectFilter label=("客户类型", "Caller type") id="ctype" choices=CustomerType::CHOICES value=bind_filter!(draft, customer_type) errors=errors/>
            <TextFilter label=("诉求编号", "No.") id="f-no" value=bind_filter!(draft, no)/>
            <TextFilter label=("企业名称", "Company") id="f-company" value=bind_filter!(draft, company)/>
            <FilterButtons list/>
        </FilterForm>
        <SampleForm filter=list.filter sample/>
        {move || match sample.get() {
            Some(s) => view! { <SampleResults drawn filter=list.filter asked=s/> }.into_any(),
            None => view! {
                <ListTable rows columns=COLUMNS on_page=list.on_page() testid="qa-list"
                    row=move |r| view! { <Row r=r/> }
                    empty=move || view! {
                        <p>{move || i18n.t("没有符合条件的已完成诉求", "No completed requests match")}</p>
                        <p class="muted">{move || i18n.t("默认只列出未质检的诉求;可在“是否质检”中选择已质检或全部。", "Only requests not yet inspected are listed by default; choose another 是否质检 to see the others.")}</p>
                    }/>
            }.into_any(),
        }}
    }
}

/// 随机抽取: N 条 or N %, an optional seed; the result replaces the list below.
#[component]
fn SampleForm(filter: Memo<QaFilter>, sample: Memo<Option<SampleInput>>) -> impl IntoView {
    let i18n = use_i18n();
    let asked = sample.get_untracked();
    let by_percent = RwSignal::new(asked.as_ref().is_some_and(|s| s.percent.is_some()));
    let amount = RwSignal::new(
        asked
            .as_ref()
            .map(|s| s.count.map(|n| n.to_string()).or(s.percent.clone()).unwrap_or_default())
            .unwrap_or_else(|| "10".into()),
    );
    let seed = RwSignal::new(asked.as_ref().and_then(|s| s.seed).map(|s| s.to_string()).unwrap_or_default());
    let error = RwSignal::new(None::<AppError>);
    let navigate = leptos_router::hooks::use_navigate();
    let clear_href = move || href(&filter.get().at_page(1, filter.with(|f| f.per_page)), None);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let a = amount.get_untracked().trim().to_string();
        let (count, percent) = if by_percent.get_untracked() {
            (None, Some(a.clone()))
        } else {
            match a.parse::<u64>() {
                Ok(n) => (Some(n), None),
                Err(_) if a.is_empty() => (None, None),
                Err(_) => {
                    error.set(Some(AppError::field("count", "抽取条数应为正整数", "The count is a whole number")));
                    return;
                }
            }
        };
        let s = seed.get_untracked();
        let seed = match s.trim() {
            "" => None,
            t => match t.parse::<u64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    error.set(Some(AppError::field("seed", "种子应为非负整数", "The seed is a whole number")));
                    return;
                }
            },
        };
        let input = SampleInput { count, percent, seed, since: None };
        if let Err(e) = input.size() {
            error.set(Some(e));
            return;
        }
        error.set(None);
        let f = filter.get_untracked();
        let size = f.per_page;
        navigate(&href(&f.at_page(1, size), Some(&input)), Default::default());
    };
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let err = move |k: &'static str| errors.with(|e| e.get(k).map(|t| t.get(i18n.locale()).to_string()));
    view! {
        <form class="card sample-panel" on:submit=submit data-testid="sample-form" novalidate>
            <fieldset class="radios">
                <legend>{move || i18n.t("随机抽取", "Random sample")}</legend>
                <label><input type="radio" name="sample-by" checked=move || !by_percent.get() on:change=move |_| by_percent.set(false)/>
                    {move || i18n.t("按条数", "By count")}</label>
                <label><input type="radio" name="sample-by" checked=move || by_percent.get() on:change=move |_| by_percent.set(true)/>
                    {move || i18n.t("按百分比", "By percentage")}</label>
            </fieldset>
            <div class="sample-field">
                <label for="sample-amount">{move || if by_percent.get() { i18n.t("百分比 (%)", "Per cent") } else { i18n.t("条数", "Count") }}</label>
                <input id="sample-amount" inputmode="decimal" size="8" prop:value=move || amount.get()
                    on:input=move |ev| amount.set(event_target_value(&ev))
                    aria-invalid=move || (err("count").is_some() || err("percent").is_some()).to_string()/>
            </div>
            <div class="sample-field">
                <label for="sample-seed">{move || i18n.t("种子(可选)", "Seed (optional)")}</label>
                <input id="sample-seed" inputmode="numeric" size="12" prop:value=move || seed.get()
                    on:input=move |ev| seed.set(event_target_value(&ev))/>
            </div>
            <button type="submit" class="btn btn-primary" data-testid="sample-submit">{move || i18n.t("随机抽取", "Draw")}</button>
            {move || sample.with(Option::is_some).then(|| view! {
                <a class="btn" href=clear_href>{move || i18n.t("返回全部列表", "Back to the list")}</a>
            })}
            <div class="field-error" role="alert">{move || err("count").or_else(|| err("percent")).or_else(|| err("seed"))}</div>
        </form>
    }
}

/// The drawn sample: its seed and size, then its rows with 质检 links and a pager.
#[component]
fn SampleResults(
    drawn: Resource<Option<Result<QaSample, AppError>>>,
    filter: Memo<QaFilter>,
    asked: SampleInput,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = leptos_router::hooks::use_navigate();
    let asked = StoredValue::new(asked);
    let loading = RwSignal::new(false);
    // A sample drawn without a seed or time gets both in its URL (the same sample on reload).
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            if let Some(Some(Ok(s))) = drawn.get() {
                let a = asked.get_value();
                if a.seed.is_none() || a.since.is_none() {
                    let fixed = SampleInput { seed: Some(s.seed), since: Some(s.since), ..a };
                    let opts = leptos_router::NavigateOptions { replace: true, ..Default::default() };
                    navigate(&href(&filter.get_untracked(), Some(&fixed)), opts);
                }
            }
        }
    });
    let on_page = Callback::new(move |(page, per_page): (u64, u64)| {
        navigate(&href(&filter.get_untracked().at_page(page, per_page), Some(&asked.get_value())), Default::default())
    });
    let fallback = move || view! { <div class="empty"><p>{move || i18n.t("抽取中…", "Drawing…")}</p></div> };
    view! {
        <div class="table-wrap" data-testid="qa-sample">
            <Results loading fallback=fallback>
                {move || drawn.get().flatten().map(|r| match r {
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div> }.into_any(),
                    Ok(s) => {
                        let (seed, population, n) = (s.seed, s.population, s.drawn);
                        view! {
                            <p class="summary-line" data-testid="sample-summary" role="status">
                                {move || match i18n.locale() {
                                    crate::i18n::Locale::Zh => format!("从 {population} 条中随机抽取 {n} 条 · 种子 {seed}"),
                                    crate::i18n::Locale::En => format!("{n} drawn at random from {population} · seed {seed}"),
                                }}
                            </p>
                            <span hidden=true data-testid="sample-seed">{seed}</span>
                            {if s.rows.items.is_empty() {
                                view! { <div class="empty"><p>{move || i18n.t("没有可抽取的诉求", "Nothing to draw from")}</p></div> }.into_any()
                            } else {
                                view! {
                                    <table class="data">
                                        <thead><tr>{COLUMNS.iter().map(|(zh, en)| view! { <th>{move || i18n.t(zh, en)}</th> }).collect_view()}</tr></thead>
                                        <tbody>{s.rows.items.into_iter().map(|r| view! { <Row r=r/> }).collect_view()}</tbody>
                                    </table>
                                    <Pager total=s.rows.total page=s.rows.page per_page=s.rows.per_page on_change=on_page/>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                })}
            </Results>
        </div>
    }
}

#[component]
fn Row(r: QaRow) -> impl IntoView {
    let i18n = use_i18n();
    let level = enums::label(enums::LEVELS, &r.member_level);
    let (ctype, kind, channel, acc, dept, status, result) =
        (r.customer_type, r.request_type, r.channel, r.accepting_dept, r.handling_dept, r.qa_status, r.qa_result);
    view! {
        <tr>
            <td>{r.request_no.clone()}</td>
            <td>{fmt_time(&r.accepted_at)}</td>
            <td>{r.caller.clone()}</td>
            <td>{move || ctype.label(i18n.locale())}</td>
            <td>{move || i18n.t(level.0, level.1)}</td>
            <td>{move || kind.label(i18n.locale())}</td>
            <td>{move || channel.label(i18n.locale())}</td>
            <td>{move || acc.label(i18n.locale())}</td>
            <td>{r.org.clone()}</td>
            <td>{move || dept.label(i18n.locale())}</td>
            <td>{r.agent.clone()}</td>
            <td>{fmt_opt_time(&r.completed_at)}</td>
            <td><span class=if status == QaStatus::Inspected { "badge badge-green" } else { "badge badge-gray" }>
                {move || status.label(i18n.locale())}</span></td>
            <td>{result.map(|q| view! {
                <span class=if q == QaResult::Incorrect { "badge badge-red" } else { "badge badge-blue" }>{move || q.label(i18n.locale())}</span>
            })}</td>
            <td class="actions">
                <a class="btn btn-small" href=format!("/qa/{}", r.id) data-testid="qa-open">{move || i18n.t("质检", "Inspect")}</a>
            </td>
        </tr>
    }
}
