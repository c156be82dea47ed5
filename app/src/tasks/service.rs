//! Tasks: create, list by tab, act — each write one transaction with its message and its
//! operation-log entry; a task is seen by its assignee, its creator and the organisation's
//! 主管/经理, by nobody else.
use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

use super::entity::task::{self, Column as T};
use super::{
    TaskActInput, TaskAction, TaskFilter, TaskInput, TaskOptions, TaskRelated, TaskRow, TaskSource, TaskStatus,
    TaskTab, parse_local,
};
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::auth::{Perm, RoleCode};
use crate::db::{account_names, fetch_page};
use crate::error::{AppError, AppResult};
use crate::members::conditions::ts_range;
use crate::notify::NotificationKind;
use crate::notify::service::{Message, send};
use crate::requests::Priority;
use crate::ui::Page;

/// 主管/经理 follow their organisation's tasks.
fn supervises(user: &CurrentUser, t: &task::Model) -> bool {
    RoleCode::is_reviewer(user.role_code()) && t.organization_id == user.org.id
}

/// What `user` may do with `t` now.
pub fn actions_for(user: &CurrentUser, t: &task::Model) -> Vec<TaskAction> {
    let Some(status) = TaskStatus::parse(&t.status) else { return vec![] };
    let me = user.account.id;
    let (assignee, creator, boss) = (t.assignee_id == me, t.creator_id == Some(me), supervises(user, t));
    [TaskAction::Start, TaskAction::Complete, TaskAction::Transfer, TaskAction::Cancel]
        .into_iter()
        .filter(|a| status.after(*a).is_some())
        .filter(|a| match a {
            TaskAction::Start | TaskAction::Complete => assignee || boss,
            TaskAction::Transfer => assignee || creator || boss,
            TaskAction::Cancel => creator || boss,
        })
        .collect()
}

/// The related item of a task as `user` may name it: (type, id, label); anything out of scope
/// is "not found".
async fn related(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    kind: TaskRelated,
    id: i64,
) -> AppResult<(TaskRelated, i64, String)> {
    let label = match kind {
        TaskRelated::ServiceRequest => crate::requests::query::visible_request(db, user, id).await?.request_no,
        TaskRelated::Customer => {
            crate::members::service::visible_customer(db, user, id).await?.company_name.unwrap_or_default()
        }
    };
    Ok((kind, id, label))
}

/// The form's choices; `related` is `service_request:ID` or `customer:ID` from the URL.
pub async fn options(db: &impl ConnectionTrait, user: &CurrentUser, rel: Option<String>) -> AppResult<TaskOptions> {
    let related = match rel.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => {
            let (kind, id) = TaskRelated::parse_ref(r).ok_or(AppError::NotFound)?;
            Some(related(db, user, kind, id).await?)
        }
        None => None,
    };
    Ok(TaskOptions { assignees: crate::requests::intake::agents(db, user).await?, me: user.account.id, related })
}

