//! 客户档案信息管理 list (PG-70): customers entered in the CRM (by hand, by import or at a
//! buyer meeting), with their review state. Pending and rejected entries are listed only to
//! their entrant, their approver and reviewers (OP-27).
use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult};

use super::{ArchiveFilter, ArchiveRow, ReviewStatus};
use crate::auth::Perm;
use crate::auth::entity::{organization, region};
use crate::auth::session::CurrentUser;
use crate::db::contains_ignoring_case;
use crate::db::{account_names, names};
use crate::error::AppResult;
use crate::members::conditions::{TextField, any_phone_match, c, scope_condition, text_match, ts_range};
use crate::members::entity::customer;
use crate::members::enums::InfoSource;
use crate::ui::{Page, per_page};

fn condition(db: &impl ConnectionTrait, user: &CurrentUser, f: &ArchiveFilter) -> Condition {
    let me = user.account.id;
    let scope = scope_condition(&user.scope);
    let mut visible = Condition::any()
        .add(c("created_by").eq(me))
        .add(c("reviewer_id").eq(me))
        .add(Condition::all().add(c("review_status").eq(ReviewStatus::Approved.code())).add(scope.clone()));
    if user.has(Perm::ArchiveReview) {
        visible = visible.add(Condition::all().add(c("review_status").eq(ReviewStatus::Pending.code())).add(scope));
    }
    let entered = InfoSource::ALL.iter().filter(|s| s.enterable()).map(|s| s.code());
    let mut cond = Condition::all().add(c("deleted_at").is_null()).add(c("info_source").is_in(entered)).add(visible);
    let backend = db.get_database_backend();
    if let Some(m) = text_match(backend, TextField::Company, &f.company) {
        cond = cond.add(m);
    }
    if let Some(m) = any_phone_match(backend, &crate::members::search::digits(&f.phone)) {
        cond = cond.add(m);
    }
    let contact = f.contact.trim();
    if !contact.is_empty() {
        cond = cond.add(contains_ignoring_case(backend, c("contact_name"), contact));
    }
    for (col, v) in
        [("info_source", &f.info_source), ("entry_method", &f.entry_method), ("review_status", &f.review_status)]
    {
        if !v.is_empty() {
            cond = cond.add(c(col).eq(v.as_str()));
        }
    }
    if let Some(org) = f.org {
        cond = cond.add(c("organization_id").eq(org));
    }
    if f.mine == "1" {
        cond = cond.add(c("created_by").eq(me));
    }
    cond.add(ts_range(c("created_at"), &f.entered_from, &f.entered_to))
}

fn select(cond: Condition) -> SelectStatement {
    let mut q = Query::select();
    q.from_as(Alias::new("customer"), Alias::new("c")).cond_where(cond);
    q
}

pub async fn list(db: &impl ConnectionTrait, user: &CurrentUser, f: &ArchiveFilter) -> AppResult<Page<ArchiveRow>> {
    f.validate()?;
    let cond = condition(db, user, f);
    let per = per_page(f.per_page);
    let page = crate::ui::page_number(f.page);
    let mut count = select(cond.clone());
    count.expr_as(Func::count(Expr::col(Alias::new("id"))), Alias::new("n"));
    let total = match db.query_one(&count).await? {
        Some(r) => r.try_get::<i64>("", "n")? as u64,
        None => 0,
    };
    let mut q = select(cond);
    q.column((Alias::new("c"), sea_orm::sea_query::Asterisk))
        .order_by((Alias::new("c"), Alias::new("id")), Order::Desc)
        .limit(per)
        .offset((page - 1) * per);
    let rows: Vec<customer::Model> =
        db.query_all(&q).await?.iter().map(|r| customer::Model::from_query_result(r, "")).collect::<Result<_, _>>()?;
    let names = Names::load(db, &rows).await?;
    let items = rows
        .into_iter()
        .map(|c| ArchiveRow {
            id: c.id,
            customer_no: c.customer_no.clone(),
            company_name: c.company_name.clone().unwrap_or_default(),
            customer_type: c.customer_type.clone(),
            contact_name: c.contact_name.clone().unwrap_or_default(),
            phone: c.phone_mobile.clone().or(c.phone_fixed.clone()).unwrap_or_default(),
            region: names.region(&c),
            organization: names.orgs.get(&c.organization_id).cloned().unwrap_or_default(),
            info_source: c.info_source.clone(),
            entry_method: c.entry_method.clone(),
            review_status: c.review_status.clone(),
            entered_by: c.created_by.and_then(|a| names.accounts.get(&a).cloned()).unwrap_or_default(),
            entered_by_me: c.created_by == Some(user.account.id),
            entered_at: c.created_at,
        })
        .collect();
    Ok(Page { items, total, page, per_page: per, counted_to: None })
}

/// Names of the organisations, accounts and regions a page of customers refers to.
pub struct Names {
    pub orgs: HashMap<i64, String>,
    pub accounts: HashMap<i64, String>,
    pub regions: HashMap<i64, String>,
}

impl Names {
    pub async fn load(db: &impl ConnectionTrait, rows: &[customer::Model]) -> AppResult<Self> {
        let accounts: Vec<i64> = rows.iter().filter_map(|c| c.created_by).collect();
        let regions: Vec<i64> = rows
            .iter()
            .flat_map(|c| [c.region_province_id, c.region_city_id, c.region_district_id])
            .flatten()
            .collect();
        Ok(Self {
            orgs: organization::Entity::find().all(db).await?.into_iter().map(|o| (o.id, o.name)).collect(),
            accounts: account_names(db, accounts).await?,
            regions: names::<region::Entity>(db, regions, region::Column::Id, |r| (r.id, r.name)).await?,
        })
    }

    pub fn region(&self, c: &customer::Model) -> String {
        [c.region_province_id, c.region_city_id, c.region_district_id]
            .into_iter()
            .flatten()
            .filter_map(|id| self.regions.get(&id).cloned())
            .collect::<Vec<_>>()
            .join("/")
    }
}
