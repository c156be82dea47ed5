//! 报表 (PG-50, R-1 … R-6 of SPEC §5.9): the report centre's filter, the periods it covers and
//! the one table model every report fills — rows (period × organisation), columns, totals,
//! drill-down links and charts — which the page, the print view and the xlsx export all read.
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::auth::Perm;
use crate::error::{AppError, FieldErrors, Text};
use crate::ui::list::url_filter;

pub mod api;
#[cfg(feature = "ssr")]
pub mod chart;
#[cfg(feature = "ssr")]
pub mod criteria;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod frame;
#[cfg(feature = "ssr")]
pub mod members;
pub mod page;
#[cfg(feature = "ssr")]
pub mod pivot;
#[cfg(feature = "ssr")]
pub mod pushes;
#[cfg(feature = "ssr")]
pub mod requests;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod services;

code_enum! {
    /// 报表类型 (SPEC §5.9; R-2's two views are two types, as the permission tree has them).
    pub enum ReportKind {
        MemberCount = ("member_count", "会员量统计表", "Member count"),
        RequestVolume = ("request_volume", "会员诉求统计表(诉求量)", "Member requests (volume)"),
        RequestType = ("request_type", "会员诉求统计表(诉求类型)", "Member requests (by type)"),
        Callback = ("callback", "会员回访信息统计表", "Callbacks"),
        PublishedInfo = ("published_info", "会员发布信息统计表", "Published information"),
        EmailPush = ("email_push", "会员邮件推送统计表", "Push e-mails"),
        RepNeed = ("rep_need", "代表处诉求类别统计表", "Rep-office needs by category"),
    }
}

/// A filter field of the report centre, enabled per report type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Orgs,
    Levels,
    HandlingStatus,
    RequestType,
    ServiceResult,
    Satisfaction,
    InfoTypes,
    Metric,
    Source,
    ByLevel,
}

impl ReportKind {
    /// The permission node of the report (OP-07).
    pub fn perm(self) -> Perm {
        match self {
            Self::MemberCount => Perm::ReportMemberCount,
            Self::RequestVolume => Perm::ReportRequestVolume,
            Self::RequestType => Perm::ReportRequestType,
            Self::Callback => Perm::ReportCallback,
            Self::PublishedInfo => Perm::ReportPublishedInfo,
            Self::EmailPush => Perm::ReportEmailPush,
            Self::RepNeed => Perm::ReportRepNeedByType,
        }
    }

    /// The filters the type uses besides 时间 and 统计粒度.
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            Self::MemberCount => &[Metric, Orgs, Levels],
            Self::RequestVolume | Self::RequestType => &[Orgs, Levels, HandlingStatus, RequestType, ServiceResult],
            Self::Callback => &[Orgs, Levels, Satisfaction, ByLevel],
            Self::PublishedInfo => &[Orgs, InfoTypes],
            Self::EmailPush => &[Levels, Source],
            Self::RepNeed => &[Orgs, RequestType, HandlingStatus],
        }
    }

    /// What 时间 filters on.
    pub fn time_label(self) -> (&'static str, &'static str) {
        match self {
            Self::MemberCount => ("统计时间", "Period"),
            Self::RequestVolume | Self::RequestType | Self::RepNeed => ("诉求受理时间", "Accepted"),
            Self::Callback => ("回访时间", "Called"),
            Self::PublishedInfo => ("发布时间", "Published"),
            Self::EmailPush => ("邮件发送时间", "Sent"),
        }
    }
}

code_enum! {
    /// 时间 presets; 自定义 takes the two dates.
    pub enum Preset {
        Today = ("today", "今天", "Today"),
        ThisMonth = ("this_month", "本月", "This month"),
        LastMonth = ("last_month", "上月", "Last month"),
        ThisQuarter = ("this_quarter", "本季度", "This quarter"),
        ThisYear = ("this_year", "本年", "This year"),
        Last12 = ("last_12", "近12个月", "Last 12 months"),
        Custom = ("custom", "自定义", "Custom range"),
    }
}

code_enum! {
    /// 统计粒度: 按月/按周 add the period to the rows.
    pub enum Grain {
        Total = ("total", "汇总", "Total"),
        Month = ("month", "按月", "By month"),
        Week = ("week", "按周", "By week"),
    }
}

