//! 诉求列表 (PG-21) and 部门待办 (PG-23): the filters, the tabs, the export's statement, and how
//! each page is planned at millions of requests (`db::fetch_listing`).
use chrono::{Datelike, NaiveDate};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entity::{dept_feedback, service_request};
use super::query::{KIND, rows, visible, visible_with};
use super::{HandlingStatus, InboxTab, ListTab, RequestFilter, RequestRow, RequestState, SlaState};
use crate::auth::Perm;
use crate::auth::session::CurrentUser;
use crate::db::{Listing, contains, fetch_listing, hidden_from_index, more_than};
use crate::error::{AppError, AppResult};
use crate::members::conditions::ts_range;
use crate::members::conditions::{GramIndex, gram_index_match};
use crate::members::search::{digits, search_text};
use crate::ui::Page;

use service_request::Column as R;

fn states_of(status: HandlingStatus) -> Vec<RequestState> {
    RequestState::ALL.iter().copied().filter(|s| s.handling_status() == Some(status)).collect()
}

/// 企业名称 / 登录名 / 电话 name the request's caller as the member (or non-member) record has
/// it now, found through the member search index (SPEC §8.3 semantics) — not a scan of
/// millions of request snapshots. `None` without such a filter.
///
/// The index proposes customer ids (it reads no customer row); each request whose customer is
/// proposed is then tested on its customer's text, one row at a time, through a scalar
/// subquery (SQLite codes it after the other terms and does not turn it into a join). So a
/// page stops after the rows it needs instead of first testing every proposed customer — a
/// login prefix such as "huih" proposes 6,600 of them. `walking`: the customer column is kept
/// out of SQLite's index choice, so a list with many matches is read in its order instead of
/// gathering and sorting every request of the proposed customers.
fn member_text(backend: sea_orm::DbBackend, f: &RequestFilter, walking: bool) -> Option<Condition> {
    use crate::members::MemberFilter;
    use crate::members::conditions::{
        TextMatch, any_phone_match, any_phone_substring, c, index_candidates, text_condition,
    };
    use crate::members::entity::customer;
    use sea_orm::sea_query::{Alias, SubQueryStatement};
    let phone = digits(&f.phone);
    let by_text = MemberFilter { company: f.company.clone(), login: f.login.clone(), ..Default::default() };
    let customers = |cond: Condition| {
        let mut q = Query::select();
        q.from_as(customer::Entity, Alias::new("c")).cond_where(cond);
        q
    };
    let mut test = text_condition(backend, &by_text, &TextMatch::Scan);
    if let Some(p) = any_phone_substring(backend, &phone) {
        test = Some(test.unwrap_or_else(Condition::all).add(p));
    }
    // (Both phone columns share one gram column: a mobile-number filter asks it.)
    let asked = MemberFilter { phone_mobile: phone.clone(), ..by_text.clone() };
    if let (Some(candidates), Some(test)) = (index_candidates(backend, &asked, None), test) {
        let mut probe = customers(test.add(c("id").equals((service_request::Entity, R::CustomerId))));
        probe.expr(Expr::val(1));
        let tested = Expr::SubQuery(None, Box::new(SubQueryStatement::from(probe))).eq(1);
        let customer = column(backend, R::CustomerId, walking);
        return Some(Condition::all().add(customer.in_subquery(candidates)).add(tested));
    }
    // A text without any indexable character: the substring test alone decides.
    let mut cond = text_condition(backend, &by_text, &TextMatch::Index);
    if let Some(p) = any_phone_match(backend, &phone) {
        cond = Some(cond.unwrap_or_else(Condition::all).add(p));
    }
    let mut q = customers(cond?);
    q.expr(c("id"));
    Some(Condition::all().add(R::CustomerId.in_subquery(q)))
}

/// How 客户姓名 reaches the caller search index (migration `m20261208_000001`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CallerSearch {
    /// The index proposes requests, a substring test on the normalised name decides.
    #[default]
    Index,
    /// A name so common ("王": a tenth of all callers) that testing the name on the narrow
    /// filter index while walking the list reaches a page sooner than gathering every request
    /// the index proposes (SQLite; also a name without any indexable character).
    Scan,
}

/// More requests than this proposed for a name make it common ([`CallerSearch::Scan`]).
const COMMON_CALLER: u64 = 2_000;

