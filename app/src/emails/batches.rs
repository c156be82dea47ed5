//! 邮件发送记录 (PG-27): the batches inside the user's scope (drafts only their author's),
//! a batch's recipients with their outcome, and 重发失败邮件.
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::entity::{email_batch as b, email_recipient as rec};
use super::{BatchDetail, BatchFilter, BatchRow, BatchStatus, EmailKind, RecipientStatus, SendStatus};
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::auth::{Perm, RoleCode};
use crate::db::{fetch_page, people_and_orgs};
use crate::error::{AppError, AppResult};
use crate::members::conditions::ts_range;
use crate::ui::Page;

/// The batches `user` may see: inside the scope, and a draft only by its author.
fn visible(user: &CurrentUser) -> Condition {
    Condition::all().add(user.scope.condition(b::Column::OrganizationId, b::Column::SenderId)).add(
        Condition::any()
            .add(b::Column::Status.ne(BatchStatus::Draft.code()))
            .add(b::Column::SenderId.eq(user.account.id)),
    )
}

async fn rows(db: &DatabaseConnection, batches: Vec<b::Model>) -> AppResult<Vec<BatchRow>> {
    let (people, orgs) = people_and_orgs(
        db,
        batches.iter().map(|x| x.sender_id).collect(),
        batches.iter().map(|x| x.organization_id).collect(),
    )
    .await?;
    Ok(batches
        .into_iter()
        .map(|x| BatchRow {
            id: x.id,
            kind: EmailKind::parse(&x.email_kind).unwrap_or(EmailKind::Other),
            subject: x.subject,
            sender: people.get(&x.sender_id).cloned().unwrap_or_default(),
            org_name: orgs.get(&x.organization_id).cloned().unwrap_or_default(),
            sent_at: x.sent_at,
            recipient_count: x.recipient_count,
            sent_count: x.sent_count,
            failed_count: x.failed_count,
            status: BatchStatus::parse(&x.status).unwrap_or(BatchStatus::Sending),
            batch_no: x.batch_no,
        })
        .collect())
}

/// PG-27's list, newest first (drafts by when they were last saved).
pub async fn list(db: &DatabaseConnection, user: &CurrentUser, f: &BatchFilter) -> AppResult<Page<BatchRow>> {
    f.validate()?;
    let mut q = b::Entity::find().filter(visible(user));
    if !f.kind.is_empty() {
        q = q.filter(b::Column::EmailKind.eq(&f.kind));
    }
    if !f.status.is_empty() {
        q = q.filter(b::Column::Status.eq(&f.status));
    }
    if let Some(org) = f.org {
        q = q.filter(b::Column::OrganizationId.eq(org));
    }
    if !f.sender.trim().is_empty() {
        let ids: Vec<i64> = crate::auth::entity::account::Entity::find()
            .filter(crate::auth::entity::account::Column::Name.contains(f.sender.trim()))
            .all(db)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
        q = q.filter(b::Column::SenderId.is_in(ids));
    }
    q = q.filter(ts_range(Expr::col(b::Column::SentAt), &f.from, &f.to));
    let q = q.order_by_desc(b::Column::UpdatedAt).order_by_desc(b::Column::Id);
    let page = fetch_page(db, q, f.page, f.per_page).await?;
    let items = rows(db, page.items).await?;
    Ok(Page { items, total: page.total, page: page.page, per_page: page.per_page, counted_to: page.counted_to })
}

async fn visible_batch(db: &DatabaseConnection, user: &CurrentUser, id: i64) -> AppResult<b::Model> {
    b::Entity::find_by_id(id).filter(visible(user)).one(db).await?.ok_or(AppError::NotFound)
}

/// Whether `user` may 重发失败邮件 of `x`: its sender, or 主管/经理 of its organisation.
fn may_resend(user: &CurrentUser, x: &b::Model) -> bool {
    x.sender_id == user.account.id
        || (RoleCode::is_reviewer(user.role_code()) && user.scope.allows(x.organization_id, None))
}

/// A batch with one page of its recipients (`status`: only those).
pub async fn detail(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i64,
    status: &str,
    page: u64,
) -> AppResult<BatchDetail> {
    let x = visible_batch(db, user, id).await?;
    let mut q = rec::Entity::find().filter(rec::Column::BatchId.eq(x.id));
    if let Some(s) = SendStatus::parse(status) {
        q = q.filter(rec::Column::Status.eq(s.code()));
    }
    let recipients = fetch_page(db, q.order_by_asc(rec::Column::Id), page, 50).await?;
    let names = crate::db::names::<crate::members::entity::customer::Entity>(
        db,
        recipients.items.iter().map(|r| r.customer_id).collect(),
        crate::members::entity::customer::Column::Id,
        |c| (c.id, c.company_name.or(c.login_name).unwrap_or(c.customer_no)),
    )
    .await?;
    let recipients = recipients.map(|r| RecipientStatus {
        id: r.id,
        customer_id: r.customer_id,
        company_name: names.get(&r.customer_id).cloned().unwrap_or_default(),
        email: r.email,
        status: SendStatus::parse(&r.status).unwrap_or(SendStatus::Pending),
        attempts: r.attempts,
        sent_at: r.sent_at,
        error_message: r.error_message,
    });
    let smtp_missing = super::settings::smtp(db).await.map(|s| s.is_none()).unwrap_or(false);
    let may = may_resend(user, &x) && x.failed_count > 0;
    let attachments = super::attachments::attachments_of(db, x.id).await?;
    let body_html = x.body_html.clone();
    let batch = rows(db, vec![x]).await?.remove(0);
    Ok(BatchDetail { batch, body_html, attachments, recipients, may_resend: may, smtp_missing })
}

/// 重发失败邮件: the batch's failed recipients go back to the queue (same rows, new attempts);
/// answers how many.
pub async fn resend_failed(db: &DatabaseConnection, user: &CurrentUser, id: i64) -> AppResult<u64> {
    let txn = crate::db::write_txn(db).await?;
    let x = b::Entity::find_by_id(id).filter(visible(user)).one(&txn).await?.ok_or(AppError::NotFound)?;
    if !may_resend(user, &x) {
        return Err(AppError::Forbidden);
    }
    let n = rec::Entity::update_many()
        .col_expr(rec::Column::Status, Expr::value(SendStatus::Pending.code()))
        .col_expr(rec::Column::Attempts, Expr::value(0))
        .col_expr(rec::Column::NextAttemptAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .col_expr(rec::Column::LeaseUntil, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .filter(rec::Column::BatchId.eq(x.id))
        .filter(rec::Column::Status.eq(SendStatus::Failed.code()))
        .exec(&txn)
        .await?
        .rows_affected;
    if n == 0 {
        return Err(AppError::rejected("该批次没有发送失败的邮件", "This batch has no failed e-mails"));
    }
    b::Entity::update_many()
        .col_expr(b::Column::FailedCount, Expr::col(b::Column::FailedCount).sub(n as i32))
        .col_expr(b::Column::Status, Expr::value(BatchStatus::Sending.code()))
        .col_expr(b::Column::FinishedAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .col_expr(b::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(b::Column::Id.eq(x.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        user,
        Entry::new(Perm::IntakeMemberEmail.code(), "resend", "email_batch")
            .target(x.id, &x.batch_no)
            .detail(json!({ "recipients": n })),
    )
    .await?;
    txn.commit().await?;
    Ok(n)
}
