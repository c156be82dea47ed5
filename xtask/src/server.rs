//! Building and starting `crm-server`: `cargo xtask build`, `cargo xtask run`, and the
//! throwaway instances that the e2e tests and the benchmark talk to.

use std::fs::{self, File};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::http;
use crate::site::{self, SiteSizes};
use crate::util::{self, ChildGuard, Workspace};

/// The page polled for readiness and used by the benchmark.
pub const LOGIN_PATH: &str = "/login";

/// How long a freshly started server may take (migrations + demo seed) to answer.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// `cargo build -p server`, in release mode if asked.
pub fn build_server(ws: &Workspace, release: bool) -> Result<()> {
    let mut cmd = ws.cargo(["build", "-p", "server"]);
    if release {
        cmd.arg("--release");
    }
    util::run(&mut cmd)
}

/// `cargo xtask build`: the site, then the server binary.
pub fn build(ws: &Workspace, release: bool) -> Result<SiteSizes> {
    let sizes = site::build(ws)?;
    build_server(ws, release)?;
    println!("server binary: {}", ws.server_bin(release).display());
    sizes.print();
    Ok(sizes)
}

/// `cargo xtask run`: builds everything, then replaces this process with the server.
///
/// Using `exec` means the server owns the terminal: its output streams straight
/// through, Ctrl-C reaches it directly, and its exit status is ours. Variables that
/// are already set in the environment win over the defaults below, except that an
/// explicit `--port` always sets `CRM_ADDR`.
pub fn run(ws: &Workspace, release: bool, port: Option<u16>) -> Result<()> {
    build(ws, release)?;

    let mut cmd = Command::new(ws.server_bin(release));
    cmd.current_dir(&ws.root);

    let addr = match (port, std::env::var("CRM_ADDR")) {
        (Some(port), _) => format!("127.0.0.1:{port}"),
        (None, Ok(addr)) => addr,
        (None, Err(_)) => "127.0.0.1:3000".to_owned(),
    };
    cmd.env("CRM_ADDR", &addr);
    cmd.env("CRM_SITE_ROOT", ws.site_root());
    if std::env::var_os("DATABASE_URL").is_none() {
        let data = ws.root.join("data");
        fs::create_dir_all(&data).with_context(|| format!("creating {}", data.display()))?;
        cmd.env("DATABASE_URL", format!("sqlite://{}/crm.db?mode=rwc", data.display()));
    }
    if std::env::var_os("CRM_DEMO").is_none() {
        cmd.env("CRM_DEMO", "1");
    }
    let data = ws.root.join("data");
    // Files (exports, e-mail attachments) and the key that seals stored secrets (the SMTP
    // password) live beside the database, so they outlast a restart.
    if std::env::var_os("CRM_FILES_DIR").is_none() {
        cmd.env("CRM_FILES_DIR", data.join("files"));
    }
    if std::env::var_os("CRM_SECRET_KEY").is_none() {
        cmd.env("CRM_SECRET_KEY", dev_secret(&data)?);
    }

    println!("serving http://{addr} (Ctrl-C to stop)");
    let err = cmd.exec();
    Err(err).with_context(|| format!("starting {}", ws.server_bin(release).display()))
}

/// The key of this checkout's development server (`data/secret.key`, made once, readable by
/// its owner only).
fn dev_secret(data: &std::path::Path) -> Result<String> {
    use std::io::Read;
    fs::create_dir_all(data).with_context(|| format!("creating {}", data.display()))?;
    let path = data.join("secret.key");
    if let Ok(key) = fs::read_to_string(&path)
        && key.trim().len() >= 32
    {
        return Ok(key.trim().to_owned());
    }
    let mut raw = [0u8; 32];
    fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut raw)).context("reading /dev/urandom")?;
    let key: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    fs::write(&path, &key).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600))?;
    }
    Ok(key)
}

/// A server started for automated checks: fresh SQLite database, demo data, captcha
/// off, output captured in a log file. Killed when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    child: ChildGuard,
    log: PathBuf,
}

impl TestServer {
    /// Starts `bin` on a free loopback port with the SQLite database file `db`
    /// (created if missing), and waits until `GET /login` answers 200.
    pub fn start(ws: &Workspace, bin: &Path, db: &Path, log: &Path) -> Result<Self> {
        Self::start_on(ws, bin, &format!("sqlite://{}?mode=rwc", db.display()), &[], log)
    }

    /// As [`Self::start`], on the database at `database_url`, with extra environment `env`.
    pub fn start_on(ws: &Workspace, bin: &Path, database_url: &str, env: &[(&str, &Path)], log: &Path) -> Result<Self> {
        if !bin.exists() {
            bail!("{} does not exist; was the server built?", bin.display());
        }
        let addr = SocketAddr::from(([127, 0, 0, 1], util::free_port()?));
        let log_file = File::create(log).with_context(|| format!("creating {}", log.display()))?;

        let mut cmd = Command::new(bin);
        cmd.current_dir(&ws.root)
            .env("CRM_ADDR", addr.to_string())
            .env("CRM_SITE_ROOT", ws.site_root())
            .env("DATABASE_URL", database_url)
            .envs(env.iter().map(|(k, v)| (*k, *v)))
            .env("CRM_DEMO", "1")
            .env("CRM_CAPTCHA", "off")
            // Plain http on loopback: a Secure cookie or proxy headers from the
            // caller's environment would break the login flow.
            .env_remove("CRM_COOKIE_SECURE")
            .env_remove("CRM_TRUST_PROXY")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file);
        println!("$ {} on {addr} (log: {})", util::display(&cmd), log.display());
        let child = cmd.spawn().with_context(|| format!("starting {}", bin.display()))?;

        let mut server = Self { addr, child: ChildGuard(child), log: log.to_owned() };
        server.wait_ready()?;
        Ok(server)
    }

    /// Polls `GET /login` until it answers 200, the process exits, or time runs out.
    fn wait_ready(&mut self) -> Result<()> {
        let start = Instant::now();
        let mut last = String::from("no answer yet");
        while start.elapsed() < READY_TIMEOUT {
            if let Some(status) = self.child.exited() {
                bail!("crm-server exited during start-up ({status})\n{}", self.log_tail());
            }
            match http::get(self.addr, LOGIN_PATH, Duration::from_secs(5)) {
                Ok(resp) if resp.status == 200 => {
                    println!("crm-server ready on http://{} after {:.1}s", self.addr, start.elapsed().as_secs_f64());
                    return Ok(());
                }
                Ok(resp) => last = format!("GET {LOGIN_PATH} answered {}", resp.status),
                Err(err) => last = err.to_string(),
            }
            thread::sleep(Duration::from_millis(250));
        }
        bail!("crm-server not ready after {}s ({last})\n{}", READY_TIMEOUT.as_secs(), self.log_tail())
    }

    /// The last lines of the server log, for error messages.
    fn log_tail(&self) -> String {
        const LINES: usize = 40;
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(LINES)..].join("\n");
        format!("--- last lines of {} ---\n{tail}", self.log.display())
    }
}
