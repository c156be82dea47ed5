//! What the import pages show of a job: its counts and state, its staged rows with their
//! problems (and, once committed, the review state of the records they became), the error
//! report, and whether it may still be undone.
use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entity::{entry_review, import_job, import_row};
use super::{ImportJobView, ImportKind, ImportRowView, ImportStatus, ReviewStatus, RowStatus};
use crate::auth::session::CurrentUser;
use crate::auth::{Perm, RoleCode};
use crate::db::account_names;
use crate::error::{AppError, AppResult};
use crate::members::entity::{contact, customer, service_record};

/// The job `id` if `user` may see it: its entrant, its approver, or a manager in scope.
pub(super) async fn visible_job(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: i64,
) -> AppResult<import_job::Model> {
    let job = import_job::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    let me = user.account.id;
    let manager = user.has(Perm::ArchiveReview) && user.scope.allows(job.organization_id, Some(job.uploaded_by));
    if job.uploaded_by == me || job.approver_id == Some(me) || manager { Ok(job) } else { Err(AppError::NotFound) }
}

pub async fn view(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<ImportJobView> {
    let job = visible_job(db, user, id).await?;
    let review = match job.review_id {
        Some(r) => entry_review::Entity::find_by_id(r).one(db).await?,
        None => None,
    };
    let names = account_names(db, [Some(job.uploaded_by), job.approver_id].into_iter().flatten().collect()).await?;
    let me = user.account.id;
    let can_undo = job.status() == Some(ImportStatus::Done)
        && (job.uploaded_by == me || user.role_code() == Some(RoleCode::CsManager))
        && dependents(db, &job).await? == 0;
    Ok(ImportJobView {
        id: job.id,
        kind: job.kind.clone(),
        file_name: job.file_name.clone(),
        uploaded_by: names.get(&job.uploaded_by).cloned().unwrap_or_default(),
        uploaded_by_me: job.uploaded_by == me,
        uploaded_at: job.uploaded_at,
        status: job.status.clone(),
        total_rows: job.total_rows,
        valid_rows: job.valid_rows,
        error_rows: job.error_rows,
        duplicate_rows: job.duplicate_rows,
        imported_rows: job.imported_rows,
        can_review: review
            .as_ref()
            .is_some_and(|r| r.status() == Some(ReviewStatus::Pending) && r.approver_id == Some(me)),
        review_id: job.review_id,
        review_status: review.as_ref().map(|r| r.status.clone()),
        approver: job.approver_id.and_then(|a| names.get(&a).cloned()),
        comment: review.and_then(|r| r.decision_comment),
        undone_at: job.undone_at,
        message: job.message.clone(),
        can_commit: job.status() == Some(ImportStatus::AwaitingConfirm) && job.uploaded_by == me,
        can_undo,
    })
}

/// One page of the staged rows (`status` = "" for all, or valid / error / duplicate). After
/// the commit, each row shows the review state of the record it became.
pub async fn rows(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: i64,
    status: &str,
    page: u64,
    per_page: u64,
) -> AppResult<crate::ui::Page<ImportRowView>> {
    let job = visible_job(db, user, id).await?;
    let kind = job.kind()?;
    let mut q = import_row::Entity::find().filter(import_row::Column::JobId.eq(id));
    if !status.is_empty() {
        q = q.filter(import_row::Column::Status.eq(status));
    }
    let list = crate::db::fetch_page(db, q.order_by_asc(import_row::Column::Line), page, per_page).await?;
    let records: Vec<i64> = list.items.iter().filter_map(|r| r.record_id).collect();
    let states: HashMap<i64, String> = if kind == ImportKind::Contacts {
        contact::Entity::find()
            .filter(contact::Column::Id.is_in(records))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.review_status))
            .collect()
    } else {
        customer::Entity::find()
            .filter(customer::Column::Id.is_in(records))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.review_status))
            .collect()
    };
    Ok(list.map(|r| {
        let data: HashMap<String, String> = serde_json::from_str(&r.data).unwrap_or_default();
        ImportRowView {
            line: r.line,
            status: r.status,
            cells: kind.columns().iter().map(|c| data.get(c.0).cloned().unwrap_or_default()).collect(),
            errors: serde_json::from_str(&r.errors).unwrap_or_default(),
            duplicates: serde_json::from_str(&r.duplicates).unwrap_or_default(),
            record_status: r.record_id.and_then(|id| states.get(&id).cloned()),
            record_id: r.record_id,
        }
    }))
}

/// Records of the job that have data of their own (service records, contacts entered
/// later): the import can no longer be undone.
pub(super) async fn dependents(db: &impl ConnectionTrait, job: &import_job::Model) -> AppResult<u64> {
    if job.kind()? == ImportKind::Contacts {
        return Ok(0);
    }
    let ids: Vec<i64> = customer::Entity::find()
        .filter(customer::Column::ImportJobId.eq(job.id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let mut n = 0;
    for chunk in ids.chunks(2000) {
        n += service_record::Entity::find()
            .filter(service_record::Column::CustomerId.is_in(chunk.to_vec()))
            .count(db)
            .await?;
        n += contact::Entity::find()
            .filter(contact::Column::CustomerId.is_in(chunk.to_vec()))
            .filter(
                sea_orm::Condition::any()
                    .add(contact::Column::ImportJobId.is_null())
                    .add(contact::Column::ImportJobId.ne(job.id)),
            )
            .count(db)
            .await?;
    }
    Ok(n)
}

/// The user's recent import jobs.
pub async fn recent(db: &impl ConnectionTrait, user: &CurrentUser) -> AppResult<Vec<ImportJobView>> {
    let jobs = import_job::Entity::find()
        .filter(import_job::Column::UploadedBy.eq(user.account.id))
        .order_by_desc(import_job::Column::Id)
        .limit(10)
        .all(db)
        .await?;
    let mut out = vec![];
    for j in jobs {
        out.push(view(db, user, j.id).await?);
    }
    Ok(out)
}

/// The error report of a job: one line per problem (row, column, value, message), as CSV.
pub async fn error_report(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<(String, Vec<u8>)> {
    let job = visible_job(db, user, id).await?;
    let kind = job.kind()?;
    let rows = import_row::Entity::find()
        .filter(import_row::Column::JobId.eq(id))
        .filter(import_row::Column::Status.ne(RowStatus::Valid.code()))
        .order_by_asc(import_row::Column::Line)
        .all(db)
        .await?;
    let defuse = crate::members::export::defuse;
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(["行号", "列", "值", "问题"]).map_err(AppError::internal)?;
    for r in rows {
        let data: HashMap<String, String> = serde_json::from_str(&r.data).unwrap_or_default();
        let errors: Vec<(String, String)> = serde_json::from_str(&r.errors).unwrap_or_default();
        let dups: Vec<String> = serde_json::from_str(&r.duplicates).unwrap_or_default();
        let line = r.line.to_string();
        for (field, msg) in errors {
            let header = kind.columns().iter().find(|c| c.0 == field).map(|c| c.1).unwrap_or(field.as_str());
            let value = data.get(&field).cloned().unwrap_or_default();
            w.write_record([line.clone(), header.to_string(), defuse(&value), defuse(&msg)])
                .map_err(AppError::internal)?;
        }
        for d in dups {
            w.write_record([line.clone(), String::new(), String::new(), format!("疑似重复:{d}")])
                .map_err(AppError::internal)?;
        }
    }
    let out = w.into_inner().map_err(AppError::internal)?;
    let name = format!("{}_错误报告.csv", job.file_name.trim_end_matches(".xlsx").trim_end_matches(".csv"));
    Ok((name, out))
}
