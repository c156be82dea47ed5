//! 邮件模板 (PG-92, SPEC B5): kept by those with 邮件模板 rights, used by anyone composing.
//! Bodies are sanitised against an allow-list when saved (no scripts, no event handlers, no
//! `javascript:` links), so a template is safe to show and to send.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::entity::email_template;
use super::{EmailKind, TemplateInput, TemplateView};
use crate::auth::Perm;
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::db::unique_violation;
use crate::error::{AppError, AppResult};

/// `html` with only the allow-listed tags, attributes and URL schemes left.
pub fn sanitize(html: &str) -> String {
    ammonia::clean(html)
}

fn view(t: email_template::Model) -> TemplateView {
    TemplateView {
        id: t.id,
        kind: EmailKind::parse(&t.email_kind).unwrap_or(EmailKind::Other),
        name: t.name,
        subject: t.subject,
        body_html: t.body_html,
        is_active: t.is_active,
        version: t.version,
        updated_at: t.updated_at,
    }
}

/// Every template (`active_only`: those offered when composing), by kind and name.
pub async fn list(db: &impl ConnectionTrait, active_only: bool) -> AppResult<Vec<TemplateView>> {
    let mut q = email_template::Entity::find();
    if active_only {
        q = q.filter(email_template::Column::IsActive.eq(true));
    }
    Ok(q.order_by_asc(email_template::Column::EmailKind)
        .order_by_asc(email_template::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<email_template::Model> {
    email_template::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)
}

/// 保存: a new template or an edit of the version shown; the body is stored sanitised.
pub async fn save(
    db: &sea_orm::DatabaseConnection,
    user: &CurrentUser,
    input: TemplateInput,
) -> AppResult<TemplateView> {
    input.validate()?;
    let now = Utc::now();
    let body = sanitize(&input.body_html);
    let txn = crate::db::write_txn(db).await?;
    let mut am = email_template::ActiveModel {
        name: Set(input.name.trim().into()),
        email_kind: Set(input.kind.clone()),
        subject: Set(input.subject.trim().into()),
        body_html: Set(body),
        is_active: Set(input.is_active),
        updated_by: Set(Some(user.account.id)),
        updated_at: Set(now),
        ..Default::default()
    };
    let duplicate = || AppError::field("name", "已有同名模板", "A template of that name exists");
    let (id, action) = match input.id {
        None => {
            am.version = Set(1);
            am.created_by = Set(Some(user.account.id));
            am.created_at = Set(now);
            match am.insert(&txn).await {
                Ok(t) => (t.id, "create"),
                Err(e) if unique_violation(&e) => return Err(duplicate()),
                Err(e) => return Err(e.into()),
            }
        }
        Some(id) => {
            let old = get(&txn, id).await?;
            am.version = Set(input.version + 1);
            let key = (email_template::Column::Id, id);
            match crate::db::update_versioned(&txn, am, key, (email_template::Column::Version, input.version)).await {
                Ok(true) => (id, "update"),
                Ok(false) => return Err(crate::db::conflict(&txn, old.updated_by).await),
                Err(e) if unique_violation(&e) => return Err(duplicate()),
                Err(e) => return Err(e.into()),
            }
        }
    };
    audit::record(
        &txn,
        user,
        Entry::new(Perm::SystemEmailTemplates.code(), action, "email_template")
            .target(id, input.name.trim())
            .detail(json!({ "kind": input.kind, "subject": input.subject, "active": input.is_active })),
    )
    .await?;
    let saved = get(&txn, id).await?;
    txn.commit().await?;
    Ok(view(saved))
}

/// 删除 (the version shown). Batches keep their own copy of subject and body.
pub async fn delete(db: &sea_orm::DatabaseConnection, user: &CurrentUser, id: i64, version: i32) -> AppResult<()> {
    let txn = crate::db::write_txn(db).await?;
    let old = get(&txn, id).await?;
    let gone = email_template::Entity::delete_many()
        .filter(email_template::Column::Id.eq(id))
        .filter(email_template::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if gone.rows_affected != 1 {
        return Err(crate::db::conflict(&txn, old.updated_by).await);
    }
    audit::record(
        &txn,
        user,
        Entry::new(Perm::SystemEmailTemplates.code(), "delete", "email_template").target(id, &old.name),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
