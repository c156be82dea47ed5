//! 随机抽取 (PG-38): N requests or N % of the current filter's result, drawn reproducibly.
//!
//! Each request gets a pseudo-random key from its id and the seed (integer arithmetic modulo
//! the prime 2³¹−1 with two squarings, never overflowing 64 bits); the sample is the `k`
//! requests with the smallest keys. So the same seed over the same data draws the same
//! requests, in the same order, whatever order the database reads them in. The population's
//! ids are read once, in one pass over the QA list's narrow index (which also counts them),
//! as one aggregated text, and keyed and selected here: computing the key in SQL for each of a
//! million rows took 1.6 s, decoding a million one-id rows 1.2 s.
//!
//! A sample is redrawn for each of its pages. `since` (the time it was first drawn) keeps it
//! steady while the inspector works through it: a request inspected since then stays in a
//! 未质检 sample, and requests completed later stay out.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QueryTrait};

use super::entity::qa_record;
use super::{QaFilter, QaSample, QaShown, QaStatus, SampleInput, service};
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::requests::entity::service_request;
use crate::ui::Page;

use service_request::Column as R;

/// The modulus of the key: the prime 2³¹ − 1 (every intermediate product stays below 2⁶²).
const P: u64 = 2_147_483_647;

/// splitmix64: the seed's constants.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The key's constants for `seed`: two multipliers in [1, P) and four offsets in [0, P).
fn constants(seed: u64) -> [u64; 6] {
    let mut s = seed;
    let mut next = |nonzero: bool| {
        let v = splitmix(&mut s);
        if nonzero { 1 + v % (P - 1) } else { v % P }
    };
    [next(true), next(false), next(false), next(true), next(false), next(false)]
}

/// The key of a request id.
pub fn key(seed: u64, id: i64) -> u64 {
    let [a, s1, s2, b, s3, s4] = constants(seed);
    let x1 = ((id.unsigned_abs() % P) * a + s1) % P;
    let x2 = (x1 * x1 + s2) % P;
    let x3 = (x2 * b + s3) % P;
    (x3 * x3 + s4) % P
}

/// A seed for a sample drawn without one: nine digits, easy to note down.
fn new_seed() -> u64 {
    let mut s = Utc::now().timestamp_nanos_opt().unwrap_or_default().unsigned_abs() ^ u64::from(std::process::id());
    1 + splitmix(&mut s) % 999_999_999
}

/// The population a sample is drawn from: the requests of `f` — as they were at `since`, if
/// given (inspected since then, a 未质检 sample keeps them; completed since, it leaves them out).
fn population(
    backend: sea_orm::DbBackend,
    user: &CurrentUser,
    f: &QaFilter,
    since: Option<DateTime<Utc>>,
) -> AppResult<SelectStatement> {
    let Some(since) = since else {
        let l = service::listing(backend, user, f)?;
        return Ok(l.rows.filter(l.scope).into_query());
    };
    let shown = f.shown();
    let relaxed = if shown == QaShown::NotInspected {
        QaFilter { qa: QaShown::All.code().into(), ..f.clone() }
    } else {
        f.clone()
    };
    let l = service::listing(backend, user, &relaxed)?;
    // (`since` is whole milliseconds: what completed within its last one counts as before.)
    let mut cond = Condition::all().add(R::CompletedAt.lt(since + chrono::Duration::milliseconds(1)));
    if shown == QaShown::NotInspected {
        let records = |inspected: Expr| {
            Query::select()
                .expr(Expr::val(1))
                .from(qa_record::Entity)
                .and_where(
                    Expr::col((qa_record::Entity, qa_record::Column::RequestId))
                        .equals((service_request::Entity, R::Id)),
                )
                .and_where(inspected)
                .to_owned()
        };
        let at = || Expr::col((qa_record::Entity, qa_record::Column::InspectedAt));
        // Inspected since: a record from then on, none before.
        let since_then = Condition::all()
            .add(Expr::exists(records(at().gte(since))))
            .add(Expr::exists(records(at().lt(since))).not());
        cond = cond.add(Condition::any().add(R::QaStatus.eq(QaStatus::NotInspected.code())).add(since_then));
    }
    Ok(l.rows.filter(l.scope).filter(cond).into_query())
}

/// 随机抽取 over the requests of `f` that `user` may see: the sample's size and seed, and the
/// page `f.page` of it in the order drawn.
pub async fn sample(
    db: &sea_orm::DatabaseConnection,
    user: &CurrentUser,
    f: &QaFilter,
    input: &SampleInput,
) -> AppResult<QaSample> {
    let size = input.size()?;
    f.validate()?;
    let seed = input.seed.unwrap_or_else(new_seed);
    let since = match input.since {
        Some(t) => Some(
            DateTime::from_timestamp_millis(t)
                .ok_or_else(|| AppError::field("since", "抽取时间无效", "Invalid draw time"))?,
        ),
        None => None,
    };
    let drawn_at = since.unwrap_or_else(Utc::now);
    let backend = db.get_database_backend();
    let matching = population(backend, user, f, since)?;

    let mut ids = matching;
    ids.clear_selects().clear_order_by().column((service_request::Entity, R::Id));
    // One row holding every id (a million rows decoded one by one took most of a second).
    let all = match backend {
        sea_orm::DbBackend::Postgres => "string_agg(CAST(id AS TEXT), ',')",
        _ => "group_concat(id, ',')",
    };
    let mut q = Query::select();
    q.expr(Expr::cust(all)).from_subquery(ids, sea_orm::sea_query::Alias::new("population"));
    let text = match db.query_one(&q).await? {
        Some(row) => row.try_get_by_index::<Option<String>>(0)?.unwrap_or_default(),
        None => String::new(),
    };
    let mut keyed: Vec<(u64, i64)> = vec![];
    for id in text.split(',').filter(|s| !s.is_empty()) {
        let id: i64 = id.parse().map_err(AppError::internal)?;
        keyed.push((key(seed, id), id));
    }
    let population = keyed.len() as u64;
    let drawn = size.of(population);
    if let Ok(n) = usize::try_from(drawn)
        && n < keyed.len()
    {
        keyed.select_nth_unstable(n);
        keyed.truncate(n);
    }
    keyed.sort_unstable();
    let (page, per_page) = (crate::ui::page_number(f.page), crate::ui::per_page(f.per_page));
    let skip = (page - 1).saturating_mul(per_page);
    let ids: Vec<i64> =
        keyed.iter().skip(usize::try_from(skip).unwrap_or(usize::MAX)).take(per_page as usize).map(|k| k.1).collect();
    let mut models = if ids.is_empty() {
        vec![]
    } else {
        service_request::Entity::find().filter(R::Id.is_in(ids.clone())).order_by_asc(R::Id).all(db).await?
    };
    models.sort_by_key(|m| ids.iter().position(|id| *id == m.id));
    let page = Page { items: models, total: drawn, page, per_page, counted_to: None };
    Ok(QaSample { seed, population, drawn, since: drawn_at.timestamp_millis(), rows: service::rows(db, page).await? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_depend_on_the_seed_and_stay_in_range() {
        let ids: Vec<i64> = (1..=1000).collect();
        let order = |seed| {
            let mut v = ids.clone();
            v.sort_by_key(|id| (key(seed, *id), *id));
            v
        };
        assert_eq!(order(42), order(42));
        assert_ne!(order(42)[..10], order(43)[..10]);
        // Not the id order, nor its reverse.
        assert_ne!(order(42)[..10], ids[..10]);
        assert!(ids.iter().all(|id| key(7, *id) < P));
        assert!(key(u64::MAX, i64::MAX) < P);
    }
}
