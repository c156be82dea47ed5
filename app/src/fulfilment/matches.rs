//! PG-42 精准匹配 (信息部, and CS with the mark right): the members whose current service year
//! has a counted item, with what was provided so far, and 新增匹配记录 — each record raises
//! the item's quantity (never to its target: reaching it is 服务完成's, SPEC §6.3). 信息部
//! serves every such member, so its list is not narrowed to its department; CS sees its scope.
use serde::{Deserialize, Serialize};

use super::FulfilmentRow;
use super::track::{MatchView, YearSummary};

/// A row of PG-42.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchingRow {
    pub row: FulfilmentRow,
    /// 已提供 N …
    pub provided: i32,
    /// … of this many.
    pub target: i32,
}

/// One member's records of the current year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberMatches {
    pub customer_id: i64,
    pub company_name: String,
    pub year: YearSummary,
    pub item_name: String,
    pub provided: i32,
    pub target: i32,
    pub records: Vec<MatchView>,
    /// Now on the wall clock in China (the form's default 提供时间).
    pub now: String,
}

/// What 新增匹配记录 answers: the member's records as they are now.
pub type MatchSaved = MemberMatches;

#[cfg(feature = "ssr")]
mod server {
    use chrono::Utc;
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    use sea_orm::{
        ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    };
    use serde_json::json;

    use super::super::entity::{member_fulfilment, member_fulfilment_item, precise_match};
    use super::super::periods::{self, Member};
    use super::super::service::{local_now, lock_year, matches_in, stale, summary};
    use super::super::track::MatchInput;
    use super::super::{EventAction, FulfilmentFilter, ItemKind, ItemStatus};
    use super::{MatchingRow, MemberMatches};
    use crate::auth::Perm;
    use crate::auth::audit::{self, Entry};
    use crate::auth::scope::Scope;
    use crate::auth::session::CurrentUser;
    use crate::db::account_names;
    use crate::error::{AppError, AppResult};
    use crate::members::entity::customer;
    use crate::ui::Page;

    /// The user PG-42 reads for: 信息部 serves every member with a counted item.
    fn reader(user: &CurrentUser) -> CurrentUser {
        let mut u = user.clone();
        if user.has(Perm::BizInfo) {
            u.scope = Scope::All;
        }
        u
    }

