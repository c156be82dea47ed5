//! 知识库 reading and searching: the catalogue, an article, its attachments, 关键字搜索 and the
//! suggestions of the side panel (with the search log), for every account holding 知识库 —
//! drafts and archived articles for editors only. The helpers every 知识库 module shares
//! (who edits, what is live, category paths) live here too.
use std::collections::HashMap;

use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::entity::{article, category, search_log};
use super::highlight::{marks, snippet};
use super::index::Visible;
pub use super::is_editor;
use super::terms::{last_chars, parse_query};
use super::{
    ArticleBrief, ArticleStatus, ArticleView, CategoryNode, KbHome, SEARCH_PAGE, SearchHit, SearchInput, SearchResult,
    SearchSource, ZeroResultRow,
};
use crate::auth::session::CurrentUser;
use crate::db::{account_names, fetch_page};
use crate::emails::entity::attachment;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::ui::Page;

pub(super) fn require_editor(user: &CurrentUser) -> AppResult<()> {
    if is_editor(user) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// The statuses `user` may read.
pub(super) fn readable(user: &CurrentUser) -> Vec<&'static str> {
    if is_editor(user) {
        ArticleStatus::ALL.iter().map(|s| s.code()).collect()
    } else {
        vec![ArticleStatus::Published.code()]
    }
}

pub(super) fn live() -> Condition {
    Condition::all().add(article::Column::DeletedAt.is_null())
}

/// Every category by id.
pub(super) async fn categories(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, category::Model>> {
    Ok(category::Entity::find().all(db).await?.into_iter().map(|c| (c.id, c)).collect())
}

/// 标题 › 子目录 of category `id`.
pub(super) fn path_of(cats: &HashMap<i64, category::Model>, id: i64) -> Vec<String> {
    super::terms::category_path(id, |i| cats.get(&i).map(|c| (c.parent_id, c.title.as_str())))
}

/// Category `id` and all below it.
pub(super) fn subtree(cats: &HashMap<i64, category::Model>, id: i64) -> Vec<i64> {
    let mut out = vec![id];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(cats.values().filter(|c| c.parent_id == Some(parent)).map(|c| c.id));
        i += 1;
    }
    out
}

/// (id, 标题 › 子目录) of every category in catalogue order.
pub(super) fn category_choices(cats: &HashMap<i64, category::Model>) -> Vec<(i64, String)> {
    fn walk(cats: &HashMap<i64, category::Model>, parent: Option<i64>, out: &mut Vec<(i64, String)>) {
        let mut children: Vec<&category::Model> = cats.values().filter(|c| c.parent_id == parent).collect();
        children.sort_by_key(|c| (c.sort_order, c.id));
        for c in children {
            out.push((c.id, path_of(cats, c.id).join(" › ")));
            walk(cats, Some(c.id), out);
        }
    }
    let mut out = vec![];
    walk(cats, None, &mut out);
    out
}

fn tree(cats: &HashMap<i64, category::Model>, counts: &HashMap<i64, u64>, parent: Option<i64>) -> Vec<CategoryNode> {
    let mut children: Vec<&category::Model> = cats.values().filter(|c| c.parent_id == parent).collect();
    children.sort_by_key(|c| (c.sort_order, c.id));
    children
        .into_iter()
        .map(|c| CategoryNode {
            id: c.id,
            parent_id: c.parent_id,
            title: c.title.clone(),
            heading_no: c.heading_no,
            builtin: c.is_builtin,
            articles: counts.get(&c.id).copied().unwrap_or(0),
            children: tree(cats, counts, Some(c.id)),
        })
        .collect()
}

async fn briefs(
    db: &impl ConnectionTrait,
    cats: &HashMap<i64, category::Model>,
    rows: Vec<article::Model>,
) -> AppResult<Vec<ArticleBrief>> {
    let names = account_names(db, rows.iter().map(|a| a.updated_by).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|a| ArticleBrief {
            id: a.id,
            path: path_of(cats, a.category_id),
            status: a.status(),
            updated_at: a.updated_at,
            updated_by: names.get(&a.updated_by).cloned().unwrap_or_default(),
            title: a.title,
        })
        .collect())
}

