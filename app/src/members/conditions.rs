//! The WHERE conditions of the member queries: every filter of 信息查询 on the customer (`c`)
//! and on the service record (`r`), the data scope and visibility; text filters go through the
//! bigram search index, which proposes candidates, and a substring test, which decides.
use chrono::{Duration, NaiveDate};
use sea_orm::DbBackend;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Query, SelectStatement};

use super::MemberFilter;
use super::search::{QueryGrams, company_norm, digits, normalize, phone_query_grams, query_grams, search_text};
use crate::auth::scope::Scope;
use crate::db::contains;

pub fn c(col: &str) -> Expr {
    Expr::col((Alias::new("c"), Alias::new(col)))
}

pub fn r(col: &str) -> Expr {
    Expr::col((Alias::new("r"), Alias::new(col)))
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// `[from, to]` inclusive on a timestamp column, days in Asia/Shanghai.
pub fn ts_range(col: Expr, from: &str, to: &str) -> Condition {
    let mut cond = Condition::all();
    if let Some(f) = date(from) {
        cond = cond.add(col.clone().gte(crate::cst::day_start(f)));
    }
    if let Some(t) = date(to) {
        cond = cond.add(col.lt(crate::cst::day_start(t) + Duration::days(1)));
    }
    cond
}

/// `[from, to]` inclusive on a DATE column.
pub fn date_range(col: Expr, from: &str, to: &str) -> Condition {
    let mut cond = Condition::all();
    if let Some(f) = date(from) {
        cond = cond.add(col.clone().gte(f));
    }
    if let Some(t) = date(to) {
        cond = cond.add(col.lte(t));
    }
    cond
}

/// A text filter on the customer: the column of its search grams and the column of its
/// normalised text (`search_text` of the company name; the e-mail and login keys are
/// `normalize`d and hold no white space).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Company,
    Email,
    Login,
}

impl TextField {
    fn grams(self) -> &'static str {
        match self {
            TextField::Company => "name_grams",
            TextField::Email => "email_grams",
            TextField::Login => "login_grams",
        }
    }

    fn text(self) -> &'static str {
        match self {
            TextField::Company => "name_text",
            TextField::Email => "email_key",
            TextField::Login => "login_name_key",
        }
    }
}

/// The customers whose `field` contains `query` (SPEC §8.3.4): the search index proposes them,
/// a substring test on the normalised text decides. A query without a letter, digit or CJK
/// character (`%`, `（`, `&`) is the substring test alone, over the customers the other
/// conditions leave. `None` only for a blank query.
pub fn text_match(backend: DbBackend, field: TextField, query: &str) -> Option<Condition> {
    text_match_as(backend, field, query, false)
}

/// The substring test of [`text_match`] alone, for customers the index already proposed.
pub fn substring_match(backend: DbBackend, field: TextField, query: &str) -> Option<Condition> {
    let needle = search_text(query);
    (!needle.is_empty()).then(|| Condition::all().add(contains(backend, c(field.text()), &needle)))
}

fn text_match_as(backend: DbBackend, field: TextField, query: &str, checked: bool) -> Option<Condition> {
    let needle = search_text(query);
    if needle.is_empty() {
        return None;
    }
    let mut cond = Condition::all();
    if let Some(m) = index_match(backend, field.grams(), &query_grams(&needle), checked) {
        cond = cond.add(m);
    }
    Some(cond.add(contains(backend, c(field.text()), &needle)))
}

/// The customers the search index proposes for gram column `column`: the phrase and every
/// lone character among their grams (`None` when the query has nothing to look up).
/// `checked`: SQLite only tests the ids the index yields (`+c.id`) and does not look customers
/// up by them, so another filter's index drives the query.
fn index_match(backend: DbBackend, column: &str, q: &QueryGrams, checked: bool) -> Option<Expr> {
    gram_index_match(backend, GramIndex { table: "c", fts: "customer_fts", column }, q, checked)
}

