//! Server functions of 电话回访关怀; each passes the one guard (`Perm::IntakeCallback`), then the
//! service applies the organisation scope.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{CallbackForm, CallbackInput, CallbackSaved};
use crate::error::AppError;
use crate::members::{MemberFilter, ServiceRow};
use crate::ui::Page;

#[cfg(feature = "ssr")]
use crate::{
    auth::{Perm, session::serve},
    callbacks::service,
};

/// 电话回访关怀 (PG-24): one page of members to call, inside the user's organisation scope.
#[server(endpoint = "callbacks/list", input = Json)]
pub async fn list_call_list(filter: MemberFilter) -> Result<Page<ServiceRow>, AppError> {
    serve(Perm::IntakeCallback, |ctx, user| async move {
        crate::members::query::list(&ctx.state.db, &super::call_list_filter(filter), &user.scope).await
    })
    .await
}

/// 回访录入 for member `customer`.
#[server(endpoint = "callbacks/form", input = Json)]
pub async fn load_callback_form(customer: i64) -> Result<CallbackForm, AppError> {
    serve(Perm::IntakeCallback, |ctx, user| async move { service::form(&ctx.state.db, &user, customer).await }).await
}

/// 完成.
#[server(endpoint = "callbacks/save", input = Json)]
pub async fn save_callback(input: CallbackInput) -> Result<CallbackSaved, AppError> {
    serve(Perm::IntakeCallback, |ctx, user| async move { service::save(&ctx.state.db, &user, input).await }).await
}

/// 关怀规则 (经理): the rules, the last runs and the next night's.
#[server(endpoint = "care/page", input = Json)]
pub async fn load_care_page() -> Result<super::care::CarePage, AppError> {
    serve(Perm::SystemSettings, |ctx, _user| async move { super::care_service::page(&ctx.state.db).await }).await
}

/// 保存 a rule (new, or an edit of the version shown).
#[server(endpoint = "care/save", input = Json)]
pub async fn save_care_rule(input: super::care::CareRuleInput) -> Result<super::care::CareRuleView, AppError> {
    serve(
        Perm::SystemSettings,
        |ctx, user| async move { super::care_service::save_rule(&ctx.state.db, &user, input).await },
    )
    .await
}

/// 删除 a rule (the version shown).
#[server(endpoint = "care/delete", input = Json)]
pub async fn delete_care_rule(id: i64, version: i32) -> Result<(), AppError> {
    serve(Perm::SystemSettings, |ctx, user| async move {
        super::care_service::delete_rule(&ctx.state.db, &user, id, version).await
    })
    .await
}

/// 立即运行: queues a run of the rules for `day` (`YYYY-MM-DD`, empty: today; at most a week
/// back); the page follows its job.
#[server(endpoint = "care/run", input = Json)]
pub async fn start_care_run(day: String) -> Result<crate::jobs::JobStatus, AppError> {
    serve(Perm::SystemSettings, |ctx, user| async move {
        super::care_service::start_run(&ctx.state.jobs, &user, &day).await
    })
    .await
}
