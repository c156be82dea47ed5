//! The member-request workflow (SM-1): its states and enumerations, the actions of the intake
//! form and the detail page, who performs each action, and the ONE transition function
//! [`RequestState::after`] every save goes through.
//!
//! | from \ action      | Save   | Complete  | Route   | Accept  | Progress | Feedback | Return | Reroute | Void   |
//! |--------------------|--------|-----------|---------|---------|----------|----------|--------|---------|--------|
//! | new (intake)       | CsProc | Completed | DeptPen | –       | –        | –        | –      | –       | –      |
//! | cs_processing      | CsProc | Completed | DeptPen | –       | –        | –        | –      | –       | Voided |
//! | dept_pending       | –      | –         | –       | DeptPro | DeptPro  | Feedback | CsProc | –       | Voided |
//! | dept_processing    | –      | –         | –       | –       | DeptPro  | Feedback | CsProc | –       | Voided |
//! | feedback_received  | –      | Completed | –       | –       | –        | –        | –      | DeptPen | Voided |
//! | completed / voided | –      | –         | –       | –       | –        | –        | –      | –       | –      |
//!
//! "–" is a readable refusal (409). Who may act is the action's [`Actor`]: the CS of the
//! accepting organisation, the department holding the request, or a supervisor (作废).
use crate::error::AppError;

code_enum! {
    /// E-20 会员诉求流程状态.
    pub enum RequestState {
        CsProcessing = ("cs_processing", "客服处理中", "CS handling"),
        DeptPending = ("dept_pending", "待部门处理", "Awaiting department"),
        DeptProcessing = ("dept_processing", "部门处理中", "Department handling"),
        FeedbackReceived = ("feedback_received", "部门已反馈", "Department replied"),
        Completed = ("completed", "已完成", "Completed"),
        Voided = ("voided", "已作废", "Voided"),
    }
}

code_enum! {
    /// E-19 诉求处理状态, derived from the state.
    pub enum HandlingStatus {
        Unprocessed = ("unprocessed", "未处理", "Unprocessed"),
        Processing = ("processing", "处理中", "Processing"),
        Processed = ("processed", "已处理", "Processed"),
    }
}

code_enum! {
    /// E-60 诉求处理步骤类型 (of member requests and rep-office needs; 接收 is the department's
    /// for a request, HQ CS's 受理 of a need).
    pub enum StepType {
        Intake = ("intake", "受理", "Intake"),
        Save = ("save", "保存", "Saved"),
        Route = ("route", "流转", "Routed"),
        Accept = ("accept", "接收", "Accepted"),
        Progress = ("progress", "处理过程", "Progress note"),
        Feedback = ("feedback", "反馈", "Feedback"),
        Return = ("return", "退回", "Returned"),
        Reroute = ("reroute", "再次流转", "Routed again"),
        Complete = ("complete", "处理完成", "Completed"),
        Void = ("void", "作废", "Voided"),
        ReplyRepOffice = ("reply_rep_office", "反馈代表处", "Replied to the rep office"),
        Withdraw = ("withdraw", "撤回", "Withdrawn"),
    }
}

code_enum! {
    /// E-58 SLA 状态 (超时状态).
    pub enum SlaState {
        OnTime = ("on_time", "正常", "On time"),
        DueSoon = ("due_soon", "即将超时", "Due soon"),
        Overdue = ("overdue", "已超时", "Overdue"),
    }
}

impl SlaState {
    pub fn badge(self) -> &'static str {
        match self {
            Self::OnTime => "badge badge-green",
            Self::DueSoon => "badge badge-orange",
            Self::Overdue => "badge badge-red",
        }
    }
}

/// Who performs an action on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Actor {
    /// The agent or any CS account of the accepting organisation.
    Cs,
    /// An account of the department organisation holding the request.
    Dept,
    /// A CS supervisor or manager (permission 作废).
    Supervisor,
}

/// What is done to a request: the buttons of the intake form and the detail page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum RequestAction {
    /// 保存: CS keeps handling it (intake T2, or a saved draft of the reply).
    Save,
    /// 处理完成 (T1, T4, T9).
    Complete,
    /// 提交至XX部 (T3, T5).
    Route,
    /// 接收 (T6).
    Accept,
    /// 保存处理过程 (T6).
    Progress,
    /// 反馈 (T7).
    Feedback,
    /// 退回 (T8).
    Return,
    /// 再次流转 (T10).
    Reroute,
    /// 作废 (T11).
    Void,
}

