//! CM sync (SPEC §1.3, D1–D3): the member master data, the members' published information and
//! the info-push log come from the platform's CM back-end. `apply` takes the rows of one sync
//! kind — from an uploaded file today (`read_file`), from a scheduled connector later (anything
//! that yields `CmRow`s) — validates every row, and then upserts them by their CM ids in ONE
//! transaction: a run with a bad row writes nothing and reports every bad row; a run that
//! fails or is killed half-way leaves nothing behind. Each run is a `sync_run` row with its
//! counts and error report.
pub(crate) mod check;
mod items;
mod members;

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection};
use serde::Serialize;

pub use super::sync_kind::{SyncKind, SyncStatus};

use super::entity::sync_run;
use crate::error::{AppError, AppResult};
use crate::tabular::Table;

/// One row from CM: field name → text, with where it came from (line of the file).
#[derive(Debug, Clone, Default)]
pub struct CmRow {
    pub line: usize,
    pub fields: HashMap<&'static str, String>,
}

impl CmRow {
    pub(super) fn get(&self, k: &str) -> &str {
        self.fields.get(k).map(String::as_str).unwrap_or("")
    }
}

/// A rejected row: its line, the field and why.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct RowError {
    pub line: usize,
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SyncOutcome {
    pub run_id: i64,
    pub read: usize,
    pub inserted: usize,
    pub updated: usize,
    pub errors: Vec<RowError>,
    /// Enumeration values CM sent that the CRM does not know (mapped and logged, OP-01).
    #[serde(skip)]
    pub unmapped: check::Unmapped,
}

/// The rows of an uploaded file in `kind`'s layout; a missing required column is an error.
pub fn read_file(kind: SyncKind, table: &Table) -> AppResult<Vec<CmRow>> {
    let columns = table.layout_columns(kind.layout().iter().map(|(f, zh, req)| (*f, *zh, *req)))?;
    Ok(table
        .rows
        .iter()
        .map(|(line, cells)| CmRow {
            line: *line,
            fields: columns.iter().map(|(f, i)| (*f, cells.get(*i).cloned().unwrap_or_default())).collect(),
        })
        .collect())
}

