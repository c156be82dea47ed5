//! The `job` table behind [`Jobs`]: a job is a row, so any server instance on the database
//! answers its progress and serves its file (from the shared files directory). The process
//! running a job touches its heartbeat every few seconds; a running job whose heartbeat is
//! stale lost its process and is marked interrupted (one conditional UPDATE, so two instances
//! never both take it), and with it the sync run or import check it was doing.
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoColumnRef, Query, SimpleExpr};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{INTERRUPTED, JobState, JobStatus};
use crate::error::{AppResult, Text};

/// How often a process touches the heartbeat of its running jobs.
pub const HEARTBEAT: Duration = Duration::from_secs(5);
/// A running job whose heartbeat is older than this has lost its process.
pub const STALE: Duration = Duration::from_secs(30);
/// How often the stale jobs and old files are looked for.
pub const RECOVER_EVERY: Duration = Duration::from_secs(60);
/// Finished jobs and their files are removed after this long.
const KEEP: Duration = Duration::from_secs(24 * 3600);
/// Progress is written at most this often.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

pub mod entity {
    use sea_orm::entity::prelude::*;
    /// One background job (migration `m20261202_000010_job`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "job")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub kind: String,
        pub owner_id: i64,
        pub state: String,
        pub done: i64,
        pub total: i64,
        pub record_id: Option<i64>,
        pub message_zh: Option<String>,
        pub message_en: Option<String>,
        pub output_path: Option<String>,
        pub output_name: Option<String>,
        pub content_type: Option<String>,
        pub instance: String,
        pub heartbeat_at: DateTimeUtc,
        pub created_at: DateTimeUtc,
        pub finished_at: Option<DateTimeUtc>,
        /// What a queued job works on (JSON), for the handler of its kind.
        pub payload: Option<String>,
        /// A queued job is not claimed before this.
        pub run_after: Option<DateTimeUtc>,
        /// How often it was claimed (a claim whose instance stopped is retried).
        pub attempts: i32,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
use entity::{Column, Entity};

/// What a job does; a sync run or import check is linked to the running jobs of its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Export,
    ImportCheck,
    ImportCommit,
    Sync,
    /// A run of the 关怀规则 (nightly, or started from the page).
    Care,
    /// 履约: the nightly upkeep of the service years, or a scheme's recomputation.
    Fulfilment,
    /// 流失预警: the nightly evaluation, or one started from the page.
    Churn,
}

impl JobKind {
    pub fn code(self) -> &'static str {
        match self {
            JobKind::Export => "export",
            JobKind::ImportCheck => "import_check",
            JobKind::ImportCommit => "import_commit",
            JobKind::Sync => "sync",
            JobKind::Care => "care",
            JobKind::Fulfilment => "fulfilment",
            JobKind::Churn => "churn",
        }
    }
}

/// This process among the server instances: a random id made once.
pub fn instance_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| crate::auth::token::random_id(12))
}

/// Where jobs write their files: `CRM_FILES_DIR`, else `crm-jobs` in the temp directory. All
/// instances must share it, so that any of them serves any job's file.
pub fn files_dir() -> PathBuf {
    std::env::var_os("CRM_FILES_DIR").map(PathBuf::from).unwrap_or_else(|| std::env::temp_dir().join("crm-jobs"))
}

/// A fresh path for a job's file, in [`files_dir`].
pub fn temp_path(ext: &str) -> std::io::Result<PathBuf> {
    let dir = files_dir();
    std::fs::create_dir_all(&dir)?;
    Ok(dir.join(format!("{}.{ext}", crate::auth::token::random_id(12))))
}

/// A file a job wrote, offered for download under `name`.
#[derive(Debug, Clone)]
pub struct Output {
    pub path: PathBuf,
    pub name: String,
    pub content_type: String,
}

impl entity::Model {
    /// The stored state (`None`: a code this build does not know).
    pub fn state(&self) -> Option<JobState> {
        JobState::parse(&self.state)
    }

