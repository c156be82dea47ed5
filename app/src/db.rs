//! Query helpers shared by every feature's SQL.
use sea_orm::DbBackend;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func};

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
