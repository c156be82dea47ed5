//! `cargo xtask test`: every check, in a fixed order, as named steps. Stops at the
//! first failure, always prints a summary, and ends with the line
//! `<passed> passed, <failed> failed` that CI reads.

use std::fs;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::pg::PgCluster;
use crate::server::{self, TestServer};
use crate::site;
use crate::util::{self, TempDir, Workspace};

/// One check. The order of [`Step::ALL`] is the order they run in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `cargo fmt --all --check`
    Fmt,
    /// clippy on the native crates (app gets `ssr` through server).
    Clippy,
    /// clippy on the wasm side (app with `hydrate`, frontend).
    ClippyWasm,
    /// unit and integration tests on SQLite.
    Sqlite,
    /// server integration tests on a throwaway PostgreSQL 15.
    Postgres,
    /// browser tests against a real server.
    E2e,
}

impl Step {
    pub const ALL: [Step; 6] = [Step::Fmt, Step::Clippy, Step::ClippyWasm, Step::Sqlite, Step::Postgres, Step::E2e];

    /// The name used in banners, the summary and `--only`.
    pub fn name(self) -> &'static str {
        match self {
            Step::Fmt => "fmt",
            Step::Clippy => "clippy",
            Step::ClippyWasm => "clippy-wasm",
            Step::Sqlite => "sqlite",
            Step::Postgres => "postgres",
            Step::E2e => "e2e",
        }
    }

    pub fn from_name(name: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.name() == name)
    }

    fn run(self, ws: &Workspace) -> Result<()> {
        match self {
            Step::Fmt => util::run(&mut ws.cargo(["fmt", "--all", "--check"])),
            Step::Clippy => util::run(&mut ws.cargo([
                "clippy",
                "-p",
                "app",
                "-p",
                "server",
                "-p",
                "migration",
                "-p",
                "xtask",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ])),
            Step::ClippyWasm => {
                util::ensure_wasm_target()?;
                util::run(&mut ws.cargo([
                    "clippy",
                    "-p",
                    "app",
                    "-p",
                    "frontend",
                    "--target",
                    "wasm32-unknown-unknown",
                    "--features",
                    "app/hydrate",
                    "--",
                    "-D",
                    "warnings",
                ]))
            }
            Step::Sqlite => util::run(
                ws.cargo(["test", "-p", "app", "-p", "server", "-p", "migration", "-p", "xtask"])
                    .env("TEST_DATABASE", "sqlite")
                    // Debug-build SSR of full pages needs more than the default 2 MiB.
                    .env("RUST_MIN_STACK", TEST_STACK)
                    // The PostgreSQL variants have their own step.
                    .env_remove("TEST_POSTGRES_URL"),
            ),
            Step::Postgres => {
                util::ensure_debian_packages(&[("/usr/lib/postgresql/15/bin/initdb", "postgresql-15")])?;
                let cluster = PgCluster::start()?;
                // `cluster` is dropped (stopped and removed) on every path out.
                util::run(
                    ws.cargo(["test", "-p", "server", "--tests"])
                        .env("TEST_DATABASE", "postgres")
                        .env("RUST_MIN_STACK", TEST_STACK)
                        .env("TEST_POSTGRES_URL", cluster.url()),
                )
            }
            Step::E2e => e2e(ws),
        }
    }
}

/// Stack size for test threads (bytes).
const TEST_STACK: &str = "16777216";

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok(Duration),
    Failed(Duration),
    Skipped,
}

/// Runs all steps (or just `only`). Returns `true` if none failed.
pub fn run(ws: &Workspace, only: Option<Step>) -> bool {
    let total = Step::ALL.len();
    let mut results: Vec<(Step, Outcome)> = Vec::new();
    let mut failed = false;

    for (index, step) in Step::ALL.into_iter().enumerate() {
        if only.is_some_and(|o| o != step) {
            continue;
        }
        if failed {
            results.push((step, Outcome::Skipped));
            continue;
        }
        println!("\n==> [{}/{total}] {}", index + 1, step.name());
        let start = Instant::now();
        let result = step.run(ws);
        let elapsed = start.elapsed();
        match result {
            Ok(()) => results.push((step, Outcome::Ok(elapsed))),
            Err(err) => {
                eprintln!("error: step {} failed: {err:#}", step.name());
                results.push((step, Outcome::Failed(elapsed)));
                failed = true;
            }
        }
    }

    print_summary(&results);
    !failed
}

