//! Import of an article bundle for go-live (SPEC §8.1 note): a zip of Markdown, HTML or text
//! files whose folders name the category (标题/子目录/知识点.md). The upload answers a preview —
//! each file's category (existing or to be created), title and length, or why it will be left
//! out — and keeps the bundle; 确认导入 reads it again and imports every good file in one
//! transaction (categories, articles, their first revisions, one operation-log entry).
use std::io::Read;

use chrono::Utc;
use sea_orm::{DatabaseConnection, EntityTrait};
use serde_json::json;

use super::entity::category;
use super::is_editor;
use super::text::{markdown_html, plain_text, sanitize, text_html};
use super::write::{NewArticle, bump, insert, write_revision};
use super::{ImportItem, ImportOutcome, ImportPreview, ImportRun};
use crate::auth::Perm;
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::db::write_txn;
use crate::error::{AppError, AppResult};

/// Files a bundle may hold, bytes a file may have once unzipped, and all of them together.
const MAX_FILES: usize = 2_000;
const MAX_FILE_BYTES: u64 = 2 << 20;
const MAX_TOTAL_BYTES: u64 = 50 << 20;

fn bundles_dir() -> std::path::PathBuf {
    crate::jobs::files_dir().join("kb-import")
}

/// A file of the bundle, read.
struct Parsed {
    item: ImportItem,
    html: String,
    plain: String,
}

/// A zip entry's name: UTF-8, or GB18030 as Chinese Windows writes it.
fn entry_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(raw).0.into_owned(),
    }
}

fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// The text between `<tag…>` and `</tag>` (case-insensitive), if any.
fn element(html: &str, tag: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find(&format!("<{tag}"))?;
    let open_end = lower[start..].find('>')? + start + 1;
    let end = lower[open_end..].find(&format!("</{tag}>"))? + open_end;
    let text = plain_text(&html[open_end..end]);
    (!text.trim().is_empty()).then(|| text.trim().to_string())
}

/// The title and sanitised HTML of a file of type `ext`; its file name's stem is the title
/// when it names none.
fn convert(ext: &str, stem: &str, text: &str) -> (String, String) {
    match ext {
        "md" | "markdown" => {
            let heading = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("# ").map(|h| h.trim().to_string()))
                .filter(|h| !h.is_empty());
            (heading.unwrap_or_else(|| stem.to_string()), sanitize(&markdown_html(text)))
        }
        "html" | "htm" => {
            let title = element(text, "title").or_else(|| element(text, "h1")).unwrap_or_else(|| stem.to_string());
            let body = element_html(text, "body").unwrap_or(text);
            (title, sanitize(body))
        }
        _ => (stem.to_string(), text_html(text)),
    }
}

/// The inner HTML of `<body>`.
fn element_html<'a>(html: &'a str, tag: &str) -> Option<&'a str> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find(&format!("<{tag}"))?;
    let open_end = lower[start..].find('>')? + start + 1;
    let end = lower[open_end..].find(&format!("</{tag}>")).map_or(html.len(), |e| e + open_end);
    Some(&html[open_end..end])
}

