//! Members (会员) and the 信息查询 pages (SPEC §5.2): the member & service-record query (PG-10),
//! the 360° member detail (PG-11), their export, and the data they read.
pub mod api;
pub mod cascade;
pub mod churn_badge;
pub mod enums;
pub mod filter;
pub mod filter_fields;
pub mod filter_panel;
pub mod info_page;
pub mod query_page;
pub mod sync_kind;
pub mod sync_page;

#[cfg(feature = "ssr")]
pub mod bulk;
#[cfg(feature = "ssr")]
pub mod cm_sync;
#[cfg(feature = "ssr")]
pub mod conditions;
#[cfg(feature = "ssr")]
pub mod customer_join;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod info_query;
#[cfg(feature = "ssr")]
pub mod latest;
#[cfg(feature = "ssr")]
pub mod query;
#[cfg(feature = "ssr")]
pub mod search;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use filter::{InfoFilter, MemberFilter};

/// Counts stop here: a larger result shows as "超过 2000 条" (a hundred pages) until the user
/// asks for the exact total, which has to read every matching row.
pub const COUNT_CAP: u64 = 2_000;

use crate::admin::LogRow;

/// One row of 会员资料及服务查询: a service record with its member (服务明细), or a member with
/// its latest service record and their count (按会员).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceRow {
    pub customer_id: i64,
    pub record_id: Option<i64>,
    pub company_name: String,
    pub login_name: String,
    pub member_level: String,
    pub enterprise_status: String,
    pub registered_at: Option<DateTime<Utc>>,
    pub service_start: Option<NaiveDate>,
    pub service_end: Option<NaiveDate>,
    pub service_at: Option<DateTime<Utc>>,
    pub org_name: String,
    pub industry: String,
    pub points: Option<i32>,
    pub service_type: String,
    pub service_mode: String,
    pub service_dept: String,
    pub expired: Option<bool>,
    pub fulfilment_status: String,
    pub qa_result: String,
    /// 按会员: the member's number of matching service records.
    pub record_count: Option<i64>,
    /// 最近回访时间 and 回访内容 (E-25 code) of the member's latest callback.
    pub last_callback_at: Option<DateTime<Utc>>,
    pub last_callback_content: String,
}

/// A node of the region or industry tree, for the cascading selects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeNode {
    pub id: i64,
    pub name: String,
}

/// The organisations a user may filter by (HQ and rep offices inside the user's scope).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgChoice {
    pub id: i64,
    pub name: String,
}

/// The filter choices of the query page that come from the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryChoices {
    pub orgs: Vec<OrgChoice>,
    /// Set for users who only see one organisation: the filter is locked to it.
    pub locked_org: Option<i64>,
}

/// 基本信息 of the member detail: every CM field as CM shows it, labels resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberInfo {
    pub id: i64,
    pub customer_no: String,
    pub cm_member_id: Option<String>,
    pub customer_type: String,
    pub company_name: String,
    pub login_name: String,
    pub registered_email: String,
    pub phone_fixed: String,
    pub phone_mobile: String,
    pub contact_name: String,
    pub region: String,
    pub address: String,
    pub industry: String,
    pub org_name: String,
    pub enterprise_status: String,
    pub enterprise_category: String,
    pub member_level: String,
    pub business_category: String,
    pub registered_at: Option<DateTime<Utc>>,
    pub service_start: Option<NaiveDate>,
    pub service_end: Option<NaiveDate>,
    pub expired: Option<bool>,
    pub push_enabled: bool,
    pub info_source: String,
    pub registration_source: String,
    pub has_avatar: bool,
    pub points: Option<i32>,
    pub entrant: String,
    pub created_at: DateTime<Utc>,
    pub cm_synced_at: Option<DateTime<Utc>>,
    pub review_status: String,
    pub fulfilment_status: String,
    pub fulfilment_progress: Option<crate::fulfilment::Pct>,
    pub owner_agent: String,
    pub remarks: String,
    /// E-48 of the member's open 流失预警 ("" when none).
    #[serde(default)]
    pub churn_risk: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactView {
    pub id: i64,
    pub name: String,
    pub gender: String,
    pub position: String,
    pub mobile: String,
    pub phone: String,
    pub email: String,
    pub is_primary: bool,
}

/// A service record in the member's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordView {
    pub id: i64,
    pub service_type: String,
    pub service_mode: String,
    pub service_dept: String,
    pub org_name: String,
    pub agent: String,
    pub service_at: DateTime<Utc>,
    pub result: String,
    pub summary: String,
    pub qa_result: String,
}

/// A published item (产品/供应/求购) of a member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedView {
    pub id: i64,
    pub title: String,
    pub info_type: String,
    pub status: String,
    pub industry: String,
    pub published_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub url: String,
}

/// An info-push e-mail sent to a member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushView {
    pub id: i64,
    pub sent_at: DateTime<Utc>,
    pub email: String,
    pub title: String,
    pub info_type: String,
    pub info_status: String,
    pub push_status: String,
    pub source: String,
}

/// One service record with its member (PG-12). Records carried over from the previous system
/// (`legacy`) have only their summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordDetail {
    pub record: RecordView,
    pub source_kind: enums::SourceKind,
    pub customer_id: i64,
    pub company_name: String,
    pub member_level: String,
    pub qa_status: String,
}

/// A published item (PG-13/14) or a push e-mail (PG-17/18) with its member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InfoRow {
    pub id: i64,
    pub customer_id: i64,
    pub company_name: String,
    pub login_name: String,
    pub member_level: String,
    /// The push's recipient, or the member's registered e-mail.
    pub email: String,
    pub org_name: String,
    pub industry: String,
    pub title: String,
    pub url: String,
    pub info_type: String,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub push_status: String,
    pub source: String,
}

/// 推送邮件数, 涉及会员数 and opens of a push-log query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InfoSummary {
    pub emails: u64,
    pub members: u64,
    pub opened: u64,
}

/// One page of PG-13/14/17/18 with the summary (push e-mails only) and, for one member's page,
/// its header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InfoPage {
    pub page: crate::ui::Page<InfoRow>,
    pub summary: Option<InfoSummary>,
    pub member: Option<MemberHead>,
}

/// The member summary above PG-14/PG-18.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberHead {
    pub id: i64,
    pub company_name: String,
    pub member_level: String,
    pub org_name: String,
    /// (code, count) by 信息类型 and by 信息状态 (PG-14).
    pub by_type: Vec<(String, u64)>,
    pub by_status: Vec<(String, u64)>,
    /// Push e-mails in the current service year (PG-18, target 50).
    pub pushes_this_year: u64,
}

/// One CM sync run (PG-94 数据同步).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncRunRow {
    pub id: i64,
    pub kind: String,
    pub mode: String,
    pub file_name: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `None`: a stored code this build does not know.
    pub status: Option<sync_kind::SyncStatus>,
    pub rows_read: i32,
    pub rows_inserted: i32,
    pub rows_updated: i32,
    pub rows_failed: i32,
    pub triggered_by: String,
    /// The first rejected rows: (line, field, message).
    pub errors: Vec<(usize, String, String)>,
    pub error_count: usize,
}

/// The 360° view of one member (PG-11).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberDetail {
    pub info: MemberInfo,
    pub contacts: Vec<ContactView>,
    pub records: Vec<RecordView>,
    pub records_total: u64,
    pub published: Vec<PublishedView>,
    pub published_total: u64,
    pub pushes: Vec<PushView>,
    pub pushes_total: u64,
    /// Push e-mails in the current service year (target 50, SPEC §6.3).
    pub pushes_this_year: u64,
    pub history: Vec<LogRow>,
}
