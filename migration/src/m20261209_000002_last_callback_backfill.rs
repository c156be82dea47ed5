//! The members' last callback from the service records a database already holds (a legacy
//! record of type 回访 is a callback whose 回访内容 is not known): the call list shows when each
//! member was last called back from the first day, not "never" for everyone.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // (Both databases read this SQL alike; `hidden`: a voided request's record.)
        m.get_connection()
            .execute_unprepared(
                "UPDATE customer SET last_callback_at = (SELECT MAX(r.service_at) FROM service_record r \
                 WHERE r.customer_id = customer.id AND r.service_type = 'callback' AND r.hidden = false) \
                 WHERE last_callback_at IS NULL AND id IN (SELECT customer_id FROM service_record \
                 WHERE service_type = 'callback' AND hidden = false)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
