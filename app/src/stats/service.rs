//! Who may run which statistic (PG-79's catalogue by role, PG-80 for 经理/主管), the pages'
//! options, and the dispatch of a run.
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::engine::Stat;
use super::{Area, StatFilter, StatItem, StatOptions};
use crate::auth::entity::account;
use crate::auth::scope::Scope;
use crate::auth::session::CurrentUser;
use crate::auth::{AccountStatus, Perm, RoleCode};
use crate::error::{AppError, AppResult};
use crate::reports::Report;
use crate::reports::frame::units;

/// The permission of an area: 统计查询, or 分析 for its four areas.
pub fn area_perm(area: Area) -> Perm {
    if area == Area::Query { Perm::StatsQuery } else { Perm::StatsAnalysis }
}

/// Whether `user` may run `item` in `area` (SPEC PG-79's "available to"; in 分析 every item).
pub fn offered(user: &CurrentUser, item: StatItem, area: Area) -> bool {
    if !item.areas().contains(&area) || !user.has(area_perm(area)) {
        return false;
    }
    if area != Area::Query {
        return true;
    }
    let role = user.role_code();
    let is = |codes: &[RoleCode]| role.is_some_and(|r| codes.contains(&r));
    let team = user.sees_team_numbers();
    match item {
        StatItem::MyRequests => user.has(Perm::IntakeMemberRequest),
        StatItem::MyCallbacks => user.has(Perm::IntakeCallback),
        StatItem::MyEmails => user.has(Perm::IntakeMemberEmail),
        StatItem::MyFulfilment => user.has(Perm::FulfilmentMark),
        StatItem::DeptRequests => {
            super::work::own_dept(user).is_some() || is(&[RoleCode::CsManager, RoleCode::CsSupervisor])
        }
        StatItem::Qa => is(&[RoleCode::CsManager, RoleCode::CsSupervisor, RoleCode::CsQa]) || user.has(Perm::Qa),
        StatItem::Contacts => is(&[RoleCode::CsManager, RoleCode::CsSupervisor]) || user.has(Perm::StatsAnalysis),
        _ => team,
    }
}

/// The statistics `user` may run in `area`.
pub fn items(user: &CurrentUser, area: Area) -> Vec<StatItem> {
    StatItem::ALL.iter().copied().filter(|i| offered(user, *i, area)).collect()
}

/// The area a filter runs in (统计查询 when none is named).
fn area_of(f: &StatFilter) -> Area {
    Area::parse(&f.area).unwrap_or(Area::Query)
}

pub async fn options(db: &impl ConnectionTrait, user: &CurrentUser, analysis: bool) -> AppResult<StatOptions> {
    let areas: Vec<Area> = if analysis { Area::ANALYSIS.to_vec() } else { vec![Area::Query] };
    let mut list: Vec<StatItem> = vec![];
    for a in areas {
        for i in items(user, a) {
            if !list.contains(&i) {
                list.push(i);
            }
        }
    }
    if list.is_empty() {
        return Err(AppError::Forbidden);
    }
    let orgs = units(db, &user.scope).await?;
    let agents = account::Entity::find()
        .filter(account::Column::Status.eq(AccountStatus::Active.code()))
        .order_by_asc(account::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .filter(|a| user.scope.allows(a.organization_id, Some(a.id)))
        .map(|a| (a.id, a.name))
        .collect();
    Ok(StatOptions {
        items: list,
        orgs: orgs.into_iter().map(|o| (o.id, o.name)).collect(),
        agents,
        locked_org: (!matches!(user.scope, Scope::All)).then_some(user.org.id),
    })
}

/// Computes the statistic `f` asks for.
pub async fn run(db: &impl ConnectionTrait, user: &CurrentUser, f: &StatFilter) -> AppResult<Report> {
    let item = f.item().ok_or_else(|| AppError::field("item", "请选择统计项", "Choose a statistic"))?;
    let area = area_of(f);
    if !offered(user, item, area) {
        return Err(AppError::Forbidden);
    }
    let (from, to) = f.validate(crate::cst::today())?;
    // An organisation or agent outside the user's scope is refused, never silently dropped.
    if let Some(o) = f.org
        && !units(db, &user.scope).await?.iter().any(|u| u.id == o)
    {
        return Err(AppError::field("org", "所选组织机构不在您的数据范围内", "The organisation is outside your scope"));
    }
    if let Some(a) = f.agent {
        let found = account::Entity::find_by_id(a).one(db).await?;
        if !found.is_some_and(|x| user.scope.allows(x.organization_id, Some(x.id))) {
            return Err(AppError::field("agent", "所选客服人员不在您的数据范围内", "The agent is outside your scope"));
        }
    }
    // A rep office's statistics are its own office's (组织机构 locked), not every record its
    // scope may read (a request about one of its members accepted by HQ).
    let mut f = f.clone();
    if f.org.is_none() && item.takes_org() && !matches!(user.scope, Scope::All) {
        f.org = Some(user.org.id);
    }
    let s = Stat { db, user, f: &f, item, by: f.by(), from, to };
    match item {
        StatItem::MyRequests => super::work::requests(&s, true).await,
        StatItem::Requests => super::work::requests(&s, false).await,
        StatItem::MyCallbacks => super::work::callbacks(&s, true).await,
        StatItem::Callbacks => super::work::callbacks(&s, false).await,
        StatItem::MyEmails => super::work::my_emails(&s).await,
        StatItem::MyFulfilment => super::work::my_fulfilment(&s).await,
        StatItem::DeptRequests | StatItem::DeptWork => super::work::departments(&s).await,
        StatItem::Qa => super::work::qa(&s).await,
        StatItem::AgentWork => super::workload::agents(&s).await,
        StatItem::MemberTrend => super::customers::member_trend(&s).await,
        StatItem::Composition => super::customers::composition(&s).await,
        StatItem::Lifecycle => super::customers::lifecycle(&s).await,
        StatItem::Churn => super::customers::churn(&s).await,
        StatItem::Contacts => super::customers::contacts(&s).await,
        StatItem::ComplaintRate => super::quality::complaint_rate(&s).await,
        StatItem::HandlingTime => super::quality::handling_time(&s).await,
        StatItem::Repeat => super::quality::repeat(&s).await,
        StatItem::Satisfaction => super::quality::satisfaction(&s).await,
        StatItem::Unserved => super::quality::unserved(&s).await,
        StatItem::Accounts => super::staff::accounts(&s).await,
        StatItem::Logins => super::staff::logins(&s).await,
    }
}

/// Writes statistic `f` for `user` to `path` as a workbook (the export job's work).
pub async fn write(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    f: &StatFilter,
    path: &std::path::Path,
) -> AppResult<u64> {
    let report = run(db, user, f).await?;
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || crate::reports::export::workbook(&report, &path))
        .await
        .map_err(AppError::internal)?
}
