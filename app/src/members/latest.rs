//! 按会员: each listed member's latest matching service record and its number of matching
//! records, for a page (an export joins the latest record in its own statement, see
//! `query::rows_statement`).
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult};

use super::conditions::{r, record_condition};
use super::{MemberFilter, ServiceRow};
use crate::error::AppResult;

#[derive(Debug, FromQueryResult)]
struct LatestRow {
    customer_id: i64,
    id: i64,
    service_at: DateTime<Utc>,
    service_type: String,
    service_mode: String,
    service_dept: String,
    qa_result: Option<String>,
}

/// 按会员: the latest matching record and the number of matching records of each member on
/// the page, in one statement.
pub async fn latest_records(db: &impl ConnectionTrait, f: &MemberFilter, items: &mut [ServiceRow]) -> AppResult<()> {
    let ids: Vec<i64> = items.iter().map(|i| i.customer_id).collect();
    let cols =
        ["id", "service_type", "service_mode", "service_dept", "qa_result"].map(|n| (Alias::new("r"), Alias::new(n)));
    let mut q = Query::select();
    q.from_as(Alias::new("service_record"), Alias::new("r"))
        .column((Alias::new("r"), Alias::new("customer_id")))
        .and_where(r("customer_id").is_in(ids))
        .cond_where(record_condition(f));
    let mut latest: HashMap<i64, (LatestRow, i64)> = HashMap::new();
    if db.get_database_backend() == DbBackend::Sqlite {
        // One row per member: SQLite takes the bare columns of `max()` from the row holding
        // the maximum (documented behaviour), instead of every record of those members.
        q.expr_as(r("service_at").max(), Alias::new("service_at"))
            .columns(cols)
            .expr_as(Expr::col(Asterisk).count(), Alias::new("n"))
            .group_by_col((Alias::new("r"), Alias::new("customer_id")));
        for row in db.query_all(&q).await? {
            let n = row.try_get::<i64>("", "n")?;
            let l = LatestRow::from_query_result(&row, "")?;
            latest.insert(l.customer_id, (l, n));
        }
    } else {
        q.column((Alias::new("r"), Alias::new("service_at"))).columns(cols).order_by_expr(r("service_at"), Order::Desc);
        for row in db.query_all(&q).await? {
            let row = LatestRow::from_query_result(&row, "")?;
            latest.entry(row.customer_id).and_modify(|e| e.1 += 1).or_insert((row, 1));
        }
    }
    for item in items {
        match latest.remove(&item.customer_id) {
            Some((l, n)) => {
                item.record_id = Some(l.id);
                item.service_at = Some(l.service_at);
                item.service_type = l.service_type;
                item.service_mode = l.service_mode;
                item.service_dept = l.service_dept;
                item.qa_result = l.qa_result.unwrap_or_default();
                item.record_count = Some(n);
            }
            None => {
                item.service_at = None;
                item.record_count = Some(0);
            }
        }
    }
    Ok(())
}
