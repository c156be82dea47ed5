//! 知识库 (SPEC §8, PG-60/61/62): the catalogue of the 7 built-in headings and their
//! sub-sections, articles (sanitised rich text, keywords, applicable levels, 草稿 → 已发布 →
//! 已下架) with a revision per save, attachments, a zip import for go-live, and the keyword
//! search of §8.3 — substring semantics on normalised text, AND of terms, quoted phrases, the
//! ranking of §8.3.6, highlighted title and snippet — also offered while an agent types a
//! request (suggestions) in the side panel of the intake, request and callback forms.
//!
//! Search runs on an index each server holds in memory (`index`): the catalogue and every
//! article's normalised fields, and the positions lists of their characters and bigrams with
//! counts. The lists only propose candidates; a substring test on the normalised text decides.
//! A write raises `kb_state.generation` in its transaction; a search first reads the
//! generation and, when it moved, reads the articles written since (`index_seq`), so every
//! server answers from what is committed.
pub mod api;
pub mod article_page;
pub mod browse_page;
pub mod categories_tab;
pub mod editor_page;
pub mod import_tab;
pub mod manage_page;
pub mod panel;
pub mod revisions_view;

#[cfg(feature = "ssr")]
pub mod categories;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod highlight;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod index;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod terms;
#[cfg(feature = "ssr")]
pub mod text;
#[cfg(feature = "ssr")]
pub mod write;

use chrono::{DateTime, Utc};

/// Whether `user` maintains the knowledge base: 知识库维护, company CS only (SPEC §8.2).
#[cfg(feature = "ssr")]
pub fn is_editor(user: &crate::auth::session::CurrentUser) -> bool {
    user.has(crate::auth::Perm::KbEdit) && user.category() == crate::auth::RoleCategory::CompanyCsAdmin
}
use serde::{Deserialize, Serialize};

use crate::emails::AttachmentView;
use crate::error::{AppError, FieldErrors};
use crate::members::enums::MemberLevel;
use crate::ui::list::url_filter;

code_enum! {
    /// E-52 知识点状态.
    pub enum ArticleStatus {
        Draft = ("draft", "草稿", "Draft"),
        Published = ("published", "已发布", "Published"),
        Archived = ("archived", "已下架", "Archived"),
    }
}

impl ArticleStatus {
    pub fn badge(self) -> &'static str {
        match self {
            Self::Draft => "badge badge-orange",
            Self::Published => "badge badge-green",
            Self::Archived => "badge badge-gray",
        }
    }
}

code_enum! {
    /// Where a search was typed (the search log keeps it).
    pub enum SearchSource {
        Page = ("page", "知识库", "Knowledge base"),
        Panel = ("panel", "侧栏", "Side panel"),
    }
}

/// Longest query accepted (characters); a longer one is cut.
pub const MAX_QUERY_CHARS: usize = 100;
/// Results per page of a search.
pub const SEARCH_PAGE: u64 = 20;
/// Largest attachment (SPEC I4).
pub const MAX_ATTACHMENT_BYTES: u64 = 20 * 1024 * 1024;
/// The file types an article may carry (by extension; the content is checked too).
pub const ATTACHMENT_TYPES: &str = "pdf, doc, docx, xls, xlsx, ppt, pptx, txt, png, jpg, jpeg, gif";

/// A category of the catalogue with its sub-categories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryNode {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub title: String,
    /// 1–7 for the built-in headings (标题一 … 标题七).
    pub heading_no: Option<i32>,
    pub builtin: bool,
    /// Articles the reader may see directly in this category.
    pub articles: u64,
    pub children: Vec<CategoryNode>,
}

/// An article in a list: its place in the catalogue and when it last changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleBrief {
    pub id: i64,
    pub title: String,
    /// 标题 › 子目录.
    pub path: Vec<String>,
    pub status: ArticleStatus,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

/// PG-60 without a query: the catalogue and the articles updated last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KbHome {
    pub tree: Vec<CategoryNode>,
    pub recent: Vec<ArticleBrief>,
    /// Whether the reader maintains the knowledge base (sees drafts, may edit).
    pub editor: bool,
}

