//! Server functions of 统计查询 and 分析: each statistic is checked against its area's node and
//! the user's role in `service::run`; the options list only what the user may run.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{StatFilter, StatOptions};
use crate::auth::Perm;
use crate::error::AppError;
use crate::reports::Report;

/// Holding either opens a statistics page.
pub const STATS_PERMS: &[Perm] = &[Perm::StatsQuery, Perm::StatsAnalysis];

#[cfg(feature = "ssr")]
use crate::auth::session::{Access, serve};

/// The statistics, organisations and agents of the page (`analysis`: PG-80's, else PG-79's).
#[server(endpoint = "stats/options", input = Json)]
pub async fn load_stat_options(analysis: bool) -> Result<StatOptions, AppError> {
    serve(
        Access::Any(STATS_PERMS),
        |ctx, user| async move { super::service::options(&ctx.state.db, &user, analysis).await },
    )
    .await
}

/// 查询: computes the statistic of the criteria.
#[server(endpoint = "stats/run", input = Json)]
pub async fn run_stat(filter: StatFilter) -> Result<Report, AppError> {
    serve(Access::Any(STATS_PERMS), |ctx, user| async move { super::service::run(&ctx.state.db, &user, &filter).await })
        .await
}
