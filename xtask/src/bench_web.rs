//! `cargo xtask bench web`: the pages as many users meet them at once. A release server on
//! fresh demo data; N connections (default 64, `BENCH_WEB_CONNECTIONS`) for S seconds
//! (default 60, `BENCH_WEB_SECONDS`) fetch the signed-in main pages in turn — home,
//! 信息查询 with a filter, a member's 360° page — each request on a fresh connection. Every
//! answer that is not a complete 200 page counts as an error; the server log is searched
//! for panics afterwards.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::bench::percentile;
use crate::http;
use crate::server::{self, TestServer};
use crate::site;
use crate::util::{TempDir, Workspace};

const TIMEOUT: Duration = Duration::from_secs(30);

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Signs in `who` through the login server function; answers the `Cookie` header value.
pub fn login(addr: SocketAddr, who: &str) -> Result<String> {
    let body = format!(
        r#"{{"input": {{"admin_id": "{who}", "password": "Demo@2026", "captcha_id": "", "captcha_answer": ""}}}}"#
    );
    let res = http::request(
        addr,
        "POST",
        "/api/auth/login",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
        TIMEOUT,
    )
    .context("POST /api/auth/login")?;
    if res.status != 200 {
        bail!("login of {who} answered {}: {}", res.status, String::from_utf8_lossy(&res.body));
    }
    let cookie = res.header("set-cookie").context("no session cookie")?;
    Ok(cookie.split(';').next().unwrap_or_default().to_string())
}

/// The id of a member the demo data has, from the 信息查询 server function.
fn some_member(addr: SocketAddr, cookie: &str) -> Result<i64> {
    let res = http::request(
        addr,
        "POST",
        "/api/members/services",
        &[("Content-Type", "application/json"), ("Cookie", cookie)],
        br#"{"filter": {"view": "members"}}"#,
        TIMEOUT,
    )?;
    let v: serde_json::Value = serde_json::from_slice(&res.body).context("members/services answer")?;
    v["items"][0]["customer_id"].as_i64().with_context(|| format!("no member in {v}"))
}

#[derive(Default)]
struct Tally {
    samples: Vec<Duration>,
    errors: Vec<String>,
}

