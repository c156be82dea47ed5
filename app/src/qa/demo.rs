//! 质检 records for generated data: every completed request the generator marked 已质检 (about
//! three in ten, nine in ten of them 处理无误) gets the `qa_record` behind its result, by one
//! of the QA-capable accounts, a few hours to two days after its completion — so the QA report
//! of the demo is not empty. Deterministic: the same requests give the same records.
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{QaResult, QaStatus};
use crate::auth::Perm;
use crate::error::AppResult;
use crate::members::bulk::Rows;
use crate::requests::entity::service_request;

use service_request::Column as R;

const COLS: [&str; 10] = [
    "request_id",
    "inspector_id",
    "qa_result",
    "remark",
    "inspected_agent_id",
    "accepting_dept",
    "accepting_org_id",
    "inspected_at",
    "is_current",
    "created_at",
];

const REMARKS: &[&str] = &[
    "未核实会员身份即告知账户信息",
    "处理结果未答复会员的全部问题",
    "应流转技术部处理,坐席自行答复有误",
    "答复口径与平台规则不一致",
    "未在时限内回复会员",
];

/// Writes the records; returns how many.
pub async fn records(db: &DatabaseConnection) -> AppResult<u64> {
    let mut inspectors = crate::notify::service::holders(db, Perm::Qa, None).await?;
    inspectors.sort_unstable();
    if inspectors.is_empty() {
        return Ok(0);
    }
    let now = Utc::now();
    let (mut last, mut done) = (0i64, 0u64);
    loop {
        let batch = service_request::Entity::find()
            .filter(R::Id.gt(last))
            .filter(R::QaStatus.eq(QaStatus::Inspected.code()))
            .filter(R::CompletedAt.is_not_null())
            .filter(R::QaResult.is_not_null())
            .order_by_asc(R::Id)
            .limit(5000)
            .all(db)
            .await?;
        let Some(end) = batch.last() else { break };
        last = end.id;
        let mut rows = Rows::new("qa_record", &COLS);
        for r in &batch {
            let (Some(done_at), Some(result)) = (r.completed_at, r.qa_result.as_deref().and_then(QaResult::parse))
            else {
                continue;
            };
            let n = r.id.unsigned_abs();
            let inspector = inspectors[(n % inspectors.len() as u64) as usize];
            let at = std::cmp::min(done_at + Duration::hours(2 + (n % 46) as i64), now);
            let remark = (result == QaResult::Incorrect).then(|| REMARKS[(n % REMARKS.len() as u64) as usize]);
            rows.push(vec![
                r.id.into(),
                inspector.into(),
                result.code().into(),
                remark.map(str::to_string).into(),
                r.agent_id.into(),
                r.accepting_dept.clone().into(),
                r.accepting_org_id.into(),
                at.into(),
                true.into(),
                at.into(),
            ]);
        }
        done += rows.len() as u64;
        let txn = crate::db::write_txn(db).await?;
        rows.flush(&txn, None, &|_| {}).await?;
        txn.commit().await?;
    }
    Ok(done)
}
