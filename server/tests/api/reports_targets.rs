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
    assert!(years.len() >= 3, "{} service years", years.len());
    let day = |d: chrono::NaiveDate, hours: i64| app::cst::day_start(d) + chrono::Duration::hours(hours);
    let mut rows = vec![];
    // (member, pushes, first push): the year's first day onwards, or 60 days before it began.
    let plan = [(&years[0], 50, day(years[0].period_start, 1)), (&years[1], 49, day(years[1].period_start, 1))];
    let before = (&years[2], 60, day(years[2].period_start, -24 * 60));
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
    assert!(at_target(&years[0]), "50 pushes within the year");
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
