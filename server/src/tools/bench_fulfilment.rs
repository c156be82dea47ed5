//! `bench-fulfilment`: 履约 and 质检 at the scale data set, by the code the pages use — the
//! first page of PG-35 for each kind of filter (company CS and a rep office), 服务完成 on
//! 金牌 members' items, a new scheme with 同时重算当前服务年度 for every 金牌 member (the
//! job, timed end to end), a 5 % 随机抽取 of the completed requests and the QA list's pages.
//! The data set's service years are opened first when it has none (every paid member, items
//! delivered at random, deterministically).
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use app::fulfilment::track::ItemAction;
use app::fulfilment::{ApplyTo, FulfilmentFilter, LevelItems, SchemeInput};
use app::qa::{QaFilter, SampleInput};
use sea_orm::{ConnectionTrait, Statement};

use super::{count, ms, percentile, user};

fn err(e: app::error::AppError) -> anyhow::Error {
    anyhow!("{}", e.message(app::i18n::Locale::Zh))
}

fn p95(mut samples: Vec<Duration>) -> f64 {
    samples.sort_unstable();
    ms(percentile(&samples, 95.0))
}

pub async fn bench_fulfilment(url: &str, runs: usize) -> Result<()> {
    let db = crate::connect(url).await?;
    let members = count(&db, "SELECT COUNT(*) FROM customer").await?;
    let years = count(&db, "SELECT COUNT(*) FROM member_fulfilment").await?;
    println!("data: {members} members, {years} service years");
    if years == 0 {
        let t = Instant::now();
        let n = app::fulfilment::demo::open_years(&db, app::cst::today(), Some(20261211), |n| {
            if n % 100_000 < 2_000 {
                println!("  {n} service years ({:.0} s)", t.elapsed().as_secs_f64());
            }
        })
        .await
        .map_err(err)?;
        migration::analyze(&db, None).await?;
        println!("opened {n} service years in {:.1} s", t.elapsed().as_secs_f64());
    }
    if count(&db, "SELECT COUNT(*) FROM qa_record").await? == 0 {
        // A data set seeded before 质检 existed: the records behind its 已质检 requests.
        let t = Instant::now();
        let n = app::qa::demo::records(&db).await.map_err(err)?;
        migration::analyze(&db, None).await?;
        println!("wrote {n} 质检 records in {:.1} s", t.elapsed().as_secs_f64());
    }
    let manager = user(&db, "manager").await?;
    let agent = user(&db, "agent").await?;
    let rep = user(&db, "gz_rep").await?;
    let qa = user(&db, "qa").await?;
    let gz = count(&db, "SELECT id FROM organization WHERE code = 'GZ'").await?;

    // PG-35: the first page of each filter.
    let f = |k: &[(&str, &str)]| {
        let mut f = FulfilmentFilter::default();
        for (key, v) in k {
            let v = v.to_string();
            match *key {
                "level" => f.level = v,
                "status" => f.status = v,
                "pmin" => f.progress_min = v,
                "pmax" => f.progress_max = v,
                "pending" => f.pending = v,
                "ends" => f.ends_within = v,
                "company" => f.company = v,
                "sort" => f.sort = v,
                _ => {}
            }
        }
        f
    };
    let filters: Vec<(&str, FulfilmentFilter, &app::auth::session::CurrentUser)> = vec![
        ("全部", f(&[]), &manager),
        ("金牌", f(&[("level", "gold")]), &manager),
        ("履约完毕", f(&[("status", "completed")]), &manager),
        ("进度0-30", f(&[("pmin", "0"), ("pmax", "30")]), &manager),
        ("首页推荐未完成", f(&[("pending", "首页推荐")]), &manager),
        ("30天内结束", f(&[("ends", "30")]), &manager),
        ("企业名称", f(&[("company", "贸易")]), &manager),
        ("按进度", f(&[("sort", "progress")]), &manager),
        ("商洽通+履约中+≤50", f(&[("level", "shang_qia_tong"), ("status", "in_progress"), ("pmax", "50")]), &manager),
        ("广州全部", f(&[]), &rep),
        ("广州金牌按进度", f(&[("level", "gold"), ("sort", "progress")]), &rep),
        ("组织=广州", FulfilmentFilter { org: Some(gz), ..f(&[]) }, &manager),
    ];
    let mut list = vec![];
    for (name, filter, who) in &filters {
        let mut own = vec![];
        // (Twice the runs: one first read from disk is not the 95th percentile.)
        for _ in 0..runs * 2 {
            let t = Instant::now();
            let page = app::fulfilment::list::list(&db, who, filter).await.map_err(err)?;
            own.push(t.elapsed());
            if own.len() == 1 {
                println!("  {name}: {} rows", page.total);
            }
        }
        println!("  {name}: p95 {:.2} ms", p95(own.clone()));
        list.extend(own);
    }
    let list_p95 = p95(list);

    // 服务完成 on pending items of 金牌 members (each answered with the member's page).
    let items = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT i.id, i.version FROM member_fulfilment_item i JOIN member_fulfilment f ON f.id = i.member_fulfilment_id \
             WHERE f.is_current = TRUE AND f.member_level = 'gold' AND i.status = 'pending' AND i.item_kind = 'simple' \
             ORDER BY i.id LIMIT 200",
        ))
        .await?;
    let mut marks = vec![];
    for row in items.iter().step_by(2).take(runs.max(20) * 5) {
        let (id, version): (i64, i32) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        let action = ItemAction { item_id: id, version, action: "mark_done".into(), ..Default::default() };
        let t = Instant::now();
        app::fulfilment::service::act(&db, &agent, action).await.map_err(err)?;
        marks.push(t.elapsed());
    }
    let mark_p95 = if marks.is_empty() { 0.0 } else { p95(marks) };

    // A new scheme: 5 points from one 金牌 item to another, every 金牌 member recomputed.
    let page = app::fulfilment::scheme_service::page(&db).await.map_err(err)?;
    let mut levels = page.current.levels.clone();
    let gold = levels.iter_mut().find(|l| l.level == "gold").context("no 金牌 items")?;
    shift_five_points(gold)?;
    let input = SchemeInput {
        base_version: page.current.version_no,
        levels,
        effective_from: app::cst::today().to_string(),
        apply_to: ApplyTo::Recompute.code().into(),
        note: "bench".into(),
    };
    let jobs = app::jobs::Jobs::new(db.clone());
    let golds =
        count(&db, "SELECT COUNT(*) FROM member_fulfilment WHERE is_current = TRUE AND member_level = 'gold'").await?;
    let t = Instant::now();
    app::fulfilment::scheme_service::save(&jobs, &manager, input).await.map_err(err)?;
    while app::upkeep::run_queued(&jobs).await.map_err(err)? {}
    let recompute_s = t.elapsed().as_secs_f64();
    println!("recomputed {golds} 金牌 service years in {recompute_s:.1} s");

    // 质检: a 5 % sample of the completed requests, and the list's pages.
    let completed = count(&db, "SELECT COUNT(*) FROM service_request WHERE state = 'completed'").await?;
    let mut samples = vec![];
    for seed in 0..runs.min(5) as u64 {
        let input = SampleInput { percent: Some("5".into()), seed: Some(seed + 1), ..Default::default() };
        let t = Instant::now();
        let every = QaFilter { qa: "all".into(), ..Default::default() };
        let s = app::qa::sample::sample(&db, &qa, &every, &input).await.map_err(err)?;
        samples.push(t.elapsed());
        if seed == 0 {
            println!("  5 % of {} of {completed} completed requests: {} drawn", s.population, s.drawn);
        }
    }
    let sample_ms = p95(samples);
    let qa_filters = [
        QaFilter::default(),
        QaFilter { qa: "inspected".into(), ..Default::default() },
        QaFilter { level: "gold".into(), ..Default::default() },
        QaFilter { company: "贸易".into(), ..Default::default() },
        QaFilter { page: 50, ..Default::default() },
    ];
    let mut qa_list = vec![];
    for filter in &qa_filters {
        for _ in 0..runs {
            let t = Instant::now();
            app::qa::service::list(&db, &qa, filter).await.map_err(err)?;
            qa_list.push(t.elapsed());
        }
    }
    let qa_list_p95 = p95(qa_list);
    println!(
        "summary list_p95_ms={list_p95:.2} mark_p95_ms={mark_p95:.2} recompute_scheme_s={recompute_s:.1} \
         qa_sample_ms={sample_ms:.0} qa_list_p95_ms={qa_list_p95:.2}"
    );
    Ok(())
}

/// Moves 5 points from the last 金牌 item to the first (or back, when the last has too few).
fn shift_five_points(gold: &mut LevelItems) -> Result<()> {
    let n = gold.items.len();
    anyhow::ensure!(n >= 2, "金牌 has fewer than two items");
    let w = |s: &str| app::fulfilment::Pct::parse(s).map(|p| p.0).unwrap_or(0);
    let (from, to) = if w(&gold.items[n - 1].weight) > 500 { (n - 1, 0) } else { (0, n - 1) };
    let shift = |i: &mut app::fulfilment::ItemInput, by: i64| {
        i.weight = app::fulfilment::Pct(w(&i.weight) + by).text();
    };
    shift(&mut gold.items[from], -500);
    shift(&mut gold.items[to], 500);
    Ok(())
}
