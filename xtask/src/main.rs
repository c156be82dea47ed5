//! `cargo xtask`: the build pipeline of the workspace, in Rust instead of shell.
//!
//! `cargo xtask` is an alias (see `.cargo/config.toml`) for
//! `cargo run --quiet --package xtask --`. Run `cargo xtask help` for the commands.

mod bench;
mod bench_web;
mod http;
mod layers;
mod pg;
mod server;
mod site;
mod test;
mod util;

use std::process::ExitCode;

use test::Step;
use util::Workspace;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  run [--release] [--port N]  build everything and serve http://127.0.0.1:3000
                              (or port N) with demo data on ./data/crm.db
  test [--only STEP]          every check, in order: fmt, clippy, clippy-wasm,
                              sqlite, postgres, e2e (STEP runs just that one)
  build [--release]           the site and the server binary
  site [--release-wasm]       WASM, JS and CSS into target/site/pkg
                              (always the wasm-release profile)
  seed --members N            a deterministic data set of N members (about 5N
                              service records, 2N requests with their steps) in
                              target/bench/crm-N-requests.db
  seed --kb N                 N generated knowledge-base articles (200–3,000
                              characters each) in target/bench/crm-kb-N.db
  bench login                 time to first byte of GET /login, release build
  bench members [--pg]        信息查询 at 1M members (seeds it first if missing):
                              query latency vs raw SQL, export 1M, import 100k;
                              --pg: the same on a throwaway PostgreSQL 15 (seeded
                              each run), beside the last SQLite figures
  bench requests              the request pages at 2M requests over 1M members
                              (seeds them first if missing): caller lookup, list,
                              inbox, detail, intake save, SLA sweep of 100k
  bench email                 queue 5,000 recipients, deliver 10,000 e-mails to a
                              loopback SMTP sink, memory, 电话回访关怀 at 1M members
  bench fulfilment            履约 at 1M members: list filters, 服务完成, a scheme
                              recomputing every 金牌 member, 5 % QA sample, QA list
  bench kb                    知识库 at 10,000 articles: index build, 关键字搜索 p95
                              over 240 mixed queries, suggestions while typing —
                              on SQLite and on a throwaway PostgreSQL 15
  bench reports               报表 at 1M members (seeds it first if missing; adds
                              callbacks, needs, published items, push e-mails and
                              service years once): each report for this year
  bench web                   64 connections for 60 s over the signed-in main pages
                              (BENCH_WEB_CONNECTIONS, BENCH_WEB_SECONDS): errors, p95
  help                        this text

