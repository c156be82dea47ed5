//! 服务年度 on the server (SPEC §6.5): opening each paid member's year with its level's items,
//! closing it when CM reports another level, the next one on a renewal, and the progress cache
//! on the year and the customer (§6.4) — recomputed in the transaction of every change.
//!
//! [`reconcile`] settles one member (the tracking page calls it on first access, and the
//! upkeep for each member whose year no longer matches); `demo::open_years` opens the years of
//! every paid member without one in bulk (the nightly job; the demo data with item states).
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::entity::{
    fulfilment_event, fulfilment_item_def, fulfilment_scheme, member_fulfilment, member_fulfilment_item,
};
use super::{ClosedReason, EventAction, FulfilmentStatus, ItemStatus, Pct, next_year, service_year};
use crate::error::{AppError, AppResult};
use crate::members::entity::customer;
use crate::members::enums::{CustomerType, MemberLevel};

use member_fulfilment::Column as F;

/// What a service year needs of its member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: i64,
    pub level: Option<MemberLevel>,
    pub org: i64,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl Member {
    pub fn of(c: &customer::Model) -> Self {
        let member = CustomerType::parse(&c.customer_type) == Some(CustomerType::Member)
            && c.deleted_at.is_none()
            && c.merged_into_id.is_none();
        Member {
            id: c.id,
            level: c.member_level.as_deref().and_then(MemberLevel::parse).filter(|_| member),
            org: c.organization_id,
            start: c.service_start_date,
            end: c.service_end_date,
        }
    }

    /// A paid level with both service dates: the member owes services.
    fn serving(&self) -> Option<(MemberLevel, NaiveDate, NaiveDate)> {
        match (self.level, self.start, self.end) {
            (Some(l), Some(s), Some(e)) if l.is_paid() && s <= e => Some((l, s, e)),
            _ => None,
        }
    }
}

/// The scheme a year starting on `day` takes its items from: the newest version in effect
/// that day (the first one before any).
pub async fn scheme_for(db: &impl ConnectionTrait, day: NaiveDate) -> AppResult<fulfilment_scheme::Model> {
    let in_effect = fulfilment_scheme::Entity::find()
        .filter(fulfilment_scheme::Column::EffectiveFrom.lte(day))
        .order_by_desc(fulfilment_scheme::Column::VersionNo)
        .one(db)
        .await?;
    match in_effect {
        Some(s) => Ok(s),
        None => fulfilment_scheme::Entity::find()
            .order_by_asc(fulfilment_scheme::Column::VersionNo)
            .one(db)
            .await?
            .ok_or_else(|| AppError::internal("no fulfilment scheme")),
    }
}

/// The items of `scheme` by level, in their order.
pub async fn items_by_level(
    db: &impl ConnectionTrait,
    scheme: i64,
) -> AppResult<HashMap<String, Vec<fulfilment_item_def::Model>>> {
    let mut by: HashMap<String, Vec<fulfilment_item_def::Model>> = HashMap::new();
    for d in fulfilment_item_def::Entity::find()
        .filter(fulfilment_item_def::Column::SchemeId.eq(scheme))
        .order_by_asc(fulfilment_item_def::Column::SortOrder)
        .order_by_asc(fulfilment_item_def::Column::Id)
        .all(db)
        .await?
    {
        by.entry(d.member_level.clone()).or_default().push(d);
    }
    Ok(by)
}

/// A new item of a year from its definition (未完成, nothing counted).
pub fn new_item(period: i64, d: &fulfilment_item_def::Model) -> member_fulfilment_item::ActiveModel {
    member_fulfilment_item::ActiveModel {
        member_fulfilment_id: Set(period),
        item_def_id: Set(d.id),
        name: Set(d.name.clone()),
        weight_bp: Set(d.weight_bp),
        item_kind: Set(d.item_kind.clone()),
        target_quantity: Set(d.target_quantity),
        linked_email_kind: Set(d.linked_email_kind.clone()),
        sort_order: Set(d.sort_order),
        quantity_done: Set(0),
        status: Set(ItemStatus::Pending.code().into()),
        version: Set(1),
        ..Default::default()
    }
}

