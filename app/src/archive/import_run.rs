//! The import's two long steps as background jobs the page watches: reading and checking an
//! uploaded file, and committing the checked rows.
use super::ImportKind;
use super::import;
use crate::auth::Perm;
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult, Text};
use crate::i18n::Locale;
use crate::jobs::{JobKind, JobStatus};
use crate::state::AppState;

fn text(e: &AppError) -> Text {
    Text::new(e.message(Locale::Zh), e.message(Locale::En))
}

/// Starts checking an uploaded file: a file that cannot be read or is beyond the limits is
/// refused at once; otherwise the import job row exists at once (its id is in the status) and
/// the rows are read and staged in the background.
pub async fn start_stage(
    state: &AppState,
    user: CurrentUser,
    kind: ImportKind,
    file_name: String,
    bytes: Vec<u8>,
) -> AppResult<JobStatus> {
    let name = file_name.clone();
    let upload =
        tokio::task::spawn_blocking(move || crate::tabular::open(&name, bytes)).await.map_err(AppError::internal)??;
    // The job first: an import check is interrupted only when no running job works on it.
    let job = state.jobs.start(user.account.id, JobKind::ImportCheck).await?;
    let row = import::create_job(&state.db, &user, kind, &file_name).await?;
    job.set_record(row.id).await?;
    let status = job.status();
    let db = state.db.clone();
    tokio::spawn(async move {
        let work = async {
            let table = tokio::task::spawn_blocking(move || upload.table()).await.map_err(AppError::internal)??;
            job.set_total(table.rows.len() as u64).await?;
            let progress = |n| job.progress(n);
            import::stage(&db, &user, row.id, kind, &table, &progress).await
        };
        match work.await {
            Ok(_) => job.finish(Ok(None)).await,
            Err(e) => {
                let _ = import::fail_job(&db, row.id, e.message(Locale::Zh)).await;
                job.finish(Err(text(&e))).await;
            }
        }
    });
    Ok(status)
}

/// Starts committing job `id`; the approver and the reason are checked before it starts.
pub async fn start_commit(
    state: &AppState,
    user: CurrentUser,
    id: i64,
    approver: Option<i64>,
    with_duplicates: bool,
    reason: String,
) -> AppResult<JobStatus> {
    let view = super::import_view::view(&state.db, &user, id).await?;
    if !view.can_commit {
        return Err(AppError::rejected("该导入已提交或不属于您", "This import cannot be committed by you"));
    }
    // Checked here too, so that a missing approver or reason is shown at its field.
    import::commit_input(&state.db, &user, approver, with_duplicates, &reason).await?;
    let job = state.jobs.start(user.account.id, JobKind::ImportCommit).await?;
    job.set_record(id).await?;
    let rows = view.valid_rows + if with_duplicates { view.duplicate_rows } else { 0 };
    job.set_total(rows.max(0) as u64).await?;
    let status = job.status();
    let db = state.db.clone();
    tokio::spawn(async move {
        let progress = |n| job.progress(n);
        let result = import::commit(&db, &user, id, approver, with_duplicates, reason, &progress).await;
        if let Err(e) = &result {
            let entry = Entry::new(Perm::ArchiveImport.code(), "import", "import_job")
                .target(id, view.file_name.clone())
                .detail(serde_json::json!({ "failed": e.message(Locale::Zh) }));
            let _ = audit::write(&db, user.account.id, user.account.organization_id, &user.meta, entry, false).await;
        }
        job.finish(result.map(|_| None).map_err(|e| text(&e))).await;
    });
    Ok(status)
}
