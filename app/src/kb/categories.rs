//! 知识库 categories: added (at any level below 4), renamed, reordered among their siblings,
//! deleted when empty and not built in (the 7 headings and their seed sub-sections stay). Each
//! change raises the search index's generation: category titles are searched.
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use serde_json::json;

use super::CategoryInput;
use super::entity::{article, category};
use super::service::{categories, path_of, require_editor};
use super::write::bump;
use crate::auth::Perm;
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::db::write_txn;
use crate::error::{AppError, AppResult};

/// A new category (not built in) last among its siblings (`last`: their highest order).
pub async fn create(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    parent: Option<i64>,
    title: &str,
    last: Option<i32>,
) -> Result<category::Model, DbErr> {
    let now = Utc::now();
    category::ActiveModel {
        parent_id: Set(parent),
        title: Set(title.to_string()),
        heading_no: Set(None),
        sort_order: Set(last.unwrap_or(0) + 1),
        is_builtin: Set(false),
        updated_by: Set(Some(user.account.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The same title twice under one parent, as the unique index refuses it.
fn unique_title(e: DbErr) -> AppError {
    if crate::db::unique_violation(&e) {
        AppError::field("title", "同一级下已有同名类别", "A category of this name exists at this level")
    } else {
        e.into()
    }
}

pub async fn save_category(db: &DatabaseConnection, user: &CurrentUser, input: CategoryInput) -> AppResult<i64> {
    require_editor(user)?;
    input.validate()?;
    let title = input.title.trim().to_string();
    let txn = write_txn(db).await?;
    // First: it takes the row lock that queues every 知识库 write, so the checks below see
    // what a concurrent change committed.
    bump(&txn).await?;
    let cats = categories(&txn).await?;
    let now = Utc::now();
    let (parent, id) = match input.id {
        Some(id) => (cats.get(&id).ok_or(AppError::NotFound)?.parent_id, Some(id)),
        None => {
            if let Some(p) = input.parent_id
                && !cats.contains_key(&p)
            {
                return Err(AppError::NotFound);
            }
            (input.parent_id, None)
        }
    };
    if cats.values().any(|c| c.parent_id == parent && c.title == title && Some(c.id) != id) {
        return Err(AppError::field("title", "同一级下已有同名类别", "A category of this name exists at this level"));
    }
    let depth = parent.map_or(0, |p| path_of(&cats, p).len());
    if depth >= 4 {
        return Err(AppError::field("title", "类别最多 4 级", "Categories nest 4 levels at most"));
    }
    let saved = match id {
        Some(id) => {
            let old = &cats[&id];
            let am = category::ActiveModel {
                id: Set(id),
                title: Set(title.clone()),
                updated_by: Set(Some(user.account.id)),
                updated_at: Set(now),
                ..Default::default()
            };
            am.update(&txn).await.map_err(unique_title)?;
            audit::record(
                &txn,
                user,
                Entry::new(Perm::KbEdit.code(), "rename", "kb_category")
                    .target(id, &title)
                    .detail(json!({"from": old.title, "to": title})),
            )
            .await?;
            id
        }
        None => {
            let last = cats.values().filter(|c| c.parent_id == parent).map(|c| c.sort_order).max();
            let c = create(&txn, user, parent, &title, last).await.map_err(unique_title)?;
            audit::record(
                &txn,
                user,
                Entry::new(Perm::KbEdit.code(), "create", "kb_category")
                    .target(c.id, &title)
                    .detail(json!({"parent_id": parent})),
            )
            .await?;
            c.id
        }
    };
    txn.commit().await?;
    Ok(saved)
}

pub async fn move_category(db: &DatabaseConnection, user: &CurrentUser, id: i64, up: bool) -> AppResult<()> {
    require_editor(user)?;
    let txn = write_txn(db).await?;
    // First: it takes the row lock that queues every 知识库 write, so the checks below see
    // what a concurrent change committed.
    bump(&txn).await?;
    let cats = categories(&txn).await?;
    let me = cats.get(&id).ok_or(AppError::NotFound)?;
    let mut siblings: Vec<&category::Model> = cats.values().filter(|c| c.parent_id == me.parent_id).collect();
    siblings.sort_by_key(|c| (c.sort_order, c.id));
    let at = siblings.iter().position(|c| c.id == id).unwrap_or_default();
    let other = if up { at.checked_sub(1) } else { Some(at + 1).filter(|n| *n < siblings.len()) };
    let Some(other) = other else {
        return Err(AppError::rejected(
            if up { "已在最前" } else { "已在最后" },
            if up { "Already first" } else { "Already last" },
        ));
    };
    siblings.swap(at, other);
    for (n, c) in siblings.iter().enumerate() {
        category::Entity::update_many()
            .col_expr(category::Column::SortOrder, Expr::val(n as i32 + 1))
            .filter(category::Column::Id.eq(c.id))
            .exec(&txn)
            .await?;
    }
    audit::record(
        &txn,
        user,
        Entry::new(Perm::KbEdit.code(), "reorder", "kb_category").target(id, &me.title).detail(json!({"up": up})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn delete_category(db: &DatabaseConnection, user: &CurrentUser, id: i64) -> AppResult<()> {
    require_editor(user)?;
    let txn = write_txn(db).await?;
    // First: it takes the row lock that queues every 知识库 write, so the checks below see
    // what a concurrent change committed.
    bump(&txn).await?;
    let cats = categories(&txn).await?;
    let me = cats.get(&id).ok_or(AppError::NotFound)?;
    if me.is_builtin {
        return Err(AppError::rejected("内置类别不能删除", "Built-in categories cannot be deleted"));
    }
    if cats.values().any(|c| c.parent_id == Some(id)) {
        return Err(AppError::rejected("请先删除或移走其子类别", "Delete or move its sub-categories first"));
    }
    let used = article::Entity::find().filter(article::Column::CategoryId.eq(id)).count(&txn).await?;
    if used > 0 {
        return Err(AppError::rejected(
            &format!("该类别下还有 {used} 篇知识点(含已删除的修订记录),不能删除"),
            &format!("{used} articles are filed here; it cannot be deleted"),
        ));
    }
    category::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, user, Entry::new(Perm::KbEdit.code(), "delete", "kb_category").target(id, &me.title)).await?;
    txn.commit().await?;
    Ok(())
}
