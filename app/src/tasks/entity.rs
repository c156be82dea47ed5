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
        /// The 关怀规则 that made the task, and the occasion (`rule:member:day`, unique).
        pub care_rule_id: Option<i64>,
        pub care_key: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_by: Option<i64>,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}

    impl ActiveModel {
        /// A task to do that `user` creates now in the user's organisation, with what every new
        /// task starts with (normal priority, written by hand); the caller sets what it is about.
        pub fn new_task(
            user: &crate::auth::session::CurrentUser,
            assignee: i64,
            title: String,
            now: DateTimeUtc,
        ) -> Self {
            use crate::tasks::{TaskSource, TaskStatus};
            use sea_orm::ActiveValue::Set;
            Self {
                title: Set(title),
                assignee_id: Set(assignee),
                creator_id: Set(Some(user.account.id)),
                organization_id: Set(user.org.id),
                priority: Set(crate::requests::Priority::Normal.code().into()),
                status: Set(TaskStatus::Todo.code().into()),
                source: Set(TaskSource::Manual.code().into()),
                version: Set(1),
                created_at: Set(now),
                updated_by: Set(Some(user.account.id)),
                updated_at: Set(now),
                ..Default::default()
            }
        }
    }

    impl Model {
        /// 关联对象's kind (`None`: not related, or a code this build does not know).
        pub fn related(&self) -> Option<crate::tasks::TaskRelated> {
            self.related_type.as_deref().and_then(crate::tasks::TaskRelated::parse)
        }
    }
}
