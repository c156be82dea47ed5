//! 会员发布信息 and 推送邮件日志 from CM: keyed by their CM ids, attached to members already
//! synced, upserted in one transaction.
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, OnConflict};
use sea_orm::{DatabaseConnection, Value};

use super::check::{Check, IfUnknown, Lookups};
use super::{CmRow, SyncKind, SyncOutcome, existing};
use crate::error::AppResult;
use crate::members::bulk::Rows;
use crate::members::enums;
use crate::members::search::grams;

/// 会员发布信息 and 推送邮件日志: rows keyed by their CM id, attached to synced members.
pub(super) async fn upsert(
    db: &DatabaseConnection,
    kind: SyncKind,
    look: &Lookups,
    rows: &[CmRow],
    now: DateTime<Utc>,
    out: &mut SyncOutcome,
    progress: &impl Fn(u64),
) -> AppResult<()> {
    let (table, key) = match kind {
        SyncKind::PublishedInfo => ("published_info", "cm_info_id"),
        _ => ("info_push_log", "cm_log_id"),
    };
    let members: Vec<String> = rows.iter().map(|r| r.get("cm_member_id").to_string()).collect();
    let member_ids = existing(db, "customer", "cm_member_id", &members).await?;
    let keys: Vec<String> = rows.iter().map(|r| r.get(key).to_string()).collect();
    let known = existing(db, table, key, &keys).await?;
    let mut seen = HashSet::new();
    let mut values: Vec<Vec<Value>> = vec![];
    for row in rows {
        let mut ck = Check { errors: &mut out.errors, unmapped: &mut out.unmapped, line: row.line };
        let id = ck.required(row, key, if kind == SyncKind::PublishedInfo { "信息ID" } else { "日志ID" }, 64);
        let member = ck.required(row, "cm_member_id", "会员ID", 64);
        let customer = member.as_ref().and_then(|m| {
            let c = member_ids.get(m).copied();
            if c.is_none() {
                ck.fail("cm_member_id", format!("会员ID“{m}”尚未同步,请先同步会员资料"));
            }
            c
        });
        let industry = ck.tree(&look.industries, row, "industry_code", "行业代码");
        if let Some(id) = &id
            && !seen.insert(id.clone())
        {
            ck.fail(key, format!("“{id}”在文件中重复"));
        }
        let v = match kind {
            SyncKind::PublishedInfo => {
                // Both are required: a value the CRM does not know skips the row (logged).
                let info_type = ck.mapped(row, "info_type", "信息类型", enums::INFO_TYPES, IfUnknown::SkipRow);
                let title = ck.required(row, "title", "信息名称", 300);
                let status = ck.mapped(row, "status", "信息状态", enums::INFO_STATUSES, IfUnknown::SkipRow);
                for (field, label) in [("info_type", "信息类型"), ("status", "信息状态")] {
                    if row.get(field).is_empty() {
                        ck.fail(field, format!("{label}不能为空"));
                    }
                }
                let published = ck.time(row, "published_at", "发布时间");
                if row.get("published_at").is_empty() {
                    ck.fail("published_at", "发布时间不能为空".into());
                }
                let expires = ck.time(row, "expires_at", "失效时间");
                let url = ck.max(row, "url", "链接", 500);
                let (Some(id), Some(c), Some(t), Some(ty), Some(st), Some(p)) =
                    (id, customer, title, info_type, status, published)
                else {
                    continue;
                };
                out.updated += usize::from(known.contains_key(&id));
                vec![
                    Value::from(id),
                    c.into(),
                    ty.into(),
                    t.clone().into(),
                    st.into(),
                    industry[0].into(),
                    industry[1].into(),
                    industry[2].into(),
                    p.into(),
                    expires.into(),
                    url.into(),
                    grams(&t).into(),
                    now.into(),
                ]
            }
            _ => {
                let email = ck.required(row, "recipient_email", "收件邮箱", 100);
                let sent = ck.time(row, "sent_at", "邮件发送时间");
                if row.get("sent_at").is_empty() {
                    ck.fail("sent_at", "邮件发送时间不能为空".into());
                }
                let title = ck.max(row, "info_title", "信息名称", 300);
                let info_type = ck.mapped(row, "info_type", "信息类型", enums::INFO_TYPES, IfUnknown::Empty);
                let info_status = ck.mapped(row, "info_status", "信息状态", enums::INFO_STATUSES, IfUnknown::Empty);
                let published = ck.time(row, "info_published_at", "发布时间");
                let status = ck.mapped(row, "push_status", "推送状态", enums::PUSH_STATUSES, IfUnknown::Empty);
                let (Some(id), Some(c), Some(e), Some(s)) = (id, customer, email, sent) else { continue };
                out.updated += usize::from(known.contains_key(&id));
                vec![
                    Value::from("cm"),
                    Some(id).into(),
                    c.into(),
                    e.into(),
                    s.into(),
                    title.into(),
                    info_type.into(),
                    info_status.into(),
                    industry[0].into(),
                    industry[1].into(),
                    industry[2].into(),
                    published.into(),
                    status.into(),
                    now.into(),
                ]
            }
        };
        values.push(v);
    }
    if !out.errors.is_empty() {
        return Ok(());
    }
    let cols: &'static [&'static str] = match kind {
        SyncKind::PublishedInfo => &[
            "cm_info_id",
            "customer_id",
            "info_type",
            "title",
            "status",
            "industry_l1_id",
            "industry_l2_id",
            "industry_l3_id",
            "published_at",
            "expires_at",
            "url",
            "title_grams",
            "synced_at",
        ],
        _ => &[
            "source",
            "cm_log_id",
            "customer_id",
            "recipient_email",
            "sent_at",
            "info_title",
            "info_type",
            "info_status",
            "industry_l1_id",
            "industry_l2_id",
            "industry_l3_id",
            "info_published_at",
            "push_status",
            "synced_at",
        ],
    };
    out.inserted = values.len() - out.updated;
    let mut insert = Rows::new(table, cols);
    for v in values {
        insert.push(v);
    }
    let update = cols.iter().filter(|c| **c != key && **c != "source").map(|c| Alias::new(*c));
    let upsert = OnConflict::column(Alias::new(key)).update_columns(update).to_owned();
    let txn = crate::db::write_txn(db).await?;
    insert.flush(&txn, Some(&upsert), progress).await?;
    txn.commit().await?;
    Ok(())
}