    pub fn status(&self) -> JobStatus {
        let done = self.state() == Some(JobState::Done);
        JobStatus {
            id: self.id.clone(),
            // A state this build does not know is not worth waiting for.
            state: self.state().unwrap_or(JobState::Interrupted),
            done: Ord::max(self.done, 0) as u64,
            total: Ord::max(self.total, 0) as u64,
            message: self
                .message_zh
                .as_ref()
                .map(|zh| Text::new(zh.as_str(), self.message_en.as_deref().unwrap_or(zh))),
            download: (done && self.output_path.is_some()).then(|| format!("/download/{}", self.id)),
            record: self.record_id,
        }
    }

    /// The file of a finished job.
    pub fn output(&self) -> Option<Output> {
        if self.state() != Some(JobState::Done) {
            return None;
        }
        Some(Output {
            path: PathBuf::from(self.output_path.as_ref()?),
            name: self.output_name.clone().unwrap_or_default(),
            content_type: self.content_type.clone().unwrap_or_else(|| "application/octet-stream".into()),
        })
    }
}

/// Progress kept in memory and written now and then.
struct Counters {
    done: AtomicU64,
    total: AtomicU64,
    writing: AtomicBool,
    last_write: Mutex<Instant>,
}

/// A job this process runs.
pub struct Job {
    pub id: String,
    pub owner: i64,
    record: AtomicI64,
    db: DatabaseConnection,
    counters: Arc<Counters>,
    /// The runtime the progress writes go to (`progress` may be called from a blocking thread).
    rt: tokio::runtime::Handle,
}

