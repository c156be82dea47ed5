//! Members (SPEC §3.4 C, D, E5): customers and contacts, service records, the CM data
//! (published info, info-push log, sync runs) and the bigram search index over company name,
//! login name, e-mail and phones (DESIGN §4): SQLite FTS5 kept by triggers, PostgreSQL GIN
//! over `to_tsvector('simple', …)` expressions.
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, fk, id, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// created/updated audit columns, optimistic lock and (optionally) soft delete.
fn audit(t: &mut TableCreateStatement, soft_delete: bool) {
    t.col(timestamp_with_time_zone(a("created_at")))
        .col(big_integer_null(a("created_by")))
        .col(timestamp_with_time_zone(a("updated_at")))
        .col(big_integer_null(a("updated_by")))
        .col(integer(a("version")).default(1));
    if soft_delete {
        t.col(timestamp_with_time_zone_null(a("deleted_at"))).col(big_integer_null(a("deleted_by")));
    }
}

fn industry_cols(t: &mut TableCreateStatement, table: &str) {
    for l in ["industry_l1_id", "industry_l2_id", "industry_l3_id"] {
        t.col(big_integer_null(a(l))).foreign_key(&mut fk(table, l, "industry"));
    }
}

const GRAMS: [&str; 4] = ["name_grams", "login_grams", "email_grams", "phone_grams"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a("customer"))
            .col(id())
            .col(string_len_uniq(a("customer_no"), 20))
            .col(string_len_null(a("cm_member_id"), 64))
            .col(string_len(a("customer_type"), 16))
            .col(string_len_null(a("company_name"), 200))
            .col(string_len(a("company_name_norm"), 200).default(""))
            .col(string_len_null(a("login_name"), 64))
            .col(string_len_null(a("login_name_key"), 64))
            .col(string_len_null(a("registered_email"), 100))
            .col(string_len_null(a("email_key"), 100))
            .col(string_len_null(a("contact_name"), 50))
            .col(string_len_null(a("phone_fixed"), 30))
            .col(string_len_null(a("phone_mobile"), 20));
        for l in ["region_province_id", "region_city_id", "region_district_id"] {
            t.col(big_integer_null(a(l))).foreign_key(&mut fk("customer", l, "region"));
        }
        t.col(string_len_null(a("address"), 255));
        industry_cols(&mut t, "customer");
        t.col(big_integer(a("organization_id")))
            .foreign_key(&mut fk("customer", "organization_id", "organization"))
            .col(string_len_null(a("enterprise_status"), 16))
            .col(string_len_null(a("enterprise_category"), 16))
            .col(string_len_null(a("member_level"), 20))
            .col(string_len_null(a("business_category"), 200))
            .col(timestamp_with_time_zone_null(a("platform_registered_at")))
            .col(date_null(a("service_start_date")))
            .col(date_null(a("service_end_date")))
            .col(boolean(a("push_enabled")).default(false))
            .col(string_len_null(a("registration_source"), 20))
            .col(boolean(a("has_avatar")).default(false))
            .col(integer_null(a("member_points")))
            .col(string_len(a("info_source"), 20))
            .col(string_len(a("entry_method"), 20))
            .col(string_len(a("review_status"), 16))
            .col(big_integer_null(a("reviewer_id")))
            .col(timestamp_with_time_zone_null(a("reviewed_at")))
            .col(string_len_null(a("review_reason"), 500))
            .col(big_integer_null(a("import_job_id")))
            .col(big_integer_null(a("owner_agent_id")))
            .foreign_key(&mut fk("customer", "owner_agent_id", "account"))
            .col(string_len_null(a("fulfilment_status"), 16))
            .col(double_null(a("fulfilment_progress")))
            .col(timestamp_with_time_zone_null(a("last_service_at")))
            .col(text_null(a("remarks")))
            .col(timestamp_with_time_zone_null(a("cm_synced_at")))
            .col(big_integer_null(a("merged_into_id")));
        for g in GRAMS {
            t.col(text(a(g)).default(""));
        }
        audit(&mut t, true);
        m.create_table(t.take()).await?;
        let unique =
            |name: &str, col: &str| Index::create().name(name).table(a("customer")).col(a(col)).unique().take();
        m.create_index(unique("ux_customer_cm_id", "cm_member_id")).await?;
        m.create_index(unique("ux_customer_login", "login_name_key")).await?;
        for (name, cols) in [
            ("ix_customer_org", &["organization_id", "member_level"][..]),
            ("ix_customer_level", &["member_level", "organization_id"]),
            // 会员级别 is in most queries, with a region or a service date.
            ("ix_customer_level_region", &["member_level", "region_province_id"]),
            ("ix_customer_level_start", &["member_level", "service_start_date"]),
            ("ix_customer_level_end", &["member_level", "service_end_date"]),
            ("ix_customer_region", &["region_province_id", "region_city_id", "region_district_id"]),
            ("ix_customer_industry", &["industry_l1_id", "industry_l2_id", "industry_l3_id"]),
            ("ix_customer_registered", &["platform_registered_at"]),
            ("ix_customer_start", &["service_start_date"]),
            ("ix_customer_end", &["service_end_date"]),
            ("ix_customer_name_norm", &["company_name_norm"]),
            ("ix_customer_email", &["email_key"]),
            ("ix_customer_mobile", &["phone_mobile"]),
            ("ix_customer_review", &["review_status", "created_by"]),
            // 按会员 lists members by their latest service, newest first.
            ("ix_customer_last_service", &["last_service_at"]),
            ("ix_customer_source", &["info_source", "customer_type"]),
            ("ix_customer_fulfilment", &["fulfilment_status"]),
            ("ix_customer_import", &["import_job_id"]),
        ] {
            m.create_index(idx("customer", name, cols)).await?;
        }
        search_index(m).await?;

        let mut t = Table::create();
        t.table(a("contact"))
            .col(id())
            .col(big_integer(a("customer_id")))
            .foreign_key(&mut fk("contact", "customer_id", "customer"))
            .col(string_len(a("name"), 50))
            .col(string_len_null(a("gender"), 8))
            .col(string_len_null(a("salutation"), 20))
            .col(string_len_null(a("position"), 50))
            .col(string_len_null(a("department"), 50))
            .col(string_len_null(a("mobile"), 20))
            .col(string_len_null(a("phone"), 30))
            .col(string_len_null(a("email"), 100))
            .col(string_len_null(a("im"), 100))
            .col(date_null(a("birthday")))
            .col(string_len_null(a("hobbies"), 255))
            .col(string_len_null(a("address"), 255))
            .col(boolean(a("is_primary")).default(false))
            .col(text_null(a("remarks")))
            .col(big_integer_null(a("import_job_id")));
        audit(&mut t, true);
        m.create_table(t.take()).await?;
        m.create_index(idx("contact", "ix_contact_customer", &["customer_id"])).await?;

        let mut t = Table::create();
        t.table(a("service_record"))
            .col(id())
            .col(big_integer(a("customer_id")))
            .foreign_key(&mut fk("service_record", "customer_id", "customer"))
            .col(string_len(a("source_kind"), 20))
            .col(big_integer(a("source_id")))
            .col(string_len(a("service_type"), 16))
            .col(string_len(a("service_mode"), 16))
            .col(string_len(a("service_dept"), 16))
            .col(big_integer(a("organization_id")))
            .foreign_key(&mut fk("service_record", "organization_id", "organization"))
            .col(big_integer(a("agent_id")))
            .foreign_key(&mut fk("service_record", "agent_id", "account"))
            .col(timestamp_with_time_zone(a("service_at")))
            .col(string_len(a("service_result"), 16))
            .col(string_len_null(a("summary"), 500))
            .col(string_len_null(a("member_level_snapshot"), 20))
            .col(big_integer(a("customer_org_snapshot_id")))
            .col(string_len_null(a("qa_status"), 16))
            .col(string_len_null(a("qa_result"), 16))
            .col(boolean(a("hidden")).default(false))
            .col(timestamp_with_time_zone(a("created_at")))
            .col(timestamp_with_time_zone(a("updated_at")));
        m.create_table(t.take()).await?;
        m.create_index(
            Index::create()
                .name("ux_service_record_source")
                .table(a("service_record"))
                .col(a("source_kind"))
                .col(a("source_id"))
                .unique()
                .take(),
        )
        .await?;
        m.create_index(idx("service_record", "ix_service_record_customer", &["customer_id", "service_at"])).await?;
        m.create_index(idx("service_record", "ix_service_record_at", &["service_at"])).await?;
        m.create_index(idx("service_record", "ix_service_record_type", &["service_type", "service_at"])).await?;
        // 处理有误 is rare: found by index, not by reading every record of the period.
        m.create_index(idx("service_record", "ix_service_record_qa", &["qa_result", "service_at"])).await?;

        let mut t = Table::create();
        t.table(a("published_info"))
            .col(id())
            .col(string_len_uniq(a("cm_info_id"), 64))
            .col(big_integer(a("customer_id")))
            .foreign_key(&mut fk("published_info", "customer_id", "customer"))
            .col(string_len(a("info_type"), 16))
            .col(string_len(a("title"), 300))
            .col(string_len(a("status"), 16));
        industry_cols(&mut t, "published_info");
        t.col(timestamp_with_time_zone(a("published_at")))
            .col(timestamp_with_time_zone_null(a("expires_at")))
            .col(string_len_null(a("url"), 500))
            .col(text(a("title_grams")).default(""))
            .col(timestamp_with_time_zone(a("synced_at")));
        m.create_table(t.take()).await?;
        m.create_index(idx("published_info", "ix_published_info_customer", &["customer_id", "published_at"])).await?;
        m.create_index(idx("published_info", "ix_published_info_at", &["published_at"])).await?;

        let mut t = Table::create();
        t.table(a("info_push_log"))
            .col(id())
            .col(string_len(a("source"), 8))
            .col(string_len_null(a("cm_log_id"), 64))
            .col(big_integer_null(a("email_recipient_id")))
            .col(big_integer(a("customer_id")))
            .foreign_key(&mut fk("info_push_log", "customer_id", "customer"))
            .col(string_len(a("recipient_email"), 100))
            .col(timestamp_with_time_zone(a("sent_at")))
            .col(string_len_null(a("info_title"), 300))
            .col(string_len_null(a("info_type"), 16))
            .col(string_len_null(a("info_status"), 16));
        industry_cols(&mut t, "info_push_log");
        t.col(timestamp_with_time_zone_null(a("info_published_at")))
            .col(string_len_null(a("push_status"), 16))
            .col(timestamp_with_time_zone_null(a("opened_at")))
            .col(timestamp_with_time_zone(a("synced_at")));
        m.create_table(t.take()).await?;
        m.create_index(
            Index::create().name("ux_push_log_cm").table(a("info_push_log")).col(a("cm_log_id")).unique().take(),
        )
        .await?;
        m.create_index(idx("info_push_log", "ix_push_log_customer", &["customer_id", "sent_at"])).await?;
        m.create_index(idx("info_push_log", "ix_push_log_at", &["sent_at"])).await?;

        let mut t = Table::create();
        t.table(a("sync_run"))
            .col(id())
            .col(string_len(a("kind"), 20))
            .col(string_len(a("mode"), 16))
            .col(string_len_null(a("file_name"), 255))
            .col(timestamp_with_time_zone(a("started_at")))
            .col(timestamp_with_time_zone_null(a("finished_at")))
            .col(string_len(a("status"), 16))
            .col(integer(a("rows_read")).default(0))
            .col(integer(a("rows_inserted")).default(0))
            .col(integer(a("rows_updated")).default(0))
            .col(integer(a("rows_skipped")).default(0))
            .col(integer(a("rows_failed")).default(0))
            .col(text_null(a("error_report")))
            .col(big_integer_null(a("triggered_by")))
            .foreign_key(&mut fk("sync_run", "triggered_by", "account"));
        m.create_table(t.take()).await?;
        m.create_index(idx("sync_run", "ix_sync_run_started", &["started_at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            m.get_connection().execute_unprepared("DROP TABLE IF EXISTS customer_fts").await?;
        }
        for t in ["sync_run", "info_push_log", "published_info", "service_record", "contact", "customer"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}

/// The bigram search index. SQLite: one contentless FTS5 table (a column per field) kept in
/// step by triggers. PostgreSQL: a GIN index per field over `to_tsvector('simple', …)`.
async fn search_index(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        for g in GRAMS {
            db.execute_unprepared(&format!(
                "CREATE INDEX ix_customer_{g} ON customer USING gin (to_tsvector('simple', {g}))"
            ))
            .await?;
        }
        return Ok(());
    }
    let cols = GRAMS.join(", ");
    let new_vals = GRAMS.map(|g| format!("new.{g}")).join(", ");
    db.execute_unprepared(&format!(
        "CREATE VIRTUAL TABLE customer_fts USING fts5({cols}, content='', contentless_delete=1, \
         tokenize='unicode61 remove_diacritics 0')"
    ))
    .await?;
    db.execute_unprepared(&format!(
        "CREATE TRIGGER customer_fts_ins AFTER INSERT ON customer BEGIN \
         INSERT INTO customer_fts(rowid, {cols}) VALUES (new.id, {new_vals}); END"
    ))
    .await?;
    db.execute_unprepared(&format!(
        "CREATE TRIGGER customer_fts_upd AFTER UPDATE OF {cols} ON customer BEGIN \
         DELETE FROM customer_fts WHERE rowid = old.id; \
         INSERT INTO customer_fts(rowid, {cols}) VALUES (new.id, {new_vals}); END"
    ))
    .await?;
    db.execute_unprepared(
        "CREATE TRIGGER customer_fts_del AFTER DELETE ON customer BEGIN \
         DELETE FROM customer_fts WHERE rowid = old.id; END",
    )
    .await?;
    Ok(())
}
