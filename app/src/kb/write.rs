//! 知识库 maintenance: the article list, the editor's data, saving (a new version, a revision,
//! the operation log), status changes, deleting, revisions' diffs and restoring. Every write is
//! one transaction that raises the generation of `kb_state` (the search index's signal); only
//! company-CS accounts holding 知识库维护 write.
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use super::entity::{article, category, revision, state};
use super::service::{categories, category_choices, live, path_of, require_editor, subtree};
use super::{
    ArticleEdit, ArticleFilter, ArticleInput, ArticleRow, ArticleSaved, ArticleStatus, DiffKind, DiffLine,
    ManageOptions, RestoreInput, RevisionDiff, RevisionRow, StatusInput,
};
use crate::auth::Perm;
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::db::{account_names, fetch_page, write_txn};
use crate::error::{AppError, AppResult};
use crate::ui::Page;

pub async fn manage_list(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    f: &ArticleFilter,
) -> AppResult<Page<ArticleRow>> {
    require_editor(user)?;
    f.validate()?;
    let cats = categories(db).await?;
    let mut select = article::Entity::find().filter(live());
    if let Some(c) = f.category {
        select = select.filter(article::Column::CategoryId.is_in(subtree(&cats, c)));
    }
    if let Some(s) = ArticleStatus::parse(&f.status) {
        select = select.filter(article::Column::Status.eq(s.code()));
    }
    if let Some(e) = f.editor {
        select = select.filter(article::Column::UpdatedBy.eq(e));
    }
    select = select.filter(crate::members::conditions::ts_range(
        Expr::col(article::Column::UpdatedAt),
        &f.updated_from,
        &f.updated_to,
    ));
    let keyword = f.keyword.trim();
    if !keyword.is_empty() {
        let backend = db.get_database_backend();
        let any = [article::Column::Title, article::Column::Keywords].into_iter().fold(Condition::any(), |c, col| {
            c.add(crate::db::contains_ignoring_case(backend, Expr::col(col), keyword))
        });
        select = select.filter(any);
    }
    let select = select.order_by_desc(article::Column::UpdatedAt).order_by_desc(article::Column::Id);
    let p = fetch_page(db, select, f.page, f.per_page).await?;
    let names = account_names(db, p.items.iter().map(|a| a.updated_by).collect()).await?;
    let rows = p
        .items
        .iter()
        .map(|a| ArticleRow {
            id: a.id,
            title: a.title.clone(),
            path: path_of(&cats, a.category_id),
            status: a.status(),
            version: a.version,
            updated_by: names.get(&a.updated_by).cloned().unwrap_or_default(),
            updated_at: a.updated_at,
            view_count: a.view_count,
        })
        .collect();
    Ok(p.with_items(rows))
}

pub async fn manage_options(db: &impl ConnectionTrait, user: &CurrentUser) -> AppResult<ManageOptions> {
    require_editor(user)?;
    let cats = categories(db).await?;
    let editors: Vec<i64> = article::Entity::find()
        .select_only()
        .column(article::Column::UpdatedBy)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let names = account_names(db, editors).await?;
    let mut editors: Vec<(i64, String)> = names.into_iter().collect();
    editors.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(ManageOptions { categories: category_choices(&cats), editors })
}

async fn revisions(db: &impl ConnectionTrait, id: i64) -> AppResult<Vec<RevisionRow>> {
    let revs = revision::Entity::find()
        .filter(revision::Column::ArticleId.eq(id))
        .order_by_desc(revision::Column::Version)
        .all(db)
        .await?;
    let names = account_names(db, revs.iter().map(|r| r.edited_by).collect()).await?;
    Ok(revs
        .into_iter()
        .map(|r| RevisionRow {
            version: r.version,
            status: ArticleStatus::parse(&r.status).unwrap_or(ArticleStatus::Draft),
            edited_by: names.get(&r.edited_by).cloned().unwrap_or_default(),
            edited_at: r.edited_at,
            change_note: r.change_note,
            title: r.title,
        })
        .collect())
}

