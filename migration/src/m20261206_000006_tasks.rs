//! 任务提醒 (SPEC K6): follow-up tasks with due dates for an account, from a person or from
//! the workflows, linked to what they are about.
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, fk, id, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a("task"))
            .col(id())
            .col(string_len(a("title"), 200))
            .col(text_null(a("description")))
            .col(big_integer(a("assignee_id")))
            .foreign_key(&mut fk("task", "assignee_id", "account"))
            // NULL for a task the system wrote (its `source` says why).
            .col(big_integer_null(a("creator_id")))
            // The assignee's organisation: 主管/经理 follow their organisation's tasks (督办).
            .col(big_integer(a("organization_id")))
            .col(string_len(a("priority"), 8))
            .col(timestamp_with_time_zone_null(a("due_at")))
            .col(timestamp_with_time_zone_null(a("remind_at")))
            .col(string_len(a("status"), 16))
            .col(string_len(a("source"), 16))
            .col(string_len_null(a("related_type"), 24))
            .col(big_integer_null(a("related_id")))
            .col(timestamp_with_time_zone_null(a("completed_at")))
            .col(text_null(a("completion_note")))
            .col(integer(a("version")).default(1))
            .col(timestamp_with_time_zone(a("created_at")))
            .col(big_integer_null(a("updated_by")))
            .col(timestamp_with_time_zone(a("updated_at")));
        m.create_table(t.take()).await?;
        for (name, cols) in [
            ("ix_task_assignee", &["assignee_id", "status", "due_at"][..]),
            ("ix_task_creator", &["creator_id", "status", "due_at"]),
            ("ix_task_org", &["organization_id", "status", "due_at"]),
        ] {
            m.create_index(idx("task", name, cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("task")).take()).await
    }
}
