//! R-1 会员量统计表, R-4 会员发布信息统计表 and R-5 会员邮件推送统计表: counted through the
//! member query's own conditions (data scope, approved and not deleted customers) and the
//! conditions of the 会员发布信息查询 / 信息推送邮件查询 lists their cells link to.
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend};

use super::frame::{Drill, Frame, Key, PUSH_TARGET, Rows, Tally, add_all, col, count, dates, plain};
use super::{MemberMetric, PushSource, Report, Value, list};
use crate::auth::Perm;
use crate::error::AppResult;
use crate::members::conditions::{c, customer_condition};
use crate::members::enums::{CustomerType, INFO_STATUSES, INFO_TYPES, MemberLevel};
use crate::members::info_query::{InfoKind, base};
use crate::members::{InfoFilter, MemberFilter};
use crate::ui::list::UrlFilter;

fn p(col: &str) -> Expr {
    Expr::col((Alias::new("p"), Alias::new(col)))
}

fn level_slot(code: Option<&str>) -> Option<usize> {
    code.and_then(MemberLevel::parse).and_then(|l| MemberLevel::ALL.iter().position(|x| *x == l))
}

/// The organisation of a drilled row: the row's, else the filter's only one; `Err` when the
/// filter names several (no list holds them all).
fn drill_org(frame: &Frame<'_, impl ConnectionTrait>, d: &Drill) -> Result<Option<i64>, ()> {
    match (d.key.org, frame.f.org_ids().as_slice()) {
        (Some(o), _) => Ok(Some(o)),
        (None, []) => Ok(None),
        (None, [one]) => Ok(Some(*one)),
        _ => Err(()),
    }
}

/// Members per organisation and level.
#[derive(Debug, Clone, Default)]
struct Levels([i64; 6]);

impl Tally for Levels {
    fn add(&mut self, o: &Self) {
        add_all(&mut self.0, &o.0);
    }
}

/// The member-query filters of R-1's metric over the period: what a cell's link opens.
fn member_filter(metric: MemberMetric, from: &str, to: &str, level: Option<MemberLevel>) -> MemberFilter {
    let mut m = MemberFilter {
        customer_type: CustomerType::Member.code().into(),
        view: "members".into(),
        ..Default::default()
    };
    match metric {
        MemberMetric::Total => m.registered_to = to.into(),
        // A paid level is new when its service starts; 免费 when the member registers.
        MemberMetric::New if level == Some(MemberLevel::Free) => {
            m.registered_from = from.into();
            m.registered_to = to.into();
        }
        MemberMetric::New => {
            m.start_from = from.into();
            m.start_to = to.into();
        }
        MemberMetric::Expiring => {
            m.end_from = from.into();
            m.end_to = to.into();
        }
        MemberMetric::Active => {
            m.start_to = to.into();
            m.end_from = to.into();
        }
    }
    m
}

async fn member_tally(
    frame: &Frame<'_, impl ConnectionTrait>,
    from: String,
    to: String,
) -> AppResult<Vec<(Key, Levels)>> {
    let metric = frame.f.metric();
    let wanted = list(&frame.f.levels);
    let levels: Vec<MemberLevel> = MemberLevel::ALL
        .iter()
        .copied()
        .filter(|l| wanted.is_empty() || wanted.contains(&l.code()))
        .filter(|l| metric != MemberMetric::Active || l.is_paid())
        .collect();
    // 新增 counts 免费 by registration and the paid levels by service start: two statements.
    let groups: Vec<(Option<MemberLevel>, Vec<MemberLevel>)> = match metric {
        MemberMetric::New => {
            let paid: Vec<MemberLevel> = levels.iter().copied().filter(|l| l.is_paid()).collect();
            let free: Vec<MemberLevel> = levels.iter().copied().filter(|l| !l.is_paid()).collect();
            vec![(Some(MemberLevel::Free), free), (Some(MemberLevel::Ordinary), paid)]
        }
        _ => vec![(None, levels)],
    };
    let mut out = vec![];
    for (like, levels) in groups {
        if levels.is_empty() {
            continue;
        }
        let mut m = member_filter(metric, &from, &to, like);
        m.level = levels.iter().map(|l| l.code()).collect::<Vec<_>>().join(",");
        let mut cond = customer_condition(frame.backend(), &m, &frame.user.scope);
        let orgs = frame.f.org_ids();
        if !orgs.is_empty() {
            cond = cond.add(c("organization_id").is_in(orgs));
        }
        let q = Query::select()
            .from_as(Alias::new("customer"), Alias::new("c"))
            .expr_as(c("organization_id"), Alias::new("org"))
            .expr_as(c("member_level"), Alias::new("level"))
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .cond_where(cond)
            .group_by_col((Alias::new("c"), Alias::new("organization_id")))
            .group_by_col((Alias::new("c"), Alias::new("member_level")))
            .to_owned();
        for row in frame.db.query_all(&q).await? {
            let mut t = Levels::default();
            if let Some(i) = level_slot(row.try_get::<Option<String>>("", "level")?.as_deref()) {
                t.0[i] = row.try_get("", "n")?;
            }
            out.push((Key { org: Some(row.try_get("", "org")?), level: None }, t));
        }
    }
    Ok(out)
}

