//! 角色管理: the permission tree, role default grants (PG-34) and per-account grants (PG-33).
use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use super::accounts::find_scoped;
use crate::admin::{AccountPermissions, PermNode, RoleInput, RoleRow};
use crate::auth::audit::{self, Entry};
use crate::auth::entity::{account, account_permission, organization, permission, role, role_permission};
use crate::auth::perm::grant_allowed;
use crate::auth::session::{CurrentUser, granted_codes};
use crate::auth::{DataScope, DepartmentKind, Perm, PermissionMode, RoleCategory};
use crate::db::{conflict, update_versioned};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub async fn tree(db: &impl ConnectionTrait) -> AppResult<Vec<PermNode>> {
    permission::Entity::find()
        .order_by_asc(permission::Column::SortOrder)
        .all(db)
        .await?
        .into_iter()
        .map(|p| {
            Ok(PermNode {
                node_type: p.node_type.parse()?,
                code: p.code,
                parent_code: p.parent_code,
                name_zh: p.name_zh,
                name_en: p.name_en,
                company_cs_only: p.company_cs_only,
            })
        })
        .collect()
}

/// Keeps the grantable codes a holder of `category` (in a department of `dept`) may have,
/// sorted and without duplicates. Module nodes are never stored: they follow from their leaves.
async fn normalise(
    db: &impl ConnectionTrait,
    codes: &[String],
    category: RoleCategory,
    dept: Option<DepartmentKind>,
) -> AppResult<Vec<String>> {
    let nodes = permission::Entity::find().all(db).await?;
    let set: BTreeSet<String> = codes
        .iter()
        .filter(|c| {
            nodes.iter().any(|n| &&n.code == c && !n.is_module() && grant_allowed(c, n.company_cs_only, category, dept))
        })
        .cloned()
        .collect();
    Ok(set.into_iter().collect())
}

