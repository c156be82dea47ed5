//! 回访录入: the form's member panel and 完成 — one transaction writes the callback, its
//! 服务记录, the member's last callback and last service, the follow-up task, the answered
//! task's completion, and the operation log.
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;

use super::entity::callback;
use super::{CallbackForm, CallbackInput, CallbackSaved, CallbackView, OpenTask, Reach};
use crate::auth::Perm;
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::db::{account_names, opt};
use crate::error::{AppError, AppResult};
use crate::members::entity::{customer, service_record};
use crate::members::enums::{ServiceResult, SourceKind};
use crate::members::service::{in_circulation, may_see};
use crate::requests::AcceptingDept;
use crate::tasks::entity::task;
use crate::tasks::{TaskRelated, TaskSource, TaskStatus};

/// A member the user may call back: in circulation and inside the user's organisation scope.
/// Anything else is "not found" (an id of another office tells nothing).
pub async fn member(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<customer::Model> {
    let m = in_circulation(db, id).await?;
    if may_see(user, &m) { Ok(m) } else { Err(AppError::NotFound) }
}

fn task_closed() -> AppError {
    AppError::field("task_id", "该任务已关闭或不属于此会员", "That task is closed or not about this member")
}

/// The member's open tasks assigned to `user`, soonest due first.
async fn open_tasks(db: &impl ConnectionTrait, user: &CurrentUser, customer_id: i64) -> AppResult<Vec<task::Model>> {
    Ok(task::Entity::find()
        .filter(task::Column::AssigneeId.eq(user.account.id))
        .filter(task::Column::RelatedType.eq(TaskRelated::Customer.code()))
        .filter(task::Column::RelatedId.eq(customer_id))
        .filter(task::Column::Status.is_in(TaskStatus::OPEN_CODES))
        .order_by_asc(task::Column::DueAt)
        .limit(20)
        .all(db)
        .await?)
}

/// The member's callbacks, newest first.
pub async fn history(db: &impl ConnectionTrait, customer_id: i64, limit: u64) -> AppResult<Vec<CallbackView>> {
    let rows = callback::Entity::find()
        .filter(callback::Column::CustomerId.eq(customer_id))
        .order_by_desc(callback::Column::CallbackAt)
        .order_by_desc(callback::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let names = account_names(db, rows.iter().map(|r| r.agent_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| CallbackView {
            id: r.id,
            content: r.callback_content,
            reach: r.reach_status,
            feedback: r.member_feedback.unwrap_or_default(),
            satisfaction: r.satisfaction.unwrap_or_default(),
            agent: names.get(&r.agent_id).cloned().unwrap_or_default(),
            callback_at: r.callback_at,
            next_at: r.next_follow_up_at,
        })
        .collect())
}

/// What 回访录入 shows for member `id`.
pub async fn form(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<CallbackForm> {
    let dept = AcceptingDept::of(user)?;
    let m = member(db, user, id).await?;
    let panel = crate::requests::CallerPanel {
        info: crate::members::service::member_info(db, &m).await?,
        foreign: false,
        records: crate::members::service::recent_records(db, m.id, 5).await?,
        open_requests: crate::requests::lookup::open_requests(db, m.id).await?,
    };
    let mut tasks = vec![];
    for t in open_tasks(db, user, m.id).await? {
        let content = super::care_service::suggested_content(db, &t).await?;
        tasks.push(OpenTask { id: t.id, title: t.title, due_at: t.due_at, content });
    }
    Ok(CallbackForm {
        panel,
        service_dept: dept,
        agent: user.account.name.clone(),
        now: crate::cst::local(&Utc::now()).format("%Y-%m-%dT%H:%M").to_string(),
        tasks,
        history: history(db, m.id, 5).await?,
    })
}

/// 完成 (SM-3 step 4).
pub async fn save(
    db: &sea_orm::DatabaseConnection,
    user: &CurrentUser,
    input: CallbackInput,
) -> AppResult<CallbackSaved> {
    let dept = AcceptingDept::of(user)?;
    let now = Utc::now();
    let (at, next) = input.check_times(now)?;
    let reached = Reach::parse(&input.reach) == Some(Reach::Reached);
    let txn = crate::db::write_txn(db).await?;
    let m = member(&txn, user, input.customer_id).await?;
    // The task the call answers: the user's own open task about this member.
    let answered = match input.task_id {
        Some(id) => Some(open_tasks(&txn, user, m.id).await?.into_iter().find(|t| t.id == id).ok_or_else(|| {
            AppError::field("task_id", "该任务已关闭或不属于此会员", "That task is closed or not about this member")
        })?),
        None => None,
    };

    let company = m.company_name.clone().unwrap_or_default();
    let summary: String = match input.feedback.trim() {
        "" => super::CallbackContent::parse(&input.content).map(|c| c.zh().to_string()).unwrap_or_default(),
        f => f.chars().take(500).collect(),
    };
    let record = service_record::ActiveModel {
        source_kind: Set(SourceKind::Callback.code().into()),
        // The callback's id once written (below).
        source_id: Set(0),
        service_type: Set("callback".into()),
        service_mode: Set("proactive".into()),
        service_dept: Set(dept.code().into()),
        organization_id: Set(user.org.id),
        agent_id: Set(user.account.id),
        service_at: Set(at),
        service_result: Set(ServiceResult::of(reached).code().into()),
        summary: Set(Some(summary)),
        ..crate::members::service::new_record(&m, now)
    }
    .insert(&txn)
    .await?;

    let follow_up = match next {
        Some(due) => {
            let note = input.next_note.trim();
            let title = if note.is_empty() { format!("回访 {company}") } else { note.chars().take(200).collect() };
            let t = task::ActiveModel {
                description: Set(Some(format!("下次回访:{company}"))),
                due_at: Set(Some(due)),
                remind_at: Set(Some(due)),
                source: Set(TaskSource::FollowUp.code().into()),
                related_type: Set(Some(TaskRelated::Customer.code().into())),
                related_id: Set(Some(m.id)),
                ..task::ActiveModel::new_task(user, user.account.id, title, now)
            }
            .insert(&txn)
            .await?;
            Some(t.id)
        }
        None => None,
    };

    let cb = callback::ActiveModel {
        customer_id: Set(m.id),
        callback_content: Set(input.content.clone()),
        reach_status: Set(input.reach.clone()),
        member_feedback: Set(opt(&input.feedback)),
        satisfaction: Set(opt(&input.satisfaction)),
        contact_name: Set(opt(&input.contact_name)),
        phone_called: Set(opt(&input.phone_called)),
        service_mode: Set("proactive".into()),
        service_dept: Set(dept.code().into()),
        organization_id: Set(user.org.id),
        agent_id: Set(user.account.id),
        callback_at: Set(at),
        next_follow_up_at: Set(next),
        next_follow_up_note: Set(opt(&input.next_note)),
        care_task_id: Set(answered.as_ref().map(|t| t.id)),
        follow_up_task_id: Set(follow_up),
        service_record_id: Set(record.id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    service_record::Entity::update_many()
        .col_expr(service_record::Column::SourceId, Expr::value(cb.id))
        .filter(service_record::Column::Id.eq(record.id))
        .exec(&txn)
        .await?;

    // The member's last callback and last service (PG-24 and the member query read them);
    // a back-dated call never moves them backwards.
    customer::Entity::update_many()
        .col_expr(customer::Column::LastCallbackAt, Expr::value(at))
        .col_expr(customer::Column::LastCallbackContent, Expr::value(input.content.clone()))
        .filter(customer::Column::Id.eq(m.id))
        .filter(
            Condition::any()
                .add(customer::Column::LastCallbackAt.is_null())
                .add(customer::Column::LastCallbackAt.lt(at)),
        )
        .exec(&txn)
        .await?;
    crate::members::service::served_at(&txn, m.id, at).await?;

    if let Some(t) = &answered {
        // Still open at the write: of two calls answering it at once, one closes it.
        let closed = task::Entity::update_many()
            .col_expr(task::Column::Status, Expr::value(TaskStatus::Done.code()))
            .col_expr(task::Column::CompletedAt, Expr::value(now))
            .col_expr(task::Column::CompletionNote, Expr::value(format!("回访已完成(回访记录 {})", cb.id)))
            .col_expr(task::Column::Version, Expr::col(task::Column::Version).add(1))
            .col_expr(task::Column::UpdatedBy, Expr::value(user.account.id))
            .col_expr(task::Column::UpdatedAt, Expr::value(now))
            .filter(task::Column::Id.eq(t.id))
            .filter(task::Column::Status.is_in(TaskStatus::OPEN_CODES))
            .exec(&txn)
            .await?;
        if closed.rows_affected != 1 {
            return Err(task_closed());
        }
    }
    audit::record(
        &txn,
        user,
        Entry::new(Perm::IntakeCallback.code(), "create", "callback").target(cb.id, &company).detail(json!({
            "customer_id": m.id,
            "content": input.content,
            "reach": input.reach,
            "follow_up_task_id": follow_up,
            "answered_task_id": answered.as_ref().map(|t| t.id),
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(CallbackSaved {
        id: cb.id,
        service_record_id: record.id,
        follow_up_task_id: follow_up,
        closed_task_id: answered.map(|t| t.id),
    })
}

/// The callback `id` if its member is visible to `user` (转为诉求 links the request to it).
pub async fn visible_callback(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<callback::Model> {
    let cb = callback::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    member(db, user, cb.customer_id).await?;
    Ok(cb)
}
