//! The evaluation of SPEC §4.8 over every paid member: each enabled rule is one set-based
//! statement (or one read of the members), the scores add up per member in memory, and the
//! warnings are reconciled in batches — raised, updated when their score or reasons changed,
//! closed as 已挽回 when an expiry-related warning no longer holds, 已流失 90 days after an
//! expiry without renewal — with the member's cached risk level. A second run on the same data
//! writes nothing; a member whose warning was dismissed or lost is raised again only for a
//! reason it did not have.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};

use super::entity::{churn_rule, churn_warning};
use super::{Reason, RiskLevel, RuleCode, WarningStatus};
use crate::error::AppResult;
use crate::members::enums::MemberLevel;
use churn_warning::Column as W;

/// Writes per transaction.
const BATCH: usize = 500;
/// An expiry this long without renewal closes the warning as 已流失.
const LOST_AFTER_DAYS: i64 = 90;
/// How far back complaints and 处理有误 count, and a last rating is looked for.
const WINDOW_DAYS: i64 = 90;
const RATING_DAYS: i64 = 365;

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    pub examined: i64,
    pub raised: i64,
    pub updated: i64,
    pub closed: i64,
}

fn col(t: &str, c: &str) -> Expr {
    Expr::col((Alias::new(t), Alias::new(c)))
}

fn paid_levels() -> Vec<&'static str> {
    MemberLevel::ALL.iter().filter(|l| l.is_paid()).map(|l| l.code()).collect()
}

/// Paid members (普通, 金牌, 商系列) that count: approved, not deleted.
fn paid(alias: &str) -> Condition {
    Condition::all()
        .add(col(alias, "customer_type").eq(crate::members::enums::CustomerType::Member.code()))
        .add(col(alias, "member_level").is_in(paid_levels()))
        .add(col(alias, "review_status").eq(crate::archive::ReviewStatus::Approved.code()))
        .add(col(alias, "deleted_at").is_null())
}

/// How many members an evaluation examines.
pub async fn population(db: &impl ConnectionTrait) -> AppResult<u64> {
    let q = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_as(Alias::new("customer"), Alias::new("c"))
        .cond_where(paid("c"))
        .to_owned();
    let row = db.query_one(&q).await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0) as u64)
}

/// A paid member as the rules read it.
struct Member {
    owner: Option<i64>,
    cached: Option<String>,
    end: Option<NaiveDate>,
    last_service: Option<DateTime<Utc>>,
    push: bool,
}

async fn ids(db: &impl ConnectionTrait, q: &SelectStatement) -> AppResult<HashSet<i64>> {
    let rows = db.query_all(q).await?;
    rows.iter().map(|r| r.try_get_by_index::<i64>(0).map_err(Into::into)).collect()
}

