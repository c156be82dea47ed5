//! PG-37 履约项目配置 through its routes: only 经理 configures; a level's weights total exactly
//! 100.00 or the save is refused with the spec's message; a save is a new version (one of two
//! concurrent saves wins, the other is told to refresh) with its diff in the operation log;
//! 同时重算当前服务年度 rebuilds the current years in a job, keeping what was done by name.
use chrono::Duration;
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestApp, field_error, rejected};
use crate::fulfilment::member;

/// The scheme page's current levels with `edit` applied to the 金牌 rows.
fn edited(page: &Value, edit: impl Fn(&mut Vec<Value>)) -> Value {
    let mut levels = page["current"]["levels"].clone();
    for l in levels.as_array_mut().unwrap() {
        if l["level"] == "gold" {
            edit(l["items"].as_array_mut().unwrap());
        }
    }
    levels
}

fn save(page: &Value, levels: Value, apply_to: &str) -> Value {
    json!({"input": {"base_version": page["current"]["version_no"], "levels": levels,
        "effective_from": app::cst::today().to_string(), "apply_to": apply_to, "note": "测试"}})
}

fn set_weight(items: &mut [Value], name: &str, w: &str) {
    let i = items.iter_mut().find(|i| i["name"] == name).unwrap();
    i["weight"] = json!(w);
}