/// Runs one sync: records the run, applies `rows` atomically, finishes the run with its
/// counts (or its error report). `progress` gets the rows processed so far.
pub async fn run(
    db: &DatabaseConnection,
    kind: SyncKind,
    mode: &str,
    file_name: Option<&str>,
    rows: Vec<CmRow>,
    triggered_by: Option<i64>,
    progress: impl Fn(u64),
) -> AppResult<SyncOutcome> {
    let started = Utc::now();
    let run = sync_run::ActiveModel {
        kind: Set(kind.code().into()),
        mode: Set(mode.into()),
        file_name: Set(file_name.map(|f| f.chars().take(255).collect())),
        started_at: Set(started),
        status: Set(SyncStatus::Running.code().into()),
        rows_read: Set(rows.len() as i32),
        triggered_by: Set(triggered_by),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let result = apply(db, kind, &rows, &progress).await;
    let mut done: sync_run::ActiveModel = run.clone().into();
    done.finished_at = Set(Some(Utc::now()));
    let outcome = match result {
        Ok(mut o) => {
            o.run_id = run.id;
            // The report: every bad row, then one line per field with unknown values.
            let report: Vec<RowError> = o.errors.iter().cloned().chain(o.unmapped.report()).collect();
            if !report.is_empty() {
                done.error_report = Set(Some(serde_json::to_string(&report).unwrap_or_default()));
            }
            if o.errors.is_empty() {
                done.status = Set(SyncStatus::Succeeded.code().into());
                done.rows_inserted = Set(o.inserted as i32);
                done.rows_updated = Set(o.updated as i32);
                done.rows_skipped = Set(o.unmapped.skipped_rows() as i32);
            } else {
                done.status = Set(SyncStatus::Failed.code().into());
                done.rows_failed = Set(o.errors.iter().map(|e| e.line).collect::<HashSet<_>>().len() as i32);
                done.rows_skipped = Set(o.read as i32);
            }
            Ok(o)
        }
        Err(e) => {
            done.status = Set(SyncStatus::Failed.code().into());
            done.error_report = Set(Some(e.message(crate::i18n::Locale::Zh)));
            Err(e)
        }
    };
    done.update(db).await?;
    if kind == SyncKind::Members && outcome.as_ref().is_ok_and(|o| o.errors.is_empty() && o.inserted + o.updated > 0) {
        // Levels and service dates may have changed: the service years follow at once (a
        // member's page settles its own year even before the job reaches it).
        crate::fulfilment::work::upkeep_now(&crate::jobs::Jobs::new(db.clone())).await?;
    }
    outcome
}

/// Runs left `running` that no running sync job works on any more (their process stopped, and
/// their writes, one transaction, were rolled back) are marked `interrupted`, the note in
/// their report (see `crate::upkeep`). Answers how many.
pub async fn mark_interrupted(db: &impl ConnectionTrait) -> AppResult<u64> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let note = [RowError { line: 0, field: String::new(), message: crate::jobs::INTERRUPTED.0.into() }];
    let done = sync_run::Entity::update_many()
        .col_expr(sync_run::Column::Status, Expr::value(SyncStatus::Interrupted.code()))
        .col_expr(sync_run::Column::FinishedAt, Expr::value(Utc::now()))
        .col_expr(sync_run::Column::ErrorReport, Expr::value(serde_json::to_string(&note).unwrap_or_default()))
        .filter(sync_run::Column::Status.eq(SyncStatus::Running.code()))
        .filter(crate::jobs::no_running_job(crate::jobs::JobKind::Sync, (sync_run::Entity, sync_run::Column::Id)))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Validates every row, then (only if all are valid) writes them in one transaction.
async fn apply(
    db: &DatabaseConnection,
    kind: SyncKind,
    rows: &[CmRow],
    progress: &impl Fn(u64),
) -> AppResult<SyncOutcome> {
    let look = check::lookups(db).await?;
    let mut out = SyncOutcome { read: rows.len(), ..Default::default() };
    let now = Utc::now().with_timezone(&Utc);
    match kind {
        SyncKind::Members => members::upsert(db, &look, rows, now, &mut out, progress).await?,
        SyncKind::PublishedInfo | SyncKind::PushLogs => {
            items::upsert(db, kind, &look, rows, now, &mut out, progress).await?
        }
    }
    Ok(out)
}

/// Existing ids of `keys` in `table.column`, fetched in chunks.
pub(super) async fn existing(
    db: &impl ConnectionTrait,
    table: &str,
    column: &str,
    keys: &[String],
) -> AppResult<HashMap<String, i64>> {
    let mut map = HashMap::new();
    for chunk in keys.chunks(5000) {
        let mut q = Query::select();
        q.column(Alias::new("id"))
            .column(Alias::new(column))
            .from(Alias::new(table))
            .and_where(Expr::col(Alias::new(column)).is_in(chunk.iter().cloned()));
        for row in db.query_all(&q).await? {
            map.insert(row.try_get::<String>("", column)?, row.try_get::<i64>("", "id")?);
        }
    }
    Ok(map)
}

/// Starts a file sync in the background (PG-94 upload): checks the file at once (a file that
/// cannot be read or is beyond the limits is refused here), then reads it, runs the sync as
/// `user` and writes the operation log; the page polls the job.
pub async fn start_upload(
    state: &crate::state::AppState,
    user: crate::auth::session::CurrentUser,
    kind: SyncKind,
    file_name: String,
    bytes: Vec<u8>,
) -> AppResult<crate::jobs::JobStatus> {
    let name = file_name.clone();
    let upload =
        tokio::task::spawn_blocking(move || crate::tabular::open(&name, bytes)).await.map_err(AppError::internal)??;
    let job = state.jobs.start(user.account.id, crate::jobs::JobKind::Sync).await?;
    let status = job.status();
    let db = state.db.clone();
    tokio::spawn(async move {
        let work = async {
            let table = tokio::task::spawn_blocking(move || upload.table()).await.map_err(AppError::internal)??;
            let rows = read_file(kind, &table)?;
            job.set_total(rows.len() as u64).await?;
            let progress_job = job.clone();
            let outcome = run(&db, kind, "file_upload", Some(&file_name), rows, Some(user.account.id), move |n| {
                progress_job.progress(n)
            })
            .await?;
            let entry = crate::auth::audit::Entry::new(crate::auth::Perm::SystemSync.code(), "import", "sync_run")
                .target(outcome.run_id, file_name.clone())
                .detail(serde_json::json!({
                    "kind": kind.code(), "read": outcome.read, "inserted": outcome.inserted,
                    "updated": outcome.updated, "rejected_rows": outcome.errors.len(),
                    "skipped_rows": outcome.unmapped.skipped_rows(),
                    "unmapped": outcome.unmapped.report().into_iter().map(|e| e.message).collect::<Vec<_>>(),
                }));
            crate::auth::audit::record(&db, &user, entry).await?;
            if outcome.errors.is_empty() {
                Ok(())
            } else {
                Err(AppError::rejected(
                    &format!("有 {} 处错误,本次同步未写入任何数据;请修正后重新上传", outcome.errors.len()),
                    &format!("{} errors: nothing was written; fix the file and upload again", outcome.errors.len()),
                ))
            }
        };
        let result = work.await;
        job.finish(result.map(|()| None).map_err(|e| {
            crate::error::Text::new(e.message(crate::i18n::Locale::Zh), e.message(crate::i18n::Locale::En))
        }))
        .await;
    });
    Ok(status)
}
