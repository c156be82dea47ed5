//! 流失预警 (SPEC SM-8, K11, K12, PG-75): rules 经理 tunes, a nightly evaluation (durable job,
//! re-runnable from the page) that raises, updates and clears one warning per member with a
//! risk level, and the warning list where CS follow up: 回访, 开始跟进, 已挽回, 已流失, 忽略.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldErrors};
use crate::ui::list::url_filter;

pub mod api;
#[cfg(feature = "ssr")]
pub mod engine;
#[cfg(feature = "ssr")]
pub mod entity;
pub mod page;
#[cfg(feature = "ssr")]
pub mod service;

pub use crate::members::enums::RiskLevel;

code_enum! {
    /// E-49 预警状态.
    pub enum WarningStatus {
        Open = ("open", "待处理", "Open"),
        Following = ("following", "跟进中", "Following up"),
        Retained = ("retained", "已挽回", "Retained"),
        Lost = ("lost", "已流失", "Lost"),
        Dismissed = ("dismissed", "已忽略", "Dismissed"),
    }
}

impl WarningStatus {
    pub fn is_open(self) -> bool {
        matches!(self, Self::Open | Self::Following)
    }
}

code_enum! {
    /// The rules of SPEC §4.8 (K11 `code`).
    pub enum RuleCode {
        ExpirySoon = ("EXPIRY_SOON", "服务即将到期", "Service ends soon"),
        Expired = ("EXPIRED", "服务已到期未续费", "Expired, not renewed"),
        NoPublish = ("NO_PUBLISH", "长期未发布信息", "No published information"),
        Complaints = ("COMPLAINTS", "近期多次投诉", "Repeated complaints"),
        QaIncorrect = ("QA_INCORRECT", "诉求处理有误", "A request handled wrongly"),
        LowSatisfaction = ("LOW_SATISFACTION", "最近回访不满意", "Dissatisfied at the last callback"),
        NoContact = ("NO_CONTACT", "长期未联系", "No contact"),
        FulfilmentLag = ("FULFILMENT_LAG", "履约进度落后", "Fulfilment behind"),
        PushDisabled = ("PUSH_DISABLED", "未设置推送", "Pushes turned off"),
    }
}

impl RuleCode {
    /// What the threshold counts (`None`: the rule has none).
    pub fn threshold_unit(self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::ExpirySoon | Self::NoPublish | Self::NoContact => Some(("天", "days")),
            Self::Complaints => Some(("次", "complaints")),
            Self::FulfilmentLag => Some(("个百分点", "points")),
            _ => None,
        }
    }

    /// Whether a warning raised by it clears itself once it no longer holds (a renewal).
    pub fn expiry_related(self) -> bool {
        matches!(self, Self::ExpirySoon | Self::Expired)
    }
}

/// One reason of a warning: the rule and the fact that matched it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    pub fact: String,
}

/// 预警状态 filter value of the open warnings (待处理 and 跟进中), the page's default.
pub const ACTIVE: &str = "active";

url_filter! {
    /// The filters of PG-75 (预警状态 empty: every status).
    ChurnFilter;
    text {
        risk = "risk", status = "status", level = "level", rule = "rule", company = "company",
        end_from = "end_from", end_to = "end_to",
    }
    id { org = "org", assignee = "assignee" }
}

impl ChurnFilter {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        type Check<'a> = (&'static str, &'a str, fn(&str) -> bool);
        let codes: [Check; 4] = [
            ("risk", &self.risk, |v| RiskLevel::parse(v).is_some()),
            ("status", &self.status, |v| WarningStatus::parse(v).is_some() || v == ACTIVE),
            ("level", &self.level, |v| crate::members::enums::MemberLevel::parse(v).is_some()),
            ("rule", &self.rule, |v| RuleCode::parse(v).is_some()),
        ];
        for (key, v, ok) in codes {
            if !v.is_empty() && !ok(v) {
                e.add(key, "请选择列表中的值", "Choose a value from the list");
            }
        }
        crate::ui::filters::check_date_range(&mut e, "end_from", &self.end_from, &self.end_to);
        if self.company.chars().count() > 100 {
            e.add("company", "最多 100 个字", "At most 100 characters");
        }
        e.into_result()
    }
}

/// A row of the warning list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WarningRow {
    pub id: i64,
    pub version: i32,
    pub customer_id: i64,
    pub company: String,
    pub member_level: Option<String>,
    pub org: String,
    pub service_end: Option<NaiveDate>,
    pub risk: RiskLevel,
    pub score: i32,
    pub reasons: Vec<Reason>,
    pub detected_at: DateTime<Utc>,
    pub status: WarningStatus,
    pub assignee: Option<String>,
    pub last_service_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

/// Counts by risk level and by status (of the filter without its own risk/status).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChurnSummary {
    pub by_risk: Vec<(RiskLevel, u64)>,
    pub by_status: Vec<(WarningStatus, u64)>,
}

