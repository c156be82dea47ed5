//! Background jobs (exports, imports, syncs) as rows, so that any server instance on the
//! database reports a job's progress and serves its file, and a job whose instance stopped is
//! found by its stale heartbeat and marked interrupted.
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a("job"))
            .col(string_len(a("id"), 64).primary_key())
            .col(string_len(a("kind"), 32))
            .col(big_integer(a("owner_id")))
            .col(string_len(a("state"), 16))
            .col(big_integer(a("done")).default(0))
            .col(big_integer(a("total")).default(0))
            .col(big_integer_null(a("record_id")))
            .col(text_null(a("message_zh")))
            .col(text_null(a("message_en")))
            .col(text_null(a("output_path")))
            .col(string_len_null(a("output_name"), 255))
            .col(string_len_null(a("content_type"), 128))
            .col(string_len(a("instance"), 64))
            .col(timestamp_with_time_zone(a("heartbeat_at")))
            .col(timestamp_with_time_zone(a("created_at")))
            .col(timestamp_with_time_zone_null(a("finished_at")));
        m.create_table(t.take()).await?;
        m.create_index(idx("job", "ix_job_state_heartbeat", &["state", "heartbeat_at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("job")).take()).await?;
        Ok(())
    }
}
