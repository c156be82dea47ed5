//! 会员发布信息查询 (PG-13/14) and 信息推送邮件查询 (PG-17/18): the members' published items
//! and the info-push e-mails sent to them, filtered by the member (through the member query's
//! own conditions and data scope) and by the item.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult};

use super::conditions::{c, customer_condition, eq_code, ts_range};
use super::customer_join::JoinCustomer;
use super::query::{count, join_names};
use super::{COUNT_CAP, InfoFilter, InfoRow, InfoSummary};
use crate::auth::scope::Scope;
use crate::db::contains_ignoring_case;
use crate::error::AppResult;
use crate::ui::{Page, per_page};

/// Which list: published items (`p` = published_info) or push e-mails (`p` = info_push_log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfoKind {
    Published,
    Pushes,
}

fn p(col: &str) -> Expr {
    Expr::col((Alias::new("p"), Alias::new(col)))
}

pub(crate) fn base(backend: DbBackend, kind: InfoKind, f: &InfoFilter, scope: &Scope) -> SelectStatement {
    let mut q = items(backend, kind, f);
    q.join_customer("p").cond_where(customer_condition(backend, &f.member(), scope));
    q
}

/// The items (`p`) of `f` by their own filters, before the member's: what a report counts per
/// member first (over the member-led index) and then joins to each member once.
pub(crate) fn items(backend: DbBackend, kind: InfoKind, f: &InfoFilter) -> SelectStatement {
    let table = match kind {
        InfoKind::Published => "published_info",
        InfoKind::Pushes => "info_push_log",
    };
    let time = match kind {
        InfoKind::Published => "published_at",
        InfoKind::Pushes => "sent_at",
    };
    let mut cond = Condition::all().add(ts_range(p(time), &f.from, &f.to));
    if let Some(id) = f.customer {
        cond = cond.add(p("customer_id").eq(id));
    }
    if let Some(i) = f.industry3 {
        cond = cond.add(p("industry_l3_id").eq(i));
    } else if let Some(i) = f.industry2 {
        cond = cond.add(p("industry_l2_id").eq(i));
    } else if let Some(i) = f.industry1 {
        cond = cond.add(p("industry_l1_id").eq(i));
    }
    match kind {
        InfoKind::Published => {
            cond = cond.add(ts_range(p("expires_at"), &f.expires_from, &f.expires_to));
            cond = eq_code(cond, p("info_type"), &f.info_type);
            cond = eq_code(cond, p("status"), &f.info_status);
            if !f.title.trim().is_empty() {
                cond = cond.add(contains_ignoring_case(backend, p("title"), f.title.trim()));
            }
        }
        InfoKind::Pushes => {
            cond = eq_code(cond, p("info_type"), &f.info_type);
            cond = eq_code(cond, p("info_status"), &f.info_status);
            cond = eq_code(cond, p("push_status"), &f.push_status);
            if !f.title.trim().is_empty() {
                cond = cond.add(contains_ignoring_case(backend, p("info_title"), f.title.trim()));
            }
        }
    }
    Query::select().from_as(Alias::new(table), Alias::new("p")).cond_where(cond).to_owned()
}

/// The rows of a page (`page` = limit, offset) or, for exports, all of them.
pub fn rows_statement(
    backend: DbBackend,
    kind: InfoKind,
    f: &InfoFilter,
    scope: &Scope,
    page: Option<(u64, u64)>,
) -> SelectStatement {
    let mut q = base(backend, kind, f, scope);
    q.expr_as(p("id"), Alias::new("id"))
        .expr_as(c("id"), Alias::new("customer_id"))
        .expr_as(c("company_name"), Alias::new("company_name"))
        .expr_as(c("login_name"), Alias::new("login_name"))
        .expr_as(c("member_level"), Alias::new("member_level"))
        .expr_as(c("registered_email"), Alias::new("registered_email"));
    join_names(&mut q, "p", "industry");
    let time = match kind {
        InfoKind::Published => {
            q.expr_as(p("title"), Alias::new("title"))
                .expr_as(p("url"), Alias::new("url"))
                .expr_as(p("info_type"), Alias::new("info_type"))
                .expr_as(p("status"), Alias::new("status"))
                .expr_as(p("published_at"), Alias::new("published_at"))
                .expr_as(p("expires_at"), Alias::new("expires_at"))
                .expr_as(Expr::cust("NULL"), Alias::new("sent_at"))
                .expr_as(Expr::cust("NULL"), Alias::new("push_status"))
                .expr_as(Expr::cust("NULL"), Alias::new("recipient_email"))
                .expr_as(Expr::cust("NULL"), Alias::new("source"));
            "published_at"
        }
        InfoKind::Pushes => {
            q.expr_as(p("info_title"), Alias::new("title"))
                .expr_as(Expr::cust("NULL"), Alias::new("url"))
                .expr_as(p("info_type"), Alias::new("info_type"))
                .expr_as(p("info_status"), Alias::new("status"))
                .expr_as(p("info_published_at"), Alias::new("published_at"))
                .expr_as(Expr::cust("NULL"), Alias::new("expires_at"))
                .expr_as(p("sent_at"), Alias::new("sent_at"))
                .expr_as(p("push_status"), Alias::new("push_status"))
                .expr_as(p("recipient_email"), Alias::new("recipient_email"))
                .expr_as(p("source"), Alias::new("source"));
            "sent_at"
        }
    };
    q.order_by_expr(p(time), Order::Desc).order_by_expr(p("id"), Order::Desc);
    if let Some((limit, offset)) = page {
        q.limit(limit).offset(offset);
    }
    q
}