/// members per organisation and level, by the chosen metric.
pub async fn member_count(frame: &Frame<'_, impl ConnectionTrait>) -> AppResult<Report> {
    let metric = frame.f.metric();
    let group = Some((metric.zh(), metric.en()));
    let mut columns: Vec<_> = MemberLevel::ALL.iter().map(|l| col(l.zh(), l.en(), group, true)).collect();
    columns.push(col("合计", "Total", None, false));
    let may_list = frame.user.has(Perm::QueryMemberService);
    let wanted = list(&frame.f.levels);
    let cells = |t: &Levels, d: &Drill| {
        let (from, to) = dates(d.period);
        let org = drill_org(frame, d);
        let link = |levels: &[MemberLevel]| -> Option<String> {
            let org = org.ok()?;
            if !may_list || levels.is_empty() {
                return None;
            }
            // One filter for all of them (新增 mixes two: no list holds both).
            let like = levels[0];
            let mut m = member_filter(metric, &from, &to, Some(like));
            if levels.iter().any(|l| member_filter(metric, &from, &to, Some(*l)) != m) {
                return None;
            }
            m.level = levels.iter().map(|l| l.code()).collect::<Vec<_>>().join(",");
            m.org = org;
            Some(format!("/query/member-services?{}", m.to_query()))
        };
        let mut cells: Vec<_> = MemberLevel::ALL.iter().enumerate().map(|(i, l)| count(t.0[i], link(&[*l]))).collect();
        let all: Vec<MemberLevel> = MemberLevel::ALL
            .iter()
            .copied()
            .filter(|l| wanted.is_empty() || wanted.contains(&l.code()))
            .filter(|l| metric != MemberMetric::Active || l.is_paid())
            .collect();
        cells.push(count(t.0.iter().sum(), link(&all)));
        cells
    };
    frame.assemble(Rows::Orgs { by_level: false }, columns, |from, to, _| member_tally(frame, from, to), cells).await
}

/// Published items per organisation: by type, by status, and the members who published.
#[derive(Debug, Clone, Default)]
struct Published {
    types: [i64; 3],
    statuses: [i64; 3],
    total: i64,
    members: i64,
}

impl Tally for Published {
    fn add(&mut self, o: &Self) {
        add_all(&mut self.types, &o.types);
        add_all(&mut self.statuses, &o.statuses);
        self.total += o.total;
        self.members += o.members;
    }
}

/// `q` (over `p` joined to its customer `c`) narrowed to the report's organisations.
fn in_orgs(frame: &Frame<'_, impl ConnectionTrait>, mut q: SelectStatement) -> SelectStatement {
    let orgs = frame.f.org_ids();
    if !orgs.is_empty() {
        q.and_where(c("organization_id").is_in(orgs));
    }
    q
}

