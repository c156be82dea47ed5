//! Server functions of 档案管理: each checks the permission, then works inside the user's
//! scope; the entry, review and import rules live in `entry`, `review` and `import`.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{
    ArchiveFilter, ArchiveRow, CustomerInput, EntryOptions, EntryOutcome, EntryRecord, ImportJobView, ImportRowView,
    ReviewFilter, ReviewRow,
};
use crate::error::AppError;
use crate::jobs::JobStatus;
use crate::ui::Page;

#[cfg(feature = "ssr")]
use crate::{
    archive::{entry, import, import_run, import_view, list, review},
    auth::{
        Perm,
        session::{Access, serve},
    },
};

/// Approvers, organisations and whether the user is review-exempt, for the entry forms.
#[server(endpoint = "archive/options", input = Json)]
pub async fn load_entry_options() -> Result<EntryOptions, AppError> {
    serve(Access::Any(&[Perm::ArchiveCustomer, Perm::ArchiveImport]), |ctx, user| async move {
        entry::options(&ctx.state.db, &user).await
    })
    .await
}

/// Saves a customer entry (`existing` = (id, version) when editing): a draft, or submitted
/// for review. Suspected duplicates come back instead unless `acknowledge`.
#[server(endpoint = "archive/save", input = Json)]
pub async fn save_customer_entry(
    existing: Option<(i64, i32)>,
    input: CustomerInput,
    submit: bool,
    acknowledge: bool,
) -> Result<EntryOutcome, AppError> {
    serve(Perm::ArchiveCustomer, |ctx, user| async move {
        entry::save(&ctx.state.db, &user, existing, input, submit, acknowledge).await
    })
    .await
}

#[server(endpoint = "archive/load", input = Json)]
pub async fn load_customer_entry(id: i64) -> Result<EntryRecord, AppError> {
    serve(Perm::ArchiveCustomer, |ctx, user| async move { entry::load(&ctx.state.db, &user, id).await }).await
}

#[server(endpoint = "archive/list", input = Json)]
pub async fn list_archive(filter: ArchiveFilter) -> Result<Page<ArchiveRow>, AppError> {
    serve(Perm::ArchiveCustomer, |ctx, user| async move { list::list(&ctx.state.db, &user, &filter).await }).await
}

#[server(endpoint = "archive/delete", input = Json)]
pub async fn delete_customer_entry(id: i64) -> Result<(), AppError> {
    serve(Perm::ArchiveCustomer, |ctx, user| async move { entry::delete(&ctx.state.db, &user, id).await }).await
}

/// 审核中心: one tab of reviews.
#[server(endpoint = "reviews/list", input = Json)]
pub async fn list_reviews(filter: ReviewFilter) -> Result<Page<ReviewRow>, AppError> {
    // 审核中心 is every account's (PG-73): what one submitted or is asked to decide.
    serve(Access::Login, |ctx, user| async move { review::list(&ctx.state.db, &user, &filter).await }).await
}

/// How many entries wait for the user's decision (the 审核中心 badge).
#[server(endpoint = "reviews/pending", input = Json)]
pub async fn count_pending_reviews() -> Result<u64, AppError> {
    serve(Access::Login, |ctx, user| async move { review::pending_count(&ctx.state.db, &user).await }).await
}

/// Approves or rejects (reason required) review `id`; `reject_rows` rejects single records
/// of an approved import batch.
#[server(endpoint = "reviews/decide", input = Json)]
pub async fn decide_review(id: i64, approve: bool, comment: String, reject_rows: Vec<i64>) -> Result<(), AppError> {
    serve(Access::Login, |ctx, user| async move {
        review::decide(&ctx.state.db, &user, id, approve, comment, reject_rows).await
    })
    .await
}

/// The user's recent imports.
#[server(endpoint = "imports/recent", input = Json)]
pub async fn list_recent_imports() -> Result<Vec<ImportJobView>, AppError> {
    serve(Perm::ArchiveImport, |ctx, user| async move { import_view::recent(&ctx.state.db, &user).await }).await
}

/// An import batch, for whoever may see it (`visible_job`: its entrant, the approver it was
/// sent to — who may hold neither the import nor the review right, as 审核中心 is every
/// account's — or a reviewer in scope).
#[server(endpoint = "imports/view", input = Json)]
pub async fn get_import_job(id: i64) -> Result<ImportJobView, AppError> {
    serve(Access::Login, |ctx, user| async move { import_view::view(&ctx.state.db, &user, id).await }).await
}

/// One page of an import's rows; `status` narrows to valid / error / duplicate rows.
#[server(endpoint = "imports/rows", input = Json)]
pub async fn list_import_rows(
    id: i64,
    status: String,
    page: u64,
    per_page: u64,
) -> Result<Page<ImportRowView>, AppError> {
    serve(Access::Login, |ctx, user| async move {
        import_view::rows(&ctx.state.db, &user, id, &status, page, per_page).await
    })
    .await
}

/// Commits an import's valid rows (a background job: the page watches its progress).
#[server(endpoint = "imports/commit", input = Json)]
pub async fn commit_import(
    id: i64,
    approver_id: Option<i64>,
    with_duplicates: bool,
    reason: String,
) -> Result<JobStatus, AppError> {
    serve(Perm::ArchiveImport, |ctx, user| async move {
        import_run::start_commit(&ctx.state, user, id, approver_id, with_duplicates, reason).await
    })
    .await
}

/// Undoes a committed import as a unit; answers how many records were removed.
#[server(endpoint = "imports/undo", input = Json)]
pub async fn undo_import(id: i64) -> Result<u64, AppError> {
    serve(Perm::ArchiveImport, |ctx, user| async move { import::undo(&ctx.state.db, &user, id).await }).await
}
