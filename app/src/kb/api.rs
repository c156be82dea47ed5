//! Server functions of 知识库: reading and searching with 知识库 (`kb`), maintaining with
//! 知识库维护 (`kb.edit`, which the service checks again together with the company-CS role).
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{
    ArticleBrief, ArticleEdit, ArticleFilter, ArticleInput, ArticleRow, ArticleSaved, ArticleView, CategoryInput,
    ImportOutcome, ImportRun, KbHome, ManageOptions, RestoreInput, RevisionDiff, SearchHit, SearchInput, SearchResult,
    StatusInput, ZeroResultRow,
};
use crate::error::AppError;
use crate::ui::Page;

#[cfg(feature = "ssr")]
use crate::{
    auth::{Perm, session::serve},
    kb::{categories, import, service, write},
};

/// PG-60 without a query: the catalogue and the articles updated last.
#[server(endpoint = "kb/home", input = Json)]
pub async fn load_kb_home() -> Result<KbHome, AppError> {
    serve(Perm::Kb, |ctx, user| async move { service::home(&ctx.state, &user).await }).await
}

/// The articles of a category and its sub-categories, newest first.
#[server(endpoint = "kb/category", input = Json)]
pub async fn kb_category(id: i64, page: u64) -> Result<Page<ArticleBrief>, AppError> {
    serve(Perm::Kb, |ctx, user| async move { service::category_articles(&ctx.state.db, &user, id, page).await }).await
}

/// 关键字搜索 (§8.3).
#[server(endpoint = "kb/search", input = Json)]
pub async fn kb_search(input: SearchInput) -> Result<SearchResult, AppError> {
    serve(Perm::Kb, |ctx, user| async move { service::search(&ctx.state, &user, input).await }).await
}

/// The 3 published articles that answer the request text typed so far best.
#[server(endpoint = "kb/suggest", input = Json)]
pub async fn kb_suggest(text: String) -> Result<Vec<SearchHit>, AppError> {
    serve(Perm::Kb, |ctx, _| async move { service::suggest(&ctx.state, &text).await }).await
}

/// PG-61 (counts a view).
#[server(endpoint = "kb/article", input = Json)]
pub async fn kb_article(id: i64) -> Result<ArticleView, AppError> {
    serve(Perm::Kb, |ctx, user| async move { service::article(&ctx.state.db, &user, id).await }).await
}

/// PG-62's article list.
#[server(endpoint = "kb/manage/list", input = Json)]
pub async fn kb_manage_list(filter: ArticleFilter) -> Result<Page<ArticleRow>, AppError> {
    serve(Perm::KbEdit, |ctx, user| async move { write::manage_list(&ctx.state.db, &user, &filter).await }).await
}

#[server(endpoint = "kb/manage/options", input = Json)]
pub async fn kb_manage_options() -> Result<ManageOptions, AppError> {
    serve(Perm::KbEdit, |ctx, user| async move { write::manage_options(&ctx.state.db, &user).await }).await
}

/// The editor's data (`id` None: a new article, `category` preselected).
#[server(endpoint = "kb/edit", input = Json)]
pub async fn kb_edit(id: Option<i64>, category: Option<i64>) -> Result<ArticleEdit, AppError> {
    serve(Perm::KbEdit, |ctx, user| async move { write::edit(&ctx.state.db, &user, id, category).await }).await
}

#[server(endpoint = "kb/save", input = Json)]
pub async fn kb_save(input: ArticleInput) -> Result<ArticleSaved, AppError> {
    serve(Perm::KbEdit, |ctx, user| async move { write::save(&ctx.state.db, &user, input).await }).await
}

/// 发布 / 下架 / 转为草稿.
#[server(endpoint = "kb/status", input = Json)]
pub async fn kb_set_status(input: StatusInput) -> Result<ArticleSaved, AppError> {
    serve(Perm::KbEdit, |ctx, user| async move { write::set_status(&ctx.state.db, &user, input).await }).await
}

/// Deletes an article (soft: its revisions stay).
#[server(endpoint = "kb/delete", input = Json)]
pub async fn kb_delete(id: i64, version: i32) -> Result<(), AppError> {
    serve(Perm::KbEdit, |ctx, user| async move { write::delete(&ctx.state.db, &user, id, version).await }).await
}

/// Revision `version` of article `id` against the one before it.
#[server(endpoint = "kb/revision/diff", input = Json)]
pub async fn kb_revision_diff(id: i64, version: i32) -> Result<RevisionDiff, AppError> {
    serve(Perm::KbEdit, |ctx, user| async move { write::revision_diff(&ctx.state.db, &user, id, version).await }).await
}

#[server(endpoint = "kb/revision/restore", input = Json)]
pub async fn kb_restore(input: RestoreInput) -> Result<ArticleSaved, AppError> {
    serve(Perm::KbEdit, |ctx, user| async move { write::restore(&ctx.state.db, &user, input).await }).await
}

/// Adds or renames a category.
#[server(endpoint = "kb/category/save", input = Json)]
pub async fn kb_save_category(input: CategoryInput) -> Result<i64, AppError> {
    serve(Perm::KbEdit, |ctx, user| async move { categories::save_category(&ctx.state.db, &user, input).await }).await
}

/// Moves a category one place up (or down) among its siblings.
#[server(endpoint = "kb/category/move", input = Json)]
pub async fn kb_move_category(id: i64, up: bool) -> Result<(), AppError> {
    serve(Perm::KbEdit, |ctx, user| async move { categories::move_category(&ctx.state.db, &user, id, up).await }).await
}

/// Deletes an empty category that is not built in.
#[server(endpoint = "kb/category/delete", input = Json)]
pub async fn kb_delete_category(id: i64) -> Result<(), AppError> {
    serve(Perm::KbEdit, |ctx, user| async move { categories::delete_category(&ctx.state.db, &user, id).await }).await
}

/// The queries that found nothing in the last `days` days, most frequent first.
#[server(endpoint = "kb/zero-results", input = Json)]
pub async fn kb_zero_results(days: i64) -> Result<Vec<ZeroResultRow>, AppError> {
    serve(Perm::KbEdit, |ctx, user| async move { service::zero_results(&ctx.state.db, &user, days).await }).await
}

/// Imports a bundle previewed by `POST /upload/kb-import`.
#[server(endpoint = "kb/import", input = Json)]
pub async fn kb_import(input: ImportRun) -> Result<ImportOutcome, AppError> {
    serve(Perm::KbEdit, |ctx, user| async move { import::run(&ctx.state.db, &user, input).await }).await
}
