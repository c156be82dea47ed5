//! PG-36 履约跟踪 on the server: a member's years with their items, and what CS does to an item
//! (服务完成, 撤销完成, 保存数量) or adds (精准匹配 records, PG-42) — each in one transaction
//! that also writes the 履约操作记录, recomputes the year's progress and the customer's cache,
//! and the operation log. An item carries a version: two agents acting on the same item at
//! once, the second is told to refresh instead of overwriting.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use super::entity::{fulfilment_event, member_fulfilment, member_fulfilment_item, precise_match};
use super::periods::{self, Member};
use super::track::{EventView, ItemAction, ItemActionKind, ItemView, Tracking, YearSummary, YearView};
use super::{ClosedReason, EventAction, FulfilmentStatus, ItemKind, ItemStatus, Pct};
use crate::auth::Perm;
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::db::people_and_orgs;
use crate::error::{AppError, AppResult};
use crate::members::entity::customer;
use crate::members::service::visible_customer;

/// How many 履约操作记录 the page lists.
const EVENTS_SHOWN: u64 = 100;

pub(super) fn summary(y: &member_fulfilment::Model) -> YearSummary {
    YearSummary {
        id: y.id,
        start: y.period_start,
        end: y.period_end,
        level: y.member_level.clone(),
        is_current: y.is_current,
        progress: Pct(i64::from(y.progress_bp)),
        status: FulfilmentStatus::parse(&y.status).unwrap_or(FulfilmentStatus::NotStarted),
        closed_reason: y.closed_reason.as_deref().and_then(ClosedReason::parse),
    }
}

/// The instants a year spans (China time days `start ..= end`).
fn span(y: &member_fulfilment::Model) -> (DateTime<Utc>, DateTime<Utc>) {
    let next = y.period_end.succ_opt().unwrap_or(y.period_end);
    (crate::cst::day_start(y.period_start), crate::cst::day_start(next))
}

/// The push e-mails member `customer` received in the year (CM logs and CRM 信息推送 e-mails;
/// failed sends left out).
pub async fn pushes_in(db: &impl ConnectionTrait, customer: i64, y: &member_fulfilment::Model) -> AppResult<u64> {
    use crate::members::entity::info_push_log as log;
    let (from, to) = span(y);
    Ok(log::Entity::find()
        .filter(log::Column::CustomerId.eq(customer))
        .filter(log::Column::SentAt.gte(from))
        .filter(log::Column::SentAt.lt(to))
        .filter(
            sea_orm::Condition::any().add(log::Column::PushStatus.is_null()).add(log::Column::PushStatus.ne("failed")),
        )
        .count(db)
        .await?)
}

/// The 精准匹配 records of the year.
pub(super) async fn matches_in(db: &impl ConnectionTrait, year: i64) -> AppResult<u64> {
    Ok(precise_match::Entity::find().filter(precise_match::Column::MemberFulfilmentId.eq(year)).count(db).await?)
}

/// When an e-mail of `kind` last reached the member in the year.
async fn mail_sent_in(
    db: &impl ConnectionTrait,
    customer: i64,
    kind: &str,
    y: &member_fulfilment::Model,
) -> AppResult<Option<DateTime<Utc>>> {
    use crate::emails::entity::{email_batch, email_recipient};
    let (from, to) = span(y);
    let batches = email_batch::Entity::find()
        .select_only()
        .column(email_batch::Column::Id)
        .filter(email_batch::Column::EmailKind.eq(kind));
    Ok(email_recipient::Entity::find()
        .select_only()
        .column_as(email_recipient::Column::SentAt.max(), "at")
        .filter(email_recipient::Column::CustomerId.eq(customer))
        .filter(email_recipient::Column::Status.eq(crate::emails::SendStatus::Sent.code()))
        .filter(email_recipient::Column::SentAt.gte(from))
        .filter(email_recipient::Column::SentAt.lt(to))
        .filter(email_recipient::Column::BatchId.in_subquery(sea_orm::QueryTrait::into_query(batches)))
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await?
        .flatten())
}

