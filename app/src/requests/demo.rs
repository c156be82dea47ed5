//! Requests for generated data: every consultation or complaint service record the member
//! generator wrote (`source_kind = 'legacy'`) becomes the member request it records, with its
//! steps — routed to a business department about one time in five, with that department's
//! accept and feedback — and the record then points at it (`member_request`) with a 服务结果
//! that follows the request's state. Older requests are closed; those of the last week are
//! spread over the open states with their deadlines. Deterministic: same data, same requests.
//! Used by the first run's demo data and by `cargo xtask seed` (2M requests over 1M members).
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, Value};

use super::query::KIND;
use super::sla::{Clocks, Due, state_at};
use super::{Channel, HandlingDept, Priority, RequestState, RequestType, StepType};
use crate::auth::entity::{account, organization};
use crate::auth::{AccountStatus, OrgType};
use crate::error::{AppError, AppResult};
use crate::members::bulk::{Rows, max_id, sync_sequence};
use crate::members::enums::ServiceResult;

const REQUEST_COLS: [&str; 43] = [
    "id",
    "request_no",
    "customer_id",
    "customer_type",
    "caller_name",
    "caller_text",
    "caller_grams",
    "company_name",
    "registered_email",
    "login_name",
    "contact_mobile",
    "contact_phone",
    "member_level_snapshot",
    "customer_org_snapshot_id",
    "channel",
    "accepting_dept",
    "accepting_org_id",
    "agent_id",
    "request_type",
    "content",
    "handling_dept",
    "handling_org_id",
    "result",
    "state",
    "priority",
    "accepted_at",
    "routed_at",
    "routed_by",
    "dept_accepted_at",
    "feedback_at",
    "completed_at",
    "completed_by",
    "qa_status",
    "qa_result",
    "service_record_id",
    "version",
    "created_by",
    "created_at",
    "updated_by",
    "updated_at",
    "sla_due_at",
    "feedback_due_at",
    "sla_state",
];

const STEP_COLS: [&str; 11] = [
    "request_kind",
    "request_id",
    "step_type",
    "from_state",
    "to_state",
    "to_dept",
    "to_org_id",
    "actor_id",
    "actor_org_id",
    "note",
    "created_at",
];

const FEEDBACK_COLS: [&str; 7] = [
    "request_kind",
    "request_id",
    "department",
    "department_org_id",
    "handler_id",
    "process_and_result",
    "feedback_at",
];

const REPLIES: &[&str] = &[
    "已电话答复会员,会员表示满意",
    "已按会员要求处理完毕并电话告知",
    "已解释平台规则,会员认可",
    "已协调相关部门处理,会员确认问题解决",
    "已通过邮件发送操作说明",
];

const FEEDBACKS: &[&str] = &[
    "已排查并修复页面问题,请会员清除缓存后重试",
    "已核实并更正会员的资料",
    "已调整展位信息,请告知会员",
    "已补发推广资源,请会员查收",
];

/// The business departments requests go to, each with the accounts that work them.
struct Departments(Vec<(i64, HandlingDept, Vec<i64>)>);

impl Departments {
    async fn load(db: &impl ConnectionTrait) -> AppResult<Self> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let orgs = organization::Entity::find()
            .filter(organization::Column::OrgType.eq(OrgType::Department.code()))
            .filter(organization::Column::IsActive.eq(true))
            .all(db)
            .await?;
        let mut out = vec![];
        for o in orgs {
            let Some(dept) = o.department_kind().and_then(HandlingDept::of_kind) else { continue };
            let staff: Vec<i64> = account::Entity::find()
                .filter(account::Column::OrganizationId.eq(o.id))
                .filter(account::Column::Status.eq(AccountStatus::Active.code()))
                .all(db)
                .await?
                .into_iter()
                .map(|a| a.id)
                .collect();
            if !staff.is_empty() {
                out.push((o.id, dept, staff));
            }
        }
        Ok(Self(out))
    }
}

/// One service record to turn into a request, with its member's contact data.
struct Source {
    id: i64,
    customer_id: i64,
    kind: RequestType,
    accepting_dept: String,
    org: i64,
    agent: i64,
    at: DateTime<Utc>,
    summary: String,
    level: Option<String>,
    customer_org: i64,
    qa: (Option<String>, Option<String>),
    customer: [Option<String>; 6],
}

