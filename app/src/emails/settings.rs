//! 系统参数 of e-mail (PG-93 `smtp.*`, `email.*`), kept as JSON rows of `system_setting`. The
//! SMTP password is sealed with ChaCha20-Poly1305 under a key derived from the environment's
//! `CRM_SECRET_KEY`: the database alone never reveals it, and the page never receives it.
use base64::Engine;
use chrono::Utc;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Digest;

use super::entity::system_setting;
use super::{DEFAULT_BATCH_MAX, DEFAULT_RATE_PER_MINUTE, MailSettings, TlsMode};
use crate::auth::Perm;
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};

const SMTP: &str = "smtp";
const EMAIL: &str = "email";
/// The environment variable holding the key material for stored secrets.
pub const SECRET_ENV: &str = "CRM_SECRET_KEY";

/// The SMTP server as stored (`password`: sealed, base64).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct StoredSmtp {
    host: String,
    port: u16,
    tls: String,
    user: String,
    password: Option<String>,
    from_address: String,
    from_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredLimits {
    batch_max: u64,
    rate_per_minute: u32,
}

impl Default for StoredLimits {
    fn default() -> Self {
        Self { batch_max: DEFAULT_BATCH_MAX, rate_per_minute: DEFAULT_RATE_PER_MINUTE }
    }
}

/// The SMTP server the sender uses (the password opened).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub user: String,
    pub password: Option<String>,
    pub from_address: String,
    pub from_name: String,
}

/// The sending limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub batch_max: u64,
    pub rate_per_minute: u32,
}

fn key() -> Option<LessSafeKey> {
    let material = std::env::var(SECRET_ENV).ok().filter(|k| k.len() >= 16)?;
    let digest = sha2::Sha256::digest(material.as_bytes());
    UnboundKey::new(&CHACHA20_POLY1305, &digest).ok().map(LessSafeKey::new)
}

fn no_key() -> AppError {
    AppError::field(
        "password",
        "服务器未配置 CRM_SECRET_KEY(至少 16 个字符),无法保存密码",
        "The server has no CRM_SECRET_KEY (16+ characters) to keep the password with",
    )
}

/// `secret` sealed: base64 of nonce ‖ ciphertext ‖ tag.
pub fn seal(secret: &str) -> AppResult<String> {
    let key = key().ok_or_else(no_key)?;
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new().fill(&mut nonce).map_err(|_| AppError::internal("no randomness"))?;
    let mut data = secret.as_bytes().to_vec();
    key.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut data)
        .map_err(|_| AppError::internal("seal failed"))?;
    let mut out = nonce.to_vec();
    out.extend(data);
    Ok(base64::engine::general_purpose::STANDARD.encode(out))
}

/// The secret `sealed` holds; `None` when the key is missing or another.
pub fn open(sealed: &str) -> Option<String> {
    let key = key()?;
    let raw = base64::engine::general_purpose::STANDARD.decode(sealed).ok()?;
    if raw.len() < NONCE_LEN {
        return None;
    }
    let (nonce, rest) = raw.split_at(NONCE_LEN);
    let mut data = rest.to_vec();
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    let plain = key.open_in_place(nonce, Aad::empty(), &mut data).ok()?;
    String::from_utf8(plain.to_vec()).ok()
}

async fn read<T: for<'de> Deserialize<'de> + Default>(db: &impl ConnectionTrait, key: &str) -> AppResult<T> {
    Ok(match system_setting::Entity::find_by_id(key.to_string()).one(db).await? {
        Some(row) => serde_json::from_str(&row.value).unwrap_or_default(),
        None => T::default(),
    })
}

