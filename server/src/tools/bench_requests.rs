//! `bench-requests`: the request pages at scale (2M requests over 1M members), each through
//! the application's own code as the demo account that uses it — the caller lookup while
//! typing, 诉求列表 and 部门待办 for every filter of PG-21/23, the detail, the intake save — and
//! the SLA sweep marking 100k open requests due soon or overdue.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use app::requests::{IntakeInput, RequestAction, RequestFilter, RequestType, lists, lookup, query};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use super::{count, ms, percentile, user};

async fn texts(db: &DatabaseConnection, sql: &str) -> Result<Vec<String>> {
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
    Ok(rows.iter().filter_map(|r| r.try_get_by_index::<Option<String>>(0).ok().flatten()).collect())
}

/// Times `f` `runs` times (after one warm-up), adding the durations to `all`; returns the most
/// statements one call used.
async fn time<F, Fut, T>(statements: &AtomicU64, runs: usize, all: &mut Vec<Duration>, mut f: F) -> Result<u64>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = app::error::AppResult<T>>,
{
    let mut most = 0;
    for i in 0..=runs {
        let before = statements.load(Ordering::Relaxed);
        let t = Instant::now();
        f().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let d = t.elapsed();
        most = most.max(statements.load(Ordering::Relaxed) - before);
        if i > 0 {
            all.push(d);
        }
    }
    Ok(most)
}

fn p95(v: &mut [Duration]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_unstable();
    ms(percentile(v, 95.0))
}

