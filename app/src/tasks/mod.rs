//! 任务提醒 (SPEC K6, PG-76): follow-up tasks with due dates — written by hand or from a
//! request (跟进任务) — for oneself or a colleague of the same organisation; started,
//! completed with a note, handed over or cancelled; the signed-in account's open ones on the
//! home page's 待办, overdue ones flagged; 主管/经理 see their organisation's (督办).
pub mod api;
pub mod page;

#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldErrors};
use crate::requests::Priority;
use crate::ui::list::url_filter;

code_enum! {
    /// E-45 任务状态.
    pub enum TaskStatus {
        Todo = ("todo", "待办", "To do"),
        InProgress = ("in_progress", "进行中", "In progress"),
        Done = ("done", "已完成", "Done"),
        Cancelled = ("cancelled", "已取消", "Cancelled"),
    }
}

code_enum! {
    /// E-46 任务来源 (those this build writes).
    pub enum TaskSource {
        Manual = ("manual", "直接新增任务", "Manual"),
        FollowUp = ("follow_up", "下次跟进提醒", "Follow-up"),
        Feedback = ("feedback", "由反馈信息生成", "From feedback"),
        CareRule = ("care_rule", "关怀规则", "Care rule"),
    }
}

code_enum! {
    /// The tabs of PG-76.
    pub enum TaskTab {
        Mine = ("mine", "我的任务", "My tasks"),
        Assigned = ("assigned", "我分配的", "Assigned by me"),
        Team = ("team", "团队任务", "Team tasks"),
    }
}

code_enum! {
    /// What a task follows up (关联对象), stored as `related_type`.
    pub enum TaskRelated {
        ServiceRequest = ("service_request", "诉求", "Request"),
        Customer = ("customer", "会员", "Member"),
    }
}

impl TaskRelated {
    /// The page of the related item `id`.
    pub fn href(self, id: i64) -> String {
        match self {
            Self::ServiceRequest => format!("/requests/{id}"),
            Self::Customer => format!("/customers/{id}"),
        }
    }

    /// `service_request:ID` or `customer:ID` (the new-task page's `?related=`).
    pub fn parse_ref(s: &str) -> Option<(Self, i64)> {
        let (kind, id) = s.split_once(':')?;
        Some((Self::parse(kind)?, id.parse().ok()?))
    }
}

/// What is done to a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskAction {
    Start,
    Complete,
    Transfer,
    Cancel,
}

impl TaskStatus {
    /// The status after `action` (`None`: not possible from this status).
    pub fn after(self, action: TaskAction) -> Option<TaskStatus> {
        match (self, action) {
            (Self::Todo, TaskAction::Start) => Some(Self::InProgress),
            (Self::Todo | Self::InProgress, TaskAction::Complete) => Some(Self::Done),
            (Self::Todo | Self::InProgress, TaskAction::Transfer) => Some(self),
            (Self::Todo | Self::InProgress, TaskAction::Cancel) => Some(Self::Cancelled),
            _ => None,
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, Self::Todo | Self::InProgress)
    }

    /// The stored codes of the open statuses (待办, 进行中).
    pub const OPEN_CODES: [&'static str; 2] = [Self::Todo.code(), Self::InProgress.code()];

    pub fn badge(self) -> &'static str {
        match self {
            Self::Todo => "badge badge-orange",
            Self::InProgress => "badge badge-blue",
            Self::Done => "badge badge-green",
            Self::Cancelled => "badge badge-gray",
        }
    }
}

impl TaskAction {
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Self::Start => ("开始", "Start"),
            Self::Complete => ("完成", "Complete"),
            Self::Transfer => ("转交", "Hand over"),
            Self::Cancel => ("取消", "Cancel"),
        }
    }
}

/// The task form (PG-76).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskInput {
    pub title: String,
    pub description: String,
    pub assignee_id: Option<i64>,
    pub priority: Priority,
    /// `YYYY-MM-DDTHH:MM`, Asia/Shanghai (a datetime-local field).
    pub due_at: String,
    pub remind_at: String,
    /// 关联对象 with its id.
    pub related: Option<(TaskRelated, i64)>,
}

