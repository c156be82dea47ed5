//! Server functions of the 信息查询 pages. Each checks the permission, then reads through the
//! user's data scope (a rep office only ever sees its own members).
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{InfoFilter, InfoPage, MemberFilter, QueryChoices, ServiceRow, SyncRunRow};
use crate::error::AppError;
use crate::ui::Page;

#[cfg(feature = "ssr")]
use crate::{
    auth::{
        Perm,
        session::{Access, serve},
    },
    members::{query, service},
};

/// 会员资料及服务查询: one page of rows; the total is exact up to 10,000.
#[server(endpoint = "members/services", input = Json)]
pub async fn list_member_services(filter: MemberFilter) -> Result<Page<ServiceRow>, AppError> {
    serve(Perm::QueryMemberService, |ctx, user| async move { query::list(&ctx.state.db, &filter, &user.scope).await })
        .await
}

/// The exact number of rows of a filter whose result is beyond the page's count cap.
#[server(endpoint = "members/services/count", input = Json)]
pub async fn count_member_services(filter: MemberFilter) -> Result<u64, AppError> {
    serve(
        Perm::QueryMemberService,
        |ctx, user| async move { query::count_exact(&ctx.state.db, &filter, &user.scope).await },
    )
    .await
}

/// The organisations the user may filter by, and whether the filter is locked.
#[server(endpoint = "members/choices", input = Json)]
pub async fn load_query_choices() -> Result<QueryChoices, AppError> {
    serve(
        Access::Any(&[Perm::QueryMemberService, Perm::QueryPublishedInfo, Perm::QueryPushLog, Perm::IntakeCallback]),
        |ctx, user| async move { service::choices(&ctx.state.db, &user).await },
    )
    .await
}

/// 数据同步 (PG-94): the latest CM sync runs, newest first.
#[server(endpoint = "sync/runs", input = Json)]
pub async fn list_sync_runs(page: u64) -> Result<Page<SyncRunRow>, AppError> {
    serve(Perm::SystemSync, |ctx, _| async move { service::sync_runs(&ctx.state.db, page).await }).await
}

/// 会员发布信息查询 (PG-13), or one member's published items (PG-14, `filter.customer`).
#[server(endpoint = "members/published", input = Json)]
pub async fn list_published_info(filter: InfoFilter) -> Result<InfoPage, AppError> {
    serve(Perm::QueryPublishedInfo, |ctx, user| async move {
        service::info_page(&ctx.state.db, &user, crate::members::info_query::InfoKind::Published, &filter).await
    })
    .await
}

/// 信息推送邮件查询 (PG-17), or one member's push log (PG-18, `filter.customer`).
#[server(endpoint = "members/pushes", input = Json)]
pub async fn list_push_logs(filter: InfoFilter) -> Result<InfoPage, AppError> {
    serve(Perm::QueryPushLog, |ctx, user| async move {
        service::info_page(&ctx.state.db, &user, crate::members::info_query::InfoKind::Pushes, &filter).await
    })
    .await
}
