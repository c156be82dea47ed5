//! PG-11 会员详情 (the 360° view: basic info, contacts, service records, published info, push
//! e-mails, fulfilment, change history) and PG-12 服务记录详情.
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::Member360;
use super::api::{get_member_detail, get_service_record};
use crate::auth::{Perm, use_session_user};
use crate::i18n::use_i18n;
use crate::members::enums::{self, Choice, label};
use crate::members::{MemberDetail, MemberInfo, RecordView};
use crate::requests::RequestBrief;
use crate::ui::{PageHeader, fmt_opt_time, fmt_time};

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into())
}

/// A code shown as its label in the current language.
#[component]
fn Label(list: &'static [Choice], #[prop(into)] code: String) -> impl IntoView {
    let i18n = use_i18n();
    let (zh, en) = label(list, &code);
    move || i18n.t(zh, en)
}

fn param_id() -> impl Fn() -> i64 + Copy {
    let params = use_params_map();
    move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or_default()
}

const TABS: [(&str, &str, &str); 8] = [
    ("info", "基本信息", "Basic info"),
    ("records", "服务记录", "Service records"),
    ("requests", "诉求", "Requests"),
    ("contacts", "联系人", "Contacts"),
    ("published", "发布信息", "Published info"),
    ("pushes", "邮件与推送", "E-mails & pushes"),
    ("fulfilment", "履约", "Fulfilment"),
    ("history", "操作日志", "Change history"),
];