/// Whether the member's year must be settled before it is shown (see `periods::reconcile`).
fn unsettled(m: &Member, current: Option<&member_fulfilment::Model>, today: NaiveDate) -> bool {
    let serving = m.level.is_some_and(|l| l.is_paid()) && m.start.is_some() && m.end.is_some();
    match current {
        None => serving && m.start.is_some_and(|s| s <= today),
        Some(p) => {
            !serving
                || m.level.map(|l| l.code()) != Some(p.member_level.as_str())
                || p.org_id != m.org
                || (today > p.period_end && m.end.is_some_and(|e| e > p.period_end))
        }
    }
}

/// PG-36 of member `id` (year `year`, or the current one): the year is settled first when it
/// no longer matches the member (first access, a level change or a renewal not yet seen by
/// the nightly job).
pub async fn tracking(db: &DatabaseConnection, user: &CurrentUser, id: i64, year: Option<i64>) -> AppResult<Tracking> {
    let c = visible_customer(db, user, id).await?;
    let m = Member::of(&c);
    let today = crate::cst::today();
    let current = periods::current(db, id).await?;
    let c = if unsettled(&m, current.as_ref(), today) {
        periods::reconcile_customer(db, id, today, Some(user.account.id)).await?;
        visible_customer(db, user, id).await?
    } else {
        c
    };
    let years = member_fulfilment::Entity::find()
        .filter(member_fulfilment::Column::CustomerId.eq(id))
        .order_by_desc(member_fulfilment::Column::PeriodStart)
        .all(db)
        .await?;
    let shown = match year {
        Some(y) => Some(years.iter().find(|p| p.id == y).ok_or(AppError::NotFound)?),
        None => years.iter().find(|p| p.is_current).or(years.first()),
    };
    let year = match shown {
        Some(y) => Some(year_view(db, &c, y).await?),
        None => None,
    };
    let (_, orgs) = people_and_orgs(db, vec![], vec![c.organization_id]).await?;
    let reviewer = crate::auth::RoleCode::is_reviewer(user.role_code());
    Ok(Tracking {
        customer_id: c.id,
        company_name: c.company_name.clone().unwrap_or_default(),
        login_name: c.login_name.clone().unwrap_or_default(),
        member_level: c.member_level.clone().unwrap_or_default(),
        org_name: orgs.get(&c.organization_id).cloned().unwrap_or_default(),
        service_start: c.service_start_date,
        service_end: c.service_end_date,
        years: years.iter().map(summary).collect(),
        year,
        may_mark: user.has(Perm::FulfilmentMark),
        may_undo: user.has(Perm::FulfilmentUndo),
        may_correct: reviewer && user.has(Perm::FulfilmentMark),
        may_add_match: user.has(Perm::FulfilmentMark) || user.has(Perm::BizInfo),
        now: local_now(),
    })
}

