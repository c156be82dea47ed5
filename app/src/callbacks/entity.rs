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

/// sea-orm entity of `care_rule` (migration `m20261210_000001_care_rules`).
pub mod care_rule {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "care_rule")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub trigger: String,
        pub offset_days: i32,
        pub member_levels: String,
        pub callback_content: String,
        pub assign_to: String,
        pub enabled: bool,
        pub version: i32,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_by: Option<i64>,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// 会员级别 (E-04 codes).
        pub fn levels(&self) -> Vec<String> {
            self.member_levels.split(',').filter(|l| !l.is_empty()).map(str::to_string).collect()
        }
    }
}

/// sea-orm entity of `care_run`.
pub mod care_run {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "care_run")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub run_day: Date,
        pub started_how: String,
        pub started_by: Option<i64>,
        pub started_at: DateTimeUtc,
        pub finished_at: Option<DateTimeUtc>,
        pub state: String,
        pub rules: i32,
        pub examined: i64,
        pub created: i64,
        pub message: Option<String>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
