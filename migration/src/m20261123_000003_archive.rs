//! Archive entry and review (SPEC K2, K3, J3, SM-6): the review of each entered customer,
//! contact or import batch, the suspected duplicates an entrant acknowledged, the import jobs
//! with their staged rows (preview before commit), and a review status on contacts.
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, fk, id, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a("import_job"))
            .col(id())
            .col(string_len(a("kind"), 20))
            .col(string_len(a("file_name"), 255))
            .col(big_integer(a("uploaded_by")))
            .foreign_key(&mut fk("import_job", "uploaded_by", "account"))
            .col(big_integer(a("organization_id")))
            .col(timestamp_with_time_zone(a("uploaded_at")))
            .col(string_len(a("status"), 20))
            .col(integer(a("total_rows")).default(0))
            .col(integer(a("valid_rows")).default(0))
            .col(integer(a("error_rows")).default(0))
            .col(integer(a("duplicate_rows")).default(0))
            .col(integer(a("imported_rows")).default(0))
            .col(big_integer_null(a("approver_id")))
            .col(big_integer_null(a("review_id")))
            .col(timestamp_with_time_zone_null(a("committed_at")))
            .col(timestamp_with_time_zone_null(a("undone_at")))
            .col(big_integer_null(a("undone_by")))
            .col(text_null(a("message")));
        m.create_table(t.take()).await?;
        m.create_index(idx("import_job", "ix_import_job_uploader", &["uploaded_by", "uploaded_at"])).await?;

        let mut t = Table::create();
        t.table(a("import_row"))
            .col(id())
            .col(big_integer(a("job_id")))
            .foreign_key(&mut fk("import_row", "job_id", "import_job"))
            .col(integer(a("line")))
            // valid | error | duplicate
            .col(string_len(a("status"), 12))
            .col(text(a("data")))
            .col(text(a("errors")).default("[]"))
            .col(text(a("duplicates")).default("[]"))
            .col(big_integer_null(a("record_id")));
        m.create_table(t.take()).await?;
        m.create_index(idx("import_row", "ix_import_row_job", &["job_id", "line"])).await?;

        let mut t = Table::create();
        t.table(a("entry_review"))
            .col(id())
            .col(string_len(a("target_type"), 16))
            .col(big_integer(a("target_id")))
            .col(string_len(a("summary"), 300))
            .col(big_integer(a("submitted_by")))
            .foreign_key(&mut fk("entry_review", "submitted_by", "account"))
            .col(big_integer(a("organization_id")))
            .col(timestamp_with_time_zone(a("submitted_at")))
            .col(big_integer_null(a("approver_id")))
            .col(string_len(a("status"), 12))
            .col(timestamp_with_time_zone_null(a("decided_at")))
            .col(string_len_null(a("decision_comment"), 500))
            .col(integer(a("revision")).default(1))
            .col(boolean(a("duplicate_acknowledged")).default(false))
            .col(string_len_null(a("duplicate_reason"), 255));
        m.create_table(t.take()).await?;
        m.create_index(idx("entry_review", "ux_entry_review_target", &["target_type", "target_id"]).unique().take())
            .await?;
        m.create_index(idx("entry_review", "ix_entry_review_approver", &["approver_id", "status"])).await?;
        m.create_index(idx("entry_review", "ix_entry_review_submitter", &["submitted_by", "status"])).await?;

        let mut t = Table::create();
        t.table(a("duplicate_candidate"))
            .col(id())
            .col(string_len(a("entity_type"), 16))
            .col(big_integer(a("record_id")))
            .col(big_integer(a("matched_record_id")))
            .col(string_len(a("match_rule"), 32))
            .col(double(a("score")))
            .col(string_len(a("status"), 12))
            .col(string_len_null(a("reason"), 255))
            .col(timestamp_with_time_zone(a("detected_at")))
            .col(big_integer_null(a("resolved_by")))
            .col(timestamp_with_time_zone_null(a("resolved_at")));
        m.create_table(t.take()).await?;
        m.create_index(
            idx("duplicate_candidate", "ux_duplicate_pair", &["entity_type", "record_id", "matched_record_id"])
                .unique()
                .take(),
        )
        .await?;

        m.alter_table(
            Table::alter()
                .table(a("contact"))
                .add_column(string_len(a("review_status"), 12).default("approved"))
                .take(),
        )
        .await?;
        m.create_index(idx("contact", "ix_contact_import", &["import_job_id"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_contact_import").table(a("contact")).to_owned()).await?;
        m.alter_table(Table::alter().table(a("contact")).drop_column(a("review_status")).take()).await?;
        for t in ["duplicate_candidate", "entry_review", "import_row", "import_job"] {
            m.drop_table(Table::drop().table(a(t)).take()).await?;
        }
        Ok(())
    }
}
