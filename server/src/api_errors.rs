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

/// A NUL in a JSON body: raw (invalid JSON anyway) or the escape `\u0000` — not a typed
/// backslash followed by "u0000" (`\\u0000`): an escape's backslash ends an odd run.
fn holds_nul(body: &[u8]) -> bool {
    body.contains(&0)
        || body.windows(6).enumerate().any(|(i, w)| {
            w.eq_ignore_ascii_case(b"\\u0000") && body[..i].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 0
        })
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
    // Read the body (at most the limit: a body without a length is refused beyond it), and
    // refuse a NUL character: no database text column can hold one (PostgreSQL rejects the
    // whole statement), and nobody types one.
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, API_BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            tracing::warn!(%path, "server function call refused: body too large or unreadable");
            return json_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                &AppError::rejected("请求内容过大", "The request is too large"),
            );
        }
    };
    if holds_nul(&bytes) {
        tracing::info!(%path, "server function refused: NUL character");
        return json_error(
            StatusCode::BAD_REQUEST,
            &AppError::rejected("输入中含有无法保存的控制字符,请删除后重试", "The input holds a NUL character"),
        );
    }
    let res = next.run(Request::from_parts(parts, Body::from(bytes))).await;
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

#[cfg(test)]
mod tests {
    #[test]
    fn nul_escapes_are_found_and_typed_backslashes_are_not() {
        assert!(super::holds_nul(br#"{"typed":"\u0000"}"#));
        assert!(super::holds_nul(br#"{"typed":"a\\\u0000"}"#));
        assert!(super::holds_nul(b"{\"typed\":\"\0\"}"));
        assert!(!super::holds_nul(br#"{"typed":"\\u0000"}"#));
        assert!(!super::holds_nul(br#"{"typed":"u0000 \u4e2d"}"#));
    }
}
