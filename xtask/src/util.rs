//! Shared plumbing: workspace paths, running commands, temp dirs, child guards.

use std::ffi::OsStr;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

use anyhow::{Context, Result, bail};

/// Paths every command needs. Built once in `main` and passed by reference.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The workspace root (the directory holding the top-level `Cargo.toml`).
    pub root: PathBuf,
    /// The single cargo target directory shared by every build we start.
    pub target: PathBuf,
}

impl Workspace {
    /// Locates the workspace from this crate's manifest dir (`<root>/xtask`) and
    /// resolves the target dir: `CARGO_TARGET_DIR` if set, else `<root>/target`.
    pub fn locate() -> Result<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("xtask must live one level below the workspace root")?
            .to_path_buf();
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) if !dir.is_empty() => {
                // Cargo resolves a relative CARGO_TARGET_DIR against the current
                // directory; do the same, then hand the absolute path to every child
                // so builds started from `root` land in the same place.
                let dir = PathBuf::from(dir);
                if dir.is_absolute() { dir } else { std::env::current_dir()?.join(dir) }
            }
            _ => root.join("target"),
        };
        Ok(Self { root, target })
    }

    /// A `cargo` command running in the workspace root with our target dir.
    ///
    /// Uses `$CARGO` (set when we run under `cargo xtask`) so the same toolchain
    /// builds everything.
    pub fn cargo<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(program);
        cmd.args(args).current_dir(&self.root).env("CARGO_TARGET_DIR", &self.target);
        cmd
    }

    /// Where `site` writes the static files (`CRM_SITE_ROOT`).
    pub fn site_root(&self) -> PathBuf {
        self.target.join("site")
    }

    /// Path of the `crm-server` binary for the given cargo profile dir name.
    pub fn server_bin(&self, release: bool) -> PathBuf {
        let profile = if release { "release" } else { "debug" };
        self.target.join(profile).join("crm-server")
    }
}

/// Renders a command as a shell-like line for logs (`$ cargo build -p server`).
pub fn display(cmd: &Command) -> String {
    let quote = |s: &OsStr| {
        let s = s.to_string_lossy();
        if s.is_empty() || s.contains(|c: char| c.is_whitespace() || c == '"') {
            format!("{s:?}")
        } else {
            s.into_owned()
        }
    };
    let program = Path::new(cmd.get_program()).file_name().unwrap_or(cmd.get_program());
    std::iter::once(quote(program)).chain(cmd.get_args().map(quote)).collect::<Vec<_>>().join(" ")
}

/// Runs a command with inherited stdio; fails unless it exits successfully.
pub fn run(cmd: &mut Command) -> Result<()> {
    let line = display(cmd);
    println!("$ {line}");
    let status = cmd.status().with_context(|| format!("could not start `{line}`"))?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    Ok(())
}

/// Runs a command with captured output, which is shown only if it fails.
/// For chatty tools (initdb, pg_ctl) whose output is noise when all is well.
pub fn run_quiet(cmd: &mut Command) -> Result<Output> {
    let line = display(cmd);
    println!("$ {line}");
    let output = cmd.output().with_context(|| format!("could not start `{line}`"))?;
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stdout));
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        bail!("`{line}` failed ({})", output.status);
    }
    Ok(output)
}

