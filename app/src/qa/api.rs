//! Server functions of the QA pages (诉求信息质检管理 `cs_mgmt.qa`; amending needs
//! `cs_mgmt.qa.amend`, which the service checks). Each passes the one guard (`serve`).
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{QaEntry, QaFilter, QaInput, QaOptions, QaReport, QaReportFilter, QaRow, QaSample, QaSaved, SampleInput};
use crate::error::AppError;
use crate::ui::Page;

#[cfg(feature = "ssr")]
use crate::{
    auth::{Perm, session::serve},
    qa::{report, sample, service},
};

/// The organisations, agents and inspectors of the filters.
#[server(endpoint = "qa/options", input = Json)]
pub async fn load_qa_options() -> Result<QaOptions, AppError> {
    serve(Perm::Qa, |ctx, _user| async move { service::options(&ctx.state.db).await }).await
}

/// PG-38: a page of the completed requests of the filter.
#[server(endpoint = "qa/list", input = Json)]
pub async fn list_qa(filter: QaFilter) -> Result<Page<QaRow>, AppError> {
    serve(Perm::Qa, |ctx, user| async move { service::list(&ctx.state.db, &user, &filter).await }).await
}

/// 随机抽取 over the filter's requests (a page of the sample).
#[server(endpoint = "qa/sample", input = Json)]
pub async fn draw_qa_sample(filter: QaFilter, input: SampleInput) -> Result<QaSample, AppError> {
    serve(Perm::Qa, |ctx, user| async move { sample::sample(&ctx.state.db, &user, &filter, &input).await }).await
}

/// PG-39: the request with its inspections.
#[server(endpoint = "qa/get", input = Json)]
pub async fn get_qa_entry(id: i64) -> Result<QaEntry, AppError> {
    serve(Perm::Qa, |ctx, user| async move { service::entry(&ctx.state.db, &user, id).await }).await
}

/// 保存 of PG-39.
#[server(endpoint = "qa/save", input = Json)]
pub async fn save_qa(input: QaInput) -> Result<QaSaved, AppError> {
    serve(Perm::Qa, |ctx, user| async move { service::save(&ctx.state.db, &user, input).await }).await
}

/// PG-40: a page of the current inspections and the summary.
#[server(endpoint = "qa/report", input = Json)]
pub async fn load_qa_report(filter: QaReportFilter) -> Result<QaReport, AppError> {
    serve(Perm::Qa, |ctx, user| async move { report::report(&ctx.state.db, &user, &filter).await }).await
}
