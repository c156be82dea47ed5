//! The report centre's entry: who may run which report, its options, and the dispatch of a
//! run to the report that counts it.
use sea_orm::ConnectionTrait;

use super::frame::{Frame, PUSH_TARGET, units};
use super::{Report, ReportFilter, ReportKind, ReportOptions};
use crate::auth::scope::Scope;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};

/// The report types `user` holds.
pub fn kinds(user: &CurrentUser) -> Vec<ReportKind> {
    ReportKind::ALL.iter().copied().filter(|k| user.has(k.perm())).collect()
}

pub async fn options(db: &impl ConnectionTrait, user: &CurrentUser) -> AppResult<ReportOptions> {
    let kinds = kinds(user);
    if kinds.is_empty() {
        return Err(AppError::Forbidden);
    }
    let orgs = units(db, &user.scope).await?;
    let locked_org = match &user.scope {
        Scope::All => None,
        _ => Some(user.org.id),
    };
    Ok(ReportOptions {
        kinds,
        orgs: orgs.into_iter().map(|o| (o.id, o.name)).collect(),
        locked_org,
        push_target: PUSH_TARGET,
    })
}

/// Generates the report `f` asks for.
pub async fn run(db: &impl ConnectionTrait, user: &CurrentUser, f: &ReportFilter) -> AppResult<Report> {
    let kind = f.kind().ok_or_else(|| AppError::field("kind", "请选择报表类型", "Choose a report"))?;
    if !user.has(kind.perm()) {
        return Err(AppError::Forbidden);
    }
    let (from, to) = f.validate(crate::cst::today())?;
    // An office outside the user's scope is refused, never silently dropped; a rep office's
    // report is its own office's (组织机构 locked), not every record its scope may read.
    let allowed: Vec<i64> = units(db, &user.scope).await?.iter().map(|o| o.id).collect();
    let orgs = f.org_ids();
    if orgs.iter().any(|o| !allowed.contains(o)) {
        return Err(AppError::field("orgs", "所选组织机构不在您的数据范围内", "An organisation is outside your scope"));
    }
    let mut f = f.clone();
    if orgs.is_empty() && !matches!(user.scope, Scope::All) && !allowed.is_empty() {
        f.orgs = allowed.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    }
    let frame = Frame { db, user, f: &f, kind, from, to };
    match kind {
        ReportKind::MemberCount => super::members::member_count(&frame).await,
        ReportKind::RequestVolume | ReportKind::RequestType => super::requests::requests(&frame).await,
        ReportKind::Callback => super::services::callbacks(&frame).await,
        ReportKind::PublishedInfo => super::members::published(&frame).await,
        ReportKind::EmailPush => super::pushes::pushes(&frame).await,
        ReportKind::RepNeed => super::requests::rep_needs(&frame).await,
    }
}
