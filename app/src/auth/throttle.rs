//! Login attempt counting that holds under parallel requests (SPEC A8). Every counter is
//! reserved by one conditional statement that returns the new count (`… RETURNING`), before the
//! password is checked: the database serialises the statements, so of N parallel attempts only
//! as many as the limit allows get a count under it — none can read a count that another is
//! still about to raise. The same statements run on SQLite and PostgreSQL.
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryTrait};

use super::entity::{account, login_throttle};
use crate::error::AppResult;

/// An attempt counted against an address in its current window.
pub struct IpAttempt {
    /// This attempt's number in the window (1 for the first).
    pub number: i64,
    window_start: DateTime<Utc>,
}

/// Counts an attempt from `ip`: a window of `window_minutes` starts with the first attempt and
/// restarts with the first one after it has passed. One upsert, so parallel attempts get
/// distinct numbers; the caller refuses an attempt whose number is over its limit.
pub async fn reserve_ip(db: &impl ConnectionTrait, ip: &str, window_minutes: i64) -> AppResult<IpAttempt> {
    use login_throttle::Column as C;
    let now = Utc::now();
    let open = C::WindowStart.gt(now - Duration::minutes(window_minutes));
    let mut upsert = Query::insert();
    upsert
        .into_table(login_throttle::Entity)
        .columns([C::Ip, C::WindowStart, C::Attempts])
        .values_panic([ip.into(), now.into(), 1.into()])
        .on_conflict(
            OnConflict::column(C::Ip)
                .values([
                    (
                        C::Attempts,
                        Expr::case(open.clone(), Expr::col((login_throttle::Entity, C::Attempts)).add(1))
                            .finally(1)
                            .into(),
                    ),
                    (
                        C::WindowStart,
                        Expr::case(open, Expr::col((login_throttle::Entity, C::WindowStart))).finally(now).into(),
                    ),
                ])
                .to_owned(),
        )
        .returning(Query::returning().columns([C::Attempts, C::WindowStart]));
    let row = db.query_one(&upsert).await?.ok_or_else(|| crate::error::AppError::internal("throttle upsert"))?;
    Ok(IpAttempt {
        number: i64::from(row.try_get::<i32>("", "attempts")?),
        window_start: row.try_get::<DateTime<Utc>>("", "window_start")?,
    })
}

/// Gives back the attempt of a successful login: only failures count against an address.
pub async fn release_ip(db: &impl ConnectionTrait, ip: &str, attempt: &IpAttempt) -> AppResult<()> {
    use login_throttle::Column as C;
    login_throttle::Entity::update_many()
        .col_expr(C::Attempts, Expr::col(C::Attempts).sub(1))
        .filter(C::Ip.eq(ip))
        .filter(C::WindowStart.eq(attempt.window_start))
        .filter(C::Attempts.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the windows that ended before `window_minutes` ago.
pub async fn prune_ips(db: &impl ConnectionTrait, window_minutes: i64) -> AppResult<()> {
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::WindowStart.lte(Utc::now() - Duration::minutes(window_minutes)))
        .exec(db)
        .await?;
    Ok(())
}

/// Counts a password attempt against account `id` before its password is checked; `None`
/// while the account is locked. The attempt that reaches `max_failures` consecutive attempts
/// locks the account for `lock_minutes` at once (a correct password then lifts the lock again
/// through [`clear_account`]), so parallel attempts beyond the limit are refused without a
/// password check, and a lost request can never leave a count that blocks for good. An
/// expired lock starts a new count.
pub async fn reserve_account(
    db: &impl ConnectionTrait,
    id: i64,
    max_failures: i32,
    lock_minutes: i64,
) -> AppResult<Option<i32>> {
    use account::Column as C;
    let now = Utc::now();
    let next = || Expr::case(C::LockedUntil.is_not_null(), 1).finally(Expr::col(C::FailedLoginCount).add(1));
    let mut update = account::Entity::update_many()
        .col_expr(C::FailedLoginCount, next().into())
        .col_expr(
            C::LockedUntil,
            Expr::case(Expr::expr(next()).gte(max_failures), Expr::val(now + Duration::minutes(lock_minutes)))
                .finally(Expr::val(Option::<DateTime<Utc>>::None))
                .into(),
        )
        .filter(C::Id.eq(id))
        .filter(Condition::any().add(C::LockedUntil.is_null()).add(C::LockedUntil.lte(now)))
        .into_query();
    update.returning_col(C::FailedLoginCount);
    match db.query_one(&update).await? {
        Some(row) => Ok(Some(row.try_get::<i32>("", "failed_login_count")?)),
        None => Ok(None),
    }
}

/// A correct password: the count starts again and a lock set by the attempt is lifted.
pub async fn clear_account(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    account::Entity::update_many()
        .col_expr(account::Column::FailedLoginCount, Expr::val(0))
        .col_expr(account::Column::LockedUntil, Expr::val(Option::<DateTime<Utc>>::None))
        .filter(account::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
