//! Captcha, login with per-account lock-out and per-IP throttling (counted atomically, see
//! [`super::throttle`]), logout and password change.
use base64::Engine;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryTrait};

use super::audit::{self, Entry};
use super::entity::{account, captcha_challenge, login_log};
use super::session::{self, CurrentUser, RequestMeta};
use super::throttle;
use super::token::{random_id, sha256_hex};
use super::{Captcha, ChangePasswordInput, LoginInput, LoginOutcome, LoginResult, password};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Characters that cannot be confused with each other (no 0/O, 1/l/I).
const CAPTCHA_CHARS: &str = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
const CAPTCHA_TTL_MINUTES: i64 = 5;

fn captcha_key(answer: &str) -> String {
    sha256_hex(&answer.trim().to_lowercase())
}

/// A new single-use captcha challenge, or `None` when the captcha is switched off.
pub async fn new_captcha(state: &AppState) -> AppResult<Option<Captcha>> {
    if !state.settings.captcha_enabled {
        return Ok(None);
    }
    let (answer, png) = tokio::task::spawn_blocking(|| {
        let mut c = captcha::Captcha::new();
        c.set_chars(&CAPTCHA_CHARS.chars().collect::<Vec<_>>())
            .add_chars(4)
            .apply_filter(captcha::filters::Noise::new(0.2))
            .apply_filter(captcha::filters::Wave::new(2.0, 8.0))
            .view(160, 56);
        (c.chars_as_string(), c.as_png())
    })
    .await
    .map_err(AppError::internal)?;
    let png = png.ok_or_else(|| AppError::internal("captcha png"))?;
    let id = random_id(16);
    let now = Utc::now();
    captcha_challenge::Entity::delete_many()
        .filter(captcha_challenge::Column::ExpiresAt.lt(now))
        .exec(&state.db)
        .await?;
    captcha_challenge::ActiveModel {
        id: Set(id.clone()),
        answer_hash: Set(captcha_key(&answer)),
        expires_at: Set(now + Duration::minutes(CAPTCHA_TTL_MINUTES)),
    }
    .insert(&state.db)
    .await?;
    let image = format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png));
    Ok(Some(Captcha { id, image }))
}

/// Checks and consumes a captcha answer in one statement: the challenge is deleted by the
/// first attempt that names it, right or wrong, so of any number of parallel attempts exactly
/// one can use it.
async fn check_captcha(state: &AppState, id: &str, answer: &str) -> AppResult<bool> {
    let mut consume = captcha_challenge::Entity::delete_many()
        .filter(captcha_challenge::Column::Id.eq(id))
        .filter(captcha_challenge::Column::ExpiresAt.gt(Utc::now()))
        .into_query();
    consume.returning_col(captcha_challenge::Column::AnswerHash);
    let stored = match state.db.query_one(&consume).await? {
        Some(row) => row.try_get::<String>("", "answer_hash")?,
        None => return Ok(false),
    };
    Ok(stored == captcha_key(answer))
}

