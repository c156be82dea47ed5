//! `cargo xtask bench <name>`: latency benchmarks against a release server.
//!
//! `login` measures the server-rendered login page: time to first byte of
//! `GET /login` over loopback, one fresh connection per request, sequentially, so
//! the numbers reflect the server's render time and not client concurrency.

use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::http;
use crate::server::{self, LOGIN_PATH, TestServer};
use crate::site;
use crate::util::{TempDir, Workspace};

const WARM_UP: usize = 50;
const REQUESTS: usize = 1_000;

/// The benchmarks `bench` knows; anything else is a usage error.
pub const NAMES: &[&str] = &["login", "members", "requests", "email", "fulfilment", "kb", "reports", "web"];

/// Runs the benchmark `name`. The caller checks the name against [`NAMES`].
pub fn run(ws: &Workspace, name: &str, pg: bool) -> Result<()> {
    if pg && name != "members" {
        bail!("`--pg` goes with `bench members` only");
    }
    match name {
        "login" => login(ws),
        "members" if pg => members_pg(ws),
        "members" => members(ws),
        "requests" => requests(ws),
        "email" => email(ws),
        "fulfilment" => fulfilment(ws),
        "kb" => kb(ws),
        "reports" => reports(ws),
        "web" => crate::bench_web::run(ws),
        _ => bail!("unknown bench `{name}`"),
    }
}

fn login(ws: &Workspace) -> Result<()> {
    let sizes = site::build(ws)?;
    server::build_server(ws, true)?;

    // A fresh database each run, so results do not depend on earlier data.
    let tmp = TempDir::new("crm-bench")?;
    let server =
        TestServer::start(ws, &ws.server_bin(true), &tmp.path().join("bench.db"), &ws.target.join("bench-server.log"))?;

    let timeout = Duration::from_secs(10);
    let get = || -> Result<Duration> {
        let resp = http::get(server.addr, LOGIN_PATH, timeout).with_context(|| format!("GET {LOGIN_PATH}"))?;
        if resp.status != 200 {
            bail!("GET {LOGIN_PATH} answered {}, expected 200", resp.status);
        }
        Ok(resp.ttfb)
    };

    println!("warming up ({WARM_UP} requests)");
    for _ in 0..WARM_UP {
        get()?;
    }
    println!("measuring {REQUESTS} sequential GET {LOGIN_PATH}");
    let mut samples = (0..REQUESTS).map(|_| get()).collect::<Result<Vec<_>>>()?;
    drop(server);

    samples.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p50 = ms(percentile(&samples, 50.0));
    let p95 = ms(percentile(&samples, 95.0));
    let p99 = ms(percentile(&samples, 99.0));
    let max = ms(*samples.last().context("no samples")?);
    println!("GET {LOGIN_PATH} TTFB over {REQUESTS} requests:");
    println!("  p50 {p50:>8.2} ms");
    println!("  p95 {p95:>8.2} ms");
    println!("  p99 {p99:>8.2} ms");
    println!("  max {max:>8.2} ms");
    // Machine-readable summary; keep this exact format.
    println!("bench login p50_ms={p50:.2} p95_ms={p95:.2} wasm_brotli_kb={}", sizes.brotli_kb());
    Ok(())
}

/// Members of the scale data set `bench members` runs on.
const SCALE: u64 = 1_000_000;

/// The scale data set of `members` members, their service records and the requests behind
/// them (named anew whenever the generator adds a kind of data, so an older file is re-seeded).
fn dataset(ws: &Workspace, members: u64) -> std::path::PathBuf {
    ws.target.join("bench").join(format!("crm-{members}-requests.db"))
}

fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// `seed --members N`: a fresh deterministic data set (release build of the server's seeder).
pub fn seed(ws: &Workspace, members: u64) -> Result<()> {
    server::build_server(ws, true)?;
    let db = dataset(ws, members);
    std::fs::create_dir_all(db.parent().context("bench dir")?)?;
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    println!("seeding {members} members into {}", db.display());
    crate::util::run(
        std::process::Command::new(ws.server_bin(true))
            .args(["seed", "--members", &members.to_string()])
            .env("DATABASE_URL", sqlite_url(&db))
            .env("RUST_LOG", "warn"),
    )
}

