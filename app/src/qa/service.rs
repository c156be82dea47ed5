//! 质检 on the server: the list of completed requests (PG-38, planned like 诉求列表), the entry
//! (PG-39) and 保存 — one transaction that claims the request with a conditional UPDATE (of two
//! inspectors saving at once exactly one wins), writes the `qa_record`, sets 是否质检 / 质检结果
//! on the request and its 服务记录, tells the agent and the supervisors of 处理有误, and logs it.
use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder,
};
use serde_json::json;

use super::entity::qa_record;
use super::{QaEntry, QaFilter, QaInput, QaOptions, QaRecordView, QaResult, QaRow, QaSaved, QaStatus};
use crate::auth::audit::{self, Entry};
use crate::auth::entity::{account, organization};
use crate::auth::session::CurrentUser;
use crate::auth::{DepartmentKind, OrgType, Perm};
use crate::db::{Listing, account_names, fetch_listing, hidden_from_index, people_and_orgs};
use crate::error::{AppError, AppResult};
use crate::members::conditions::ts_range;
use crate::members::entity::service_record;
use crate::members::enums::CustomerType;
use crate::notify::NotificationKind;
use crate::notify::service::{Message, holders, send};
use crate::requests::entity::service_request;
use crate::requests::{AcceptingDept, Channel, HandlingDept, RequestState, RequestType};
use crate::ui::Page;

use service_request::Column as R;

/// 随机抽取 (see `qa::sample`).
pub use super::sample::sample;

/// The requests of PG-38 that `user` may see: completed, filtered by `f`, newest completion
/// first. Every condition of 诉求列表 is its own (`requests::lists::filtered`); the completion
/// range, 质检结果 and `completed_at IS NOT NULL` (which lets both databases walk the partial
/// index `ix_request_completed`) are added here.
pub fn listing(
    backend: sea_orm::DbBackend,
    user: &CurrentUser,
    f: &QaFilter,
) -> AppResult<Listing<service_request::Entity>> {
    f.validate()?;
    let (rows, scope, walk_scope) = crate::requests::lists::filtered(backend, user, &f.request_filter())?;
    Ok(Listing {
        rows: service_request::Entity::find().filter(rows.add(completed(backend, f))),
        scope,
        walk_scope,
        id: R::Id,
        key: R::CompletedAt,
        desc: true,
    })
}

/// Completed requests, in the completion range and of the 质检结果 of `f`.
pub(super) fn completed(backend: sea_orm::DbBackend, f: &QaFilter) -> Condition {
    let done = Expr::col((service_request::Entity, R::CompletedAt));
    // (The state index serves the open states: kept out of SQLite's choice, as 诉求列表 does.)
    let mut cond = Condition::all()
        .add(done.clone().is_not_null())
        .add(hidden_from_index::<service_request::Entity>(backend, R::State).eq(RequestState::Completed.code()))
        .add(ts_range(done, &f.done_from, &f.done_to));
    if let Some(r) = QaResult::parse(&f.result) {
        cond = cond.add(R::QaResult.eq(r.code()));
    }
    cond
}

/// PG-38: one page of the completed requests of `f`.
pub async fn list(db: &impl ConnectionTrait, user: &CurrentUser, f: &QaFilter) -> AppResult<Page<QaRow>> {
    let listing = listing(db.get_database_backend(), user, f)?;
    let page = fetch_listing(db, listing, f.page, f.per_page).await?;
    rows(db, page).await
}

/// Rows of a page of requests, the agents and organisations named in one statement.
pub(super) async fn rows(db: &impl ConnectionTrait, page: Page<service_request::Model>) -> AppResult<Page<QaRow>> {
    let accounts: Vec<i64> = page.items.iter().map(|r| r.agent_id).collect();
    let orgs: Vec<i64> = page.items.iter().map(|r| r.accepting_org_id).collect();
    let (accounts, orgs) = people_and_orgs(db, accounts, orgs).await?;
    Ok(page.map(|r| row(r, &accounts, &orgs)))
}

