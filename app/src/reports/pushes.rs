//! R-5 会员邮件推送统计表: push e-mails per member level (counted per member, as R-4's items),
//! and the members of each level at the annual push target of their current service year.
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend};

use super::frame::{Drill, Frame, Halves, Key, PUSH_TARGET, Rows, Tally, col, count, dates, plain};
use super::members::{Group, p, per_member};
use super::pivot::LevelPivot;
use super::{NON_MEMBER, PushSource, Report, Value, list};
use crate::auth::Perm;
use crate::error::AppResult;
use crate::members::conditions::customer_condition;
use crate::members::customer_join::{ByMemberIndex, JoinCustomer};
use crate::members::info_query::InfoKind;
use crate::members::{InfoFilter, MemberFilter};
use crate::ui::list::UrlFilter;

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
    years: &tokio::sync::OnceCell<Vec<(Key, Pushes)>>,
) -> AppResult<Vec<(Key, Pushes)>> {
    let levels = list(&frame.f.levels);
    let source = PushSource::parse(&frame.f.source);
    let f = InfoFilter { from, to, level: levels.join(","), ..Default::default() };
    let narrow = |q: &mut SelectStatement| {
        if let Some(s) = source {
            q.and_where(p("source").eq(s.code()));
        }
    };
    let counts = [("n", Expr::cust("COUNT(*)")), ("opened", Expr::from(Func::count(p("opened_at"))))];
    let group = Group::Levels(LevelPivot::of(&levels));
    // The service years are the same in every period: the report counts them once, beside the
    // first period's pushes.
    let (pushed, years) = futures_util::future::try_join(
        per_member(frame, InfoKind::Pushes, &f, narrow, vec![], &group, &counts),
        years.get_or_try_init(|| service_years(frame)),
    )
    .await?;
    let mut out = years.clone();
    for (key, v) in pushed {
        // [members, n, opened]
        out.push((key, Pushes { members: v[0], sent: v[1], opened: v[2], ..Default::default() }));
    }
    Ok(out)
}

/// R-5's annual target, a stock the report's period does not change (counted once per report):
/// per level, the members in a current service year (the two halves of the members at once),
/// and those with at least [`PUSH_TARGET`] pushes (源 as filtered) within it — looked for only
/// among the members with that many pushes since the earliest current year began (few), not
/// member by member.
async fn service_years(frame: &Frame<'_, impl ConnectionTrait>) -> AppResult<Vec<(Key, Pushes)>> {
    let backend = frame.backend();
    let m = MemberFilter { level: list(&frame.f.levels).join(","), ..Default::default() };
    let levels = LevelPivot::of(&list(&frame.f.levels));
    let source = PushSource::parse(&frame.f.source);
    let mf = |col: &str| Expr::col((Alias::new("mf"), Alias::new(col)));
    // Current years per level (of the members the member query shows).
    let years = |cond: Condition| {
        let mut q = Query::select()
            .from_as(Alias::new("member_fulfilment"), Alias::new("mf"))
            .join_customer("mf")
            .cond_where(Condition::all().add(mf("is_current").eq(true)).add(cond).add(customer_condition(
                backend,
                &m,
                &frame.user.scope,
            )))
            .to_owned();
        levels.select(&mut q, "n", None);
        q
    };
    let earliest = Query::select()
        .expr(Func::min(mf("period_start")))
        .from_as(Alias::new("member_fulfilment"), Alias::new("mf"))
        .and_where(mf("is_current").eq(true))
        .to_owned();
    let earliest: Option<chrono::NaiveDate> = match frame.db.query_one(&earliest).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => None,
    };
    let Some(earliest) = earliest else { return Ok(vec![]) };
    let mut candidates = Query::select()
        .column((Alias::new("p"), Alias::new("customer_id")))
        .from_as(Alias::new("info_push_log"), Alias::new("p"))
        .and_where(p("sent_at").gte(crate::cst::day_start(earliest)))
        .group_by_col((Alias::new("p"), Alias::new("customer_id")))
        .and_having(Expr::cust("COUNT(*)").gte(PUSH_TARGET))
        .to_owned();
    let source = match source {
        Some(s) => {
            candidates.and_where(p("source").eq(s.code()));
            format!(" AND p.source = '{}'", s.code())
        }
        None => String::new(),
    };
    let pushed = format!(
        "(SELECT COUNT(*) FROM info_push_log p WHERE p.customer_id = mf.customer_id AND p.sent_at >= {} AND p.sent_at < {}{source})",
        day_start_of(backend, "mf.period_start", 0),
        day_start_of(backend, "mf.period_end", 1),
    );
    let reached = years(
        Condition::all()
            .add(mf("customer_id").in_subquery(candidates))
            .add(Expr::cust(format!("{pushed} >= {PUSH_TARGET}"))),
    );
    let [low, high] = Halves::of(frame.db).await?.on(mf("customer_id"));
    let (low, high) = (years(low), years(high));
    let (a, b, reached) = futures_util::future::try_join3(
        frame.db.query_all(&ByMemberIndex(&low)),
        frame.db.query_all(&ByMemberIndex(&high)),
        frame.db.query_all(&ByMemberIndex(&reached)),
    )
    .await?;
    let mut out = vec![];
    for (row, at_target) in a.iter().chain(&b).map(|r| (r, false)).chain(reached.iter().map(|r| (r, true))) {
        for (key, v) in levels.read(row, &["n"])? {
            let t = if at_target {
                Pushes { reached: v[0], ..Default::default() }
            } else {
                Pushes { in_service: v[0], ..Default::default() }
            };
            out.push((key, t));
        }
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
        // (The push list has no filter for the customers without a level.)
        let level = match &d.key.level {
            Some(l) if l == NON_MEMBER => None,
            Some(l) => Some(l.clone()),
            None => Some(levels.join(",")),
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
    let years = tokio::sync::OnceCell::new();
    frame.assemble(Rows::Levels, columns, |from, to, _| push_tally(frame, from, to, &years), cells).await
}
