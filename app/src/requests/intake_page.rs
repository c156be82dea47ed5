//! 会员诉求受理 (PG-20), made for an agent on the phone: type part of the caller's company,
//! login, e-mail or phone, pick with ↑/↓ and Enter, and Section B shows the member with their
//! last service records and open requests; then type the request and save, complete or route
//! it — all without the mouse. The result is said and the form clears for the next call.
use leptos::prelude::*;

use super::api::{find_callers, find_non_members, load_caller_panel, load_intake_options, take_request};
use super::{
    CallerHit, CallerPanel, Channel, IntakeInput, IntakeOptions, IntakeOutcome, Priority, RequestAction, RequestType,
};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::members::cascade::{REGION_LEVELS, TreeSelect};
use crate::members::enums::{self, CustomerType};
use crate::ui::{ErrorBanner, Field, PageHeader, field_errors, fmt_time, focus_later};

#[component]
pub fn IntakePage() -> impl IntoView {
    let options = Resource::new(|| (), |_| load_intake_options());
    view! {
        <PageHeader title=("会员诉求受理", "Take a member request")>
            <a class="btn" href="/requests">{move || use_i18n().t("诉求列表", "Requests")}</a>
        </PageHeader>
        <Transition fallback=|| view! { <p class="muted">"…"</p> }>
            {move || options.get().map(|o| match o {
                Ok(o) => view! { <IntakeForm options=o/> }.into_any(),
                Err(e) => view! { <ErrorBanner error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn IntakeForm(options: IntakeOptions) -> impl IntoView {
    let i18n = use_i18n();
    let form = RwSignal::new(IntakeInput::default());
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<IntakeOutcome>);
    let picked = RwSignal::new(None::<CallerHit>);
    // Opened from a member's page (受理诉求): that member is the caller.
    let preset =
        leptos_router::hooks::use_query_map().with_untracked(|q| q.get("customer").and_then(|v| v.parse::<i64>().ok()));
    let preset = Resource::new(
        move || preset,
        |id| async move {
            match id {
                Some(id) => load_caller_panel(id).await.ok(),
                None => None,
            }
        },
    );
    Effect::new(move |_| {
        if let Some(Some(p)) = preset.get() {
            let i = &p.info;
            form.update(|f| {
                f.customer_type = CustomerType::parse(&i.customer_type).unwrap_or(CustomerType::Member);
                f.customer_id = Some(i.id);
            });
            picked.set(Some(CallerHit {
                id: i.id,
                customer_type: CustomerType::parse(&i.customer_type).unwrap_or(CustomerType::Member),
                company_name: i.company_name.clone(),
                contact_name: i.contact_name.clone(),
                login_name: i.login_name.clone(),
                registered_email: i.registered_email.clone(),
                phone_mobile: i.phone_mobile.clone(),
                member_level: i.member_level.clone(),
                org_name: i.org_name.clone(),
                foreign: p.foreign,
            }));
        }
    });
    let save = Action::new(|input: &IntakeInput| {
        let input = input.clone();
        async move { take_request(input).await }
    });
    let pending = save.pending();
    Effect::new(move |_| {
        let Some(r) = save.value().get() else { return };
        match r {
            Ok(outcome) => {
                error.set(None);
                done.set(Some(outcome));
                picked.set(None);
                form.update(|f| *f = IntakeInput { channel: f.channel, ..IntakeInput::default() });
                focus_later("caller");
            }
            Err(e) => {
                done.set(None);
                error.set(Some(e));
            }
        }
    });
    let send = move |action: RequestAction| {
        done.set(None);
        form.update(|f| f.action = action);
        let input = form.get_untracked();
        if let Err(e) = input.validate() {
            error.set(Some(e));
            return;
        }
        save.dispatch(input);
    };
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));
    let departments = StoredValue::new(options.departments.clone());
    let agents = StoredValue::new(options.agents.clone());
    let may_pick_agent = options.may_pick_agent;
    let me = options.me;
    let accepting = options.accepting_dept;
    let member = move || form.with(|f| f.customer_type == CustomerType::Member);
    let routed_name = move || {
        let org = form.with(|f| f.handling_org_id)?;
        departments.with_value(|d| d.iter().find(|x| x.org_id == Some(org)).map(|x| x.name.clone()))
    };
    let (content_v, content_i) = bind_text!(form, content);
    let (result_v, result_i) = bind_text!(form, result);
    let (name_v, name_i) = bind_text!(form, caller_name);
    let (mobile_v, mobile_i) = bind_text!(form, contact_mobile);
    let (phone_v, phone_i) = bind_text!(form, contact_phone);
    let (company_v, company_i) = bind_text!(form, company_name);

    // Non-members seen before with this phone or company (re-use offered, SM-1 T0).
    let probe = RwSignal::new((String::new(), String::new(), String::new()));
    let known = Resource::new(
        move || probe.get(),
        |(m, p, c)| async move {
            if m.trim().is_empty() && p.trim().is_empty() && c.trim().is_empty() {
                Ok(vec![])
            } else {
                find_non_members(m, p, c).await
            }
        },
    );
    let look_up_known = move |_| {
        form.with_untracked(|f| probe.set((f.contact_mobile.clone(), f.contact_phone.clone(), f.company_name.clone())))
    };

    view! {
        <div class="intake">
            <div class="intake-main card">
                {move || done.get().map(|o| {
                    let (zh, en) = o.message();
                    view! {
                        <div class="alert alert-success" role="status" data-testid="intake-done">
                            {move || i18n.pick(&zh, &en)}" "
                            <a class="link" href=format!("/requests/{}", o.id)>{move || i18n.t("查看", "Open")}</a>
                        </div>
                    }
                })}
                <ErrorBanner error=general/>
                <form class="form" novalidate on:submit=move |ev| {
                    ev.prevent_default();
                    let route = form.with_untracked(|f| f.handling_org_id.is_some());
                    send(if route { RequestAction::Route } else { RequestAction::Save });
                }>
                    <fieldset>
                        <legend>{move || i18n.t("客户信息", "Caller")}</legend>
                        <div class="form-row">
                            <span class="label" id="ctype-label">{move || i18n.t("客户类型", "Caller type")}</span>
                            <div class="form-control radios" role="radiogroup" aria-labelledby="ctype-label">
                                {CustomerType::ALL.iter().copied().map(|t| view! {
                                    <label class="check">
                                        <input type="radio" name="customer_type" value=t.code()
                                            checked=move || form.with(|f| f.customer_type == t)
                                            prop:checked=move || form.with(|f| f.customer_type == t)
                                            on:change=move |_| {
                                                picked.set(None);
                                                form.update(|f| { f.customer_type = t; f.customer_id = None; });
                                            }/>
                                        {move || t.label(i18n.locale())}
                                    </label>
                                }).collect_view()}
                            </div>
                        </div>
                        <Show when=member fallback=move || view! {
                            <Field label=("客户姓名", "Caller name") id="caller_name" required=true errors=errors>
                                <input id="caller_name" type="text" maxlength="50" prop:value=name_v on:input=name_i/>
                            </Field>
                            <Field label=("移动电话", "Mobile") id="contact_mobile" required=true errors=errors hint=("移动电话与固定电话至少填写一项", "A mobile or a fixed phone")>
                                <input id="contact_mobile" type="tel" inputmode="numeric" prop:value=mobile_v on:input=mobile_i on:blur=look_up_known/>
                            </Field>
                            <Field label=("固定电话", "Fixed phone") id="contact_phone" errors=errors>
                                <input id="contact_phone" type="tel" placeholder="020-12345678" prop:value=phone_v on:input=phone_i on:blur=look_up_known/>
                            </Field>
                            <Field label=("企业名称", "Company") id="company_name" errors=errors>
                                <input id="company_name" type="text" maxlength="200" prop:value=company_v on:input=company_i on:blur=look_up_known/>
                            </Field>
                            <Field label=("区域", "Region") id="region" required=true errors=errors>
                                <TreeSelect kind="region" id="region" levels=REGION_LEVELS value=Signal::derive(move || form.with(|f| f.region))
                                    on_change=Callback::new(move |v| form.update(|f| f.region = v))/>
                            </Field>
                            <Transition fallback=|| ()>
                                {move || known.get().and_then(Result::ok).filter(|k| !k.is_empty()).map(|list| view! {
                                    <div class="known" data-testid="known-callers">
                                        <p class="muted">{move || i18n.t("已有相同电话或企业的非会员客户:", "Non-members with this phone or company:")}</p>
                                        <ul>
                                            {list.into_iter().map(|h| {
                                                let id = h.id;
                                                let label = format!("{} {} {}", h.contact_name, h.phone_mobile, h.company_name);
                                                view! {
                                                    <li>
                                                        {label}" "
                                                        <button type="button" class="link" on:click=move |_| form.update(|f| f.customer_id = Some(id))>
                                                            {move || if form.with(|f| f.customer_id == Some(id)) { i18n.t("已选用", "In use") } else { i18n.t("使用此客户", "Use this caller") }}
                                                        </button>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    </div>
                                })}
                            </Transition>
                        }>
                            <CallerSearch form=form picked=picked errors=errors/>
                        </Show>
                    </fieldset>
                    <fieldset>
                        <legend>{move || i18n.t("诉求信息", "Request")}</legend>
                        <div class="form-2col">
                            <Field label=("受理渠道", "Channel") id="channel" required=true errors=errors>
                                <select id="channel" on:change=move |ev| form.update(|f| f.channel = Channel::parse(&event_target_value(&ev)))>
                                    {Channel::ALL.iter().copied().map(|c| view! {
                                        <option value=c.code() selected=move || form.with(|f| f.channel == Some(c))>{move || c.label(i18n.locale())}</option>
                                    }).collect_view()}
                                </select>
                            </Field>
                            <Field label=("受理部门", "Accepting dept.") id="accepting_dept" errors=errors>
                                <input id="accepting_dept" type="text" readonly=true value=move || accepting.label(i18n.locale())/>
                            </Field>
                            <Field label=("诉求类型", "Type") id="request_type" required=true errors=errors>
                                <select id="request_type" on:change=move |ev| form.update(|f| {
                                    f.request_type = RequestType::parse(&event_target_value(&ev));
                                    // A complaint is urgent business by default (SPEC PG-20).
                                    if f.request_type == Some(RequestType::Complaint) && f.priority == Priority::Normal {
                                        f.priority = Priority::High;
                                    }
                                })>
                                    <option value="" selected=move || form.with(|f| f.request_type.is_none())>{move || i18n.t("请选择", "Select…")}</option>
                                    {RequestType::ALL.iter().copied().map(|t| view! {
                                        <option value=t.code() selected=move || form.with(|f| f.request_type == Some(t))>{move || t.label(i18n.locale())}</option>
                                    }).collect_view()}
                                </select>
                            </Field>
                            <Field label=("优先级", "Priority") id="priority" required=true errors=errors>
                                <select id="priority" on:change=move |ev| form.update(|f| f.priority = Priority::parse(&event_target_value(&ev)).unwrap_or(Priority::Normal))>
                                    {Priority::ALL.iter().copied().map(|p| view! {
                                        <option value=p.code() selected=move || form.with(|f| f.priority == p)>{move || p.label(i18n.locale())}</option>
                                    }).collect_view()}
                                </select>
                            </Field>
                        </div>
                        <Field label=("诉求内容", "Request") id="content" required=true errors=errors>
                            <textarea id="content" rows="5" maxlength="4000" prop:value=content_v on:input=content_i></textarea>
                            <div class="counter">{move || form.with(|f| f.content.chars().count())}" / 4000"</div>
                        </Field>
                        <div class="form-2col">
                            <Field label=("处理部门", "Handled by") id="handling_org_id" required=true errors=errors>
                                <select id="handling_org_id" on:change=move |ev| form.update(|f| f.handling_org_id = event_target_value(&ev).parse().ok())>
                                    <option value="" selected=move || form.with(|f| f.handling_org_id.is_none())>{move || i18n.t("客服部(自行处理)", "CS department (handle myself)")}</option>
                                    {departments.get_value().into_iter().map(|d| {
                                        let org = d.org_id;
                                        view! { <option value=org.map(|o| o.to_string()).unwrap_or_default() selected=move || form.with(|f| f.handling_org_id == org)>{d.name.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            </Field>
                            <Field label=("客服人员", "Agent") id="agent_id" required=true errors=errors>
                                <select id="agent_id" disabled=!may_pick_agent on:change=move |ev| form.update(|f| f.agent_id = event_target_value(&ev).parse().ok())>
                                    {agents.get_value().into_iter().map(|(id, name)| view! {
                                        <option value=id.to_string() selected=move || form.with(|f| f.agent_id.unwrap_or(me) == id)>{name}</option>
                                    }).collect_view()}
                                </select>
                            </Field>
                        </div>
                        <Field label=("处理结果", "Result") id="result" errors=errors hint=("处理完成时必填:给会员的答复", "Required to complete: the reply given to the member")>
                            <textarea id="result" rows="3" maxlength="4000" prop:value=result_v on:input=result_i></textarea>
                        </Field>
                    </fieldset>
                    <div class="form-buttons">
                        <Show when=move || form.with(|f| f.handling_org_id.is_none()) fallback=move || view! {
                            <button type="submit" class="btn btn-primary" data-testid="route" disabled=move || pending.get()>
                                {move || match i18n.locale() {
                                    crate::i18n::Locale::Zh => format!("提交至{}", routed_name().unwrap_or_default()),
                                    crate::i18n::Locale::En => format!("Route to {}", routed_name().unwrap_or_default()),
                                }}
                            </button>
                        }>
                            <button type="submit" class="btn" data-testid="save" disabled=move || pending.get()>{move || i18n.t("保存", "Save")}</button>
                            <button type="button" class="btn btn-primary" data-testid="complete" disabled=move || pending.get()
                                on:click=move |_| send(RequestAction::Complete)>{move || i18n.t("处理完成", "Complete")}</button>
                        </Show>
                        <button type="button" class="btn" on:click=move |_| {
                            if crate::ui::confirm("清空本次录入的内容?") {
                                picked.set(None);
                                error.set(None);
                                form.set(IntakeInput::default());
                                focus_later("caller");
                            }
                        }>{move || i18n.t("重置", "Reset")}</button>
                    </div>
                </form>
            </div>
            <aside class="intake-side card" aria-label=move || i18n.t("会员资料", "Member")>
                <h2>{move || i18n.t("会员资料", "Member")}</h2>
                <CallerInfo picked=picked/>
            </aside>
        </div>
    }
}

/// The caller lookup: an ARIA combobox over what the agent types.
#[component]
fn CallerSearch(
    form: RwSignal<IntakeInput>,
    picked: RwSignal<Option<CallerHit>>,
    errors: Signal<crate::error::FieldErrors>,
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
        form.update(|f| f.customer_id = Some(h.id));
        typed.set(String::new());
        open.set(false);
        picked.set(Some(h));
        focus_later("request_type");
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
    let error = move || errors.with(|e| e.get("caller").map(|t| t.get(i18n.locale()).to_string()));
    view! {
        <div class="form-row" class:has-error=move || error().is_some()>
            <label for="caller"><span class="req" aria-hidden="true">"*"</span>{move || i18n.t("查找会员", "Find the member")}</label>
            <div class="form-control combobox">
                {move || picked.get().map(|h| view! {
                    <div class="picked" data-testid="picked">
                        <strong>{h.company_name.clone()}</strong>" "
                        <span class="muted">{h.login_name.clone()}</span>" "
                        {h.foreign.then(|| view! { <span class="badge badge-gray">{move || i18n.t("其他机构会员", "Other office")}</span> })}
                        <button type="button" class="link" on:click=move |_| {
                            picked.set(None);
                            form.update(|f| f.customer_id = None);
                            focus_later("caller");
                        }>{move || i18n.t("更换", "Change")}</button>
                    </div>
                })}
                <input id="caller" type="search" role="combobox" autocomplete="off" autofocus=true
                    aria-autocomplete="list" aria-controls="caller-list"
                    aria-expanded=move || (open.get() && !list().is_empty()).to_string()
                    aria-activedescendant=move || (open.get() && !list().is_empty()).then(|| format!("caller-{}", active.get()))
                    aria-describedby="caller-error"
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
                            <ul id="caller-list" class="listbox" role="listbox" data-testid="caller-list">
                                {items.into_iter().enumerate().map(|(i, h)| {
                                    let hit = h.clone();
                                    view! {
                                        <li id=format!("caller-{i}") role="option" aria-selected=move || (active.get() == i).to_string()
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
                    <div class="hint">{move || i18n.t("没有找到匹配的客户;非会员来电请选择“非会员”", "No match; for a non-member choose “Non-member”")}</div>
                })}
                <div class="field-error" id="caller-error" role="alert">{error}</div>
            </div>
        </div>
    }
}

/// Section B: the picked member, their last service records and open requests.
#[component]
fn CallerInfo(picked: RwSignal<Option<CallerHit>>) -> impl IntoView {
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
                Ok(Some(p)) => view! { <Panel p=p/> }.into_any(),
                Ok(None) => view! { <p class="muted">{move || i18n.t("选择会员后显示会员资料、最近服务记录和未完结诉求。", "Pick a member to see their record, recent services and open requests.")}</p> }.into_any(),
                Err(e) => view! { <ErrorBanner error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Panel(p: CallerPanel) -> impl IntoView {
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
