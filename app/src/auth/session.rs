//! Database sessions (SPEC A8): a random 256-bit token in an HttpOnly, SameSite=Strict cookie,
//! stored only as its SHA-256. Every request re-reads the account, its role and permissions,
//! so suspension and permission changes take effect on the next request.
use std::collections::HashSet;
use std::net::SocketAddr;

use chrono::{Duration, Utc};
use http::HeaderValue;
use http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use leptos::prelude::use_context;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr,
};

use super::entity::{account, account_permission, organization, permission, role, role_permission, user_session};
use super::perm::grant_allowed;
use super::scope::Scope;
use super::token::{random_id, sha256_hex};
use super::{AccountStatus, DataScope, Perm, PermissionMode, RoleCategory, RoleCode, SessionUser};
use crate::error::{AppError, AppResult};
use crate::state::{AppState, app_state};

pub const SESSION_COOKIE: &str = "crm_session";

/// Where a request came from, recorded in the logs.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: String,
    pub user_agent: Option<String>,
    /// The session token from the cookie, if any.
    pub token: Option<String>,
}

impl RequestMeta {
    pub fn from_parts(parts: &http::request::Parts, trust_proxy: bool) -> Self {
        let forwarded = trust_proxy
            .then(|| parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()))
            .flatten()
            .and_then(|v| v.split(',').next())
            .map(|s| s.trim().to_string());
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        let token = parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == SESSION_COOKIE)
            .map(|(_, v)| v.to_string())
            .filter(|v| !v.is_empty());
        Self {
            ip: forwarded.or(peer).unwrap_or_else(|| "unknown".into()),
            user_agent: parts
                .headers
                .get(USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.chars().take(255).collect()),
            token,
        }
    }

    pub fn current(state: &AppState) -> Self {
        use_context::<http::request::Parts>()
            .map(|p| Self::from_parts(&p, state.settings.trust_proxy))
            .unwrap_or_default()
    }
}

/// The signed-in account of this request with everything the checks need.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub account: account::Model,
    pub role: role::Model,
    pub org: organization::Model,
    pub permissions: HashSet<String>,
    pub scope: Scope,
    pub meta: RequestMeta,
}

impl CurrentUser {
    pub fn has(&self, p: Perm) -> bool {
        self.permissions.contains(p.code())
    }
    /// 主管 and 经理 of the company CS department: exports of any size (NFR-29).
    pub fn may_export_large(&self) -> bool {
        RoleCode::is_reviewer(self.role_code())
    }
    /// Whether the user reads the team's numbers (统计查询 by agent or organisation, churn
    /// statistics): 主管, 经理 and the rep offices (their own office), or a custom role trusted
    /// with 分析 (SPEC PG-79).
    pub fn sees_team_numbers(&self) -> bool {
        matches!(self.role_code(), Some(RoleCode::CsManager | RoleCode::CsSupervisor | RoleCode::RepOfficeCs))
            || self.has(Perm::StatsAnalysis)
    }
    /// The built-in role, if the account has one (custom roles: `None`).
    pub fn role_code(&self) -> Option<RoleCode> {
        self.role.role_code()
    }
    pub fn category(&self) -> RoleCategory {
        RoleCategory::from_code(&self.account.role_category).unwrap_or(RoleCategory::BusinessDeptAdmin)
    }
    pub fn to_session_user(&self) -> SessionUser {
        let mut permissions: Vec<String> = self.permissions.iter().cloned().collect();
        permissions.sort();
        SessionUser {
            account_id: self.account.id,
            admin_id: self.account.admin_id.clone(),
            name: self.account.name.clone(),
            org_id: self.org.id,
            org_name: self.org.name.clone(),
            role_name_zh: self.role.name.clone(),
            role_name_en: self.role.name_en.clone(),
            role_category: self.category(),
            role_code: self.role.code.clone(),
            must_change_password: self.account.must_change_password,
            permissions,
        }
    }
}

