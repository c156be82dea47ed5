//! Writing rep-office needs: 提交 (R1) and every action of R2–R10. Each is one transaction —
//! the need moves only if it still has the version and state the page showed — with its step,
//! the department's feedback round, the messages and the operation log.
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::entity::rep_office_request;
use super::query::{is_actor, visible_need};
use super::{KIND, RepActInput, RepAction, RepNeedInput, RepState, RepSubmitted};
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::auth::{Perm, RoleCategory};
use crate::error::{AppError, AppResult};
use crate::notify::NotificationKind;
use crate::notify::service::{Message, accounts_of_org, holders, send};
use crate::requests::handle::feedback_round;
use crate::requests::intake::{number, write_step};
use crate::requests::query::routing_target;
use crate::requests::{HandlingDept, StepType};

use rep_office_request::Column as N;

/// 提交 (R1): the rep office's need reaches HQ CS.
pub async fn submit(
    db: &sea_orm::DatabaseConnection,
    user: &CurrentUser,
    input: RepNeedInput,
) -> AppResult<RepSubmitted> {
    if user.category() != RoleCategory::RepOfficeCsAdmin {
        return Err(AppError::Forbidden);
    }
    input.validate()?;
    let customer = match input.customer_id {
        Some(id) => Some(crate::members::service::visible_customer(db, user, id).await.map_err(|_| {
            AppError::field("customer_id", "相关会员不存在或不属于本代表处", "No such member in your office")
        })?),
        None => None,
    };
    let now = Utc::now();
    let content = input.content.trim().to_string();
    let txn = crate::db::write_txn(db).await?;
    let request_no = number(&txn, "DQ", &now).await?;
    let n = rep_office_request::ActiveModel {
        request_no: Set(request_no.clone()),
        organization_id: Set(user.org.id),
        submitted_by: Set(user.account.id),
        accepted_at: Set(now),
        content: Set(content.clone()),
        customer_id: Set(customer.as_ref().map(|c| c.id)),
        industry_l1_id: Set(customer.as_ref().and_then(|c| c.industry_l1_id)),
        industry_l2_id: Set(customer.as_ref().and_then(|c| c.industry_l2_id)),
        industry_l3_id: Set(customer.as_ref().and_then(|c| c.industry_l3_id)),
        request_type: Set(None),
        handling_dept: Set(None),
        handling_org_id: Set(None),
        hq_handler_id: Set(None),
        result: Set(None),
        state: Set(RepState::Submitted.code().into()),
        routed_at: Set(None),
        feedback_at: Set(None),
        completed_at: Set(None),
        withdrawn_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_by: Set(Some(user.account.id)),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let states = (None, RepState::Submitted.code());
    write_step(&txn, user, (KIND, n.id), StepType::Intake, states, None, None).await?;
    let hq = holders(&txn, Perm::IntakeRepNeedProcess, None).await?;
    let msg = Message {
        kind: NotificationKind::RepNeedSubmitted,
        title: format!("{} 提交了需求 {request_no}", user.org.name),
        body: content.chars().take(200).collect(),
        link: &format!("/rep-needs/{}", n.id),
    };
    send(&txn, &hq, Some(user.account.id), &msg).await?;
    audit::record(
        &txn,
        user,
        Entry::new(Perm::IntakeRepNeedSubmit.code(), "create", "rep_office_request")
            .target(n.id, &request_no)
            .detail(json!({"customer_id": n.customer_id})),
    )
    .await?;
    txn.commit().await?;
    Ok(RepSubmitted { id: n.id, request_no })
}

/// Performs `input.action` on a need; returns its new state.
pub async fn act(db: &sea_orm::DatabaseConnection, user: &CurrentUser, input: RepActInput) -> AppResult<RepState> {
    input.validate()?;
    let n = visible_need(db, user, input.id).await?;
    let action = input.action;
    if !is_actor(user, &n, action.actor()) {
        return Err(AppError::Forbidden);
    }
    let from = RepState::parse(&n.state).ok_or_else(|| AppError::internal("unknown need state"))?;
    let to = RepState::after(from, action)?;
    let target = match (action.routes(), input.handling_org_id) {
        (true, Some(org)) => Some(routing_target(db, org).await?),
        _ => None,
    };
    // 诉求类型 is HQ's classification, sent with 提交 and 反馈代表处 (SPEC E4; `validate`).
    let request_type = input.request_type.map(|t| t.code().to_string()).or(n.request_type.clone());
    let text = input.text.trim().to_string();
    let note = crate::db::opt(&text);
    let now = Utc::now();
    let me = user.account.id;
    let none_ts = Option::<chrono::DateTime<Utc>>::None;

    let mut sets: Vec<(N, SimpleExpr)> = vec![
        (N::State, Expr::value(to.code())),
        (N::Version, Expr::col(N::Version).add(1)),
        (N::UpdatedBy, Expr::value(me)),
        (N::UpdatedAt, Expr::value(now)),
    ];
    if action.actor() == super::RepActor::Hq {
        sets.push((N::RequestType, Expr::value(request_type.clone())));
        if n.hq_handler_id.is_none() {
            sets.push((N::HqHandlerId, Expr::value(me)));
        }
    }
    match action {
        RepAction::Reply => {
            if from != RepState::FeedbackReceived {
                sets.push((N::HandlingDept, Expr::value(HandlingDept::CsDept.code())));
                sets.push((N::HandlingOrgId, Expr::value(Option::<i64>::None)));
            }
            sets.push((N::Result, Expr::value(text.clone())));
            sets.push((N::CompletedAt, Expr::value(now)));
        }
        RepAction::Route | RepAction::Reroute => {
            let (org, dept) = target
                .as_ref()
                .ok_or_else(|| AppError::field("handling_org_id", "请选择处理部门", "Choose the department"))?;
            sets.push((N::HandlingDept, Expr::value(dept.code())));
            sets.push((N::HandlingOrgId, Expr::value(org.id)));
            sets.push((N::RoutedAt, Expr::value(now)));
            sets.push((N::FeedbackAt, Expr::value(none_ts)));
        }
        RepAction::Feedback => sets.push((N::FeedbackAt, Expr::value(now))),
        RepAction::Return => sets.push((N::HandlingOrgId, Expr::value(Option::<i64>::None))),
        RepAction::Withdraw => sets.push((N::WithdrawnAt, Expr::value(now))),
        RepAction::Accept | RepAction::DeptAccept | RepAction::Progress => {}
    }

    let txn = crate::db::write_txn(db).await?;
    let mut update = rep_office_request::Entity::update_many()
        .filter(N::Id.eq(n.id))
        .filter(N::Version.eq(input.version))
        .filter(N::State.eq(from.code()));
    for (col, v) in sets {
        update = update.col_expr(col, v);
    }
    if update.exec(&txn).await?.rows_affected != 1 {
        let last = rep_office_request::Entity::find_by_id(n.id).one(&txn).await?.and_then(|x| x.updated_by);
        return Err(crate::db::conflict(&txn, last).await);
    }
    let to_dept = target.as_ref().map(|(o, d)| (*d, o.id));
    write_step(&txn, user, (KIND, n.id), action.step(), (Some(from.code()), to.code()), to_dept, note.clone()).await?;

    let link = format!("/rep-needs/{}", n.id);
    let told = |t: &str| t.chars().take(200).collect::<String>();
    let message = match action {
        RepAction::Feedback => {
            let dept = (n.handling_dept.as_deref().unwrap_or_default(), n.handling_org_id.unwrap_or(user.org.id));
            feedback_round(&txn, user, (KIND, n.id), dept, &text).await?;
            let title = format!("{} 已反馈需求 {},请反馈代表处", user.org.name, n.request_no);
            Some((hq_of(&txn, &n).await?, NotificationKind::DeptFeedback, title, told(&text)))
        }
        RepAction::Return => {
            let title = format!("{} 退回了需求 {}", user.org.name, n.request_no);
            Some((hq_of(&txn, &n).await?, NotificationKind::RequestReturned, title, told(&text)))
        }
        RepAction::Route | RepAction::Reroute => match &target {
            Some((org, _)) => {
                let title = format!("代表处需求 {} 已流转至{}", n.request_no, org.name);
                Some((accounts_of_org(&txn, org.id).await?, NotificationKind::RequestRouted, title, told(&n.content)))
            }
            None => None,
        },
        RepAction::Reply => {
            let mut who = holders(&txn, Perm::IntakeRepNeedSubmit, Some(n.organization_id)).await?;
            who.push(n.submitted_by);
            let title = format!("您的需求 {} 已有处理结果", n.request_no);
            Some((who, NotificationKind::RepNeedReplied, title, told(&text)))
        }
        RepAction::Accept | RepAction::DeptAccept | RepAction::Progress | RepAction::Withdraw => None,
    };
    if let Some((who, kind, title, body)) = message {
        send(&txn, &who, Some(me), &Message { kind, title, body, link: &link }).await?;
    }
    let module =
        if action.actor() == super::RepActor::Office { Perm::IntakeRepNeedSubmit } else { Perm::IntakeRepNeedProcess };
    audit::record(
        &txn,
        user,
        Entry::new(module.code(), action_code(action), "rep_office_request").target(n.id, &n.request_no).detail(
            json!({
                "from": from.code(),
                "to": to.code(),
                "department": to_dept.map(|d| d.0.code()),
                "request_type": request_type,
                "note": note.map(|t| t.chars().take(200).collect::<String>()),
            }),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(to)
}

/// Who at HQ hears of a department's answer: the agent who took the need, else every holder
/// of 处理需求.
async fn hq_of(db: &impl sea_orm::ConnectionTrait, n: &rep_office_request::Model) -> AppResult<Vec<i64>> {
    match n.hq_handler_id {
        Some(id) => Ok(vec![id]),
        None => holders(db, Perm::IntakeRepNeedProcess, None).await,
    }
}

/// The operation-log action (E-59) of a need action.
fn action_code(a: RepAction) -> &'static str {
    match a {
        RepAction::Accept | RepAction::DeptAccept => "accept",
        RepAction::Reply => "complete",
        RepAction::Route | RepAction::Reroute => "route",
        RepAction::Progress => "update",
        RepAction::Feedback => "feedback",
        RepAction::Return => "return",
        RepAction::Withdraw => "withdraw",
    }
}
