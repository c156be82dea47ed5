//! 关怀规则 (K14) through the routes the page calls: only 经理 keeps the rules, bad input is
//! refused field by field; a run (from the page, through the durable queue, or several at
//! once) makes exactly one task per member and occasion, for the right person; the nightly
//! run is queued once; the callback answering a care task closes it.
use chrono::{Duration, NaiveDate};
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestApp, field_error, rejected};
use crate::members::with_members;

fn rule(name: &str, trigger: &str, days: &str, levels: &[&str]) -> Value {
    json!({"input": {"id": null, "name": name, "trigger": trigger, "offset_days": days, "member_levels": levels,
        "callback_content": "renewal_reminder", "assign_to": "owner_agent", "enabled": true, "version": 0}})
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Runs the due jobs of the queue as a server's worker does; answers how many ran.
async fn work(app: &TestApp) -> u32 {
    let jobs = app::jobs::Jobs::new(app.db.clone());
    let mut n = 0;
    while app::upkeep::run_queued(&jobs).await.unwrap() {
        n += 1;
    }
    n
}

#[tokio::test]
async fn only_the_manager_keeps_the_rules_and_bad_input_is_refused_field_by_field() {
    let app = TestApp::spawn().await;
    for who in ["agent", "supervisor", "gz_rep"] {
        let mut c = app.login(who).await;
        for (endpoint, body) in [
            ("care/page", json!({})),
            ("care/save", rule("x", "no_contact", "30", &["gold"])),
            ("care/delete", json!({"id": 1, "version": 1})),
            ("care/run", json!({"day": ""})),
        ] {
            let (status, v) = c.call(endpoint, body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who} {endpoint}: {v}");
        }
    }
    let mut m = app.login("manager").await;
    let (status, page) = m.call("care/page", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    // The default rules: 开通后7天, 到期前30天, 90天未联系.
    let triggers: Vec<&str> =
        page["rules"].as_array().unwrap().iter().map(|r| r["trigger"].as_str().unwrap()).collect();
    assert_eq!(triggers, ["after_activation", "before_expiry", "no_contact"]);

    // Every field at once, each told where it is wrong.
    let bad = json!({"input": {"id": null, "name": " ", "trigger": "someday", "offset_days": "-3",
        "member_levels": ["platinum"], "callback_content": "chat", "assign_to": "", "enabled": true, "version": 0}});
    let (status, v) = m.call("care/save", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    for f in ["name", "trigger", "offset_days", "member_levels", "callback_content", "assign_to"] {
        assert!(field_error(&v, f).is_some(), "{f}: {v}");
    }
    for days in ["0", "367", "1e3", "9223372036854775808", ""] {
        let (status, v) = m.call("care/save", rule("r", "no_contact", days, &["gold"])).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{days}: {v}");
        assert!(field_error(&v, "offset_days").is_some(), "{v}");
    }
    let (status, v) = m.call("care/save", json!({"input": {"name": "缺字段"}})).await;
    assert!(status.is_client_error(), "{status} {v}");
    let before = app.count("SELECT COUNT(*) FROM care_rule").await;
    // A run by hand reaches back a week at most, and never ahead.
    let today = app::cst::today();
    for d in [day(today + Duration::days(1)), day(today - Duration::days(7)), "2026-02-30".into(), "昨天".into()] {
        let (status, v) = m.call("care/run", json!({ "day": d })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{d}: {v}");
        assert!(field_error(&v, "day").is_some(), "{v}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM job").await, 0);

    // A new rule; its name is unique; an edit needs the version it started from.
    let (status, saved) = m.call("care/save", rule("金牌到期提醒", "before_expiry", "15", &["gold", "gold"])).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["member_levels"], json!(["gold"]));
    let id = saved["id"].as_i64().unwrap();
    let (status, v) = m.call("care/save", rule("金牌到期提醒", "no_contact", "60", &["gold"])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(field_error(&v, "name").is_some(), "{v}");
    let mut edit = rule("金牌到期前15天", "before_expiry", "15", &["gold"]);
    edit["input"]["id"] = json!(id);
    edit["input"]["version"] = json!(1);
    let (status, v) = m.call("care/save", edit.clone()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 2);
    let (status, v) = m.call("care/save", edit).await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale edit: {v}");
    assert!(rejected(&v).contains("王经理"), "{v}");
    let (status, v) = m.call("care/delete", json!({"id": id, "version": 1})).await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale delete: {v}");
    let (status, v) = m.call("care/delete", json!({"id": id, "version": 2})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (status, _) = m.call("care/delete", json!({"id": id, "version": 2})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) FROM care_rule").await, before);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM operation_log WHERE target_type = 'care_rule' AND target_id = {id}"))
            .await,
        3,
        "created, edited, deleted"
    );
}

/// Members with a known occasion of "到期前 30 天" (gold only), everyone else far from any.
struct Setup {
    today: NaiveDate,
    /// Gold members whose 30-days-before-expiry came today or in the past week.
    due: Vec<i64>,
    /// The one whose own agent is `agent`.
    owned: i64,
    /// The one of 广州代表处.
    gz: i64,
}

async fn setup(app: &TestApp) -> Setup {
    let today = app::cst::today();
    // Only the rule under test; no member near any other occasion.
    app.exec("UPDATE care_rule SET enabled = false").await;
    app.exec(&format!(
        "UPDATE customer SET service_start_date = '2000-01-01', service_end_date = '2099-01-01', owner_agent_id = NULL, \
         last_service_at = {}",
        app.sql_now_plus_minutes(0)
    ))
    .await;
    let ids = |level: &str, org: String| {
        format!(
            "SELECT id FROM customer WHERE member_level = '{level}' AND customer_type = 'member' \
             AND review_status = 'approved' AND deleted_at IS NULL AND organization_id {org} ORDER BY id LIMIT 4"
        )
    };
    let gz_org = app.org_id("GZ").await;
    let hq_gold = all(app, &ids("gold", format!("<> {gz_org}"))).await;
    let gz = all(app, &ids("gold", format!("= {gz_org}"))).await[0];
    let ordinary = all(app, &ids("ordinary", "IS NOT NULL".into())).await[0];
    let set_end =
        |id: i64, d: NaiveDate| format!("UPDATE customer SET service_end_date = '{}' WHERE id = {id}", day(d));
    // Due: today + 30 (today's occasion), + 24 (six days late, caught up), the GZ member.
    app.exec(&set_end(hq_gold[0], today + Duration::days(30))).await;
    app.exec(&set_end(hq_gold[1], today + Duration::days(24))).await;
    app.exec(&set_end(gz, today + Duration::days(30))).await;
    // Not due: + 31 (tomorrow), + 23 (a week late: passed), an ordinary member, a removed one.
    app.exec(&set_end(hq_gold[2], today + Duration::days(31))).await;
    app.exec(&set_end(hq_gold[3], today + Duration::days(23))).await;
    app.exec(&set_end(ordinary, today + Duration::days(30))).await;
    let agent = app.account_id("agent").await;
    app.exec(&format!("UPDATE customer SET owner_agent_id = {agent} WHERE id = {}", hq_gold[0])).await;
    Setup { today, due: vec![hq_gold[0], hq_gold[1], gz], owned: hq_gold[0], gz }
}

async fn all(app: &TestApp, sql: &str) -> Vec<i64> {
    let rows = sea_orm::ConnectionTrait::query_all_raw(
        &app.db,
        sea_orm::Statement::from_string(sea_orm::ConnectionTrait::get_database_backend(&app.db), sql.to_string()),
    )
    .await
    .unwrap();
    rows.iter().map(|r| r.try_get_by_index::<i64>(0).unwrap()).collect()
}

#[tokio::test]
async fn a_run_makes_one_task_per_occasion_however_often_and_however_many_at_once() {
    let app = with_members(300).await;
    let s = setup(&app).await;
    let mut m = app.login("manager").await;
    let (status, saved) = m.call("care/save", rule("金牌到期前30天", "before_expiry", "30", &["gold"])).await;
    assert_eq!(status, StatusCode::OK, "{saved}");

    // 立即运行: queued, then run by a worker, as on a server.
    let (status, job) = m.call("care/run", json!({"day": ""})).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    assert_eq!(job["state"], "queued", "{job}");
    assert_eq!(work(&app).await, 1);
    let done = m.wait_job(&job).await;
    assert_eq!(done["state"], "done", "{done}");

    let tasks = |extra: &str| format!("SELECT COUNT(*) FROM task WHERE source = 'care_rule' {extra}");
    assert_eq!(app.count(&tasks("")).await, 3);
    let mut due = all(&app, "SELECT related_id FROM task WHERE source = 'care_rule' ORDER BY related_id").await;
    due.sort_unstable();
    let mut want = s.due.clone();
    want.sort_unstable();
    assert_eq!(due, want);
    // The member's own agent; the rep office's member to the rep office.
    let agent = app.account_id("agent").await;
    let gz_rep = app.account_id("gz_rep").await;
    assert_eq!(app.count(&tasks(&format!("AND related_id = {} AND assignee_id = {agent}", s.owned))).await, 1);
    assert_eq!(app.count(&tasks(&format!("AND related_id = {} AND assignee_id = {gz_rep}", s.gz))).await, 1);
    assert_eq!(app.count(&tasks("AND related_type = 'customer' AND status = 'todo' AND due_at IS NOT NULL")).await, 3);

    // Again, and five at once: nothing new.
    let (_, again) = m.call("care/run", json!({"day": ""})).await;
    assert_eq!(work(&app).await, 1);
    assert_eq!(m.wait_job(&again).await["state"], "done");
    let runs: Vec<_> = (0..5)
        .map(|_| {
            let db = app.db.clone();
            tokio::spawn(async move {
                app::callbacks::care_service::run(&db, s.today, app::callbacks::care::CareStart::Manual, None, |_| {})
                    .await
                    .map(|o| o.created)
            })
        })
        .collect();
    for r in runs {
        assert_eq!(r.await.unwrap().unwrap(), 0);
    }
    assert_eq!(app.count(&tasks("")).await, 3);

    // The page: the rule's open tasks and the runs, the first having made them all.
    let (_, page) = m.call("care/page", json!({})).await;
    let r = page["rules"].as_array().unwrap().iter().find(|r| r["id"] == saved["id"]).unwrap().clone();
    assert_eq!(r["open_tasks"], 3, "{r}");
    let runs = page["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 7);
    assert_eq!(runs.iter().map(|r| r["created"].as_i64().unwrap()).sum::<i64>(), 3, "{runs:?}");
    assert!(runs.iter().all(|r| r["state"] == "done" && r["examined"] == 3), "{runs:?}");

    // The agent's callback answering the task closes it; the task suggests the rule's content.
    let mut a = app.login("agent").await;
    let (status, form) = a.call("callbacks/form", json!({"customer": s.owned})).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    let t = form["tasks"][0].clone();
    assert_eq!(t["content"], "renewal_reminder", "{form}");
    let at = (chrono::Utc::now() + Duration::hours(8) - Duration::minutes(5)).format("%Y-%m-%dT%H:%M").to_string();
    let (status, v) = a
        .call(
            "callbacks/save",
            json!({"input": {"customer_id": s.owned, "content": "renewal_reminder", "reach": "reached",
                "contact_name": "", "phone_called": "", "feedback": "会员确认续费", "satisfaction": "",
                "callback_at": at, "next_at": "", "next_note": "", "task_id": t["id"]}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["closed_task_id"], t["id"]);
    assert_eq!(app.count(&tasks("AND status = 'done'")).await, 1);
    // Still answered: the next run does not make it again.
    assert_eq!(
        app::callbacks::care_service::run(&app.db, s.today, app::callbacks::care::CareStart::Manual, None, |_| {})
            .await
            .unwrap()
            .created,
        0
    );
}

#[tokio::test]
async fn the_nightly_run_is_queued_once_for_two_in_the_morning() {
    let app = TestApp::spawn().await;
    let jobs = app::jobs::Jobs::new(app.db.clone());
    let both = tokio::join!(
        app::callbacks::care_service::schedule_nightly(&jobs),
        app::callbacks::care_service::schedule_nightly(&jobs)
    );
    assert_eq!([both.0.unwrap(), both.1.unwrap()].iter().filter(|q| **q).count(), 1);
    assert!(!app::callbacks::care_service::schedule_nightly(&jobs).await.unwrap());
    assert_eq!(app.count("SELECT COUNT(*) FROM job WHERE kind = 'care' AND state = 'queued'").await, 1);
    let id = app.text("SELECT id FROM job WHERE kind = 'care'").await;
    let next = app::cst::next_at_hour(chrono::Utc::now(), app::callbacks::care_service::NIGHTLY_HOUR);
    assert_eq!(id, format!("care-{}", app::cst::local(&next).format("%Y%m%d")));
    assert_eq!(app::cst::local(&next).format("%H:%M").to_string(), "02:00");
    // Not before its hour.
    assert_eq!(work(&app).await, 0);
}
