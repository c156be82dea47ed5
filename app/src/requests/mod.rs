//! 会员诉求 (SPEC §4.1 SM-1, PG-20–23): an agent takes a member's consultation or complaint on
//! the phone (keyboard-first intake with caller identification), handles it or routes it to a
//! business department, the department accepts, notes progress, feeds back or returns it, and
//! the agent replies to the member and completes it. Every step is a `request_step`, the
//! request's one 服务记录 follows its state, and the departments are told in the message centre.
pub mod api;
pub mod calendar;
pub mod calendar_page;
pub mod caller_view;
pub mod detail_page;
pub mod inbox_page;
pub mod intake_page;
pub mod kinds;
pub mod list_page;
pub mod rep;
pub mod todo;
pub mod workflow;

#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod handle;
#[cfg(feature = "ssr")]
pub mod intake;
#[cfg(feature = "ssr")]
pub mod lists;
#[cfg(feature = "ssr")]
pub mod lookup;
#[cfg(feature = "ssr")]
pub mod query;
#[cfg(feature = "ssr")]
pub mod sla;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldErrors};
use crate::members::enums::CustomerType;
use crate::members::{MemberInfo, RecordView};
use crate::ui::list::url_filter;
pub use kinds::{AcceptingDept, Channel, HandlingDept, Priority, RequestType};
pub use workflow::{Actor, HandlingStatus, PanelAction, RequestAction, RequestState, SlaState, StateBadge, StepType};

/// The longest 诉求内容, 处理结果, feedback or reason (SPEC E1).
pub const MAX_TEXT: usize = 4000;

/// A caller the intake autocomplete proposes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallerHit {
    pub id: i64,
    pub customer_type: CustomerType,
    pub company_name: String,
    pub contact_name: String,
    pub login_name: String,
    pub registered_email: String,
    pub phone_mobile: String,
    pub member_level: String,
    pub org_name: String,
    /// A member of another organisation found by an exact key (OP-21): only the autofill
    /// fields are shown.
    pub foreign: bool,
}

/// An open or recent request of a caller (to avoid duplicate tickets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestBrief {
    pub id: i64,
    pub request_no: String,
    pub accepted_at: DateTime<Utc>,
    pub request_type: RequestType,
    pub state: RequestState,
    pub handling_dept: HandlingDept,
    pub content: String,
}

/// Section B of the intake form: the member, their last five service records and their open
/// requests. For a member of another organisation (`foreign`) only `info`'s autofill fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallerPanel {
    pub info: MemberInfo,
    pub foreign: bool,
    pub records: Vec<RecordView>,
    pub open_requests: Vec<RequestBrief>,
}

/// A department a request can be sent to (`org_id` `None`: 客服部 handles it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeptChoice {
    pub org_id: Option<i64>,
    pub dept: HandlingDept,
    pub name: String,
}

/// What the intake form needs from the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntakeOptions {
    pub accepting_dept: AcceptingDept,
    pub departments: Vec<DeptChoice>,
    /// Agents of the user's organisation (客服人员姓名).
    pub agents: Vec<(i64, String)>,
    /// 主管/经理 may record the request for another agent.
    pub may_pick_agent: bool,
    pub me: i64,
}

/// The 会员诉求受理 form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntakeInput {
    pub customer_type: CustomerType,
    /// The member picked in the autocomplete, or the non-member re-used.
    pub customer_id: Option<i64>,
    pub caller_name: String,
    pub contact_mobile: String,
    pub contact_phone: String,
    /// 区域 of a new non-member (≥ 省).
    pub region: [Option<i64>; 3],
    /// 企业名称 of a new non-member (optional).
    pub company_name: String,
    pub channel: Option<Channel>,
    pub request_type: Option<RequestType>,
    pub content: String,
    /// The department organisation to route to; `None`: 客服部 handles it.
    pub handling_org_id: Option<i64>,
    pub result: String,
    pub priority: Priority,
    pub agent_id: Option<i64>,
    /// 保存, 处理完成 or 提交至XX部.
    pub action: RequestAction,
    /// 转为诉求: the callback of this member the request came from (it is then 主动服务).
    #[serde(default)]
    pub source_callback_id: Option<i64>,
}

