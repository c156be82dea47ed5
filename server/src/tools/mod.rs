//! Command-line tools of the server binary, used by `cargo xtask seed` and `cargo xtask bench
//! members`: they run the application's own code (the page's query builder, the exporter,
//! the CM importer) against the database in `DATABASE_URL`.
mod bench_combos;
mod bench_email;
mod bench_fulfilment;
mod bench_io;
mod bench_kb;
mod bench_members;
mod bench_reports;
mod bench_requests;

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

pub use bench_email::bench_email;
pub use bench_fulfilment::bench_fulfilment;
pub use bench_io::{bench_export, bench_import};
pub use bench_kb::{bench_kb, seed_kb};
pub use bench_members::bench_members;
pub use bench_reports::bench_reports;
pub use bench_requests::bench_requests;

/// `seed --members N`: demo organisations and accounts, then N generated members with about
/// five service records each, the member requests behind the consultations and complaints
/// among them (about two in five records), then fresh planner statistics.
pub async fn seed(url: &str, members: u64) -> Result<()> {
    let db = crate::connect(url).await?;
    app::seed::first_run(&db, true).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let start = Instant::now();
    let scale = app::members::demo::Scale { members, records_per_member: 5, extras: false };
    let step = (members / 20).max(1);
    app::members::demo::generate(&db, scale, 20261123, |done| {
        if done % step < 500 || done == members {
            println!("  {done} / {members} members ({:.0} s)", start.elapsed().as_secs_f64());
        }
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let t = Instant::now();
    let requests = app::requests::demo::from_records(&db, 20261206, |done| {
        if done % 200_000 < 5000 {
            println!("  {done} requests ({:.0} s)", t.elapsed().as_secs_f64());
        }
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let inspected = app::qa::demo::records(&db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("  {inspected} 质检 records");
    migration::analyze(&db, None).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // The search indexes were written row by row: merge their segments as one build would.
        for fts in ["customer_fts", "request_caller_fts"] {
            db.execute_unprepared(&format!("INSERT INTO {fts}({fts}) VALUES ('optimize')")).await?;
        }
    }
    let n = count(&db, "SELECT COUNT(*) FROM service_record").await?;
    println!(
        "seeded {members} members, {n} service records and {requests} requests in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A connection to `url` that counts its statements (BENCH_TRACE=1 also prints each with its
/// time, to see which one a slow page waits on).
pub(crate) async fn counted(url: &str) -> Result<(DatabaseConnection, std::sync::Arc<std::sync::atomic::AtomicU64>)> {
    use std::sync::atomic::{AtomicU64, Ordering};
    let mut db = crate::connect(url).await?;
    let statements = std::sync::Arc::new(AtomicU64::new(0));
    let counter = statements.clone();
    let trace = std::env::var("BENCH_TRACE").is_ok();
    db.set_metric_callback(move |info| {
        counter.fetch_add(1, Ordering::Relaxed);
        if trace {
            println!("    {:>8.2} ms  {}", ms(info.elapsed), info.statement.sql);
        }
    });
    Ok((db, statements))
}

pub(crate) async fn count(db: &DatabaseConnection, sql: &str) -> Result<i64> {
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await?.context("no row")?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

pub(crate) async fn id_of(db: &DatabaseConnection, sql: &str) -> Result<i64> {
    count(db, sql).await
}

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The demo account `login` as the pages see it.
pub(crate) async fn user(db: &DatabaseConnection, login: &str) -> Result<app::auth::session::CurrentUser> {
    use app::auth::entity::account;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let a = account::Entity::find()
        .filter(account::Column::AdminId.eq(login))
        .one(db)
        .await?
        .with_context(|| format!("no account {login}"))?;
    app::auth::session::CurrentUser::of_account(db, a, app::auth::session::RequestMeta::default())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `sql "<statement>"`: the query plan and the time of a statement on this database (for tuning).
pub async fn sql(url: &str, statement: &str) -> Result<()> {
    let db = crate::connect(url).await?;
    let b = db.get_database_backend();
    let explain = if b == DbBackend::Sqlite { "EXPLAIN QUERY PLAN" } else { "EXPLAIN" };
    for row in db.query_all_raw(Statement::from_string(b, format!("{explain} {statement}"))).await? {
        let line =
            row.try_get::<String>("", "detail").or_else(|_| row.try_get_by_index::<String>(0)).unwrap_or_default();
        println!("  {line}");
    }
    for _ in 0..3 {
        let t = Instant::now();
        let rows = db.query_all_raw(Statement::from_string(b, statement)).await?;
        println!("{} rows in {:.2} ms", rows.len(), ms(t.elapsed()));
    }
    Ok(())
}
