//! Attachments of e-mail batches (SPEC I4): uploaded before the batch exists, kept under the
//! files directory (shared by all instances), taken by the draft or batch that is saved with
//! them, and removed a day on when nothing took them.
use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::AttachmentView;
use super::MAX_ATTACHMENT_BYTES;
use super::entity::attachment;
use crate::auth::Perm;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};

code_enum! {
    /// What an attachment belongs to (`attachment.owner_type`, SPEC I4).
    pub enum AttachmentOwner {
        EmailBatch = ("email_batch", "邮件批次", "E-mail batch"),
        KbArticle = ("kb_article", "知识点", "Knowledge article"),
    }
}

/// Attachments are stored under the files directory, here.
pub fn attachments_dir() -> std::path::PathBuf {
    crate::jobs::files_dir().join("attachments")
}

/// The attachments of batch `batch`.
pub async fn attachments_of(db: &impl ConnectionTrait, batch: i64) -> AppResult<Vec<AttachmentView>> {
    Ok(attachment::Entity::find()
        .filter(attachment::Column::OwnerType.eq(AttachmentOwner::EmailBatch.code()))
        .filter(attachment::Column::OwnerId.eq(batch))
        .all(db)
        .await?
        .into_iter()
        .map(|a| AttachmentView { id: a.id, file_name: a.file_name, size_bytes: Ord::max(a.size_bytes, 0) as u64 })
        .collect())
}

/// An uploaded attachment: kept under the files directory, free until a draft or batch takes it.
pub async fn upload(
    db: &DatabaseConnection,
    user: &CurrentUser,
    name: &str,
    bytes: Vec<u8>,
) -> AppResult<AttachmentView> {
    if !user.has(Perm::IntakeMemberEmail) {
        return Err(AppError::Forbidden);
    }
    store(db, user, AttachmentOwner::EmailBatch, name, bytes, MAX_ATTACHMENT_BYTES).await
}

/// Keeps an uploaded file (at most `max` bytes) under the files directory as an attachment of
/// kind `owner`, free until what it is for takes it.
pub async fn store(
    db: &DatabaseConnection,
    user: &CurrentUser,
    owner: AttachmentOwner,
    name: &str,
    bytes: Vec<u8>,
    max: u64,
) -> AppResult<AttachmentView> {
    let name: String = name.trim().chars().filter(|c| !c.is_control() && !"/\\".contains(*c)).take(255).collect();
    if name.is_empty() {
        return Err(AppError::rejected("请选择文件", "Choose a file"));
    }
    if bytes.is_empty() || bytes.len() as u64 > max {
        let mb = max >> 20;
        return Err(AppError::rejected(
            &format!("附件不能为空,且不能超过 {mb} MB"),
            &format!("An attachment must be 1 byte to {mb} MB"),
        ));
    }
    let dir = attachments_dir();
    tokio::fs::create_dir_all(&dir).await.map_err(AppError::internal)?;
    let key = crate::auth::token::random_id(24);
    tokio::fs::write(dir.join(&key), &bytes).await.map_err(AppError::internal)?;
    let row = attachment::ActiveModel {
        owner_type: Set(owner.code().into()),
        owner_id: Set(None),
        mime_type: Set(mime_of(&name).into()),
        size_bytes: Set(bytes.len() as i64),
        storage_key: Set(key),
        file_name: Set(name),
        uploaded_by: Set(user.account.id),
        uploaded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(AttachmentView { id: row.id, file_name: row.file_name, size_bytes: bytes.len() as u64 })
}

/// Attachments uploaded but never taken by a draft, batch or article (or let go by an
/// article), a day on: their files and rows removed. Answers how many.
pub async fn remove_orphans(db: &DatabaseConnection) -> AppResult<u64> {
    let before = Utc::now() - chrono::Duration::days(1);
    let old = attachment::Entity::find()
        .filter(attachment::Column::OwnerId.is_null())
        .filter(attachment::Column::UploadedAt.lt(before))
        .all(db)
        .await?;
    let mut removed = 0;
    for a in &old {
        // Only while still nobody's (a save may take it meanwhile): the row first, then the file.
        let gone = attachment::Entity::delete_many()
            .filter(attachment::Column::Id.eq(a.id))
            .filter(attachment::Column::OwnerId.is_null())
            .exec(db)
            .await?
            .rows_affected;
        if gone == 1 {
            let _ = tokio::fs::remove_file(attachments_dir().join(&a.storage_key)).await;
            removed += 1;
        }
    }
    Ok(removed)
}

/// The MIME type of a file name's extension.
pub fn mime_of(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let known: HashMap<&str, &str> = [
        ("pdf", "application/pdf"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("xls", "application/vnd.ms-excel"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("doc", "application/msword"),
        ("csv", "text/csv"),
        ("txt", "text/plain"),
        ("png", "image/png"),
        ("jpg", "image/jpeg"),
        ("jpeg", "image/jpeg"),
        ("gif", "image/gif"),
        ("zip", "application/zip"),
    ]
    .into_iter()
    .collect();
    known.get(ext.as_str()).copied().unwrap_or("application/octet-stream")
}
