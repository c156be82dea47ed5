//! Data helpers every feature shares: how a write transaction starts, how database refusals
//! become errors a user can read, and how user text reaches SQL (never as a `LIKE` pattern).
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func};
use sea_orm::{DbBackend, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait};

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

/// `haystack` contains `needle` literally: `instr` on SQLite, `strpos` on PostgreSQL, so `%`,
/// `_` and `\` in user input are plain characters (never `LIKE` with user text). Case-sensitive
/// on both databases; an empty needle matches every non-NULL value.
pub fn contains(backend: DbBackend, haystack: Expr, needle: &str) -> Expr {
    let f = if backend == DbBackend::Postgres { "strpos" } else { "instr" };
    Expr::from(Func::cust(Alias::new(f)).args([haystack, Expr::val(needle)])).gt(0)
}

/// `contains` ignoring case: the column through SQL `lower()` (which folds only ASCII letters
/// on SQLite), the needle lower-cased here.
pub fn contains_ignoring_case(backend: DbBackend, haystack: Expr, needle: &str) -> Expr {
    contains(backend, Func::lower(haystack).into(), &needle.to_lowercase())
}

/// `haystack` starts with `prefix` literally (no `LIKE` pattern either).
pub fn starts_with(haystack: Expr, prefix: &str) -> Expr {
    // INT4 on PostgreSQL: `substr(text, integer, integer)`.
    let n = i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX);
    Expr::from(Func::cust(Alias::new("substr")).args([haystack, Expr::val(1), Expr::val(n)])).eq(prefix)
}
