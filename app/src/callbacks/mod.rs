//! 电话回访关怀 (SPEC SM-3, PG-24/25): an agent phones a member, records what the call was for,
//! whether it got through and what the member said; 完成 writes the callback with its 服务记录
//! (服务类型 回访, 主动服务), keeps the member's last callback current, sets a follow-up task
//! when 下次回访时间 is given and closes the task the call answered; 转为诉求 then opens the
//! intake with the member and the callback. Rep offices reach only their own members.
pub mod api;
pub mod care;
pub mod care_page;
pub mod list_page;
pub mod page;

#[cfg(feature = "ssr")]
pub mod care_service;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldErrors};
use crate::members::MemberFilter;
use crate::requests::CallerPanel;
use crate::tasks::parse_local;

code_enum! {
    /// 回访内容 (E-25).
    pub enum CallbackContent {
        ActivationConfirm = ("service_activation_confirm", "服务开通确认", "Service activation confirmation"),
        PlatformTraining = ("platform_training", "平台使用培训", "Platform training"),
        GuidanceCare = ("service_guidance_care", "服务引导关怀", "Service guidance & care"),
        RenewalReminder = ("renewal_reminder", "续费率约提醒", "Renewal reminder"),
        SpecialSurvey = ("special_survey", "专项回访调研", "Special survey"),
    }
}

code_enum! {
    /// 接通情况 (E-27).
    pub enum Reach {
        Reached = ("reached", "已接通", "Reached"),
        NotReached = ("not_reached", "未接通", "Not reached"),
    }
}

code_enum! {
    /// 满意程度 (E-26).
    pub enum Satisfaction {
        VerySatisfied = ("very_satisfied", "非常满意", "Very satisfied"),
        Satisfied = ("satisfied", "满意", "Satisfied"),
        Neutral = ("neutral", "一般", "Neutral"),
        Dissatisfied = ("dissatisfied", "不满意", "Dissatisfied"),
        VeryDissatisfied = ("very_dissatisfied", "非常不满意", "Very dissatisfied"),
    }
}

/// 电话回访关怀's filter as the member query reads it: one row per member (按会员), whatever
/// the URL says.
pub fn call_list_filter(f: MemberFilter) -> MemberFilter {
    MemberFilter { view: "members".into(), ..f }
}

/// How far back a callback may be recorded (SPEC E6: back-dated up to 7 days, never future).
pub const BACKDATE_DAYS: i64 = 7;

/// The 回访录入 form (PG-25). Times are `datetime-local` values in China time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallbackInput {
    pub customer_id: i64,
    /// 回访内容 (E-25 code).
    pub content: String,
    /// 接通情况 (E-27 code).
    pub reach: String,
    pub contact_name: String,
    pub phone_called: String,
    /// 会员反馈: required when the call got through.
    pub feedback: String,
    /// 满意程度 (E-26 code), optional.
    pub satisfaction: String,
    pub callback_at: String,
    pub next_at: String,
    pub next_note: String,
    /// The open task this call answers (closed on save).
    pub task_id: Option<i64>,
}

impl CallbackInput {
    /// Field checks shared by the browser and the server (the server also checks the time
    /// against its clock: [`CallbackInput::check_times`]).
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        if CallbackContent::parse(&self.content).is_none() {
            e.add("content", "请选择回访内容", "Choose what the call is about");
        }
        match Reach::parse(&self.reach) {
            None => e.add("reach", "请选择接通情况", "Choose whether the call got through"),
            Some(Reach::Reached) if self.feedback.trim().is_empty() => {
                e.add("feedback", "已接通的回访请填写会员反馈", "Enter what the member said")
            }
            Some(_) => {}
        }
        crate::requests::check_len(&mut e, "feedback", &self.feedback);
        if !self.satisfaction.is_empty() && Satisfaction::parse(&self.satisfaction).is_none() {
            e.add("satisfaction", "请从列表中选择", "Pick a value from the list");
        }
        for (field, v, max) in [
            ("contact_name", &self.contact_name, 50),
            ("phone_called", &self.phone_called, 30),
            ("next_note", &self.next_note, 255),
        ] {
            let n = v.trim().chars().count();
            if n > max {
                e.add(field, &format!("最多 {max} 个字(现 {n} 个)"), &format!("At most {max} characters (now {n})"));
            }
        }
        match parse_local(&self.callback_at) {
            Ok(Some(_)) => {}
            Ok(None) => e.add("callback_at", "请填写回访时间", "Enter when the call was made"),
            Err(_) => e.add("callback_at", "回访时间格式不正确", "Invalid time"),
        }
        match parse_local(&self.next_at) {
            Ok(None) if !self.next_note.trim().is_empty() => {
                e.add("next_at", "填写了下次回访事项,请同时填写下次回访时间", "Set when the next call is due")
            }
            Err(_) => e.add("next_at", "下次回访时间格式不正确", "Invalid time"),
            _ => {}
        }
        e.into_result()
    }

    /// 回访时间 within the last [`BACKDATE_DAYS`] and not after `now`; 下次回访时间 after it.
    pub fn check_times(&self, now: DateTime<Utc>) -> Result<(DateTime<Utc>, Option<DateTime<Utc>>), AppError> {
        self.validate()?;
        let mut e = FieldErrors::default();
        let at = parse_local(&self.callback_at).ok().flatten().unwrap_or(now);
        // (A minute of grace: the form's default is the minute the page was opened.)
        if at > now + chrono::Duration::minutes(1) {
            e.add("callback_at", "回访时间不能晚于现在", "The call cannot be in the future");
        } else if at < now - chrono::Duration::days(BACKDATE_DAYS) {
            e.add("callback_at", "回访时间最多补录 7 天前的", "At most 7 days back");
        }
        let next = parse_local(&self.next_at).ok().flatten();
        if next.is_some_and(|n| n <= now) {
            e.add("next_at", "下次回访时间应晚于现在", "The next call must be in the future");
        }
        e.into_result().map(|()| (at, next))
    }
}

/// An open task of the member that a callback may answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenTask {
    pub id: i64,
    pub title: String,
    pub due_at: Option<DateTime<Utc>>,
    /// The 回访内容 a care task suggests (E-25 code).
    pub content: Option<String>,
}

/// What 回访录入 shows and defaults to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallbackForm {
    /// The member panel of the intake (Section B, last 5 records, open requests).
    pub panel: CallerPanel,
    /// 服务部门 from the login (read-only).
    pub service_dept: crate::requests::AcceptingDept,
    /// 回访人.
    pub agent: String,
    /// Now, as the form's default 回访时间.
    pub now: String,
    /// The member's open tasks assigned to the user (the call may answer one).
    pub tasks: Vec<OpenTask>,
    /// The member's callbacks, newest first (at most 5).
    pub history: Vec<CallbackView>,
}

/// A recorded callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallbackView {
    pub id: i64,
    pub content: String,
    pub reach: String,
    pub feedback: String,
    pub satisfaction: String,
    pub agent: String,
    pub callback_at: DateTime<Utc>,
    pub next_at: Option<DateTime<Utc>>,
}

/// What 完成 wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallbackSaved {
    pub id: i64,
    pub service_record_id: i64,
    pub follow_up_task_id: Option<i64>,
    pub closed_task_id: Option<i64>,
}
