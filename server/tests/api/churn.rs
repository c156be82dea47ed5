//! 流失预警 (SM-8, PG-75) through the routes the page calls: the evaluation (queued, run by a
//! worker as on a server) raises exactly the warnings the rules give, computed here by hand;
//! run twice it creates nothing twice; rule edits apply on the next run; 处理 follows the
//! state table (忽略 for 主管/经理 with a reason; a stale page refused); a dismissed warning is
//! not raised again for the same reasons; a rep office sees its own members' warnings.
use chrono::{Duration, Utc};
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Client, TestApp};
use crate::members::{load, with_members};
use crate::requests::{intake, member_of};

async fn work(app: &TestApp) -> u32 {
    let jobs = app::jobs::Jobs::new(app.db.clone());
    let mut n = 0;
    while app::upkeep::run_queued(&jobs).await.unwrap() {
        n += 1;
    }
    n
}

/// 重新计算 as the manager, run by a worker; answers the finished job.
async fn evaluate(app: &TestApp, m: &mut Client) -> Value {
    let (status, job) = m.call("churn/run", json!({"day": ""})).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    assert_eq!(work(app).await, 1);
    let done = m.wait_job(&job).await;
    assert_eq!(done["state"], "done", "{done}");
    done
}

async fn warnings(c: &mut Client, filter: Value) -> (Vec<Value>, Value) {
    let (status, v) = c.call("churn/list", json!({ "filter": filter })).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    (v[0]["items"].as_array().unwrap().clone(), v[1].clone())
}

fn of(items: &[Value], customer: i64) -> Option<&Value> {
    items.iter().find(|w| w["customer_id"] == customer)
}

