//! The one error type every server function returns. It crosses the wire as JSON, carries
//! field-level validation messages in both UI languages and never leaks internals: an
//! `Internal` error shows only a request id, the cause is in the server log.
use serde::{Deserialize, Serialize};

use crate::i18n::Locale;

/// A message in both UI languages, chosen at display time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { zh: zh.into(), en: en.into() }
    }
    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::Zh => &self.zh,
            Locale::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: Text,
}

/// Field name → message pairs, produced by `validate()` on the client and again on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, zh: &str, en: &str) {
        if self.get(field).is_none() {
            self.0.push(FieldError { field: field.to_string(), message: Text::new(zh, en) });
        }
    }
    pub fn get(&self, field: &str) -> Option<&Text> {
        self.0.iter().find(|e| e.field == field).map(|e| &e.message)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `Ok(())` when nothing was added, else the errors as an [`AppError::Validation`].
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() { Ok(()) } else { Err(AppError::Validation(self)) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("未登录或登录已过期")]
    Unauthenticated,
    #[error("没有权限执行此操作")]
    Forbidden,
    #[error("记录不存在")]
    NotFound,
    #[error("输入有误")]
    Validation(FieldErrors),
    /// A refusal with a message of its own (wrong password, stale version, locked account …).
    #[error("{}", .0.zh)]
    Rejected(Text),
    #[error("系统错误,请求编号 {0}")]
    Internal(String),
    /// The request did not reach the server function or its answer could not be read.
    #[error("网络或通信错误:{0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error answers with: 401, 403, 404, 422 (field errors), 409
    /// (refused) or 500.
    pub fn http_status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Validation(_) => 422,
            AppError::Rejected(_) => 409,
            AppError::Internal(_) | AppError::Transport(_) => 500,
        }
    }

    pub fn rejected(zh: &str, en: &str) -> Self {
        AppError::Rejected(Text::new(zh, en))
    }

    pub fn field(field: &str, zh: &str, en: &str) -> Self {
        let mut f = FieldErrors::default();
        f.add(field, zh, en);
        AppError::Validation(f)
    }

    /// The message to show to a user in `locale`.
    pub fn message(&self, locale: Locale) -> String {
        let (zh, en): (String, String) = match self {
            AppError::Unauthenticated => {
                ("未登录或登录已过期,请重新登录".into(), "Not signed in or session expired".into())
            }
            AppError::Forbidden => ("没有权限执行此操作".into(), "You are not allowed to do this".into()),
            AppError::NotFound => {
                ("记录不存在或不在您的数据范围内".into(), "Not found or outside your data scope".into())
            }
            AppError::Validation(_) => ("输入有误,请按提示修改".into(), "Please correct the highlighted fields".into()),
            AppError::Rejected(t) => (t.zh.clone(), t.en.clone()),
            AppError::Internal(id) => {
                (format!("系统错误,请稍后再试(请求编号 {id})"), format!("Server error, please retry (request id {id})"))
            }
            AppError::Transport(e) => (format!("网络或通信错误:{e}"), format!("Network error: {e}")),
        };
        match locale {
            Locale::Zh => zh,
            Locale::En => en,
        }
    }

    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            AppError::Validation(f) => Some(f),
            _ => None,
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
/// A database error as the client sees it: a unique key that another request just took is a
/// refusal (HTTP 409) the user can act on, anything else is our fault (500, cause logged).
impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(detail)) => {
                tracing::info!("unique constraint: {detail}");
                AppError::rejected(
                    "该记录已存在(可能刚刚已提交),请刷新后查看",
                    "This record already exists (it may have just been submitted); reload to see it",
                )
            }
            _ => AppError::internal(e),
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs the cause with a fresh request id and returns the id-only error for the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let id = crate::auth::token::random_id(6);
        tracing::error!(request_id = %id, "internal error: {cause}");
        AppError::Internal(id)
    }
}

pub type AppResult<T> = Result<T, AppError>;
