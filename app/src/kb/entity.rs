//! sea-orm entities of 知识库 (migration `m20261212_000001_kb`).
pub mod category {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "kb_category")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub parent_id: Option<i64>,
        pub title: String,
        pub heading_no: Option<i32>,
        pub sort_order: i32,
        pub is_builtin: bool,
        pub updated_by: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod article {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "kb_article")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub category_id: i64,
        pub title: String,
        pub content_html: String,
        pub content_text: String,
        pub keywords: String,
        pub applicable_levels: String,
        pub status: String,
        pub version: i32,
        pub published_at: Option<DateTimeUtc>,
        pub view_count: i64,
        pub index_seq: i64,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_by: i64,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        pub fn status(&self) -> crate::kb::ArticleStatus {
            crate::kb::ArticleStatus::parse(&self.status).unwrap_or(crate::kb::ArticleStatus::Draft)
        }

        pub fn levels(&self) -> Vec<crate::members::enums::MemberLevel> {
            self.applicable_levels.split(',').filter_map(crate::members::enums::MemberLevel::parse).collect()
        }
    }
}

pub mod revision {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "kb_article_revision")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub article_id: i64,
        pub version: i32,
        pub category_id: i64,
        pub title: String,
        pub content_html: String,
        pub keywords: String,
        pub applicable_levels: String,
        pub status: String,
        pub edited_by: i64,
        pub edited_at: DateTimeUtc,
        pub change_note: String,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod search_log {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "kb_search_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub query: String,
        pub result_count: i32,
        pub source: String,
        pub account_id: i64,
        pub searched_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod state {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "kb_state")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub generation: i64,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
