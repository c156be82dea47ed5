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
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use crate::text::search_text;
use crate::util::{a, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Customers per statement: two values each, well under both databases' parameter limits.
const BATCH: u64 = 5_000;

/// Fills `name_text` of every customer with a company name, one UPDATE per batch.
pub async fn backfill(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let mut last = 0i64;
    loop {
        let mut q = Query::select();
        q.columns([a("id"), a("company_name")])
            .from(a("customer"))
            .and_where(Expr::col(a("id")).gt(last))
            .order_by(a("id"), Order::Asc)
            .limit(BATCH);
        let rows = db.query_all(&q).await?;
        let Some(end) = rows.last() else { return Ok(()) };
        last = end.try_get::<i64>("", "id")?;
        let mut values: Vec<Value> = Vec::with_capacity(rows.len() * 2);
        for row in &rows {
            let text = row.try_get::<Option<String>>("", "company_name")?.map(|n| search_text(&n)).unwrap_or_default();
            if !text.is_empty() {
                values.push(row.try_get::<i64>("", "id")?.into());
                values.push(text.into());
            }
        }
        if values.is_empty() {
            continue;
        }
        let tuples: Vec<String> = (0..values.len() / 2)
            .map(|i| match backend {
                DbBackend::Postgres => format!("(${}, ${})", 2 * i + 1, 2 * i + 2),
                _ => "(?, ?)".to_string(),
            })
            .collect();
        let sql = format!(
            "UPDATE customer SET name_text = v.column2 FROM (VALUES {}) AS v WHERE customer.id = v.column1",
            tuples.join(", ")
        );
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    }
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
