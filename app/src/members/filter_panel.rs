//! The filter panel of the member queries (PG-10 会员资料及服务查询, PG-24 电话回访关怀): text
//! filters first, then the dropdown and date filters in the seed's row order, the rarer ones
//! behind 更多条件; all kept in the URL.
use leptos::prelude::*;

use super::MemberFilter;
use super::QueryChoices;
use super::enums;
use super::filter_fields::OrgFilter;
use crate::bind_filter;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::members::cascade::{INDUSTRY_LEVELS, REGION_LEVELS, TreeSelect};
use crate::ui::filters::{DateRange, FieldError, SelectFilter, TextFilter};
use crate::ui::list::{FilterForm, ListState};

/// Sets a date range to a preset, counted back from today in the browser's time zone.
fn preset(draft: RwSignal<MemberFilter>, which: &'static str) {
    #[cfg(feature = "hydrate")]
    {
        let now = js_sys::Date::new_0();
        let ymd = |d: &js_sys::Date| format!("{:04}-{:02}-{:02}", d.get_full_year(), d.get_month() + 1, d.get_date());
        let from = js_sys::Date::new(&now.clone().into());
        match which {
            "week" => {
                let back = (now.get_day() + 6) % 7;
                from.set_date(now.get_date() - back);
            }
            "month" => {
                from.set_date(1);
            }
            "year" => {
                from.set_month(0);
                from.set_date(1);
            }
            "30" => {
                from.set_date(((now.get_date() as i32) - 29) as u32);
            }
            _ => {}
        }
        draft.update(|f| {
            f.service_from = ymd(&from);
            f.service_to = ymd(&now);
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (draft, which);
}

/// Whether a filter outside the always-visible ones is set (the panel then opens expanded).
pub fn has_advanced(f: &MemberFilter) -> bool {
    [
        &f.registered_from,
        &f.registered_to,
        &f.start_from,
        &f.start_to,
        &f.end_from,
        &f.end_to,
        &f.customer_type,
        &f.enterprise_status,
        &f.category,
        &f.expiry,
        &f.push,
        &f.service_mode,
        &f.service_dept,
        &f.service_result,
        &f.fulfilment,
        &f.info_source,
        &f.qa_status,
        &f.qa_result,
    ]
    .iter()
    .any(|v| !v.is_empty())
        || f.industry1.is_some()
}

/// The panel; `expanded` opens 更多条件, `callbacks` adds PG-24's filters (最近回访时间,
/// 未回访天数, 回访内容); `on_search` hears a search or a reset.
#[component]
pub fn MemberFilterPanel(
    list: ListState<MemberFilter>,
    choices: Resource<Result<QueryChoices, AppError>>,
    expanded: RwSignal<bool>,
    #[prop(optional)] callbacks: bool,
    #[prop(default = Callback::new(|()| {}))] on_search: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (filter, draft) = (list.filter, list.draft);
    // The same checks the server makes, on the submitted filter: messages next to the fields.
    let errors = Signal::derive(move || filter.with(MemberFilter::validate));
    let reset = move || {
        on_search.run(());
        let keep = MemberFilter { view: filter.get_untracked().view, ..Default::default() };
        draft.set(keep.clone());
        list.go(keep);
    };
    let levels = Signal::derive(move || draft.with(|f| f.level.clone()));
    let toggle_level = move |code: &'static str| {
        draft.update(|f| {
            let mut v: Vec<String> = f.levels().into_iter().map(String::from).collect();
            if let Some(i) = v.iter().position(|c| c == code) {
                v.remove(i);
            } else {
                v.push(code.into());
            }
            f.level =
                enums::LEVELS.iter().filter(|l| v.iter().any(|c| c == l.0)).map(|l| l.0).collect::<Vec<_>>().join(",");
        })
    };
    let region = Signal::derive(move || draft.with(|f| [f.province, f.city, f.district]));
    let industry = Signal::derive(move || draft.with(|f| [f.industry1, f.industry2, f.industry3]));
    view! {
        <FilterForm list class="member-filters" keep=&["view", "sort"] on_search=on_search>
            <TextFilter label=("企业名称", "Company") id="f-company" value=bind_filter!(draft, company) placeholder=("输入部分名称即可", "Any part of the name")/>
            <TextFilter label=("注册邮箱", "E-mail") id="f-email" value=bind_filter!(draft, email)/>
            <TextFilter label=("登录名", "Login name") id="f-login" value=bind_filter!(draft, login)/>
            <TextFilter label=("固定电话", "Landline") id="f-tel" value=bind_filter!(draft, phone_fixed) placeholder=("只比对数字", "Digits only")/>
            <TextFilter label=("手机", "Mobile") id="f-mobile" value=bind_filter!(draft, phone_mobile) placeholder=("只比对数字", "Digits only")/>
            <div class="filter-item">
                <span></span>
                <label class="check"><input type="checkbox" name="exact" value="1" checked=move || draft.with(|f| f.exact) prop:checked=move || draft.with(|f| f.exact)
                    on:change=move |ev| draft.update(|f| f.exact = event_target_checked(&ev))/>
                    {move || i18n.t("精确匹配", "Exact match")}</label>
            </div>
            <div class="filter-item filter-wide">
                <label for="f-prov">{move || i18n.t("区域", "Region")}</label>
                <TreeSelect kind="region" id="f-prov" levels=REGION_LEVELS value=region names=Some(["prov", "city", "district"])
                    on_change=Callback::new(move |v: [Option<i64>; 3]| draft.update(|f| { f.province = v[0]; f.city = v[1]; f.district = v[2]; }))/>
            </div>
            <OrgFilter choices=choices value=Signal::derive(move || draft.with(|f| f.org))
                on_change=Callback::new(move |v| draft.update(|f| f.org = v))/>
            <div class="filter-item filter-wide">
                <span class="label">{move || i18n.t("会员级别", "Member level")}</span>
                <div class="chips" role="group" aria-label=move || i18n.t("会员级别", "Member level")>
                    {enums::LEVELS.iter().map(|(code, zh, en)| view! {
                        <label class="chip" class:on=move || levels.with(|l| l.split(',').any(|x| x == *code))>
                            <input type="checkbox" name="level" value=*code checked=move || levels.with(|l| l.split(',').any(|x| x == *code))
                                prop:checked=move || levels.with(|l| l.split(',').any(|x| x == *code))
                                on:change=move |_| toggle_level(code)/>
                            {move || i18n.t(zh, en)}
                        </label>
                    }).collect_view()}
                    <FieldError id="level" errors=errors/>
                </div>
            </div>
            <DateRange label=("服务时间", "Service time") id="svc" from=bind_filter!(draft, service_from) to=bind_filter!(draft, service_to) errors=errors/>
            <div class="filter-item presets">
                <span></span>
                <div>
                    {[("today", "今天", "Today"), ("week", "本周", "This week"), ("month", "本月", "This month"), ("year", "本年", "This year"), ("30", "近30天", "30 days")]
                        .into_iter().map(|(k, zh, en)| view! {
                            <button type="button" class="link" on:click=move |_| preset(draft, k)>{move || i18n.t(zh, en)}</button>
                        }).collect_view()}
                </div>
            </div>
            {callbacks.then(|| view! {
                <DateRange label=("最近回访时间", "Last callback") id="cb" from=bind_filter!(draft, callback_from) to=bind_filter!(draft, callback_to) errors=errors/>
                <div class="filter-item">
                    <label for="f-idle">{move || i18n.t("未回访天数 ≥", "Not called for ≥ (days)")}</label>
                    <input id="f-idle" type="number" min="1" max="3650" inputmode="numeric" name="idle"
                        prop:value=move || draft.with(|f| f.idle_days.clone())
                        on:input=move |ev| draft.update(|f| f.idle_days = event_target_value(&ev))/>
                    <FieldError id="idle" errors=errors/>
                </div>
                <SelectFilter label=("回访内容", "Last call about") id="cb_content" choices=crate::callbacks::CallbackContent::CHOICES value=bind_filter!(draft, callback_content) errors=errors/>
            })}
            <Show when=move || expanded.get()>
                <DateRange label=("平台注册时间", "Registered") id="reg" from=bind_filter!(draft, registered_from) to=bind_filter!(draft, registered_to) errors=errors/>
                <DateRange label=("服务开始时间", "Service start") id="start" from=bind_filter!(draft, start_from) to=bind_filter!(draft, start_to) errors=errors/>
                <DateRange label=("服务到期时间", "Service end") id="end" from=bind_filter!(draft, end_from) to=bind_filter!(draft, end_to) errors=errors/>
                <SelectFilter label=("客户类型", "Customer type") id="type" choices=enums::CUSTOMER_TYPES value=bind_filter!(draft, customer_type) errors=errors/>
                <div class="filter-item filter-wide">
                    <label for="f-ind">{move || i18n.t("行业分类", "Industry")}</label>
                    <TreeSelect kind="industry" id="f-ind" levels=INDUSTRY_LEVELS value=industry names=Some(["ind1", "ind2", "ind3"])
                        on_change=Callback::new(move |v: [Option<i64>; 3]| draft.update(|f| { f.industry1 = v[0]; f.industry2 = v[1]; f.industry3 = v[2]; }))/>
                </div>
                <SelectFilter label=("企业状态", "Status") id="status" choices=enums::ENTERPRISE_STATUSES value=bind_filter!(draft, enterprise_status) errors=errors/>
                <SelectFilter label=("企业类别", "Category") id="category" choices=enums::CATEGORIES value=bind_filter!(draft, category) errors=errors/>
                <SelectFilter label=("服务是否到期", "Expired") id="expiry" choices=enums::EXPIRY value=bind_filter!(draft, expiry) errors=errors/>
                <SelectFilter label=("是否设置推送", "Push set") id="push" choices=enums::YES_NO value=bind_filter!(draft, push) errors=errors/>
                <SelectFilter label=("服务方式", "Service mode") id="mode" choices=enums::SERVICE_MODES value=bind_filter!(draft, service_mode) errors=errors/>
                <SelectFilter label=("服务部门", "Service dept") id="dept" choices=enums::SERVICE_DEPTS value=bind_filter!(draft, service_dept) errors=errors/>
                <SelectFilter label=("服务类型", "Service type") id="svc_type" choices=enums::SERVICE_TYPES value=bind_filter!(draft, service_type) errors=errors/>
                <SelectFilter label=("服务结果", "Result") id="result" choices=enums::SERVICE_RESULTS value=bind_filter!(draft, service_result) errors=errors/>
                <SelectFilter label=("履约状态", "Fulfilment") id="fulfil" choices=enums::FULFILMENT_STATUSES value=bind_filter!(draft, fulfilment) errors=errors/>
                <SelectFilter label=("信息来源", "Info source") id="source" choices=enums::INFO_SOURCES value=bind_filter!(draft, info_source) errors=errors/>
                <SelectFilter label=("是否质检", "QA done") id="qa" choices=enums::QA_STATUSES value=bind_filter!(draft, qa_status) errors=errors/>
                <SelectFilter label=("质检结果", "QA result") id="qa_result" choices=enums::QA_RESULTS value=bind_filter!(draft, qa_result) errors=errors/>
            </Show>
            <div class="filter-buttons">
                <button type="button" class="link" aria-expanded=move || expanded.get().to_string() on:click=move |_| expanded.update(|e| *e = !*e)>
                    {move || if expanded.get() { i18n.t("收起条件", "Fewer filters") } else { i18n.t("更多条件", "More filters") }}
                </button>
                <button type="submit" class="btn btn-primary">{move || i18n.t("查询", "Search")}</button>
                <button type="button" class="btn" on:click=move |_| reset()>{move || i18n.t("重置", "Reset")}</button>
            </div>
        </FilterForm>
    }
}
