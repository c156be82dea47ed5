//! Indexes the request pages need at 2M requests (measured by `cargo xtask bench requests`):
//! an agent's requests newest first (我受理的, 客服人员), and a department's answered ones by
//! the time of their feedback (部门待办 › 已反馈).
use sea_orm_migration::prelude::*;

use crate::util::idx;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(idx("service_request", "ix_request_agent_time", &["agent_id", "accepted_at"])).await?;
        m.create_index(idx("service_request", "ix_request_feedback_at", &["feedback_at"])).await?;
        m.create_index(idx(
            "dept_feedback",
            "ix_dept_feedback_org",
            &["department_org_id", "request_kind", "request_id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, name) in [
            ("service_request", "ix_request_agent_time"),
            ("service_request", "ix_request_feedback_at"),
            ("dept_feedback", "ix_dept_feedback_org"),
        ] {
            m.drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned()).await?;
        }
        Ok(())
    }
}