/// A colleague of `org` (active) to give a task to.
async fn colleague(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<i64> {
    if crate::requests::intake::agents(db, user).await?.iter().any(|a| a.0 == id) {
        Ok(id)
    } else {
        Err(AppError::field(
            "assignee_id",
            "只能交给本机构在岗的同事",
            "Choose an active colleague of your organisation",
        ))
    }
}

pub async fn create(db: &sea_orm::DatabaseConnection, user: &CurrentUser, input: TaskInput) -> AppResult<i64> {
    input.validate()?;
    let assignee = colleague(db, user, input.assignee_id.unwrap_or_default()).await?;
    let rel = match &input.related {
        Some((kind, id)) => Some(related(db, user, *kind, *id).await?),
        None => None,
    };
    let now = Utc::now();
    let due = parse_local(&input.due_at).ok().flatten();
    let source = if rel.is_some() { TaskSource::FollowUp } else { TaskSource::Manual };
    let txn = crate::db::write_txn(db).await?;
    let t = task::ActiveModel {
        description: Set(crate::db::opt(&input.description)),
        priority: Set(input.priority.code().into()),
        due_at: Set(due),
        remind_at: Set(parse_local(&input.remind_at).ok().flatten()),
        source: Set(source.code().into()),
        related_type: Set(rel.as_ref().map(|r| r.0.code().to_string())),
        related_id: Set(rel.as_ref().map(|r| r.1)),
        ..task::ActiveModel::new_task(user, assignee, input.title.trim().to_string(), now)
    }
    .insert(&txn)
    .await?;
    tell(&txn, user, &t, assignee, "给您分配了任务").await?;
    audit::record(
        &txn,
        user,
        Entry::new(Perm::CrmTasks.code(), "create", "task")
            .target(t.id, &t.title)
            .detail(json!({"assignee_id": assignee, "related": rel.map(|r| format!("{}:{}", r.0.code(), r.1))})),
    )
    .await?;
    txn.commit().await?;
    Ok(t.id)
}

async fn tell(db: &impl ConnectionTrait, user: &CurrentUser, t: &task::Model, to: i64, what: &str) -> AppResult<()> {
    let due = t.due_at.map(|d| format!("截止 {}", crate::ui::fmt_time(&d))).unwrap_or_default();
    let msg = Message {
        kind: NotificationKind::TaskAssigned,
        title: format!("{} {what}:{}", user.account.name, t.title),
        body: due,
        link: "/tasks",
    };
    send(db, &[to], Some(user.account.id), &msg).await
}

/// The tasks `user` may see.
fn visible(user: &CurrentUser) -> Condition {
    let me = user.account.id;
    let mut c = Condition::any().add(T::AssigneeId.eq(me)).add(T::CreatorId.eq(me));
    if RoleCode::is_reviewer(user.role_code()) {
        c = c.add(T::OrganizationId.eq(user.org.id));
    }
    c
}

pub async fn list(db: &impl ConnectionTrait, user: &CurrentUser, f: &TaskFilter) -> AppResult<Page<TaskRow>> {
    f.validate()?;
    let me = user.account.id;
    let mut cond = Condition::all().add(visible(user));
    cond = match f.task_tab() {
        TaskTab::Mine => cond.add(T::AssigneeId.eq(me)),
        TaskTab::Assigned => cond.add(T::CreatorId.eq(me)),
        TaskTab::Team if RoleCode::is_reviewer(user.role_code()) => cond.add(T::OrganizationId.eq(user.org.id)),
        TaskTab::Team => return Err(AppError::Forbidden),
    };
    cond = match TaskStatus::parse(&f.status) {
        Some(s) => cond.add(T::Status.eq(s.code())),
        None => cond.add(T::Status.is_in(TaskStatus::OPEN_CODES)),
    };
    for (col, v) in [(T::Priority, &f.priority), (T::Source, &f.source)] {
        if !v.is_empty() {
            cond = cond.add(col.eq(v.as_str()));
        }
    }
    if let Some(a) = f.assignee {
        cond = cond.add(T::AssigneeId.eq(a));
    }
    cond = cond.add(ts_range(Expr::col(T::DueAt), &f.due_from, &f.due_to));
    // Soonest due first; undated ones last.
    let q = task::Entity::find()
        .filter(cond)
        .order_by_asc(Expr::col(T::DueAt).is_null())
        .order_by_asc(T::DueAt)
        .order_by_desc(T::Id);
    let page = fetch_page(db, q, f.page, f.per_page).await?;
    rows(db, user, page).await
}

/// Rows with names and related labels resolved (a query each, for the whole page).
pub async fn rows(db: &impl ConnectionTrait, user: &CurrentUser, page: Page<task::Model>) -> AppResult<Page<TaskRow>> {
    let people =
        account_names(db, page.items.iter().flat_map(|t| [Some(t.assignee_id), t.creator_id]).flatten().collect())
            .await?;
    let of = |kind: TaskRelated| -> Vec<i64> {
        page.items.iter().filter(|t| t.related() == Some(kind)).filter_map(|t| t.related_id).collect()
    };
    let mut labels: HashMap<(TaskRelated, i64), String> = HashMap::new();
    let requests = of(TaskRelated::ServiceRequest);
    if !requests.is_empty() {
        use crate::requests::entity::service_request;
        for r in service_request::Entity::find().filter(service_request::Column::Id.is_in(requests)).all(db).await? {
            labels.insert((TaskRelated::ServiceRequest, r.id), r.request_no);
        }
    }
    let customers = of(TaskRelated::Customer);
    if !customers.is_empty() {
        use crate::members::entity::customer;
        for c in customer::Entity::find().filter(customer::Column::Id.is_in(customers)).all(db).await? {
            labels.insert((TaskRelated::Customer, c.id), c.company_name.unwrap_or_default());
        }
    }
    let now = Utc::now();
    Ok(page.map(|t| {
        let status = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Todo);
        let related = match (t.related(), t.related_id) {
            (Some(kind), Some(id)) => Some((labels.get(&(kind, id)).cloned().unwrap_or_default(), kind.href(id))),
            _ => None,
        };
        TaskRow {
            id: t.id,
            title: t.title.clone(),
            description: t.description.clone().unwrap_or_default(),
            related,
            priority: Priority::parse(&t.priority).unwrap_or(Priority::Normal),
            due_at: t.due_at,
            remind_at: t.remind_at,
            assignee: people.get(&t.assignee_id).cloned().unwrap_or_default(),
            creator: t.creator_id.and_then(|c| people.get(&c).cloned()).unwrap_or_else(|| "系统".into()),
            source: TaskSource::parse(&t.source).unwrap_or(TaskSource::Manual),
            status,
            overdue: status.is_open() && t.due_at.is_some_and(|d| d < now),
            completion_note: t.completion_note.clone().unwrap_or_default(),
            version: t.version,
            actions: actions_for(user, &t),
            call_back: t
                .related_id
                .filter(|_| {
                    status.is_open()
                        && t.related() == Some(TaskRelated::Customer)
                        && t.assignee_id == user.account.id
                        && user.has(Perm::IntakeCallback)
                })
                .map(|customer| format!("/callbacks/new?customer={customer}&task={}", t.id)),
        }
    }))
}