/// How 诉求列表 searches 客户姓名 of `f`: one bounded look at the index on SQLite
/// (PostgreSQL's planner weighs the GIN index itself).
pub async fn caller_search(db: &impl ConnectionTrait, f: &RequestFilter) -> AppResult<CallerSearch> {
    use crate::members::conditions::fts_match;
    use crate::members::search::query_grams;
    let backend = db.get_database_backend();
    let needle = search_text(&f.caller);
    if needle.is_empty() || backend != sea_orm::DbBackend::Sqlite {
        return Ok(CallerSearch::Index);
    }
    let q = query_grams(&needle);
    if q.is_empty() {
        return Ok(CallerSearch::Scan);
    }
    let mut proposed = Query::select();
    proposed.expr(Expr::cust("rowid")).from(sea_orm::sea_query::Alias::new(CALLER_INDEX.fts)).and_where(
        Expr::cust_with_values(format!("{} MATCH ?", CALLER_INDEX.fts), [fts_match(CALLER_INDEX.column, &q)]),
    );
    Ok(if more_than(db, proposed, COMMON_CALLER).await? { CallerSearch::Scan } else { CallerSearch::Index })
}

const CALLER_INDEX: GramIndex =
    GramIndex { table: "service_request", fts: "request_caller_fts", column: "caller_grams" };

/// 客户姓名 contains the typed text (SPEC §8.3.4 semantics on the request's caller name).
fn caller_condition(backend: sea_orm::DbBackend, f: &RequestFilter, how: CallerSearch) -> Option<Condition> {
    use crate::members::search::query_grams;
    let needle = search_text(&f.caller);
    if needle.is_empty() {
        return None;
    }
    let mut cond = Condition::all();
    if how == CallerSearch::Index
        && let Some(proposed) = gram_index_match(backend, CALLER_INDEX, &query_grams(&needle), false)
    {
        cond = cond.add(proposed);
    }
    Some(cond.add(contains(backend, Expr::col((service_request::Entity, R::CallerText)), &needle)))
}

/// A request column, `hidden` from SQLite's index choice or offered to it.
fn column(backend: sea_orm::DbBackend, col: R, hidden: bool) -> Expr {
    if hidden {
        hidden_from_index::<service_request::Entity>(backend, col)
    } else {
        Expr::col((service_request::Entity, col))
    }
}

/// `scope` (one term, never extended: it may be an OR) and the filters planned per statement:
/// the member text filter and the routing range. Counting, their indexes find the matches;
/// `walking` the list's order, their columns are kept out of SQLite's index choice (a quarter's
/// routings gathered and sorted for one page of 已反馈: 280 ms; walked in feedback order: 1 ms).
fn with_planned(backend: sea_orm::DbBackend, f: &RequestFilter, scope: Condition, walking: bool) -> Condition {
    let mut cond = Condition::all().add(scope);
    if let Some(text) = member_text(backend, f, walking) {
        cond = cond.add(text);
    }
    cond.add(ts_range(column(backend, R::RoutedAt, walking), &f.routed_from, &f.routed_to))
}

/// The acceptance days a request number's start allows: a number is `SQ`, the day of its
/// acceptance in Asia/Shanghai and a sequence (`intake::number`), so "SQ202612" names December
/// 2026's requests only, and a list walking acceptance times starts there. `None` when the
/// start names no year, or no day could carry it.
fn days_of_number(no: &str) -> Option<(NaiveDate, NaiveDate)> {
    let day: String = no.strip_prefix("SQ")?.chars().take_while(char::is_ascii_digit).take(8).collect();
    if day.len() < 4 {
        return None;
    }
    let padded = |fill: &str| format!("{day}{}", fill.repeat(8 - day.len()));
    let part = |s: &str, r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    let (lo, hi) = (padded("0"), padded("9"));
    let year = part(&lo, 0..4)? as i32;
    let month_end = |m: u32| {
        let next =
            if m == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, m + 1, 1) };
        next.and_then(|d| d.pred_opt())
    };
    // The first day at or after the padded start, the last at or before the padded end.
    let first = NaiveDate::from_ymd_opt(year, std::cmp::max(part(&lo, 4..6)?, 1), std::cmp::max(part(&lo, 6..8)?, 1))?;
    let (hi_month, hi_day) = (part(&hi, 4..6)?, part(&hi, 6..8)?);
    let last = if hi_month > 12 {
        month_end(12)?
    } else {
        if hi_month == 0 || hi_day == 0 {
            return None;
        }
        let end = month_end(hi_month)?;
        NaiveDate::from_ymd_opt(year, hi_month, std::cmp::min(hi_day, end.day()))?
    };
    (first <= last).then_some((first, last))
}