    async fn member(db: &impl sea_orm::ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<customer::Model> {
        crate::members::service::visible_customer(db, &reader(user), id).await
    }

    /// The counted item of year `year`.
    async fn counted(
        db: &impl sea_orm::ConnectionTrait,
        year: i64,
    ) -> AppResult<Option<member_fulfilment_item::Model>> {
        Ok(member_fulfilment_item::Entity::find()
            .filter(member_fulfilment_item::Column::MemberFulfilmentId.eq(year))
            .filter(member_fulfilment_item::Column::ItemKind.eq(ItemKind::Counted.code()))
            .order_by_asc(member_fulfilment_item::Column::SortOrder)
            .one(db)
            .await?)
    }

    fn no_item() -> AppError {
        AppError::rejected("该会员当前服务年度没有精准匹配(计数)项目", "This member's year has no counted item")
    }

    /// PG-42's list.
    pub async fn list(
        db: &DatabaseConnection,
        user: &CurrentUser,
        f: &FulfilmentFilter,
    ) -> AppResult<Page<MatchingRow>> {
        let mut has = Query::select();
        has.expr(Expr::val(1))
            .from(member_fulfilment_item::Entity)
            .and_where(
                Expr::col((member_fulfilment_item::Entity, member_fulfilment_item::Column::MemberFulfilmentId))
                    .equals((member_fulfilment::Entity, member_fulfilment::Column::Id)),
            )
            .and_where(
                Expr::col((member_fulfilment_item::Entity, member_fulfilment_item::Column::ItemKind))
                    .eq(ItemKind::Counted.code()),
            );
        let page = super::super::list::list_where(
            db,
            &reader(user),
            f,
            Expr::exists(has).into(),
            super::super::list::FEW_MEMBERS,
        )
        .await?;
        let years: Vec<i64> = page.items.iter().map(|r| r.year_id).collect();
        let items = member_fulfilment_item::Entity::find()
            .filter(member_fulfilment_item::Column::MemberFulfilmentId.is_in(years))
            .filter(member_fulfilment_item::Column::ItemKind.eq(ItemKind::Counted.code()))
            .all(db)
            .await?;
        Ok(page.map(|row| {
            let item = items.iter().find(|i| i.member_fulfilment_id == row.year_id);
            let done = item.is_some_and(|i| ItemStatus::parse(&i.status) == Some(ItemStatus::Done));
            let target = item.and_then(|i| i.target_quantity).unwrap_or(0);
            let provided = if done { target } else { item.map(|i| i.quantity_done).unwrap_or(0) };
            MatchingRow { row, provided, target }
        }))
    }

    /// One member's records of the current year.
    pub async fn of_member(db: &DatabaseConnection, user: &CurrentUser, id: i64) -> AppResult<MemberMatches> {
        let c = member(db, user, id).await?;
        let year = periods::current(db, c.id).await?.ok_or_else(no_item)?;
        let item = counted(db, year.id).await?.ok_or_else(no_item)?;
        let records = precise_match::Entity::find()
            .filter(precise_match::Column::MemberFulfilmentId.eq(year.id))
            .order_by_asc(precise_match::Column::SeqNo)
            .all(db)
            .await?;
        let names = account_names(db, records.iter().map(|r| r.provided_by).collect()).await?;
        let done = ItemStatus::parse(&item.status) == Some(ItemStatus::Done);
        let target = item.target_quantity.unwrap_or(0);
        Ok(MemberMatches {
            customer_id: c.id,
            company_name: c.company_name.unwrap_or_default(),
            year: summary(&year),
            item_name: item.name,
            provided: if done { target } else { item.quantity_done },
            target,
            records: records
                .into_iter()
                .map(|r| {
                    let by = names.get(&r.provided_by).cloned().unwrap_or_default();
                    r.view(by)
                })
                .collect(),
            now: local_now(),
        })
    }

    /// 新增匹配记录: one more record for the member's current year, which raises the counted
    /// item's quantity; the record's number is unique in the year, so two saves at once never
    /// both take the last one.
    pub async fn add(db: &DatabaseConnection, user: &CurrentUser, input: MatchInput) -> AppResult<MemberMatches> {
        let now = Utc::now();
        let provided_at = input.validate(Some(now))?;
        let c = member(db, user, input.customer_id).await?;
        let txn = crate::db::write_txn(db).await?;
        let year = periods::reconcile(&txn, &Member::of(&c), crate::cst::today(), Some(user.account.id))
            .await?
            .ok_or_else(|| AppError::rejected("该会员没有履约项目", "This member owes no services"))?;
        lock_year(&txn, year.id).await?;
        let item = counted(&txn, year.id).await?.ok_or_else(no_item)?;
        let target = item.target_quantity.unwrap_or(0);
        let count = matches_in(&txn, year.id).await? as i32;
        if count >= target {
            return Err(AppError::rejected(
                &format!("本服务年度已提供 {count} 条,已达目标 {target} 条"),
                &format!("{count} provided this year: the target of {target} is reached"),
            ));
        }
        let seq = count + 1;
        let record = precise_match::ActiveModel {
            customer_id: Set(c.id),
            member_fulfilment_id: Set(year.id),
            seq_no: Set(seq),
            title: Set(input.title.trim().to_string()),
            counterpart_company: Set(crate::db::opt(&input.counterpart_company)),
            counterpart_contact: Set(crate::db::opt(&input.counterpart_contact)),
            content: Set(crate::db::opt(&input.content)),
            provided_at: Set(provided_at),
            provided_by: Set(user.account.id),
            created_at: Set(now),
            ..Default::default()
        };
        let saved = match record.insert(&txn).await {
            Ok(r) => r,
            Err(e) if crate::db::unique_violation(&e) => return Err(stale()),
            Err(e) => return Err(e.into()),
        };
        let pending = ItemStatus::parse(&item.status) == Some(ItemStatus::Pending);
        let quantity =
            if pending { Ord::max(item.quantity_done, Ord::min(seq, target - 1)) } else { item.quantity_done };
        if quantity != item.quantity_done {
            member_fulfilment_item::Entity::update_many()
                .col_expr(member_fulfilment_item::Column::QuantityDone, Expr::value(quantity))
                .col_expr(
                    member_fulfilment_item::Column::Version,
                    Expr::col(member_fulfilment_item::Column::Version).add(1),
                )
                .filter(member_fulfilment_item::Column::Id.eq(item.id))
                .exec(&txn)
                .await?;
            periods::event(
                &txn,
                year.id,
                Some(item.id),
                &item.name,
                EventAction::SetQuantity,
                Some(item.quantity_done.to_string()),
                Some(quantity.to_string()),
                Some(format!("精准匹配记录 #{seq}")),
                Some(user.account.id),
            )
            .await?;
            periods::recompute(&txn, &year).await?;
        }
        let module = if user.has(Perm::BizInfo) { Perm::BizInfo } else { Perm::FulfilmentMark };
        audit::record(
            &txn,
            user,
            Entry::new(module.code(), "create", "precise_match")
                .target(saved.id, &saved.title)
                .detail(json!({ "customer_id": c.id, "year": year.id, "seq_no": seq })),
        )
        .await?;
        txn.commit().await?;
        of_member(db, user, c.id).await
    }
}
#[cfg(feature = "ssr")]
pub use server::*;
