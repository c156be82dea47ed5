//! 会员邮件服务 (SPEC SM-4, PG-26/27/92/93): staff choose members with the member filters,
//! compose from a template with placeholders, and send; the batch's recipients are a durable
//! queue in the database that a background sender works through over SMTP (retries with
//! back-off, a per-minute rate, a Message-ID per recipient). Each recipient's outcome writes a
//! 服务记录 (服务类型 邮件), and for 信息推送 an info_push_log row that counts toward the
//! member's push target.
pub mod api;
pub mod batches_page;
pub mod compose_page;
pub mod rich_text;
pub mod settings_page;
pub mod templates_page;

#[cfg(feature = "ssr")]
pub mod attachments;
#[cfg(feature = "ssr")]
pub mod batches;
#[cfg(feature = "ssr")]
pub mod compose;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod sender;
#[cfg(feature = "ssr")]
pub mod settings;
#[cfg(feature = "ssr")]
pub mod templates;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldErrors};
use crate::members::MemberFilter;
use crate::ui::list::url_filter;

code_enum! {
    /// 邮件类型 (E-37).
    pub enum EmailKind {
        ServiceActivation = ("service_activation", "服务开通", "Service activation"),
        InfoPush = ("info_push", "信息推送", "Information push"),
        CantonFair = ("canton_fair", "广交会采购信息", "Canton Fair purchasing info"),
        Other = ("other", "其他", "Other"),
    }
}

code_enum! {
    /// 邮件发送状态 (E-38), per recipient.
    pub enum SendStatus {
        Pending = ("pending", "待发送", "Pending"),
        Sent = ("sent", "已发送", "Sent"),
        Failed = ("failed", "发送失败", "Failed"),
    }
}

code_enum! {
    /// 邮件批次状态 (E-62).
    pub enum BatchStatus {
        Draft = ("draft", "草稿", "Draft"),
        Sending = ("sending", "发送中", "Sending"),
        Sent = ("sent", "已发送", "Sent"),
        PartiallyFailed = ("partially_failed", "部分失败", "Partly failed"),
    }
}

code_enum! {
    /// How the connection to the SMTP server is secured.
    pub enum TlsMode {
        Tls = ("tls", "SSL/TLS(465)", "SSL/TLS (465)"),
        StartTls = ("starttls", "STARTTLS(587)", "STARTTLS (587)"),
        None = ("none", "不加密(仅限内网)", "None (internal networks only)"),
    }
}

/// The placeholders of templates and bodies (SPEC B5).
pub const PLACEHOLDERS: &[&str] =
    &["{企业名称}", "{登录名}", "{会员级别}", "{服务开始时间}", "{服务到期时间}", "{组织机构}", "{客服姓名}"];

/// At most this many attachments, of at most this many bytes together.
pub const MAX_ATTACHMENTS: usize = 5;
pub const MAX_ATTACHMENT_BYTES: u64 = 10 << 20;
/// A batch holds at most this many recipients unless the setting says otherwise; only 主管 and
/// 经理 send more.
pub const DEFAULT_BATCH_MAX: u64 = 5_000;
/// How many e-mails leave per minute unless the setting says otherwise.
pub const DEFAULT_RATE_PER_MINUTE: u32 = 60;
/// A recipient is tried this many times before it counts as failed.
pub const MAX_ATTEMPTS: i32 = 3;

/// The values of a member the placeholders stand for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemberValues {
    pub company: String,
    pub login: String,
    pub level: String,
    pub service_start: String,
    pub service_end: String,
    pub org: String,
    pub agent: String,
}

impl MemberValues {
    fn get(&self, placeholder: &str) -> &str {
        match placeholder {
            "{企业名称}" => &self.company,
            "{登录名}" => &self.login,
            "{会员级别}" => &self.level,
            "{服务开始时间}" => &self.service_start,
            "{服务到期时间}" => &self.service_end,
            "{组织机构}" => &self.org,
            _ => &self.agent,
        }
    }
}

