//! The sender: works through the queued recipients of all batches over SMTP, never from a
//! request. Each round claims a few due recipients with one conditional UPDATE (a lease, so
//! of several instances each recipient has one sender; a stopped instance's lease runs out
//! and the recipient is taken again), sends them at the configured rate over one pooled
//! connection, and writes each outcome in one transaction: 已发送 with its 服务记录 (and for
//! 信息推送 its push-log row), a temporary failure retried later (back-off, at most
//! [`MAX_ATTEMPTS`] attempts), or 发送失败 with the reason and a 服务记录 未完成. The batch ends
//! 已发送 or 部分失败 when its last recipient does, and its sender is told.
use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

use chrono::Utc;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::entity::{attachment, email_batch, email_recipient as rec};
use super::settings::{Smtp, smtp};
use super::{BatchStatus, EmailKind, MAX_ATTEMPTS, SendStatus, TlsMode, fill};
use crate::error::{AppError, AppResult};
use crate::members::entity::{customer, info_push_log, service_record};
use crate::members::enums::{ServiceResult, SourceKind};
use crate::notify::NotificationKind;
use crate::notify::service::{Message as Notice, send as notify};

/// One message may take this long (connection, TLS, DATA).
const SEND_TIMEOUT: Duration = Duration::from_secs(30);
/// Messages in flight at once (lettre's pool keeps up to 10 connections).
const PARALLEL: usize = 10;
/// A claimed recipient stays held this much longer than its turn needs.
const LEASE_MARGIN: Duration = Duration::from_secs(15);

/// Holds claimed recipient `r` for `d` from now, just before it is sent; `false` if it is no
/// longer this claim's (its lease ran out and another sender took it: a new attempt number).
async fn hold(db: &DatabaseConnection, r: &rec::Model, d: Duration) -> AppResult<bool> {
    let until = Utc::now() + chrono::Duration::from_std(d).map_err(AppError::internal)?;
    let held = rec::Entity::update_many()
        .col_expr(rec::Column::LeaseUntil, Expr::value(until))
        .filter(rec::Column::Id.eq(r.id))
        .filter(rec::Column::Attempts.eq(r.attempts))
        .filter(rec::Column::Status.eq(SendStatus::Pending.code()))
        .exec(db)
        .await?;
    Ok(held.rows_affected == 1)
}

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// A temporary failure (4xx, no connection, timeout): tried again later.
    Retry(String),
    /// A permanent failure (5xx, an address that cannot be used).
    Failed(String),
}

/// A batch's message parts shared by its recipients.
struct BatchParts {
    batch: email_batch::Model,
    sender_name: String,
    files: Vec<(String, String, Vec<u8>)>,
}

pub struct Sender {
    db: DatabaseConnection,
    /// The wait after the first and the second failed attempt.
    pub backoff: [Duration; 2],
    /// The most recipients claimed in one round.
    pub claim: u64,
    /// The rate, when set here, instead of the setting's (benchmarks).
    pub rate_override: Option<u32>,
    transport: Option<(Smtp, AsyncSmtpTransport<Tokio1Executor>)>,
    next_slot: Instant,
    batches: HashMap<i64, std::sync::Arc<BatchParts>>,
}