impl Source {
    fn read(row: &sea_orm::QueryResult) -> AppResult<Self> {
        let s = |c: &str| row.try_get::<Option<String>>("", c);
        Ok(Self {
            id: row.try_get("", "id")?,
            customer_id: row.try_get("", "customer_id")?,
            kind: RequestType::parse(&row.try_get::<String>("", "service_type")?).unwrap_or(RequestType::Consultation),
            accepting_dept: row.try_get("", "service_dept")?,
            org: row.try_get("", "organization_id")?,
            agent: row.try_get("", "agent_id")?,
            at: row.try_get("", "service_at")?,
            summary: s("summary")?.unwrap_or_default(),
            level: s("member_level_snapshot")?,
            customer_org: row.try_get("", "customer_org_snapshot_id")?,
            qa: (s("qa_status")?, s("qa_result")?),
            customer: [
                s("customer_type")?,
                s("contact_name")?,
                s("company_name")?,
                s("registered_email")?,
                s("login_name")?,
                s("phone_mobile")?,
            ],
        })
    }
}

/// What became of a request.
struct Fate {
    state: RequestState,
    /// (department org, kind, the account that accepted and answered) if it was routed.
    routed: Option<(i64, HandlingDept, i64)>,
    accepted: bool,
    answered: bool,
}

fn fate(rng: &mut StdRng, depts: &Departments, age: Duration) -> Fate {
    let routed = (!depts.0.is_empty() && rng.random_range(0..100) < 20).then(|| {
        let (org, dept, staff) = &depts.0[rng.random_range(0..depts.0.len())];
        (*org, *dept, staff[rng.random_range(0..staff.len())])
    });
    let recent = age < Duration::days(7);
    let (state, accepted, answered) = match (routed.is_some(), recent, rng.random_range(0..100)) {
        (_, false, _) | (_, true, 0..40) => (RequestState::Completed, true, true),
        (false, true, _) => (RequestState::CsProcessing, false, false),
        (true, true, 40..60) => (RequestState::DeptPending, false, false),
        (true, true, 60..80) => (RequestState::DeptProcessing, true, false),
        (true, true, _) => (RequestState::FeedbackReceived, true, true),
    };
    Fate { state, routed, accepted, answered }
}

