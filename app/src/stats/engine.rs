//! What every statistic shares: its criteria in force, the grouped counts it reads, the labels
//! of its rows, and the table (with totals and charts) it becomes.
use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ConnectionTrait, EntityTrait, QueryResult};

use super::{By, StatFilter, StatItem};
use crate::auth::entity::{account, industry, organization, region};
use crate::auth::session::CurrentUser;
use crate::error::{AppResult, Text};
use crate::members::conditions::ts_range;
use crate::reports::frame::charts;
use crate::reports::{Cell, Column, Report, Row, Value};

/// A statistic being computed.
pub struct Stat<'a, C: ConnectionTrait> {
    pub db: &'a C,
    pub user: &'a CurrentUser,
    pub f: &'a StatFilter,
    pub item: StatItem,
    pub by: Option<By>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl<C: ConnectionTrait> Stat<'_, C> {
    pub fn backend(&self) -> sea_orm::DbBackend {
        self.db.get_database_backend()
    }
    pub fn dates(&self) -> (String, String) {
        (self.from.to_string(), self.to.to_string())
    }
    /// `col` (a timestamp) within the statistic's days.
    pub fn in_range(&self, col: Expr) -> Condition {
        let (from, to) = self.dates();
        ts_range(col, &from, &to)
    }
    /// The user's scope on a row's organisation and the accounts it belongs to (本人: the
    /// agent's own rows), and the chosen organisation.
    pub fn orgs(&self, org: Expr, owners: &[Expr]) -> Condition {
        let mut cond = self.user.scope.condition_on(org.clone(), owners);
        if let Some(o) = self.f.org.filter(|_| self.item.takes_org()) {
            cond = cond.add(org.eq(o));
        }
        cond
    }
    /// The chosen agent on an agent column.
    pub fn agent(&self, col: Expr) -> Condition {
        match self.f.agent.filter(|_| self.item.takes_agent()) {
            Some(a) => Condition::all().add(col.eq(a)),
            None => Condition::all(),
        }
    }
}

/// Column `col` of the table (or alias) `table`.
pub fn t(table: &str, col: &str) -> Expr {
    Expr::col((sea_orm::sea_query::Alias::new(table), sea_orm::sea_query::Alias::new(col)))
}

/// A number of a result row (`COUNT`, `SUM` of integers or of floats) on either database.
pub fn num(row: &QueryResult, col: &str) -> f64 {
    if let Ok(v) = row.try_get::<Option<i64>>("", col) {
        return v.unwrap_or(0) as f64;
    }
    if let Ok(v) = row.try_get::<Option<i32>>("", col) {
        return v.unwrap_or(0) as f64;
    }
    row.try_get::<Option<f64>>("", col).ok().flatten().unwrap_or(0.0)
}

/// A grouping key of a result row as text ("" for none).
pub fn key(row: &QueryResult, col: &str) -> String {
    if let Ok(v) = row.try_get::<Option<String>>("", col) {
        return v.unwrap_or_default();
    }
    row.try_get::<Option<i64>>("", col).ok().flatten().map(|v| v.to_string()).unwrap_or_default()
}

/// Runs `q` (grouped by a column `k`, measures `m0` … `m{n-1}`) into each key's measures.
pub async fn grouped(db: &impl ConnectionTrait, q: &SelectStatement, n: usize) -> AppResult<Vec<(String, Vec<f64>)>> {
    let mut out: Vec<(String, Vec<f64>)> = vec![];
    for row in db.query_all(q).await? {
        let k = key(&row, "k");
        let v: Vec<f64> = (0..n).map(|i| num(&row, &format!("m{i}"))).collect();
        match out.iter_mut().find(|(x, _)| *x == k) {
            Some((_, acc)) => acc.iter_mut().zip(&v).for_each(|(a, b)| *a += b),
            None => out.push((k, v)),
        }
    }
    Ok(out)
}

pub use crate::db::count_if;

/// `SELECT key AS k, measures AS m0 … FROM table WHERE cond GROUP BY k`: a statistic's
/// statement in the shape [`grouped`] reads.
pub fn keyed(table: &str, key: Expr, measures: impl IntoIterator<Item = Expr>, cond: Condition) -> SelectStatement {
    let mut q = Query::select();
    q.from(Alias::new(table)).expr_as(key, Alias::new("k"));
    for (i, m) in measures.into_iter().enumerate() {
        q.expr_as(m, Alias::new(format!("m{i}")));
    }
    q.cond_where(cond).group_by_col(Alias::new("k"));
    q
}

/// Row labels of a dimension: names of agents, organisations, provinces and industries, and
/// the labels of the coded values.
pub struct Labels {
    names: HashMap<String, String>,
    by: Option<By>,
}

