//! `bench-members`: the 信息查询 query at scale, through the page's code and as hand-written
//! SQL on the same indexes, combination by combination.
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use app::members::query;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value};

use super::bench_combos::{Combo, FTS, combos};
use super::{count, ms, percentile};

const RAW_COLUMNS: &str = "c.id, c.company_name, c.member_level, c.enterprise_status, c.platform_registered_at, \
    c.service_start_date, c.service_end_date, c.member_points, c.fulfilment_status, c.last_service_at, \
    o.name, i.name";
const RAW_JOINS: &str =
    "LEFT JOIN organization o ON o.id = c.organization_id LEFT JOIN industry i ON i.id = c.industry_l1_id";

/// A figure with two decimals; "—" for one not measured (NaN).
fn shown(x: f64) -> String {
    if x.is_nan() { "—".into() } else { format!("{x:.2}") }
}

/// A search-index phrase among a combination's values.
fn is_phrase(v: &Value) -> bool {
    matches!(v, Value::String(Some(s)) if s.contains("_grams : (\""))
}

/// The count and the rows statements with their values, as written by hand; `ids`: the
/// customers matching the text filters, looked up beforehand (as the plan says).
fn raw_statements(c: &Combo, plan: &query::Plan, ids: Option<&[i64]>) -> [(String, Vec<Value>); 2] {
    let and = |base: &str, extra: &str| if extra.is_empty() { base.to_string() } else { format!("{base} AND {extra}") };
    let (cust_sql, cust_values) = match (ids, &plan.text) {
        (Some(ids), _) => {
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            let list = if list.is_empty() { "NULL".to_string() } else { list };
            (
                c.cust.replacen(FTS, &format!("c.id IN ({list})"), 1),
                c.cust_values.iter().filter(|v| !is_phrase(v)).cloned().collect(),
            )
        }
        (None, query::TextMatch::Checked) => (c.cust.replacen(FTS, &format!("+{FTS}"), 1), c.cust_values.clone()),
        _ => (c.cust.clone(), c.cust_values.clone()),
    };
    let c = &Combo { cust: cust_sql, cust_values, ..c.clone() };
    let cust = and("c.deleted_at IS NULL AND c.review_status = 'approved'", &c.cust);
    let rec = and("r.hidden = false", &c.rec);
    let offset = (c.filter.page.max(1) - 1) * 20;
    let walk = if plan.walk { "INDEXED BY ix_customer_last_service" } else { "" };
    if c.filter.by_member() {
        let mut values = c.cust_values.clone();
        let mut filter = cust;
        if !c.rec.is_empty() {
            filter = format!(
                "{filter} AND EXISTS (SELECT 1 FROM service_record r WHERE r.customer_id = c.id AND {rec} LIMIT 1)"
            );
            values.extend(c.rec_values.clone());
        }
        return [
            (format!("SELECT COUNT(*) FROM (SELECT 1 FROM customer c WHERE {filter} LIMIT 2001) t"), values.clone()),
            (
                format!(
                    "SELECT {RAW_COLUMNS} FROM customer c {walk} {RAW_JOINS} WHERE {filter} \
                     ORDER BY c.last_service_at DESC, c.id DESC LIMIT 20 OFFSET {offset}"
                ),
                values,
            ),
        ];
    }
    let filter_of = |drive| match drive {
        query::Drive::Records => {
            format!("{rec} AND EXISTS (SELECT 1 FROM customer c WHERE c.id = r.customer_id AND {cust} LIMIT 1)")
        }
        query::Drive::Customers => format!("{rec} AND r.customer_id IN (SELECT c.id FROM customer c WHERE {cust})"),
        query::Drive::Latest => format!(
            "{rec} AND r.customer_id IN (SELECT c.id FROM customer c {walk} WHERE {cust} \
             AND c.last_service_at IS NOT NULL ORDER BY c.last_service_at DESC, c.id DESC LIMIT {})",
            offset + 20
        ),
    };
    let filter = filter_of(plan.rows);
    let mut values = c.rec_values.clone();
    values.extend(c.cust_values.clone());
    let count = match plan.count {
        query::Drive::Records => (
            format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM service_record r WHERE {} LIMIT 2001) t",
                filter_of(plan.count)
            ),
            values.clone(),
        ),
        query::Drive::Customers | query::Drive::Latest => {
            let mut v = c.cust_values.clone();
            v.extend(c.rec_values.clone());
            (
                format!(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM customer c CROSS JOIN service_record r \
                     WHERE {cust} AND r.customer_id = c.id AND {rec} LIMIT 2001) t"
                ),
                v,
            )
        }
    };
    [
        count,
        (
            format!(
                "SELECT {RAW_COLUMNS}, r.id, r.service_at, r.service_type, r.service_mode, r.service_dept, r.qa_result \
                 FROM (SELECT r.* FROM service_record r WHERE {filter} ORDER BY r.service_at DESC, r.id DESC \
                 LIMIT 20 OFFSET {offset}) r JOIN customer c ON c.id = r.customer_id {RAW_JOINS} \
                 ORDER BY r.service_at DESC, r.id DESC"
            ),
            values,
        ),
    ]
}

