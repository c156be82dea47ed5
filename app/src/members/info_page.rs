//! PG-13 会员发布信息查询 / PG-14 企业发布信息记录 and PG-17 信息推送邮件查询 / PG-18 会员推送日志:
//! one list component over the CM data, with the filters of each page kept in the URL.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::{list_published_info, list_push_logs, load_query_choices};
use super::enums::{self, label};
use super::filter_fields::OrgFilter;
use super::{InfoFilter, InfoPage, InfoRow, MemberHead};
use crate::bind_filter;
use crate::error::AppError;
use crate::exports::ExportButtons;
use crate::i18n::use_i18n;
use crate::members::cascade::{INDUSTRY_LEVELS, REGION_LEVELS, TreeSelect};
use crate::ui::filters::{DateRange, SelectFilter, TextFilter};
use crate::ui::list::{FilterForm, ListState, UrlFilter};
use crate::ui::{PageHeader, Pager, fmt_opt_time};

#[component]
pub fn PublishedInfoPage() -> impl IntoView {
    view! {
        <PageHeader title=("会员发布信息查询", "Published-info query")/>
        <InfoList pushes=false customer=None/>
    }
}

#[component]
pub fn PushLogPage() -> impl IntoView {
    view! {
        <PageHeader title=("信息推送邮件查询", "Info-push e-mail query")/>
        <InfoList pushes=true customer=None/>
    }
}

fn customer_param() -> Option<i64> {
    use_params_map().read_untracked().get("id").and_then(|s| s.parse().ok())
}

#[component]
pub fn MemberPublishedPage() -> impl IntoView {
    view! {
        <PageHeader title=("企业发布信息记录", "Published items of a member")>
            <a class="btn" href="/query/published-info">{move || use_i18n().t("返回查询", "Back to query")}</a>
        </PageHeader>
        <InfoList pushes=false customer=customer_param()/>
    }
}

#[component]
pub fn MemberPushLogPage() -> impl IntoView {
    view! {
        <PageHeader title=("会员推送日志", "Push log of a member")>
            <a class="btn" href="/query/push-logs">{move || use_i18n().t("返回查询", "Back to query")}</a>
        </PageHeader>
        <InfoList pushes=true customer=customer_param()/>
    }
}

