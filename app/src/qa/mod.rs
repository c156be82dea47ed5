//! 诉求信息质检 (SPEC §4.5 SM-5, PG-38–40): company CS inspects completed member requests —
//! the list of completed requests (未质检 by default) with a reproducible random sample, the
//! entry form beside the read-only request, and the report of the inspections (summary by
//! agent and organisation, the errors) for training. An inspection writes a `qa_record` and
//! sets 是否质检 / 质检结果 on the request and its 服务记录 in one transaction; 处理有误 tells
//! the agent and the supervisors of the agent's organisation.
pub mod api;
pub mod entry_page;
pub mod list_page;
pub mod report_page;

#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod report;
#[cfg(feature = "ssr")]
pub mod sample;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldErrors};
use crate::members::enums::{self, CustomerType};
pub use crate::members::enums::{QaResult, QaStatus};
use crate::requests::{AcceptingDept, Channel, HandlingDept, RequestDetail, RequestFilter, RequestType};
use crate::ui::Page;
use crate::ui::filters::check_date_range;
use crate::ui::list::url_filter;

/// The longest 备注 (SPEC H1).
pub const MAX_REMARK: usize = 2000;
/// The most requests one 随机抽取 draws.
pub const MAX_SAMPLE: u64 = 100_000;

code_enum! {
    /// What the 是否质检 filter of PG-38 shows (未质检 unless chosen otherwise).
    pub enum QaShown {
        NotInspected = ("not_inspected", "未质检", "Not inspected"),
        Inspected = ("inspected", "已质检", "Inspected"),
        All = ("all", "全部", "All"),
    }
}

url_filter! {
    /// The filters of 诉求信息质检管理 (PG-38).
    QaFilter;
    text {
        qa = "qa", result = "result", from = "from", to = "to", done_from = "done_from", done_to = "done_to",
        accepting_dept = "acc_dept", request_type = "type", channel = "channel", handling_dept = "dept",
        level = "level", customer_type = "ctype", no = "no", company = "company",
    }
    id { org = "org", agent = "agent" }
}

/// (URL key, value, whether the value is a known code)
type CodeCheck<'a> = (&'static str, &'a str, fn(&str) -> bool);

fn check_codes(e: &mut FieldErrors, checks: &[CodeCheck]) {
    for (key, v, ok) in checks {
        if !v.is_empty() && !ok(v) {
            e.add(key, "请选择列表中的值", "Choose a value from the list");
        }
    }
}

impl QaFilter {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        check_codes(
            &mut e,
            &[
                ("qa", &self.qa, |v| QaShown::parse(v).is_some()),
                ("result", &self.result, |v| QaResult::parse(v).is_some()),
                ("acc_dept", &self.accepting_dept, |v| AcceptingDept::parse(v).is_some()),
                ("type", &self.request_type, |v| RequestType::parse(v).is_some()),
                ("channel", &self.channel, |v| Channel::parse(v).is_some()),
                ("dept", &self.handling_dept, |v| HandlingDept::parse(v).is_some()),
                ("level", &self.level, |v| enums::MemberLevel::parse(v).is_some()),
                ("ctype", &self.customer_type, |v| CustomerType::parse(v).is_some()),
            ],
        );
        check_date_range(&mut e, "from", &self.from, &self.to);
        check_date_range(&mut e, "done_from", &self.done_from, &self.done_to);
        e.into_result()
    }

    /// 是否质检 as asked: 未质检 by default, but a 质检结果 asks for inspected requests.
    pub fn shown(&self) -> QaShown {
        match QaShown::parse(&self.qa) {
            Some(s) => s,
            None if QaResult::parse(&self.result).is_some() => QaShown::All,
            None => QaShown::NotInspected,
        }
    }

    /// The filters 诉求列表 shares (its conditions and plans are reused, `requests::lists`).
    pub fn request_filter(&self) -> RequestFilter {
        let qa = match self.shown() {
            QaShown::All => String::new(),
            s => s.code().to_string(),
        };
        RequestFilter {
            no: self.no.clone(),
            company: self.company.clone(),
            request_type: self.request_type.clone(),
            channel: self.channel.clone(),
            accepting_dept: self.accepting_dept.clone(),
            handling_dept: self.handling_dept.clone(),
            customer_type: self.customer_type.clone(),
            level: self.level.clone(),
            qa,
            from: self.from.clone(),
            to: self.to.clone(),
            org: self.org,
            agent: self.agent,
            page: self.page,
            per_page: self.per_page,
            ..Default::default()
        }
    }
}