code_enum! {
    /// R-1's metric.
    pub enum MemberMetric {
        Total = ("total", "会员总数", "Members"),
        New = ("new", "新增会员数", "New members"),
        Expiring = ("expiring", "到期会员数", "Expiring members"),
        Active = ("active", "有效会员数", "Members in service"),
    }
}

code_enum! {
    /// R-2's 服务结果 (已完成 = 已处理).
    pub enum ResultFilter {
        Incomplete = ("incomplete", "未完成", "Not completed"),
        Completed = ("completed", "已完成", "Completed"),
    }
}

code_enum! {
    /// R-5's 来源 of a push e-mail.
    pub enum PushSource {
        Cm = ("cm", "CM", "CM"),
        Crm = ("crm", "CRM", "CRM"),
    }
}

/// 非会员, R-2's column beside the levels (and its level filter value).
pub const NON_MEMBER: &str = "non_member";
/// 未评价 of R-3 / 未分类 of R-6 (a missing value as a filter value).
pub const NONE: &str = "none";

url_filter! {
    /// The report centre's criteria (PG-50), kept in the URL so a report can be bookmarked.
    /// Multi-valued fields are comma-separated codes or ids.
    ReportFilter;
    text {
        kind = "kind", preset = "preset", from = "from", to = "to", grain = "grain", orgs = "orgs",
        levels = "levels", handling_status = "hstatus", request_type = "type", result = "result",
        satisfaction = "sat", info_types = "info_types", metric = "metric", source = "source",
        by_level = "by_level",
    }
    id {}
}

/// A member level's label (or 非会员 / 未定级).
pub fn level_text(code: &str) -> Text {
    match crate::members::enums::MemberLevel::parse(code) {
        Some(l) => Text::new(l.zh(), l.en()),
        None if code == NON_MEMBER => Text::new("非会员", "Non-member"),
        None => Text::new("未定级", "No level"),
    }
}

/// The longest range a report covers, and the most periods 按月 / 按周 lay out.
pub const MAX_DAYS: i64 = 3 * 366;
pub const MAX_MONTHS: usize = 36;
pub const MAX_WEEKS: usize = 60;

/// The values of a comma-separated field.
pub fn list(v: &str) -> Vec<&str> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty()).collect()
}

impl ReportFilter {
    pub fn kind(&self) -> Option<ReportKind> {
        ReportKind::parse(&self.kind)
    }
    pub fn preset(&self) -> Preset {
        Preset::parse(&self.preset).unwrap_or(if self.from.is_empty() && self.to.is_empty() {
            Preset::ThisYear
        } else {
            Preset::Custom
        })
    }
    pub fn grain(&self) -> Grain {
        Grain::parse(&self.grain).unwrap_or(Grain::Total)
    }
    pub fn metric(&self) -> MemberMetric {
        MemberMetric::parse(&self.metric).unwrap_or(MemberMetric::Total)
    }
    pub fn org_ids(&self) -> Vec<i64> {
        list(&self.orgs).iter().filter_map(|s| s.parse().ok()).collect()
    }
    pub fn by_level(&self) -> bool {
        self.by_level == "1"
    }

