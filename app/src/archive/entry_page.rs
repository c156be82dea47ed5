//! 录入客户信息 (PG-70 form): new entries and edits of drafts, rejected and approved entries.
//! Field errors show next to each field and nothing typed is lost; suspected duplicates are
//! shown in a dialog before anything is saved.
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use super::api::{SaveCustomerEntry, load_customer_entry, load_entry_options};
use super::{CustomerInput, DupMatch, EntryOptions, EntryOutcome, ReviewStatus, rule_label};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::members::cascade::{INDUSTRY_LEVELS, REGION_LEVELS, TreeSelect};
use crate::members::enums::{self, InfoSource};
use crate::ui::{ChoiceSelect, ErrorBanner, Field, Loaded, PageHeader, SuccessBanner, field_errors};

#[component]
pub fn EntryNewPage() -> impl IntoView {
    let options = Resource::new(|| (), |_| load_entry_options());
    view! {
        <PageHeader title=("录入客户信息", "New customer")>
            <a class="btn" href="/archive/customers">{move || use_i18n().t("返回档案列表", "Back to the list")}</a>
        </PageHeader>
        <Transition fallback=|| ()>
            {move || options.get().map(|o| match o {
                Ok(o) => {
                    let initial = CustomerInput {
                        organization_id: Some(o.default_org),
                        info_source: InfoSource::AdminEntered.code().into(),
                        ..Default::default()
                    };
                    view! { <EntryForm options=o initial=initial existing=None status=None comment=None/> }.into_any()
                }
                Err(e) => view! { <ErrorBanner error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
pub fn EntryEditPage() -> impl IntoView {
    let id = crate::ui::id_param();
    let data = Resource::new(id, |id| async move {
        let Some(id) = id else { return Err(AppError::NotFound) };
        Ok((load_entry_options().await?, load_customer_entry(id).await?))
    });
    view! {
        <PageHeader title=("修改客户信息", "Edit customer")>
            <a class="btn" href="/archive/customers">{move || use_i18n().t("返回档案列表", "Back to the list")}</a>
        </PageHeader>
        <Loaded data show=move |(o, r)| view! {
            <EntryForm options=o initial=r.input existing=Some((r.id, r.version)) status=Some(r.review_status) comment=r.review_comment/>
        }/>
    }
}

#[component]
fn EntryForm(
    options: EntryOptions,
    initial: CustomerInput,
    existing: Option<(i64, i32)>,
    status: Option<ReviewStatus>,
    comment: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let form = RwSignal::new(initial);
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<String>);
    let dups = RwSignal::new(None::<Vec<DupMatch>>);
    let save = ServerAction::<SaveCustomerEntry>::new();
    let exempt = options.exempt;
    let approved = status == Some(ReviewStatus::Approved);
    let needs_approver = !exempt && !approved;
    let last_submit = StoredValue::new(true);
    Effect::new(move |_| {
        let Some(r) = save.value().get() else { return };
        match r {
            Ok(EntryOutcome::Duplicates(list)) => {
                error.set(None);
                dups.set(Some(list));
            }
            Ok(EntryOutcome::Saved { id, status, approver }) => {
                error.set(None);
                dups.set(None);
                let msg = match (status, approver) {
                    (ReviewStatus::Pending, Some(a)) => format!("已提交,待 {a} 审核 / Submitted for review by {a}"),
                    (ReviewStatus::Approved, _) => "已发布 / Published".to_string(),
                    _ => "草稿已保存 / Draft saved".to_string(),
                };
                if existing.is_some() {
                    navigate(&format!("/archive/customers?saved={id}"), NavigateOptions::default());
                } else {
                    done.set(Some(format!("{msg}(客户编号 KH{id:08})")));
                    form.update(|f| {
                        *f = CustomerInput {
                            organization_id: f.organization_id,
                            info_source: f.info_source.clone(),
                            approver_id: f.approver_id,
                            ..Default::default()
                        }
                    });
                }
            }
            Err(e) => {
                // A missing reason is shown in the still open duplicates dialog.
                if e.field_errors().and_then(|f| f.get("duplicate_reason")).is_none() {
                    dups.set(None);
                }
                error.set(Some(e));
            }
        }
    });
    let send = move |submit: bool, acknowledge: bool| {
        done.set(None);
        let input = form.get_untracked();
        if let Err(e) = input.validate(submit, !needs_approver) {
            dups.set(None);
            error.set(Some(e));
            return;
        }
        if acknowledge && input.duplicate_reason.trim().is_empty() {
            error.set(Some(AppError::field("duplicate_reason", "请说明为什么仍然提交", "Say why you submit anyway")));
            return;
        }
        last_submit.set_value(submit);
        save.dispatch(SaveCustomerEntry { existing, input, submit, acknowledge });
    };
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));
    let pending = save.pending();
    let (company_v, company_i) = bind_text!(form, company_name);
    let (contact_v, contact_i) = bind_text!(form, contact_name);
    let (mobile_v, mobile_i) = bind_text!(form, phone_mobile);
    let (fixed_v, fixed_i) = bind_text!(form, phone_fixed);
    let (email_v, email_i) = bind_text!(form, registered_email);
    let (login_v, login_i) = bind_text!(form, login_name);
    let (address_v, address_i) = bind_text!(form, address);
    let (remarks_v, remarks_i) = bind_text!(form, remarks);
    let (reason_v, reason_i) = bind_text!(form, duplicate_reason);
    let orgs = StoredValue::new(options.orgs.clone());
    let approvers = StoredValue::new(options.approvers.clone());
    let status_badge = status.map(|s| (s.zh(), s.en(), s.badge()));

    view! {
        <div class="card entry-form">
            {status_badge.map(|(zh, en, class)| view! {
                <p>{move || i18n.t("当前状态:", "Status: ")}<span class=class>{move || i18n.t(zh, en)}</span></p>
            })}
            {comment.map(|c| view! { <div class="alert alert-error" role="status">{move || i18n.t("驳回原因:", "Rejected: ")}{c.clone()}</div> })}
            <ErrorBanner error=general/>
            <SuccessBanner message=done/>
            <form class="form form-2col" novalidate on:submit=move |ev| { ev.prevent_default(); send(true, false) }>
                <Field label=("客户类型", "Customer type") id="customer_type" errors=errors hint=("会员只从 CM 同步;此处录入的是非会员客户", "Members come from CM only; entries here are non-members")>
                    <input id="customer_type" type="text" readonly=true value=move || i18n.t("非会员", "Non-member")/>
                </Field>
                <Field label=("信息来源", "Source") id="info_source" required=true errors=errors>
                    <select id="info_source" on:change=move |ev| form.update(|f| f.info_source = event_target_value(&ev))>
                        {InfoSource::ALL.iter().copied().filter(|s| s.enterable()).map(|s| view! {
                            <option value=s.code() selected=move || form.with(|f| f.info_source == s.code())>{move || s.label(i18n.locale())}</option>
                        }).collect_view()}
                    </select>
                </Field>
                <Field label=("企业名称", "Company") id="company_name" required=true errors=errors hint=("企业名称与客户姓名至少填写一项", "A company or a customer name is needed")>
                    <input id="company_name" type="text" maxlength="200" prop:value=company_v on:input=company_i/>
                </Field>
                <Field label=("客户姓名", "Customer name") id="contact_name" errors=errors>
                    <input id="contact_name" type="text" maxlength="50" prop:value=contact_v on:input=contact_i/>
                </Field>
                <Field label=("手机", "Mobile") id="phone_mobile" errors=errors>
                    <input id="phone_mobile" type="tel" inputmode="numeric" prop:value=mobile_v on:input=mobile_i/>
                </Field>
                <Field label=("固定电话", "Landline") id="phone_fixed" errors=errors>
                    <input id="phone_fixed" type="tel" placeholder="020-12345678" prop:value=fixed_v on:input=fixed_i/>
                </Field>
                <Field label=("注册邮箱", "E-mail") id="registered_email" errors=errors>
                    <input id="registered_email" type="email" prop:value=email_v on:input=email_i/>
                </Field>
                <Field label=("登录名", "Login name") id="login_name" errors=errors hint=("平台登录名;填写后不能与已有客户重复,并用于与 CM 会员匹配", "Platform login; must be unique, used to match CM members")>
                    <input id="login_name" type="text" autocomplete="off" prop:value=login_v on:input=login_i/>
                </Field>
                <div class="form-row form-wide">
                    <label for="region">{move || i18n.t("区域", "Region")}</label>
                    <div class="form-control">
                        <TreeSelect kind="region" id="region" levels=REGION_LEVELS value=Signal::derive(move || form.with(|f| f.region))
                            on_change=Callback::new(move |v| form.update(|f| f.region = v))/>
                    </div>
                </div>
                <Field label=("地址", "Address") id="address" errors=errors>
                    <input id="address" type="text" maxlength="255" prop:value=address_v on:input=address_i/>
                </Field>
                <div class="form-row form-wide">
                    <label for="industry">{move || i18n.t("行业分类", "Industry")}</label>
                    <div class="form-control">
                        <TreeSelect kind="industry" id="industry" levels=INDUSTRY_LEVELS value=Signal::derive(move || form.with(|f| f.industry))
                            on_change=Callback::new(move |v| form.update(|f| f.industry = v))/>
                    </div>
                </div>
                <Field label=("企业类别", "Category") id="enterprise_category" errors=errors>
                    <ChoiceSelect id="enterprise_category" choices=enums::CATEGORIES form=true
                        value=Signal::derive(move || form.with(|f| f.enterprise_category.clone()))
                        on_change=Callback::new(move |v| form.update(|f| f.enterprise_category = v))/>
                </Field>
                <Field label=("组织机构", "Organisation") id="organization_id" required=true errors=errors>
                    <select id="organization_id" on:change=move |ev| form.update(|f| f.organization_id = event_target_value(&ev).parse().ok())>
                        {orgs.get_value().into_iter().map(|(id, name)| view! {
                            <option value=id.to_string() selected=move || form.with(|f| f.organization_id == Some(id))>{name}</option>
                        }).collect_view()}
                    </select>
                </Field>
                <Field label=("备注", "Remarks") id="remarks" errors=errors>
                    <textarea id="remarks" rows="3" maxlength="500" prop:value=remarks_v on:input=remarks_i></textarea>
                </Field>
                {needs_approver.then(|| view! {
                    <Field label=("审批人", "Approver") id="approver_id" required=true errors=errors hint=("提交后由审批人审核,审核通过才会出现在查询中", "Entries appear in queries once approved")>
                        <select id="approver_id" on:change=move |ev| form.update(|f| f.approver_id = event_target_value(&ev).parse().ok())>
                            <option value="">{move || i18n.t("请选择", "Select…")}</option>
                            {approvers.get_value().into_iter().map(|a| view! {
                                <option value=a.id.to_string() selected=move || form.with(|f| f.approver_id == Some(a.id))>{format!("{}({})", a.name, a.org)}</option>
                            }).collect_view()}
                        </select>
                    </Field>
                })}
                {(exempt && !approved).then(|| view! {
                    <p class="muted form-wide">{move || i18n.t("您的账号免审核:提交后直接发布。", "Your account is review-exempt: entries are published at once.")}</p>
                })}
                <div class="form-buttons form-wide">
                    {(!approved).then(|| view! {
                        <button type="button" class="btn" disabled=move || pending.get() on:click=move |_| send(false, false)>
                            {move || i18n.t("保存草稿", "Save draft")}
                        </button>
                    })}
                    <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                        {move || if approved { i18n.t("保存", "Save") } else { i18n.t("提交", "Submit") }}
                    </button>
                </div>
            </form>
        </div>
        {move || dups.get().map(|list| {
            let hard = list.iter().any(|d| d.hard);
            view! {
                <div class="dialog-backdrop">
                    <div class="dialog card" role="dialog" aria-modal="true" aria-labelledby="dup-title">
                        <h2 id="dup-title">{move || i18n.t("发现疑似重复数据", "Possible duplicates found")}</h2>
                        <p class="muted">{move || if hard {
                            i18n.t("登录名已被使用,不能保存;请修改登录名或查看已有记录。", "The login name is taken: change it or open the existing record.")
                        } else {
                            i18n.t("以下已有记录与本次录入相似。确认不是同一客户时,请说明理由后仍然提交。", "These records look like this entry. If it is a different customer, say why and submit anyway.")
                        }}</p>
                        <table class="data compact" data-testid="duplicates">
                            <thead><tr>
                                <th>{move || i18n.t("客户编号", "No.")}</th><th>{move || i18n.t("企业名称", "Company")}</th>
                                <th>{move || i18n.t("客户姓名", "Name")}</th><th>{move || i18n.t("相同之处", "Matches on")}</th><th></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|d| {
                                    let rules = d.rules.iter().map(|r| rule_label(r)).collect::<Vec<_>>();
                                    view! {
                                        <tr>
                                            <td>{d.customer_no.clone()}{d.is_member.then(|| view! { " " <span class="badge badge-blue">{move || i18n.t("会员", "Member")}</span> })}</td>
                                            {if d.visible {
                                                view! { <td>{d.company_name.clone()}</td><td>{d.contact_name.clone()}</td> }.into_any()
                                            } else {
                                                let owner = d.owner_org.clone();
                                                view! { <td colspan="2" class="muted" data-testid="dup-out-of-scope">{move || i18n.pick(
                                                    &format!("不在您的数据范围内,请联系 {owner}"),
                                                    &format!("Outside your data scope; ask {owner}"),
                                                )}</td> }.into_any()
                                            }}
                                            <td>{move || rules.iter().map(|r| i18n.t(r.0, r.1)).collect::<Vec<_>>().join("、")}</td>
                                            <td>{d.visible.then(|| view! {
                                                <a class="link" href=format!("/customers/{}", d.id) target="_blank">{move || i18n.t("查看已有记录", "Open")}</a>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        {(!hard).then(|| view! {
                            <Field label=("仍然提交的理由", "Reason") id="duplicate_reason" required=true errors=errors>
                                <textarea id="duplicate_reason" rows="2" maxlength="255" prop:value=reason_v on:input=reason_i></textarea>
                            </Field>
                        })}
                        <div class="form-buttons">
                            <button type="button" class="btn" on:click=move |_| dups.set(None)>{move || i18n.t("取消", "Cancel")}</button>
                            {(!hard).then(|| view! {
                                <button type="button" class="btn btn-primary" disabled=move || pending.get()
                                    on:click=move |_| send(last_submit.get_value(), true)>
                                    {move || i18n.t("仍然提交", "Submit anyway")}
                                </button>
                            })}
                        </div>
                    </div>
                </div>
            }
        })}
    }
}