pub async fn home(state: &AppState, user: &CurrentUser) -> AppResult<KbHome> {
    let db = &state.db;
    let cats = categories(db).await?;
    let counted: Vec<(i64, i64)> = article::Entity::find()
        .select_only()
        .column(article::Column::CategoryId)
        .column_as(Expr::col(article::Column::Id).count(), "n")
        .filter(live())
        .filter(article::Column::Status.is_in(readable(user)))
        .group_by(article::Column::CategoryId)
        .into_tuple()
        .all(db)
        .await?;
    let counts: HashMap<i64, u64> = counted.into_iter().map(|(c, n)| (c, Ord::max(n, 0) as u64)).collect();
    let recent = article::Entity::find()
        .filter(live())
        .filter(article::Column::Status.is_in(readable(user)))
        .order_by_desc(article::Column::UpdatedAt)
        .order_by_desc(article::Column::Id)
        .limit(10)
        .all(db)
        .await?;
    Ok(KbHome { tree: tree(&cats, &counts, None), recent: briefs(db, &cats, recent).await?, editor: is_editor(user) })
}

pub async fn category_articles(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: i64,
    page: u64,
) -> AppResult<Page<ArticleBrief>> {
    let cats = categories(db).await?;
    if !cats.contains_key(&id) {
        return Err(AppError::NotFound);
    }
    let select = article::Entity::find()
        .filter(live())
        .filter(article::Column::Status.is_in(readable(user)))
        .filter(article::Column::CategoryId.is_in(subtree(&cats, id)))
        .order_by_desc(article::Column::UpdatedAt)
        .order_by_desc(article::Column::Id);
    let p = fetch_page(db, select, page, 20).await?;
    let items = briefs(db, &cats, p.items.clone()).await?;
    Ok(p.with_items(items))
}

