//! Service time limits in business time (SPEC K13, K15, OP-33): the policies per request type
//! and priority, the working week and the dated exceptions of the working calendar (public
//! holidays, make-up working days), and each request's deadlines and SLA state (E-58).
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (request_kind, request_type, priority, dept_feedback_hours, resolve_hours): OP-33's defaults
/// (投诉 高 24/48, 咨询 普通 48/72, rep-office needs 72), the other priorities scaled from them.
const POLICIES: &[(&str, &str, &str, i32, i32)] = &[
    ("member_request", "complaint", "urgent", 8, 24),
    ("member_request", "complaint", "high", 24, 48),
    ("member_request", "complaint", "normal", 24, 48),
    ("member_request", "complaint", "low", 48, 72),
    ("member_request", "consultation", "urgent", 8, 24),
    ("member_request", "consultation", "high", 24, 48),
    ("member_request", "consultation", "normal", 48, 72),
    ("member_request", "consultation", "low", 72, 120),
    ("rep_request", "complaint", "normal", 48, 72),
    ("rep_request", "consultation", "normal", 48, 72),
];

/// The dated exceptions seeded (国务院办公厅 notices): 2026 as published; 2027's statutory
/// holidays only — its make-up working days are announced late in the year before and entered
/// by the 经理 on the calendar page. (day, `holiday` | `workday`, name)
pub const CALENDAR_DAYS: &[(&str, &str, &str)] = &[
    ("2026-01-01", "holiday", "元旦"),
    ("2026-01-02", "holiday", "元旦"),
    ("2026-01-03", "holiday", "元旦"),
    ("2026-01-04", "workday", "元旦调休上班"),
    ("2026-02-14", "workday", "春节调休上班"),
    ("2026-02-15", "holiday", "春节"),
    ("2026-02-16", "holiday", "春节"),
    ("2026-02-17", "holiday", "春节"),
    ("2026-02-18", "holiday", "春节"),
    ("2026-02-19", "holiday", "春节"),
    ("2026-02-20", "holiday", "春节"),
    ("2026-02-21", "holiday", "春节"),
    ("2026-02-22", "holiday", "春节"),
    ("2026-02-23", "holiday", "春节"),
    ("2026-02-28", "workday", "春节调休上班"),
    ("2026-04-04", "holiday", "清明节"),
    ("2026-04-05", "holiday", "清明节"),
    ("2026-04-06", "holiday", "清明节"),
    ("2026-05-01", "holiday", "劳动节"),
    ("2026-05-02", "holiday", "劳动节"),
    ("2026-05-03", "holiday", "劳动节"),
    ("2026-05-04", "holiday", "劳动节"),
    ("2026-05-05", "holiday", "劳动节"),
    ("2026-05-09", "workday", "劳动节调休上班"),
    ("2026-06-19", "holiday", "端午节"),
    ("2026-06-20", "holiday", "端午节"),
    ("2026-06-21", "holiday", "端午节"),
    ("2026-09-20", "workday", "国庆节调休上班"),
    ("2026-09-25", "holiday", "中秋节"),
    ("2026-09-26", "holiday", "中秋节"),
    ("2026-09-27", "holiday", "中秋节"),
    ("2026-10-01", "holiday", "国庆节"),
    ("2026-10-02", "holiday", "国庆节"),
    ("2026-10-03", "holiday", "国庆节"),
    ("2026-10-04", "holiday", "国庆节"),
    ("2026-10-05", "holiday", "国庆节"),
    ("2026-10-06", "holiday", "国庆节"),
    ("2026-10-07", "holiday", "国庆节"),
    ("2026-10-10", "workday", "国庆节调休上班"),
    ("2027-01-01", "holiday", "元旦"),
    ("2027-02-05", "holiday", "春节"),
    ("2027-02-06", "holiday", "春节"),
    ("2027-02-07", "holiday", "春节"),
    ("2027-02-08", "holiday", "春节"),
    ("2027-04-05", "holiday", "清明节"),
    ("2027-05-01", "holiday", "劳动节"),
    ("2027-05-02", "holiday", "劳动节"),
    ("2027-06-09", "holiday", "端午节"),
    ("2027-09-15", "holiday", "中秋节"),
    ("2027-10-01", "holiday", "国庆节"),
    ("2027-10-02", "holiday", "国庆节"),
    ("2027-10-03", "holiday", "国庆节"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a("sla_policy"))
            .col(ColumnDef::new(a("id")).big_integer().not_null().auto_increment().primary_key())
            .col(string_len(a("request_kind"), 20))
            .col(string_len(a("request_type"), 16))
            .col(string_len(a("priority"), 8))
            .col(integer(a("dept_feedback_hours")))
            .col(integer(a("resolve_hours")))
            .col(integer(a("warn_before_hours")).default(8))
            .col(boolean(a("is_active")).default(true));
        m.create_table(t.take()).await?;
        m.create_index(
            idx("sla_policy", "ux_sla_policy", &["request_kind", "request_type", "priority"]).unique().take(),
        )
        .await?;
        let mut insert = Query::insert();
        insert
            .into_table(a("sla_policy"))
            .columns(["request_kind", "request_type", "priority", "dept_feedback_hours", "resolve_hours"].map(a));
        for (kind, ty, prio, feedback, resolve) in POLICIES {
            insert.values_panic([(*kind).into(), (*ty).into(), (*prio).into(), (*feedback).into(), (*resolve).into()]);
        }
        m.exec_stmt(insert).await?;

        // The working week: one row per weekday (1 = Monday … 7 = Sunday) with its periods
        // as "HH:MM-HH:MM[,HH:MM-HH:MM]" (empty: no work), and row 0 for make-up working days.
        let mut t = Table::create();
        t.table(a("work_week")).col(integer(a("weekday")).primary_key()).col(string_len(a("periods"), 100));
        m.create_table(t.take()).await?;
        let mut insert = Query::insert();
        insert.into_table(a("work_week")).columns([a("weekday"), a("periods")]);
        for day in 0..=7 {
            let periods = if day <= 5 { "09:00-18:00" } else { "" };
            insert.values_panic([day.into(), periods.into()]);
        }
        m.exec_stmt(insert).await?;

        // Dated exceptions: `holiday` or `workday` (调休上班), with a name (国庆节 …).
        let mut t = Table::create();
        t.table(a("calendar_day"))
            .col(string_len(a("day"), 10).primary_key())
            .col(string_len(a("kind"), 10))
            .col(string_len(a("name"), 50).default(""));
        m.create_table(t.take()).await?;
        let mut insert = Query::insert();
        insert.into_table(a("calendar_day")).columns([a("day"), a("kind"), a("name")]);
        for (day, kind, name) in CALENDAR_DAYS {
            insert.values_panic([(*day).into(), (*kind).into(), (*name).into()]);
        }
        m.exec_stmt(insert).await?;

        for stmt in [
            // Resolution (intake → completed) and department feedback (routing → 反馈): when
            // each is due, and when its due-soon warning starts (both in business time,
            // computed when the clock starts, so the sweep is a plain comparison).
            Table::alter()
                .table(a("service_request"))
                .add_column(timestamp_with_time_zone_null(a("sla_due_at")))
                .take(),
            Table::alter()
                .table(a("service_request"))
                .add_column(timestamp_with_time_zone_null(a("sla_warn_at")))
                .take(),
            Table::alter()
                .table(a("service_request"))
                .add_column(timestamp_with_time_zone_null(a("feedback_due_at")))
                .take(),
            Table::alter()
                .table(a("service_request"))
                .add_column(timestamp_with_time_zone_null(a("feedback_warn_at")))
                .take(),
            Table::alter()
                .table(a("service_request"))
                .add_column(string_len(a("sla_state"), 10).default("on_time"))
                .take(),
        ] {
            m.alter_table(stmt).await?;
        }
        // The sweep finds the open requests whose deadline is near by these.
        for (name, col) in [
            ("ix_request_sla_due", "sla_due_at"),
            ("ix_request_sla_warn", "sla_warn_at"),
            ("ix_request_feedback_due", "feedback_due_at"),
            ("ix_request_feedback_warn", "feedback_warn_at"),
        ] {
            m.create_index(idx("service_request", name, &["sla_state", col])).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["calendar_day", "work_week", "sla_policy"] {
            m.drop_table(Table::drop().table(a(t)).take()).await?;
        }
        Ok(())
    }
}