/// A piece of highlighted text: `hit` marks a matched term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// One search result (§8.3.7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub id: i64,
    pub title: Vec<Segment>,
    pub path: Vec<String>,
    /// ±40 characters around the first hit in the content (the start of it when no term is
    /// in the content).
    pub snippet: Vec<Segment>,
    pub status: ArticleStatus,
    pub updated_at: DateTime<Utc>,
}

/// A search's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    pub hits: Vec<SearchHit>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    /// The query had nothing to search for (empty, or only spaces and quotes).
    pub empty_query: bool,
}

/// A search: `q` as typed, the page (from 1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchInput {
    pub q: String,
    pub page: u64,
    /// The side panel (published articles only, for citing).
    pub panel: bool,
}

/// An article as read (PG-61), with its plain text for 复制解答 / 引用.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleView {
    pub id: i64,
    pub category_id: i64,
    pub path: Vec<String>,
    pub title: String,
    /// Sanitised on save (allow-list).
    pub content_html: String,
    pub content_text: String,
    pub keywords: Vec<String>,
    pub levels: Vec<MemberLevel>,
    pub status: ArticleStatus,
    pub version: i32,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub view_count: i64,
    pub attachments: Vec<AttachmentView>,
    pub can_edit: bool,
}

/// The article form (PG-62).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArticleInput {
    /// `None`: a new article.
    pub id: Option<i64>,
    /// The version the form was loaded at (optimistic lock).
    pub version: i32,
    pub category_id: Option<i64>,
    pub title: String,
    pub content_html: String,
    /// 关键词, separated by commas (either width), 、 or spaces.
    pub keywords: String,
    pub levels: Vec<MemberLevel>,
    pub status: Option<ArticleStatus>,
    /// What changed (kept with the revision).
    pub change_note: String,
    /// The attachments the article keeps (uploaded ones included).
    pub attachment_ids: Vec<i64>,
}

impl ArticleInput {
    /// The keywords, one each, trimmed, without repeats.
    pub fn keyword_list(&self) -> Vec<String> {
        split_keywords(&self.keywords)
    }

    /// Checks what can be checked without the database; `plain` is the content's plain text.
    pub fn validate(&self, plain: &str) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        if self.category_id.is_none() {
            e.add("category_id", "请选择类别", "Choose a category");
        }
        let n = self.title.trim().chars().count();
        if n == 0 {
            e.add("title", "请填写标题", "Enter a title");
        } else if n > 200 {
            e.add("title", "标题最多 200 个字", "At most 200 characters");
        }
        if plain.trim().is_empty() {
            e.add("content_html", "请填写内容", "Enter the content");
        } else if self.content_html.chars().count() > 200_000 {
            e.add(
                "content_html",
                "内容过长(最多 200,000 个字符)",
                "The content is too long (200,000 characters at most)",
            );
        }
        if self.keyword_list().join(",").chars().count() > 500 {
            e.add("keywords", "关键词合计最多 500 个字", "Keywords: 500 characters at most");
        }
        if self.status.is_none() {
            e.add("status", "请选择状态", "Choose a status");
        }
        if self.change_note.trim().chars().count() > 255 {
            e.add("change_note", "修改说明最多 255 个字", "At most 255 characters");
        }
        e.into_result()
    }
}

/// Keywords as typed (commas of either width, 、, ; or white space between them).
pub fn split_keywords(s: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for k in s.split(|c: char| ",，、;；".contains(c) || c.is_whitespace()) {
        let k = k.trim();
        if !k.is_empty() && !out.iter().any(|o| o == k) {
            out.push(k.to_string());
        }
    }
    out
}

/// What a save answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleSaved {
    pub id: i64,
    pub version: i32,
}

/// The article editor's data: the form, the categories to choose from, the revisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleEdit {
    pub input: ArticleInput,
    /// (id, 标题 › 子目录) of every category.
    pub categories: Vec<(i64, String)>,
    pub attachments: Vec<AttachmentView>,
    pub revisions: Vec<RevisionRow>,
}

/// One saved revision of an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevisionRow {
    pub version: i32,
    pub title: String,
    pub status: ArticleStatus,
    pub edited_by: String,
    pub edited_at: DateTime<Utc>,
    pub change_note: String,
}