impl Sender {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            backoff: [Duration::from_secs(60), Duration::from_secs(300)],
            claim: 50,
            rate_override: None,
            transport: None,
            next_slot: Instant::now(),
            batches: HashMap::new(),
        }
    }

    /// One round: claims due recipients and sends them. Answers how many were handled; 0 when
    /// none is due or no SMTP server is set (the recipients wait as 待发送).
    pub async fn round(&mut self) -> AppResult<usize> {
        let Some(server) = smtp(&self.db).await? else { return Ok(0) };
        let rate = match self.rate_override {
            Some(r) => r,
            None => super::settings::limits(&self.db).await?.rate_per_minute,
        };
        let rate = Ord::max(rate, 1);
        let interval = Duration::from_secs_f64(60.0 / f64::from(rate));
        let n = Ord::max(Ord::min(self.claim, u64::from(rate)), 1);
        // Held long enough to reach the last one at the rate; each is held again for its own
        // send just before it (so a slow server never outlasts the lease, and a stopped
        // sender's recipients are free again soon).
        let lease = interval * n as u32 + LEASE_MARGIN;
        let claimed = claim(&self.db, n, lease).await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let transport = self.transport(&server)?;
        // Each recipient's turn at the rate, from the end of the last round's.
        let start = Instant::now().max(self.next_slot);
        let mut turns = vec![];
        for (i, r) in claimed.into_iter().enumerate() {
            let parts = self.parts(r.batch_id).await?;
            turns.push((start + interval * i as u32, r, parts));
        }
        let count = turns.len();
        self.next_slot = start + interval * count as u32;
        // Up to PARALLEL messages in flight, each on a pooled connection of its own: one SMTP
        // conversation waits on the network most of its time.
        let (db, backoff) = (self.db.clone(), self.backoff);
        let outcomes: Vec<AppResult<()>> = futures_util::stream::iter(turns)
            .map(|(turn, r, parts)| {
                let (db, server, transport) = (db.clone(), server.clone(), transport.clone());
                async move {
                    tokio::time::sleep_until(tokio::time::Instant::from_std(turn)).await;
                    if !hold(&db, &r, SEND_TIMEOUT + LEASE_MARGIN).await? {
                        return Ok(());
                    }
                    let outcome = match compose(&db, &server, &parts, &r).await {
                        Ok(message) => deliver(&transport, message).await,
                        Err(o) => o,
                    };
                    finish(&db, &r, &parts.batch, outcome, backoff).await
                }
            })
            .buffer_unordered(PARALLEL)
            .collect()
            .await;
        if self.batches.len() > 16 {
            self.batches.clear();
        }
        outcomes.into_iter().collect::<AppResult<Vec<()>>>()?;
        Ok(count)
    }

    /// The pooled transport for `server` (made again when the settings change).
    fn transport(&mut self, server: &Smtp) -> AppResult<AsyncSmtpTransport<Tokio1Executor>> {
        if let Some((s, t)) = &self.transport
            && s == server
        {
            return Ok(t.clone());
        }
        let builder = match server.tls {
            TlsMode::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&server.host).map_err(AppError::internal)?,
            TlsMode::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&server.host).map_err(AppError::internal)?
            }
            TlsMode::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&server.host),
        };
        let mut builder = builder.port(server.port).timeout(Some(SEND_TIMEOUT / 2));
        if !server.user.is_empty() {
            builder =
                builder.credentials(Credentials::new(server.user.clone(), server.password.clone().unwrap_or_default()));
        }
        let t = builder.build();
        self.transport = Some((server.clone(), t.clone()));
        Ok(t)
    }

    async fn parts(&mut self, batch: i64) -> AppResult<std::sync::Arc<BatchParts>> {
        if let Some(p) = self.batches.get(&batch) {
            return Ok(p.clone());
        }
        let b = email_batch::Entity::find_by_id(batch).one(&self.db).await?.ok_or(AppError::NotFound)?;
        let sender_name =
            crate::db::account_names(&self.db, vec![b.sender_id]).await?.remove(&b.sender_id).unwrap_or_default();
        let mut files = vec![];
        for a in attachment::Entity::find()
            .filter(attachment::Column::OwnerType.eq(super::attachments::AttachmentOwner::EmailBatch.code()))
            .filter(attachment::Column::OwnerId.eq(batch))
            .all(&self.db)
            .await?
        {
            let bytes = tokio::fs::read(super::attachments::attachments_dir().join(&a.storage_key))
                .await
                .map_err(|e| AppError::internal(format!("attachment {}: {e}", a.id)))?;
            files.push((a.file_name, a.mime_type, bytes));
        }
        let p = std::sync::Arc::new(BatchParts { batch: b, sender_name, files });
        self.batches.insert(batch, p.clone());
        Ok(p)
    }
}

