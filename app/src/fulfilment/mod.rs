//! 履约 (SPEC §6): each paid member level owes a set of services; each member's service year
//! (服务年度) holds those items with their weights, and CS marks what was delivered. Progress is
//! computed from the weights the 经理 configures (PG-37) — exactly: weights and progress are
//! `Pct`, integer hundredths of a percent, and every sum and share is `rust_decimal`
//! arithmetic, never floating point.
//!
//! This module holds what the pages and the server share: the codes, the progress rule
//! (§6.4), the service-year rule (§6.5), the validation of a scheme (§6.7) and the views.
pub mod api;
pub mod config_page;
pub mod list_page;
pub mod matches;
pub mod matches_page;
pub mod scheme;
pub mod track_page;

#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod list;
#[cfg(feature = "ssr")]
pub mod periods;
#[cfg(feature = "ssr")]
pub mod scheme_service;
#[cfg(feature = "ssr")]
pub mod service;
pub mod track;
#[cfg(feature = "ssr")]
pub mod work;

use chrono::{DateTime, Months, NaiveDate, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

pub use crate::members::enums::FulfilmentStatus;
use crate::ui::list::url_filter;

code_enum! {
    /// E-36 履约项目类型.
    pub enum ItemKind {
        Simple = ("simple", "普通项目", "Simple"),
        Counted = ("counted", "计数项目", "Counted"),
        PushCount = ("push_count", "推送计数项目", "Push count"),
    }
}

impl ItemKind {
    /// Counted and push-count items have a target quantity.
    pub fn has_target(self) -> bool {
        self != ItemKind::Simple
    }
}

code_enum! {
    /// E-35 履约项目状态.
    pub enum ItemStatus {
        Pending = ("pending", "未完成", "Not done"),
        Done = ("done", "已完成", "Done"),
    }
}

code_enum! {
    /// What a 履约操作记录 (G5) says was done.
    pub enum EventAction {
        MarkDone = ("mark_done", "服务完成", "Marked done"),
        UndoDone = ("undo_done", "撤销完成", "Undone"),
        SetQuantity = ("set_quantity", "数量变更", "Quantity changed"),
        Recompute = ("recompute", "方案重算", "Scheme recomputed"),
        Removed = ("removed", "方案移除项目", "Removed by a new scheme"),
        Opened = ("opened", "服务年度开始", "Service year opened"),
    }
}

code_enum! {
    /// Why a service year was closed (G3 `closed_reason`).
    pub enum ClosedReason {
        PeriodEnd = ("period_end", "服务年度结束", "Year ended"),
        LevelChange = ("level_change", "会员级别变更", "Level changed"),
        ServiceEnded = ("service_ended", "服务终止", "Service ended"),
    }
}

code_enum! {
    /// 应用范围 of a new scheme (PG-37's save dialog).
    pub enum ApplyTo {
        NewYears = ("new_years", "仅新服务年度", "New service years only"),
        Recompute = ("recompute", "同时重算当前服务年度", "Also recompute current service years"),
    }
}

/// A percentage in hundredths (20.00 % is `Pct(2000)`): weights, progress, and their columns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Pct(pub i64);

impl Pct {
    pub const ZERO: Pct = Pct(0);
    pub const FULL: Pct = Pct(10_000);

    pub fn decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// The value of `d` rounded half up (away from zero) to hundredths.
    pub fn from_decimal(d: Decimal) -> Pct {
        let r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        // At two decimals the mantissa is the hundredths (a rescale never loses digits here).
        let mut r = r;
        r.rescale(2);
        Pct(i64::try_from(r.mantissa()).unwrap_or(i64::MAX))
    }

    /// A typed weight: a number with at most two decimals ("20", "12.5", "33.33").
    pub fn parse(text: &str) -> Option<Pct> {
        let t = text.trim().trim_end_matches(['%', '%']).trim();
        // Plain decimals only ("1e2" is not how anyone writes a weight).
        let digits = t.strip_prefix('-').unwrap_or(t);
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return None;
        }
        let d: Decimal = t.parse().ok()?;
        let d = d.normalize();
        if d.scale() > 2 {
            return None;
        }
        let mut d = d;
        d.rescale(2);
        i64::try_from(d.mantissa()).ok().map(Pct)
    }

    /// "16" when whole, else two decimals ("16.50") — SPEC §6.4.
    pub fn text(self) -> String {
        if self.0 % 100 == 0 { format!("{}", self.0 / 100) } else { self.decimal().to_string() }
    }

    /// For a progress bar's width (CSS), in whole percent.
    pub fn whole(self) -> i64 {
        self.0 / 100
    }
}

impl std::fmt::Display for Pct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}%", self.text())
    }
}

/// One item of a service year as the progress rule reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemState {
    pub weight: Pct,
    pub kind: ItemKind,
    pub target: Option<i32>,
    pub quantity: i32,
    pub done: bool,
}

