//! PG-26 on the server: the members a batch would reach (inside the user's organisation
//! scope: the recipients are always worked out here from the filters, never taken from the
//! page), the preview for the first of them, drafts, and 发送 — one transaction writes the
//! batch and a queued row per recipient for the sender.

use chrono::Utc;
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use serde_json::json;

use super::entity::{attachment, email_batch, email_recipient};
use super::{
    BatchSaved, BatchStatus, ComposeInput, Draft, EmailKind, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MemberValues,
    Preview, RecipientPage, RecipientRow, Recipients, SendStatus, fill,
};
use crate::auth::Perm;
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::members::enums::{LEVELS, label};
use crate::members::query::{TextMatch, join_names, matching_customers};
use crate::requests::AcceptingDept;
use crate::ui::Page;

/// Counts stop here (the page says "N+").
const COUNT_CAP: u64 = 100_000;
/// 主管/经理 may send batches up to this many.
const REVIEWER_BATCH_MAX: u64 = 100_000;
fn c(col: &str) -> Expr {
    Expr::col((Alias::new("c"), Alias::new(col)))
}

fn has_email() -> Expr {
    c("registered_email").is_not_null().and(c("registered_email").ne(""))
}

/// The members a send reaches: matching, with an address, pushes on (信息推送, unless
/// included), not unticked.
fn reached(db: &impl ConnectionTrait, user: &CurrentUser, r: &Recipients, kind: Option<EmailKind>) -> SelectStatement {
    let mut q = matching_customers(db.get_database_backend(), &r.filter, &user.scope, &TextMatch::Index);
    q.and_where(has_email());
    if kind == Some(EmailKind::InfoPush) && !r.include_unpushed {
        q.and_where(c("push_enabled").eq(true));
    }
    if !r.excluded.is_empty() {
        q.and_where(c("id").is_not_in(r.excluded.iter().copied().take(10_000)));
    }
    if let Some(only) = &r.only {
        q.and_where(c("id").is_in(only.iter().copied().take(super::MAX_TICKED)));
    }
    q
}

/// Ticked members the send would not reach (another office's, without an address, pushes
/// off, not matching): the send is refused rather than quietly smaller.
fn check_ticked(r: &Recipients, reached: usize) -> AppResult<()> {
    let Some(mut ticked) = r.only.clone() else { return Ok(()) };
    ticked.sort_unstable();
    ticked.dedup();
    ticked.retain(|id| !r.excluded.contains(id));
    if ticked.len() > super::MAX_TICKED {
        return Err(AppError::rejected("勾选的会员过多(最多 5000 家)", "Too many members ticked (5,000 at most)"));
    }
    if ticked.is_empty() {
        return Err(AppError::rejected("请勾选要发送的会员", "Tick the members to send to"));
    }
    if reached < ticked.len() {
        let n = ticked.len() - reached;
        return Err(AppError::rejected(
            &format!("勾选的会员中有 {n} 家不可发送(无邮箱、未设置推送、不符合条件或不在您的管辖范围)"),
            &format!(
                "{n} ticked members cannot be sent to (no address, pushes off, not matching, or outside your scope)"
            ),
        ));
    }
    Ok(())
}

async fn count_capped(db: &impl ConnectionTrait, mut q: SelectStatement, cap: u64) -> AppResult<u64> {
    q.expr(Expr::val(1)).limit(cap);
    let mut outer = Query::select();
    outer.expr_as(Expr::col(Asterisk).count(), Alias::new("n")).from_subquery(q, Alias::new("t"));
    crate::members::query::count(db, &outer).await
}

/// The most one batch may hold for `user`.
async fn batch_max(db: &impl ConnectionTrait, user: &CurrentUser) -> AppResult<u64> {
    let max = super::settings::limits(db).await?.batch_max;
    Ok(if crate::auth::RoleCode::is_reviewer(user.role_code()) { Ord::max(max, REVIEWER_BATCH_MAX) } else { max })
}

