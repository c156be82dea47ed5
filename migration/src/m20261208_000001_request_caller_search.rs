//! 客户姓名 on 诉求列表 searches the caller's name as SPEC §8.3.4 searches text: the request keeps
//! its normalised name (`caller_text`, `text::search_text` of `caller_name`) and its bigrams
//! (`caller_grams`, `text::grams`); the index proposes, a substring test on `caller_text`
//! decides. SQLite indexes the grams with a contentless FTS5 table kept in step by triggers,
//! PostgreSQL with GIN over `to_tsvector('simple', …)` — the customer search's scheme.
//! On SQLite the narrow filter index (`ix_request_filters`) also carries `caller_text`, so a
//! common name ("王", a tenth of all callers) is tested on index entries while walking the list
//! instead of on 2M wide rows; PostgreSQL keeps the index as it was (a B-tree entry is limited
//! to ~2.7 kB, which NFKC can exceed).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::text::{grams, search_text};
use crate::util::{a, backfill_derived, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The filter index of `m20261207_000002`, and its successor with `caller_text` at the end (a
/// new name: SQLite refuses to re-create a dropped index's name in the same migration run).
const FILTERS: [&str; 2] = ["ix_request_filters", "ix_request_filters_caller"];

fn filter_index(caller: bool) -> IndexCreateStatement {
    let mut columns = crate::m20261207_000002_request_filter_index::COLUMNS.to_vec();
    if caller {
        columns.push("caller_text");
    }
    idx("service_request", FILTERS[caller as usize], &columns)
}

async fn replace_filter_index(m: &SchemaManager<'_>, caller: bool) -> Result<(), DbErr> {
    if m.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    m.create_index(filter_index(caller)).await?;
    m.get_connection().execute_unprepared(&format!("DROP INDEX IF EXISTS {}", FILTERS[!caller as usize])).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["caller_text", "caller_grams"] {
            m.alter_table(
                Table::alter()
                    .table(a("service_request"))
                    .add_column(ColumnDef::new(a(col)).text().not_null().default(""))
                    .take(),
            )
            .await?;
        }
        let db = m.get_connection();
        backfill_derived(
            db,
            "service_request",
            "caller_name",
            &[("caller_text", search_text), ("caller_grams", grams)],
        )
        .await?;
        if m.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "CREATE INDEX ix_request_caller_grams ON service_request USING gin (to_tsvector('simple', caller_grams))",
            )
            .await?;
            return Ok(());
        }
        for sql in [
            "CREATE VIRTUAL TABLE request_caller_fts USING fts5(caller_grams, content='', contentless_delete=1, \
             tokenize='unicode61 remove_diacritics 0')",
            "INSERT INTO request_caller_fts(rowid, caller_grams) \
             SELECT id, caller_grams FROM service_request WHERE caller_grams <> ''",
            "CREATE TRIGGER request_caller_fts_ins AFTER INSERT ON service_request BEGIN \
             INSERT INTO request_caller_fts(rowid, caller_grams) VALUES (new.id, new.caller_grams); END",
            "CREATE TRIGGER request_caller_fts_upd AFTER UPDATE OF caller_grams ON service_request \
             WHEN old.caller_grams IS NOT new.caller_grams BEGIN \
             DELETE FROM request_caller_fts WHERE rowid = old.id; \
             INSERT INTO request_caller_fts(rowid, caller_grams) VALUES (new.id, new.caller_grams); END",
            "CREATE TRIGGER request_caller_fts_del AFTER DELETE ON service_request BEGIN \
             DELETE FROM request_caller_fts WHERE rowid = old.id; END",
        ] {
            db.execute_unprepared(sql).await?;
        }
        replace_filter_index(m, true).await?;
        // Without statistics for the new index SQLite misjudges it against the office's own.
        crate::analyze_if_analysed(db, "service_request").await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP INDEX IF EXISTS ix_request_caller_grams").await?;
        } else {
            replace_filter_index(m, false).await?;
            for t in ["request_caller_fts_ins", "request_caller_fts_upd", "request_caller_fts_del"] {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t}")).await?;
            }
            db.execute_unprepared("DROP TABLE IF EXISTS request_caller_fts").await?;
        }
        for col in ["caller_grams", "caller_text"] {
            m.alter_table(Table::alter().table(a("service_request")).drop_column(a(col)).take()).await?;
        }
        Ok(())
    }
}
