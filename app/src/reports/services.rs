//! R-3 会员回访信息统计表: callbacks per caller's organisation (and member level), by 回访内容,
//! 接通情况 and 满意程度, over the members of the user's scope.
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Query, SelectStatement};

use super::service::{Drill, Frame, Key, Rows, Tally, add_all, col, count, dates, plain};
use super::{NONE, Report, Value, list};
use crate::callbacks::{CallbackContent, Reach, Satisfaction};
use crate::error::AppResult;
use crate::members::MemberFilter;
use crate::members::conditions::{c, customer_condition, ts_range};

fn cb(col: &str) -> Expr {
    Expr::col((Alias::new("cb"), Alias::new(col)))
}

#[derive(Debug, Clone, Default)]
struct Calls {
    total: i64,
    members: i64,
    reached: i64,
    contents: [i64; 5],
    /// The five ratings, then 未评价.
    ratings: [i64; 6],
}

impl Tally for Calls {
    fn add(&mut self, o: &Self) {
        self.total += o.total;
        self.members += o.members;
        self.reached += o.reached;
        add_all(&mut self.contents, &o.contents);
        add_all(&mut self.ratings, &o.ratings);
    }
}

/// The callbacks of the criteria over `[from, to]`, joined to their member (`c`).
fn calls(frame: &Frame<'_, impl ConnectionTrait>, from: &str, to: &str) -> SelectStatement {
    let f = frame.f;
    let m = MemberFilter { level: list(&f.levels).join(","), ..Default::default() };
    let mut cond = Condition::all().add(ts_range(cb("callback_at"), from, to)).add(customer_condition(
        frame.backend(),
        &m,
        &frame.user.scope,
    ));
    let orgs = f.org_ids();
    if !orgs.is_empty() {
        cond = cond.add(cb("organization_id").is_in(orgs));
    }
    let ratings = list(&f.satisfaction);
    if !ratings.is_empty() {
        let mut any = Condition::any();
        let named: Vec<&str> = ratings.iter().copied().filter(|r| *r != NONE).collect();
        if !named.is_empty() {
            any = any.add(cb("satisfaction").is_in(named));
        }
        if ratings.contains(&NONE) {
            any = any.add(cb("satisfaction").is_null());
        }
        cond = cond.add(any);
    }
    Query::select()
        .from_as(Alias::new("callback"), Alias::new("cb"))
        .join_as(
            sea_orm::JoinType::InnerJoin,
            Alias::new("customer"),
            Alias::new("c"),
            c("id").equals((Alias::new("cb"), Alias::new("customer_id"))),
        )
        .cond_where(cond)
        .to_owned()
}

async fn call_tally(frame: &Frame<'_, impl ConnectionTrait>, from: &str, to: &str) -> AppResult<Vec<(Key, Calls)>> {
    let by_level = frame.f.by_level();
    let group = |q: &mut SelectStatement| {
        q.expr_as(cb("organization_id"), Alias::new("org"))
            .group_by_col((Alias::new("cb"), Alias::new("organization_id")));
        if by_level {
            q.expr_as(c("member_level"), Alias::new("level"))
                .group_by_col((Alias::new("c"), Alias::new("member_level")));
        }
    };
    let key = |row: &sea_orm::QueryResult| -> AppResult<Key> {
        Ok(Key {
            org: Some(row.try_get("", "org")?),
            level: if by_level { row.try_get::<Option<String>>("", "level")?.or(Some(String::new())) } else { None },
        })
    };
    let mut q = calls(frame, from, to);
    group(&mut q);
    q.expr_as(cb("callback_content"), Alias::new("content"))
        .expr_as(cb("reach_status"), Alias::new("reach"))
        .expr_as(cb("satisfaction"), Alias::new("rating"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .group_by_col((Alias::new("cb"), Alias::new("callback_content")))
        .group_by_col((Alias::new("cb"), Alias::new("reach_status")))
        .group_by_col((Alias::new("cb"), Alias::new("satisfaction")));
    let mut out = vec![];
    for row in frame.db.query_all(&q).await? {
        let n: i64 = row.try_get("", "n")?;
        let mut t = Calls { total: n, ..Default::default() };
        if let Some(i) = CallbackContent::parse(&row.try_get::<String>("", "content")?)
            .and_then(|x| CallbackContent::ALL.iter().position(|y| *y == x))
        {
            t.contents[i] = n;
        }
        if Reach::parse(&row.try_get::<String>("", "reach")?) == Some(Reach::Reached) {
            t.reached = n;
        }
        let rating = row.try_get::<Option<String>>("", "rating")?;
        let slot = match rating.as_deref().and_then(Satisfaction::parse) {
            Some(s) => Satisfaction::ALL.iter().position(|y| *y == s).unwrap_or(5),
            None => 5,
        };
        t.ratings[slot] = n;
        out.push((key(&row)?, t));
    }
    let mut members = calls(frame, from, to);
    group(&mut members);
    members.expr_as(Func::count_distinct(cb("customer_id")), Alias::new("n"));
    for row in frame.db.query_all(&members).await? {
        out.push((key(&row)?, Calls { members: row.try_get("", "n")?, ..Default::default() }));
    }
    Ok(out)
}

pub async fn callbacks(frame: &Frame<'_, impl ConnectionTrait>) -> AppResult<Report> {
    let mut columns = vec![
        col("回访总数", "Callbacks", None, false),
        col("回访会员数", "Members called", None, false),
        col("接通数", "Reached", None, false),
    ];
    let content = Some(("按回访内容", "By subject"));
    columns.extend(CallbackContent::ALL.iter().map(|x| col(x.zh(), x.en(), content, true)));
    let rating = Some(("按满意程度", "By satisfaction"));
    columns.extend(Satisfaction::ALL.iter().map(|x| col(x.zh(), x.en(), rating, false)));
    columns.push(col("未评价", "Not rated", rating, false));
    columns.push(col("满意率", "Satisfied share", None, false));
    let cells = |t: &Calls, _: &Drill| {
        let mut cells = vec![count(t.total, None), count(t.members, None), count(t.reached, None)];
        cells.extend(t.contents.iter().map(|n| count(*n, None)));
        cells.extend(t.ratings.iter().map(|n| count(*n, None)));
        let rated: i64 = t.ratings[..5].iter().sum();
        cells.push(plain(Value::rate(t.ratings[0] + t.ratings[1], rated)));
        cells
    };
    frame
        .assemble(
            Rows::Orgs { by_level: frame.f.by_level() },
            columns,
            |per| async move {
                let (from, to) = dates(&per);
                call_tally(frame, &from, &to).await
            },
            cells,
        )
        .await
}
