//! Long-running work started from a page (exports, imports): the server runs it in the
//! background and the page polls its progress. Jobs live in this server process; a file a job
//! produced is downloaded from the same process (behind a load balancer, route `/download/…`
//! with session affinity). Work a stopped process left unfinished is marked interrupted at the
//! next start (`recover_interrupted`).
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Text};

/// The note on a sync run or import that a stopped server process left unfinished (zh, en).
pub const INTERRUPTED: (&str, &str) =
    ("服务重启,任务中断,请重新运行", "The server restarted and the task was interrupted; run it again");

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
    /// The record the job works on (an import job's id), as soon as it exists.
    #[serde(default)]
    pub record: Option<i64>,
}

impl JobStatus {
    pub fn percent(&self) -> u64 {
        match (self.done * 100).checked_div(self.total) {
            Some(p) => p.min(100),
            None if self.state == "running" => 0,
            None => 100,
        }
    }
}

/// The progress of one of the user's jobs.
#[server(endpoint = "jobs/status", input = Json)]
pub async fn get_job_status(id: String) -> Result<JobStatus, AppError> {
    crate::auth::session::serve(crate::auth::session::Access::Login, |ctx, user| async move {
        // A job this process does not know was started by an earlier one (or expired).
        let gone = || AppError::rejected(INTERRUPTED.0, INTERRUPTED.1);
        ctx.state.jobs.get(&id, user.account.id).map(|j| j.status()).ok_or_else(gone)
    })
    .await
}

/// Polls a job until it ends, showing each state in `shown`; returns the final state.
pub async fn watch(mut s: JobStatus, shown: RwSignal<Option<JobStatus>>) -> Result<JobStatus, AppError> {
    shown.set(Some(s.clone()));
    while s.state == "running" {
        sleep_ms(400).await;
        s = get_job_status(s.id.clone()).await?;
        shown.set(Some(s.clone()));
    }
    Ok(s)
}

/// Waits `ms` milliseconds in the browser.
async fn sleep_ms(ms: i32) {
    #[cfg(feature = "hydrate")]
    {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let _ =
                web_sys::window().expect("window").set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ms;
}

/// Sends the file chosen in `<input type=file id=input_id>` as the body of a POST to `url`
/// (same origin, with the session cookie); the server answers with the job it started.
pub async fn upload(url: &str, input_id: &str) -> Result<JobStatus, AppError> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let none = || AppError::rejected("请选择要上传的文件", "Choose a file to upload");
        let input: web_sys::HtmlInputElement =
            document().get_element_by_id(input_id).and_then(|e| e.dyn_into().ok()).ok_or_else(none)?;
        let file = input.files().and_then(|f| f.get(0)).ok_or_else(none)?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&file);
        let url =
            format!("{url}{}name={}", if url.contains('?') { "&" } else { "?" }, crate::ui::urlencode(&file.name()));
        let failed = |_| AppError::rejected("上传失败,请检查网络后重试", "The upload failed; check the connection");
        let request = web_sys::Request::new_with_str_and_init(&url, &init).map_err(failed)?;
        let response: web_sys::Response = wasm_bindgen_futures::JsFuture::from(window().fetch_with_request(&request))
            .await
            .map_err(failed)?
            .unchecked_into();
        let text = wasm_bindgen_futures::JsFuture::from(response.text().map_err(failed)?).await.map_err(failed)?;
        let text = text.as_string().unwrap_or_default();
        if response.ok() {
            serde_json::from_str(&text).map_err(|e| AppError::Transport(e.to_string()))
        } else {
            Err(serde_json::from_str::<AppError>(&text)
                .unwrap_or_else(|_| AppError::rejected("上传失败", "Upload failed")))
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (url, input_id);
        Err(AppError::rejected("请在浏览器中上传", "Upload from the browser"))
    }
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use sea_orm::DatabaseConnection;

    use super::JobStatus;
    use crate::error::{AppResult, Text};

    /// At start-up, before serving: the 数据同步 runs and 批量导入 checks that an earlier
    /// process left running are marked interrupted (their writes were one transaction each, so
    /// nothing is half-written); the pages show 已中断 with a note and a new run may start.
    /// Answers how many were marked. With several server instances on one database this must
    /// run only when no other instance is working (a deploy restarting all of them).
    pub async fn recover_interrupted(db: &DatabaseConnection) -> AppResult<u64> {
        Ok(crate::members::cm_sync::mark_interrupted(db).await? + crate::archive::import::mark_interrupted(db).await?)
    }

    /// Finished jobs and their files are dropped after this long.
    const KEEP: Duration = Duration::from_secs(3600);

    pub struct Job {
        pub id: String,
        pub owner: i64,
        pub total: AtomicU64,
        pub done: AtomicU64,
        /// The record the job works on (0 = none yet).
        pub record: AtomicI64,
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
                record: Some(self.record.load(Ordering::Relaxed)).filter(|r| *r != 0),
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
                record: AtomicI64::new(0),
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
