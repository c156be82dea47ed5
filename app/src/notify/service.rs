//! Sending and reading messages. A workflow sends its messages in its own transaction, so a
//! message exists exactly when the step that caused it was saved.
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entity::notification;
use super::{MessageFilter, NotificationKind, NotificationRow};
use crate::auth::entity::account;
use crate::auth::session::CurrentUser;
use crate::auth::{AccountStatus, Perm};
use crate::error::AppResult;
use crate::ui::Page;

/// A message to send.
pub struct Message<'a> {
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub link: &'a str,
}

/// Sends `msg` to each of `recipients` (duplicates and `except` left out: nobody is told of
/// their own step).
pub async fn send(
    db: &impl ConnectionTrait,
    recipients: &[i64],
    except: Option<i64>,
    msg: &Message<'_>,
) -> AppResult<()> {
    insert_all(db, rows_of(recipients, except, msg)).await
}

/// The rows of `msg` to `recipients` (see [`send`]), to insert with others at once.
pub fn rows_of(recipients: &[i64], except: Option<i64>, msg: &Message<'_>) -> Vec<notification::ActiveModel> {
    let mut ids: Vec<i64> = recipients.iter().copied().filter(|id| Some(*id) != except).collect();
    ids.sort_unstable();
    ids.dedup();
    let now = Utc::now();
    let title: String = msg.title.chars().take(200).collect();
    let link: String = msg.link.chars().take(500).collect();
    ids.into_iter()
        .map(|recipient| notification::ActiveModel {
            recipient_id: sea_orm::Set(recipient),
            kind: sea_orm::Set(msg.kind.code().into()),
            title: sea_orm::Set(title.clone()),
            body: sea_orm::Set(crate::db::opt(&msg.body)),
            link_url: sea_orm::Set(crate::db::opt(&link)),
            created_at: sea_orm::Set(now),
            read_at: sea_orm::Set(None),
            ..Default::default()
        })
        .collect()
}

/// Inserts messages in multi-row statements.
pub async fn insert_all(db: &impl ConnectionTrait, rows: Vec<notification::ActiveModel>) -> AppResult<()> {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(2000).collect();
        notification::Entity::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

/// The active accounts of organisation `org_id` (a department's staff, say).
pub async fn accounts_of_org(db: &impl ConnectionTrait, org_id: i64) -> AppResult<Vec<i64>> {
    Ok(account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::OrganizationId.eq(org_id))
        .filter(account::Column::Status.eq(AccountStatus::Active.code()))
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// The active accounts holding `perm` (through their role, or their own grants when their
/// permissions are custom), of organisation `org` if given.
pub async fn holders(db: &impl ConnectionTrait, perm: Perm, org: Option<i64>) -> AppResult<Vec<i64>> {
    use crate::auth::PermissionMode;
    use crate::auth::entity::{account_permission, role_permission};
    use sea_orm::Condition;
    use sea_orm::sea_query::{ExprTrait, Query};
    let roles = Query::select()
        .column(role_permission::Column::RoleId)
        .from(role_permission::Entity)
        .and_where(Expr::col(role_permission::Column::PermissionCode).eq(perm.code()))
        .to_owned();
    let granted = Query::select()
        .column(account_permission::Column::AccountId)
        .from(account_permission::Entity)
        .and_where(Expr::col(account_permission::Column::PermissionCode).eq(perm.code()))
        .to_owned();
    let custom = PermissionMode::Custom.code();
    let mut q = account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::Status.eq(AccountStatus::Active.code()))
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(account::Column::PermissionMode.ne(custom))
                        .add(account::Column::RoleId.in_subquery(roles)),
                )
                .add(
                    Condition::all()
                        .add(account::Column::PermissionMode.eq(custom))
                        .add(account::Column::Id.in_subquery(granted)),
                ),
        );
    if let Some(org) = org {
        q = q.filter(account::Column::OrganizationId.eq(org));
    }
    Ok(q.order_by_asc(account::Column::Id).into_tuple::<i64>().all(db).await?)
}

pub async fn unread_count(db: &impl ConnectionTrait, user: &CurrentUser) -> AppResult<u64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::RecipientId.eq(user.account.id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

pub async fn list(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    f: &MessageFilter,
) -> AppResult<Page<NotificationRow>> {
    f.validate()?;
    let mut q = notification::Entity::find().filter(notification::Column::RecipientId.eq(user.account.id));
    if let Some(kind) = NotificationKind::parse(&f.kind) {
        q = q.filter(notification::Column::Kind.eq(kind.code()));
    }
    if f.unread == "1" {
        q = q.filter(notification::Column::ReadAt.is_null());
    }
    let page = crate::db::fetch_page(db, q.order_by_desc(notification::Column::Id), f.page, f.per_page).await?;
    Ok(page.map(|n| NotificationRow {
        id: n.id,
        kind: NotificationKind::parse(&n.kind).unwrap_or(NotificationKind::System),
        title: n.title,
        body: n.body.unwrap_or_default(),
        link_url: n.link_url.unwrap_or_default(),
        created_at: n.created_at,
        read: n.read_at.is_some(),
    }))
}

/// Marks the user's messages `ids` read (`None`: all of them). Another account's ids match
/// nothing.
pub async fn mark_read(db: &impl ConnectionTrait, user: &CurrentUser, ids: Option<Vec<i64>>) -> AppResult<u64> {
    let mut q = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::RecipientId.eq(user.account.id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(ids) = ids {
        q = q.filter(notification::Column::Id.is_in(ids.into_iter().take(500)));
    }
    Ok(q.exec(db).await?.rows_affected)
}

/// Tells `approver` an entry waits for their review (审核中心).
pub async fn review_pending(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    approver: i64,
    summary: &str,
) -> AppResult<()> {
    let msg = Message {
        kind: NotificationKind::ReviewPending,
        title: format!("{} 提交了待审核的录入:{summary}", user.account.name),
        body: String::new(),
        link: "/reviews",
    };
    send(db, &[approver], Some(user.account.id), &msg).await
}

/// Tells the entrant how their entry was decided.
pub async fn review_decided(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    entrant: i64,
    summary: &str,
    approved: bool,
    comment: Option<&str>,
) -> AppResult<()> {
    let verdict = if approved { "审核通过" } else { "被驳回" };
    let msg = Message {
        kind: NotificationKind::ReviewDecided,
        title: format!("您提交的“{summary}”已{verdict}({})", user.account.name),
        body: comment.unwrap_or_default().to_string(),
        link: "/reviews?tab=mine",
    };
    send(db, &[entrant], Some(user.account.id), &msg).await
}

/// Marks read the user's messages that link to `link` (opening a request reads its messages).
pub async fn mark_read_link(db: &impl ConnectionTrait, user: &CurrentUser, link: &str) -> AppResult<u64> {
    Ok(notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::RecipientId.eq(user.account.id))
        .filter(notification::Column::ReadAt.is_null())
        .filter(notification::Column::LinkUrl.eq(link))
        .exec(db)
        .await?
        .rows_affected)
}
