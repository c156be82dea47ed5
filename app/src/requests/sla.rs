//! Time limits of member requests in business time (SPEC K13, K15, OP-33): the resolution
//! clock starts at intake, the department-feedback clock at each routing; each gets its
//! deadline and its warning time on the working calendar when it starts, so the sweep that
//! marks requests 即将超时 / 已超时 (E-58) and tells the people concerned is a comparison of
//! stored times — one conditional UPDATE … RETURNING per state, so of several server instances
//! only one announces each change.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, FromQueryResult};

use super::entity::service_request;
use super::query::KIND;
use super::{Priority, RequestState, RequestType, SlaState};
use crate::auth::Perm;
use crate::error::AppResult;
use crate::notify::NotificationKind;
use crate::notify::service::{Message, insert_all, rows_of};
use crate::worktime::{DayHours, WorkCalendar};

use service_request::Column as R;

/// A policy's budgets, in business hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub dept_feedback_hours: i64,
    pub resolve_hours: i64,
    pub warn_before_hours: i64,
}

/// A clock's deadline and the start of its warning (`None`s: no policy, or no working time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Due {
    pub due: Option<DateTime<Utc>>,
    pub warn: Option<DateTime<Utc>>,
}

impl Due {
    /// The clock of `hours` business hours started at `from`, warning `warn` hours before.
    pub fn of(calendar: &WorkCalendar, from: DateTime<Utc>, hours: i64, warn: i64) -> Self {
        Self {
            due: calendar.add_minutes(from, hours * 60),
            warn: calendar.add_minutes(from, std::cmp::max(hours - warn, 0) * 60),
        }
    }
}

/// E-58 at `now` of a request with these clocks.
pub fn state_at(now: DateTime<Utc>, resolve: Due, feedback: Due) -> SlaState {
    let passed = |t: Option<DateTime<Utc>>| t.is_some_and(|t| t <= now);
    if passed(resolve.due) || passed(feedback.due) {
        SlaState::Overdue
    } else if passed(resolve.warn) || passed(feedback.warn) {
        SlaState::DueSoon
    } else {
        SlaState::OnTime
    }
}

/// "HH:MM-HH:MM[,…]" as minutes after midnight (unreadable parts are left out).
pub fn parse_periods(s: &str) -> DayHours {
    let minute = |t: &str| {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
    };
    let mut out: DayHours = s
        .split(',')
        .filter_map(|p| {
            let (a, b) = p.split_once('-')?;
            let (a, b) = (minute(a)?, minute(b)?);
            (a < b).then_some((a, b))
        })
        .collect();
    out.sort_unstable();
    out
}

/// The working calendar as configured (the week and the dated exceptions).
pub async fn calendar(db: &impl ConnectionTrait) -> AppResult<WorkCalendar> {
    let mut c = WorkCalendar::standard();
    let q = Query::select()
        .columns([Alias::new("weekday"), Alias::new("periods")])
        .from(Alias::new("work_week"))
        .to_owned();
    for row in db.query_all(&q).await? {
        let (day, periods): (i32, String) = (row.try_get("", "weekday")?, row.try_get("", "periods")?);
        match day {
            0 => c.workday = parse_periods(&periods),
            1..=7 => c.week[(day - 1) as usize] = parse_periods(&periods),
            _ => {}
        }
    }
    let q =
        Query::select().columns([Alias::new("day"), Alias::new("kind")]).from(Alias::new("calendar_day")).to_owned();
    let rows: Vec<(String, String)> = db
        .query_all(&q)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "day")?, r.try_get("", "kind")?)))
        .collect::<Result<_, sea_orm::DbErr>>()?;
    Ok(c.with_days(rows.iter().map(|(d, k)| (d.as_str(), k.as_str()))))
}

