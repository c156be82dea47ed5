//! sea-orm entity of `rep_office_request` (migration `m20261206_000005_rep_needs`).
pub mod rep_office_request {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rep_office_request")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub request_no: String,
        pub organization_id: i64,
        pub submitted_by: i64,
        pub accepted_at: DateTimeUtc,
        pub content: String,
        pub customer_id: Option<i64>,
        pub industry_l1_id: Option<i64>,
        pub industry_l2_id: Option<i64>,
        pub industry_l3_id: Option<i64>,
        pub request_type: Option<String>,
        pub handling_dept: Option<String>,
        pub handling_org_id: Option<i64>,
        pub hq_handler_id: Option<i64>,
        pub result: Option<String>,
        pub state: String,
        pub routed_at: Option<DateTimeUtc>,
        pub feedback_at: Option<DateTimeUtc>,
        pub completed_at: Option<DateTimeUtc>,
        pub withdrawn_at: Option<DateTimeUtc>,
        pub version: i32,
        pub created_at: DateTimeUtc,
        pub updated_by: Option<i64>,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
