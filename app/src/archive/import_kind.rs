//! The kinds of 批量导入 (PG-71) and their template layouts; the states of an import job and of
//! its staged rows.
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportKind {
    /// 客户信息: non-member customers entered by staff.
    Customers,
    /// 见面会参会企业: buyer-meeting attendees (信息来源 = 买家见面会).
    Attendees,
    /// 联系人 of existing customers.
    Contacts,
}

code_enum! {
    /// `import_job.status`: validating → awaiting_confirm → done → undone, or failed /
    /// interrupted while validating.
    pub enum ImportStatus {
        Validating = ("validating", "校验中", "Checking"),
        AwaitingConfirm = ("awaiting_confirm", "待确认", "Awaiting confirmation"),
        Done = ("done", "已导入", "Imported"),
        Undone = ("undone", "已撤销", "Undone"),
        Interrupted = ("interrupted", "已中断", "Interrupted"),
        Failed = ("failed", "失败", "Failed"),
    }
}

impl ImportStatus {
    pub fn badge(self) -> &'static str {
        match self {
            Self::Validating | Self::AwaitingConfirm => "badge badge-blue",
            Self::Done => "badge badge-green",
            Self::Undone | Self::Interrupted => "badge badge-gray",
            Self::Failed => "badge badge-red",
        }
    }
}

code_enum! {
    /// `import_row.status`: what the check found in a staged row.
    pub enum RowStatus {
        Valid = ("valid", "有效", "Valid"),
        Error = ("error", "错误", "Error"),
        Duplicate = ("duplicate", "疑似重复", "Duplicate"),
    }
}

impl RowStatus {
    pub fn badge(self) -> &'static str {
        match self {
            Self::Valid => "badge badge-green",
            Self::Error => "badge badge-red",
            Self::Duplicate => "badge badge-blue",
        }
    }
}

#[cfg(feature = "ssr")]
impl crate::archive::entity::import_job::Model {
    /// `status` as the enum (`None`: a code this build does not know).
    pub fn status(&self) -> Option<ImportStatus> {
        ImportStatus::parse(&self.status)
    }
    /// `kind` as the enum.
    pub fn kind(&self) -> Result<ImportKind, AppError> {
        ImportKind::parse(&self.kind)
    }
}

/// (field, 中文 header, required, hint shown on the page and in the template).
pub type Column = (&'static str, &'static str, bool, &'static str);

const CUSTOMER_COLUMNS: &[Column] = &[
    ("company_name", "企业名称", false, "企业名称与客户姓名至少填一项"),
    ("contact_name", "客户姓名", false, ""),
    ("phone_mobile", "手机", false, "11 位数字"),
    ("phone_fixed", "固定电话", false, "如 020-12345678"),
    ("registered_email", "注册邮箱", false, ""),
    ("login_name", "登录名", false, "平台登录名,填写则不能与已有客户重复"),
    ("region", "区域", false, "省/市/区,如 广东省/广州市/天河区"),
    ("address", "地址", false, ""),
    ("industry", "行业分类", false, "一级/二级/三级名称,如 制造业/纺织业"),
    ("enterprise_category", "企业类别", false, "采购商/供应商/二者都有"),
    ("organization", "组织机构", false, "为空时按区域归属代表处,否则为录入人所在机构"),
    ("remarks", "备注", false, ""),
];

const ATTENDEE_COLUMNS: &[Column] = &[
    ("company_name", "企业名称", true, ""),
    ("contact_name", "联系人", true, ""),
    ("position", "职务", false, ""),
    ("phone_mobile", "手机", false, "手机与固定电话至少填一项"),
    ("phone_fixed", "固定电话", false, ""),
    ("registered_email", "邮箱", false, ""),
    ("region", "区域", true, "至少到省,如 浙江省/宁波市"),
    ("industry", "行业分类", false, ""),
    ("enterprise_category", "企业类别", false, "采购商/供应商/二者都有"),
    ("organization", "代表处", false, "为空时按区域归属代表处"),
    ("meeting", "见面会名称", false, ""),
    ("remarks", "采购意向/备注", false, ""),
];

const CONTACT_COLUMNS: &[Column] = &[
    ("customer_no", "客户编号", false, "客户编号与企业名称至少填一项"),
    ("company_name", "企业名称", false, "须与已有客户的企业名称完全一致"),
    ("name", "姓名", true, ""),
    ("gender", "性别", false, "男/女"),
    ("position", "职务", false, ""),
    ("department", "部门", false, ""),
    ("mobile", "手机", false, ""),
    ("phone", "固定电话", false, ""),
    ("email", "邮箱", false, ""),
    ("birthday", "生日", false, "YYYY-MM-DD"),
    ("remarks", "备注", false, ""),
];

impl ImportKind {
    pub const ALL: [ImportKind; 3] = [Self::Customers, Self::Attendees, Self::Contacts];

    pub fn code(self) -> &'static str {
        match self {
            Self::Customers => "customer",
            Self::Attendees => "attendee",
            Self::Contacts => "contact",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| AppError::field("kind", "请选择导入类型", "Choose what to import"))
    }

    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Self::Customers => ("客户信息", "Customers"),
            Self::Attendees => ("见面会参会企业", "Buyer-meeting attendees"),
            Self::Contacts => ("联系人", "Contacts"),
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            Self::Customers => CUSTOMER_COLUMNS,
            Self::Attendees => ATTENDEE_COLUMNS,
            Self::Contacts => CONTACT_COLUMNS,
        }
    }

    /// The kind's template file name.
    pub fn template_name(self) -> String {
        format!("{}导入模板.xlsx", self.label().0)
    }
}