/// Who may call a server function.
#[derive(Debug, Clone, Copy)]
pub enum Access {
    /// Every signed-in account (that has replaced its initial password).
    Login,
    /// Accounts holding this permission.
    Perm(Perm),
    /// Accounts holding any of these permissions.
    Any(&'static [Perm]),
    /// The password change itself: also while the initial password is still to be replaced.
    PasswordChange,
}

impl From<Perm> for Access {
    fn from(p: Perm) -> Self {
        Access::Perm(p)
    }
}

/// The frame of every server function, so that a new one is three lines:
///
/// ```ignore
/// #[server(endpoint = "archive/list", input = Json)]
/// pub async fn list_archive(filter: ArchiveFilter) -> Result<Page<ArchiveRow>, AppError> {
///     serve(Perm::ArchiveCustomer, |ctx, user| async move { list::list(&ctx.state.db, &user, &filter).await }).await
/// }
/// ```
///
/// It captures the request (before the first `.await`, while Leptos' context is reliable),
/// checks the session, the initial password and `access`, runs `f` with the context and the
/// signed-in user — whose `scope` the data access applies — and gives the result its HTTP
/// status (401, 403, 404, 409, 422, 500).
pub async fn serve<T, F, Fut>(access: impl Into<Access>, f: F) -> AppResult<T>
where
    F: FnOnce(Ctx, CurrentUser) -> Fut,
    Fut: std::future::Future<Output = AppResult<T>>,
{
    let ctx = Ctx::get()?;
    let result = match ctx.guard(access.into()).await {
        Ok(user) => f(ctx.clone(), user).await,
        Err(e) => Err(e),
    };
    ctx.respond(result)
}

/// Everything a server function needs from the request, captured synchronously at its start:
/// Leptos' context is only reliable before the first `.await` (SSR resource fetches resume
/// outside the reactive owner).
#[derive(Clone)]
pub struct Ctx {
    pub state: AppState,
    pub meta: RequestMeta,
    response: Option<leptos_axum::ResponseOptions>,
}

impl Ctx {
    #[track_caller]
    pub fn get() -> AppResult<Self> {
        let state = app_state()?;
        let meta = RequestMeta::current(&state);
        Ok(Self { state, meta, response: use_context::<leptos_axum::ResponseOptions>() })
    }

    /// The signed-in user, or `Unauthenticated` (HTTP 401); an account that still has to
    /// replace its initial password is refused here (HTTP 403), so every guard built on this
    /// one — [`Ctx::require`], [`Ctx::require_any`] — refuses it too.
    pub async fn require_login(&self) -> AppResult<CurrentUser> {
        authenticate(&self.state, &self.meta).await.inspect_err(|e| match e {
            AppError::Unauthenticated => self.set_status(401),
            AppError::Rejected(_) => self.set_status(403),
            _ => {}
        })
    }

    /// The account of this request even while it still has to replace its initial password,
    /// `None` without a valid session. Only for what the password-change page itself needs:
    /// who is signed in (`auth/me`), logging out, and [`Ctx::require_password_change`].
    /// Everything else goes through [`Ctx::require_login`].
    pub async fn user_before_password_change(&self) -> AppResult<Option<CurrentUser>> {
        let Some(token) = self.meta.token.as_deref() else { return Ok(None) };
        load_user(&self.state, token, self.meta.clone()).await
    }

    /// The signed-in user for the password change: allowed with the change-password permission,
    /// and always while the initial password is still to be replaced.
    pub async fn require_password_change(&self) -> AppResult<CurrentUser> {
        let Some(user) = self.user_before_password_change().await? else {
            self.set_status(401);
            return Err(AppError::Unauthenticated);
        };
        if user.account.must_change_password || user.has(Perm::ChangePassword) {
            Ok(user)
        } else {
            self.set_status(403);
            Err(AppError::Forbidden)
        }
    }

    /// The signed-in user if `access` lets it in (see [`serve`]).
    pub async fn guard(&self, access: Access) -> AppResult<CurrentUser> {
        match access {
            Access::Login => self.require_login().await,
            Access::Perm(p) => self.require(p).await,
            Access::Any(perms) => self.require_any(perms).await,
            Access::PasswordChange => self.require_password_change().await,
        }
    }

