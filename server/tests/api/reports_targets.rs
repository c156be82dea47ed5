//! 报表 beyond the counts of `reports`: R-5's 本服务年度 columns (a stock over each member's
//! current service year), and the partial index through which every report leaves out the
//! invisible customers.
use std::collections::HashMap;

use app::members::entity::{customer, info_push_log};
use sea_orm::EntityTrait;
use serde_json::json;

use crate::members::{load, with_members};
use crate::reports::{column, count, report, row, total};

/// The reports exclude the invisible customers through the partial index `ix_customer_invisible`
/// (a handful of ids instead of every counted record's customer): the predicate the code names
/// is the index's word for word, else the planner would not use it and a year of callbacks
/// would read each member again.
#[tokio::test]
async fn the_invisible_customers_are_read_from_their_partial_index() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let predicate = app::members::customer_join::invisible_predicate();
    assert_eq!(predicate, migration::m20261214_000001_report_indexes::INVISIBLE);
    let app = with_members(3).await;
    if app.db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    // (`INDEXED BY` fails to prepare, "no query solution", when the index cannot answer it.)
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            format!("SELECT id FROM customer INDEXED BY ix_customer_invisible WHERE {predicate}"),
        ))
        .await;
    assert!(rows.is_ok(), "{rows:?}");
}

/// The reports that join a year of records to their members one by one read each member from
/// `ix_customer_member` on SQLite (its pages stay cached; the table's wide rows do not): the
/// hint matches the join the statements write, and the index covers office, level and
/// visibility.
#[tokio::test]
async fn the_report_joins_read_the_members_from_their_narrow_index() {
    use app::members::conditions::{c, customer_condition};
    use app::members::customer_join::{ByMemberIndex, JoinCustomer};
    use sea_orm::sea_query::{Alias, Expr, Query};
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = with_members(3).await;
    if app.db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    let f = app::members::MemberFilter { level: "gold".into(), ..Default::default() };
    let scope = app::auth::scope::Scope::Orgs(vec![1]);
    let q = Query::select()
        .from_as(Alias::new("info_push_log"), Alias::new("p"))
        .join_customer("p")
        .expr(c("organization_id"))
        .expr(c("member_level"))
        .expr(Expr::cust("COUNT(*)"))
        .cond_where(customer_condition(DbBackend::Sqlite, &f, &scope))
        .group_by_col((Alias::new("c"), Alias::new("member_level")))
        .to_owned();
    let built = DbBackend::Sqlite.build(&ByMemberIndex(&q));
    assert!(built.sql.contains("INDEXED BY"), "{}", built.sql);
    let plan = app
        .db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            format!("EXPLAIN QUERY PLAN {}", built.sql),
            built.values.unwrap(),
        ))
        .await
        .unwrap();
    let plan: Vec<String> = plan.iter().map(|r| r.try_get::<String>("", "detail").unwrap()).collect();
    assert!(plan.iter().any(|d| d.contains("USING COVERING INDEX ix_customer_member")), "{plan:#?}");
    // A statement without the join is left as it is.
    let plain = Query::select().expr(Expr::val(1)).to_owned();
    assert_eq!(DbBackend::Sqlite.build(&ByMemberIndex(&plain)).sql, DbBackend::Sqlite.build(&plain).sql);
}

