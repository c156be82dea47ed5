//! sea-orm entities of the archive tables (migration `m20261123_000003_archive`).

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod entry_review {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "entry_review")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub target_type: String,
        pub target_id: i64,
        pub summary: String,
        pub submitted_by: i64,
        pub organization_id: i64,
        pub submitted_at: DateTimeUtc,
        pub approver_id: Option<i64>,
        pub status: String,
        pub decided_at: Option<DateTimeUtc>,
        pub decision_comment: Option<String>,
        pub revision: i32,
        pub duplicate_acknowledged: bool,
        pub duplicate_reason: Option<String>,
    }
    no_relations!();
}

pub mod import_job {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "import_job")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kind: String,
        pub file_name: String,
        pub uploaded_by: i64,
        pub organization_id: i64,
        pub uploaded_at: DateTimeUtc,
        pub status: String,
        pub total_rows: i32,
        pub valid_rows: i32,
        pub error_rows: i32,
        pub duplicate_rows: i32,
        pub imported_rows: i32,
        pub approver_id: Option<i64>,
        pub review_id: Option<i64>,
        pub committed_at: Option<DateTimeUtc>,
        pub undone_at: Option<DateTimeUtc>,
        pub undone_by: Option<i64>,
        pub message: Option<String>,
    }
    no_relations!();
}

pub mod import_row {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "import_row")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub job_id: i64,
        pub line: i32,
        pub status: String,
        pub data: String,
        pub errors: String,
        pub duplicates: String,
        pub record_id: Option<i64>,
    }
    no_relations!();
}

pub mod duplicate_candidate {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "duplicate_candidate")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub entity_type: String,
        pub record_id: i64,
        pub matched_record_id: i64,
        pub match_rule: String,
        pub score: f64,
        pub status: String,
        pub reason: Option<String>,
        pub detected_at: DateTimeUtc,
        pub resolved_by: Option<i64>,
        pub resolved_at: Option<DateTimeUtc>,
    }
    no_relations!();
}
