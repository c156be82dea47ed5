//! Versioned schema migrations. Never edit a landed migration: add a new one.
pub use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_members;
mod m20261123_000003_archive;
mod m20261123_000004_search_trigger;
mod m20261202_000001_customer_name_text;
mod m20261202_000005_login_throttle;
mod m20261202_000010_job;
mod m20261206_000001_job_queue;
mod m20261206_000002_pg_last_service_order;
mod m20261206_000003_requests;
mod m20261206_000004_sla;
mod m20261206_000005_rep_needs;
mod m20261206_000006_tasks;
mod m20261206_000007_request_indexes;
mod m20261207_000001_request_scope_indexes;
mod m20261207_000002_request_filter_index;
mod m20261208_000001_request_caller_search;
mod m20261208_000002_request_routed_index;
mod m20261208_000003_phone_triples;
mod m20261208_000004_request_scope_columns;
mod m20261209_000001_callbacks;
mod m20261209_000002_last_callback_backfill;
mod m20261210_000001_care_rules;
mod m20261210_000002_email;
mod m20261211_000001_fulfilment;
mod m20261211_000002_qa;
pub mod m20261212_000001_kb;
pub mod m20261213_000001_churn;
pub mod m20261214_000001_report_indexes;
pub mod m20261215_000001_member_index;
mod reference;
pub mod text;
mod util;

/// Rebuilds `customer.name_text` from the company names (what the migration adding it does).
pub use m20261202_000001_customer_name_text::backfill as backfill_name_text;
/// The public holidays and make-up working days the working calendar is seeded with.
pub use m20261206_000004_sla::CALENDAR_DAYS;

/// Gathers SQLite's planner statistics (all tables, or `table`), then keeps the planner from
/// skip-scanning the request indexes: with a handful of offices each, their statistics make a
/// skip-scan of `(office, accepted_at)` over a date range look cheap, where it reads 250k rows
/// for an office's 90 days (700 ms); every request list is planned around its own index.
/// (`noskipscan` in `sqlite_stat1` is SQLite's documented switch.) PostgreSQL only analyses.
pub async fn analyze(db: &impl sea_orm_migration::sea_orm::ConnectionTrait, table: Option<&str>) -> Result<(), DbErr> {
    db.execute_unprepared(&format!("ANALYZE {}", table.unwrap_or_default())).await?;
    if db.get_database_backend() != sea_orm_migration::sea_orm::DbBackend::Sqlite {
        return Ok(());
    }
    db.execute_unprepared(
        "UPDATE sqlite_stat1 SET stat = stat || ' noskipscan' \
         WHERE tbl = 'service_request' AND stat NOT LIKE '%noskipscan%'",
    )
    .await?;
    // (The statistics are read again with the schema.)
    db.execute_unprepared("ANALYZE sqlite_schema").await?;
    Ok(())
}

/// [`analyze`] `table` if the database has statistics at all (a migration that adds an index
/// to a large, analysed table; a new database is analysed by whoever fills it).
pub async fn analyze_if_analysed(
    db: &impl sea_orm_migration::sea_orm::ConnectionTrait,
    table: &str,
) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::{DbBackend, Statement};
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    let analysed = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'",
        ))
        .await?
        .is_some();
    if analysed { analyze(db, Some(table)).await } else { Ok(()) }
}

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_members::Migration),
            Box::new(m20261123_000003_archive::Migration),
            Box::new(m20261123_000004_search_trigger::Migration),
            Box::new(m20261202_000001_customer_name_text::Migration),
            Box::new(m20261202_000005_login_throttle::Migration),
            Box::new(m20261202_000010_job::Migration),
            Box::new(m20261206_000001_job_queue::Migration),
            Box::new(m20261206_000002_pg_last_service_order::Migration),
            Box::new(m20261206_000003_requests::Migration),
            Box::new(m20261206_000004_sla::Migration),
            Box::new(m20261206_000005_rep_needs::Migration),
            Box::new(m20261206_000006_tasks::Migration),
            Box::new(m20261206_000007_request_indexes::Migration),
            Box::new(m20261207_000001_request_scope_indexes::Migration),
            Box::new(m20261207_000002_request_filter_index::Migration),
            Box::new(m20261208_000001_request_caller_search::Migration),
            Box::new(m20261208_000002_request_routed_index::Migration),
            Box::new(m20261208_000003_phone_triples::Migration),
            Box::new(m20261208_000004_request_scope_columns::Migration),
            Box::new(m20261209_000001_callbacks::Migration),
            Box::new(m20261209_000002_last_callback_backfill::Migration),
            Box::new(m20261210_000001_care_rules::Migration),
            Box::new(m20261210_000002_email::Migration),
            Box::new(m20261211_000001_fulfilment::Migration),
            Box::new(m20261211_000002_qa::Migration),
            Box::new(m20261212_000001_kb::Migration),
            Box::new(m20261213_000001_churn::Migration),
            Box::new(m20261214_000001_report_indexes::Migration),
            Box::new(m20261215_000001_member_index::Migration),
        ]
    }
}
