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
