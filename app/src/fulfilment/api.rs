//! Server functions of 履约; each passes the one guard, then the service applies the scope
//! and the finer rights (撤销完成, corrections of earlier years).
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::track::{ItemAction, MatchInput, Tracking};
use super::{FulfilmentFilter, FulfilmentRow, SchemeInput, SchemePage, SchemeSaved};
use crate::error::AppError;
use crate::ui::Page;

#[cfg(feature = "ssr")]
use crate::auth::{Perm, session::Access, session::serve};

/// PG-35: one page of members' current service years.
#[server(endpoint = "fulfilment/list", input = Json)]
pub async fn list_fulfilment(filter: FulfilmentFilter) -> Result<Page<FulfilmentRow>, AppError> {
    serve(Perm::Fulfilment, |ctx, user| async move { super::list::list(&ctx.state.db, &user, &filter).await }).await
}

/// PG-36: member `customer`'s service year `year` (the current one when `None`).
#[server(endpoint = "fulfilment/track", input = Json)]
pub async fn load_tracking(customer: i64, year: Option<i64>) -> Result<Tracking, AppError> {
    serve(
        Perm::Fulfilment,
        |ctx, user| async move { super::service::tracking(&ctx.state.db, &user, customer, year).await },
    )
    .await
}

/// 服务完成 / 撤销完成 / 保存数量.
#[server(endpoint = "fulfilment/act", input = Json)]
pub async fn act_on_item(action: ItemAction) -> Result<Tracking, AppError> {
    serve(Perm::Fulfilment, |ctx, user| async move { super::service::act(&ctx.state.db, &user, action).await }).await
}

/// 新增匹配记录 (CS with the mark right, or 信息部).
#[server(endpoint = "fulfilment/match", input = Json)]
pub async fn add_match(input: MatchInput) -> Result<super::matches::MatchSaved, AppError> {
    serve(Access::Any(&[Perm::FulfilmentMark, Perm::BizInfo]), |ctx, user| async move {
        super::matches::add(&ctx.state.db, &user, input).await
    })
    .await
}

/// PG-42: the members whose current year has a counted (精准匹配) item.
#[server(endpoint = "fulfilment/matching", input = Json)]
pub async fn list_matching(filter: FulfilmentFilter) -> Result<Page<super::matches::MatchingRow>, AppError> {
    serve(Access::Any(&[Perm::FulfilmentMark, Perm::BizInfo]), |ctx, user| async move {
        super::matches::list(&ctx.state.db, &user, &filter).await
    })
    .await
}

/// PG-42: a member's 精准匹配 records of the current year.
#[server(endpoint = "fulfilment/matches", input = Json)]
pub async fn load_matches(customer: i64) -> Result<super::matches::MemberMatches, AppError> {
    serve(Access::Any(&[Perm::FulfilmentMark, Perm::BizInfo]), |ctx, user| async move {
        super::matches::of_member(&ctx.state.db, &user, customer).await
    })
    .await
}

/// PG-37: the scheme and its history.
#[server(endpoint = "fulfilment/scheme", input = Json)]
pub async fn load_scheme() -> Result<SchemePage, AppError> {
    serve(Perm::FulfilmentConfig, |ctx, _user| async move { super::scheme_service::page(&ctx.state.db).await }).await
}

/// PG-37 保存.
#[server(endpoint = "fulfilment/scheme/save", input = Json)]
pub async fn save_scheme(input: SchemeInput) -> Result<SchemeSaved, AppError> {
    serve(Perm::FulfilmentConfig, |ctx, user| async move {
        super::scheme_service::save(&ctx.state.jobs, &user, input).await
    })
    .await
}
