//! Reading rep-office needs: who sees which, the three lists (我的需求, 代表处需求处理, the
//! department inbox's tab) and the detail as each lane may see it.
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entity::rep_office_request;
use super::{KIND, QueueTab, RepActor, RepDetail, RepFilter, RepRow, RepState};
use crate::auth::Perm;
use crate::auth::entity::organization;
use crate::auth::scope::Scope;
use crate::auth::session::CurrentUser;
use crate::db::{account_names, contains, fetch_page, names, people_and_orgs};
use crate::error::{AppError, AppResult};
use crate::members::conditions::ts_range;
use crate::requests::{HandlingDept, HandlingStatus, RequestType, StepType, StepView};
use crate::ui::Page;

use rep_office_request::Column as N;

/// HQ CS holding 处理需求 sees every need.
pub fn is_hq(user: &CurrentUser) -> bool {
    user.has(Perm::IntakeRepNeedProcess)
}

/// The needs `user` may see: HQ CS all; a rep office those of its organisations; a department
/// those routed to it in any round; anyone else what they submitted.
pub fn visible(user: &CurrentUser) -> Condition {
    if is_hq(user) {
        return Condition::all();
    }
    match &user.scope {
        Scope::All => Condition::all(),
        Scope::Orgs(ids) => Condition::all().add(N::OrganizationId.is_in(ids.clone())),
        Scope::Dept(org) => routed_to(*org),
        Scope::Own(_) => Condition::all().add(N::SubmittedBy.eq(user.account.id)),
    }
}

/// The need was routed to department organisation `org` in some round.
fn routed_to(org: i64) -> Condition {
    crate::requests::query::routed_to(KIND, org, (rep_office_request::Entity, N::Id))
}

/// The need `id` if `user` may see it; anything else is "not found".
pub async fn visible_need(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: i64,
) -> AppResult<rep_office_request::Model> {
    rep_office_request::Entity::find_by_id(id).filter(visible(user)).one(db).await?.ok_or(AppError::NotFound)
}

/// Whether `user` is `actor` for need `n`.
pub fn is_actor(user: &CurrentUser, n: &rep_office_request::Model, actor: RepActor) -> bool {
    match actor {
        RepActor::Office => user.has(Perm::IntakeRepNeedSubmit) && n.organization_id == user.org.id,
        RepActor::Hq => is_hq(user),
        RepActor::Dept => user.has(Perm::BizDeptInbox) && n.handling_org_id == Some(user.org.id),
    }
}

/// The filter's conditions shared by the lists.
pub(crate) fn filter_condition(backend: sea_orm::DbBackend, f: &RepFilter) -> Condition {
    let mut cond = Condition::all();
    let no = f.no.trim().to_uppercase();
    if !no.is_empty() {
        cond = cond.add(contains(backend, Expr::col(N::RequestNo), &no));
    }
    let keyword = f.keyword.trim();
    if !keyword.is_empty() {
        cond = cond.add(contains(backend, Expr::col(N::Content), keyword));
    }
    if f.request_type == super::UNCLASSIFIED {
        cond = cond.add(N::RequestType.is_null());
    }
    let kind = if f.request_type == super::UNCLASSIFIED { &String::new() } else { &f.request_type };
    for (col, v) in [(N::RequestType, kind), (N::HandlingDept, &f.handling_dept), (N::State, &f.state)] {
        if !v.is_empty() {
            cond = cond.add(col.eq(v.as_str()));
        }
    }
    if let Some(s) = HandlingStatus::parse(&f.handling_status) {
        let states: Vec<&str> =
            RepState::ALL.iter().filter(|x| x.handling_status() == Some(s)).map(|x| x.code()).collect();
        cond = cond.add(N::State.is_in(states));
    }
    if f.state.is_empty() {
        // A withdrawn need is hidden unless asked for.
        cond = cond.add(N::State.ne(RepState::Withdrawn.code()));
    }
    if let Some(org) = f.org {
        cond = cond.add(N::OrganizationId.eq(org));
    }
    cond.add(ts_range(Expr::col(N::AcceptedAt), &f.from, &f.to))
}

/// Where a list is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepList {
    /// 我的需求: the rep office's own needs (its scope).
    Mine,
    /// 代表处需求处理: HQ CS, by tab.
    Queue,
    /// 部门待办 › 代表处需求: what was routed to the user's department.
    Inbox,
}

pub async fn list(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    f: &RepFilter,
    which: RepList,
) -> AppResult<Page<RepRow>> {
    f.validate()?;
    let mut cond = Condition::all().add(filter_condition(db.get_database_backend(), f));
    let mut q = rep_office_request::Entity::find();
    match which {
        RepList::Mine => {
            cond = cond.add(visible(user));
            q = q.order_by_desc(N::AcceptedAt);
        }
        RepList::Queue => {
            if !is_hq(user) {
                return Err(AppError::Forbidden);
            }
            let tab = f.queue_tab();
            cond = cond.add(N::State.is_in(tab.states().iter().map(|s| s.code())));
            q = if tab == QueueTab::Done { q.order_by_desc(N::CompletedAt) } else { q.order_by_asc(N::AcceptedAt) };
        }
        RepList::Inbox => {
            cond = cond.add(routed_to(user.org.id));
            q = q.order_by_desc(N::RoutedAt);
        }
    }
    let page = fetch_page(db, q.filter(cond).order_by_desc(N::Id), f.page, f.per_page).await?;
    rows(db, page).await
}