/// SPEC §6.4: a done item gives its weight; a counted item not yet done gives
/// `weight × min(q, t − 1) / t`; the sum rounded half up to hundredths. 未履约 while nothing is
/// done and no quantity counted, 履约完毕 when every item is done. `None`: no items (免费).
pub fn progress(items: &[ItemState]) -> Option<(Pct, FulfilmentStatus)> {
    if items.is_empty() {
        return None;
    }
    let mut sum = Decimal::ZERO;
    for i in items {
        if i.done {
            sum += i.weight.decimal();
        } else if let (ItemKind::Counted, Some(t)) = (i.kind, i.target.filter(|t| *t > 0)) {
            let q = i.quantity.clamp(0, t - 1);
            sum += i.weight.decimal() * Decimal::from(q) / Decimal::from(t);
        }
    }
    let status = if items.iter().all(|i| i.done) {
        FulfilmentStatus::Completed
    } else if items.iter().any(|i| i.done) || items.iter().any(|i| i.quantity > 0) {
        FulfilmentStatus::InProgress
    } else {
        FulfilmentStatus::NotStarted
    };
    Some((Pct::from_decimal(sum), status))
}

/// One year later than `d` (29 Feb → 28 Feb).
pub fn plus_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_add_months(Months::new(12 * years)).unwrap_or(d)
}

/// A service that ends less than this many days after an anniversary ends with the year
/// before it: a contract "2024-06-25 to 2025-06-25" is one year, not a year and a day.
pub const TAIL_DAYS: i64 = 31;

/// The end of the year starting `from` for a service ending `end`: the day before the next
/// anniversary, or 服务到期时间 when that is earlier or only a short tail after it.
fn year_end(from: NaiveDate, end: NaiveDate) -> NaiveDate {
    let next = plus_years(from, 1);
    if (end - next).num_days() < TAIL_DAYS { end } else { next - chrono::Duration::days(1) }
}

/// SPEC §6.5: the service year of a member serving `start ..= end` that covers `day` — the
/// k-th year from 服务开始时间, ending the day before the anniversary or at 服务到期时间 (see
/// [`TAIL_DAYS`]); after the service ended, its last year. `None` before the service starts or
/// when the dates are reversed.
pub fn service_year(start: NaiveDate, end: NaiveDate, day: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    if end < start || day < start {
        return None;
    }
    let day = day.min(end);
    let mut k = 0;
    while plus_years(start, k + 1) <= day {
        k += 1;
    }
    if k > 0 && (end - plus_years(start, k)).num_days() < TAIL_DAYS {
        // The short tail belongs to the year before it.
        k -= 1;
    }
    let from = plus_years(start, k);
    Some((from, year_end(from, end)))
}

/// The year after one ending `prev_end`, for a member serving until `end` (a renewal): one
/// year, or until 服务到期时间. `None` when the service ends with `prev_end`.
pub fn next_year(prev_end: NaiveDate, end: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let from = prev_end.succ_opt()?;
    (from <= end).then(|| (from, year_end(from, end)))
}

/// A recomputation of the current years of `levels` on scheme `scheme` (a queued job).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recompute {
    pub scheme: i64,
    pub levels: Vec<String>,
}

/// What a queued job of 履约 is asked to do (`work::run_job`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum JobOrder {
    /// Settle every member's service year on `day` (today when `None`).
    Upkeep {
        day: Option<NaiveDate>,
    },
    Recompute(Recompute),
}

/// An item of a scheme as PG-37 edits it (text as typed, so every edit stays on screen).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemInput {
    pub name: String,
    /// 履约比重 (%), as typed.
    pub weight: String,
    /// E-36 code.
    pub kind: String,
    /// 目标数量, as typed (empty for 普通项目).
    pub target: String,
    pub unit: String,
    /// E-37 code or empty.
    pub linked_email_kind: String,
    pub description: String,
}

/// The items of one level.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LevelItems {
    /// E-04 code.
    pub level: String,
    pub items: Vec<ItemInput>,
}

/// 保存 of PG-37: every level's items, with the version the editor started from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SchemeInput {
    /// The scheme version the page showed (the optimistic lock).
    pub base_version: i32,
    pub levels: Vec<LevelItems>,
    /// 生效日期 (`YYYY-MM-DD`).
    pub effective_from: String,
    /// E-code of [`ApplyTo`].
    pub apply_to: String,
    pub note: String,
}

/// What the server answers a saved scheme: its version and, when current years are
/// recomputed, the job doing it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemeSaved {
    pub version_no: i32,
    pub job: Option<crate::jobs::JobStatus>,
}

/// A scheme version as PG-37 shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemeView {
    pub version_no: i32,
    pub effective_from: NaiveDate,
    pub is_current: bool,
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub levels: Vec<LevelItems>,
}

