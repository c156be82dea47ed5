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
mod reference;
pub mod text;
mod util;

/// Rebuilds `customer.name_text` from the company names (what the migration adding it does).
pub use m20261202_000001_customer_name_text::backfill as backfill_name_text;
/// The public holidays and make-up working days the working calendar is seeded with.
pub use m20261206_000004_sla::CALENDAR_DAYS;

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
        ]
    }
}