#[tokio::test]
async fn only_the_manager_configures_and_the_weights_total_exactly_one_hundred() {
    let app = TestApp::spawn().await;
    for who in ["agent", "supervisor", "gz_rep", "qa"] {
        let mut c = app.login(who).await;
        let (s, v) = c.call("fulfilment/scheme", json!({})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {v}");
        let (s, v) = c
            .call(
                "fulfilment/scheme/save",
                json!({"input": {"base_version": 1, "levels": [],
            "effective_from": "", "apply_to": "", "note": ""}}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {v}");
    }
    let mut m = app.login("manager").await;
    let (s, page) = m.call("fulfilment/scheme", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert_eq!(page["current"]["version_no"], 1);
    let home = "网站内有明显推荐标志,网站首页推荐";
    let dir = "《中国金牌出口企业名录》";
    for (a, b, total) in [("25", "16", "101%"), ("25", "14.99", "99.99%"), ("25", "15.01", "100.01%")] {
        let levels = edited(&page, |items| {
            set_weight(items, home, a);
            set_weight(items, dir, b);
        });
        let (s, v) = m.call("fulfilment/scheme/save", save(&page, levels, "new_years")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(field_error(&v, "gold").unwrap(), format!("【金牌会员】履约比重合计须为100%,当前为 {total}"));
    }
    for (w, field) in
        [("0", "gold.2.weight"), ("20.001", "gold.2.weight"), ("", "gold.2.weight"), ("-20", "gold.2.weight")]
    {
        let levels = edited(&page, |items| set_weight(items, home, w));
        let (s, v) = m.call("fulfilment/scheme/save", save(&page, levels, "new_years")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{w}: {v}");
        assert!(field_error(&v, field).is_some(), "{w}: {v}");
    }
    let levels = edited(&page, |items| items.clear());
    let (s, v) = m.call("fulfilment/scheme/save", save(&page, levels, "new_years")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(field_error(&v, "gold").unwrap().contains("至少需要一个"), "{v}");
    let (s, v) = m.call("fulfilment/scheme/save", save(&page, page["current"]["levels"].clone(), "new_years")).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(rejected(&v), "配置没有变化");
    let (s, v) = m.call("fulfilment/scheme/save", json!({"input": {"levels": "x"}})).await;
    assert!(s.is_client_error(), "{s} {v}");
    assert_eq!(app.count("SELECT COUNT(*) FROM fulfilment_scheme").await, 1);

    // Moving 5 points from one item to another saves a new version; its diff is logged.
    let levels = edited(&page, |items| {
        set_weight(items, home, "25");
        set_weight(items, dir, "15");
    });
    let (s, v) = m.call("fulfilment/scheme/save", save(&page, levels.clone(), "new_years")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["version_no"], 2);
    assert!(v["job"].is_null());
    let detail = app.text("SELECT detail FROM operation_log WHERE target_type = 'fulfilment_scheme'").await;
    assert!(detail.contains("履约比重 20% → 25%") && detail.contains("履约比重 20% → 15%"), "{detail}");
    // The page the save started from is stale now.
    let (s, v) = m.call("fulfilment/scheme/save", save(&page, levels, "new_years")).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(rejected(&v), "配置已被他人修改,请刷新");
}

#[tokio::test]
async fn of_concurrent_saves_one_wins_and_recomputation_keeps_what_was_done() {
    let app = TestApp::spawn().await;
    let start = app::cst::today() - Duration::days(20);
    let gold = member(&app, "重算金牌公司", "gold", "CS", start, start + Duration::days(364)).await;
    let mut m = app.login("manager").await;
    let (_, t) = m.call("fulfilment/track", json!({"customer": gold, "year": null})).await;
    let cd = t["year"]["items"].as_array().unwrap().iter().find(|i| i["name"] == "《中国供应商光盘》").unwrap().clone();
    let (s, _) = m
        .call(
            "fulfilment/act",
            json!({"action": {"item_id": cd["id"], "version": cd["version"],
        "action": "mark_done", "quantity": null, "remark": "", "reason": ""}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, page) = m.call("fulfilment/scheme", json!({})).await;
    // Ten editors save at once from the same version: one wins, nine are told to refresh.
    let calls = (0..10).map(|i| {
        let mut c = m.clone();
        let levels = edited(&page, |items| {
            set_weight(items, "网站内有明显推荐标志,网站首页推荐", &format!("{}", 20 + i));
            set_weight(items, "《中国金牌出口企业名录》", &format!("{}", 20 - i));
        });
        let body = save(&page, levels, "new_years");
        async move { c.call("fulfilment/scheme/save", body).await }
    });
    let results = futures_util::future::join_all(calls).await;
    let won = results.iter().filter(|r| r.0 == StatusCode::OK).count();
    // (i = 0 changes nothing: refused as such.)
    assert_eq!(won, 1, "{results:?}");
    for (s, v) in results.iter().filter(|r| r.0 != StatusCode::OK) {
        assert_eq!(*s, StatusCode::CONFLICT, "{v}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM fulfilment_scheme WHERE is_current = TRUE").await, 1);

    // Drop 《中国金牌出口企业名录》, add 诚信企业认证, and recompute the current years.
    let (_, page) = m.call("fulfilment/scheme", json!({})).await;
    let levels = edited(&page, |items| {
        items.retain(|i| i["name"] != "《中国金牌出口企业名录》");
        for i in items.iter_mut() {
            i["weight"] = json!("20");
        }
        items.push(json!({"name": "诚信企业认证", "weight": "20", "kind": "simple", "target": "", "unit": "",
            "linked_email_kind": "", "description": ""}));
    });
    let (s, v) = m.call("fulfilment/scheme/save", save(&page, levels, "recompute")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["job"]["state"], "queued", "{v}");
    let jobs = app::jobs::Jobs::new(app.db.clone());
    while app::upkeep::run_queued(&jobs).await.unwrap() {}
    let (_, t) = m.call("fulfilment/track", json!({"customer": gold, "year": null})).await;
    let names: Vec<&str> = t["year"]["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"诚信企业认证") && !names.contains(&"《中国金牌出口企业名录》"), "{names:?}");
    let kept = t["year"]["items"].as_array().unwrap().iter().find(|i| i["name"] == "《中国供应商光盘》").unwrap();
    assert_eq!(kept["status"], "done");
    assert_eq!(t["year"]["summary"]["progress"], 2000);
    let events: Vec<&str> =
        t["year"]["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(events.contains(&"recompute") && events.contains(&"removed"), "{events:?}");
}