/// The list: the filters of the page (a member's page keeps only the item filters), the
/// summary, the rows and the export.
#[component]
fn InfoList(pushes: bool, customer: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<InfoFilter>::new(move |f| f.customer = customer);
    let (filter, draft) = (list.filter, list.draft);
    let errors = Signal::derive(move || filter.with(InfoFilter::validate));
    let rows = Resource::new(
        move || filter.get(),
        move |f| async move { if pushes { list_push_logs(f).await } else { list_published_info(f).await } },
    );
    let choices = Resource::new(|| (), |_| load_query_choices());
    let go = move |f: InfoFilter| list.go(InfoFilter { customer: None, ..f });
    let reset = move |_| {
        draft.set(InfoFilter { customer, ..Default::default() });
        go(InfoFilter::default());
    };
    let region = Signal::derive(move || draft.with(|f| [f.province, f.city, f.district]));
    let industry = Signal::derive(move || draft.with(|f| [f.industry1, f.industry2, f.industry3]));
    let whole = customer.is_none();
    let kind = if pushes { "push_logs" } else { "published_info" };
    let export_query = Signal::derive(move || filter.with(|f| f.to_query()));
    let (time_zh, time_en) = if pushes { ("邮件发送时间", "Sent") } else { ("发布时间", "Published") };
    view! {
        <div class="toolbar">
            <div></div>
            <ExportButtons kind=kind query=export_query/>
        </div>
        <FilterForm list class="member-filters">
            {whole.then(|| view! {
                <TextFilter label=("企业名称", "Company") id="f-company" value=bind_filter!(draft, company)/>
                <TextFilter label=("登录名", "Login name") id="f-login" value=bind_filter!(draft, login)/>
            })}
            {if pushes {
                whole.then(|| view! { <TextFilter label=("注册邮箱", "E-mail") id="f-email" value=bind_filter!(draft, email)/> }).into_any()
            } else {
                view! { <TextFilter label=("信息名称", "Title") id="f-title" value=bind_filter!(draft, title)/> }.into_any()
            }}
            <DateRange label=(time_zh, time_en) id="from" from=bind_filter!(draft, from) to=bind_filter!(draft, to) errors=errors/>
            {(!pushes).then(|| view! {
                <DateRange label=("失效时间", "Expires") id="exp" from=bind_filter!(draft, expires_from) to=bind_filter!(draft, expires_to) errors=errors/>
            })}
            <SelectFilter label=("信息类型", "Type") id="info_type" choices=enums::INFO_TYPES value=bind_filter!(draft, info_type) errors=errors/>
            {(!pushes).then(|| view! {
                <SelectFilter label=("信息状态", "Status") id="status" choices=enums::INFO_STATUSES value=bind_filter!(draft, info_status) errors=errors/>
            })}
            {pushes.then(|| view! {
                <SelectFilter label=("推送状态", "Delivery") id="push_status" choices=enums::PUSH_STATUSES value=bind_filter!(draft, push_status) errors=errors/>
            })}
            {whole.then(|| view! {
                <SelectFilter label=("会员级别", "Level") id="level" choices=enums::LEVELS value=bind_filter!(draft, level) errors=errors/>
                <OrgFilter choices=choices value=Signal::derive(move || draft.with(|f| f.org))
                    on_change=Callback::new(move |v| draft.update(|f| f.org = v))/>
                <div class="filter-item filter-wide">
                    <label for="f-prov">{move || i18n.t("区域", "Region")}</label>
                    <TreeSelect kind="region" id="f-prov" levels=REGION_LEVELS value=region names=Some(["prov", "city", "district"])
                        on_change=Callback::new(move |v: [Option<i64>; 3]| draft.update(|f| { f.province = v[0]; f.city = v[1]; f.district = v[2]; }))/>
                </div>
                <div class="filter-item filter-wide">
                    <label for="f-ind">{move || i18n.t("行业分类", "Industry")}</label>
                    <TreeSelect kind="industry" id="f-ind" levels=INDUSTRY_LEVELS value=industry names=Some(["ind1", "ind2", "ind3"])
                        on_change=Callback::new(move |v: [Option<i64>; 3]| draft.update(|f| { f.industry1 = v[0]; f.industry2 = v[1]; f.industry3 = v[2]; }))/>
                </div>
            })}
            {(whole && !pushes).then(|| view! {
                <SelectFilter label=("是否有邮箱", "Has e-mail") id="has_email" choices=enums::YES_NO value=bind_filter!(draft, has_email) errors=errors/>
                <SelectFilter label=("信息来源", "Source") id="reg_source" choices=enums::REGISTRATION_SOURCES value=bind_filter!(draft, reg_source) errors=errors/>
                <SelectFilter label=("是否有头像", "Has avatar") id="avatar" choices=enums::YES_NO value=bind_filter!(draft, avatar) errors=errors/>
            })}
            <div class="filter-buttons">
                <button type="submit" class="btn btn-primary">{move || i18n.t("查询", "Search")}</button>
                <button type="button" class="btn" on:click=reset>{move || i18n.t("重置", "Reset")}</button>
            </div>
        </FilterForm>
        <Transition fallback=|| view! { <div class="empty"><p>"…"</p></div> }>
            {move || rows.get().map(|r| match r {
                Err(AppError::Validation(_)) => view! { <div class="empty"><p>{move || i18n.t("请修正标红的查询条件", "Correct the marked filters")}</p></div> }.into_any(),
                Err(e) => view! { <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div> }.into_any(),
                Ok(p) => {
                    view! { <Results p=p pushes=pushes on_page=Callback::new(move |(n, per): (u64, u64)| go(InfoFilter { page: n, per_page: per, ..filter.get_untracked() }))/> }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn Head(m: MemberHead, pushes: bool) -> impl IntoView {
    let i18n = use_i18n();
    let count = |list: &[(String, u64)], choices: &'static [enums::Choice]| {
        list.iter()
            .map(|(code, n)| {
                let (zh, en) = label(choices, code);
                let n = *n;
                view! { <span class="badge badge-gray">{move || format!("{} {n}", i18n.t(zh, en))}</span> }
            })
            .collect_view()
    };
    let year = m.pushes_this_year;
    let (level_zh, level_en) = label(enums::LEVELS, &m.member_level);
    view! {
        <div class="card member-head">
            <div class="member-title">
                <h2><a href=format!("/customers/{}", m.id)>{m.company_name.clone()}</a></h2>
                <span class=format!("level level-{}", m.member_level)>{move || i18n.t(level_zh, level_en)}</span>
                <span class="muted">{m.org_name.clone()}</span>
            </div>
            {if pushes {
                view! {
                    <p class="push-counter" data-testid="push-counter">{move || match i18n.locale() {
                        crate::i18n::Locale::Zh => format!("本服务年度已推送 {year} 条 / 目标 50 条"),
                        crate::i18n::Locale::En => format!("{year} of 50 push e-mails sent this service year"),
                    }}</p>
                }.into_any()
            } else {
                view! { <div class="chips">{count(&m.by_type, enums::INFO_TYPES)}{count(&m.by_status, enums::INFO_STATUSES)}</div> }.into_any()
            }}
        </div>
    }
}

#[component]
fn Results(p: InfoPage, pushes: bool, on_page: Callback<(u64, u64)>) -> impl IntoView {
    let i18n = use_i18n();
    let InfoPage { page, summary, member } = p;
    let whole = member.is_none();
    view! {
        {member.map(|m| view! { <Head m=m pushes=pushes/> })}
        {summary.map(|s| {
            let rate = if s.emails == 0 { 0.0 } else { s.opened as f64 * 100.0 / s.emails as f64 };
            view! {
                <p class="summary-line" data-testid="push-summary">{move || match i18n.locale() {
                    crate::i18n::Locale::Zh => format!("推送邮件数 {} · 涉及会员数 {} · 打开率 {rate:.1}%", s.emails, s.members),
                    crate::i18n::Locale::En => format!("{} e-mails · {} members · {rate:.1}% opened", s.emails, s.members),
                }}</p>
            }
        })}
        <div class="table-wrap">
            {if page.items.is_empty() {
                view! { <div class="empty"><p>{move || i18n.t("没有符合条件的记录", "Nothing matches these filters")}</p></div> }.into_any()
            } else {
                view! {
                    <table class="data member-grid" data-testid=if pushes { "push-logs" } else { "published-info" }>
                        <thead><tr>
                            {whole.then(|| view! { <th>{move || i18n.t("企业名称", "Company")}</th> })}
                            {pushes.then(|| view! { <th>{move || i18n.t("注册邮箱", "E-mail")}</th> })}
                            <th>{move || i18n.t("信息名称", "Title")}</th>
                            <th>{move || i18n.t("状态", "Status")}</th>
                            <th>{move || i18n.t("信息类型", "Type")}</th>
                            <th>{move || i18n.t("行业分类", "Industry")}</th>
                            <th>{move || i18n.t("发布时间", "Published")}</th>
                            {(!pushes).then(|| view! { <th>{move || i18n.t("失效时间", "Expires")}</th> })}
                            {pushes.then(|| view! {
                                <th>{move || i18n.t("邮件发送时间", "Sent")}</th>
                                <th>{move || i18n.t("推送状态", "Delivery")}</th>
                                <th>{move || i18n.t("来源", "Source")}</th>
                            })}
                        </tr></thead>
                        <tbody>{page.items.into_iter().map(|r| view! { <Row r=r pushes=pushes whole=whole/> }).collect_view()}</tbody>
                    </table>
                    <Pager total=page.total page=page.page per_page=page.per_page counted_to=page.counted_to on_change=on_page/>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn Row(r: InfoRow, pushes: bool, whole: bool) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |list: &'static [enums::Choice], code: String| {
        move || {
            let (zh, en) = label(list, &code);
            i18n.t(zh, en)
        }
    };
    let member_link = if pushes {
        format!("/customers/{}/push-logs", r.customer_id)
    } else {
        format!("/customers/{}/published-info", r.customer_id)
    };
    view! {
        <tr>
            {whole.then(|| view! { <td class="sticky-col"><a href=member_link.clone()>{r.company_name.clone()}</a></td> })}
            {pushes.then(|| view! { <td><a href=member_link.clone()>{r.email.clone()}</a></td> })}
            <td>{if r.url.is_empty() {
                view! { <span>{r.title.clone()}</span> }.into_any()
            } else {
                view! { <a href=r.url.clone() target="_blank" rel="noopener">{r.title.clone()}</a> }.into_any()
            }}</td>
            <td>{t(enums::INFO_STATUSES, r.status.clone())}</td>
            <td>{t(enums::INFO_TYPES, r.info_type.clone())}</td>
            <td>{r.industry.clone()}</td>
            <td>{fmt_opt_time(&r.published_at)}</td>
            {(!pushes).then(|| view! { <td>{fmt_opt_time(&r.expires_at)}</td> })}
            {pushes.then(|| view! {
                <td>{fmt_opt_time(&r.sent_at)}</td>
                <td>{t(enums::PUSH_STATUSES, r.push_status.clone())}</td>
                <td>{r.source.to_uppercase()}</td>
            })}
        </tr>
    }
}
