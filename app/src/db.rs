//! Data helpers every feature shares: how a write transaction starts, and how database
//! refusals become errors a user can read.
use sea_orm::{DbErr, SqlErr, SqliteTransactionMode, TransactionOptions, TransactionTrait};

use crate::error::AppError;

/// Starts a transaction that will write. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later cannot be
/// upgraded while another writer holds the lock and fails at once with SQLITE_BUSY (code 5,
/// or 517 in WAL mode) instead of waiting. Waiting for the lock is bounded by the
/// connection's busy timeout. PostgreSQL ignores the SQLite mode.
pub async fn write_txn<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// A database error as the client sees it: a unique key that another request just took is a
/// refusal (HTTP 409) the user can act on, anything else is our fault (500, cause logged).
pub fn from_db(e: DbErr) -> AppError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(detail)) => {
            tracing::info!("unique constraint: {detail}");
            AppError::rejected(
                "该记录已存在(可能刚刚已提交),请刷新后查看",
                "This record already exists (it may have just been submitted); reload to see it",
            )
        }
        _ => AppError::internal(e),
    }
}
