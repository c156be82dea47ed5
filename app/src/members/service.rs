//! Reads behind the member pages: the filter choices, the region/industry trees and the 360°
//! member detail, each inside the user's data scope.
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entity::{contact, customer, info_push_log, published_info, service_record};
use super::sync_kind::SyncStatus;
use super::{
    ContactView, MemberDetail, MemberInfo, OrgChoice, PublishedView, PushView, QueryChoices, RecordDetail, RecordView,
    TreeNode,
};
use crate::admin::service::logs;
use crate::archive::ReviewStatus;
use crate::auth::Perm;
use crate::auth::entity::{account, industry, operation_log, organization, region};
use crate::auth::scope::Scope;
use crate::auth::session::CurrentUser;
use crate::db::{account_names, names};
use crate::error::{AppError, AppResult};

pub async fn choices(db: &impl ConnectionTrait, user: &CurrentUser) -> AppResult<QueryChoices> {
    let orgs = organization::Entity::find()
        .filter(organization::Column::OrgType.is_in(["hq", "rep_office"]))
        .order_by_asc(organization::Column::SortOrder)
        .all(db)
        .await?;
    let visible: Vec<OrgChoice> = orgs
        .into_iter()
        .filter(|o| user.scope.allows(o.id, None) || matches!(user.scope, Scope::Own(_)))
        .map(|o| OrgChoice { id: o.id, name: o.name })
        .collect();
    let locked_org = match (&user.scope, visible.as_slice()) {
        (Scope::All, _) => None,
        (_, [only]) => Some(only.id),
        _ => None,
    };
    Ok(QueryChoices { orgs: visible, locked_org })
}

pub async fn tree_children(db: &impl ConnectionTrait, kind: &str, parent: Option<i64>) -> AppResult<Vec<TreeNode>> {
    Ok(match kind {
        "region" => region::Entity::find()
            .filter(match parent {
                Some(p) => region::Column::ParentId.eq(p),
                None => region::Column::ParentId.is_null(),
            })
            .filter(region::Column::IsActive.eq(true))
            .order_by_asc(region::Column::SortOrder)
            .all(db)
            .await?
            .into_iter()
            .map(|r| TreeNode { id: r.id, name: r.name })
            .collect(),
        "industry" => industry::Entity::find()
            .filter(match parent {
                Some(p) => industry::Column::ParentId.eq(p),
                None => industry::Column::ParentId.is_null(),
            })
            .filter(industry::Column::IsActive.eq(true))
            .order_by_asc(industry::Column::SortOrder)
            .all(db)
            .await?
            .into_iter()
            .map(|r| TreeNode { id: r.id, name: r.name })
            .collect(),
        _ => return Err(AppError::field("kind", "未知的字典", "Unknown dictionary")),
    })
}