/// The per-member scores and reasons of the enabled rules on `today` (China time).
async fn score(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    members: &HashMap<i64, Member>,
) -> AppResult<HashMap<i64, (i32, Vec<Reason>)>> {
    let rules: HashMap<RuleCode, (Option<i32>, i32)> = churn_rule::Entity::find()
        .filter(churn_rule::Column::Enabled.eq(true))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| RuleCode::parse(&r.code).map(|c| (c, (r.threshold, r.score))))
        .collect();
    let now = crate::cst::day_start(today + Duration::days(1));
    let mut hits: HashMap<i64, (i32, Vec<Reason>)> = HashMap::new();
    let mut hit = |id: i64, code: RuleCode, score: i32, fact: String| {
        let e = hits.entry(id).or_default();
        e.0 += score;
        e.1.push(Reason { code: code.code().into(), fact });
    };
    let days = |code: RuleCode, default: i32| i64::from(rules.get(&code).and_then(|r| r.0).unwrap_or(default));

    for (&id, m) in members {
        if let (Some((_, s)), Some(end)) = (rules.get(&RuleCode::ExpirySoon), m.end) {
            let left = (end - today).num_days();
            if (0..=days(RuleCode::ExpirySoon, 60)).contains(&left) {
                let score = if left <= 30 { s + 10 } else { *s };
                hit(id, RuleCode::ExpirySoon, score, format!("服务将于 {end} 到期(剩 {left} 天)"));
            }
        }
        if let (Some((_, s)), Some(end)) = (rules.get(&RuleCode::Expired), m.end)
            && end < today
        {
            hit(id, RuleCode::Expired, *s, format!("服务已于 {end} 到期,未续费"));
        }
        if let Some((_, s)) = rules.get(&RuleCode::NoContact) {
            let n = days(RuleCode::NoContact, 90);
            if m.last_service.is_none_or(|t| t < now - Duration::days(n)) {
                hit(id, RuleCode::NoContact, *s, format!("{n} 天内无服务记录"));
            }
        }
        if let Some((_, s)) = rules.get(&RuleCode::PushDisabled)
            && !m.push
        {
            hit(id, RuleCode::PushDisabled, *s, "未设置信息推送".into());
        }
    }
    if let Some((_, s)) = rules.get(&RuleCode::NoPublish) {
        let n = days(RuleCode::NoPublish, 90);
        let q = Query::select()
            .distinct()
            .expr(col("p", "customer_id"))
            .from_as(Alias::new("published_info"), Alias::new("p"))
            .and_where(col("p", "published_at").gte(now - Duration::days(n)))
            .to_owned();
        let publishers = ids(db, &q).await?;
        for &id in members.keys().filter(|id| !publishers.contains(id)) {
            hit(id, RuleCode::NoPublish, *s, format!("{n} 天内未发布信息"));
        }
    }
    let since = now - Duration::days(WINDOW_DAYS);
    if let Some((_, s)) = rules.get(&RuleCode::Complaints) {
        let n = days(RuleCode::Complaints, 2);
        let q = Query::select()
            .expr(col("s", "customer_id"))
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .from_as(Alias::new("service_request"), Alias::new("s"))
            .and_where(col("s", "request_type").eq(crate::requests::RequestType::Complaint.code()))
            .and_where(col("s", "state").ne(crate::requests::RequestState::Voided.code()))
            .and_where(col("s", "accepted_at").gte(since))
            .group_by_col((Alias::new("s"), Alias::new("customer_id")))
            .and_having(Expr::cust("COUNT(*)").gte(n))
            .to_owned();
        for row in db.query_all(&q).await? {
            let (id, count): (i64, i64) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
            if members.contains_key(&id) {
                hit(id, RuleCode::Complaints, *s, format!("近 {WINDOW_DAYS} 天投诉 {count} 次"));
            }
        }
    }
    if let Some((_, s)) = rules.get(&RuleCode::QaIncorrect) {
        let q = Query::select()
            .distinct()
            .expr(col("s", "customer_id"))
            .from_as(Alias::new("service_request"), Alias::new("s"))
            .and_where(col("s", "qa_result").eq(crate::members::enums::QaResult::Incorrect.code()))
            .and_where(col("s", "accepted_at").gte(since))
            .to_owned();
        for id in ids(db, &q).await?.into_iter().filter(|id| members.contains_key(id)) {
            hit(id, RuleCode::QaIncorrect, *s, format!("近 {WINDOW_DAYS} 天有诉求质检为处理有误"));
        }
    }
    if let Some((_, s)) = rules.get(&RuleCode::LowSatisfaction) {
        let q = Query::select()
            .expr(col("cb", "customer_id"))
            .expr(col("cb", "satisfaction"))
            .expr(col("cb", "callback_at"))
            .from_as(Alias::new("callback"), Alias::new("cb"))
            .and_where(col("cb", "satisfaction").is_not_null())
            .and_where(col("cb", "callback_at").gte(now - Duration::days(RATING_DAYS)))
            .to_owned();
        let mut last: HashMap<i64, (DateTime<Utc>, String)> = HashMap::new();
        for row in db.query_all(&q).await? {
            let (id, rating, at): (i64, String, DateTime<Utc>) =
                (row.try_get_by_index(0)?, row.try_get_by_index(1)?, row.try_get_by_index(2)?);
            if last.get(&id).is_none_or(|(t, _)| at > *t) {
                last.insert(id, (at, rating));
            }
        }
        use crate::callbacks::Satisfaction;
        for (id, (at, rating)) in last {
            let low = matches!(
                Satisfaction::parse(&rating),
                Some(Satisfaction::Dissatisfied | Satisfaction::VeryDissatisfied)
            );
            if low && members.contains_key(&id) {
                let label = Satisfaction::parse(&rating).map(|r| r.zh()).unwrap_or_default();
                hit(id, RuleCode::LowSatisfaction, *s, format!("{} 回访评价为{label}", crate::cst::local(&at).date()));
            }
        }
    }
    if let Some((_, s)) = rules.get(&RuleCode::FulfilmentLag) {
        let n = days(RuleCode::FulfilmentLag, 40);
        let q = Query::select()
            .expr(col("f", "customer_id"))
            .expr(col("f", "period_start"))
            .expr(col("f", "period_end"))
            .expr(col("f", "progress_bp"))
            .from_as(Alias::new("member_fulfilment"), Alias::new("f"))
            .and_where(col("f", "is_current").eq(true))
            .to_owned();
        for row in db.query_all(&q).await? {
            let (id, start, end, bp): (i64, NaiveDate, NaiveDate, i32) = (
                row.try_get_by_index(0)?,
                row.try_get_by_index(1)?,
                row.try_get_by_index(2)?,
                row.try_get_by_index(3)?,
            );
            let span = Ord::max((end - start).num_days(), 1);
            let elapsed = (today - start).num_days().clamp(0, span);
            // In basis points: the share of the year gone minus the progress made.
            let lag = elapsed * 10_000 / span - i64::from(bp);
            if lag >= n * 100 && members.contains_key(&id) {
                hit(
                    id,
                    RuleCode::FulfilmentLag,
                    *s,
                    format!("服务年度已过 {}%,履约进度 {}%", elapsed * 100 / span, bp / 100),
                );
            }
        }
    }
    Ok(hits)
}