#[derive(Debug, FromQueryResult)]
pub struct RawInfo {
    id: i64,
    customer_id: i64,
    company_name: Option<String>,
    login_name: Option<String>,
    member_level: Option<String>,
    registered_email: Option<String>,
    org_name: Option<String>,
    industry: Option<String>,
    title: Option<String>,
    url: Option<String>,
    info_type: Option<String>,
    status: Option<String>,
    published_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    sent_at: Option<DateTime<Utc>>,
    push_status: Option<String>,
    recipient_email: Option<String>,
    source: Option<String>,
}

impl RawInfo {
    pub fn into_row(self) -> InfoRow {
        InfoRow {
            id: self.id,
            customer_id: self.customer_id,
            company_name: self.company_name.unwrap_or_default(),
            login_name: self.login_name.unwrap_or_default(),
            member_level: self.member_level.unwrap_or_default(),
            email: self.recipient_email.or(self.registered_email).unwrap_or_default(),
            org_name: self.org_name.unwrap_or_default(),
            industry: self.industry.unwrap_or_default(),
            title: self.title.unwrap_or_default(),
            url: self.url.unwrap_or_default(),
            info_type: self.info_type.unwrap_or_default(),
            status: self.status.unwrap_or_default(),
            published_at: self.published_at,
            expires_at: self.expires_at,
            sent_at: self.sent_at,
            push_status: self.push_status.unwrap_or_default(),
            source: self.source.unwrap_or_default(),
        }
    }
}

/// One page with its capped total, and — for push e-mails — the summary line.
pub async fn list(
    db: &impl ConnectionTrait,
    kind: InfoKind,
    f: &InfoFilter,
    scope: &Scope,
) -> AppResult<(Page<InfoRow>, Option<InfoSummary>)> {
    f.validate().into_result()?;
    let backend = db.get_database_backend();
    let per = per_page(f.per_page);
    let page = crate::ui::page_number(f.page);
    let mut inner = base(backend, kind, f, scope);
    inner.expr(Expr::val(1)).limit(COUNT_CAP + 1);
    let mut cq = Query::select();
    cq.expr_as(Expr::cust("COUNT(*)"), Alias::new("n")).from_subquery(inner, Alias::new("t"));
    let total = count(db, &cq).await?;
    let items = db
        .query_all(&rows_statement(backend, kind, f, scope, Some((per, (page - 1) * per))))
        .await?
        .iter()
        .map(|r| RawInfo::from_query_result(r, "").map(RawInfo::into_row))
        .collect::<Result<Vec<_>, _>>()?;
    let summary = if kind == InfoKind::Pushes {
        let mut q = base(backend, kind, f, scope);
        q.expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .expr_as(Expr::cust("COUNT(DISTINCT \"p\".\"customer_id\")"), Alias::new("members"))
            .expr_as(
                Expr::cust("COALESCE(SUM(CASE WHEN \"p\".\"push_status\" = 'opened' THEN 1 ELSE 0 END), 0)"),
                Alias::new("opened"),
            );
        let row = db.query_one(&q).await?;
        row.map(|r| -> AppResult<InfoSummary> {
            Ok(InfoSummary {
                emails: r.try_get::<i64>("", "n")? as u64,
                members: r.try_get::<i64>("", "members")? as u64,
                opened: r.try_get::<i64>("", "opened")? as u64,
            })
        })
        .transpose()?
    } else {
        None
    };
    Ok((Page { items, total, page, per_page: per, counted_to: Some(COUNT_CAP) }, summary))
}

/// How many rows `f` matches, counting no further than `cap` (a check, not a display).
pub async fn count_upto(
    db: &impl ConnectionTrait,
    kind: InfoKind,
    f: &InfoFilter,
    scope: &Scope,
    cap: u64,
) -> AppResult<u64> {
    let mut inner = base(db.get_database_backend(), kind, f, scope);
    inner.expr(Expr::val(1)).limit(cap);
    let mut cq = Query::select();
    cq.expr_as(Expr::cust("COUNT(*)"), Alias::new("n")).from_subquery(inner, Alias::new("t"));
    count(db, &cq).await
}
