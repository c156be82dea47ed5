//! System administration (SPEC §5.4, §5.11): accounts, roles and the permission tree,
//! the organisation structure, and the operation log.
pub mod account_form;
pub mod accounts;
pub mod api;
pub mod logs;
pub mod orgs;
pub mod roles;

#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::auth::{AccountStatus, DepartmentKind, OrgType, PermissionMode};
use crate::auth::{DataScope, RoleCategory};
use crate::error::{AppError, FieldErrors};
use crate::ui::list::url_filter;

/// 操作类型 (E-59): code, 中文, English.
pub const ACTIONS: [(&str, &str, &str); 22] = [
    ("login", "登录", "Log in"),
    ("logout", "退出", "Log out"),
    ("create", "新增", "Create"),
    ("update", "修改", "Update"),
    ("delete", "删除", "Delete"),
    ("void", "作废", "Void"),
    ("route", "流转", "Route"),
    ("accept", "接收", "Accept"),
    ("feedback", "反馈", "Feedback"),
    ("return", "退回", "Return"),
    ("complete", "处理完成", "Complete"),
    ("qa", "质检", "QA"),
    ("approve", "审核通过", "Approve"),
    ("reject", "审核驳回", "Reject"),
    ("export", "导出", "Export"),
    ("import", "导入", "Import"),
    ("send_email", "发送邮件", "Send e-mail"),
    ("mark_done", "服务完成", "Mark done"),
    ("undo_done", "撤销完成", "Undo done"),
    ("grant", "权限设置", "Grant"),
    ("password", "修改密码", "Password"),
    ("config", "配置变更", "Configuration"),
];

pub fn action_label(code: &str) -> (&'static str, &'static str) {
    ACTIONS.iter().find(|a| a.0 == code).map(|a| (a.1, a.2)).unwrap_or(("其他", "Other"))
}

/// The label of an organisation's type, the 客服部 named as such.
pub fn org_type_label(org_type: Option<OrgType>, dept_kind: Option<DepartmentKind>) -> (&'static str, &'static str) {
    match (org_type, dept_kind) {
        (_, Some(DepartmentKind::CsDept)) => ("客服部", "CS dept"),
        (Some(t), _) => (t.zh(), t.en()),
        (None, _) => (OrgType::Department.zh(), OrgType::Department.en()),
    }
}

// ---------------------------------------------------------------- accounts

url_filter! {
    /// 管理员管理 (PG-31): login ID or name, organisation, role and status.
    AccountFilter;
    text { admin_id = "q", status = "status" }
    id { org_id = "org", role_id = "role" }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: i64,
    pub admin_id: String,
    pub name: String,
    pub email: String,
    pub role_category: RoleCategory,
    pub role_name_zh: String,
    pub role_name_en: String,
    pub org_name: String,
    pub status: String,
    pub opened_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub locked: bool,
}

/// 添加管理员 / 修改管理员 (PG-30).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountInput {
    pub admin_id: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub status: String,
    pub role_category: RoleCategory,
    pub role_id: Option<i64>,
    pub organization_id: Option<i64>,
    /// Blank on edit = unchanged; filled = reset (forces a change at next login).
    pub password: String,
    pub password_confirm: String,
    pub review_exempt: bool,
    pub can_review: bool,
    pub must_change_password: bool,
}

impl Default for AccountInput {
    fn default() -> Self {
        Self {
            admin_id: String::new(),
            name: String::new(),
            email: String::new(),
            phone: String::new(),
            status: AccountStatus::Active.code().into(),
            role_category: RoleCategory::CompanyCsAdmin,
            role_id: None,
            organization_id: None,
            password: String::new(),
            password_confirm: String::new(),
            review_exempt: false,
            can_review: false,
            must_change_password: true,
        }
    }
}

pub fn valid_admin_id(s: &str) -> bool {
    (3..=32).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c == ',')
        && s.len() <= 100
}