/// Runs a tool of the release server on the database at `url`, echoes its output and
/// returns the fields of its `summary` line.
fn tool(ws: &Workspace, url: &str, args: &[&str]) -> Result<Vec<(String, String)>> {
    let out = std::process::Command::new(ws.server_bin(true))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .with_context(|| format!("running crm-server {}", args.join(" ")))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    if !out.status.success() {
        bail!("crm-server {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    }
    let summary = stdout.lines().find_map(|l| l.strip_prefix("summary ")).context("no summary line")?;
    Ok(summary.split_whitespace().filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.into(), v.into())).collect())
}

/// `bench members`: the 信息查询 page at 1M members on SQLite, the 1M export and the 100k CM
/// import, each by the application's own code.
fn members(ws: &Workspace) -> Result<()> {
    let db = dataset(ws, SCALE);
    if !db.exists() {
        seed(ws, SCALE)?;
    } else {
        server::build_server(ws, true)?;
    }
    let line = measure(ws, &sqlite_url(&db), "bench members")?;
    std::fs::write(summary_file(ws, "sqlite"), &line).context("keeping the SQLite summary")?;
    Ok(())
}

/// `bench requests`: the request pages at 2M requests over 1M members on SQLite, by the
/// application's own code (seeds the data set first if missing).
fn requests(ws: &Workspace) -> Result<()> {
    let db = dataset(ws, SCALE);
    if !db.exists() {
        seed(ws, SCALE)?;
    } else {
        server::build_server(ws, true)?;
    }
    let fields = tool(ws, &sqlite_url(&db), &["bench-requests", "--runs", "5"])?;
    let get = |k: &str| fields.iter().find(|f| f.0 == k).map(|f| f.1.clone()).unwrap_or_else(|| "?".into());
    // Machine-readable summary; keep this exact format.
    println!(
        "bench requests intake_lookup_p95_ms={} list_p95_ms={} inbox_p95_ms={} detail_p95_ms={} save_p95_ms={} \
         sla_sweep_100k_s={} queries_per_page={}",
        get("intake_lookup_p95_ms"),
        get("list_p95_ms"),
        get("inbox_p95_ms"),
        get("detail_p95_ms"),
        get("save_p95_ms"),
        get("sla_sweep_100k_s"),
        get("queries_per_page")
    );
    Ok(())
}

/// `bench reports`: the report centre at 1M members (the data set's callbacks, needs,
/// published items, push e-mails and service years added once), each report for this year,
/// and the churn evaluation over every paid member.
fn reports(ws: &Workspace) -> Result<()> {
    let db = dataset(ws, SCALE);
    if !db.exists() {
        seed(ws, SCALE)?;
    } else {
        server::build_server(ws, true)?;
    }
    let fields = tool(ws, &sqlite_url(&db), &["bench-reports", "--runs", "3"])?;
    let get = |k: &str| fields.iter().find(|f| f.0 == k).map(|f| f.1.clone()).unwrap_or_else(|| "?".into());
    // Machine-readable summary; keep this exact format.
    println!(
        "bench reports r1_ms={} r2_ms={} r3_ms={} r4_ms={} r5_ms={} r6_ms={} worst_year_ms={} churn_job_s={}",
        get("r1_ms"),
        get("r2_ms"),
        get("r3_ms"),
        get("r4_ms"),
        get("r5_ms"),
        get("r6_ms"),
        get("worst_year_ms"),
        get("churn_job_s"),
    );
    Ok(())
}

