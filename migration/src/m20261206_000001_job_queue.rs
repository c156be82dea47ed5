//! Queued jobs (the e-mail queue, nightly work): a job may wait in state `queued` with its
//! payload until `run_after`; whichever server instance claims it first runs it (one
//! conditional UPDATE; `FOR UPDATE SKIP LOCKED` on PostgreSQL), `attempts` counts the claims.
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        for col in [
            text_null(a("payload")),
            timestamp_with_time_zone_null(a("run_after")),
            integer(a("attempts")).default(0).take(),
        ] {
            m.alter_table(Table::alter().table(a("job")).add_column(col).take()).await?;
        }
        m.create_index(idx("job", "ix_job_state_run_after", &["state", "run_after"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_job_state_run_after").table(a("job")).to_owned()).await?;
        for col in ["attempts", "run_after", "payload"] {
            m.alter_table(Table::alter().table(a("job")).drop_column(a(col)).take()).await?;
        }
        Ok(())
    }
}