/// Recomputes the progress and status of year `period` from its items (SPEC §6.4) and writes
/// them on the year and, for the current year, on the customer. Call it inside the
/// transaction that changed an item.
pub async fn recompute(
    db: &impl ConnectionTrait,
    period: &member_fulfilment::Model,
) -> AppResult<(Pct, FulfilmentStatus)> {
    let items = member_fulfilment_item::Entity::find()
        .filter(member_fulfilment_item::Column::MemberFulfilmentId.eq(period.id))
        .all(db)
        .await?;
    let states: Vec<_> = items.iter().map(|i| i.state()).collect();
    let (pct, status) = super::progress(&states).unwrap_or((Pct::ZERO, FulfilmentStatus::NotStarted));
    member_fulfilment::Entity::update_many()
        .col_expr(F::ProgressBp, Expr::value(pct.0 as i32))
        .col_expr(F::Status, Expr::value(status.code()))
        .col_expr(F::UpdatedAt, Expr::value(Utc::now()))
        .filter(F::Id.eq(period.id))
        .exec(db)
        .await?;
    if period.is_current {
        cache(db, period.customer_id, Some((pct, status))).await?;
    }
    Ok((pct, status))
}

/// The customer's cached 履约状态 and progress (`None`: no items owed).
async fn cache(db: &impl ConnectionTrait, customer: i64, v: Option<(Pct, FulfilmentStatus)>) -> AppResult<()> {
    customer::Entity::update_many()
        .col_expr(customer::Column::FulfilmentStatus, Expr::value(v.map(|v| v.1.code())))
        .col_expr(customer::Column::FulfilmentProgressBp, Expr::value(v.map(|v| v.0.0 as i32)))
        .filter(customer::Column::Id.eq(customer))
        .exec(db)
        .await?;
    Ok(())
}

/// The member's current year, if any.
pub async fn current(db: &impl ConnectionTrait, customer: i64) -> AppResult<Option<member_fulfilment::Model>> {
    Ok(member_fulfilment::Entity::find()
        .filter(F::CustomerId.eq(customer))
        .filter(F::IsCurrent.eq(true))
        .order_by_desc(F::PeriodStart)
        .one(db)
        .await?)
}