/// Reads a bundle: one entry per file (folders and hidden files skipped).
fn read_bundle(bytes: &[u8]) -> AppResult<Vec<Parsed>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|_| AppError::rejected("不是有效的 zip 文件", "Not a valid zip file"))?;
    let mut out = vec![];
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|_| AppError::rejected("zip 文件已损坏", "The zip file is damaged"))?;
        if f.is_dir() {
            continue;
        }
        let path = entry_name(f.name_raw()).replace('\\', "/");
        let parts: Vec<&str> = path.split('/').filter(|p| !p.trim().is_empty()).collect();
        let Some((file, folders)) = parts.split_last() else { continue };
        if file.starts_with('.') || parts.iter().any(|p| p.starts_with("__MACOSX")) {
            continue;
        }
        if out.len() >= MAX_FILES {
            return Err(AppError::rejected(
                &format!("一次最多导入 {MAX_FILES} 个文件"),
                &format!("At most {MAX_FILES} files per bundle"),
            ));
        }
        let (stem, ext) = file.rsplit_once('.').map_or((*file, String::new()), |(s, e)| (s, e.to_ascii_lowercase()));
        let mut item = ImportItem {
            path: path.clone(),
            category: folders.iter().map(|f| f.trim().chars().take(100).collect()).collect(),
            new_category: false,
            title: stem.chars().take(200).collect(),
            chars: 0,
            error: None,
        };
        let mut parsed = Parsed { item: item.clone(), html: String::new(), plain: String::new() };
        if !["md", "markdown", "html", "htm", "txt"].contains(&ext.as_str()) {
            item.error = Some("仅支持 .md、.html、.txt 文件".into());
        } else if folders.is_empty() {
            item.error = Some("请把文件放在以类别命名的文件夹中".into());
        } else if folders.len() > 4 {
            item.error = Some("类别最多 4 级".into());
        } else {
            let mut buf = vec![];
            (&mut f)
                .take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut buf)
                .map_err(|_| AppError::rejected("zip 文件已损坏", "The zip file is damaged"))?;
            total += buf.len() as u64;
            if total > MAX_TOTAL_BYTES {
                return Err(AppError::rejected("解压后超过 50 MB,请分批导入", "Over 50 MB unzipped; import in parts"));
            }
            if buf.len() as u64 > MAX_FILE_BYTES {
                item.error = Some("文件超过 2 MB".into());
            } else {
                let (title, html) = convert(&ext, stem, &decode(&buf));
                let plain = plain_text(&html);
                item.title = title.chars().take(200).collect();
                item.chars = plain.chars().count() as u64;
                if plain.trim().is_empty() {
                    item.error = Some("内容为空".into());
                }
                parsed.html = html;
                parsed.plain = plain;
            }
        }
        parsed.item = item;
        out.push(parsed);
    }
    if out.is_empty() {
        return Err(AppError::rejected("zip 中没有可导入的文件", "The zip holds no file to import"));
    }
    Ok(out)
}

/// The category a folder path names, walking from the headings: its id when it exists.
fn find_category(cats: &[category::Model], path: &[String]) -> Option<i64> {
    let mut parent: Option<i64> = None;
    for title in path {
        parent = Some(cats.iter().find(|c| c.parent_id == parent && c.title == *title)?.id);
    }
    parent
}

/// Keeps an uploaded bundle and answers what it would import.
pub async fn preview(
    db: &DatabaseConnection,
    user: &CurrentUser,
    name: &str,
    bytes: Vec<u8>,
) -> AppResult<ImportPreview> {
    if !is_editor(user) {
        return Err(AppError::Forbidden);
    }
    if !name.to_ascii_lowercase().ends_with(".zip") {
        return Err(AppError::rejected("请上传 .zip 文件", "Upload a .zip file"));
    }
    sweep().await;
    let (parsed, bytes) = tokio::task::spawn_blocking(move || read_bundle(&bytes).map(|p| (p, bytes)))
        .await
        .map_err(AppError::internal)??;
    let cats = category::Entity::find().all(db).await?;
    let items = parsed
        .into_iter()
        .map(|p| {
            let mut item = p.item;
            item.new_category = item.error.is_none() && find_category(&cats, &item.category).is_none();
            item
        })
        .collect();
    let key = crate::auth::token::random_id(24);
    tokio::fs::create_dir_all(bundles_dir()).await.map_err(AppError::internal)?;
    tokio::fs::write(bundles_dir().join(&key), &bytes).await.map_err(AppError::internal)?;
    Ok(ImportPreview { key, items })
}

pub async fn run(db: &DatabaseConnection, user: &CurrentUser, input: ImportRun) -> AppResult<ImportOutcome> {
    if !is_editor(user) {
        return Err(AppError::Forbidden);
    }
    if input.key.is_empty() || !input.key.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::NotFound);
    }
    // Claimed by renaming it: a second 确认导入 of the same bundle finds nothing.
    let file = bundles_dir().join(&input.key);
    let claimed = bundles_dir().join(format!("{}.importing", input.key));
    tokio::fs::rename(&file, &claimed).await.map_err(|_| {
        AppError::rejected("导入文件已失效或已导入,请重新上传", "The bundle is gone or imported; upload it again")
    })?;
    let outcome = import_claimed(db, user, &claimed, input.status).await;
    match &outcome {
        Ok(_) => {
            let _ = tokio::fs::remove_file(&claimed).await;
        }
        // Failed: it can be tried again.
        Err(_) => {
            let _ = tokio::fs::rename(&claimed, &file).await;
        }
    }
    outcome
}

