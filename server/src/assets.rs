//! The static site: every build of `cargo xtask site` lives in `pkg/<build id>/`, the id a hash
//! of its files, named by `pkg/BUILD`. Pages link the current build's files, which never
//! change under their URL and are cached for a year (`immutable`); a deploy links new URLs, so
//! a browser can never mix the JavaScript of one build with the WASM chunks of another.
use std::path::Path;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderValue, header};

/// Length of a build id (hex digits of the content hash).
pub const BUILD_ID_LEN: usize = 16;

/// Whether `s` has the shape of a build id.
pub fn is_build_id(s: &str) -> bool {
    s.len() == BUILD_ID_LEN && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The site's package directory relative to `site_root`: `pkg/<build id>` as `pkg/BUILD`
/// names it, or `pkg` for a site built without ids (or none at all: API tests).
pub fn pkg_dir(site_root: &str) -> String {
    match std::fs::read_to_string(Path::new(site_root).join("pkg/BUILD")) {
        Ok(id) if is_build_id(id.trim()) => format!("pkg/{}", id.trim()),
        Ok(id) => {
            tracing::warn!(id = id.trim(), "pkg/BUILD does not name a build; serving pkg/ itself");
            "pkg".into()
        }
        Err(_) => "pkg".into(),
    }
}

/// `Cache-Control` of files under `/pkg`: a year and `immutable` inside a build directory,
/// `no-cache` (revalidate) for anything else and for errors.
pub async fn cache_control(req: Request, next: Next) -> Response {
    // Nested under `/pkg`, the path arrives without it; tolerate both.
    let path = req.uri().path().trim_start_matches('/');
    let path = path.strip_prefix("pkg/").unwrap_or(path);
    let in_build = path.split('/').next().is_some_and(is_build_id);
    let mut res = next.run(req).await;
    let value = if in_build && res.status().is_success() { "public, max-age=31536000, immutable" } else { "no-cache" };
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}