/// `bench email`: queueing 5,000 recipients, delivering 10,000 e-mails to a loopback SMTP
/// sink (rate limit raised), memory, and the 电话回访关怀 list at 1M members — on SQLite, by
/// the application's own code (seeds the data set first if missing).
fn email(ws: &Workspace) -> Result<()> {
    let db = dataset(ws, SCALE);
    if !db.exists() {
        seed(ws, SCALE)?;
    } else {
        server::build_server(ws, true)?;
    }
    let fields = tool(ws, &sqlite_url(&db), &["bench-email", "--runs", "20"])?;
    let get = |k: &str| fields.iter().find(|f| f.0 == k).map(|f| f.1.clone()).unwrap_or_else(|| "?".into());
    // Machine-readable summary; keep this exact format.
    println!(
        "bench email queue_5k_s={} send_10k_s={} rss_mb={} callbacks_list_p95_ms={}",
        get("queue_5k_s"),
        get("send_10k_s"),
        get("rss_mb"),
        get("callbacks_list_p95_ms")
    );
    Ok(())
}

/// `bench fulfilment`: PG-35's first page for each kind of filter, 服务完成, a new scheme
/// recomputing every 金牌 member's year, a 5 % QA sample and the QA list — at 1M members on
/// SQLite, by the application's own code (seeds the data set first if missing; opens the
/// service years on first use).
fn fulfilment(ws: &Workspace) -> Result<()> {
    let db = dataset(ws, SCALE);
    if !db.exists() {
        seed(ws, SCALE)?;
    } else {
        server::build_server(ws, true)?;
    }
    let fields = tool(ws, &sqlite_url(&db), &["bench-fulfilment", "--runs", "10"])?;
    let get = |k: &str| fields.iter().find(|f| f.0 == k).map(|f| f.1.clone()).unwrap_or_else(|| "?".into());
    // Machine-readable summary; keep this exact format.
    println!(
        "bench fulfilment list_p95_ms={} mark_p95_ms={} recompute_scheme_s={} qa_sample_ms={} qa_list_p95_ms={}",
        get("list_p95_ms"),
        get("mark_p95_ms"),
        get("recompute_scheme_s"),
        get("qa_sample_ms"),
        get("qa_list_p95_ms")
    );
    Ok(())
}

/// Articles of the knowledge-base data set.
const KB_ARTICLES: u64 = 10_000;

fn kb_dataset(ws: &Workspace, articles: u64) -> std::path::PathBuf {
    ws.target.join("bench").join(format!("crm-kb-{articles}.db"))
}

/// `seed --kb N`: a fresh data set of N articles (release build of the server's seeder).
pub fn seed_kb(ws: &Workspace, articles: u64) -> Result<()> {
    server::build_server(ws, true)?;
    let db = kb_dataset(ws, articles);
    std::fs::create_dir_all(db.parent().context("bench dir")?)?;
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    println!("seeding {articles} articles into {}", db.display());
    seed_kb_at(ws, &sqlite_url(&db), articles)
}

fn seed_kb_at(ws: &Workspace, url: &str, articles: u64) -> Result<()> {
    crate::util::run(
        std::process::Command::new(ws.server_bin(true))
            .args(["seed-kb", "--articles", &articles.to_string()])
            .env("DATABASE_URL", url)
            .env("RUST_LOG", "warn"),
    )
}

/// `bench kb`: the knowledge base at 10,000 articles through the server's routes — building
/// the index, 关键字搜索, suggestions while typing — on SQLite (seeded first if missing) and on
/// a throwaway PostgreSQL 15 seeded by the same generator.
fn kb(ws: &Workspace) -> Result<()> {
    let db = kb_dataset(ws, KB_ARTICLES);
    if !db.exists() {
        seed_kb(ws, KB_ARTICLES)?;
    } else {
        server::build_server(ws, true)?;
    }
    let lite = tool(ws, &sqlite_url(&db), &["bench-kb", "--runs", "3"])?;
    println!("seeding {KB_ARTICLES} articles into PostgreSQL");
    let cluster = crate::pg::PgCluster::start_with("-c shared_buffers=512MB")?;
    seed_kb_at(ws, &cluster.url(), KB_ARTICLES)?;
    let pg = tool(ws, &cluster.url(), &["bench-kb", "--runs", "3"])?;
    drop(cluster);
    let get = |fields: &[(String, String)], k: &str| {
        fields.iter().find(|f| f.0 == k).map(|f| f.1.clone()).unwrap_or_else(|| "?".into())
    };
    // Machine-readable summary; keep this exact format.
    println!(
        "bench kb search_p95_ms={} suggest_p95_ms={} index_10k_s={} queries={} pg_search_p95_ms={} \
         pg_suggest_p95_ms={} pg_index_10k_s={}",
        get(&lite, "search_p95_ms"),
        get(&lite, "suggest_p95_ms"),
        get(&lite, "index_10k_s"),
        get(&lite, "queries"),
        get(&pg, "search_p95_ms"),
        get(&pg, "suggest_p95_ms"),
        get(&pg, "index_10k_s"),
    );
    Ok(())
}

