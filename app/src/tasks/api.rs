//! Server functions of 任务提醒; each passes the one guard, then the service applies who may
//! see and do what.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{TaskActInput, TaskFilter, TaskInput, TaskOptions, TaskRow, TaskStatus};
use crate::error::AppError;
use crate::ui::Page;

#[cfg(feature = "ssr")]
use crate::{
    auth::{Perm, session::serve},
    tasks::service,
};

/// The form's choices (`related`: `service_request:ID` or `customer:ID`).
#[server(endpoint = "tasks/options", input = Json)]
pub async fn load_task_options(related: Option<String>) -> Result<TaskOptions, AppError> {
    serve(Perm::CrmTasks, |ctx, user| async move { service::options(&ctx.state.db, &user, related).await }).await
}

#[server(endpoint = "tasks/create", input = Json)]
pub async fn create_task(input: TaskInput) -> Result<i64, AppError> {
    serve(Perm::CrmTasks, |ctx, user| async move { service::create(&ctx.state.db, &user, input).await }).await
}

#[server(endpoint = "tasks/list", input = Json)]
pub async fn list_tasks(filter: TaskFilter) -> Result<Page<TaskRow>, AppError> {
    serve(Perm::CrmTasks, |ctx, user| async move { service::list(&ctx.state.db, &user, &filter).await }).await
}

#[server(endpoint = "tasks/act", input = Json)]
pub async fn act_on_task(input: TaskActInput) -> Result<TaskStatus, AppError> {
    serve(Perm::CrmTasks, |ctx, user| async move { service::act(&ctx.state.db, &user, input).await }).await
}
