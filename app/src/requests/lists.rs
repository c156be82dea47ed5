//! 诉求列表 (PG-21) and 部门待办 (PG-23): the filters, the tabs, the export's statement, and how
//! each page is planned at millions of requests (`db::fetch_listing`).
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entity::{dept_feedback, service_request};
use super::query::{KIND, rows, visible, visible_with};
use super::{HandlingStatus, InboxTab, ListTab, RequestFilter, RequestRow, RequestState, SlaState};
use crate::auth::Perm;
use crate::auth::session::CurrentUser;
use crate::db::{Listing, contains, fetch_listing, hidden_from_index};
use crate::error::{AppError, AppResult};
use crate::members::conditions::ts_range;
use crate::members::search::digits;
use crate::ui::Page;

use service_request::Column as R;

fn states_of(status: HandlingStatus) -> Vec<RequestState> {
    RequestState::ALL.iter().copied().filter(|s| s.handling_status() == Some(status)).collect()
}

/// 企业名称 / 登录名 / 电话 name the request's caller as the member (or non-member) record has
/// it now, found through the member search index (SPEC §8.3 semantics) — not a scan of
/// millions of request snapshots. `None` without such a filter.
fn member_text(backend: sea_orm::DbBackend, f: &RequestFilter) -> Option<sea_orm::sea_query::SelectStatement> {
    use crate::members::MemberFilter;
    use crate::members::conditions::{TextMatch, any_phone_match, c, text_condition};
    let by_text = MemberFilter { company: f.company.clone(), login: f.login.clone(), ..Default::default() };
    let mut cond = text_condition(backend, &by_text, &TextMatch::Index);
    if let Some(phone) = any_phone_match(backend, &digits(&f.phone)) {
        cond = Some(cond.unwrap_or_else(Condition::all).add(phone));
    }
    let mut q = Query::select();
    q.expr(c("id")).from_as(crate::members::entity::customer::Entity, sea_orm::sea_query::Alias::new("c"));
    Some(q.cond_where(cond?).to_owned())
}

/// The filter's conditions shared by the list and the inbox.
fn filter_condition(backend: sea_orm::DbBackend, f: &RequestFilter) -> Condition {
    let mut cond = Condition::all();
    // 诉求编号: a number's start is looked up in its unique index; any other part is searched.
    let no = f.no.trim().to_uppercase();
    if !no.is_empty() {
        cond = cond.add(if no.starts_with("SQ") && backend == sea_orm::DbBackend::Sqlite {
            // (SQLite's LIKE ignores case, so only a range reaches the index.)
            Condition::all().add(R::RequestNo.gte(no.as_str())).add(R::RequestNo.lt(format!("{no}\u{10FFFF}")))
        } else if no.starts_with("SQ") {
            Condition::all().add(R::RequestNo.starts_with(no.as_str()))
        } else {
            Condition::all().add(contains(backend, Expr::col(R::RequestNo), &no))
        });
    }
    let caller = f.caller.trim();
    if !caller.is_empty() {
        cond = cond.add(contains(backend, Expr::col(R::CallerName), caller));
    }
    if let Some(members) = member_text(backend, f) {
        cond = cond.add(R::CustomerId.in_subquery(members));
    }
    for (col, v) in [
        (R::RequestType, &f.request_type),
        (R::Channel, &f.channel),
        (R::AcceptingDept, &f.accepting_dept),
        (R::HandlingDept, &f.handling_dept),
        (R::Priority, &f.priority),
        (R::CustomerType, &f.customer_type),
        (R::MemberLevelSnapshot, &f.level),
        (R::QaStatus, &f.qa),
    ] {
        if !v.is_empty() {
            cond = cond.add(col.eq(v.as_str()));
        }
    }
    // Most requests are closed: the state index serves the open states only. Asked for a
    // closed one, SQLite is kept from walking a third of the table through it (its statistics
    // give every state the same share) and counts on the narrow filter index instead.
    let state = |states: &[RequestState]| {
        let codes = states.iter().map(|s| s.code());
        if states.iter().all(|s| s.is_closed()) {
            hidden_from_index::<service_request::Entity>(backend, R::State).is_in(codes)
        } else {
            Expr::col((service_request::Entity, R::State)).is_in(codes)
        }
    };
    if let Some(s) = RequestState::parse(&f.state) {
        cond = cond.add(state(&[s]));
    }
    if let Some(s) = HandlingStatus::parse(&f.handling_status) {
        cond = cond.add(state(&states_of(s)));
    }
    if let Some(s) = SlaState::parse(&f.sla) {
        cond = cond.add(R::SlaState.eq(s.code()));
    }
    if let Some(org) = f.org {
        cond = cond.add(R::AcceptingOrgId.eq(org));
    }
    if let Some(agent) = f.agent {
        cond = cond.add(R::AgentId.eq(agent));
    }
    // A request is routed after it is accepted: the routing range's end bounds the acceptance
    // too, so a list walking acceptance times starts where the matches are.
    cond.add(ts_range(Expr::col(R::AcceptedAt), &f.from, &f.to))
        .add(ts_range(Expr::col(R::RoutedAt), &f.routed_from, &f.routed_to))
        .add(ts_range(Expr::col(R::AcceptedAt), "", &f.routed_to))
}

/// 诉求列表 (PG-21): one page of a tab.
pub async fn list(db: &impl ConnectionTrait, user: &CurrentUser, f: &RequestFilter) -> AppResult<Page<RequestRow>> {
    let listing = list_listing(db.get_database_backend(), user, f)?;
    let page = fetch_listing(db, listing, f.page, f.per_page).await?;
    rows(db, page).await
}

