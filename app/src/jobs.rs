//! Long-running work started from a page (exports, imports): the server runs it in the
//! background and the page polls its progress. Jobs live in this server process; a file a job
//! produced is downloaded from the same process (behind a load balancer, route `/download/…`
//! with session affinity).
use serde::{Deserialize, Serialize};

use crate::error::Text;

/// What the page shows of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobStatus {
    pub id: String,
    /// `running`, `done` or `failed`.
    pub state: String,
    pub done: u64,
    pub total: u64,
    pub message: Option<Text>,
    /// Where to fetch the result file, once done.
    pub download: Option<String>,
}

impl JobStatus {
    pub fn percent(&self) -> u64 {
        if self.total == 0 {
            if self.state == "running" { 0 } else { 100 }
        } else {
            (self.done * 100 / self.total).min(100)
        }
    }
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use super::JobStatus;
    use crate::error::Text;

    /// Finished jobs and their files are dropped after this long.
    const KEEP: Duration = Duration::from_secs(3600);

    pub struct Job {
        pub id: String,
        pub owner: i64,
        pub total: AtomicU64,
        pub done: AtomicU64,
        started: Instant,
        outcome: Mutex<Option<Result<Option<Output>, Text>>>,
    }

    /// A file a job wrote, offered for download under `name`.
    #[derive(Debug, Clone)]
    pub struct Output {
        pub path: PathBuf,
        pub name: String,
        pub content_type: &'static str,
    }

    impl Job {
        pub fn progress(&self, done: u64) {
            self.done.store(done, Ordering::Relaxed);
        }

        pub fn finish(&self, outcome: Result<Option<Output>, Text>) {
            *self.outcome.lock().expect("job lock") = Some(outcome);
        }

        pub fn output(&self) -> Option<Output> {
            match &*self.outcome.lock().expect("job lock") {
                Some(Ok(out)) => out.clone(),
                _ => None,
            }
        }

        pub fn status(&self) -> JobStatus {
            let outcome = self.outcome.lock().expect("job lock").clone();
            let (state, message, download) = match outcome {
                None => ("running", None, None),
                Some(Ok(out)) => ("done", None, out.map(|_| format!("/download/{}", self.id))),
                Some(Err(t)) => ("failed", Some(t), None),
            };
            JobStatus {
                id: self.id.clone(),
                state: state.into(),
                done: self.done.load(Ordering::Relaxed),
                total: self.total.load(Ordering::Relaxed),
                message,
                download,
            }
        }
    }

    /// The jobs of this server process.
    #[derive(Clone, Default)]
    pub struct Jobs(Arc<Mutex<HashMap<String, Arc<Job>>>>);

    impl Jobs {
        /// Registers a new running job of `owner` (and forgets old finished ones).
        pub fn start(&self, owner: i64) -> Arc<Job> {
            let job = Arc::new(Job {
                id: crate::auth::token::random_id(16),
                owner,
                total: AtomicU64::new(0),
                done: AtomicU64::new(0),
                started: Instant::now(),
                outcome: Mutex::new(None),
            });
            let mut map = self.0.lock().expect("jobs lock");
            map.retain(|_, j| {
                let keep = j.started.elapsed() < KEEP || j.outcome.lock().expect("job lock").is_none();
                if !keep && let Some(out) = j.output() {
                    let _ = std::fs::remove_file(out.path);
                }
                keep
            });
            map.insert(job.id.clone(), job.clone());
            job
        }

        /// The job `id` if it belongs to `owner`.
        pub fn get(&self, id: &str, owner: i64) -> Option<Arc<Job>> {
            self.0.lock().expect("jobs lock").get(id).filter(|j| j.owner == owner).cloned()
        }
    }

    /// A fresh path for a job's file.
    pub fn temp_path(ext: &str) -> std::io::Result<PathBuf> {
        let dir = std::env::temp_dir().join("crm-jobs");
        std::fs::create_dir_all(&dir)?;
        Ok(dir.join(format!("{}.{ext}", crate::auth::token::random_id(12))))
    }
}
