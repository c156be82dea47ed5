//! Server functions of 会员邮件服务; each passes the one guard (会员邮件发送, 邮件模板 or
//! 参数设置), then the service applies the organisation scope.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{
    BatchDetail, BatchFilter, BatchRow, BatchSaved, ComposeInput, Draft, MailSettings, Preview, RecipientPage,
    Recipients, TemplateInput, TemplateView,
};
use crate::error::AppError;
use crate::ui::Page;

#[cfg(feature = "ssr")]
use crate::auth::{Perm, session::serve};

/// What the compose page needs besides its list: the active templates, whether an SMTP server
/// is set, and the login's 服务部门.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ComposeOptions {
    pub templates: Vec<TemplateView>,
    pub smtp_configured: bool,
    pub service_dept: crate::requests::AcceptingDept,
}

#[server(endpoint = "emails/options", input = Json)]
pub async fn load_compose_options() -> Result<ComposeOptions, AppError> {
    serve(Perm::IntakeMemberEmail, |ctx, user| async move {
        Ok(ComposeOptions {
            templates: super::templates::list(&ctx.state.db, true).await?,
            smtp_configured: super::settings::smtp(&ctx.state.db).await?.is_some(),
            service_dept: crate::requests::AcceptingDept::of(&user)?,
        })
    })
    .await
}

/// PG-26's list of members and what a send would reach.
#[server(endpoint = "emails/recipients", input = Json)]
pub async fn list_recipients(recipients: Recipients, kind: String) -> Result<RecipientPage, AppError> {
    serve(Perm::IntakeMemberEmail, |ctx, user| async move {
        super::compose::recipients_page(&ctx.state.db, &user, &recipients, &kind).await
    })
    .await
}

/// 预览 for the first recipient.
#[server(endpoint = "emails/preview", input = Json)]
pub async fn preview_email(input: ComposeInput) -> Result<Preview, AppError> {
    serve(
        Perm::IntakeMemberEmail,
        |ctx, user| async move { super::compose::preview(&ctx.state.db, &user, &input).await },
    )
    .await
}

/// 发送 (`send`) or 存为草稿.
#[server(endpoint = "emails/save", input = Json)]
pub async fn save_email(input: ComposeInput, send: bool) -> Result<BatchSaved, AppError> {
    serve(
        Perm::IntakeMemberEmail,
        |ctx, user| async move { super::compose::save(&ctx.state.db, &user, input, send).await },
    )
    .await
}

/// A draft of the user's to continue.
#[server(endpoint = "emails/draft", input = Json)]
pub async fn load_draft(id: i64) -> Result<Draft, AppError> {
    serve(Perm::IntakeMemberEmail, |ctx, user| async move { super::compose::draft(&ctx.state.db, &user, id).await })
        .await
}

/// 邮件发送记录.
#[server(endpoint = "emails/batches", input = Json)]
pub async fn list_batches(filter: BatchFilter) -> Result<Page<BatchRow>, AppError> {
    serve(Perm::IntakeMemberEmail, |ctx, user| async move { super::batches::list(&ctx.state.db, &user, &filter).await })
        .await
}

/// A batch with a page of its recipients.
#[server(endpoint = "emails/batch", input = Json)]
pub async fn load_batch(id: i64, status: String, page: u64) -> Result<BatchDetail, AppError> {
    serve(Perm::IntakeMemberEmail, |ctx, user| async move {
        super::batches::detail(&ctx.state.db, &user, id, &status, page).await
    })
    .await
}

/// 重发失败邮件.
#[server(endpoint = "emails/resend", input = Json)]
pub async fn resend_failed(id: i64) -> Result<u64, AppError> {
    serve(
        Perm::IntakeMemberEmail,
        |ctx, user| async move { super::batches::resend_failed(&ctx.state.db, &user, id).await },
    )
    .await
}

/// 邮件模板 (PG-92).
#[server(endpoint = "email-templates/list", input = Json)]
pub async fn list_templates() -> Result<Vec<TemplateView>, AppError> {
    serve(Perm::SystemEmailTemplates, |ctx, _user| async move { super::templates::list(&ctx.state.db, false).await })
        .await
}

#[server(endpoint = "email-templates/save", input = Json)]
pub async fn save_template(input: TemplateInput) -> Result<TemplateView, AppError> {
    serve(
        Perm::SystemEmailTemplates,
        |ctx, user| async move { super::templates::save(&ctx.state.db, &user, input).await },
    )
    .await
}

#[server(endpoint = "email-templates/delete", input = Json)]
pub async fn delete_template(id: i64, version: i32) -> Result<(), AppError> {
    serve(Perm::SystemEmailTemplates, |ctx, user| async move {
        super::templates::delete(&ctx.state.db, &user, id, version).await
    })
    .await
}

/// A template's preview with example values (sanitised as it will be stored).
#[server(endpoint = "email-templates/preview", input = Json)]
pub async fn preview_template(input: TemplateInput) -> Result<Preview, AppError> {
    serve(Perm::SystemEmailTemplates, |_ctx, _user| async move {
        input.validate()?;
        let v = super::MemberValues {
            company: "广州市示例电子科技有限公司".into(),
            login: "gzdemo2026".into(),
            level: "金牌".into(),
            service_start: "2026-01-01".into(),
            service_end: "2026-12-31".into(),
            org: "广州代表处".into(),
            agent: "张坐席".into(),
        };
        Ok(Preview {
            to: "member@example.com".into(),
            company: v.company.clone(),
            subject: super::fill(input.subject.trim(), &v, false),
            body_html: super::fill(&super::templates::sanitize(&input.body_html), &v, true),
        })
    })
    .await
}

/// 系统参数 of e-mail (PG-93): the SMTP server and the sending limits (never the password).
#[server(endpoint = "settings/mail", input = Json)]
pub async fn load_mail_settings() -> Result<MailSettings, AppError> {
    serve(Perm::SystemSettings, |ctx, _user| async move { super::settings::load(&ctx.state.db).await }).await
}

#[server(endpoint = "settings/mail/save", input = Json)]
pub async fn save_mail_settings(input: MailSettings) -> Result<MailSettings, AppError> {
    serve(Perm::SystemSettings, |ctx, user| async move { super::settings::save(&ctx.state.db, &user, input).await })
        .await
}
