//! The report centre at 1M members (issue 14): indexes that let SQLite count a year of records
//! from the index alone, in the order of the report's groups, instead of reading every row and
//! sorting it (R-2 5.5 s, R-3 40 s at 1M members):
//! - the invisible customers (deleted, or not approved) — a handful — as a partial index, so a
//!   report excludes them by id instead of reading each counted record's customer;
//! - R-1 over the customer's organisation, level and the dates a metric reads;
//! - R-2 over the request's accepting office and the columns it groups by;
//! - R-3 over the callback's office (its tallies, its members per office);
//! - over the member (items and pushes per member, then per office or level), and
//!   the earliest current service year (R-5's annual target looks at pushes since then).
//!
//! The customer-led indexes of published items, pushes and callbacks keep their old prefix:
//! they replace the narrower ones.
use sea_orm_migration::prelude::*;

use crate::util::idx;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The predicate of `ix_customer_invisible`; a query names it word for word (not with bound
/// values) for either database to use the index.
pub const INVISIBLE: &str = "deleted_at IS NOT NULL OR review_status <> 'approved'";

const REPLACED: [(&str, &str, &[&str]); 3] = [
    ("callback", "ix_callback_org", &["organization_id", "callback_at"]),
    ("published_info", "ix_published_info_customer", &["customer_id", "published_at"]),
    ("info_push_log", "ix_push_log_customer", &["customer_id", "sent_at"]),
];

const CREATED: [(&str, &str, &[&str]); 7] = [
    (
        "customer",
        "ix_customer_report",
        &[
            "organization_id",
            "member_level",
            "customer_type",
            "review_status",
            "deleted_at",
            "platform_registered_at",
            "service_start_date",
            "service_end_date",
        ],
    ),
    (
        "service_request",
        "ix_request_report",
        &[
            "accepting_org_id",
            "customer_type",
            "member_level_snapshot",
            "state",
            "request_type",
            "handling_dept",
            "accepted_at",
            "completed_at",
        ],
    ),
    (
        "callback",
        "ix_callback_org_report",
        &["organization_id", "callback_at", "customer_id", "callback_content", "reach_status", "satisfaction"],
    ),
    ("callback", "ix_callback_org_member", &["organization_id", "customer_id", "callback_at"]),
    ("published_info", "ix_published_info_member", &["customer_id", "published_at", "info_type", "status"]),
    ("info_push_log", "ix_push_log_member", &["customer_id", "sent_at", "source", "opened_at"]),
    ("member_fulfilment", "ix_mf_current_start", &["is_current", "period_start"]),
];

fn drop(table: &str, name: &str) -> IndexDropStatement {
    Index::drop().name(name).table(Alias::new(table)).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(&format!("CREATE INDEX ix_customer_invisible ON customer (id) WHERE {INVISIBLE}"))
            .await?;
        for (table, name, cols) in CREATED {
            m.create_index(idx(table, name, cols)).await?;
        }
        for (table, name, _) in REPLACED {
            m.drop_index(drop(table, name)).await?;
        }
        for table in ["customer", "service_request", "callback", "published_info", "info_push_log", "member_fulfilment"]
        {
            crate::analyze_if_analysed(m.get_connection(), table).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, name, cols) in REPLACED {
            m.create_index(idx(table, name, cols)).await?;
        }
        for (table, name, _) in CREATED {
            m.drop_index(drop(table, name)).await?;
        }
        m.drop_index(drop("customer", "ix_customer_invisible")).await?;
        Ok(())
    }
}
