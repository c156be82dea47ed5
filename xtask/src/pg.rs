//! A throwaway PostgreSQL 15 cluster for the `postgres` test step: `initdb` in a temp
//! dir, `pg_ctl start` on a free loopback port, stopped and deleted on drop.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::util::{self, TempDir};

/// Where Debian's `postgresql-15` package puts the server binaries.
const BIN_DIR: &str = "/usr/lib/postgresql/15/bin";

/// The superuser `initdb` creates; the tests connect as this role.
const SUPERUSER: &str = "crm";

/// A running cluster. Dropping it stops the server and removes its files.
pub struct PgCluster {
    /// Holds the data dir, the log and the Unix socket. `Drop for PgCluster` stops
    /// the server first; this field is dropped afterwards, removing the directory.
    dir: TempDir,
    port: u16,
    /// Run the PostgreSQL tools as the `postgres` user (we are root).
    as_postgres: bool,
    running: bool,
}

impl PgCluster {
    /// Creates and starts a cluster. Fails with an install hint if PostgreSQL 15
    /// is missing.
    pub fn start() -> Result<Self> {
        Self::start_with("")
    }

    /// As [`Self::start`], with extra server settings (`-c name=value …`).
    pub fn start_with(settings: &str) -> Result<Self> {
        if !Path::new(BIN_DIR).join("initdb").exists() {
            bail!(
                "PostgreSQL 15 not found in {BIN_DIR}; install it with \
                 `apt-get install postgresql-15` (or run `.ci/run`)"
            );
        }

        // initdb and postgres refuse to run as root: hand over to `postgres` then.
        let as_postgres = util::probe("id", &["-u"]).as_deref() == Some("0");
        // Always under /tmp (not $TMPDIR): the `postgres` user must be able to reach
        // it, and the socket path must stay short (Unix sockets allow ~107 bytes).
        let dir = TempDir::new_in(Path::new("/tmp"), "crm-pg")?;
        if as_postgres {
            chown_to_postgres(dir.path())?;
        }
        let mut cluster = Self { dir, port: util::free_port()?, as_postgres, running: false };

        let data = cluster.data_dir();
        util::run_quiet(cluster.tool("initdb").arg("-D").arg(&data).args([
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--auth=trust",
            "-U",
            SUPERUSER,
        ]))?;

        // No durability needed for a test database: skip fsync for speed.
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off {settings}",
            cluster.port,
            cluster.dir.path().display()
        );
        let log = cluster.dir.path().join("log");
        let started = util::run_quiet(
            cluster.tool("pg_ctl").arg("-D").arg(&data).arg("-l").arg(&log).args(["-w", "-o", &options, "start"]),
        );
        if let Err(err) = started {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(err.context(format!("PostgreSQL failed to start; its log:\n{log}")));
        }
        cluster.running = true;
        println!("PostgreSQL 15 running on 127.0.0.1:{}", cluster.port);
        Ok(cluster)
    }

    /// Connection URL for the superuser on the default `postgres` database; the tests
    /// create their own databases through it.
    pub fn url(&self) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/postgres", self.port)
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A command for one of the PostgreSQL binaries, wrapped in
    /// `runuser -u postgres --` when we are root.
    fn tool(&self, name: &str) -> Command {
        let program = Path::new(BIN_DIR).join(name);
        if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(program);
            cmd
        } else {
            Command::new(program)
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if self.running {
            let mut cmd = self.tool("pg_ctl");
            cmd.arg("-D").arg(self.data_dir()).args(["-m", "fast", "stop"]);
            if let Err(err) = util::run_quiet(&mut cmd) {
                eprintln!("warning: could not stop PostgreSQL: {err:#}");
            }
        }
        // `self.dir` (a TempDir) removes the directory when it is dropped next.
    }
}

/// Gives `dir` to the `postgres` user so initdb (run as that user) can write in it.
fn chown_to_postgres(dir: &Path) -> Result<()> {
    let id = |flag: &str| -> Result<u32> {
        util::probe("id", &[flag, "postgres"])
            .context("user `postgres` not found; install it with `apt-get install postgresql-15`")?
            .parse()
            .context("parsing the output of `id`")
    };
    std::os::unix::fs::chown(dir, Some(id("-u")?), Some(id("-g")?))
        .with_context(|| format!("chown postgres:postgres {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Starts and stops a real cluster. Needs PostgreSQL 15 installed, so it is
    /// ignored by default: `cargo test -p xtask -- --ignored`.
    #[test]
    #[ignore]
    fn cluster_starts_accepts_connections_and_is_removed() {
        let cluster = PgCluster::start().unwrap();
        let dir = cluster.dir.path().to_owned();
        let addr = format!("127.0.0.1:{}", cluster.port);
        std::net::TcpStream::connect(&addr).expect("postgres should listen");
        assert!(cluster.url().ends_with(&format!("{addr}/postgres")));
        drop(cluster);
        assert!(!dir.exists(), "{} should be removed", dir.display());
        assert!(std::net::TcpStream::connect(&addr).is_err());
    }
}