pub async fn bench_requests(url: &str, runs: usize) -> Result<()> {
    // BENCH_ONLY=list,save (lookup, list, inbox, detail, save, sweep) runs those parts (for tuning).
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let part = |name: &str| only.is_empty() || only.split(',').any(|o| o == name);
    // BENCH_FILTER=名: only the lists whose name contains it (with BENCH_TRACE, to see why).
    let named = std::env::var("BENCH_FILTER").unwrap_or_default();
    let (db, statements) = super::counted(url).await?;
    let members = count(&db, "SELECT COUNT(*) FROM customer").await?;
    let requests = count(&db, "SELECT COUNT(*) FROM service_request").await?;
    let steps = count(&db, "SELECT COUNT(*) FROM request_step").await?;
    println!("data: {members} members, {requests} requests, {steps} steps");
    let agent = user(&db, "agent").await?;
    let manager = user(&db, "manager").await?;
    let gz = user(&db, "gz_rep").await?;
    let tech = user(&db, "biz_tech").await?;
    let mut rng = StdRng::seed_from_u64(20261206);
    let sample = |n: i64, rng: &mut StdRng| -> Vec<i64> { (0..40).map(|_| rng.random_range(1..=n)).collect() };
    let ids = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(",");

    // What agents type: two characters of a company name, digits of a mobile number, the
    // start of a login — of members across the data set.
    let picks = ids(&sample(members, &mut rng));
    let names = texts(&db, &format!("SELECT company_name FROM customer WHERE id IN ({picks})")).await?;
    let mobiles = texts(&db, &format!("SELECT phone_mobile FROM customer WHERE id IN ({picks})")).await?;
    let logins = texts(&db, &format!("SELECT login_name FROM customer WHERE id IN ({picks})")).await?;
    let mut typed: Vec<String> = vec![];
    for n in &names {
        let chars: Vec<char> = n.chars().filter(|c| !c.is_ascii()).collect();
        if chars.len() >= 4 {
            let at = rng.random_range(0..chars.len() - 2);
            typed.push(chars[at..at + 2].iter().collect());
        }
    }
    typed.extend(mobiles.iter().filter(|m| m.len() == 11).map(|m| m[3..3 + rng.random_range(4..8)].to_string()));
    typed.extend(logins.iter().filter(|l| l.len() >= 5).map(|l| l[..rng.random_range(3..6)].to_string()));
    let mut lookup_times = vec![];
    let mut slowest_lookup = (0.0, String::new());
    for t in typed.iter().filter(|_| part("lookup")) {
        for u in [&agent, &gz] {
            let mut mine = vec![];
            time(&statements, runs, &mut mine, || lookup::callers(&db, u, t)).await?;
            let worst = mine.iter().max().map(|d| ms(*d)).unwrap_or(0.0);
            if worst > slowest_lookup.0 {
                slowest_lookup = (worst, format!("{t} ({})", u.account.admin_id));
            }
            lookup_times.extend(mine);
        }
    }
    let lookup_p95 = p95(&mut lookup_times);
    println!("caller lookup: {} typed × 2 accounts, p95 {lookup_p95:.2} ms, slowest {slowest_lookup:?}", typed.len());

    // 诉求列表: every filter of PG-21 alone, some together, two accounts.
    let gz_org = count(&db, "SELECT id FROM organization WHERE code = 'GZ'").await?;
    let agent_id = agent.account.id;
    let company: String =
        names.first().map(|n| n.chars().filter(|c| !c.is_ascii()).take(2).collect()).unwrap_or_default();
    let login: String = logins.first().map(|l| l.chars().take(4).collect()).unwrap_or_default();
    let phone: String = mobiles.iter().find(|m| m.len() == 11).map(|m| m[3..9].to_string()).unwrap_or_default();
    let today = app::cst::today();
    let day = |d: i64| (today - chrono::Duration::days(d)).format("%Y-%m-%d").to_string();
    let f = RequestFilter::default;
    let text = |s: &str| s.to_string();
    let lists: Vec<(&str, RequestFilter)> = vec![
        ("全部", f()),
        ("待我回复", RequestFilter { tab: text("reply"), ..f() }),
        ("我处理中", RequestFilter { tab: text("handling"), ..f() }),
        ("我受理的", RequestFilter { tab: text("mine"), ..f() }),
        ("诉求编号", RequestFilter { no: format!("SQ{}", today.format("%Y%m")), ..f() }),
        ("企业名称", RequestFilter { company: company.clone(), ..f() }),
        ("登录名", RequestFilter { login: login.clone(), ..f() }),
        ("客户姓名", RequestFilter { caller: text("王"), ..f() }),
        ("电话", RequestFilter { phone: phone.clone(), ..f() }),
        ("诉求类型 投诉", RequestFilter { request_type: text("complaint"), ..f() }),
        ("受理渠道 邮件", RequestFilter { channel: text("email"), ..f() }),
        ("受理部门 代表处", RequestFilter { accepting_dept: text("rep_office_cs"), ..f() }),
        ("处理部门 技术部", RequestFilter { handling_dept: text("tech_dept"), ..f() }),
        ("流程状态 待部门处理", RequestFilter { state: text("dept_pending"), ..f() }),
        ("处理状态 处理中", RequestFilter { handling_status: text("processing"), ..f() }),
        ("优先级 紧急", RequestFilter { priority: text("urgent"), ..f() }),
        ("客户类型 非会员", RequestFilter { customer_type: text("non_member"), ..f() }),
        ("会员级别 金牌", RequestFilter { level: text("gold"), ..f() }),
        ("是否质检 已质检", RequestFilter { qa: text("inspected"), ..f() }),
        ("超时 已超时", RequestFilter { sla: text("overdue"), ..f() }),
        ("受理时间 近7天", RequestFilter { from: day(7), to: day(0), ..f() }),
        ("流转时间 上月", RequestFilter { routed_from: day(60), routed_to: day(30), ..f() }),
        ("组织机构 广州", RequestFilter { org: Some(gz_org), ..f() }),
        ("客服人员", RequestFilter { agent: Some(agent_id), ..f() }),
        (
            "投诉+技术部+近90天",
            RequestFilter {
                request_type: text("complaint"),
                handling_dept: text("tech_dept"),
                from: day(90),
                to: day(0),
                ..f()
            },
        ),
        ("金牌+已完成+第50页", RequestFilter { level: text("gold"), state: text("completed"), page: 50, ..f() }),
        ("企业名称+投诉", RequestFilter { company: company.clone(), request_type: text("complaint"), ..f() }),
    ];
    let mut list_times = vec![];
    let mut most = 0;
    let mut slowest = (0.0, String::new());
    for (name, filter) in lists.iter().filter(|(n, _)| part("list") && n.contains(named.as_str())) {
        for u in [&agent, &gz] {
            let mut mine = vec![];
            most = most.max(time(&statements, runs, &mut mine, || lists::list(&db, u, filter)).await?);
            let worst = p95(&mut mine);
            println!("  {:<28} {:<8} p95 {worst:>9.2} ms", name, u.account.admin_id);
            if worst > slowest.0 {
                slowest = (worst, format!("{name} ({})", u.account.admin_id));
            }
            list_times.extend(mine);
        }
    }
    let voided = RequestFilter { tab: text("voided"), ..f() };
    if part("list") {
        most = most.max(time(&statements, runs, &mut list_times, || lists::list(&db, &manager, &voided)).await?);
    }
    let list_p95 = p95(&mut list_times);
    println!("诉求列表: {} filters × 2 accounts, p95 {list_p95:.2} ms, slowest {slowest:?}", lists.len());

    // 部门待办.
    let inboxes: Vec<RequestFilter> = vec![
        f(),
        RequestFilter { tab: text("done"), ..f() },
        RequestFilter { request_type: text("complaint"), ..f() },
        RequestFilter { state: text("dept_processing"), ..f() },
        RequestFilter { sla: text("overdue"), ..f() },
        RequestFilter { tab: text("done"), routed_from: day(90), routed_to: day(0), ..f() },
        RequestFilter { tab: text("done"), company: company.clone(), ..f() },
        RequestFilter { tab: text("done"), no: format!("SQ{}", today.format("%Y")), page: 20, ..f() },
    ];
    let mut inbox_times = vec![];
    for filter in inboxes.iter().filter(|_| part("inbox")) {
        let mut mine = vec![];
        most = most.max(time(&statements, runs, &mut mine, || lists::inbox(&db, &tech, filter)).await?);
        println!("  inbox {:<40} p95 {:>9.2} ms", app::ui::list::UrlFilter::to_query(filter), p95(&mut mine));
        inbox_times.extend(mine);
    }
    let inbox_p95 = p95(&mut inbox_times);
    println!("部门待办: {} filters, p95 {inbox_p95:.2} ms", inboxes.len());

    // 诉求详情 of requests across the data set.
    let max_request = count(&db, "SELECT MAX(id) FROM service_request").await?;
    let mut detail_times = vec![];
    for id in sample(max_request, &mut rng).into_iter().filter(|_| part("detail")) {
        let id = count(&db, &format!("SELECT MIN(id) FROM service_request WHERE id >= {id}")).await?;
        most = most.max(time(&statements, runs, &mut detail_times, || query::detail(&db, &agent, id)).await?);
    }
    let detail_p95 = p95(&mut detail_times);
    println!("诉求详情: p95 {detail_p95:.2} ms");

    // 保存 at intake, for members across the data set.
    let mut save_times = vec![];
    for id in sample(members, &mut rng).into_iter().filter(|_| part("save")) {
        let input = IntakeInput {
            customer_id: Some(id),
            request_type: Some(RequestType::Consultation),
            content: "会员咨询展位预订流程(基准测试)".into(),
            action: RequestAction::Save,
            ..IntakeInput::default()
        };
        let t = Instant::now();
        match app::requests::intake::save(&db, &agent, input).await {
            Ok(_) => {
                save_times.push(t.elapsed());
                if std::env::var("BENCH_TRACE").is_ok() {
                    println!("  saved in {:.2} ms", t.elapsed().as_secs_f64() * 1000.0);
                }
            }
            // A generated non-member or a member under review is not a member caller.
            Err(app::error::AppError::Validation(_) | app::error::AppError::NotFound) => {}
            Err(e) => anyhow::bail!("intake save: {e}"),
        }
    }
    let save_p95 = p95(&mut save_times);
    println!("受理保存: {} saves, p95 {save_p95:.2} ms", save_times.len());

    let sweep_s = if part("sweep") { sweep_100k(&db).await? } else { 0.0 };
    println!(
        "summary intake_lookup_p95_ms={lookup_p95:.2} list_p95_ms={list_p95:.2} inbox_p95_ms={inbox_p95:.2} \
         detail_p95_ms={detail_p95:.2} save_p95_ms={save_p95:.2} sla_sweep_100k_s={sweep_s:.2} queries_per_page={most}"
    );
    Ok(())
}

