//! 会员邮件服务 (SPEC SM-4, B4, B5, E7, E8, I4): system parameters (the SMTP server among them),
//! e-mail templates, batches with one row per recipient — the recipients are the durable send
//! queue (state, attempts, next attempt, a lease while an instance sends) — and attachments.
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, fk, id, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a("system_setting"))
            .col(string_len(a("key"), 64).primary_key())
            .col(text(a("value")))
            .col(big_integer_null(a("updated_by")))
            .col(timestamp_with_time_zone(a("updated_at")));
        m.create_table(t.take()).await?;

        let mut t = Table::create();
        t.table(a("email_template"))
            .col(id())
            .col(string_len(a("name"), 100).unique_key())
            .col(string_len(a("email_kind"), 24))
            .col(string_len(a("subject"), 200))
            .col(text(a("body_html")))
            .col(boolean(a("is_active")))
            .col(integer(a("version")))
            .col(big_integer_null(a("created_by")))
            .col(timestamp_with_time_zone(a("created_at")))
            .col(big_integer_null(a("updated_by")))
            .col(timestamp_with_time_zone(a("updated_at")));
        m.create_table(t.take()).await?;

        let mut t = Table::create();
        t.table(a("email_batch"))
            .col(id())
            .col(string_len(a("batch_no"), 20).unique_key())
            .col(string_len(a("email_kind"), 24))
            .col(big_integer_null(a("template_id")))
            .col(string_len(a("subject"), 200))
            .col(text(a("body_html")))
            // The PG-26 criteria (member filter, unticked rows, 包含未设置推送会员).
            .col(text(a("filter_snapshot")))
            .col(string_len(a("service_mode"), 16))
            .col(string_len(a("service_dept"), 24))
            .col(big_integer(a("organization_id")))
            .foreign_key(&mut fk("email_batch", "organization_id", "organization"))
            .col(big_integer(a("sender_id")))
            .foreign_key(&mut fk("email_batch", "sender_id", "account"))
            .col(string_len(a("status"), 20))
            .col(integer(a("recipient_count")))
            .col(integer(a("sent_count")))
            .col(integer(a("failed_count")))
            .col(timestamp_with_time_zone_null(a("sent_at")))
            .col(timestamp_with_time_zone_null(a("finished_at")))
            .col(integer(a("version")))
            .col(timestamp_with_time_zone(a("created_at")))
            .col(timestamp_with_time_zone(a("updated_at")));
        m.create_table(t.take()).await?;
        for (name, cols) in [
            ("ix_email_batch_sent", &["sent_at"][..]),
            ("ix_email_batch_org", &["organization_id", "sent_at"]),
            ("ix_email_batch_sender", &["sender_id", "sent_at"]),
            ("ix_email_batch_status", &["status"]),
        ] {
            m.create_index(idx("email_batch", name, cols)).await?;
        }

        let mut t = Table::create();
        t.table(a("email_recipient"))
            .col(id())
            .col(big_integer(a("batch_id")))
            .foreign_key(&mut fk("email_recipient", "batch_id", "email_batch"))
            .col(big_integer(a("customer_id")))
            .foreign_key(&mut fk("email_recipient", "customer_id", "customer"))
            .col(string_len(a("email"), 100))
            .col(string_len(a("status"), 16))
            .col(integer(a("attempts")))
            // Not sent again before this (the back-off after a temporary failure).
            .col(timestamp_with_time_zone_null(a("next_attempt_at")))
            // An instance sending it holds it until then (a stopped one lets it go).
            .col(timestamp_with_time_zone_null(a("lease_until")))
            .col(string_len_null(a("message_id"), 255))
            .col(timestamp_with_time_zone_null(a("sent_at")))
            .col(string_len_null(a("error_message"), 500))
            .col(big_integer_null(a("service_record_id")))
            .col(big_integer_null(a("push_log_id")))
            .col(timestamp_with_time_zone(a("created_at")));
        m.create_table(t.take()).await?;
        m.create_index(
            Index::create()
                .name("ux_email_recipient_member")
                .table(a("email_recipient"))
                .col(a("batch_id"))
                .col(a("customer_id"))
                .unique()
                .take(),
        )
        .await?;
        m.create_index(idx("email_recipient", "ix_email_recipient_queue", &["status", "next_attempt_at"])).await?;
        m.create_index(idx("email_recipient", "ix_email_recipient_batch", &["batch_id", "status"])).await?;
        m.create_index(idx("email_recipient", "ix_email_recipient_customer", &["customer_id"])).await?;

        let mut t = Table::create();
        t.table(a("attachment"))
            .col(id())
            .col(string_len(a("owner_type"), 24))
            // None until the draft or batch it was uploaded for is saved.
            .col(big_integer_null(a("owner_id")))
            .col(string_len(a("file_name"), 255))
            .col(string_len(a("mime_type"), 100))
            .col(big_integer(a("size_bytes")))
            .col(string_len(a("storage_key"), 255))
            .col(big_integer(a("uploaded_by")))
            .foreign_key(&mut fk("attachment", "uploaded_by", "account"))
            .col(timestamp_with_time_zone(a("uploaded_at")));
        m.create_table(t.take()).await?;
        m.create_index(idx("attachment", "ix_attachment_owner", &["owner_type", "owner_id"])).await?;

        // 邮件模板: one per kind to start from (editable in PG-92).
        let mut insert = Query::insert();
        insert.into_table(a("email_template")).columns(
            ["name", "email_kind", "subject", "body_html", "is_active", "version", "created_at", "updated_at"].map(a),
        );
        for (name, kind, subject, body) in TEMPLATES {
            insert.values_panic([
                (*name).into(),
                (*kind).into(),
                (*subject).into(),
                (*body).into(),
                true.into(),
                1.into(),
                Expr::current_timestamp(),
                Expr::current_timestamp(),
            ]);
        }
        m.exec_stmt(insert).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["attachment", "email_recipient", "email_batch", "email_template", "system_setting"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}

const TEMPLATES: &[(&str, &str, &str, &str)] = &[
    (
        "服务开通通知",
        "service_activation",
        "{企业名称},您的{会员级别}服务已开通",
        "<p>尊敬的{企业名称}:</p><p>您的{会员级别}服务已于 {服务开始时间} 开通,服务到期时间为 {服务到期时间}。\
         如需帮助,请联系您的专属客服{客服姓名}。</p><p>{组织机构}</p>",
    ),
    (
        "信息推送",
        "info_push",
        "为{企业名称}精选的最新采购信息",
        "<p>尊敬的{企业名称}:</p><p>以下是本期为您精选的采购信息,请登录诚商网查看详情。</p>\
         <p>您的专属客服:{客服姓名}</p>",
    ),
    (
        "广交会采购信息",
        "canton_fair",
        "广交会采购商信息({企业名称})",
        "<p>尊敬的{企业名称}:</p><p>本届广交会的采购商信息已整理完毕,附件为与您行业相关的采购需求。</p>\
         <p>{组织机构}</p>",
    ),
];
