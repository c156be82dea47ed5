//! 导出 of 诉求列表 (PG-21): every request of the tab and filters the page shows, inside the
//! user's scope, streamed into xlsx or CSV by the shared exporter (labels in Chinese, times in
//! Asia/Shanghai).
use std::path::Path;

use sea_orm::{DatabaseConnection, FromQueryResult};

use super::entity::service_request;
use super::lists::export_statement;
use super::{AcceptingDept, Channel, HandlingDept, Priority, RequestFilter, RequestState, RequestType, SlaState};
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::members::enums::{self, CustomerType};
use crate::members::export::{Cell, Format, stream_to_file};
use crate::ui::fmt_time;

pub const COLUMNS: [(&str, f64); 18] = [
    ("诉求编号", 16.0),
    ("诉求受理时间", 18.0),
    ("企业名称/客户姓名", 36.0),
    ("客户类型", 8.0),
    ("会员级别", 10.0),
    ("诉求类型", 8.0),
    ("受理渠道", 8.0),
    ("受理部门", 10.0),
    ("客服人员", 10.0),
    ("处理部门", 10.0),
    ("诉求处理状态", 10.0),
    ("流程状态", 12.0),
    ("优先级", 8.0),
    ("超时状态", 10.0),
    ("流转时间", 18.0),
    ("完成时间", 18.0),
    ("诉求内容", 60.0),
    ("处理结果", 60.0),
];

fn cells(r: service_request::Model, agent: Option<String>) -> Vec<Cell> {
    use crate::i18n::Locale::Zh;
    let label = |s: Option<&'static str>| Cell::Text(s.unwrap_or_default().to_string());
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| Cell::Text(t.as_ref().map(fmt_time).unwrap_or_default());
    let state = RequestState::parse(&r.state);
    let caller = r.company_name.clone().filter(|s| !s.is_empty()).or(r.caller_name.clone()).unwrap_or_default();
    vec![
        Cell::Text(r.request_no),
        time(Some(r.accepted_at)),
        Cell::Text(caller),
        label(CustomerType::parse(&r.customer_type).map(|t| t.label(Zh))),
        Cell::Text(enums::label(enums::LEVELS, r.member_level_snapshot.as_deref().unwrap_or_default()).0.to_string()),
        label(RequestType::parse(&r.request_type).map(|t| t.label(Zh))),
        label(Channel::parse(&r.channel).map(|t| t.label(Zh))),
        label(AcceptingDept::parse(&r.accepting_dept).map(|t| t.label(Zh))),
        Cell::Text(agent.unwrap_or_default()),
        label(HandlingDept::parse(&r.handling_dept).map(|t| t.label(Zh))),
        label(state.and_then(RequestState::handling_status).map(|s| s.label(Zh))),
        label(state.map(|s| s.label(Zh))),
        label(Priority::parse(&r.priority).map(|t| t.label(Zh))),
        label(
            SlaState::parse(&r.sla_state).filter(|_| !state.is_some_and(RequestState::is_closed)).map(|t| t.label(Zh)),
        ),
        time(r.routed_at),
        time(r.completed_at),
        Cell::Text(r.content),
        Cell::Text(r.result.unwrap_or_default()),
    ]
}

/// Writes every request of `f` that `user` may see to `path`; returns the row count.
pub async fn requests(
    db: &DatabaseConnection,
    user: &CurrentUser,
    f: &RequestFilter,
    format: Format,
    path: &Path,
    progress: impl Fn(u64) + Send + 'static,
) -> AppResult<u64> {
    let stmt = export_statement(db.get_database_backend(), user, f)?;
    stream_to_file(db, &stmt, &COLUMNS, format, path, progress, |row| {
        let agent = row.try_get::<Option<String>>("", "agent_name")?;
        Ok(cells(service_request::Model::from_query_result(row, "")?, agent))
    })
    .await
}
