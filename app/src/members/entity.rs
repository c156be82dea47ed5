//! sea-orm entities of the member tables (migration `m20261123_000002_members`).

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod customer {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "customer")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub customer_no: String,
        pub cm_member_id: Option<String>,
        pub customer_type: String,
        pub company_name: Option<String>,
        pub company_name_norm: String,
        pub login_name: Option<String>,
        pub login_name_key: Option<String>,
        pub registered_email: Option<String>,
        pub email_key: Option<String>,
        pub contact_name: Option<String>,
        pub phone_fixed: Option<String>,
        pub phone_mobile: Option<String>,
        pub region_province_id: Option<i64>,
        pub region_city_id: Option<i64>,
        pub region_district_id: Option<i64>,
        pub address: Option<String>,
        pub industry_l1_id: Option<i64>,
        pub industry_l2_id: Option<i64>,
        pub industry_l3_id: Option<i64>,
        pub organization_id: i64,
        pub enterprise_status: Option<String>,
        pub enterprise_category: Option<String>,
        pub member_level: Option<String>,
        pub business_category: Option<String>,
        pub platform_registered_at: Option<DateTimeUtc>,
        pub service_start_date: Option<Date>,
        pub service_end_date: Option<Date>,
        pub push_enabled: bool,
        pub registration_source: Option<String>,
        pub has_avatar: bool,
        pub member_points: Option<i32>,
        pub info_source: String,
        pub entry_method: String,
        pub review_status: String,
        pub reviewer_id: Option<i64>,
        pub reviewed_at: Option<DateTimeUtc>,
        pub review_reason: Option<String>,
        pub import_job_id: Option<i64>,
        pub owner_agent_id: Option<i64>,
        pub fulfilment_status: Option<String>,
        /// 履约完成进度 of the current service year, in hundredths of a percent (cache).
        pub fulfilment_progress_bp: Option<i32>,
        pub last_service_at: Option<DateTimeUtc>,
        /// The member's latest callback and what it was for (PG-24 filters and shows them).
        pub last_callback_at: Option<DateTimeUtc>,
        pub last_callback_content: Option<String>,
        pub remarks: Option<String>,
        /// E-48 of the member's open churn warning (流失预警), cached by the evaluation.
        pub churn_risk_level: Option<String>,
        pub cm_synced_at: Option<DateTimeUtc>,
        pub merged_into_id: Option<i64>,
        pub name_grams: String,
        pub login_grams: String,
        pub email_grams: String,
        pub phone_grams: String,
        /// `search_text` of the company name: what 企业名称 queries are matched against.
        pub name_text: String,
        pub created_at: DateTimeUtc,
        pub created_by: Option<i64>,
        pub updated_at: DateTimeUtc,
        pub updated_by: Option<i64>,
        pub version: i32,
        pub deleted_at: Option<DateTimeUtc>,
        pub deleted_by: Option<i64>,
    }
    no_relations!();
}

pub mod contact {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "contact")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub customer_id: i64,
        pub name: String,
        pub gender: Option<String>,
        pub salutation: Option<String>,
        pub position: Option<String>,
        pub department: Option<String>,
        pub mobile: Option<String>,
        pub phone: Option<String>,
        pub email: Option<String>,
        pub im: Option<String>,
        pub birthday: Option<Date>,
        pub hobbies: Option<String>,
        pub address: Option<String>,
        pub is_primary: bool,
        pub remarks: Option<String>,
        pub import_job_id: Option<i64>,
        pub created_at: DateTimeUtc,
        pub created_by: Option<i64>,
        pub updated_at: DateTimeUtc,
        pub updated_by: Option<i64>,
        pub version: i32,
        pub deleted_at: Option<DateTimeUtc>,
        pub deleted_by: Option<i64>,
        /// E-42: contacts imported by a non-exempt user wait for review.
        pub review_status: String,
    }
    no_relations!();
}

pub mod service_record {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "service_record")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub customer_id: i64,
        pub source_kind: String,
        pub source_id: i64,
        pub service_type: String,
        pub service_mode: String,
        pub service_dept: String,
        pub organization_id: i64,
        pub agent_id: i64,
        pub service_at: DateTimeUtc,
        pub service_result: String,
        pub summary: Option<String>,
        pub member_level_snapshot: Option<String>,
        pub customer_org_snapshot_id: i64,
        pub qa_status: Option<String>,
        pub qa_result: Option<String>,
        pub hidden: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod published_info {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "published_info")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub cm_info_id: String,
        pub customer_id: i64,
        pub info_type: String,
        pub title: String,
        pub status: String,
        pub industry_l1_id: Option<i64>,
        pub industry_l2_id: Option<i64>,
        pub industry_l3_id: Option<i64>,
        pub published_at: DateTimeUtc,
        pub expires_at: Option<DateTimeUtc>,
        pub url: Option<String>,
        pub title_grams: String,
        pub synced_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod info_push_log {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "info_push_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub source: String,
        pub cm_log_id: Option<String>,
        pub email_recipient_id: Option<i64>,
        pub customer_id: i64,
        pub recipient_email: String,
        pub sent_at: DateTimeUtc,
        pub info_title: Option<String>,
        pub info_type: Option<String>,
        pub info_status: Option<String>,
        pub industry_l1_id: Option<i64>,
        pub industry_l2_id: Option<i64>,
        pub industry_l3_id: Option<i64>,
        pub info_published_at: Option<DateTimeUtc>,
        pub push_status: Option<String>,
        pub opened_at: Option<DateTimeUtc>,
        pub synced_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod sync_run {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sync_run")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kind: String,
        pub mode: String,
        pub file_name: Option<String>,
        pub started_at: DateTimeUtc,
        pub finished_at: Option<DateTimeUtc>,
        pub status: String,
        pub rows_read: i32,
        pub rows_inserted: i32,
        pub rows_updated: i32,
        pub rows_skipped: i32,
        pub rows_failed: i32,
        pub error_report: Option<String>,
        pub triggered_by: Option<i64>,
    }
    no_relations!();
}
