//! 企业名称 search is exact (SPEC §8.3.4): the search index only proposes candidates, a
//! substring test on the normalised company name decides. The customer keeps that normalised
//! name (`name_text`, `crate::text::search_text` of `company_name`); existing customers get it
//! here, in batches by id (NFKC has no SQL equivalent on SQLite). A query without any indexable
//! character (`%`, `（`) is tested against every customer's `name_text`: on SQLite its index
//! makes that a scan of a narrow covering index (30k demo customers: 305 pages against the
//! table's 6,495) instead of the customer table. PostgreSQL scans the table (in parallel) and
//! gets no such index: a B-tree entry is limited to ~2.7 kB, which NFKC can exceed (one
//! character may become 18).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::text::search_text;
use crate::util::{a, backfill_derived, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Fills `name_text` of every customer with a company name.
pub async fn backfill(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    backfill_derived(db, "customer", "company_name", &[("name_text", search_text)]).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("customer"))
                .add_column(ColumnDef::new(a("name_text")).text().not_null().default(""))
                .take(),
        )
        .await?;
        backfill(m.get_connection()).await?;
        if m.get_database_backend() == DbBackend::Sqlite {
            m.create_index(idx("customer", "ix_customer_name_text", &["name_text"])).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Sqlite {
            m.drop_index(Index::drop().name("ix_customer_name_text").table(a("customer")).to_owned()).await?;
        }
        m.alter_table(Table::alter().table(a("customer")).drop_column(a("name_text")).take()).await
    }
}
