//! R-2 会员诉求统计表 (views 诉求量 and 诉求类型) and R-6 代表处诉求类别统计表. Each counts
//! through the conditions of the list its cells link to (诉求列表's, 代表处需求处理's), so a
//! cell and the list behind it agree by construction.
use sea_orm::sea_query::{Expr, ExprTrait, Func, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use super::frame::{Drill, Frame, Key, Rows, Tally, add_all, col, count, dates, plain};
use super::{Column, NON_MEMBER, Report, ReportKind, ResultFilter, Value, list};
use crate::auth::Perm;
use crate::error::AppResult;
use crate::members::enums::{CustomerType, MemberLevel};
use crate::requests::entity::service_request;
use crate::requests::rep::entity::rep_office_request;
use crate::requests::rep::{RepFilter, RepState};
use crate::requests::{HandlingDept, HandlingStatus, RequestFilter, RequestState, RequestType};
use crate::ui::list::UrlFilter;

const STATUSES: [HandlingStatus; 3] =
    [HandlingStatus::Unprocessed, HandlingStatus::Processing, HandlingStatus::Processed];
const TYPES: [RequestType; 2] = [RequestType::Consultation, RequestType::Complaint];

/// Seconds from `from` to `to` (two timestamp columns) as a float, on either database.
pub fn seconds_between(backend: DbBackend, from: &str, to: &str) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust(format!("CAST(EXTRACT(EPOCH FROM ({to} - {from})) AS DOUBLE PRECISION)")),
        _ => Expr::cust(format!("((julianday({to}) - julianday({from})) * 86400.0)")),
    }
}

fn position<T: PartialEq>(all: &[T], v: &T) -> Option<usize> {
    all.iter().position(|x| x == v)
}

/// What R-2 counts per row.
#[derive(Debug, Clone, Default)]
struct Req {
    /// The six levels, then 非会员.
    levels: [i64; 7],
    total: i64,
    processed: i64,
    complaints: i64,
    /// Completed requests with their handling time.
    done: i64,
    seconds: f64,
    /// 诉求类型 × 解决状态.
    types: [[i64; 3]; 2],
    depts: [i64; 5],
}

impl Tally for Req {
    fn add(&mut self, o: &Self) {
        add_all(&mut self.levels, &o.levels);
        self.total += o.total;
        self.processed += o.processed;
        self.complaints += o.complaints;
        self.done += o.done;
        self.seconds += o.seconds;
        for (a, b) in self.types.iter_mut().zip(&o.types) {
            add_all(a, b);
        }
        add_all(&mut self.depts, &o.depts);
    }
}

/// The 诉求列表 filter of the report's criteria over `period` for row `key` (before a
/// column's own value); `None` when the list cannot show exactly those requests.
fn request_list(frame: &Frame<'_, impl ConnectionTrait>, d: &Drill) -> Option<RequestFilter> {
    let f = frame.f;
    if !frame.user.has(Perm::IntakeMemberRequest) {
        return None;
    }
    let (from, to) = dates(d.period);
    let mut l = RequestFilter { tab: "all".into(), from, to, ..Default::default() };
    l.org = match (d.key.org, f.org_ids().as_slice()) {
        (Some(o), _) => Some(o),
        (None, []) => None,
        (None, [one]) => Some(*one),
        _ => return None,
    };
    l.request_type = f.request_type.clone();
    l.handling_status = f.handling_status.clone();
    match ResultFilter::parse(&f.result) {
        Some(ResultFilter::Incomplete) => return None,
        Some(ResultFilter::Completed) => {
            if !l.handling_status.is_empty() && l.handling_status != HandlingStatus::Processed.code() {
                return None;
            }
            l.handling_status = HandlingStatus::Processed.code().into();
        }
        None => {}
    }
    let levels = list(&f.levels);
    match levels.as_slice() {
        [] => {}
        [NON_MEMBER] => l.customer_type = CustomerType::NonMember.code().into(),
        [one] => l.level = (*one).to_string(),
        _ => return None,
    }
    Some(l)
}

/// `l` narrowed to `field = value`; `None` when the report's criteria already hold another
/// value there (the cell is then 0 and there is nothing to list).
fn narrowed(mut l: RequestFilter, set: &[(&str, &str)]) -> Option<String> {
    for (field, value) in set {
        let slot = match *field {
            "level" => &mut l.level,
            "ctype" => &mut l.customer_type,
            "hstatus" => &mut l.handling_status,
            "type" => &mut l.request_type,
            _ => &mut l.handling_dept,
        };
        if !slot.is_empty() && slot != value {
            return None;
        }
        *slot = (*value).to_string();
    }
    // A level is a member's: 非会员 and a level never meet.
    if !l.level.is_empty() && l.customer_type == CustomerType::NonMember.code() {
        return None;
    }
    Some(format!("/requests?{}", l.to_query()))
}

