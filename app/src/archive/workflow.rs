//! The review workflow of entered customers, contacts and import batches (SM-6, E-42): its
//! states, the actions that move an entry, and the ONE transition function [`ReviewStatus::after`]
//! that the entry form, the import commit and the review centre all go through.
//!
//! | from \ action        | SaveDraft | Submit   | SubmitExempt | Approve  | Reject   |
//! |----------------------|-----------|----------|--------------|----------|----------|
//! | new / Draft/Rejected | Draft     | Pending  | Approved     | 409      | 409      |
//! | Pending              | 409       | 409      | 409          | Approved | Rejected |
//! | Approved             | Approved  | Approved | Approved     | 409      | 409      |
//!
//! An approved entry stays in circulation (OP-28): saving it keeps it approved, without a new
//! review, whatever the client asked for.
use crate::error::AppError;

code_enum! {
    /// E-42 审核状态 of a customer, a contact or a review row.
    pub enum ReviewStatus {
        Draft = ("draft", "草稿", "Draft"),
        Pending = ("pending", "待审核", "Pending"),
        Approved = ("approved", "已通过", "Approved"),
        Rejected = ("rejected", "已驳回", "Rejected"),
    }
}

code_enum! {
    /// What a review row (`entry_review.target_type`) is about.
    pub enum ReviewTarget {
        Customer = ("customer", "客户", "Customer"),
        ImportJob = ("import_job", "导入批次", "Import batch"),
    }
}

/// What is done to an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReviewAction {
    /// Saved without sending it to review.
    SaveDraft,
    /// Sent to the approver the entrant chose.
    Submit,
    /// Sent by a review-exempt entrant (免审核): published at once.
    SubmitExempt,
    /// The approver approves.
    Approve,
    /// The approver rejects (with a reason).
    Reject,
}

impl ReviewAction {
    pub const ALL: [ReviewAction; 5] = [Self::SaveDraft, Self::Submit, Self::SubmitExempt, Self::Approve, Self::Reject];

    /// The action of saving an entry: `submit` = send it on, `exempt` = the entrant is 免审核.
    pub fn save(submit: bool, exempt: bool) -> Self {
        match (submit, exempt) {
            (false, _) => Self::SaveDraft,
            (true, false) => Self::Submit,
            (true, true) => Self::SubmitExempt,
        }
    }

    /// The decision of an approver.
    pub fn decide(approve: bool) -> Self {
        if approve { Self::Approve } else { Self::Reject }
    }
}

impl ReviewStatus {
    /// The state after `action` on an entry in state `from` (`None`: not saved yet). An action
    /// the state does not allow is a readable refusal (409).
    pub fn after(from: Option<ReviewStatus>, action: ReviewAction) -> Result<ReviewStatus, AppError> {
        use ReviewAction::*;
        use ReviewStatus::*;
        match (from, action) {
            (None | Some(Draft | Rejected), SaveDraft) => Ok(Draft),
            (None | Some(Draft | Rejected), Submit) => Ok(Pending),
            (None | Some(Draft | Rejected), SubmitExempt) => Ok(Approved),
            (Some(Approved), SaveDraft | Submit | SubmitExempt) => Ok(Approved),
            (Some(Pending), SaveDraft | Submit | SubmitExempt) => {
                Err(AppError::rejected("该记录正在审核中,审核完成前不能修改", "This entry is under review"))
            }
            (Some(Pending), Approve) => Ok(Approved),
            (Some(Pending), Reject) => Ok(Rejected),
            (Some(Approved | Rejected), Approve | Reject) => Err(Self::already_decided()),
            (None | Some(Draft), Approve | Reject) => {
                Err(AppError::rejected("该记录尚未提交审核", "This entry has not been submitted for review"))
            }
        }
    }

    /// The refusal when another decision came first.
    pub fn already_decided() -> AppError {
        AppError::rejected("该记录已审核,请刷新", "This entry was already decided; reload")
    }

    /// Drafts and rejected entries are still their entrant's to change or delete.
    pub fn with_entrant(self) -> bool {
        matches!(self, Self::Draft | Self::Rejected)
    }

    /// Badge class of the state.
    pub fn badge(self) -> &'static str {
        match self {
            Self::Draft => "badge badge-gray",
            Self::Pending => "badge badge-blue",
            Self::Approved => "badge badge-green",
            Self::Rejected => "badge badge-red",
        }
    }
}

#[cfg(feature = "ssr")]
mod stored {
    use super::{ReviewStatus, ReviewTarget};
    use crate::archive::entity::entry_review;
    use crate::members::entity::customer;
    use crate::members::enums::CustomerType;

    impl customer::Model {
        /// `review_status` as the enum (`None`: a code this build does not know).
        pub fn review_status(&self) -> Option<ReviewStatus> {
            ReviewStatus::parse(&self.review_status)
        }
        /// `customer_type` as the enum.
        pub fn customer_type(&self) -> Option<CustomerType> {
            CustomerType::parse(&self.customer_type)
        }
    }

    impl entry_review::Model {
        pub fn status(&self) -> Option<ReviewStatus> {
            ReviewStatus::parse(&self.status)
        }
        pub fn target(&self) -> Option<ReviewTarget> {
            ReviewTarget::parse(&self.target_type)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ReviewAction::{self, *};
    use super::ReviewStatus::{self, *};
    use crate::error::AppError;

    fn expected(from: Option<ReviewStatus>, action: ReviewAction) -> Result<ReviewStatus, &'static str> {
        Ok(match (from, action) {
            (Some(Pending), Approve) => Approved,
            (Some(Pending), Reject) => Rejected,
            (Some(Pending), _) => return Err("正在审核中"),
            (Some(Approved | Rejected), Approve | Reject) => return Err("已审核"),
            (None | Some(Draft), Approve | Reject) => return Err("尚未提交"),
            (Some(Approved), _) => Approved,
            (_, SaveDraft) => Draft,
            (_, Submit) => Pending,
            (_, SubmitExempt) => Approved,
        })
    }

    #[test]
    fn every_state_times_every_action() {
        let froms = std::iter::once(None).chain(ReviewStatus::ALL.iter().copied().map(Some));
        let mut n = 0;
        for from in froms {
            for action in ReviewAction::ALL {
                n += 1;
                let got = ReviewStatus::after(from, action);
                match (expected(from, action), got) {
                    (Ok(want), Ok(got)) => assert_eq!(want, got, "{from:?} × {action:?}"),
                    (Err(msg), Err(e)) => {
                        assert!(matches!(e, AppError::Rejected(_)), "{from:?} × {action:?}: {e:?}");
                        assert!(e.message(crate::i18n::Locale::Zh).contains(msg), "{from:?} × {action:?}: {e:?}");
                    }
                    (want, got) => panic!("{from:?} × {action:?}: want {want:?}, got {got:?}"),
                }
            }
        }
        assert_eq!(n, 25);
    }

    #[test]
    fn saving_maps_the_form_buttons() {
        assert_eq!(ReviewAction::save(false, false), SaveDraft);
        assert_eq!(ReviewAction::save(false, true), SaveDraft);
        assert_eq!(ReviewAction::save(true, false), Submit);
        assert_eq!(ReviewAction::save(true, true), SubmitExempt);
        assert_eq!(ReviewAction::decide(true), Approve);
        assert_eq!(ReviewAction::decide(false), Reject);
    }

    #[test]
    fn stored_codes_are_stable() {
        let codes: Vec<&str> = ReviewStatus::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes, ["draft", "pending", "approved", "rejected"]);
        assert_eq!(super::ReviewTarget::ImportJob.code(), "import_job");
    }
}
