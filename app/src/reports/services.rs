//! R-3 会员回访信息统计表: callbacks per caller's organisation (and member level), by 回访内容,
//! 接通情况 and 满意程度, over the members of the user's scope.
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Query, SelectStatement};

use super::frame::{Drill, Frame, Key, Rows, Tally, add_all, col, count, dates, plain};
use super::{NONE, Report, Value, list};
use crate::callbacks::{CallbackContent, Reach, Satisfaction};
use crate::db::count_if;
use crate::error::{AppError, AppResult};
use crate::members::MemberFilter;
use crate::members::conditions::{c, customer_condition, ts_range};
use crate::members::customer_join::{ByMemberIndex, JoinCustomer, admitted};
use crate::members::enums::MemberLevel;
use crate::ui::list::UrlFilter;

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
    const DISTINCT: bool = true;
    fn add(&mut self, o: &Self) {
        self.total += o.total;
        self.members += o.members;
        self.reached += o.reached;
        add_all(&mut self.contents, &o.contents);
        add_all(&mut self.ratings, &o.ratings);
    }
    fn take_distinct(&mut self, whole: &Self) {
        self.members = whole.members;
    }
}

/// The member query's filter of callback records over `[from, to]` (what a cell's link opens,
/// before its own office, level and callback values).
fn record_filter(from: &str, to: &str, levels: String) -> MemberFilter {
    MemberFilter {
        service_type: crate::members::enums::SourceKind::Callback.code().into(),
        service_from: from.into(),
        service_to: to.into(),
        record_callback: "1".into(),
        level: levels,
        ..Default::default()
    }
}

/// The callbacks of the criteria over `[from, to]`, read from `callback` itself (its covering
/// indexes), joined to the member (`c`) only when rows go by level. They are the records a
/// cell's link lists: a callback and its service record are written in one transaction with
/// the same member, office and time, and the member query shows the same members
/// (`admitted` is `customer_condition` by id).
fn calls(frame: &Frame<'_, impl ConnectionTrait>, from: &str, to: &str, by_level: bool) -> SelectStatement {
    let f = frame.f;
    let members = MemberFilter { level: list(&f.levels).join(","), ..Default::default() };
    let mut cond = Condition::all().add(ts_range(cb("callback_at"), from, to));
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
    let mut q = Query::select().from_as(Alias::new("callback"), Alias::new("cb")).to_owned();
    if by_level {
        q.join_customer("cb");
        cond = cond.add(customer_condition(frame.backend(), &members, &frame.user.scope));
    } else {
        cond = cond.add(admitted(frame.backend(), cb("customer_id"), &members, &frame.user.scope));
    }
    q.cond_where(cond).to_owned()
}

