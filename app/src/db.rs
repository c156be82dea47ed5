//! Data helpers every feature shares: how a write transaction starts, optimistic locking and
//! the conflict message naming who saved last, how user text reaches SQL (never as a `LIKE`
//! pattern), a workflow step claimed once, names of referenced rows, and one page of a list. (Scope conditions are
//! `auth::scope::Scope`'s; database refusals become user errors in `error`.)
use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::auth::entity::account;
use crate::error::{AppError, AppResult, Text};
use crate::ui::Page;

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

/// The stale-version error; names who saved the row last (SPEC §3 optimistic locking).
pub async fn conflict(db: &impl ConnectionTrait, updated_by: Option<i64>) -> AppError {
    let who = match updated_by {
        Some(id) => account::Entity::find_by_id(id).one(db).await.ok().flatten().map(|a| a.name),
        None => None,
    }
    .unwrap_or_else(|| "其他用户".into());
    AppError::Rejected(Text::new(
        format!("该记录已被 {who} 修改,请刷新后重试"),
        format!("This record was changed by {who} meanwhile; reload and try again"),
    ))
}

/// Optimistic locking: writes the set fields of `am` to the row `id` only if it still has
/// `version`. `false` means someone saved it in between.
pub async fn update_versioned<E, A>(
    db: &impl ConnectionTrait,
    am: A,
    id: (E::Column, i64),
    version: (E::Column, i32),
) -> Result<bool, DbErr>
where
    E: EntityTrait,
    A: ActiveModelTrait<Entity = E> + Send,
{
    let res = E::update_many().set(am).filter(id.0.eq(id.1)).filter(version.0.eq(version.1)).exec(db).await?;
    Ok(res.rows_affected == 1)
}

/// A workflow step that must happen once: `update` is applied to row `id` only while its
/// state column still holds `from` (one conditional UPDATE). Of two concurrent claims the
/// second waits for the first to commit, then matches no row: `false`, the step was taken
/// by someone else meanwhile. `update` holds the new state and whatever goes with it.
pub async fn claim<E: EntityTrait>(
    db: &impl ConnectionTrait,
    update: sea_orm::UpdateMany<E>,
    id: (E::Column, i64),
    state: (E::Column, &str),
) -> Result<bool, DbErr> {
    let res = update.filter(id.0.eq(id.1)).filter(state.0.eq(state.1)).exec(db).await?;
    Ok(res.rows_affected == 1)
}

/// The next number of sequence (`prefix`, `day`): 1 for the day's first. One upsert that
/// returns the new value, in the caller's transaction, so concurrent saves get distinct
/// numbers and a rolled-back save gives its number back.
pub async fn next_in_sequence(db: &impl ConnectionTrait, prefix: &str, day: &str) -> AppResult<i64> {
    let table = Alias::new("number_sequence");
    let last = Alias::new("last");
    let mut upsert = Query::insert();
    upsert
        .into_table(table.clone())
        .columns([Alias::new("prefix"), Alias::new("day"), last.clone()])
        .values_panic([prefix.into(), day.into(), 1.into()])
        .on_conflict(
            OnConflict::columns([Alias::new("prefix"), Alias::new("day")])
                .value(last.clone(), Expr::col((table, last.clone())).add(1))
                .to_owned(),
        )
        .returning(Query::returning().column(last));
    let row = db.query_one(&upsert).await?.ok_or_else(|| AppError::internal("number_sequence upsert"))?;
    Ok(i64::from(row.try_get::<i32>("", "last")?))
}

/// Empty strings become NULL (SPEC §3.1).
pub fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

pub fn unique_violation(e: &DbErr) -> bool {
    let s = e.to_string().to_lowercase();
    s.contains("unique") || s.contains("duplicate")
}

/// Names of accounts by id (for "录入人", "审批人" … columns).
pub async fn account_names(db: &impl ConnectionTrait, ids: Vec<i64>) -> AppResult<HashMap<i64, String>> {
    names::<account::Entity>(db, ids, account::Column::Id, |a| (a.id, a.name)).await
}

