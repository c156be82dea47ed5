//! Caller identification on 会员诉求受理 (SM-1 T0, OP-21): what the agent types — part of a
//! company name, a login, an e-mail, or digits of a phone — proposes callers as they type.
//! The search index proposes candidates and the substring test on the normalised text decides
//! (the same rule as 信息查询); an exact 登录名 / 注册邮箱 / full 企业名称 also finds a member
//! of another organisation, of whom only the autofill fields are shown.
use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Order, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};

use super::entity::service_request;
use super::{CallerHit, CallerPanel, RequestBrief};
use crate::archive::ReviewStatus;
use crate::auth::entity::organization;
use crate::auth::scope::Scope;
use crate::auth::session::CurrentUser;
use crate::db::names;
use crate::error::{AppError, AppResult};
use crate::members::conditions::{
    TextField, any_phone_match, any_phone_substring, c, index_candidates, scope_condition, substring_match, text_match,
};
use crate::members::entity::customer;
use crate::members::enums::CustomerType;
use crate::members::filter::MemberFilter;
use crate::members::search::{company_norm, digits, normalize, search_text};
use crate::members::service::may_see;

/// Callers proposed per query.
pub const HITS: usize = 8;

/// Candidates the search index proposes per field (the newest first) before the substring
/// test: the autocomplete shows eight, so a common pair of characters is answered from the
/// newest few hundred; a rep office sees a slice of the customers, so it reads further.
fn candidate_limit(scope: &Scope) -> u64 {
    if *scope == Scope::All { 400 } else { 2_000 }
}

/// Callers matching what was typed (at least two characters; fewer: nothing).
pub async fn callers(db: &impl ConnectionTrait, user: &CurrentUser, typed: &str) -> AppResult<Vec<CallerHit>> {
    let typed: String = typed.trim().chars().take(100).collect();
    if typed.chars().count() < 2 {
        return Ok(vec![]);
    }
    let backend = db.get_database_backend();
    let mut found: Vec<(customer::Model, bool)> = vec![];

    // Exact keys first, across organisations (OP-21).
    let norm = normalize(&typed);
    let mut exact = Condition::any()
        .add(c("login_name_key").eq(norm.clone()))
        .add(c("email_key").eq(norm))
        .add(c("company_name_norm").eq(company_norm(&typed)));
    let phone = digits(&typed);
    let phone_like = !phone.is_empty() && typed.chars().all(|ch| ch.is_ascii_digit() || " -+()".contains(ch));
    if phone_like && phone.len() == 11 {
        exact = exact.add(c("phone_mobile").eq(phone.clone()));
    }
    for m in customers(db, Condition::all().add(exact), HITS).await? {
        let foreign = !may_see(user, &m);
        found.push((m, foreign));
    }

    // Then what contains it, inside the user's scope.
    let limit = candidate_limit(&user.scope);
    // (the field's filter, its condition through the index, its test alone for the candidates)
    let mut fields: Vec<(MemberFilter, Condition, Option<Condition>)> = vec![];
    if phone_like && phone.len() >= 3 {
        let f = MemberFilter { phone_mobile: phone.clone(), ..Default::default() };
        if let Some(cond) = any_phone_match(backend, &phone) {
            fields.push((f, cond, any_phone_substring(backend, &phone)));
        }
    } else {
        let company = (TextField::Company, MemberFilter { company: typed.clone(), ..Default::default() });
        // Logins and e-mails are ASCII, and what is typed in ASCII is mostly one of them: they
        // are asked first, the company names (rarely ASCII) only if hits are missing.
        let by_field = if search_text(&typed).is_ascii() {
            vec![
                (TextField::Login, MemberFilter { login: typed.clone(), ..Default::default() }),
                (TextField::Email, MemberFilter { email: typed.clone(), ..Default::default() }),
                company,
            ]
        } else {
            vec![company]
        };
        for (field, f) in by_field {
            if let Some(cond) = text_match(backend, field, &typed) {
                fields.push((f, cond, substring_match(backend, field, &typed)));
            }
        }
    }
    for (f, indexed, test) in fields {
        if found.len() >= HITS {
            break;
        }
        let cond = match (index_candidates(backend, &f, Some(limit)), test) {
            // The newest candidates, tested: the list shows the newest matches, and a common
            // pair of characters ("有限") must not make SQLite read or test thousands of rows.
            (Some(mut candidates), Some(test)) => {
                if backend == sea_orm::DbBackend::Sqlite {
                    candidates.order_by_expr(Expr::cust("rowid"), Order::Desc);
                }
                Condition::all().add(test).add(c("id").in_subquery(candidates))
            }
            _ => indexed,
        };
        let mut cond = cond.add(scope_condition(&user.scope));
        let seen: Vec<i64> = found.iter().map(|(m, _)| m.id).collect();
        if !seen.is_empty() {
            cond = cond.add(c("id").is_not_in(seen));
        }
        for m in customers(db, cond, HITS - found.len()).await? {
            if may_see(user, &m) {
                found.push((m, false));
            }
        }
    }

    let orgs = org_names(db, found.iter().map(|(m, _)| m.organization_id).collect()).await?;
    Ok(found
        .into_iter()
        .take(HITS)
        .map(|(m, foreign)| CallerHit {
            id: m.id,
            customer_type: CustomerType::parse(&m.customer_type).unwrap_or(CustomerType::NonMember),
            company_name: m.company_name.unwrap_or_default(),
            contact_name: m.contact_name.unwrap_or_default(),
            login_name: m.login_name.unwrap_or_default(),
            registered_email: if foreign { String::new() } else { m.registered_email.unwrap_or_default() },
            phone_mobile: if foreign { String::new() } else { m.phone_mobile.unwrap_or_default() },
            member_level: m.member_level.unwrap_or_default(),
            org_name: orgs.get(&m.organization_id).cloned().unwrap_or_default(),
            foreign,
        })
        .collect())
}