/// PG-37: the current scheme, and the earlier versions (newest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemePage {
    /// Today in China (the server's clock: the earliest 生效日期).
    pub today: NaiveDate,
    pub current: SchemeView,
    pub history: Vec<SchemeView>,
}

/// The field errors of a level's grid are keyed `"{level}.{row}.{field}"`; the level's own
/// (its total) `"{level}"`.
pub fn item_key(level: &str, row: usize, field: &str) -> String {
    format!("{level}.{row}.{field}")
}

url_filter! {
    /// The filters of PG-35 会员履约管理.
    FulfilmentFilter;
    text {
        company = "company", login = "login", level = "level", status = "status", progress_min = "pmin",
        progress_max = "pmax", pending = "pending", ends_within = "ends", years = "years", sort = "sort",
    }
    id { province = "prov", city = "city", district = "district", org = "org" }
}

code_enum! {
    /// Which years PG-35 lists (empty: those in service).
    pub enum YearsShown {
        Serving = ("serving", "服务中", "In service"),
        Ended = ("ended", "服务已到期", "Service ended"),
        All = ("all", "全部", "All"),
    }
}

code_enum! {
    /// The orders of PG-35 (empty: the first).
    pub enum FulfilmentSort {
        EndSoonest = ("end", "服务年度结束早的在前", "Year ending soonest first"),
        LowestProgress = ("progress", "进度低的在前", "Lowest progress first"),
    }
}

/// The numbers a valid [`FulfilmentFilter`] asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bounds {
    pub progress_from: Option<Pct>,
    pub progress_to: Option<Pct>,
    /// 服务年度 N 天内结束.
    pub ends_within: Option<i64>,
}

/// The longest 服务年度 N 天内结束 asked.
pub const ENDS_WITHIN_MAX: i64 = 3_660;

impl FulfilmentFilter {
    /// The checks the page and the server share; answers the bounds they ask for.
    pub fn validate(&self) -> Result<Bounds, crate::error::AppError> {
        use crate::members::enums::MemberLevel;
        let mut e = crate::error::FieldErrors::default();
        if !self.level.is_empty() && !MemberLevel::parse(&self.level).is_some_and(MemberLevel::is_paid) {
            e.add(
                "level",
                "请选择付费会员级别(免费会员没有履约项目)",
                "Choose a paid level (free members owe nothing)",
            );
        }
        if !self.status.is_empty() && FulfilmentStatus::parse(&self.status).is_none() {
            e.add("status", "请从列表中选择履约状态", "Choose a status from the list");
        }
        if !self.years.is_empty() && YearsShown::parse(&self.years).is_none() {
            e.add("years", "请从列表中选择", "Choose from the list");
        }
        if !self.sort.is_empty() && FulfilmentSort::parse(&self.sort).is_none() {
            e.add("sort", "未知的排序方式", "Unknown order");
        }
        let pct = |e: &mut crate::error::FieldErrors, key: &str, v: &str| {
            if v.trim().is_empty() {
                return None;
            }
            let p = Pct::parse(v).filter(|p| *p >= Pct::ZERO && *p <= Pct::FULL);
            if p.is_none() {
                e.add(key, "请填写 0 到 100 之间的百分比", "A percentage from 0 to 100");
            }
            p
        };
        let (from, to) = (pct(&mut e, "pmin", &self.progress_min), pct(&mut e, "pmax", &self.progress_max));
        if let (Some(a), Some(b)) = (from, to)
            && a > b
        {
            e.add("pmax", "进度上限不能小于下限", "The upper bound is below the lower one");
        }
        let days = if self.ends_within.trim().is_empty() {
            None
        } else {
            let d = self.ends_within.trim().parse::<i64>().ok().filter(|d| (0..=ENDS_WITHIN_MAX).contains(d));
            if d.is_none() {
                e.add(
                    "ends",
                    &format!("请填写 0 到 {ENDS_WITHIN_MAX} 的天数"),
                    &format!("Days from 0 to {ENDS_WITHIN_MAX}"),
                );
            }
            d
        };
        if self.pending.chars().count() > 100 {
            e.add("pending", "项目名称最多 100 个字", "At most 100 characters");
        }
        e.into_result().map(|()| Bounds { progress_from: from, progress_to: to, ends_within: days })
    }
}

/// A row of PG-35.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FulfilmentRow {
    pub year_id: i64,
    pub customer_id: i64,
    pub company_name: String,
    pub login_name: String,
    /// E-04 code.
    pub member_level: String,
    pub org_name: String,
    pub status: FulfilmentStatus,
    pub progress: Pct,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub service_start: Option<NaiveDate>,
    pub service_end: Option<NaiveDate>,
}

#[cfg(test)]
mod tests;