pub(super) fn row(r: service_request::Model, accounts: &HashMap<i64, String>, orgs: &HashMap<i64, String>) -> QaRow {
    let caller = r.company_name.clone().filter(|s| !s.is_empty()).or(r.caller_name.clone()).unwrap_or_default();
    QaRow {
        id: r.id,
        request_no: r.request_no,
        accepted_at: r.accepted_at,
        caller,
        customer_type: CustomerType::parse(&r.customer_type).unwrap_or(CustomerType::NonMember),
        member_level: r.member_level_snapshot.unwrap_or_default(),
        request_type: RequestType::parse(&r.request_type).unwrap_or(RequestType::Consultation),
        channel: Channel::parse(&r.channel).unwrap_or(Channel::Phone),
        accepting_dept: AcceptingDept::parse(&r.accepting_dept).unwrap_or(AcceptingDept::CompanyCs),
        org: orgs.get(&r.accepting_org_id).cloned().unwrap_or_default(),
        handling_dept: HandlingDept::parse(&r.handling_dept).unwrap_or(HandlingDept::CsDept),
        agent: accounts.get(&r.agent_id).cloned().unwrap_or_default(),
        completed_at: r.completed_at,
        qa_status: QaStatus::parse(&r.qa_status).unwrap_or(QaStatus::NotInspected),
        qa_result: r.qa_result.as_deref().and_then(QaResult::parse),
    }
}

/// The organisations that accept requests (客服部 and the rep offices), the CS agents and the
/// inspectors, for the filters.
pub async fn options(db: &impl ConnectionTrait) -> AppResult<QaOptions> {
    let orgs = organization::Entity::find()
        .filter(organization::Column::IsActive.eq(true))
        .order_by_asc(organization::Column::SortOrder)
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|o| {
            o.org_type() == Some(OrgType::RepOffice)
                || (o.org_type() == Some(OrgType::Department) && o.department_kind() == Some(DepartmentKind::CsDept))
        })
        .map(|o| (o.id, o.name))
        .collect();
    let named = |ids: Vec<i64>, names: HashMap<i64, String>| {
        ids.into_iter().filter_map(|id| names.get(&id).map(|n| (id, n.clone()))).collect::<Vec<_>>()
    };
    let agents = holders(db, Perm::IntakeMemberRequest, None).await?;
    let inspectors = holders(db, Perm::Qa, None).await?;
    let names = account_names(db, agents.iter().chain(&inspectors).copied().collect()).await?;
    Ok(QaOptions { orgs, agents: named(agents, names.clone()), inspectors: named(inspectors, names) })
}

/// The inspections of request `id`, newest first.
async fn records_of(db: &impl ConnectionTrait, id: i64) -> AppResult<Vec<QaRecordView>> {
    let records = qa_record::Entity::find()
        .filter(qa_record::Column::RequestId.eq(id))
        .order_by_desc(qa_record::Column::Id)
        .all(db)
        .await?;
    let ids = records.iter().flat_map(|r| [r.inspector_id, r.inspected_agent_id]).collect();
    let names = account_names(db, ids).await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    Ok(records
        .into_iter()
        .map(|r| QaRecordView {
            id: r.id,
            result: QaResult::parse(&r.qa_result).unwrap_or(QaResult::Correct),
            remark: r.remark.unwrap_or_default(),
            inspector: name(r.inspector_id),
            inspected_agent: name(r.inspected_agent_id),
            at: r.inspected_at,
            is_current: r.is_current,
        })
        .collect())
}

