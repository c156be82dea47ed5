//! What PG-36 履约跟踪 and PG-42 精准匹配 show and send.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{ClosedReason, EventAction, FulfilmentStatus, ItemKind, ItemStatus, Pct};
use crate::error::{AppError, FieldErrors};

/// One item of a service year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemView {
    pub id: i64,
    pub name: String,
    pub weight: Pct,
    pub kind: ItemKind,
    pub target: Option<i32>,
    pub quantity: i32,
    pub status: ItemStatus,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: String,
    pub remark: String,
    pub version: i32,
    /// 推送计数项目: the push e-mails of the year (CM logs and CRM e-mails, failures left out).
    pub pushed: Option<u64>,
    /// 计数项目: the 精准匹配 records of the year.
    pub matches: Option<u64>,
    /// An item linked to an e-mail kind: when such an e-mail last reached the member this year.
    pub mail_sent_at: Option<DateTime<Utc>>,
}

impl ItemView {
    /// 服务完成 of a push-count item below its target needs 主管/经理 and a reason.
    pub fn needs_override(&self) -> bool {
        self.kind == ItemKind::PushCount && self.pushed.unwrap_or(0) < self.target.unwrap_or(0).max(0) as u64
    }
}

/// A 履约操作记录.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub at: DateTime<Utc>,
    pub action: EventAction,
    pub item: String,
    pub old: String,
    pub new: String,
    pub reason: String,
    pub actor: String,
}

/// A 精准匹配 record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchView {
    pub seq_no: i32,
    pub title: String,
    pub counterpart_company: String,
    pub counterpart_contact: String,
    pub content: String,
    pub provided_at: DateTime<Utc>,
    pub provided_by: String,
}

/// A service year in the selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearSummary {
    pub id: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// E-04 code (the level the year was opened for).
    pub level: String,
    pub is_current: bool,
    pub progress: Pct,
    pub status: FulfilmentStatus,
    pub closed_reason: Option<ClosedReason>,
}

/// A year with its items, what was done and its 精准匹配 records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearView {
    pub summary: YearSummary,
    pub items: Vec<ItemView>,
    pub events: Vec<EventView>,
    pub matches: Vec<MatchView>,
}

/// PG-36 of one member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tracking {
    pub customer_id: i64,
    pub company_name: String,
    pub login_name: String,
    pub member_level: String,
    pub org_name: String,
    pub service_start: Option<NaiveDate>,
    pub service_end: Option<NaiveDate>,
    pub years: Vec<YearSummary>,
    /// The year shown (`None`: the member owes no services).
    pub year: Option<YearView>,
    /// 服务完成 / 保存数量.
    pub may_mark: bool,
    /// 撤销完成.
    pub may_undo: bool,
    /// 主管/经理: earlier years and push-count overrides.
    pub may_correct: bool,
    /// 新增 精准匹配 records.
    pub may_add_match: bool,
    /// Now on the wall clock in China (`datetime-local`): the 提供时间 a new record starts with.
    pub now: String,
}

impl Tracking {
    /// Whether the year shown may be changed by this user.
    pub fn editable(&self) -> bool {
        self.year.as_ref().is_some_and(|y| y.summary.is_current || self.may_correct)
    }
}

code_enum! {
    /// What is done to an item.
    pub enum ItemActionKind {
        MarkDone = ("mark_done", "服务完成", "Mark done"),
        Undo = ("undo", "撤销完成", "Undo"),
        SetQuantity = ("set_quantity", "保存数量", "Save quantity"),
    }
}

/// An action on an item (the version the page showed: the optimistic lock).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemAction {
    pub item_id: i64,
    pub version: i32,
    /// [`ItemActionKind`] code.
    pub action: String,
    /// 保存数量's quantity.
    pub quantity: Option<i32>,
    /// 服务完成's remark (e.g. a courier number).
    pub remark: String,
    /// 撤销完成's reason; also the override reason of a push-count item below target.
    pub reason: String,
}

impl ItemAction {
    /// The checks the page and the server share; answers the action.
    pub fn validate(&self) -> Result<ItemActionKind, AppError> {
        let mut e = FieldErrors::default();
        let kind = ItemActionKind::parse(&self.action);
        if kind.is_none() {
            e.add("action", "未知的操作", "Unknown action");
        }
        if self.remark.trim().chars().count() > 255 {
            e.add("remark", "备注最多 255 个字", "At most 255 characters");
        }
        let reason = self.reason.trim().chars().count();
        if reason > 255 {
            e.add("reason", "原因最多 255 个字", "At most 255 characters");
        } else if kind == Some(ItemActionKind::Undo) && reason == 0 {
            e.add("reason", "请填写撤销原因", "Enter why it is undone");
        }
        if kind == Some(ItemActionKind::SetQuantity) && self.quantity.is_none_or(|q| q < 0) {
            e.add("quantity", "请选择数量", "Choose the quantity");
        }
        e.into_result().map(|()| kind.unwrap_or(ItemActionKind::MarkDone))
    }
}

/// 新增匹配记录 (F3 form of PG-36/PG-42).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MatchInput {
    pub customer_id: i64,
    pub title: String,
    pub counterpart_company: String,
    pub counterpart_contact: String,
    pub content: String,
    /// 提供时间 (`datetime-local`, China time).
    pub provided_at: String,
}

impl MatchInput {
    /// Field checks shared by the browser and the server (which also holds 提供时间 against its
    /// clock, `now`); answers 提供时间.
    pub fn validate(&self, now: Option<DateTime<Utc>>) -> Result<DateTime<Utc>, AppError> {
        let mut e = FieldErrors::default();
        let title = self.title.trim().chars().count();
        if title == 0 {
            e.add("title", "请填写匹配信息标题", "Enter the title");
        } else if title > 200 {
            e.add("title", "标题最多 200 个字", "At most 200 characters");
        }
        for (k, v) in
            [("counterpart_company", &self.counterpart_company), ("counterpart_contact", &self.counterpart_contact)]
        {
            if v.trim().chars().count() > 200 {
                e.add(k, "最多 200 个字", "At most 200 characters");
            }
        }
        if self.content.chars().count() > 5000 {
            e.add("content", "内容最多 5000 个字", "At most 5,000 characters");
        }
        let at = crate::tasks::parse_local(&self.provided_at).ok().flatten();
        match at {
            None => e.add("provided_at", "请填写提供时间", "Enter when it was provided"),
            Some(t) if now.is_some_and(|now| t > now + chrono::Duration::minutes(5)) => {
                e.add("provided_at", "提供时间不能晚于现在", "It cannot be in the future")
            }
            Some(_) => {}
        }
        e.into_result().and_then(|()| {
            at.ok_or_else(|| AppError::field("provided_at", "请填写提供时间", "Enter when it was provided"))
        })
    }
}