#[component]
pub fn MemberDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id();
    let detail = Resource::new(id, get_member_detail);
    view! {
        <PageHeader title=("会员详情", "Member detail")>
            {use_session_user().has(Perm::IntakeMemberRequest).then(|| view! {
                <a class="btn btn-primary" href=move || format!("/requests/new?customer={}", id())>{move || i18n.t("受理诉求", "Take a request")}</a>
            })}
            {use_session_user().has(Perm::IntakeCallback).then(|| view! {
                <a class="btn" href=move || format!("/callbacks/new?customer={}", id())>{move || i18n.t("回访", "Call back")}</a>
            })}
            {use_session_user().has(Perm::IntakeMemberEmail).then(|| {
                // 会员邮件服务 narrowed to this member (by its login, exactly), once it is known.
                let href = move || {
                    detail.with(|d| match d {
                        Some(Ok(m)) if !m.detail.info.login_name.is_empty() && !m.detail.info.registered_email.is_empty() => {
                            Some(format!("/emails/compose?login={}&exact=1", crate::url::urlencode(&m.detail.info.login_name)))
                        }
                        _ => None,
                    })
                };
                // (Read inside a Transition: a resource read outside one never resolves on the server.)
                view! {
                    <Transition fallback=|| ()>
                        {move || href().map(|h| view! { <a class="btn" href=h>{move || i18n.t("发送邮件", "E-mail")}</a> })}
                    </Transition>
                }
            })}
            <a class="btn" href="/query/member-services">{move || i18n.t("返回查询", "Back to query")}</a>
        </PageHeader>
        <Transition fallback=|| view! { <div class="empty"><p>"…"</p></div> }>
            {move || detail.get().map(|d| match d {
                Ok(Member360 { detail, requests }) => view! { <Detail d=detail requests=requests/> }.into_any(),
                Err(e) => view! { <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Detail(d: MemberDetail, requests: Vec<RequestBrief>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let tab = Memo::new(move |_| query.read().get("tab").unwrap_or_else(|| "info".into()));
    let info = d.info.clone();
    let id = info.id;
    let progress = info.fulfilment_progress.unwrap_or_default();
    view! {
        <div class="card member-head">
            <div class="member-title">
                <h2>{info.company_name.clone()}</h2>
                {(!info.member_level.is_empty()).then(|| view! {
                    <span class=format!("level level-{}", info.member_level)><Label list=enums::LEVELS code=info.member_level.clone()/></span>
                })}
                <span class="badge badge-gray"><Label list=enums::CUSTOMER_TYPES code=info.customer_type.clone()/></span>
                <crate::members::churn_badge::ChurnBadge level=info.churn_risk.clone() company=info.company_name.clone()/>
                {(!info.enterprise_status.is_empty()).then(|| view! {
                    <span class="badge badge-blue"><Label list=enums::ENTERPRISE_STATUSES code=info.enterprise_status.clone()/></span>
                })}
            </div>
            <dl class="desc desc-inline">
                <dt>{move || i18n.t("组织机构", "Organisation")}</dt><dd>{info.org_name.clone()}</dd>
                <dt>{move || i18n.t("服务期", "Service period")}</dt>
                <dd>
                    {if info.service_start.is_none() && info.service_end.is_none() { "—".to_string() } else { format!("{} – {}", date(info.service_start), date(info.service_end)) }}
                    {info.expired.map(|e| if e {
                        view! { <span class="badge badge-red">{move || i18n.t("已到期", "Expired")}</span> }.into_any()
                    } else {
                        view! { <span class="badge badge-green">{move || i18n.t("未到期", "Active")}</span> }.into_any()
                    })}
                </dd>
                <dt>{move || i18n.t("履约进度", "Fulfilment")}</dt>
                <dd>
                    {if info.fulfilment_status.is_empty() {
                        view! { <span class="muted">{move || i18n.t("不适用", "n/a")}</span> }.into_any()
                    } else {
                        view! {
                            <progress max="10000" value=progress.0.to_string()></progress>
                            " "<span data-testid="member-progress">{progress.to_string()}</span>" "<Label list=enums::FULFILMENT_STATUSES code=info.fulfilment_status.clone()/>
                        }.into_any()
                    }}
                </dd>
                <dt>{move || i18n.t("专属客服", "Dedicated agent")}</dt><dd>{if info.owner_agent.is_empty() { "—".to_string() } else { info.owner_agent.clone() }}</dd>
            </dl>
        </div>
        <div class="tabs" role="tablist">
            {TABS.iter().map(|(key, zh, en)| {
                let navigate = navigate.clone();
                let count = match *key {
                    "records" => Some(d.records_total),
                    "requests" => Some(requests.len() as u64),
                    "contacts" => Some(d.contacts.len() as u64),
                    "published" => Some(d.published_total),
                    "pushes" => Some(d.pushes_total),
                    _ => None,
                };
                view! {
                    <button class="tab" role="tab" class:active=move || tab.get() == *key aria-selected=move || (tab.get() == *key).to_string()
                        on:click=move |_| navigate(&format!("/customers/{id}?tab={key}"), NavigateOptions { scroll: false, ..Default::default() })>
                        {move || i18n.t(zh, en)}
                        {count.map(|n| view! { <span class="count">{n}</span> })}
                    </button>
                }
            }).collect_view()}
        </div>
        <div class="card tab-panel" role="tabpanel">
            {move || match tab.get().as_str() {
                "records" => view! { <Records records=d.records.clone() total=d.records_total/> }.into_any(),
                "requests" => view! { <Requests list=requests.clone()/> }.into_any(),
                "contacts" => view! { <Contacts d=d.clone()/> }.into_any(),
                "published" => view! { <Published d=d.clone()/> }.into_any(),
                "pushes" => view! { <Pushes d=d.clone()/> }.into_any(),
                "fulfilment" => view! { <Fulfilment info=d.info.clone()/> }.into_any(),
                "history" => view! { <History d=d.clone()/> }.into_any(),
                _ => view! { <BasicInfo info=d.info.clone()/> }.into_any(),
            }}
        </div>
    }
}

/// The member's requests (newest first), each linking to its detail.
#[component]
fn Requests(list: Vec<RequestBrief>) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="muted">{move || i18n.t("该会员暂无诉求", "No requests yet")}</p> }.into_any();
    }
    view! {
        <table class="data" data-testid="member-requests">
            <thead><tr>
                <th>{move || i18n.t("诉求编号", "No.")}</th>
                <th>{move || i18n.t("诉求受理时间", "Taken")}</th>
                <th>{move || i18n.t("诉求类型", "Type")}</th>
                <th>{move || i18n.t("处理部门", "Handled by")}</th>
                <th>{move || i18n.t("流程状态", "State")}</th>
                <th>{move || i18n.t("诉求内容", "Request")}</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|b| view! {
                    <tr>
                        <td><a class="link" href=format!("/requests/{}", b.id)>{b.request_no.clone()}</a></td>
                        <td>{fmt_time(&b.accepted_at)}</td>
                        <td>{move || b.request_type.label(i18n.locale())}</td>
                        <td>{move || b.handling_dept.label(i18n.locale())}</td>
                        <td><span class=b.state.badge()>{move || b.state.label(i18n.locale())}</span></td>
                        <td class="clip">{b.content.clone()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn BasicInfo(info: MemberInfo) -> impl IntoView {
    let i18n = use_i18n();
    let yes_no = move |b: bool| if b { i18n.t("是", "Yes") } else { i18n.t("否", "No") };
    let dash = |s: String| if s.is_empty() { "—".to_string() } else { s };
    let rows: Vec<((&str, &str), AnyView)> = vec![
        (("企业名称", "Company"), info.company_name.clone().into_any()),
        (("客户编号", "Customer no."), info.customer_no.clone().into_any()),
        (("登录名", "Login name"), dash(info.login_name.clone()).into_any()),
        (("注册邮箱", "E-mail"), dash(info.registered_email.clone()).into_any()),
        (("固定电话", "Landline"), dash(info.phone_fixed.clone()).into_any()),
        (("手机", "Mobile"), dash(info.phone_mobile.clone()).into_any()),
        (("客户姓名/联系人", "Contact"), dash(info.contact_name.clone()).into_any()),
        (("区域", "Region"), dash(info.region.clone()).into_any()),
        (("地址", "Address"), dash(info.address.clone()).into_any()),
        (("行业分类", "Industry"), dash(info.industry.clone()).into_any()),
        (
            ("企业状态", "Status"),
            view! { <Label list=enums::ENTERPRISE_STATUSES code=info.enterprise_status.clone()/> }.into_any(),
        ),
        (
            ("企业类别", "Category"),
            view! { <Label list=enums::CATEGORIES code=info.enterprise_category.clone()/> }.into_any(),
        ),
        (("会员级别", "Level"), view! { <Label list=enums::LEVELS code=info.member_level.clone()/> }.into_any()),
        (("经营类别", "Business"), dash(info.business_category.clone()).into_any()),
        (("平台注册时间", "Registered"), fmt_opt_time(&info.registered_at).into_any()),
        (("服务开始时间", "Service start"), date(info.service_start).into_any()),
        (("服务到期时间", "Service end"), date(info.service_end).into_any()),
        (("是否设置推送", "Push set"), yes_no(info.push_enabled).into_any()),
        (
            ("信息来源", "Info source"),
            view! { <Label list=enums::INFO_SOURCES code=info.info_source.clone()/> }.into_any(),
        ),
        (
            ("注册来源", "Registration"),
            view! { <Label list=enums::REGISTRATION_SOURCES code=info.registration_source.clone()/> }.into_any(),
        ),
        (("是否有邮箱", "Has e-mail"), yes_no(!info.registered_email.is_empty()).into_any()),
        (("是否有头像", "Has avatar"), yes_no(info.has_avatar).into_any()),
        (("会员积分", "Points"), info.points.map(|p| p.to_string()).unwrap_or_else(|| "—".into()).into_any()),
        (("录入人", "Entered by"), dash(info.entrant.clone()).into_any()),
        (("录入时间", "Entered at"), fmt_time(&info.created_at).into_any()),
        (("CM同步时间", "CM synced"), fmt_opt_time(&info.cm_synced_at).into_any()),
        (("备注", "Remarks"), dash(info.remarks.clone()).into_any()),
    ];
    view! {
        {info.cm_member_id.is_some().then(|| view! {
            <p class="muted">{move || i18n.t("以下企业资料来自 CM 系统后台,只读;每次同步时更新。", "Company data from the CM back-end: read-only, refreshed by every sync.")}</p>
        })}
        <dl class="desc desc-2">
            {rows.into_iter().map(|((zh, en), v)| view! { <dt>{move || i18n.t(zh, en)}</dt><dd>{v}</dd> }).collect_view()}
        </dl>
    }
}

#[component]
fn Records(records: Vec<RecordView>, total: u64) -> impl IntoView {
    let i18n = use_i18n();
    if records.is_empty() {
        return view! { <div class="empty"><p>{move || i18n.t("该会员还没有服务记录", "No service records yet")}</p></div> }.into_any();
    }
    let shown = records.len() as u64;
    view! {
        <table class="data" data-testid="member-records">
            <thead><tr>
                <th>{move || i18n.t("服务时间", "Time")}</th>
                <th>{move || i18n.t("服务类型", "Type")}</th>
                <th>{move || i18n.t("服务方式", "Mode")}</th>
                <th>{move || i18n.t("服务部门", "Dept")}</th>
                <th>{move || i18n.t("客服", "Agent")}</th>
                <th>{move || i18n.t("服务结果", "Result")}</th>
                <th>{move || i18n.t("摘要", "Summary")}</th>
                <th>{move || i18n.t("质检结果", "QA")}</th>
            </tr></thead>
            <tbody>
                {records.into_iter().map(|r| view! {
                    <tr>
                        <td><a href=format!("/service-records/{}", r.id)>{fmt_time(&r.service_at)}</a></td>
                        <td><Label list=enums::SERVICE_TYPES code=r.service_type/></td>
                        <td><Label list=enums::SERVICE_MODES code=r.service_mode/></td>
                        <td><Label list=enums::SERVICE_DEPTS code=r.service_dept/></td>
                        <td>{format!("{} · {}", r.agent, r.org_name)}</td>
                        <td><Label list=enums::SERVICE_RESULTS code=r.result/></td>
                        <td>{r.summary}</td>
                        <td><Label list=enums::QA_RESULTS code=r.qa_result/></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {(total > shown).then(|| view! {
            <p class="muted">{move || match i18n.locale() {
                crate::i18n::Locale::Zh => format!("显示最近 {shown} 条,共 {total} 条;全部记录请在“会员资料及服务查询”中按企业名称查询。"),
                crate::i18n::Locale::En => format!("Latest {shown} of {total}; search the member in the service query for all."),
            }}</p>
        })}
    }
    .into_any()
}

#[component]
fn Contacts(d: MemberDetail) -> impl IntoView {
    let i18n = use_i18n();
    if d.contacts.is_empty() {
        return view! { <div class="empty"><p>{move || i18n.t("没有联系人", "No contacts")}</p></div> }.into_any();
    }
    view! {
        <table class="data">
            <thead><tr>
                <th>{move || i18n.t("姓名", "Name")}</th><th>{move || i18n.t("职务", "Position")}</th>
                <th>{move || i18n.t("手机", "Mobile")}</th><th>{move || i18n.t("电话", "Phone")}</th>
                <th>"E-mail"</th><th></th>
            </tr></thead>
            <tbody>
                {d.contacts.into_iter().map(|c| view! {
                    <tr>
                        <td>{c.name}{match c.gender.as_str() { "male" => " 先生", "female" => " 女士", _ => "" }}</td>
                        <td>{c.position}</td><td>{c.mobile}</td><td>{c.phone}</td><td>{c.email}</td>
                        <td>{c.is_primary.then(|| view! { <span class="badge badge-blue">{move || i18n.t("主联系人", "Primary")}</span> })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn Published(d: MemberDetail) -> impl IntoView {
    let i18n = use_i18n();
    if d.published.is_empty() {
        return view! { <div class="empty"><p>{move || i18n.t("该会员没有发布信息", "Nothing published")}</p></div> }
            .into_any();
    }
    let (shown, total) = (d.published.len(), d.published_total);
    view! {
        <table class="data">
            <thead><tr>
                <th>{move || i18n.t("信息名称", "Title")}</th><th>{move || i18n.t("信息类型", "Type")}</th>
                <th>{move || i18n.t("状态", "Status")}</th><th>{move || i18n.t("行业分类", "Industry")}</th>
                <th>{move || i18n.t("发布时间", "Published")}</th><th>{move || i18n.t("失效时间", "Expires")}</th>
            </tr></thead>
            <tbody>
                {d.published.into_iter().map(|p| view! {
                    <tr>
                        <td>{p.title}</td>
                        <td><Label list=enums::INFO_TYPES code=p.info_type/></td>
                        <td><Label list=enums::INFO_STATUSES code=p.status/></td>
                        <td>{p.industry}</td><td>{fmt_time(&p.published_at)}</td><td>{fmt_opt_time(&p.expires_at)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <p class="muted">{move || match i18n.locale() {
            crate::i18n::Locale::Zh => format!("最近 {shown} 条,共 {total} 条"),
            crate::i18n::Locale::En => format!("Latest {shown} of {total}"),
        }}</p>
    }
    .into_any()
}

#[component]
fn Pushes(d: MemberDetail) -> impl IntoView {
    let i18n = use_i18n();
    let n = d.pushes_this_year;
    view! {
        <p class="push-counter" data-testid="push-counter">{move || match i18n.locale() {
            crate::i18n::Locale::Zh => format!("本服务年度已推送 {n} 条 / 目标 50 条"),
            crate::i18n::Locale::En => format!("{n} of 50 push e-mails sent this service year"),
        }}</p>
        {if d.pushes.is_empty() {
            view! { <div class="empty"><p>{move || i18n.t("没有推送邮件", "No push e-mails")}</p></div> }.into_any()
        } else {
            view! {
                <table class="data">
                    <thead><tr>
                        <th>{move || i18n.t("邮件发送时间", "Sent")}</th><th>{move || i18n.t("收件地址", "To")}</th>
                        <th>{move || i18n.t("信息名称", "Title")}</th><th>{move || i18n.t("信息类型", "Type")}</th>
                        <th>{move || i18n.t("推送状态", "Delivery")}</th><th>{move || i18n.t("来源", "Source")}</th>
                    </tr></thead>
                    <tbody>
                        {d.pushes.into_iter().map(|p| view! {
                            <tr>
                                <td>{fmt_time(&p.sent_at)}</td><td>{p.email}</td><td>{p.title}</td>
                                <td><Label list=enums::INFO_TYPES code=p.info_type/></td>
                                <td><Label list=enums::PUSH_STATUSES code=p.push_status/></td>
                                <td>{p.source.to_uppercase()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

#[component]
fn Fulfilment(info: MemberInfo) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {if info.fulfilment_status.is_empty() {
            view! { <p class="muted">{move || i18n.t("免费会员和非会员没有履约项目。", "Free members and non-members have no fulfilment items.")}</p> }.into_any()
        } else {
            let p = info.fulfilment_progress.unwrap_or_default();
            view! {
                <p><Label list=enums::FULFILMENT_STATUSES code=info.fulfilment_status.clone()/>" · "{p.to_string()}</p>
                <progress class="wide" max="10000" value=p.0.to_string()></progress>
                <p class="muted">{move || i18n.t("当前服务年度的履约进度;各项目的完成情况见履约跟踪。", "Progress of the current service year; the items are on the tracking page.")}</p>
                <p><a class="btn" href=format!("/fulfilment/members/{}", info.id) data-testid="open-tracking">{move || i18n.t("履约跟踪", "Track fulfilment")}</a></p>
            }.into_any()
        }}
    }
}

#[component]
fn History(d: MemberDetail) -> impl IntoView {
    let i18n = use_i18n();
    if d.history.is_empty() {
        return view! { <div class="empty"><p>{move || i18n.t("没有变更记录", "No changes recorded")}</p></div> }
            .into_any();
    }
    view! {
        <table class="data">
            <thead><tr>
                <th>{move || i18n.t("时间", "Time")}</th><th>{move || i18n.t("管理员", "Account")}</th>
                <th>{move || i18n.t("操作类型", "Action")}</th><th>{move || i18n.t("详情", "Detail")}</th>
            </tr></thead>
            <tbody>
                {d.history.into_iter().map(|l| {
                    let (zh, en) = crate::admin::action_label(&l.action);
                    view! {
                        <tr>
                            <td>{fmt_time(&l.at)}</td><td>{l.account_name}</td><td>{move || i18n.t(zh, en)}</td>
                            <td>{l.detail.map(|d| view! { <details><summary>{move || i18n.t("查看", "Show")}</summary><pre>{d}</pre></details> })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// PG-12: one service record.
#[component]
pub fn ServiceRecordPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id();
    let record = Resource::new(id, get_service_record);
    view! {
        <PageHeader title=("服务记录详情", "Service record")/>
        <Transition fallback=|| ()>
            {move || record.get().map(|r| match r {
                Ok(d) => {
                    let r = d.record;
                    view! {
                        <div class="card">
                            <dl class="desc desc-2">
                                <dt>{move || i18n.t("企业名称", "Company")}</dt>
                                <dd><a href=format!("/customers/{}", d.customer_id)>{d.company_name}</a></dd>
                                <dt>{move || i18n.t("会员级别", "Level")}</dt><dd><Label list=enums::LEVELS code=d.member_level/></dd>
                                <dt>{move || i18n.t("服务类型", "Type")}</dt><dd><Label list=enums::SERVICE_TYPES code=r.service_type/></dd>
                                <dt>{move || i18n.t("服务方式", "Mode")}</dt><dd><Label list=enums::SERVICE_MODES code=r.service_mode/></dd>
                                <dt>{move || i18n.t("服务部门", "Dept")}</dt><dd><Label list=enums::SERVICE_DEPTS code=r.service_dept/></dd>
                                <dt>{move || i18n.t("组织机构", "Organisation")}</dt><dd>{r.org_name}</dd>
                                <dt>{move || i18n.t("客服", "Agent")}</dt><dd>{r.agent}</dd>
                                <dt>{move || i18n.t("服务时间", "Time")}</dt><dd>{fmt_time(&r.service_at)}</dd>
                                <dt>{move || i18n.t("服务结果", "Result")}</dt><dd><Label list=enums::SERVICE_RESULTS code=r.result/></dd>
                                <dt>{move || i18n.t("是否质检", "QA")}</dt><dd><Label list=enums::QA_STATUSES code=d.qa_status/></dd>
                                <dt>{move || i18n.t("质检结果", "QA result")}</dt><dd><Label list=enums::QA_RESULTS code=r.qa_result/></dd>
                            </dl>
                            <h3>{move || i18n.t("服务内容", "Content")}</h3>
                            <p class="content">{r.summary}</p>
                            {(d.source_kind == enums::SourceKind::Legacy).then(|| view! {
                                <p class="muted">{move || i18n.t("此记录迁移自原系统,只保留了摘要。", "Carried over from the previous system; only its summary was kept.")}</p>
                            })}
                        </div>
                    }.into_any()
                }
                Err(e) => view! { <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div> }.into_any(),
            })}
        </Transition>
    }
}
