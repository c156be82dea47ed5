//! Demo entries for 客户档案 and 审核中心: customers entered by the demo accounts in every review
//! state (published, waiting for 李主管 or 王经理, rejected with a reason, a draft), so a first
//! run shows the review workflow with something in it.
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};

use super::entity::entry_review;
use super::{ReviewStatus, ReviewTarget};
use crate::auth::entity::{account, organization};
use crate::error::{AppError, AppResult};
use crate::members::bulk::{CustomerRow, Rows, next_id, sync_sequence};
use crate::members::enums::{CustomerType, EntryMethod, InfoSource};

/// (entrant, company, contact, mobile, org code, source, status, approver, reason)
type Demo = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    InfoSource,
    ReviewStatus,
    Option<&'static str>,
    Option<&'static str>,
);

use InfoSource::{AdminEntered, BuyerMeeting};
use ReviewStatus::{Approved, Draft, Pending, Rejected};

const ENTRIES: [Demo; 8] = [
    (
        "agent",
        "绍兴柯桥锦程纺织品有限公司",
        "沈建华",
        "13857521001",
        "HQ",
        AdminEntered,
        Approved,
        Some("supervisor"),
        None,
    ),
    ("biz_buyer", "青岛城阳海鲜冷链有限公司", "高立群", "13605321002", "HQ", BuyerMeeting, Approved, None, None),
    (
        "gz_rep",
        "佛山顺德美家电器有限公司",
        "何振东",
        "13809861003",
        "GZ",
        AdminEntered,
        Approved,
        Some("manager"),
        None,
    ),
    (
        "agent",
        "温州瓯海宏图鞋业有限公司",
        "林志强",
        "13857721004",
        "HQ",
        AdminEntered,
        Pending,
        Some("supervisor"),
        None,
    ),
    (
        "agent",
        "嘉兴秀洲阳光光伏科技有限公司",
        "陆雅琴",
        "13857321005",
        "HQ",
        AdminEntered,
        Pending,
        Some("supervisor"),
        None,
    ),
    ("gz_rep", "东莞长安精密五金厂", "陈国栋", "13922921006", "GZ", AdminEntered, Pending, Some("manager"), None),
    (
        "agent",
        "台州路桥昌盛机电有限公司",
        "王海波",
        "13857621007",
        "HQ",
        AdminEntered,
        Rejected,
        Some("supervisor"),
        Some("手机号与企业联系人不符,请核实后重新提交"),
    ),
    ("agent", "湖州南浔木艺家具有限公司", "杨晓东", "", "HQ", AdminEntered, Draft, None, None),
];

pub async fn generate(db: &DatabaseConnection) -> AppResult<()> {
    let accounts: std::collections::HashMap<String, account::Model> =
        account::Entity::find().all(db).await?.into_iter().map(|a| (a.admin_id.clone(), a)).collect();
    let orgs: std::collections::HashMap<String, i64> =
        organization::Entity::find().all(db).await?.into_iter().map(|o| (o.code, o.id)).collect();
    let who = |id: &str| accounts.get(id).ok_or_else(|| AppError::internal(format!("demo account {id}")));
    let txn = crate::db::write_txn(db).await?;
    let mut next = next_id(&txn, "customer").await?;
    let mut rows = Rows::new("customer", &CustomerRow::COLUMNS);
    let mut reviews = vec![];
    let now = Utc::now();
    for (i, (entrant, company, contact, mobile, org, source, status, approver, reason)) in
        ENTRIES.into_iter().enumerate()
    {
        let entrant = who(entrant)?;
        let approver = approver.map(who).transpose()?;
        let at = now - Duration::hours(6 * (ENTRIES.len() - i) as i64);
        rows.push(
            CustomerRow {
                id: next,
                customer_type: CustomerType::NonMember.code(),
                company_name: company.into(),
                contact_name: Some(contact.into()),
                phone_mobile: (!mobile.is_empty()).then(|| mobile.into()),
                organization_id: *orgs.get(org).ok_or_else(|| AppError::internal("demo org"))?,
                info_source: source.code(),
                entry_method: match source {
                    InfoSource::BuyerMeeting => EntryMethod::BuyerMeeting,
                    _ => EntryMethod::Manual,
                }
                .code(),
                review_status: Some(status.code()),
                created_by: Some(entrant.id),
                reviewer_id: approver.map(|a| a.id),
                created_at: at,
                updated_at: at,
                ..Default::default()
            }
            .values(),
        );
        if status != Draft {
            reviews.push(entry_review::ActiveModel {
                target_type: Set(ReviewTarget::Customer.code().into()),
                target_id: Set(next),
                summary: Set(company.into()),
                submitted_by: Set(entrant.id),
                organization_id: Set(entrant.organization_id),
                submitted_at: Set(at),
                approver_id: Set(approver.map(|a| a.id)),
                status: Set(status.code().into()),
                decided_at: Set((status != Pending).then_some(at + Duration::hours(2))),
                decision_comment: Set(reason.map(String::from).or((approver.is_none()).then(|| "免审".into()))),
                revision: Set(1),
                duplicate_acknowledged: Set(false),
                ..Default::default()
            });
        }
        next += 1;
    }
    rows.flush(&txn, None, &|_| ()).await?;
    sync_sequence(&txn, "customer").await?;
    for r in reviews {
        r.insert(&txn).await?;
    }
    txn.commit().await?;
    Ok(())
}
