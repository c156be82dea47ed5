//! 关怀规则 on the server: the rules' upkeep (经理), and the run that turns each member's
//! occasion into one care task. A run is a job of the durable queue — nightly at 02:00 China
//! time, or at once from the page — so it survives a restart; and each task's `care_key`
//! (rule, member, the day the occasion counts from) is unique, so runs repeated or run at once
//! never make a second task for the same occasion.
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::CallbackContent;
use super::care::{
    CATCH_UP_DAYS, CareAssign, CarePage, CareRuleInput, CareRuleView, CareRunView, CareStart, CareTrigger,
    task_description,
};
use super::entity::{care_rule, care_run};
use crate::auth::audit::{self, Entry};
use crate::auth::entity::{account, role_permission};
use crate::auth::session::CurrentUser;
use crate::auth::{Perm, RoleCategory};
use crate::db::{account_names, unique_violation};
use crate::error::{AppError, AppResult, Text};
use crate::jobs::{Job, JobKind, JobState, JobStatus, Jobs, Output};
use crate::members::entity::customer;
use crate::tasks::entity::task;
use crate::tasks::{TaskRelated, TaskSource, TaskStatus};

/// How many runs the page lists.
const RUNS_SHOWN: u64 = 10;
/// The hour (China time) of the nightly run.
pub const NIGHTLY_HOUR: u32 = 2;
/// Tasks are written this many at a time.
const BATCH: usize = 500;

fn view(r: care_rule::Model, open_tasks: u64) -> AppResult<CareRuleView> {
    let bad = || AppError::internal(format!("care rule {} holds an unknown code", r.id));
    Ok(CareRuleView {
        id: r.id,
        trigger: CareTrigger::parse(&r.trigger).ok_or_else(bad)?,
        offset_days: r.offset_days,
        member_levels: r.levels(),
        callback_content: CallbackContent::parse(&r.callback_content).ok_or_else(bad)?,
        assign_to: CareAssign::parse(&r.assign_to).ok_or_else(bad)?,
        enabled: r.enabled,
        version: r.version,
        name: r.name,
        open_tasks,
    })
}

