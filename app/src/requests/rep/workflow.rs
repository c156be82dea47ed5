//! The rep-office need workflow (SM-2): its states, the actions of the three lanes of the seed
//! flowchart (代表处客服 / 客服部 / 相关部门) and the ONE transition function
//! [`RepState::after`].
//!
//! | from \ action     | Accept | Reply     | Route   | DeptAccept | Progress | Feedback | Return | Reroute | Withdraw  |
//! |-------------------|--------|-----------|---------|------------|----------|----------|--------|---------|-----------|
//! | submitted         | HqProc | Completed | DeptPen | –          | –        | –        | –      | –       | Withdrawn |
//! | hq_processing     | –      | Completed | DeptPen | –          | –        | –        | –      | –       | –         |
//! | dept_pending      | –      | –         | –       | DeptPro    | DeptPro  | Feedback | HqProc | –       | –         |
//! | dept_processing   | –      | –         | –       | –          | DeptPro  | Feedback | HqProc | –       | –         |
//! | feedback_received | –      | Completed | –       | –          | –        | –        | –      | DeptPen | –         |
//! | completed, withdrawn | –   | –         | –       | –          | –        | –        | –      | –       | –         |
use crate::error::{AppError, Text};
use crate::requests::{HandlingStatus, StepType};

code_enum! {
    /// E-21 代表处需求流程状态.
    pub enum RepState {
        Submitted = ("submitted", "已提交", "Submitted"),
        HqProcessing = ("hq_processing", "总部客服处理中", "HQ CS handling"),
        DeptPending = ("dept_pending", "待部门处理", "Awaiting department"),
        DeptProcessing = ("dept_processing", "部门处理中", "Department handling"),
        FeedbackReceived = ("feedback_received", "部门已反馈", "Department replied"),
        Completed = ("completed", "已反馈代表处", "Answered"),
        Withdrawn = ("withdrawn", "已撤回", "Withdrawn"),
    }
}

/// Who performs an action on a need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum RepActor {
    /// The submitting rep office's CS.
    Office,
    /// HQ CS holding 处理需求.
    Hq,
    /// An account of the department organisation holding the need.
    Dept,
}

/// The buttons of 代表处需求处理 (PG-29), 部门待办 and the rep office's detail page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum RepAction {
    /// 受理 (R2).
    Accept,
    /// 反馈代表处 (R3, R7).
    Reply,
    /// 提交 (流转) (R4).
    Route,
    /// 接收 (R5).
    DeptAccept,
    /// 保存处理过程 (R5).
    Progress,
    /// 反馈 (R6).
    Feedback,
    /// 退回 (R9).
    Return,
    /// 再次流转 (R8).
    Reroute,
    /// 撤回 (R10).
    Withdraw,
}

impl RepAction {
    pub const ALL: [RepAction; 9] = [
        Self::Accept,
        Self::Reply,
        Self::Route,
        Self::DeptAccept,
        Self::Progress,
        Self::Feedback,
        Self::Return,
        Self::Reroute,
        Self::Withdraw,
    ];

    pub fn actor(self) -> RepActor {
        match self {
            Self::Accept | Self::Reply | Self::Route | Self::Reroute => RepActor::Hq,
            Self::DeptAccept | Self::Progress | Self::Feedback | Self::Return => RepActor::Dept,
            Self::Withdraw => RepActor::Office,
        }
    }

    pub fn step(self) -> StepType {
        match self {
            Self::Accept | Self::DeptAccept => StepType::Accept,
            Self::Reply => StepType::ReplyRepOffice,
            Self::Route => StepType::Route,
            Self::Progress => StepType::Progress,
            Self::Feedback => StepType::Feedback,
            Self::Return => StepType::Return,
            Self::Reroute => StepType::Reroute,
            Self::Withdraw => StepType::Withdraw,
        }
    }

    /// Whether the action needs a text; the text's field name.
    pub fn required_text(self) -> Option<&'static str> {
        match self {
            Self::Reply => Some("result"),
            Self::Progress | Self::Feedback | Self::Return | Self::Reroute => Some("note"),
            Self::Accept | Self::Route | Self::DeptAccept | Self::Withdraw => None,
        }
    }

    /// Whether the action sends the need to a department (a department must be chosen).
    pub fn routes(self) -> bool {
        matches!(self, Self::Route | Self::Reroute)
    }

    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Self::Accept => ("受理", "Take"),
            Self::Reply => ("反馈代表处", "Reply to the rep office"),
            Self::Route => ("提交(流转)", "Route"),
            Self::DeptAccept => ("接收", "Accept"),
            Self::Progress => ("保存处理过程", "Save progress"),
            Self::Feedback => ("反馈", "Send feedback"),
            Self::Return => ("退回", "Return"),
            Self::Reroute => ("再次流转", "Route again"),
            Self::Withdraw => ("撤回", "Withdraw"),
        }
    }
}

impl crate::requests::PanelAction for RepAction {
    fn label(self) -> (&'static str, &'static str) {
        RepAction::label(self)
    }
    fn required_text(self) -> Option<&'static str> {
        RepAction::required_text(self)
    }
    fn routes(self) -> bool {
        RepAction::routes(self)
    }
    fn classifies(self) -> bool {
        matches!(self, Self::Reply | Self::Route)
    }
    fn prefilled(self) -> bool {
        self == Self::Reply
    }
    fn confirm(self) -> Option<&'static str> {
        (self == Self::Withdraw).then_some("确定撤回该需求?撤回后总部客服不再处理。")
    }
    fn text_label(self) -> (&'static str, &'static str) {
        match self {
            Self::Reply => ("处理结果(给代表处的答复)", "Result given to the rep office"),
            Self::Feedback => ("处理过程及结果", "What was done and the result"),
            Self::Progress => ("处理过程", "Progress"),
            Self::Route => ("备注", "Note"),
            _ => ("原因", "Reason"),
        }
    }
    fn button_class(self) -> &'static str {
        match self {
            Self::Withdraw => "btn btn-danger",
            Self::Reply | Self::Feedback => "btn btn-primary",
            _ => "btn",
        }
    }
}