impl Default for TaskInput {
    fn default() -> Self {
        Self {
            title: String::new(),
            description: String::new(),
            assignee_id: None,
            priority: Priority::Normal,
            due_at: String::new(),
            remind_at: String::new(),
            related: None,
        }
    }
}

/// A `datetime-local` value (China time) as UTC; empty is `None`.
pub fn parse_local(s: &str) -> Result<Option<DateTime<Utc>>, chrono::ParseError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    Ok(Some(crate::cst::to_utc(NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")?)))
}

impl TaskInput {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        let n = self.title.trim().chars().count();
        if n == 0 {
            e.add("title", "请填写任务标题", "Enter a title");
        } else if n > 200 {
            e.add("title", "标题最多 200 个字", "At most 200 characters");
        }
        crate::requests::check_len(&mut e, "description", &self.description);
        if self.assignee_id.is_none() {
            e.add("assignee_id", "请选择负责人", "Choose who does it");
        }
        let due = parse_local(&self.due_at);
        let remind = parse_local(&self.remind_at);
        if due.is_err() {
            e.add("due_at", "截止时间格式不正确", "Invalid due time");
        }
        if remind.is_err() {
            e.add("remind_at", "提醒时间格式不正确", "Invalid reminder time");
        }
        if let (Ok(Some(d)), Ok(Some(r))) = (due, remind)
            && r > d
        {
            e.add("remind_at", "提醒时间不能晚于截止时间", "The reminder is after the due time");
        }
        e.into_result()
    }
}

url_filter! {
    /// The filters of 任务提醒 (PG-76).
    TaskFilter;
    text { tab = "tab", status = "status", priority = "priority", source = "source", due_from = "due_from", due_to = "due_to" }
    id { assignee = "assignee" }
}

impl TaskFilter {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        for (key, v, ok) in [
            ("status", &self.status, TaskStatus::parse(&self.status).is_some()),
            ("priority", &self.priority, Priority::parse(&self.priority).is_some()),
            ("source", &self.source, TaskSource::parse(&self.source).is_some()),
            ("tab", &self.tab, TaskTab::parse(&self.tab).is_some()),
        ] {
            if !v.is_empty() && !ok {
                e.add(key, "请选择列表中的值", "Choose a value from the list");
            }
        }
        crate::ui::filters::check_date_range(&mut e, "due_from", &self.due_from, &self.due_to);
        e.into_result()
    }

    pub fn task_tab(&self) -> TaskTab {
        TaskTab::parse(&self.tab).unwrap_or(TaskTab::Mine)
    }
}

/// A row of the task list (and of the home page's 待办).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRow {
    pub id: i64,
    pub title: String,
    pub description: String,
    /// 关联对象: its label and link.
    pub related: Option<(String, String)>,
    pub priority: Priority,
    pub due_at: Option<DateTime<Utc>>,
    pub remind_at: Option<DateTime<Utc>>,
    pub assignee: String,
    pub creator: String,
    pub source: TaskSource,
    pub status: TaskStatus,
    pub overdue: bool,
    pub completion_note: String,
    pub version: i32,
    /// What the signed-in account may do with it.
    pub actions: Vec<TaskAction>,
    /// 回访: the callback form that answers it (an open task about a member, of the signed-in
    /// account, who records callbacks).
    pub call_back: Option<String>,
}

/// What the task form offers: the colleagues a task may be given to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskOptions {
    pub assignees: Vec<(i64, String)>,
    pub me: i64,
    /// The related item named (from `?related=service_request:ID`).
    pub related: Option<(TaskRelated, i64, String)>,
}

/// An action on a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskActInput {
    pub id: i64,
    pub version: i32,
    pub action: TaskAction,
    pub note: String,
    /// The new assignee of 转交.
    pub assignee_id: Option<i64>,
}

impl TaskActInput {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        if self.action == TaskAction::Transfer && self.assignee_id.is_none() {
            e.add("assignee_id", "请选择转交给谁", "Choose who takes it over");
        }
        crate::requests::check_len(&mut e, "note", &self.note);
        e.into_result()
    }
}