    /// Field checks shared by the page and the server: the type, every code, the range.
    pub fn validate(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), AppError> {
        let mut e = FieldErrors::default();
        if self.kind().is_none() {
            e.add("kind", "请选择报表类型", "Choose a report");
        }
        let code = |e: &mut FieldErrors, key: &str, v: &str, ok: &dyn Fn(&str) -> bool| {
            if list(v).iter().any(|c| !ok(c)) {
                e.add(key, "请选择列表中的值", "Choose a value from the list");
            }
        };
        use crate::callbacks::Satisfaction;
        use crate::members::enums::MemberLevel;
        use crate::requests::{HandlingStatus, RequestType};
        code(&mut e, "preset", &self.preset, &|c| Preset::parse(c).is_some());
        code(&mut e, "grain", &self.grain, &|c| Grain::parse(c).is_some());
        code(&mut e, "levels", &self.levels, &|c| MemberLevel::parse(c).is_some() || c == NON_MEMBER);
        code(&mut e, "hstatus", &self.handling_status, &|c| HandlingStatus::parse(c).is_some());
        code(&mut e, "type", &self.request_type, &|c| RequestType::parse(c).is_some());
        code(&mut e, "result", &self.result, &|c| ResultFilter::parse(c).is_some());
        code(&mut e, "sat", &self.satisfaction, &|c| Satisfaction::parse(c).is_some() || c == NONE);
        code(&mut e, "info_types", &self.info_types, &|c| crate::members::enums::INFO_TYPES.iter().any(|t| t.0 == c));
        code(&mut e, "metric", &self.metric, &|c| MemberMetric::parse(c).is_some());
        code(&mut e, "source", &self.source, &|c| PushSource::parse(c).is_some());
        code(&mut e, "orgs", &self.orgs, &|c| c.parse::<i64>().is_ok_and(|id| id > 0));
        for (key, v) in [("hstatus", &self.handling_status), ("type", &self.request_type), ("result", &self.result)] {
            if list(v).len() > 1 {
                e.add(key, "只能选择一项", "Choose one value");
            }
        }
        let range = self.range(today);
        match range {
            Err(ref t) => e.add("from", &t.zh, &t.en),
            Ok((from, to)) => {
                let periods = periods(self.grain(), from, to).len();
                let most = match self.grain() {
                    Grain::Total => usize::MAX,
                    Grain::Month => MAX_MONTHS,
                    Grain::Week => MAX_WEEKS,
                };
                if periods > most {
                    e.add(
                        "grain",
                        &format!("该时间范围按此粒度超过 {most} 期,请缩短时间范围或改用按月/汇总"),
                        &format!("More than {most} periods: shorten the range or use a coarser grain"),
                    );
                }
            }
        }
        e.into_result()?;
        range.map_err(|t| AppError::field("from", &t.zh, &t.en))
    }

    /// The dates the report covers (inclusive), from the preset or the two dates.
    pub fn range(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), Text> {
        range_of(self.preset(), &self.from, &self.to, today)
    }
}

/// The dates (inclusive) of a 时间 preset, or of the two dates of 自定义.
pub fn range_of(preset: Preset, from: &str, to: &str, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), Text> {
    let month_start = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let month_end = |d: NaiveDate| add_months(month_start(d), 1) - Duration::days(1);
    Ok(match preset {
        Preset::Today => (today, today),
        Preset::ThisMonth => (month_start(today), month_end(today)),
        Preset::LastMonth => {
            let last = month_start(today) - Duration::days(1);
            (month_start(last), last)
        }
        Preset::ThisQuarter => {
            let first = NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1).unwrap_or(today);
            (first, add_months(first, 3) - Duration::days(1))
        }
        Preset::ThisYear => (
            NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
            NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today),
        ),
        Preset::Last12 => (add_months(month_start(today), -11), month_end(today)),
        Preset::Custom => {
            let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
            let (Some(from), Some(to)) = (parse(from), parse(to)) else {
                return Err(Text::new(
                    "自定义时间请填写开始和结束日期(YYYY-MM-DD)",
                    "A custom range needs a start and an end date (YYYY-MM-DD)",
                ));
            };
            if from > to {
                return Err(Text::new("开始日期不能晚于结束日期", "The start date is after the end date"));
            }
            if (to - from).num_days() > MAX_DAYS {
                return Err(Text::new("时间范围最长三年", "The range may span at most three years"));
            }
            (from, to)
        }
    })
}

/// `d` moved by `months` (the first of a month stays the first).
pub fn add_months(d: NaiveDate, months: i32) -> NaiveDate {
    let total = d.year() * 12 + d.month0() as i32 + months;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1)
        .and_then(|m| m.with_day(d.day()).or(Some(m)))
        .unwrap_or(d)
}

/// One period of the report: its label and its dates (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub label: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The periods of `[from, to]` at `grain`: one for 汇总; calendar months or ISO weeks (Monday
/// to Sunday), the first and last cut to the range.
pub fn periods(grain: Grain, from: NaiveDate, to: NaiveDate) -> Vec<Period> {
    let whole = |from: NaiveDate, to: NaiveDate| Period { label: format!("{from} 至 {to}"), from, to };
    let mut out = vec![];
    let mut start = from;
    while start <= to {
        let end = match grain {
            Grain::Total => to,
            Grain::Month => add_months(start.with_day(1).unwrap_or(start), 1) - Duration::days(1),
            Grain::Week => start + Duration::days(6 - start.weekday().num_days_from_monday() as i64),
        };
        let end = std::cmp::min(end, to);
        out.push(match grain {
            Grain::Total => whole(start, end),
            Grain::Month => Period { label: start.format("%Y-%m").to_string(), from: start, to: end },
            Grain::Week => {
                let w = start.iso_week();
                Period { label: format!("{}-W{:02}", w.year(), w.week()), from: start, to: end }
            }
        });
        if out.len() > MAX_DAYS as usize {
            break;
        }
        start = end + Duration::days(1);
    }
    out
}

