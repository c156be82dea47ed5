//! Per-address login throttling (SPEC A8) as one counter row per IP, so that reserving an
//! attempt is a single atomic upsert: parallel requests from one address can no longer all
//! pass a count of earlier failures that none of them has written yet.
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a("login_throttle"))
            .col(string_len(a("ip"), 45).primary_key())
            .col(timestamp_with_time_zone(a("window_start")))
            .col(integer(a("attempts")).default(0));
        m.create_table(t.take()).await?;
        m.create_index(idx("login_throttle", "ix_login_throttle_window", &["window_start"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("login_throttle")).take()).await?;
        Ok(())
    }
}