/// `bench members --pg`: the same on PostgreSQL 15 (a throwaway cluster sized for the data
/// set, seeded by the same generator), then both summaries side by side.
fn members_pg(ws: &Workspace) -> Result<()> {
    server::build_server(ws, true)?;
    let cluster = crate::pg::PgCluster::start_with(
        "-c shared_buffers=2GB -c work_mem=64MB -c effective_cache_size=8GB -c max_wal_size=8GB",
    )?;
    let url = cluster.url();
    println!("seeding {SCALE} members into PostgreSQL");
    let t = std::time::Instant::now();
    crate::util::run(
        std::process::Command::new(ws.server_bin(true))
            .args(["seed", "--members", &SCALE.to_string()])
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "warn"),
    )?;
    println!("seeded in {:.0} s", t.elapsed().as_secs_f64());
    let line = measure(ws, &url, "bench members --pg")?;
    std::fs::write(summary_file(ws, "pg"), &line).context("keeping the PostgreSQL summary")?;
    drop(cluster);
    println!("side by side (the SQLite line is the last `bench members` run on this machine):");
    for backend in ["sqlite", "pg"] {
        let line = std::fs::read_to_string(summary_file(ws, backend))
            .unwrap_or_else(|_| format!("{backend}: not measured yet (run `cargo xtask bench members`)"));
        println!("  {}", line.trim());
    }
    Ok(())
}

/// The summary line of the last run on `backend`.
fn summary_file(ws: &Workspace, backend: &str) -> std::path::PathBuf {
    ws.target.join("bench").join(format!("summary-{backend}.txt"))
}

/// Query latency, the 1M export and the 100k CM import on the database at `url`; prints and
/// returns the machine-readable summary line (`<label> p95_ms=… …`).
fn measure(ws: &Workspace, url: &str, label: &str) -> Result<String> {
    let mut fields = tool(ws, url, &["bench-members", "--runs", "20"])?;
    // A clean checkout's first run may be `--pg`, which seeds no SQLite file into this folder.
    let dir = ws.target.join("bench");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let out = dir.join("export.xlsx");
    fields.extend(tool(ws, url, &["bench-export", "--out", &out.display().to_string()])?);
    let _ = std::fs::remove_file(&out);
    fields.extend(tool(ws, url, &["bench-import", "--rows", "100000"])?);
    let get = |k: &str| fields.iter().find(|f| f.0 == k).map(|f| f.1.clone()).unwrap_or_else(|| "?".into());
    // Machine-readable summary; keep this exact format.
    let line = format!(
        "{label} p95_ms={} ratio_vs_raw={} queries_per_page={} export_1m_s={} export_rss_mb={} import_100k_s={}",
        get("p95_ms"),
        get("ratio_vs_raw"),
        get("queries_per_page"),
        get("export_1m_s"),
        get("export_rss_mb"),
        get("import_100k_s")
    );
    println!("{line}");
    Ok(line)
}

/// Nearest-rank percentile of an ascending, non-empty slice.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&v, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&v, 95.0), Duration::from_millis(95));
        assert_eq!(percentile(&v, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&v, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&v[..1], 50.0), Duration::from_millis(1));
    }
}
