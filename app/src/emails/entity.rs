//! sea-orm entities of 会员邮件服务 (migration `m20261210_000002_email`).

pub mod system_setting {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "system_setting")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub value: String,
        pub updated_by: Option<i64>,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod email_template {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "email_template")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub email_kind: String,
        pub subject: String,
        pub body_html: String,
        pub is_active: bool,
        pub version: i32,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_by: Option<i64>,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod email_batch {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "email_batch")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub batch_no: String,
        pub email_kind: String,
        pub template_id: Option<i64>,
        pub subject: String,
        pub body_html: String,
        pub filter_snapshot: String,
        pub service_mode: String,
        pub service_dept: String,
        pub organization_id: i64,
        pub sender_id: i64,
        pub status: String,
        pub recipient_count: i32,
        pub sent_count: i32,
        pub failed_count: i32,
        pub sent_at: Option<DateTimeUtc>,
        pub finished_at: Option<DateTimeUtc>,
        pub version: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod email_recipient {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "email_recipient")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub batch_id: i64,
        pub customer_id: i64,
        pub email: String,
        pub status: String,
        pub attempts: i32,
        pub next_attempt_at: Option<DateTimeUtc>,
        pub lease_until: Option<DateTimeUtc>,
        pub message_id: Option<String>,
        pub sent_at: Option<DateTimeUtc>,
        pub error_message: Option<String>,
        pub service_record_id: Option<i64>,
        pub push_log_id: Option<i64>,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod attachment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attachment")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub owner_type: String,
        pub owner_id: Option<i64>,
        pub file_name: String,
        pub mime_type: String,
        pub size_bytes: i64,
        pub storage_key: String,
        pub uploaded_by: i64,
        pub uploaded_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