impl RequestAction {
    pub const ALL: [RequestAction; 9] = [
        Self::Save,
        Self::Complete,
        Self::Route,
        Self::Accept,
        Self::Progress,
        Self::Feedback,
        Self::Return,
        Self::Reroute,
        Self::Void,
    ];

    /// Who performs it.
    pub fn actor(self) -> Actor {
        match self {
            Self::Save | Self::Complete | Self::Route | Self::Reroute => Actor::Cs,
            Self::Accept | Self::Progress | Self::Feedback | Self::Return => Actor::Dept,
            Self::Void => Actor::Supervisor,
        }
    }

    /// The step it writes to the timeline.
    pub fn step(self) -> StepType {
        match self {
            Self::Save => StepType::Save,
            Self::Complete => StepType::Complete,
            Self::Route => StepType::Route,
            Self::Accept => StepType::Accept,
            Self::Progress => StepType::Progress,
            Self::Feedback => StepType::Feedback,
            Self::Return => StepType::Return,
            Self::Reroute => StepType::Reroute,
            Self::Void => StepType::Void,
        }
    }

    /// Whether the action needs a text (reply, feedback, reason); the text's field name.
    pub fn required_text(self) -> Option<&'static str> {
        match self {
            Self::Complete => Some("result"),
            Self::Feedback | Self::Return | Self::Reroute | Self::Void | Self::Progress => Some("note"),
            Self::Save | Self::Route | Self::Accept => None,
        }
    }

    /// The button's label.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Self::Save => ("保存", "Save"),
            Self::Complete => ("处理完成", "Complete"),
            Self::Route => ("提交(流转)", "Route"),
            Self::Accept => ("接收", "Accept"),
            Self::Progress => ("保存处理过程", "Save progress"),
            Self::Feedback => ("反馈", "Send feedback"),
            Self::Return => ("退回", "Return"),
            Self::Reroute => ("再次流转", "Route again"),
            Self::Void => ("作废", "Void"),
        }
    }
}

/// A workflow state as the timeline shows it.
pub trait StateBadge: Copy + Send + Sync + 'static {
    fn badge(self) -> &'static str;
    fn text(self, locale: crate::i18n::Locale) -> &'static str;
    /// The name of `step`, which led to this state.
    fn step_label(self, step: StepType, locale: crate::i18n::Locale) -> &'static str {
        step.label(locale)
    }
}

impl StateBadge for RequestState {
    fn badge(self) -> &'static str {
        RequestState::badge(self)
    }
    fn text(self, locale: crate::i18n::Locale) -> &'static str {
        self.label(locale)
    }
}

impl StateBadge for super::rep::RepState {
    fn badge(self) -> &'static str {
        super::rep::RepState::badge(self)
    }
    fn text(self, locale: crate::i18n::Locale) -> &'static str {
        self.label(locale)
    }
    /// The office 提交s a need and HQ CS 受理s it (the department 接收s it).
    fn step_label(self, step: StepType, locale: crate::i18n::Locale) -> &'static str {
        let zh = locale == crate::i18n::Locale::Zh;
        match (step, self) {
            (StepType::Intake, _) => {
                if zh {
                    "提交"
                } else {
                    "Submitted"
                }
            }
            (StepType::Accept, super::rep::RepState::HqProcessing) => {
                if zh {
                    "受理"
                } else {
                    "Taken by HQ"
                }
            }
            _ => step.label(locale),
        }
    }
}

/// An action as the detail pages' action panel offers it.
pub trait PanelAction: Copy + PartialEq + std::fmt::Debug + Send + Sync + 'static {
    fn label(self) -> (&'static str, &'static str);
    /// The text it needs, by field name.
    fn required_text(self) -> Option<&'static str>;
    /// It sends the item to a department (one must be chosen).
    fn routes(self) -> bool;
    /// It asks for the 诉求类型.
    fn classifies(self) -> bool {
        false
    }
    /// It starts from the department's last feedback (the reply).
    fn prefilled(self) -> bool;
    /// The question asked before it is done.
    fn confirm(self) -> Option<&'static str> {
        None
    }
    /// The heading of its text.
    fn text_label(self) -> (&'static str, &'static str);
    fn button_class(self) -> &'static str;
    /// Done at the click, without a form.
    fn immediate(self) -> bool {
        self.required_text().is_none() && !self.routes() && !self.classifies()
    }
}

