//! sea-orm entities of 流失预警 (migration `m20261213_000001_churn`).

pub mod churn_rule {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "churn_rule")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub name: String,
        pub enabled: bool,
        pub threshold: Option<i32>,
        pub score: i32,
        pub version: i32,
        pub updated_by: Option<i64>,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod churn_warning {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "churn_warning")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub customer_id: i64,
        pub risk_level: String,
        pub score: i32,
        pub reasons: String,
        pub detected_at: DateTimeUtc,
        pub last_evaluated_at: DateTimeUtc,
        pub status: String,
        pub assignee_id: Option<i64>,
        pub handled_by: Option<i64>,
        pub handled_at: Option<DateTimeUtc>,
        pub resolution_note: Option<String>,
        pub version: i32,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod churn_run {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "churn_run")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub run_day: Date,
        pub started_how: String,
        pub started_by: Option<i64>,
        pub started_at: DateTimeUtc,
        pub finished_at: Option<DateTimeUtc>,
        pub state: String,
        pub examined: i64,
        pub raised: i64,
        pub updated: i64,
        pub closed: i64,
        pub message: Option<String>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