/// A row of PG-38 (and of a sample).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QaRow {
    pub id: i64,
    pub request_no: String,
    pub accepted_at: DateTime<Utc>,
    /// 企业名称 (客户姓名 for a non-member without one).
    pub caller: String,
    pub customer_type: CustomerType,
    pub member_level: String,
    pub request_type: RequestType,
    pub channel: Channel,
    pub accepting_dept: AcceptingDept,
    pub org: String,
    pub handling_dept: HandlingDept,
    pub agent: String,
    pub completed_at: Option<DateTime<Utc>>,
    pub qa_status: QaStatus,
    pub qa_result: Option<QaResult>,
}

/// 随机抽取: `count` requests or `percent` % of the current filter's result, drawn by `seed`
/// (the same seed and data draw the same requests; none given: the server picks one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SampleInput {
    pub count: Option<u64>,
    pub percent: Option<String>,
    pub seed: Option<u64>,
    /// When the sample was first drawn (Unix milliseconds, from [`QaSample::since`]): its later
    /// pages and views draw from the requests as they were then.
    pub since: Option<i64>,
}

/// How many a sample asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SampleSize {
    Count(u64),
    /// Per cent, in (0, 100].
    Percent(f64),
}

impl SampleSize {
    /// How many of `population` requests this draws (at least one of a non-empty population).
    pub fn of(self, population: u64) -> u64 {
        let n = match self {
            Self::Count(n) => n,
            Self::Percent(p) => (population as f64 * p / 100.0).ceil() as u64,
        };
        n.min(population)
    }
}

impl SampleInput {
    /// The size asked for, checked field by field (shared by the page and the server).
    pub fn size(&self) -> Result<SampleSize, AppError> {
        let percent = self.percent.as_deref().map(str::trim).filter(|p| !p.is_empty());
        match (self.count, percent) {
            (Some(_), Some(_)) => {
                Err(AppError::field("count", "抽取条数和百分比只填一项", "Give either a count or a percentage"))
            }
            (None, None) => Err(AppError::field("count", "请填写抽取条数或百分比", "Enter a count or a percentage")),
            (Some(n), None) if n == 0 || n > MAX_SAMPLE => Err(AppError::field(
                "count",
                &format!("抽取条数应为 1 到 {MAX_SAMPLE}"),
                &format!("The count is 1 to {MAX_SAMPLE}"),
            )),
            (Some(n), None) => Ok(SampleSize::Count(n)),
            (None, Some(p)) => match p.parse::<f64>() {
                Ok(v) if v.is_finite() && v > 0.0 && v <= 100.0 => Ok(SampleSize::Percent(v)),
                _ => Err(AppError::field(
                    "percent",
                    "百分比应为大于 0、不超过 100 的数",
                    "A percentage above 0, at most 100",
                )),
            },
        }
    }
}

/// A drawn sample: its seed, how many requests it was drawn from, and a page of it (in the
/// order drawn).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QaSample {
    pub seed: u64,
    pub population: u64,
    pub drawn: u64,
    /// When it was first drawn (Unix milliseconds): give it back to see the same sample again.
    pub since: i64,
    pub rows: Page<QaRow>,
}

/// 质检录入: the result and the error reason.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QaInput {
    pub request_id: i64,
    pub result: Option<QaResult>,
    pub remark: String,
    /// The current record the page showed (an amendment); `None`: the first inspection.
    #[serde(default)]
    pub current_id: Option<i64>,
}

impl QaInput {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        match self.result {
            None => e.add("result", "请选择质检结果", "Choose the result"),
            Some(QaResult::Incorrect) if self.remark.trim().is_empty() => {
                e.add("remark", "处理有误时请填写备注(差错原因)", "Give the reason when it was handled incorrectly")
            }
            _ => {}
        }
        let n = self.remark.chars().count();
        if n > MAX_REMARK {
            e.add(
                "remark",
                &format!("备注最多 {MAX_REMARK} 个字(现 {n} 个)"),
                &format!("At most {MAX_REMARK} characters (now {n})"),
            );
        }
        e.into_result()
    }
}

/// One inspection of a request (the current one, or one an amendment superseded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QaRecordView {
    pub id: i64,
    pub result: QaResult,
    pub remark: String,
    pub inspector: String,
    pub inspected_agent: String,
    pub at: DateTime<Utc>,
    pub is_current: bool,
}

/// PG-39: the request as PG-22 shows it, its inspections, and what this account may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QaEntry {
    pub detail: RequestDetail,
    pub qa_status: QaStatus,
    /// Newest first.
    pub records: Vec<QaRecordView>,
    pub current_id: Option<i64>,
    /// The form is offered: completed and not yet inspected, or inspected and this account
    /// may amend (修改质检结果).
    pub may_save: bool,
    pub completed: bool,
}

/// What 保存 did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QaSaved {
    pub record_id: i64,
    pub amended: bool,
}

