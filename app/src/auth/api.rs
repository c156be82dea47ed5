//! Server functions of the login flow. Thin: capture the request context, call the service.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{Captcha, ChangePasswordInput, LoginInput, LoginOutcome, SessionUser};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use super::session::{Access, Ctx, serve};

#[server(endpoint = "auth/captcha", input = Json)]
pub async fn new_captcha() -> Result<Option<Captcha>, AppError> {
    let ctx = Ctx::get()?;
    super::login::new_captcha(&ctx.state).await
}

#[server(endpoint = "auth/login", input = Json)]
pub async fn login(input: LoginInput) -> Result<LoginOutcome, AppError> {
    let ctx = Ctx::get()?;
    match super::login::login(&ctx.state, &ctx.meta, input).await {
        Ok((outcome, token)) => {
            ctx.set_cookie(Some(&token));
            Ok(outcome)
        }
        Err(e) => ctx.respond(Err(e)),
    }
}

#[server(endpoint = "auth/logout", input = Json)]
pub async fn logout() -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    if let Some(user) = ctx.user_before_password_change().await? {
        super::login::logout(&ctx.state, &user).await?;
    }
    ctx.set_cookie(None);
    Ok(())
}

/// The signed-in account, or `None`.
#[server(endpoint = "auth/me", input = Json)]
pub async fn whoami() -> Result<Option<SessionUser>, AppError> {
    let ctx = Ctx::get()?;
    Ok(ctx.user_before_password_change().await?.map(|u| u.to_session_user()))
}

#[server(endpoint = "auth/password", input = Json)]
pub async fn change_password(input: ChangePasswordInput) -> Result<(), AppError> {
    serve(
        Access::PasswordChange,
        |ctx, user| async move { super::login::change_password(&ctx.state, &user, input).await },
    )
    .await
}