/// Names of accounts and of organisations by id, in ONE statement (a detail page names the
/// people of its timeline and their organisations).
pub async fn people_and_orgs(
    db: &impl ConnectionTrait,
    accounts: Vec<i64>,
    orgs: Vec<i64>,
) -> AppResult<(HashMap<i64, String>, HashMap<i64, String>)> {
    use sea_orm::sea_query::UnionType;
    let pick = |table: &str, kind: i32, ids: Vec<i64>| {
        let mut q = Query::select();
        q.expr_as(Expr::val(kind), Alias::new("kind"))
            .column(Alias::new("id"))
            .column(Alias::new("name"))
            .from(Alias::new(table))
            .and_where(Expr::col(Alias::new("id")).is_in(if ids.is_empty() { vec![0] } else { ids }));
        q
    };
    let mut q = pick("account", 0, accounts);
    q.union(UnionType::All, pick("organization", 1, orgs));
    let (mut people, mut places) = (HashMap::new(), HashMap::new());
    for row in db.query_all(&q).await? {
        let (kind, id, name) =
            (row.try_get::<i32>("", "kind")?, row.try_get::<i64>("", "id")?, row.try_get::<String>("", "name")?);
        if kind == 0 {
            people.insert(id, name)
        } else {
            places.insert(id, name)
        };
    }
    Ok((people, places))
}

/// `f`'s (id, name) of the rows of `E` with these ids.
pub async fn names<E: EntityTrait>(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
    pk: E::Column,
    f: impl Fn(E::Model) -> (i64, String),
) -> AppResult<HashMap<i64, String>>
where
    E::Column: ColumnTrait,
{
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(E::find().filter(pk.is_in(ids)).all(db).await?.into_iter().map(f).collect())
}

/// A list over millions of rows, read by [`fetch_listing`].
pub struct Listing<E: EntityTrait> {
    /// The list's rows: its filters, no order.
    pub rows: sea_orm::Select<E>,
    /// The account's data scope (and any filter planned like it), for counting: its
    /// alternatives served by their indexes.
    pub scope: Condition,
    /// The same conditions for walking the page's order, their columns kept out of the
    /// planner's index choice (see [`hidden_from_index`]): an office's scope "accepted here, or
    /// about our member, or mine" would otherwise gather its 250k requests and sort them for one
    /// page.
    pub walk_scope: Condition,
    /// The primary key (an `i64`).
    pub id: E::Column,
    /// The page's order: this timestamp column, then `id`, both descending (`desc`) or both
    /// ascending; NULL sorts first ascending, last descending (as SQLite does).
    pub key: E::Column,
    pub desc: bool,
}

/// Whether `rows` has more than `limit` rows, reading at most `limit + 1` of them.
pub async fn more_than(
    db: &impl ConnectionTrait,
    mut rows: sea_orm::sea_query::SelectStatement,
    limit: u64,
) -> AppResult<bool> {
    rows.limit(limit + 1);
    let mut q = Query::select();
    q.expr(Expr::cust("COUNT(*)")).from_subquery(rows, Alias::new("bounded"));
    let n = match db.query_one(&q).await? {
        Some(row) => row.try_get_by_index::<i64>(0)?,
        None => 0,
    };
    Ok(n as u64 > limit)
}

/// A column of `E` as a condition may name it without offering its index to SQLite's planner
/// (`+column`, SQLite's documented way); as itself elsewhere.
pub fn hidden_from_index<E: EntityTrait>(backend: DbBackend, col: E::Column) -> Expr {
    let col = Expr::col((E::default(), col));
    // (`?` is SQLite's placeholder, which sea-query replaces by the column.)
    if backend == DbBackend::Sqlite { Expr::cust_with_expr("+?", col) } else { col }
}

/// Pages counted beyond the one shown: the pager offers them, "超过 N 条" says there is more.
pub const PAGES_COUNTED: u64 = 10;

