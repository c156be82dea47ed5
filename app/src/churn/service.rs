//! 流失预警 on the server: the warning list in the user's scope with its summary, 处理 (each a
//! versioned, audited transition), the rules (经理), and the runs of the evaluation — a job of
//! the durable queue, nightly at 03:00 China time or at once from the page.
use std::sync::Arc;

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::entity::{churn_rule, churn_run, churn_warning};
use super::{
    ChurnFilter, ChurnOptions, ChurnSummary, HandleAction, HandleInput, Reason, RiskLevel, RuleView, RunView,
    WarningRow, WarningStatus, check_rule,
};
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::auth::{Perm, RoleCode};
use crate::error::{AppError, AppResult, Text};
use crate::jobs::{Job, JobKind, JobState, JobStatus, Jobs, Output};
use crate::members::conditions::{c, scope_condition};
use crate::members::customer_join::JoinCustomer;
use crate::ui::Page;

/// The hour (China time) of the nightly evaluation (after 关怀规则's at 02:00).
const NIGHTLY_HOUR: u32 = 3;

fn w(col: &str) -> Expr {
    Expr::col((Alias::new("w"), Alias::new(col)))
}

/// 主管 and 经理 may dismiss (SPEC §4.8).
pub fn may_dismiss(user: &CurrentUser) -> bool {
    matches!(user.role_code(), Some(RoleCode::CsManager | RoleCode::CsSupervisor))
}

/// The warnings of `f` the user may see (its members' scope), joined to the member (`c`).
fn base(f: &ChurnFilter, user: &CurrentUser, with_risk_status: bool) -> SelectStatement {
    let mut cond = Condition::all().add(scope_condition(&user.scope));
    if with_risk_status {
        match f.status.as_str() {
            "" => {}
            super::ACTIVE => {
                cond = cond.add(w("status").is_in([WarningStatus::Open.code(), WarningStatus::Following.code()]))
            }
            s => cond = cond.add(w("status").eq(s)),
        }
        if !f.risk.is_empty() {
            cond = cond.add(w("risk_level").eq(f.risk.as_str()));
        }
    }
    if !f.level.is_empty() {
        cond = cond.add(c("member_level").eq(f.level.as_str()));
    }
    if let Some(org) = f.org {
        cond = cond.add(c("organization_id").eq(org));
    }
    if let Some(a) = f.assignee {
        cond = cond.add(w("assignee_id").eq(a));
    }
    if !f.rule.is_empty() {
        cond = cond.add(w("reasons").like(format!("%\"code\":\"{}\"%", f.rule)));
    }
    let company = f.company.trim();
    if !company.is_empty() {
        cond = cond.add(c("company_name").like(format!("%{}%", company.replace(['%', '_'], ""))));
    }
    cond = cond.add(crate::members::conditions::date_range(c("service_end_date"), &f.end_from, &f.end_to));
    Query::select().from_as(Alias::new("churn_warning"), Alias::new("w")).join_customer("w").cond_where(cond).to_owned()
}

