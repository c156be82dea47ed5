//! How the rows of other tables meet their customer: joined to it (`JoinCustomer`), or — for
//! reports counting a year of records from an index — admitted by id without reading it
//! (`admitted`), under the member query's own filters, scope and visibility.
use migration::m20261215_000001_member_index::MEMBER_INDEX;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{DbBackend, Statement, StatementBuilder};

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

/// The join [`JoinCustomer`] writes, as SQLite's statement text has it.
const JOIN_SQL: &str = r#"INNER JOIN "customer" AS "c" ON"#;

/// A statement joined to its customer ([`JoinCustomer`]) that reads the customer through
/// `ix_customer_member` (office, level, visibility and owner by id) on SQLite: its planner
/// looks a rowid up in the table itself, a wide row per member, where a report joining a year
/// of records to their members one by one needs only those columns (a column the index lacks
/// is still read from the row). And the rows stay the outer loop (SQLite's `CROSS JOIN`, an
/// inner join in a fixed order), each looking its member up, in the order they come: the
/// planner would rather scan the index and look each member's rows up. PostgreSQL plans the
/// join itself; a statement without the join is left as it is.
pub struct ByMemberIndex<'a>(pub &'a SelectStatement);

impl StatementBuilder for ByMemberIndex<'_> {
    fn build(&self, backend: &DbBackend) -> Statement {
        let mut statement = backend.build(self.0);
        if *backend == DbBackend::Sqlite {
            let hinted = format!(r#"CROSS JOIN "customer" AS "c" INDEXED BY "{MEMBER_INDEX}" ON"#);
            statement.sql = statement.sql.replacen(JOIN_SQL, &hinted, 1);
        }
        statement
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