async fn run_raw(db: &DatabaseConnection, c: &Combo, plan: &query::Plan) -> Result<usize> {
    let b = db.get_database_backend();
    let ids = match &plan.text {
        query::TextMatch::Ids(_) => {
            let phrase = c.cust_values.iter().find(|v| is_phrase(v)).cloned().context("phrase")?;
            let rows = db
                .query_all_raw(Statement::from_sql_and_values(
                    b,
                    "SELECT rowid FROM customer_fts WHERE customer_fts MATCH ? LIMIT 2001",
                    [phrase],
                ))
                .await?;
            Some(rows.iter().map(|r| r.try_get_by_index::<i64>(0)).collect::<Result<Vec<_>, _>>()?)
        }
        _ => None,
    };
    let [(count_sql, count_values), (rows_sql, rows_values)] = raw_statements(c, plan, ids.as_deref());
    let n = db.query_one_raw(Statement::from_sql_and_values(b, count_sql, count_values)).await?.context("count")?;
    let _: i64 = n.try_get_by_index(0)?;
    let rows = db.query_all_raw(Statement::from_sql_and_values(b, rows_sql, rows_values)).await?;
    for r in &rows {
        let _: i64 = r.try_get_by_index(0)?;
        let _: Option<String> = r.try_get_by_index(1)?;
    }
    if c.filter.by_member() && !rows.is_empty() {
        let ids: Vec<String> =
            rows.iter().map(|r| r.try_get_by_index::<i64>(0).map(|i| i.to_string())).collect::<Result<_, _>>()?;
        let sql = format!(
            "SELECT customer_id, id, service_at, service_type, service_mode, service_dept, qa_result FROM service_record \
             WHERE customer_id IN ({}) AND hidden = false ORDER BY service_at DESC",
            ids.join(",")
        );
        db.query_all_raw(Statement::from_string(b, sql)).await?;
    }
    Ok(rows.len())
}

