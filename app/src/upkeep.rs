//! The upkeep of background work: this instance's heartbeat on the jobs it runs, and the
//! recovery of work that a stopped instance left running — its jobs, and with them the records
//! of the features those jobs worked on (数据同步 runs, 批量导入 checks). Jobs know no feature;
//! this module, above both, puts them together.
use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;

use crate::error::AppResult;
use crate::jobs::{HEARTBEAT, JobKind, Jobs, RECOVER_EVERY, STALE};

/// The records of features whose job is no longer running: marked interrupted (their writes
/// were one transaction each, so nothing is half-written); the pages show 已中断 with a note
/// and a new run may start. Answers how many.
async fn mark_features(db: &DatabaseConnection) -> AppResult<u64> {
    Ok(crate::members::cm_sync::mark_interrupted(db).await? + crate::archive::import::mark_interrupted(db).await?)
}

/// At start-up, before serving: every stale running job and the feature records it worked on.
/// Answers how many jobs, runs and checks were marked.
pub async fn recover_interrupted(db: &DatabaseConnection) -> AppResult<u64> {
    Ok(crate::jobs::recover_interrupted(db).await? + mark_features(db).await?)
}

/// While serving: the stale jobs of other instances (never this one's) and their records, and
/// the removal of old finished jobs. Answers how many jobs, runs and checks were marked.
pub async fn recover(jobs: &Jobs) -> AppResult<u64> {
    Ok(jobs.recover().await? + mark_features(jobs.db()).await?)
}

/// How often an idle worker looks at the queue.
const POLL: Duration = Duration::from_secs(2);

/// Runs one due job of the queue, whatever its kind; answers whether there was one.
pub async fn run_queued(jobs: &Jobs) -> AppResult<bool> {
    let db = jobs.db().clone();
    let care = db.clone();
    if jobs
        .run_next(&[JobKind::Care], move |job, payload| crate::callbacks::care_service::run_job(care, job, payload))
        .await?
    {
        return Ok(true);
    }
    let fulfilment = db.clone();
    if jobs
        .run_next(&[JobKind::Fulfilment], move |job, payload| {
            crate::fulfilment::work::run_job(fulfilment, job, payload)
        })
        .await?
    {
        return Ok(true);
    }
    jobs.run_next(&[JobKind::Churn], move |job, payload| crate::churn::service::run_job(db, job, payload)).await
}

/// The heartbeat (every 5 s), the recovery, the request-deadline sweep and the scheduling of
/// nightly work (every minute) of this process, and its worker on the queue.
pub fn spawn(jobs: Jobs) -> tokio::task::JoinHandle<()> {
    let worker = jobs.clone();
    crate::emails::sender::spawn(jobs.db().clone());
    tokio::spawn(async move {
        loop {
            match run_queued(&worker).await {
                Ok(true) => {}
                Ok(false) => tokio::time::sleep(POLL).await,
                Err(e) => {
                    tracing::warn!("job queue: {e}");
                    tokio::time::sleep(POLL).await;
                }
            }
        }
    });
    tokio::spawn(async move {
        let mut beat = tokio::time::interval(HEARTBEAT);
        // The first pass once the jobs of an instance that stopped just before this one
        // started have gone stale.
        let first: Duration = RECOVER_EVERY - STALE - HEARTBEAT;
        let mut recovered = Instant::now().checked_sub(first).unwrap_or_else(Instant::now);
        loop {
            beat.tick().await;
            if let Err(e) = jobs.heartbeat().await {
                tracing::warn!("job heartbeat: {e}");
            }
            if recovered.elapsed() >= RECOVER_EVERY {
                recovered = Instant::now();
                match recover(&jobs).await {
                    Ok(0) => {}
                    Ok(n) => tracing::warn!("{n} jobs / sync runs / import checks of stopped instances interrupted"),
                    Err(e) => tracing::warn!("job recovery: {e}"),
                }
                // Requests whose deadline came: marked and announced (once, whichever instance).
                match crate::requests::sla::sweep(jobs.db(), chrono::Utc::now()).await {
                    Ok(s) if s.overdue + s.due_soon > 0 => {
                        tracing::info!(overdue = s.overdue, due_soon = s.due_soon, "request deadlines");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!("request deadlines: {e}"),
                }
                if let Err(e) = crate::fulfilment::work::schedule_nightly(&jobs).await {
                    tracing::warn!("fulfilment schedule: {e}");
                }
                if let Err(e) = crate::callbacks::care_service::schedule_nightly(&jobs).await {
                    tracing::warn!("care rules schedule: {e}");
                }
                if let Err(e) = crate::churn::service::schedule_nightly(&jobs).await {
                    tracing::warn!("churn schedule: {e}");
                }
                if let Err(e) = crate::emails::attachments::remove_orphans(jobs.db()).await {
                    tracing::warn!("e-mail attachments: {e}");
                }
            }
        }
    })
}
