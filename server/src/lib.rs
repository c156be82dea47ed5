//! The axum server: configuration, database, migrations, first-run data and the router.
//! `main.rs` only wires these together so the integration tests build the very same router.
pub mod api_errors;
pub mod assets;
pub mod config;
pub mod files;
pub mod security;
pub mod smtp_sink;
pub mod tools;

use std::sync::Arc;

use anyhow::Context;
use app::state::{AppState, Settings};
use app::{App, shell};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use tower_http::services::ServeDir;

pub use config::Config;

/// Connects, enables SQLite's WAL / foreign keys / busy timeout, and migrates.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let sqlite = url.starts_with("sqlite:");
    let mut opt = ConnectOptions::new(url.to_string());
    opt.sqlx_logging(false).max_connections(if sqlite { 8 } else { 20 });
    // Per connection: foreign keys, WAL and a page cache of up to 256 MiB (the default 2 MiB
    // makes every member query re-read its index pages from the OS; at 64 MiB a report's pass
    // over a year of pushes by member did, and R-5 took 0.9-1.05 s at 1M members, 0.76 s
    // now; the cache grows only as pages are read). No memory mapping: with the file
    // mapped, the first transaction of each pooled connection after another's commit remapped
    // it and waited 40–100 ms (at 2M requests, 保存 p95 50–65 ms; unmapped 10–17 ms), while
    // the lists read about as fast through the page cache (list p95 20–23 ms mapped, 24–32 not).
    opt.map_sqlx_sqlite_opts(|o| {
        o.foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(5))
            .pragma("journal_mode", "WAL")
            .pragma("synchronous", "NORMAL")
            .pragma("cache_size", "-262144")
            // Rows the SQLite worker thread may run ahead of a streaming reader (an export):
            // sqlx's default of 50 hands rows over almost one by one between threads.
            .row_buffer_size(1024)
    });
    if sqlite && url.contains(":memory:") {
        // Every pooled connection to `sqlite::memory:` would be its own empty database.
        opt.max_connections(1).min_connections(1);
    }
    let db = Database::connect(opt).await.with_context(|| format!("connecting to {}", redact(url)))?;
    Migrator::up(&db, None).await.context("running migrations")?;
    Ok(db)
}

/// The URL without its password, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}://{}:***{}", &url[..s], user, &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

#[derive(Clone, axum::extract::FromRef)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
}

/// The app's routes, generated once per process. Generating renders the app with resource
/// loading suppressed through a process-wide flag (`leptos_server::SuppressResourceLoad`): a
/// page rendered on another thread meanwhile waits forever for its data. A second router in
/// the same process (tests, `other_instance`) must therefore never generate again.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole HTTP surface: pages, server functions under `/api`, static assets under `/pkg`.
pub fn router(config: &Config, db: DatabaseConnection, settings: Settings) -> Router {
    router_with_kb(config, db, settings).0
}

/// [`router`], and the knowledge base's search index its requests share (the benchmark times
/// building it).
pub fn router_with_kb(
    config: &Config,
    db: DatabaseConnection,
    settings: Settings,
) -> (Router, app::kb::index::KbSearch) {
    let kb = app::kb::index::KbSearch::default();
    let leptos_options = LeptosOptions::builder()
        .output_name("frontend")
        .site_root(config.site_root.clone())
        .site_pkg_dir(assets::pkg_dir(&config.site_root))
        .site_addr(config.addr)
        .build();
    let state = ServerState {
        leptos_options: leptos_options.clone(),
        app: AppState { jobs: app::jobs::Jobs::new(db.clone()), db, settings: Arc::new(settings), kb: kb.clone() },
    };
    let routes = route_list();
    let app_state = state.app.clone();
    let fallback_state = state.app.clone();
    let pkg = format!("{}/pkg", config.site_root);
    let router = Router::new()
        .leptos_routes_with_context(&state, routes, move || provide_context(app_state.clone()), {
            let opts = leptos_options.clone();
            move || shell(opts.clone())
        })
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                .layer(axum::middleware::from_fn(assets::cache_control))
                .service(ServeDir::new(pkg).precompressed_br().precompressed_gzip()),
        )
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/download/{id}", axum::routing::get(files::download))
        .route("/templates/{name}", axum::routing::get(files::template))
        .route(
            "/upload/cm-sync",
            axum::routing::post(files::upload_cm_sync).layer(axum::extract::DefaultBodyLimit::max(files::UPLOAD_LIMIT)),
        )
        .route(
            "/upload/archive-import",
            axum::routing::post(files::upload_archive_import)
                .layer(axum::extract::DefaultBodyLimit::max(files::UPLOAD_LIMIT)),
        )
        .route(
            "/upload/email-attachment",
            axum::routing::post(files::upload_email_attachment)
                .layer(axum::extract::DefaultBodyLimit::max(files::UPLOAD_LIMIT)),
        )
        .route(
            "/upload/kb-attachment",
            axum::routing::post(files::upload_kb_attachment)
                .layer(axum::extract::DefaultBodyLimit::max(files::UPLOAD_LIMIT)),
        )
        .route(
            "/upload/kb-import",
            axum::routing::post(files::upload_kb_import)
                .layer(axum::extract::DefaultBodyLimit::max(files::UPLOAD_LIMIT)),
        )
        .route("/files/kb/{id}", axum::routing::get(files::kb_attachment))
        .route("/files/import-errors/{id}", axum::routing::get(files::import_errors))
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(
            move || provide_context(fallback_state.clone()),
            shell,
        ))
        .layer(axum::middleware::from_fn_with_state(state.app.clone(), security::pages_need_session))
        .layer(axum::middleware::from_fn(api_errors::api_errors))
        .layer(axum::middleware::from_fn(security::same_origin))
        .layer(security::headers())
        .with_state(state);
    (router, kb)
}