/// Customer `id` if it is in circulation (approved, not deleted), whoever may see it.
pub async fn in_circulation(db: &impl ConnectionTrait, id: i64) -> AppResult<customer::Model> {
    customer::Entity::find_by_id(id)
        .filter(customer::Column::DeletedAt.is_null())
        .filter(customer::Column::ReviewStatus.eq(crate::archive::ReviewStatus::Approved.code()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// A service record of customer `c` written at `now`: the customer, the snapshots of its level
/// and organisation, shown in the queries; the caller says what service it was.
pub fn new_record(c: &customer::Model, now: chrono::DateTime<chrono::Utc>) -> service_record::ActiveModel {
    use sea_orm::ActiveValue::Set;
    service_record::ActiveModel {
        customer_id: Set(c.id),
        member_level_snapshot: Set(c.member_level.clone()),
        customer_org_snapshot_id: Set(c.organization_id),
        hidden: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Customer `id` was served at `at`: its `last_service_at` (the member query orders and filters
/// by it) moves forward, never back (a back-dated record).
pub async fn served_at(db: &impl ConnectionTrait, id: i64, at: chrono::DateTime<chrono::Utc>) -> AppResult<()> {
    use sea_orm::sea_query::Expr;
    let col = customer::Column::LastServiceAt;
    customer::Entity::update_many()
        .col_expr(col, Expr::value(at))
        .filter(customer::Column::Id.eq(id))
        .filter(sea_orm::Condition::any().add(col.is_null()).add(col.lt(at)))
        .exec(db)
        .await?;
    Ok(())
}

/// The member `id` if it is visible to `user`; anything else is "not found", so a guessed id
/// tells nothing about members of other organisations.
pub async fn visible_customer(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<customer::Model> {
    let c = customer::Entity::find_by_id(id)
        .filter(customer::Column::DeletedAt.is_null())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if may_see(user, &c) || in_department_scope(db, user, &c).await? { Ok(c) } else { Err(AppError::NotFound) }
}

/// A business department sees the customers of the requests routed to it and what its own
/// accounts entered (SPEC §1.6 DS-DEPT): one indexed look-up.
async fn in_department_scope(db: &impl ConnectionTrait, user: &CurrentUser, c: &customer::Model) -> AppResult<bool> {
    let Scope::Dept(org) = user.scope else { return Ok(false) };
    if c.review_status() != Some(ReviewStatus::Approved) {
        return Ok(false);
    }
    let mut q = sea_orm::sea_query::Query::select();
    q.expr(sea_orm::sea_query::Expr::val(1))
        .from_as(customer::Entity, sea_orm::sea_query::Alias::new("c"))
        .cond_where(
            sea_orm::Condition::all()
                .add(sea_orm::sea_query::ExprTrait::eq(crate::members::conditions::c("id"), c.id))
                .add(crate::members::conditions::department_customers(org)),
        )
        .limit(1);
    Ok(db.query_one(&q).await?.is_some())
}

/// Whether `user` may open customer `c`: inside the data scope, and — until it is approved
/// (SM-6, OP-27) — only its entrant, its approver and reviewers (主管/经理) see it.
pub fn may_see(user: &CurrentUser, c: &customer::Model) -> bool {
    let me = Some(user.account.id);
    let owner = c.owner_agent_id.or(c.created_by);
    if c.created_by == me || c.reviewer_id == me {
        return true;
    }
    let in_scope = user.scope.allows(c.organization_id, owner);
    let reviewed = match c.review_status() {
        Some(ReviewStatus::Approved) => true,
        Some(ReviewStatus::Pending) => user.has(Perm::ArchiveReview),
        _ => false,
    };
    in_scope && reviewed
}

/// Start of the member's current service year: the last anniversary of the service start on
/// or before today; the calendar year when there is no service start.
pub fn service_year_start(start: Option<NaiveDate>, today: NaiveDate) -> NaiveDate {
    let Some(s) = start.filter(|s| *s <= today) else {
        return NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("1 January");
    };
    let mut years = today.year() - s.year();
    let at = |y: i32| s.with_year(s.year() + y).unwrap_or_else(|| s + chrono::Duration::days(365 * i64::from(y)));
    while years > 0 && at(years) > today {
        years -= 1;
    }
    at(years)
}

/// 基本信息 of customer `c`, every label and name resolved.
pub async fn member_info(db: &impl ConnectionTrait, c: &customer::Model) -> AppResult<MemberInfo> {
    let today = crate::cst::today();
    let region_name = match c.region_district_id.or(c.region_city_id).or(c.region_province_id) {
        Some(r) => {
            region::Entity::find_by_id(r).one(db).await?.map(|r| r.full_name.replace('/', " › ")).unwrap_or_default()
        }
        None => String::new(),
    };
    let industry_name = match c.industry_l3_id.or(c.industry_l2_id).or(c.industry_l1_id) {
        Some(i) => {
            industry::Entity::find_by_id(i).one(db).await?.map(|i| i.full_name.replace('/', " › ")).unwrap_or_default()
        }
        None => String::new(),
    };
    let accounts = account_names(db, c.created_by.iter().chain(c.owner_agent_id.iter()).copied().collect()).await?;
    let org_name =
        organization::Entity::find_by_id(c.organization_id).one(db).await?.map(|o| o.name).unwrap_or_default();
    let name_of = |id: Option<i64>| id.and_then(|i| accounts.get(&i).cloned()).unwrap_or_default();
    let c = c.clone();
    Ok(MemberInfo {
        id: c.id,
        customer_no: c.customer_no,
        cm_member_id: c.cm_member_id,
        customer_type: c.customer_type,
        company_name: c.company_name.unwrap_or_default(),
        login_name: c.login_name.unwrap_or_default(),
        registered_email: c.registered_email.unwrap_or_default(),
        phone_fixed: c.phone_fixed.unwrap_or_default(),
        phone_mobile: c.phone_mobile.unwrap_or_default(),
        contact_name: c.contact_name.unwrap_or_default(),
        region: region_name,
        address: c.address.unwrap_or_default(),
        industry: industry_name,
        org_name,
        enterprise_status: c.enterprise_status.unwrap_or_default(),
        enterprise_category: c.enterprise_category.unwrap_or_default(),
        member_level: c.member_level.unwrap_or_default(),
        business_category: c.business_category.unwrap_or_default(),
        registered_at: c.platform_registered_at,
        service_start: c.service_start_date,
        service_end: c.service_end_date,
        expired: c.service_end_date.map(|d| d < today),
        push_enabled: c.push_enabled,
        info_source: c.info_source,
        registration_source: c.registration_source.unwrap_or_default(),
        has_avatar: c.has_avatar,
        points: c.member_points,
        entrant: name_of(c.created_by),
        created_at: c.created_at,
        cm_synced_at: c.cm_synced_at,
        review_status: c.review_status,
        fulfilment_status: c.fulfilment_status.unwrap_or_default(),
        fulfilment_progress: c.fulfilment_progress_bp.map(|p| crate::fulfilment::Pct(i64::from(p))),
        owner_agent: name_of(c.owner_agent_id),
        remarks: c.remarks.unwrap_or_default(),
        churn_risk: c.churn_risk_level.unwrap_or_default(),
    })
}

/// The visible service records of a customer, newest first.
fn records_of(customer_id: i64) -> sea_orm::Select<service_record::Entity> {
    service_record::Entity::find()
        .filter(service_record::Column::CustomerId.eq(customer_id))
        .filter(service_record::Column::Hidden.eq(false))
        .order_by_desc(service_record::Column::ServiceAt)
}

/// The customer's last `limit` service records, names resolved.
pub async fn recent_records(db: &impl ConnectionTrait, customer_id: i64, limit: u64) -> AppResult<Vec<RecordView>> {
    let records = records_of(customer_id).limit(limit).all(db).await?;
    record_views(db, records).await
}

/// Service records as the member's timeline shows them (agents and organisations named).
async fn record_views(db: &impl ConnectionTrait, records: Vec<service_record::Model>) -> AppResult<Vec<RecordView>> {
    let accounts = account_names(db, records.iter().map(|r| r.agent_id).collect()).await?;
    let org_ids = records.iter().map(|r| r.organization_id).collect();
    let orgs = names::<organization::Entity>(db, org_ids, organization::Column::Id, |o| (o.id, o.name)).await?;
    let name_of = |m: &HashMap<i64, String>, id: i64| m.get(&id).cloned().unwrap_or_default();
    Ok(records
        .into_iter()
        .map(|r| RecordView {
            id: r.id,
            service_type: r.service_type,
            service_mode: r.service_mode,
            service_dept: r.service_dept,
            org_name: name_of(&orgs, r.organization_id),
            agent: name_of(&accounts, r.agent_id),
            service_at: r.service_at,
            result: r.service_result,
            summary: r.summary.unwrap_or_default(),
            qa_result: r.qa_result.unwrap_or_default(),
        })
        .collect())
}

pub async fn detail(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<MemberDetail> {
    let c = visible_customer(db, user, id).await?;
    let today = crate::cst::today();
    let records = records_of(id);
    let records_total = records.clone().count(db).await?;
    let records = record_views(db, records.limit(50).all(db).await?).await?;

    let contacts = contact::Entity::find()
        .filter(contact::Column::CustomerId.eq(id))
        .filter(contact::Column::DeletedAt.is_null())
        .order_by_desc(contact::Column::IsPrimary)
        .order_by_asc(contact::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|k| ContactView {
            id: k.id,
            name: k.name,
            gender: k.gender.unwrap_or_default(),
            position: k.position.unwrap_or_default(),
            mobile: k.mobile.unwrap_or_default(),
            phone: k.phone.unwrap_or_default(),
            email: k.email.unwrap_or_default(),
            is_primary: k.is_primary,
        })
        .collect();

    let published = published_info::Entity::find()
        .filter(published_info::Column::CustomerId.eq(id))
        .order_by_desc(published_info::Column::PublishedAt);
    let published_total = published.clone().count(db).await?;
    let published = published.limit(20).all(db).await?;
    let ind_ids: Vec<i64> = published.iter().filter_map(|p| p.industry_l1_id).collect();
    let inds = names::<industry::Entity>(db, ind_ids, industry::Column::Id, |i| (i.id, i.name)).await?;
    let published = published
        .into_iter()
        .map(|p| PublishedView {
            id: p.id,
            title: p.title,
            info_type: p.info_type,
            status: p.status,
            industry: p.industry_l1_id.and_then(|i| inds.get(&i).cloned()).unwrap_or_default(),
            published_at: p.published_at,
            expires_at: p.expires_at,
            url: p.url.unwrap_or_default(),
        })
        .collect();

    let pushes = info_push_log::Entity::find()
        .filter(info_push_log::Column::CustomerId.eq(id))
        .order_by_desc(info_push_log::Column::SentAt);
    let pushes_total = pushes.clone().count(db).await?;
    let year_start = service_year_start(c.service_start_date, today);
    let year_start_utc = crate::cst::day_start(year_start);
    let pushes_this_year = pushes.clone().filter(info_push_log::Column::SentAt.gte(year_start_utc)).count(db).await?;
    let pushes = pushes
        .limit(20)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PushView {
            id: p.id,
            sent_at: p.sent_at,
            email: p.recipient_email,
            title: p.info_title.unwrap_or_default(),
            info_type: p.info_type.unwrap_or_default(),
            info_status: p.info_status.unwrap_or_default(),
            push_status: p.push_status.unwrap_or_default(),
            source: p.source,
        })
        .collect();

    let history = operation_log::Entity::find()
        .filter(operation_log::Column::TargetType.eq("customer"))
        .filter(operation_log::Column::TargetId.eq(id))
        .order_by_desc(operation_log::Column::Id)
        .limit(20)
        .all(db)
        .await?;
    let history = logs::to_rows(db, history).await?;

    let info = member_info(db, &c).await?;
    Ok(MemberDetail {
        info,
        contacts,
        records,
        records_total,
        published,
        published_total,
        pushes,
        pushes_total,
        pushes_this_year,
        history,
    })
}

pub async fn record(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<RecordDetail> {
    let r = service_record::Entity::find_by_id(id)
        .filter(service_record::Column::Hidden.eq(false))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = visible_customer(db, user, r.customer_id).await?;
    let agent = account::Entity::find_by_id(r.agent_id).one(db).await?.map(|a| a.name).unwrap_or_default();
    let org = organization::Entity::find_by_id(r.organization_id).one(db).await?.map(|o| o.name).unwrap_or_default();
    Ok(RecordDetail {
        source_kind: r.source_kind.parse()?,
        customer_id: c.id,
        company_name: c.company_name.unwrap_or_default(),
        member_level: c.member_level.unwrap_or_default(),
        qa_status: r.qa_status.unwrap_or_default(),
        record: RecordView {
            id: r.id,
            service_type: r.service_type,
            service_mode: r.service_mode,
            service_dept: r.service_dept,
            org_name: org,
            agent,
            service_at: r.service_at,
            result: r.service_result,
            summary: r.summary.unwrap_or_default(),
            qa_result: r.qa_result.unwrap_or_default(),
        },
    })
}

/// PG-13/14/17/18: one page, with the member header when the page is about one member.
pub async fn info_page(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    kind: super::info_query::InfoKind,
    f: &super::InfoFilter,
) -> AppResult<super::InfoPage> {
    use super::info_query::{InfoKind, list};
    let member = match f.customer {
        None => None,
        Some(id) => {
            let c = visible_customer(db, user, id).await?;
            let org =
                organization::Entity::find_by_id(c.organization_id).one(db).await?.map(|o| o.name).unwrap_or_default();
            let (mut by_type, mut by_status, mut pushes_this_year) = (vec![], vec![], 0);
            if kind == InfoKind::Published {
                for (list, col) in
                    [(&mut by_type, published_info::Column::InfoType), (&mut by_status, published_info::Column::Status)]
                {
                    let rows: Vec<(String, i64)> = published_info::Entity::find()
                        .select_only()
                        .column(col)
                        .column_as(published_info::Column::Id.count(), "n")
                        .filter(published_info::Column::CustomerId.eq(id))
                        .group_by(col)
                        .into_tuple()
                        .all(db)
                        .await?;
                    *list = rows.into_iter().map(|(k, n)| (k, n as u64)).collect();
                }
            } else {
                let start = service_year_start(c.service_start_date, crate::cst::today());
                let start = crate::cst::day_start(start);
                pushes_this_year = info_push_log::Entity::find()
                    .filter(info_push_log::Column::CustomerId.eq(id))
                    .filter(info_push_log::Column::SentAt.gte(start))
                    .count(db)
                    .await?;
            }
            Some(super::MemberHead {
                id,
                company_name: c.company_name.unwrap_or_default(),
                member_level: c.member_level.unwrap_or_default(),
                org_name: org,
                by_type,
                by_status,
                pushes_this_year,
            })
        }
    };
    let (page, summary) = list(db, kind, f, &user.scope).await?;
    Ok(super::InfoPage { page, summary, member })
}

pub async fn sync_runs(db: &impl ConnectionTrait, page: u64) -> AppResult<crate::ui::Page<super::SyncRunRow>> {
    use super::entity::sync_run;
    let runs =
        crate::db::fetch_page(db, sync_run::Entity::find().order_by_desc(sync_run::Column::Id), page, 20).await?;
    let ids: Vec<i64> = runs.items.iter().filter_map(|r| r.triggered_by).collect();
    let accounts = account_names(db, ids).await?;
    Ok(runs.map(|r| {
        let errors: Vec<super::cm_sync::RowError> =
            r.error_report.as_deref().and_then(|e| serde_json::from_str(e).ok()).unwrap_or_default();
        let status = SyncStatus::parse(&r.status);
        let general = r.error_report.clone().filter(|_| errors.is_empty() && status == Some(SyncStatus::Failed));
        let mut list: Vec<(usize, String, String)> =
            errors.iter().take(100).map(|e| (e.line, e.field.clone(), e.message.clone())).collect();
        if let Some(g) = general {
            list.push((0, String::new(), g));
        }
        super::SyncRunRow {
            id: r.id,
            kind: r.kind,
            mode: r.mode,
            file_name: r.file_name.unwrap_or_default(),
            started_at: r.started_at,
            finished_at: r.finished_at,
            status,
            rows_read: r.rows_read,
            rows_inserted: r.rows_inserted,
            rows_updated: r.rows_updated,
            rows_failed: r.rows_failed,
            triggered_by: r.triggered_by.and_then(|a| accounts.get(&a).cloned()).unwrap_or_else(|| "系统".into()),
            error_count: errors.len().max(list.len()),
            errors: list,
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_year_runs_from_the_last_anniversary() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(service_year_start(Some(d("2024-03-15")), d("2026-11-23")), d("2026-03-15"));
        assert_eq!(service_year_start(Some(d("2024-12-01")), d("2026-11-23")), d("2025-12-01"));
        assert_eq!(service_year_start(None, d("2026-11-23")), d("2026-01-01"));
        assert_eq!(service_year_start(Some(d("2026-11-23")), d("2026-11-23")), d("2026-11-23"));
    }
}
