//! 按会员 lists members newest service first, members never served last, on PostgreSQL as
//! `ORDER BY last_service_at DESC NULLS LAST, id DESC`. The plain `ix_customer_last_service`
//! read backwards gives NULLS FIRST, so PostgreSQL could not walk it for that order and sorted
//! every matching member instead (电子科技 at 1M: 450 ms). SQLite puts NULLs last in a
//! descending order already and walks the plain index.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "CREATE INDEX ix_customer_last_service_desc ON customer (last_service_at DESC NULLS LAST, id DESC)",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            m.get_connection().execute_unprepared("DROP INDEX ix_customer_last_service_desc").await?;
        }
        Ok(())
    }
}
