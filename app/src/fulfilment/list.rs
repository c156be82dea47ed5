//! PG-35 会员履约管理 on the server: the current service years matching the filters, inside the
//! user's scope (a rep office sees its own members), a page at a time at a million members
//! (`db::fetch_listing_keyed`: the filters' columns live on the year itself, so a page walks
//! one narrow index), and the same rows for the export.
use std::path::Path;

use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::entity::{member_fulfilment, member_fulfilment_item};
use super::{FulfilmentFilter, FulfilmentRow, FulfilmentSort, FulfilmentStatus, ItemStatus, Pct, YearsShown};
use crate::auth::scope::{Scope, descendants};
use crate::auth::session::CurrentUser;
use crate::db::{Listing, fetch_listing_keyed, more_than, people_and_orgs};
use crate::error::AppResult;
use crate::members::MemberFilter;
use crate::members::entity::customer;
use crate::members::export::{Cell, Format, stream_to_file};
use crate::members::query::{TextMatch, matching_customers};
use crate::ui::Page;

use member_fulfilment::Column as F;

/// The conditions on the current years (`member_fulfilment`) of filter `f` for `user`.
pub async fn condition(db: &impl ConnectionTrait, user: &CurrentUser, f: &FulfilmentFilter) -> AppResult<Condition> {
    condition_planned(db, user, f, FEW_MEMBERS).await
}

/// [`condition`], the members matching the member filters looked up first when at most `few`
/// (tests compare both plans).
pub async fn condition_planned(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    f: &FulfilmentFilter,
    few: u64,
) -> AppResult<Condition> {
    let super::Bounds { progress_from: from, progress_to: to, ends_within: days } = f.validate()?;
    let backend = db.get_database_backend();
    let col = |c: F| Expr::col((member_fulfilment::Entity, c));
    let mut cond = Condition::all().add(col(F::IsCurrent).eq(true));
    if !f.level.is_empty() {
        cond = cond.add(col(F::MemberLevel).eq(f.level.clone()));
    }
    if let Some(s) = FulfilmentStatus::parse(&f.status) {
        cond = cond.add(col(F::Status).eq(s.code()));
    }
    if let Some(p) = from {
        cond = cond.add(col(F::ProgressBp).gte(p.0 as i32));
    }
    if let Some(p) = to {
        cond = cond.add(col(F::ProgressBp).lte(p.0 as i32));
    }
    let today = crate::cst::today();
    match YearsShown::parse(&f.years).unwrap_or(YearsShown::Serving) {
        YearsShown::Serving => cond = cond.add(col(F::PeriodEnd).gte(today)),
        YearsShown::Ended => cond = cond.add(col(F::PeriodEnd).lt(today)),
        YearsShown::All => {}
    }
    if let Some(n) = days {
        cond = cond.add(col(F::PeriodEnd).gte(today)).add(col(F::PeriodEnd).lte(today + chrono::Duration::days(n)));
    }
    if !f.pending.trim().is_empty() {
        let mut item = Query::select();
        item.expr(Expr::val(1))
            .from(member_fulfilment_item::Entity)
            .and_where(
                Expr::col((member_fulfilment_item::Entity, member_fulfilment_item::Column::MemberFulfilmentId))
                    .equals((member_fulfilment::Entity, F::Id)),
            )
            .and_where(
                Expr::col((member_fulfilment_item::Entity, member_fulfilment_item::Column::Name)).eq(f.pending.trim()),
            )
            .and_where(
                Expr::col((member_fulfilment_item::Entity, member_fulfilment_item::Column::Status))
                    .eq(ItemStatus::Pending.code()),
            );
        cond = cond.add(Expr::exists(item));
    }
    if let Some(org) = f.org {
        cond = cond.add(col(F::OrgId).is_in(descendants(db, org).await?));
    }
    cond = match &user.scope {
        Scope::All => cond,
        Scope::Orgs(ids) => cond.add(col(F::OrgId).is_in(ids.clone())),
        other => cond.add(col(F::CustomerId).in_subquery(customers(backend, &MemberFilter::default(), other))),
    };
    let by_member = MemberFilter {
        company: f.company.clone(),
        login: f.login.clone(),
        province: f.province,
        city: f.city,
        district: f.district,
        exact: f.exact,
        ..Default::default()
    };
    if by_member != MemberFilter::default() {
        let matching = customers(backend, &by_member, &Scope::All);
        cond = if more_than(db, matching.clone(), few).await? {
            // Many members match ("贸易"): each year's member is tested as the list is walked,
            // which finds a page after a few hundred years instead of gathering them all.
            let mut test = matching_customers(backend, &by_member, &Scope::All, &TextMatch::Scan);
            test.expr(Expr::val(1)).and_where(
                Expr::col((Alias::new("c"), Alias::new("id"))).equals((member_fulfilment::Entity, F::CustomerId)),
            );
            cond.add(Expr::exists(test))
        } else {
            // Few: their ids, each year found through its member's index.
            let rows = db.query_all(&matching).await?;
            let ids = rows.iter().map(|r| r.try_get_by_index::<i64>(0)).collect::<Result<Vec<_>, _>>()?;
            cond.add(col(F::CustomerId).is_in(ids))
        };
    }
    Ok(cond)
}

