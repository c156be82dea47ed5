//! 关怀规则 (SPEC K14, X-21): the rules 经理 keeps, the runs of the job that applies them, and
//! on each care task the rule and occasion it was made for. `task.care_key` is unique, so a
//! run repeated (the nightly one, one started from the page, or both at once) never makes a
//! second task for the same member, rule and occasion.
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, fk, id, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The rules a new installation starts with (all editable): 开通后7天 服务开通确认,
/// 到期前30天 续费率约提醒, 90天未联系 服务引导关怀, for the paid levels.
const DEFAULT_RULES: &[(&str, &str, i32, &str)] = &[
    ("新开通会员确认", "after_activation", 7, "service_activation_confirm"),
    ("到期前续费提醒", "before_expiry", 30, "renewal_reminder"),
    ("久未联系关怀", "no_contact", 90, "service_guidance_care"),
];
const PAID: &str = "ordinary,gold,shang_yi_tong,shang_cheng_tong,shang_qia_tong";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a("care_rule"))
            .col(id())
            .col(string_len(a("name"), 50).unique_key())
            .col(string_len(a("trigger"), 24))
            .col(integer(a("offset_days")))
            // E-04 codes, comma-separated.
            .col(string_len(a("member_levels"), 200))
            .col(string_len(a("callback_content"), 32))
            .col(string_len(a("assign_to"), 16))
            .col(boolean(a("enabled")))
            .col(integer(a("version")))
            .col(big_integer_null(a("created_by")))
            .col(timestamp_with_time_zone(a("created_at")))
            .col(big_integer_null(a("updated_by")))
            .col(timestamp_with_time_zone(a("updated_at")));
        m.create_table(t.take()).await?;

        let mut t = Table::create();
        t.table(a("care_run"))
            .col(id())
            // The day (China time) the rules were applied for.
            .col(date(a("run_day")))
            // `nightly` or `manual`.
            .col(string_len(a("started_how"), 16))
            .col(big_integer_null(a("started_by")))
            .foreign_key(&mut fk("care_run", "started_by", "account"))
            .col(timestamp_with_time_zone(a("started_at")))
            .col(timestamp_with_time_zone_null(a("finished_at")))
            .col(string_len(a("state"), 16))
            .col(integer(a("rules")))
            .col(big_integer(a("examined")))
            .col(big_integer(a("created")))
            .col(string_len_null(a("message"), 500));
        m.create_table(t.take()).await?;
        m.create_index(idx("care_run", "ix_care_run_started", &["started_at"])).await?;

        for col in [
            ColumnDef::new(a("care_rule_id")).big_integer().null().take(),
            ColumnDef::new(a("care_key")).string_len(80).null().take(),
        ] {
            m.alter_table(Table::alter().table(a("task")).add_column(col).take()).await?;
        }
        m.create_index(Index::create().name("ux_task_care_key").table(a("task")).col(a("care_key")).unique().take())
            .await?;

        let mut insert = Query::insert();
        insert.into_table(a("care_rule")).columns(
            [
                "name",
                "trigger",
                "offset_days",
                "member_levels",
                "callback_content",
                "assign_to",
                "enabled",
                "version",
                "created_at",
                "updated_at",
            ]
            .map(a),
        );
        for (name, trigger, days, content) in DEFAULT_RULES {
            insert.values_panic([
                (*name).into(),
                (*trigger).into(),
                (*days).into(),
                PAID.into(),
                (*content).into(),
                "owner_agent".into(),
                true.into(),
                1.into(),
                Expr::current_timestamp(),
                Expr::current_timestamp(),
            ]);
        }
        m.exec_stmt(insert).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ux_task_care_key").table(a("task")).to_owned()).await?;
        for col in ["care_key", "care_rule_id"] {
            m.alter_table(Table::alter().table(a("task")).drop_column(a(col)).take()).await?;
        }
        m.drop_table(Table::drop().table(a("care_run")).to_owned()).await?;
        m.drop_table(Table::drop().table(a("care_rule")).to_owned()).await
    }
}
