//! Permission codes of the tree in SPEC §7.1. The tree itself (labels, parents, grant
//! constraints) is data: `data/permissions.csv`, loaded into the `permission` table by the
//! migration. This enum names the codes the code checks, and a test keeps both in step.
use serde::{Deserialize, Serialize};

macro_rules! perms {
    ($($variant:ident = $code:literal),* $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Perm { $($variant),* }

        impl Perm {
            pub const ALL: &'static [Perm] = &[$(Perm::$variant),*];

            pub fn code(self) -> &'static str {
                match self { $(Perm::$variant => $code),* }
            }

            pub fn from_code(code: &str) -> Option<Perm> {
                match code { $($code => Some(Perm::$variant),)* _ => None }
            }
        }
    };
}

perms! {
    QueryMemberService = "query.member_service",
    QueryPublishedInfo = "query.published_info",
    QueryRepRequest = "query.rep_request",
    QueryPushLog = "query.push_log",
    IntakeMemberRequest = "intake.member_request",
    IntakeVoidRequest = "intake.member_request.void",
    IntakeCallback = "intake.callback",
    IntakeMemberEmail = "intake.member_email",
    IntakeRepNeedSubmit = "intake.rep_need.submit",
    IntakeRepNeedProcess = "intake.rep_need.process",
    AddAdmin = "cs_mgmt.sys_perm.add_admin",
    ChangePassword = "cs_mgmt.sys_perm.change_password",
    AdminMgmt = "cs_mgmt.sys_perm.admin_mgmt",
    RoleMgmt = "cs_mgmt.sys_perm.role_mgmt",
    Fulfilment = "cs_mgmt.fulfilment",
    FulfilmentMark = "cs_mgmt.fulfilment.mark",
    FulfilmentUndo = "cs_mgmt.fulfilment.undo",
    FulfilmentConfig = "cs_mgmt.fulfilment.config",
    Qa = "cs_mgmt.qa",
    QaAmend = "cs_mgmt.qa.amend",
    BizMarketing = "biz.marketing",
    BizBuyer = "biz.buyer",
    BizInfo = "biz.info",
    BizDeptInbox = "biz.dept_inbox",
    ReportMemberCount = "report.member_count",
    ReportRequestVolume = "report.request_volume",
    ReportRequestType = "report.request_type",
    ReportRepNeedByType = "report.rep_need_by_type",
    ReportCallback = "report.callback",
    ReportPublishedInfo = "report.published_info_by_type",
    ReportEmailPush = "report.email_push",
    Kb = "kb",
    KbEdit = "kb.edit",
    ArchiveCustomer = "archive.customer",
    ArchiveEmployee = "archive.employee",
    ArchiveImport = "archive.import",
    ArchiveReview = "archive.review",
    ArchiveDuplicates = "archive.duplicates",
    CrmContacts = "crm.contacts",
    CrmInteractions = "crm.interactions",
    CrmTasks = "crm.tasks",
    CrmTags = "crm.tags",
    CrmChurn = "crm.churn",
    StatsQuery = "stats.query",
    StatsAnalysis = "stats.analysis",
    SystemOrgs = "system.orgs",
    SystemDicts = "system.dicts",
    SystemEmailTemplates = "system.email_templates",
    SystemSettings = "system.settings",
    SystemSync = "system.sync",
    SystemLogs = "system.logs",
    SystemBackup = "system.backup",
}

code_enum! {
    /// The built-in roles (`data/roles.csv`) the code names. Roles an administrator creates get
    /// `custom_…` codes, which parse to `None`: they never match a built-in role.
    pub enum RoleCode {
        CsManager = ("cs_manager", "公司客服经理", "CS manager"),
        CsSupervisor = ("cs_supervisor", "公司客服主管", "CS supervisor"),
        CsAgent = ("cs_agent", "公司客服坐席", "CS agent"),
        CsQa = ("cs_qa", "公司客服质检", "CS QA inspector"),
        RepOfficeCs = ("rep_office_cs", "代表处客服管理员", "Rep-office CS"),
        BusinessDept = ("business_dept", "业务部门管理员", "Business-department staff"),
    }
}

impl RoleCode {
    /// 经理 and 主管: approvers of entries by role (有审核资格) and exports of any size (NFR-29).
    pub const REVIEWERS: [RoleCode; 2] = [RoleCode::CsManager, RoleCode::CsSupervisor];

    /// Whether the role is 经理 or 主管 (`None`, a custom role, is not).
    pub fn is_reviewer(role: Option<RoleCode>) -> bool {
        matches!(role, Some(RoleCode::CsManager | RoleCode::CsSupervisor))
    }
}

#[cfg(feature = "ssr")]
impl crate::auth::entity::role::Model {
    /// The built-in role this is (`None`: a custom role).
    pub fn role_code(&self) -> Option<RoleCode> {
        RoleCode::parse(&self.code)
    }
}

/// 所属角色 (E-29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RoleCategory {
    CompanyCsAdmin,
    RepOfficeCsAdmin,
    BusinessDeptAdmin,
}

