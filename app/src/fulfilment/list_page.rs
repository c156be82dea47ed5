//! PG-35 会员履约管理: the members' current service years with their progress, filtered by the
//! spec's fields (and progress range, an item not yet done, a year ending within N days),
//! ordered by the year's end or by progress; 履约跟踪 opens PG-36. Rep offices see their own
//! members (the server's scope); the list exports as shown.
use leptos::prelude::*;

use super::api::list_fulfilment;
use super::{FulfilmentFilter, FulfilmentRow, FulfilmentSort, FulfilmentStatus, Pct, YearsShown};
use crate::bind_filter;
use crate::exports::ExportButtons;
use crate::i18n::use_i18n;
use crate::members::api::load_query_choices;
use crate::members::cascade::{REGION_LEVELS, TreeSelect};
use crate::members::enums::{LEVELS, label};
use crate::members::filter_fields::OrgFilter;
use crate::ui::filters::{SelectFilter, TextFilter};
use crate::ui::list::{FilterButtons, FilterField, FilterForm, ListState, ListTable, UrlFilter};
use crate::ui::{PageHeader, field_errors};

const COLUMNS: &[(&str, &str)] = &[
    ("企业名称", "Company"),
    ("登录名", "Login"),
    ("会员级别", "Level"),
    ("组织结构", "Organisation"),
    ("履约状态", "Status"),
    ("履约完成进度", "Progress"),
    ("当前服务年度", "Service year"),
    ("服务开始时间", "Service start"),
    ("服务到期时间", "Service end"),
    ("操作", "Actions"),
];

/// The paid levels (免费 owes nothing, SPEC §6.1).
pub const PAID_LEVELS: &[(&str, &str, &str)] = &[LEVELS[1], LEVELS[2], LEVELS[3], LEVELS[4], LEVELS[5]];

#[component]
pub fn FulfilmentListPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<FulfilmentFilter>::new(|_| {});
    let rows = list.load(list_fulfilment);
    let draft = list.draft;
    let errors = Signal::derive(move || list.filter.with(|f| field_errors(f.validate().err().as_ref())));
    let choices = Resource::new(|| (), |_| load_query_choices());
    let region = Signal::derive(move || draft.with(|f| [f.province, f.city, f.district]));
    view! {
        <PageHeader title=("会员履约管理", "Member fulfilment")>
            <ExportButtons kind="fulfilment" query=Signal::derive(move || list.filter.with(|f| f.to_query()))/>
        </PageHeader>
        <FilterForm list keep=&["sort"]>
            <TextFilter label=("企业名称", "Company") id="f-company" value=bind_filter!(draft, company)/>
            <TextFilter label=("登录名", "Login") id="f-login" value=bind_filter!(draft, login)/>
            <SelectFilter label=("会员级别", "Level") id="level" choices=PAID_LEVELS value=bind_filter!(draft, level) errors=errors/>
            <OrgFilter choices=choices value=Signal::derive(move || draft.with(|f| f.org))
                on_change=Callback::new(move |v| draft.update(|f| f.org = v))/>
            <div class="filter-item">
                <label for="f-prov">{move || i18n.t("区域", "Region")}</label>
                <TreeSelect kind="region" id="f-prov" levels=REGION_LEVELS value=region names=Some(["prov", "city", "district"])
                    on_change=Callback::new(move |v: [Option<i64>; 3]| draft.update(|f| { f.province = v[0]; f.city = v[1]; f.district = v[2]; }))/>
            </div>
            <SelectFilter label=("履约状态", "Status") id="status" choices=FulfilmentStatus::CHOICES value=bind_filter!(draft, status) errors=errors/>
            <div class="filter-item">
                <label for="pmin">{move || i18n.t("履约进度(%)", "Progress (%)")}</label>
                <div class="range">
                    <input id="pmin" name="pmin" type="number" min="0" max="100" step="0.01" inputmode="decimal"
                        aria-label=move || i18n.t("进度不低于", "At least")
                        value=move || draft.with(|f| f.progress_min.clone()) prop:value=move || draft.with(|f| f.progress_min.clone())
                        on:input=move |ev| draft.update(|f| f.progress_min = event_target_value(&ev))/>
                    " – "
                    <input id="pmax" name="pmax" type="number" min="0" max="100" step="0.01" inputmode="decimal"
                        aria-label=move || i18n.t("进度不高于", "At most")
                        value=move || draft.with(|f| f.progress_max.clone()) prop:value=move || draft.with(|f| f.progress_max.clone())
                        on:input=move |ev| draft.update(|f| f.progress_max = event_target_value(&ev))/>
                </div>
                <crate::ui::filters::FieldError id="pmin" errors=errors/>
                <crate::ui::filters::FieldError id="pmax" errors=errors/>
            </div>
            <TextFilter label=("未完成项目", "Item not done") id="pending" value=bind_filter!(draft, pending)
                placeholder=("如 首页推荐", "e.g. 首页推荐")/>
            <div class="filter-item">
                <label for="ends">{move || i18n.t("N天内到期", "Ends within N days")}</label>
                <div>
                    <input id="ends" name="ends" type="number" min="0" inputmode="numeric"
                        value=move || draft.with(|f| f.ends_within.clone()) prop:value=move || draft.with(|f| f.ends_within.clone())
                        on:input=move |ev| draft.update(|f| f.ends_within = event_target_value(&ev))/>
                    <crate::ui::filters::FieldError id="ends" errors=errors/>
                </div>
            </div>
            <Choice label=("服务状态", "Service") id="years" choices=YearsShown::CHOICES value=bind_filter!(draft, years)/>
            <Choice label=("排序", "Order") id="sort" choices=FulfilmentSort::CHOICES value=bind_filter!(draft, sort)/>
            <FilterButtons list/>
        </FilterForm>
        <ListTable rows columns=COLUMNS on_page=list.on_page() testid="fulfilment-list" class="member-grid"
            row=move |r| view! { <Row r=r/> }
            empty=move || view! {
                <p>{move || i18n.t("没有符合条件的会员", "No members match")}</p>
                <p class="muted">{move || i18n.t("免费会员没有履约项目,不在此列表中;可以放宽条件后重新查询。", "Free members owe no services and are not listed; loosen the filters and search again.")}</p>
            }/>
    }
}

