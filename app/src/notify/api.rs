//! Server functions of the message centre: every signed-in account reads its own messages.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{MessageFilter, NotificationRow};
use crate::error::AppError;
use crate::ui::Page;

#[cfg(feature = "ssr")]
use crate::{
    auth::session::{Access, serve},
    notify::service,
};

/// The number of unread messages (the top bar polls it).
#[server(endpoint = "messages/unread", input = Json)]
pub async fn unread_messages() -> Result<u64, AppError> {
    serve(Access::Login, |ctx, user| async move { service::unread_count(&ctx.state.db, &user).await }).await
}

#[server(endpoint = "messages/list", input = Json)]
pub async fn list_messages(filter: MessageFilter) -> Result<Page<NotificationRow>, AppError> {
    serve(Access::Login, |ctx, user| async move { service::list(&ctx.state.db, &user, &filter).await }).await
}

/// Marks messages read (`ids` absent: all of the account's messages); returns how many. Only
/// the account's own messages change: read state is personal, not an audited operation.
#[server(endpoint = "messages/read", input = Json)]
pub async fn mark_messages_read(ids: Option<Vec<i64>>) -> Result<u64, AppError> {
    serve(Access::Login, |ctx, user| async move { service::mark_read(&ctx.state.db, &user, ids).await }).await
}
