//! Server-side state handed to every server function through the Leptos context.
use std::sync::Arc;

use sea_orm::DatabaseConnection;

/// Security and session settings (SPEC PG-93 defaults). Built by the server from its
/// configuration; tests build their own.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The login captcha. Off only by explicit configuration (automated tests, benchmarks).
    pub captcha_enabled: bool,
    /// Mark the session cookie `Secure` (on behind HTTPS; off for plain-HTTP local use).
    pub cookie_secure: bool,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    pub max_failures: i32,
    pub lock_minutes: i64,
    /// Failed attempts one IP may make in `lock_minutes` before it is throttled.
    pub ip_max_failures: u64,
    /// Trust `X-Forwarded-For` for the client IP (only behind a reverse proxy).
    pub trust_proxy: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            captcha_enabled: true,
            cookie_secure: false,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            max_failures: 5,
            lock_minutes: 15,
            ip_max_failures: 20,
            trust_proxy: false,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    /// Background jobs (exports, imports, syncs): rows of the `job` table.
    pub jobs: crate::jobs::Jobs,
    /// The knowledge base's search index (kept current from the database).
    pub kb: crate::kb::index::KbSearch,
}

#[track_caller]
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    let at = std::panic::Location::caller();
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| crate::error::AppError::internal(format!("AppState missing in the context of {at}")))
}
