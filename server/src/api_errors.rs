//! Client mistakes on server-function calls answer 4xx with a message a user can read.
//!
//! Leptos decodes a server function's arguments before our code runs. When that fails
//! (malformed or truncated JSON, a missing field, `page = -1`) the framework answers 500 with
//! a `Transport` error; and it reads bodies of any size. This layer, on `/api/` only:
//! refuses a body over [`API_BODY_LIMIT`] with 413 before it is read, turns the framework's
//! decoding failures into 400 (a refusal the page shows as is), and logs which operation
//! failed for every 4xx/5xx it rewrites or passes on.
use app::error::AppError;
use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Server-function arguments are forms and filters: 2 MiB is generous. Files go through the
/// upload routes, which have limits of their own.
pub const API_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// An error response in the encoding server functions use (`AppError` as JSON).
fn json_error(status: StatusCode, e: &AppError) -> Response {
    let body = serde_json::to_string(e).unwrap_or_default();
    let mut r = (status, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

pub async fn api_errors(req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if !path.starts_with("/api/") {
        return next.run(req).await;
    }
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > API_BODY_LIMIT as u64) {
        tracing::warn!(%path, bytes = declared, "server function call refused: body too large");
        return json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &AppError::rejected("请求内容过大", "The request is too large"),
        );
    }
    // A body without a length is cut at the limit; the decoder then fails and we answer 400.
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, API_BODY_LIMIT));
    let res = next.run(Request::from_parts(parts, body)).await;
    let status = res.status();
    if status != StatusCode::INTERNAL_SERVER_ERROR {
        if status.is_client_error() && status != StatusCode::UNAUTHORIZED {
            tracing::info!(%path, %status, "server function refused");
        }
        return res;
    }
    // Only error bodies of this size come back with a 500; read it to tell ours from the
    // framework's.
    let (parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(b) => b,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    match serde_json::from_slice::<AppError>(&bytes) {
        Ok(AppError::Transport(cause)) => {
            tracing::warn!(%path, %cause, "server function call with unreadable arguments");
            let e = AppError::rejected(
                "请求格式不正确(参数缺失或类型不符),请刷新页面后重试",
                "Malformed request (a missing or mistyped argument); reload the page and retry",
            );
            // Keep the framework's headers (the client decodes the error by them).
            let mut parts = parts;
            parts.status = StatusCode::BAD_REQUEST;
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(serde_json::to_string(&e).unwrap_or_default()))
        }
        _ => {
            tracing::error!(%path, "server function failed");
            Response::from_parts(parts, Body::from(bytes))
        }
    }
}