impl Labels {
    pub async fn load(db: &impl ConnectionTrait, by: Option<By>) -> AppResult<Self> {
        let names: HashMap<String, String> = match by {
            Some(By::Agent) => {
                account::Entity::find().all(db).await?.into_iter().map(|a| (a.id.to_string(), a.name)).collect()
            }
            Some(By::Org) => {
                organization::Entity::find().all(db).await?.into_iter().map(|o| (o.id.to_string(), o.name)).collect()
            }
            Some(By::Region) => {
                region::Entity::find().all(db).await?.into_iter().map(|r| (r.id.to_string(), r.name)).collect()
            }
            Some(By::Industry) => {
                industry::Entity::find().all(db).await?.into_iter().map(|r| (r.id.to_string(), r.name)).collect()
            }
            _ => HashMap::new(),
        };
        Ok(Self { names, by })
    }

    /// The label of key `k` (a coded value's label, a name, or 未填写 for none).
    pub fn of(&self, k: &str) -> Text {
        use crate::members::enums as e;
        if k.is_empty() {
            return Text::new("未填写", "Not given");
        }
        let choice = |list: &[e::Choice]| list.iter().find(|c| c.0 == k).map(|c| Text::new(c.1, c.2));
        let found = match self.by {
            Some(By::Dept) => choice(crate::requests::HandlingDept::CHOICES),
            Some(By::Channel) => choice(crate::requests::Channel::CHOICES),
            Some(By::Level) => Some(crate::reports::level_text(k)),
            Some(By::Category) => choice(e::CATEGORIES),
            Some(By::Status) => choice(e::ENTERPRISE_STATUSES),
            Some(By::Source) => choice(e::INFO_SOURCES),
            _ => self.names.get(k).map(|n| Text::new(n.clone(), n.clone())),
        };
        found.unwrap_or_else(|| Text::new(format!("#{k}"), format!("#{k}")))
    }
}

/// A data row of a statistic: its heading and its cells.
pub struct Line {
    pub head: Text,
    pub cells: Vec<Cell>,
}

/// A count cell, linking to `link` when there is something to list.
pub fn count(n: f64, link: Option<String>) -> Cell {
    Cell { value: Value::Count(n.round() as i64), link }
}

/// A cell without a list behind it.
pub fn plain(value: Value) -> Cell {
    Cell { value, link: None }
}

/// The rows shown in a chart at most (the table holds them all).
pub const CHART_ROWS: usize = 20;

/// The statistic as a table: its rows under `row_head`, a 合计 row when `total` is given, its
/// charts over the first rows, and its criteria.
pub fn table<C: ConnectionTrait>(
    s: &Stat<'_, C>,
    row_head: Text,
    columns: Vec<Column>,
    lines: Vec<Line>,
    total: Option<Vec<Cell>>,
    criteria: Vec<(Text, Text)>,
    notes: Vec<Text>,
) -> Report {
    let rows: Vec<Row> = lines.into_iter().map(|l| Row { heads: vec![l.head], cells: l.cells, total: false }).collect();
    let total_row = total.map(|cells| Row { heads: vec![Text::new("合计", "Total")], cells, total: true });
    let title = Text::new(s.item.zh(), s.item.en());
    let shown: Vec<Row> = rows.iter().take(CHART_ROWS).cloned().collect();
    let charts = match &total_row {
        Some(t) => charts(&title, &columns, &shown, t, None),
        None => vec![],
    };
    let mut all = rows;
    all.extend(total_row);
    let mut crit = vec![(Text::new("统计项", "Statistic"), title.clone())];
    if let Some(by) = s.by {
        crit.push((Text::new("统计维度", "Breakdown"), Text::new(by.zh(), by.en())));
    }
    if s.item.timed() {
        let (zh, en) = s.item.time_label();
        crit.push((Text::new(zh, en), Text::new(format!("{} 至 {}", s.from, s.to), format!("{} to {}", s.from, s.to))));
    } else {
        crit.push((Text::new("统计时间", "As of"), Text::new("当前", "Now")));
    }
    crit.extend(criteria);
    Report { title, from: s.from, to: s.to, criteria: crit, heads: vec![row_head], columns, rows: all, charts, notes }
}

/// Sums of the cells' numbers per column (counts only; other values are left to the caller).
pub fn sums(lines: &[Line], width: usize) -> Vec<f64> {
    let mut out = vec![0.0; width];
    for l in lines {
        for (i, c) in l.cells.iter().enumerate().take(width) {
            if let Value::Count(n) = c.value {
                out[i] += n as f64;
            }
        }
    }
    out
}
