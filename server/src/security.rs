//! Cross-site request protection and security headers.
//!
//! Server functions take JSON bodies, which a cross-site HTML form cannot send, and the session
//! cookie is `SameSite=Strict`. On top of that every state-changing request must come from this
//! origin: browsers send `Sec-Fetch-Site` and/or `Origin`, and a mismatch is refused.
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;

pub async fn same_origin(req: Request<Body>, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    if let (Some(origin), Some(host)) =
        (h.get(header::ORIGIN).and_then(|v| v.to_str().ok()), h.get(header::HOST).and_then(|v| v.to_str().ok()))
    {
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin);
        if origin_host != host {
            return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
        }
    }
    next.run(req).await
}

type Headers = tower::layer::util::Stack<
    SetResponseHeaderLayer<HeaderValue>,
    tower::layer::util::Stack<
        SetResponseHeaderLayer<HeaderValue>,
        tower::layer::util::Stack<SetResponseHeaderLayer<HeaderValue>, SetResponseHeaderLayer<HeaderValue>>,
    >,
>;

/// CSP (scripts only from this origin, plus the inline hydration bootstrap and WebAssembly),
/// no framing, no MIME sniffing, no referrer leaks.
pub fn headers() -> Headers {
    let set = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(HeaderName::from_static(name), HeaderValue::from_static(value))
    };
    tower::layer::util::Stack::new(
        set(
            "content-security-policy",
            "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        ),
        tower::layer::util::Stack::new(
            set("x-content-type-options", "nosniff"),
            tower::layer::util::Stack::new(
                set("x-frame-options", "DENY"),
                set("referrer-policy", "strict-origin-when-cross-origin"),
            ),
        ),
    )
}