pub async fn edit(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Option<i64>,
    category: Option<i64>,
) -> AppResult<ArticleEdit> {
    require_editor(user)?;
    let cats = categories(db).await?;
    let (input, attachments, revisions) = match id {
        Some(id) => {
            let a = article::Entity::find_by_id(id).filter(live()).one(db).await?.ok_or(AppError::NotFound)?;
            let attachments = super::files::of_article(db, id).await?;
            let input = ArticleInput {
                id: Some(a.id),
                version: a.version,
                category_id: Some(a.category_id),
                levels: a.levels(),
                status: Some(a.status()),
                attachment_ids: attachments.iter().map(|x| x.id).collect(),
                title: a.title,
                content_html: a.content_html,
                keywords: super::split_keywords(&a.keywords).join(", "),
                change_note: String::new(),
            };
            (input, attachments, revisions(db, id).await?)
        }
        None => (
            ArticleInput {
                category_id: category.filter(|c| cats.contains_key(c)),
                status: Some(ArticleStatus::Draft),
                ..Default::default()
            },
            vec![],
            vec![],
        ),
    };
    Ok(ArticleEdit { input, categories: category_choices(&cats), attachments, revisions })
}

/// Raises the generation in the write's transaction; answers the new one (the article's
/// `index_seq`).
pub async fn bump(db: &impl ConnectionTrait) -> AppResult<i64> {
    state::Entity::update_many()
        .col_expr(state::Column::Generation, Expr::col(state::Column::Generation).add(1))
        .filter(state::Column::Id.eq(1))
        .exec(db)
        .await?;
    super::index::current_generation(db).await
}

/// A locked, live article for a write at `version`.
async fn for_write(db: &impl ConnectionTrait, id: i64, version: i32) -> AppResult<article::Model> {
    let a = article::Entity::find_by_id(id).filter(live()).one(db).await?.ok_or(AppError::NotFound)?;
    if a.version != version {
        return Err(crate::db::conflict(db, Some(a.updated_by)).await);
    }
    Ok(a)
}

