//! 档案管理 (SPEC §5.10, SM-6): customers entered by staff (PG-70), Excel import of customers,
//! buyer-meeting attendees and contacts (PG-71), and the review of every entry by an approver
//! the entrant chooses (PG-73). Duplicates — against each other and against CM members — are
//! shown before anything is saved.
pub mod api;
pub mod archive_page;
pub mod entry_page;
pub mod import_kind;
pub mod import_page;
pub mod review_page;
pub mod workflow;

#[cfg(feature = "ssr")]
pub mod dedup;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod entry;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod import_check;
#[cfg(feature = "ssr")]
pub mod import_run;
#[cfg(feature = "ssr")]
pub mod import_view;
#[cfg(feature = "ssr")]
pub mod list;
#[cfg(feature = "ssr")]
pub mod review;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldErrors};
use crate::members::enums::InfoSource;
use crate::ui::list::url_filter;
pub use import_kind::{ImportKind, ImportStatus, RowStatus};
pub use workflow::{ReviewAction, ReviewStatus, ReviewTarget};

/// The 录入客户信息 form. Members come from CM only: what is entered here is a non-member.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerInput {
    pub company_name: String,
    pub contact_name: String,
    pub phone_mobile: String,
    pub phone_fixed: String,
    pub registered_email: String,
    pub login_name: String,
    pub region: [Option<i64>; 3],
    pub address: String,
    pub industry: [Option<i64>; 3],
    pub enterprise_category: String,
    pub organization_id: Option<i64>,
    /// `admin_entered` or `buyer_meeting` (E-12).
    pub info_source: String,
    pub remarks: String,
    pub approver_id: Option<i64>,
    /// Why the entrant submits despite suspected duplicates (required then).
    pub duplicate_reason: String,
}

pub fn valid_mobile(s: &str) -> bool {
    let d: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let d = d.strip_prefix("+86").unwrap_or(&d);
    d.len() == 11 && d.starts_with('1') && d.chars().all(|c| c.is_ascii_digit())
}

pub fn valid_fixed_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (7..=20).contains(&digits) && s.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '(' | ')' | '+'))
}

pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && s.len() <= 100
        && !s.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
}

pub fn valid_login(s: &str) -> bool {
    (3..=50).contains(&s.chars().count()) && s.chars().all(|c| c.is_ascii_alphanumeric() || "_.-@".contains(c))
}

impl CustomerInput {
    /// The 信息来源 chosen, when it is one staff may choose.
    pub fn source(&self) -> Option<InfoSource> {
        InfoSource::parse(&self.info_source).filter(|s| s.enterable())
    }

    /// Field checks shared by the browser and the server. `submit`: the entry goes to review
    /// (an approver is needed unless the entrant is exempt).
    pub fn validate(&self, submit: bool, exempt: bool) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        let company = self.company_name.trim();
        let contact = self.contact_name.trim();
        if company.is_empty() && contact.is_empty() {
            e.add("company_name", "企业名称和客户姓名至少填写一项", "Enter a company name or a customer name");
        }
        if company.chars().count() > 200 {
            e.add("company_name", "企业名称最多 200 个字", "At most 200 characters");
        }
        if contact.chars().count() > 50 {
            e.add("contact_name", "客户姓名最多 50 个字", "At most 50 characters");
        }
        let mobile = self.phone_mobile.trim();
        if !mobile.is_empty() && !valid_mobile(mobile) {
            e.add("phone_mobile", "手机号应为 11 位数字,以 1 开头", "A mobile number has 11 digits starting with 1");
        }
        let fixed = self.phone_fixed.trim();
        if !fixed.is_empty() && !valid_fixed_phone(fixed) {
            e.add("phone_fixed", "固定电话格式不正确,如 020-12345678", "Invalid phone number, e.g. 020-12345678");
        }
        let email = self.registered_email.trim();
        if !email.is_empty() && !valid_email(email) {
            e.add("registered_email", "邮箱格式不正确", "Invalid e-mail address");
        }
        let login = self.login_name.trim();
        if !login.is_empty() && !valid_login(login) {
            e.add("login_name", "登录名为 3–50 位字母、数字或 _ . - @", "3–50 letters, digits or _ . - @");
        }
        if self.address.trim().chars().count() > 255 {
            e.add("address", "地址最多 255 个字", "At most 255 characters");
        }
        if self.remarks.trim().chars().count() > 500 {
            e.add("remarks", "备注最多 500 个字", "At most 500 characters");
        }
        if !self.enterprise_category.is_empty()
            && !crate::members::enums::valid(crate::members::enums::CATEGORIES, &self.enterprise_category)
        {
            e.add("enterprise_category", "请选择企业类别", "Choose a category");
        }
        if self.source().is_none() {
            e.add("info_source", "请选择信息来源", "Choose the source");
        }
        if self.organization_id.is_none() {
            e.add("organization_id", "请选择组织机构", "Choose the organisation");
        }
        if self.duplicate_reason.chars().count() > 255 {
            e.add("duplicate_reason", "说明最多 255 个字", "At most 255 characters");
        }
        if submit && !exempt && self.approver_id.is_none() {
            e.add("approver_id", "请选择审批人", "Choose an approver");
        }
        e.into_result()
    }
}