async fn log_attempt(
    state: &AppState,
    meta: &RequestMeta,
    admin_id: &str,
    account_id: Option<i64>,
    result: LoginResult,
) -> AppResult<()> {
    login_log::ActiveModel {
        admin_id_attempted: Set(admin_id.chars().take(64).collect()),
        account_id: Set(account_id),
        at: Set(Utc::now()),
        ip: Set(meta.ip.clone()),
        user_agent: Set(meta.user_agent.clone()),
        result: Set(result.code().into()),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    Ok(())
}

fn bad_credentials() -> AppError {
    AppError::rejected("管理员ID或密码错误", "Wrong login ID or password")
}

fn locked(minutes: i64) -> AppError {
    AppError::Rejected(crate::error::Text::new(
        format!("登录失败次数过多,请{minutes}分钟后再试"),
        format!("Too many failed attempts, try again in {minutes} minutes"),
    ))
}

pub async fn login(state: &AppState, meta: &RequestMeta, input: LoginInput) -> AppResult<(LoginOutcome, String)> {
    let s = &state.settings;
    input.validate(s.captcha_enabled)?;
    let admin_id = input.admin_id.trim().to_string();
    let now = Utc::now();

    // Every attempt is counted against its address before anything is checked; a successful
    // login gives its attempt back.
    let ip_attempt = throttle::reserve_ip(&state.db, &meta.ip, s.lock_minutes).await?;
    if ip_attempt.number > i64::try_from(s.ip_max_failures).unwrap_or(i64::MAX) {
        log_attempt(state, meta, &admin_id, None, LoginResult::Throttled).await?;
        return Err(AppError::rejected("尝试过于频繁,请稍后再试", "Too many attempts from your address, try later"));
    }

    if s.captcha_enabled && !check_captcha(state, &input.captcha_id, &input.captcha_answer).await? {
        log_attempt(state, meta, &admin_id, None, LoginResult::BadCaptcha).await?;
        return Err(AppError::field("captcha", "验证码错误,请重新输入", "Wrong captcha, please try again"));
    }

    let found =
        account::Entity::find().filter(account::Column::AdminIdKey.eq(admin_id.to_lowercase())).one(&state.db).await?;
    let Some(acc) = found else {
        password::verify(input.password, None).await?;
        log_attempt(state, meta, &admin_id, None, LoginResult::UnknownAccount).await?;
        return Err(bad_credentials());
    };
    let Some(failures) = throttle::reserve_account(&state.db, acc.id, s.max_failures, s.lock_minutes).await? else {
        log_attempt(state, meta, &admin_id, Some(acc.id), LoginResult::Locked).await?;
        return Err(locked(s.lock_minutes));
    };
    if !password::verify(input.password, Some(acc.password_hash.clone())).await? {
        log_attempt(state, meta, &admin_id, Some(acc.id), LoginResult::BadPassword).await?;
        return Err(if failures >= s.max_failures { locked(s.lock_minutes) } else { bad_credentials() });
    }
    if acc.status() != Some(super::AccountStatus::Active) {
        throttle::clear_account(&state.db, acc.id).await?;
        log_attempt(state, meta, &admin_id, Some(acc.id), LoginResult::Suspended).await?;
        return Err(AppError::rejected("账号已悬挂,请联系公司客服", "This account is suspended, contact company CS"));
    }

    let txn = crate::db::write_txn(&state.db).await?;
    if let Some(old) = &meta.token {
        session::revoke_token(&txn, old).await?;
    }
    let token = session::create(&txn, state, acc.id, meta).await?;
    let must_change = acc.must_change_password;
    let mut am: account::ActiveModel = acc.clone().into();
    am.failed_login_count = Set(0);
    am.locked_until = Set(None);
    am.last_login_at = Set(Some(now));
    am.last_login_ip = Set(Some(meta.ip.clone()));
    am.update(&txn).await?;
    let entry = Entry::new("login", "login", "account").target(acc.id, acc.admin_id.clone());
    audit::write(&txn, acc.id, acc.organization_id, meta, entry, true).await?;
    txn.commit().await?;
    log_attempt(state, meta, &admin_id, Some(acc.id), LoginResult::Success).await?;
    throttle::release_ip(&state.db, &meta.ip, &ip_attempt).await?;
    throttle::prune_ips(&state.db, s.lock_minutes).await?;
    Ok((LoginOutcome { must_change_password: must_change }, token))
}

pub async fn logout(state: &AppState, user: &CurrentUser) -> AppResult<()> {
    let txn = crate::db::write_txn(&state.db).await?;
    if let Some(t) = &user.meta.token {
        session::revoke_token(&txn, t).await?;
    }
    audit::record(&txn, user, Entry::new("login", "logout", "account").target(user.account.id, &user.account.admin_id))
        .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn change_password(state: &AppState, user: &CurrentUser, input: ChangePasswordInput) -> AppResult<()> {
    input.validate()?;
    if !password::verify(input.old_password, Some(user.account.password_hash.clone())).await? {
        return Err(AppError::field("old_password", "原密码不正确", "The current password is wrong"));
    }
    let hash = password::hash(input.new_password).await?;
    let txn = crate::db::write_txn(&state.db).await?;
    let mut am: account::ActiveModel = user.account.clone().into();
    am.password_hash = Set(hash);
    am.must_change_password = Set(false);
    am.updated_at = Set(Utc::now());
    am.updated_by = Set(Some(user.account.id));
    am.version = Set(user.account.version + 1);
    am.update(&txn).await?;
    session::revoke_all(&txn, user.account.id, user.meta.token.as_deref()).await?;
    let entry = Entry::new(super::Perm::ChangePassword.code(), "password", "account")
        .target(user.account.id, &user.account.admin_id);
    audit::record(&txn, user, entry).await?;
    txn.commit().await?;
    Ok(())
}
