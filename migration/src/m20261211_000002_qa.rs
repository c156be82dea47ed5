//! 质检 (SPEC §4.5 SM-5, H1): one `qa_record` per inspection of a completed member request,
//! with snapshots of who was inspected and where; an amendment writes a new record and marks
//! the old one superseded, so a request has at most one current record (a partial unique
//! index says so to the database too). The QA list (completed requests, newest completion
//! first, mostly 未质检) walks a narrow index over the completed requests.
use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, fk, id, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The QA list's index: completed requests in completion order with every column its filters
/// test, so a page is walked on the index alone (`completed_at IS NOT NULL` is in every QA
/// query, which lets both databases use the partial index).
const LIST_INDEX: &str = "CREATE INDEX ix_request_completed ON service_request (completed_at, id, state, qa_status, \
     qa_result, accepted_at, agent_id, accepting_org_id, accepting_dept, customer_org_snapshot_id, request_type, \
     channel, handling_dept, member_level_snapshot, customer_type, customer_id, created_by) \
     WHERE completed_at IS NOT NULL";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a("qa_record"))
            .col(id())
            .col(big_integer(a("request_id")))
            .foreign_key(&mut fk("qa_record", "request_id", "service_request"))
            .col(big_integer(a("inspector_id")))
            .foreign_key(&mut fk("qa_record", "inspector_id", "account"))
            // E-14 质检结果.
            .col(string_len(a("qa_result"), 16))
            // 备注: the error reason, required when 处理有误 (≤ 2000 characters).
            .col(text_null(a("remark")))
            // Snapshots of the request when it was inspected.
            .col(big_integer(a("inspected_agent_id")))
            .foreign_key(&mut fk("qa_record", "inspected_agent_id", "account"))
            .col(string_len(a("accepting_dept"), 16))
            .col(big_integer(a("accepting_org_id")))
            .foreign_key(&mut fk("qa_record", "accepting_org_id", "organization"))
            .col(timestamp_with_time_zone(a("inspected_at")))
            .col(boolean(a("is_current")))
            .col(big_integer_null(a("superseded_by_id")))
            .foreign_key(&mut fk("qa_record", "superseded_by_id", "qa_record"))
            .col(timestamp_with_time_zone(a("created_at")));
        m.create_table(t.take()).await?;
        m.create_index(idx("qa_record", "ix_qa_record_request", &["request_id", "id"])).await?;
        m.create_index(idx("qa_record", "ix_qa_record_inspected_at", &["inspected_at"])).await?;
        m.create_index(idx("qa_record", "ix_qa_record_agent", &["inspected_agent_id", "inspected_at"])).await?;
        let db = m.get_connection();
        // At most one current record per request (SPEC H1).
        db.execute_unprepared("CREATE UNIQUE INDEX ux_qa_record_current ON qa_record (request_id) WHERE is_current")
            .await?;
        db.execute_unprepared(LIST_INDEX).await?;
        crate::analyze_if_analysed(db, "service_request").await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP INDEX IF EXISTS ix_request_completed").await?;
        m.drop_table(Table::drop().table(a("qa_record")).to_owned()).await
    }
}