/// R-5's 本服务年度 columns: the members of each level in a current service year, and those
/// with at least 50 pushes within it — counted by hand from the years and pushes written here
/// (50 inside the year: reached; 49 inside, or 60 before it began: not).
#[tokio::test]
async fn the_push_report_counts_the_members_at_the_annual_target() {
    use app::fulfilment::entity::member_fulfilment;
    use sea_orm::{ActiveValue::Set, ColumnTrait, QueryFilter};
    let app = with_members(30).await;
    app::fulfilment::demo::open_years(&app.db, app::cst::today(), None, |_| {}).await.unwrap();
    let d = load(&app).await;
    let shown: HashMap<i64, &customer::Model> = d
        .customers
        .iter()
        .filter(|c| c.deleted_at.is_none() && c.review_status == "approved")
        .map(|c| (c.id, c))
        .collect();
    let years: Vec<member_fulfilment::Model> = member_fulfilment::Entity::find()
        .filter(member_fulfilment::Column::IsCurrent.eq(true))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|y| shown.contains_key(&y.customer_id))
        .collect();
    assert!(years.len() >= 4, "{} service years", years.len());
    let day = |d: chrono::NaiveDate, hours: i64| app::cst::day_start(d) + chrono::Duration::hours(hours);
    // One member at the target in each half of the members by id (the report counts the halves
    // apart), one short of it, one whose pushes came before the year.
    let mid = d.customers.iter().map(|c| c.id).max().unwrap() / 2 + 1;
    let low = years.iter().find(|y| y.customer_id < mid).expect("a year in the low half");
    let high = years.iter().rev().find(|y| y.customer_id >= mid).expect("a year in the high half");
    let rest: Vec<&member_fulfilment::Model> = years.iter().filter(|y| y.id != low.id && y.id != high.id).collect();
    let mut rows = vec![];
    // (member, pushes, first push): the year's first day onwards, or 60 days before it began.
    let plan = [
        (low, 50, day(low.period_start, 1)),
        (high, 50, day(high.period_start, 1)),
        (rest[0], 49, day(rest[0].period_start, 1)),
    ];
    let before = (rest[1], 60, day(rest[1].period_start, -24 * 60));
    for (y, n, first) in plan.into_iter().chain([before]) {
        for i in 0..n {
            rows.push(info_push_log::ActiveModel {
                source: Set("cm".into()),
                cm_log_id: Set(Some(format!("T-{}-{i}", y.customer_id))),
                customer_id: Set(y.customer_id),
                recipient_email: Set("t@example.com".into()),
                sent_at: Set(first + chrono::Duration::minutes(i)),
                push_status: Set(Some("sent".into())),
                synced_at: Set(first),
                ..Default::default()
            });
        }
    }
    info_push_log::Entity::insert_many(rows).exec(&app.db).await.unwrap();
    // By hand: every push of the member (the demo's too) within its year, China days.
    let pushes = info_push_log::Entity::find().all(&app.db).await.unwrap();
    let at_target = |y: &member_fulfilment::Model| {
        let (from, to) = (day(y.period_start, 0), day(y.period_end, 24));
        pushes.iter().filter(|p| p.customer_id == y.customer_id && p.sent_at >= from && p.sent_at < to).count() >= 50
    };
    assert!(at_target(low) && at_target(high), "50 pushes within the year");
    assert!(!at_target(rest[0]) && !at_target(rest[1]));
    let mut want: HashMap<String, (i64, i64)> = HashMap::new();
    for y in &years {
        let e = want.entry(shown[&y.customer_id].member_level.clone().unwrap_or_default()).or_default();
        e.0 += 1;
        e.1 += i64::from(at_target(y));
    }
    let reached_total: i64 = want.values().map(|w| w.1).sum();
    let mut manager = app.login("manager").await;
    let r = report(&mut manager, json!({"kind": "email_push", "preset": "this_year"})).await;
    let (reached, below) = (column(&r, "已达年度目标会员数"), column(&r, "未达标会员数"));
    for (level, (in_service, at_target)) in &want {
        let l = app::members::enums::MemberLevel::parse(level).unwrap();
        let x = row(&r, l.zh()).unwrap();
        assert_eq!((count(x, reached), count(x, below)), (*at_target, in_service - at_target), "{}", l.zh());
    }
    assert_eq!(count(total(&r), reached), reached_total);
    // By month, the same stock in every month and in the total.
    let monthly = report(&mut manager, json!({"kind": "email_push", "preset": "this_year", "grain": "month"})).await;
    assert_eq!(count(total(&monthly), reached), reached_total);
    assert_eq!(count(total(&monthly), below), years.len() as i64 - reached_total);
}
