//! `bench-reports`: the report centre at the scale data set, by the code the page uses — each
//! report for the current year as the manager (汇总, and 按月 for the worst), server time;
//! then the churn evaluation over every paid member, twice (the second finds nothing to do).
//! A data set seeded without the reports' sources gets them first, deterministically and
//! set-based: the last year's generated callback records become callbacks, the rep offices'
//! requests become rep-office needs, paid members get published items and push e-mails, and
//! their service years are opened (R-5's annual target).
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use app::reports::ReportFilter;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use super::{count, ms, user};

fn err(e: app::error::AppError) -> anyhow::Error {
    anyhow!("{}", e.message(app::i18n::Locale::Zh))
}

async fn exec(db: &DatabaseConnection, sql: &str) -> Result<u64> {
    Ok(db.execute_raw(Statement::from_string(db.get_database_backend(), sql)).await?.rows_affected())
}

/// A timestamp `days` (an SQL expression) before now, as the application stores it.
fn days_ago(backend: sea_orm::DbBackend, days: &str) -> String {
    match backend {
        sea_orm::DbBackend::Postgres => format!("(now() - ({days}) * interval '1 day')"),
        _ => format!("strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now', '-' || ({days}) || ' days')"),
    }
}

/// The reports' sources, once.
async fn top_up(db: &DatabaseConnection) -> Result<()> {
    let b = db.get_database_backend();
    let t = Instant::now();
    if count(db, "SELECT COUNT(*) FROM callback").await? == 0 {
        let contents = "CASE r.id % 5 WHEN 0 THEN 'service_activation_confirm' WHEN 1 THEN 'platform_training' \
                        WHEN 2 THEN 'service_guidance_care' WHEN 3 THEN 'renewal_reminder' ELSE 'special_survey' END";
        let ratings = "CASE r.id % 7 WHEN 0 THEN 'very_satisfied' WHEN 1 THEN 'satisfied' WHEN 2 THEN 'satisfied' \
                       WHEN 3 THEN 'neutral' WHEN 4 THEN 'dissatisfied' WHEN 5 THEN NULL ELSE 'very_dissatisfied' END";
        let since = days_ago(b, "400");
        let n = exec(
            db,
            &format!(
                "INSERT INTO callback (id, customer_id, callback_content, reach_status, satisfaction, service_mode, \
                 service_dept, organization_id, agent_id, callback_at, service_record_id, created_at) \
                 SELECT r.id, r.customer_id, {contents}, CASE WHEN r.id % 4 = 0 THEN 'not_reached' ELSE 'reached' END, \
                 {ratings}, r.service_mode, r.service_dept, r.organization_id, r.agent_id, r.service_at, r.id, r.service_at \
                 FROM service_record r WHERE r.service_type = 'callback' AND r.service_at >= {since}"
            ),
        )
        .await?;
        exec(
            db,
            &format!(
                "UPDATE service_record SET source_kind = 'callback' WHERE service_type = 'callback' AND service_at >= {since}"
            ),
        )
        .await?;
        println!("  {n} callbacks ({:.0} s)", t.elapsed().as_secs_f64());
    }
    if count(db, "SELECT COUNT(*) FROM rep_office_request").await? == 0 {
        let n = exec(
            db,
            "INSERT INTO rep_office_request (id, request_no, organization_id, submitted_by, accepted_at, content, \
             customer_id, request_type, handling_dept, state, completed_at, withdrawn_at, version, created_at, updated_at) \
             SELECT s.id, 'XQ' || s.id, s.accepting_org_id, s.agent_id, s.accepted_at, s.content, s.customer_id, \
             CASE WHEN s.id % 9 = 0 THEN NULL ELSE s.request_type END, s.handling_dept, \
             CASE s.state WHEN 'cs_processing' THEN 'hq_processing' WHEN 'voided' THEN 'withdrawn' ELSE s.state END, \
             s.completed_at, CASE WHEN s.state = 'voided' THEN s.updated_at END, 1, s.created_at, s.updated_at \
             FROM service_request s WHERE s.accepting_dept = 'rep_office_cs' AND s.id % 4 = 0",
        )
        .await?;
        println!("  {n} rep-office needs ({:.0} s)", t.elapsed().as_secs_f64());
    }
    if count(db, "SELECT COUNT(*) FROM published_info").await? == 0 {
        // Two items per paid member over the last two years.
        for k in 0..2 {
            let at = days_ago(b, &format!("(c.id * 7 + {k} * 331) % 730"));
            let n = exec(
                db,
                &format!(
                    "INSERT INTO published_info (cm_info_id, customer_id, info_type, title, status, published_at, \
                     synced_at) SELECT 'B{k}-' || c.id, c.id, CASE (c.id + {k}) % 3 WHEN 0 THEN 'product' \
                     WHEN 1 THEN 'supply' ELSE 'purchase' END, '产品信息 ' || c.id, CASE c.id % 5 WHEN 0 THEN 'hidden' \
                     WHEN 1 THEN 'unlisted' ELSE 'listed' END, {at}, {at} FROM customer c \
                     WHERE c.member_level IS NOT NULL AND c.member_level <> 'free'"
                ),
            )
            .await?;
            println!("  {n} published items ({:.0} s)", t.elapsed().as_secs_f64());
        }
    }
    if count(db, "SELECT COUNT(*) FROM info_push_log").await? == 0 {
        // Six pushes per member who takes them, over the last year.
        for k in 0..6 {
            let at = days_ago(b, &format!("(c.id * 13 + {k} * 61) % 365"));
            let opened = format!("CASE WHEN (c.id + {k}) % 3 = 0 THEN {at} END");
            let n = exec(
                db,
                &format!(
                    "INSERT INTO info_push_log (source, cm_log_id, customer_id, recipient_email, sent_at, push_status, \
                     opened_at, synced_at) SELECT CASE WHEN {k} = 5 THEN 'crm' ELSE 'cm' END, 'P{k}-' || c.id, c.id, \
                     c.registered_email, {at}, 'sent', {opened}, {at} FROM customer c \
                     WHERE c.push_enabled AND c.registered_email IS NOT NULL"
                ),
            )
            .await?;
            println!("  {n} push e-mails ({:.0} s)", t.elapsed().as_secs_f64());
        }
    }
    if count(db, "SELECT COUNT(*) FROM member_fulfilment").await? == 0 {
        let n = app::fulfilment::demo::open_years(db, app::cst::today(), Some(20261211), |_| {}).await.map_err(err)?;
        println!("  {n} service years ({:.0} s)", t.elapsed().as_secs_f64());
    }
    migration::analyze(db, None).await?;
    Ok(())
}