/// Opens 100k closed requests with deadlines past (half only warned, half overdue), times the
/// sweep that marks them and tells their agents, then puts everything back.
async fn sweep_100k(db: &DatabaseConnection) -> Result<f64> {
    let b = db.get_database_backend();
    let ids = db
        .query_all_raw(Statement::from_string(
            b,
            "SELECT id FROM service_request WHERE state = 'completed' ORDER BY id DESC LIMIT 100000",
        ))
        .await?
        .iter()
        .map(|r| r.try_get_by_index::<i64>(0))
        .collect::<Result<Vec<_>, _>>()?;
    let list = |chunk: &[i64]| chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let before = count(db, "SELECT COALESCE(MAX(id), 0) FROM notification").await?;
    let now = chrono::Utc::now();
    let (past, later) = (now - chrono::Duration::hours(1), now + chrono::Duration::hours(5));
    for (i, chunk) in ids.chunks(5000).enumerate() {
        let due = if i % 2 == 0 { past } else { later };
        let sql = format!(
            "UPDATE service_request SET state = 'cs_processing', sla_state = 'on_time', sla_warn_at = $1, \
             sla_due_at = $2 WHERE id IN ({})",
            list(chunk)
        );
        db.execute_raw(Statement::from_sql_and_values(b, sql, [past.into(), due.into()])).await?;
    }
    let t = Instant::now();
    let swept = app::requests::sla::sweep(db, chrono::Utc::now()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let secs = t.elapsed().as_secs_f64();
    println!("SLA sweep: {} overdue, {} due soon in {secs:.2} s", swept.overdue, swept.due_soon);
    for chunk in ids.chunks(5000) {
        let sql = format!(
            "UPDATE service_request SET state = 'completed', sla_state = 'on_time', sla_warn_at = NULL, \
             sla_due_at = NULL WHERE id IN ({})",
            list(chunk)
        );
        db.execute_raw(Statement::from_string(b, sql)).await?;
    }
    db.execute_raw(Statement::from_string(b, format!("DELETE FROM notification WHERE id > {before}"))).await?;
    Ok(secs)
}