fn levels_code(levels: &[crate::members::enums::MemberLevel]) -> String {
    let mut codes: Vec<&str> = levels.iter().map(|l| l.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes.join(",")
}

/// Writes a revision of `a` as saved.
/// Writes a revision of `a` as saved by account `editor`.
pub async fn write_revision(db: &impl ConnectionTrait, editor: i64, a: &article::Model, note: &str) -> AppResult<()> {
    revision::ActiveModel {
        article_id: Set(a.id),
        version: Set(a.version),
        category_id: Set(a.category_id),
        title: Set(a.title.clone()),
        content_html: Set(a.content_html.clone()),
        keywords: Set(a.keywords.clone()),
        applicable_levels: Set(a.applicable_levels.clone()),
        status: Set(a.status.clone()),
        edited_by: Set(editor),
        edited_at: Set(a.updated_at),
        change_note: Set(note.trim().chars().take(255).collect()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// What the operation log keeps of an article.
fn logged(a: &article::Model) -> serde_json::Value {
    json!({"title": a.title, "category_id": a.category_id, "status": a.status, "keywords": a.keywords,
        "applicable_levels": a.applicable_levels, "version": a.version, "content_chars": a.content_text.chars().count()})
}

/// A new article's fields, checked and sanitised.
pub struct NewArticle {
    pub category_id: i64,
    pub title: String,
    pub content_html: String,
    pub content_text: String,
    pub keywords: String,
    pub levels: String,
    pub status: ArticleStatus,
}

/// Inserts a new article (version 1) by account `author` at `now` in the caller's transaction,
/// whose generation is `seq`.
pub async fn insert(
    db: &impl ConnectionTrait,
    author: i64,
    f: NewArticle,
    seq: i64,
    now: chrono::DateTime<Utc>,
) -> AppResult<article::Model> {
    Ok(article::ActiveModel {
        category_id: Set(f.category_id),
        title: Set(f.title),
        content_html: Set(f.content_html),
        content_text: Set(f.content_text),
        keywords: Set(f.keywords),
        applicable_levels: Set(f.levels),
        status: Set(f.status.code().into()),
        version: Set(1),
        published_at: Set((f.status == ArticleStatus::Published).then_some(now)),
        view_count: Set(0),
        index_seq: Set(seq),
        created_by: Set(author),
        created_at: Set(now),
        updated_by: Set(author),
        updated_at: Set(now),
        deleted_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn save(db: &DatabaseConnection, user: &CurrentUser, input: ArticleInput) -> AppResult<ArticleSaved> {
    require_editor(user)?;
    let html = super::text::sanitize(&input.content_html);
    let plain = super::text::plain_text(&html);
    input.validate(&plain)?;
    let category_id = input.category_id.unwrap_or_default();
    let status = input.status.unwrap_or(ArticleStatus::Draft);
    let keywords = input.keyword_list().join(",");
    let now = Utc::now();
    let txn = write_txn(db).await?;
    // First: the row lock that queues every 知识库 write (a category deleted meanwhile is seen).
    let seq = bump(&txn).await?;
    if category::Entity::find_by_id(category_id).one(&txn).await?.is_none() {
        return Err(AppError::field(
            "category_id",
            "类别不存在,请刷新后重新选择",
            "No such category; reload and choose again",
        ));
    }
    let title = input.title.trim().to_string();
    let (saved, before) = match input.id {
        Some(id) => {
            let old = for_write(&txn, id, input.version).await?;
            let published_at =
                if status == ArticleStatus::Published { old.published_at.or(Some(now)) } else { old.published_at };
            let am = article::ActiveModel {
                category_id: Set(category_id),
                title: Set(title),
                content_html: Set(html),
                content_text: Set(plain),
                keywords: Set(keywords),
                applicable_levels: Set(levels_code(&input.levels)),
                status: Set(status.code().into()),
                version: Set(old.version + 1),
                published_at: Set(published_at),
                index_seq: Set(seq),
                updated_by: Set(user.account.id),
                updated_at: Set(now),
                ..Default::default()
            };
            if !crate::db::update_versioned(
                &txn,
                am,
                (article::Column::Id, id),
                (article::Column::Version, old.version),
            )
            .await?
            {
                return Err(crate::db::conflict(&txn, Some(old.updated_by)).await);
            }
            let new = article::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
            (new, Some(old))
        }
        None => {
            let fields = NewArticle {
                category_id,
                title,
                content_html: html,
                content_text: plain,
                keywords,
                levels: levels_code(&input.levels),
                status,
            };
            (insert(&txn, user.account.id, fields, seq, now).await?, None)
        }
    };
    super::files::keep(&txn, saved.id, &input.attachment_ids).await?;
    write_revision(&txn, user.account.id, &saved, &input.change_note).await?;
    let detail = match &before {
        Some(b) => json!({"changes": audit::diff(&logged(b), &logged(&saved)), "note": input.change_note.trim()}),
        None => logged(&saved),
    };
    audit::record(
        &txn,
        user,
        Entry::new(Perm::KbEdit.code(), if before.is_some() { "update" } else { "create" }, "kb_article")
            .target(saved.id, &saved.title)
            .detail(detail),
    )
    .await?;
    txn.commit().await?;
    Ok(ArticleSaved { id: saved.id, version: saved.version })
}

pub async fn set_status(db: &DatabaseConnection, user: &CurrentUser, input: StatusInput) -> AppResult<ArticleSaved> {
    require_editor(user)?;
    let txn = write_txn(db).await?;
    let seq = bump(&txn).await?;
    let old = for_write(&txn, input.id, input.version).await?;
    if old.status() == input.status {
        return Err(AppError::rejected("状态未改变", "The status is unchanged"));
    }
    let now = Utc::now();
    let am = article::ActiveModel {
        status: Set(input.status.code().into()),
        version: Set(old.version + 1),
        published_at: Set(if input.status == ArticleStatus::Published {
            old.published_at.or(Some(now))
        } else {
            old.published_at
        }),
        index_seq: Set(seq),
        updated_by: Set(user.account.id),
        updated_at: Set(now),
        ..Default::default()
    };
    if !crate::db::update_versioned(&txn, am, (article::Column::Id, old.id), (article::Column::Version, old.version))
        .await?
    {
        return Err(crate::db::conflict(&txn, Some(old.updated_by)).await);
    }
    let new = article::Entity::find_by_id(old.id).one(&txn).await?.ok_or(AppError::NotFound)?;
    write_revision(&txn, user.account.id, &new, &format!("状态改为{}", input.status.zh())).await?;
    audit::record(
        &txn,
        user,
        Entry::new(Perm::KbEdit.code(), "status", "kb_article")
            .target(new.id, &new.title)
            .detail(json!({"from": old.status, "to": new.status})),
    )
    .await?;
    txn.commit().await?;
    Ok(ArticleSaved { id: new.id, version: new.version })
}

pub async fn delete(db: &DatabaseConnection, user: &CurrentUser, id: i64, version: i32) -> AppResult<()> {
    require_editor(user)?;
    let txn = write_txn(db).await?;
    let seq = bump(&txn).await?;
    let old = for_write(&txn, id, version).await?;
    let now = Utc::now();
    let am = article::ActiveModel {
        deleted_at: Set(Some(now)),
        version: Set(old.version + 1),
        index_seq: Set(seq),
        updated_by: Set(user.account.id),
        updated_at: Set(now),
        ..Default::default()
    };
    if !crate::db::update_versioned(&txn, am, (article::Column::Id, id), (article::Column::Version, version)).await? {
        return Err(crate::db::conflict(&txn, Some(old.updated_by)).await);
    }
    audit::record(&txn, user, Entry::new(Perm::KbEdit.code(), "delete", "kb_article").target(id, &old.title)).await?;
    txn.commit().await?;
    Ok(())
}

/// The text a revision is compared by: title, keywords, then the content line by line.
fn revision_lines(r: &revision::Model) -> Vec<String> {
    let mut out = vec![format!("标题:{}", r.title), format!("关键词:{}", r.keywords)];
    out.extend(super::text::plain_text(&r.content_html).lines().map(str::to_string));
    out
}

pub async fn revision_diff(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: i64,
    version: i32,
) -> AppResult<RevisionDiff> {
    require_editor(user)?;
    let revs = revision::Entity::find()
        .filter(revision::Column::ArticleId.eq(id))
        .filter(revision::Column::Version.lte(version))
        .order_by_desc(revision::Column::Version)
        .limit(2)
        .all(db)
        .await?;
    let this = revs.first().filter(|r| r.version == version).ok_or(AppError::NotFound)?;
    let prev = revs.get(1);
    let old = prev.map(revision_lines).unwrap_or_default();
    let new = revision_lines(this);
    let old_refs: Vec<&str> = old.iter().map(String::as_str).collect();
    let new_refs: Vec<&str> = new.iter().map(String::as_str).collect();
    let diff = similar::TextDiff::from_slices(&old_refs, &new_refs);
    let lines = diff
        .iter_all_changes()
        .map(|c| DiffLine {
            kind: match c.tag() {
                similar::ChangeTag::Equal => DiffKind::Same,
                similar::ChangeTag::Insert => DiffKind::Added,
                similar::ChangeTag::Delete => DiffKind::Removed,
            },
            text: c.value().to_string(),
        })
        .collect();
    Ok(RevisionDiff { version, previous: prev.map(|p| p.version), lines })
}

/// Restores revision `version`'s category, title, body, keywords and levels as the article's
/// next version (its status and attachments stay as they are).
pub async fn restore(db: &DatabaseConnection, user: &CurrentUser, input: RestoreInput) -> AppResult<ArticleSaved> {
    require_editor(user)?;
    let r = revision::Entity::find()
        .filter(revision::Column::ArticleId.eq(input.id))
        .filter(revision::Column::Version.eq(input.version))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    // The article keeps its status (restoring a draft's text does not unpublish it).
    let current = article::Entity::find_by_id(input.id).filter(live()).one(db).await?.ok_or(AppError::NotFound)?;
    let attachment_ids = super::files::of_article(db, input.id).await?.into_iter().map(|a| a.id).collect();
    let cats = categories(db).await?;
    let category_id = if cats.contains_key(&r.category_id) { Some(r.category_id) } else { None };
    save(
        db,
        user,
        ArticleInput {
            id: Some(input.id),
            version: input.current,
            category_id,
            levels: r.applicable_levels.split(',').filter_map(crate::members::enums::MemberLevel::parse).collect(),
            status: Some(current.status()),
            change_note: format!("恢复至版本 {}", r.version),
            attachment_ids,
            title: r.title,
            content_html: r.content_html,
            keywords: r.keywords,
        },
    )
    .await
}
