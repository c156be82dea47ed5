//! File routes next to the server functions: downloads of finished export jobs, import
//! templates, and uploads (raw request body, same-origin checked by the CSRF middleware).
use app::archive::ImportKind;
use app::auth::Perm;
use app::auth::session::{CurrentUser, RequestMeta, authenticate};
use app::error::AppError;
use app::members::sync_kind::SyncKind;
use app::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

/// Largest accepted upload (a 200,000-row CSV is about 40 MB).
pub const UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

fn error(status: StatusCode, e: AppError) -> Response {
    (status, Json(e)).into_response()
}

/// The signed-in user of a plain HTTP request, holding `perm`: the same check as every server
/// function ([`authenticate`]), so a session with an initial password still to replace gets
/// the same 403 here.
async fn user(state: &AppState, parts: &http::request::Parts, perm: Option<Perm>) -> Result<CurrentUser, Response> {
    let meta = RequestMeta::from_parts(parts, state.settings.trust_proxy);
    let user = match authenticate(state, &meta).await {
        Ok(u) => u,
        Err(e @ AppError::Rejected(_)) => return Err(error(StatusCode::FORBIDDEN, e)),
        Err(AppError::Unauthenticated) => return Err(error(StatusCode::UNAUTHORIZED, AppError::Unauthenticated)),
        Err(e) => return Err(error(StatusCode::INTERNAL_SERVER_ERROR, e)),
    };
    if perm.is_some_and(|p| !user.has(p)) {
        return Err(error(StatusCode::FORBIDDEN, AppError::Forbidden));
    }
    Ok(user)
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn attachment(name: &str, ext: &str) -> String {
    format!("attachment; filename=\"download.{ext}\"; filename*=UTF-8''{}", app::url::urlencode(name))
}

/// The file of a finished export job, for the user who started it (from whichever instance
/// ran the job: the files directory is shared).
pub async fn download(State(state): State<AppState>, Path(id): Path<String>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let user = match user(&state, &parts, None).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let out = match state.jobs.get(&id, user.account.id).await {
        Ok(job) => job.and_then(|j| j.output()),
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
    };
    let Some(out) = out else { return StatusCode::NOT_FOUND.into_response() };
    let Ok(file) = tokio::fs::File::open(&out.path).await else { return StatusCode::GONE.into_response() };
    let len = file.metadata().await.map(|m| m.len()).unwrap_or_default();
    let ext = out.path.extension().and_then(|e| e.to_str()).unwrap_or("bin").to_string();
    (
        [
            (header::CONTENT_TYPE, out.content_type.clone()),
            (header::CONTENT_DISPOSITION, attachment(&out.name, &ext)),
            (header::CONTENT_LENGTH, len.to_string()),
        ],
        axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file)),
    )
        .into_response()
}

/// `cm-<kind>.csv`: the documented CM layout of a sync kind, header row only (UTF-8 BOM);
/// `archive-<kind>.xlsx`: the 批量导入 template of an import kind.
pub async fn template(Path(name): Path<String>) -> Response {
    if let Some(kind) =
        name.strip_prefix("archive-").and_then(|n| n.strip_suffix(".xlsx")).and_then(|k| ImportKind::parse(k).ok())
    {
        return match app::archive::import::template(kind) {
            Ok(bytes) => (
                [
                    (header::CONTENT_TYPE, XLSX.to_string()),
                    (header::CONTENT_DISPOSITION, attachment(&kind.template_name(), "xlsx")),
                ],
                bytes,
            )
                .into_response(),
            Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
        };
    }
    let kind = name.strip_prefix("cm-").and_then(|n| n.strip_suffix(".csv")).and_then(|k| SyncKind::parse(k).ok());
    let Some(kind) = kind else { return StatusCode::NOT_FOUND.into_response() };
    let header_row: Vec<&str> = kind.layout().iter().map(|c| c.1).collect();
    let body = format!("\u{feff}{}\r\n", header_row.join(","));
    let file = format!("CM{}模板.csv", kind.label().0);
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, attachment(&file, "csv")),
        ],
        body,
    )
        .into_response()
}

/// An upload's bytes: not empty, at most `UPLOAD_LIMIT`.
async fn read_body(body: axum::body::Body) -> Result<Vec<u8>, Response> {
    match axum::body::to_bytes(body, UPLOAD_LIMIT).await {
        Ok(b) if !b.is_empty() => Ok(b.to_vec()),
        Ok(_) => Err(error(StatusCode::UNPROCESSABLE_ENTITY, AppError::rejected("文件是空的", "The file is empty"))),
        Err(_) => Err(error(
            StatusCode::PAYLOAD_TOO_LARGE,
            AppError::rejected("文件太大(最大 64 MB)", "The file is too large (64 MB at most)"),
        )),
    }
}