/// The rows and order of a 诉求列表 tab and filter that `user` may see.
pub fn list_listing(
    backend: sea_orm::DbBackend,
    user: &CurrentUser,
    f: &RequestFilter,
) -> AppResult<Listing<service_request::Entity>> {
    Ok(Listing {
        rows: service_request::Entity::find().filter(tab_condition(backend, user, f)?),
        scope: visible(user),
        walk_scope: visible_with(user, &|c| hidden_from_index::<service_request::Entity>(backend, c)),
        id: R::Id,
        key: R::AcceptedAt,
        desc: true,
    })
}

/// The requests of a 诉求列表 tab and filter that `user` may see.
fn list_condition(backend: sea_orm::DbBackend, user: &CurrentUser, f: &RequestFilter) -> AppResult<Condition> {
    // `visible` may be an OR of conditions: it is one term of the AND, never extended.
    Ok(Condition::all().add(visible(user)).add(tab_condition(backend, user, f)?))
}

/// A 诉求列表 tab and filter, the account's scope aside.
fn tab_condition(backend: sea_orm::DbBackend, user: &CurrentUser, f: &RequestFilter) -> AppResult<Condition> {
    f.validate()?;
    let me = user.account.id;
    let cond = filter_condition(backend, f);
    Ok(match f.list_tab() {
        ListTab::AwaitingReply => cond.add(R::AgentId.eq(me)).add(R::State.eq(RequestState::FeedbackReceived.code())),
        ListTab::Handling => cond.add(R::AgentId.eq(me)).add(R::State.eq(RequestState::CsProcessing.code())),
        ListTab::Mine => cond.add(R::AgentId.eq(me)),
        ListTab::All if f.state.is_empty() => cond.add(R::State.ne(RequestState::Voided.code())),
        ListTab::All => cond,
        ListTab::Voided => {
            if !user.has(Perm::IntakeVoidRequest) {
                return Err(AppError::Forbidden);
            }
            cond.add(R::State.eq(RequestState::Voided.code()))
        }
    })
}

/// How many rows an export of `f` writes (at most `cap`).
pub async fn count_upto(db: &impl ConnectionTrait, user: &CurrentUser, f: &RequestFilter, cap: u64) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    let cond = list_condition(db.get_database_backend(), user, f)?;
    let ids = service_request::Entity::find().select_only().column(R::Id).filter(cond).limit(cap);
    Ok(ids.count(db).await?)
}

/// Every request of `f` as 诉求列表 lists them, with the agent's name (`agent_name`), for the
/// export.
pub fn export_statement(
    backend: sea_orm::DbBackend,
    user: &CurrentUser,
    f: &RequestFilter,
) -> AppResult<sea_orm::sea_query::SelectStatement> {
    use crate::auth::entity::account;
    use sea_orm::QueryTrait;
    let cond = list_condition(backend, user, f)?;
    let mut q =
        service_request::Entity::find().filter(cond).order_by_desc(R::AcceptedAt).order_by_desc(R::Id).into_query();
    q.left_join(
        account::Entity,
        Expr::col((account::Entity, account::Column::Id)).equals((service_request::Entity, R::AgentId)),
    )
    .expr_as(Expr::col((account::Entity, account::Column::Name)), sea_orm::sea_query::Alias::new("agent_name"));
    Ok(q)
}

/// 部门待办 (PG-23): what is routed to the user's department (待处理, longest waiting first),
/// or what it answered (已反馈, newest feedback first).
pub async fn inbox(db: &impl ConnectionTrait, user: &CurrentUser, f: &RequestFilter) -> AppResult<Page<RequestRow>> {
    let listing = inbox_listing(db.get_database_backend(), user, f)?;
    let page = fetch_listing(db, listing, f.page, f.per_page).await?;
    rows(db, page).await
}

/// The rows and order of a 部门待办 tab and filter of `user`'s department.
pub fn inbox_listing(
    backend: sea_orm::DbBackend,
    user: &CurrentUser,
    f: &RequestFilter,
) -> AppResult<Listing<service_request::Entity>> {
    f.validate()?;
    let dept = user.org.id;
    let found = service_request::Entity::find().filter(filter_condition(backend, f));
    Ok(match f.inbox_tab() {
        InboxTab::Pending => Listing {
            rows: found
                .filter(R::HandlingOrgId.eq(dept))
                .filter(R::State.is_in([RequestState::DeptPending.code(), RequestState::DeptProcessing.code()])),
            scope: Condition::all(),
            walk_scope: Condition::all(),
            id: R::Id,
            key: R::RoutedAt,
            desc: false,
        },
        InboxTab::Done => {
            use dept_feedback::Column as D;
            let mut answered = Query::select();
            answered
                .from(dept_feedback::Entity)
                .and_where(Expr::col((dept_feedback::Entity, D::DepartmentOrgId)).eq(dept))
                .and_where(Expr::col((dept_feedback::Entity, D::RequestKind)).eq(KIND));
            // Counting starts from the department's answers (its index); walking newest feedback
            // first probes each request for one instead of gathering them all.
            let ids = answered.clone().column((dept_feedback::Entity, D::RequestId)).to_owned();
            let probe = answered
                .expr(Expr::val(1))
                .and_where(Expr::col((dept_feedback::Entity, D::RequestId)).equals((service_request::Entity, R::Id)))
                .to_owned();
            Listing {
                rows: found.filter(R::FeedbackAt.is_not_null()),
                scope: Condition::all().add(R::Id.in_subquery(ids)),
                walk_scope: Condition::all().add(Expr::exists(probe)),
                id: R::Id,
                key: R::FeedbackAt,
                desc: true,
            }
        }
    })
}
