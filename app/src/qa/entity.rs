//! sea-orm entity of `qa_record` (migration `m20261211_000002_qa`, SPEC H1).

pub mod qa_record {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "qa_record")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub request_id: i64,
        pub inspector_id: i64,
        /// E-14 code (`QaResult`).
        pub qa_result: String,
        pub remark: Option<String>,
        /// Snapshots of the request when it was inspected.
        pub inspected_agent_id: i64,
        pub accepting_dept: String,
        pub accepting_org_id: i64,
        pub inspected_at: DateTimeUtc,
        /// The request's one current record; an amendment supersedes it.
        pub is_current: bool,
        pub superseded_by_id: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
