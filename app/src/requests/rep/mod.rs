//! 代表处业务需求 (SPEC §4.2 SM-2, PG-28, PG-29, PG-16): a rep office submits a need to HQ CS
//! (提交 / 我的需求), HQ CS takes it, classifies it and answers the rep office itself or routes
//! it to a business department, whose feedback HQ CS passes on (反馈代表处). The department
//! works on it from its inbox (代表处需求 tab). Rep offices see their own needs, the state, the
//! handling department and the final result — never the department's internal notes.
pub mod api;
pub mod detail_page;
pub mod pages;
pub mod workflow;

#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod query;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{DeptChoice, FeedbackView, HandlingDept, HandlingStatus, RequestType, StepView, check_len};
use crate::error::{AppError, FieldErrors};
use crate::ui::list::url_filter;
pub use workflow::{RepAction, RepActor, RepState};

/// `request_kind` of rep-office needs in the shared step and feedback tables.
pub const KIND: &str = "rep_request";

/// 代表处服务需求 (PG-28): what the rep office submits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RepNeedInput {
    pub content: String,
    /// 相关会员 (optional): a member of the office's own scope.
    pub customer_id: Option<i64>,
}

impl RepNeedInput {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        if self.content.trim().is_empty() {
            e.add("content", "请填写诉求内容", "Describe the need");
        }
        check_len(&mut e, "content", &self.content);
        e.into_result()
    }
}

/// What 提交 saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepSubmitted {
    pub id: i64,
    pub request_no: String,
}

/// 诉求类型 filter value of needs HQ has not classified yet.
pub const UNCLASSIFIED: &str = "none";

url_filter! {
    /// The filters of 我的需求 (PG-28), 代表处需求处理 (PG-29) and the inbox's 代表处需求 tab.
    RepFilter;
    text {
        tab = "tab", no = "no", keyword = "q", request_type = "type", handling_dept = "dept",
        handling_status = "hstatus", state = "state", from = "from", to = "to",
    }
    id { org = "org" }
}

code_enum! {
    /// The tabs of 代表处需求处理 (PG-29).
    pub enum QueueTab {
        Waiting = ("waiting", "待受理", "To take"),
        Handling = ("handling", "处理中", "In progress"),
        Answered = ("answered", "部门已反馈", "Department replied"),
        Done = ("done", "已反馈代表处", "Answered"),
        /// Every need but the withdrawn (the reports' drill-down lands here).
        All = ("all", "全部", "All"),
    }
}

impl QueueTab {
    pub fn states(self) -> &'static [RepState] {
        match self {
            Self::Waiting => &[RepState::Submitted],
            Self::Handling => &[RepState::HqProcessing, RepState::DeptPending, RepState::DeptProcessing],
            Self::Answered => &[RepState::FeedbackReceived],
            Self::Done => &[RepState::Completed],
            Self::All => &[
                RepState::Submitted,
                RepState::HqProcessing,
                RepState::DeptPending,
                RepState::DeptProcessing,
                RepState::FeedbackReceived,
                RepState::Completed,
            ],
        }
    }
}

impl RepFilter {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        type Check<'a> = (&'static str, &'a str, fn(&str) -> bool);
        let codes: [Check; 4] = [
            ("type", &self.request_type, |v| RequestType::parse(v).is_some() || v == UNCLASSIFIED),
            ("dept", &self.handling_dept, |v| HandlingDept::parse(v).is_some()),
            ("hstatus", &self.handling_status, |v| HandlingStatus::parse(v).is_some()),
            ("state", &self.state, |v| RepState::parse(v).is_some()),
        ];
        for (key, v, ok) in codes {
            if !v.is_empty() && !ok(v) {
                e.add(key, "请选择列表中的值", "Choose a value from the list");
            }
        }
        crate::ui::filters::check_date_range(&mut e, "from", &self.from, &self.to);
        e.into_result()
    }

    pub fn queue_tab(&self) -> QueueTab {
        QueueTab::parse(&self.tab).unwrap_or(QueueTab::Waiting)
    }
}

/// A row of the need lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepRow {
    pub id: i64,
    pub request_no: String,
    /// 组织机构: the submitting rep office.
    pub org: String,
    pub submitter: String,
    pub accepted_at: DateTime<Utc>,
    /// 诉求内容, its first 50 characters.
    pub content: String,
    pub request_type: Option<RequestType>,
    pub handling_dept: Option<HandlingDept>,
    pub state: RepState,
    pub routed_at: Option<DateTime<Utc>>,
    /// 反馈时间: when HQ CS answered the rep office.
    pub completed_at: Option<DateTime<Utc>>,
}

/// 代表处诉求详情 (PG-16) as the signed-in account may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepDetail {
    pub row: RepRow,
    pub content: String,
    /// 相关会员: (id, 企业名称, whether the member's page may be opened).
    pub customer: Option<(i64, String, bool)>,
    pub result: String,
    pub hq_handler: String,
    pub handling_org: String,
    /// The timeline; for the rep office without the departments' internal steps and notes.
    pub steps: Vec<StepView<RepState>>,
    /// The departments' feedback rounds (HQ CS and departments only).
    pub feedbacks: Vec<FeedbackView>,
    pub actions: Vec<RepAction>,
    pub departments: Vec<DeptChoice>,
    pub version: i32,
}

/// An action on a need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepActInput {
    pub id: i64,
    pub version: i32,
    pub action: RepAction,
    /// 处理结果 (反馈代表处), 处理过程及结果 (反馈), the reason (退回, 再次流转) or a note.
    pub text: String,
    /// 诉求类型, set by HQ CS when it takes, answers or routes the need.
    pub request_type: Option<RequestType>,
    /// The department of 提交 / 再次流转.
    pub handling_org_id: Option<i64>,
}

impl RepActInput {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        if let Some(field) = self.action.required_text() {
            if self.text.trim().is_empty() {
                let (zh, en) = match self.action {
                    RepAction::Reply => ("请填写给代表处的处理结果", "Enter the result for the rep office"),
                    RepAction::Feedback => ("请填写处理过程及结果", "Enter what was done and the result"),
                    RepAction::Progress => ("请填写处理过程", "Enter the progress"),
                    _ => ("请填写原因", "Enter the reason"),
                };
                e.add(field, zh, en);
            }
            check_len(&mut e, field, &self.text);
        }
        if self.action.routes() && self.handling_org_id.is_none() {
            e.add("handling_org_id", "请选择处理部门", "Choose the department");
        }
        if crate::requests::PanelAction::classifies(self.action) && self.request_type.is_none() {
            e.add("request_type", "请选择诉求类型", "Choose the type");
        }
        e.into_result()
    }
}
