//! Reading requests: who sees which (SPEC §1.6), the rows of the lists (their filters and plans
//! are `lists`'), and the detail (PG-22) with the actions the account may take now.
use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entity::{request_step, service_request};
use super::{
    AcceptingDept, Actor, Channel, DeptChoice, FeedbackView, HandlingDept, Priority, RequestAction, RequestBrief,
    RequestDetail, RequestRow, RequestState, RequestType, SlaState, StepType, StepView,
};
use crate::auth::entity::organization;
use crate::auth::scope::Scope;
use crate::auth::session::CurrentUser;
use crate::auth::{DepartmentKind, OrgType, Perm};
use crate::db::{account_names, people_and_orgs};
use crate::error::{AppError, AppResult};
use crate::members::enums::CustomerType;
use crate::ui::Page;

use service_request::Column as R;

/// `request_kind` of member requests in the shared step and feedback tables.
pub const KIND: &str = "member_request";

/// The requests `user` may see (SPEC §1.6): all; those accepted by or concerning the user's
/// organisations; those routed to the user's department in any round; or the user's own.
pub fn visible(user: &CurrentUser) -> Condition {
    visible_with(user, &|c| Expr::col((service_request::Entity, c)))
}

/// [`visible`] with its columns as `col` names them (for a list's walk: hidden from the index
/// choice, `db::hidden_from_index`).
pub(super) fn visible_with(user: &CurrentUser, col: &dyn Fn(R) -> Expr) -> Condition {
    let me = user.account.id;
    match &user.scope {
        Scope::All => Condition::all(),
        Scope::Orgs(ids) => Condition::any()
            .add(col(R::AcceptingOrgId).is_in(ids.clone()))
            .add(col(R::CustomerOrgSnapshotId).is_in(ids.clone()))
            .add(col(R::AgentId).eq(me)),
        Scope::Dept(org) => {
            Condition::any().add(routed_to(KIND, *org, (service_request::Entity, R::Id))).add(col(R::CreatedBy).eq(me))
        }
        Scope::Own(_) => Condition::any().add(col(R::AgentId).eq(me)).add(col(R::CreatedBy).eq(me)),
    }
}

/// The request (`kind`: member requests or rep-office needs; `id`: its id column) was routed
/// to department organisation `org` in some round — probed per request in the step index, so
/// a list walking its order never gathers every request a department ever had.
pub fn routed_to(kind: &str, org: i64, id: impl sea_orm::sea_query::IntoColumnRef) -> Condition {
    use request_step::Column as S;
    let steps = Query::select()
        .expr(Expr::val(1))
        .from(request_step::Entity)
        .and_where(Expr::col((request_step::Entity, S::RequestKind)).eq(kind))
        .and_where(Expr::col((request_step::Entity, S::RequestId)).equals(id))
        .and_where(Expr::col((request_step::Entity, S::ToOrgId)).eq(org))
        .to_owned();
    Condition::all().add(Expr::exists(steps))
}

/// The request `id` if `user` may see it; anything else is "not found".
pub async fn visible_request(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: i64,
) -> AppResult<service_request::Model> {
    service_request::Entity::find_by_id(id).filter(visible(user)).one(db).await?.ok_or(AppError::NotFound)
}

/// Whether `user` is the actor `actor` for request `r`.
pub fn is_actor(user: &CurrentUser, r: &service_request::Model, actor: Actor) -> bool {
    match actor {
        Actor::Cs => {
            user.has(Perm::IntakeMemberRequest) && (r.agent_id == user.account.id || r.accepting_org_id == user.org.id)
        }
        Actor::Dept => user.has(Perm::BizDeptInbox) && r.handling_org_id == Some(user.org.id),
        Actor::Supervisor => user.has(Perm::IntakeVoidRequest),
    }
}

/// The actions `user` may take on `r` now.
pub fn actions_for(user: &CurrentUser, r: &service_request::Model) -> Vec<RequestAction> {
    RequestState::parse(&r.state)
        .map(|s| s.actions().into_iter().filter(|a| is_actor(user, r, a.actor())).collect())
        .unwrap_or_default()
}

/// The departments a request can be routed to: the active department organisations except
/// 客服部 (and 买家部, which takes no member requests), by their kind's order.
pub async fn departments(db: &impl ConnectionTrait) -> AppResult<Vec<DeptChoice>> {
    let orgs = organization::Entity::find()
        .filter(organization::Column::OrgType.eq(OrgType::Department.code()))
        .filter(organization::Column::IsActive.eq(true))
        .order_by_asc(organization::Column::SortOrder)
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?;
    let mut out: Vec<DeptChoice> = orgs
        .into_iter()
        .filter_map(|o| {
            let dept = o.department_kind().and_then(HandlingDept::of_kind)?;
            Some(DeptChoice { org_id: Some(o.id), dept, name: o.name })
        })
        .collect();
    out.sort_by_key(|d| HandlingDept::ALL.iter().position(|x| *x == d.dept));
    Ok(out)
}

