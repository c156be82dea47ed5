//! 会员诉求受理 (PG-20, SM-1 T0–T3): one transaction resolves or creates the caller, numbers
//! the request, writes it with its one 服务记录 and its steps, keeps the member's
//! `last_service_at` current, tells the department it was routed to, and logs the operation.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::entity::{request_step, service_request};
use super::query::{KIND, departments, routing_target};
use super::{
    AcceptingDept, HandlingDept, IntakeInput, IntakeOptions, IntakeOutcome, RequestAction, RequestState, StepType,
    lookup,
};
use crate::archive::CustomerInput;
use crate::auth::audit::{self, Entry};
use crate::auth::entity::account;
use crate::auth::session::CurrentUser;
use crate::auth::{AccountStatus, Perm, RoleCode};
use crate::error::{AppError, AppResult};
use crate::members::entity::{customer, service_record};
use crate::members::enums::{CustomerType, EntryMethod, SourceKind};
use crate::notify::NotificationKind;
use crate::notify::service::{Message, accounts_of_org, send};

/// 主管/经理 may record a request for another agent of their organisation.
fn may_pick_agent(user: &CurrentUser) -> bool {
    RoleCode::is_reviewer(user.role_code())
}

/// The active accounts of the user's organisation (客服人员; a task's possible assignees).
/// What 客户姓名 searches of a caller's name: its normalised text and its search grams.
pub(super) fn caller_search(name: &str) -> (String, String) {
    (crate::members::search::search_text(name), crate::members::search::grams(name))
}

