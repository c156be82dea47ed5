//! Bulk writes shared by the CM sync and the data generator: multi-row INSERTs under the
//! bind-parameter limit (optionally upserting), and the customer row both of them write, with
//! its derived columns (normalised keys, search grams and text) computed in one place.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbBackend, Value};

use super::search::{company_norm, digits, grams, normalize, phone_grams, search_text};
use crate::error::AppResult;

/// Rows for one table, inserted in multi-row statements of at most 30,000 values.
pub struct Rows {
    table: &'static str,
    cols: &'static [&'static str],
    rows: Vec<Vec<Value>>,
}

impl Rows {
    pub fn new(table: &'static str, cols: &'static [&'static str]) -> Self {
        Self { table, cols, rows: vec![] }
    }

    pub fn push(&mut self, row: impl Into<Vec<Value>>) {
        self.rows.push(row.into());
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Inserts the rows collected so far; with `upsert`, a row whose key exists updates it.
    /// `progress` gets the rows written so far.
    pub async fn flush(
        &mut self,
        db: &impl ConnectionTrait,
        upsert: Option<&OnConflict>,
        progress: &impl Fn(u64),
    ) -> AppResult<()> {
        let per_statement = (30_000 / self.cols.len()).max(1);
        let mut done = 0;
        for chunk in std::mem::take(&mut self.rows).chunks(per_statement) {
            let mut q = Query::insert();
            q.into_table(Alias::new(self.table)).columns(self.cols.iter().map(|c| Alias::new(*c)));
            for row in chunk {
                q.values_panic(row.iter().map(|v| Expr::val(v.clone())));
            }
            if let Some(on_conflict) = upsert {
                q.on_conflict(on_conflict.clone());
            }
            db.execute(&q).await?;
            done += chunk.len() as u64;
            progress(done);
        }
        Ok(())
    }
}

/// The largest id of `table` (0 when empty): bulk writers number new rows from here.
pub async fn max_id(db: &impl ConnectionTrait, table: &str) -> AppResult<i64> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}"),
        ))
        .await?;
    Ok(row.map(|r| r.try_get::<i64>("", "m")).transpose()?.unwrap_or(0))
}

/// The first free id of `table` for a writer that numbers its rows itself, inside a
/// transaction. On PostgreSQL the table is locked against other writers until the transaction
/// ends (readers go on), so two writers never take the same ids.
pub async fn next_id(txn: &impl ConnectionTrait, table: &str) -> AppResult<i64> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")).await?;
    }
    Ok(max_id(txn, table).await? + 1)
}

/// After rows were numbered by `next_id`: PostgreSQL's id sequence continues after them.
pub async fn sync_sequence(txn: &impl ConnectionTrait, table: &str) -> AppResult<()> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
        ))
        .await?;
    }
    Ok(())
}

/// A customer as bulk writers insert it. `values()` adds the normalised keys and the search
/// grams the queries rely on.
#[derive(Debug, Clone, Default)]
pub struct CustomerRow {
    pub id: i64,
    pub cm_member_id: Option<String>,
    pub customer_type: &'static str,
    pub company_name: String,
    pub login_name: Option<String>,
    pub registered_email: Option<String>,
    pub contact_name: Option<String>,
    pub phone_fixed: Option<String>,
    pub phone_mobile: Option<String>,
    pub region: [Option<i64>; 3],
    pub address: Option<String>,
    pub industry: [Option<i64>; 3],
    pub organization_id: i64,
    pub enterprise_status: Option<&'static str>,
    pub enterprise_category: Option<&'static str>,
    pub member_level: Option<&'static str>,
    pub business_category: Option<String>,
    pub platform_registered_at: Option<DateTime<Utc>>,
    pub service_start_date: Option<NaiveDate>,
    pub service_end_date: Option<NaiveDate>,
    pub push_enabled: bool,
    pub registration_source: Option<&'static str>,
    pub has_avatar: bool,
    pub member_points: Option<i32>,
    pub info_source: &'static str,
    pub entry_method: &'static str,
    pub fulfilment_status: Option<&'static str>,
    pub fulfilment_progress_bp: Option<i32>,
    pub last_service_at: Option<DateTime<Utc>>,
    /// The latest callback and its 回访内容 (E-25).
    pub last_callback_at: Option<DateTime<Utc>>,
    pub last_callback_content: Option<&'static str>,
    pub cm_synced_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// E-42; `approved` when not given (CM members, generated data).
    pub review_status: Option<&'static str>,
    pub created_by: Option<i64>,
    pub reviewer_id: Option<i64>,
    pub import_job_id: Option<i64>,
    pub remarks: Option<String>,
}