/// `bench-members [--runs N]`: every combination through the page's code and, on SQLite, by
/// hand (the hand-written SQL uses FTS5; on PostgreSQL only the page's code is timed).
/// Prints one line per combination and, last, the summary fields for xtask.
pub async fn bench_members(url: &str, runs: usize) -> Result<()> {
    let (db, statements) = super::counted(url).await?;
    let members = count(&db, "SELECT COUNT(*) FROM customer").await?;
    let records = count(&db, "SELECT COUNT(*) FROM service_record").await?;
    println!("data: {members} members, {records} service records");
    let combos = combos(&db).await?;
    let backend = db.get_database_backend();
    let by_hand = backend == DbBackend::Sqlite;
    let (mut all_code, mut all_raw) = (vec![], vec![]);
    let mut max_statements = 0;
    let mut slowest = (0.0f64, "");
    println!(
        "{:<48} {:>9} {:>9} {:>9} {:>9} {:>6} {:>5} {:>7}",
        "combination", "p50 ms", "p95 ms", "raw p50", "raw p95", "ratio", "stmts", "total"
    );
    for c in &combos {
        let mut code = vec![];
        let mut raw = vec![];
        let mut total = 0;
        // The hand-written SQL joins in the order an expert would pick, the one the code picks.
        let drive = query::plan(&db, &c.filter, &c.scope).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        for i in 0..runs + 2 {
            let before = statements.load(Ordering::Relaxed);
            let t = Instant::now();
            let page = query::list(&db, &c.filter, &c.scope).await.map_err(|e| anyhow::anyhow!("{}: {e}", c.name))?;
            let d = t.elapsed();
            let used = statements.load(Ordering::Relaxed) - before;
            max_statements = max_statements.max(used);
            total = page.total;
            if i >= 2 {
                code.push(d);
            }
            if by_hand {
                let t = Instant::now();
                run_raw(&db, c, &drive).await.with_context(|| format!("raw SQL of {}", c.name))?;
                if i >= 2 {
                    raw.push(t.elapsed());
                }
            }
        }
        code.sort_unstable();
        raw.sort_unstable();
        let (p50, p95) = (ms(percentile(&code, 50.0)), ms(percentile(&code, 95.0)));
        let (r50, r95) =
            if by_hand { (ms(percentile(&raw, 50.0)), ms(percentile(&raw, 95.0))) } else { (f64::NAN, f64::NAN) };
        if p95 > slowest.0 {
            slowest = (p95, c.name);
        }
        println!(
            "{:<48} {p50:>9.2} {p95:>9.2} {:>9} {:>9} {:>6} {:>5} {:>7}",
            c.name,
            shown(r50),
            shown(r95),
            shown(p50 / r50),
            max_statements,
            if total > app::members::COUNT_CAP { format!("{}+", app::members::COUNT_CAP) } else { total.to_string() }
        );
        all_code.extend(code);
        all_raw.extend(raw);
    }
    all_code.sort_unstable();
    all_raw.sort_unstable();
    let sum = |v: &[Duration]| v.iter().map(|d| d.as_secs_f64()).sum::<f64>();
    let ratio = if by_hand { sum(&all_code) / sum(&all_raw) } else { f64::NAN };
    let raw_ms = |p: f64| if by_hand { ms(percentile(&all_raw, p)) } else { f64::NAN };
    println!(
        "overall: p50 {:.2} ms, p95 {:.2} ms (raw p50 {:.2}, p95 {:.2}); slowest p95: {} ({:.2} ms)",
        ms(percentile(&all_code, 50.0)),
        ms(percentile(&all_code, 95.0)),
        raw_ms(50.0),
        raw_ms(95.0),
        slowest.1,
        slowest.0
    );
    if let Some(c) = combos.iter().find(|c| c.name == slowest.1) {
        let drive = query::plan(&db, &c.filter, &c.scope).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let stmt = backend.build(&query::rows_statement(backend, &c.filter, &c.scope, &drive, Some((20, 0))));
        println!("plan: {drive:?}");
        let plan = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                format!("{} {}", if by_hand { "EXPLAIN QUERY PLAN" } else { "EXPLAIN" }, stmt.sql),
                stmt.values.map(|v| v.0).unwrap_or_default(),
            ))
            .await?;
        println!("query plan of the slowest combination's rows:");
        for row in plan {
            let line = row.try_get::<String>("", "detail").or_else(|_| row.try_get_by_index::<String>(0));
            println!("  {}", line.unwrap_or_default());
        }
    }
    println!(
        "summary p95_ms={:.2} ratio_vs_raw={} queries_per_page={max_statements}",
        ms(percentile(&all_code, 95.0)),
        shown(ratio)
    );
    Ok(())
}