async fn year_view(
    db: &impl ConnectionTrait,
    c: &customer::Model,
    y: &member_fulfilment::Model,
) -> AppResult<YearView> {
    let items = member_fulfilment_item::Entity::find()
        .filter(member_fulfilment_item::Column::MemberFulfilmentId.eq(y.id))
        .order_by_asc(member_fulfilment_item::Column::SortOrder)
        .order_by_asc(member_fulfilment_item::Column::Id)
        .all(db)
        .await?;
    let events = fulfilment_event::Entity::find()
        .filter(fulfilment_event::Column::MemberFulfilmentId.eq(y.id))
        .order_by_desc(fulfilment_event::Column::CreatedAt)
        .order_by_desc(fulfilment_event::Column::Id)
        .limit(EVENTS_SHOWN)
        .all(db)
        .await?;
    let records = precise_match::Entity::find()
        .filter(precise_match::Column::MemberFulfilmentId.eq(y.id))
        .order_by_asc(precise_match::Column::SeqNo)
        .all(db)
        .await?;
    let people: Vec<i64> = items
        .iter()
        .filter_map(|i| i.completed_by)
        .chain(events.iter().filter_map(|e| e.actor_id))
        .chain(records.iter().map(|r| r.provided_by))
        .collect();
    let (names, _) = people_and_orgs(db, people, vec![]).await?;
    let name = |id: Option<i64>| id.and_then(|i| names.get(&i).cloned()).unwrap_or_else(|| "系统".into());
    let mut views = vec![];
    for i in &items {
        let kind = ItemKind::parse(&i.item_kind).unwrap_or(ItemKind::Simple);
        let pushed = if kind == ItemKind::PushCount { Some(pushes_in(db, c.id, y).await?) } else { None };
        let matches = if kind == ItemKind::Counted { Some(records.len() as u64) } else { None };
        let mail_sent_at = match &i.linked_email_kind {
            Some(k) => mail_sent_in(db, c.id, k, y).await?,
            None => None,
        };
        views.push(ItemView {
            id: i.id,
            name: i.name.clone(),
            weight: Pct(i64::from(i.weight_bp)),
            kind,
            target: i.target_quantity,
            quantity: i.quantity_done,
            status: ItemStatus::parse(&i.status).unwrap_or(ItemStatus::Pending),
            completed_at: i.completed_at,
            completed_by: i.completed_by.map(|a| name(Some(a))).unwrap_or_default(),
            remark: i.remark.clone().unwrap_or_default(),
            version: i.version,
            pushed,
            matches,
            mail_sent_at,
        });
    }
    Ok(YearView {
        summary: summary(y),
        items: views,
        events: events
            .into_iter()
            .map(|e| EventView {
                at: e.created_at,
                action: EventAction::parse(&e.action).unwrap_or(EventAction::Recompute),
                item: e.item_name,
                old: e.old_value.unwrap_or_default(),
                new: e.new_value.unwrap_or_default(),
                reason: e.reason.unwrap_or_default(),
                actor: name(e.actor_id),
            })
            .collect(),
        matches: records
            .into_iter()
            .map(|r| {
                let by = name(Some(r.provided_by));
                r.view(by)
            })
            .collect(),
    })
}

/// Now on the wall clock in China, as a `datetime-local` input holds it.
pub(super) fn local_now() -> String {
    crate::cst::local(&Utc::now()).format("%Y-%m-%dT%H:%M").to_string()
}

pub(super) fn stale() -> AppError {
    AppError::rejected("该项目已被他人修改,请刷新后再操作", "Someone else changed this item; refresh and retry")
}