/// Only 服务即将到期, 已到期 and 投诉 on, so every score here is known.
async fn three_rules(m: &mut Client) -> Vec<Value> {
    let (status, rules) = m.call("churn/rules", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{rules}");
    let mut rules = rules.as_array().unwrap().clone();
    for r in rules.iter_mut() {
        let code = r["code"].as_str().unwrap().to_string();
        r["enabled"] = json!(matches!(code.as_str(), "EXPIRY_SOON" | "EXPIRED" | "COMPLAINTS"));
    }
    let (status, saved) = m.call("churn/rules/save", json!({ "rules": rules })).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    saved.as_array().unwrap().clone()
}

#[tokio::test]
async fn the_evaluation_raises_what_the_rules_give_once_and_follows_rule_edits() {
    let app = with_members(60).await;
    let d = load(&app).await;
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let paid: Vec<&app::members::entity::customer::Model> = d
        .customers
        .iter()
        .filter(|c| c.customer_type == "member" && c.member_level.as_deref().is_some_and(|l| l != "free"))
        .collect();
    let (a, b, c) = (paid[0].id, paid[1].id, paid[2].id);
    // Everyone far from expiry, then: A ends in 20 days, B ended 10 days ago, C complained twice.
    app.exec(&format!("UPDATE customer SET service_end_date = '{}'", today + Duration::days(400))).await;
    app.exec(&format!("UPDATE customer SET service_end_date = '{}' WHERE id = {a}", today + Duration::days(20))).await;
    app.exec(&format!("UPDATE customer SET service_end_date = '{}' WHERE id = {b}", today - Duration::days(10))).await;
    let mut agent = app.login("agent").await;
    for i in 0..2 {
        let (status, out) =
            agent.call("requests/intake", intake(c, "Complete", None, &format!("投诉 {i}"), "已处理")).await;
        assert_eq!(status, StatusCode::OK, "{out}");
    }
    let mut m = app.login("manager").await;
    let rules = three_rules(&mut m).await;

    let done = evaluate(&app, &mut m).await;
    assert!(done["total"].as_u64().unwrap() >= paid.len() as u64 - 1, "{done}");
    let (items, summary) = warnings(&mut m, json!({"status": "active"})).await;
    assert_eq!(items.len(), 3, "{items:?}");
    // By hand: A 30 + 10 (≤ 30 days) = 40 中; B 50 中; C 25 低.
    let a_w = of(&items, a).unwrap();
    assert_eq!((a_w["score"].as_i64(), a_w["risk"].as_str()), (Some(40), Some("medium")));
    assert_eq!(
        (of(&items, b).unwrap()["score"].as_i64(), of(&items, b).unwrap()["risk"].as_str()),
        (Some(50), Some("medium"))
    );
    assert_eq!(
        (of(&items, c).unwrap()["score"].as_i64(), of(&items, c).unwrap()["risk"].as_str()),
        (Some(25), Some("low"))
    );
    assert!(a_w["reasons"][0]["fact"].as_str().unwrap().contains("剩 20 天"), "{a_w}");
    assert_eq!(summary["by_risk"], json!([["high", 0], ["medium", 2], ["low", 1]]));
    let cached = app.text(&format!("SELECT churn_risk_level FROM customer WHERE id = {a}")).await;
    assert_eq!(cached, "medium");
    assert_eq!(app.count("SELECT COUNT(*) FROM customer WHERE churn_risk_level IS NOT NULL").await, 3);

    // Again: nothing new, nothing changed.
    evaluate(&app, &mut m).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM churn_warning").await, 3);
    assert_eq!(app.count("SELECT raised + updated + closed FROM churn_run ORDER BY id DESC LIMIT 1").await, 0);

    // Rule edits apply on the next run: 即将到期 within 10 days (A no longer: its expiry
    // warning closes as 已挽回) and complaints from 3 (C's stays for a person, scored 0).
    let mut edited = rules.clone();
    for r in edited.iter_mut() {
        match r["code"].as_str().unwrap() {
            "EXPIRY_SOON" => r["threshold"] = json!(10),
            "COMPLAINTS" => r["threshold"] = json!(3),
            _ => {}
        }
    }
    let (status, v) = m.call("churn/rules/save", json!({ "rules": edited })).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    evaluate(&app, &mut m).await;
    let (items, _) = warnings(&mut m, json!({})).await;
    assert_eq!(of(&items, a).unwrap()["status"], "retained");
    assert_eq!(of(&items, c).unwrap()["status"], "open");
    assert_eq!(of(&items, c).unwrap()["score"], 0);
    assert_eq!(app.text(&format!("SELECT COALESCE(churn_risk_level, '-') FROM customer WHERE id = {a}")).await, "-");

    // A stale grid is refused; a bad threshold is a field error.
    let (status, v) = m.call("churn/rules/save", json!({ "rules": rules })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let mut bad = edited.clone();
    bad[0]["threshold"] = json!(0);
    let (status, v) = m.call("churn/rules/save", json!({ "rules": bad })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("EXPIRY_SOON.threshold"), "{v}");
}

#[tokio::test]
async fn handling_follows_the_state_table_and_offices_see_their_own() {
    let app = with_members(60).await;
    let d = load(&app).await;
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let gz = app.org_id("GZ").await;
    let local = member_of(&d.customers, Some(gz));
    app.exec(&format!("UPDATE customer SET service_end_date = '{}'", today + Duration::days(400))).await;
    // Every paid member expired yesterday: a warning each (50 中).
    app.exec(&format!(
        "UPDATE customer SET service_end_date = '{}' WHERE customer_type = 'member' AND member_level <> 'free'",
        today - Duration::days(1)
    ))
    .await;
    let mut m = app.login("manager").await;
    three_rules(&mut m).await;
    evaluate(&app, &mut m).await;
    let total = app.count("SELECT COUNT(*) FROM churn_warning WHERE status = 'open'").await;
    assert!(total > 5, "{total}");

    // A rep office: its own members only.
    let mut gz_rep = app.login("gz_rep").await;
    let (mine, _) = warnings(&mut gz_rep, json!({"per_page": 100, "status": "active"})).await;
    let in_gz = app
        .count(&format!(
            "SELECT COUNT(*) FROM churn_warning w JOIN customer c ON c.id = w.customer_id WHERE c.organization_id = {gz}"
        ))
        .await;
    assert_eq!(mine.len() as i64, in_gz);
    assert!(in_gz < total);

    let (items, _) = warnings(&mut m, json!({"per_page": 100, "status": "active"})).await;
    let w = items[0].clone();
    let act = |w: &Value, action: &str, note: &str| json!({"input": {"id": w["id"], "version": w["version"], "action": action, "note": note}});
    let mut agent = app.login("agent").await;
    let (status, v) = agent.call("churn/handle", act(&w, "follow", "")).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    // The page showed the old version: refused.
    let (status, v) = agent.call("churn/handle", act(&w, "retained", "已续费")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let (items, _) = warnings(&mut m, json!({"per_page": 100})).await;
    let w = of(&items, w["customer_id"].as_i64().unwrap()).unwrap().clone();
    assert_eq!(w["status"], "following");
    let (status, _) = agent.call("churn/handle", act(&w, "dismiss", "误报")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "忽略 is for 主管/经理");
    let mut sup = app.login("supervisor").await;
    let (status, v) = sup.call("churn/handle", act(&w, "dismiss", "  ")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (status, v) = sup.call("churn/handle", act(&w, "dismiss", "会员已口头确认续费")).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let logged = app.count("SELECT COUNT(*) FROM operation_log WHERE target_type = 'churn_warning'").await;
    assert_eq!(logged, 2);
    // Dismissed for the same reasons: not raised again.
    evaluate(&app, &mut m).await;
    let again =
        app.count(&format!("SELECT COUNT(*) FROM churn_warning WHERE customer_id = {}", w["customer_id"])).await;
    assert_eq!(again, 1);
    // Another office's warning is not found for a rep office.
    let other = items.iter().find(|x| x["org"] != "广州代表处").unwrap();
    let (status, _) = gz_rep.call("churn/handle", act(other, "follow", "")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A rep office may not run the evaluation; an agent neither.
    assert_eq!(gz_rep.call("churn/run", json!({"day": ""})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(agent.call("churn/run", json!({"day": ""})).await.0, StatusCode::FORBIDDEN);
    let _ = local;
}
