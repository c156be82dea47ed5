//! 添加管理员 / 管理员管理 (PG-30, PG-31) and the account lifecycle (SM-10).
use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde_json::{Value, json};

use crate::admin::{AccountDetail, AccountFilter, AccountFormOptions, AccountInput, AccountRow, OrgOption, RoleOption};
use crate::auth::audit::{self, Entry};
use crate::auth::entity::{account, organization, role};
use crate::auth::session::{self, CurrentUser};
use crate::auth::{AccountStatus, Perm, PermissionMode, RoleCategory, password};
use crate::db::contains_ignoring_case;
use crate::db::{conflict, fetch_page, opt, update_versioned};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::state::AppState;
use crate::ui::Page;

pub async fn form_options(db: &impl ConnectionTrait) -> AppResult<AccountFormOptions> {
    let roles = role::Entity::find()
        .order_by_asc(role::Column::SortOrder)
        .order_by_asc(role::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(RoleOption {
                id: r.id,
                code: r.code,
                category: RoleCategory::from_code(&r.role_category)?,
                name_zh: r.name,
                name_en: r.name_en,
            })
        })
        .collect();
    let orgs = organization::Entity::find()
        .order_by_asc(organization::Column::SortOrder)
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|o| OrgOption {
            id: o.id,
            org_type: o.org_type(),
            department_kind: o.department_kind(),
            name: o.name,
            is_active: o.is_active,
        })
        .collect();
    Ok(AccountFormOptions { roles, orgs })
}

pub async fn list(db: &impl ConnectionTrait, user: &CurrentUser, f: AccountFilter) -> AppResult<Page<AccountRow>> {
    let mut cond = user.scope.condition(account::Column::OrganizationId, account::Column::Id);
    let q = f.admin_id.trim().to_lowercase();
    if !q.is_empty() {
        let b = db.get_database_backend();
        cond = cond.add(
            Condition::any()
                .add(contains_ignoring_case(b, Expr::col(account::Column::AdminIdKey), &q))
                .add(contains_ignoring_case(b, Expr::col(account::Column::Name), &q)),
        );
    }
    if let Some(o) = f.org_id {
        cond = cond.add(account::Column::OrganizationId.eq(o));
    }
    if let Some(r) = f.role_id {
        cond = cond.add(account::Column::RoleId.eq(r));
    }
    if !f.status.is_empty() {
        cond = cond.add(account::Column::Status.eq(f.status.clone()));
    }
    let rows =
        fetch_page(db, account::Entity::find().filter(cond).order_by_desc(account::Column::Id), f.page, f.per_page)
            .await?;
    let roles: HashMap<i64, role::Model> = role::Entity::find().all(db).await?.into_iter().map(|r| (r.id, r)).collect();
    let orgs: HashMap<i64, String> =
        organization::Entity::find().all(db).await?.into_iter().map(|o| (o.id, o.name)).collect();
    let now = Utc::now();
    Ok(rows.map(|a| {
        let r = roles.get(&a.role_id);
        AccountRow {
            id: a.id,
            role_category: RoleCategory::from_code(&a.role_category).unwrap_or(RoleCategory::BusinessDeptAdmin),
            role_name_zh: r.map(|r| r.name.clone()).unwrap_or_default(),
            role_name_en: r.map(|r| r.name_en.clone()).unwrap_or_default(),
            org_name: orgs.get(&a.organization_id).cloned().unwrap_or_default(),
            locked: a.locked_until.is_some_and(|t| t > now),
            admin_id: a.admin_id,
            name: a.name,
            email: a.email,
            status: a.status,
            opened_at: a.opened_at,
            last_login_at: a.last_login_at,
        }
    }))
}

/// The account if it exists inside the user's scope.
pub async fn find_scoped(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<account::Model> {
    account::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|a| user.scope.allows(a.organization_id, Some(a.id)))
        .ok_or(AppError::NotFound)
}