/// The department organisation `org_id` as a routing target (active, a receiving kind).
pub async fn routing_target(db: &impl ConnectionTrait, org_id: i64) -> AppResult<(organization::Model, HandlingDept)> {
    let o = organization::Entity::find_by_id(org_id)
        .filter(organization::Column::IsActive.eq(true))
        .one(db)
        .await?
        .filter(|o| o.org_type() == Some(OrgType::Department));
    let dept = o.as_ref().and_then(|o| o.department_kind()).filter(|k| *k != DepartmentKind::CsDept);
    match (o, dept.and_then(HandlingDept::of_kind)) {
        (Some(o), Some(d)) => Ok((o, d)),
        _ => Err(AppError::field("handling_org_id", "处理部门不存在或已停用", "No such active department")),
    }
}

/// A request as a brief (open requests of a caller).
pub fn brief(r: service_request::Model) -> Option<RequestBrief> {
    Some(RequestBrief {
        id: r.id,
        request_no: r.request_no,
        accepted_at: r.accepted_at,
        request_type: RequestType::parse(&r.request_type)?,
        state: RequestState::parse(&r.state)?,
        handling_dept: HandlingDept::parse(&r.handling_dept)?,
        content: r.content.chars().take(60).collect(),
    })
}

/// Rows of a page of requests, names resolved (one query for all accounts).
pub(super) async fn rows(db: &impl ConnectionTrait, page: Page<service_request::Model>) -> AppResult<Page<RequestRow>> {
    let ids: Vec<i64> = page.items.iter().flat_map(|r| std::iter::once(r.agent_id).chain(r.routed_by)).collect();
    let accounts = account_names(db, ids).await?;
    Ok(page.map(|r| row(r, &accounts)))
}

fn row(r: service_request::Model, accounts: &HashMap<i64, String>) -> RequestRow {
    let name = |id: Option<i64>| id.and_then(|i| accounts.get(&i).cloned()).unwrap_or_default();
    let caller = r.company_name.clone().filter(|s| !s.is_empty()).or(r.caller_name.clone()).unwrap_or_default();
    RequestRow {
        id: r.id,
        request_no: r.request_no,
        accepted_at: r.accepted_at,
        caller,
        customer_type: CustomerType::parse(&r.customer_type).unwrap_or(CustomerType::NonMember),
        member_level: r.member_level_snapshot.unwrap_or_default(),
        request_type: RequestType::parse(&r.request_type).unwrap_or(RequestType::Consultation),
        channel: Channel::parse(&r.channel).unwrap_or(Channel::Phone),
        handling_dept: HandlingDept::parse(&r.handling_dept).unwrap_or(HandlingDept::CsDept),
        state: RequestState::parse(&r.state).unwrap_or(RequestState::CsProcessing),
        agent: name(Some(r.agent_id)),
        content: r.content.chars().take(50).collect(),
        routed_at: r.routed_at,
        routed_by: name(r.routed_by),
        priority: Priority::parse(&r.priority).unwrap_or(Priority::Normal),
        updated_at: r.updated_at,
        sla_state: SlaState::parse(&r.sla_state).unwrap_or(SlaState::OnTime),
        due_at: r.feedback_due_at.or(r.sla_due_at),
    }
}