impl CustomerRow {
    /// The columns of `values()`, in order.
    pub const COLUMNS: [&'static str; 54] = [
        "id",
        "customer_no",
        "cm_member_id",
        "customer_type",
        "company_name",
        "company_name_norm",
        "login_name",
        "login_name_key",
        "registered_email",
        "email_key",
        "contact_name",
        "phone_fixed",
        "phone_mobile",
        "region_province_id",
        "region_city_id",
        "region_district_id",
        "address",
        "industry_l1_id",
        "industry_l2_id",
        "industry_l3_id",
        "organization_id",
        "enterprise_status",
        "enterprise_category",
        "member_level",
        "business_category",
        "platform_registered_at",
        "service_start_date",
        "service_end_date",
        "push_enabled",
        "registration_source",
        "has_avatar",
        "member_points",
        "info_source",
        "entry_method",
        "review_status",
        "fulfilment_status",
        "fulfilment_progress_bp",
        "last_service_at",
        "last_callback_at",
        "last_callback_content",
        "cm_synced_at",
        "name_grams",
        "login_grams",
        "email_grams",
        "phone_grams",
        "name_text",
        "created_at",
        "updated_at",
        "version",
        "created_by",
        "reviewer_id",
        "import_job_id",
        "remarks",
        "updated_by",
    ];

    /// Columns the CRM owns or sets once: an upsert from CM leaves them as they are.
    pub const KEPT_ON_UPDATE: [&'static str; 17] = [
        "id",
        "customer_no",
        "info_source",
        "entry_method",
        "review_status",
        "fulfilment_status",
        "fulfilment_progress_bp",
        "last_service_at",
        "last_callback_at",
        "last_callback_content",
        "created_at",
        "version",
        "created_by",
        "reviewer_id",
        "import_job_id",
        "remarks",
        "updated_by",
    ];

    /// What the service work keeps on the customer (fulfilment, last service and callback, the
    /// last CM sync): editing the archive entry leaves it as it is.
    pub const SERVICE_STATE: [&'static str; 6] = [
        "fulfilment_status",
        "fulfilment_progress_bp",
        "last_service_at",
        "last_callback_at",
        "last_callback_content",
        "cm_synced_at",
    ];

    pub fn values(&self) -> Vec<Value> {
        let phones = format!(
            "{} {}",
            self.phone_mobile.as_deref().map(digits).unwrap_or_default(),
            self.phone_fixed.as_deref().map(digits).unwrap_or_default()
        );
        vec![
            self.id.into(),
            format!("KH{:08}", self.id).into(),
            self.cm_member_id.clone().into(),
            self.customer_type.into(),
            (!self.company_name.is_empty()).then(|| self.company_name.clone()).into(),
            company_norm(&self.company_name).into(),
            self.login_name.clone().into(),
            self.login_name.as_deref().map(normalize).into(),
            self.registered_email.clone().into(),
            self.registered_email.as_deref().map(normalize).into(),
            self.contact_name.clone().into(),
            self.phone_fixed.clone().into(),
            self.phone_mobile.clone().into(),
            self.region[0].into(),
            self.region[1].into(),
            self.region[2].into(),
            self.address.clone().into(),
            self.industry[0].into(),
            self.industry[1].into(),
            self.industry[2].into(),
            self.organization_id.into(),
            self.enterprise_status.into(),
            self.enterprise_category.into(),
            self.member_level.into(),
            self.business_category.clone().into(),
            self.platform_registered_at.into(),
            self.service_start_date.into(),
            self.service_end_date.into(),
            self.push_enabled.into(),
            self.registration_source.into(),
            self.has_avatar.into(),
            self.member_points.into(),
            self.info_source.into(),
            self.entry_method.into(),
            self.review_status.unwrap_or(crate::archive::ReviewStatus::Approved.code()).into(),
            self.fulfilment_status.into(),
            self.fulfilment_progress_bp.into(),
            self.last_service_at.into(),
            self.last_callback_at.into(),
            self.last_callback_content.into(),
            self.cm_synced_at.into(),
            grams(&self.company_name).into(),
            self.login_name.as_deref().map(grams).unwrap_or_default().into(),
            self.registered_email.as_deref().map(grams).unwrap_or_default().into(),
            phone_grams(&phones).into(),
            search_text(&self.company_name).into(),
            self.created_at.into(),
            self.updated_at.into(),
            1.into(),
            self.created_by.into(),
            self.reviewer_id.into(),
            self.import_job_id.into(),
            self.remarks.clone().into(),
            self.created_by.into(),
        ]
    }
}