/// The filter's conditions shared by the list and the inbox (the member text filters and the
/// routing range aside: [`with_planned`] plans them per statement).
fn filter_condition(backend: sea_orm::DbBackend, f: &RequestFilter, caller: CallerSearch) -> Condition {
    let mut cond = Condition::all();
    // 诉求编号: a number's start is looked up in its unique index; any other part is searched.
    let no = f.no.trim().to_uppercase();
    if let Some((first, last)) = days_of_number(&no) {
        cond = cond.add(ts_range(Expr::col(R::AcceptedAt), &first.to_string(), &last.to_string()));
    }
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
    if let Some(c) = caller_condition(backend, f, caller) {
        cond = cond.add(c);
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
        column(backend, R::State, states.iter().all(|s| s.is_closed())).is_in(states.iter().map(|s| s.code()))
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
    cond.add(ts_range(Expr::col(R::AcceptedAt), &f.from, &f.to)).add(ts_range(
        Expr::col(R::AcceptedAt),
        "",
        &f.routed_to,
    ))
}

/// 诉求列表 (PG-21): one page of a tab.
pub async fn list(db: &impl ConnectionTrait, user: &CurrentUser, f: &RequestFilter) -> AppResult<Page<RequestRow>> {
    f.validate()?;
    let caller = caller_search(db, f).await?;
    let listing = list_listing(db.get_database_backend(), user, f, caller)?;
    let page = fetch_listing(db, listing, f.page, f.per_page).await?;
    rows(db, page).await
}

/// The rows and order of a 诉求列表 tab and filter that `user` may see.
pub fn list_listing(
    backend: sea_orm::DbBackend,
    user: &CurrentUser,
    f: &RequestFilter,
    caller: CallerSearch,
) -> AppResult<Listing<service_request::Entity>> {
    let walk_scope = with_planned(backend, f, visible_with(user, &|c| column(backend, c, true)), true);
    Ok(Listing {
        rows: service_request::Entity::find().filter(tab_condition(backend, user, f, caller)?),
        // A common caller name is tested on the filter index while reading it, counting too:
        // through the office's own indexes each candidate would be a wide row read.
        // Filtered by agent, the agent's index carries the scope's columns: through the office's
        // own indexes each of the office's requests would be read to find the agent's.
        scope: if caller == CallerSearch::Scan {
            walk_scope.clone()
        } else {
            let hidden = f.agent.is_some();
            with_planned(backend, f, visible_with(user, &|c| column(backend, c, hidden)), false)
        },
        walk_scope,
        id: R::Id,
        key: R::AcceptedAt,
        desc: true,
    })
}

/// The conditions of `f` for another list over requests (质检, PG-38) that `user` may see:
/// the filters (`rows`), then the scope with the member text filter planned for counting and
/// for walking a list order, as [`list_listing`] plans them (no tab, no 客户姓名).
pub(crate) fn filtered(
    backend: sea_orm::DbBackend,
    user: &CurrentUser,
    f: &RequestFilter,
) -> AppResult<(Condition, Condition, Condition)> {
    f.validate()?;
    let rows = filter_condition(backend, f, CallerSearch::Index);
    let hidden = f.agent.is_some();
    let scope = with_planned(backend, f, visible_with(user, &|c| column(backend, c, hidden)), false);
    let walk = with_planned(backend, f, visible_with(user, &|c| column(backend, c, true)), true);
    Ok((rows, scope, walk))
}

/// The requests of a 诉求列表 tab and filter that `user` may see.
fn list_condition(backend: sea_orm::DbBackend, user: &CurrentUser, f: &RequestFilter) -> AppResult<Condition> {
    // `visible` may be an OR of conditions: it is one term of the AND, never extended.
    let scope = with_planned(backend, f, visible(user), false);
    Ok(scope.add(tab_condition(backend, user, f, CallerSearch::Index)?))
}

/// A 诉求列表 tab and filter, the account's scope aside.
fn tab_condition(
    backend: sea_orm::DbBackend,
    user: &CurrentUser,
    f: &RequestFilter,
    caller: CallerSearch,
) -> AppResult<Condition> {
    f.validate()?;
    let me = user.account.id;
    let cond = filter_condition(backend, f, caller);
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
    f.validate()?;
    let answers = if f.inbox_tab() == InboxTab::Done { answers(db, user.org.id).await? } else { Answers::Few };
    let listing = inbox_listing(db.get_database_backend(), user, f, answers)?;
    let page = fetch_listing(db, listing, f.page, f.per_page).await?;
    rows(db, page).await
}

/// How many member requests a department has answered, as far as planning 已反馈 cares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Answers {
    #[default]
    Few,
    /// More than [`MANY_ANSWERS`]: a fifth of all requests, say, for 技术部 at 2M.
    Many,
}