async fn close(
    db: &impl ConnectionTrait,
    p: &member_fulfilment::Model,
    reason: ClosedReason,
    end: NaiveDate,
) -> AppResult<()> {
    member_fulfilment::Entity::update_many()
        .col_expr(F::IsCurrent, Expr::value(false))
        .col_expr(F::ClosedReason, Expr::value(reason.code()))
        .col_expr(F::PeriodEnd, Expr::value(Ord::max(end, p.period_start)))
        .col_expr(F::UpdatedAt, Expr::value(Utc::now()))
        .filter(F::Id.eq(p.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Opens the year `from ..= to` of `m` at `level` with the items of the scheme in effect on
/// `from`. Two callers opening the same year at once: the second finds the first's (the year
/// is unique per member and start).
async fn open(
    db: &impl ConnectionTrait,
    m: &Member,
    level: MemberLevel,
    (from, to): (NaiveDate, NaiveDate),
    actor: Option<i64>,
) -> AppResult<member_fulfilment::Model> {
    let scheme = scheme_for(db, from).await?;
    let now = Utc::now();
    let row = member_fulfilment::ActiveModel {
        customer_id: Set(m.id),
        scheme_id: Set(scheme.id),
        member_level: Set(level.code().into()),
        org_id: Set(m.org),
        period_start: Set(from),
        period_end: Set(to),
        progress_bp: Set(0),
        status: Set(FulfilmentStatus::NotStarted.code().into()),
        is_current: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let inserted = member_fulfilment::Entity::insert(row)
        .on_conflict(OnConflict::columns([F::CustomerId, F::PeriodStart]).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    let year = member_fulfilment::Entity::find()
        .filter(F::CustomerId.eq(m.id))
        .filter(F::PeriodStart.eq(from))
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("service year vanished"))?;
    if inserted == 1 {
        let defs = items_by_level(db, scheme.id).await?.remove(level.code()).unwrap_or_default();
        if !defs.is_empty() {
            member_fulfilment_item::Entity::insert_many(defs.iter().map(|d| new_item(year.id, d)))
                .exec_without_returning(db)
                .await?;
        }
        event(db, year.id, None, "", EventAction::Opened, None, Some(format!("{from} ~ {to}")), None, actor).await?;
        recompute(db, &year).await?;
    }
    Ok(year)
}

/// Writes one 履约操作记录.
#[allow(clippy::too_many_arguments)]
pub async fn event(
    db: &impl ConnectionTrait,
    period: i64,
    item: Option<i64>,
    item_name: &str,
    action: EventAction,
    old: Option<String>,
    new: Option<String>,
    reason: Option<String>,
    actor: Option<i64>,
) -> AppResult<()> {
    fulfilment_event::ActiveModel {
        member_fulfilment_id: Set(period),
        member_fulfilment_item_id: Set(item),
        item_name: Set(item_name.chars().take(100).collect()),
        action: Set(action.code().into()),
        old_value: Set(old),
        new_value: Set(new),
        reason: Set(reason),
        actor_id: Set(actor),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Settles the service year of member `m` on `today` (SPEC §6.5), inside the caller's
/// transaction: opens the year covering today when a paid member has none; on a level change
/// closes the year (`level_change`) and opens one for the new level from today; after a year
/// ended and the service goes on (a renewal) opens the next; when the member no longer owes
/// services, closes the year and clears the cache. Answers the current year.
pub async fn reconcile(
    db: &impl ConnectionTrait,
    m: &Member,
    today: NaiveDate,
    actor: Option<i64>,
) -> AppResult<Option<member_fulfilment::Model>> {
    let current = current(db, m.id).await?;
    let Some((level, start, end)) = m.serving() else {
        if let Some(p) = &current {
            let reason = if m.level.is_some_and(|l| !l.is_paid()) {
                ClosedReason::LevelChange
            } else {
                ClosedReason::ServiceEnded
            };
            close(db, p, reason, today.pred_opt().unwrap_or(today)).await?;
        }
        cache(db, m.id, None).await?;
        return Ok(None);
    };
    let Some(p) = current else {
        return match service_year(start, end, today) {
            Some(year) => Ok(Some(open(db, m, level, year, actor).await?)),
            None => {
                cache(db, m.id, None).await?;
                Ok(None)
            }
        };
    };
    if MemberLevel::parse(&p.member_level) != Some(level) {
        if today > end {
            // The service ended before CM reported the change: the last year stays as it was.
            return Ok(Some(p));
        }
        let to = Ord::max(service_year(start, end, today).map_or(end, |y| y.1), today);
        if p.period_start >= today {
            // Opened today under the old level: the year itself takes the new level's items.
            member_fulfilment_item::Entity::delete_many()
                .filter(member_fulfilment_item::Column::MemberFulfilmentId.eq(p.id))
                .exec(db)
                .await?;
            member_fulfilment::Entity::delete_by_id(p.id).exec(db).await?;
        } else {
            close(db, &p, ClosedReason::LevelChange, today.pred_opt().unwrap_or(today)).await?;
        }
        return Ok(Some(open(db, m, level, (today, to), actor).await?));
    }
    if today > p.period_end
        && let Some(mut year) = next_year(p.period_end, end)
    {
        // A renewal (or a year simply over): the next year that reaches today.
        while year.1 < today {
            match next_year(year.1, end) {
                Some(n) => year = n,
                None => break,
            }
        }
        close(db, &p, ClosedReason::PeriodEnd, p.period_end).await?;
        return Ok(Some(open(db, m, level, year, actor).await?));
    }
    if p.org_id != m.org {
        member_fulfilment::Entity::update_many()
            .col_expr(F::OrgId, Expr::value(m.org))
            .filter(F::Id.eq(p.id))
            .exec(db)
            .await?;
    }
    Ok(Some(p))
}

/// [`reconcile`] of customer `id` in a transaction of its own.
pub async fn reconcile_customer(
    db: &DatabaseConnection,
    id: i64,
    today: NaiveDate,
    actor: Option<i64>,
) -> AppResult<Option<member_fulfilment::Model>> {
    let txn = crate::db::write_txn(db).await?;
    let c = customer::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let year = reconcile(&txn, &Member::of(&c), today, actor).await?;
    txn.commit().await?;
    Ok(year)
}

/// Customers whose current year no longer matches them: another level, another organisation,
/// a year over while the service goes on, or no longer owing services.
pub async fn mismatched(db: &impl ConnectionTrait, today: NaiveDate, after: i64, limit: u64) -> AppResult<Vec<i64>> {
    let paid: Vec<&str> = MemberLevel::ALL.iter().filter(|l| l.is_paid()).map(|l| l.code()).collect();
    let mut q = Query::select();
    q.column((member_fulfilment::Entity, F::CustomerId))
        .from(member_fulfilment::Entity)
        .inner_join(
            customer::Entity,
            Expr::col((customer::Entity, customer::Column::Id)).equals((member_fulfilment::Entity, F::CustomerId)),
        )
        .and_where(Expr::col((member_fulfilment::Entity, F::IsCurrent)).eq(true))
        .and_where(Expr::col((member_fulfilment::Entity, F::CustomerId)).gt(after))
        .cond_where(
            sea_orm::Condition::any()
                .add(Expr::col((customer::Entity, customer::Column::MemberLevel)).is_null())
                .add(Expr::col((customer::Entity, customer::Column::MemberLevel)).is_not_in(paid))
                .add(
                    Expr::col((customer::Entity, customer::Column::MemberLevel))
                        .ne(Expr::col((member_fulfilment::Entity, F::MemberLevel))),
                )
                .add(
                    Expr::col((customer::Entity, customer::Column::OrganizationId))
                        .ne(Expr::col((member_fulfilment::Entity, F::OrgId))),
                )
                .add(Expr::col((customer::Entity, customer::Column::DeletedAt)).is_not_null())
                .add(Expr::col((customer::Entity, customer::Column::MergedIntoId)).is_not_null())
                .add(
                    sea_orm::Condition::all().add(Expr::col((member_fulfilment::Entity, F::PeriodEnd)).lt(today)).add(
                        Expr::col((customer::Entity, customer::Column::ServiceEndDate))
                            .gt(Expr::col((member_fulfilment::Entity, F::PeriodEnd))),
                    ),
                ),
        )
        .order_by((member_fulfilment::Entity, F::CustomerId), sea_orm::Order::Asc)
        .limit(limit);
    let rows = db.query_all(&q).await?;
    Ok(rows.iter().map(|r| r.try_get_by_index::<i64>(0)).collect::<Result<_, _>>()?)
}

/// Paid members with service dates and no current year, `limit` at most, from id `after` on.
pub async fn without_year(db: &impl ConnectionTrait, after: i64, limit: u64) -> AppResult<Vec<customer::Model>> {
    let paid: Vec<&str> = MemberLevel::ALL.iter().filter(|l| l.is_paid()).map(|l| l.code()).collect();
    let mut has = Query::select();
    has.expr(Expr::val(1))
        .from(member_fulfilment::Entity)
        .and_where(
            Expr::col((member_fulfilment::Entity, F::CustomerId)).equals((customer::Entity, customer::Column::Id)),
        )
        .and_where(Expr::col((member_fulfilment::Entity, F::IsCurrent)).eq(true));
    Ok(customer::Entity::find()
        .filter(customer::Column::Id.gt(after))
        .filter(customer::Column::CustomerType.eq(CustomerType::Member.code()))
        .filter(customer::Column::MemberLevel.is_in(paid))
        .filter(customer::Column::ServiceStartDate.is_not_null())
        .filter(customer::Column::ServiceEndDate.is_not_null())
        .filter(customer::Column::DeletedAt.is_null())
        .filter(customer::Column::MergedIntoId.is_null())
        .filter(Expr::exists(has).not())
        .order_by_asc(customer::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
