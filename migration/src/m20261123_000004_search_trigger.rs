//! The search index (SQLite FTS5) is rewritten for a customer only when one of its gram
//! columns really changes: a CM sync or an edit that sets them to the same values (most
//! updates) no longer deletes and re-inserts the customer's index entries.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const GRAMS: [&str; 4] = ["name_grams", "login_grams", "email_grams", "phone_grams"];

/// Replaces trigger `from` by `to` (a new name: SQLite refuses to re-create a dropped trigger's
/// name in the same migration run), firing only on real changes when `only_changes`.
async fn replace_trigger(m: &SchemaManager<'_>, from: &str, to: &str, only_changes: bool) -> Result<(), DbErr> {
    if m.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
        return Ok(());
    }
    let db = m.get_connection();
    let cols = GRAMS.join(", ");
    let new_vals = GRAMS.map(|g| format!("new.{g}")).join(", ");
    let when = if only_changes {
        format!("WHEN {}", GRAMS.map(|g| format!("old.{g} IS NOT new.{g}")).join(" OR "))
    } else {
        String::new()
    };
    db.execute_unprepared(&format!(
        "CREATE TRIGGER {to} AFTER UPDATE OF {cols} ON customer {when} BEGIN \
         DELETE FROM customer_fts WHERE rowid = old.id; \
         INSERT INTO customer_fts(rowid, {cols}) VALUES (new.id, {new_vals}); END"
    ))
    .await?;
    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {from}")).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        replace_trigger(m, "customer_fts_upd", "customer_fts_upd_changed", true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        replace_trigger(m, "customer_fts_upd_changed", "customer_fts_upd", false).await
    }
}