/// The ids of the jobs this process runs (their heartbeat is kept).
fn live() -> std::sync::MutexGuard<'static, HashSet<String>> {
    static LIVE: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    // A set of ids stays valid whatever panicked while holding it: never poison requests.
    LIVE.get_or_init(Default::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Drop for Job {
    fn drop(&mut self) {
        // A job dropped unfinished (its task panicked) stops its heartbeat and goes stale.
        live().remove(&self.id);
    }
}

impl Job {
    /// `done` rows so far: written at most every 250 ms (never per row), with a heartbeat.
    pub fn progress(&self, done: u64) {
        let c = &self.counters;
        c.done.store(done, Ordering::Relaxed);
        {
            let mut last = c.last_write.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if last.elapsed() < PROGRESS_EVERY || c.writing.swap(true, Ordering::AcqRel) {
                return;
            }
            *last = Instant::now();
        }
        let (db, id, c) = (self.db.clone(), self.id.clone(), c.clone());
        self.rt.spawn(async move {
            let written = Entity::update_many()
                .col_expr(Column::Done, Expr::value(c.done.load(Ordering::Relaxed) as i64))
                .col_expr(Column::Total, Expr::value(c.total.load(Ordering::Relaxed) as i64))
                .col_expr(Column::HeartbeatAt, Expr::value(Utc::now()))
                .filter(Column::Id.eq(id))
                .filter(Column::State.eq(JobState::Running.code()))
                .exec(&db)
                .await;
            if let Err(e) = written {
                tracing::debug!("job progress not written: {e}");
            }
            c.writing.store(false, Ordering::Release);
        });
    }

    /// The number of rows the job will process.
    pub async fn set_total(&self, total: u64) -> AppResult<()> {
        self.counters.total.store(total, Ordering::Relaxed);
        self.write(Column::Total, total as i64).await
    }

    /// The record the job works on (an import job's id), shown in its status.
    pub async fn set_record(&self, record: i64) -> AppResult<()> {
        self.record.store(record, Ordering::Relaxed);
        self.write(Column::RecordId, record).await
    }

    async fn write(&self, col: Column, value: i64) -> AppResult<()> {
        Entity::update_many().col_expr(col, Expr::value(value)).filter(Column::Id.eq(&self.id)).exec(&self.db).await?;
        Ok(())
    }

    /// Writes the outcome in one UPDATE (retried a few times: a busy database must not leave
    /// the job running).
    pub async fn finish(&self, outcome: Result<Option<Output>, Text>) {
        let (state, message, out) = match outcome {
            Ok(out) => (JobState::Done, None, out),
            Err(t) => (JobState::Failed, Some(t), None),
        };
        let c = &self.counters;
        for attempt in 0..5 {
            let now = Utc::now();
            let written = Entity::update_many()
                .col_expr(Column::State, Expr::value(state.code()))
                .col_expr(Column::Done, Expr::value(c.done.load(Ordering::Relaxed) as i64))
                .col_expr(Column::Total, Expr::value(c.total.load(Ordering::Relaxed) as i64))
                .col_expr(Column::MessageZh, Expr::value(message.as_ref().map(|m| m.zh.clone())))
                .col_expr(Column::MessageEn, Expr::value(message.as_ref().map(|m| m.en.clone())))
                .col_expr(Column::OutputPath, Expr::value(out.as_ref().map(|o| o.path.to_string_lossy().into_owned())))
                .col_expr(Column::OutputName, Expr::value(out.as_ref().map(|o| o.name.clone())))
                .col_expr(Column::ContentType, Expr::value(out.as_ref().map(|o| o.content_type.clone())))
                .col_expr(Column::HeartbeatAt, Expr::value(now))
                .col_expr(Column::FinishedAt, Expr::value(Some(now)))
                .filter(Column::Id.eq(&self.id))
                .exec(&self.db)
                .await;
            match written {
                Ok(_) => return,
                Err(e) => tracing::warn!("job {} outcome not written (attempt {}): {e}", self.id, attempt + 1),
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// The job as it stands in this process (for the answer that starts it).
    pub fn status(&self) -> JobStatus {
        JobStatus {
            id: self.id.clone(),
            state: JobState::Running,
            done: self.counters.done.load(Ordering::Relaxed),
            total: self.counters.total.load(Ordering::Relaxed),
            message: None,
            download: None,
            record: Some(self.record.load(Ordering::Relaxed)).filter(|r| *r != 0),
        }
    }
}

/// The jobs on the database (the ones this process runs are known process-wide, like its
/// [`instance_id`], so every handle keeps their heartbeat).
#[derive(Clone)]
pub struct Jobs {
    pub(super) db: DatabaseConnection,
}

impl Jobs {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Records a new running job of `owner`, run by this process.
    pub async fn start(&self, owner: i64, kind: JobKind) -> AppResult<Arc<Job>> {
        let id = crate::auth::token::random_id(16);
        let mut row = new_row(&id, owner, kind, JobState::Running);
        row.instance = Set(instance_id().into());
        row.attempts = Set(1);
        row.insert(&self.db).await?;
        Ok(self.running(id, owner))
    }

    /// A job this process now runs: its heartbeat is kept and its progress written.
    pub(super) fn running(&self, id: String, owner: i64) -> Arc<Job> {
        live().insert(id.clone());
        Arc::new(Job {
            id,
            owner,
            record: AtomicI64::new(0),
            db: self.db.clone(),
            counters: Arc::new(Counters {
                done: AtomicU64::new(0),
                total: AtomicU64::new(0),
                writing: AtomicBool::new(false),
                last_write: Mutex::new(Instant::now()),
            }),
            rt: tokio::runtime::Handle::current(),
        })
    }

    /// The job `id` if it belongs to `owner`, whichever instance runs it.
    pub async fn get(&self, id: &str, owner: i64) -> AppResult<Option<entity::Model>> {
        Ok(Entity::find_by_id(id.to_string()).filter(Column::OwnerId.eq(owner)).one(&self.db).await?)
    }

    /// Touches the heartbeat of the jobs this process runs.
    pub async fn heartbeat(&self) -> AppResult<u64> {
        let live: Vec<String> = live().iter().cloned().collect();
        if live.is_empty() {
            return Ok(0);
        }
        let done = Entity::update_many()
            .col_expr(Column::HeartbeatAt, Expr::value(Utc::now()))
            .filter(Column::Id.is_in(live))
            .filter(Column::State.eq(JobState::Running.code()))
            .exec(&self.db)
            .await?;
        Ok(done.rows_affected)
    }

    /// Marks the stale jobs of other processes interrupted (or queues them again) and removes
    /// old finished jobs with their files; answers how many jobs were marked.
    /// [`crate::upkeep::recover`] adds the records of the features those jobs worked on.
    pub async fn recover(&self) -> AppResult<u64> {
        let live: HashSet<String> = live().clone();
        let marked = recover(&self.db, &live).await?;
        remove_old(&self.db).await?;
        Ok(marked)
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }
}

/// A new job row of `owner` in `state`, not yet run by any instance.
pub(super) fn new_row(id: &str, owner: i64, kind: JobKind, state: JobState) -> entity::ActiveModel {
    let now = Utc::now();
    entity::ActiveModel {
        id: Set(id.to_string()),
        kind: Set(kind.code().into()),
        owner_id: Set(owner),
        state: Set(state.code().into()),
        done: Set(0),
        total: Set(0),
        record_id: Set(None),
        message_zh: Set(None),
        message_en: Set(None),
        output_path: Set(None),
        output_name: Set(None),
        content_type: Set(None),
        instance: Set(String::new()),
        heartbeat_at: Set(now),
        created_at: Set(now),
        finished_at: Set(None),
        payload: Set(None),
        run_after: Set(None),
        attempts: Set(0),
    }
}

/// At start-up, before serving: running jobs whose heartbeat is stale are marked interrupted
/// (or queued again). Answers how many. See [`crate::upkeep::recover_interrupted`].
pub async fn recover_interrupted(db: &DatabaseConnection) -> AppResult<u64> {
    recover(db, &HashSet::new()).await
}

async fn recover(db: &DatabaseConnection, live: &HashSet<String>) -> AppResult<u64> {
    let now = Utc::now();
    let stale = now - chrono::Duration::from_std(STALE).expect("short duration");
    // Queued work whose claiming instance stopped goes back to the queue for another try.
    let mut retry = Entity::update_many()
        .col_expr(Column::State, Expr::value(JobState::Queued.code()))
        .col_expr(Column::RunAfter, Expr::value(now))
        .filter(Column::State.eq(JobState::Running.code()))
        .filter(Column::HeartbeatAt.lt(stale))
        .filter(Column::Payload.is_not_null())
        .filter(Column::Attempts.lt(super::MAX_ATTEMPTS));
    if !live.is_empty() {
        retry = retry.filter(Column::Id.is_not_in(live.iter().cloned()));
    }
    let retried = retry.exec(db).await?.rows_affected;
    let mut q = Entity::update_many()
        .col_expr(Column::State, Expr::value(JobState::Interrupted.code()))
        .col_expr(Column::MessageZh, Expr::value(INTERRUPTED.0))
        .col_expr(Column::MessageEn, Expr::value(INTERRUPTED.1))
        .col_expr(Column::FinishedAt, Expr::value(now))
        .filter(Column::State.eq(JobState::Running.code()))
        .filter(Column::HeartbeatAt.lt(stale));
    if !live.is_empty() {
        q = q.filter(Column::Id.is_not_in(live.iter().cloned()));
    }
    let jobs = q.exec(db).await?.rows_affected;
    Ok(retried + jobs)
}

/// True for a record (sync run, import check) that no running job of `kind` works on: none
/// linked to it by `record_id`, and none that has not linked its record yet.
pub fn no_running_job(kind: JobKind, record_id: impl IntoColumnRef) -> SimpleExpr {
    let job = || Alias::new("job");
    let mut q = Query::select();
    q.expr(Expr::val(1))
        .from(job())
        .and_where(Expr::col((job(), Column::State)).eq(JobState::Running.code()))
        .and_where(Expr::col((job(), Column::Kind)).eq(kind.code()))
        .and_where(
            Expr::col((job(), Column::RecordId)).is_null().or(Expr::col((job(), Column::RecordId)).equals(record_id)),
        );
    Expr::exists(q).not()
}

/// Finished jobs older than a day, and their files.
async fn remove_old(db: &DatabaseConnection) -> AppResult<u64> {
    let before = Utc::now() - chrono::Duration::from_std(KEEP).expect("short duration");
    let old = Entity::find()
        .filter(Column::State.ne(JobState::Running.code()))
        .filter(Column::FinishedAt.lt(before))
        .all(db)
        .await?;
    for j in &old {
        if let Some(path) = &j.output_path {
            let _ = tokio::fs::remove_file(path).await;
        }
    }
    let ids: Vec<String> = old.into_iter().map(|j| j.id).collect();
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(Entity::delete_many().filter(Column::Id.is_in(ids)).exec(db).await?.rows_affected)
}
