//! Server functions of the 360° page.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::Member360;
use crate::error::AppError;
use crate::members::RecordDetail;

#[cfg(feature = "ssr")]
use crate::{
    auth::{Perm, session::serve},
    members::service,
    requests::query,
};

/// The 360° view of one member (PG-11).
#[server(endpoint = "members/detail", input = Json)]
pub async fn get_member_detail(id: i64) -> Result<Member360, AppError> {
    serve(Perm::QueryMemberService, |ctx, user| async move {
        let detail = service::detail(&ctx.state.db, &user, id).await?;
        let requests = query::of_customer(&ctx.state.db, &user, id).await?;
        Ok(Member360 { detail, requests })
    })
    .await
}

/// One service record (PG-12), if its member is visible to the user.
#[server(endpoint = "members/record", input = Json)]
pub async fn get_service_record(id: i64) -> Result<RecordDetail, AppError> {
    serve(Perm::QueryMemberService, |ctx, user| async move { service::record(&ctx.state.db, &user, id).await }).await
}
