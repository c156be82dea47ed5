//! `bench-export` and `bench-import`: the 1M export and the 100k CM import, by the code the
//! pages use.
use std::time::Instant;

use anyhow::{Result, bail};
use app::auth::scope::Scope;
use app::members::MemberFilter;
use sea_orm::{ConnectionTrait, Statement};

/// Peak resident memory of this process (VmHWM), in MB.
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// `bench-export --out PATH`: all members (按会员, one row each) to xlsx, or to CSV when `PATH`
/// ends in `.csv` (which times the database side without the xlsx writer).
pub async fn bench_export(url: &str, out: &str) -> Result<()> {
    use app::members::export::Format;
    let format = if out.ends_with(".csv") { Format::Csv } else { Format::Xlsx };
    let db = crate::connect(url).await?;
    let f = MemberFilter { view: "members".into(), ..MemberFilter::default() };
    let t = Instant::now();
    let sheet = app::members::export::MEMBER_SERVICES;
    let rows =
        app::members::export::member_services(&db, &f, &Scope::All, sheet, format, std::path::Path::new(out), |_| {})
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    let secs = t.elapsed().as_secs_f64();
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0) as f64 / 1_048_576.0;
    println!("exported {rows} rows to {out} ({size:.1} MB) in {secs:.1} s, peak RSS {:.0} MB", peak_rss_mb());
    println!("summary export_1m_s={secs:.1} export_rss_mb={:.0} export_rows={rows}", peak_rss_mb());
    Ok(())
}

/// `bench-import --rows N`: a CM member file of N rows — half of them existing members as CM
/// exports them every day (unchanged), half new — read, validated (duplicates within the file
/// and against every member in the database) and upserted by the sync code the 数据同步 page
/// uses. The new members are removed again afterwards, so the data set stays as seeded.
pub async fn bench_import(url: &str, rows: usize) -> Result<()> {
    use app::members::cm_sync::{self, SyncKind};
    let db = crate::connect(url).await?;
    let b = db.get_database_backend();
    let header = "会员ID,企业名称,登录名,注册邮箱,手机,固定电话,区域代码,行业代码,企业状态,企业类别,会员级别,平台注册时间,服务开始时间,服务到期时间,是否设置推送,会员积分";
    let mut csv = format!("{header}\n");
    let existing = db
        .query_all_raw(Statement::from_string(
            b,
            format!(
                "SELECT c.cm_member_id, c.company_name, c.login_name, c.registered_email, c.phone_mobile, c.phone_fixed, \
                 r.code AS region, i.code AS industry, c.enterprise_status, c.enterprise_category, c.member_level, \
                 c.service_start_date, c.service_end_date, c.push_enabled, c.member_points \
                 FROM customer c LEFT JOIN region r ON r.id = c.region_district_id \
                 LEFT JOIN industry i ON i.id = c.industry_l3_id WHERE c.cm_member_id IS NOT NULL \
                 ORDER BY c.id LIMIT {}",
                rows / 2
            ),
        ))
        .await?;
    for r in &existing {
        let s = |k: &str| r.try_get::<Option<String>>("", k).ok().flatten().unwrap_or_default();
        let d = |k: &str| {
            r.try_get::<Option<chrono::NaiveDate>>("", k).ok().flatten().map(|d| d.to_string()).unwrap_or_default()
        };
        csv.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},,{},{},{},{}\n",
            s("cm_member_id"),
            s("company_name"),
            s("login_name"),
            s("registered_email"),
            s("phone_mobile"),
            s("phone_fixed"),
            s("region"),
            s("industry"),
            s("enterprise_status"),
            s("enterprise_category"),
            s("member_level"),
            d("service_start_date"),
            d("service_end_date"),
            if r.try_get::<bool>("", "push_enabled").unwrap_or(false) { "是" } else { "否" },
            r.try_get::<Option<i32>>("", "member_points").ok().flatten().map(|p| p.to_string()).unwrap_or_default(),
        ));
    }
    let new = rows - existing.len();
    for i in 0..new {
        csv.push_str(&format!(
            "CMB{i:08},杭州新增{i}号贸易有限公司,bench_new_{i},new{i}@example.com,139{:08},,330106,391,正常,供应商,免费,2026-11-01 10:00,,,否,0\n",
            i
        ));
    }
    let bytes = csv.into_bytes();
    println!(
        "CM member file: {} rows ({} existing, {new} new), {:.1} MB",
        rows,
        existing.len(),
        bytes.len() as f64 / 1_048_576.0
    );
    let t = Instant::now();
    let table = app::tabular::read("bench.csv", &bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
    let parsed = cm_sync::read_file(SyncKind::Members, &table).map_err(|e| anyhow::anyhow!("{e}"))?;
    let read_s = t.elapsed().as_secs_f64();
    let outcome = cm_sync::run(&db, SyncKind::Members, "manual", Some("bench.csv"), parsed, None, |_| {})
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let secs = t.elapsed().as_secs_f64();
    if !outcome.errors.is_empty() {
        bail!("the bench file was rejected: {:?}", &outcome.errors[..outcome.errors.len().min(5)]);
    }
    println!(
        "imported {} rows ({} new, {} updated) in {secs:.1} s (file read {read_s:.1} s)",
        outcome.read, outcome.inserted, outcome.updated
    );
    let t = Instant::now();
    db.execute_unprepared("DELETE FROM customer WHERE cm_member_id LIKE 'CMB%'").await?;
    println!("removed the {new} new members again in {:.1} s", t.elapsed().as_secs_f64());
    println!("summary import_100k_s={secs:.1}");
    Ok(())
}
