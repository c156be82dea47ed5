//! The report centre's frame: the organisations a report covers, and the assembly of every
//! report from its tallies — rows per period and organisation (or level), each period's
//! subtotal, the grand total, the charts — so each report only says what it counts
//! (`members`, `requests`, `services`).
use std::collections::HashMap;
use std::future::Future;

use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::chart::{self, Series};
use super::{Cell, Chart, Column, Grain, Period, Report, ReportFilter, ReportKind, Row, level_text, list, periods};
use crate::auth::entity::organization;
use crate::auth::session::CurrentUser;
use crate::auth::{OrgType, scope::Scope};
use crate::error::{AppResult, Text};
use crate::members::enums::MemberLevel;

/// The annual push target per member (SPEC PG-93 `fulfilment.push_per_year`).
pub const PUSH_TARGET: i64 = 50;

/// What a row counts: an organisation, a member level, or both.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Key {
    pub org: Option<i64>,
    pub level: Option<String>,
}

/// What a report adds up per row; totals are sums of tallies, never of shown values.
pub trait Tally: Default + Clone + Send {
    /// Whether it counts distinct things a record of two rows can share (a member called by
    /// two offices). Its subtotals and totals add up the rows (and periods) and then take
    /// those counts from a tally of the whole (`tally(…, true)`, which need count nothing
    /// else): see [`Tally::take_distinct`].
    const DISTINCT: bool = false;
    fn add(&mut self, other: &Self);
    /// Takes the distinct counts of `whole`, the tally of a subtotal's or total's records as
    /// one row.
    fn take_distinct(&mut self, _whole: &Self) {}
}

/// Sums tallies.
fn sum_of<T: Tally>(rows: impl IntoIterator<Item = (Key, T)>) -> T {
    let mut sum = T::default();
    for (_, t) in rows {
        sum.add(&t);
    }
    sum
}

/// The members split in two halves by id: a count of distinct members (or anything per
/// member) is the sum of its halves, and the two halves of a year of records are counted at
/// once on two connections.
pub struct Halves(i64);

impl Halves {
    /// Reads where the members split.
    pub async fn of(db: &impl ConnectionTrait) -> AppResult<Self> {
        let q = Query::select().expr(Func::max(Expr::col(Alias::new("id")))).from(Alias::new("customer")).to_owned();
        let max: Option<i64> = match db.query_one(&q).await? {
            Some(row) => row.try_get_by_index(0)?,
            None => None,
        };
        Ok(Self(max.unwrap_or(0) / 2 + 1))
    }

    /// The two halves as conditions on a member-id column.
    pub fn on(&self, id: Expr) -> [Condition; 2] {
        [Condition::all().add(id.clone().lt(self.0)), Condition::all().add(id.gte(self.0))]
    }
}

/// Where a cell's records are: the period, and the row's organisation and level (`None`:
/// every one of the report's).
#[derive(Debug, Clone)]
pub struct Drill<'a> {
    pub period: &'a Period,
    pub key: &'a Key,
}

/// HQ and the rep offices, as rows and as the 组织结构 filter's choices, in `scope`.
pub async fn units(db: &impl ConnectionTrait, scope: &Scope) -> AppResult<Vec<organization::Model>> {
    let all = organization::Entity::find()
        .filter(organization::Column::OrgType.is_in([OrgType::Hq.code(), OrgType::RepOffice.code()]))
        .order_by_asc(organization::Column::SortOrder)
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?;
    Ok(all.into_iter().filter(|o| scope.allows(o.id, None)).collect())
}

/// A report being generated.
pub struct Frame<'a, C: ConnectionTrait> {
    pub db: &'a C,
    pub user: &'a CurrentUser,
    pub f: &'a ReportFilter,
    pub kind: ReportKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// How a report lays out its rows.
pub enum Rows {
    /// One per organisation (HQ and the rep offices in scope and filter, and any other that
    /// has records); with `by_level`, one per organisation and level that has records.
    Orgs { by_level: bool },
    /// One per member level (of the filter, or all).
    Levels,
}