/// PG-75's list: the warnings of the status asked for, highest score first, with the summary.
pub async fn list(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    f: &ChurnFilter,
) -> AppResult<(Page<WarningRow>, ChurnSummary)> {
    f.validate()?;
    let per_page = crate::ui::per_page(f.per_page);
    let page = f.page.clamp(1, 10_000);
    let mut q = base(f, user, true);
    q.expr_as(Expr::cust("COUNT(*)"), Alias::new("n"));
    let total: i64 = db.query_one(&q).await?.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
    let mut q = base(f, user, true);
    q.exprs(
        ["id", "version", "customer_id", "risk_level", "score", "reasons", "detected_at", "status", "resolution_note"]
            .map(w),
    )
    .expr_as(c("company_name"), Alias::new("company"))
    .expr_as(c("member_level"), Alias::new("member_level"))
    .expr_as(c("service_end_date"), Alias::new("service_end"))
    .expr_as(c("last_service_at"), Alias::new("last_service_at"))
    .expr_as(c("organization_id"), Alias::new("org_id"))
    .expr_as(w("assignee_id"), Alias::new("assignee_id"))
    .order_by_expr(w("score"), Order::Desc)
    .order_by_expr(w("id"), Order::Desc)
    .limit(per_page)
    .offset((page - 1) * per_page);
    let rows = db.query_all(&q).await?;
    let mut accounts = vec![];
    let mut orgs = vec![];
    for r in &rows {
        accounts.extend(r.try_get::<Option<i64>>("", "assignee_id")?);
        orgs.push(r.try_get::<i64>("", "org_id")?);
    }
    let (accounts, orgs) = crate::db::people_and_orgs(db, accounts, orgs).await?;
    let mut items = vec![];
    for r in rows {
        let assignee: Option<i64> = r.try_get("", "assignee_id")?;
        items.push(WarningRow {
            id: r.try_get("", "id")?,
            version: r.try_get("", "version")?,
            customer_id: r.try_get("", "customer_id")?,
            company: r.try_get::<Option<String>>("", "company")?.unwrap_or_default(),
            member_level: r.try_get("", "member_level")?,
            org: orgs.get(&r.try_get::<i64>("", "org_id")?).cloned().unwrap_or_default(),
            service_end: r.try_get("", "service_end")?,
            risk: RiskLevel::parse(&r.try_get::<String>("", "risk_level")?).unwrap_or(RiskLevel::Low),
            score: r.try_get("", "score")?,
            reasons: serde_json::from_str(&r.try_get::<String>("", "reasons")?).unwrap_or_default(),
            detected_at: r.try_get("", "detected_at")?,
            status: WarningStatus::parse(&r.try_get::<String>("", "status")?).unwrap_or(WarningStatus::Open),
            assignee: assignee.and_then(|a| accounts.get(&a).cloned()),
            last_service_at: r.try_get("", "last_service_at")?,
            note: r.try_get("", "resolution_note")?,
        });
    }
    // The summary of the other filters: by risk (open warnings) and by status.
    let mut summary = ChurnSummary::default();
    let mut q = base(f, user, false);
    q.expr_as(w("status"), Alias::new("status"))
        .expr_as(w("risk_level"), Alias::new("risk"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .group_by_col((Alias::new("w"), Alias::new("status")))
        .group_by_col((Alias::new("w"), Alias::new("risk_level")));
    let mut by_risk = std::collections::HashMap::new();
    let mut by_status = std::collections::HashMap::new();
    for r in db.query_all(&q).await? {
        let n: i64 = r.try_get("", "n")?;
        let status = WarningStatus::parse(&r.try_get::<String>("", "status")?);
        if let Some(s) = status {
            *by_status.entry(s).or_insert(0u64) += n as u64;
            if s.is_open()
                && let Some(level) = RiskLevel::parse(&r.try_get::<String>("", "risk")?)
            {
                *by_risk.entry(level).or_insert(0u64) += n as u64;
            }
        }
    }
    summary.by_risk = RiskLevel::ALL.iter().map(|l| (*l, by_risk.get(l).copied().unwrap_or(0))).collect();
    summary.by_status = WarningStatus::ALL.iter().map(|s| (*s, by_status.get(s).copied().unwrap_or(0))).collect();
    Ok((Page { items, total: total as u64, page, per_page, counted_to: None }, summary))
}

/// 处理: one transition of a warning in the user's scope, at the version the page showed.
pub async fn handle(db: &DatabaseConnection, user: &CurrentUser, input: HandleInput) -> AppResult<()> {
    let action = input.validate()?;
    if action == HandleAction::Dismiss && !may_dismiss(user) {
        return Err(AppError::Forbidden);
    }
    let txn = crate::db::write_txn(db).await?;
    let found = churn_warning::Entity::find_by_id(input.id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let member = crate::members::service::visible_customer(&txn, user, found.customer_id).await?;
    let status = WarningStatus::parse(&found.status).ok_or_else(|| AppError::internal("unknown warning status"))?;
    if found.version != input.version {
        return Err(AppError::rejected(
            "该预警已被他人处理,请刷新后再操作",
            "Someone else handled this warning; refresh",
        ));
    }
    if !status.is_open() || (action == HandleAction::Follow && status == WarningStatus::Following) {
        return Err(AppError::rejected("该预警已不在可处理状态", "This warning can no longer take that action"));
    }
    let target = action.target();
    let note = input.note.trim().to_string();
    use churn_warning::Column as W;
    churn_warning::Entity::update_many()
        .col_expr(W::Status, Expr::value(target.code()))
        .col_expr(W::HandledBy, Expr::value(user.account.id))
        .col_expr(W::HandledAt, Expr::value(Utc::now()))
        .col_expr(W::ResolutionNote, Expr::value((!note.is_empty()).then_some(note.clone())))
        .col_expr(W::Version, Expr::col(W::Version).add(1))
        .filter(W::Id.eq(found.id))
        .filter(W::Version.eq(found.version))
        .exec(&txn)
        .await?;
    if !target.is_open() {
        crate::members::entity::customer::Entity::update_many()
            .col_expr(crate::members::entity::customer::Column::ChurnRiskLevel, Expr::value(None::<String>))
            .filter(crate::members::entity::customer::Column::Id.eq(found.customer_id))
            .exec(&txn)
            .await?;
    }
    let entry = Entry::new(Perm::CrmChurn.code(), action.code(), "churn_warning")
        .target(found.id, member.company_name.clone().unwrap_or_default())
        .detail(json!({"from": status.code(), "to": target.code(), "note": note}));
    audit::record(&txn, user, entry).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn rules(db: &impl ConnectionTrait) -> AppResult<Vec<RuleView>> {
    Ok(churn_rule::Entity::find()
        .order_by_asc(churn_rule::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| RuleView {
            code: r.code,
            name: r.name,
            enabled: r.enabled,
            threshold: r.threshold,
            score: r.score,
            version: r.version,
        })
        .collect())
}

/// 保存 of the rule grid (经理): every row checked, all saved in one transaction at their
/// versions; they apply from the next evaluation.
pub async fn save_rules(db: &DatabaseConnection, user: &CurrentUser, input: Vec<RuleView>) -> AppResult<Vec<RuleView>> {
    let mut errors = crate::error::FieldErrors::default();
    for r in &input {
        if let Err(AppError::Validation(e)) = check_rule(r) {
            for f in e.0 {
                errors.add(&f.field, &f.message.zh, &f.message.en);
            }
        }
    }
    errors.into_result()?;
    let txn = crate::db::write_txn(db).await?;
    let mut changed = vec![];
    for r in &input {
        let found = churn_rule::Entity::find()
            .filter(churn_rule::Column::Code.eq(r.code.as_str()))
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        if found.version != r.version {
            return Err(AppError::rejected("规则已被他人修改,请刷新", "The rules were changed meanwhile; refresh"));
        }
        if (found.enabled, found.threshold, found.score) == (r.enabled, r.threshold, r.score) {
            continue;
        }
        changed.push(json!({"code": r.code, "from": [found.enabled, found.threshold, found.score],
            "to": [r.enabled, r.threshold, r.score]}));
        let mut m: churn_rule::ActiveModel = found.clone().into();
        m.enabled = Set(r.enabled);
        m.threshold = Set(r.threshold);
        m.score = Set(r.score);
        m.version = Set(found.version + 1);
        m.updated_by = Set(Some(user.account.id));
        m.updated_at = Set(Utc::now());
        m.update(&txn).await?;
    }
    if !changed.is_empty() {
        audit::record(
            &txn,
            user,
            Entry::new(Perm::CrmChurn.code(), "update", "churn_rule").detail(json!({"changes": changed})),
        )
        .await?;
    }
    txn.commit().await?;
    rules(db).await
}

pub async fn options(db: &impl ConnectionTrait, user: &CurrentUser) -> AppResult<ChurnOptions> {
    let orgs = crate::reports::frame::units(db, &user.scope).await?;
    let last = churn_run::Entity::find().order_by_desc(churn_run::Column::Id).one(db).await?;
    Ok(ChurnOptions {
        orgs: orgs.into_iter().map(|o| (o.id, o.name)).collect(),
        may_configure: user.has(Perm::SystemSettings),
        may_dismiss: may_dismiss(user),
        may_see_stats: user.has(Perm::StatsQuery) && user.sees_team_numbers(),
        last_run: last.map(|r| RunView {
            started_at: r.started_at,
            finished_at: r.finished_at,
            state: r.state,
            examined: r.examined,
            raised: r.raised,
            updated: r.updated,
            closed: r.closed,
        }),
    })
}

/// What a queued evaluation is for.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RunOrder {
    day: NaiveDate,
    how: String,
    by: Option<i64>,
}

/// Queues the next nightly evaluation (03:00 China time) once (its job id is the night's date).
pub async fn schedule_nightly(jobs: &Jobs) -> AppResult<bool> {
    jobs.enqueue_nightly("churn", NIGHTLY_HOUR, JobKind::Churn, |day| RunOrder { day, how: "nightly".into(), by: None })
        .await
}

/// 重新计算: an evaluation at once, as of `day` (empty: today; a missed night up to a week
/// back); the page follows the job.
pub async fn start_run(jobs: &Jobs, user: &CurrentUser, day: &str) -> AppResult<JobStatus> {
    let today = crate::cst::today();
    let day = match day.trim() {
        "" => today,
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .ok()
            .filter(|d| *d <= today && *d >= today - Duration::days(7))
            .ok_or_else(|| {
            AppError::field("day", "只能按今天或前 7 天内的日期计算", "Today or one of the last 7 days")
        })?,
    };
    let order = RunOrder { day, how: "manual".into(), by: Some(user.account.id) };
    let id = jobs.enqueue(jobs.db(), user.account.id, JobKind::Churn, &order, Utc::now()).await?;
    audit::record(jobs.db(), user, Entry::new(Perm::CrmChurn.code(), "run", "churn_run").detail(json!({ "job": id })))
        .await?;
    let row = jobs.get(&id, user.account.id).await?.ok_or_else(|| AppError::internal("queued job vanished"))?;
    Ok(row.status())
}

/// The queue's handler of an evaluation.
pub async fn run_job(db: DatabaseConnection, job: Arc<Job>, payload: String) -> Result<Option<Output>, Text> {
    let order: RunOrder =
        serde_json::from_str(&payload).map_err(|e| Text::new(format!("任务参数无效:{e}"), e.to_string()))?;
    let progress = job.clone();
    if let Ok(n) = super::engine::population(&db).await {
        let _ = job.set_total(n).await;
    }
    match run(&db, order.day, &order.how, order.by, move |n| progress.progress(n)).await {
        Ok(_) => Ok(None),
        Err(e) => Err(Text::new(e.message(crate::i18n::Locale::Zh), e.message(crate::i18n::Locale::En))),
    }
}

/// One evaluation, recorded as a run.
pub async fn run(
    db: &DatabaseConnection,
    day: NaiveDate,
    how: &str,
    by: Option<i64>,
    progress: impl Fn(u64),
) -> AppResult<super::engine::Outcome> {
    let record = churn_run::ActiveModel {
        run_day: Set(day),
        started_how: Set(how.into()),
        started_by: Set(by),
        started_at: Set(Utc::now()),
        state: Set(JobState::Running.code().into()),
        examined: Set(0),
        raised: Set(0),
        updated: Set(0),
        closed: Set(0),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let outcome = super::engine::evaluate(db, day, progress).await;
    let (state, message, o) = match &outcome {
        Ok(o) => (JobState::Done, None, *o),
        Err(e) => (JobState::Failed, Some(e.message(crate::i18n::Locale::Zh)), Default::default()),
    };
    use churn_run::Column as R;
    churn_run::Entity::update_many()
        .col_expr(R::State, Expr::value(state.code()))
        .col_expr(R::FinishedAt, Expr::value(Utc::now()))
        .col_expr(R::Examined, Expr::value(o.examined))
        .col_expr(R::Raised, Expr::value(o.raised))
        .col_expr(R::Updated, Expr::value(o.updated))
        .col_expr(R::Closed, Expr::value(o.closed))
        .col_expr(R::Message, Expr::value(message))
        .filter(R::Id.eq(record.id))
        .exec(db)
        .await?;
    outcome
}

/// The open warnings' reasons of a member (the 360° page and the intake panel).
pub async fn of_member(db: &impl ConnectionTrait, customer: i64) -> AppResult<Option<(RiskLevel, Vec<Reason>)>> {
    let w = churn_warning::Entity::find()
        .filter(churn_warning::Column::CustomerId.eq(customer))
        .filter(churn_warning::Column::Status.is_in([WarningStatus::Open.code(), WarningStatus::Following.code()]))
        .one(db)
        .await?;
    Ok(w.and_then(|w| {
        RiskLevel::parse(&w.risk_level).map(|l| (l, serde_json::from_str(&w.reasons).unwrap_or_default()))
    }))
}
