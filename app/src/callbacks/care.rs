//! 关怀规则 (SPEC K14, X-21): 经理 says when a member should be called (开通后 N 天, 到期前 N 天,
//! 到期后 N 天, N 天未联系), for which 会员级别, about what (回访内容) and who calls (the member's
//! 专属客服, or turns among the organisation's staff). A job applies the rules every night (and
//! when started from the page): each occasion of a member becomes one 关怀任务 for the member's
//! organisation; the callback that answers the task closes it.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::CallbackContent;
use crate::error::{AppError, FieldErrors};
use crate::members::enums::LEVELS;

code_enum! {
    /// 关怀触发类型 (E-65).
    pub enum CareTrigger {
        AfterActivation = ("after_activation", "开通后N天", "N days after activation"),
        BeforeExpiry = ("before_expiry", "到期前N天", "N days before expiry"),
        AfterExpiry = ("after_expiry", "到期后N天", "N days after expiry"),
        NoContact = ("no_contact", "N天未联系", "No contact for N days"),
    }
}

impl CareTrigger {
    /// "到期前 30 天" for a rule of `days`.
    pub fn describe(self, days: i32, locale: crate::i18n::Locale) -> String {
        match (self, locale) {
            (CareTrigger::AfterActivation, crate::i18n::Locale::Zh) => format!("服务开通后 {days} 天"),
            (CareTrigger::BeforeExpiry, crate::i18n::Locale::Zh) => format!("服务到期前 {days} 天"),
            (CareTrigger::AfterExpiry, crate::i18n::Locale::Zh) => format!("服务到期后 {days} 天"),
            (CareTrigger::NoContact, crate::i18n::Locale::Zh) => format!("{days} 天未联系"),
            (CareTrigger::AfterActivation, _) => format!("{days} days after activation"),
            (CareTrigger::BeforeExpiry, _) => format!("{days} days before expiry"),
            (CareTrigger::AfterExpiry, _) => format!("{days} days after expiry"),
            (CareTrigger::NoContact, _) => format!("no contact for {days} days"),
        }
    }
}

code_enum! {
    /// Who gets a rule's tasks.
    pub enum CareAssign {
        OwnerAgent = ("owner_agent", "专属客服(未设置时机构内轮流分配)", "The member's own agent (else shared out)"),
        OrgQueue = ("org_queue", "机构内轮流分配", "Shared out within the organisation"),
    }
}

code_enum! {
    /// How a run of the rules started.
    pub enum CareStart {
        Nightly = ("nightly", "每日自动", "Nightly"),
        Manual = ("manual", "手动运行", "Started by hand"),
    }
}

/// An occasion is caught up to this many days late: a run missed (the server was down at
/// night) or a rule added today still reaches the members whose day came in the past week.
pub const CATCH_UP_DAYS: i64 = 7;

/// The longest offset a rule may have (a year).
pub const MAX_OFFSET_DAYS: i32 = 366;

/// A rule as the page shows and edits it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CareRuleInput {
    /// `None`: a new rule.
    pub id: Option<i64>,
    pub name: String,
    /// E-65 code.
    pub trigger: String,
    /// N (days), as typed.
    pub offset_days: String,
    /// E-04 codes.
    pub member_levels: Vec<String>,
    /// E-25 code.
    pub callback_content: String,
    pub assign_to: String,
    pub enabled: bool,
    /// The version the edit started from (`0` for a new rule).
    pub version: i32,
}

impl CareRuleInput {
    /// Field checks shared by the browser and the server; answers the offset in days.
    pub fn validate(&self) -> Result<i32, AppError> {
        let mut e = FieldErrors::default();
        let name = self.name.trim().chars().count();
        if name == 0 {
            e.add("name", "请填写规则名称", "Enter a name");
        } else if name > 50 {
            e.add("name", &format!("最多 50 个字(现 {name} 个)"), &format!("At most 50 characters (now {name})"));
        }
        if CareTrigger::parse(&self.trigger).is_none() {
            e.add("trigger", "请选择触发条件", "Choose when the rule applies");
        }
        let days = self.offset_days.trim().parse::<i32>().ok().filter(|d| (1..=MAX_OFFSET_DAYS).contains(d));
        if days.is_none() {
            e.add(
                "offset_days",
                &format!("请填写 1 到 {MAX_OFFSET_DAYS} 之间的天数"),
                &format!("Enter a number of days from 1 to {MAX_OFFSET_DAYS}"),
            );
        }
        if self.member_levels.is_empty() {
            e.add("member_levels", "请至少选择一个会员级别", "Choose at least one member level");
        } else if self.member_levels.iter().any(|l| !LEVELS.iter().any(|c| c.0 == l)) {
            e.add("member_levels", "请从列表中选择会员级别", "Choose levels from the list");
        }
        if CallbackContent::parse(&self.callback_content).is_none() {
            e.add("callback_content", "请选择回访内容", "Choose what the call is about");
        }
        if CareAssign::parse(&self.assign_to).is_none() {
            e.add("assign_to", "请选择分配方式", "Choose who calls");
        }
        e.into_result().map(|()| days.unwrap_or_default())
    }
}

/// The day a run started by hand applies the rules for: `text` (`YYYY-MM-DD`, empty: `today`),
/// not after today and at most [`CATCH_UP_DAYS`] back (older occasions are not caught up).
pub fn run_day(text: &str, today: NaiveDate) -> Result<NaiveDate, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(today);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|d| *d <= today && *d > today - chrono::Duration::days(CATCH_UP_DAYS))
        .ok_or_else(|| {
            AppError::field("day", "检查日期只能是今天或最近 7 天内", "The day must be today or in the past week")
        })
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareRuleView {
    pub id: i64,
    pub name: String,
    pub trigger: CareTrigger,
    pub offset_days: i32,
    pub member_levels: Vec<String>,
    pub callback_content: CallbackContent,
    pub assign_to: CareAssign,
    pub enabled: bool,
    pub version: i32,
    /// Open care tasks made by this rule.
    pub open_tasks: u64,
}

impl CareRuleView {
    pub fn input(&self) -> CareRuleInput {
        CareRuleInput {
            id: Some(self.id),
            name: self.name.clone(),
            trigger: self.trigger.code().into(),
            offset_days: self.offset_days.to_string(),
            member_levels: self.member_levels.clone(),
            callback_content: self.callback_content.code().into(),
            assign_to: self.assign_to.code().into(),
            enabled: self.enabled,
            version: self.version,
        }
    }
}

/// One run of the rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareRunView {
    pub id: i64,
    pub run_day: NaiveDate,
    pub started_how: CareStart,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub state: crate::jobs::JobState,
    pub rules: i32,
    /// Members whose occasion came (in the catch-up window).
    pub examined: i64,
    /// Tasks made (the rest already had theirs).
    pub created: i64,
    pub message: Option<String>,
}

/// The 关怀规则 page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CarePage {
    pub rules: Vec<CareRuleView>,
    /// The last runs, newest first.
    pub runs: Vec<CareRunView>,
    /// When the next nightly run is due.
    pub next_nightly: DateTime<Utc>,
}

/// What a care task carries for the callback that answers it: the rule's 回访内容.
pub fn task_description(rule: &str, trigger: CareTrigger, days: i32, content: CallbackContent) -> String {
    format!("关怀规则「{rule}」:{};建议回访内容:{}", trigger.describe(days, crate::i18n::Locale::Zh), content.zh())
}
