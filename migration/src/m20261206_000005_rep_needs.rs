//! Rep-office business needs (SPEC E4, SM-2): a 代表处 submits a need to HQ CS, which answers
//! it or routes it to a business department. Its steps and the departments' feedback rounds go
//! to the shared `request_step` / `dept_feedback` tables with `request_kind = 'rep_request'`;
//! its `DQ yyyyMMdd nnnn` numbers come from `number_sequence` like the member requests'.
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, fk, id, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a("rep_office_request"))
            .col(id())
            .col(string_len_uniq(a("request_no"), 20))
            .col(big_integer(a("organization_id")))
            .foreign_key(&mut fk("rep_office_request", "organization_id", "organization"))
            .col(big_integer(a("submitted_by")))
            .foreign_key(&mut fk("rep_office_request", "submitted_by", "account"))
            .col(timestamp_with_time_zone(a("accepted_at")))
            .col(text(a("content")))
            .col(big_integer_null(a("customer_id")))
            .foreign_key(&mut fk("rep_office_request", "customer_id", "customer"))
            .col(big_integer_null(a("industry_l1_id")))
            .col(big_integer_null(a("industry_l2_id")))
            .col(big_integer_null(a("industry_l3_id")))
            // Set by HQ CS when it classifies the need (NULL until then).
            .col(string_len_null(a("request_type"), 16))
            .col(string_len_null(a("handling_dept"), 16))
            // The department organisation holding the need (NULL while HQ CS has it).
            .col(big_integer_null(a("handling_org_id")))
            .col(big_integer_null(a("hq_handler_id")))
            .col(text_null(a("result")))
            .col(string_len(a("state"), 20))
            .col(timestamp_with_time_zone_null(a("routed_at")))
            .col(timestamp_with_time_zone_null(a("feedback_at")))
            .col(timestamp_with_time_zone_null(a("completed_at")))
            .col(timestamp_with_time_zone_null(a("withdrawn_at")))
            .col(integer(a("version")).default(1))
            .col(timestamp_with_time_zone(a("created_at")))
            .col(big_integer_null(a("updated_by")))
            .col(timestamp_with_time_zone(a("updated_at")));
        m.create_table(t.take()).await?;
        for (name, cols) in [
            ("ix_rep_need_org", &["organization_id", "accepted_at"][..]),
            ("ix_rep_need_state", &["state", "accepted_at"]),
            ("ix_rep_need_handling_org", &["handling_org_id", "state", "routed_at"]),
        ] {
            m.create_index(idx("rep_office_request", name, cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("rep_office_request")).take()).await
    }
}