/// The hits of a page with their highlights and snippets (the contents read for them only).
async fn hits(
    db: &impl ConnectionTrait,
    found: Vec<(super::index::Found, Vec<String>)>,
    terms: &[String],
) -> AppResult<Vec<SearchHit>> {
    let ids: Vec<i64> = found.iter().map(|f| f.0.id).collect();
    let texts: HashMap<i64, String> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .column(article::Column::ContentText)
        .filter(article::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(found
        .into_iter()
        .map(|(f, path)| SearchHit {
            id: f.id,
            title: marks(&f.title, terms),
            snippet: snippet(texts.get(&f.id).map(String::as_str).unwrap_or_default(), terms, 40),
            path,
            status: f.status,
            updated_at: f.updated_at,
        })
        .collect())
}

pub async fn search(state: &AppState, user: &CurrentUser, input: SearchInput) -> AppResult<SearchResult> {
    let db = &state.db;
    let terms = parse_query(&input.q);
    let page = crate::ui::page_number(input.page);
    if terms.is_empty() {
        return Ok(SearchResult { hits: vec![], total: 0, page, per_page: SEARCH_PAGE, empty_query: true });
    }
    state.kb.refresh(db).await?;
    let visible = if is_editor(user) && !input.panel { Visible::WithDrafts } else { Visible::Published };
    let found = state.kb.search(&terms, visible, page - 1, SEARCH_PAGE).await?;
    if page == 1 {
        // The log serves gap analysis; a search never fails for it.
        if let Err(e) = log_search(db, user, &input, found.total).await {
            tracing::warn!("知识库 search log not written: {e:?}");
        }
    }
    Ok(SearchResult {
        hits: hits(db, found.found, &terms).await?,
        total: found.total,
        page,
        per_page: SEARCH_PAGE,
        empty_query: false,
    })
}

/// Logs a first-page search (§8.3.10).
async fn log_search(db: &impl ConnectionTrait, user: &CurrentUser, input: &SearchInput, total: u64) -> AppResult<()> {
    let source = if input.panel { SearchSource::Panel } else { SearchSource::Page };
    search_log::ActiveModel {
        query: Set(input.q.trim().chars().take(200).collect()),
        result_count: Set(Ord::min(total, i32::MAX as u64) as i32),
        source: Set(source.code().into()),
        account_id: Set(user.account.id),
        searched_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The 3 published articles that best answer the request text typed so far.
pub async fn suggest(state: &AppState, text: &str) -> AppResult<Vec<SearchHit>> {
    let text = last_chars(text, 400);
    if text.trim().chars().count() < 2 {
        return Ok(vec![]);
    }
    state.kb.refresh(&state.db).await?;
    let found = state.kb.suggest(&text, 3).await?;
    // Highlight what of the text a result holds: its words (the whole text when it is short).
    let mut terms = parse_query(&last_chars(&text, super::MAX_QUERY_CHARS));
    if terms.len() == 1 && terms[0].chars().count() > 12 {
        terms.clear();
    }
    hits(&state.db, found, &terms).await
}

/// An article as `user` may read it (drafts and archived ones for editors only).
pub(super) async fn readable_article(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: i64,
) -> AppResult<article::Model> {
    article::Entity::find_by_id(id)
        .filter(live())
        .filter(article::Column::Status.is_in(readable(user)))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn article(db: &DatabaseConnection, user: &CurrentUser, id: i64) -> AppResult<ArticleView> {
    let a = readable_article(db, user, id).await?;
    // A view counted; never a reason to fail the read.
    let _ = article::Entity::update_many()
        .col_expr(article::Column::ViewCount, Expr::col(article::Column::ViewCount).add(1))
        .filter(article::Column::Id.eq(id))
        .exec(db)
        .await;
    let cats = categories(db).await?;
    let names = account_names(db, vec![a.updated_by]).await?;
    Ok(ArticleView {
        id: a.id,
        category_id: a.category_id,
        path: path_of(&cats, a.category_id),
        keywords: super::split_keywords(&a.keywords),
        levels: a.levels(),
        status: a.status(),
        version: a.version,
        updated_by: names.get(&a.updated_by).cloned().unwrap_or_default(),
        updated_at: a.updated_at,
        published_at: a.published_at,
        view_count: a.view_count + 1,
        attachments: super::files::of_article(db, a.id).await?,
        can_edit: is_editor(user),
        title: a.title,
        content_html: a.content_html,
        content_text: a.content_text,
    })
}

pub async fn zero_results(db: &impl ConnectionTrait, user: &CurrentUser, days: i64) -> AppResult<Vec<ZeroResultRow>> {
    require_editor(user)?;
    let since = Utc::now() - Duration::days(days.clamp(1, 366));
    let rows: Vec<(String, i64, chrono::DateTime<Utc>)> = search_log::Entity::find()
        .select_only()
        .column(search_log::Column::Query)
        .column_as(Expr::col(search_log::Column::Id).count(), "times")
        .column_as(Expr::col(search_log::Column::SearchedAt).max(), "last_at")
        .filter(search_log::Column::ResultCount.eq(0))
        .filter(search_log::Column::SearchedAt.gte(since))
        .group_by(search_log::Column::Query)
        .order_by_desc(Expr::col(search_log::Column::Id).count())
        .order_by_asc(search_log::Column::Query)
        .limit(200)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(query, times, last_at)| ZeroResultRow { query, times, last_at }).collect())
}

/// A file to send: its name, type and where it is.
pub struct Download {
    pub file_name: String,
    pub mime_type: String,
    pub path: std::path::PathBuf,
}

/// Attachment `id` for `user`: of an article the user may read; one not yet taken only for
/// editors (the editor page lists what was just uploaded).
pub async fn download(db: &DatabaseConnection, user: &CurrentUser, id: i64) -> AppResult<Download> {
    let a =
        attachment::Entity::find_by_id(id).filter(super::files::of_kb()).one(db).await?.ok_or(AppError::NotFound)?;
    match a.owner_id {
        Some(article) => {
            readable_article(db, user, article).await?;
        }
        None if is_editor(user) => {}
        None => return Err(AppError::NotFound),
    }
    Ok(Download {
        mime_type: if a.mime_type.is_empty() {
            crate::emails::attachments::mime_of(&a.file_name).to_string()
        } else {
            a.mime_type
        },
        path: crate::emails::attachments::attachments_dir().join(&a.storage_key),
        file_name: a.file_name,
    })
}