impl<C: ConnectionTrait> Frame<'_, C> {
    pub fn backend(&self) -> sea_orm::DbBackend {
        self.db.get_database_backend()
    }

    /// The report's periods.
    pub fn periods(&self) -> Vec<Period> {
        periods(self.f.grain(), self.from, self.to)
    }

    /// A one-org drill key when the filter names exactly one organisation.
    pub fn single_org(&self) -> Option<i64> {
        match self.f.org_ids().as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// Assembles the report: `tally` counts one period, its first and last day (rows keyed by
    /// [`Key`]; `true`: as one row, for a distinct tally's subtotals and totals), `cells` turns a
    /// row's tally into its cells (with their drill-down links).
    pub async fn assemble<T, Fut>(
        &self,
        layout: Rows,
        columns: Vec<Column>,
        tally: impl Fn(String, String, bool) -> Fut,
        cells: impl Fn(&T, &Drill) -> Vec<Cell>,
    ) -> AppResult<Report>
    where
        T: Tally,
        Fut: Future<Output = AppResult<Vec<(Key, T)>>>,
    {
        let grain = self.f.grain();
        let org_names: HashMap<i64, String> =
            organization::Entity::find().all(self.db).await?.into_iter().map(|o| (o.id, o.name)).collect();
        let picked = self.f.org_ids();
        let fixed: Vec<Key> = match layout {
            Rows::Orgs { by_level: false } => units(self.db, &self.user.scope)
                .await?
                .into_iter()
                .filter(|o| picked.is_empty() || picked.contains(&o.id))
                .map(|o| Key { org: Some(o.id), level: None })
                .collect(),
            Rows::Orgs { by_level: true } => vec![],
            Rows::Levels => {
                let wanted = list(&self.f.levels);
                MemberLevel::ALL
                    .iter()
                    .filter(|l| wanted.is_empty() || wanted.contains(&l.code()))
                    .map(|l| Key { org: None, level: Some(l.code().into()) })
                    .collect()
            }
        };
        let order: HashMap<i64, usize> =
            units(self.db, &Scope::All).await?.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
        let level_rank = |l: &Option<String>| {
            l.as_deref().and_then(|c| MemberLevel::ALL.iter().position(|x| x.code() == c)).unwrap_or(usize::MAX)
        };
        let sort_key =
            |k: &Key| (k.org.map(|o| order.get(&o).copied().unwrap_or(usize::MAX - 1)), k.org, level_rank(&k.level));
        let heads_of = |k: &Key| {
            let mut h = vec![];
            if let Some(o) = k.org {
                let name = org_names.get(&o).cloned().unwrap_or_else(|| format!("#{o}"));
                h.push(Text::new(name.clone(), name));
            }
            if let Some(l) = &k.level {
                h.push(level_text(l));
            }
            h
        };

        let mut heads = vec![];
        if grain != Grain::Total {
            heads.push(Text::new("期间", "Period"));
        }
        match layout {
            Rows::Orgs { by_level } => {
                heads.push(Text::new("组织机构", "Organisation"));
                if by_level {
                    heads.push(Text::new("会员级别", "Member level"));
                }
            }
            Rows::Levels => heads.push(Text::new("会员级别", "Member level")),
        }

        let periods = self.periods();
        let mut rows = vec![];
        let mut grand = T::default();
        let mut per_period: Vec<(Period, T)> = vec![];
        for period in periods.iter().cloned() {
            let (from, to) = (period.from.to_string(), period.to.to_string());
            // A distinct tally's whole is counted at the same time, on another connection.
            let (counted, whole) = if T::DISTINCT {
                let (rows, whole) =
                    futures_util::future::try_join(tally(from.clone(), to.clone(), false), tally(from, to, true))
                        .await?;
                (rows, Some(sum_of(whole)))
            } else {
                (tally(from, to, false).await?, None)
            };
            let mut data: HashMap<Key, T> = HashMap::new();
            for (k, t) in counted {
                data.entry(k).or_default().add(&t);
            }
            let mut keys: Vec<Key> = fixed.clone();
            let mut extra: Vec<Key> = data.keys().filter(|k| !fixed.contains(k)).cloned().collect();
            extra.sort_by_key(|k| sort_key(k));
            keys.extend(extra);
            if matches!(layout, Rows::Orgs { .. }) {
                keys.sort_by_key(|k| sort_key(k));
            }
            let mut sub = T::default();
            for k in &keys {
                let t = data.get(k).cloned().unwrap_or_default();
                sub.add(&t);
                let mut h = vec![];
                if grain != Grain::Total {
                    h.push(Text::new(period.label.clone(), period.label.clone()));
                }
                h.extend(heads_of(k));
                rows.push(Row { heads: h, cells: cells(&t, &Drill { period: &period, key: k }), total: false });
            }
            if let Some(whole) = &whole {
                sub.take_distinct(whole);
            }
            grand.add(&sub);
            if grain != Grain::Total {
                let key = self.total_key(&layout);
                let mut h = vec![Text::new(period.label.clone(), period.label.clone())];
                h.extend((1..heads.len()).map(|_| Text::new("小计", "Subtotal")));
                rows.push(Row { heads: h, cells: cells(&sub, &Drill { period: &period, key: &key }), total: true });
            }
            per_period.push((period, sub));
        }
        let whole = Period { label: String::new(), from: self.from, to: self.to };
        // Over periods, a distinct tally adds up but for its distinct counts (members), which
        // the whole range counts at once; any other is counted over the whole range again (a
        // stock, such as 会员总数, is the last period's, not the sum).
        if grain != Grain::Total {
            let (from, to) = (whole.from.to_string(), whole.to.to_string());
            if T::DISTINCT {
                grand.take_distinct(&sum_of(tally(from, to, true).await?));
            } else {
                grand = sum_of(tally(from, to, false).await?);
            }
        }
        let key = self.total_key(&layout);
        let total_row = Row {
            heads: (0..heads.len())
                .map(|i| if i == 0 { Text::new("合计", "Total") } else { Text::new("", "") })
                .collect(),
            cells: cells(&grand, &Drill { period: &whole, key: &key }),
            total: true,
        };

        let title = Text::new(self.kind.zh(), self.kind.en());
        let labels: Vec<String> = per_period.iter().map(|(p, _)| p.label.clone()).collect();
        let charts = charts(&title, &columns, &rows, &total_row, (grain != Grain::Total).then_some(labels.as_slice()));
        rows.push(total_row);
        Ok(Report {
            title,
            from: self.from,
            to: self.to,
            criteria: super::criteria::criteria(self.f, self.kind, self.from, self.to, &org_names),
            heads,
            columns,
            rows,
            charts,
            notes: vec![],
        })
    }

    /// The key of a subtotal or total row: the one organisation the filter names, if any.
    fn total_key(&self, layout: &Rows) -> Key {
        match layout {
            Rows::Orgs { .. } => Key { org: self.single_org(), level: None },
            Rows::Levels => {
                let levels = list(&self.f.levels);
                Key { org: None, level: (levels.len() == 1).then(|| levels[0].to_string()) }
            }
        }
    }
}