/// PG-26's list: a page of matching members with their address and pushes, and the counts.
pub async fn recipients_page(
    db: &DatabaseConnection,
    user: &CurrentUser,
    r: &Recipients,
    kind: &str,
) -> AppResult<RecipientPage> {
    crate::members::query::checked(&r.filter)?;
    let backend = db.get_database_backend();
    let kind = EmailKind::parse(kind);
    let (page_no, per_page) = (crate::ui::page_number(r.filter.page), crate::ui::per_page(r.filter.per_page));
    let all = matching_customers(backend, &r.filter, &user.scope, &TextMatch::Index);
    let matching_n = count_capped(db, all.clone(), COUNT_CAP).await?;
    let mut no_email = all.clone();
    no_email.and_where(has_email().not());
    let without_email = count_capped(db, no_email, COUNT_CAP).await?;
    let mut off = all.clone();
    off.and_where(has_email()).and_where(c("push_enabled").eq(false));
    let unpushed = count_capped(db, off, COUNT_CAP).await?;
    let selected = count_capped(db, reached(db, user, r, kind), COUNT_CAP).await?;

    let mut rows = all;
    rows.column((Alias::new("c"), Alias::new("id")))
        .expr_as(c("company_name"), Alias::new("company_name"))
        .expr_as(c("login_name"), Alias::new("login_name"))
        .expr_as(c("registered_email"), Alias::new("email"))
        .expr_as(c("member_level"), Alias::new("member_level"))
        .expr_as(c("service_start_date"), Alias::new("service_start"))
        .expr_as(c("service_end_date"), Alias::new("service_end"))
        .expr_as(c("push_enabled"), Alias::new("push_enabled"))
        .order_by_expr(c("id"), Order::Asc)
        .limit(per_page)
        .offset((page_no - 1) * per_page);
    join_names(&mut rows, "c", "industry_name");
    let today = crate::cst::today();
    let mut items = vec![];
    for row in db.query_all(&rows).await? {
        let id: i64 = row.try_get("", "id")?;
        let start: Option<chrono::NaiveDate> = row.try_get("", "service_start")?;
        let since = crate::members::service::service_year_start(start, today);
        items.push(RecipientRow {
            customer_id: id,
            company_name: row.try_get::<Option<String>>("", "company_name")?.unwrap_or_default(),
            login_name: row.try_get::<Option<String>>("", "login_name")?.unwrap_or_default(),
            email: row.try_get::<Option<String>>("", "email")?.filter(|e| !e.is_empty()),
            member_level: row.try_get::<Option<String>>("", "member_level")?.unwrap_or_default(),
            org_name: row.try_get::<Option<String>>("", "org_name")?.unwrap_or_default(),
            service_end: row.try_get("", "service_end")?,
            push_enabled: row.try_get("", "push_enabled")?,
            pushed: pushed_since(db, id, since).await?,
        });
    }
    Ok(RecipientPage {
        page: Page { items, total: matching_n, page: page_no, per_page, counted_to: None },
        matching: matching_n,
        without_email,
        unpushed,
        selected,
        batch_max: batch_max(db, user).await?,
    })
}

/// 本服务年度已推送: the member's push e-mails since `since` (failed ones left out).
async fn pushed_since(db: &impl ConnectionTrait, customer: i64, since: chrono::NaiveDate) -> AppResult<u64> {
    use crate::members::entity::info_push_log as p;
    use sea_orm::PaginatorTrait;
    Ok(p::Entity::find()
        .filter(p::Column::CustomerId.eq(customer))
        .filter(p::Column::SentAt.gte(crate::cst::day_start(since)))
        .filter(sea_orm::Condition::any().add(p::Column::PushStatus.is_null()).add(p::Column::PushStatus.ne("failed")))
        .count(db)
        .await?)
}

/// The placeholder values of `customer` for a batch sent by `sender_name`.
pub async fn member_values(
    db: &impl ConnectionTrait,
    customer: &crate::members::entity::customer::Model,
    sender_name: &str,
) -> AppResult<MemberValues> {
    let (mut people, mut orgs) =
        crate::db::people_and_orgs(db, customer.owner_agent_id.into_iter().collect(), vec![customer.organization_id])
            .await?;
    let org = orgs.remove(&customer.organization_id).unwrap_or_default();
    let agent = customer.owner_agent_id.and_then(|a| people.remove(&a));
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    Ok(MemberValues {
        company: customer.company_name.clone().unwrap_or_default(),
        login: customer.login_name.clone().unwrap_or_default(),
        level: customer.member_level.as_deref().map(|l| label(LEVELS, l).0.to_string()).unwrap_or_default(),
        service_start: date(customer.service_start_date),
        service_end: date(customer.service_end_date),
        org,
        agent: agent.unwrap_or_else(|| sender_name.to_string()),
    })
}

/// The first `n` recipients (id, address) a send reaches, in id order.
async fn first_recipients(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    r: &Recipients,
    kind: Option<EmailKind>,
    n: u64,
) -> AppResult<Vec<(i64, String)>> {
    let mut q = reached(db, user, r, kind);
    q.column((Alias::new("c"), Alias::new("id")))
        .expr_as(c("registered_email"), Alias::new("email"))
        .order_by_expr(c("id"), Order::Asc)
        .limit(n);
    db.query_all(&q)
        .await?
        .iter()
        .map(|row| Ok((row.try_get::<i64>("", "id")?, row.try_get::<String>("", "email")?)))
        .collect()
}