/// The choices of the QA filters: organisations that accept requests (客服部 and the rep
/// offices), the CS agents, the inspectors.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QaOptions {
    pub orgs: Vec<(i64, String)>,
    pub agents: Vec<(i64, String)>,
    pub inspectors: Vec<(i64, String)>,
}

url_filter! {
    /// The filters of 质检记录 / 质检报告 (PG-40).
    QaReportFilter;
    text { from = "from", to = "to", result = "result", accepting_dept = "acc_dept", request_type = "type" }
    id { inspector = "inspector", agent = "agent", org = "org" }
}

impl QaReportFilter {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        check_codes(
            &mut e,
            &[
                ("result", &self.result, |v| QaResult::parse(v).is_some()),
                ("acc_dept", &self.accepting_dept, |v| AcceptingDept::parse(v).is_some()),
                ("type", &self.request_type, |v| RequestType::parse(v).is_some()),
            ],
        );
        check_date_range(&mut e, "from", &self.from, &self.to);
        e.into_result()
    }
}

/// A current inspection as PG-40 lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QaReportRow {
    pub id: i64,
    pub request_id: i64,
    pub request_no: String,
    pub company: String,
    pub request_type: RequestType,
    pub agent: String,
    pub accepting_dept: AcceptingDept,
    pub org: String,
    pub result: QaResult,
    pub remark: String,
    pub inspector: String,
    pub at: DateTime<Utc>,
}

/// 质检数 and 处理有误数 of a group (an agent, an organisation, or all).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QaTally {
    pub name: String,
    pub inspected: u64,
    pub incorrect: u64,
}

impl QaTally {
    /// 差错率 in per cent, one decimal ("—" when nothing was inspected).
    pub fn rate(&self) -> String {
        if self.inspected == 0 {
            "—".into()
        } else {
            format!("{:.1}%", self.incorrect as f64 * 100.0 / self.inspected as f64)
        }
    }
}

/// PG-40: a page of the current inspections and the summary of all of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QaReport {
    pub rows: Page<QaReportRow>,
    pub overall: QaTally,
    pub by_agent: Vec<QaTally>,
    pub by_org: Vec<QaTally>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(count: Option<u64>, percent: Option<&str>) -> SampleInput {
        SampleInput { count, percent: percent.map(str::to_string), seed: None, since: None }
    }

    #[test]
    fn a_sample_size_is_a_count_or_a_percentage_in_range() {
        assert_eq!(input(Some(10), None).size().ok(), Some(SampleSize::Count(10)));
        assert_eq!(input(None, Some(" 5 ")).size().ok(), Some(SampleSize::Percent(5.0)));
        for bad in [
            input(Some(0), None),
            input(Some(MAX_SAMPLE + 1), None),
            input(Some(u64::MAX), None),
            input(None, None),
            input(None, Some("")),
            input(Some(3), Some("5")),
            input(None, Some("0")),
            input(None, Some("-5")),
            input(None, Some("100.01")),
            input(None, Some("NaN")),
            input(None, Some("inf")),
            input(None, Some("五")),
        ] {
            assert!(matches!(bad.size(), Err(AppError::Validation(_))), "{bad:?}");
        }
        assert_eq!(SampleSize::Percent(5.0).of(1_000_000), 50_000);
        assert_eq!(SampleSize::Percent(0.01).of(7), 1);
        assert_eq!(SampleSize::Percent(100.0).of(7), 7);
        assert_eq!(SampleSize::Count(10).of(3), 3);
        assert_eq!(SampleSize::Count(10).of(0), 0);
    }

    #[test]
    fn the_remark_is_required_for_an_error_and_bounded() {
        let ok = QaInput { request_id: 1, result: Some(QaResult::Correct), ..Default::default() };
        assert!(ok.validate().is_ok());
        let missing = QaInput { result: Some(QaResult::Incorrect), remark: "  ".into(), ..ok.clone() };
        assert!(missing.validate().unwrap_err().field_errors().unwrap().get("remark").is_some());
        let long = QaInput { remark: "错".repeat(MAX_REMARK + 1), ..missing.clone() };
        assert!(long.validate().unwrap_err().field_errors().unwrap().get("remark").is_some());
        let none = QaInput { result: None, ..ok };
        assert!(none.validate().unwrap_err().field_errors().unwrap().get("result").is_some());
    }

    #[test]
    fn the_filter_shows_uninspected_requests_unless_asked() {
        assert_eq!(QaFilter::default().shown(), QaShown::NotInspected);
        assert_eq!(QaFilter { result: "incorrect".into(), ..Default::default() }.shown(), QaShown::All);
        assert_eq!(QaFilter { qa: "all".into(), ..Default::default() }.request_filter().qa, "");
        assert_eq!(QaFilter::default().request_filter().qa, "not_inspected");
        assert!(QaFilter { qa: "maybe".into(), ..Default::default() }.validate().is_err());
    }
}