pub async fn get(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<AccountDetail> {
    let a = find_scoped(db, user, id).await?;
    let r = role::Entity::find_by_id(a.role_id).one(db).await?.ok_or(AppError::NotFound)?;
    let org = organization::Entity::find_by_id(a.organization_id).one(db).await?.ok_or(AppError::NotFound)?;
    let opened_by = match a.opened_by {
        Some(id) => account::Entity::find_by_id(id).one(db).await?.map(|o| o.name),
        None => None,
    };
    Ok(AccountDetail {
        id: a.id,
        version: a.version,
        opened_at: a.opened_at,
        opened_by,
        permission_mode: a.permission_mode.clone(),
        org_name: org.name,
        role_name_zh: r.name,
        role_name_en: r.name_en,
        input: AccountInput {
            admin_id: a.admin_id,
            name: a.name,
            email: a.email,
            phone: a.phone.unwrap_or_default(),
            status: a.status,
            role_category: RoleCategory::from_code(&a.role_category).unwrap_or(RoleCategory::BusinessDeptAdmin),
            role_id: Some(a.role_id),
            organization_id: Some(a.organization_id),
            password: String::new(),
            password_confirm: String::new(),
            review_exempt: a.review_exempt,
            can_review: a.can_review,
            must_change_password: a.must_change_password,
        },
    })
}

/// Checks that need the database: role and organisation exist and fit the role category,
/// login ID and e-mail are unique.
async fn check_consistency(
    db: &impl ConnectionTrait,
    input: &AccountInput,
    editing: Option<i64>,
) -> AppResult<(role::Model, organization::Model)> {
    let mut e = FieldErrors::default();
    let role = match input.role_id {
        Some(id) => role::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let org = match input.organization_id {
        Some(id) => organization::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    match &role {
        Some(r) if r.role_category == input.role_category.code() => {}
        _ => e.add("role_id", "角色类别与所属角色不一致", "The role does not belong to this role category"),
    }
    match &org {
        Some(o) if !o.is_active => e.add("organization_id", "该组织机构已停用", "This organisation is inactive"),
        Some(o) => {
            let opt = OrgOption {
                id: o.id,
                name: o.name.clone(),
                org_type: o.org_type(),
                department_kind: o.department_kind(),
                is_active: o.is_active,
            };
            if !opt.fits(input.role_category) {
                e.add(
                    "organization_id",
                    "组织机构与所属角色不一致:公司客服属客服部,代表处客服属代表处,业务部门属客服部以外的部门",
                    "Organisation does not fit the role category",
                );
            }
        }
        None => e.add("organization_id", "请选择组织机构", "Choose an organisation"),
    }
    let key = input.admin_id.trim().to_lowercase();
    if editing.is_none() && account::Entity::find().filter(account::Column::AdminIdKey.eq(key)).count(db).await? > 0 {
        e.add("admin_id", "该管理员ID已被使用", "This login ID is taken");
    }
    let mut same_email =
        account::Entity::find().filter(account::Column::EmailKey.eq(input.email.trim().to_lowercase()));
    if let Some(id) = editing {
        same_email = same_email.filter(account::Column::Id.ne(id));
    }
    if same_email.count(db).await? > 0 {
        e.add("email", "该 E-mail 已被其他账号使用", "Another account uses this e-mail");
    }
    e.into_result()?;
    Ok((role.ok_or(AppError::NotFound)?, org.ok_or(AppError::NotFound)?))
}

fn snapshot(a: &account::Model) -> Value {
    json!({
        "admin_id": a.admin_id, "name": a.name, "email": a.email, "phone": a.phone, "status": a.status,
        "role_category": a.role_category, "role_id": a.role_id, "organization_id": a.organization_id,
        "review_exempt": a.review_exempt, "can_review": a.can_review,
        "must_change_password": a.must_change_password,
    })
}

pub async fn create(state: &AppState, user: &CurrentUser, input: AccountInput) -> AppResult<i64> {
    input.validate(true)?;
    let (_role, _org) = check_consistency(&state.db, &input, None).await?;
    let hash = password::hash(input.password.clone()).await?;
    let now = Utc::now();
    let txn = crate::db::write_txn(&state.db).await?;
    let created = account::ActiveModel {
        admin_id: Set(input.admin_id.trim().to_string()),
        admin_id_key: Set(input.admin_id.trim().to_lowercase()),
        name: Set(input.name.trim().to_string()),
        password_hash: Set(hash),
        email: Set(input.email.trim().to_string()),
        email_key: Set(input.email.trim().to_lowercase()),
        phone: Set(opt(&input.phone)),
        status: Set(input.status.clone()),
        role_category: Set(input.role_category.code().to_string()),
        role_id: Set(input.role_id.unwrap_or_default()),
        organization_id: Set(input.organization_id.unwrap_or_default()),
        permission_mode: Set(PermissionMode::Inherit.code().into()),
        opened_at: Set(now),
        opened_by: Set(Some(user.account.id)),
        review_exempt: Set(input.review_exempt),
        can_review: Set(input.can_review),
        must_change_password: Set(input.must_change_password),
        failed_login_count: Set(0),
        locale: Set("zh".into()),
        created_at: Set(now),
        updated_at: Set(now),
        updated_by: Set(Some(user.account.id)),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if crate::db::unique_violation(&e) {
            AppError::field("admin_id", "该管理员ID已被使用", "This login ID is taken")
        } else {
            e.into()
        }
    })?;
    let entry = Entry::new(Perm::AddAdmin.code(), "create", "account")
        .target(created.id, &created.admin_id)
        .detail(json!({ "after": snapshot(&created) }));
    audit::record(&txn, user, entry).await?;
    txn.commit().await?;
    Ok(created.id)
}

pub async fn update(state: &AppState, user: &CurrentUser, id: i64, version: i32, input: AccountInput) -> AppResult<()> {
    input.validate(false)?;
    let before = find_scoped(&state.db, user, id).await?;
    let own = before.id == user.account.id;
    if own
        && (input.status != before.status
            || input.role_id != Some(before.role_id)
            || input.role_category.code() != before.role_category
            || input.review_exempt != before.review_exempt
            || input.can_review != before.can_review)
    {
        return Err(AppError::rejected(
            "不能修改自己的状态、角色或审核设置",
            "You cannot change your own status, role or review flags",
        ));
    }
    check_consistency(&state.db, &input, Some(id)).await?;
    let new_hash = if input.password.is_empty() { None } else { Some(password::hash(input.password.clone()).await?) };
    let role_changed = input.role_id != Some(before.role_id);
    let now = Utc::now();
    let txn = crate::db::write_txn(&state.db).await?;
    let mut am: account::ActiveModel = before.clone().into();
    am.name = Set(input.name.trim().to_string());
    am.email = Set(input.email.trim().to_string());
    am.email_key = Set(input.email.trim().to_lowercase());
    am.phone = Set(opt(&input.phone));
    am.status = Set(input.status.clone());
    am.role_category = Set(input.role_category.code().to_string());
    am.role_id = Set(input.role_id.unwrap_or(before.role_id));
    am.organization_id = Set(input.organization_id.unwrap_or(before.organization_id));
    am.review_exempt = Set(input.review_exempt);
    am.can_review = Set(input.can_review);
    am.must_change_password = Set(input.must_change_password || new_hash.is_some());
    if role_changed {
        // A new role re-applies its defaults (PG-30).
        am.permission_mode = Set(PermissionMode::Inherit.code().into());
    }
    if let Some(h) = &new_hash {
        am.password_hash = Set(h.clone());
        am.failed_login_count = Set(0);
        am.locked_until = Set(None);
    }
    am.updated_at = Set(now);
    am.updated_by = Set(Some(user.account.id));
    am.version = Set(version + 1);
    if !update_versioned(&txn, am, (account::Column::Id, id), (account::Column::Version, version)).await? {
        return Err(conflict(&state.db, before.updated_by).await);
    }
    let after = account::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
    if role_changed {
        crate::auth::entity::account_permission::Entity::delete_many()
            .filter(crate::auth::entity::account_permission::Column::AccountId.eq(id))
            .exec(&txn)
            .await?;
    }
    if new_hash.is_some() || after.status() != Some(AccountStatus::Active) {
        session::revoke_all(&txn, id, None).await?;
    }
    let mut detail = audit::diff(&snapshot(&before), &snapshot(&after));
    if new_hash.is_some() {
        detail["password"] = json!("reset");
    }
    let entry = Entry::new(Perm::AddAdmin.code(), "update", "account").target(id, &after.admin_id).detail(detail);
    audit::record(&txn, user, entry).await?;
    txn.commit().await?;
    Ok(())
}

/// 激活 / 悬挂. Suspension revokes the account's sessions at once.
pub async fn set_status(state: &AppState, user: &CurrentUser, id: i64, status: &str) -> AppResult<()> {
    let status =
        AccountStatus::parse(status).ok_or_else(|| AppError::field("status", "未知的账号状态", "Unknown status"))?;
    let before = find_scoped(&state.db, user, id).await?;
    if before.id == user.account.id {
        return Err(AppError::rejected("不能修改自己的账号状态", "You cannot change your own status"));
    }
    if before.status() == Some(status) {
        return Ok(());
    }
    let txn = crate::db::write_txn(&state.db).await?;
    // Only the status, claimed from the status read: a concurrent edit of the account keeps
    // its fields and its version step (the version moves on from whatever it is now).
    let update = account::Entity::update_many()
        .col_expr(account::Column::Status, Expr::value(status.code()))
        .col_expr(account::Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(account::Column::UpdatedBy, Expr::value(user.account.id))
        .col_expr(account::Column::Version, Expr::col(account::Column::Version).add(1));
    let claimed =
        crate::db::claim(&txn, update, (account::Column::Id, id), (account::Column::Status, &before.status)).await?;
    if !claimed {
        // Someone changed the status in between: to this one (nothing left to do) or back.
        let now = account::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
        return if now.status() == Some(status) { Ok(()) } else { Err(conflict(&txn, now.updated_by).await) };
    }
    if status != AccountStatus::Active {
        session::revoke_all(&txn, id, None).await?;
    }
    let entry = Entry::new(Perm::AddAdmin.code(), "update", "account")
        .target(id, &before.admin_id)
        .detail(json!({ "status": [before.status, status.code()] }));
    audit::record(&txn, user, entry).await?;
    txn.commit().await?;
    Ok(())
}