    /// The signed-in user if it holds `perm`; `Forbidden` (HTTP 403) otherwise.
    pub async fn require(&self, perm: Perm) -> AppResult<CurrentUser> {
        self.require_any(&[perm]).await
    }

    /// Like [`Ctx::require`] for any of `perms`.
    pub async fn require_any(&self, perms: &[Perm]) -> AppResult<CurrentUser> {
        let user = self.require_login().await?;
        if perms.iter().any(|p| user.has(*p)) {
            Ok(user)
        } else {
            tracing::warn!(account = user.account.id, ?perms, "permission denied");
            self.set_status(403);
            Err(AppError::Forbidden)
        }
    }

    /// Gives a server function's result its HTTP status, unless a check already chose one:
    /// 401, 403, 404, 422 (field errors), 409 (refused) or 500.
    pub fn respond<T>(&self, result: AppResult<T>) -> AppResult<T> {
        let chosen = self.response.as_ref().is_some_and(|r| r.0.read().map(|p| p.status.is_some()).unwrap_or(false));
        if let (Err(e), false) = (&result, chosen) {
            self.set_status(e.http_status());
        }
        result
    }

    /// Sets the HTTP status of the response (server-function errors are 500 by default).
    pub fn set_status(&self, code: u16) {
        if let (Some(opts), Ok(status)) = (&self.response, http::StatusCode::from_u16(code)) {
            opts.set_status(status);
        }
    }

    /// Sends the session cookie (or, with `None`, expires it).
    pub fn set_cookie(&self, token: Option<&str>) {
        let secure = if self.state.settings.cookie_secure { "; Secure" } else { "" };
        let cookie = match token {
            Some(t) => format!("{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Strict{secure}"),
            None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
        };
        if let (Some(opts), Ok(v)) = (&self.response, HeaderValue::from_str(&cookie)) {
            opts.append_header(SET_COOKIE, v);
        }
    }
}

/// The refusal of every request but the password change while the initial password is unchanged.
fn initial_password_pending() -> AppError {
    AppError::rejected("请先修改初始密码", "Please change your initial password first")
}

/// The one check every request of a signed-in user passes, server function or plain route:
/// a valid session (else `Unauthenticated`) of an account that has replaced its initial
/// password (else [`initial_password_pending`], answered with HTTP 403).
pub async fn authenticate(state: &AppState, meta: &RequestMeta) -> AppResult<CurrentUser> {
    let token = meta.token.as_deref().ok_or(AppError::Unauthenticated)?;
    let user = load_user(state, token, meta.clone()).await?.ok_or(AppError::Unauthenticated)?;
    if user.account.must_change_password {
        return Err(initial_password_pending());
    }
    Ok(user)
}

/// The account of a session token, whatever its password state: private, so that a request
/// can only get a user through [`authenticate`] or the narrow [`Ctx`] methods built on it.
async fn load_user(state: &AppState, token: &str, meta: RequestMeta) -> AppResult<Option<CurrentUser>> {
    let db = &state.db;
    let now = Utc::now();
    let idle = Duration::minutes(state.settings.session_idle_minutes);
    let Some(session) = user_session::Entity::find_by_id(sha256_hex(token)).one(db).await? else {
        return Ok(None);
    };
    if session.revoked_at.is_some() || session.expires_at <= now || session.last_seen_at + idle <= now {
        return Ok(None);
    }
    let Some(account) = account::Entity::find_by_id(session.account_id).one(db).await? else {
        return Ok(None);
    };
    if account.status() != Some(AccountStatus::Active) {
        return Ok(None);
    }
    if now - session.last_seen_at > Duration::seconds(60) {
        user_session::Entity::update_many()
            .col_expr(user_session::Column::LastSeenAt, Expr::value(now))
            .filter(user_session::Column::Id.eq(session.id.clone()))
            .exec(db)
            .await?;
    }
    Ok(Some(CurrentUser::of_account(db, account, meta).await?))
}

impl CurrentUser {
    /// What `account` may do and see: its role, organisation, effective permissions and data
    /// scope (a session's user; the command-line tools act as a demo account with it).
    pub async fn of_account(db: &impl ConnectionTrait, account: account::Model, meta: RequestMeta) -> AppResult<Self> {
        let role = role::Entity::find_by_id(account.role_id).one(db).await?.ok_or(AppError::Unauthenticated)?;
        let org = organization::Entity::find_by_id(account.organization_id)
            .one(db)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let permissions = effective_permissions(db, &account, &org).await?;
        let data_scope = DataScope::from_code(&role.data_scope).unwrap_or(DataScope::Own);
        let scope = Scope::resolve(db, data_scope, org.id, account.id).await?;
        Ok(CurrentUser { account, role, org, permissions, scope, meta })
    }
}

/// The codes stored for an account: its own set in `custom` mode, else its role's defaults
/// (before the grant constraints are applied).
pub async fn granted_codes(db: &impl ConnectionTrait, account: &account::Model) -> AppResult<Vec<String>> {
    let mut codes: Vec<String> = if account.permission_mode() == Some(PermissionMode::Custom) {
        account_permission::Entity::find()
            .filter(account_permission::Column::AccountId.eq(account.id))
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.permission_code)
            .collect()
    } else {
        role_permission::Entity::find()
            .filter(role_permission::Column::RoleId.eq(account.role_id))
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.permission_code)
            .collect()
    };
    codes.sort();
    Ok(codes)
}