/// One period of R-3: per office (and level) its callbacks by 回访内容, 接通 and 满意程度, and
/// its members; as one row (`whole`), the members only (the rest adds up).
async fn call_tally(
    frame: &Frame<'_, impl ConnectionTrait>,
    from: String,
    to: String,
    whole: bool,
) -> AppResult<Vec<(Key, Calls)>> {
    let by_level = frame.f.by_level() && !whole;
    let group = |q: &mut SelectStatement| {
        if whole {
            return;
        }
        q.expr_as(cb("organization_id"), Alias::new("org"))
            .group_by_col((Alias::new("cb"), Alias::new("organization_id")));
        if by_level {
            q.expr_as(c("member_level"), Alias::new("level"))
                .group_by_col((Alias::new("c"), Alias::new("member_level")));
        }
    };
    let key = |row: &sea_orm::QueryResult| -> AppResult<Key> {
        if whole {
            return Ok(Key::default());
        }
        Ok(Key {
            org: Some(row.try_get("", "org")?),
            level: if by_level { row.try_get::<Option<String>>("", "level")?.or(Some(String::new())) } else { None },
        })
    };
    let mut members = calls(frame, &from, &to, by_level);
    group(&mut members);
    members.expr_as(Func::count_distinct(cb("customer_id")), Alias::new("n"));
    let members = async {
        let mut out = vec![];
        for row in frame.db.query_all(&ByMemberIndex(&members)).await? {
            out.push((key(&row)?, Calls { members: row.try_get("", "n")?, ..Default::default() }));
        }
        Ok::<_, AppError>(out)
    };
    if whole {
        return members.await;
    }
    // Each column a count over the office's callbacks, in one pass of its index.
    let mut q = calls(frame, &from, &to, by_level);
    group(&mut q);
    let is = |col: &str, v: &str| count_if(cb(col).eq(v));
    q.expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .expr_as(is("reach_status", Reach::Reached.code()), Alias::new("reached"));
    for (i, x) in CallbackContent::ALL.iter().enumerate() {
        q.expr_as(is("callback_content", x.code()), Alias::new(format!("content{i}")));
    }
    for (i, x) in Satisfaction::ALL.iter().enumerate() {
        q.expr_as(is("satisfaction", x.code()), Alias::new(format!("rating{i}")));
    }
    q.expr_as(count_if(cb("satisfaction").is_null()), Alias::new("unrated"));
    let calls = async {
        let mut out = vec![];
        for row in frame.db.query_all(&ByMemberIndex(&q)).await? {
            let mut t =
                Calls { total: row.try_get("", "n")?, reached: row.try_get("", "reached")?, ..Default::default() };
            for (i, slot) in t.contents.iter_mut().enumerate() {
                *slot = row.try_get("", &format!("content{i}"))?;
            }
            for (i, slot) in t.ratings[..5].iter_mut().enumerate() {
                *slot = row.try_get("", &format!("rating{i}"))?;
            }
            t.ratings[5] = row.try_get("", "unrated")?;
            out.push((key(&row)?, t));
        }
        Ok::<_, AppError>(out)
    };
    let (mut out, members) = futures_util::future::try_join(calls, members).await?;
    out.extend(members);
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
    let may_list = frame.user.has(crate::auth::Perm::QueryMemberService);
    let ratings = list(&frame.f.satisfaction);
    let cells = |t: &Calls, d: &Drill| {
        let (from, to) = dates(d.period);
        let org = match (d.key.org, frame.f.org_ids().as_slice()) {
            (Some(o), _) => Ok(Some(o)),
            (None, []) => Ok(None),
            (None, [one]) => Ok(Some(*one)),
            _ => Err(()),
        };
        let levels = match &d.key.level {
            Some(l) if MemberLevel::parse(l).is_some() => Ok(l.clone()),
            // (Members without a level: no filter names them.)
            Some(_) => Err(()),
            None => Ok(list(&frame.f.levels).join(",")),
        };
        // `set`: (URL field, value) of the column; `members`: 按会员 (distinct members).
        let link = |set: &[(&str, &str)], members: bool| -> Option<String> {
            if !may_list {
                return None;
            }
            let (Ok(org), Ok(levels)) = (org, levels.clone()) else { return None };
            let mut m = record_filter(&from, &to, levels);
            m.service_org = org;
            m.record_rating = match ratings.as_slice() {
                [] => String::new(),
                [one] => (*one).to_string(),
                _ => return None,
            };
            for (field, value) in set {
                let slot = match *field {
                    "content" => &mut m.record_content,
                    "reach" => &mut m.record_reach,
                    _ => &mut m.record_rating,
                };
                if !slot.is_empty() && slot != value {
                    return None;
                }
                *slot = (*value).to_string();
            }
            if members {
                m.view = "members".into();
            }
            Some(format!("/query/member-services?{}", m.to_query()))
        };
        let mut cells = vec![
            count(t.total, link(&[], false)),
            count(t.members, link(&[], true)),
            count(t.reached, link(&[("reach", Reach::Reached.code())], false)),
        ];
        cells.extend(
            CallbackContent::ALL
                .iter()
                .enumerate()
                .map(|(i, x)| count(t.contents[i], link(&[("content", x.code())], false))),
        );
        cells.extend(
            Satisfaction::ALL
                .iter()
                .enumerate()
                .map(|(i, x)| count(t.ratings[i], link(&[("rating", x.code())], false))),
        );
        cells.push(count(t.ratings[5], link(&[("rating", NONE)], false)));
        let rated: i64 = t.ratings[..5].iter().sum();
        cells.push(plain(Value::rate(t.ratings[0] + t.ratings[1], rated)));
        cells
    };
    frame
        .assemble(
            Rows::Orgs { by_level: frame.f.by_level() },
            columns,
            |from, to, whole| call_tally(frame, from, to, whole),
            cells,
        )
        .await
}
