//! sea-orm entity of `task` (migration `m20261206_000006_tasks`).
pub mod task {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "task")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub title: String,
        pub description: Option<String>,
        pub assignee_id: i64,
        pub creator_id: Option<i64>,
        pub organization_id: i64,
        pub priority: String,
        pub due_at: Option<DateTimeUtc>,
        pub remind_at: Option<DateTimeUtc>,
        pub status: String,
        pub source: String,
        pub related_type: Option<String>,
        pub related_id: Option<i64>,
        pub completed_at: Option<DateTimeUtc>,
        pub completion_note: Option<String>,
        pub version: i32,
        pub created_at: DateTimeUtc,
        pub updated_by: Option<i64>,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// 关联对象's kind (`None`: not related, or a code this build does not know).
        pub fn related(&self) -> Option<crate::tasks::TaskRelated> {
            self.related_type.as_deref().and_then(crate::tasks::TaskRelated::parse)
        }
    }
}
