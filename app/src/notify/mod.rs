//! 消息中心 (K7, PG-04): what the workflows tell an account — a request routed to its
//! department, a department's feedback or return, an entry waiting for its review — with the
//! unread count in the top bar (polled, so it changes without a reload).
pub mod api;
pub mod page;

#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ui::list::url_filter;

code_enum! {
    /// E-53 消息类型 (the kinds this build sends).
    pub enum NotificationKind {
        RequestRouted = ("request_routed", "诉求流转", "Request routed"),
        DeptFeedback = ("dept_feedback", "部门反馈", "Department feedback"),
        RequestReturned = ("request_returned", "诉求退回", "Request returned"),
        ReviewPending = ("review_pending", "待审核", "Review pending"),
        ReviewDecided = ("review_decided", "审核结果", "Review decided"),
        SlaWarning = ("sla_warning", "超时预警", "Deadline warning"),
        RepNeedSubmitted = ("rep_need_submitted", "代表处需求", "Rep-office need"),
        RepNeedReplied = ("rep_need_replied", "需求已答复", "Need answered"),
        TaskAssigned = ("task_assigned", "任务提醒", "Task"),
        EmailBatchDone = ("email_batch_done", "邮件发送完成", "E-mail batch done"),
        QaIncorrect = ("qa_incorrect", "质检有误", "QA: handled incorrectly"),
        System = ("system", "系统通知", "System"),
    }
}

/// One message of the message centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationRow {
    pub id: i64,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub link_url: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

url_filter! {
    /// Filters of the message centre (PG-04).
    MessageFilter;
    text { kind = "kind", unread = "unread" }
    id {}
}

impl MessageFilter {
    pub fn validate(&self) -> Result<(), crate::error::AppError> {
        if !self.kind.is_empty() && NotificationKind::parse(&self.kind).is_none() {
            return Err(crate::error::AppError::field("kind", "请选择有效的消息类型", "Choose a valid kind"));
        }
        Ok(())
    }
}