/// R-2's conditions beyond the list's: not voided, and the criteria a single list filter
/// cannot hold (several organisations or levels, 未完成).
fn request_statement(frame: &Frame<'_, impl ConnectionTrait>, from: &str, to: &str) -> AppResult<SelectStatement> {
    use service_request::Column as R;
    let f = frame.f;
    let backend = frame.backend();
    let mut base = RequestFilter {
        tab: "all".into(),
        from: from.into(),
        to: to.into(),
        request_type: f.request_type.clone(),
        handling_status: f.handling_status.clone(),
        ..Default::default()
    };
    if ResultFilter::parse(&f.result) == Some(ResultFilter::Completed) {
        base.state = RequestState::Completed.code().into();
    }
    let (rows, scope, _) = crate::requests::lists::filtered(backend, frame.user, &base)?;
    let mut q = service_request::Entity::find()
        .select_only()
        .filter(rows)
        .filter(scope)
        .filter(R::State.ne(RequestState::Voided.code()));
    if ResultFilter::parse(&f.result) == Some(ResultFilter::Incomplete) {
        q = q.filter(R::State.ne(RequestState::Completed.code()));
    }
    let orgs = f.org_ids();
    if !orgs.is_empty() {
        q = q.filter(R::AcceptingOrgId.is_in(orgs));
    }
    let levels = list(&f.levels);
    if !levels.is_empty() {
        let mut any = sea_orm::Condition::any();
        let paid: Vec<&str> = levels.iter().copied().filter(|l| *l != NON_MEMBER).collect();
        if !paid.is_empty() {
            any = any.add(
                sea_orm::Condition::all()
                    .add(R::CustomerType.eq(CustomerType::Member.code()))
                    .add(R::MemberLevelSnapshot.is_in(paid)),
            );
        }
        if levels.contains(&NON_MEMBER) {
            any = any.add(R::CustomerType.eq(CustomerType::NonMember.code()));
        }
        q = q.filter(any);
    }
    let secs = seconds_between(backend, "accepted_at", "completed_at");
    let done = Expr::col(R::State).eq(RequestState::Completed.code()).and(Expr::col(R::CompletedAt).is_not_null());
    Ok(q.column(R::AcceptingOrgId)
        .column(R::CustomerType)
        .column(R::MemberLevelSnapshot)
        .column(R::State)
        .column(R::RequestType)
        .column(R::HandlingDept)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .column_as(Expr::from(Func::sum(Expr::case(done.clone(), secs).finally(Expr::val(0.0f64)))), "secs")
        .column_as(Expr::from(Func::count(Expr::case(done, 1i64))), "done")
        .group_by(R::AcceptingOrgId)
        .group_by(R::CustomerType)
        .group_by(R::MemberLevelSnapshot)
        .group_by(R::State)
        .group_by(R::RequestType)
        .group_by(R::HandlingDept)
        .into_query())
}

/// One period of R-2, per accepting organisation.
async fn request_tally(
    frame: &Frame<'_, impl ConnectionTrait>,
    from: String,
    to: String,
) -> AppResult<Vec<(Key, Req)>> {
    let q = request_statement(frame, &from, &to)?;
    let mut out = vec![];
    for row in frame.db.query_all(&q).await? {
        let org: i64 = row.try_get("", "accepting_org_id")?;
        let ctype: String = row.try_get("", "customer_type")?;
        let level: Option<String> = row.try_get("", "member_level_snapshot")?;
        let state = RequestState::parse(&row.try_get::<String>("", "state")?);
        let kind = RequestType::parse(&row.try_get::<String>("", "request_type")?);
        let dept = HandlingDept::parse(&row.try_get::<String>("", "handling_dept")?);
        let n: i64 = row.try_get("", "n")?;
        let mut t = Req { total: n, ..Default::default() };
        let slot = if CustomerType::parse(&ctype) == Some(CustomerType::NonMember) {
            Some(6)
        } else {
            level.as_deref().and_then(MemberLevel::parse).and_then(|l| position(MemberLevel::ALL, &l))
        };
        if let Some(i) = slot {
            t.levels[i] = n;
        }
        let status = state.and_then(|s| s.handling_status());
        if status == Some(HandlingStatus::Processed) {
            t.processed = n;
        }
        if kind == Some(RequestType::Complaint) {
            t.complaints = n;
        }
        if let (Some(k), Some(s)) =
            (kind.and_then(|k| position(&TYPES, &k)), status.and_then(|s| position(&STATUSES, &s)))
        {
            t.types[k][s] = n;
        }
        if let Some(d) = dept.and_then(|d| position(HandlingDept::ALL, &d)) {
            t.depts[d] = n;
        }
        t.done = row.try_get::<Option<i64>>("", "done")?.unwrap_or(0);
        t.seconds = row.try_get::<Option<f64>>("", "secs")?.unwrap_or(0.0);
        out.push((Key { org: Some(org), level: None }, t));
    }
    Ok(out)
}