/// The total is counted up to this many pages past the one shown ("超过 N 条" beyond): a
/// filter most years fail (an item not done, a common word in 企业名称) is tested year by
/// year while the list is walked, and fewer pages to count keep its first page fast.
const PAGES_COUNTED: u64 = 3;

/// Up to this many members matching the member filters are looked up first.
pub const FEW_MEMBERS: u64 = 2_000;

fn customers(backend: sea_orm::DbBackend, f: &MemberFilter, scope: &Scope) -> SelectStatement {
    let mut q = matching_customers(backend, f, scope, &TextMatch::Index);
    q.column((Alias::new("c"), Alias::new("id")));
    q
}

/// How many rows `f` has for `user`, counted up to `cap`.
pub async fn count_upto(db: &DatabaseConnection, user: &CurrentUser, f: &FulfilmentFilter, cap: u64) -> AppResult<u64> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    let rows = member_fulfilment::Entity::find().filter(condition(db, user, f).await?);
    Ok(rows.select_only().column(F::Id).limit(cap).count(db).await?)
}

/// One page of PG-35.
pub async fn list(db: &DatabaseConnection, user: &CurrentUser, f: &FulfilmentFilter) -> AppResult<Page<FulfilmentRow>> {
    list_where(db, user, f, Condition::all(), FEW_MEMBERS).await
}