impl Default for IntakeInput {
    fn default() -> Self {
        Self {
            customer_type: CustomerType::Member,
            customer_id: None,
            caller_name: String::new(),
            contact_mobile: String::new(),
            contact_phone: String::new(),
            region: [None; 3],
            company_name: String::new(),
            channel: Some(Channel::Phone),
            request_type: None,
            content: String::new(),
            handling_org_id: None,
            result: String::new(),
            priority: Priority::Normal,
            agent_id: None,
            action: RequestAction::Save,
            source_callback_id: None,
        }
    }
}

/// Too long a text is a field error.
pub fn check_len(e: &mut FieldErrors, field: &str, s: &str) {
    let n = s.chars().count();
    if n > MAX_TEXT {
        e.add(field, &format!("最多 {MAX_TEXT} 个字(现 {n} 个)"), &format!("At most {MAX_TEXT} characters (now {n})"));
    }
}

impl IntakeInput {
    /// Field checks shared by the browser and the server.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        match self.customer_type {
            CustomerType::Member => {
                if self.customer_id.is_none() {
                    e.add(
                        "caller",
                        "请输入企业名称、注册邮箱、登录名或电话,并从列表中选择会员",
                        "Type a company, e-mail, login or phone and pick the member",
                    );
                }
            }
            CustomerType::NonMember => {
                if self.customer_id.is_none() {
                    if self.caller_name.trim().is_empty() {
                        e.add("caller_name", "非会员请填写客户姓名", "Enter the caller's name");
                    }
                    if self.contact_mobile.trim().is_empty() && self.contact_phone.trim().is_empty() {
                        e.add("contact_mobile", "移动电话和固定电话至少填写一项", "Enter a mobile or a fixed phone");
                    }
                    if self.region[0].is_none() {
                        e.add("region", "非会员请至少选择省份", "Choose at least the province");
                    }
                }
            }
        }
        if self.caller_name.chars().count() > 50 {
            e.add("caller_name", "客户姓名最多 50 个字", "At most 50 characters");
        }
        let mobile = self.contact_mobile.trim();
        if !mobile.is_empty() && !crate::archive::valid_mobile(mobile) {
            e.add("contact_mobile", "手机号应为 11 位数字,以 1 开头", "A mobile number has 11 digits starting with 1");
        }
        let fixed = self.contact_phone.trim();
        if !fixed.is_empty() && !crate::archive::valid_fixed_phone(fixed) {
            e.add("contact_phone", "固定电话格式不正确,如 020-12345678", "Invalid phone number, e.g. 020-12345678");
        }
        if self.company_name.chars().count() > 200 {
            e.add("company_name", "企业名称最多 200 个字", "At most 200 characters");
        }
        if self.channel.is_none() {
            e.add("channel", "请选择受理渠道", "Choose the channel");
        }
        if self.request_type.is_none() {
            e.add("request_type", "请选择诉求类型", "Choose the request type");
        }
        if self.content.trim().is_empty() {
            e.add("content", "请填写诉求内容", "Enter the request");
        }
        check_len(&mut e, "content", &self.content);
        check_len(&mut e, "result", &self.result);
        match self.action {
            RequestAction::Complete => {
                if self.handling_org_id.is_some() {
                    e.add("handling_org_id", "处理完成时处理部门应为客服部", "Only 客服部 completes at intake");
                }
                if self.result.trim().is_empty() {
                    e.add("result", "处理完成前请填写处理结果", "Enter the result before completing");
                }
            }
            RequestAction::Save => {
                if self.handling_org_id.is_some() {
                    e.add("handling_org_id", "转交部门请用“提交”", "Use Submit to route to a department");
                }
            }
            RequestAction::Route => {
                if self.handling_org_id.is_none() {
                    e.add("handling_org_id", "请选择要流转的处理部门", "Choose the department to route to");
                }
            }
            _ => e.add("action", "受理时只能保存、处理完成或提交", "At intake: save, complete or route"),
        }
        e.into_result()
    }
}