/// The page: the rules with their open tasks, the last runs, and when the next night's is.
pub async fn page(db: &DatabaseConnection) -> AppResult<CarePage> {
    let rules = care_rule::Entity::find().order_by_asc(care_rule::Column::Id).all(db).await?;
    let open: HashMap<i64, i64> = task::Entity::find()
        .select_only()
        .column(task::Column::CareRuleId)
        .column_as(task::Column::Id.count(), "n")
        .filter(task::Column::CareRuleId.is_not_null())
        .filter(task::Column::Status.is_in(TaskStatus::OPEN_CODES))
        .group_by(task::Column::CareRuleId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let rules = rules
        .into_iter()
        .map(|r| {
            let n = open.get(&r.id).copied().unwrap_or(0);
            view(r, n.max(0) as u64)
        })
        .collect::<AppResult<Vec<_>>>()?;
    let runs = care_run::Entity::find()
        .order_by_desc(care_run::Column::StartedAt)
        .order_by_desc(care_run::Column::Id)
        .limit(RUNS_SHOWN)
        .all(db)
        .await?;
    let names = account_names(db, runs.iter().filter_map(|r| r.started_by).collect()).await?;
    let runs = runs
        .into_iter()
        .map(|r| CareRunView {
            id: r.id,
            run_day: r.run_day,
            started_how: CareStart::parse(&r.started_how).unwrap_or(CareStart::Nightly),
            started_by: r.started_by.and_then(|id| names.get(&id).cloned()).unwrap_or_else(|| "系统".into()),
            started_at: r.started_at,
            finished_at: r.finished_at,
            state: JobState::parse(&r.state).unwrap_or(JobState::Interrupted),
            rules: r.rules,
            examined: r.examined,
            created: r.created,
            message: r.message,
        })
        .collect();
    Ok(CarePage { rules, runs, next_nightly: crate::cst::next_at_hour(Utc::now(), NIGHTLY_HOUR) })
}

/// 保存: a new rule, or an edit of the version the page had.
pub async fn save_rule(db: &DatabaseConnection, user: &CurrentUser, input: CareRuleInput) -> AppResult<CareRuleView> {
    let days = input.validate()?;
    let now = Utc::now();
    let mut levels: Vec<&str> = input.member_levels.iter().map(String::as_str).collect();
    levels.sort_unstable();
    levels.dedup();
    let txn = crate::db::write_txn(db).await?;
    let mut am = care_rule::ActiveModel {
        name: Set(input.name.trim().to_string()),
        trigger: Set(input.trigger.clone()),
        offset_days: Set(days),
        member_levels: Set(levels.join(",")),
        callback_content: Set(input.callback_content.clone()),
        assign_to: Set(input.assign_to.clone()),
        enabled: Set(input.enabled),
        updated_by: Set(Some(user.account.id)),
        updated_at: Set(now),
        ..Default::default()
    };
    let duplicate = || AppError::field("name", "已有同名规则", "A rule of that name exists");
    let (id, action) = match input.id {
        None => {
            am.version = Set(1);
            am.created_by = Set(Some(user.account.id));
            am.created_at = Set(now);
            match am.insert(&txn).await {
                Ok(r) => (r.id, "create"),
                Err(e) if unique_violation(&e) => return Err(duplicate()),
                Err(e) => return Err(e.into()),
            }
        }
        Some(id) => {
            let old = care_rule::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
            am.version = Set(input.version + 1);
            match crate::db::update_versioned(
                &txn,
                am,
                (care_rule::Column::Id, id),
                (care_rule::Column::Version, input.version),
            )
            .await
            {
                Ok(true) => (id, "update"),
                Ok(false) => return Err(crate::db::conflict(&txn, old.updated_by).await),
                Err(e) if unique_violation(&e) => return Err(duplicate()),
                Err(e) => return Err(e.into()),
            }
        }
    };
    audit::record(
        &txn,
        user,
        Entry::new(Perm::SystemSettings.code(), action, "care_rule").target(id, input.name.trim()).detail(json!({
            "trigger": input.trigger, "offset_days": days, "member_levels": levels,
            "callback_content": input.callback_content, "assign_to": input.assign_to, "enabled": input.enabled,
        })),
    )
    .await?;
    let saved = care_rule::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
    txn.commit().await?;
    view(saved, 0)
}

/// 删除 (the version the page had). The rule's tasks stay; they no longer name a rule.
pub async fn delete_rule(db: &DatabaseConnection, user: &CurrentUser, id: i64, version: i32) -> AppResult<()> {
    let txn = crate::db::write_txn(db).await?;
    let old = care_rule::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let gone = care_rule::Entity::delete_many()
        .filter(care_rule::Column::Id.eq(id))
        .filter(care_rule::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if gone.rows_affected != 1 {
        return Err(crate::db::conflict(&txn, old.updated_by).await);
    }
    audit::record(&txn, user, Entry::new(Perm::SystemSettings.code(), "delete", "care_rule").target(id, &old.name))
        .await?;
    txn.commit().await?;
    Ok(())
}

/// What a queued run is asked to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RunOrder {
    day: NaiveDate,
    how: CareStart,
    by: Option<i64>,
}

/// Puts the next nightly run in the queue unless it is there already (its job id is the
/// night's date, so any number of instances asking at once queue it once).
pub async fn schedule_nightly(jobs: &Jobs) -> AppResult<bool> {
    jobs.enqueue_nightly("care", NIGHTLY_HOUR, JobKind::Care, |day| RunOrder { day, how: CareStart::Nightly, by: None })
        .await
}

/// 立即运行: queues a run for `day` (empty: today) at once; the page follows the job.
pub async fn start_run(jobs: &Jobs, user: &CurrentUser, day: &str) -> AppResult<JobStatus> {
    let day = super::care::run_day(day, crate::cst::today())?;
    let order = RunOrder { day, how: CareStart::Manual, by: Some(user.account.id) };
    let id = jobs.enqueue(jobs.db(), user.account.id, JobKind::Care, &order, Utc::now()).await?;
    audit::record(
        jobs.db(),
        user,
        Entry::new(Perm::SystemSettings.code(), "run", "care_run").detail(json!({ "job": id, "day": order.day })),
    )
    .await?;
    let row = jobs.get(&id, user.account.id).await?.ok_or_else(|| AppError::internal("queued job vanished"))?;
    Ok(row.status())
}

/// The queue's handler of a care job (the page reads what it did from its run).
pub async fn run_job(db: DatabaseConnection, job: Arc<Job>, payload: String) -> Result<Option<Output>, Text> {
    let order: RunOrder =
        serde_json::from_str(&payload).map_err(|e| Text::new(format!("任务参数无效:{e}"), e.to_string()))?;
    let progress = job.clone();
    match run(&db, order.day, order.how, order.by, move |n| progress.progress(n)).await {
        Ok(_) => Ok(None),
        Err(e) => Err(Text::new(e.message(crate::i18n::Locale::Zh), e.message(crate::i18n::Locale::En))),
    }
}

/// A member whose occasion came, with what the task needs.
struct Due {
    id: i64,
    company: String,
    org: i64,
    owner: Option<i64>,
    /// The day the occasion counts from (start, end, or last contact).
    anchor: NaiveDate,
}

/// Who may get care tasks, by the organisation they serve (rep offices their own; company CS
/// the members of every other organisation), with their open tasks for the turns.
struct Pools {
    by_org: HashMap<i64, Vec<i64>>,
    company: Vec<i64>,
    org_of: HashMap<i64, i64>,
    load: HashMap<i64, i64>,
}

impl Pools {
    async fn load(db: &impl ConnectionTrait) -> AppResult<Self> {
        // Accounts whose role may record callbacks, and who are active.
        let roles: Vec<i64> = role_permission::Entity::find()
            .filter(role_permission::Column::PermissionCode.eq(Perm::IntakeCallback.code()))
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.role_id)
            .collect();
        let staff = account::Entity::find()
            .filter(account::Column::RoleId.is_in(roles))
            .filter(account::Column::Status.eq(crate::auth::AccountStatus::Active.code()))
            .order_by_asc(account::Column::Id)
            .all(db)
            .await?;
        let mut pools = Pools { by_org: HashMap::new(), company: vec![], org_of: HashMap::new(), load: HashMap::new() };
        for a in &staff {
            pools.org_of.insert(a.id, a.organization_id);
            match RoleCategory::from_code(&a.role_category) {
                Some(RoleCategory::RepOfficeCsAdmin) => pools.by_org.entry(a.organization_id).or_default().push(a.id),
                Some(RoleCategory::CompanyCsAdmin) => pools.company.push(a.id),
                _ => {}
            }
        }
        let ids: Vec<i64> = pools.org_of.keys().copied().collect();
        pools.load = task::Entity::find()
            .select_only()
            .column(task::Column::AssigneeId)
            .column_as(task::Column::Id.count(), "n")
            .filter(task::Column::AssigneeId.is_in(ids))
            .filter(task::Column::Status.is_in(TaskStatus::OPEN_CODES))
            .group_by(task::Column::AssigneeId)
            .into_tuple::<(i64, i64)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        Ok(pools)
    }

    /// The member's own agent when the rule says so and the agent serves the member's
    /// organisation; else the least busy of those who do. `None`: nobody may call.
    fn assignee(&mut self, rule: CareAssign, m: &Due) -> Option<i64> {
        let pool = self.by_org.get(&m.org).filter(|p| !p.is_empty()).unwrap_or(&self.company);
        let own = m.owner.filter(|o| rule == CareAssign::OwnerAgent && pool.contains(o));
        let pick = own.or_else(|| pool.iter().copied().min_by_key(|a| (self.load.get(a).copied().unwrap_or(0), *a)))?;
        *self.load.entry(pick).or_insert(0) += 1;
        Some(pick)
    }
}

