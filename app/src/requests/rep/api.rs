//! Server functions of the rep-office need pages; each passes the one guard (`serve`), then
//! the data access applies the scope and the workflow's actor rules.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{RepActInput, RepDetail, RepFilter, RepNeedInput, RepRow, RepState, RepSubmitted};
use crate::error::AppError;
use crate::ui::Page;

#[cfg(feature = "ssr")]
use crate::{
    auth::{
        Perm,
        session::{Access, serve},
    },
    requests::rep::{query, query::RepList, service},
};

/// The three lanes that open a need, each within its scope.
#[cfg(feature = "ssr")]
const ANY_LANE: Access = Access::Any(&[Perm::IntakeRepNeedSubmit, Perm::IntakeRepNeedProcess, Perm::BizDeptInbox]);

/// 提交 (PG-28).
#[server(endpoint = "rep-needs/submit", input = Json)]
pub async fn submit_rep_need(input: RepNeedInput) -> Result<RepSubmitted, AppError> {
    serve(Perm::IntakeRepNeedSubmit, |ctx, user| async move { service::submit(&ctx.state.db, &user, input).await })
        .await
}

/// 我的需求 (PG-28).
#[server(endpoint = "rep-needs/mine", input = Json)]
pub async fn my_rep_needs(filter: RepFilter) -> Result<Page<RepRow>, AppError> {
    serve(Perm::IntakeRepNeedSubmit, |ctx, user| async move {
        query::list(&ctx.state.db, &user, &filter, RepList::Mine).await
    })
    .await
}

/// 代表处需求处理 (PG-29).
#[server(endpoint = "rep-needs/queue", input = Json)]
pub async fn rep_need_queue(filter: RepFilter) -> Result<Page<RepRow>, AppError> {
    serve(Perm::IntakeRepNeedProcess, |ctx, user| async move {
        query::list(&ctx.state.db, &user, &filter, RepList::Queue).await
    })
    .await
}

/// 部门待办 › 代表处需求.
#[server(endpoint = "rep-needs/inbox", input = Json)]
pub async fn rep_need_inbox(filter: RepFilter) -> Result<Page<RepRow>, AppError> {
    serve(
        Perm::BizDeptInbox,
        |ctx, user| async move { query::list(&ctx.state.db, &user, &filter, RepList::Inbox).await },
    )
    .await
}

/// 代表处诉求详情 (PG-16).
#[server(endpoint = "rep-needs/get", input = Json)]
pub async fn get_rep_need(id: i64) -> Result<RepDetail, AppError> {
    serve(ANY_LANE, |ctx, user| async move { query::detail(&ctx.state.db, &user, id).await }).await
}

/// An action of SM-2 (R2–R10).
#[server(endpoint = "rep-needs/act", input = Json)]
pub async fn act_on_rep_need(input: RepActInput) -> Result<RepState, AppError> {
    serve(ANY_LANE, |ctx, user| async move { service::act(&ctx.state.db, &user, input).await }).await
}