/// The `{…}` in `text` that are not placeholders.
pub fn unknown_placeholders(text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start..];
        match after.find('}') {
            Some(end) => {
                let p = &after[..=end];
                // Only a short word in braces is meant as a placeholder (CSS in a body is not).
                if p.chars().count() <= 12 && !p[1..].contains('{') && !PLACEHOLDERS.contains(&p) {
                    out.push(p.to_string());
                }
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `text` with each placeholder replaced by the member's value (`escape`: HTML-escaped, for
/// bodies). A value the member lacks is left empty.
pub fn fill(text: &str, v: &MemberValues, escape: bool) -> String {
    let mut out = text.to_string();
    for p in PLACEHOLDERS {
        if out.contains(p) {
            let value = v.get(p);
            out = out.replace(p, &if escape { html_escape(value) } else { value.to_string() });
        }
    }
    out
}

pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// 主题: required, ≤ 200 characters, one line (a line break would start a new mail header).
pub fn check_subject(e: &mut FieldErrors, subject: &str) {
    let n = subject.trim().chars().count();
    if n == 0 {
        e.add("subject", "请填写主题", "Enter a subject");
    } else if subject.contains(['\r', '\n']) {
        e.add("subject", "主题不能换行", "The subject must be one line");
    } else if n > 200 {
        e.add("subject", &format!("最多 200 个字(现 {n} 个)"), &format!("At most 200 characters (now {n})"));
    }
}

/// 正文: required, at most 200,000 characters, only known placeholders.
pub fn check_body(e: &mut FieldErrors, subject: &str, body: &str) {
    if body.trim().is_empty() {
        e.add("body_html", "请填写正文", "Enter the message");
    } else if body.chars().count() > 200_000 {
        e.add("body_html", "正文过长(最多 20 万字)", "The message is too long (200,000 characters at most)");
    }
    let unknown = unknown_placeholders(&format!("{subject}{body}"));
    if !unknown.is_empty() {
        let list = unknown.join("、");
        e.add(
            "body_html",
            &format!("未知的占位符:{list};可用:{}", PLACEHOLDERS.join("")),
            &format!("Unknown placeholders: {list}"),
        );
    }
}

/// The members a batch goes to: the member filters of PG-26, rows unticked, and for 信息推送
/// whether members who turned pushes off are included.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recipients {
    pub filter: MemberFilter,
    #[serde(default)]
    pub include_unpushed: bool,
    /// Members unticked in the list.
    #[serde(default)]
    pub excluded: Vec<i64>,
    /// 仅发送给勾选的会员: only these (each must be among the members the filters reach, or
    /// the send is refused); `None`: every member the filters reach.
    #[serde(default)]
    pub only: Option<Vec<i64>>,
}

/// At most this many members can be ticked one by one.
pub const MAX_TICKED: usize = 5_000;

/// A row of PG-26's member list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecipientRow {
    pub customer_id: i64,
    pub company_name: String,
    pub login_name: String,
    pub email: Option<String>,
    pub member_level: String,
    pub org_name: String,
    pub service_end: Option<NaiveDate>,
    pub push_enabled: bool,
    /// 本服务年度已推送.
    pub pushed: u64,
}

/// PG-26's list with what a send would reach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecipientPage {
    pub page: crate::ui::Page<RecipientRow>,
    /// Members matching the filters.
    pub matching: u64,
    /// … without 注册邮箱 (not sent to).
    pub without_email: u64,
    /// … with pushes turned off (not sent an 信息推送 unless included).
    pub unpushed: u64,
    /// What 发送 would send to now (unticked rows left out).
    pub selected: u64,
    /// The most one batch may hold for this user.
    pub batch_max: u64,
}

/// The compose form (PG-26 step 2) with its recipients.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ComposeInput {
    /// The draft this continues.
    pub draft_id: Option<i64>,
    pub kind: String,
    pub template_id: Option<i64>,
    pub subject: String,
    pub body_html: String,
    pub recipients: Recipients,
    pub attachment_ids: Vec<i64>,
}

impl ComposeInput {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        if EmailKind::parse(&self.kind).is_none() {
            e.add("kind", "请选择邮件类型", "Choose the kind of e-mail");
        }
        check_subject(&mut e, &self.subject);
        check_body(&mut e, &self.subject, &self.body_html);
        if self.attachment_ids.len() > MAX_ATTACHMENTS {
            e.add("attachments", "最多 5 个附件", "At most 5 attachments");
        }
        e.into_result()
    }
}

/// 预览: the message as the first recipient gets it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub to: String,
    pub company: String,
    pub subject: String,
    /// Sanitised HTML.
    pub body_html: String,
}

/// An uploaded attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: i64,
    pub file_name: String,
    pub size_bytes: u64,
}

/// A draft to continue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub input: ComposeInput,
    pub attachments: Vec<AttachmentView>,
}

/// What 发送 and 存为草稿 answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchSaved {
    pub id: i64,
    pub batch_no: String,
    pub status: BatchStatus,
    pub recipient_count: u64,
}

/// A template as PG-92 and the compose form use it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TemplateInput {
    pub id: Option<i64>,
    pub name: String,
    pub kind: String,
    pub subject: String,
    pub body_html: String,
    pub is_active: bool,
    pub version: i32,
}

