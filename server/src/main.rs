//! `crm-server`: reads the configuration, migrates, seeds on first run and serves.
use std::net::SocketAddr;

use anyhow::Context;
use server::{Config, connect, redact};
use tracing_subscriber::EnvFilter;

/// Debug builds render deep view types on the stack; give the workers room.
const STACK_BYTES: usize = 16 * 1024 * 1024;

const USAGE: &str = "usage: crm-server [seed --members N | bench-members [--runs N] | bench-requests [--runs N] | bench-email [--runs N] | bench-fulfilment [--runs N] | seed-kb --articles N | bench-kb [--runs N] | bench-export --out FILE | bench-import [--rows N] | sql STATEMENT]";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The tools log too: an internal error's cause is only in the log.
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")))
        .with_writer(std::io::stderr)
        .init();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().thread_stack_size(STACK_BYTES).build()?;
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let url = || std::env::var("DATABASE_URL").context("DATABASE_URL is required for this command");
    match args.first().map(String::as_str) {
        None => rt.block_on(serve()),
        Some("seed") => {
            let n = arg("--members").and_then(|n| n.parse().ok()).context(USAGE)?;
            rt.block_on(server::tools::seed(&url()?, n))
        }
        Some("bench-members") => {
            let runs = arg("--runs").and_then(|n| n.parse().ok()).unwrap_or(20);
            rt.block_on(server::tools::bench_members(&url()?, runs))
        }
        Some("bench-requests") => {
            let runs = arg("--runs").and_then(|n| n.parse().ok()).unwrap_or(5);
            rt.block_on(server::tools::bench_requests(&url()?, runs))
        }
        Some("bench-email") => {
            let runs = arg("--runs").and_then(|n| n.parse().ok()).unwrap_or(20);
            rt.block_on(server::tools::bench_email(&url()?, runs))
        }
        Some("bench-fulfilment") => {
            let runs = arg("--runs").and_then(|n| n.parse().ok()).unwrap_or(10);
            rt.block_on(server::tools::bench_fulfilment(&url()?, runs))
        }
        Some("bench-reports") => {
            let runs = arg("--runs").and_then(|n| n.parse().ok()).unwrap_or(3);
            rt.block_on(server::tools::bench_reports(&url()?, runs))
        }
        Some("seed-kb") => {
            let n = arg("--articles").and_then(|n| n.parse().ok()).context(USAGE)?;
            rt.block_on(server::tools::seed_kb(&url()?, n))
        }
        Some("bench-kb") => {
            let runs = arg("--runs").and_then(|n| n.parse().ok()).unwrap_or(3);
            rt.block_on(server::tools::bench_kb(&url()?, runs))
        }
        Some("bench-export") => rt.block_on(server::tools::bench_export(&url()?, &arg("--out").context(USAGE)?)),
        Some("bench-import") => {
            let rows = arg("--rows").and_then(|n| n.parse().ok()).unwrap_or(100_000);
            rt.block_on(server::tools::bench_import(&url()?, rows))
        }
        Some("sql") => rt.block_on(server::tools::sql(&url()?, args.get(1).context(USAGE)?)),
        Some(_) => anyhow::bail!(USAGE),
    }
}

async fn serve() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    // A SQLite file's directory is created on first run.
    if let Some(dir) = config
        .database_url
        .strip_prefix("sqlite://")
        .and_then(|rest| rest.split('?').next())
        .and_then(|p| std::path::Path::new(p).parent())
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    tracing::info!("database: {}", redact(&config.database_url));
    let db = connect(&config.database_url).await?;
    let interrupted = app::upkeep::recover_interrupted(&db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if interrupted > 0 {
        tracing::warn!(
            "{interrupted} jobs / sync runs / import checks left running by a stopped instance marked interrupted"
        );
    }
    // This instance's heartbeat, and every minute the recovery of other stopped instances' work.
    app::upkeep::spawn(app::jobs::Jobs::new(db.clone()));
    if let Some(pw) = app::seed::first_run(&db, config.demo).await.map_err(|e| anyhow::anyhow!("{e}"))? {
        tracing::warn!("created the initial account `admin` with one-time password `{pw}`: change it at first login");
    }
    if config.demo {
        app::seed::demo_members(&db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        app::seed::demo_kb(&db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    if !config.settings.captcha_enabled {
        tracing::warn!(
            "CRM_CAPTCHA=off: the login captcha is DISABLED. Use this only for automated tests and benchmarks."
        );
    }
    // Where member e-mail goes (nothing is dropped silently: without a server it waits).
    match app::emails::settings::smtp(&db).await {
        Ok(Some(s)) => println!("Mail: SMTP {}:{} ({}), from {}", s.host, s.port, s.tls.code(), s.from_address),
        Ok(None) => println!(
            "Mail: 未配置发信服务器 — member e-mail waits in the queue until a manager sets SMTP under 参数设置"
        ),
        Err(e) => tracing::warn!("mail settings: {e}"),
    }
    if std::env::var(app::emails::settings::SECRET_ENV).map_or(true, |k| k.len() < 16) {
        tracing::warn!("CRM_SECRET_KEY is not set (16+ characters): an SMTP password cannot be saved or used");
    }
    let (app, kb) = server::router_with_kb(&config, db.clone(), config.settings.clone());
    // The knowledge base's search index, built now rather than by the first search.
    tokio::spawn(async move {
        if let Err(e) = kb.refresh(&db).await {
            tracing::warn!("知识库 index: {e:?}");
        }
    });
    let listener =
        tokio::net::TcpListener::bind(config.addr).await.with_context(|| format!("binding {}", config.addr))?;
    println!("诚商网 CRM listening on http://{}", config.addr);
    if config.demo {
        println!("Demo accounts (demo only), password {}:", app::seed::DEMO_PASSWORD);
        for (login, name, role, org) in app::seed::DEMO_ACCOUNTS {
            println!("  {login:<11} {name}  {role}  {org}");
        }
    }
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
