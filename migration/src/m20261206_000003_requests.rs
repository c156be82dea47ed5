//! Member requests (SPEC E1–E3, K7, SM-1): the request itself, its immutable step log, the
//! departments' feedback rounds, the message centre, and the per-day number sequences that
//! give requests their `SQ yyyyMMdd nnnn` numbers inside the creating transaction.
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, fk, id, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row per (prefix, day): the last number handed out. Taken by one upsert … RETURNING
        // in the transaction that uses the number, so concurrent saves never share one.
        let mut t = Table::create();
        t.table(a("number_sequence"))
            .col(string_len(a("prefix"), 8))
            .col(string_len(a("day"), 8))
            .col(integer(a("last")))
            .primary_key(Index::create().col(a("prefix")).col(a("day")));
        m.create_table(t.take()).await?;

        let mut t = Table::create();
        t.table(a("service_request"))
            .col(id())
            .col(string_len_uniq(a("request_no"), 20))
            .col(big_integer(a("customer_id")))
            .foreign_key(&mut fk("service_request", "customer_id", "customer"))
            .col(string_len(a("customer_type"), 16))
            .col(string_len_null(a("caller_name"), 50))
            .col(string_len_null(a("company_name"), 200))
            .col(string_len_null(a("registered_email"), 100))
            .col(string_len_null(a("login_name"), 64))
            .col(string_len_null(a("contact_mobile"), 20))
            .col(string_len_null(a("contact_phone"), 30))
            .col(string_len_null(a("member_level_snapshot"), 20))
            .col(big_integer(a("customer_org_snapshot_id")))
            .col(string_len(a("channel"), 16))
            .col(string_len(a("accepting_dept"), 16))
            .col(big_integer(a("accepting_org_id")))
            .foreign_key(&mut fk("service_request", "accepting_org_id", "organization"))
            .col(big_integer(a("agent_id")))
            .foreign_key(&mut fk("service_request", "agent_id", "account"))
            .col(string_len(a("request_type"), 16))
            .col(text(a("content")))
            .col(string_len(a("handling_dept"), 16))
            // The department organisation holding the request (NULL while CS handles it).
            .col(big_integer_null(a("handling_org_id")))
            .col(text_null(a("result")))
            .col(string_len(a("state"), 20))
            .col(string_len(a("priority"), 8))
            .col(timestamp_with_time_zone(a("accepted_at")))
            .col(timestamp_with_time_zone_null(a("routed_at")))
            .col(big_integer_null(a("routed_by")))
            .col(timestamp_with_time_zone_null(a("dept_accepted_at")))
            .col(timestamp_with_time_zone_null(a("feedback_at")))
            .col(timestamp_with_time_zone_null(a("completed_at")))
            .col(big_integer_null(a("completed_by")))
            .col(string_len(a("qa_status"), 16).default("not_inspected"))
            .col(string_len_null(a("qa_result"), 16))
            .col(big_integer_null(a("related_request_id")))
            .col(big_integer_null(a("service_record_id")))
            .col(text_null(a("void_reason")))
            .col(big_integer_null(a("voided_by")))
            .col(timestamp_with_time_zone_null(a("voided_at")))
            .col(integer(a("version")).default(1))
            .col(big_integer(a("created_by")))
            .col(timestamp_with_time_zone(a("created_at")))
            .col(big_integer_null(a("updated_by")))
            .col(timestamp_with_time_zone(a("updated_at")));
        m.create_table(t.take()).await?;
        for (name, cols) in [
            ("ix_request_accepted", &["accepted_at"][..]),
            ("ix_request_state", &["state", "accepted_at"]),
            ("ix_request_agent", &["agent_id", "state", "accepted_at"]),
            ("ix_request_customer", &["customer_id", "accepted_at"]),
            ("ix_request_org", &["accepting_org_id", "accepted_at"]),
            ("ix_request_handling_org", &["handling_org_id", "state", "routed_at"]),
        ] {
            m.create_index(idx("service_request", name, cols)).await?;
        }

        let mut t = Table::create();
        t.table(a("request_step"))
            .col(id())
            .col(string_len(a("request_kind"), 20))
            .col(big_integer(a("request_id")))
            .col(string_len(a("step_type"), 20))
            .col(string_len_null(a("from_state"), 20))
            .col(string_len(a("to_state"), 20))
            .col(string_len_null(a("from_dept"), 16))
            .col(string_len_null(a("to_dept"), 16))
            // The department organisation a `route`/`reroute` sent the request to: a
            // department's data scope is every request routed to it in any round.
            .col(big_integer_null(a("to_org_id")))
            .col(big_integer(a("actor_id")))
            .foreign_key(&mut fk("request_step", "actor_id", "account"))
            .col(big_integer(a("actor_org_id")))
            .col(text_null(a("note")))
            .col(timestamp_with_time_zone(a("created_at")));
        m.create_table(t.take()).await?;
        m.create_index(idx("request_step", "ix_request_step_request", &["request_kind", "request_id", "id"])).await?;
        m.create_index(idx("request_step", "ix_request_step_to_org", &["to_org_id", "request_kind", "request_id"]))
            .await?;

        let mut t = Table::create();
        t.table(a("dept_feedback"))
            .col(id())
            .col(string_len(a("request_kind"), 20))
            .col(big_integer(a("request_id")))
            .col(string_len(a("department"), 16))
            .col(big_integer(a("department_org_id")))
            .foreign_key(&mut fk("dept_feedback", "department_org_id", "organization"))
            .col(big_integer(a("handler_id")))
            .foreign_key(&mut fk("dept_feedback", "handler_id", "account"))
            .col(text(a("process_and_result")))
            .col(timestamp_with_time_zone(a("feedback_at")));
        m.create_table(t.take()).await?;
        m.create_index(idx("dept_feedback", "ix_dept_feedback_request", &["request_kind", "request_id"])).await?;

        let mut t = Table::create();
        t.table(a("notification"))
            .col(id())
            .col(big_integer(a("recipient_id")))
            .foreign_key(&mut fk("notification", "recipient_id", "account"))
            .col(string_len(a("kind"), 24))
            .col(string_len(a("title"), 200))
            .col(text_null(a("body")))
            .col(string_len_null(a("link_url"), 500))
            .col(timestamp_with_time_zone(a("created_at")))
            .col(timestamp_with_time_zone_null(a("read_at")));
        m.create_table(t.take()).await?;
        m.create_index(idx("notification", "ix_notification_recipient", &["recipient_id", "read_at", "id"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["notification", "dept_feedback", "request_step", "service_request", "number_sequence"] {
            m.drop_table(Table::drop().table(a(t)).take()).await?;
        }
        Ok(())
    }
}
