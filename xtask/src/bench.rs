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
pub const NAMES: &[&str] = &["login"];

/// Runs the benchmark `name`. The caller checks the name against [`NAMES`].
pub fn run(ws: &Workspace, name: &str) -> Result<()> {
    match name {
        "login" => login(ws),
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

/// Nearest-rank percentile of an ascending, non-empty slice.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
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