/// Bundles previewed a day ago and never imported: removed.
async fn sweep() {
    let Ok(mut dir) = tokio::fs::read_dir(bundles_dir()).await else { return };
    let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(86_400);
    while let Ok(Some(entry)) = dir.next_entry().await {
        let old = entry.metadata().await.and_then(|m| m.modified()).is_ok_and(|t| t < day_ago);
        if old {
            let _ = tokio::fs::remove_file(entry.path()).await;
        }
    }
}

async fn import_claimed(
    db: &DatabaseConnection,
    user: &CurrentUser,
    claimed: &std::path::Path,
    status: super::ArticleStatus,
) -> AppResult<ImportOutcome> {
    let bytes = tokio::fs::read(claimed).await.map_err(AppError::internal)?;
    let parsed = tokio::task::spawn_blocking(move || read_bundle(&bytes)).await.map_err(AppError::internal)??;
    let now = Utc::now();
    let txn = write_txn(db).await?;
    // First: the row lock that queues every 知识库 write, so the categories read are current.
    let seq = bump(&txn).await?;
    let mut cats = category::Entity::find().all(&txn).await?;
    let (mut articles, mut created) = (0u64, 0u64);
    for p in parsed.into_iter().filter(|p| p.item.error.is_none()) {
        // The folders, created where missing.
        let mut parent: Option<i64> = None;
        for title in &p.item.category {
            parent = Some(match cats.iter().find(|c| c.parent_id == parent && c.title == *title) {
                Some(c) => c.id,
                None => {
                    let last = cats.iter().filter(|c| c.parent_id == parent).map(|c| c.sort_order).max();
                    let c = super::categories::create(&txn, user, parent, title, last).await?;
                    created += 1;
                    let id = c.id;
                    cats.push(c);
                    id
                }
            });
        }
        let Some(category_id) = parent else { continue };
        let fields = NewArticle {
            category_id,
            title: p.item.title.clone(),
            content_html: p.html,
            content_text: p.plain,
            keywords: String::new(),
            levels: String::new(),
            status,
        };
        let a = insert(&txn, user.account.id, fields, seq, now).await?;
        write_revision(&txn, user.account.id, &a, "批量导入").await?;
        articles += 1;
    }
    audit::record(
        &txn,
        user,
        Entry::new(Perm::KbEdit.code(), "import", "kb_article")
            .detail(json!({"articles": articles, "categories": created, "status": status.code()})),
    )
    .await?;
    txn.commit().await?;
    Ok(ImportOutcome { articles, categories: created })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn bundle(files: &[(&str, &str)]) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, body) in files {
            z.start_file(*name, zip::write::SimpleFileOptions::default()).expect("start");
            z.write_all(body.as_bytes()).expect("write");
        }
        z.finish().expect("finish").into_inner()
    }

    #[test]
    fn a_bundle_is_read_file_by_file() {
        let bytes = bundle(&[
            ("产品知识/一、EC数据宝2.0/介绍.md", "# EC数据宝2.0 介绍\n\n**会员**可以使用。\n<script>x</script>"),
            ("其他知识/说明.html", "<html><head><title>办理说明</title></head><body><p>续费</p></body></html>"),
            ("根目录.md", "# 无类别"),
            ("其他知识/图.exe", "MZ"),
            ("其他知识/空.md", "   "),
        ]);
        let parsed = read_bundle(&bytes).expect("read");
        let items: Vec<_> = parsed.iter().map(|p| (p.item.title.as_str(), p.item.error.as_deref())).collect();
        assert_eq!(
            items,
            vec![
                ("EC数据宝2.0 介绍", None),
                ("办理说明", None),
                ("根目录", Some("请把文件放在以类别命名的文件夹中")),
                ("图", Some("仅支持 .md、.html、.txt 文件")),
                ("空", Some("内容为空")),
            ]
        );
        assert_eq!(parsed[0].item.category, vec!["产品知识", "一、EC数据宝2.0"]);
        assert!(!parsed[0].html.contains("script"));
        assert_eq!(parsed[1].plain, "续费");
        assert!(read_bundle(b"not a zip").is_err());
    }
}