/// Turns the legacy consultation and complaint records into requests; returns how many.
/// `progress` hears the records done so far.
pub async fn from_records(db: &DatabaseConnection, seed: u64, mut progress: impl FnMut(u64)) -> AppResult<u64> {
    let depts = Departments::load(db).await?;
    let offset = max_id(db, "service_request").await?;
    let now = Utc::now();
    let mut clocks: HashMap<(RequestType, Priority), Clocks> = HashMap::new();
    for kind in RequestType::ALL {
        for priority in Priority::ALL {
            clocks.insert((*kind, *priority), Clocks::load(db, *kind, *priority).await?);
        }
    }
    let mut numbers = day_numbers(db).await?;
    let backend = db.get_database_backend();
    let mut last = 0i64;
    let mut done = 0u64;
    loop {
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                "SELECT r.id, r.customer_id, r.service_type, r.service_dept, r.organization_id, r.agent_id, \
                 r.service_at, r.summary, r.member_level_snapshot, r.customer_org_snapshot_id, r.qa_status, \
                 r.qa_result, c.customer_type, c.contact_name, c.company_name, c.registered_email, c.login_name, \
                 c.phone_mobile FROM service_record r JOIN customer c ON c.id = r.customer_id \
                 WHERE r.id > $1 AND r.source_kind = 'legacy' AND r.service_type IN ('consultation', 'complaint') \
                 ORDER BY r.id LIMIT 5000",
                [last.into()],
            ))
            .await?;
        if rows.is_empty() {
            break;
        }
        let sources = rows.iter().map(Source::read).collect::<AppResult<Vec<_>>>()?;
        last = sources.last().map(|s| s.id).unwrap_or(last);
        let mut requests = Rows::new("service_request", &REQUEST_COLS);
        let mut steps = Rows::new("request_step", &STEP_COLS);
        let mut feedbacks = Rows::new("dept_feedback", &FEEDBACK_COLS);
        let (mut closed, mut open) = (vec![], vec![]);
        for s in &sources {
            let mut rng = StdRng::seed_from_u64(seed ^ (s.id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let id = s.id + offset;
            let f = fate(&mut rng, &depts, now - s.at);
            let priority = match (s.kind, rng.random_range(0..10)) {
                (RequestType::Complaint, 0..6) => Priority::High,
                (_, 0) => Priority::Urgent,
                (RequestType::Consultation, 8..) => Priority::Low,
                _ => Priority::Normal,
            };
            let channel = if rng.random_range(0..100) < 85 { Channel::Phone } else { Channel::Email };
            let day = crate::cst::local(&s.at).format("%Y%m%d").to_string();
            let n = numbers.entry(day.clone()).or_insert(0);
            *n += 1;
            let no = format!("SQ{day}{n:04}");
            // The times of the steps, minutes apart.
            let t = |m: i64| s.at + Duration::minutes(m);
            let routed_at = f.routed.map(|_| t(rng.random_range(1..30)));
            let accepted_at = (f.accepted && f.routed.is_some()).then(|| t(rng.random_range(30..240)));
            let feedback_at = (f.answered && f.routed.is_some()).then(|| t(rng.random_range(240..2880)));
            let completed_at = (f.state == RequestState::Completed).then(|| t(rng.random_range(2880..4320)));
            let result = (f.state == RequestState::Completed).then(|| REPLIES[rng.random_range(0..REPLIES.len())]);
            let feedback = FEEDBACKS[rng.random_range(0..FEEDBACKS.len())];
            let c = &clocks[&(s.kind, priority)];
            let resolve = if f.state.is_closed() { Due::default() } else { c.resolve(s.at) };
            let dept_clock = match (f.state.with_department(), routed_at) {
                (true, Some(r)) => c.feedback(r),
                _ => Due::default(),
            };
            let sla = state_at(now, resolve, dept_clock);
            let handling = f.routed.map(|r| r.1).unwrap_or(HandlingDept::CsDept);
            let qa =
                if f.state == RequestState::Completed { s.qa.clone() } else { (Some("not_inspected".into()), None) };
            let [ctype, contact, company, email, login, mobile] = s.customer.clone();
            let (caller_text, caller_grams) = contact.as_deref().map(super::intake::caller_search).unwrap_or_default();
            let updated = completed_at.or(feedback_at).or(accepted_at).or(routed_at).unwrap_or(s.at);

            // The steps: intake (or route at intake), the department's, the completion.
            let mut version = 1;
            let mut step = |kind: StepType,
                            from: Option<RequestState>,
                            to: RequestState,
                            actor: (i64, i64),
                            at: DateTime<Utc>,
                            note: Option<&str>,
                            dept: Option<(HandlingDept, i64)>| {
                steps.push(vec![
                    KIND.into(),
                    id.into(),
                    kind.code().into(),
                    from.map(|s| s.code().to_string()).into(),
                    to.code().into(),
                    dept.map(|d| d.0.code().to_string()).into(),
                    dept.map(|d| d.1).into(),
                    actor.0.into(),
                    actor.1.into(),
                    note.map(str::to_string).into(),
                    at.into(),
                ]);
            };
            step(StepType::Intake, None, RequestState::CsProcessing, (s.agent, s.org), s.at, None, None);
            if let Some((org, dept, handler)) = f.routed {
                let at = routed_at.unwrap_or(s.at);
                let (from, to) = (RequestState::CsProcessing, RequestState::DeptPending);
                step(StepType::Route, Some(from), to, (s.agent, s.org), at, None, Some((dept, org)));
                if let Some(at) = accepted_at {
                    step(
                        StepType::Accept,
                        Some(RequestState::DeptPending),
                        RequestState::DeptProcessing,
                        (handler, org),
                        at,
                        None,
                        None,
                    );
                    version += 1;
                }
                if let Some(at) = feedback_at {
                    step(
                        StepType::Feedback,
                        Some(RequestState::DeptProcessing),
                        RequestState::FeedbackReceived,
                        (handler, org),
                        at,
                        Some(feedback),
                        None,
                    );
                    feedbacks.push(vec![
                        KIND.into(),
                        id.into(),
                        handling.code().into(),
                        org.into(),
                        handler.into(),
                        feedback.into(),
                        at.into(),
                    ]);
                    version += 1;
                }
            }
            if let Some(at) = completed_at {
                let from = if f.routed.is_some() { RequestState::FeedbackReceived } else { RequestState::CsProcessing };
                step(StepType::Complete, Some(from), RequestState::Completed, (s.agent, s.org), at, result, None);
                version += 1;
            }
            if f.state == RequestState::Completed {
                closed.push(s.id)
            } else {
                open.push(s.id)
            }

            let ts = |t: Option<DateTime<Utc>>| Value::from(t);
            requests.push(vec![
                id.into(),
                no.into(),
                s.customer_id.into(),
                ctype.unwrap_or_else(|| "member".into()).into(),
                contact.into(),
                caller_text.into(),
                caller_grams.into(),
                company.into(),
                email.into(),
                login.into(),
                mobile.into(),
                Option::<String>::None.into(),
                s.level.clone().into(),
                s.customer_org.into(),
                channel.code().into(),
                s.accepting_dept.clone().into(),
                s.org.into(),
                s.agent.into(),
                s.kind.code().into(),
                s.summary.clone().into(),
                handling.code().into(),
                f.routed.filter(|_| f.state.with_department()).map(|r| r.0).into(),
                result.map(str::to_string).into(),
                f.state.code().into(),
                priority.code().into(),
                s.at.into(),
                ts(routed_at),
                routed_at.map(|_| s.agent).into(),
                ts(accepted_at),
                ts(feedback_at),
                ts(completed_at),
                completed_at.map(|_| s.agent).into(),
                qa.0.unwrap_or_else(|| "not_inspected".into()).into(),
                qa.1.into(),
                s.id.into(),
                version.into(),
                s.agent.into(),
                s.at.into(),
                s.agent.into(),
                updated.into(),
                ts(resolve.due),
                ts(dept_clock.due),
                sla.code().into(),
            ]);
        }
        let txn = crate::db::write_txn(db).await?;
        requests.flush(&txn, None, &|_| {}).await?;
        steps.flush(&txn, None, &|_| {}).await?;
        feedbacks.flush(&txn, None, &|_| {}).await?;
        for (ids, result) in [(closed, ServiceResult::Completed), (open, ServiceResult::Incomplete)] {
            if ids.is_empty() {
                continue;
            }
            let mut q = Query::update();
            q.table(Alias::new("service_record"))
                .value(Alias::new("source_kind"), KIND)
                .value(Alias::new("source_id"), Expr::col(Alias::new("id")).add(offset))
                .value(Alias::new("service_result"), result.code())
                .and_where(Expr::col(Alias::new("id")).is_in(ids));
            if result == ServiceResult::Incomplete {
                q.value(Alias::new("qa_status"), "not_inspected")
                    .value(Alias::new("qa_result"), Option::<String>::None);
            }
            txn.execute(&q).await?;
        }
        txn.commit().await?;
        done += sources.len() as u64;
        progress(done);
    }
    sync_sequence(db, "service_request").await?;
    save_day_numbers(db, &numbers).await?;
    Ok(done)
}

/// The last request number of each day so far (the live intake continues from them).
async fn day_numbers(db: &impl ConnectionTrait) -> AppResult<HashMap<String, u32>> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT day, last FROM number_sequence WHERE prefix = 'SQ'",
        ))
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<String>("", "day")?, std::cmp::max(r.try_get::<i32>("", "last")?, 0) as u32)))
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(AppError::from)
}

async fn save_day_numbers(db: &impl ConnectionTrait, numbers: &HashMap<String, u32>) -> AppResult<()> {
    let mut rows = Rows::new("number_sequence", &["prefix", "day", "last"]);
    for (day, last) in numbers {
        rows.push(vec!["SQ".into(), day.clone().into(), (*last as i32).into()]);
    }
    let upsert =
        OnConflict::columns([Alias::new("prefix"), Alias::new("day")]).update_column(Alias::new("last")).to_owned();
    rows.flush(db, Some(&upsert), &|_| {}).await
}
