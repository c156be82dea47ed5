//! Report joins read from indexes alone (issue 14).
//! - The customer by id with only what a report reads of each counted member: its office,
//!   level, visibility and owner. R-3 by level, R-4 and R-5 join a year of records (or the
//!   members who have them) to their customer one by one; through the table that reads a wide
//!   row per member, through this index a thirtieth of the pages, which stay in the page
//!   cache. SQLite's planner always looks a rowid up in the table itself, so the reports name
//!   the index (`members::customer_join::ByMemberIndex`).
//! - The current service years by member with their dates (R-5's annual target reads nothing
//!   else of them), replacing the index by member and `is_current`: the same lookups use it.
use sea_orm_migration::prelude::*;

use crate::util::idx;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The index's name, as the reports name it.
pub const MEMBER_INDEX: &str = "ix_customer_member";

const YEARS: &str = "ix_mf_current_member";
const YEARS_COLS: [&str; 4] = ["is_current", "customer_id", "period_start", "period_end"];
const REPLACED: &str = "ix_mf_customer_current";

fn drop(table: &str, name: &str) -> IndexDropStatement {
    Index::drop().name(name).table(Alias::new(table)).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let cols = ["id", "organization_id", "member_level", "review_status", "deleted_at", "owner_agent_id"];
        m.create_index(idx("customer", MEMBER_INDEX, &cols)).await?;
        m.create_index(idx("member_fulfilment", YEARS, &YEARS_COLS)).await?;
        m.drop_index(drop("member_fulfilment", REPLACED)).await?;
        crate::analyze_if_analysed(m.get_connection(), "customer").await?;
        crate::analyze_if_analysed(m.get_connection(), "member_fulfilment").await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(idx("member_fulfilment", REPLACED, &["customer_id", "is_current"])).await?;
        m.drop_index(drop("member_fulfilment", YEARS)).await?;
        m.drop_index(drop("customer", MEMBER_INDEX)).await
    }
}
