//! sea-orm entities of 履约 (migration `m20261211_000001_fulfilment`). `…_bp` columns are
//! hundredths of a percent (see `Pct`).
pub mod fulfilment_scheme {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "fulfilment_scheme")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub version_no: i32,
        pub effective_from: Date,
        pub is_current: bool,
        pub note: Option<String>,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod fulfilment_item_def {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "fulfilment_item_def")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub scheme_id: i64,
        pub member_level: String,
        pub name: String,
        pub weight_bp: i32,
        pub item_kind: String,
        pub target_quantity: Option<i32>,
        pub unit_label: Option<String>,
        pub linked_email_kind: Option<String>,
        pub sort_order: i32,
        pub description: Option<String>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// What a year's item copies of its definition: `item_def_id`, `name`, `weight_bp`,
        /// `item_kind`, `target_quantity`, `linked_email_kind`, `sort_order`.
        pub fn copied(&self) -> [sea_orm::Value; 7] {
            [
                self.id.into(),
                self.name.clone().into(),
                self.weight_bp.into(),
                self.item_kind.clone().into(),
                self.target_quantity.into(),
                self.linked_email_kind.clone().into(),
                self.sort_order.into(),
            ]
        }
    }
}

pub mod member_fulfilment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "member_fulfilment")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub customer_id: i64,
        pub scheme_id: i64,
        pub member_level: String,
        pub org_id: i64,
        pub period_start: Date,
        pub period_end: Date,
        pub progress_bp: i32,
        pub status: String,
        pub is_current: bool,
        pub closed_reason: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod member_fulfilment_item {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "member_fulfilment_item")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub member_fulfilment_id: i64,
        pub item_def_id: i64,
        pub name: String,
        pub weight_bp: i32,
        pub item_kind: String,
        pub target_quantity: Option<i32>,
        pub linked_email_kind: Option<String>,
        pub sort_order: i32,
        pub quantity_done: i32,
        pub status: String,
        pub completed_at: Option<DateTimeUtc>,
        pub completed_by: Option<i64>,
        pub remark: Option<String>,
        pub version: i32,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// The item as the progress rule reads it.
        pub fn state(&self) -> crate::fulfilment::ItemState {
            use crate::fulfilment::{ItemKind, ItemState, ItemStatus, Pct};
            ItemState {
                weight: Pct(i64::from(self.weight_bp)),
                kind: ItemKind::parse(&self.item_kind).unwrap_or(ItemKind::Simple),
                target: self.target_quantity,
                quantity: self.quantity_done,
                done: ItemStatus::parse(&self.status) == Some(ItemStatus::Done),
            }
        }
    }
}

pub mod fulfilment_event {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "fulfilment_event")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub member_fulfilment_id: i64,
        pub member_fulfilment_item_id: Option<i64>,
        pub item_name: String,
        pub action: String,
        pub old_value: Option<String>,
        pub new_value: Option<String>,
        pub reason: Option<String>,
        pub actor_id: Option<i64>,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod precise_match {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "precise_match")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub customer_id: i64,
        pub member_fulfilment_id: i64,
        pub seq_no: i32,
        pub title: String,
        pub counterpart_company: Option<String>,
        pub counterpart_contact: Option<String>,
        pub content: Option<String>,
        pub provided_at: DateTimeUtc,
        pub provided_by: i64,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// The record as the pages show it, `provided_by` named.
        pub fn view(self, provided_by: String) -> crate::fulfilment::track::MatchView {
            crate::fulfilment::track::MatchView {
                seq_no: self.seq_no,
                title: self.title,
                counterpart_company: self.counterpart_company.unwrap_or_default(),
                counterpart_contact: self.counterpart_contact.unwrap_or_default(),
                content: self.content.unwrap_or_default(),
                provided_at: self.provided_at,
                provided_by,
            }
        }
    }
}