/// The active policy of member requests of this type and priority.
pub async fn policy(db: &impl ConnectionTrait, kind: RequestType, priority: Priority) -> AppResult<Option<Policy>> {
    let q = Query::select()
        .columns([Alias::new("dept_feedback_hours"), Alias::new("resolve_hours"), Alias::new("warn_before_hours")])
        .from(Alias::new("sla_policy"))
        .and_where(Expr::col(Alias::new("request_kind")).eq(KIND))
        .and_where(Expr::col(Alias::new("request_type")).eq(kind.code()))
        .and_where(Expr::col(Alias::new("priority")).eq(priority.code()))
        .and_where(Expr::col(Alias::new("is_active")).eq(true))
        .to_owned();
    let Some(row) = db.query_one(&q).await? else { return Ok(None) };
    let hours = |c: &str| -> Result<i64, sea_orm::DbErr> { Ok(i64::from(row.try_get::<i32>("", c)?)) };
    Ok(Some(Policy {
        dept_feedback_hours: hours("dept_feedback_hours")?,
        resolve_hours: hours("resolve_hours")?,
        warn_before_hours: hours("warn_before_hours")?,
    }))
}

/// The clocks of a request: (resolution, department feedback) for its policy and calendar.
pub struct Clocks {
    pub calendar: WorkCalendar,
    pub policy: Option<Policy>,
}

impl Clocks {
    pub async fn load(db: &impl ConnectionTrait, kind: RequestType, priority: Priority) -> AppResult<Self> {
        Ok(Self { calendar: calendar(db).await?, policy: policy(db, kind, priority).await? })
    }

    /// The resolution clock started at `accepted`.
    pub fn resolve(&self, accepted: DateTime<Utc>) -> Due {
        self.policy.map(|p| Due::of(&self.calendar, accepted, p.resolve_hours, p.warn_before_hours)).unwrap_or_default()
    }

    /// The department's clock started at `routed`.
    pub fn feedback(&self, routed: DateTime<Utc>) -> Due {
        self.policy
            .map(|p| {
                Due::of(
                    &self.calendar,
                    routed,
                    p.dept_feedback_hours,
                    std::cmp::min(p.warn_before_hours, p.dept_feedback_hours / 2),
                )
            })
            .unwrap_or_default()
    }
}

/// The states whose clocks run.
fn open_states() -> [&'static str; 4] {
    [
        RequestState::CsProcessing,
        RequestState::DeptPending,
        RequestState::DeptProcessing,
        RequestState::FeedbackReceived,
    ]
    .map(|s| s.code())
}

/// A request whose SLA state a sweep changed, as its messages name it.
#[derive(Debug, sea_orm::FromQueryResult)]
struct Changed {
    id: i64,
    request_no: String,
    agent_id: i64,
    accepting_org_id: i64,
    handling_org_id: Option<i64>,
    state: String,
    sla_due_at: Option<DateTime<Utc>>,
    feedback_due_at: Option<DateTime<Utc>>,
}

/// What a sweep changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub due_soon: u64,
    pub overdue: u64,
}