/// 预览: the message as the first recipient would get it.
pub async fn preview(db: &DatabaseConnection, user: &CurrentUser, input: &ComposeInput) -> AppResult<Preview> {
    input.validate()?;
    let kind = EmailKind::parse(&input.kind);
    let first = first_recipients(db, user, &input.recipients, kind, 1).await?;
    let Some((id, to)) = first.into_iter().next() else {
        return Err(AppError::rejected("没有可发送的会员,请调整筛选条件", "No member to send to; change the filters"));
    };
    let m = crate::members::service::in_circulation(db, id).await?;
    let v = member_values(db, &m, &user.account.name).await?;
    Ok(Preview {
        to,
        company: v.company.clone(),
        subject: fill(input.subject.trim(), &v, false),
        body_html: fill(&super::templates::sanitize(&input.body_html), &v, true),
    })
}

/// The user's attachments among `ids` that are free or belong to `draft`; anything else is
/// refused (another user's file, another batch's).
async fn own_attachments(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    ids: &[i64],
    draft: Option<i64>,
) -> AppResult<Vec<attachment::Model>> {
    if ids.len() > MAX_ATTACHMENTS {
        return Err(AppError::field("attachments", "最多 5 个附件", "At most 5 attachments"));
    }
    let rows = attachment::Entity::find()
        .filter(attachment::Column::Id.is_in(ids.iter().copied()))
        .filter(attachment::Column::OwnerType.eq(super::attachments::AttachmentOwner::EmailBatch.code()))
        .filter(attachment::Column::UploadedBy.eq(user.account.id))
        .all(db)
        .await?;
    let usable = |a: &attachment::Model| a.owner_id.is_none() || (draft.is_some() && a.owner_id == draft);
    if rows.len() != ids.iter().collect::<std::collections::HashSet<_>>().len() || !rows.iter().all(usable) {
        return Err(AppError::field(
            "attachments",
            "附件不存在或已被使用,请重新上传",
            "An attachment is gone; upload it again",
        ));
    }
    if rows.iter().map(|a| Ord::max(a.size_bytes, 0) as u64).sum::<u64>() > MAX_ATTACHMENT_BYTES {
        return Err(AppError::field("attachments", "附件合计不能超过 10 MB", "Attachments may total 10 MB at most"));
    }
    Ok(rows)
}

