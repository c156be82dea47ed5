//! Login with captcha, sessions, the current user, permissions, data scope and the audit log.
//! DTOs and validation here are compiled for both the server and the browser.
pub mod api;
pub mod pages;
pub mod perm;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod login;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod scope;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod throttle;
#[cfg(feature = "ssr")]
pub mod token;

use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;
pub use perm::{DataScope, Perm, RoleCategory, RoleCode};

/// A captcha image to show on the login page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Captcha {
    pub id: String,
    /// `data:image/png;base64,…`
    pub image: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoginInput {
    pub admin_id: String,
    pub password: String,
    pub captcha_id: String,
    pub captcha_answer: String,
}

impl LoginInput {
    pub fn validate(&self, captcha_required: bool) -> Result<(), crate::error::AppError> {
        let mut e = FieldErrors::default();
        if self.admin_id.trim().is_empty() {
            e.add("admin_id", "请输入管理员ID", "Enter your login ID");
        }
        if self.password.is_empty() {
            e.add("password", "请输入密码", "Enter your password");
        }
        if captcha_required && self.captcha_answer.trim().is_empty() {
            e.add("captcha", "请输入验证码", "Enter the characters shown in the image");
        }
        e.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginOutcome {
    pub must_change_password: bool,
}

code_enum! {
    /// 机构类型 (E-31): the one 总部, its departments and the 代表处.
    pub enum OrgType {
        Hq = ("hq", "总部", "HQ"),
        Department = ("department", "部门", "Department"),
        RepOffice = ("rep_office", "代表处", "Rep office"),
    }
}

impl Default for OrgType {
    /// What 新增 creates unless told otherwise.
    fn default() -> Self {
        Self::RepOffice
    }
}

code_enum! {
    /// 部门类别 (E-32). One active department per kind, except 其他部门.
    pub enum DepartmentKind {
        CsDept = ("cs_dept", "客服部", "Customer service"),
        TechDept = ("tech_dept", "技术部", "Technical"),
        InfoDept = ("info_dept", "信息部", "Information"),
        MarketingDept = ("marketing_dept", "营销部", "Marketing"),
        BuyerDept = ("buyer_dept", "买家部", "Buyer"),
        OtherDept = ("other_dept", "其他部门", "Other"),
    }
}

impl DepartmentKind {
    /// The business permission that belongs to the department's own accounts (SPEC §7.1).
    pub fn own_perm(self) -> Option<Perm> {
        match self {
            Self::MarketingDept => Some(Perm::BizMarketing),
            Self::BuyerDept => Some(Perm::BizBuyer),
            Self::InfoDept => Some(Perm::BizInfo),
            _ => None,
        }
    }
}

code_enum! {
    /// 登录结果 (J2): the outcome of a sign-in attempt, as the login log keeps it.
    pub enum LoginResult {
        Success = ("success", "成功", "Success"),
        BadPassword = ("bad_password", "密码错误", "Wrong password"),
        BadCaptcha = ("bad_captcha", "验证码错误", "Wrong captcha"),
        Locked = ("locked", "已锁定", "Locked"),
        Suspended = ("suspended", "账号悬挂", "Suspended"),
        UnknownAccount = ("unknown_account", "账号不存在", "Unknown account"),
        Throttled = ("throttled", "频率限制", "Throttled"),
    }
}

code_enum! {
    /// A node of the permission tree (`data/permissions.csv`): a 模块 groups pages and is never
    /// granted itself; pages and actions are.
    pub enum NodeType {
        Module = ("module", "模块", "Module"),
        Page = ("page", "页面", "Page"),
        Action = ("action", "操作", "Action"),
    }
}

code_enum! {
    /// 当前状态 of an account (E-28): a suspended account cannot sign in.
    pub enum AccountStatus {
        Active = ("active", "激活", "Active"),
        Suspended = ("suspended", "悬挂", "Suspended"),
    }
}

code_enum! {
    /// Where an account's permissions come from: its role's defaults, or its own grants.
    pub enum PermissionMode {
        Inherit = ("inherit", "继承角色", "Role defaults"),
        Custom = ("custom", "自定义", "Custom"),
    }
}

/// The signed-in account as the UI sees it: who, where, and which permission codes it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionUser {
    pub account_id: i64,
    pub admin_id: String,
    pub name: String,
    pub org_id: i64,
    pub org_name: String,
    pub role_name_zh: String,
    pub role_name_en: String,
    pub role_category: RoleCategory,
    /// The role's code (`cs_manager`, …).
    pub role_code: String,
    pub must_change_password: bool,
    pub permissions: Vec<String>,
}

/// The signed-in user of the page (provided by the app shell for every page behind the login).
pub fn use_session_user() -> SessionUser {
    leptos::prelude::expect_context::<SessionUser>()
}

impl SessionUser {
    pub fn has(&self, p: Perm) -> bool {
        self.permissions.iter().any(|c| c == p.code())
    }
    /// The built-in role, if the account has one (custom roles: `None`).
    pub fn role(&self) -> Option<RoleCode> {
        RoleCode::parse(&self.role_code)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangePasswordInput {
    pub old_password: String,
    pub new_password: String,
    pub confirm_password: String,
}

impl ChangePasswordInput {
    pub fn validate(&self) -> Result<(), crate::error::AppError> {
        let mut e = FieldErrors::default();
        if self.old_password.is_empty() {
            e.add("old_password", "请输入原密码", "Enter your current password");
        }
        check_new_password(&mut e, "new_password", &self.new_password);
        if self.new_password == self.old_password && !self.new_password.is_empty() {
            e.add("new_password", "新密码不能与原密码相同", "The new password must differ from the current one");
        }
        if self.confirm_password != self.new_password {
            e.add("confirm_password", "两次输入的密码不一致", "The passwords do not match");
        }
        e.into_result()
    }
}

pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 64;

/// The password rule (SPEC NFR-26): 8–64 characters with at least one letter and one digit.
pub fn check_new_password(e: &mut FieldErrors, field: &str, pw: &str) {
    let n = pw.chars().count();
    if pw.is_empty() {
        e.add(field, "请输入新密码", "Enter a new password");
    } else if n < PASSWORD_MIN {
        e.add(field, "密码至少 8 位", "At least 8 characters");
    } else if n > PASSWORD_MAX {
        e.add(field, "密码不能超过 64 位", "At most 64 characters");
    } else if !pw.chars().any(|c| c.is_ascii_alphabetic()) || !pw.chars().any(|c| c.is_ascii_digit()) {
        e.add(field, "密码须同时包含字母和数字", "Use both letters and digits");
    } else if pw.chars().any(char::is_whitespace) {
        e.add(field, "密码不能包含空格", "No spaces allowed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(pw: &str) -> Option<String> {
        let mut e = FieldErrors::default();
        check_new_password(&mut e, "p", pw);
        e.get("p").map(|t| t.zh.clone())
    }

    #[test]
    fn password_rule() {
        assert_eq!(err("abc12345"), None);
        assert!(err("abc1234").unwrap().contains("8"));
        assert!(err("abcdefgh").unwrap().contains("字母和数字"));
        assert!(err("12345678").unwrap().contains("字母和数字"));
        assert!(err("abc 12345").unwrap().contains("空格"));
        assert!(err(&"a1".repeat(33)).unwrap().contains("64"));
    }

    #[test]
    fn change_password_checks_confirmation_and_reuse() {
        let mut i = ChangePasswordInput {
            old_password: "old12345".into(),
            new_password: "new12345".into(),
            confirm_password: "new1234x".into(),
        };
        let e = i.validate().unwrap_err();
        assert!(e.field_errors().unwrap().get("confirm_password").is_some());
        i.confirm_password = i.new_password.clone();
        assert!(i.validate().is_ok());
        i.new_password = "old12345".into();
        i.confirm_password = "old12345".into();
        assert!(i.validate().unwrap_err().field_errors().unwrap().get("new_password").is_some());
    }
}
