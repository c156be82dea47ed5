//! 首页 (PG-02): who is signed in, the pages the role opens, and my last ten operations
//! (事务日志). Panels of later features join here.
use leptos::prelude::*;

use crate::admin::action_label;
use crate::admin::api::my_recent_operations;
use crate::auth::Perm;
use crate::auth::use_session_user;
use crate::i18n::use_i18n;
use crate::ui::fmt_time;

const QUICK: [(Perm, &str, &str, &str); 7] = [
    (Perm::IntakeMemberRequest, "/requests/new", "受理诉求", "Take a request"),
    (Perm::BizDeptInbox, "/dept/inbox", "部门待办", "Department inbox"),
    (Perm::AddAdmin, "/admin/accounts/new", "添加管理员", "Add account"),
    (Perm::AdminMgmt, "/admin/accounts", "管理员管理", "Accounts"),
    (Perm::RoleMgmt, "/admin/roles", "角色管理", "Roles"),
    (Perm::SystemOrgs, "/admin/orgs", "组织机构", "Organisations"),
    (Perm::SystemLogs, "/admin/logs", "系统日志", "Operation logs"),
];

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_session_user();
    let recent = Resource::new(|| (), |_| my_recent_operations());
    let quick: Vec<_> = QUICK.iter().filter(|q| user.has(q.0)).collect();
    let role = (user.role_name_zh.clone(), user.role_name_en.clone());
    view! {
        <div class="page-header">
            <h1>{move || i18n.t("工作台", "Workbench")}</h1>
        </div>
        <div class="card">
            <h2>{move || match i18n.locale() {
                crate::i18n::Locale::Zh => format!("您好,{}", user.name),
                crate::i18n::Locale::En => format!("Hello, {}", user.name),
            }}</h2>
            <dl class="desc">
                <dt>{move || i18n.t("管理员ID", "Login ID")}</dt><dd>{user.admin_id.clone()}</dd>
                <dt>{move || i18n.t("组织机构", "Organisation")}</dt><dd>{user.org_name.clone()}</dd>
                <dt>{move || i18n.t("角色类别", "Role")}</dt><dd>{move || i18n.pick(&role.0, &role.1)}</dd>
                <dt>{move || i18n.t("权限项", "Permissions")}</dt><dd>{user.permissions.len()}</dd>
            </dl>
            {(!quick.is_empty()).then(|| view! {
                <div class="page-actions quick">
                    {quick.into_iter().map(|q| view! { <a class="btn" href=q.1>{move || i18n.t(q.2, q.3)}</a> }).collect_view()}
                </div>
            })}
        </div>
        <crate::requests::todo::TodoPanel/>
        <div class="card">
            <h2>{move || i18n.t("我的最近操作", "My recent operations")}</h2>
            <Transition fallback=|| ()>
                {move || recent.get().map(|r| match r {
                    Ok(rows) if rows.is_empty() => view! { <p class="muted">{move || i18n.t("暂无操作记录", "Nothing yet")}</p> }.into_any(),
                    Ok(rows) => view! {
                        <table class="data">
                            <thead><tr>
                                <th>{move || i18n.t("时间", "Time")}</th>
                                <th>{move || i18n.t("模块", "Module")}</th>
                                <th>{move || i18n.t("操作", "Action")}</th>
                                <th>{move || i18n.t("对象", "Target")}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|l| {
                                    let (zh, en) = action_label(&l.action);
                                    view! {
                                        <tr>
                                            <td>{fmt_time(&l.at)}</td>
                                            <td>{move || i18n.pick(&l.module_zh, &l.module_en)}</td>
                                            <td>{move || i18n.t(zh, en)}</td>
                                            <td>{l.target}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="alert alert-error">{e.message(i18n.locale())}</p> }.into_any(),
                })}
            </Transition>
        </div>
    }
}