const MANY_ANSWERS: u64 = 20_000;

/// One bounded count over the department's answers (their index).
pub async fn answers(db: &impl ConnectionTrait, dept: i64) -> AppResult<Answers> {
    use dept_feedback::Column as D;
    let mut given = Query::select();
    given
        .expr(Expr::val(1))
        .from(dept_feedback::Entity)
        .and_where(Expr::col(D::DepartmentOrgId).eq(dept))
        .and_where(Expr::col(D::RequestKind).eq(KIND));
    Ok(if more_than(db, given, MANY_ANSWERS).await? { Answers::Many } else { Answers::Few })
}

/// The rows and order of a 部门待办 tab and filter of `user`'s department, which has given
/// `answers` (only 已反馈 reads it).
pub fn inbox_listing(
    backend: sea_orm::DbBackend,
    user: &CurrentUser,
    f: &RequestFilter,
    answers: Answers,
) -> AppResult<Listing<service_request::Entity>> {
    f.validate()?;
    let dept = user.org.id;
    // (PG-23 has no 客户姓名 filter: nothing to weigh.)
    let found = service_request::Entity::find().filter(filter_condition(backend, f, CallerSearch::Index));
    Ok(match f.inbox_tab() {
        InboxTab::Pending => Listing {
            rows: found
                .filter(R::HandlingOrgId.eq(dept))
                .filter(R::State.is_in([RequestState::DeptPending.code(), RequestState::DeptProcessing.code()])),
            scope: with_planned(backend, f, Condition::all(), false),
            walk_scope: with_planned(backend, f, Condition::all(), true),
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
            // Counting: a member text filter or a routing range finds fewer requests than the
            // department answered: they drive, each probed for an answer (衡阳 at 2M requests
            // 170 → 22 ms). A large department's answers are found among any requests read:
            // read in the order another filter's index gives (a number's acceptance days; not
            // the feedback times, whose index starts with the unanswered and the oldest), each
            // probed one by one — a scalar subquery, which SQLite neither turns into a join nor
            // prepares a Bloom filter of 400k answers for (已反馈 of 技术部 60 → 3 ms). A small
            // department's answers are gathered: they are few.
            let answered_at = R::FeedbackAt.is_not_null();
            let bare =
                *f == RequestFilter { tab: f.tab.clone(), page: f.page, per_page: f.per_page, ..Default::default() };
            let driven = member_text(backend, f, false).is_some()
                || !f.routed_from.trim().is_empty()
                || !f.routed_to.trim().is_empty();
            let counted = if driven {
                Condition::all().add(Expr::exists(probe.clone())).add(answered_at.clone())
            } else if answers == Answers::Many {
                let mut one = probe.clone();
                one.limit(1);
                let fed_back = column(backend, R::FeedbackAt, !bare).is_not_null();
                Condition::all().add(Expr::SubQuery(None, Box::new(one.into())).eq(1)).add(fed_back)
            } else {
                Condition::all().add(R::Id.in_subquery(ids)).add(answered_at.clone())
            };
            Listing {
                rows: found,
                scope: with_planned(backend, f, counted, false),
                walk_scope: with_planned(backend, f, Condition::all().add(Expr::exists(probe)).add(answered_at), true),
                id: R::Id,
                key: R::FeedbackAt,
                desc: true,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::days_of_number;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_number_start_bounds_its_acceptance_day() {
        assert_eq!(days_of_number("SQ2026"), Some((d(2026, 1, 1), d(2026, 12, 31))));
        assert_eq!(days_of_number("SQ20261"), Some((d(2026, 10, 1), d(2026, 12, 31))));
        assert_eq!(days_of_number("SQ202602"), Some((d(2026, 2, 1), d(2026, 2, 28))));
        assert_eq!(days_of_number("SQ2024022"), Some((d(2024, 2, 20), d(2024, 2, 29))));
        assert_eq!(days_of_number("SQ20261207"), Some((d(2026, 12, 7), d(2026, 12, 7))));
        assert_eq!(days_of_number("SQ202612070001"), Some((d(2026, 12, 7), d(2026, 12, 7))));
        assert_eq!(days_of_number("SQ202600"), None);
        assert_eq!(days_of_number("SQ202613"), None);
        assert_eq!(days_of_number("SQ2026024"), None);
        assert_eq!(days_of_number("SQ202"), None);
        assert_eq!(days_of_number("DQ2026"), None);
    }
}
