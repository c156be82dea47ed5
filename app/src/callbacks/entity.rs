//! sea-orm entity of `callback` (migration `m20261209_000001_callbacks`).
pub mod callback {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "callback")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub customer_id: i64,
        pub callback_content: String,
        pub reach_status: String,
        pub member_feedback: Option<String>,
        pub satisfaction: Option<String>,
        pub contact_name: Option<String>,
        pub phone_called: Option<String>,
        pub service_mode: String,
        pub service_dept: String,
        pub organization_id: i64,
        pub agent_id: i64,
        pub callback_at: DateTimeUtc,
        pub next_follow_up_at: Option<DateTimeUtc>,
        pub next_follow_up_note: Option<String>,
        pub care_task_id: Option<i64>,
        pub follow_up_task_id: Option<i64>,
        pub service_record_id: i64,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