/// Effective permissions (SPEC A7): the account's own set in `custom` mode, else its role's
/// defaults, always narrowed by the grant constraints of §7.3; a business-department account
/// also gets the 相关业务功能 node of its own department.
pub async fn effective_permissions(
    db: &impl ConnectionTrait,
    account: &account::Model,
    org: &organization::Model,
) -> AppResult<HashSet<String>> {
    let granted = granted_codes(db, account).await?;
    let nodes = permission::Entity::find().all(db).await?;
    let category = RoleCategory::from_code(&account.role_category).unwrap_or(RoleCategory::BusinessDeptAdmin);
    let dept = org.department_kind();
    let mut out: HashSet<String> = granted
        .into_iter()
        .filter(|code| nodes.iter().any(|n| &n.code == code && grant_allowed(code, n.company_cs_only, category, dept)))
        .collect();
    if category == RoleCategory::BusinessDeptAdmin {
        out.extend(dept.and_then(crate::auth::DepartmentKind::own_perm).map(|p| p.code().to_string()));
    }
    Ok(out)
}

/// Opens a session for `account_id` and returns the cookie token.
pub async fn create(
    db: &impl ConnectionTrait,
    state: &AppState,
    account_id: i64,
    meta: &RequestMeta,
) -> AppResult<String> {
    let token = random_id(32);
    let now = Utc::now();
    user_session::ActiveModel {
        id: Set(sha256_hex(&token)),
        account_id: Set(account_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + Duration::hours(state.settings.session_absolute_hours)),
        ip: Set(Some(meta.ip.clone())),
        user_agent: Set(meta.user_agent.clone()),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Revokes the session of `token`.
pub async fn revoke_token(db: &impl ConnectionTrait, token: &str) -> AppResult<()> {
    user_session::Entity::update_many()
        .col_expr(user_session::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(user_session::Column::Id.eq(sha256_hex(token)))
        .filter(user_session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes every open session of an account, except the one of `keep_token`.
pub async fn revoke_all(db: &impl ConnectionTrait, account_id: i64, keep_token: Option<&str>) -> AppResult<()> {
    let mut q = user_session::Entity::update_many()
        .col_expr(user_session::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(user_session::Column::AccountId.eq(account_id))
        .filter(user_session::Column::RevokedAt.is_null());
    if let Some(t) = keep_token {
        q = q.filter(user_session::Column::Id.ne(sha256_hex(t)));
    }
    q.exec(db).await?;
    Ok(())
}
