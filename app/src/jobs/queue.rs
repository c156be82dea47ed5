//! The queue of work no user waits for (the e-mail queue, nightly jobs): a job row in state
//! `queued` with its payload, due at `run_after`, claimed by whichever server instance asks
//! first and then run like any other job (heartbeat, progress, outcome; see `store`).
use std::sync::Arc;

use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use super::JobState;
use super::store::entity::{Column, Entity};
use super::store::{Job, JobKind, Jobs, Output, instance_id, new_row};
use crate::error::{AppResult, Text};

impl Jobs {
    /// Queues work of `kind` for `owner` (the account it is done for; 0 for the system) with
    /// its `payload`, to run at or after `run_after` on whichever instance claims it first.
    /// Answers the job's id.
    pub async fn enqueue(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        owner: i64,
        kind: JobKind,
        payload: &impl serde::Serialize,
        run_after: chrono::DateTime<Utc>,
    ) -> AppResult<String> {
        let id = crate::auth::token::random_id(16);
        let payload = serde_json::to_string(payload).map_err(crate::error::AppError::internal)?;
        let mut row = new_row(&id, owner, kind, JobState::Queued);
        row.payload = Set(Some(payload));
        row.run_after = Set(Some(run_after));
        row.insert(db).await?;
        Ok(id)
    }

    /// Queues work like [`Jobs::enqueue`] under the id `id`, unless a job of that id exists
    /// (queued, running or done): work named by what it is for (the night it runs) is queued
    /// once however many instances ask at once. Answers whether this call queued it.
    pub async fn enqueue_once(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        id: &str,
        owner: i64,
        kind: JobKind,
        payload: &impl serde::Serialize,
        run_after: chrono::DateTime<Utc>,
    ) -> AppResult<bool> {
        let payload = serde_json::to_string(payload).map_err(crate::error::AppError::internal)?;
        let mut row = new_row(id, owner, kind, JobState::Queued);
        row.payload = Set(Some(payload));
        row.run_after = Set(Some(run_after));
        let inserted = Entity::insert(row)
            .on_conflict(sea_orm::sea_query::OnConflict::column(Column::Id).do_nothing().to_owned())
            .exec_without_returning(db)
            .await?;
        Ok(inserted == 1)
    }

    /// Queues the next night's run of `kind` at `hour`:00 China time, once however many
    /// instances ask (its id is `name` and the night's date); `order` makes its payload for
    /// that date. Answers whether this call queued it.
    pub async fn enqueue_nightly<T: serde::Serialize>(
        &self,
        name: &str,
        hour: u32,
        kind: JobKind,
        order: impl FnOnce(chrono::NaiveDate) -> T,
    ) -> AppResult<bool> {
        let at = crate::cst::next_at_hour(Utc::now(), hour);
        let day = crate::cst::local(&at).date();
        self.enqueue_once(self.db(), &format!("{name}-{}", day.format("%Y%m%d")), 0, kind, &order(day), at).await
    }

    /// Claims the queued job of one of `kinds` that is due longest, for this process: one
    /// conditional UPDATE … RETURNING, so of any number of instances (or tasks) asking at
    /// once exactly one gets each job. On PostgreSQL the candidate row is picked `FOR UPDATE
    /// SKIP LOCKED`, so claimers do not queue up behind each other; SQLite runs one writer
    /// at a time anyway. Answers the running job and its payload.
    pub async fn claim(&self, kinds: &[JobKind]) -> AppResult<Option<(Arc<Job>, String)>> {
        let now = Utc::now();
        let job = || Alias::new("job");
        let mut due = Query::select();
        due.column(Column::Id)
            .from(job())
            .and_where(Expr::col(Column::State).eq(JobState::Queued.code()))
            .and_where(Expr::col(Column::Kind).is_in(kinds.iter().map(|k| k.code())))
            .and_where(Expr::col(Column::RunAfter).lte(now))
            .order_by(Column::RunAfter, sea_orm::Order::Asc)
            .order_by(Column::CreatedAt, sea_orm::Order::Asc)
            .limit(1)
            .lock_with_behavior(sea_orm::sea_query::LockType::Update, sea_orm::sea_query::LockBehavior::SkipLocked);
        let mut claim = Query::update();
        claim
            .table(job())
            .value(Column::State, JobState::Running.code())
            .value(Column::Instance, instance_id())
            .value(Column::HeartbeatAt, now)
            .value(Column::Attempts, Expr::col(Column::Attempts).add(1))
            // `= (scalar subquery)`: PostgreSQL runs it once, as an InitPlan (with `IN` a
            // concurrent claimer's recheck can lose the row it skipped to).
            .and_where(
                Expr::col(Column::Id)
                    .eq(Expr::SubQuery(None, Box::new(sea_orm::sea_query::SubQueryStatement::from(due)))),
            )
            .and_where(Expr::col(Column::State).eq(JobState::Queued.code()))
            .returning_all();
        let stmt = self.db.get_database_backend().build(&claim);
        let Some(row) = Entity::find().from_raw_sql(stmt).one(&self.db).await? else {
            return Ok(None);
        };
        let payload = row.payload.clone().unwrap_or_default();
        Ok(Some((self.running(row.id, row.owner_id), payload)))
    }

    /// Claims one due job of `kinds` and runs it to its end with `handler` (its payload in,
    /// its outcome out). Answers whether there was one; a worker loop calls it until not.
    pub async fn run_next<F, Fut>(&self, kinds: &[JobKind], handler: F) -> AppResult<bool>
    where
        F: FnOnce(Arc<Job>, String) -> Fut,
        Fut: std::future::Future<Output = Result<Option<Output>, Text>>,
    {
        let Some((job, payload)) = self.claim(kinds).await? else {
            return Ok(false);
        };
        let outcome = handler(job.clone(), payload).await;
        job.finish(outcome).await;
        Ok(true)
    }
}