async fn role_codes(db: &impl ConnectionTrait, role_id: i64) -> AppResult<Vec<String>> {
    let mut v: Vec<String> = role_permission::Entity::find()
        .filter(role_permission::Column::RoleId.eq(role_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.permission_code)
        .collect();
    v.sort();
    Ok(v)
}

pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<RoleRow>> {
    let roles =
        role::Entity::find().order_by_asc(role::Column::SortOrder).order_by_asc(role::Column::Id).all(db).await?;
    let mut out = Vec::with_capacity(roles.len());
    for r in roles {
        let account_count = account::Entity::find().filter(account::Column::RoleId.eq(r.id)).count(db).await?;
        out.push(RoleRow {
            permissions: role_codes(db, r.id).await?,
            role_category: RoleCategory::from_code(&r.role_category).unwrap_or(RoleCategory::BusinessDeptAdmin),
            data_scope: DataScope::from_code(&r.data_scope).unwrap_or(DataScope::Own),
            description: r.description.unwrap_or_default(),
            id: r.id,
            code: r.code,
            name: r.name,
            name_en: r.name_en,
            is_builtin: r.is_builtin,
            account_count,
            version: r.version,
        });
    }
    Ok(out)
}

/// The widest data scope a role of `category` may have (SPEC §1.6, §7.3 rule 4).
fn widest(category: RoleCategory) -> DataScope {
    match category {
        RoleCategory::CompanyCsAdmin => DataScope::All,
        RoleCategory::RepOfficeCsAdmin => DataScope::OwnOrg,
        RoleCategory::BusinessDeptAdmin => DataScope::OwnDept,
    }
}

pub async fn save(state: &AppState, user: &CurrentUser, input: RoleInput) -> AppResult<i64> {
    input.validate()?;
    if input.data_scope.breadth() > widest(input.role_category).breadth() {
        return Err(AppError::field(
            "data_scope",
            "数据范围不能超出该所属角色的范围",
            "The data scope cannot be wider than the role category allows",
        ));
    }
    let perms = normalise(&state.db, &input.permissions, input.role_category, None).await?;
    let now = Utc::now();
    let txn = crate::db::write_txn(&state.db).await?;
    let (id, before_perms, label) = match input.id {
        Some(id) => {
            let r = role::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
            if r.is_builtin && (r.name != input.name.trim() || r.role_category != input.role_category.code()) {
                return Err(AppError::field(
                    "name",
                    "内置角色不能改名或改变所属角色",
                    "Built-in roles cannot be renamed",
                ));
            }
            let mut am: role::ActiveModel = r.clone().into();
            am.name = Set(input.name.trim().to_string());
            am.data_scope = Set(input.data_scope.code().to_string());
            am.description = Set(crate::db::opt(&input.description));
            am.updated_at = Set(now);
            am.version = Set(input.version + 1);
            if !update_versioned(&txn, am, (role::Column::Id, id), (role::Column::Version, input.version)).await? {
                return Err(conflict(&state.db, None).await);
            }
            (id, role_codes(&txn, id).await?, r.name)
        }
        None => {
            let name = input.name.trim().to_string();
            if role::Entity::find().filter(role::Column::Name.eq(name.clone())).count(&txn).await? > 0 {
                return Err(AppError::field("name", "已有同名角色", "A role with this name exists"));
            }
            let created = role::ActiveModel {
                code: Set(format!("custom_{}", crate::auth::token::random_id(4))),
                name: Set(name.clone()),
                name_en: Set(name.clone()),
                role_category: Set(input.role_category.code().to_string()),
                data_scope: Set(input.data_scope.code().to_string()),
                is_builtin: Set(false),
                description: Set(crate::db::opt(&input.description)),
                sort_order: Set(100),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            (created.id, vec![], name)
        }
    };
    role_permission::Entity::delete_many().filter(role_permission::Column::RoleId.eq(id)).exec(&txn).await?;
    if !perms.is_empty() {
        role_permission::Entity::insert_many(
            perms.iter().map(|c| role_permission::ActiveModel { role_id: Set(id), permission_code: Set(c.clone()) }),
        )
        .exec(&txn)
        .await?;
    }
    let added: Vec<_> = perms.iter().filter(|c| !before_perms.contains(c)).collect();
    let removed: Vec<_> = before_perms.iter().filter(|c| !perms.contains(c)).collect();
    let action = if input.id.is_some() { "grant" } else { "create" };
    let entry = Entry::new(Perm::RoleMgmt.code(), action, "role")
        .target(id, label)
        .detail(json!({ "data_scope": input.data_scope.code(), "added": added, "removed": removed }));
    audit::record(&txn, user, entry).await?;
    txn.commit().await?;
    Ok(id)
}

pub async fn account_permissions(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: i64,
) -> AppResult<AccountPermissions> {
    let a = find_scoped(db, user, id).await?;
    let org = organization::Entity::find_by_id(a.organization_id).one(db).await?.ok_or(AppError::NotFound)?;
    let custom = a.permission_mode() == Some(PermissionMode::Custom);
    let permissions = granted_codes(db, &a).await?;
    Ok(AccountPermissions {
        account_id: a.id,
        admin_id: a.admin_id,
        name: a.name,
        department_kind: org.department_kind(),
        org_name: org.name,
        role_id: a.role_id,
        role_category: RoleCategory::from_code(&a.role_category).unwrap_or(RoleCategory::BusinessDeptAdmin),
        custom,
        permissions,
        version: a.version,
    })
}

/// Saves an account's grants; a set equal to the role defaults goes back to `inherit` mode.
/// `permissions: None` restores the role defaults (恢复默认).
pub async fn save_account(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    role_id: i64,
    version: i32,
    permissions: Option<Vec<String>>,
) -> AppResult<()> {
    let a = find_scoped(&state.db, user, id).await?;
    if a.id == user.account.id {
        return Err(AppError::rejected("不能修改自己的权限", "You cannot change your own permissions"));
    }
    let r = role::Entity::find_by_id(role_id).one(&state.db).await?.ok_or(AppError::NotFound)?;
    if r.role_category != a.role_category {
        return Err(AppError::field("role_id", "角色类别须与所属角色一致", "The role must match the role category"));
    }
    let org = organization::Entity::find_by_id(a.organization_id).one(&state.db).await?.ok_or(AppError::NotFound)?;
    let category = RoleCategory::from_code(&a.role_category).unwrap_or(RoleCategory::BusinessDeptAdmin);
    let defaults = role_codes(&state.db, role_id).await?;
    let wanted = match permissions {
        Some(p) => normalise(&state.db, &p, category, org.department_kind()).await?,
        None => defaults.clone(),
    };
    let custom = wanted != defaults;
    let before = account_permissions(&state.db, user, id).await?;
    let txn = crate::db::write_txn(&state.db).await?;
    let mut am: account::ActiveModel = a.clone().into();
    am.role_id = Set(role_id);
    let mode = if custom { PermissionMode::Custom } else { PermissionMode::Inherit };
    am.permission_mode = Set(mode.code().into());
    am.updated_at = Set(Utc::now());
    am.updated_by = Set(Some(user.account.id));
    am.version = Set(version + 1);
    if !update_versioned(&txn, am, (account::Column::Id, id), (account::Column::Version, version)).await? {
        return Err(conflict(&state.db, a.updated_by).await);
    }
    account_permission::Entity::delete_many().filter(account_permission::Column::AccountId.eq(id)).exec(&txn).await?;
    if custom && !wanted.is_empty() {
        let now = Utc::now();
        account_permission::Entity::insert_many(wanted.iter().map(|c| account_permission::ActiveModel {
            account_id: Set(id),
            permission_code: Set(c.clone()),
            granted_by: Set(user.account.id),
            granted_at: Set(now),
        }))
        .exec(&txn)
        .await?;
    }
    let added: Vec<_> = wanted.iter().filter(|c| !before.permissions.contains(c)).collect();
    let removed: Vec<_> = before.permissions.iter().filter(|c| !wanted.contains(c)).collect();
    let entry = Entry::new(Perm::RoleMgmt.code(), "grant", "account").target(id, &a.admin_id).detail(json!({
        "role_id": [a.role_id, role_id], "mode": mode.code(),
        "added": added, "removed": removed,
    }));
    audit::record(&txn, user, entry).await?;
    txn.commit().await?;
    Ok(())
}