/// Where a table's search grams are indexed: the table (or its alias) whose `id` the index
/// yields, SQLite's FTS5 table of them, and the gram column (also the FTS5 column).
#[derive(Debug, Clone, Copy)]
pub struct GramIndex<'a> {
    pub table: &'a str,
    pub fts: &'a str,
    pub column: &'a str,
}

/// The rows of `ix.table` whose grams hold the query's phrase and lone characters (the index
/// proposes; a substring test must decide). `None` when the query has nothing to look up.
pub fn gram_index_match(backend: DbBackend, ix: GramIndex, q: &QueryGrams, checked: bool) -> Option<Expr> {
    if q.is_empty() {
        return None;
    }
    let GramIndex { table, fts, column } = ix;
    let phrase = q.phrase.join(" ");
    let singles = q.singles.join(" ");
    Some(match backend {
        DbBackend::Postgres => {
            let (query, values) = match (phrase.is_empty(), singles.is_empty()) {
                (false, true) => ("phraseto_tsquery('simple', $1)", vec![phrase]),
                (true, false) => ("plainto_tsquery('simple', $1)", vec![singles]),
                _ => ("(phraseto_tsquery('simple', $1) && plainto_tsquery('simple', $2))", vec![phrase, singles]),
            };
            Expr::cust_with_values(format!("to_tsvector('simple', \"{table}\".\"{column}\") @@ {query}"), values)
        }
        _ => Expr::cust_with_values(
            format!(
                "{}\"{table}\".\"id\" IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)",
                if checked { "+" } else { "" }
            ),
            [fts_match(column, q)],
        ),
    })
}

/// The FTS5 query of `q` on gram column `column` (SQLite): the phrase and the lone characters.
pub fn fts_match(column: &str, q: &QueryGrams) -> String {
    // Tokens hold only letters, digits and CJK characters: nothing to escape.
    let terms: Vec<String> = std::iter::once(q.phrase.join(" "))
        .filter(|p| !p.is_empty())
        .chain(q.singles.iter().cloned())
        .map(|t| format!("\"{t}\""))
        .collect();
    format!("{column} : ({})", terms.join(" AND "))
}

/// The customers one of whose phone numbers holds `digits` (the index proposes, the digits of
/// the stored numbers decide); `columns` the phone columns to test.
fn phone_match(backend: DbBackend, columns: &[&str], digits: &str, checked: bool) -> Condition {
    let mut cond = Condition::all();
    if let Some(m) = index_match(backend, "phone_grams", &phone_query_grams(digits), checked) {
        cond = cond.add(m);
    }
    let mut any = Condition::any();
    for col in columns {
        any = any.add(contains(backend, phone_digits(c(col)), digits));
    }
    cond.add(any)
}

/// 客户档案 list: a customer with `digits` in either phone number.
pub fn any_phone_match(backend: DbBackend, digits: &str) -> Option<Condition> {
    (!digits.is_empty()).then(|| phone_match(backend, &["phone_mobile", "phone_fixed"], digits, false))
}

/// The digit test of [`any_phone_match`] alone, for customers the index already proposed.
pub fn any_phone_substring(backend: DbBackend, digits: &str) -> Option<Condition> {
    (!digits.is_empty()).then(|| {
        ["phone_mobile", "phone_fixed"]
            .iter()
            .fold(Condition::any(), |any, col| any.add(contains(backend, phone_digits(c(col)), digits)))
    })
}

/// How the text filters (企业名称, 邮箱, 登录名, 电话 — not 精确匹配) reach the search index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TextMatch {
    /// Through the index, which the planner may use to find the customers.
    #[default]
    Index,
    /// Through the index, but only to test customers another filter's index finds.
    Checked,
    /// The matching customers, looked up beforehand (few).
    Ids(Vec<i64>),
    /// Only the substring test on the normalised text, no index: for walking the customers in
    /// order of their latest service on PostgreSQL, whose planner misjudges a phrase on the
    /// GIN index (43 rows estimated where 50,000 match) and would rather fetch and sort them all.
    Scan,
}

