//! The 会员资料及服务查询 query (PG-10): one builder for the page, the export and the benchmark,
//! so all three read exactly the same rows. A page is at most three statements: the capped
//! count, the rows (organisation and level-1 industry joined in), and — 按会员 only — the
//! latest matching record of each member on the page.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, JoinType, NullOrdering, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement, StatementBuilder};

pub use super::conditions::TextMatch;
use super::conditions::{
    c, customer_condition_with, customer_filters, index_candidates, r, record_condition, text_condition,
};
use super::customer_join::JoinCustomer;
use super::{COUNT_CAP, MemberFilter, ServiceRow};
use crate::auth::scope::Scope;
use crate::error::{AppError, AppResult};
use crate::ui::{Page, per_page};

/// How 服务明细 matches records to the customer filters. SQLite's planner, left alone, tends
/// to scan every customer and sort all their records even when the newest records would do;
/// so the query says it: unselective customer filters are a correlated `EXISTS` checked while
/// reading records newest first (stopping after a page), selective ones a list of customer ids
/// whose records are read by index and sorted (few rows). Without record filters a page comes
/// from the customers with the latest service (`Latest`): the newest N records all belong to
/// the N matching customers served last (each has its latest record in `last_service_at`), so
/// only those customers' records are read and sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drive {
    Records,
    Customers,
    Latest,
}

/// How the rows and the count of a query are matched (see `Drive`). `walk`: so many customers
/// match that reading them in order of their latest service (the `ix_customer_last_service`
/// index, newest first) reaches a page sooner than reading them all and sorting. `text`: how
/// the text filters reach the search index (resolved once when few customers match them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub rows: Drive,
    pub count: Drive,
    pub walk: bool,
    pub text: TextMatch,
}

impl Plan {
    pub const RECORDS: Plan = Plan { rows: Drive::Records, count: Drive::Records, walk: false, text: TextMatch::Index };
}

/// Below this many matching customers the page's rows come from their records (few to sort);
/// above, records are read newest first and checked against the customer filters until the
/// page is full. From this many on, customers are walked in order of their latest service.
/// Text filters matching at most this many customers are resolved to their ids once.
const ROWS_FROM_CUSTOMERS: u64 = 2_000;
/// Below this many the count, too: listing the customers and counting their records by index
/// is cheaper than checking records one by one until the count cap.
const COUNT_FROM_CUSTOMERS: u64 = 20_000;

/// Whether the record filters keep a good share of each customer's records (service type, mode
/// and department only): then counting customer by customer stops soon.
fn broad_record_filter(f: &MemberFilter) -> bool {
    [&f.service_from, &f.service_to, &f.service_result, &f.qa_status, &f.qa_result].iter().all(|v| v.trim().is_empty())
}