/// R-2 in either view.
pub async fn requests(frame: &Frame<'_, impl ConnectionTrait>) -> AppResult<Report> {
    let volume = frame.kind == ReportKind::RequestVolume;
    let mut columns: Vec<Column> = vec![];
    if volume {
        let lv = Some(("会员级别", "Member level"));
        columns.extend(MemberLevel::ALL.iter().map(|l| col(l.zh(), l.en(), lv, true)));
        columns.push(col("非会员", "Non-member", lv, true));
        columns.push(col("合计", "Total", None, false));
        columns.push(col("已处理数", "Processed", None, false));
        columns.push(col("处理率", "Processed share", None, false));
        columns.push(col("平均处理时长(小时)", "Avg. handling (h)", None, false));
        columns.push(col("投诉占比", "Complaint share", None, false));
    } else {
        for t in TYPES {
            for s in STATUSES {
                columns.push(col(s.zh(), s.en(), Some((t.zh(), t.en())), true));
            }
        }
        let dept = Some(("处理部门", "Handling department"));
        columns.extend(HandlingDept::ALL.iter().map(|d| col(d.zh(), d.en(), dept, false)));
        columns.push(col("合计", "Total", None, false));
    }
    let cells = |t: &Req, d: &Drill| {
        let base = request_list(frame, d);
        let link = |set: &[(&str, &str)]| base.clone().and_then(|l| narrowed(l, set));
        let mut cells = vec![];
        if volume {
            for (i, l) in MemberLevel::ALL.iter().enumerate() {
                cells.push(count(t.levels[i], link(&[("ctype", CustomerType::Member.code()), ("level", l.code())])));
            }
            cells.push(count(t.levels[6], link(&[("ctype", CustomerType::NonMember.code())])));
            cells.push(count(t.total, link(&[])));
            cells.push(count(t.processed, link(&[("hstatus", HandlingStatus::Processed.code())])));
            cells.push(plain(Value::rate(t.processed, t.total)));
            cells.push(plain(Value::hours(t.seconds, t.done)));
            cells.push(plain(Value::rate(t.complaints, t.total)));
        } else {
            for (k, kind) in TYPES.iter().enumerate() {
                for (s, status) in STATUSES.iter().enumerate() {
                    cells.push(count(t.types[k][s], link(&[("type", kind.code()), ("hstatus", status.code())])));
                }
            }
            for (i, dept) in HandlingDept::ALL.iter().enumerate() {
                cells.push(count(t.depts[i], link(&[("dept", dept.code())])));
            }
            cells.push(count(t.total, link(&[])));
        }
        cells
    };
    frame.assemble(Rows::Orgs { by_level: false }, columns, |from, to, _| request_tally(frame, from, to), cells).await
}

/// What R-6 counts per rep office.
#[derive(Debug, Clone, Default)]
struct Need {
    /// 咨询 / 投诉 / 未分类 × 解决状态.
    types: [[i64; 3]; 3],
    depts: [i64; 5],
    total: i64,
    done: i64,
    seconds: f64,
}

impl Tally for Need {
    fn add(&mut self, o: &Self) {
        for (a, b) in self.types.iter_mut().zip(&o.types) {
            add_all(a, b);
        }
        add_all(&mut self.depts, &o.depts);
        self.total += o.total;
        self.done += o.done;
        self.seconds += o.seconds;
    }
}

/// The 代表处需求 list (HQ's queue, all tabs; or the office's own list) of the criteria over
/// the drilled period and office.
fn need_list(frame: &Frame<'_, impl ConnectionTrait>, d: &Drill) -> Option<(String, RepFilter)> {
    let user = frame.user;
    let page = if user.has(Perm::IntakeRepNeedProcess) && crate::requests::rep::query::is_hq(user) {
        "/rep-needs/queue"
    } else if user.has(Perm::IntakeRepNeedSubmit) {
        "/rep-needs"
    } else {
        return None;
    };
    let (from, to) = dates(d.period);
    let org = match (d.key.org, frame.f.org_ids().len()) {
        (Some(o), _) => Some(o),
        (None, 0) => None,
        (None, 1) => frame.single_org(),
        _ => return None,
    };
    let tab = if page == "/rep-needs/queue" { "all" } else { "" };
    Some((
        page.into(),
        RepFilter {
            tab: tab.into(),
            from,
            to,
            org,
            request_type: frame.f.request_type.clone(),
            handling_status: frame.f.handling_status.clone(),
            ..Default::default()
        },
    ))
}