/// Marks the open requests whose warning or deadline has come at `now` and tells the agent,
/// the accepting organisation's supervisors and — for a department's late feedback — the
/// department. The messages go out in multi-row inserts; each organisation's staff is read once.
pub async fn sweep(db: &impl ConnectionTrait, now: DateTime<Utc>) -> AppResult<Swept> {
    let mut swept = Swept::default();
    let mut staff: HashMap<(bool, i64), Vec<i64>> = HashMap::new();
    let mut messages = vec![];
    for (to, times) in
        [(SlaState::Overdue, [R::SlaDueAt, R::FeedbackDueAt]), (SlaState::DueSoon, [R::SlaWarnAt, R::FeedbackWarnAt])]
    {
        let came = Condition::any().add(times[0].lte(now)).add(times[1].lte(now));
        let from: &[&str] = if to == SlaState::Overdue { &["on_time", "due_soon"] } else { &["on_time"] };
        // Only what the messages need comes back: 100k whole rows (their content included)
        // cost more to decode than to update.
        let mut update = Query::update();
        update
            .table(service_request::Entity)
            .value(R::SlaState, to.code())
            .cond_where(
                Condition::all()
                    .add(R::State.is_in(open_states()))
                    .add(R::SlaState.is_in(from.iter().copied()))
                    .add(came),
            )
            .returning(Query::returning().columns([
                R::Id,
                R::RequestNo,
                R::AgentId,
                R::AcceptingOrgId,
                R::HandlingOrgId,
                R::State,
                R::SlaDueAt,
                R::FeedbackDueAt,
            ]));
        let changed = Changed::find_by_statement(db.get_database_backend().build(&update)).all(db).await?;
        let n = changed.len() as u64;
        if to == SlaState::Overdue {
            swept.overdue = n;
        } else {
            swept.due_soon = n;
        }
        for r in changed {
            let mut who = vec![r.agent_id];
            if to == SlaState::Overdue {
                who.extend(staff_of(db, &mut staff, true, r.accepting_org_id).await?);
            }
            if let (Some(org), true) =
                (r.handling_org_id, RequestState::parse(&r.state).is_some_and(RequestState::with_department))
            {
                who.extend(staff_of(db, &mut staff, false, org).await?);
            }
            let zh = if to == SlaState::Overdue { "已超时" } else { "即将超时" };
            let when = r.sla_due_at.or(r.feedback_due_at);
            let msg = Message {
                kind: NotificationKind::SlaWarning,
                title: format!("诉求 {} {zh}", r.request_no),
                body: when.map(|t| format!("处理期限 {}", crate::ui::fmt_time(&t))).unwrap_or_default(),
                link: &format!("/requests/{}", r.id),
            };
            messages.extend(rows_of(&who, None, &msg));
        }
    }
    insert_all(db, messages).await?;
    Ok(swept)
}

/// The supervisors (`true`: those who may void requests) or all staff of organisation `org`,
/// read once per sweep.
async fn staff_of(
    db: &impl ConnectionTrait,
    cache: &mut HashMap<(bool, i64), Vec<i64>>,
    supervisors: bool,
    org: i64,
) -> AppResult<Vec<i64>> {
    if let Some(ids) = cache.get(&(supervisors, org)) {
        return Ok(ids.clone());
    }
    let ids = if supervisors {
        crate::notify::service::holders(db, Perm::IntakeVoidRequest, Some(org)).await?
    } else {
        crate::notify::service::accounts_of_org(db, org).await?
    };
    cache.insert((supervisors, org), ids.clone());
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_refuse_nonsense() {
        assert_eq!(parse_periods("09:00-18:00"), vec![(540, 1080)]);
        assert_eq!(parse_periods("13:30-18:00, 09:00-12:00"), vec![(540, 720), (810, 1080)]);
        assert_eq!(parse_periods(""), Vec::<(u32, u32)>::new());
        assert_eq!(parse_periods("18:00-09:00,25:00-26:00,9-10,aa"), Vec::<(u32, u32)>::new());
        assert_eq!(parse_periods("00:00-24:00"), vec![(0, 1440)]);
    }

    #[test]
    fn the_state_follows_the_nearer_clock() {
        let t = |h: i64| DateTime::<Utc>::from_timestamp(h * 3600, 0).unwrap();
        let resolve = Due { due: Some(t(48)), warn: Some(t(40)) };
        let feedback = Due { due: Some(t(24)), warn: Some(t(16)) };
        assert_eq!(state_at(t(10), resolve, feedback), SlaState::OnTime);
        assert_eq!(state_at(t(16), resolve, feedback), SlaState::DueSoon);
        assert_eq!(state_at(t(24), resolve, feedback), SlaState::Overdue);
        assert_eq!(state_at(t(30), resolve, Due::default()), SlaState::OnTime);
        assert_eq!(state_at(t(41), resolve, Due::default()), SlaState::DueSoon);
        assert_eq!(state_at(t(100), Due::default(), Due::default()), SlaState::OnTime);
    }
}