/// The text filters alone (`None` when there is none or 精确匹配 is on).
pub fn text_condition(backend: DbBackend, f: &MemberFilter, how: &TextMatch) -> Option<Condition> {
    if f.exact {
        return None;
    }
    if let TextMatch::Ids(ids) = how {
        // Only a plan that found text filters resolves them.
        return Some(Condition::all().add(c("id").is_in(ids.clone())));
    }
    let checked = *how == TextMatch::Checked;
    let scan = *how == TextMatch::Scan;
    let mut cond = Condition::all();
    let mut any = false;
    for (value, field) in [(&f.company, TextField::Company), (&f.email, TextField::Email), (&f.login, TextField::Login)]
    {
        let m = if scan {
            let needle = search_text(value);
            (!needle.is_empty()).then(|| Condition::all().add(contains(backend, c(field.text()), &needle)))
        } else {
            text_match_as(backend, field, value, checked)
        };
        if let Some(m) = m {
            cond = cond.add(m);
            any = true;
        }
    }
    for (value, col) in [(&f.phone_fixed, "phone_fixed"), (&f.phone_mobile, "phone_mobile")] {
        let d = digits(value);
        if !d.is_empty() {
            cond = cond.add(if scan {
                Condition::all().add(contains(backend, phone_digits(c(col)), &d))
            } else {
                phone_match(backend, &[col], &d, checked)
            });
            any = true;
        }
    }
    any.then_some(cond)
}

/// The ids of (at most `limit`) customers the search index proposes for the text filters
/// alone, without the substring test: they include every match. On SQLite the statement reads
/// only the index (a customer row read per candidate cost more than the index itself). `None`
/// when there is no text filter or one of them has nothing the index can look up.
pub fn index_candidates(backend: DbBackend, f: &MemberFilter, limit: Option<u64>) -> Option<SelectStatement> {
    if f.exact {
        return None;
    }
    let texts = [(&f.company, TextField::Company), (&f.email, TextField::Email), (&f.login, TextField::Login)]
        .map(|(v, field)| (search_text(v), field.grams()));
    let phones = [&f.phone_fixed, &f.phone_mobile].map(|v| (digits(v), "phone_grams"));
    let mut fts = vec![];
    let mut cond = Condition::all();
    for (needle, column) in texts.into_iter().chain(phones).filter(|(n, _)| !n.is_empty()) {
        let q = if column == "phone_grams" { phone_query_grams(&needle) } else { query_grams(&needle) };
        if q.is_empty() {
            return None;
        }
        fts.push(fts_match(column, &q));
        cond = cond.add(index_match(backend, column, &q, false)?);
    }
    if fts.is_empty() {
        return None;
    }
    let mut q = Query::select();
    match backend {
        DbBackend::Postgres => q
            .column((Alias::new("c"), Alias::new("id")))
            .from_as(Alias::new("customer"), Alias::new("c"))
            .cond_where(cond),
        _ => q
            .expr_as(Expr::cust("rowid"), Alias::new("id"))
            .from(Alias::new("customer_fts"))
            .and_where(Expr::cust_with_values("customer_fts MATCH ?", [fts.join(" AND ")])),
    };
    if let Some(limit) = limit {
        q.limit(limit);
    }
    Some(q)
}

/// Digits of a stored phone number (separators removed), for the digit-contains check.
fn phone_digits(col: Expr) -> Expr {
    let mut e = col;
    for sep in ["-", " ", "(", ")", "+"] {
        e = Func::cust(Alias::new("replace")).args([e, Expr::val(sep), Expr::val("")]).into();
    }
    e
}

pub fn eq_code(cond: Condition, col: Expr, v: &str) -> Condition {
    if v.is_empty() { cond } else { cond.add(col.eq(v)) }
}