/// A number of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Value {
    Count(i64),
    /// A share in basis points (`None`: nothing to divide by).
    Rate(Option<i64>),
    /// Hours in tenths.
    Hours(Option<i64>),
    /// An average in hundredths.
    Average(Option<i64>),
}

impl Value {
    /// A share `num / den` in basis points, rounded half up.
    pub fn rate(num: i64, den: i64) -> Self {
        Value::Rate((den > 0).then(|| (num * 20_000 + den) / (den * 2)))
    }
    pub fn average(num: i64, den: i64) -> Self {
        Value::Average((den > 0).then(|| (num * 200 + den) / (den * 2)))
    }
    /// Total hours over `n` as tenths of an hour.
    pub fn hours(seconds: f64, n: i64) -> Self {
        Value::Hours((n > 0).then(|| (seconds / n as f64 / 360.0).round() as i64))
    }
    pub fn count(&self) -> Option<i64> {
        match self {
            Value::Count(n) => Some(*n),
            _ => None,
        }
    }
    /// As shown: 1,234 / 12.5% / 3.2 / —.
    pub fn text(&self) -> String {
        let fixed = |v: i64, scale: i64, digits: usize| {
            let sign = if v < 0 { "-" } else { "" };
            let v = v.abs();
            format!("{sign}{}.{:0digits$}", v / scale, v % scale)
        };
        match *self {
            Value::Count(n) => n.to_string(),
            Value::Rate(Some(bp)) => format!("{}%", fixed(bp, 100, 2)),
            Value::Hours(Some(t)) => fixed(t, 10, 1),
            Value::Average(Some(h)) => fixed(h, 100, 2),
            _ => "—".into(),
        }
    }
    /// The number an export writes (a share as a fraction).
    pub fn number(&self) -> Option<f64> {
        match *self {
            Value::Count(n) => Some(n as f64),
            Value::Rate(v) => v.map(|bp| bp as f64 / 10_000.0),
            Value::Hours(v) => v.map(|t| t as f64 / 10.0),
            Value::Average(v) => v.map(|h| h as f64 / 100.0),
        }
    }
}

/// A cell: its number and the list of the records behind it (a count cell).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub value: Value,
    pub link: Option<String>,
}

/// A column: its label, the group it sits under, and whether the charts draw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub label: Text,
    pub group: Option<Text>,
    pub series: bool,
}

/// A row: its heading cells (期间, 组织机构, 会员级别 …) and its cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub heads: Vec<Text>,
    pub cells: Vec<Cell>,
    /// A period's subtotal (按月/按周) or the grand total.
    pub total: bool,
}

/// A chart drawn on the server, in both languages, with its text alternative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub zh: String,
    pub en: String,
    pub alt: Text,
}

/// A generated report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// 报表类型, or a statistic's name (PG-79/80).
    pub title: Text,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The criteria as the header states them (label, value).
    pub criteria: Vec<(Text, Text)>,
    pub heads: Vec<Text>,
    pub columns: Vec<Column>,
    /// The data rows, then (按月/按周) each period's subtotal; the grand total last.
    pub rows: Vec<Row>,
    pub charts: Vec<Chart>,
    pub notes: Vec<Text>,
}

/// The report centre's choices for the signed-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportOptions {
    /// The report types the user holds, in menu order.
    pub kinds: Vec<ReportKind>,
    /// HQ and the rep offices of the user's scope.
    pub orgs: Vec<(i64, String)>,
    /// A rep-office user's own office: the only one its reports cover.
    pub locked_org: Option<i64>,
    /// R-5's annual push target (系统参数 `fulfilment.push_per_year`).
    pub push_target: i64,
}

#[cfg(test)]
mod tests;
