//! The request lists walk each alternative of an account's data scope in its own index, newest
//! first (`app::db::fetch_listing`): requests about an office's members, and those an account
//! entered for a colleague (本人 scope), joined the accepting office's and the agent's.
use sea_orm_migration::prelude::*;

use crate::util::idx;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &[&str]); 2] = [
    ("ix_request_customer_org_time", &["customer_org_snapshot_id", "accepted_at"]),
    ("ix_request_creator_time", &["created_by", "accepted_at"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, columns) in INDEXES {
            m.create_index(idx("service_request", name, columns)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            m.drop_index(Index::drop().name(name).table(Alias::new("service_request")).to_owned()).await?;
        }
        Ok(())
    }
}
