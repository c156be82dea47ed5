//! Server functions of the report centre: each report is checked against its own permission
//! node (OP-07) in `service::run`; the options list only the reports the user holds.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{Report, ReportFilter, ReportOptions};
use crate::auth::Perm;
use crate::error::AppError;

/// The seven report nodes: holding any opens the report centre.
pub const REPORT_PERMS: &[Perm] = &[
    Perm::ReportMemberCount,
    Perm::ReportRequestVolume,
    Perm::ReportRequestType,
    Perm::ReportCallback,
    Perm::ReportPublishedInfo,
    Perm::ReportEmailPush,
    Perm::ReportRepNeedByType,
];

#[cfg(feature = "ssr")]
use crate::auth::session::{Access, serve};

/// The report types, organisations and lock of PG-50's filter.
#[server(endpoint = "reports/options", input = Json)]
pub async fn load_report_options() -> Result<ReportOptions, AppError> {
    serve(Access::Any(REPORT_PERMS), |ctx, user| async move { super::service::options(&ctx.state.db, &user).await })
        .await
}

/// 确认: generates the report of the criteria.
#[server(endpoint = "reports/run", input = Json)]
pub async fn run_report(filter: ReportFilter) -> Result<Report, AppError> {
    serve(
        Access::Any(REPORT_PERMS),
        |ctx, user| async move { super::service::run(&ctx.state.db, &user, &filter).await },
    )
    .await
}