/// Claims up to `n` due recipients for `lease`: one conditional UPDATE … RETURNING (on
/// PostgreSQL the candidates are picked `FOR UPDATE SKIP LOCKED`), so two senders never hold
/// the same recipient. Each claim counts as an attempt.
async fn claim(db: &DatabaseConnection, n: u64, lease: Duration) -> AppResult<Vec<rec::Model>> {
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(lease).map_err(AppError::internal)?;
    let due = || {
        Expr::col(rec::Column::Status)
            .eq(SendStatus::Pending.code())
            .and(Expr::col(rec::Column::NextAttemptAt).is_null().or(Expr::col(rec::Column::NextAttemptAt).lte(now)))
            .and(Expr::col(rec::Column::LeaseUntil).is_null().or(Expr::col(rec::Column::LeaseUntil).lt(now)))
    };
    let mut pick = Query::select();
    pick.column(rec::Column::Id)
        .from(Alias::new("email_recipient"))
        .and_where(due())
        .order_by(rec::Column::Id, sea_orm::Order::Asc)
        .limit(n)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    let mut q = Query::update();
    q.table(Alias::new("email_recipient"))
        .value(rec::Column::LeaseUntil, until)
        .value(rec::Column::Attempts, Expr::col(rec::Column::Attempts).add(1))
        .and_where(Expr::col(rec::Column::Id).in_subquery(pick))
        // Checked again on the row itself: a recipient another sender took meanwhile is left.
        .and_where(due())
        .returning_all();
    let stmt = db.get_database_backend().build(&q);
    let mut rows = rec::Entity::find().from_raw_sql(stmt).all(db).await?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// The recipient's message: placeholders filled with the member's values, HTML with a plain
/// alternative, the batch's attachments, the Message-ID the recipient row holds.
async fn compose(
    db: &DatabaseConnection,
    server: &Smtp,
    parts: &BatchParts,
    r: &rec::Model,
) -> Result<Message, Outcome> {
    let temporary = |e: AppError| Outcome::Retry(e.message(crate::i18n::Locale::Zh));
    let b = &parts.batch;
    let member = customer::Entity::find_by_id(r.customer_id).one(db).await.map_err(|e| temporary(e.into()))?;
    let Some(member) = member else { return Err(Outcome::Failed("会员已不存在".into())) };
    let v = super::compose::member_values(db, &member, &parts.sender_name).await.map_err(temporary)?;
    let to: Mailbox = r.email.parse().map_err(|_| Outcome::Failed(format!("收件地址无效:{}", r.email)))?;
    let from = server
        .from_address
        .parse()
        .map(|a| Mailbox::new((!server.from_name.is_empty()).then(|| server.from_name.clone()), a))
        .map_err(|_| Outcome::Retry("发件人地址无效,请检查系统参数".into()))?;
    let html = fill(&b.body_html, &v, true);
    let body = MultiPart::alternative_plain_html(super::rich_text::plain_text(&html), html);
    let body = if parts.files.is_empty() {
        body
    } else {
        let mut mixed = MultiPart::mixed().multipart(body);
        for (name, mime, bytes) in &parts.files {
            let ct = ContentType::parse(mime).unwrap_or(ContentType::parse("application/octet-stream").expect("valid"));
            mixed = mixed.singlepart(Attachment::new(name.clone()).body(bytes.clone(), ct));
        }
        mixed
    };
    Message::builder()
        .from(from)
        .to(to)
        .subject(fill(&b.subject, &v, false).replace(['\r', '\n'], " "))
        .message_id(r.message_id.clone())
        .date_now()
        .multipart(body)
        .map_err(|e| Outcome::Failed(format!("邮件无法生成:{e}")))
}

/// Sends one message: 2xx sent, 5xx failed for good, anything else tried again.
pub async fn deliver(transport: &AsyncSmtpTransport<Tokio1Executor>, m: Message) -> Outcome {
    match tokio::time::timeout(SEND_TIMEOUT, transport.send(m)).await {
        Ok(Ok(_)) => Outcome::Sent,
        Ok(Err(e)) if e.is_permanent() => Outcome::Failed(short(&format!("邮件服务器拒收:{e}"))),
        Ok(Err(e)) => Outcome::Retry(short(&format!("暂时无法发送:{e}"))),
        Err(_) => Outcome::Retry("发送超时".into()),
    }
}

fn short(s: &str) -> String {
    s.chars().take(480).collect()
}

/// Writes what became of recipient `r` (claimed, so it is still 待发送 and ours).
pub async fn finish(
    db: &DatabaseConnection,
    r: &rec::Model,
    batch: &email_batch::Model,
    outcome: Outcome,
    backoff: [Duration; 2],
) -> AppResult<()> {
    let now = Utc::now();
    let (status, error) = match outcome {
        Outcome::Retry(msg) if r.attempts < MAX_ATTEMPTS => {
            let wait = backoff[usize::try_from(r.attempts - 1).unwrap_or(0).min(1)];
            rec::Entity::update_many()
                .col_expr(rec::Column::LeaseUntil, Expr::value(Option::<chrono::DateTime<Utc>>::None))
                .col_expr(
                    rec::Column::NextAttemptAt,
                    Expr::value(now + chrono::Duration::from_std(wait).unwrap_or_default()),
                )
                .col_expr(rec::Column::ErrorMessage, Expr::value(msg))
                .filter(rec::Column::Id.eq(r.id))
                .filter(rec::Column::Attempts.eq(r.attempts))
                .filter(rec::Column::Status.eq(SendStatus::Pending.code()))
                .exec(db)
                .await?;
            return Ok(());
        }
        Outcome::Retry(msg) => (SendStatus::Failed, Some(format!("{msg}(已重试 {MAX_ATTEMPTS} 次)"))),
        Outcome::Failed(msg) => (SendStatus::Failed, Some(msg)),
        Outcome::Sent => (SendStatus::Sent, None),
    };
    let sent = status == SendStatus::Sent;
    let txn = crate::db::write_txn(db).await?;
    let marked = rec::Entity::update_many()
        .col_expr(rec::Column::Status, Expr::value(status.code()))
        .col_expr(rec::Column::SentAt, Expr::value(sent.then_some(now)))
        .col_expr(rec::Column::LeaseUntil, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .col_expr(rec::Column::ErrorMessage, Expr::value(error.map(|e| short(&e))))
        .filter(rec::Column::Id.eq(r.id))
        .filter(rec::Column::Status.eq(SendStatus::Pending.code()))
        .exec(&txn)
        .await?;
    if marked.rows_affected != 1 {
        // Written by another sender whose lease ran out under it: its outcome stands.
        return Ok(());
    }
    let member = customer::Entity::find_by_id(r.customer_id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let result = ServiceResult::of(sent).code();
    let record = match r.service_record_id {
        // 重发失败邮件: the recipient's record now says how it ended.
        Some(id) => {
            service_record::Entity::update_many()
                .col_expr(service_record::Column::ServiceResult, Expr::value(result))
                .col_expr(service_record::Column::ServiceAt, Expr::value(now))
                .col_expr(service_record::Column::UpdatedAt, Expr::value(now))
                .filter(service_record::Column::Id.eq(id))
                .exec(&txn)
                .await?;
            id
        }
        None => {
            service_record::ActiveModel {
                source_kind: Set(SourceKind::Email.code().into()),
                source_id: Set(r.id),
                service_type: Set("email".into()),
                service_mode: Set(batch.service_mode.clone()),
                service_dept: Set(batch.service_dept.clone()),
                organization_id: Set(batch.organization_id),
                agent_id: Set(batch.sender_id),
                service_at: Set(now),
                service_result: Set(result.into()),
                summary: Set(Some(format!("{}:{}", kind_label(batch), batch.subject).chars().take(500).collect())),
                ..crate::members::service::new_record(&member, now)
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    let push = if sent && batch.email_kind == EmailKind::InfoPush.code() && r.push_log_id.is_none() {
        let log = info_push_log::ActiveModel {
            source: Set("crm".into()),
            email_recipient_id: Set(Some(r.id)),
            customer_id: Set(r.customer_id),
            recipient_email: Set(r.email.clone()),
            sent_at: Set(now),
            info_title: Set(Some(batch.subject.chars().take(300).collect())),
            push_status: Set(Some("sent".into())),
            synced_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        Some(log.id)
    } else {
        r.push_log_id
    };
    rec::Entity::update_many()
        .col_expr(rec::Column::ServiceRecordId, Expr::value(record))
        .col_expr(rec::Column::PushLogId, Expr::value(push))
        .filter(rec::Column::Id.eq(r.id))
        .exec(&txn)
        .await?;
    crate::members::service::served_at(&txn, r.customer_id, now).await?;
    let counter = if sent { email_batch::Column::SentCount } else { email_batch::Column::FailedCount };
    email_batch::Entity::update_many()
        .col_expr(counter, Expr::col(counter).add(1))
        .col_expr(email_batch::Column::UpdatedAt, Expr::value(now))
        .filter(email_batch::Column::Id.eq(batch.id))
        .exec(&txn)
        .await?;
    close_if_done(&txn, batch.id, now).await?;
    txn.commit().await?;
    Ok(())
}

fn kind_label(b: &email_batch::Model) -> &'static str {
    EmailKind::parse(&b.email_kind).map(|k| k.zh()).unwrap_or("邮件")
}

/// Ends the batch once every recipient has an outcome (one conditional UPDATE: whichever
/// sender writes the last outcome closes it, once) and tells its sender.
pub async fn close_if_done(db: &impl ConnectionTrait, batch: i64, now: chrono::DateTime<Utc>) -> AppResult<()> {
    let b = email_batch::Entity::find_by_id(batch).one(db).await?.ok_or(AppError::NotFound)?;
    if b.status != BatchStatus::Sending.code() || b.sent_count + b.failed_count < b.recipient_count {
        return Ok(());
    }
    let status = if b.failed_count > 0 { BatchStatus::PartiallyFailed } else { BatchStatus::Sent };
    let closed = email_batch::Entity::update_many()
        .col_expr(email_batch::Column::Status, Expr::value(status.code()))
        .col_expr(email_batch::Column::FinishedAt, Expr::value(now))
        .filter(email_batch::Column::Id.eq(batch))
        .filter(email_batch::Column::Status.eq(BatchStatus::Sending.code()))
        .exec(db)
        .await?;
    if closed.rows_affected == 1 {
        let link = format!("/emails/batches/{batch}");
        let body = if b.failed_count > 0 {
            format!("成功 {} 封,失败 {} 封,可在批次详情中重发失败邮件", b.sent_count, b.failed_count)
        } else {
            format!("已全部发送({} 封)", b.sent_count)
        };
        let msg = Notice {
            kind: NotificationKind::EmailBatchDone,
            title: format!("邮件批次 {} {}", b.batch_no, status.zh()),
            body,
            link: &link,
        };
        notify(db, &[b.sender_id], None, &msg).await?;
    }
    Ok(())
}

/// The sender of this process: a round whenever there is work, a pause of a second when not.
pub fn spawn(db: DatabaseConnection) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut sender = Sender::new(db);
        loop {
            match sender.round().await {
                Ok(0) => tokio::time::sleep(Duration::from_secs(1)).await,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!("e-mail sender: {e}");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            }
        }
    })
}
