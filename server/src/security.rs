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

/// A page requested without a valid session answers a real redirect to the login page,
/// which returns to the page afterwards (`/login?next=…`); an account that still has to
/// replace its initial password is sent to the password change. Server functions, files and
/// assets answer for themselves (401/403).
pub async fn pages_need_session(
    axum::extract::State(state): axum::extract::State<app::state::AppState>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let page = *req.method() == Method::GET
        && !["/login", "/api/", "/pkg/", "/download/", "/templates/", "/upload/", "/files/", "/healthz"]
            .iter()
            .any(|p| path.starts_with(p))
        && req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_none_or(|a| a.contains("text/html"));
    if !page {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let meta = app::auth::session::RequestMeta::from_parts(&parts, state.settings.trust_proxy);
    let target = match app::auth::session::authenticate(&state, &meta).await {
        Err(app::error::AppError::Unauthenticated) => {
            let here = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
            Some(if here == "/" { "/login".to_string() } else { format!("/login?next={}", app::url::urlencode(here)) })
        }
        Err(app::error::AppError::Rejected(_)) if parts.uri.path() != "/account/password" => {
            Some("/account/password".to_string())
        }
        _ => None,
    };
    match target.and_then(|t| HeaderValue::from_str(&t).ok()) {
        Some(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        None => next.run(Request::from_parts(parts, body)).await,
    }
}