/// Chooses how to match, in at most two statements: the customers matching the text filters
/// (when there are some) and an estimate of all matching customers, both capped.
pub async fn plan(db: &impl ConnectionTrait, f: &MemberFilter, scope: &Scope) -> AppResult<Plan> {
    if !f.has_customer_filter() && matches!(scope, Scope::All) {
        // Every customer matches: 按会员 walks them in order of their latest service.
        return Ok(Plan { walk: f.by_member(), ..Plan::RECORDS });
    }
    let backend = db.get_database_backend();
    let records = f.has_record_filter();
    let others = f.has_attribute_filter() || !matches!(scope, Scope::All);
    let mut text = TextMatch::Index;
    let mut known = None;
    if let Some(cond) = text_condition(backend, f, &TextMatch::Index) {
        let ids_of = |q: SelectStatement| async move {
            db.query_all(&q).await?.iter().map(|r| r.try_get::<i64>("", "id")).collect::<Result<Vec<i64>, _>>()
        };
        // The index's candidates first: when they are many, the substring test would read
        // 2,000 customers only to learn that (15 ms at 1M for 电子科技 or a lone 鑫). Many
        // candidates with few true matches is rare; those are then checked, not listed.
        let many = match index_candidates(backend, f, Some(ROWS_FROM_CUSTOMERS + 1)) {
            Some(candidates) => ids_of(candidates).await?.len() as u64 > ROWS_FROM_CUSTOMERS,
            None => false,
        };
        let mut q = Query::select();
        q.column((Alias::new("c"), Alias::new("id")))
            .from_as(Alias::new("customer"), Alias::new("c"))
            .cond_where(cond)
            .limit(ROWS_FROM_CUSTOMERS + 1);
        let ids = if many { vec![] } else { ids_of(q).await? };
        if !many && ids.len() as u64 <= ROWS_FROM_CUSTOMERS {
            known = (!others).then_some(ids.len() as u64);
            text = TextMatch::Ids(ids);
        } else if others {
            text = TextMatch::Checked;
        } else {
            known = Some(ROWS_FROM_CUSTOMERS);
        }
    }
    let n = match known {
        Some(n) if !records || f.by_member() => n,
        _ => {
            // An estimate (soft-deleted and unreviewed customers included), read from the
            // indexes, counted only as far as a decision needs.
            let cap = if records && !f.by_member() { COUNT_FROM_CUSTOMERS } else { ROWS_FROM_CUSTOMERS };
            let mut inner = Query::select();
            inner
                .expr(Expr::val(1))
                .from_as(Alias::new("customer"), Alias::new("c"))
                .cond_where(customer_filters(backend, f, scope, &text))
                .limit(cap);
            let mut q = Query::select();
            q.expr_as(Expr::col(Asterisk).count(), Alias::new("n")).from_subquery(inner, Alias::new("t"));
            count(db, &q).await?
        }
    };
    let walk = !records && n >= ROWS_FROM_CUSTOMERS;
    if walk && backend == DbBackend::Postgres && text == TextMatch::Index {
        // SQLite is told to walk (`Hinted`); PostgreSQL walks once the text filter offers it
        // no index to prefer.
        text = TextMatch::Scan;
    }
    if f.by_member() {
        return Ok(Plan { walk, text, ..Plan::RECORDS });
    }
    if !records {
        // Every record of a matching customer counts: reading customers and their records
        // (stopping at the cap) never reads more than the cap's worth of records.
        return Ok(Plan { rows: Drive::Latest, count: Drive::Customers, walk, text });
    }
    let side = |limit| if n < limit { Drive::Customers } else { Drive::Records };
    let count = if broad_record_filter(f) { Drive::Customers } else { side(COUNT_FROM_CUSTOMERS) };
    Ok(Plan { rows: side(ROWS_FROM_CUSTOMERS), count, walk: false, text })
}

/// A select that SQLite runs walking the customers' last-service index when `walk` is set
/// (`INDEXED BY`: its planner would rather read every matching customer and sort them).
pub struct Hinted {
    pub q: SelectStatement,
    pub walk: bool,
}

