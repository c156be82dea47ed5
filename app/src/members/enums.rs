//! The fixed enumerations of members and service records (SPEC §3.2): code, 中文, English, in
//! display order. Stored as the code; the pages and exports show the labels. Values the code
//! compares or switches on are `code_enum!` enums (their `CHOICES` are the tables here); the
//! rest are plain tables until something needs to compare them.

pub type Choice = (&'static str, &'static str, &'static str);

code_enum! {
    /// E-01 客户类型: members come from CM; staff enter non-members.
    pub enum CustomerType {
        Member = ("member", "会员", "Member"),
        NonMember = ("non_member", "非会员", "Non-member"),
    }
}

/// E-01 客户类型
pub const CUSTOMER_TYPES: &[Choice] = CustomerType::CHOICES;

/// E-02 企业状态
pub const ENTERPRISE_STATUSES: &[Choice] = &[
    ("unreviewed", "未审核", "Not yet reviewed"),
    ("review_rejected", "审核未通过", "Review rejected"),
    ("not_activated", "未激活", "Not activated"),
    ("normal", "正常", "Normal"),
];

/// E-03 企业类别
pub const CATEGORIES: &[Choice] =
    &[("buyer", "采购商", "Buyer"), ("supplier", "供应商", "Supplier"), ("both", "二者都有", "Both")];

code_enum! {
    /// E-04 会员级别.
    pub enum MemberLevel {
        Free = ("free", "免费", "Free"),
        Ordinary = ("ordinary", "普通", "Ordinary"),
        Gold = ("gold", "金牌", "Gold"),
        ShangYiTong = ("shang_yi_tong", "商易通", "Shangyitong"),
        ShangChengTong = ("shang_cheng_tong", "商诚通", "Shangchengtong"),
        ShangQiaTong = ("shang_qia_tong", "商洽通", "Shangqiatong"),
    }
}

impl MemberLevel {
    /// Every level but 免费 is a paid service (fulfilment, care rules).
    pub fn is_paid(self) -> bool {
        self != MemberLevel::Free
    }
}

/// E-04 会员级别
pub const LEVELS: &[Choice] = MemberLevel::CHOICES;

/// E-05 服务是否到期 (derived from the service end date)
pub const EXPIRY: &[Choice] = &[("not_expired", "未到期", "Not expired"), ("expired", "已到期", "Expired")];

/// E-06 是/否
pub const YES_NO: &[Choice] = &[("true", "是", "Yes"), ("false", "否", "No")];

/// E-07 服务方式
pub const SERVICE_MODES: &[Choice] = &[("proactive", "主动服务", "Proactive"), ("reactive", "被动服务", "Reactive")];

/// E-08 服务部门
pub const SERVICE_DEPTS: &[Choice] =
    &[("company_cs", "公司客服", "Company CS"), ("rep_office_cs", "代表处客服", "Rep-office CS")];

/// E-09 服务类型
pub const SERVICE_TYPES: &[Choice] = &[
    ("consultation", "咨询", "Consultation"),
    ("complaint", "投诉", "Complaint"),
    ("callback", "回访", "Callback"),
    ("email", "邮件", "E-mail"),
];

code_enum! {
    /// What a service record was written for (`service_record.source_kind`, with its
    /// `source_id`): a member request, a callback, an e-mail, or history carried over from the
    /// previous system (only a summary, no source row).
    pub enum SourceKind {
        MemberRequest = ("member_request", "会员诉求", "Member request"),
        Callback = ("callback", "回访", "Callback"),
        Email = ("email", "邮件", "E-mail"),
        Legacy = ("legacy", "原系统迁移", "Previous system"),
    }
}

code_enum! {
    /// E-10 服务结果
    pub enum ServiceResult {
        Incomplete = ("incomplete", "未完成", "Not completed"),
        Completed = ("completed", "已完成", "Completed"),
    }
}

impl ServiceResult {
    pub fn of(completed: bool) -> Self {
        if completed { Self::Completed } else { Self::Incomplete }
    }
}

/// E-10 服务结果 as the filters' choices.
pub const SERVICE_RESULTS: &[Choice] = ServiceResult::CHOICES;

/// E-11 履约状态
pub const FULFILMENT_STATUSES: &[Choice] = FulfilmentStatus::CHOICES;

code_enum! {
    /// E-11 履约状态 (derived from the items of the service year, SPEC §6.4).
    pub enum FulfilmentStatus {
        NotStarted = ("not_started", "未履约", "Not fulfilled"),
        InProgress = ("in_progress", "履约中", "Fulfilling"),
        Completed = ("completed", "履约完毕", "Fulfilled"),
    }
}

code_enum! {
    /// E-12 信息来源 (customer record).
    pub enum InfoSource {
        SystemCaptured = ("system_captured", "系统抓取", "System-captured"),
        AdminEntered = ("admin_entered", "管理员录入", "Entered by staff"),
        BuyerMeeting = ("buyer_meeting", "买家见面会", "Buyer meeting"),
    }
}

impl InfoSource {
    /// Sources staff may choose when entering a customer (system-captured ones come from CM).
    pub fn enterable(self) -> bool {
        self != Self::SystemCaptured
    }
}

/// E-12 信息来源 (customer record)
pub const INFO_SOURCES: &[Choice] = InfoSource::CHOICES;

code_enum! {
    /// E-13 是否质检 (of a request and its service record; set by 质检, SM-5).
    pub enum QaStatus {
        Inspected = ("inspected", "已质检", "Inspected"),
        NotInspected = ("not_inspected", "未质检", "Not inspected"),
    }
}

/// E-13 是否质检
pub const QA_STATUSES: &[Choice] = QaStatus::CHOICES;

code_enum! {
    /// E-14 质检结果.
    pub enum QaResult {
        Correct = ("correct", "处理无误", "Handled correctly"),
        Incorrect = ("incorrect", "处理有误", "Handled incorrectly"),
    }
}

/// E-14 质检结果
pub const QA_RESULTS: &[Choice] = QaResult::CHOICES;

/// E-22 信息类型 (发布信息)
pub const INFO_TYPES: &[Choice] =
    &[("product", "产品信息", "Product"), ("supply", "供应信息", "Supply"), ("purchase", "求购信息", "Purchase")];

/// E-23 信息状态
pub const INFO_STATUSES: &[Choice] =
    &[("unlisted", "未上架", "Not listed"), ("hidden", "隐藏", "Hidden"), ("listed", "上架", "Listed")];

/// E-24 注册来源 (shown as 信息来源 on 会员发布信息查询)
pub const REGISTRATION_SOURCES: &[Choice] = &[
    ("main_site", "总站注册", "Main site"),
    ("regional_platform", "区域平台注册", "Regional platform"),
    ("admin", "管理员注册", "Administrator"),
    ("auto_captured", "自动抓取", "Auto-captured"),
];

/// E-39 推送状态
pub const PUSH_STATUSES: &[Choice] =
    &[("sent", "已发送", "Sent"), ("failed", "发送失败", "Failed"), ("opened", "已打开", "Opened")];

code_enum! {
    /// E-43 录入方式.
    pub enum EntryMethod {
        Manual = ("manual", "手工录入", "Manual"),
        ExcelImport = ("excel_import", "批量导入", "Excel import"),
        CmSync = ("cm_sync", "系统同步", "CM sync"),
        BuyerMeeting = ("buyer_meeting", "见面会录入", "Buyer meeting"),
        RequestIntake = ("request_intake", "诉求受理", "Request intake"),
    }
}

/// E-43 录入方式
pub const ENTRY_METHODS: &[Choice] = EntryMethod::CHOICES;

/// The (中文, English) label of `code` in `list`; unknown or empty codes show as "—".
pub fn label(list: &[Choice], code: &str) -> (&'static str, &'static str) {
    list.iter().find(|c| c.0 == code).map(|c| (c.1, c.2)).unwrap_or(("—", "—"))
}

/// Whether `code` is one of `list` (server-side validation of filter and form values).
pub fn valid(list: &[Choice], code: &str) -> bool {
    list.iter().any(|c| c.0 == code)
}

code_enum! {
    /// E-48 风险等级 of a member's churn warning (流失预警), cached on the member.
    pub enum RiskLevel {
        High = ("high", "高", "High"),
        Medium = ("medium", "中", "Medium"),
        Low = ("low", "低", "Low"),
    }
}

impl RiskLevel {
    /// The level of a score (SPEC §4.8): ≥ 60 高, 30–59 中, 15–29 低, below none.
    pub fn of(score: i32) -> Option<Self> {
        match score {
            s if s >= 60 => Some(Self::High),
            s if s >= 30 => Some(Self::Medium),
            s if s >= 15 => Some(Self::Low),
            _ => None,
        }
    }

    pub fn badge(self) -> &'static str {
        match self {
            Self::High => "badge badge-red",
            Self::Medium => "badge badge-orange",
            Self::Low => "badge badge-blue",
        }
    }
}
