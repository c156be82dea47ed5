//! The caller side of 会员诉求受理: the lookup (an ARIA combobox over what the agent types) and
//! Section B, the picked member with their last service records and open requests.
use leptos::prelude::*;

use super::api::{find_callers, load_caller_panel};
use super::{CallerHit, CallerPanel};
use crate::i18n::use_i18n;
use crate::members::enums;
use crate::ui::{ErrorBanner, fmt_time, focus_later};

/// The caller lookup: an ARIA combobox over what the agent types.
/// The member autocomplete (2+ characters, arrow keys + Enter). `field` is the input's id and
/// the error's key; `next` takes the focus once a member is picked; `on_pick` hears the pick
/// (`None`: 更换).
#[component]
pub fn CallerSearch(
    picked: RwSignal<Option<CallerHit>>,
    errors: Signal<crate::error::FieldErrors>,
    #[prop(into)] on_pick: Callback<Option<i64>>,
    #[prop(default = "caller")] field: &'static str,
    #[prop(default = "request_type")] next: &'static str,
    #[prop(default = ("查找会员", "Find the member"))] label: (&'static str, &'static str),
    #[prop(default = true)] required: bool,
    #[prop(default = ("没有找到匹配的客户;非会员来电请选择“非会员”", "No match; for a non-member choose “Non-member”"))]
    no_match: (&'static str, &'static str),
) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let active = RwSignal::new(0usize);
    let hits = Resource::new(
        move || typed.get(),
        |t| async move { if t.trim().chars().count() < 2 { Ok(vec![]) } else { find_callers(t).await } },
    );
    let list = move || hits.get().and_then(Result::ok).unwrap_or_default();
    let pick = move |h: CallerHit| {
        on_pick.run(Some(h.id));
        typed.set(String::new());
        open.set(false);
        picked.set(Some(h));
        focus_later(next);
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let n = list().len();
        match ev.key().as_str() {
            "ArrowDown" if n > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = (*a + 1) % n);
            }
            "ArrowUp" if n > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + n - 1) % n);
            }
            "Enter" => {
                ev.prevent_default();
                if let Some(h) = list().get(active.get_untracked()).cloned() {
                    pick(h);
                }
            }
            "Escape" => open.set(false),
            _ => {}
        }
    };
    let error = move || errors.with(|e| e.get(field).map(|t| t.get(i18n.locale()).to_string()));
    let list_id = format!("{field}-list");
    view! {
        <div class="form-row" class:has-error=move || error().is_some()>
            <label for=field>
                {required.then(|| view! { <span class="req" aria-hidden="true">"*"</span> })}
                {move || i18n.t(label.0, label.1)}
            </label>
            <div class="form-control combobox">
                {move || picked.get().map(|h| view! {
                    <div class="picked" data-testid="picked">
                        <strong>{h.company_name.clone()}</strong>" "
                        <span class="muted">{h.login_name.clone()}</span>" "
                        {h.foreign.then(|| view! { <span class="badge badge-gray">{move || i18n.t("其他机构会员", "Other office")}</span> })}
                        <button type="button" class="link" on:click=move |_| {
                            picked.set(None);
                            on_pick.run(None);
                            focus_later(field);
                        }>{move || i18n.t("更换", "Change")}</button>
                    </div>
                })}
                <input id=field type="search" role="combobox" autocomplete="off" autofocus=required
                    aria-autocomplete="list" aria-controls=list_id.clone()
                    aria-expanded=move || (open.get() && !list().is_empty()).to_string()
                    aria-activedescendant=move || (open.get() && !list().is_empty()).then(|| format!("{field}-{}", active.get()))
                    aria-describedby=format!("{field}-error")
                    placeholder=move || i18n.t("企业名称 / 注册邮箱 / 登录名 / 电话,至少 2 个字", "Company, e-mail, login or phone (2+ characters)")
                    prop:value=move || typed.get()
                    on:input=move |ev| {
                        typed.set(event_target_value(&ev));
                        active.set(0);
                        open.set(true);
                    }
                    on:keydown=on_key/>
                <Transition fallback=|| ()>
                    {move || {
                        let items = list();
                        (open.get() && !items.is_empty()).then(|| view! {
                            <ul id=list_id.clone() class="listbox" role="listbox" data-testid=format!("{field}-list")>
                                {items.into_iter().enumerate().map(|(i, h)| {
                                    let hit = h.clone();
                                    view! {
                                        <li id=format!("{field}-{i}") role="option" aria-selected=move || (active.get() == i).to_string()
                                            class:active=move || active.get() == i
                                            on:mousedown=move |ev| { ev.prevent_default(); pick(hit.clone()); }>
                                            <strong>{if h.company_name.is_empty() { h.contact_name.clone() } else { h.company_name.clone() }}</strong>
                                            <span class="muted">" "{h.login_name.clone()}</span>
                                            <span class="meta">
                                                {let l = enums::label(enums::LEVELS, &h.member_level); move || i18n.t(l.0, l.1)}
                                                " · "{h.org_name.clone()}
                                                {(!h.phone_mobile.is_empty()).then(|| format!(" · {}", h.phone_mobile))}
                                            </span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        })
                    }}
                </Transition>
                {move || (typed.with(|t| t.trim().chars().count() >= 2) && hits.get().is_some_and(|h| h.is_ok_and(|l| l.is_empty()))).then(|| view! {
                    <div class="hint">{move || i18n.t(no_match.0, no_match.1)}</div>
                })}
                <div class="field-error" id=format!("{field}-error") role="alert">{error}</div>
            </div>
        </div>
    }
}

/// Section B: the picked member, their last service records and open requests.
#[component]
pub fn CallerInfo(picked: RwSignal<Option<CallerHit>>) -> impl IntoView {
    let i18n = use_i18n();
    let panel = Resource::new(
        move || picked.get().map(|h| h.id),
        |id| async move {
            match id {
                Some(id) => load_caller_panel(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"…"</p> }>
            {move || panel.get().map(|p| match p {
                Ok(Some(p)) => view! { <MemberPanel p=p/> }.into_any(),
                Ok(None) => view! { <p class="muted">{move || i18n.t("选择会员后显示会员资料、最近服务记录和未完结诉求。", "Pick a member to see their record, recent services and open requests.")}</p> }.into_any(),
                Err(e) => view! { <ErrorBanner error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
            })}
        </Transition>
    }
}

/// A member as intake and 回访录入 show them: Section B, open requests, recent services.
#[component]
pub fn MemberPanel(p: CallerPanel) -> impl IntoView {
    let i18n = use_i18n();
    let info = p.info;
    let level = enums::label(enums::LEVELS, &info.member_level);
    let status = enums::label(enums::ENTERPRISE_STATUSES, &info.enterprise_status);
    let category = enums::label(enums::CATEGORIES, &info.enterprise_category);
    let expired = info.expired.map(|e| if e { ("已到期", "Expired") } else { ("未到期", "Not expired") });
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
    let open = p.open_requests;
    let records = p.records;
    view! {
        <div data-testid="caller-panel">
            {p.foreign.then(|| view! {
                <p class="alert alert-info" role="status">{move || i18n.t("该会员属于其他机构:只显示受理所需的资料,诉求将同时对两个机构可见。", "A member of another office: only what intake needs is shown; the request is visible to both offices.")}</p>
            })}
            {(!p.foreign).then(|| view! { <crate::members::churn_badge::ChurnBadge level=info.churn_risk.clone() company=info.company_name.clone()/> })}
            <dl class="desc">
                <dt>{move || i18n.t("企业名称", "Company")}</dt><dd>{info.company_name.clone()}</dd>
                <dt>{move || i18n.t("登录名", "Login")}</dt><dd>{info.login_name.clone()}</dd>
                <dt>{move || i18n.t("会员注册时间", "Registered")}</dt><dd>{info.registered_at.as_ref().map(fmt_time).unwrap_or_else(|| "—".into())}</dd>
                <dt>{move || i18n.t("服务开始时间", "Service start")}</dt><dd>{date(info.service_start)}</dd>
                <dt>{move || i18n.t("服务到期时间", "Service end")}</dt><dd>{date(info.service_end)}</dd>
                <dt>{move || i18n.t("服务是否到期", "Expired")}</dt><dd>{move || expired.map(|e| i18n.t(e.0, e.1)).unwrap_or("—")}</dd>
                <dt>{move || i18n.t("组织机构", "Organisation")}</dt><dd>{info.org_name.clone()}</dd>
                <dt>{move || i18n.t("所在区域", "Region")}</dt><dd>{info.region.clone()}</dd>
                <dt>{move || i18n.t("会员级别", "Level")}</dt><dd>{move || i18n.t(level.0, level.1)}</dd>
                <dt>{move || i18n.t("经营类别", "Business")}</dt><dd>{info.business_category.clone()}</dd>
                <dt>{move || i18n.t("企业状态", "Status")}</dt><dd>{move || i18n.t(status.0, status.1)}</dd>
                <dt>{move || i18n.t("企业类别", "Category")}</dt><dd>{move || i18n.t(category.0, category.1)}</dd>
                <dt>{move || i18n.t("是否设置推送", "Push")}</dt><dd>{move || if info.push_enabled { i18n.t("是", "Yes") } else { i18n.t("否", "No") }}</dd>
            </dl>
            {(!p.foreign).then(|| view! { <a class="link" href=format!("/customers/{}", info.id) target="_blank">{move || i18n.t("打开会员详情", "Open the member")}</a> })}
            <h3>{move || i18n.t("未完结诉求", "Open requests")}</h3>
            {if open.is_empty() {
                view! { <p class="muted">{move || i18n.t("无", "None")}</p> }.into_any()
            } else {
                view! {
                    <ul class="briefs" data-testid="open-requests">
                        {open.into_iter().map(|b| view! {
                            <li>
                                <a class="link" href=format!("/requests/{}", b.id)>{b.request_no.clone()}</a>" "
                                <span class=b.state.badge()>{move || b.state.label(i18n.locale())}</span>" "
                                <span class="muted">{b.content.clone()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h3>{move || i18n.t("最近服务记录", "Recent services")}</h3>
            {if records.is_empty() {
                view! { <p class="muted">{move || i18n.t("无", "None")}</p> }.into_any()
            } else {
                view! {
                    <ul class="briefs">
                        {records.into_iter().map(|r| {
                            let t = enums::label(enums::SERVICE_TYPES, &r.service_type);
                            view! {
                                <li>
                                    <span>{fmt_time(&r.service_at)}</span>" "
                                    <span class="badge badge-gray">{move || i18n.t(t.0, t.1)}</span>" "
                                    <span class="muted">{r.summary.chars().take(40).collect::<String>()}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
}