impl StatementBuilder for Hinted {
    fn build(&self, backend: &DbBackend) -> Statement {
        let mut stmt = StatementBuilder::build(&self.q, backend);
        if self.walk && *backend == DbBackend::Sqlite {
            let from = r#"FROM "customer" AS "c""#;
            stmt.sql = stmt.sql.replacen(from, &format!(r#"{from} INDEXED BY "ix_customer_last_service""#), 1);
        }
        stmt
    }
}

/// 按会员 and mass e-mail: the matching customers as `c` (with a matching record, if filtered).
pub fn matching_customers(backend: DbBackend, f: &MemberFilter, scope: &Scope, text: &TextMatch) -> SelectStatement {
    let mut q = Query::select();
    q.from_as(Alias::new("customer"), Alias::new("c")).cond_where(customer_condition_with(backend, f, scope, text));
    if f.has_record_filter() {
        let mut sub = Query::select();
        sub.expr(Expr::val(1))
            .from_as(Alias::new("service_record"), Alias::new("r"))
            .and_where(r("customer_id").equals((Alias::new("c"), Alias::new("id"))))
            .cond_where(record_condition(f))
            .limit(1);
        q.and_where(Expr::exists(sub));
    }
    q
}

/// 服务明细: the matching service records as `r`; `latest` = the number of customers served
/// last whose records hold the page (`Drive::Latest`), found by walking the customers in that
/// order when `walk` (many match), else by sorting the few that match.
fn matching_records(
    backend: DbBackend,
    f: &MemberFilter,
    scope: &Scope,
    (drive, text): (Drive, &TextMatch),
    latest: Option<u64>,
    walk: bool,
) -> SelectStatement {
    let mut customers = Query::select();
    customers
        .from_as(Alias::new("customer"), Alias::new("c"))
        .cond_where(customer_condition_with(backend, f, scope, text));
    let mut q = Query::select();
    q.from_as(Alias::new("service_record"), Alias::new("r")).cond_where(record_condition(f));
    let drive = match (drive, latest) {
        (Drive::Latest, Some(n)) => {
            // Customers never served have no records to show (and PostgreSQL sorts them first).
            // PostgreSQL would walk the last-service index even for a few matches it
            // misjudges (region 省›市›区, 29 customers: 1.1 s reading most of the table); the
            // plan counted them, so when it says not to walk, the order is an expression no
            // index serves.
            let order = match backend {
                DbBackend::Postgres if !walk => Expr::cust(r#"("c"."last_service_at" + INTERVAL '0 seconds')"#),
                _ => c("last_service_at"),
            };
            customers
                .and_where(c("last_service_at").is_not_null())
                .order_by_expr(order, Order::Desc)
                .order_by_expr(c("id"), Order::Desc)
                .limit(n);
            Drive::Customers
        }
        (Drive::Latest, None) => Drive::Customers,
        (d, _) => d,
    };
    match drive {
        Drive::Records => {
            // `LIMIT 1` keeps SQLite from turning the EXISTS into a join with a Bloom filter,
            // which reads the whole customer table first (36 ms at 100k customers, not 3 ms).
            customers
                .expr(Expr::val(1))
                .and_where(c("id").equals((Alias::new("r"), Alias::new("customer_id"))))
                .limit(1);
            q.and_where(Expr::exists(customers));
        }
        Drive::Customers | Drive::Latest => {
            customers.expr(c("id"));
            q.and_where(r("customer_id").in_subquery(customers));
        }
    }
    q
}

/// Joins the customer `c`'s organisation name (`org_name`) and the level-1 industry name of
/// `industry_of` (`c` or the listed item) as `industry_as`.
pub fn join_names(q: &mut SelectStatement, industry_of: &str, industry_as: &str) {
    let on = |t: &str, col: (&str, &str)| {
        Expr::col((Alias::new(t), Alias::new("id"))).equals((Alias::new(col.0), Alias::new(col.1)))
    };
    q.expr_as(Expr::col((Alias::new("o"), Alias::new("name"))), Alias::new("org_name"))
        .expr_as(Expr::col((Alias::new("i"), Alias::new("name"))), Alias::new(industry_as))
        .join_as(JoinType::LeftJoin, Alias::new("organization"), Alias::new("o"), on("o", ("c", "organization_id")))
        .join_as(JoinType::LeftJoin, Alias::new("industry"), Alias::new("i"), on("i", (industry_of, "industry_l1_id")));
}

/// The row query with the joined names and the order; `page` = (limit, offset), none for an
/// export (every row; 按会员 rows then carry their latest record).
pub fn rows_statement(
    backend: DbBackend,
    f: &MemberFilter,
    scope: &Scope,
    plan: &Plan,
    page: Option<(u64, u64)>,
) -> Hinted {
    let (key, desc) = f.sort_key();
    let order = if desc { Order::Desc } else { Order::Asc };
    let sort_col = match key {
        "company" => Some(c("company_name_norm")),
        "level" => Some(c("member_level")),
        "registered" => Some(c("platform_registered_at")),
        "start" => Some(c("service_start_date")),
        "end" => Some(c("service_end_date")),
        "points" => Some(c("member_points")),
        "org" => Some(c("organization_id")),
        "callback" => Some(c("last_callback_at")),
        _ if f.by_member() => Some(c("last_service_at")),
        _ => None,
    };
    let mut q = if f.by_member() {
        matching_customers(backend, f, scope, &plan.text)
    } else {
        // The page of records is chosen first (by service time: newest first, from the index),
        // then joined to its customers for their columns.
        let latest = match (page, sort_col.is_none() && !f.has_record_filter()) {
            (Some((limit, offset)), true) => Some(limit + offset),
            _ => None,
        };
        let mut records = matching_records(backend, f, scope, (plan.rows, &plan.text), latest, plan.walk);
        records.column((Alias::new("r"), Asterisk));
        if sort_col.is_none() {
            records.order_by_expr(r("service_at"), order.clone()).order_by_expr(r("id"), order.clone());
            if let Some((limit, offset)) = page {
                records.limit(limit).offset(offset);
            }
        }
        let mut q = Query::select();
        q.from_subquery(records, Alias::new("r")).join_customer("r");
        q
    };
    for col in [
        "id",
        "company_name",
        "login_name",
        "member_level",
        "enterprise_status",
        "platform_registered_at",
        "service_start_date",
        "service_end_date",
        "member_points",
        "fulfilment_status",
        "last_service_at",
        "last_callback_at",
        "last_callback_content",
    ] {
        q.expr_as(c(col), Alias::new(format!("c_{col}")));
    }
    // 按会员: a page reads its members' latest records separately (`latest_records`, with
    // their counts); an export joins each member's latest record here, one index probe per
    // member in the same stream (a second query per batch of 1,000 cost 25 ms on SQLite).
    let inline_latest = f.by_member() && page.is_none();
    if inline_latest {
        let mut latest = Query::select();
        latest
            .column((Alias::new("r"), Alias::new("id")))
            .from_as(Alias::new("service_record"), Alias::new("r"))
            .and_where(r("customer_id").equals((Alias::new("c"), Alias::new("id"))))
            .cond_where(record_condition(f))
            .order_by_expr(r("service_at"), Order::Desc)
            .order_by_expr(r("id"), Order::Desc)
            .limit(1);
        q.join_as(
            JoinType::LeftJoin,
            Alias::new("service_record"),
            Alias::new("lr"),
            Expr::col((Alias::new("lr"), Alias::new("id"))).eq(Expr::SubQuery(None, Box::new(latest.into()))),
        );
    }
    for col in ["id", "service_at", "service_type", "service_mode", "service_dept", "qa_result"] {
        let e = match (f.by_member(), inline_latest) {
            (false, _) => r(col),
            (true, true) => Expr::col((Alias::new("lr"), Alias::new(col))),
            (true, false) => Expr::cust("NULL"),
        };
        q.expr_as(e, Alias::new(format!("r_{col}")));
    }
    join_names(&mut q, "c", "industry_name");
    let tie = if f.by_member() { c("id") } else { r("id") };
    match sort_col {
        Some(col) => {
            // Empty values sort as SQLite sorts them (smallest) on PostgreSQL too.
            let nulls = if desc { NullOrdering::Last } else { NullOrdering::First };
            match backend {
                DbBackend::Postgres => q.order_by_expr_with_nulls(col, order.clone(), nulls),
                _ => q.order_by_expr(col, order.clone()),
            };
            q.order_by_expr(tie, order);
            if let Some((limit, offset)) = page {
                q.limit(limit).offset(offset);
            }
        }
        None => {
            q.order_by_expr(r("service_at"), order.clone()).order_by_expr(tie, order);
        }
    }
    // The walk serves the default order: latest service first. 按会员 walks for an export too
    // (no page): SQLite would otherwise sort every matching member before the first row.
    let walk =
        plan.walk && key == "service_at" && desc && (f.by_member() || (page.is_some() && plan.rows == Drive::Latest));
    Hinted { q, walk }
}

/// The number of matching rows, counted up to `cap` (exact when below it).
pub fn count_statement(
    backend: DbBackend,
    f: &MemberFilter,
    scope: &Scope,
    plan: &Plan,
    cap: Option<u64>,
) -> SelectStatement {
    // `Scan` serves walking the rows in order; a count has no order to keep, and the search
    // index finds its candidates (PostgreSQL at 1M: 电子科技 counted by scanning took 570 ms).
    let text = if plan.text == TextMatch::Scan { &TextMatch::Index } else { &plan.text };
    let mut inner = if f.by_member() {
        matching_customers(backend, f, scope, text)
    } else if matches!(plan.count, Drive::Customers | Drive::Latest) {
        // Customers first, each one's records by index, stopping at the cap: a count never
        // reads more records than it counts (`CROSS JOIN` keeps SQLite's join order).
        let mut q = Query::select();
        q.from_as(Alias::new("customer"), Alias::new("c"))
            .join_as(JoinType::CrossJoin, Alias::new("service_record"), Alias::new("r"), Expr::cust("TRUE"))
            .cond_where(customer_condition_with(backend, f, scope, text))
            .and_where(r("customer_id").equals((Alias::new("c"), Alias::new("id"))))
            .cond_where(record_condition(f));
        q
    } else {
        matching_records(backend, f, scope, (plan.count, text), None, false)
    };
    inner.expr(Expr::val(1));
    if let Some(cap) = cap {
        inner.limit(cap + 1);
    }
    let mut q = Query::select();
    q.expr_as(Expr::col(Asterisk).count(), Alias::new("n")).from_subquery(inner, Alias::new("t"));
    q
}

#[derive(Debug, FromQueryResult)]
pub struct RawRow {
    c_id: i64,
    c_company_name: Option<String>,
    c_login_name: Option<String>,
    c_member_level: Option<String>,
    c_enterprise_status: Option<String>,
    c_platform_registered_at: Option<DateTime<Utc>>,
    c_service_start_date: Option<NaiveDate>,
    c_service_end_date: Option<NaiveDate>,
    c_member_points: Option<i32>,
    c_fulfilment_status: Option<String>,
    c_last_service_at: Option<DateTime<Utc>>,
    c_last_callback_at: Option<DateTime<Utc>>,
    c_last_callback_content: Option<String>,
    r_id: Option<i64>,
    r_service_at: Option<DateTime<Utc>>,
    r_service_type: Option<String>,
    r_service_mode: Option<String>,
    r_service_dept: Option<String>,
    r_qa_result: Option<String>,
    org_name: Option<String>,
    industry_name: Option<String>,
}

impl RawRow {
    pub fn into_row(self, today: NaiveDate) -> ServiceRow {
        ServiceRow {
            customer_id: self.c_id,
            record_id: self.r_id,
            company_name: self.c_company_name.unwrap_or_default(),
            login_name: self.c_login_name.unwrap_or_default(),
            member_level: self.c_member_level.unwrap_or_default(),
            enterprise_status: self.c_enterprise_status.unwrap_or_default(),
            registered_at: self.c_platform_registered_at,
            service_start: self.c_service_start_date,
            service_end: self.c_service_end_date,
            service_at: self.r_service_at.or(self.c_last_service_at),
            org_name: self.org_name.unwrap_or_default(),
            industry: self.industry_name.unwrap_or_default(),
            points: self.c_member_points,
            service_type: self.r_service_type.unwrap_or_default(),
            service_mode: self.r_service_mode.unwrap_or_default(),
            service_dept: self.r_service_dept.unwrap_or_default(),
            expired: self.c_service_end_date.map(|d| d < today),
            fulfilment_status: self.c_fulfilment_status.unwrap_or_default(),
            qa_result: self.r_qa_result.unwrap_or_default(),
            record_count: None,
            last_callback_at: self.c_last_callback_at,
            last_callback_content: self.c_last_callback_content.unwrap_or_default(),
        }
    }
}

/// Rows of a statement from `rows_statement`, in order.
pub async fn fetch_rows(db: &impl ConnectionTrait, q: &Hinted) -> AppResult<Vec<ServiceRow>> {
    let today = crate::cst::today();
    db.query_all(q)
        .await?
        .iter()
        .map(|row| RawRow::from_query_result(row, "").map(|r| r.into_row(today)).map_err(AppError::from))
        .collect()
}

pub async fn count(db: &impl ConnectionTrait, q: &SelectStatement) -> AppResult<u64> {
    let row = db.query_one(q).await?.ok_or_else(|| AppError::internal("count returned nothing"))?;
    Ok(row.try_get::<i64>("", "n")? as u64)
}

/// The checked filter, or the field errors.
pub fn checked(f: &MemberFilter) -> AppResult<()> {
    f.validate().into_result()
}

/// One page of 会员资料及服务查询. `total` is capped at `COUNT_CAP + 1` (the page shows
/// "超过 10,000 条" then).
pub async fn list(db: &impl ConnectionTrait, f: &MemberFilter, scope: &Scope) -> AppResult<Page<ServiceRow>> {
    checked(f)?;
    let backend = db.get_database_backend();
    let per = per_page(f.per_page);
    let page = crate::ui::page_number(f.page);
    let plan = plan(db, f, scope).await?;
    let total = count(db, &count_statement(backend, f, scope, &plan, Some(COUNT_CAP))).await?;
    let q = rows_statement(backend, f, scope, &plan, Some((per, (page - 1) * per)));
    let mut items = fetch_rows(db, &q).await?;
    if f.by_member() && !items.is_empty() {
        super::latest::latest_records(db, f, &mut items).await?;
    }
    Ok(Page { items, total, page, per_page: per, counted_to: Some(COUNT_CAP) })
}

/// The exact number of matching rows (on demand, for results beyond the cap).
pub async fn count_exact(db: &impl ConnectionTrait, f: &MemberFilter, scope: &Scope) -> AppResult<u64> {
    checked(f)?;
    let plan = plan(db, f, scope).await?;
    count(db, &count_statement(db.get_database_backend(), f, scope, &plan, None)).await
}

/// The number of matching rows, counting no further than `cap` (a check, not a display).
pub async fn count_upto(db: &impl ConnectionTrait, f: &MemberFilter, scope: &Scope, cap: u64) -> AppResult<u64> {
    checked(f)?;
    let plan = plan(db, f, scope).await?;
    count(db, &count_statement(db.get_database_backend(), f, scope, &plan, Some(cap))).await
}