/// The customers a business department sees (SPEC §1.6 DS-DEPT): those of the member requests
/// ever routed to department organisation `org` (a `route`/`reroute` step naming it), and
/// those its own accounts entered. Written on the tables, not through the requests module,
/// which is built on this one.
pub fn department_customers(org: i64) -> Condition {
    let a = Alias::new;
    let routed = Query::select()
        .column(a("request_id"))
        .from(a("request_step"))
        .and_where(Expr::col(a("to_org_id")).eq(org))
        .and_where(Expr::col(a("request_kind")).eq("member_request"))
        .to_owned();
    let customers = Query::select()
        .column(a("customer_id"))
        .from(a("service_request"))
        .and_where(Expr::col(a("id")).in_subquery(routed))
        .to_owned();
    let staff = Query::select()
        .column(a("id"))
        .from(a("account"))
        .and_where(Expr::col(a("organization_id")).eq(org))
        .to_owned();
    Condition::any().add(c("id").in_subquery(customers)).add(c("created_by").in_subquery(staff))
}

/// The customers (`c`) inside a data scope: its organisations, or the customers an agent owns
/// or entered.
pub fn scope_condition(scope: &Scope) -> Condition {
    match scope {
        // A business department: the customers of what was routed to it, and what its own
        // accounts entered (SPEC §1.6 DS-DEPT) — not the customers "of" the department.
        // (An OR: wrapped, so that callers adding conditions to the result AND them.)
        Scope::Dept(org) => Condition::all().add(department_customers(*org)),
        _ => scope.condition_on(c("organization_id"), &[c("owner_agent_id"), c("created_by")]),
    }
}

/// The conditions on the customer (all filters of rows 1–5 and 7, the scope, and visibility).
pub fn customer_condition(backend: DbBackend, f: &MemberFilter, scope: &Scope) -> Condition {
    customer_condition_with(backend, f, scope, &TextMatch::Index)
}

/// `customer_condition` with the text filters matched as `text` says.
pub fn customer_condition_with(backend: DbBackend, f: &MemberFilter, scope: &Scope, text: &TextMatch) -> Condition {
    Condition::all()
        .add(c("deleted_at").is_null())
        .add(c("review_status").eq(crate::archive::ReviewStatus::Approved.code()))
        .add(customer_filters(backend, f, scope, text))
}

/// The filters and the scope without the visibility checks (which no index covers): enough to
/// estimate how many customers match, from the indexes alone.
pub(super) fn customer_filters(backend: DbBackend, f: &MemberFilter, scope: &Scope, text: &TextMatch) -> Condition {
    let mut cond = scope_condition(scope);
    if f.exact {
        for (value, exact) in [
            (&f.company, c("company_name_norm").eq(company_norm(&f.company))),
            (&f.email, c("email_key").eq(normalize(f.email.trim()))),
            (&f.login, c("login_name_key").eq(normalize(f.login.trim()))),
        ] {
            if !value.trim().is_empty() {
                cond = cond.add(exact);
            }
        }
        for (value, col) in [(&f.phone_fixed, "phone_fixed"), (&f.phone_mobile, "phone_mobile")] {
            let d = digits(value);
            if !d.is_empty() {
                cond = cond.add(phone_digits(c(col)).eq(d));
            }
        }
    } else if let Some(t) = text_condition(backend, f, text) {
        cond = cond.add(t);
    }
    cond = cond.add(ts_range(c("platform_registered_at"), &f.registered_from, &f.registered_to));
    cond = cond.add(date_range(c("service_start_date"), &f.start_from, &f.start_to));
    cond = cond.add(date_range(c("service_end_date"), &f.end_from, &f.end_to));
    if let Some(d) = f.district {
        cond = cond.add(c("region_district_id").eq(d));
    } else if let Some(ci) = f.city {
        cond = cond.add(c("region_city_id").eq(ci));
    } else if let Some(p) = f.province {
        cond = cond.add(c("region_province_id").eq(p));
    }
    if let Some(i) = f.industry3 {
        cond = cond.add(c("industry_l3_id").eq(i));
    } else if let Some(i) = f.industry2 {
        cond = cond.add(c("industry_l2_id").eq(i));
    } else if let Some(i) = f.industry1 {
        cond = cond.add(c("industry_l1_id").eq(i));
    }
    if let Some(o) = f.org {
        cond = cond.add(c("organization_id").eq(o));
    }
    cond = eq_code(cond, c("customer_type"), &f.customer_type);
    cond = eq_code(cond, c("enterprise_status"), &f.enterprise_status);
    cond = eq_code(cond, c("enterprise_category"), &f.category);
    let levels = f.levels();
    if !levels.is_empty() {
        cond = cond.add(c("member_level").is_in(levels));
    }
    match f.expiry.as_str() {
        "expired" => cond = cond.add(c("service_end_date").lt(crate::cst::today())),
        "not_expired" => cond = cond.add(c("service_end_date").gte(crate::cst::today())),
        _ => {}
    }
    match f.push.as_str() {
        "true" => cond = cond.add(c("push_enabled").eq(true)),
        "false" => cond = cond.add(c("push_enabled").eq(false)),
        _ => {}
    }
    cond = eq_code(cond, c("fulfilment_status"), &f.fulfilment);
    match f.has_email.as_str() {
        "true" => cond = cond.add(c("registered_email").is_not_null()),
        "false" => cond = cond.add(c("registered_email").is_null()),
        _ => {}
    }
    match f.avatar.as_str() {
        "true" => cond = cond.add(c("has_avatar").eq(true)),
        "false" => cond = cond.add(c("has_avatar").eq(false)),
        _ => {}
    }
    cond = eq_code(cond, c("registration_source"), &f.reg_source);
    // 最近回访时间, 未回访天数 ≥ N (never called back included), 回访内容 of the last callback.
    cond = cond.add(ts_range(c("last_callback_at"), &f.callback_from, &f.callback_to));
    if let Some(days) = f.idle() {
        let since = chrono::Utc::now() - chrono::Duration::days(days);
        cond = cond.add(Condition::any().add(c("last_callback_at").is_null()).add(c("last_callback_at").lte(since)));
    }
    cond = eq_code(cond, c("last_callback_content"), &f.callback_content);
    eq_code(cond, c("info_source"), &f.info_source)
}