code_enum! {
    /// What 处理 does to a warning.
    pub enum HandleAction {
        Follow = ("follow", "开始跟进", "Start following up"),
        Retained = ("retained", "标记已挽回", "Mark retained"),
        Lost = ("lost", "标记已流失", "Mark lost"),
        Dismiss = ("dismiss", "忽略", "Dismiss"),
    }
}

impl HandleAction {
    pub fn target(self) -> WarningStatus {
        match self {
            Self::Follow => WarningStatus::Following,
            Self::Retained => WarningStatus::Retained,
            Self::Lost => WarningStatus::Lost,
            Self::Dismiss => WarningStatus::Dismissed,
        }
    }
    /// 已挽回 / 已流失 need a note, 忽略 a reason.
    pub fn needs_note(self) -> bool {
        self != Self::Follow
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HandleInput {
    pub id: i64,
    pub version: i32,
    pub action: String,
    pub note: String,
}

impl HandleInput {
    pub fn validate(&self) -> Result<HandleAction, AppError> {
        let Some(action) = HandleAction::parse(&self.action) else {
            return Err(AppError::field("action", "请选择处理方式", "Choose an action"));
        };
        let n = self.note.trim().chars().count();
        if action.needs_note() && n == 0 {
            let (zh, en) = if action == HandleAction::Dismiss {
                ("忽略须填写原因", "Give the reason")
            } else {
                ("请填写说明", "Add a note")
            };
            return Err(AppError::field("note", zh, en));
        }
        if n > 500 {
            return Err(AppError::field("note", &format!("最多 500 个字(现 {n} 个)"), "At most 500 characters"));
        }
        Ok(action)
    }
}

/// A rule as PG-75's 规则设置 shows and saves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleView {
    pub code: String,
    pub name: String,
    pub enabled: bool,
    pub threshold: Option<i32>,
    pub score: i32,
    pub version: i32,
}

/// The page's frame: summary, the last runs and whether the user may edit rules or dismiss.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnOptions {
    pub orgs: Vec<(i64, String)>,
    pub may_configure: bool,
    pub may_dismiss: bool,
    /// Whether 客户流失统计 (统计查询, by month and organisation) is the user's.
    pub may_see_stats: bool,
    pub last_run: Option<RunView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub state: String,
    pub examined: i64,
    pub raised: i64,
    pub updated: i64,
    pub closed: i64,
}

/// Checks one rule's edit: a threshold where the rule has one (1–3650), a score 0–100.
pub fn check_rule(r: &RuleView) -> Result<RuleCode, AppError> {
    let mut e = FieldErrors::default();
    let code = RuleCode::parse(&r.code);
    match code.and_then(|c| c.threshold_unit()) {
        Some(_) if !r.threshold.is_some_and(|t| (1..=3650).contains(&t)) => {
            e.add(&format!("{}.threshold", r.code), "请输入 1–3650 的整数", "Enter a whole number from 1 to 3650")
        }
        None if r.threshold.is_some() => {
            e.add(&format!("{}.threshold", r.code), "此规则没有阈值", "This rule has no threshold")
        }
        _ => {}
    }
    if !(0..=100).contains(&r.score) {
        e.add(&format!("{}.score", r.code), "分值应为 0–100", "Score from 0 to 100");
    }
    e.into_result()?;
    code.ok_or_else(|| AppError::field("code", "未知规则", "Unknown rule"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_spec_bands() {
        assert_eq!(RiskLevel::of(60), Some(RiskLevel::High));
        assert_eq!(RiskLevel::of(59), Some(RiskLevel::Medium));
        assert_eq!(RiskLevel::of(30), Some(RiskLevel::Medium));
        assert_eq!(RiskLevel::of(15), Some(RiskLevel::Low));
        assert_eq!(RiskLevel::of(14), None);
    }

    #[test]
    fn notes_and_rules_are_checked() {
        let h = |a: &str, n: &str| HandleInput { id: 1, version: 1, action: a.into(), note: n.into() };
        assert!(h("follow", "").validate().is_ok());
        assert!(h("dismiss", " ").validate().is_err());
        assert!(h("lost", "已转投他家").validate().is_ok());
        assert!(h("bogus", "x").validate().is_err());
        let rule = |code: &str, threshold: Option<i32>, score: i32| RuleView {
            code: code.into(),
            name: String::new(),
            enabled: true,
            threshold,
            score,
            version: 1,
        };
        assert!(check_rule(&rule("EXPIRY_SOON", Some(45), 30)).is_ok());
        assert!(check_rule(&rule("EXPIRY_SOON", None, 30)).is_err());
        assert!(check_rule(&rule("EXPIRED", Some(3), 30)).is_err());
        assert!(check_rule(&rule("EXPIRED", None, 101)).is_err());
    }
}
