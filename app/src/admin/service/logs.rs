//! 操作日志 (PG-32, PG-95): the operation log and the login log, filterable by account,
//! action, module and date range.
use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::admin::{LogFilter, LogRow, LoginLogRow};
use crate::auth::entity::{account, login_log, operation_log, permission};
use crate::auth::session::CurrentUser;
use crate::db::{contains_ignoring_case, fetch_page, starts_with};
use crate::error::{AppError, AppResult};
use crate::ui::Page;

/// Start of a `YYYY-MM-DD` day in Asia/Shanghai, as UTC.
fn day_start(s: &str, field: &str) -> AppResult<Option<DateTime<Utc>>> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::field(field, "日期格式应为 YYYY-MM-DD", "Use the format YYYY-MM-DD"))?;
    Ok(Some(crate::cst::day_start(d)))
}

async fn account_ids_matching(db: &impl ConnectionTrait, admin_id: &str) -> AppResult<Vec<i64>> {
    let q = admin_id.trim().to_lowercase();
    let b = db.get_database_backend();
    Ok(account::Entity::find()
        .filter(
            Condition::any()
                .add(contains_ignoring_case(b, Expr::col(account::Column::AdminIdKey), &q))
                .add(contains_ignoring_case(b, Expr::col(account::Column::Name), &q)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect())
}

fn time_range(f: &LogFilter, col: impl ColumnTrait + Copy) -> AppResult<Condition> {
    let mut c = Condition::all();
    if let Some(from) = day_start(&f.from, "from")? {
        c = c.add(col.gte(from));
    }
    if let Some(to) = day_start(&f.to, "to")? {
        c = c.add(col.lt(to + Duration::days(1)));
    }
    Ok(c)
}

pub async fn list(db: &impl ConnectionTrait, user: &CurrentUser, f: LogFilter) -> AppResult<Page<LogRow>> {
    let mut cond = time_range(&f, operation_log::Column::At)?
        .add(user.scope.condition(operation_log::Column::AccountOrgId, operation_log::Column::AccountId));
    if let Some(a) = f.account_id {
        cond = cond.add(operation_log::Column::AccountId.eq(a));
    }
    if !f.admin_id.trim().is_empty() {
        cond = cond.add(operation_log::Column::AccountId.is_in(account_ids_matching(db, &f.admin_id).await?));
    }
    if !f.action.is_empty() {
        cond = cond.add(operation_log::Column::Action.eq(f.action.clone()));
    }
    if !f.module.is_empty() {
        cond = cond.add(starts_with(Expr::col(operation_log::Column::Module), &f.module));
    }
    let select = operation_log::Entity::find().filter(cond).order_by_desc(operation_log::Column::Id);
    let mut rows = fetch_page(db, select, f.page, f.per_page).await?;
    let items = to_rows(db, std::mem::take(&mut rows.items)).await?;
    Ok(rows.with_items(items))
}

/// The user's own last ten operations (首页 事务日志).
pub async fn recent(db: &impl ConnectionTrait, user: &CurrentUser) -> AppResult<Vec<LogRow>> {
    let rows = operation_log::Entity::find()
        .filter(operation_log::Column::AccountId.eq(user.account.id))
        .order_by_desc(operation_log::Column::Id)
        .limit(10)
        .all(db)
        .await?;
    to_rows(db, rows).await
}

pub async fn to_rows(db: &impl ConnectionTrait, rows: Vec<operation_log::Model>) -> AppResult<Vec<LogRow>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.account_id).collect();
    let accounts: HashMap<i64, account::Model> = account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let modules: HashMap<String, permission::Model> =
        permission::Entity::find().all(db).await?.into_iter().map(|p| (p.code.clone(), p)).collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let a = accounts.get(&r.account_id);
            let (module_zh, module_en) = match modules.get(&r.module) {
                Some(p) => (p.name_zh.clone(), p.name_en.clone()),
                None if r.module == "login" => ("登录".into(), "Sign-in".into()),
                None => (r.module.clone(), r.module.clone()),
            };
            LogRow {
                id: r.id,
                at: r.at,
                admin_id: a.map(|a| a.admin_id.clone()).unwrap_or_default(),
                account_name: a.map(|a| a.name.clone()).unwrap_or_default(),
                module: r.module,
                module_zh,
                module_en,
                action: r.action,
                target: r.target_label.unwrap_or_default(),
                detail: r.detail,
                ip: r.ip.unwrap_or_default(),
                success: r.success,
            }
        })
        .collect())
}

pub async fn list_logins(db: &impl ConnectionTrait, f: LogFilter) -> AppResult<Page<LoginLogRow>> {
    let mut cond = time_range(&f, login_log::Column::At)?;
    if let Some(a) = f.account_id {
        cond = cond.add(login_log::Column::AccountId.eq(a));
    }
    if !f.admin_id.trim().is_empty() {
        let b = db.get_database_backend();
        cond = cond.add(contains_ignoring_case(b, Expr::col(login_log::Column::AdminIdAttempted), f.admin_id.trim()));
    }
    if !f.action.is_empty() {
        cond = cond.add(login_log::Column::Result.eq(f.action.clone()));
    }
    let select = login_log::Entity::find().filter(cond).order_by_desc(login_log::Column::Id);
    Ok(fetch_page(db, select, f.page, f.per_page).await?.map(|r| LoginLogRow {
        id: r.id,
        at: r.at,
        admin_id: r.admin_id_attempted,
        ip: r.ip,
        user_agent: r.user_agent.unwrap_or_default(),
        result: crate::auth::LoginResult::parse(&r.result),
    }))
}