/// An existing customer that looks like the one being entered, and by which rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DupMatch {
    /// The record's id when the entrant may open it, else 0.
    pub id: i64,
    /// The record's id, for the server only (the suspected-duplicate log); never sent.
    #[serde(skip)]
    pub record_id: i64,
    pub customer_no: String,
    pub company_name: String,
    pub contact_name: String,
    pub is_member: bool,
    /// Codes of K3 match rules (`login_name`, `registered_email`, `phone_mobile`, …).
    pub rules: Vec<String>,
    /// A hard key (login name): saving is refused.
    pub hard: bool,
    /// Whether the entrant may open the existing record. When not, the number, company and
    /// contact are left empty: the entrant learns only that a record exists and whom to ask.
    pub visible: bool,
    /// The organisation holding the record (who to ask when it is outside the entrant's scope).
    pub owner_org: String,
}

impl DupMatch {
    /// "会员 C0001 上海云帆科技", or for a record outside the entrant's scope only whom to ask:
    /// "会员(不在您的数据范围内,请联系 上海代表处)".
    pub fn describe_zh(&self) -> String {
        let member = if self.is_member { "会员" } else { "客户" };
        if !self.visible {
            return format!("{member}(不在您的数据范围内,请联系 {})", self.owner_org);
        }
        let who = if self.company_name.is_empty() { &self.contact_name } else { &self.company_name };
        format!("{member} {} {who}", self.customer_no)
    }
}

pub fn rule_label(rule: &str) -> (&'static str, &'static str) {
    match rule {
        "login_name" => ("登录名相同", "Same login name"),
        "registered_email" => ("注册邮箱相同", "Same e-mail"),
        "phone_mobile" => ("手机相同", "Same mobile"),
        "phone_fixed" => ("固定电话相同", "Same phone"),
        "company_name" => ("企业名称相同或相近", "Same or similar company name"),
        _ => ("疑似重复", "Suspected duplicate"),
    }
}

/// What saving an entry did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EntryOutcome {
    /// Saved with this status (E-42); `approver` names who reviews it.
    Saved { id: i64, status: ReviewStatus, approver: Option<String> },
    /// Not saved: these records look like the entry. With a hard match it cannot be saved;
    /// otherwise the entrant may submit anyway, giving a reason.
    Duplicates(Vec<DupMatch>),
}

/// An account that may approve entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approver {
    pub id: i64,
    pub name: String,
    pub org: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryOptions {
    pub approvers: Vec<Approver>,
    pub exempt: bool,
    pub orgs: Vec<(i64, String)>,
    pub default_org: i64,
}

