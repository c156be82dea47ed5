//! Server functions of 流失预警 (`crm.churn`; the rules with 参数设置, i.e. 经理).
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{ChurnFilter, ChurnOptions, ChurnSummary, HandleInput, RuleView, WarningRow};
use crate::error::AppError;
use crate::jobs::JobStatus;
use crate::ui::Page;

#[cfg(feature = "ssr")]
use crate::auth::{Perm, session::serve};

#[server(endpoint = "churn/list", input = Json)]
pub async fn churn_list(filter: ChurnFilter) -> Result<(Page<WarningRow>, ChurnSummary), AppError> {
    serve(Perm::CrmChurn, |ctx, user| async move { super::service::list(&ctx.state.db, &user, &filter).await }).await
}

#[server(endpoint = "churn/options", input = Json)]
pub async fn load_churn_options() -> Result<ChurnOptions, AppError> {
    serve(Perm::CrmChurn, |ctx, user| async move { super::service::options(&ctx.state.db, &user).await }).await
}

/// 处理: 开始跟进 / 标记已挽回 / 标记已流失 / 忽略.
#[server(endpoint = "churn/handle", input = Json)]
pub async fn churn_handle(input: HandleInput) -> Result<(), AppError> {
    serve(Perm::CrmChurn, |ctx, user| async move { super::service::handle(&ctx.state.db, &user, input).await }).await
}

#[server(endpoint = "churn/rules", input = Json)]
pub async fn churn_rules() -> Result<Vec<RuleView>, AppError> {
    serve(Perm::SystemSettings, |ctx, _| async move { super::service::rules(&ctx.state.db).await }).await
}

#[server(endpoint = "churn/rules/save", input = Json)]
pub async fn churn_rules_save(rules: Vec<RuleView>) -> Result<Vec<RuleView>, AppError> {
    serve(
        Perm::SystemSettings,
        |ctx, user| async move { super::service::save_rules(&ctx.state.db, &user, rules).await },
    )
    .await
}

/// 重新计算 as of `day` ("" = today) — 主管/经理 and whoever holds 参数设置.
#[server(endpoint = "churn/run", input = Json)]
pub async fn start_churn_run(day: String) -> Result<JobStatus, AppError> {
    serve(Perm::CrmChurn, |ctx, user| async move {
        if !(super::service::may_dismiss(&user) || user.has(Perm::SystemSettings)) {
            return Err(AppError::Forbidden);
        }
        super::service::start_run(&ctx.state.jobs, &user, &day).await
    })
    .await
}
