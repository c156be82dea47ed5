//! 导出 of 诉求信息质检管理 (PG-38): every request of the current filter, newest completion
//! first, in the page's columns, streamed by the shared exporter.
use std::path::Path;

use sea_orm::sea_query::{Alias, Expr, ExprTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, QueryTrait};

use super::{QaFilter, QaResult, QaStatus, service};
use crate::auth::entity::{account, organization};
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::members::enums::{self, CustomerType};
use crate::members::export::{Cell, Format, stream_to_file};
use crate::requests::entity::service_request;
use crate::requests::{AcceptingDept, Channel, HandlingDept, RequestType};
use crate::ui::fmt_time;

use service_request::Column as R;

pub const COLUMNS: [(&str, f64); 14] = [
    ("诉求编号", 16.0),
    ("诉求受理时间", 18.0),
    ("企业名称", 36.0),
    ("客户类型", 8.0),
    ("会员级别", 10.0),
    ("诉求类型", 8.0),
    ("受理渠道", 8.0),
    ("受理部门", 10.0),
    ("组织机构", 14.0),
    ("处理部门", 10.0),
    ("客服人员", 10.0),
    ("完成时间", 18.0),
    ("是否质检", 8.0),
    ("质检结果", 10.0),
];

/// How many rows an export of `f` writes (at most `cap`).
pub async fn count_upto(db: &impl ConnectionTrait, user: &CurrentUser, f: &QaFilter, cap: u64) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    let l = service::listing(db.get_database_backend(), user, f)?;
    Ok(l.rows.filter(l.scope).select_only().column(R::Id).limit(cap).count(db).await?)
}

fn cells(r: service_request::Model, agent: Option<String>, org: Option<String>) -> Vec<Cell> {
    use crate::i18n::Locale::Zh;
    let label = |s: Option<&'static str>| Cell::Text(s.unwrap_or_default().to_string());
    let caller = r.company_name.clone().filter(|s| !s.is_empty()).or(r.caller_name.clone()).unwrap_or_default();
    vec![
        Cell::Text(r.request_no),
        Cell::Text(fmt_time(&r.accepted_at)),
        Cell::Text(caller),
        label(CustomerType::parse(&r.customer_type).map(|t| t.label(Zh))),
        Cell::Text(enums::label(enums::LEVELS, r.member_level_snapshot.as_deref().unwrap_or_default()).0.to_string()),
        label(RequestType::parse(&r.request_type).map(|t| t.label(Zh))),
        label(Channel::parse(&r.channel).map(|t| t.label(Zh))),
        label(AcceptingDept::parse(&r.accepting_dept).map(|t| t.label(Zh))),
        Cell::Text(org.unwrap_or_default()),
        label(HandlingDept::parse(&r.handling_dept).map(|t| t.label(Zh))),
        Cell::Text(agent.unwrap_or_default()),
        Cell::Text(r.completed_at.as_ref().map(fmt_time).unwrap_or_default()),
        label(QaStatus::parse(&r.qa_status).map(|t| t.label(Zh))),
        label(r.qa_result.as_deref().and_then(QaResult::parse).map(|t| t.label(Zh))),
    ]
}

/// Writes every request of `f` that `user` may see to `path`; returns the row count.
pub async fn requests(
    db: &DatabaseConnection,
    user: &CurrentUser,
    f: &QaFilter,
    format: Format,
    path: &Path,
    progress: impl Fn(u64) + Send + 'static,
) -> AppResult<u64> {
    let l = service::listing(db.get_database_backend(), user, f)?;
    let mut q = l.rows.filter(l.scope).order_by_desc(R::CompletedAt).order_by_desc(R::Id).into_query();
    q.left_join(
        account::Entity,
        Expr::col((account::Entity, account::Column::Id)).equals((service_request::Entity, R::AgentId)),
    )
    .left_join(
        organization::Entity,
        Expr::col((organization::Entity, organization::Column::Id))
            .equals((service_request::Entity, R::AcceptingOrgId)),
    )
    .expr_as(Expr::col((account::Entity, account::Column::Name)), Alias::new("agent_name"))
    .expr_as(Expr::col((organization::Entity, organization::Column::Name)), Alias::new("org_name"));
    stream_to_file(db, &q, &COLUMNS, format, path, progress, |row| {
        let agent = row.try_get::<Option<String>>("", "agent_name")?;
        let org = row.try_get::<Option<String>>("", "org_name")?;
        Ok(cells(service_request::Model::from_query_result(row, "")?, agent, org))
    })
    .await
}