async fn rows(db: &impl ConnectionTrait, page: Page<rep_office_request::Model>) -> AppResult<Page<RepRow>> {
    let accounts = account_names(db, page.items.iter().map(|n| n.submitted_by).collect()).await?;
    let orgs = org_names(db, page.items.iter().map(|n| n.organization_id).collect()).await?;
    Ok(page.map(|n| row(n, &accounts, &orgs)))
}

async fn org_names(db: &impl ConnectionTrait, ids: Vec<i64>) -> AppResult<std::collections::HashMap<i64, String>> {
    names::<organization::Entity>(db, ids, organization::Column::Id, |o| (o.id, o.name)).await
}

fn row(
    n: rep_office_request::Model,
    accounts: &std::collections::HashMap<i64, String>,
    orgs: &std::collections::HashMap<i64, String>,
) -> RepRow {
    RepRow {
        id: n.id,
        request_no: n.request_no,
        org: orgs.get(&n.organization_id).cloned().unwrap_or_default(),
        submitter: accounts.get(&n.submitted_by).cloned().unwrap_or_default(),
        accepted_at: n.accepted_at,
        content: n.content.chars().take(50).collect(),
        request_type: n.request_type.as_deref().and_then(RequestType::parse),
        handling_dept: n.handling_dept.as_deref().and_then(HandlingDept::parse),
        state: RepState::parse(&n.state).unwrap_or(RepState::Submitted),
        routed_at: n.routed_at,
        completed_at: n.completed_at,
    }
}

/// The steps a rep office sees: its own, HQ's taking, routing and answer — not what happened
/// inside the department, and no internal notes except the answer.
fn office_sees(step: StepType) -> (bool, bool) {
    match step {
        StepType::Intake | StepType::Withdraw | StepType::ReplyRepOffice => (true, true),
        StepType::Route | StepType::Reroute => (true, false),
        StepType::Accept => (true, false),
        _ => (false, false),
    }
}

/// 代表处诉求详情 (PG-16).
pub async fn detail(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<RepDetail> {
    let n = visible_need(db, user, id).await?;
    crate::notify::service::mark_read_link(db, user, &format!("/rep-needs/{id}")).await?;
    // HQ CS and the departments see everything; the rep office only what concerns it.
    let internal = is_hq(user) || matches!(user.scope, Scope::Dept(_));
    let steps = crate::requests::query::steps_of(db, KIND, id).await?;
    let mut account_ids: Vec<i64> = steps.iter().map(|s| s.actor_id).collect();
    account_ids.extend([Some(n.submitted_by), n.hq_handler_id].into_iter().flatten());
    let mut org_ids: Vec<i64> = steps.iter().map(|s| s.actor_org_id).collect();
    org_ids.extend([Some(n.organization_id), n.handling_org_id].into_iter().flatten());
    let (accounts, orgs) = people_and_orgs(db, account_ids, org_ids).await?;
    let acc = |id: Option<i64>| id.and_then(|i| accounts.get(&i).cloned()).unwrap_or_default();
    let org = |id: Option<i64>| id.and_then(|i| orgs.get(&i).cloned()).unwrap_or_default();
    let feedbacks = if internal { crate::requests::query::feedbacks_of(&steps, &acc, &org) } else { vec![] };

    let name = |c: crate::members::entity::customer::Model| c.company_name.unwrap_or_default();
    let customer = match n.customer_id {
        Some(cid) => match crate::members::service::visible_customer(db, user, cid).await {
            Ok(c) => Some((cid, name(c), true)),
            Err(_) => {
                crate::members::entity::customer::Entity::find_by_id(cid).one(db).await?.map(|c| (cid, name(c), false))
            }
        },
        None => None,
    };
    let state = RepState::parse(&n.state).unwrap_or(RepState::Submitted);
    let actions: Vec<_> = state.actions().into_iter().filter(|a| is_actor(user, &n, a.actor())).collect();
    let departments =
        if actions.iter().any(|a| a.routes()) { crate::requests::query::departments(db).await? } else { vec![] };
    let steps = steps
        .into_iter()
        .filter_map(|s| {
            let step = StepType::parse(&s.step_type)?;
            let (shown, note) = if internal { (true, true) } else { office_sees(step) };
            shown.then(|| StepView {
                step,
                to_state: RepState::parse(&s.to_state).unwrap_or(RepState::Submitted),
                to_dept: s.to_dept.as_deref().and_then(HandlingDept::parse),
                actor: acc(Some(s.actor_id)),
                org: org(Some(s.actor_org_id)),
                note: if note { s.note.unwrap_or_default() } else { String::new() },
                at: s.created_at,
            })
        })
        .collect();
    // The rep office sees the result once it was answered; HQ its draft.
    let result =
        if internal || state == RepState::Completed { n.result.clone().unwrap_or_default() } else { String::new() };
    Ok(RepDetail {
        content: n.content.clone(),
        customer,
        result,
        hq_handler: acc(n.hq_handler_id),
        handling_org: org(n.handling_org_id),
        steps,
        feedbacks,
        actions,
        departments,
        version: n.version,
        row: row(n, &accounts, &orgs),
    })
}
