//! One narrow copy of the request list's filter columns in list order (newest acceptance, then
//! id): counting a list's matches and walking to its page (`app::db::fetch_listing`) read index
//! entries instead of 2M wide rows when a filter has no index of its own (priority, channel,
//! level, a combination, an office's scope). `sla_state` stays out: the deadline sweep rewrites
//! it on 100k rows at a time.
use sea_orm_migration::prelude::*;

use crate::util::idx;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "ix_request_filters";

/// The columns, in order (`m20261208_000001` adds `caller_text` at the end on SQLite).
pub(crate) const COLUMNS: [&str; 18] = [
    "accepted_at",
    "id",
    "state",
    "agent_id",
    "accepting_org_id",
    "customer_org_snapshot_id",
    "request_type",
    "channel",
    "priority",
    "customer_type",
    "member_level_snapshot",
    "qa_status",
    "handling_dept",
    "handling_org_id",
    "accepting_dept",
    "routed_at",
    "created_by",
    "customer_id",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(idx("service_request", NAME, &COLUMNS)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table(Alias::new("service_request")).to_owned()).await
    }
}