/// PG-39: the request as PG-22 shows it, with its inspections.
pub async fn entry(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<QaEntry> {
    let detail = crate::requests::query::detail(db, user, id).await?;
    let r = service_request::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    let records = records_of(db, id).await?;
    let qa_status = QaStatus::parse(&r.qa_status).unwrap_or(QaStatus::NotInspected);
    let completed = RequestState::parse(&r.state) == Some(RequestState::Completed);
    let may_save = completed && (qa_status == QaStatus::NotInspected || user.has(Perm::QaAmend));
    Ok(QaEntry {
        detail,
        qa_status,
        current_id: records.iter().find(|r| r.is_current).map(|r| r.id),
        records,
        may_save,
        completed,
    })
}

fn taken() -> AppError {
    AppError::rejected("该诉求已被他人质检,请刷新", "Someone else has inspected this request meanwhile; reload")
}

/// 保存 (SM-5 step 4): the first inspection of a completed request, or — for an account that
/// may amend (修改质检结果) — a new one replacing the current record the page showed.
pub async fn save(db: &DatabaseConnection, user: &CurrentUser, input: QaInput) -> AppResult<QaSaved> {
    input.validate()?;
    let result = input.result.ok_or_else(|| AppError::field("result", "请选择质检结果", "Choose the result"))?;
    let remark = crate::db::opt(&input.remark);
    let txn = crate::db::write_txn(db).await?;
    let r = service_request::Entity::find_by_id(input.request_id)
        .filter(crate::requests::query::visible(user))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if RequestState::parse(&r.state) != Some(RequestState::Completed) {
        return Err(AppError::rejected("只能质检已处理完成的诉求", "Only completed requests can be inspected"));
    }
    let now = Utc::now();
    let claimed = match input.current_id {
        // The first inspection claims the request while it is still 未质检.
        None => {
            service_request::Entity::update_many()
                .col_expr(R::QaStatus, Expr::value(QaStatus::Inspected.code()))
                .col_expr(R::QaResult, Expr::value(result.code()))
                .filter(R::Id.eq(r.id))
                .filter(R::State.eq(RequestState::Completed.code()))
                .filter(R::QaStatus.eq(QaStatus::NotInspected.code()))
                .exec(&txn)
                .await?
                .rows_affected
        }
        // An amendment claims the current record the page showed.
        Some(current) => {
            if !user.has(Perm::QaAmend) {
                return Err(AppError::rejected(
                    "该诉求已质检;修改质检结果需要“修改质检结果”权限",
                    "Already inspected; amending needs the Amend QA result permission",
                ));
            }
            let n = qa_record::Entity::update_many()
                .col_expr(qa_record::Column::IsCurrent, Expr::value(false))
                .filter(qa_record::Column::Id.eq(current))
                .filter(qa_record::Column::RequestId.eq(r.id))
                .filter(qa_record::Column::IsCurrent.eq(true))
                .exec(&txn)
                .await?
                .rows_affected;
            if n == 1 {
                service_request::Entity::update_many()
                    .col_expr(R::QaStatus, Expr::value(QaStatus::Inspected.code()))
                    .col_expr(R::QaResult, Expr::value(result.code()))
                    .filter(R::Id.eq(r.id))
                    .exec(&txn)
                    .await?;
            }
            n
        }
    };
    if claimed != 1 {
        return Err(taken());
    }
    let record = qa_record::ActiveModel {
        request_id: Set(r.id),
        inspector_id: Set(user.account.id),
        qa_result: Set(result.code().into()),
        remark: Set(remark.clone()),
        inspected_agent_id: Set(r.agent_id),
        accepting_dept: Set(r.accepting_dept.clone()),
        accepting_org_id: Set(r.accepting_org_id),
        inspected_at: Set(now),
        is_current: Set(true),
        superseded_by_id: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| if crate::db::unique_violation(&e) { taken() } else { e.into() })?;
    if let Some(current) = input.current_id {
        qa_record::Entity::update_many()
            .col_expr(qa_record::Column::SupersededById, Expr::value(record.id))
            .filter(qa_record::Column::Id.eq(current))
            .exec(&txn)
            .await?;
    }
    // The member's 服务记录 shows it too (信息查询's 是否质检 / 质检结果).
    if let Some(sr) = r.service_record_id {
        service_record::Entity::update_many()
            .col_expr(service_record::Column::QaStatus, Expr::value(QaStatus::Inspected.code()))
            .col_expr(service_record::Column::QaResult, Expr::value(result.code()))
            .col_expr(service_record::Column::UpdatedAt, Expr::value(now))
            .filter(service_record::Column::Id.eq(sr))
            .exec(&txn)
            .await?;
    }
    if result == QaResult::Incorrect {
        tell_incorrect(&txn, user, &r, remark.as_deref().unwrap_or_default()).await?;
    }
    audit::record(
        &txn,
        user,
        Entry::new(Perm::Qa.code(), "qa", "service_request").target(r.id, &r.request_no).detail(json!({
            "result": result.code(),
            "remark": remark.map(|s| s.chars().take(200).collect::<String>()),
            "record": record.id,
            "amends": input.current_id,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(QaSaved { record_id: record.id, amended: input.current_id.is_some() })
}

/// 处理有误: the request's agent and the supervisors of the agent's organisation are told
/// (SM-5 step 4; the inspector is never told of their own inspection).
async fn tell_incorrect(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    r: &service_request::Model,
    remark: &str,
) -> AppResult<()> {
    let org = account::Entity::find_by_id(r.agent_id).one(db).await?.map(|a| a.organization_id);
    let mut to = vec![r.agent_id];
    to.extend(holders(db, Perm::IntakeVoidRequest, Some(org.unwrap_or(r.accepting_org_id))).await?);
    let link = format!("/requests/{}", r.id);
    let msg = Message {
        kind: NotificationKind::QaIncorrect,
        title: format!("诉求 {} 质检结果:处理有误", r.request_no),
        body: remark.chars().take(200).collect(),
        link: &link,
    };
    send(db, &to, Some(user.account.id), &msg).await
}
