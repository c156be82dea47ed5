//! 电话回访关怀 (SPEC SM-3, E6): the callback record, written with its 服务记录 in its final
//! state; the member's last callback kept on the member (PG-24 filters and sorts by it at 1M
//! members without reading callbacks); and the request a callback turned into (转为诉求).
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, fk, id, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a("callback"))
            .col(id())
            .col(big_integer(a("customer_id")))
            .foreign_key(&mut fk("callback", "customer_id", "customer"))
            .col(string_len(a("callback_content"), 32))
            .col(string_len(a("reach_status"), 16))
            .col(text_null(a("member_feedback")))
            .col(string_len_null(a("satisfaction"), 24))
            .col(string_len_null(a("contact_name"), 50))
            .col(string_len_null(a("phone_called"), 30))
            .col(string_len(a("service_mode"), 16))
            .col(string_len(a("service_dept"), 24))
            .col(big_integer(a("organization_id")))
            .foreign_key(&mut fk("callback", "organization_id", "organization"))
            .col(big_integer(a("agent_id")))
            .foreign_key(&mut fk("callback", "agent_id", "account"))
            .col(timestamp_with_time_zone(a("callback_at")))
            .col(timestamp_with_time_zone_null(a("next_follow_up_at")))
            .col(string_len_null(a("next_follow_up_note"), 255))
            // The task this callback answered (a follow-up or a care task), and the follow-up it set.
            .col(big_integer_null(a("care_task_id")))
            .foreign_key(&mut fk("callback", "care_task_id", "task"))
            .col(big_integer_null(a("follow_up_task_id")))
            .foreign_key(&mut fk("callback", "follow_up_task_id", "task"))
            .col(big_integer(a("service_record_id")))
            .foreign_key(&mut fk("callback", "service_record_id", "service_record"))
            .col(timestamp_with_time_zone(a("created_at")));
        m.create_table(t.take()).await?;
        for (name, cols) in [
            ("ix_callback_customer", &["customer_id", "callback_at"][..]),
            ("ix_callback_agent", &["agent_id", "callback_at"]),
            ("ix_callback_org", &["organization_id", "callback_at"]),
        ] {
            m.create_index(idx("callback", name, cols)).await?;
        }
        // (One column per statement: SQLite adds one at a time.)
        for col in [
            ColumnDef::new(a("last_callback_at")).timestamp_with_time_zone().null().take(),
            ColumnDef::new(a("last_callback_content")).string_len(32).null().take(),
        ] {
            m.alter_table(Table::alter().table(a("customer")).add_column(col).take()).await?;
        }
        // 最近回访时间 / 未回访天数, and 回访内容 with them.
        m.create_index(idx("customer", "ix_customer_last_callback", &["last_callback_at"])).await?;
        m.create_index(idx(
            "customer",
            "ix_customer_last_callback_content",
            &["last_callback_content", "last_callback_at"],
        ))
        .await?;
        m.alter_table(
            Table::alter()
                .table(a("service_request"))
                .add_column(ColumnDef::new(a("source_callback_id")).big_integer().null().take())
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(a("service_request")).drop_column(a("source_callback_id")).take()).await?;
        for name in ["ix_customer_last_callback", "ix_customer_last_callback_content"] {
            m.drop_index(Index::drop().name(name).table(a("customer")).to_owned()).await?;
        }
        for col in ["last_callback_at", "last_callback_content"] {
            m.alter_table(Table::alter().table(a("customer")).drop_column(a(col)).take()).await?;
        }
        m.drop_table(Table::drop().table(a("callback")).take()).await
    }
}
