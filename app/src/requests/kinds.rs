//! What a member request is, beside its state: how it came in (受理渠道), what it is about
//! (诉求类型), who took it (受理部门) and who handles it (处理部门), and how urgent it is.
code_enum! {
    /// E-16 受理渠道.
    pub enum Channel {
        Phone = ("phone", "来电", "Incoming call"),
        Email = ("email", "邮件", "E-mail"),
    }
}

code_enum! {
    /// E-17 诉求类型.
    pub enum RequestType {
        Consultation = ("consultation", "咨询", "Consultation"),
        Complaint = ("complaint", "投诉", "Complaint"),
    }
}

code_enum! {
    /// E-15 受理部门: from the agent's role category, never chosen.
    pub enum AcceptingDept {
        CompanyCs = ("company_cs", "公司客服", "Company CS"),
        RepOfficeCs = ("rep_office_cs", "代表处客服", "Rep-office CS"),
    }
}

impl AcceptingDept {
    /// 受理部门 (and 服务部门 of what the user records) from the login, never chosen: company CS
    /// or a rep office's CS; a business department records neither.
    #[cfg(feature = "ssr")]
    pub fn of(user: &crate::auth::session::CurrentUser) -> Result<Self, crate::error::AppError> {
        use crate::auth::RoleCategory;
        match user.category() {
            RoleCategory::CompanyCsAdmin => Ok(Self::CompanyCs),
            RoleCategory::RepOfficeCsAdmin => Ok(Self::RepOfficeCs),
            RoleCategory::BusinessDeptAdmin => Err(crate::error::AppError::Forbidden),
        }
    }
}

code_enum! {
    /// E-18 处理部门: 客服部 handles it itself; the others receive it by routing.
    pub enum HandlingDept {
        CsDept = ("cs_dept", "客服部", "CS department"),
        TechDept = ("tech_dept", "技术部", "Technical"),
        InfoDept = ("info_dept", "信息部", "Information"),
        MarketingDept = ("marketing_dept", "营销部", "Marketing"),
        OtherDept = ("other_dept", "其他部门", "Other department"),
    }
}

code_enum! {
    /// E-47 优先级.
    pub enum Priority {
        Urgent = ("urgent", "紧急", "Urgent"),
        High = ("high", "高", "High"),
        Normal = ("normal", "普通", "Normal"),
        Low = ("low", "低", "Low"),
    }
}

impl HandlingDept {
    /// The department kind of the organisations that receive requests for it (`None`: 客服部,
    /// which is never a routing target).
    pub fn department_kind(self) -> Option<crate::auth::DepartmentKind> {
        use crate::auth::DepartmentKind as K;
        match self {
            Self::CsDept => None,
            Self::TechDept => Some(K::TechDept),
            Self::InfoDept => Some(K::InfoDept),
            Self::MarketingDept => Some(K::MarketingDept),
            Self::OtherDept => Some(K::OtherDept),
        }
    }

    pub fn of_kind(kind: crate::auth::DepartmentKind) -> Option<Self> {
        Self::ALL.iter().copied().find(|d| d.department_kind() == Some(kind))
    }
}