/// 诉求详情 (PG-22).
pub async fn detail(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<RequestDetail> {
    let r = visible_request(db, user, id).await?;
    // Opening the request reads the messages about it.
    crate::notify::service::mark_read_link(db, user, &format!("/requests/{id}")).await?;
    let steps = steps_of(db, KIND, id).await?;
    let mut account_ids: Vec<i64> = steps.iter().map(|s| s.actor_id).collect();
    account_ids.extend([Some(r.agent_id), r.routed_by, r.completed_by].into_iter().flatten());
    let mut org_ids: Vec<i64> = steps.iter().map(|s| s.actor_org_id).collect();
    org_ids.extend([Some(r.accepting_org_id), r.handling_org_id].into_iter().flatten());
    let (accounts, orgs) = people_and_orgs(db, account_ids, org_ids).await?;
    let acc = |id: Option<i64>| id.and_then(|i| accounts.get(&i).cloned()).unwrap_or_default();
    let org = |id: Option<i64>| id.and_then(|i| orgs.get(&i).cloned()).unwrap_or_default();

    let customer_visible = matches!(user.scope, Scope::All)
        || crate::members::service::visible_customer(db, user, r.customer_id).await.is_ok();
    let actions = actions_for(user, &r);
    let departments = if actions.iter().any(|a| matches!(a, RequestAction::Route | RequestAction::Reroute)) {
        departments(db).await?
    } else {
        vec![]
    };
    let feedbacks = feedbacks_of(&steps, &acc, &org);
    let qa = qa_note(db, user, &r).await?;
    let steps = steps
        .into_iter()
        .map(|s| StepView {
            step: StepType::parse(&s.step_type).unwrap_or(StepType::Save),
            to_state: RequestState::parse(&s.to_state).unwrap_or(RequestState::CsProcessing),
            to_dept: s.to_dept.as_deref().and_then(HandlingDept::parse),
            actor: acc(Some(s.actor_id)),
            org: org(Some(s.actor_org_id)),
            note: s.note.unwrap_or_default(),
            at: s.created_at,
        })
        .collect();
    Ok(RequestDetail {
        customer_id: r.customer_id,
        customer_visible,
        caller_name: r.caller_name.clone().unwrap_or_default(),
        contact_mobile: r.contact_mobile.clone().unwrap_or_default(),
        contact_phone: r.contact_phone.clone().unwrap_or_default(),
        login_name: r.login_name.clone().unwrap_or_default(),
        registered_email: r.registered_email.clone().unwrap_or_default(),
        content: r.content.clone(),
        accepting_dept: AcceptingDept::parse(&r.accepting_dept).unwrap_or(AcceptingDept::CompanyCs),
        accepting_org: org(Some(r.accepting_org_id)),
        handling_org: org(r.handling_org_id),
        result: r.result.clone().unwrap_or_default(),
        completed_at: r.completed_at,
        completed_by: acc(r.completed_by),
        void_reason: r.void_reason.clone().unwrap_or_default(),
        service_record_id: r.service_record_id,
        steps,
        feedbacks,
        actions,
        departments,
        version: r.version,
        qa,
        row: row(r, &accounts),
    })
}

/// The QA block (PG-22): the current inspection of an inspected request, for customer-service
/// accounts and inspectors (business departments never see it).
async fn qa_note(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    r: &service_request::Model,
) -> AppResult<Option<super::QaNote>> {
    use crate::members::enums::{QaResult, QaStatus};
    use crate::qa::entity::qa_record;
    let cs = user.has(Perm::IntakeMemberRequest) || user.has(Perm::Qa);
    if !cs || QaStatus::parse(&r.qa_status) != Some(QaStatus::Inspected) {
        return Ok(None);
    }
    let current = qa_record::Entity::find()
        .filter(qa_record::Column::RequestId.eq(r.id))
        .filter(qa_record::Column::IsCurrent.eq(true))
        .one(db)
        .await?;
    let inspector = match &current {
        Some(q) => account_names(db, vec![q.inspector_id]).await?.remove(&q.inspector_id).unwrap_or_default(),
        None => String::new(),
    };
    // (Generated data may hold a result without its record.)
    let result = current.as_ref().map(|q| q.qa_result.as_str()).or(r.qa_result.as_deref()).and_then(QaResult::parse);
    Ok(result.map(|result| super::QaNote {
        result,
        remark: current.as_ref().and_then(|q| q.remark.clone()).unwrap_or_default(),
        inspector,
        at: current.map(|q| q.inspected_at),
    }))
}

/// The steps of a request or a rep-office need, in order.
pub async fn steps_of(db: &impl ConnectionTrait, kind: &str, id: i64) -> AppResult<Vec<request_step::Model>> {
    Ok(request_step::Entity::find()
        .filter(request_step::Column::RequestKind.eq(kind))
        .filter(request_step::Column::RequestId.eq(id))
        .order_by_asc(request_step::Column::Id)
        .all(db)
        .await?)
}

/// The departments' feedback rounds as their `feedback` steps tell them (each round writes its
/// text as the step's note and a `dept_feedback` row for the reports).
pub fn feedbacks_of(
    steps: &[request_step::Model],
    acc: &impl Fn(Option<i64>) -> String,
    org: &impl Fn(Option<i64>) -> String,
) -> Vec<FeedbackView> {
    steps
        .iter()
        .filter(|s| s.step_type == StepType::Feedback.code())
        .map(|s| FeedbackView {
            department: org(Some(s.actor_org_id)),
            handler: acc(Some(s.actor_id)),
            text: s.note.clone().unwrap_or_default(),
            at: s.created_at,
        })
        .collect()
}

/// The open requests of a customer and its recent ones, for the member's page (PG-11 诉求 tab).
pub async fn of_customer(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    customer_id: i64,
) -> AppResult<Vec<RequestBrief>> {
    crate::members::service::visible_customer(db, user, customer_id).await?;
    let rows = service_request::Entity::find()
        .filter(R::CustomerId.eq(customer_id))
        .filter(R::State.ne(RequestState::Voided.code()))
        .filter(visible(user))
        .order_by_desc(R::AcceptedAt)
        .limit(50)
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(brief).collect())
}