async fn write(db: &impl ConnectionTrait, key: &str, value: &impl Serialize, by: i64) -> AppResult<()> {
    let row = system_setting::ActiveModel {
        key: Set(key.into()),
        value: Set(serde_json::to_string(value).map_err(AppError::internal)?),
        updated_by: Set(Some(by)),
        updated_at: Set(Utc::now()),
    };
    system_setting::Entity::insert(row)
        .on_conflict(
            OnConflict::column(system_setting::Column::Key)
                .update_columns([
                    system_setting::Column::Value,
                    system_setting::Column::UpdatedBy,
                    system_setting::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The SMTP server, if one is set. A stored password that cannot be opened (the key changed)
/// is an error the batch pages show.
pub async fn smtp(db: &impl ConnectionTrait) -> AppResult<Option<Smtp>> {
    let s: StoredSmtp = read(db, SMTP).await?;
    if s.host.trim().is_empty() {
        return Ok(None);
    }
    let password = match &s.password {
        Some(sealed) => Some(open(sealed).ok_or_else(|| {
            AppError::rejected(
                "无法解密已保存的 SMTP 密码(CRM_SECRET_KEY 已更改?),请在系统参数中重新填写",
                "The stored SMTP password cannot be opened (CRM_SECRET_KEY changed?); enter it again",
            )
        })?),
        None => None,
    };
    Ok(Some(Smtp {
        host: s.host,
        port: s.port,
        tls: TlsMode::parse(&s.tls).unwrap_or(TlsMode::Tls),
        user: s.user,
        password,
        from_address: s.from_address,
        from_name: s.from_name,
    }))
}

pub async fn limits(db: &impl ConnectionTrait) -> AppResult<Limits> {
    let l: StoredLimits = read(db, EMAIL).await?;
    Ok(Limits { batch_max: l.batch_max, rate_per_minute: l.rate_per_minute.max(1) })
}

/// What the settings page shows (never the password).
pub async fn load(db: &impl ConnectionTrait) -> AppResult<MailSettings> {
    let s: StoredSmtp = read(db, SMTP).await?;
    let l: StoredLimits = read(db, EMAIL).await?;
    Ok(MailSettings {
        host: s.host,
        port: if s.port == 0 { "465".into() } else { s.port.to_string() },
        tls: if s.tls.is_empty() { TlsMode::Tls.code().into() } else { s.tls },
        user: s.user,
        password: String::new(),
        password_set: s.password.is_some(),
        clear_password: false,
        from_address: s.from_address,
        from_name: s.from_name,
        batch_max: l.batch_max.to_string(),
        rate_per_minute: l.rate_per_minute.to_string(),
    })
}

/// 保存 (经理). An empty password keeps the stored one; `clear_password` removes it.
pub async fn save(
    db: &sea_orm::DatabaseConnection,
    user: &CurrentUser,
    input: MailSettings,
) -> AppResult<MailSettings> {
    let (port, batch_max, rate) = input.validate()?;
    let old: StoredSmtp = read(db, SMTP).await?;
    let password = if input.clear_password {
        None
    } else if input.password.is_empty() {
        old.password.clone()
    } else if input.password.chars().count() > 200 {
        return Err(AppError::field("password", "密码过长", "The password is too long"));
    } else {
        Some(seal(&input.password)?)
    };
    let smtp = StoredSmtp {
        host: input.host.trim().into(),
        port,
        tls: input.tls.clone(),
        user: input.user.trim().into(),
        password,
        from_address: input.from_address.trim().into(),
        from_name: input.from_name.trim().into(),
    };
    let txn = crate::db::write_txn(db).await?;
    write(&txn, SMTP, &smtp, user.account.id).await?;
    write(&txn, EMAIL, &StoredLimits { batch_max, rate_per_minute: rate }, user.account.id).await?;
    audit::record(
        &txn,
        user,
        Entry::new(Perm::SystemSettings.code(), "update", "system_setting").target(0, "smtp").detail(json!({
            "host": smtp.host, "port": port, "tls": smtp.tls, "user": smtp.user, "from_address": smtp.from_address,
            "password_changed": !input.password.is_empty() || input.clear_password,
            "batch_max": batch_max, "rate_per_minute": rate,
        })),
    )
    .await?;
    txn.commit().await?;
    load(db).await
}