/// The charts of a table: its series columns as stacked bars by data row (or, given the
/// periods, as lines over the periods' subtotal rows), and their shares of the total as a pie;
/// each with a text alternative.
pub fn charts(
    title: &Text,
    columns: &[Column],
    rows: &[Row],
    total_row: &Row,
    periods: Option<&[String]>,
) -> Vec<Chart> {
    use crate::i18n::Locale;
    let series_cols: Vec<usize> = columns.iter().enumerate().filter(|(_, c)| c.series).map(|(i, _)| i).collect();
    if series_cols.is_empty() {
        return vec![];
    }
    let value = |row: &Row, i: usize| row.cells.get(i).and_then(|c| c.value.number()).unwrap_or(0.0);
    let series_of = |rows: &[&Row], locale: Locale| -> Vec<Series> {
        series_cols
            .iter()
            .map(|&i| Series {
                name: columns[i].label.get(locale).to_string(),
                values: rows.iter().map(|r| value(r, i)).collect(),
            })
            .collect()
    };
    let draw = |locale: Locale| -> (String, String) {
        let name = title.get(locale);
        let pie_slices: Vec<(String, f64)> =
            series_cols.iter().map(|&i| (columns[i].label.get(locale).to_string(), value(total_row, i))).collect();
        let pie_title = match locale {
            Locale::Zh => format!("{name} 构成"),
            Locale::En => format!("{name}: shares"),
        };
        let main = match periods {
            None => {
                let data: Vec<&Row> = rows.iter().filter(|r| !r.total).collect();
                let cats: Vec<String> =
                    data.iter().map(|r| r.heads.iter().map(|h| h.get(locale)).collect::<Vec<_>>().join(" ")).collect();
                chart::stacked_bars(name, &cats, &series_of(&data, locale))
            }
            Some(labels) => {
                let subs: Vec<&Row> = rows.iter().filter(|r| r.total).collect();
                chart::lines(name, labels, &series_of(&subs, locale))
            }
        };
        (main, chart::pie(&pie_title, &pie_slices))
    };
    let (zh, en) = (draw(Locale::Zh), draw(Locale::En));
    let names: Vec<&str> = series_cols.iter().map(|&i| columns[i].label.zh.as_str()).collect();
    let share = |l: Locale| -> Vec<String> {
        series_cols
            .iter()
            .map(|&i| {
                format!(
                    "{} {}",
                    columns[i].label.get(l),
                    total_row.cells.get(i).map(|c| c.value.text()).unwrap_or_default()
                )
            })
            .collect()
    };
    let (how, how_en) = if periods.is_none() {
        ("按行堆叠的柱状图", "Stacked bars per row")
    } else {
        ("按期间的折线图", "Lines over the periods")
    };
    vec![
        Chart {
            zh: zh.0,
            en: en.0,
            alt: Text::new(
                format!("{how}:{};数据见下表", names.join("、")),
                format!("{how_en} of {}; the table below holds the data", series_cols.len()),
            ),
        },
        Chart {
            zh: zh.1,
            en: en.1,
            alt: Text::new(
                format!("合计构成:{}", share(Locale::Zh).join(",")),
                format!("Shares: {}", share(Locale::En).join(", ")),
            ),
        },
    ]
}

/// A count cell.
pub fn count(n: i64, link: Option<String>) -> Cell {
    Cell { value: super::Value::Count(n), link }
}

/// A cell without a list behind it.
pub fn plain(value: super::Value) -> Cell {
    Cell { value, link: None }
}

/// A column.
pub fn col(zh: &str, en: &str, group: Option<(&str, &str)>, series: bool) -> Column {
    Column { label: Text::new(zh, en), group: group.map(|(z, e)| Text::new(z, e)), series }
}

/// `[from, to]` as the lists' URL dates.
pub fn dates(p: &Period) -> (String, String) {
    (p.from.to_string(), p.to.to_string())
}

/// Sums of `n` numbers.
pub fn add_all(into: &mut [i64], from: &[i64]) {
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}