code_enum! {
    /// A line of a revision's diff.
    pub enum DiffKind {
        Same = ("same", "未变", "Unchanged"),
        Added = ("added", "新增", "Added"),
        Removed = ("removed", "删除", "Removed"),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffLine {
    pub kind: DiffKind,
    pub text: String,
}

/// A revision against the one before it (the first against nothing): title, keywords and
/// the content's plain text, line by line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevisionDiff {
    pub version: i32,
    pub previous: Option<i32>,
    pub lines: Vec<DiffLine>,
}

/// Restores revision `version` of article `id` as a new revision (`current`: the version the
/// page shows, the optimistic lock).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestoreInput {
    pub id: i64,
    pub version: i32,
    pub current: i32,
}

/// A status change from the article list (发布 / 下架 / 重新编辑为草稿).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusInput {
    pub id: i64,
    pub version: i32,
    pub status: ArticleStatus,
}

url_filter! {
    /// The article list of PG-62: 类别, 状态, 更新人, 更新时间, 关键字.
    ArticleFilter;
    text { keyword = "q", status = "status", updated_from = "from", updated_to = "to" }
    id { category = "cat", editor = "editor" }
}

impl ArticleFilter {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = FieldErrors::default();
        if !self.status.is_empty() && ArticleStatus::parse(&self.status).is_none() {
            e.add("status", "请选择列表中的值", "Choose a value from the list");
        }
        crate::ui::filters::check_date_range(&mut e, "updated_from", &self.updated_from, &self.updated_to);
        e.into_result()
    }
}

/// A row of PG-62's article list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleRow {
    pub id: i64,
    pub title: String,
    pub path: Vec<String>,
    pub status: ArticleStatus,
    pub version: i32,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
    pub view_count: i64,
}

/// The choices of PG-62's filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManageOptions {
    pub categories: Vec<(i64, String)>,
    /// Accounts that edited an article.
    pub editors: Vec<(i64, String)>,
}

/// A category added or renamed (`id` set: rename).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CategoryInput {
    pub id: Option<i64>,
    pub parent_id: Option<i64>,
    pub title: String,
}

impl CategoryInput {
    pub fn validate(&self) -> Result<(), AppError> {
        let n = self.title.trim().chars().count();
        if n == 0 {
            return Err(AppError::field("title", "请填写类别名称", "Enter a name"));
        }
        if n > 100 {
            return Err(AppError::field("title", "类别名称最多 100 个字", "At most 100 characters"));
        }
        Ok(())
    }
}

/// A query that found nothing, how often and when last (§8.3.10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZeroResultRow {
    pub query: String,
    pub times: i64,
    pub last_at: DateTime<Utc>,
}

/// One file of an import bundle as it would be imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportItem {
    /// The path inside the zip.
    pub path: String,
    /// The category path the folders name (标题 › 子目录); created if missing.
    pub category: Vec<String>,
    pub new_category: bool,
    pub title: String,
    pub chars: u64,
    /// Why the file will not be imported.
    pub error: Option<String>,
}

/// What an uploaded bundle holds (PG-62 导入, before 确认导入).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// The stored bundle, for [`ImportRun`].
    pub key: String,
    pub items: Vec<ImportItem>,
}

/// Imports a previewed bundle with every article in `status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRun {
    pub key: String,
    pub status: ArticleStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportOutcome {
    pub articles: u64,
    pub categories: u64,
}

// The maintenance pages' messages.
/// A message in both languages, picked when shown.
pub type Notice = leptos::prelude::RwSignal<Option<(String, String)>>;

pub fn notice_signal(notice: Notice) -> leptos::prelude::Signal<Option<String>> {
    let i18n = crate::i18n::use_i18n();
    use leptos::prelude::Get;
    leptos::prelude::Signal::derive(move || notice.get().map(|(zh, en)| i18n.pick(&zh, &en)))
}

pub fn pick(locale: crate::i18n::Locale, zh: String, en: String) -> String {
    match locale {
        crate::i18n::Locale::Zh => zh,
        crate::i18n::Locale::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_split_on_either_width_and_dedupe() {
        assert_eq!(split_keywords("续费, 到期，续费、 EC数据宝;;"), vec!["续费", "到期", "EC数据宝"]);
        assert!(split_keywords(" ,， ").is_empty());
    }
}