async fn published_tally(
    frame: &Frame<'_, impl ConnectionTrait>,
    from: String,
    to: String,
) -> AppResult<Vec<(Key, Published)>> {
    let backend = frame.backend();
    let f = InfoFilter { from, to, ..Default::default() };
    let types = list(&frame.f.info_types);
    let typed = |mut q: SelectStatement| {
        if !types.is_empty() {
            q.and_where(p("info_type").is_in(types.clone()));
        }
        in_orgs(frame, q)
    };
    let mut by_items = typed(base(backend, InfoKind::Published, &f, &frame.user.scope));
    by_items
        .expr_as(c("organization_id"), Alias::new("org"))
        .expr_as(p("info_type"), Alias::new("info_type"))
        .expr_as(p("status"), Alias::new("status"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .group_by_col((Alias::new("c"), Alias::new("organization_id")))
        .group_by_col((Alias::new("p"), Alias::new("info_type")))
        .group_by_col((Alias::new("p"), Alias::new("status")));
    let mut out = vec![];
    for row in frame.db.query_all(&by_items).await? {
        let n: i64 = row.try_get("", "n")?;
        let mut t = Published { total: n, ..Default::default() };
        let kind: String = row.try_get("", "info_type")?;
        let status: String = row.try_get("", "status")?;
        if let Some(i) = INFO_TYPES.iter().position(|x| x.0 == kind) {
            t.types[i] = n;
        }
        if let Some(i) = INFO_STATUSES.iter().position(|x| x.0 == status) {
            t.statuses[i] = n;
        }
        out.push((Key { org: Some(row.try_get("", "org")?), level: None }, t));
    }
    let mut members = typed(base(backend, InfoKind::Published, &f, &frame.user.scope));
    members
        .expr_as(c("organization_id"), Alias::new("org"))
        .expr_as(Func::count_distinct(p("customer_id")), Alias::new("n"))
        .group_by_col((Alias::new("c"), Alias::new("organization_id")));
    for row in frame.db.query_all(&members).await? {
        let t = Published { members: row.try_get("", "n")?, ..Default::default() };
        out.push((Key { org: Some(row.try_get("", "org")?), level: None }, t));
    }
    Ok(out)
}

/// published items per organisation by 信息类型 (and 信息状态), with the publishing members.
pub async fn published(frame: &Frame<'_, impl ConnectionTrait>) -> AppResult<Report> {
    let group = Some(("信息发布类别", "Information type"));
    let mut columns: Vec<_> = INFO_TYPES.iter().map(|t| col(t.1, t.2, group, true)).collect();
    columns.push(col("合计", "Total", None, false));
    columns.push(col("发布会员数", "Publishing members", None, false));
    let status = Some(("信息状态", "Status"));
    columns.extend(INFO_STATUSES.iter().map(|s| col(s.1, s.2, status, false)));
    let may_list = frame.user.has(Perm::QueryPublishedInfo);
    let types = list(&frame.f.info_types);
    let cells = |t: &Published, d: &Drill| {
        let (from, to) = dates(d.period);
        let org = drill_org(frame, d);
        let link = |kind: Option<&str>, status: Option<&str>| -> Option<String> {
            let org = org.ok()?;
            if !may_list {
                return None;
            }
            let kind = match (kind, types.as_slice()) {
                (Some(k), _) => k.to_string(),
                (None, []) => String::new(),
                (None, [one]) => (*one).to_string(),
                _ => return None,
            };
            let f = InfoFilter {
                from: from.clone(),
                to: to.clone(),
                org,
                info_type: kind,
                info_status: status.unwrap_or_default().into(),
                ..Default::default()
            };
            Some(format!("/query/published-info?{}", f.to_query()))
        };
        let mut cells: Vec<_> =
            INFO_TYPES.iter().enumerate().map(|(i, k)| count(t.types[i], link(Some(k.0), None))).collect();
        cells.push(count(t.total, link(None, None)));
        cells.push(count(t.members, None));
        cells.extend(INFO_STATUSES.iter().enumerate().map(|(i, s)| count(t.statuses[i], link(None, Some(s.0)))));
        cells
    };
    frame.assemble(Rows::Orgs { by_level: false }, columns, |from, to, _| published_tally(frame, from, to), cells).await
}

/// Push e-mails per member level.
#[derive(Debug, Clone, Default)]
struct Pushes {
    sent: i64,
    members: i64,
    opened: i64,
    /// Members of the level in a current service year, and those at the annual target.
    in_service: i64,
    reached: i64,
}

impl Tally for Pushes {
    fn add(&mut self, o: &Self) {
        self.sent += o.sent;
        self.members += o.members;
        self.opened += o.opened;
        self.in_service += o.in_service;
        self.reached += o.reached;
    }
}

/// Midnight in China of a DATE column, as a bound for timestamps, on either database
/// (`days` later).
fn day_start_of(backend: DbBackend, date_col: &str, days: i64) -> String {
    match backend {
        DbBackend::Postgres => format!("(({date_col} + {days})::timestamp AT TIME ZONE 'Asia/Shanghai')"),
        _ => format!("strftime('%Y-%m-%dT%H:%M:%S', {date_col}, '+{days} days', '-8 hours')"),
    }
}

async fn push_tally(
    frame: &Frame<'_, impl ConnectionTrait>,
    from: String,
    to: String,
) -> AppResult<Vec<(Key, Pushes)>> {
    let backend = frame.backend();
    let levels = list(&frame.f.levels);
    let f = InfoFilter { from, to, level: levels.join(","), ..Default::default() };
    let mut q = base(backend, InfoKind::Pushes, &f, &frame.user.scope);
    if let Some(s) = PushSource::parse(&frame.f.source) {
        q.and_where(p("source").eq(s.code()));
    }
    q.expr_as(c("member_level"), Alias::new("level"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .expr_as(Func::count_distinct(p("customer_id")), Alias::new("members"))
        .expr_as(Func::count(p("opened_at")), Alias::new("opened"))
        .group_by_col((Alias::new("c"), Alias::new("member_level")));
    let mut out = vec![];
    for row in frame.db.query_all(&q).await? {
        let level: Option<String> = row.try_get("", "level")?;
        let t = Pushes {
            sent: row.try_get("", "n")?,
            members: row.try_get("", "members")?,
            opened: row.try_get("", "opened")?,
            ..Default::default()
        };
        out.push((Key { org: None, level }, t));
    }
    // The annual target: pushes within each member's current service year (源 as filtered).
    let m = MemberFilter { level: levels.join(","), ..Default::default() };
    let source =
        PushSource::parse(&frame.f.source).map(|s| format!(" AND p.source = '{}'", s.code())).unwrap_or_default();
    let pushed = format!(
        "(SELECT COUNT(*) FROM info_push_log p WHERE p.customer_id = mf.customer_id AND p.sent_at >= {} AND p.sent_at < {}{source})",
        day_start_of(backend, "mf.period_start", 0),
        day_start_of(backend, "mf.period_end", 1),
    );
    let years = Query::select()
        .from_as(Alias::new("member_fulfilment"), Alias::new("mf"))
        .join_as(
            sea_orm::JoinType::InnerJoin,
            Alias::new("customer"),
            Alias::new("c"),
            c("id").equals((Alias::new("mf"), Alias::new("customer_id"))),
        )
        .expr_as(c("member_level"), Alias::new("level"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .expr_as(Expr::cust(format!("COUNT(CASE WHEN {pushed} >= {PUSH_TARGET} THEN 1 END)")), Alias::new("reached"))
        .cond_where(
            Condition::all()
                .add(Expr::col((Alias::new("mf"), Alias::new("is_current"))).eq(true))
                .add(customer_condition(backend, &m, &frame.user.scope)),
        )
        .group_by_col((Alias::new("c"), Alias::new("member_level")))
        .to_owned();
    for row in frame.db.query_all(&years).await? {
        let level: Option<String> = row.try_get("", "level")?;
        let t =
            Pushes { in_service: row.try_get("", "n")?, reached: row.try_get("", "reached")?, ..Default::default() };
        out.push((Key { org: None, level }, t));
    }
    Ok(out)
}

/// push e-mails per member level, and the members at the annual target.
pub async fn pushes(frame: &Frame<'_, impl ConnectionTrait>) -> AppResult<Report> {
    let columns = vec![
        col("推送邮件数", "E-mails pushed", None, true),
        col("推送会员数", "Members pushed to", None, false),
        col("人均推送数", "Per member", None, false),
        col("已达年度目标会员数", "At the annual target", Some(("本服务年度", "Current service year")), false),
        col("未达标会员数", "Below the target", Some(("本服务年度", "Current service year")), false),
        col("打开数", "Opened", None, false),
        col("打开率", "Open rate", None, false),
    ];
    let may_list = frame.user.has(Perm::QueryPushLog) && frame.f.source.is_empty();
    let cells = |t: &Pushes, d: &Drill| {
        let (from, to) = dates(d.period);
        let levels = list(&frame.f.levels);
        let level = match (&d.key.level, levels.len()) {
            (Some(l), _) => Some(l.clone()),
            (None, _) => Some(levels.join(",")),
        };
        let link = level.filter(|_| may_list).map(|level| {
            let f = InfoFilter { from, to, level, ..Default::default() };
            format!("/query/push-logs?{}", f.to_query())
        });
        vec![
            count(t.sent, link),
            count(t.members, None),
            plain(Value::average(t.sent, t.members)),
            count(t.reached, None),
            count(t.in_service - t.reached, None),
            count(t.opened, None),
            plain(Value::rate(t.opened, t.sent)),
        ]
    };
    frame.assemble(Rows::Levels, columns, |from, to, _| push_tally(frame, from, to), cells).await
}