/// What the intake saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntakeOutcome {
    pub id: i64,
    pub request_no: String,
    pub state: RequestState,
    /// The department it was routed to.
    pub dept_name: Option<String>,
}

impl IntakeOutcome {
    /// "诉求 SQ… 已保存/已完成/已流转至技术部".
    pub fn message(&self) -> (String, String) {
        let no = &self.request_no;
        match (self.state, &self.dept_name) {
            (RequestState::Completed, _) => (format!("诉求 {no} 已完成"), format!("Request {no} completed")),
            (RequestState::DeptPending, Some(d)) => {
                (format!("诉求 {no} 已流转至{d}"), format!("Request {no} routed to {d}"))
            }
            _ => (format!("诉求 {no} 已保存"), format!("Request {no} saved")),
        }
    }
}

url_filter! {
    /// The filters of 诉求列表 (PG-21) and 部门待办 (PG-23).
    RequestFilter;
    text {
        tab = "tab", no = "no", company = "company", login = "login", caller = "caller", phone = "phone",
        request_type = "type", channel = "channel", accepting_dept = "acc_dept", handling_dept = "dept",
        state = "state", handling_status = "hstatus", priority = "priority", customer_type = "ctype",
        level = "level", qa = "qa", from = "from", to = "to", routed_from = "routed_from", routed_to = "routed_to",
        sla = "sla",
    }
    id { org = "org", agent = "agent" }
}

code_enum! {
    /// The tabs of 诉求列表 (PG-21).
    pub enum ListTab {
        AwaitingReply = ("reply", "待我回复", "Awaiting my reply"),
        Handling = ("handling", "我处理中", "I am handling"),
        Mine = ("mine", "我受理的", "Taken by me"),
        All = ("all", "本机构全部", "All in scope"),
        Voided = ("voided", "已作废", "Voided"),
    }
}

code_enum! {
    /// The tabs of 部门待办 (PG-23).
    pub enum InboxTab {
        Pending = ("pending", "待处理", "To handle"),
        Done = ("done", "已反馈", "Answered"),
    }
}

impl RequestFilter {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        /// (URL key, value, whether the value is a known code)
        type Check<'a> = (&'static str, &'a str, fn(&str) -> bool);
        let codes: [Check; 9] = [
            ("sla", &self.sla, |v| SlaState::parse(v).is_some()),
            ("type", &self.request_type, |v| RequestType::parse(v).is_some()),
            ("channel", &self.channel, |v| Channel::parse(v).is_some()),
            ("acc_dept", &self.accepting_dept, |v| AcceptingDept::parse(v).is_some()),
            ("dept", &self.handling_dept, |v| HandlingDept::parse(v).is_some()),
            ("state", &self.state, |v| RequestState::parse(v).is_some()),
            ("hstatus", &self.handling_status, |v| HandlingStatus::parse(v).is_some()),
            ("priority", &self.priority, |v| Priority::parse(v).is_some()),
            ("ctype", &self.customer_type, |v| CustomerType::parse(v).is_some()),
        ];
        for (key, v, ok) in codes {
            if !v.is_empty() && !ok(v) {
                e.add(key, "请选择列表中的值", "Choose a value from the list");
            }
        }
        for (key, from, to) in [("from", &self.from, &self.to), ("routed_from", &self.routed_from, &self.routed_to)] {
            crate::ui::filters::check_date_range(&mut e, key, from, to);
        }
        e.into_result()
    }

    pub fn list_tab(&self) -> ListTab {
        ListTab::parse(&self.tab).unwrap_or(ListTab::All)
    }

    pub fn inbox_tab(&self) -> InboxTab {
        InboxTab::parse(&self.tab).unwrap_or(InboxTab::Pending)
    }
}

