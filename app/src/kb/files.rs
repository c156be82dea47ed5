//! Attachments of articles (SPEC I4, NFR-28): uploaded by editors before the article is saved,
//! checked by extension AND by their first bytes (a renamed executable is no PDF), at most
//! 20 MB, stored outside the web root under the files directory, taken by the article that is
//! saved with them (served by `service::download` to whoever may read the article).
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::MAX_ATTACHMENT_BYTES;

/// Attachments an article may keep.
const MAX_ATTACHMENTS: usize = 50;
use crate::auth::session::CurrentUser;
use crate::emails::AttachmentView;
use crate::emails::attachments::{AttachmentOwner, store};
use crate::emails::entity::attachment;
use crate::error::{AppError, AppResult};

/// The signature a file of extension `ext` starts with (`None`: the type is not accepted).
fn signature(ext: &str) -> Option<&'static [&'static [u8]]> {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    const ZIP: &[u8] = b"PK\x03\x04";
    Some(match ext {
        "pdf" => &[b"%PDF-"],
        "png" => &[b"\x89PNG\r\n\x1a\n"],
        "jpg" | "jpeg" => &[&[0xFF, 0xD8, 0xFF]],
        "gif" => &[b"GIF87a", b"GIF89a"],
        "doc" | "xls" | "ppt" => &[OLE],
        "docx" | "xlsx" | "pptx" => &[ZIP],
        // Text: checked as UTF-8 below.
        "txt" => &[],
        _ => return None,
    })
}

/// Whether `bytes` are a file of the type its name `name` says, of an accepted type.
pub fn check_type(name: &str, bytes: &[u8]) -> AppResult<()> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let Some(signatures) = signature(&ext) else {
        return Err(AppError::rejected(
            &format!("不支持的文件类型,仅限:{}", super::ATTACHMENT_TYPES),
            &format!("File type not accepted; allowed: {}", super::ATTACHMENT_TYPES),
        ));
    };
    let ok = if ext == "txt" {
        std::str::from_utf8(bytes).is_ok_and(|t| !t.contains('\0'))
    } else {
        signatures.iter().any(|s| bytes.starts_with(s))
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::rejected(
            &format!("文件内容与扩展名 .{ext} 不符"),
            &format!("The file's content is not a .{ext} file"),
        ))
    }
}

pub async fn upload(
    db: &DatabaseConnection,
    user: &CurrentUser,
    name: &str,
    bytes: Vec<u8>,
) -> AppResult<AttachmentView> {
    if !super::is_editor(user) {
        return Err(AppError::Forbidden);
    }
    if bytes.len() as u64 > MAX_ATTACHMENT_BYTES {
        return Err(AppError::rejected("附件不能超过 20 MB", "An attachment may be 20 MB at most"));
    }
    check_type(name, &bytes)?;
    store(db, user, AttachmentOwner::KbArticle, name, bytes, MAX_ATTACHMENT_BYTES).await
}

/// An attachment as lists show it.
pub fn view(a: &attachment::Model) -> AttachmentView {
    AttachmentView { id: a.id, file_name: a.file_name.clone(), size_bytes: Ord::max(a.size_bytes, 0) as u64 }
}

pub fn of_kb() -> sea_orm::Condition {
    sea_orm::Condition::all().add(attachment::Column::OwnerType.eq(AttachmentOwner::KbArticle.code()))
}

pub async fn of_article(db: &impl ConnectionTrait, id: i64) -> AppResult<Vec<AttachmentView>> {
    Ok(attachment::Entity::find()
        .filter(of_kb())
        .filter(attachment::Column::OwnerId.eq(id))
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(view)
        .collect())
}

/// Article `id` keeps exactly the attachments `ids` (its own, or uploaded and not yet taken);
/// the others it had are let go (removed a day on). In the save's transaction.
pub async fn keep(db: &impl ConnectionTrait, id: i64, ids: &[i64]) -> AppResult<()> {
    if ids.len() > MAX_ATTACHMENTS {
        return Err(AppError::field(
            "attachment_ids",
            &format!("一篇知识点最多 {MAX_ATTACHMENTS} 个附件"),
            &format!("At most {MAX_ATTACHMENTS} attachments per article"),
        ));
    }
    let wanted: Vec<i64> = ids.to_vec();
    let usable = attachment::Entity::find()
        .filter(of_kb())
        .filter(attachment::Column::Id.is_in(wanted.clone()))
        .filter(
            sea_orm::Condition::any()
                .add(attachment::Column::OwnerId.is_null())
                .add(attachment::Column::OwnerId.eq(id)),
        )
        .all(db)
        .await?;
    if usable.len() != wanted.len() {
        return Err(AppError::field(
            "attachment_ids",
            "附件不存在或属于其他知识点,请重新上传",
            "An attachment is missing or belongs elsewhere; upload it again",
        ));
    }
    // Let go: removed by the upkeep a day from now (the day counts from the release).
    attachment::Entity::update_many()
        .col_expr(attachment::Column::OwnerId, sea_orm::sea_query::Expr::val(Option::<i64>::None))
        .col_expr(attachment::Column::UploadedAt, sea_orm::sea_query::Expr::val(chrono::Utc::now()))
        .filter(of_kb())
        .filter(attachment::Column::OwnerId.eq(id))
        .filter(attachment::Column::Id.is_not_in(wanted.clone()))
        .exec(db)
        .await?;
    if !wanted.is_empty() {
        attachment::Entity::update_many()
            .col_expr(attachment::Column::OwnerId, sea_orm::sea_query::Expr::val(id))
            .filter(attachment::Column::Id.is_in(wanted))
            .exec(db)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_type;

    #[test]
    fn types_are_checked_by_name_and_content() {
        assert!(check_type("规则.pdf", b"%PDF-1.7 ...").is_ok());
        assert!(check_type("a.PNG", b"\x89PNG\r\n\x1a\n....").is_ok());
        assert!(check_type("说明.txt", "会员续费".as_bytes()).is_ok());
        assert!(check_type("virus.pdf", b"MZ\x90\x00").is_err());
        assert!(check_type("run.exe", b"MZ\x90\x00").is_err());
        assert!(check_type("noext", b"%PDF-").is_err());
        assert!(check_type("bin.txt", b"a\0b").is_err());
    }
}
