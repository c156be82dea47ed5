//! sea-orm entities of the request tables (migration `m20261206_000003_requests`).

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod service_request {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "service_request")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub request_no: String,
        pub customer_id: i64,
        pub customer_type: String,
        pub caller_name: Option<String>,
        pub company_name: Option<String>,
        pub registered_email: Option<String>,
        pub login_name: Option<String>,
        pub contact_mobile: Option<String>,
        pub contact_phone: Option<String>,
        pub member_level_snapshot: Option<String>,
        pub customer_org_snapshot_id: i64,
        pub channel: String,
        pub accepting_dept: String,
        pub accepting_org_id: i64,
        pub agent_id: i64,
        pub request_type: String,
        pub content: String,
        pub handling_dept: String,
        pub handling_org_id: Option<i64>,
        pub result: Option<String>,
        pub state: String,
        pub priority: String,
        pub accepted_at: DateTimeUtc,
        pub routed_at: Option<DateTimeUtc>,
        pub routed_by: Option<i64>,
        pub dept_accepted_at: Option<DateTimeUtc>,
        pub feedback_at: Option<DateTimeUtc>,
        pub completed_at: Option<DateTimeUtc>,
        pub completed_by: Option<i64>,
        pub qa_status: String,
        pub qa_result: Option<String>,
        pub related_request_id: Option<i64>,
        pub service_record_id: Option<i64>,
        pub void_reason: Option<String>,
        pub voided_by: Option<i64>,
        pub voided_at: Option<DateTimeUtc>,
        pub version: i32,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_by: Option<i64>,
        pub updated_at: DateTimeUtc,
        pub sla_due_at: Option<DateTimeUtc>,
        pub sla_warn_at: Option<DateTimeUtc>,
        pub feedback_due_at: Option<DateTimeUtc>,
        pub feedback_warn_at: Option<DateTimeUtc>,
        pub sla_state: String,
        /// `search_text` of `caller_name`, tested by 客户姓名 (SPEC §8.3.4).
        pub caller_text: String,
        /// The search grams of `caller_name` (the index proposes, `caller_text` decides).
        pub caller_grams: String,
        /// 转为诉求: the callback the request came from.
        pub source_callback_id: Option<i64>,
    }
    no_relations!();
}

pub mod request_step {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "request_step")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub request_kind: String,
        pub request_id: i64,
        pub step_type: String,
        pub from_state: Option<String>,
        pub to_state: String,
        pub from_dept: Option<String>,
        pub to_dept: Option<String>,
        pub to_org_id: Option<i64>,
        pub actor_id: i64,
        pub actor_org_id: i64,
        pub note: Option<String>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod dept_feedback {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dept_feedback")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub request_kind: String,
        pub request_id: i64,
        pub department: String,
        pub department_org_id: i64,
        pub handler_id: i64,
        pub process_and_result: String,
        pub feedback_at: DateTimeUtc,
    }
    no_relations!();
}