pub async fn bench_reports(url: &str, runs: usize) -> Result<()> {
    // BENCH_FILTER=名: only the reports (or `churn`) whose key contains it; with BENCH_TRACE=1,
    // each statement with its time.
    let (db, _) = super::counted(url).await?;
    let only = std::env::var("BENCH_FILTER").unwrap_or_default();
    top_up(&db).await?;
    let data = [
        ("members", "customer"),
        ("requests", "service_request"),
        ("records", "service_record"),
        ("callbacks", "callback"),
        ("needs", "rep_office_request"),
        ("published", "published_info"),
        ("pushes", "info_push_log"),
    ];
    let mut line = vec![];
    for (name, table) in data {
        line.push(format!("{name}={}", count(&db, &format!("SELECT COUNT(*) FROM {table}")).await?));
    }
    println!("data: {}", line.join(" "));
    let manager = user(&db, "manager").await?;
    let gz = user(&db, "gz_rep").await?;
    let kinds = [
        ("r1", "member_count"),
        ("r2", "request_volume"),
        ("r2t", "request_type"),
        ("r3", "callback"),
        ("r4", "published_info"),
        ("r5", "email_push"),
        ("r6", "rep_need"),
    ];
    let time = |who: &app::auth::session::CurrentUser, f: ReportFilter| {
        let (db, who) = (db.clone(), who.clone());
        async move {
            let mut all = vec![];
            for i in 0..=runs {
                let t = Instant::now();
                app::reports::service::run(&db, &who, &f).await.map_err(err)?;
                if i > 0 {
                    all.push(t.elapsed());
                }
            }
            all.sort_unstable();
            Ok::<Duration, anyhow::Error>(all[all.len() / 2])
        }
    };
    let mut summary = vec![];
    let mut worst = 0.0f64;
    println!("{:<16} {:>10} {:>10} {:>12}", "report", "汇总 ms", "按月 ms", "代表处 ms");
    for (key, kind) in kinds.into_iter().filter(|(_, kind)| kind.contains(only.as_str())) {
        let f = |grain: &str| ReportFilter {
            kind: kind.into(),
            preset: "this_year".into(),
            grain: grain.into(),
            ..Default::default()
        };
        let total = ms(time(&manager, f("total")).await?);
        let monthly = ms(time(&manager, f("month")).await?);
        let office = ms(time(&gz, f("total")).await?);
        // (The target is the year 汇总; 按月 runs a tally per month and is shown beside it.)
        worst = worst.max(total);
        println!("{kind:<16} {total:>10.1} {monthly:>10.1} {office:>12.1}");
        summary.push(format!("{key}_ms={total:.1}"));
        summary.push(format!("{key}_month_ms={monthly:.1}"));
    }
    summary.push(format!("worst_year_ms={worst:.1}"));
    // 流失预警: the evaluation over every paid member, then again (nothing to write).
    let churn: &[&str] = if "churn".contains(only.as_str()) { &["churn_job_s", "churn_rerun_s"] } else { &[] };
    if !churn.is_empty() {
        // The first evaluation raises every warning: start from none (as a new installation).
        exec(&db, "DELETE FROM churn_warning").await?;
        exec(&db, "DELETE FROM churn_run").await?;
        exec(&db, "UPDATE customer SET churn_risk_level = NULL WHERE churn_risk_level IS NOT NULL").await?;
    }
    for (i, key) in churn.iter().enumerate() {
        let t = Instant::now();
        let o = app::churn::service::run(&db, app::cst::today(), "bench", None, |_| {}).await.map_err(err)?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "churn run {}: {secs:.1} s — examined {} raised {} updated {} closed {}",
            i + 1,
            o.examined,
            o.raised,
            o.updated,
            o.closed
        );
        summary.push(format!("{key}={secs:.1}"));
    }
    println!("summary {}", summary.join(" "));
    Ok(())
}
