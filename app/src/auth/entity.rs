//! sea-orm entities of the foundation tables (migration `m20261123_000001_foundation`).
//! Enumerations are stored as their snake_case codes and converted at the DTO boundary.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod region {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "region")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub name: String,
        pub level: i16,
        pub parent_id: Option<i64>,
        pub full_name: String,
        pub sort_order: i32,
        pub is_active: bool,
    }
    no_relations!();
}

pub mod industry {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "industry")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub name: String,
        pub level: i16,
        pub parent_id: Option<i64>,
        pub cm_code: Option<String>,
        pub full_name: String,
        pub sort_order: i32,
        pub is_active: bool,
    }
    no_relations!();
}

pub mod organization {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organization")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub name: String,
        pub org_type: String,
        pub department_kind: Option<String>,
        pub parent_id: Option<i64>,
        pub cm_org_code: Option<String>,
        pub region_id: Option<i64>,
        pub address: Option<String>,
        pub phone: Option<String>,
        pub contact_person: Option<String>,
        pub email: Option<String>,
        pub platform_url: Option<String>,
        pub sort_order: i32,
        pub is_active: bool,
        pub created_at: DateTimeUtc,
        pub created_by: Option<i64>,
        pub updated_at: DateTimeUtc,
        pub updated_by: Option<i64>,
        pub version: i32,
    }
    no_relations!();
}

pub mod organization_region {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organization_region")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub organization_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub region_id: i64,
    }
    no_relations!();
}

pub mod permission {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "permission")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub parent_code: Option<String>,
        pub name_zh: String,
        pub name_en: String,
        pub node_type: String,
        pub company_cs_only: bool,
        pub inferred: bool,
        pub sort_order: i32,
    }
    no_relations!();
}

pub mod role {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "role")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub name: String,
        pub name_en: String,
        pub role_category: String,
        pub data_scope: String,
        pub is_builtin: bool,
        pub description: Option<String>,
        pub sort_order: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

pub mod role_permission {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "role_permission")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub role_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub permission_code: String,
    }
    no_relations!();
}

pub mod account {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "account")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub admin_id: String,
        pub admin_id_key: String,
        pub name: String,
        pub password_hash: String,
        pub email: String,
        pub email_key: String,
        pub phone: Option<String>,
        pub status: String,
        pub role_category: String,
        pub role_id: i64,
        pub organization_id: i64,
        pub permission_mode: String,
        pub opened_at: DateTimeUtc,
        pub opened_by: Option<i64>,
        pub review_exempt: bool,
        pub can_review: bool,
        pub must_change_password: bool,
        pub failed_login_count: i32,
        pub locked_until: Option<DateTimeUtc>,
        pub last_login_at: Option<DateTimeUtc>,
        pub last_login_ip: Option<String>,
        pub locale: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub updated_by: Option<i64>,
        pub version: i32,
    }
    no_relations!();
}

pub mod account_permission {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "account_permission")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub account_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub permission_code: String,
        pub granted_by: i64,
        pub granted_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod user_session {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_session")]
    pub struct Model {
        /// SHA-256 of the cookie token; the token itself is never stored.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub account_id: i64,
        pub created_at: DateTimeUtc,
        pub last_seen_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub ip: Option<String>,
        pub user_agent: Option<String>,
        pub revoked_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod captcha_challenge {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "captcha_challenge")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub answer_hash: String,
        pub expires_at: DateTimeUtc,
    }
    no_relations!();
}

/// Login attempts of one address in its current throttling window (migration
/// `m20261202_000005_login_throttle`).
pub mod login_throttle {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_throttle")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub ip: String,
        pub window_start: DateTimeUtc,
        pub attempts: i32,
    }
    no_relations!();
}

pub mod login_log {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub admin_id_attempted: String,
        pub account_id: Option<i64>,
        pub at: DateTimeUtc,
        pub ip: String,
        pub user_agent: Option<String>,
        pub result: String,
    }
    no_relations!();
}

pub mod operation_log {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "operation_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub account_org_id: i64,
        pub at: DateTimeUtc,
        pub module: String,
        pub action: String,
        pub target_type: Option<String>,
        pub target_id: Option<i64>,
        pub target_label: Option<String>,
        pub detail: Option<String>,
        pub ip: Option<String>,
        pub user_agent: Option<String>,
        pub success: bool,
    }
    no_relations!();
}

// Stored codes as their enums (`None`: a code this build does not know).
impl organization::Model {
    pub fn org_type(&self) -> Option<super::OrgType> {
        super::OrgType::parse(&self.org_type)
    }
    /// `department_kind` as the enum (`None` for 总部 and 代表处, and for unknown codes).
    pub fn department_kind(&self) -> Option<super::DepartmentKind> {
        self.department_kind.as_deref().and_then(super::DepartmentKind::parse)
    }
}

impl permission::Model {
    /// A module, or a node that can be granted (an unknown type is treated as grantable: the
    /// grant rules still decide).
    pub fn is_module(&self) -> bool {
        super::NodeType::parse(&self.node_type) == Some(super::NodeType::Module)
    }
}

impl account::Model {
    pub fn status(&self) -> Option<super::AccountStatus> {
        super::AccountStatus::parse(&self.status)
    }
    pub fn permission_mode(&self) -> Option<super::PermissionMode> {
        super::PermissionMode::parse(&self.permission_mode)
    }
}