/// A customer as the form edits it again (a draft, a rejected entry or an approved one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryRecord {
    pub id: i64,
    pub version: i32,
    pub review_status: ReviewStatus,
    pub review_comment: Option<String>,
    pub input: CustomerInput,
}

url_filter! {
    /// PG-70 filters (`mine` = only what I entered).
    ArchiveFilter;
    text {
        company = "company", contact = "contact", phone = "phone", info_source = "source",
        entry_method = "method", review_status = "review", mine = "mine", entered_from = "from",
        entered_to = "to",
    }
    id { org = "org" }
}

impl ArchiveFilter {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        crate::ui::filters::check_date_range(&mut e, "entered", &self.entered_from, &self.entered_to);
        for (field, list, v) in [
            ("info_source", crate::members::enums::INFO_SOURCES, &self.info_source),
            ("entry_method", crate::members::enums::ENTRY_METHODS, &self.entry_method),
            ("review_status", ReviewStatus::CHOICES, &self.review_status),
        ] {
            if !v.is_empty() && !crate::members::enums::valid(list, v) {
                e.add(field, "请选择列表中的值", "Choose a value from the list");
            }
        }
        e.into_result()
    }
}

/// A row of 客户档案信息管理.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchiveRow {
    pub id: i64,
    pub customer_no: String,
    pub company_name: String,
    pub customer_type: String,
    pub contact_name: String,
    pub phone: String,
    pub region: String,
    pub organization: String,
    pub info_source: String,
    pub entry_method: String,
    pub review_status: String,
    pub entered_by: String,
    pub entered_by_me: bool,
    pub entered_at: DateTime<Utc>,
}

/// A row of the review centre (PG-73).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewRow {
    pub id: i64,
    /// `None`: a stored code this build does not know (the same for `status`).
    pub target_type: Option<ReviewTarget>,
    pub target_id: i64,
    pub summary: String,
    pub submitted_by: String,
    pub submitted_by_me: bool,
    pub submitted_at: DateTime<Utc>,
    pub approver: Option<String>,
    pub approver_is_me: bool,
    pub status: Option<ReviewStatus>,
    pub decided_at: Option<DateTime<Utc>>,
    pub comment: Option<String>,
    pub duplicate_reason: Option<String>,
    pub revision: i32,
}

url_filter! {
    /// PG-73 filters; `tab` is `todo` (待我审核), `mine` (我提交的) or `done` (我已审核).
    ReviewFilter;
    text { tab = "tab", target_type = "type", status = "status", from = "from", to = "to" }
    id {}
}

/// An import job as the import page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportJobView {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub uploaded_by: String,
    pub uploaded_by_me: bool,
    pub uploaded_at: DateTime<Utc>,
    pub status: String,
    pub total_rows: i32,
    pub valid_rows: i32,
    pub error_rows: i32,
    pub duplicate_rows: i32,
    pub imported_rows: i32,
    pub review_id: Option<i64>,
    pub review_status: Option<String>,
    pub approver: Option<String>,
    pub comment: Option<String>,
    pub undone_at: Option<DateTime<Utc>>,
    pub message: Option<String>,
    /// The viewer may commit (entrant, job awaiting confirmation).
    pub can_commit: bool,
    /// The viewer may undo (entrant or manager, imported, no dependent data).
    pub can_undo: bool,
    /// The viewer is the approver of a pending review of this job.
    pub can_review: bool,
}

/// One staged row of an import, with its problems.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRowView {
    pub line: i32,
    pub status: String,
    /// The row's values in the layout's column order.
    pub cells: Vec<String>,
    pub errors: Vec<(String, String)>,
    pub duplicates: Vec<String>,
    pub record_id: Option<i64>,
    pub record_status: Option<String>,
}

/// Badge (中文, English, class) of a stored review state (E-42); "—" for anything else.
pub fn review_badge(status: &str) -> (&'static str, &'static str, &'static str) {
    ReviewStatus::parse(status).map(|s| (s.zh(), s.en(), s.badge())).unwrap_or(("—", "—", "badge badge-gray"))
}