fn codes(reasons: &[Reason]) -> HashSet<String> {
    reasons.iter().map(|r| r.code.clone()).collect()
}

fn parse_reasons(json: &str) -> Vec<Reason> {
    serde_json::from_str(json).unwrap_or_default()
}

/// Evaluates every paid member on `today` and reconciles the warnings; `progress` hears how
/// many members are done.
pub async fn evaluate(db: &DatabaseConnection, today: NaiveDate, progress: impl Fn(u64)) -> AppResult<Outcome> {
    let q = Query::select()
        .exprs(
            ["id", "owner_agent_id", "churn_risk_level", "service_end_date", "last_service_at", "push_enabled"]
                .map(|c| col("c", c)),
        )
        .from_as(Alias::new("customer"), Alias::new("c"))
        .cond_where(paid("c"))
        .to_owned();
    let mut members: HashMap<i64, Member> = HashMap::new();
    for row in db.query_all(&q).await? {
        members.insert(
            row.try_get_by_index(0)?,
            Member {
                owner: row.try_get_by_index(1)?,
                cached: row.try_get_by_index(2)?,
                end: row.try_get_by_index(3)?,
                last_service: row.try_get_by_index(4)?,
                push: row.try_get_by_index(5)?,
            },
        );
    }
    let mut out = Outcome { examined: members.len() as i64, ..Default::default() };
    let hits = score(db, today, &members).await?;
    progress(members.len() as u64 / 2);

    let open_states = [WarningStatus::Open.code(), WarningStatus::Following.code()];
    let open: HashMap<i64, churn_warning::Model> = churn_warning::Entity::find()
        .filter(W::Status.is_in(open_states))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.customer_id, w))
        .collect();
    // The reasons of each member's closed 已流失 / 已忽略 warnings: not raised again for them.
    let mut closed: HashMap<i64, HashSet<String>> = HashMap::new();
    for w in churn_warning::Entity::find()
        .filter(W::Status.is_in([WarningStatus::Lost.code(), WarningStatus::Dismissed.code()]))
        .all(db)
        .await?
    {
        closed.entry(w.customer_id).or_default().extend(codes(&parse_reasons(&w.reasons)));
    }

    let now = Utc::now();
    enum Write {
        Insert(churn_warning::ActiveModel),
        Update(churn_warning::Model, i32, RiskLevel, String),
        Close(churn_warning::Model, WarningStatus, &'static str),
    }
    let mut writes: Vec<Write> = vec![];
    let mut level_of: HashMap<i64, Option<RiskLevel>> = HashMap::new();
    for (&id, (score, reasons)) in &hits {
        let Some(level) = RiskLevel::of(*score) else { continue };
        let json = serde_json::to_string(reasons).unwrap_or_else(|_| "[]".into());
        let lost = reasons.iter().any(|r| r.code == RuleCode::Expired.code())
            && members.get(&id).and_then(|m| m.end).is_some_and(|end| (today - end).num_days() > LOST_AFTER_DAYS);
        match open.get(&id) {
            Some(w) if lost => {
                writes.push(Write::Close(w.clone(), WarningStatus::Lost, "系统:到期超过90天未续费"));
                level_of.insert(id, None);
            }
            Some(w) => {
                if w.score != *score || w.risk_level != level.code() || w.reasons != json {
                    writes.push(Write::Update(w.clone(), *score, level, json));
                }
                level_of.insert(id, Some(level));
            }
            None if lost => {}
            None => {
                if closed.get(&id).is_some_and(|c| codes(reasons).is_subset(c)) {
                    continue;
                }
                writes.push(Write::Insert(churn_warning::ActiveModel {
                    customer_id: Set(id),
                    risk_level: Set(level.code().into()),
                    score: Set(*score),
                    reasons: Set(json),
                    detected_at: Set(now),
                    last_evaluated_at: Set(now),
                    status: Set(WarningStatus::Open.code().into()),
                    assignee_id: Set(members.get(&id).and_then(|m| m.owner)),
                    version: Set(1),
                    ..Default::default()
                }));
                level_of.insert(id, Some(level));
            }
        }
    }
    // Open warnings below the threshold now (or of members no longer paid).
    for (id, w) in &open {
        if level_of.contains_key(id) || hits.get(id).is_some_and(|h| RiskLevel::of(h.0).is_some()) {
            continue;
        }
        let score = hits.get(id).map_or(0, |h| h.0);
        let expiry =
            parse_reasons(&w.reasons).iter().any(|r| RuleCode::parse(&r.code).is_some_and(RuleCode::expiry_related));
        if expiry {
            writes.push(Write::Close(w.clone(), WarningStatus::Retained, "系统:已续费或不再临近到期"));
            level_of.insert(*id, None);
        } else {
            // Kept for a person to close; its score follows the member.
            let reasons = hits.get(id).map(|h| h.1.clone()).unwrap_or_default();
            let level = RiskLevel::parse(&w.risk_level).unwrap_or(RiskLevel::Low);
            if w.score != score {
                writes.push(Write::Update(
                    w.clone(),
                    score,
                    level,
                    serde_json::to_string(&reasons).unwrap_or_default(),
                ));
            }
            level_of.insert(*id, Some(level));
        }
    }

    let total = writes.len().max(1) as u64;
    let mut done = 0u64;
    for chunk in writes.chunks(BATCH) {
        let txn = crate::db::write_txn(db).await?;
        let mut inserts = vec![];
        for w in chunk {
            match w {
                Write::Insert(m) => inserts.push(m.clone()),
                // Each change is versioned: one the user made meanwhile (处理) wins.
                Write::Update(w, score, level, reasons) => {
                    let set = [
                        (W::Score, Expr::value(*score)),
                        (W::RiskLevel, Expr::value(level.code())),
                        (W::Reasons, Expr::value(reasons.clone())),
                    ];
                    out.updated += versioned(&txn, w, set, now).await?;
                }
                Write::Close(w, status, note) => {
                    let set = [
                        (W::Status, Expr::value(status.code())),
                        (W::HandledAt, Expr::value(now)),
                        (W::ResolutionNote, Expr::value(*note)),
                    ];
                    out.closed += versioned(&txn, w, set, now).await?;
                }
            }
        }
        if !inserts.is_empty() {
            out.raised += inserts.len() as i64;
            churn_warning::Entity::insert_many(inserts).exec_without_returning(&txn).await?;
        }
        txn.commit().await?;
        done += chunk.len() as u64;
        progress(members.len() as u64 / 2 + done * (members.len() as u64 / 2) / total);
    }

    // The members' cached level: theirs where it changed; none for anyone else who has one.
    let mut changes: HashMap<Option<&'static str>, Vec<i64>> = HashMap::new();
    for (&id, m) in &members {
        let want = level_of.get(&id).copied().flatten().map(|l| l.code());
        if m.cached.as_deref() != want {
            changes.entry(want).or_default().push(id);
        }
    }
    let stale = Query::select()
        .expr(col("c", "id"))
        .from_as(Alias::new("customer"), Alias::new("c"))
        .and_where(col("c", "churn_risk_level").is_not_null())
        .cond_where(Condition::all().not().add(paid("c")))
        .to_owned();
    changes.entry(None).or_default().extend(ids(db, &stale).await?);
    for (level, ids) in changes {
        for chunk in ids.chunks(BATCH) {
            let txn = db.begin().await?;
            crate::members::entity::customer::Entity::update_many()
                .col_expr(
                    crate::members::entity::customer::Column::ChurnRiskLevel,
                    Expr::value(level.map(String::from)),
                )
                .filter(crate::members::entity::customer::Column::Id.is_in(chunk.to_vec()))
                .exec(&txn)
                .await?;
            txn.commit().await?;
        }
    }
    progress(members.len() as u64);
    Ok(out)
}

/// Sets `set` on warning `w` if it is still at the version read, stamping the evaluation;
/// answers how many rows changed (0: someone handled it meanwhile).
async fn versioned(
    txn: &impl ConnectionTrait,
    w: &churn_warning::Model,
    set: [(W, Expr); 3],
    now: DateTime<Utc>,
) -> AppResult<i64> {
    let mut q = churn_warning::Entity::update_many();
    for (col, value) in set {
        q = q.col_expr(col, value);
    }
    let updated = q
        .col_expr(W::LastEvaluatedAt, Expr::value(now))
        .col_expr(W::Version, Expr::col(W::Version).add(1))
        .filter(W::Id.eq(w.id))
        .filter(W::Version.eq(w.version))
        .exec(txn)
        .await?;
    Ok(updated.rows_affected as i64)
}