/// A row of 诉求列表 / 部门待办.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestRow {
    pub id: i64,
    pub request_no: String,
    pub accepted_at: DateTime<Utc>,
    /// 企业名称, or 客户姓名 for a non-member without one.
    pub caller: String,
    pub customer_type: CustomerType,
    pub member_level: String,
    pub request_type: RequestType,
    pub channel: Channel,
    pub handling_dept: HandlingDept,
    pub state: RequestState,
    pub agent: String,
    pub content: String,
    pub routed_at: Option<DateTime<Utc>>,
    pub routed_by: String,
    pub priority: Priority,
    pub updated_at: DateTime<Utc>,
    /// E-58 超时状态.
    pub sla_state: SlaState,
    /// The nearer running deadline: the department's feedback while it holds the request,
    /// else the resolution.
    pub due_at: Option<DateTime<Utc>>,
}

/// One step of the 处理记录 timeline (of a request, or of a rep-office need).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepView<S = RequestState> {
    pub step: StepType,
    pub to_state: S,
    pub to_dept: Option<HandlingDept>,
    pub actor: String,
    pub org: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// A department's feedback round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackView {
    pub department: String,
    pub handler: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// The QA block of a request (PG-22, CS only): its current inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QaNote {
    pub result: crate::members::enums::QaResult,
    pub remark: String,
    pub inspector: String,
    pub at: Option<DateTime<Utc>>,
}

/// 诉求详情 (PG-22) with the actions the signed-in account may take now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub row: RequestRow,
    pub customer_id: i64,
    /// The member's page may be opened (in scope).
    pub customer_visible: bool,
    pub caller_name: String,
    pub contact_mobile: String,
    pub contact_phone: String,
    pub login_name: String,
    pub registered_email: String,
    /// 诉求内容 in full (the row holds its first 50 characters).
    pub content: String,
    pub accepting_dept: AcceptingDept,
    pub accepting_org: String,
    pub handling_org: String,
    pub result: String,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: String,
    pub void_reason: String,
    pub service_record_id: Option<i64>,
    pub steps: Vec<StepView>,
    pub feedbacks: Vec<FeedbackView>,
    /// What this account may do now.
    pub actions: Vec<RequestAction>,
    /// Where 提交/再次流转 may send it.
    pub departments: Vec<DeptChoice>,
    pub version: i32,
    /// 是否质检 / 质检结果 / 备注 / 质检人 / 时间 for customer-service accounts (`None`: not
    /// inspected, or not shown to this account).
    #[serde(default)]
    pub qa: Option<QaNote>,
}

/// An action on the detail page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActInput {
    pub id: i64,
    /// The version the page showed (optimistic locking).
    pub version: i32,
    pub action: RequestAction,
    /// 处理结果 (完成), 处理过程及结果 (反馈), the reason (退回, 再次流转, 作废) or a note.
    pub text: String,
    /// The department of 提交 / 再次流转.
    pub handling_org_id: Option<i64>,
}

impl ActInput {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        if let Some(field) = self.action.required_text()
            && self.text.trim().is_empty()
        {
            let (zh, en) = match self.action {
                RequestAction::Complete => ("请填写给会员的处理结果", "Enter the reply given to the member"),
                RequestAction::Feedback => ("请填写处理过程及结果", "Enter what was done and the result"),
                RequestAction::Progress => ("请填写处理过程", "Enter the progress"),
                _ => ("请填写原因", "Enter the reason"),
            };
            e.add(field, zh, en);
        }
        if let Some(field) = self.action.required_text() {
            check_len(&mut e, field, &self.text);
        }
        if matches!(self.action, RequestAction::Route | RequestAction::Reroute) && self.handling_org_id.is_none() {
            e.add("handling_org_id", "请选择处理部门", "Choose the department");
        }
        e.into_result()
    }
}