pub async fn rep_needs(frame: &Frame<'_, impl ConnectionTrait>) -> AppResult<Report> {
    let kinds: [(&str, &str, &str); 3] = [
        (RequestType::Consultation.code(), "咨询", "Consultation"),
        (RequestType::Complaint.code(), "投诉", "Complaint"),
        (crate::requests::rep::UNCLASSIFIED, "未分类", "Unclassified"),
    ];
    let mut columns = vec![];
    for (_, zh, en) in kinds {
        for s in STATUSES {
            columns.push(col(s.zh(), s.en(), Some((zh, en)), true));
        }
    }
    let dept = Some(("处理部门", "Handling department"));
    columns.extend(HandlingDept::ALL.iter().map(|d| col(d.zh(), d.en(), dept, false)));
    columns.push(col("合计", "Total", None, false));
    columns.push(col("平均处理时长(小时)", "Avg. time to answer (h)", None, false));
    let cells = |t: &Need, d: &Drill| {
        let base = need_list(frame, d);
        let link = |set: &[(&str, &str)]| {
            let (page, mut l) = base.clone()?;
            for (field, value) in set {
                let slot = if *field == "type" {
                    &mut l.request_type
                } else if *field == "hstatus" {
                    &mut l.handling_status
                } else {
                    &mut l.handling_dept
                };
                if !slot.is_empty() && slot != value {
                    return None;
                }
                *slot = (*value).to_string();
            }
            Some(format!("{page}?{}", l.to_query()))
        };
        let mut cells = vec![];
        for (k, (code, _, _)) in kinds.iter().enumerate() {
            for (s, status) in STATUSES.iter().enumerate() {
                cells.push(count(t.types[k][s], link(&[("type", code), ("hstatus", status.code())])));
            }
        }
        for (i, dept) in HandlingDept::ALL.iter().enumerate() {
            cells.push(count(t.depts[i], link(&[("dept", dept.code())])));
        }
        cells.push(count(t.total, link(&[])));
        cells.push(plain(Value::hours(t.seconds, t.done)));
        cells
    };
    frame.assemble(Rows::Orgs { by_level: false }, columns, |from, to, _| need_tally(frame, from, to), cells).await
}

async fn need_tally(frame: &Frame<'_, impl ConnectionTrait>, from: String, to: String) -> AppResult<Vec<(Key, Need)>> {
    use rep_office_request::Column as N;
    let f = frame.f;
    let base = RepFilter {
        from,
        to,
        request_type: f.request_type.clone(),
        handling_status: f.handling_status.clone(),
        ..Default::default()
    };
    let mut q = rep_office_request::Entity::find()
        .select_only()
        .filter(crate::requests::rep::query::filter_condition(frame.backend(), &base))
        .filter(crate::requests::rep::query::visible(frame.user));
    let orgs = f.org_ids();
    if !orgs.is_empty() {
        q = q.filter(N::OrganizationId.is_in(orgs));
    }
    let done = Expr::col(N::State).eq(RepState::Completed.code()).and(Expr::col(N::CompletedAt).is_not_null());
    let secs = seconds_between(frame.backend(), "accepted_at", "completed_at");
    let stmt = q
        .column(N::OrganizationId)
        .column(N::RequestType)
        .column(N::State)
        .column(N::HandlingDept)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .column_as(Expr::from(Func::sum(Expr::case(done.clone(), secs).finally(Expr::val(0.0f64)))), "secs")
        .column_as(Expr::from(Func::count(Expr::case(done, 1i64))), "done")
        .group_by(N::OrganizationId)
        .group_by(N::RequestType)
        .group_by(N::State)
        .group_by(N::HandlingDept)
        .into_query();
    let mut out = vec![];
    for row in frame.db.query_all(&stmt).await? {
        let org: i64 = row.try_get("", "organization_id")?;
        let kind: Option<String> = row.try_get("", "request_type")?;
        let state = RepState::parse(&row.try_get::<String>("", "state")?);
        let dept: Option<String> = row.try_get("", "handling_dept")?;
        let n: i64 = row.try_get("", "n")?;
        let mut t = Need { total: n, ..Default::default() };
        let k = match kind.as_deref().and_then(RequestType::parse) {
            Some(RequestType::Consultation) => 0,
            Some(RequestType::Complaint) => 1,
            None => 2,
        };
        if let Some(s) = state.and_then(|s| s.handling_status()).and_then(|s| position(&STATUSES, &s)) {
            t.types[k][s] = n;
        }
        if let Some(d) = dept.as_deref().and_then(HandlingDept::parse).and_then(|d| position(HandlingDept::ALL, &d)) {
            t.depts[d] = n;
        }
        t.done = row.try_get::<Option<i64>>("", "done")?.unwrap_or(0);
        t.seconds = row.try_get::<Option<f64>>("", "secs")?.unwrap_or(0.0);
        out.push((Key { org: Some(org), level: None }, t));
    }
    Ok(out)
}
