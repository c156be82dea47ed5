//! Argon2id hashing off the async runtime, with a semaphore so a login flood cannot exhaust
//! memory (each hash holds ~19 MiB).
use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use tokio::sync::Semaphore;

use crate::error::AppError;

static PERMITS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(4));

/// A hash of a random password, verified when the account does not exist so that timing does
/// not reveal which login IDs are real.
static DUMMY: LazyLock<String> = LazyLock::new(|| hash_blocking("dummy-password-0").expect("argon2 dummy hash"));

fn hash_blocking(pw: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(pw.as_bytes(), &salt)?.to_string())
}

pub async fn hash(pw: String) -> Result<String, AppError> {
    let _permit = PERMITS.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || hash_blocking(&pw))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

pub async fn verify(pw: String, phc: Option<String>) -> Result<bool, AppError> {
    let _permit = PERMITS.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || {
        let real = phc.is_some();
        let phc = phc.unwrap_or_else(|| DUMMY.clone());
        let parsed = PasswordHash::new(&phc).map_err(AppError::internal)?;
        Ok(real && Argon2::default().verify_password(pw.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(AppError::internal)?
}