/// Runs the load and answers (requests, errors, p50, p95) in milliseconds.
pub fn load(
    addr: SocketAddr,
    cookie: &str,
    pages: &[String],
    connections: u64,
    seconds: u64,
) -> (usize, Vec<String>, f64, f64) {
    let tally = Arc::new(Mutex::new(Tally::default()));
    let end = Instant::now() + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..connections)
        .map(|w| {
            let (tally, cookie, pages) = (tally.clone(), cookie.to_string(), pages.to_vec());
            thread::spawn(move || {
                let mut i = w as usize;
                let mut local = Tally::default();
                while Instant::now() < end {
                    let page = &pages[i % pages.len()];
                    i += 1;
                    let start = Instant::now();
                    let headers = [("Cookie", cookie.as_str()), ("Accept", "text/html")];
                    match http::request(addr, "GET", page, &headers, b"", TIMEOUT) {
                        Ok(r) if r.status == 200 && r.body.windows(7).any(|w| w == b"</html>") => {
                            local.samples.push(start.elapsed())
                        }
                        Ok(r) => local.errors.push(format!("GET {page}: {} ({} bytes)", r.status, r.body.len())),
                        Err(e) => local.errors.push(format!("GET {page}: {e}")),
                    }
                }
                let mut t = tally.lock().expect("tally");
                t.samples.extend(local.samples);
                t.errors.extend(local.errors);
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    let mut t = std::mem::take(&mut *tally.lock().expect("tally"));
    t.samples.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (p50, p95) = if t.samples.is_empty() {
        (f64::NAN, f64::NAN)
    } else {
        (ms(percentile(&t.samples, 50.0)), ms(percentile(&t.samples, 95.0)))
    };
    (t.samples.len() + t.errors.len(), t.errors, p50, p95)
}

/// Runs the Node script `script` of `end2end/` on `paths` against the server at `addr`, echoes
/// its output and answers, per output line starting with `prefix`, the values of `keys`.
fn node_measure(
    ws: &Workspace,
    addr: SocketAddr,
    script: &str,
    paths: &[&str],
    prefix: &str,
    keys: &[&str],
) -> Result<Vec<Vec<u64>>> {
    crate::util::ensure_node_modules(&ws.root)?;
    let out = std::process::Command::new("node")
        .arg(format!("end2end/{script}"))
        .args(paths)
        .current_dir(&ws.root)
        .env("BASE_URL", format!("http://{addr}"))
        .output()
        .with_context(|| format!("running end2end/{script}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    if !out.status.success() {
        bail!("end2end/{script} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let field = |line: &str, key: &str| -> Option<u64> {
        line.split_whitespace().find_map(|kv| kv.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
    };
    let rows: Vec<Vec<u64>> = stdout
        .lines()
        .filter(|l| l.starts_with(prefix))
        .filter_map(|l| keys.iter().map(|k| field(l, k)).collect::<Option<Vec<u64>>>())
        .collect();
    if rows.len() != paths.len() {
        bail!("end2end/{script} measured {} of {} pages", rows.len(), paths.len());
    }
    Ok(rows)
}

pub fn run(ws: &Workspace) -> Result<()> {
    // BENCH_WEB_PROFILE=debug: the debug server as built by the tests, for a quick check of
    // errors (its latencies mean little).
    let release = std::env::var("BENCH_WEB_PROFILE").as_deref() != Ok("debug");
    if release {
        site::build(ws)?;
    }
    server::build_server(ws, release)?;
    let tmp = TempDir::new("crm-bench-web")?;
    let log = ws.target.join("bench-web-server.log");
    let server = TestServer::start(ws, &ws.server_bin(release), &tmp.path().join("web.db"), &log)?;
    let cookie = login(server.addr, "agent")?;
    let member = some_member(server.addr, &cookie)?;
    let pages = vec![
        "/".to_string(),
        "/query/member-services?company=%E7%A7%91%E6%8A%80".to_string(),
        format!("/customers/{member}"),
    ];
    let first = ["/", "/query/member-services", "/archive/customers/new", &pages[2]];
    // First visits in chromium (empty cache, 60 ms added latency), before the load.
    let visits = node_measure(
        ws,
        server.addr,
        "measure_first_visit.mjs",
        &first,
        "first visit",
        &["requests", "ready_ms_60ms"],
    )?;
    let (max_requests, max_ready) = visits.iter().fold((0, 0), |(r, t), v| (r.max(v[0]), t.max(v[1])));
    // Lighthouse, desktop preset (simulated throttling), on the same pages.
    let scores = node_measure(ws, server.addr, "lighthouse.mjs", &first, "lighthouse", &["perf"])?;
    let min_perf = scores.iter().map(|v| v[0]).min().unwrap_or(0);
    let (connections, seconds) = (env_or("BENCH_WEB_CONNECTIONS", 64), env_or("BENCH_WEB_SECONDS", 60));
    println!("load: {connections} connections for {seconds} s over {}", pages.join(", "));
    let (requests, errors, p50, p95) = load(server.addr, &cookie, &pages, connections, seconds);
    drop(server);
    let panics = std::fs::read_to_string(&log).unwrap_or_default().lines().filter(|l| l.contains("panicked")).count();
    for e in errors.iter().take(10) {
        println!("  error: {e}");
    }
    println!(
        "{requests} requests, {} errors, {panics} panics in the server log; p50 {p50:.1} ms, p95 {p95:.1} ms",
        errors.len()
    );
    // Machine-readable summary; keep this exact format. `requests`, `ready_ms_60ms` and
    // `lighthouse_perf` are the worst of the pages measured.
    println!(
        "bench web requests={max_requests} ready_ms_60ms={max_ready} lighthouse_perf={min_perf} load_errors={} \
         load_p95_ms={p95:.1} load_panics={panics} load_requests={requests}",
        errors.len()
    );
    if !errors.is_empty() || panics > 0 {
        bail!("the load test saw {} errors and {panics} panics (server log: {})", errors.len(), log.display());
    }
    Ok(())
}