/// The conditions on the service record (row 6–8 filters) and its visibility.
pub fn record_condition(f: &MemberFilter) -> Condition {
    let mut cond = Condition::all().add(r("hidden").eq(false));
    cond = cond.add(ts_range(r("service_at"), &f.service_from, &f.service_to));
    cond = eq_code(cond, r("service_mode"), &f.service_mode);
    cond = eq_code(cond, r("service_dept"), &f.service_dept);
    cond = eq_code(cond, r("service_type"), &f.service_type);
    cond = eq_code(cond, r("service_result"), &f.service_result);
    cond = eq_code(cond, r("qa_status"), &f.qa_status);
    cond = eq_code(cond, r("qa_result"), &f.qa_result);
    if let Some(org) = f.service_org {
        cond = cond.add(r("organization_id").eq(org));
    }
    callback_condition(cond, f)
}

/// The record of a callback recorded here (`cbr=1`; not one carried over from the previous
/// system) with the 回访内容 / 接通情况 / 满意程度 asked for: the reports' drill-down (R-3).
fn callback_condition(cond: Condition, f: &MemberFilter) -> Condition {
    if [&f.record_callback, &f.record_content, &f.record_reach, &f.record_rating].iter().all(|v| v.is_empty()) {
        return cond;
    }
    let cb = |col: &str| Expr::col((Alias::new("cbr"), Alias::new(col)));
    let mut inner = Condition::all().add(cb("id").equals((Alias::new("r"), Alias::new("source_id"))));
    inner = eq_code(inner, cb("callback_content"), &f.record_content);
    inner = eq_code(inner, cb("reach_status"), &f.record_reach);
    inner = match f.record_rating.as_str() {
        "" => inner,
        "none" => inner.add(cb("satisfaction").is_null()),
        v => inner.add(cb("satisfaction").eq(v)),
    };
    let calls = sea_orm::sea_query::Query::select()
        .expr(Expr::val(1))
        .from_as(Alias::new("callback"), Alias::new("cbr"))
        .cond_where(inner)
        .to_owned();
    cond.add(r("source_kind").eq(crate::members::enums::SourceKind::Callback.code())).add(Expr::exists(calls))
}
