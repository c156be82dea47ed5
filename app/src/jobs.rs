//! Long-running work started from a page (exports, imports, syncs): the server runs it in the
//! background and the page polls its progress. Each job is a row of the `job` table (see
//! `store`), so any server instance answers its progress and serves the file it produced (from
//! the files directory all instances share); work whose instance stopped is marked interrupted
//! (`crate::upkeep`: at start-up and every minute).
use serde::{Deserialize, Serialize};

use crate::error::Text;

/// A queued job is claimed at most this often (a claim whose instance stopped is retried).
pub const MAX_ATTEMPTS: i32 = 3;

/// The note on a sync run or import that a stopped server process left unfinished (zh, en).
pub const INTERRUPTED: (&str, &str) =
    ("服务重启,任务中断,请重新运行", "The server restarted and the task was interrupted; run it again");

code_enum! {
    /// The state of a job (and of a 数据同步 run, which shares the codes).
    pub enum JobState {
        /// Waiting in the queue for an instance to claim it (e-mail, nightly work).
        Queued = ("queued", "排队中", "Queued"),
        Running = ("running", "进行中", "Running"),
        Done = ("done", "已完成", "Done"),
        Failed = ("failed", "失败", "Failed"),
        Interrupted = ("interrupted", "已中断", "Interrupted"),
    }
}

/// What the page shows of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobStatus {
    pub id: String,
    pub state: JobState,
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
            None if self.state == JobState::Running => 0,
            None => 100,
        }
    }
}

pub mod api;
#[cfg(feature = "ssr")]
mod queue;
#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::*;