impl PanelAction for RequestAction {
    fn label(self) -> (&'static str, &'static str) {
        RequestAction::label(self)
    }
    fn required_text(self) -> Option<&'static str> {
        RequestAction::required_text(self)
    }
    fn routes(self) -> bool {
        matches!(self, Self::Route | Self::Reroute)
    }
    fn prefilled(self) -> bool {
        self == Self::Complete
    }
    fn confirm(self) -> Option<&'static str> {
        (self == Self::Void).then_some("确定作废该诉求?作废后不能恢复。")
    }
    fn text_label(self) -> (&'static str, &'static str) {
        match self {
            Self::Complete => ("处理结果(给会员的答复)", "Reply given to the member"),
            Self::Feedback => ("处理过程及结果", "What was done and the result"),
            Self::Progress => ("处理过程", "Progress"),
            Self::Route => ("备注", "Note"),
            _ => ("原因", "Reason"),
        }
    }
    fn button_class(self) -> &'static str {
        match self {
            Self::Void => "btn btn-danger",
            Self::Complete | Self::Feedback => "btn btn-primary",
            _ => "btn",
        }
    }
}

impl RequestState {
    /// The state after `action` on a request in state `from` (`None`: the intake). An action
    /// the state does not allow is a readable refusal (409).
    pub fn after(from: Option<RequestState>, action: RequestAction) -> Result<RequestState, AppError> {
        use RequestAction as A;
        use RequestState::*;
        match (from, action) {
            (None | Some(CsProcessing), A::Save) => Ok(CsProcessing),
            (None | Some(CsProcessing | FeedbackReceived), A::Complete) => Ok(Completed),
            (None | Some(CsProcessing), A::Route) => Ok(DeptPending),
            (Some(DeptPending), A::Accept) => Ok(DeptProcessing),
            (Some(DeptPending | DeptProcessing), A::Progress) => Ok(DeptProcessing),
            (Some(DeptPending | DeptProcessing), A::Feedback) => Ok(FeedbackReceived),
            (Some(DeptPending | DeptProcessing), A::Return) => Ok(CsProcessing),
            (Some(FeedbackReceived), A::Reroute) => Ok(DeptPending),
            (Some(CsProcessing | DeptPending | DeptProcessing | FeedbackReceived), A::Void) => Ok(Voided),
            (Some(Completed | Voided), _) => {
                Err(AppError::rejected("该诉求已结束,不能再修改", "This request is closed and cannot be changed"))
            }
            (Some(DeptPending | DeptProcessing), A::Complete | A::Save | A::Route) => Err(AppError::rejected(
                "该诉求正在部门处理中,部门反馈或退回前客服不能处理",
                "A department holds this request; wait for its feedback or return",
            )),
            (None, _) => Err(AppError::rejected("请先受理诉求", "Take the request in first")),
            (Some(state), _) => Err(AppError::Rejected(crate::error::Text::new(
                format!("诉求当前为“{}”,不能执行该操作,请刷新", state.zh()),
                format!("The request is “{}”; this action is not possible — reload", state.en()),
            ))),
        }
    }

    /// E-19 as shown in lists.
    pub fn handling_status(self) -> Option<HandlingStatus> {
        match self {
            Self::DeptPending => Some(HandlingStatus::Unprocessed),
            Self::CsProcessing | Self::DeptProcessing | Self::FeedbackReceived => Some(HandlingStatus::Processing),
            Self::Completed => Some(HandlingStatus::Processed),
            Self::Voided => None,
        }
    }

