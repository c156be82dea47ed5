//! The actions of 诉求详情与处理 and 部门待办 (SM-1 T4–T11). Each is one transaction: the
//! request moves only if it still has the version (and so the state) the page showed — the
//! loser of two concurrent clicks is told who saved first — and the step, the feedback round,
//! the service record, the messages and the operation log go with it.
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::entity::{dept_feedback, service_request};
use super::intake::{notify_routed, step};
use super::query::{KIND, is_actor, routing_target, visible_request};
use super::sla::Due;
use super::{ActInput, HandlingDept, RequestAction, RequestState};
use crate::auth::Perm;
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::members::entity::service_record;
use crate::notify::NotificationKind;
use crate::notify::service::{Message, send};

use service_request::Column as R;

/// Performs `input.action` on a request; returns its new state.
pub async fn act(db: &sea_orm::DatabaseConnection, user: &CurrentUser, input: ActInput) -> AppResult<RequestState> {
    input.validate()?;
    let r = visible_request(db, user, input.id).await?;
    let action = input.action;
    if !is_actor(user, &r, action.actor()) {
        return Err(AppError::Forbidden);
    }
    let from = RequestState::parse(&r.state).ok_or_else(|| AppError::internal("unknown request state"))?;
    let to = RequestState::after(Some(from), action)?;
    let target = match (action, input.handling_org_id) {
        (RequestAction::Route | RequestAction::Reroute, Some(org)) => Some(routing_target(db, org).await?),
        _ => None,
    };
    let text = input.text.trim().to_string();
    let note = crate::db::opt(&text);
    let now = Utc::now();
    let me = user.account.id;

    let mut sets: Vec<(R, SimpleExpr)> = vec![
        (R::State, Expr::value(to.code())),
        (R::Version, Expr::col(R::Version).add(1)),
        (R::UpdatedBy, Expr::value(me)),
        (R::UpdatedAt, Expr::value(now)),
    ];
    match action {
        RequestAction::Save => {
            if note.is_some() {
                sets.push((R::Result, Expr::value(note.clone())));
            }
        }
        RequestAction::Complete => {
            sets.push((R::Result, Expr::value(text.clone())));
            sets.push((R::CompletedAt, Expr::value(now)));
            sets.push((R::CompletedBy, Expr::value(me)));
        }
        RequestAction::Route | RequestAction::Reroute => {
            let (org, dept) = target
                .as_ref()
                .ok_or_else(|| AppError::field("handling_org_id", "请选择处理部门", "Choose the department"))?;
            sets.push((R::HandlingDept, Expr::value(dept.code())));
            sets.push((R::HandlingOrgId, Expr::value(org.id)));
            sets.push((R::RoutedAt, Expr::value(now)));
            sets.push((R::RoutedBy, Expr::value(me)));
            sets.push((R::DeptAcceptedAt, Expr::value(Option::<chrono::DateTime<Utc>>::None)));
            sets.push((R::FeedbackAt, Expr::value(Option::<chrono::DateTime<Utc>>::None)));
        }
        RequestAction::Accept | RequestAction::Progress => {
            if r.dept_accepted_at.is_none() {
                sets.push((R::DeptAcceptedAt, Expr::value(now)));
            }
        }
        // (处理结果 stays CS's: the page pre-fills the reply from this feedback, T9.)
        RequestAction::Feedback => sets.push((R::FeedbackAt, Expr::value(now))),
        RequestAction::Return => {
            sets.push((R::HandlingDept, Expr::value(HandlingDept::CsDept.code())));
            sets.push((R::HandlingOrgId, Expr::value(Option::<i64>::None)));
        }
        RequestAction::Void => {
            sets.push((R::VoidReason, Expr::value(text.clone())));
            sets.push((R::VoidedBy, Expr::value(me)));
            sets.push((R::VoidedAt, Expr::value(now)));
        }
    }

    let txn = crate::db::write_txn(db).await?;
    // The clocks: routing starts the department's (SPEC K13); its feedback or return, the
    // completion and the void stop it. The state follows at once; the sweep follows time.
    let resolve = Due { due: r.sla_due_at, warn: r.sla_warn_at };
    let feedback = match action {
        RequestAction::Route | RequestAction::Reroute => {
            let kind = super::RequestType::parse(&r.request_type).unwrap_or(super::RequestType::Consultation);
            let priority = super::Priority::parse(&r.priority).unwrap_or(super::Priority::Normal);
            super::sla::Clocks::load(&txn, kind, priority).await?.feedback(now)
        }
        RequestAction::Feedback | RequestAction::Return | RequestAction::Complete | RequestAction::Void => {
            Due::default()
        }
        _ => Due { due: r.feedback_due_at, warn: r.feedback_warn_at },
    };
    sets.push((R::FeedbackDueAt, Expr::value(feedback.due)));
    sets.push((R::FeedbackWarnAt, Expr::value(feedback.warn)));
    sets.push((R::SlaState, Expr::value(super::sla::state_at(now, resolve, feedback).code())));
    let mut update = service_request::Entity::update_many()
        .filter(R::Id.eq(r.id))
        .filter(R::Version.eq(input.version))
        .filter(R::State.eq(from.code()));
    for (col, v) in sets {
        update = update.col_expr(col, v);
    }
    if update.exec(&txn).await?.rows_affected != 1 {
        // Name who saved it meanwhile (the row as it is now, not as this request read it).
        let last = service_request::Entity::find_by_id(r.id).one(&txn).await?.and_then(|x| x.updated_by);
        return Err(crate::db::conflict(&txn, last).await);
    }

    let to_dept = target.as_ref().map(|(o, d)| (*d, o.id));
    step(&txn, user, r.id, action.step(), Some(from), to, to_dept, note.clone()).await?;
    let link = format!("/requests/{}", r.id);
    match action {
        RequestAction::Feedback => {
            let org = r.handling_org_id.unwrap_or(user.org.id);
            feedback_round(&txn, user, (KIND, r.id), (&r.handling_dept, org), &text).await?;
            let msg = Message {
                kind: NotificationKind::DeptFeedback,
                title: format!("{} 已反馈诉求 {},请回复会员", user.org.name, r.request_no),
                body: text.chars().take(200).collect(),
                link: &link,
            };
            send(&txn, &[r.agent_id], Some(me), &msg).await?;
        }
        RequestAction::Return => {
            let msg = Message {
                kind: NotificationKind::RequestReturned,
                title: format!("{} 退回了诉求 {}", user.org.name, r.request_no),
                body: text.chars().take(200).collect(),
                link: &link,
            };
            send(&txn, &[r.agent_id], Some(me), &msg).await?;
        }
        RequestAction::Route | RequestAction::Reroute => {
            if let Some((org, _)) = &target {
                notify_routed(&txn, user, &r, org.id, &org.name).await?;
            }
        }
        _ => {}
    }
    // The service record follows the request: completed, or hidden once voided.
    if let Some(record) = r.service_record_id {
        let update = match to {
            RequestState::Completed => Some((service_record::Column::ServiceResult, Expr::value("completed"))),
            RequestState::Voided => Some((service_record::Column::Hidden, Expr::value(true))),
            _ => None,
        };
        if let Some((col, v)) = update {
            service_record::Entity::update_many()
                .col_expr(col, v)
                .col_expr(service_record::Column::UpdatedAt, Expr::value(now))
                .filter(service_record::Column::Id.eq(record))
                .exec(&txn)
                .await?;
        }
    }
    audit::record(
        &txn,
        user,
        Entry::new(Perm::IntakeMemberRequest.code(), action_code(action), "service_request")
            .target(r.id, &r.request_no)
            .detail(json!({
                "from": from.code(),
                "to": to.code(),
                "department": to_dept.map(|d| d.0.code()),
                "note": note.map(|n| n.chars().take(200).collect::<String>()),
            })),
    )
    .await?;
    txn.commit().await?;
    Ok(to)
}

/// The operation-log action (E-59) of a request action.
fn action_code(a: RequestAction) -> &'static str {
    match a {
        RequestAction::Save | RequestAction::Progress => "update",
        RequestAction::Complete => "complete",
        RequestAction::Route | RequestAction::Reroute => "route",
        RequestAction::Accept => "accept",
        RequestAction::Feedback => "feedback",
        RequestAction::Return => "return",
        RequestAction::Void => "void",
    }
}

/// Writes a department's feedback round on a request or a rep-office need (`target`: its kind
/// and id; `dept`: the E-18 code and the department organisation).
pub async fn feedback_round(
    db: &impl sea_orm::ConnectionTrait,
    user: &CurrentUser,
    target: (&str, i64),
    dept: (&str, i64),
    text: &str,
) -> AppResult<()> {
    dept_feedback::ActiveModel {
        request_kind: Set(target.0.into()),
        request_id: Set(target.1),
        department: Set(dept.0.into()),
        department_org_id: Set(dept.1),
        handler_id: Set(user.account.id),
        process_and_result: Set(text.into()),
        feedback_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