impl RepState {
    /// The state after `action` on a need in state `from`; anything else is a readable 409.
    pub fn after(from: RepState, action: RepAction) -> Result<RepState, AppError> {
        use RepAction as A;
        use RepState::*;
        match (from, action) {
            (Submitted, A::Accept) => Ok(HqProcessing),
            (Submitted | HqProcessing | FeedbackReceived, A::Reply) => Ok(Completed),
            (Submitted | HqProcessing, A::Route) => Ok(DeptPending),
            (DeptPending, A::DeptAccept) => Ok(DeptProcessing),
            (DeptPending | DeptProcessing, A::Progress) => Ok(DeptProcessing),
            (DeptPending | DeptProcessing, A::Feedback) => Ok(FeedbackReceived),
            (DeptPending | DeptProcessing, A::Return) => Ok(HqProcessing),
            (FeedbackReceived, A::Reroute) => Ok(DeptPending),
            (Submitted, A::Withdraw) => Ok(Withdrawn),
            (Completed | Withdrawn, _) => {
                Err(AppError::rejected("该需求已结束,不能再修改", "This need is closed and cannot be changed"))
            }
            (_, A::Withdraw) => Err(AppError::rejected(
                "总部客服已受理该需求,不能再撤回",
                "HQ CS has taken this need; it can no longer be withdrawn",
            )),
            (state, _) => Err(AppError::Rejected(Text::new(
                format!("需求当前为“{}”,不能执行该操作,请刷新", state.zh()),
                format!("The need is “{}”; this action is not possible — reload", state.en()),
            ))),
        }
    }

    /// E-19 诉求处理状态 (none for a withdrawn need).
    pub fn handling_status(self) -> Option<HandlingStatus> {
        match self {
            Self::Submitted => Some(HandlingStatus::Unprocessed),
            Self::HqProcessing | Self::DeptPending | Self::DeptProcessing | Self::FeedbackReceived => {
                Some(HandlingStatus::Processing)
            }
            Self::Completed => Some(HandlingStatus::Processed),
            Self::Withdrawn => None,
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, Self::Completed | Self::Withdrawn)
    }

    pub fn with_department(self) -> bool {
        matches!(self, Self::DeptPending | Self::DeptProcessing)
    }

    pub fn badge(self) -> &'static str {
        match self {
            Self::Submitted | Self::DeptPending => "badge badge-orange",
            Self::HqProcessing | Self::DeptProcessing => "badge badge-blue",
            Self::FeedbackReceived => "badge badge-purple",
            Self::Completed => "badge badge-green",
            Self::Withdrawn => "badge badge-gray",
        }
    }

    pub fn actions(self) -> Vec<RepAction> {
        RepAction::ALL.into_iter().filter(|a| Self::after(self, *a).is_ok()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::RepAction::{self as A};
    use super::RepState::{self, *};
    use crate::error::AppError;

    /// The SM-2 table of SPEC §4.2 (R2–R10), written out independently of `after`.
    const TABLE: &[(RepState, A, RepState)] = &[
        (Submitted, A::Accept, HqProcessing),         // R2
        (Submitted, A::Reply, Completed),             // R3
        (HqProcessing, A::Reply, Completed),          // R3
        (Submitted, A::Route, DeptPending),           // R4
        (HqProcessing, A::Route, DeptPending),        // R4
        (DeptPending, A::DeptAccept, DeptProcessing), // R5
        (DeptPending, A::Progress, DeptProcessing),   // R5
        (DeptProcessing, A::Progress, DeptProcessing),
        (DeptPending, A::Feedback, FeedbackReceived), // R6
        (DeptProcessing, A::Feedback, FeedbackReceived),
        (FeedbackReceived, A::Reply, Completed),     // R7
        (FeedbackReceived, A::Reroute, DeptPending), // R8
        (DeptPending, A::Return, HqProcessing),      // R9
        (DeptProcessing, A::Return, HqProcessing),
        (Submitted, A::Withdraw, Withdrawn), // R10
    ];

    #[test]
    fn every_state_times_every_action() {
        let mut n = 0;
        for from in RepState::ALL.iter().copied() {
            for action in A::ALL {
                n += 1;
                let want = TABLE.iter().find(|(f, a, _)| *f == from && *a == action).map(|t| t.2);
                match (want, RepState::after(from, action)) {
                    (Some(want), Ok(got)) => assert_eq!(want, got, "{from:?} × {action:?}"),
                    (None, Err(e)) => assert!(matches!(e, AppError::Rejected(_)), "{from:?} × {action:?}: {e:?}"),
                    (want, got) => panic!("{from:?} × {action:?}: want {want:?}, got {got:?}"),
                }
            }
        }
        assert_eq!(n, 63);
    }

    #[test]
    fn withdrawing_after_hq_took_it_says_why() {
        let e = RepState::after(HqProcessing, A::Withdraw).unwrap_err();
        assert!(e.message(crate::i18n::Locale::Zh).contains("不能再撤回"), "{e:?}");
        let codes: Vec<&str> = RepState::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(
            codes,
            [
                "submitted",
                "hq_processing",
                "dept_pending",
                "dept_processing",
                "feedback_received",
                "completed",
                "withdrawn"
            ]
        );
    }
}
