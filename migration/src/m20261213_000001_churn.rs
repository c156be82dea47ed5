//! 流失预警 (SPEC SM-8, K11, K12, PG-75): the rules 经理 tunes, the warnings the nightly
//! evaluation raises, updates and clears, its runs, and the member's cached risk level (the
//! 360° page and the intake panel show it without reading warnings). At most one warning per
//! member is open (待处理 or 跟进中): a partial unique index holds it, so evaluations run at
//! once never raise two.
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, fk, id, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// code, name, threshold (days, count or points; none), score — SPEC §4.8's defaults.
const RULES: &[(&str, &str, Option<i32>, i32)] = &[
    ("EXPIRY_SOON", "服务即将到期(天内)", Some(60), 30),
    ("EXPIRED", "服务已到期未续费", None, 50),
    ("NO_PUBLISH", "未发布信息(天)", Some(90), 20),
    ("COMPLAINTS", "近90天投诉次数 ≥", Some(2), 25),
    ("QA_INCORRECT", "近90天有诉求质检处理有误", None, 15),
    ("LOW_SATISFACTION", "最近回访不满意", None, 25),
    ("NO_CONTACT", "未联系(天)", Some(90), 15),
    ("FULFILMENT_LAG", "履约进度落后(百分点) ≥", Some(40), 20),
    ("PUSH_DISABLED", "未设置推送", None, 5),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a("churn_rule"))
            .col(id())
            .col(string_len(a("code"), 32).unique_key())
            .col(string_len(a("name"), 50))
            .col(boolean(a("enabled")))
            .col(integer_null(a("threshold")))
            .col(integer(a("score")))
            .col(integer(a("version")))
            .col(big_integer_null(a("updated_by")))
            .col(timestamp_with_time_zone(a("updated_at")));
        m.create_table(t.take()).await?;

        let mut t = Table::create();
        t.table(a("churn_warning"))
            .col(id())
            .col(big_integer(a("customer_id")))
            .foreign_key(&mut fk("churn_warning", "customer_id", "customer"))
            .col(string_len(a("risk_level"), 8))
            .col(integer(a("score")))
            // JSON: [{"code": "EXPIRY_SOON", "fact": "服务将于 2027-01-05 到期(29天)"}, …]
            .col(text(a("reasons")))
            .col(timestamp_with_time_zone(a("detected_at")))
            .col(timestamp_with_time_zone(a("last_evaluated_at")))
            .col(string_len(a("status"), 12))
            .col(big_integer_null(a("assignee_id")))
            .foreign_key(&mut fk("churn_warning", "assignee_id", "account"))
            .col(big_integer_null(a("handled_by")))
            .col(timestamp_with_time_zone_null(a("handled_at")))
            .col(string_len_null(a("resolution_note"), 500))
            .col(integer(a("version")));
        m.create_table(t.take()).await?;
        m.create_index(idx("churn_warning", "ix_churn_warning_customer", &["customer_id", "status"])).await?;
        m.create_index(idx("churn_warning", "ix_churn_warning_status", &["status", "risk_level", "score"])).await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_churn_warning_open ON churn_warning (customer_id) \
                 WHERE status IN ('open', 'following')",
            )
            .await?;

        let mut t = Table::create();
        t.table(a("churn_run"))
            .col(id())
            .col(date(a("run_day")))
            .col(string_len(a("started_how"), 16))
            .col(big_integer_null(a("started_by")))
            .col(timestamp_with_time_zone(a("started_at")))
            .col(timestamp_with_time_zone_null(a("finished_at")))
            .col(string_len(a("state"), 16))
            .col(big_integer(a("examined")))
            .col(big_integer(a("raised")))
            .col(big_integer(a("updated")))
            .col(big_integer(a("closed")))
            .col(string_len_null(a("message"), 500));
        m.create_table(t.take()).await?;
        m.create_index(idx("churn_run", "ix_churn_run_started", &["started_at"])).await?;

        m.alter_table(
            Table::alter()
                .table(a("customer"))
                .add_column(ColumnDef::new(a("churn_risk_level")).string_len(8).null().take())
                .take(),
        )
        .await?;
        m.create_index(idx("customer", "ix_customer_churn_risk", &["churn_risk_level"])).await?;

        let mut insert = Query::insert();
        insert
            .into_table(a("churn_rule"))
            .columns(["code", "name", "enabled", "threshold", "score", "version", "updated_at"].map(a));
        for (code, name, threshold, score) in RULES {
            insert.values_panic([
                (*code).into(),
                (*name).into(),
                true.into(),
                (*threshold).into(),
                (*score).into(),
                1.into(),
                Expr::current_timestamp(),
            ]);
        }
        m.exec_stmt(insert).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_customer_churn_risk").table(a("customer")).to_owned()).await?;
        m.alter_table(Table::alter().table(a("customer")).drop_column(a("churn_risk_level")).take()).await?;
        for t in ["churn_run", "churn_warning", "churn_rule"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
