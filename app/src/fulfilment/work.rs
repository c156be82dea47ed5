//! The queue's work of 履约: the nightly upkeep of the service years (and the same at once after
//! a CM sync reported levels and dates), and the recomputation a new scheme asked for.
use std::sync::Arc;

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, EntityTrait};

use super::JobOrder as Order;
use super::entity::member_fulfilment;
use crate::error::{AppResult, Text};
use crate::jobs::{Job, JobKind, Jobs, Output};

/// The hour (China time) of the nightly upkeep: before the care rules' run at 02:00, so their
/// members' years are current.
const NIGHTLY_HOUR: u32 = 1;

/// Puts the next night's upkeep in the queue unless it is there already (its id is the night).
pub async fn schedule_nightly(jobs: &Jobs) -> AppResult<bool> {
    let now = Utc::now();
    let local = crate::cst::local(&now);
    let today = local.date().and_hms_opt(NIGHTLY_HOUR, 0, 0).unwrap_or(local);
    let at = if local < today { today } else { today + Duration::days(1) };
    let id = format!("fulfilment-{}", at.date().format("%Y%m%d"));
    // A database that never had service years (the first start after the migration, which
    // cleared the old status cache) gets them now rather than at night.
    if member_fulfilment::Entity::find().one(jobs.db()).await?.is_none() {
        jobs.enqueue_once(jobs.db(), "fulfilment-first", 0, JobKind::Fulfilment, &Order::Upkeep { day: None }, now)
            .await?;
    }
    jobs.enqueue_once(jobs.db(), &id, 0, JobKind::Fulfilment, &Order::Upkeep { day: None }, crate::cst::to_utc(at))
        .await
}

/// Queues an upkeep now (after a CM sync changed members).
pub async fn upkeep_now(jobs: &Jobs) -> AppResult<String> {
    jobs.enqueue(jobs.db(), 0, JobKind::Fulfilment, &Order::Upkeep { day: None }, Utc::now()).await
}

/// The nightly upkeep (and the catch-up after a CM sync): every member whose year no longer
/// matches is settled one by one (`periods::reconcile`); every paid member without a year
/// gets one, in bulk (`demo::open_years`). Answers how many members were touched; `progress`
/// gets the running count.
pub async fn upkeep(db: &DatabaseConnection, today: NaiveDate, progress: impl Fn(u64)) -> AppResult<u64> {
    let mut done = 0u64;
    let mut after = 0;
    loop {
        let ids = super::periods::mismatched(db, today, after, 500).await?;
        let Some(last) = ids.last().copied() else { break };
        after = last;
        for id in ids {
            super::periods::reconcile_customer(db, id, today, None).await?;
            done += 1;
        }
        progress(done);
    }
    done += super::demo::open_years(db, today, None, |n| progress(done + n)).await?;
    Ok(done)
}

/// The queue's handler of a `Fulfilment` job.
pub async fn run_job(db: DatabaseConnection, job: Arc<Job>, payload: String) -> Result<Option<Output>, Text> {
    let order: Order =
        serde_json::from_str(&payload).map_err(|e| Text::new(format!("任务参数无效:{e}"), e.to_string()))?;
    let progress = job.clone();
    let outcome = match order {
        Order::Upkeep { day } => {
            let day = day.unwrap_or_else(crate::cst::today);
            upkeep(&db, day, move |n| progress.progress(n)).await.map(|_| ())
        }
        Order::Recompute(r) => super::scheme_service::run(&db, &r, job.clone()).await.map(|_| ()),
    };
    outcome
        .map(|()| None)
        .map_err(|e| Text::new(e.message(crate::i18n::Locale::Zh), e.message(crate::i18n::Locale::En)))
}