/// Runs a command silently and returns its trimmed stdout, or `None` if it could not
/// be started or failed. For probes such as `id -u` or `rustup target list`.
pub fn probe(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Makes sure the `wasm32-unknown-unknown` target is installed (through rustup).
pub fn ensure_wasm_target() -> Result<()> {
    const TARGET: &str = "wasm32-unknown-unknown";
    let Some(installed) = probe("rustup", &["target", "list", "--installed"]) else {
        // No rustup (e.g. a distro toolchain): let cargo report a missing target.
        eprintln!("warning: rustup not found; assuming {TARGET} is available");
        return Ok(());
    };
    if installed.lines().any(|l| l.trim() == TARGET) {
        return Ok(());
    }
    println!("installing the {TARGET} target");
    run(Command::new("rustup").args(["target", "add", TARGET]))
}

/// Makes sure the Debian packages a test step needs are installed: each `(probe, package)`
/// pair names a file that must exist and the package that provides it. As root the
/// missing ones are installed with apt-get (idempotent); otherwise the step fails with the
/// command to run.
pub fn ensure_debian_packages(needs: &[(&str, &str)]) -> Result<()> {
    let missing: Vec<&str> = needs.iter().filter(|(path, _)| !Path::new(path).exists()).map(|(_, pkg)| *pkg).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let root = probe("id", &["-u"]).as_deref() == Some("0");
    if !root || probe("sh", &["-c", "command -v apt-get"]).is_none() {
        bail!("missing system packages; install them with: sudo apt-get install {}", missing.join(" "));
    }
    println!("installing {} (apt-get)", missing.join(" "));
    run(Command::new("apt-get").arg("update").env("DEBIAN_FRONTEND", "noninteractive"))?;
    run(Command::new("apt-get").args(["install", "-y"]).args(&missing).env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Installs the end2end npm packages (playwright-core, binaryen's wasm-opt) if
/// `end2end/node_modules` is missing: `npm ci` with a lock file, `npm install` otherwise.
pub fn ensure_node_modules(root: &Path) -> Result<()> {
    let dir = root.join("end2end");
    // npm records what it installed in node_modules/.package-lock.json: a lock file changed
    // since (a pull that adds a package) means installing again.
    let modified = |p: PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let installed = modified(dir.join("node_modules/.package-lock.json"));
    let wanted = modified(dir.join("package-lock.json"));
    if dir.join("node_modules").is_dir() && installed.is_some() && installed >= wanted {
        return Ok(());
    }
    if !dir.join("package.json").exists() {
        bail!("{} is missing", dir.join("package.json").display());
    }
    let verb = if dir.join("package-lock.json").exists() { "ci" } else { "install" };
    run(Command::new("npm").args([verb, "--no-audit", "--no-fund"]).current_dir(&dir))
}

/// Asks the OS for a free loopback port. The listener is closed before returning, so
/// another process could in theory take the port first; good enough for local tests.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("binding 127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// A directory under the system temp dir, removed (with its contents) on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `<tmp>/<prefix>-<pid>`, emptying any leftover from an earlier run.
    pub fn new(prefix: &str) -> Result<Self> {
        Self::new_in(&std::env::temp_dir(), prefix)
    }

    /// Creates `<base>/<prefix>-<pid>`, emptying any leftover from an earlier run.
    pub fn new_in(base: &Path, prefix: &str) -> Result<Self> {
        let path = base.join(format!("{prefix}-{}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path).with_context(|| format!("removing stale {}", path.display()))?;
        }
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Err(err) = std::fs::remove_dir_all(&self.0) {
            eprintln!("warning: could not remove {}: {err}", self.0.display());
        }
    }
}

/// Owns a spawned child process and kills it on drop, so a failing step or a `?`
/// never leaves a server running.
#[derive(Debug)]
pub struct ChildGuard(pub Child);

impl ChildGuard {
    /// `Some(description)` if the child has already exited.
    pub fn exited(&mut self) -> Option<String> {
        match self.0.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(err) => Some(format!("unknown state ({err})")),
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        // Ignore errors: the child may already have exited.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Kilobytes (KiB) with one decimal, as printed in size reports.
pub fn kb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_quotes_only_when_needed() {
        let mut cmd = Command::new("/usr/bin/pg_ctl");
        cmd.args(["-D", "/tmp/x", "-o", "-p 5 -k /tmp"]);
        assert_eq!(display(&cmd), r#"pg_ctl -D /tmp/x -o "-p 5 -k /tmp""#);
    }

    #[test]
    fn kb_has_one_decimal() {
        assert_eq!(kb(1536), "1.5");
        assert_eq!(kb(0), "0.0");
    }
}