pub async fn agents(db: &impl ConnectionTrait, user: &CurrentUser) -> AppResult<Vec<(i64, String)>> {
    Ok(account::Entity::find()
        .filter(account::Column::OrganizationId.eq(user.org.id))
        .filter(account::Column::Status.eq(AccountStatus::Active.code()))
        .order_by_asc(account::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

pub async fn options(db: &impl ConnectionTrait, user: &CurrentUser) -> AppResult<IntakeOptions> {
    Ok(IntakeOptions {
        accepting_dept: AcceptingDept::of(user)?,
        departments: departments(db).await?,
        agents: agents(db, user).await?,
        may_pick_agent: may_pick_agent(user),
        me: user.account.id,
    })
}

/// The agent the request is recorded for: the user, or (主管/经理) another active account of
/// the same organisation.
async fn agent_of(db: &impl ConnectionTrait, user: &CurrentUser, picked: Option<i64>) -> AppResult<i64> {
    match picked {
        None => Ok(user.account.id),
        Some(id) if id == user.account.id => Ok(id),
        Some(id) => {
            let ok = may_pick_agent(user) && agents(db, user).await?.iter().any(|a| a.0 == id);
            if ok {
                Ok(id)
            } else {
                Err(AppError::field(
                    "agent_id",
                    "只能选择本机构的在岗客服人员",
                    "Choose an active agent of your organisation",
                ))
            }
        }
    }
}

/// Hands out the next `prefix`yyyyMMddNNNN number of the day `at` falls on (China time).
pub async fn number(db: &impl ConnectionTrait, prefix: &str, at: &DateTime<Utc>) -> AppResult<String> {
    let day = crate::cst::local(at).format("%Y%m%d").to_string();
    let n = crate::db::next_in_sequence(db, prefix, &day).await?;
    Ok(format!("{prefix}{day}{n:04}"))
}

/// Takes a request in (T1, T2 or T3 by `input.action`).
pub async fn save(
    db: &sea_orm::DatabaseConnection,
    user: &CurrentUser,
    input: IntakeInput,
) -> AppResult<IntakeOutcome> {
    let accepting = AcceptingDept::of(user)?;
    input.validate()?;
    let state = RequestState::after(None, input.action)?;
    let agent = agent_of(db, user, input.agent_id).await?;
    let target = match input.handling_org_id {
        Some(org) => Some(routing_target(db, org).await?),
        None => None,
    };
    let (request_type, channel) = match (input.request_type, input.channel) {
        (Some(t), Some(c)) => (t, c),
        _ => return Err(AppError::field("request_type", "请选择诉求类型", "Choose the request type")),
    };

    let txn = crate::db::write_txn(db).await?;
    // T0: the caller — a member picked in the lookup, a non-member re-used, or a new one.
    // `foreign`: a member of another organisation reached by an exact key (OP-21).
    let (caller, foreign) = match input.customer_id {
        Some(id) => {
            let (c, foreign) = lookup::caller(&txn, user, id).await?;
            if c.customer_type() != Some(input.customer_type) {
                return Err(AppError::field("caller", "所选客户的客户类型与表单不一致", "The caller's type differs"));
            }
            (c, foreign)
        }
        None if input.customer_type == CustomerType::NonMember => (create_non_member(&txn, user, &input).await?, false),
        None => return Err(AppError::field("caller", "请从列表中选择会员", "Pick the member from the list")),
    };
    // 转为诉求: a callback of this very member, inside the user's scope.
    let from_callback = match input.source_callback_id {
        Some(id) => {
            let cb = crate::callbacks::service::visible_callback(&txn, user, id).await?;
            if cb.customer_id != caller.id {
                return Err(AppError::field(
                    "caller",
                    "该回访记录不属于所选会员",
                    "That callback is of another member",
                ));
            }
            Some(cb.id)
        }
        None => None,
    };

    let now = Utc::now();
    let request_no = number(&txn, "SQ", &now).await?;
    let completed = state == RequestState::Completed;
    let (dept, handling_org) = match &target {
        Some((org, dept)) => (*dept, Some(org.id)),
        None => (HandlingDept::CsDept, None),
    };
    // The clocks (SPEC K13): resolution from intake, the department's from routing.
    let clocks = super::sla::Clocks::load(&txn, request_type, input.priority).await?;
    let resolve = if completed { super::sla::Due::default() } else { clocks.resolve(now) };
    let feedback = if handling_org.is_some() { clocks.feedback(now) } else { super::sla::Due::default() };
    let sla_state = super::sla::state_at(now, resolve, feedback);
    let opt = crate::db::opt;
    // The request is visible to the accepting office: of another office's member it keeps only
    // what the caller said and the autofill fields, not the member's contact data (OP-21).
    let own = |v: &Option<String>| if foreign { None } else { v.clone() };
    let caller_name = opt(&input.caller_name).or(own(&caller.contact_name));
    let mobile = opt(&input.contact_mobile).or(own(&caller.phone_mobile));
    let phone = opt(&input.contact_phone).or(own(&caller.phone_fixed));
    let (caller_text, caller_grams) = caller_name.as_deref().map(caller_search).unwrap_or_default();
    let req = service_request::ActiveModel {
        request_no: Set(request_no.clone()),
        customer_id: Set(caller.id),
        customer_type: Set(caller.customer_type.clone()),
        caller_name: Set(caller_name),
        caller_text: Set(caller_text),
        caller_grams: Set(caller_grams),
        source_callback_id: Set(from_callback),
        company_name: Set(caller.company_name.clone()),
        registered_email: Set(own(&caller.registered_email)),
        login_name: Set(caller.login_name.clone()),
        contact_mobile: Set(mobile),
        contact_phone: Set(phone),
        member_level_snapshot: Set(caller.member_level.clone()),
        customer_org_snapshot_id: Set(caller.organization_id),
        channel: Set(channel.code().into()),
        accepting_dept: Set(accepting.code().into()),
        accepting_org_id: Set(user.org.id),
        agent_id: Set(agent),
        request_type: Set(request_type.code().into()),
        content: Set(input.content.trim().to_string()),
        handling_dept: Set(dept.code().into()),
        handling_org_id: Set(handling_org),
        result: Set(opt(&input.result)),
        state: Set(state.code().into()),
        priority: Set(input.priority.code().into()),
        accepted_at: Set(now),
        routed_at: Set(handling_org.map(|_| now)),
        routed_by: Set(handling_org.map(|_| user.account.id)),
        completed_at: Set(completed.then_some(now)),
        completed_by: Set(completed.then_some(user.account.id)),
        qa_status: Set(crate::members::enums::QaStatus::NotInspected.code().into()),
        version: Set(1),
        created_by: Set(user.account.id),
        created_at: Set(now),
        updated_by: Set(Some(user.account.id)),
        updated_at: Set(now),
        sla_due_at: Set(resolve.due),
        sla_warn_at: Set(resolve.warn),
        feedback_due_at: Set(feedback.due),
        feedback_warn_at: Set(feedback.warn),
        sla_state: Set(sla_state.code().into()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;

    // Its one service record (E5), whose result follows the request.
    let record = service_record::ActiveModel {
        source_kind: Set(SourceKind::MemberRequest.code().into()),
        source_id: Set(req.id),
        service_type: Set(request_type.code().into()),
        // (A request raised during a callback is proactive service: SPEC E5.)
        service_mode: Set(if from_callback.is_some() { "proactive" } else { "reactive" }.into()),
        service_dept: Set(accepting.code().into()),
        organization_id: Set(user.org.id),
        agent_id: Set(agent),
        service_at: Set(now),
        service_result: Set(crate::members::enums::ServiceResult::of(completed).code().into()),
        summary: Set(Some(req.content.chars().take(500).collect())),
        qa_status: Set(Some(crate::members::enums::QaStatus::NotInspected.code().into())),
        ..crate::members::service::new_record(&caller, now)
    }
    .insert(&txn)
    .await?;
    service_request::Entity::update_many()
        .col_expr(service_request::Column::ServiceRecordId, Expr::value(record.id))
        .filter(service_request::Column::Id.eq(req.id))
        .exec(&txn)
        .await?;
    crate::members::service::served_at(&txn, caller.id, now).await?;

    // Steps: 受理, then 处理完成 or 流转.
    let intake_state = if input.action == RequestAction::Save { state } else { RequestState::CsProcessing };
    step(&txn, user, req.id, StepType::Intake, None, intake_state, None, None).await?;
    match input.action {
        RequestAction::Complete => {
            step(&txn, user, req.id, StepType::Complete, Some(intake_state), state, None, opt(&input.result)).await?;
        }
        RequestAction::Route => {
            let to = target.as_ref().map(|(o, d)| (*d, o.id));
            step(&txn, user, req.id, StepType::Route, Some(intake_state), state, to, None).await?;
        }
        _ => {}
    }
    if let Some((org, _)) = &target {
        notify_routed(&txn, user, &req, org.id, &org.name).await?;
    }
    audit::record(
        &txn,
        user,
        Entry::new(Perm::IntakeMemberRequest.code(), "create", "service_request").target(req.id, &request_no).detail(
            json!({
                "customer_id": caller.id,
                "state": state.code(),
                "handling_dept": dept.code(),
                "request_type": request_type.code(),
            }),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(IntakeOutcome { id: req.id, request_no, state, dept_name: target.map(|(o, _)| o.name) })
}

/// A non-member caller (SM-1 T0): 客户姓名, phone and 区域, of the user's organisation, in
/// circulation at once (entry method 诉求受理).
async fn create_non_member(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    input: &IntakeInput,
) -> AppResult<customer::Model> {
    let org = crate::archive::entry::entry_orgs(txn, user)
        .await?
        .first()
        .map(|o| o.0)
        .ok_or_else(|| AppError::rejected("没有可归属的组织机构", "No organisation to file the caller under"))?;
    let entry = CustomerInput {
        company_name: input.company_name.clone(),
        contact_name: input.caller_name.clone(),
        phone_mobile: input.contact_mobile.clone(),
        phone_fixed: input.contact_phone.clone(),
        region: input.region,
        organization_id: Some(org),
        ..Default::default()
    };
    let id = crate::archive::entry::insert_approved(txn, user, &entry, org, EntryMethod::RequestIntake).await?;
    customer::Entity::find_by_id(id).one(txn).await?.ok_or(AppError::NotFound)
}

/// Appends a step to a request's timeline.
#[allow(clippy::too_many_arguments)]
pub async fn step(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    request_id: i64,
    step: StepType,
    from: Option<RequestState>,
    to: RequestState,
    to_dept: Option<(HandlingDept, i64)>,
    note: Option<String>,
) -> AppResult<()> {
    let states = (from.map(|s| s.code()), to.code());
    write_step(db, user, (KIND, request_id), step, states, to_dept, note).await
}

/// Writes one immutable step of a request or a rep-office need (`target`: its kind and id;
/// `states`: the state codes before and after).
pub async fn write_step(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    target: (&str, i64),
    step: StepType,
    states: (Option<&str>, &str),
    to_dept: Option<(HandlingDept, i64)>,
    note: Option<String>,
) -> AppResult<()> {
    request_step::ActiveModel {
        request_kind: Set(target.0.into()),
        request_id: Set(target.1),
        step_type: Set(step.code().into()),
        from_state: Set(states.0.map(Into::into)),
        to_state: Set(states.1.into()),
        from_dept: Set(None),
        to_dept: Set(to_dept.map(|d| d.0.code().into())),
        to_org_id: Set(to_dept.map(|d| d.1)),
        actor_id: Set(user.account.id),
        actor_org_id: Set(user.org.id),
        note: Set(note),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Tells every account of the department a request was routed to.
pub async fn notify_routed(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    r: &service_request::Model,
    org_id: i64,
    org_name: &str,
) -> AppResult<()> {
    let staff = accounts_of_org(db, org_id).await?;
    let caller = r.company_name.clone().or(r.caller_name.clone()).unwrap_or_default();
    let msg = Message {
        kind: NotificationKind::RequestRouted,
        title: format!("诉求 {} 已流转至{org_name}:{caller}", r.request_no),
        body: r.content.chars().take(200).collect(),
        link: &format!("/requests/{}", r.id),
    };
    send(db, &staff, Some(user.account.id), &msg).await
}

/// Whether `user` may take requests in (the intake page's permission).
pub fn may_take(user: &CurrentUser) -> bool {
    user.has(Perm::IntakeMemberRequest) && AcceptingDept::of(user).is_ok()
}