/// Takes the year's row for this transaction (PostgreSQL: a row lock, so two changes of one
/// year's items recompute one after the other; SQLite writes one at a time anyway).
pub(super) async fn lock_year(db: &impl ConnectionTrait, year: i64) -> AppResult<()> {
    member_fulfilment::Entity::update_many()
        .col_expr(member_fulfilment::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(member_fulfilment::Column::Id.eq(year))
        .exec(db)
        .await?;
    Ok(())
}

/// 服务完成 / 撤销完成 / 保存数量 of one item; answers the member's page as it is now.
pub async fn act(db: &DatabaseConnection, user: &CurrentUser, a: ItemAction) -> AppResult<Tracking> {
    let kind = a.validate()?;
    let needed = if kind == ItemActionKind::Undo { Perm::FulfilmentUndo } else { Perm::FulfilmentMark };
    if !user.has(needed) {
        return Err(AppError::Forbidden);
    }
    let txn = crate::db::write_txn(db).await?;
    let item = member_fulfilment_item::Entity::find_by_id(a.item_id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let year =
        member_fulfilment::Entity::find_by_id(item.member_fulfilment_id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let c = visible_customer(&txn, user, year.customer_id).await?;
    let reviewer = crate::auth::RoleCode::is_reviewer(user.role_code());
    if !year.is_current && !reviewer {
        return Err(AppError::rejected(
            "历史服务年度只读,仅主管/经理可更正",
            "Earlier service years are read-only except for supervisors and managers",
        ));
    }
    lock_year(&txn, year.id).await?;
    let item_kind = ItemKind::parse(&item.item_kind).unwrap_or(ItemKind::Simple);
    let done = ItemStatus::parse(&item.status) == Some(ItemStatus::Done);
    let target = item.target_quantity.unwrap_or(0);
    let records = if item_kind == ItemKind::Counted { matches_in(&txn, year.id).await? as i32 } else { 0 };
    let now = Utc::now();
    let mut am = member_fulfilment_item::ActiveModel { version: Set(a.version + 1), ..Default::default() };
    let (event, old, new, reason) = match kind {
        ItemActionKind::MarkDone => {
            if done {
                return Err(AppError::rejected("该项目已完成", "This item is already done"));
            }
            let mut reason = None;
            if item_kind == ItemKind::PushCount {
                let pushed = pushes_in(&txn, c.id, &year).await?;
                if pushed < Ord::max(target, 0) as u64 {
                    if !reviewer {
                        return Err(AppError::rejected(
                            &format!("已推送 {pushed} 条,不足 {target} 条;仅主管/经理可填写原因后确认完成"),
                            &format!(
                                "{pushed} of {target} pushes sent; only a supervisor or manager may confirm with a reason"
                            ),
                        ));
                    }
                    if a.reason.trim().is_empty() {
                        return Err(AppError::field(
                            "reason",
                            "推送不足,请填写确认原因",
                            "Fewer pushes than required: give a reason",
                        ));
                    }
                    reason = Some(format!("推送 {pushed}/{target} 条:{}", a.reason.trim()));
                }
            }
            am.status = Set(ItemStatus::Done.code().into());
            am.completed_at = Set(Some(now));
            am.completed_by = Set(Some(user.account.id));
            am.remark = Set(crate::db::opt(&a.remark));
            if item_kind == ItemKind::Counted {
                am.quantity_done = Set(target);
            }
            (EventAction::MarkDone, ItemStatus::Pending.code(), ItemStatus::Done.code().to_string(), reason)
        }
        ItemActionKind::Undo => {
            if !done {
                return Err(AppError::rejected("该项目尚未完成,无需撤销", "This item is not done"));
            }
            am.status = Set(ItemStatus::Pending.code().into());
            am.completed_at = Set(None);
            am.completed_by = Set(None);
            if item_kind == ItemKind::Counted {
                am.quantity_done = Set(Ord::max(Ord::max(records, Ord::min(item.quantity_done, target - 1)), 0));
            }
            (
                EventAction::UndoDone,
                ItemStatus::Done.code(),
                ItemStatus::Pending.code().to_string(),
                Some(a.reason.trim().to_string()),
            )
        }
        ItemActionKind::SetQuantity => {
            let q = a.quantity.unwrap_or(0);
            if item_kind != ItemKind::Counted {
                return Err(AppError::rejected("只有计数项目可以保存数量", "Only counted items have a quantity"));
            }
            if done {
                return Err(AppError::rejected("项目已完成,请先撤销完成", "The item is done; undo it first"));
            }
            if q > target - 1 {
                return Err(AppError::field(
                    "quantity",
                    &format!("保存数量最多 {};满 {target} 条请点击服务完成", target - 1),
                    &format!("At most {}; mark it done at {target}", target - 1),
                ));
            }
            if q < records {
                return Err(AppError::field(
                    "quantity",
                    &format!("已有 {records} 条精准匹配记录,数量不能少于记录数"),
                    &format!("{records} match records exist; the quantity cannot be lower"),
                ));
            }
            am.quantity_done = Set(q);
            (EventAction::SetQuantity, "", q.to_string(), None)
        }
    };
    let old = if kind == ItemActionKind::SetQuantity { item.quantity_done.to_string() } else { old.to_string() };
    let changed = member_fulfilment_item::Entity::update_many()
        .set(am)
        .filter(member_fulfilment_item::Column::Id.eq(item.id))
        .filter(member_fulfilment_item::Column::Version.eq(a.version))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(stale());
    }
    periods::event(
        &txn,
        year.id,
        Some(item.id),
        &item.name,
        event,
        Some(old.clone()),
        Some(new.clone()),
        reason.clone(),
        Some(user.account.id),
    )
    .await?;
    let (pct, status) = periods::recompute(&txn, &year).await?;
    audit::record(
        &txn,
        user,
        Entry::new(needed.code(), event.code(), "member_fulfilment_item").target(item.id, &item.name).detail(json!({
            "customer_id": c.id, "year": year.id, "old": old, "new": new, "reason": reason,
            "progress": pct.text(), "status": status.code(),
        })),
    )
    .await?;
    txn.commit().await?;
    tracking(db, user, c.id, Some(year.id)).await
}