pub async fn act(db: &sea_orm::DatabaseConnection, user: &CurrentUser, input: TaskActInput) -> AppResult<TaskStatus> {
    input.validate()?;
    let t = task::Entity::find_by_id(input.id).filter(visible(user)).one(db).await?.ok_or(AppError::NotFound)?;
    if !actions_for(user, &t).contains(&input.action) {
        let status = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Todo);
        return Err(if status.after(input.action).is_none() {
            AppError::rejected("任务已结束或状态已变化,请刷新", "The task is closed or has changed; reload")
        } else {
            AppError::Forbidden
        });
    }
    let from = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Todo);
    let to = from.after(input.action).unwrap_or(from);
    let now = Utc::now();
    let note = crate::db::opt(&input.note);
    let mut update = task::Entity::update_many()
        .col_expr(T::Status, Expr::value(to.code()))
        .col_expr(T::Version, Expr::col(T::Version).add(1))
        .col_expr(T::UpdatedBy, Expr::value(user.account.id))
        .col_expr(T::UpdatedAt, Expr::value(now))
        .filter(T::Id.eq(t.id))
        .filter(T::Version.eq(input.version));
    let mut new_assignee = None;
    match input.action {
        TaskAction::Complete => {
            update = update
                .col_expr(T::CompletedAt, Expr::value(now))
                .col_expr(T::CompletionNote, Expr::value(note.clone()));
        }
        TaskAction::Transfer => {
            let to = colleague(db, user, input.assignee_id.unwrap_or_default()).await?;
            new_assignee = Some(to);
            update = update.col_expr(T::AssigneeId, Expr::value(to));
        }
        TaskAction::Start | TaskAction::Cancel => {}
    }
    let txn = crate::db::write_txn(db).await?;
    if update.exec(&txn).await?.rows_affected != 1 {
        let last = task::Entity::find_by_id(t.id).one(&txn).await?.and_then(|x| x.updated_by);
        return Err(crate::db::conflict(&txn, last).await);
    }
    if let Some(to) = new_assignee {
        tell(&txn, user, &t, to, "转交给您一项任务").await?;
    }
    let action = match input.action {
        TaskAction::Start => "update",
        TaskAction::Complete => "complete",
        TaskAction::Transfer => "transfer",
        TaskAction::Cancel => "cancel",
    };
    audit::record(
        &txn,
        user,
        Entry::new(Perm::CrmTasks.code(), action, "task")
            .target(t.id, &t.title)
            .detail(json!({"from": from.code(), "to": to.code(), "assignee_id": new_assignee, "note": note})),
    )
    .await?;
    txn.commit().await?;
    Ok(to)
}

/// The signed-in account's open tasks, soonest due first (the home page's 待办): the first
/// `n`, how many are open and how many overdue.
pub async fn open_of(db: &impl ConnectionTrait, user: &CurrentUser, n: u64) -> AppResult<(Vec<TaskRow>, u64, u64)> {
    let page = list(db, user, &TaskFilter::default()).await?;
    let overdue = {
        use sea_orm::PaginatorTrait;
        task::Entity::find()
            .filter(T::AssigneeId.eq(user.account.id))
            .filter(T::Status.is_in(TaskStatus::OPEN_CODES))
            .filter(T::DueAt.lt(Utc::now()))
            .count(db)
            .await?
    };
    Ok((page.items.into_iter().take(n as usize).collect(), page.total, overdue))
}
