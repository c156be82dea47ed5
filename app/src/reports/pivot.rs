//! Rows grouped by member level without sorting them.
use sea_orm::QueryResult;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, SelectStatement};

use super::NON_MEMBER;
use super::frame::Key;
use crate::db::count_if;
use crate::error::AppResult;
use crate::members::conditions::c;
use crate::members::enums::MemberLevel;

/// Measures of rows joined to their customer (`c`) per member level, as the columns of one row:
/// SQLite groups by an expression no index orders by sorting every row into a temporary
/// b-tree (a third of R-5's statements, at 150k members per half), while a level is one of a
/// few known values. The levels are the report's filter, or all of them and the customers
/// without one (非会员, a row only when it counts something).
pub struct LevelPivot(Vec<Option<MemberLevel>>);

impl LevelPivot {
    /// The levels of the report's filter `codes` (none: all, and no level).
    pub fn of(codes: &[&str]) -> Self {
        if codes.is_empty() {
            Self(MemberLevel::ALL.iter().copied().map(Some).chain([None]).collect())
        } else {
            Self(codes.iter().filter_map(|code| MemberLevel::parse(code)).map(Some).collect())
        }
    }

    /// Selects measure `name` per level: the level's rows counted (`None`), or `sum` summed.
    pub fn select(&self, q: &mut SelectStatement, name: &str, sum: Option<&Expr>) {
        for (i, level) in self.0.iter().enumerate() {
            let of: Condition = match level {
                Some(l) => Condition::all().add(c("member_level").eq(l.code())),
                None => Condition::all().add(c("member_level").is_null()),
            };
            let measure = match sum {
                None => count_if(of),
                Some(e) => Func::cast_as(Func::sum(Expr::case(of, e.clone())), Alias::new("BIGINT")).into(),
            };
            q.expr_as(measure, Alias::new(format!("{name}_{i}")));
        }
    }

    /// Measures `names` per level from `row` (0 where a level has no rows), keyed as the
    /// report's rows; the customers without a level only when they count something.
    pub fn read(&self, row: &QueryResult, names: &[&str]) -> AppResult<Vec<(Key, Vec<i64>)>> {
        let mut out = vec![];
        for (i, level) in self.0.iter().enumerate() {
            let mut values = vec![];
            for name in names {
                values.push(row.try_get::<Option<i64>>("", &format!("{name}_{i}"))?.unwrap_or(0));
            }
            if level.is_none() && values.iter().all(|v| *v == 0) {
                continue;
            }
            let code = level.map_or(NON_MEMBER, |l| l.code());
            out.push((Key { org: None, level: Some(code.into()) }, values));
        }
        Ok(out)
    }
}