impl AccountInput {
    /// Field checks shared by the form and the server; `creating` requires a password.
    pub fn validate(&self, creating: bool) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        let admin_id = self.admin_id.trim();
        if creating {
            if admin_id.is_empty() {
                e.add("admin_id", "请输入管理员ID", "Enter a login ID");
            } else if !valid_admin_id(admin_id) {
                e.add("admin_id", "管理员ID须为 3–32 位字母、数字或 _ . -", "3–32 letters, digits or _ . -");
            }
        }
        let name = self.name.trim();
        if name.is_empty() {
            e.add("name", "请输入管理员姓名", "Enter the holder's name");
        } else if name.chars().count() > 50 {
            e.add("name", "姓名不能超过 50 个字", "At most 50 characters");
        }
        let email = self.email.trim();
        if email.is_empty() {
            e.add("email", "请输入 E-mail", "Enter an e-mail address");
        } else if !valid_email(email) {
            e.add("email", "E-mail 格式不正确,例如 name@example.com", "Not a valid e-mail, e.g. name@example.com");
        }
        if self.phone.trim().chars().count() > 30 {
            e.add("phone", "联系电话不能超过 30 位", "At most 30 characters");
        }
        if AccountStatus::parse(&self.status).is_none() {
            e.add("status", "请选择当前状态", "Choose a status");
        }
        if self.role_id.is_none() {
            e.add("role_id", "请选择角色类别", "Choose a role");
        }
        if self.organization_id.is_none() {
            e.add("organization_id", "请选择组织机构", "Choose an organisation");
        }
        if creating || !self.password.is_empty() {
            crate::auth::check_new_password(&mut e, "password", &self.password);
            if self.password_confirm != self.password {
                e.add("password_confirm", "两次输入的密码不一致", "The passwords do not match");
            }
        }
        e.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountDetail {
    pub id: i64,
    pub version: i32,
    pub input: AccountInput,
    pub opened_at: DateTime<Utc>,
    pub opened_by: Option<String>,
    pub permission_mode: String,
    pub org_name: String,
    pub role_name_zh: String,
    pub role_name_en: String,
}

/// The review flags a new account starts with (SPEC A3, OP-26): 经理 and 主管 may approve
/// entries (有审核资格), the 买家部 publishes its own entries directly (免审核). By role and
/// department; an administrator may change both afterwards.
pub fn review_defaults(role_code: &str, department_kind: Option<DepartmentKind>) -> (bool, bool) {
    let can_review = crate::auth::RoleCode::is_reviewer(crate::auth::RoleCode::parse(role_code));
    let review_exempt = department_kind == Some(DepartmentKind::BuyerDept);
    (can_review, review_exempt)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleOption {
    pub id: i64,
    /// The role's code (`cs_manager`, …).
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub category: RoleCategory,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgOption {
    pub id: i64,
    pub name: String,
    /// `None` (also for `department_kind`): a stored code this build does not know.
    pub org_type: Option<OrgType>,
    pub department_kind: Option<DepartmentKind>,
    pub is_active: bool,
}

impl OrgOption {
    /// Role category ↔ organisation consistency (SPEC §1.5).
    pub fn fits(&self, category: RoleCategory) -> bool {
        let cs = self.department_kind == Some(DepartmentKind::CsDept);
        match category {
            RoleCategory::CompanyCsAdmin => cs,
            RoleCategory::RepOfficeCsAdmin => self.org_type == Some(OrgType::RepOffice),
            RoleCategory::BusinessDeptAdmin => self.org_type == Some(OrgType::Department) && !cs,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountFormOptions {
    pub roles: Vec<RoleOption>,
    pub orgs: Vec<OrgOption>,
}

// ---------------------------------------------------------------- roles & permissions

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermNode {
    pub code: String,
    pub parent_code: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    pub node_type: crate::auth::NodeType,
    pub company_cs_only: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub role_category: RoleCategory,
    pub data_scope: DataScope,
    pub is_builtin: bool,
    pub description: String,
    pub permissions: Vec<String>,
    pub account_count: u64,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleInput {
    /// `None` creates a custom role.
    pub id: Option<i64>,
    pub version: i32,
    pub name: String,
    pub role_category: RoleCategory,
    pub data_scope: DataScope,
    pub description: String,
    pub permissions: Vec<String>,
}

impl RoleInput {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        let n = self.name.trim().chars().count();
        if n == 0 {
            e.add("name", "请输入角色名称", "Enter a role name");
        } else if n > 50 {
            e.add("name", "角色名称不能超过 50 个字", "At most 50 characters");
        }
        if self.description.chars().count() > 255 {
            e.add("description", "说明不能超过 255 个字", "At most 255 characters");
        }
        e.into_result()
    }
}

/// 角色权限管理 (PG-33) for one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountPermissions {
    pub account_id: i64,
    pub admin_id: String,
    pub name: String,
    pub org_name: String,
    pub department_kind: Option<DepartmentKind>,
    pub role_id: i64,
    pub role_category: RoleCategory,
    pub custom: bool,
    pub permissions: Vec<String>,
    pub version: i32,
}

// ---------------------------------------------------------------- organisations

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionRef {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub full_name: String,
    pub level: i16,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgRow {
    pub id: i64,
    pub version: i32,
    pub code: String,
    pub name: String,
    pub org_type: Option<OrgType>,
    pub department_kind: Option<DepartmentKind>,
    pub parent_id: Option<i64>,
    pub seat: Option<RegionRef>,
    pub address: String,
    pub phone: String,
    pub contact_person: String,
    pub email: String,
    pub is_active: bool,
    pub regions: Vec<RegionRef>,
    pub account_count: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgInput {
    pub id: Option<i64>,
    pub version: i32,
    pub code: String,
    pub name: String,
    /// A 代表处 or a department (总部 exists once, from the seed).
    pub org_type: OrgType,
    pub department_kind: Option<DepartmentKind>,
    pub region_id: Option<i64>,
    pub address: String,
    pub phone: String,
    pub contact_person: String,
    pub email: String,
    pub region_ids: Vec<i64>,
}

impl OrgInput {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        let code = self.code.trim();
        if code.is_empty() {
            e.add("code", "请输入机构编码", "Enter a code");
        } else if code.len() > 32 || !code.chars().all(|c| c.is_ascii_alphanumeric() || "_-".contains(c)) {
            e.add("code", "编码须为 1–32 位字母、数字、_ 或 -", "1–32 letters, digits, _ or -");
        }
        let n = self.name.trim().chars().count();
        if n == 0 {
            e.add("name", "请输入机构名称", "Enter a name");
        } else if n > 100 {
            e.add("name", "名称不能超过 100 个字", "At most 100 characters");
        }
        match self.org_type {
            OrgType::RepOffice => {}
            OrgType::Department => {
                if self.department_kind.is_none() {
                    e.add("department_kind", "请选择部门类别", "Choose a department kind");
                }
            }
            OrgType::Hq => e.add("org_type", "请选择机构类型", "Choose a type"),
        }
        if !self.email.trim().is_empty() && !valid_email(self.email.trim()) {
            e.add("email", "E-mail 格式不正确", "Not a valid e-mail");
        }
        for (f, v, max) in
            [("address", &self.address, 255), ("phone", &self.phone, 50), ("contact_person", &self.contact_person, 50)]
        {
            if v.trim().chars().count() > max {
                e.add(f, "内容过长", "Too long");
            }
        }
        e.into_result()
    }
}

// ---------------------------------------------------------------- logs

url_filter! {
    /// The filters of 系统日志 / 管理员操作记录: `tab` is `logins` for the sign-in log; the
    /// dates are `YYYY-MM-DD`, inclusive, Asia/Shanghai; `account` is the account of
    /// 管理员操作记录 (from the path, never from the URL query).
    LogFilter;
    text { admin_id = "q", action = "action", module = "module", from = "from", to = "to", tab = "tab" }
    id { account_id = "account" }
}

impl LogFilter {
    /// The `tab` of the sign-in log (the operation log's is empty).
    pub const LOGINS: &'static str = "logins";

    /// Whether the sign-in log is open.
    pub fn logins(&self) -> bool {
        self.tab == Self::LOGINS
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub admin_id: String,
    pub account_name: String,
    pub module: String,
    pub module_zh: String,
    pub module_en: String,
    pub action: String,
    pub target: String,
    pub detail: Option<String>,
    pub ip: String,
    pub success: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginLogRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub admin_id: String,
    pub ip: String,
    pub user_agent: String,
    /// `None`: a code this version does not know.
    pub result: Option<crate::auth::LoginResult>,
}

#[cfg(test)]
mod tests;
