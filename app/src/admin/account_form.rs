//! The 添加管理员 / 修改管理员 form (PG-30): role category, role and organisation selects that
//! only offer consistent combinations; the server checks them again.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use super::api::{CreateAccount, UpdateAccount};
use super::{AccountFormOptions, AccountInput, AccountStatus};
use crate::auth::RoleCategory;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::{ErrorBanner, Field, SuccessBanner, confirm, field_errors};

#[component]
pub fn AccountForm(options: AccountFormOptions, initial: AccountInput, editing: Option<(i64, i32)>) -> impl IntoView {
    let i18n = use_i18n();
    let form = RwSignal::new(initial);
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<String>);
    let create = ServerAction::<CreateAccount>::new();
    let update = ServerAction::<UpdateAccount>::new();
    let navigate = use_navigate();
    let options = StoredValue::new(options);
    let initial_role = form.with_untracked(|f| f.role_id);
    Effect::new(move |_| {
        if let Some(r) = create.value().get() {
            match r {
                Ok(_) => {
                    let id = form.with_untracked(|f| f.admin_id.clone());
                    done.set(Some(format!(
                        "账号 {id} 已开通,请将管理员ID和初始密码线下告知使用人。 / Account {id} created."
                    )));
                    error.set(None);
                    form.set(AccountInput::default());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(r) = update.value().get() {
            match r {
                Ok(()) => navigate("/admin/accounts", NavigateOptions::default()),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let input = form.get_untracked();
        if let Err(e) = input.validate(editing.is_none()) {
            error.set(Some(e));
            return;
        }
        error.set(None);
        match editing {
            None => {
                create.dispatch(CreateAccount { input });
            }
            Some((id, version)) => {
                if input.role_id == initial_role || confirm("更改角色类别将恢复该角色的默认权限,确定保存?")
                {
                    update.dispatch(UpdateAccount { id, version, input });
                }
            }
        }
    };
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));
    let pending = move || create.pending().get() || update.pending().get();
    let set_category = move |code: String| {
        let Some(cat) = RoleCategory::from_code(&code) else {
            return;
        };
        form.update(|f| {
            f.role_category = cat;
            let roles: Vec<i64> =
                options.with_value(|o| o.roles.iter().filter(|r| r.category == cat).map(|r| r.id).collect());
            if !f.role_id.is_some_and(|r| roles.contains(&r)) {
                f.role_id = (roles.len() == 1).then(|| roles[0]);
            }
            let fits =
                options.with_value(|o| o.orgs.iter().any(|org| Some(org.id) == f.organization_id && org.fits(cat)));
            if !fits {
                let orgs: Vec<i64> = options
                    .with_value(|o| o.orgs.iter().filter(|org| org.is_active && org.fits(cat)).map(|o| o.id).collect());
                f.organization_id = (orgs.len() == 1).then(|| orgs[0]);
            }
        });
    };
    // A new account takes the review flags of its role and department until the
    // administrator sets them by hand.
    let flags_touched = RwSignal::new(editing.is_some());
    Effect::new(move |_| {
        let (role, org) = form.with(|f| (f.role_id, f.organization_id));
        if flags_touched.get_untracked() {
            return;
        }
        let code = options.with_value(|o| o.roles.iter().find(|r| Some(r.id) == role).map(|r| r.code.clone()));
        let kind = options.with_value(|o| o.orgs.iter().find(|x| Some(x.id) == org).and_then(|x| x.department_kind));
        let (can_review, exempt) = super::review_defaults(code.as_deref().unwrap_or(""), kind);
        if form.with_untracked(|f| (f.can_review, f.review_exempt)) != (can_review, exempt) {
            form.update(|f| {
                f.can_review = can_review;
                f.review_exempt = exempt;
            });
        }
    });
    // Fills the dependent selects for the initial category.
    set_category(form.with_untracked(|f| f.role_category.code().to_string()));

    let (name_v, name_i) = bind_text!(form, name);
    let (email_v, email_i) = bind_text!(form, email);
    let (phone_v, phone_i) = bind_text!(form, phone);
    let (admin_v, admin_i) = bind_text!(form, admin_id);
    let (pw_v, pw_i) = bind_text!(form, password);
    let (pwc_v, pwc_i) = bind_text!(form, password_confirm);
    let pw_hint = if editing.is_some() {
        ("留空表示不修改;填写即重置密码,用户下次登录须修改", "Leave blank to keep; filling it resets the password")
    } else {
        ("8–64 位,须同时包含字母和数字", "8–64 characters with letters and digits")
    };

    view! {
        <div class="card">
            <ErrorBanner error=general/>
            <SuccessBanner message=done/>
            <form class="form" on:submit=on_submit novalidate>
                <Field label=("管理员ID", "Login ID") id="admin_id" required=true errors=errors>
                    <input id="admin_id" type="text" autocomplete="off" readonly=editing.is_some() prop:value=admin_v on:input=admin_i/>
                </Field>
                <Field label=("管理员姓名", "Name") id="name" required=true errors=errors>
                    <input id="name" type="text" prop:value=name_v on:input=name_i/>
                </Field>
                <Field label=("管理员密码", "Password") id="password" required=editing.is_none() errors=errors hint=pw_hint>
                    <input id="password" type="password" autocomplete="new-password" prop:value=pw_v on:input=pw_i/>
                </Field>
                <Field label=("确认密码", "Confirm password") id="password_confirm" required=editing.is_none() errors=errors>
                    <input id="password_confirm" type="password" autocomplete="new-password" prop:value=pwc_v on:input=pwc_i/>
                </Field>
                <Field label=("E-mail", "E-mail") id="email" required=true errors=errors>
                    <input id="email" type="email" prop:value=email_v on:input=email_i/>
                </Field>
                <Field label=("联系电话", "Phone") id="phone" errors=errors>
                    <input id="phone" type="tel" prop:value=phone_v on:input=phone_i/>
                </Field>
                <Field label=("当前状态", "Status") id="status" required=true errors=errors>
                    <select id="status" on:change=move |ev| form.update(|f| f.status = event_target_value(&ev))>
                        {AccountStatus::CHOICES.iter().map(|(code, zh, en)| view! {
                            <option value=*code selected=move || form.with(|f| f.status == *code)>{move || i18n.t(zh, en)}</option>
                        }).collect_view()}
                    </select>
                </Field>
                <Field label=("所属角色", "Role category") id="role_category" required=true errors=errors>
                    <select id="role_category" on:change=move |ev| set_category(event_target_value(&ev))>
                        {RoleCategory::ALL.into_iter().map(|c| {
                            let (zh, en) = c.label();
                            view! { <option value=c.code() selected=move || form.with(|f| f.role_category == c)>{move || i18n.t(zh, en)}</option> }
                        }).collect_view()}
                    </select>
                </Field>
                <Field label=("角色类别", "Role") id="role_id" required=true errors=errors>
                    <select id="role_id" on:change=move |ev| form.update(|f| f.role_id = event_target_value(&ev).parse().ok())>
                        <option value="">{move || i18n.t("请选择", "Choose…")}</option>
                        {move || {
                            let cat = form.with(|f| f.role_category);
                            options.with_value(|o| o.roles.iter().filter(|r| r.category == cat).cloned().collect::<Vec<_>>())
                                .into_iter()
                                .map(|r| {
                                    let id = r.id;
                                    view! { <option value=id.to_string() selected=move || form.with(|f| f.role_id == Some(id))>{move || i18n.pick(&r.name_zh, &r.name_en)}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </Field>
                <Field label=("组织机构", "Organisation") id="organization_id" required=true errors=errors>
                    <select id="organization_id" on:change=move |ev| form.update(|f| f.organization_id = event_target_value(&ev).parse().ok())>
                        <option value="">{move || i18n.t("请选择", "Choose…")}</option>
                        {move || {
                            let cat = form.with(|f| f.role_category);
                            options.with_value(|o| o.orgs.iter().filter(|org| org.is_active && org.fits(cat)).cloned().collect::<Vec<_>>())
                                .into_iter()
                                .map(|org| {
                                    let id = org.id;
                                    view! { <option value=id.to_string() selected=move || form.with(|f| f.organization_id == Some(id))>{org.name}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </Field>
                <div class="form-row">
                    <span></span>
                    <div class="form-control">
                        <label class="checkbox-row">
                            <input type="checkbox" prop:checked=move || form.with(|f| f.review_exempt)
                                on:change=move |ev| { flags_touched.set(true); form.update(|f| f.review_exempt = event_target_checked(&ev)) }/>
                            {move || i18n.t("免审核(录入的数据无需审核)", "Review-exempt")}
                        </label>
                        <label class="checkbox-row">
                            <input type="checkbox" prop:checked=move || form.with(|f| f.can_review)
                                on:change=move |ev| { flags_touched.set(true); form.update(|f| f.can_review = event_target_checked(&ev)) }/>
                            {move || i18n.t("有审核资格", "May approve entries")}
                        </label>
                        <label class="checkbox-row">
                            <input type="checkbox" prop:checked=move || form.with(|f| f.must_change_password)
                                on:change=move |ev| form.update(|f| f.must_change_password = event_target_checked(&ev))/>
                            {move || i18n.t("首次登录须修改密码", "Must change password at next login")}
                        </label>
                    </div>
                </div>
                <div class="form-buttons">
                    <button type="submit" class="btn btn-primary" disabled=pending>{move || i18n.t("保存", "Save")}</button>
                    <a class="btn" href="/admin/accounts">{move || i18n.t("返回", "Back")}</a>
                </div>
            </form>
        </div>
    }
}