/// The user's draft `id` (a draft is its author's).
async fn own_draft(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<email_batch::Model> {
    email_batch::Entity::find_by_id(id)
        .filter(email_batch::Column::SenderId.eq(user.account.id))
        .filter(email_batch::Column::Status.eq(BatchStatus::Draft.code()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// 存为草稿 (`send` false) or 发送: the batch, and for a send its queued recipients.
pub async fn save(
    db: &DatabaseConnection,
    user: &CurrentUser,
    input: ComposeInput,
    send: bool,
) -> AppResult<BatchSaved> {
    input.validate()?;
    crate::members::query::checked(&input.recipients.filter)?;
    let dept = AcceptingDept::of(user)?;
    let kind = EmailKind::parse(&input.kind);
    let max = batch_max(db, user).await?;
    let now = Utc::now();
    let recipients = if send {
        let list = first_recipients(db, user, &input.recipients, kind, max + 1).await?;
        check_ticked(&input.recipients, list.len())?;
        if list.is_empty() {
            return Err(AppError::rejected(
                "没有可发送的会员,请调整筛选条件",
                "No member to send to; change the filters",
            ));
        }
        if list.len() as u64 > max {
            return Err(AppError::rejected(
                &format!("一批最多发送 {max} 家会员,请缩小范围后分批发送"),
                &format!("A batch holds at most {max} members; narrow the filters and send in parts"),
            ));
        }
        list
    } else {
        vec![]
    };
    let selected = if send {
        recipients.len() as u64
    } else {
        count_capped(db, reached(db, user, &input.recipients, kind), COUNT_CAP).await?
    };
    let body = super::templates::sanitize(&input.body_html);
    let snapshot = serde_json::to_string(&input.recipients).map_err(AppError::internal)?;
    let status = if send { BatchStatus::Sending } else { BatchStatus::Draft };

    let txn = crate::db::write_txn(db).await?;
    let files = own_attachments(&txn, user, &input.attachment_ids, input.draft_id).await?;
    let mut am = email_batch::ActiveModel {
        email_kind: Set(input.kind.clone()),
        template_id: Set(input.template_id),
        subject: Set(input.subject.trim().into()),
        body_html: Set(body),
        filter_snapshot: Set(snapshot),
        service_mode: Set("proactive".into()),
        service_dept: Set(dept.code().into()),
        organization_id: Set(user.org.id),
        sender_id: Set(user.account.id),
        status: Set(status.code().into()),
        recipient_count: Set(i32::try_from(selected).unwrap_or(i32::MAX)),
        sent_count: Set(0),
        failed_count: Set(0),
        sent_at: Set(send.then_some(now)),
        updated_at: Set(now),
        ..Default::default()
    };
    let batch = match input.draft_id {
        Some(id) => {
            let draft = own_draft(&txn, user, id).await?;
            am.id = Set(draft.id);
            am.version = Set(draft.version + 1);
            // Still a draft at the write: of two clicks on 发送, one sends.
            let updated = email_batch::Entity::update_many()
                .set(am)
                .filter(email_batch::Column::Id.eq(draft.id))
                .filter(email_batch::Column::Version.eq(draft.version))
                .exec(&txn)
                .await?;
            if updated.rows_affected != 1 {
                return Err(crate::db::conflict(&txn, Some(user.account.id)).await);
            }
            email_batch::Entity::find_by_id(draft.id).one(&txn).await?.ok_or(AppError::NotFound)?
        }
        None => {
            let day = crate::cst::local(&now).format("%Y%m%d").to_string();
            let n = crate::db::next_in_sequence(&txn, "EM", &day).await?;
            am.batch_no = Set(format!("EM{day}{n:04}"));
            am.version = Set(1);
            am.created_at = Set(now);
            am.insert(&txn).await?
        }
    };
    let ids: Vec<i64> = files.iter().map(|f| f.id).collect();
    attachment::Entity::update_many()
        .col_expr(attachment::Column::OwnerId, Expr::value(batch.id))
        .filter(attachment::Column::Id.is_in(ids.clone()))
        .exec(&txn)
        .await?;
    // Files the draft no longer has are released (removed with the other orphans).
    attachment::Entity::update_many()
        .col_expr(attachment::Column::OwnerId, Expr::value(Option::<i64>::None))
        .filter(attachment::Column::OwnerType.eq(super::attachments::AttachmentOwner::EmailBatch.code()))
        .filter(attachment::Column::OwnerId.eq(batch.id))
        .filter(attachment::Column::Id.is_not_in(ids))
        .exec(&txn)
        .await?;
    if send {
        let domain = message_domain(db).await?;
        for chunk in recipients.chunks(500) {
            let rows = chunk.iter().map(|(customer, email)| email_recipient::ActiveModel {
                batch_id: Set(batch.id),
                customer_id: Set(*customer),
                email: Set(email.chars().take(100).collect()),
                status: Set(SendStatus::Pending.code().into()),
                attempts: Set(0),
                // Known before the first attempt: a resend after a crash carries the same id,
                // so the receiving server can tell it is the same message.
                message_id: Set(Some(format!("<{}.{customer}@{domain}>", batch.batch_no))),
                created_at: Set(now),
                ..Default::default()
            });
            email_recipient::Entity::insert_many(rows).exec_without_returning(&txn).await?;
        }
    }
    audit::record(
        &txn,
        user,
        Entry::new(Perm::IntakeMemberEmail.code(), if send { "send" } else { "draft" }, "email_batch")
            .target(batch.id, &batch.batch_no)
            .detail(json!({
                "kind": input.kind, "subject": input.subject, "recipients": selected,
                "filter": crate::ui::list::UrlFilter::to_query(&input.recipients.filter),
                "excluded": input.recipients.excluded.len(), "include_unpushed": input.recipients.include_unpushed,
                "attachments": files.len(),
            })),
    )
    .await?;
    txn.commit().await?;
    Ok(BatchSaved { id: batch.id, batch_no: batch.batch_no, status, recipient_count: selected })
}

/// The domain of Message-IDs: the sender address's, else the machine's name.
async fn message_domain(db: &impl ConnectionTrait) -> AppResult<String> {
    let from = super::settings::smtp(db).await.ok().flatten().map(|s| s.from_address).unwrap_or_default();
    Ok(from
        .rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "crm.local".into()))
}

/// A draft to continue composing.
pub async fn draft(db: &DatabaseConnection, user: &CurrentUser, id: i64) -> AppResult<Draft> {
    let b = own_draft(db, user, id).await?;
    let recipients: Recipients = serde_json::from_str(&b.filter_snapshot).unwrap_or_default();
    let files = super::attachments::attachments_of(db, b.id).await?;
    Ok(Draft {
        input: ComposeInput {
            draft_id: Some(b.id),
            kind: b.email_kind,
            template_id: b.template_id,
            subject: b.subject,
            body_html: b.body_html,
            recipients,
            attachment_ids: files.iter().map(|f| f.id).collect(),
        },
        attachments: files,
    })
}
