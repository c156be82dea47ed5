//! Server functions of the admin pages. Each checks the permission first, then calls the
//! service, which applies the user's scope and writes the audit log.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{
    AccountDetail, AccountFilter, AccountFormOptions, AccountInput, AccountPermissions, AccountRow,
    LogFilter, LogRow, LoginLogRow, OrgInput, OrgRow, PermNode, RegionRef, RoleInput, RoleRow,
};
use crate::error::AppError;
use crate::ui::Page;

#[cfg(feature = "ssr")]
use crate::{
    admin::service::{accounts, logs, orgs, roles},
    auth::Perm,
    auth::session::{require, require_any, require_login},
    state::app_state,
};

#[server(endpoint = "admin/accounts/list", input = Json)]
pub async fn list_accounts(filter: AccountFilter) -> Result<Page<AccountRow>, AppError> {
    let user = require_any(&[Perm::AdminMgmt, Perm::AddAdmin]).await?;
    accounts::list(&app_state()?.db, &user, filter).await
}

#[server(endpoint = "admin/accounts/options", input = Json)]
pub async fn load_account_options() -> Result<AccountFormOptions, AppError> {
    require_any(&[Perm::AddAdmin, Perm::AdminMgmt, Perm::RoleMgmt]).await?;
    accounts::form_options(&app_state()?.db).await
}

#[server(endpoint = "admin/accounts/get", input = Json)]
pub async fn get_account(id: i64) -> Result<AccountDetail, AppError> {
    let user = require_any(&[Perm::AdminMgmt, Perm::AddAdmin]).await?;
    accounts::get(&app_state()?.db, &user, id).await
}

#[server(endpoint = "admin/accounts/create", input = Json)]
pub async fn create_account(input: AccountInput) -> Result<i64, AppError> {
    let user = require(Perm::AddAdmin).await?;
    accounts::create(&app_state()?, &user, input).await
}

#[server(endpoint = "admin/accounts/update", input = Json)]
pub async fn update_account(id: i64, version: i32, input: AccountInput) -> Result<(), AppError> {
    let user = require(Perm::AddAdmin).await?;
    accounts::update(&app_state()?, &user, id, version, input).await
}

#[server(endpoint = "admin/accounts/status", input = Json)]
pub async fn set_account_status(id: i64, status: String) -> Result<(), AppError> {
    let user = require(Perm::AddAdmin).await?;
    accounts::set_status(&app_state()?, &user, id, &status).await
}

#[server(endpoint = "admin/permissions/tree", input = Json)]
pub async fn permission_tree() -> Result<Vec<PermNode>, AppError> {
    require(Perm::RoleMgmt).await?;
    roles::tree(&app_state()?.db).await
}

#[server(endpoint = "admin/roles/list", input = Json)]
pub async fn list_roles() -> Result<Vec<RoleRow>, AppError> {
    require(Perm::RoleMgmt).await?;
    roles::list(&app_state()?.db).await
}

#[server(endpoint = "admin/roles/save", input = Json)]
pub async fn save_role(input: RoleInput) -> Result<i64, AppError> {
    let user = require(Perm::RoleMgmt).await?;
    roles::save(&app_state()?, &user, input).await
}

#[server(endpoint = "admin/accounts/permissions", input = Json)]
pub async fn get_account_permissions(id: i64) -> Result<AccountPermissions, AppError> {
    let user = require(Perm::RoleMgmt).await?;
    roles::account_permissions(&app_state()?.db, &user, id).await
}

/// `permissions: None` restores the role defaults.
#[server(endpoint = "admin/accounts/permissions/save", input = Json)]
pub async fn save_account_permissions(
    id: i64,
    role_id: i64,
    version: i32,
    permissions: Option<Vec<String>>,
) -> Result<(), AppError> {
    let user = require(Perm::RoleMgmt).await?;
    roles::save_account(&app_state()?, &user, id, role_id, version, permissions).await
}

#[server(endpoint = "admin/orgs/list", input = Json)]
pub async fn list_orgs() -> Result<Vec<OrgRow>, AppError> {
    require_any(&[Perm::SystemOrgs, Perm::AddAdmin, Perm::AdminMgmt]).await?;
    orgs::list(&app_state()?.db).await
}

#[server(endpoint = "admin/orgs/save", input = Json)]
pub async fn save_org(input: OrgInput) -> Result<i64, AppError> {
    let user = require(Perm::SystemOrgs).await?;
    orgs::save(&app_state()?, &user, input).await
}

#[server(endpoint = "admin/orgs/active", input = Json)]
pub async fn set_org_active(id: i64, active: bool) -> Result<(), AppError> {
    let user = require(Perm::SystemOrgs).await?;
    orgs::set_active(&app_state()?, &user, id, active).await
}

/// Children of a region (provinces for `None`): the cascading 省/市/区 selects.
#[server(endpoint = "dict/regions", input = Json)]
pub async fn list_regions(parent: Option<i64>) -> Result<Vec<RegionRef>, AppError> {
    require_login().await?;
    orgs::regions(&app_state()?.db, parent).await
}

#[server(endpoint = "admin/logs/list", input = Json)]
pub async fn list_operation_logs(filter: LogFilter) -> Result<Page<LogRow>, AppError> {
    let user = require_any(&[Perm::SystemLogs, Perm::AdminMgmt]).await?;
    logs::list(&app_state()?.db, &user, filter).await
}

#[server(endpoint = "admin/logs/logins", input = Json)]
pub async fn list_login_logs(filter: LogFilter) -> Result<Page<LoginLogRow>, AppError> {
    require_any(&[Perm::SystemLogs, Perm::AdminMgmt]).await?;
    logs::list_logins(&app_state()?.db, filter).await
}

#[server(endpoint = "me/operations", input = Json)]
pub async fn my_recent_operations() -> Result<Vec<LogRow>, AppError> {
    let user = require_login().await?;
    logs::recent(&app_state()?.db, &user).await
}