/// The signed-in user holding `perm` and the bytes of the upload, or the refusal to answer.
async fn upload_of(state: &AppState, req: Request, perm: Perm) -> Result<(CurrentUser, Vec<u8>), Response> {
    let (parts, body) = req.into_parts();
    let user = user(state, &parts, Some(perm)).await?;
    Ok((user, read_body(body).await?))
}

#[derive(serde::Deserialize)]
pub struct UploadQuery {
    kind: String,
    name: String,
}

/// A CM export file (raw body) for 数据同步: starts the sync job and answers with its status;
/// a file that cannot be read or is beyond the limits is refused at once (422).
pub async fn upload_cm_sync(State(state): State<AppState>, Query(q): Query<UploadQuery>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let user = match user(&state, &parts, Some(Perm::SystemSync)).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let kind = match SyncKind::parse(&q.kind) {
        Ok(k) => k,
        Err(e) => return error(StatusCode::UNPROCESSABLE_ENTITY, e),
    };
    let bytes = match read_body(body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    match app::members::cm_sync::start_upload(&state, user, kind, q.name, bytes).await {
        Ok(status) => Json(status).into_response(),
        Err(e) => error(StatusCode::UNPROCESSABLE_ENTITY, e),
    }
}

/// A file for 批量导入 (raw body): starts reading and checking it; the status carries the
/// import job's id (`record`), whose page shows the preview.
pub async fn upload_archive_import(
    State(state): State<AppState>,
    Query(q): Query<UploadQuery>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let user = match user(&state, &parts, Some(Perm::ArchiveImport)).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let kind = match ImportKind::parse(&q.kind) {
        Ok(k) => k,
        Err(e) => return error(StatusCode::UNPROCESSABLE_ENTITY, e),
    };
    let bytes = match read_body(body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    match app::archive::import_run::start_stage(&state, user, kind, q.name, bytes).await {
        Ok(status) => Json(status).into_response(),
        Err(e) => error(StatusCode::UNPROCESSABLE_ENTITY, e),
    }
}

#[derive(serde::Deserialize)]
pub struct NameQuery {
    name: String,
}

/// An attachment for 会员邮件服务 (raw body, ≤ 10 MB): kept until a draft or batch takes it.
pub async fn upload_email_attachment(
    State(state): State<AppState>,
    Query(q): Query<NameQuery>,
    req: Request,
) -> Response {
    let (user, bytes) = match upload_of(&state, req, Perm::IntakeMemberEmail).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    match app::emails::attachments::upload(&state.db, &user, &q.name, bytes).await {
        Ok(a) => Json(a).into_response(),
        Err(e) => error(StatusCode::UNPROCESSABLE_ENTITY, e),
    }
}

/// The status an error of a file route answers with (as a server function's).
fn failed(e: AppError) -> Response {
    error(StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), e)
}

/// An attachment for a 知识点 (raw body; the type and the 20 MB limit are checked by the
/// feature): kept until the article is saved with it.
pub async fn upload_kb_attachment(State(state): State<AppState>, Query(q): Query<NameQuery>, req: Request) -> Response {
    let (user, bytes) = match upload_of(&state, req, Perm::KbEdit).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    match app::kb::files::upload(&state.db, &user, &q.name, bytes).await {
        Ok(a) => Json(a).into_response(),
        Err(e) => failed(e),
    }
}

/// A bundle of articles (zip) to import: kept, and what it holds answered for the preview.
pub async fn upload_kb_import(State(state): State<AppState>, Query(q): Query<NameQuery>, req: Request) -> Response {
    let (user, bytes) = match upload_of(&state, req, Perm::KbEdit).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    match app::kb::import::preview(&state.db, &user, &q.name, bytes).await {
        Ok(p) => Json(p).into_response(),
        Err(e) => failed(e),
    }
}

/// An article's attachment, for whoever may read the article, as a download.
pub async fn kb_attachment(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let user = match user(&state, &parts, Some(Perm::Kb)).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let file = match app::kb::service::download(&state.db, &user, id).await {
        Ok(f) => f,
        Err(e) => return failed(e),
    };
    let Ok(bytes) = tokio::fs::read(&file.path).await else { return StatusCode::GONE.into_response() };
    let ext = file.file_name.rsplit_once('.').map(|(_, e)| e.to_string()).unwrap_or_else(|| "bin".into());
    (
        [
            (header::CONTENT_TYPE, file.mime_type),
            (header::CONTENT_DISPOSITION, attachment(&file.file_name, &ext)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// The error report of an import: one line per problem (row, column, value, message).
pub async fn import_errors(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let user = match user(&state, &parts, None).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if !(user.has(Perm::ArchiveImport) || user.has(Perm::ArchiveReview)) {
        return error(StatusCode::FORBIDDEN, AppError::Forbidden);
    }
    match app::archive::import_view::error_report(&state.db, &user, id).await {
        Ok((name, bytes)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, attachment(&name, "csv")),
            ],
            bytes,
        )
            .into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}