impl TemplateInput {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        let n = self.name.trim().chars().count();
        if n == 0 {
            e.add("name", "请填写模板名称", "Enter a name");
        } else if n > 100 {
            e.add("name", &format!("最多 100 个字(现 {n} 个)"), &format!("At most 100 characters (now {n})"));
        }
        if EmailKind::parse(&self.kind).is_none() {
            e.add("kind", "请选择邮件类型", "Choose the kind of e-mail");
        }
        check_subject(&mut e, &self.subject);
        check_body(&mut e, &self.subject, &self.body_html);
        e.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateView {
    pub id: i64,
    pub name: String,
    pub kind: EmailKind,
    pub subject: String,
    pub body_html: String,
    pub is_active: bool,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl TemplateView {
    pub fn input(&self) -> TemplateInput {
        TemplateInput {
            id: Some(self.id),
            name: self.name.clone(),
            kind: self.kind.code().into(),
            subject: self.subject.clone(),
            body_html: self.body_html.clone(),
            is_active: self.is_active,
            version: self.version,
        }
    }
}

/// The SMTP server and sending limits (PG-93 `smtp.*`, `email.*`). The password is never sent
/// to the page: `password_set` says whether one is stored; an empty `password` keeps it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MailSettings {
    pub host: String,
    pub port: String,
    pub tls: String,
    pub user: String,
    pub password: String,
    #[serde(default)]
    pub password_set: bool,
    #[serde(default)]
    pub clear_password: bool,
    pub from_address: String,
    pub from_name: String,
    pub batch_max: String,
    pub rate_per_minute: String,
}

impl MailSettings {
    /// Field checks; answers (port, batch_max, rate_per_minute).
    pub fn validate(&self) -> Result<(u16, u64, u32), AppError> {
        let mut e = FieldErrors::default();
        let host = self.host.trim();
        if !host.is_empty() && (host.len() > 253 || host.contains(|c: char| c.is_whitespace() || c == '/')) {
            e.add("host", "服务器地址不正确", "Invalid host name");
        }
        let port = self.port.trim().parse::<u16>().ok().filter(|p| *p > 0);
        if port.is_none() {
            e.add("port", "请填写 1–65535 之间的端口", "Enter a port from 1 to 65535");
        }
        if TlsMode::parse(&self.tls).is_none() {
            e.add("tls", "请选择加密方式", "Choose how the connection is secured");
        }
        let from = self.from_address.trim();
        if !host.is_empty() && !crate::archive::valid_email(from) {
            e.add("from_address", "请填写正确的发件人邮箱", "Enter a valid sender address");
        }
        if self.from_name.chars().count() > 50 || self.from_name.contains(['\r', '\n']) {
            e.add("from_name", "发件人名称最多 50 个字,且不能换行", "At most 50 characters on one line");
        }
        if self.user.chars().count() > 100 {
            e.add("user", "最多 100 个字", "At most 100 characters");
        }
        let batch_max = self.batch_max.trim().parse::<u64>().ok().filter(|n| (1..=100_000).contains(n));
        if batch_max.is_none() {
            e.add("batch_max", "请填写 1–100000 之间的数", "Enter a number from 1 to 100,000");
        }
        let rate = self.rate_per_minute.trim().parse::<u32>().ok().filter(|n| (1..=100_000).contains(n));
        if rate.is_none() {
            e.add("rate_per_minute", "请填写 1–100000 之间的数", "Enter a number from 1 to 100,000");
        }
        e.into_result().map(|()| (port.unwrap_or(25), batch_max.unwrap_or(1), rate.unwrap_or(1)))
    }
}

url_filter! {
    /// PG-27's filters (kept in the URL).
    BatchFilter;
    text { from = "from", to = "to", kind = "kind", status = "status", sender = "sender" }
    id { org = "org" }
}

impl BatchFilter {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        if !self.kind.is_empty() && EmailKind::parse(&self.kind).is_none() {
            e.add("kind", "请选择列表中的值", "Choose a value from the list");
        }
        if !self.status.is_empty() && BatchStatus::parse(&self.status).is_none() {
            e.add("status", "请选择列表中的值", "Choose a value from the list");
        }
        crate::ui::filters::check_date_range(&mut e, "from", &self.from, &self.to);
        e.into_result()
    }
}

/// A row of PG-27.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchRow {
    pub id: i64,
    pub batch_no: String,
    pub kind: EmailKind,
    pub subject: String,
    pub sender: String,
    pub org_name: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub recipient_count: i32,
    pub sent_count: i32,
    pub failed_count: i32,
    pub status: BatchStatus,
}

/// A recipient in a batch's detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecipientStatus {
    pub id: i64,
    pub customer_id: i64,
    pub company_name: String,
    pub email: String,
    pub status: SendStatus,
    pub attempts: i32,
    pub sent_at: Option<DateTime<Utc>>,
    pub error_message: Option<String>,
}

/// A batch's detail (PG-27).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchDetail {
    pub batch: BatchRow,
    pub body_html: String,
    pub attachments: Vec<AttachmentView>,
    pub recipients: crate::ui::Page<RecipientStatus>,
    /// Whether the user may 重发失败邮件.
    pub may_resend: bool,
    /// No SMTP server is configured: the batch waits (未配置发信服务器).
    pub smtp_missing: bool,
}