/// At most `limit` customers (`customer AS c`, as the member query's conditions name it)
/// matching `cond` that a request can be taken for: not deleted, in circulation (approved).
/// Newest first.
async fn customers(db: &impl ConnectionTrait, cond: Condition, limit: usize) -> AppResult<Vec<customer::Model>> {
    let mut q = Query::select();
    q.column((Alias::new("c"), Asterisk))
        .from_as(Alias::new("customer"), Alias::new("c"))
        .cond_where(cond.add(c("deleted_at").is_null()).add(c("review_status").eq(ReviewStatus::Approved.code())))
        .order_by((Alias::new("c"), Alias::new("id")), Order::Desc)
        .limit(limit as u64);
    let rows = db.query_all(&q).await?;
    Ok(rows.iter().map(|r| customer::Model::from_query_result(r, "")).collect::<Result<_, _>>()?)
}

async fn org_names(db: &impl ConnectionTrait, ids: Vec<i64>) -> AppResult<HashMap<i64, String>> {
    names::<organization::Entity>(db, ids, organization::Column::Id, |o| (o.id, o.name)).await
}

/// The customer a request may be taken for by `user`: in scope, or a member of another
/// organisation reachable by an exact key (OP-21) — `true` then. Anything else: not found.
pub async fn caller(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<(customer::Model, bool)> {
    let m = crate::members::service::in_circulation(db, id).await?;
    if may_see(user, &m) {
        return Ok((m, false));
    }
    // Only members (never another office's non-members) can be reached across organisations.
    if m.customer_type() == Some(CustomerType::Member) { Ok((m, true)) } else { Err(AppError::NotFound) }
}

/// Section B for the picked caller.
pub async fn panel(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<CallerPanel> {
    let (m, foreign) = caller(db, user, id).await?;
    let mut info = crate::members::service::member_info(db, &m).await?;
    if foreign {
        // Autofill fields only (OP-21).
        info.registered_email.clear();
        info.phone_fixed.clear();
        info.phone_mobile.clear();
        info.contact_name.clear();
        info.address.clear();
        info.remarks.clear();
        info.owner_agent.clear();
        info.entrant.clear();
    }
    let records = if foreign { vec![] } else { crate::members::service::recent_records(db, m.id, 5).await? };
    let open_requests = open_requests(db, m.id).await?;
    Ok(CallerPanel { info, foreign, records, open_requests })
}

/// The caller's requests still open (newest first, at most ten).
pub async fn open_requests(db: &impl ConnectionTrait, customer_id: i64) -> AppResult<Vec<RequestBrief>> {
    use super::RequestState as S;
    let open = [S::CsProcessing, S::DeptPending, S::DeptProcessing, S::FeedbackReceived].map(|s| s.code());
    let rows = service_request::Entity::find()
        .filter(service_request::Column::CustomerId.eq(customer_id))
        .filter(service_request::Column::State.is_in(open))
        .order_by_desc(service_request::Column::AcceptedAt)
        .limit(10)
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(super::query::brief).collect())
}

/// Non-members that may be the caller again (same phone or company), for re-use (SM-1 T0).
pub async fn non_members(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    mobile: &str,
    phone: &str,
    company: &str,
) -> AppResult<Vec<CallerHit>> {
    let mut any = Condition::any();
    let mobile = crate::archive::dedup::mobile_key(mobile);
    if mobile.len() == 11 {
        any = any.add(c("phone_mobile").eq(mobile));
    }
    let fixed = phone.trim();
    if !fixed.is_empty() {
        any = any.add(c("phone_fixed").eq(fixed.to_string()));
    }
    let company = company.trim();
    if !company.is_empty() {
        any = any.add(c("company_name_norm").eq(company_norm(company)));
    }
    if any.is_empty() {
        return Ok(vec![]);
    }
    let cond = Condition::all()
        .add(c("customer_type").eq(CustomerType::NonMember.code()))
        .add(any)
        .add(scope_condition(&user.scope));
    let rows = customers(db, cond, 5).await?;
    let orgs = org_names(db, rows.iter().map(|m| m.organization_id).collect()).await?;
    Ok(rows
        .into_iter()
        .filter(|m| may_see(user, m))
        .map(|m| CallerHit {
            id: m.id,
            customer_type: CustomerType::NonMember,
            company_name: m.company_name.unwrap_or_default(),
            contact_name: m.contact_name.unwrap_or_default(),
            login_name: m.login_name.unwrap_or_default(),
            registered_email: m.registered_email.unwrap_or_default(),
            phone_mobile: m.phone_mobile.unwrap_or_default(),
            member_level: String::new(),
            org_name: orgs.get(&m.organization_id).cloned().unwrap_or_default(),
            foreign: false,
        })
        .collect())
}
