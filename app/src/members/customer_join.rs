//! How the rows of other tables meet their customer: joined to it (`JoinCustomer`), or — for
//! reports counting a year of records from an index — admitted by id without reading it
//! (`admitted`), under the member query's own filters, scope and visibility.
use sea_orm::DbBackend;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query, SelectStatement};

use super::MemberFilter;
use super::conditions::{TextMatch, c, customer_filters};
use crate::auth::scope::Scope;

/// Joins the customer (`c`) of a statement's rows: `rows`, their alias, has `customer_id`.
pub trait JoinCustomer {
    fn join_customer(&mut self, rows: &str) -> &mut Self;
}

impl JoinCustomer for SelectStatement {
    fn join_customer(&mut self, rows: &str) -> &mut Self {
        self.join_as(
            sea_orm::JoinType::InnerJoin,
            Alias::new("customer"),
            Alias::new("c"),
            c("id").equals((Alias::new(rows), Alias::new("customer_id"))),
        )
    }
}

/// The predicate of the invisible customers (deleted, or not approved), word for word that of
/// the partial index `ix_customer_invisible`: with a bound value instead of the code, neither
/// database would use the index.
pub fn invisible_predicate() -> String {
    format!("deleted_at IS NOT NULL OR review_status <> '{}'", crate::archive::ReviewStatus::Approved.code())
}

/// The customers the member query shows under `f` and `scope`, as a condition on `id` (the
/// customer id of another table's rows) that reads no customer row per counted row — what
/// lets a report count a year of records from an index: every customer but the invisible few
/// (read from `ix_customer_invisible`) and, under filters or a narrower scope, the ids they
/// admit, listed once from their own indexes (`customer_condition` is the two together).
pub fn admitted(backend: DbBackend, id: Expr, f: &MemberFilter, scope: &Scope) -> Condition {
    let invisible = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("customer"))
        .and_where(Expr::cust(invisible_predicate()))
        .to_owned();
    let cond = Condition::all().add(id.clone().not_in_subquery(invisible));
    if *f == MemberFilter::default() && matches!(scope, Scope::All) {
        return cond;
    }
    let shown = Query::select()
        .expr(c("id"))
        .from_as(Alias::new("customer"), Alias::new("c"))
        .cond_where(customer_filters(backend, f, scope, &TextMatch::Index))
        .to_owned();
    cond.add(id.in_subquery(shown))
}
