//! Server-side logic of the admin pages: every function takes the checked `CurrentUser`,
//! applies its scope and writes the audit entry in the same transaction as the change.
pub mod accounts;
pub mod logs;
pub mod orgs;
pub mod roles;

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::auth::entity::account;
use crate::error::{AppError, Text};

/// The stale-version error; names who saved the row last (SPEC §3 optimistic locking).
pub async fn conflict(db: &impl ConnectionTrait, updated_by: Option<i64>) -> AppError {
    let who = match updated_by {
        Some(id) => account::Entity::find_by_id(id).one(db).await.ok().flatten().map(|a| a.name),
        None => None,
    }
    .unwrap_or_else(|| "其他用户".into());
    AppError::Rejected(Text::new(
        format!("该记录已被 {who} 修改,请刷新后重试"),
        format!("This record was changed by {who} meanwhile; reload and try again"),
    ))
}

/// Optimistic locking: writes the set fields of `am` to the row `id` only if it still has
/// `version`. `false` means someone saved it in between.
pub async fn update_versioned<E, A>(
    db: &impl ConnectionTrait,
    am: A,
    id: (E::Column, i64),
    version: (E::Column, i32),
) -> Result<bool, DbErr>
where
    E: EntityTrait,
    A: ActiveModelTrait<Entity = E> + Send,
{
    let res = E::update_many().set(am).filter(id.0.eq(id.1)).filter(version.0.eq(version.1)).exec(db).await?;
    Ok(res.rows_affected == 1)
}

/// Empty strings become NULL (SPEC §3.1).
pub fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

pub fn unique_violation(e: &DbErr) -> bool {
    let s = e.to_string().to_lowercase();
    s.contains("unique") || s.contains("duplicate")
}