/// The members of `rule` whose occasion falls in the catch-up window ending `day`.
async fn due_members(db: &impl ConnectionTrait, rule: &care_rule::Model, day: NaiveDate) -> AppResult<Vec<Due>> {
    let Some(trigger) = CareTrigger::parse(&rule.trigger) else { return Ok(vec![]) };
    let n = Duration::days(i64::from(rule.offset_days));
    let window = Duration::days(CATCH_UP_DAYS - 1);
    // The occasion is `anchor ± n`; it came on a day in [day - window, day].
    let (col, from, to) = match trigger {
        CareTrigger::AfterActivation => (customer::Column::ServiceStartDate, day - n - window, day - n),
        CareTrigger::BeforeExpiry => (customer::Column::ServiceEndDate, day + n - window, day + n),
        CareTrigger::AfterExpiry => (customer::Column::ServiceEndDate, day - n - window, day - n),
        CareTrigger::NoContact => (customer::Column::LastServiceAt, day - n - window, day - n),
    };
    let base = || {
        customer::Entity::find()
            .filter(customer::Column::CustomerType.eq(crate::members::enums::CustomerType::Member.code()))
            .filter(customer::Column::MemberLevel.is_in(rule.levels()))
            .filter(customer::Column::DeletedAt.is_null())
            .filter(customer::Column::MergedIntoId.is_null())
            .filter(customer::Column::ReviewStatus.eq(crate::archive::ReviewStatus::Approved.code()))
    };
    let rows = match trigger {
        CareTrigger::NoContact => {
            let (start, end) = (crate::cst::day_start(from), crate::cst::day_start(to + Duration::days(1)));
            let mut rows = base()
                .filter(customer::Column::LastServiceAt.gte(start))
                .filter(customer::Column::LastServiceAt.lt(end))
                .all(db)
                .await?;
            // Never served: counted from the start of the service.
            rows.extend(
                base()
                    .filter(customer::Column::LastServiceAt.is_null())
                    .filter(customer::Column::ServiceStartDate.between(from, to))
                    .all(db)
                    .await?,
            );
            rows
        }
        // 到期前: only while the service still runs.
        CareTrigger::BeforeExpiry => base().filter(col.between(from, to)).filter(col.gte(day)).all(db).await?,
        _ => base().filter(col.between(from, to)).all(db).await?,
    };
    Ok(rows
        .into_iter()
        .filter_map(|c| {
            let anchor = match trigger {
                CareTrigger::AfterActivation => c.service_start_date,
                CareTrigger::BeforeExpiry | CareTrigger::AfterExpiry => c.service_end_date,
                CareTrigger::NoContact => {
                    c.last_service_at.map(|t| crate::cst::local(&t).date()).or(c.service_start_date)
                }
            }?;
            Some(Due {
                id: c.id,
                company: c.company_name.clone().or(c.login_name.clone()).unwrap_or_else(|| c.customer_no.clone()),
                org: c.organization_id,
                owner: c.owner_agent_id,
                anchor,
            })
        })
        .collect())
}

