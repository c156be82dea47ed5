//! Server functions of the admin pages. Each checks the permission first, then calls the
//! service, which applies the user's scope and writes the audit log.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{
    AccountDetail, AccountFilter, AccountFormOptions, AccountInput, AccountPermissions, AccountRow, LogFilter, LogRow,
    LoginLogRow, OrgInput, OrgRow, PermNode, RegionRef, RoleInput, RoleRow,
};
use crate::error::AppError;
use crate::ui::Page;

#[cfg(feature = "ssr")]
use crate::{
    admin::service::{accounts, logs, orgs, roles},
    auth::{
        Perm,
        session::{Access, serve},
    },
};

#[server(endpoint = "admin/accounts/list", input = Json)]
pub async fn list_accounts(filter: AccountFilter) -> Result<Page<AccountRow>, AppError> {
    serve(Access::Any(&[Perm::AdminMgmt, Perm::AddAdmin]), |ctx, user| async move {
        accounts::list(&ctx.state.db, &user, filter).await
    })
    .await
}

#[server(endpoint = "admin/accounts/options", input = Json)]
pub async fn load_account_options() -> Result<AccountFormOptions, AppError> {
    serve(Access::Any(&[Perm::AddAdmin, Perm::AdminMgmt, Perm::RoleMgmt]), |ctx, _| async move {
        accounts::form_options(&ctx.state.db).await
    })
    .await
}

#[server(endpoint = "admin/accounts/get", input = Json)]
pub async fn get_account(id: i64) -> Result<AccountDetail, AppError> {
    serve(Access::Any(&[Perm::AdminMgmt, Perm::AddAdmin]), |ctx, user| async move {
        accounts::get(&ctx.state.db, &user, id).await
    })
    .await
}

#[server(endpoint = "admin/accounts/create", input = Json)]
pub async fn create_account(input: AccountInput) -> Result<i64, AppError> {
    serve(Perm::AddAdmin, |ctx, user| async move { accounts::create(&ctx.state, &user, input).await }).await
}

#[server(endpoint = "admin/accounts/update", input = Json)]
pub async fn update_account(id: i64, version: i32, input: AccountInput) -> Result<(), AppError> {
    serve(Perm::AddAdmin, |ctx, user| async move { accounts::update(&ctx.state, &user, id, version, input).await })
        .await
}

#[server(endpoint = "admin/accounts/status", input = Json)]
pub async fn set_account_status(id: i64, status: String) -> Result<(), AppError> {
    serve(Perm::AddAdmin, |ctx, user| async move { accounts::set_status(&ctx.state, &user, id, &status).await }).await
}

#[server(endpoint = "admin/permissions/tree", input = Json)]
pub async fn permission_tree() -> Result<Vec<PermNode>, AppError> {
    serve(Perm::RoleMgmt, |ctx, _| async move { roles::tree(&ctx.state.db).await }).await
}

#[server(endpoint = "admin/roles/list", input = Json)]
pub async fn list_roles() -> Result<Vec<RoleRow>, AppError> {
    serve(Perm::RoleMgmt, |ctx, _| async move { roles::list(&ctx.state.db).await }).await
}

#[server(endpoint = "admin/roles/save", input = Json)]
pub async fn save_role(input: RoleInput) -> Result<i64, AppError> {
    serve(Perm::RoleMgmt, |ctx, user| async move { roles::save(&ctx.state, &user, input).await }).await
}

#[server(endpoint = "admin/accounts/permissions", input = Json)]
pub async fn get_account_permissions(id: i64) -> Result<AccountPermissions, AppError> {
    serve(Perm::RoleMgmt, |ctx, user| async move { roles::account_permissions(&ctx.state.db, &user, id).await }).await
}

/// `permissions: None` restores the role defaults.
#[server(endpoint = "admin/accounts/permissions/save", input = Json)]
pub async fn save_account_permissions(
    id: i64,
    role_id: i64,
    version: i32,
    permissions: Option<Vec<String>>,
) -> Result<(), AppError> {
    serve(Perm::RoleMgmt, |ctx, user| async move {
        roles::save_account(&ctx.state, &user, id, role_id, version, permissions).await
    })
    .await
}

#[server(endpoint = "admin/orgs/list", input = Json)]
pub async fn list_orgs() -> Result<Vec<OrgRow>, AppError> {
    serve(Access::Any(&[Perm::SystemOrgs, Perm::AddAdmin, Perm::AdminMgmt]), |ctx, _| async move {
        orgs::list(&ctx.state.db).await
    })
    .await
}

#[server(endpoint = "admin/orgs/save", input = Json)]
pub async fn save_org(input: OrgInput) -> Result<i64, AppError> {
    serve(Perm::SystemOrgs, |ctx, user| async move { orgs::save(&ctx.state, &user, input).await }).await
}

#[server(endpoint = "admin/orgs/active", input = Json)]
pub async fn set_org_active(id: i64, active: bool) -> Result<(), AppError> {
    serve(Perm::SystemOrgs, |ctx, user| async move { orgs::set_active(&ctx.state, &user, id, active).await }).await
}

/// Children of a region (provinces for `None`): the cascading 省/市/区 selects.
#[server(endpoint = "dict/regions", input = Json)]
pub async fn list_regions(parent: Option<i64>) -> Result<Vec<RegionRef>, AppError> {
    serve(Access::Login, |ctx, _| async move { orgs::regions(&ctx.state.db, parent).await }).await
}

#[server(endpoint = "admin/logs/list", input = Json)]
pub async fn list_operation_logs(filter: LogFilter) -> Result<Page<LogRow>, AppError> {
    serve(Access::Any(&[Perm::SystemLogs, Perm::AdminMgmt]), |ctx, user| async move {
        logs::list(&ctx.state.db, &user, filter).await
    })
    .await
}

#[server(endpoint = "admin/logs/logins", input = Json)]
pub async fn list_login_logs(filter: LogFilter) -> Result<Page<LoginLogRow>, AppError> {
    serve(Access::Any(&[Perm::SystemLogs, Perm::AdminMgmt]), |ctx, _| async move {
        logs::list_logins(&ctx.state.db, filter).await
    })
    .await
}

#[server(endpoint = "me/operations", input = Json)]
pub async fn my_recent_operations() -> Result<Vec<LogRow>, AppError> {
    serve(Access::Login, |ctx, user| async move { logs::recent(&ctx.state.db, &user).await }).await
}
