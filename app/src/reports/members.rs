//! R-1 会员量统计表 and R-4 会员发布信息统计表 (and R-5's counting per member, `pushes`): counted through the
//! member query's own conditions (data scope, approved and not deleted customers) and the
//! conditions of the 会员发布信息查询 / 信息推送邮件查询 lists their cells link to.
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Query, SelectStatement};

use super::frame::{Drill, Frame, Halves, Key, Rows, Tally, add_all, col, count, dates};
use super::pivot::LevelPivot;
use super::{MemberMetric, Report, list};
use crate::auth::Perm;
use crate::db::count_if;
use crate::error::AppResult;
use crate::members::conditions::{c, customer_condition};
use crate::members::customer_join::{ByMemberIndex, JoinCustomer};
use crate::members::enums::{CustomerType, INFO_STATUSES, INFO_TYPES, MemberLevel};
use crate::members::info_query::{InfoKind, items};
use crate::members::{InfoFilter, MemberFilter};
use crate::ui::list::UrlFilter;

pub(super) fn p(col: &str) -> Expr {
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

/// How [`per_member`] groups the members: by their organisation, or per level.
pub(super) enum Group {
    Orgs,
    Levels(LevelPivot),
}

/// The items (or pushes) of `f` counted per member — `counts`: a name and its count over the
/// member's items (`p`) — then summed per `group` of the member (`c`): per group, the members
/// and the sums of `counts`, in that order. Each member is read once, over the member-led
/// index, the two halves of the members at once. `narrow` adds the report's item criteria;
/// `orgs`, its organisations (the member's).
pub(super) async fn per_member(
    frame: &Frame<'_, impl ConnectionTrait>,
    kind: InfoKind,
    f: &InfoFilter,
    narrow: impl Fn(&mut SelectStatement),
    orgs: Vec<i64>,
    group: &Group,
    counts: &[(&str, Expr)],
) -> AppResult<Vec<(Key, Vec<i64>)>> {
    let backend = frame.backend();
    let pm = |col: &str| Expr::col((Alias::new("pm"), Alias::new(col)));
    let statement = |half: Condition| {
        let mut inner = items(backend, kind, f);
        narrow(&mut inner);
        inner
            .cond_where(half)
            .expr_as(p("customer_id"), Alias::new("customer_id"))
            .group_by_col((Alias::new("p"), Alias::new("customer_id")));
        for (name, count) in counts {
            inner.expr_as(count.clone(), Alias::new(*name));
        }
        let mut outer = Query::select();
        outer.from_subquery(inner, Alias::new("pm")).join_customer("pm").cond_where(customer_condition(
            backend,
            &f.member(),
            &frame.user.scope,
        ));
        if !orgs.is_empty() {
            outer.and_where(c("organization_id").is_in(orgs.clone()));
        }
        match group {
            Group::Orgs => {
                outer
                    .expr_as(c("organization_id"), Alias::new("grp"))
                    .expr_as(Expr::cust("COUNT(*)"), Alias::new("members"))
                    .group_by_col((Alias::new("c"), Alias::new("organization_id")));
                for (name, _) in counts {
                    outer.expr_as(Func::cast_as(Func::sum(pm(name)), Alias::new("BIGINT")), Alias::new(*name));
                }
            }
            Group::Levels(levels) => {
                levels.select(&mut outer, "members", None);
                for (name, _) in counts {
                    levels.select(&mut outer, name, Some(&pm(name)));
                }
            }
        }
        outer
    };
    let [low, high] = Halves::of(frame.db).await?.on(p("customer_id"));
    let (low, high) = (statement(low), statement(high));
    let (a, b) = futures_util::future::try_join(
        frame.db.query_all(&ByMemberIndex(&low)),
        frame.db.query_all(&ByMemberIndex(&high)),
    )
    .await?;
    let names: Vec<&str> = std::iter::once("members").chain(counts.iter().map(|(name, _)| *name)).collect();
    let mut out = vec![];
    for row in a.iter().chain(&b) {
        match group {
            Group::Orgs => {
                let values = names.iter().map(|name| row.try_get::<i64>("", name)).collect::<Result<Vec<_>, _>>()?;
                out.push((Key { org: Some(row.try_get("", "grp")?), level: None }, values));
            }
            Group::Levels(levels) => out.extend(levels.read(row, &names)?),
        }
    }
    Ok(out)
}

async fn published_tally(
    frame: &Frame<'_, impl ConnectionTrait>,
    from: String,
    to: String,
) -> AppResult<Vec<(Key, Published)>> {
    let f = InfoFilter { from, to, ..Default::default() };
    let types = list(&frame.f.info_types);
    let narrow = |q: &mut SelectStatement| {
        if !types.is_empty() {
            q.and_where(p("info_type").is_in(types.clone()));
        }
    };
    let mut counts = vec![("n", Expr::cust("COUNT(*)"))];
    let names: Vec<(String, Expr)> = INFO_TYPES
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("type{i}"), count_if(p("info_type").eq(t.0))))
        .chain(INFO_STATUSES.iter().enumerate().map(|(i, t)| (format!("status{i}"), count_if(p("status").eq(t.0)))))
        .collect();
    counts.extend(names.iter().map(|(n, e)| (n.as_str(), e.clone())));
    let mut out = vec![];
    let orgs = frame.f.org_ids();
    for (key, v) in per_member(frame, InfoKind::Published, &f, narrow, orgs, &Group::Orgs, &counts).await? {
        // [members, n, type…, status…]
        let mut t = Published { members: v[0], total: v[1], ..Default::default() };
        let (types, statuses) = v[2..].split_at(INFO_TYPES.len());
        t.types.copy_from_slice(types);
        t.statuses.copy_from_slice(statuses);
        out.push((key, t));
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