environment for `run` (defaults in brackets):
  CRM_ADDR [127.0.0.1:3000]  DATABASE_URL [sqlite://<root>/data/crm.db?mode=rwc]
  CRM_DEMO [1]               CARGO_TARGET_DIR [<root>/target]";

/// A parsed command line.
#[derive(Debug, PartialEq)]
enum Cmd {
    Help,
    Site,
    Build { release: bool },
    Run { release: bool, port: Option<u16> },
    Test { only: Option<Step> },
    Bench { name: String, pg: bool },
    Seed { members: u64 },
    SeedKb { articles: u64 },
}

/// Exit code for a bad command line (as for `unknown bench`).
const USAGE_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cmd = match parse(std::env::args().skip(1).collect()) {
        Ok(cmd) => cmd,
        Err(msg) => {
            eprintln!("error: {msg}\n\n{USAGE}");
            return ExitCode::from(USAGE_ERROR);
        }
    };
    match execute(cmd) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn execute(cmd: Cmd) -> anyhow::Result<ExitCode> {
    let ws = Workspace::locate()?;
    match cmd {
        Cmd::Help => println!("{USAGE}"),
        Cmd::Site => {
            site::build(&ws)?;
        }
        Cmd::Build { release } => {
            server::build(&ws, release)?;
        }
        // Only returns on failure: on success the server replaces this process.
        Cmd::Run { release, port } => server::run(&ws, release, port)?,
        Cmd::Test { only } => {
            if !test::run(&ws, only) {
                return Ok(ExitCode::FAILURE);
            }
        }
        Cmd::Seed { members } => bench::seed(&ws, members)?,
        Cmd::SeedKb { articles } => bench::seed_kb(&ws, articles)?,
        Cmd::Bench { name, pg } => {
            if !bench::NAMES.contains(&name.as_str()) {
                eprintln!("unknown bench `{name}` (available: {})", bench::NAMES.join(", "));
                return Ok(ExitCode::from(USAGE_ERROR));
            }
            bench::run(&ws, &name, pg)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Parses the arguments after `cargo xtask`. Errors are usage messages.
fn parse(args: Vec<String>) -> Result<Cmd, String> {
    let mut args = Args(args);
    let Some(command) = args.next() else {
        return Ok(Cmd::Help);
    };
    let cmd = match command.as_str() {
        "help" | "-h" | "--help" => Cmd::Help,
        // `--release-wasm` is accepted for compatibility; the profile is fixed.
        "site" => {
            args.flag("--release-wasm");
            Cmd::Site
        }
        "build" => Cmd::Build { release: args.flag("--release") },
        "run" => Cmd::Run {
            release: args.flag("--release"),
            port: args.value("--port")?.map(|p| p.parse().map_err(|_| format!("invalid port `{p}`"))).transpose()?,
        },
        "test" => Cmd::Test {
            only: args
                .value("--only")?
                .map(|s| Step::from_name(&s).ok_or_else(|| format!("unknown test step `{s}`")))
                .transpose()?,
        },
        "bench" => {
            Cmd::Bench { name: args.next().ok_or("`bench` needs a name, e.g. `bench login`")?, pg: args.flag("--pg") }
        }
        "seed" => match args.value("--kb")? {
            Some(n) => Cmd::SeedKb { articles: n.parse().map_err(|_| "`--kb` needs a number".to_string())? },
            None => Cmd::Seed {
                members: args
                    .value("--members")?
                    .ok_or("`seed` needs `--members N` or `--kb N`")?
                    .parse()
                    .map_err(|_| "`--members` needs a number".to_string())?,
            },
        },
        other => return Err(format!("unknown command `{other}`")),
    };
    args.finish()?;
    Ok(cmd)
}

/// The remaining arguments; options are removed as they are recognised, so
/// anything left over at the end is an error.
struct Args(Vec<String>);

impl Args {
    /// Takes the next argument, if any.
    fn next(&mut self) -> Option<String> {
        (!self.0.is_empty()).then(|| self.0.remove(0))
    }

    /// Takes `name` if present.
    fn flag(&mut self, name: &str) -> bool {
        let before = self.0.len();
        self.0.retain(|a| a != name);
        self.0.len() != before
    }

    /// Takes `name VALUE` or `name=VALUE` if present.
    fn value(&mut self, name: &str) -> Result<Option<String>, String> {
        let prefix = format!("{name}=");
        if let Some(i) = self.0.iter().position(|a| a.starts_with(&prefix)) {
            return Ok(Some(self.0.remove(i)[prefix.len()..].to_owned()));
        }
        let Some(i) = self.0.iter().position(|a| a == name) else {
            return Ok(None);
        };
        if i + 1 >= self.0.len() {
            return Err(format!("`{name}` needs a value"));
        }
        let value = self.0.remove(i + 1);
        self.0.remove(i);
        Ok(Some(value))
    }

    /// Fails if any argument was not recognised.
    fn finish(self) -> Result<(), String> {
        match self.0.first() {
            None => Ok(()),
            Some(extra) => Err(format!("unexpected argument `{extra}`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> Result<Cmd, String> {
        parse(line.split_whitespace().map(String::from).collect())
    }

    #[test]
    fn parses_commands() {
        assert_eq!(parse_str(""), Ok(Cmd::Help));
        assert_eq!(parse_str("site --release-wasm"), Ok(Cmd::Site));
        assert_eq!(parse_str("build --release"), Ok(Cmd::Build { release: true }));
        assert_eq!(parse_str("run --port 8080 --release"), Ok(Cmd::Run { release: true, port: Some(8080) }));
        assert_eq!(parse_str("run --port=8080"), Ok(Cmd::Run { release: false, port: Some(8080) }));
        assert_eq!(parse_str("test --only postgres"), Ok(Cmd::Test { only: Some(Step::Postgres) }));
        assert_eq!(parse_str("bench members"), Ok(Cmd::Bench { name: "members".into(), pg: false }));
        assert_eq!(parse_str("bench members --pg"), Ok(Cmd::Bench { name: "members".into(), pg: true }));
        assert_eq!(parse_str("seed --members 1000000"), Ok(Cmd::Seed { members: 1_000_000 }));
    }

    #[test]
    fn rejects_bad_command_lines() {
        assert!(parse_str("deploy").is_err());
        assert!(parse_str("run --port").is_err());
        assert!(parse_str("run --port x").is_err());
        assert!(parse_str("test --only lint").is_err());
        assert!(parse_str("build --fast").is_err());
        assert!(parse_str("bench").is_err());
        assert!(parse_str("seed").is_err());
        assert_eq!(parse_str("seed --kb 10000"), Ok(Cmd::SeedKb { articles: 10_000 }));
        assert!(parse_str("seed --kb lots").is_err());
        assert!(parse_str("seed --members many").is_err());
    }
}