fn print_summary(results: &[(Step, Outcome)]) {
    println!("\n==> summary");
    for (step, outcome) in results {
        let (label, time) = match outcome {
            Outcome::Ok(d) => ("ok", Some(d)),
            Outcome::Failed(d) => ("FAILED", Some(d)),
            Outcome::Skipped => ("skipped", None),
        };
        let time = time.map_or(String::new(), |d| format!("{:>8.1}s", d.as_secs_f64()));
        println!("  {:<12} {label:<8}{time}", step.name());
    }
    let count = |f: fn(&Outcome) -> bool| results.iter().filter(|(_, o)| f(o)).count();
    let passed = count(|o| matches!(o, Outcome::Ok(_)));
    let failed = count(|o| matches!(o, Outcome::Failed(_)));
    // CI parses this exact line; keep its format.
    println!("{passed} passed, {failed} failed");
}

/// The e2e step: site + debug server, a server on a fresh database, then the
/// Node test runner over `end2end/tests/`.
fn e2e(ws: &Workspace) -> Result<()> {
    // npm first: it also provides the `wasm-opt` that `site` uses.
    util::ensure_debian_packages(&[
        ("/usr/bin/chromium", "chromium"),
        ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "fonts-wqy-microhei"),
    ])?;
    util::ensure_node_modules(&ws.root)?;
    site::build(ws)?;
    // Debug: the same artifacts the test steps just built, so this links quickly.
    server::build_server(ws, false)?;

    // Declared before the server so it outlives it (locals drop in reverse order).
    let tmp = TempDir::new("crm-e2e")?;
    let server =
        TestServer::start(ws, &ws.server_bin(false), &tmp.path().join("e2e.db"), &ws.target.join("e2e-server.log"))?;

    let artefacts = ws.root.join("end2end/artefacts");
    fs::create_dir_all(&artefacts).with_context(|| format!("creating {}", artefacts.display()))?;
    util::run(
        Command::new("node")
            .args(["--test", "--test-reporter=spec", "end2end/tests/"])
            .current_dir(&ws.root)
            .env("BASE_URL", format!("http://{}", server.addr))
            .env("ARTEFACTS", &artefacts),
    )?;
    drop(server);
    two_instances(ws, &tmp, &artefacts)
}

/// Two servers on one PostgreSQL database sharing one files directory, as in a scaled-out
/// deployment: `end2end/two_instances/` logs in on one and works on the other.
fn two_instances(ws: &Workspace, tmp: &TempDir, artefacts: &std::path::Path) -> Result<()> {
    let cluster = PgCluster::start()?;
    let files = tmp.path().join("files");
    fs::create_dir_all(&files)?;
    let env = [("CRM_FILES_DIR", files.as_path())];
    let bin = ws.server_bin(false);
    // One after the other: the first seeds the demo data, the second finds it.
    let a = TestServer::start_on(ws, &bin, &cluster.url(), &env, &ws.target.join("e2e-server-a.log"))?;
    let b = TestServer::start_on(ws, &bin, &cluster.url(), &env, &ws.target.join("e2e-server-b.log"))?;
    util::run(
        Command::new("node")
            .args(["--test", "--test-reporter=spec", "end2end/two_instances/"])
            .current_dir(&ws.root)
            .env("BASE_URL", format!("http://{}", a.addr))
            .env("BASE_URL_2", format!("http://{}", b.addr))
            .env("ARTEFACTS", artefacts),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_names_round_trip() {
        for step in Step::ALL {
            assert_eq!(Step::from_name(step.name()), Some(step));
        }
        assert_eq!(Step::from_name("lint"), None);
    }
}
