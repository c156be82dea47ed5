//! Phone numbers are also indexed by their triples of digits (`text::phone_grams`): a typed
//! fragment of a number was looked up by its digit pairs, each in a tenth of all numbers, so
//! six digits read ~750k postings at 1M customers. Every customer's `phone_grams` is rebuilt
//! here; the search index follows (SQLite: the update trigger; PostgreSQL: its GIN index).
use sea_orm_migration::prelude::*;

use crate::text::{normalize, phone_grams};
use crate::util::backfill_from;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The digits of the mobile and the fixed number (one line each, as read), one number per run.
fn grams_of_phones(phones: &str) -> String {
    let numbers: Vec<String> =
        phones.lines().map(|p| normalize(p).chars().filter(char::is_ascii_digit).collect()).collect();
    phone_grams(&numbers.join(" "))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        backfill_from(db, "customer", &["phone_mobile", "phone_fixed"], &[("phone_grams", grams_of_phones)]).await?;
        if m.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Sqlite {
            // Every customer's entries were deleted and written again: merge the index's
            // segments and drop the deleted entries, as a freshly built index is.
            db.execute_unprepared("INSERT INTO customer_fts(customer_fts) VALUES ('optimize')").await?;
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // The triples do no harm to the pairs' queries: nothing to undo.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_backfill_indexes_the_digits_as_the_writer_does() {
        // (`members::bulk` writes `phone_grams` of "mobile-digits fixed-digits".)
        assert_eq!(
            super::grams_of_phones("138-1234-5678\n(020) 8765"),
            crate::text::phone_grams("13812345678 0208765")
        );
        assert_eq!(super::grams_of_phones("\n020 8765"), crate::text::phone_grams(" 0208765"));
    }
}
