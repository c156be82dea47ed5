//! 会员诉求受理 (PG-20), made for an agent on the phone: type part of the caller's company,
//! login, e-mail or phone, pick with ↑/↓ and Enter, and Section B shows the member with their
//! last service records and open requests; then type the request and save, complete or route
//! it — all without the mouse. The result is said and the form clears for the next call.
use leptos::prelude::*;

use super::api::{find_non_members, load_caller_panel, load_intake_options, take_request};
use super::caller_view::{CallerInfo, CallerSearch};
use super::{CallerHit, Channel, IntakeInput, IntakeOptions, IntakeOutcome, Priority, RequestAction, RequestType};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::kb::panel::{KbPanel, cite_into};
use crate::members::cascade::{REGION_LEVELS, TreeSelect};
use crate::members::enums::CustomerType;
use crate::ui::{ErrorBanner, Field, PageHeader, field_errors, focus_later};

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
    // Opened from a member's page (受理诉求): that member is the caller; from 回访录入
    // (转为诉求) also the callback the request comes from.
    let query_id = |name: &str| {
        leptos_router::hooks::use_query_map().with_untracked(|q| q.get(name).and_then(|v| v.parse::<i64>().ok()))
    };
    let from_callback = query_id("callback");
    let preset = query_id("customer");
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
                f.source_callback_id = from_callback;
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
                {move || form.with(|f| f.source_callback_id.is_some()).then(|| view! {
                    <p class="alert alert-info" role="status" data-testid="from-callback">
                        {move || i18n.t("由回访转为诉求:服务方式记为主动服务。", "Raised during a callback: recorded as proactive service.")}
                    </p>
                })}
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
                            <CallerSearch picked=picked errors=errors on_pick=move |id| form.update(|f| f.customer_id = id)/>
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
            <div class="intake-aside">
                <aside class="intake-side card" aria-label=move || i18n.t("会员资料", "Member")>
                    <h2>{move || i18n.t("会员资料", "Member")}</h2>
                    <CallerInfo picked=picked/>
                </aside>
                // 知识库: suggestions for what the member asks, 引用 into 处理结果.
                {crate::auth::use_session_user().has(crate::auth::Perm::Kb).then(|| view! {
                    <KbPanel suggest_from=Signal::derive(move || form.with(|f| f.content.clone()))
                        on_cite=Callback::new(move |text: String| form.update(|f| f.result = cite_into(&f.result, &text)))/>
                })}
            </div>
        </div>
    }
}
