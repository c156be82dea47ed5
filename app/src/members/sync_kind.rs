//! The kinds of CM data a sync carries (E-55) and the documented file layout of each.
use serde::{Deserialize, Serialize};

use crate::error::AppError;

code_enum! {
    /// The state of a 数据同步 run (`sync_run.status`).
    pub enum SyncStatus {
        Running = ("running", "进行中", "Running"),
        Succeeded = ("succeeded", "成功", "Succeeded"),
        Failed = ("failed", "失败", "Failed"),
        Interrupted = ("interrupted", "已中断", "Interrupted"),
    }
}

impl SyncStatus {
    pub fn badge(self) -> &'static str {
        match self {
            Self::Running => "badge badge-blue",
            Self::Succeeded => "badge badge-green",
            Self::Failed => "badge badge-red",
            Self::Interrupted => "badge badge-gray",
        }
    }

    /// The heading of the run's report: its errors, the values it could not map, or why it
    /// stopped.
    pub fn report_title(self) -> (&'static str, &'static str) {
        match self {
            Self::Succeeded => ("提示", "Notes"),
            Self::Interrupted => ("说明", "Note"),
            Self::Running | Self::Failed => ("错误报告", "Error report"),
        }
    }
}

/// E-55 (the kinds a file can carry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncKind {
    Members,
    PublishedInfo,
    PushLogs,
}

impl SyncKind {
    pub const ALL: [SyncKind; 3] = [Self::Members, Self::PublishedInfo, Self::PushLogs];

    pub fn parse(s: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| AppError::field("kind", "未知的同步类型", "Unknown sync kind"))
    }

    /// (中文, English) name.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Self::Members => ("会员资料", "Members"),
            Self::PublishedInfo => ("会员发布信息", "Published info"),
            Self::PushLogs => ("推送邮件日志", "Push e-mail log"),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Members => "members",
            Self::PublishedInfo => "published_info",
            Self::PushLogs => "push_logs",
        }
    }

    /// The documented file layout: (field, 中文 header, required). Headers may be given in
    /// Chinese or as the field name.
    pub fn layout(self) -> &'static [(&'static str, &'static str, bool)] {
        match self {
            Self::Members => &[
                ("cm_member_id", "会员ID", true),
                ("company_name", "企业名称", true),
                ("login_name", "登录名", true),
                ("registered_email", "注册邮箱", false),
                ("contact_name", "联系人", false),
                ("phone_fixed", "固定电话", false),
                ("phone_mobile", "手机", false),
                ("region_code", "区域代码", false),
                ("address", "地址", false),
                ("industry_code", "行业代码", false),
                ("org_code", "组织机构代码", false),
                ("enterprise_status", "企业状态", true),
                ("enterprise_category", "企业类别", false),
                ("member_level", "会员级别", true),
                ("business_category", "经营类别", false),
                ("registered_at", "平台注册时间", false),
                ("service_start", "服务开始时间", false),
                ("service_end", "服务到期时间", false),
                ("push_enabled", "是否设置推送", false),
                ("registration_source", "注册来源", false),
                ("has_avatar", "是否有头像", false),
                ("member_points", "会员积分", false),
            ],
            Self::PublishedInfo => &[
                ("cm_info_id", "信息ID", true),
                ("cm_member_id", "会员ID", true),
                ("info_type", "信息类型", true),
                ("title", "信息名称", true),
                ("status", "信息状态", true),
                ("industry_code", "行业代码", false),
                ("published_at", "发布时间", true),
                ("expires_at", "失效时间", false),
                ("url", "链接", false),
            ],
            Self::PushLogs => &[
                ("cm_log_id", "日志ID", true),
                ("cm_member_id", "会员ID", true),
                ("recipient_email", "收件邮箱", true),
                ("sent_at", "邮件发送时间", true),
                ("info_title", "信息名称", false),
                ("info_type", "信息类型", false),
                ("info_status", "信息状态", false),
                ("industry_code", "行业代码", false),
                ("info_published_at", "发布时间", false),
                ("push_status", "推送状态", false),
            ],
        }
    }
}
