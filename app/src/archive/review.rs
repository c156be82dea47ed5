//! 审核中心 (PG-73, SM-6 step 6): the approver chosen by the entrant approves or rejects (with a
//! reason) a customer entry or a whole import batch — rejecting single rows of a batch if need
//! be. Only that approver, holding the review right, decides; the entrant never does.
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::entity::{entry_review, import_job};
use super::{ImportKind, ReviewAction, ReviewFilter, ReviewRow, ReviewStatus, ReviewTarget};
use crate::auth::Perm;
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::db::account_names;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::members::conditions::ts_range;
use crate::members::entity::{contact, customer};
use crate::ui::Page;

/// Whether `user` may act as an approver at all.
pub fn may_review(user: &CurrentUser) -> bool {
    user.has(Perm::ArchiveReview) || user.account.can_review
}

fn col(name: &str) -> sea_orm::sea_query::Expr {
    Expr::col((entry_review::Entity, sea_orm::sea_query::Alias::new(name)))
}

pub async fn list(db: &impl ConnectionTrait, user: &CurrentUser, f: &ReviewFilter) -> AppResult<Page<ReviewRow>> {
    let me = user.account.id;
    let tab = if f.tab.is_empty() { if may_review(user) { "todo" } else { "mine" } } else { f.tab.as_str() };
    let mut cond = match tab {
        "todo" => Condition::all()
            .add(entry_review::Column::ApproverId.eq(me))
            .add(entry_review::Column::Status.eq(ReviewStatus::Pending.code())),
        "done" => Condition::all()
            .add(entry_review::Column::ApproverId.eq(me))
            .add(entry_review::Column::Status.is_in([ReviewStatus::Approved.code(), ReviewStatus::Rejected.code()])),
        "mine" => Condition::all().add(entry_review::Column::SubmittedBy.eq(me)),
        _ => return Err(AppError::field("tab", "未知的页签", "Unknown tab")),
    };
    if !f.target_type.is_empty() {
        cond = cond.add(entry_review::Column::TargetType.eq(f.target_type.as_str()));
    }
    if !f.status.is_empty() {
        cond = cond.add(entry_review::Column::Status.eq(f.status.as_str()));
    }
    cond = cond.add(ts_range(col("submitted_at"), &f.from, &f.to));
    let select = entry_review::Entity::find()
        .filter(cond)
        .order_by_desc(entry_review::Column::SubmittedAt)
        .order_by_desc(entry_review::Column::Id);
    let rows = crate::db::fetch_page(db, select, f.page, f.per_page).await?;
    let ids: Vec<i64> = rows.items.iter().flat_map(|r| [Some(r.submitted_by), r.approver_id]).flatten().collect();
    let names = account_names(db, ids).await?;
    Ok(rows.map(|r| ReviewRow {
        id: r.id,
        target_type: r.target(),
        status: r.status(),
        target_id: r.target_id,
        summary: r.summary,
        submitted_by: names.get(&r.submitted_by).cloned().unwrap_or_default(),
        submitted_by_me: r.submitted_by == me,
        submitted_at: r.submitted_at,
        approver: r.approver_id.and_then(|a| names.get(&a).cloned()),
        approver_is_me: r.approver_id == Some(me),
        decided_at: r.decided_at,
        comment: r.decision_comment,
        duplicate_reason: r.duplicate_reason,
        revision: r.revision,
    }))
}

/// How many entries wait for `user`'s decision.
pub async fn pending_count(db: &impl ConnectionTrait, user: &CurrentUser) -> AppResult<u64> {
    Ok(entry_review::Entity::find()
        .filter(entry_review::Column::ApproverId.eq(user.account.id))
        .filter(entry_review::Column::Status.eq(ReviewStatus::Pending.code()))
        .count(db)
        .await?)
}