/// A choice whose first entry is the default (no 全部): the empty value stands for it.
#[component]
fn Choice(
    label: (&'static str, &'static str),
    id: &'static str,
    choices: &'static [(&'static str, &'static str, &'static str)],
    value: FilterField,
) -> impl IntoView {
    let i18n = use_i18n();
    let current = move || {
        let v = value.value.get();
        if v.is_empty() { choices[0].0.to_string() } else { v }
    };
    view! {
        <div class="filter-item">
            <label for=id>{move || i18n.t(label.0, label.1)}</label>
            <select id=id name=value.name on:change=move |ev| {
                let v = event_target_value(&ev);
                value.set.run(if v == choices[0].0 { String::new() } else { v })
            }>
                {choices.iter().map(|(code, zh, en)| view! {
                    <option value=*code selected=move || current() == *code>{move || i18n.t(zh, en)}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

/// The progress bar with its number (the same numbers as the 360° page).
#[component]
pub fn ProgressBar(progress: Pct, status: FulfilmentStatus) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("pbar pbar-{}", status.code()) title=move || status.label(i18n.locale())>
            <span class="pbar-track"><span class="pbar-fill" style=format!("width: {}%", progress.whole().clamp(0, 100))></span></span>
            <span class="pbar-text">{progress.to_string()}</span>
        </span>
    }
}

#[component]
fn Row(r: FulfilmentRow) -> impl IntoView {
    let i18n = use_i18n();
    let level = r.member_level.clone();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let status = r.status;
    view! {
        <tr>
            <td class="sticky-col"><a href=format!("/customers/{}", r.customer_id)>{r.company_name.clone()}</a></td>
            <td>{r.login_name.clone()}</td>
            <td><span class=format!("level level-{}", r.member_level)>{move || {
                let (zh, en) = label(LEVELS, &level);
                i18n.t(zh, en)
            }}</span></td>
            <td>{r.org_name.clone()}</td>
            <td><span class=format!("badge fstatus-{}", status.code())>{move || status.label(i18n.locale())}</span></td>
            <td><ProgressBar progress=r.progress status=status/></td>
            <td class="nowrap">{r.period_start.format("%Y-%m-%d").to_string()}<br/>{format!("至 {}", r.period_end.format("%Y-%m-%d"))}</td>
            <td>{date(r.service_start)}</td>
            <td>{date(r.service_end)}</td>
            <td class="actions">
                <a class="btn btn-small" href=format!("/fulfilment/members/{}", r.customer_id) data-testid="track-open">
                    {move || i18n.t("履约跟踪", "Track")}
                </a>
            </td>
        </tr>
    }
}