/// What a run did.
pub struct RunOutcome {
    pub examined: u64,
    pub created: u64,
}

/// Applies every enabled rule for `day` and records the run; `progress` hears the members
/// checked so far.
pub async fn run(
    db: &DatabaseConnection,
    day: NaiveDate,
    how: CareStart,
    by: Option<i64>,
    progress: impl Fn(u64),
) -> AppResult<RunOutcome> {
    let rules = care_rule::Entity::find()
        .filter(care_rule::Column::Enabled.eq(true))
        .order_by_asc(care_rule::Column::Id)
        .all(db)
        .await?;
    let record = care_run::ActiveModel {
        run_day: Set(day),
        started_how: Set(how.code().into()),
        started_by: Set(by),
        started_at: Set(Utc::now()),
        state: Set(JobState::Running.code().into()),
        rules: Set(rules.len() as i32),
        examined: Set(0),
        created: Set(0),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let outcome = apply(db, &rules, day, progress).await;
    let (state, message, examined, created) = match &outcome {
        Ok(o) => (JobState::Done, None, o.examined, o.created),
        Err(e) => (JobState::Failed, Some(e.message(crate::i18n::Locale::Zh)), 0, 0),
    };
    care_run::Entity::update_many()
        .col_expr(care_run::Column::State, Expr::value(state.code()))
        .col_expr(care_run::Column::FinishedAt, Expr::value(Utc::now()))
        .col_expr(care_run::Column::Examined, Expr::value(examined as i64))
        .col_expr(care_run::Column::Created, Expr::value(created as i64))
        .col_expr(care_run::Column::Message, Expr::value(message))
        .filter(care_run::Column::Id.eq(record.id))
        .exec(db)
        .await?;
    outcome
}

async fn apply(
    db: &DatabaseConnection,
    rules: &[care_rule::Model],
    day: NaiveDate,
    progress: impl Fn(u64),
) -> AppResult<RunOutcome> {
    let mut pools = Pools::load(db).await?;
    let now = Utc::now();
    // Due at the end of the third day; shown as a reminder from 09:00 of the run's day.
    let due_at = crate::cst::day_start(day + Duration::days(3)) - Duration::minutes(1);
    let remind_at = crate::cst::day_start(day) + Duration::hours(9);
    let mut out = RunOutcome { examined: 0, created: 0 };
    for rule in rules {
        let (Some(trigger), Some(content), Some(assign)) = (
            CareTrigger::parse(&rule.trigger),
            CallbackContent::parse(&rule.callback_content),
            CareAssign::parse(&rule.assign_to),
        ) else {
            continue;
        };
        let description = task_description(&rule.name, trigger, rule.offset_days, content);
        let due = due_members(db, rule, day).await?;
        for chunk in due.chunks(BATCH) {
            let key = |m: &Due| format!("{}:{}:{}", rule.id, m.id, m.anchor);
            // Occasions that already have their task are skipped, and count against nobody.
            let taken: std::collections::HashSet<String> = task::Entity::find()
                .select_only()
                .column(task::Column::CareKey)
                .filter(task::Column::CareKey.is_in(chunk.iter().map(key)))
                .into_tuple::<String>()
                .all(db)
                .await?
                .into_iter()
                .collect();
            let mut rows = vec![];
            for m in chunk.iter().filter(|m| !taken.contains(&key(m))) {
                let Some(assignee) = pools.assignee(assign, m) else { continue };
                rows.push(task::ActiveModel {
                    title: Set(format!("{}:{}", content.zh(), m.company).chars().take(200).collect()),
                    description: Set(Some(description.clone())),
                    assignee_id: Set(assignee),
                    creator_id: Set(None),
                    organization_id: Set(pools.org_of.get(&assignee).copied().unwrap_or(m.org)),
                    priority: Set(crate::requests::Priority::Normal.code().into()),
                    due_at: Set(Some(due_at)),
                    remind_at: Set(Some(remind_at)),
                    status: Set(TaskStatus::Todo.code().into()),
                    source: Set(TaskSource::CareRule.code().into()),
                    related_type: Set(Some(TaskRelated::Customer.code().into())),
                    related_id: Set(Some(m.id)),
                    version: Set(1),
                    care_rule_id: Set(Some(rule.id)),
                    care_key: Set(Some(key(m))),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                });
            }
            out.examined += chunk.len() as u64;
            if !rows.is_empty() {
                // A run at the same time may have written some of these since: theirs stand.
                out.created += task::Entity::insert_many(rows)
                    .on_conflict(OnConflict::column(task::Column::CareKey).do_nothing().to_owned())
                    .exec_without_returning(db)
                    .await?;
            }
            progress(out.examined);
        }
    }
    Ok(out)
}

/// The care task `id`'s suggested 回访内容 (its rule's), for the callback answering it.
pub async fn suggested_content(db: &impl ConnectionTrait, t: &task::Model) -> AppResult<Option<String>> {
    let Some(rule) = t.care_rule_id else { return Ok(None) };
    Ok(care_rule::Entity::find_by_id(rule).one(db).await?.map(|r| r.callback_content))
}