/// Approves or rejects review `id`. For an import batch, `reject_rows` names customers or
/// contacts of the batch rejected on their own while the rest is approved.
pub async fn decide(
    db: &sea_orm::DatabaseConnection,
    user: &CurrentUser,
    id: i64,
    approve: bool,
    comment: String,
    reject_rows: Vec<i64>,
) -> AppResult<()> {
    let comment = comment.trim().to_string();
    let mut e = FieldErrors::default();
    if !approve && comment.is_empty() {
        e.add("comment", "驳回时必须填写原因", "Give the reason for the rejection");
    }
    if !reject_rows.is_empty() && comment.is_empty() {
        e.add("comment", "驳回部分行时必须填写原因", "Give the reason for rejecting rows");
    }
    if comment.chars().count() > 500 {
        e.add("comment", "原因最多 500 个字", "At most 500 characters");
    }
    e.into_result()?;
    let txn = crate::db::write_txn(db).await?;
    let review = entry_review::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
    if review.approver_id != Some(user.account.id) {
        return Err(if review.submitted_by == user.account.id { AppError::Forbidden } else { AppError::NotFound });
    }
    if !may_review(user) {
        return Err(AppError::Forbidden);
    }
    let status = ReviewStatus::after(review.status(), ReviewAction::decide(approve))?;
    let now = Utc::now();
    let reason = (!comment.is_empty()).then(|| comment.clone());
    // Claim the decision with a conditional UPDATE: on PostgreSQL two approvers' transactions
    // both read "pending" above; the second UPDATE waits for the first to commit, then matches
    // no row and is told the entry was decided (a SQLite write transaction is already serial).
    let update = entry_review::Entity::update_many()
        .col_expr(entry_review::Column::Status, Expr::value(status.code()))
        .col_expr(entry_review::Column::DecidedAt, Expr::value(now))
        .col_expr(entry_review::Column::DecisionComment, Expr::value(reason.clone()));
    let state = (entry_review::Column::Status, review.status.as_str());
    if !crate::db::claim(&txn, update, (entry_review::Column::Id, id), state).await? {
        return Err(ReviewStatus::already_decided());
    }
    let mut rejected_rows = 0u64;
    match review.target() {
        Some(ReviewTarget::Customer) => {
            customer::Entity::update_many()
                .col_expr(customer::Column::ReviewStatus, Expr::value(status.code()))
                .col_expr(customer::Column::ReviewedAt, Expr::value(now))
                .col_expr(customer::Column::ReviewReason, Expr::value(reason.clone()))
                .filter(customer::Column::Id.eq(review.target_id))
                .exec(&txn)
                .await?;
        }
        Some(ReviewTarget::ImportJob) => {
            let job = import_job::Entity::find_by_id(review.target_id).one(&txn).await?.ok_or(AppError::NotFound)?;
            if approve && !reject_rows.is_empty() {
                rejected_rows = set_batch(&txn, &job, &reject_rows, ReviewStatus::Rejected, now, &reason).await?;
            }
            let rest = set_batch(&txn, &job, &[], status, now, &reason).await?;
            if !approve {
                rejected_rows = rest;
            }
        }
        None => return Err(AppError::NotFound),
    }
    let summary = review.summary.clone();
    let target = (review.target_type.clone(), review.target_id);
    let entry = Entry::new(Perm::ArchiveReview.code(), if approve { "approve" } else { "reject" }, &target.0)
        .target(target.1, summary)
        .detail(json!({ "review_id": id, "comment": reason, "rejected_rows": rejected_rows }));
    audit::record(&txn, user, entry).await?;
    crate::notify::service::review_decided(
        &txn,
        user,
        review.submitted_by,
        &review.summary,
        approve,
        reason.as_deref(),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Sets the review state of a batch's still-pending customers or contacts (`only`: just
/// these ids; empty = all of them). Returns how many changed.
async fn set_batch(
    txn: &impl ConnectionTrait,
    job: &import_job::Model,
    only: &[i64],
    status: ReviewStatus,
    now: chrono::DateTime<Utc>,
    reason: &Option<String>,
) -> AppResult<u64> {
    let pending = ReviewStatus::Pending.code();
    let changed = if job.kind()? == ImportKind::Contacts {
        let mut q = contact::Entity::update_many()
            .col_expr(contact::Column::ReviewStatus, Expr::value(status.code()))
            .filter(contact::Column::ImportJobId.eq(job.id))
            .filter(contact::Column::ReviewStatus.eq(pending));
        if !only.is_empty() {
            q = q.filter(contact::Column::Id.is_in(only.to_vec()));
        }
        q.exec(txn).await?.rows_affected
    } else {
        let mut q = customer::Entity::update_many()
            .col_expr(customer::Column::ReviewStatus, Expr::value(status.code()))
            .col_expr(customer::Column::ReviewedAt, Expr::value(now))
            .col_expr(
                customer::Column::ReviewReason,
                Expr::value(reason.clone().filter(|_| status == ReviewStatus::Rejected)),
            )
            .filter(customer::Column::ImportJobId.eq(job.id))
            .filter(customer::Column::ReviewStatus.eq(pending));
        if !only.is_empty() {
            q = q.filter(customer::Column::Id.is_in(only.to_vec()));
        }
        q.exec(txn).await?.rows_affected
    };
    Ok(changed)
}