impl RoleCategory {
    pub const ALL: [RoleCategory; 3] =
        [RoleCategory::CompanyCsAdmin, RoleCategory::RepOfficeCsAdmin, RoleCategory::BusinessDeptAdmin];
    pub fn code(self) -> &'static str {
        match self {
            RoleCategory::CompanyCsAdmin => "company_cs_admin",
            RoleCategory::RepOfficeCsAdmin => "rep_office_cs_admin",
            RoleCategory::BusinessDeptAdmin => "business_dept_admin",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            RoleCategory::CompanyCsAdmin => ("公司客服管理员", "Company CS"),
            RoleCategory::RepOfficeCsAdmin => ("代表处客服管理员", "Rep-office CS"),
            RoleCategory::BusinessDeptAdmin => ("业务部门管理员", "Business department"),
        }
    }
}

/// 数据范围 (E-41).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DataScope {
    All,
    OwnOrg,
    OwnDept,
    Own,
}

impl DataScope {
    pub const ALL: [DataScope; 4] = [DataScope::All, DataScope::OwnOrg, DataScope::OwnDept, DataScope::Own];
    pub fn code(self) -> &'static str {
        match self {
            DataScope::All => "all",
            DataScope::OwnOrg => "own_org",
            DataScope::OwnDept => "own_dept",
            DataScope::Own => "own",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            DataScope::All => ("全部数据", "All data"),
            DataScope::OwnOrg => ("本机构", "Own organisation"),
            DataScope::OwnDept => ("本部门", "Own department"),
            DataScope::Own => ("本人", "Own records"),
        }
    }
    /// How wide a scope is; a grant may never widen a role's scope (SPEC §7.3 rule 4).
    pub fn breadth(self) -> u8 {
        match self {
            DataScope::All => 3,
            DataScope::OwnOrg => 2,
            DataScope::OwnDept => 1,
            DataScope::Own => 0,
        }
    }
}

/// Grant constraints (SPEC §7.3): whether `code` may be granted to an account of `category`
/// working in a department of kind `dept_kind` (None for HQ and rep offices).
pub fn grant_allowed(
    code: &str,
    company_cs_only: bool,
    category: RoleCategory,
    dept_kind: Option<super::DepartmentKind>,
) -> bool {
    let company = category == RoleCategory::CompanyCsAdmin;
    match code {
        _ if company_cs_only => company,
        "intake.rep_need.submit" => category == RoleCategory::RepOfficeCsAdmin,
        "biz.dept_inbox" => category == RoleCategory::BusinessDeptAdmin,
        "biz.marketing" | "biz.buyer" | "biz.info" => {
            let own = dept_kind.and_then(super::DepartmentKind::own_perm).map(Perm::code);
            company || (category == RoleCategory::BusinessDeptAdmin && own == Some(code))
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::DepartmentKind::*;

    const TREE: &str = include_str!("../../../data/permissions.csv");

    #[test]
    fn every_code_is_in_the_permission_tree_and_every_grantable_node_has_a_code() {
        let rows: Vec<Vec<&str>> = TREE.lines().skip(1).map(|l| l.split(',').collect()).collect();
        for p in Perm::ALL {
            assert!(rows.iter().any(|r| r[0] == p.code()), "{} missing from permissions.csv", p.code());
        }
        for r in rows.iter().filter(|r| r[4].parse::<crate::auth::NodeType>().unwrap() != crate::auth::NodeType::Module)
        {
            assert!(Perm::from_code(r[0]).is_some(), "{} has no Perm variant", r[0]);
        }
    }

    #[test]
    fn every_builtin_role_has_a_role_code() {
        let rows: Vec<Vec<&str>> =
            include_str!("../../../data/roles.csv").lines().skip(1).map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), RoleCode::ALL.len());
        for r in rows {
            let code = RoleCode::parse(r[0]).unwrap_or_else(|| panic!("{} has no RoleCode", r[0]));
            assert_eq!((code.zh(), code.en()), (r[1], r[2]));
        }
        assert_eq!(RoleCode::parse("custom_ab12"), None);
        assert!(!RoleCode::is_reviewer(None) && RoleCode::is_reviewer(Some(RoleCode::CsSupervisor)));
    }

    #[test]
    fn grant_constraints() {
        use RoleCategory::*;
        assert!(grant_allowed("cs_mgmt.sys_perm.add_admin", true, CompanyCsAdmin, Some(CsDept)));
        assert!(!grant_allowed("cs_mgmt.sys_perm.add_admin", true, RepOfficeCsAdmin, None));
        assert!(grant_allowed("intake.rep_need.submit", false, RepOfficeCsAdmin, None));
        assert!(!grant_allowed("intake.rep_need.submit", false, CompanyCsAdmin, Some(CsDept)));
        assert!(grant_allowed("biz.buyer", false, BusinessDeptAdmin, Some(BuyerDept)));
        assert!(!grant_allowed("biz.info", false, BusinessDeptAdmin, Some(BuyerDept)));
        assert!(grant_allowed("biz.info", false, CompanyCsAdmin, Some(CsDept)));
        assert!(!grant_allowed("biz.dept_inbox", false, CompanyCsAdmin, Some(CsDept)));
        assert!(grant_allowed("kb", false, BusinessDeptAdmin, Some(TechDept)));
    }
}