    /// Completed and voided requests are read-only.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Completed | Self::Voided)
    }

    /// A department holds it.
    pub fn with_department(self) -> bool {
        matches!(self, Self::DeptPending | Self::DeptProcessing)
    }

    /// Badge class of the state.
    pub fn badge(self) -> &'static str {
        match self {
            Self::CsProcessing | Self::DeptProcessing => "badge badge-blue",
            Self::DeptPending => "badge badge-orange",
            Self::FeedbackReceived => "badge badge-purple",
            Self::Completed => "badge badge-green",
            Self::Voided => "badge badge-gray",
        }
    }

    /// The actions that apply in this state (the buttons the detail page offers, before the
    /// actor check).
    pub fn actions(self) -> Vec<RequestAction> {
        RequestAction::ALL.into_iter().filter(|a| Self::after(Some(self), *a).is_ok()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::RequestAction::{self as A};
    use super::RequestState::{self, *};
    use crate::error::AppError;

    /// The SM-1 table of SPEC §4.1, written out independently of `after`.
    fn expected(from: Option<RequestState>, action: A) -> Option<RequestState> {
        let table: &[(Option<RequestState>, A, RequestState)] = &[
            (None, A::Complete, Completed),               // T1
            (None, A::Save, CsProcessing),                // T2
            (None, A::Route, DeptPending),                // T3
            (Some(CsProcessing), A::Complete, Completed), // T4
            (Some(CsProcessing), A::Route, DeptPending),  // T5
            (Some(CsProcessing), A::Save, CsProcessing),
            (Some(DeptPending), A::Accept, DeptProcessing), // T6
            (Some(DeptPending), A::Progress, DeptProcessing),
            (Some(DeptProcessing), A::Progress, DeptProcessing),
            (Some(DeptPending), A::Feedback, FeedbackReceived), // T7
            (Some(DeptProcessing), A::Feedback, FeedbackReceived),
            (Some(DeptPending), A::Return, CsProcessing), // T8
            (Some(DeptProcessing), A::Return, CsProcessing),
            (Some(FeedbackReceived), A::Complete, Completed),  // T9
            (Some(FeedbackReceived), A::Reroute, DeptPending), // T10
            (Some(CsProcessing), A::Void, Voided),             // T11
            (Some(DeptPending), A::Void, Voided),
            (Some(DeptProcessing), A::Void, Voided),
            (Some(FeedbackReceived), A::Void, Voided),
        ];
        table.iter().find(|(f, a, _)| *f == from && *a == action).map(|t| t.2)
    }

    #[test]
    fn every_state_times_every_action() {
        let froms = std::iter::once(None).chain(RequestState::ALL.iter().copied().map(Some));
        let mut n = 0;
        for from in froms {
            for action in A::ALL {
                n += 1;
                match (expected(from, action), RequestState::after(from, action)) {
                    (Some(want), Ok(got)) => assert_eq!(want, got, "{from:?} × {action:?}"),
                    (None, Err(e)) => assert!(matches!(e, AppError::Rejected(_)), "{from:?} × {action:?}: {e:?}"),
                    (want, got) => panic!("{from:?} × {action:?}: want {want:?}, got {got:?}"),
                }
            }
        }
        assert_eq!(n, 63);
    }

    #[test]
    fn a_department_holding_it_blocks_completion_with_a_reason() {
        for s in [DeptPending, DeptProcessing] {
            let e = RequestState::after(Some(s), A::Complete).unwrap_err();
            assert!(e.message(crate::i18n::Locale::Zh).contains("部门处理中"), "{e:?}");
        }
        let e = RequestState::after(Some(Completed), A::Save).unwrap_err();
        assert!(e.message(crate::i18n::Locale::Zh).contains("已结束"));
    }

    #[test]
    fn actors_and_handling_status() {
        use super::{Actor, HandlingStatus};
        assert_eq!(A::Feedback.actor(), Actor::Dept);
        assert_eq!(A::Reroute.actor(), Actor::Cs);
        assert_eq!(A::Void.actor(), Actor::Supervisor);
        assert_eq!(DeptPending.handling_status(), Some(HandlingStatus::Unprocessed));
        assert_eq!(Completed.handling_status(), Some(HandlingStatus::Processed));
        assert_eq!(FeedbackReceived.actions(), vec![A::Complete, A::Reroute, A::Void]);
        let codes: Vec<&str> = RequestState::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(
            codes,
            ["cs_processing", "dept_pending", "dept_processing", "feedback_received", "completed", "voided"]
        );
    }
}
