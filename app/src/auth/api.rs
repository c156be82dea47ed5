//! Server functions of the login flow. Thin: check, call the service, map to DTOs.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{Captcha, ChangePasswordInput, LoginInput, LoginOutcome, SessionUser};
use crate::error::AppError;

#[server(endpoint = "auth/captcha", input = Json)]
pub async fn new_captcha() -> Result<Option<Captcha>, AppError> {
    let state = crate::state::app_state()?;
    super::login::new_captcha(&state).await
}

#[server(endpoint = "auth/login", input = Json)]
pub async fn login(input: LoginInput) -> Result<LoginOutcome, AppError> {
    use super::session::{RequestMeta, set_cookie, set_status};
    let state = crate::state::app_state()?;
    let meta = RequestMeta::current(&state);
    match super::login::login(&state, &meta, input).await {
        Ok((outcome, token)) => {
            set_cookie(&state, Some(&token));
            Ok(outcome)
        }
        Err(e) => {
            set_status(if matches!(e, AppError::Internal(_)) {
                500
            } else {
                401
            });
            Err(e)
        }
    }
}

#[server(endpoint = "auth/logout", input = Json)]
pub async fn logout() -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    if let Some(user) = super::session::current_user().await? {
        super::login::logout(&state, &user).await?;
    }
    super::session::set_cookie(&state, None);
    Ok(())
}

/// The signed-in account, or `None`.
#[server(endpoint = "auth/me", input = Json)]
pub async fn whoami() -> Result<Option<SessionUser>, AppError> {
    Ok(super::session::current_user()
        .await?
        .map(|u| u.to_session_user()))
}

#[server(endpoint = "auth/password", input = Json)]
pub async fn change_password(input: ChangePasswordInput) -> Result<(), AppError> {
    let user = super::session::require(super::Perm::ChangePassword).await?;
    let state = crate::state::app_state()?;
    super::login::change_password(&state, &user, input).await
}