/// One page of a [`Listing`], its total counted up to [`PAGES_COUNTED`] pages past the one
/// shown. At most three statements, whichever filters are combined, each bounded by that
/// window rather than by the table:
///
/// 1. The `(key, id)` of the matches, at most the window, without order: the planner takes the
///    index that finds matches soonest (a rare filter's own, or any when most rows match).
/// 2. The page's ids. Few matches (all of them in the window): sorted here — a rare filter
///    costs its matches, never a walk through millions of rows in list order. Many: walked in
///    the page's order (the scope hidden from the index choice), which finds a page soon
///    because more rows match than the window holds.
/// 3. The page's rows by id.
pub async fn fetch_listing<E>(
    db: &impl ConnectionTrait,
    l: Listing<E>,
    page: u64,
    per_page: u64,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
{
    fetch_listing_counting(db, l, page, per_page, PAGES_COUNTED).await
}

/// [`fetch_listing`] counting `pages` pages past the one shown (tests compare both plans).
pub async fn fetch_listing_counting<E>(
    db: &impl ConnectionTrait,
    l: Listing<E>,
    page: u64,
    per_page: u64,
    pages: u64,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
{
    fetch_listing_keyed::<E, Option<chrono::DateTime<chrono::Utc>>>(db, l, page, per_page, pages).await
}

/// [`fetch_listing`] of a list ordered by a key column of type `K` (a date, a number …).
pub async fn fetch_listing_keyed<E, K>(
    db: &impl ConnectionTrait,
    l: Listing<E>,
    page: u64,
    per_page: u64,
    pages: u64,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
    K: sea_orm::TryGetable + Ord,
{
    use sea_orm::{Order, QueryOrder, QueryTrait};
    let (page, per_page) = (crate::ui::page_number(page), crate::ui::per_page(per_page));
    let (skip, order) = ((page - 1) * per_page, if l.desc { Order::Desc } else { Order::Asc });
    let cap = skip + std::cmp::min(pages, crate::ui::MAX_PAGE) * per_page;

    let mut matching = l.rows.clone().filter(l.scope).into_query();
    matching.clear_selects().clear_order_by().column(l.id).column(l.key).limit(cap + 1);
    let mut keys = db
        .query_all(&matching)
        .await?
        .iter()
        .map(|r| Ok((r.try_get_by_index::<K>(1)?, r.try_get_by_index::<i64>(0)?)))
        .collect::<Result<Vec<_>, DbErr>>()?;
    let total = keys.len() as u64;
    let sorted = |q: sea_orm::Select<E>| q.order_by(l.key, order.clone()).order_by(l.id, order.clone());

    let ids: Vec<i64> = if total <= cap {
        keys.sort_unstable();
        if l.desc {
            keys.reverse();
        }
        keys.iter().skip(skip as usize).take(per_page as usize).map(|k| k.1).collect()
    } else {
        // The page's ids alone: a narrow index holding the filters' columns serves the walk
        // without reading the rows it passes over.
        let mut walk = sorted(l.rows.filter(l.walk_scope)).into_query();
        walk.clear_selects().column(l.id).offset(skip).limit(per_page);
        db.query_all(&walk).await?.iter().map(|r| r.try_get_by_index::<i64>(0)).collect::<Result<_, DbErr>>()?
    };
    let items = if ids.is_empty() { vec![] } else { sorted(E::find().filter(l.id.is_in(ids))).all(db).await? };
    Ok(Page { items, total, page, per_page, counted_to: Some(cap) })
}

/// One page of `select` (its page number made safe, its size one of the offered ones) with the
/// total, for a list's [`Page`]; map the rows with [`Page::map`].
pub async fn fetch_page<'db, C, S>(
    db: &'db C,
    select: S,
    page: u64,
    per_page: u64,
) -> AppResult<Page<<S::Selector as sea_orm::SelectorTrait>::Item>>
where
    C: ConnectionTrait,
    S: sea_orm::PaginatorTrait<'db, C>,
{
    let (page, per_page) = (crate::ui::page_number(page), crate::ui::per_page(per_page));
    let pager = select.paginate(db, per_page);
    let total = pager.num_items().await?;
    let items = pager.fetch_page(page - 1).await?;
    Ok(Page { items, total, page, per_page, counted_to: None })
}

/// `COUNT(CASE WHEN cond THEN 1 END)`: the rows where `cond` holds.
pub fn count_if(cond: impl Into<Expr>) -> Expr {
    Expr::from(sea_orm::sea_query::Func::count(Expr::case(cond.into(), 1i64)))
}