/// One page of PG-35's rows that also meet `extra` (PG-42: a counted item), planned as
/// [`condition_planned`] says.
pub async fn list_where(
    db: &DatabaseConnection,
    user: &CurrentUser,
    f: &FulfilmentFilter,
    extra: Condition,
    few: u64,
) -> AppResult<Page<FulfilmentRow>> {
    let cond = condition_planned(db, user, f, few).await?.add(extra);
    let rows = member_fulfilment::Entity::find().filter(cond);
    let sort = FulfilmentSort::parse(&f.sort).unwrap_or(FulfilmentSort::EndSoonest);
    let page = match sort {
        FulfilmentSort::EndSoonest => {
            let l = listing(rows, F::PeriodEnd);
            fetch_listing_keyed::<_, NaiveDate>(db, l, f.page, f.per_page, PAGES_COUNTED).await?
        }
        FulfilmentSort::LowestProgress => {
            let l = listing(rows, F::ProgressBp);
            fetch_listing_keyed::<_, i32>(db, l, f.page, f.per_page, PAGES_COUNTED).await?
        }
    };
    let ids: Vec<i64> = page.items.iter().map(|y| y.customer_id).collect();
    let members: std::collections::HashMap<i64, customer::Model> = customer::Entity::find()
        .filter(customer::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let (_, orgs) = people_and_orgs(db, vec![], page.items.iter().map(|y| y.org_id).collect()).await?;
    Ok(page.map(|y| {
        let c = members.get(&y.customer_id);
        FulfilmentRow {
            year_id: y.id,
            customer_id: y.customer_id,
            company_name: c.and_then(|c| c.company_name.clone()).unwrap_or_default(),
            login_name: c.and_then(|c| c.login_name.clone()).unwrap_or_default(),
            member_level: y.member_level.clone(),
            org_name: orgs.get(&y.org_id).cloned().unwrap_or_default(),
            status: FulfilmentStatus::parse(&y.status).unwrap_or(FulfilmentStatus::NotStarted),
            progress: Pct(i64::from(y.progress_bp)),
            period_start: y.period_start,
            period_end: y.period_end,
            service_start: c.and_then(|c| c.service_start_date),
            service_end: c.and_then(|c| c.service_end_date),
        }
    }))
}

fn listing(rows: sea_orm::Select<member_fulfilment::Entity>, key: F) -> Listing<member_fulfilment::Entity> {
    Listing { rows, scope: Condition::all(), walk_scope: Condition::all(), id: F::Id, key, desc: false }
}

/// The columns of the export.
pub const COLUMNS: [(&str, f64); 10] = [
    ("企业名称", 36.0),
    ("登录名", 18.0),
    ("会员级别", 10.0),
    ("组织结构", 16.0),
    ("履约状态", 10.0),
    ("履约完成进度(%)", 14.0),
    ("当前服务年度", 24.0),
    ("服务开始时间", 12.0),
    ("服务到期时间", 12.0),
    ("未完成项目数", 12.0),
];

/// Writes every row of `f` for `user` to `path` (the export of PG-35); answers the row count.
pub async fn export(
    db: &DatabaseConnection,
    user: &CurrentUser,
    f: &FulfilmentFilter,
    format: Format,
    path: &Path,
    progress: impl Fn(u64) + Send + 'static,
) -> AppResult<u64> {
    let cond = condition(db, user, f).await?;
    let a = |t: &str| Alias::new(t);
    let mut q = Query::select();
    let pending = {
        let mut p = Query::select();
        p.expr(Expr::cust("COUNT(*)"))
            .from(member_fulfilment_item::Entity)
            .and_where(
                Expr::col((member_fulfilment_item::Entity, member_fulfilment_item::Column::MemberFulfilmentId))
                    .equals((member_fulfilment::Entity, F::Id)),
            )
            .and_where(
                Expr::col((member_fulfilment_item::Entity, member_fulfilment_item::Column::Status))
                    .eq(ItemStatus::Pending.code()),
            );
        p
    };
    q.columns([
        (member_fulfilment::Entity, F::MemberLevel),
        (member_fulfilment::Entity, F::Status),
        (member_fulfilment::Entity, F::ProgressBp),
        (member_fulfilment::Entity, F::PeriodStart),
        (member_fulfilment::Entity, F::PeriodEnd),
    ])
    .expr_as(Expr::col((a("c"), a("company_name"))), a("company_name"))
    .expr_as(Expr::col((a("c"), a("login_name"))), a("login_name"))
    .expr_as(Expr::col((a("c"), a("service_start_date"))), a("service_start_date"))
    .expr_as(Expr::col((a("c"), a("service_end_date"))), a("service_end_date"))
    .expr_as(Expr::col((a("o"), a("name"))), a("org_name"))
    .expr_as(Expr::SubQuery(None, Box::new(sea_orm::sea_query::SubQueryStatement::from(pending))), a("pending"))
    .from(member_fulfilment::Entity)
    .join_as(
        sea_orm::JoinType::InnerJoin,
        customer::Entity,
        a("c"),
        Expr::col((a("c"), a("id"))).equals((member_fulfilment::Entity, F::CustomerId)),
    )
    .join_as(
        sea_orm::JoinType::LeftJoin,
        a("organization"),
        a("o"),
        Expr::col((a("o"), a("id"))).equals((member_fulfilment::Entity, F::OrgId)),
    )
    .cond_where(cond)
    .order_by((member_fulfilment::Entity, F::PeriodEnd), sea_orm::Order::Asc)
    .order_by((member_fulfilment::Entity, F::Id), sea_orm::Order::Asc);
    stream_to_file(db, &q, &COLUMNS, format, path, progress, |row| {
        let text = |k: &str| row.try_get::<Option<String>>("", k).map(Option::unwrap_or_default);
        let date =
            |k: &str| row.try_get::<Option<NaiveDate>>("", k).map(|d| d.map(|d| d.to_string()).unwrap_or_default());
        let label = |list: &[crate::members::enums::Choice], code: String| {
            crate::members::enums::label(list, &code).0.to_string()
        };
        let pct = Pct(i64::from(row.try_get::<i32>("", "progress_bp")?));
        Ok(vec![
            Cell::Text(text("company_name")?),
            Cell::Text(text("login_name")?),
            Cell::Text(label(crate::members::enums::LEVELS, text("member_level")?)),
            Cell::Text(text("org_name")?),
            Cell::Text(label(FulfilmentStatus::CHOICES, text("status")?)),
            Cell::Text(pct.text()),
            Cell::Text(format!("{} ~ {}", date("period_start")?, date("period_end")?)),
            Cell::Text(date("service_start_date")?),
            Cell::Text(date("service_end_date")?),
            Cell::Int(row.try_get::<i64>("", "pending")?),
        ])
    })
    .await
}
