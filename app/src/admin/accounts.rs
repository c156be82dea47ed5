//! 添加管理员 / 修改管理员 (PG-30) and 管理员管理 (PG-31).
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::{get_account, list_accounts, load_account_options, set_account_status};
use super::{AccountFilter, AccountFormOptions, AccountInput, AccountRow, AccountStatus, PermissionMode};
use crate::auth::Perm;
use crate::auth::use_session_user;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::list::{FilterButtons, FilterForm, ListState, ListTable};
use crate::ui::{ErrorBanner, PageHeader, confirm, fmt_opt_time, fmt_time};

const COLUMNS: &[(&str, &str)] = &[
    ("管理员ID", "Login ID"),
    ("管理员姓名", "Name"),
    ("E-mail", "E-mail"),
    ("所属角色", "Role category"),
    ("角色类别", "Role"),
    ("组织机构", "Organisation"),
    ("当前状态", "Status"),
    ("权限开通时间", "Opened"),
    ("最后登录时间", "Last login"),
    ("操作", "Actions"),
];

#[component]
pub fn AccountListPage() -> impl IntoView {
    let i18n = use_i18n();
    let me = use_session_user();
    let can_edit = me.has(Perm::AddAdmin);
    let can_grant = me.has(Perm::RoleMgmt);
    let list = ListState::<AccountFilter>::new(|_| {});
    let draft = list.draft;
    let rows = list.load(list_accounts);
    let options = Resource::new(|| (), |_| load_account_options());
    let error = RwSignal::new(None::<AppError>);
    let toggle = Action::new(move |(id, status): &(i64, String)| {
        let (id, status) = (*id, status.clone());
        async move { set_account_status(id, status).await }
    });
    Effect::new(move |_| {
        if let Some(r) = toggle.value().get() {
            match r {
                Ok(()) => {
                    error.set(None);
                    list.reload();
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });

    view! {
        <PageHeader title=("管理员管理", "Accounts")>
            {can_edit.then(|| view! { <a class="btn btn-primary" href="/admin/accounts/new">{move || i18n.t("新建", "New account")}</a> })}
        </PageHeader>
        <Transition fallback=|| ()>
            {move || options.get().map(|o| {
                let opts = o.unwrap_or(AccountFormOptions { roles: vec![], orgs: vec![] });
                view! {
                    <FilterForm list>
                        <div class="filter-item">
                            <label for="f-q">{move || i18n.t("管理员ID/姓名", "Login ID / name")}</label>
                            <input id="f-q" type="text" name="q"
                                value=move || draft.with(|f| f.admin_id.clone())
                                prop:value=move || draft.with(|f| f.admin_id.clone())
                                on:input=move |ev| draft.update(|f| f.admin_id = event_target_value(&ev))/>
                        </div>
                        <div class="filter-item">
                            <label for="f-org">{move || i18n.t("组织机构", "Organisation")}</label>
                            <select id="f-org" name="org" on:change=move |ev| draft.update(|f| f.org_id = event_target_value(&ev).parse().ok())>
                                <option value="">{move || i18n.t("全部", "All")}</option>
                                {opts.orgs.iter().cloned().map(|org| {
                                    let id = org.id;
                                    view! { <option value=id.to_string() selected=move || draft.with(|f| f.org_id == Some(id))>{org.name}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="filter-item">
                            <label for="f-role">{move || i18n.t("角色类别", "Role")}</label>
                            <select id="f-role" name="role" on:change=move |ev| draft.update(|f| f.role_id = event_target_value(&ev).parse().ok())>
                                <option value="">{move || i18n.t("全部", "All")}</option>
                                {opts.roles.iter().cloned().map(|r| {
                                    let id = r.id;
                                    view! { <option value=id.to_string() selected=move || draft.with(|f| f.role_id == Some(id))>{move || i18n.pick(&r.name_zh, &r.name_en)}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="filter-item">
                            <label for="f-status">{move || i18n.t("当前状态", "Status")}</label>
                            <select id="f-status" name="status" on:change=move |ev| draft.update(|f| f.status = event_target_value(&ev))>
                                <option value="">{move || i18n.t("全部", "All")}</option>
                                {AccountStatus::CHOICES.iter().map(|(code, zh, en)| view! {
                                    <option value=*code selected=move || draft.with(|f| f.status == *code)>{move || i18n.t(zh, en)}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <FilterButtons list/>
                    </FilterForm>
                }
            })}
        </Transition>
        <ErrorBanner error=error/>
        <ListTable rows columns=COLUMNS on_page=list.on_page()
            row=move |a: AccountRow| {
                let id = a.id;
                let cat = a.role_category.label();
                let active = AccountStatus::parse(&a.status) == Some(AccountStatus::Active);
                let admin_id = a.admin_id.clone();
                let is_me = id == me.account_id;
                view! {
                    <tr>
                        <td><a href=format!("/admin/accounts/{id}/logs")>{a.admin_id.clone()}</a></td>
                        <td>{a.name}</td>
                        <td>{a.email}</td>
                        <td>{move || i18n.t(cat.0, cat.1)}</td>
                        <td>{move || i18n.pick(&a.role_name_zh, &a.role_name_en)}</td>
                        <td>{a.org_name}</td>
                        <td>
                            {if active {
                                view! { <span class="badge badge-green">{move || i18n.t("激活", "Active")}</span> }.into_any()
                            } else {
                                view! { <span class="badge badge-red">{move || i18n.t("悬挂", "Suspended")}</span> }.into_any()
                            }}
                            {a.locked.then(|| view! { <span class="badge badge-gray">{move || i18n.t("已锁定", "Locked")}</span> })}
                        </td>
                        <td>{fmt_time(&a.opened_at)}</td>
                        <td>{fmt_opt_time(&a.last_login_at)}</td>
                        <td class="actions">
                            {can_edit.then(|| view! { <a href=format!("/admin/accounts/{id}/edit")>{move || i18n.t("修改", "Edit")}</a> })}
                            {(can_edit && !is_me).then(|| {
                                let admin_id = admin_id.clone();
                                view! {
                                    <button class="link" on:click=move |_| {
                                        let target = if active { AccountStatus::Suspended } else { AccountStatus::Active };
                                        let (status, zh) = (target.code(), target.zh());
                                        let msg = format!("确定要{zh}账号 {admin_id} 吗?{}", if active { "悬挂后该账号将立即被登出。" } else { "" });
                                        if confirm(&msg) {
                                            toggle.dispatch((id, status.to_string()));
                                        }
                                    }>
                                        {move || if active { i18n.t("悬挂", "Suspend") } else { i18n.t("激活", "Activate") }}
                                    </button>
                                }
                            })}
                            {(can_grant && !is_me).then(|| view! { <a href=format!("/admin/accounts/{id}/permissions")>{move || i18n.t("权限", "Permissions")}</a> })}
                            <a href=format!("/admin/accounts/{id}/logs")>{move || i18n.t("日志", "Logs")}</a>
                        </td>
                    </tr>
                }
            }
            empty=move || view! { <p>{move || i18n.t("没有符合条件的账号", "No accounts match these filters")}</p> }/>
    }
}

#[component]
pub fn AccountCreatePage() -> impl IntoView {
    let options = Resource::new(|| (), |_| load_account_options());
    view! {
        <PageHeader title=("添加管理员", "Add account")/>
        <Transition fallback=|| ()>
            {move || options.get().map(|o| match o {
                Ok(o) => view! { <super::account_form::AccountForm options=o initial=AccountInput::default() editing=None/> }.into_any(),
                Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
pub fn AccountEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or_default();
    // One server call per resource: the request context does not survive an `.await`.
    let options = Resource::new(|| (), |_| load_account_options());
    let account = Resource::new(id, get_account);
    let i18n = use_i18n();
    view! {
        <PageHeader title=("修改管理员", "Edit account")>
            <a class="btn" href="/admin/accounts">{move || i18n.t("返回列表", "Back to list")}</a>
        </PageHeader>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let d = match (options.await, account.await) {
                    (Ok(o), Ok(a)) => Ok((o, a)),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
                match d {
                Ok((o, a)) => view! {
                    <div class="card">
                        <dl class="desc">
                            <dt>{move || i18n.t("权限开通时间", "Opened")}</dt><dd>{fmt_time(&a.opened_at)}</dd>
                            <dt>{move || i18n.t("开通人", "Opened by")}</dt><dd>{a.opened_by.clone().unwrap_or_else(|| "—".into())}</dd>
                            <dt>{move || i18n.t("权限模式", "Permission mode")}</dt>
                            <dd>{let custom = PermissionMode::parse(&a.permission_mode) == Some(PermissionMode::Custom);
                                move || if custom { i18n.t("自定义", "Custom") } else { i18n.t("角色默认", "Role defaults") }}</dd>
                        </dl>
                    </div>
                    <super::account_form::AccountForm options=o initial=a.input editing=Some((a.id, a.version))/>
                }.into_any(),
                Err(e) => view! { <div class="alert alert-error">{e.message(i18n.locale())}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}
