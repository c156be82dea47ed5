//! 履约 (SPEC §6) through the routes the pages call: the §6.4 examples exactly, the rules of
//! each item kind, service years opened, closed on a level change and renewed, 精准匹配
//! records, the weights' configuration with its validation, optimistic lock and
//! recomputation, the list's filters and scope, and the same action many times at once.
use chrono::{Duration, NaiveDate, Utc};
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestApp, field_error, rejected};
use app::members::bulk::{CustomerRow, Rows, max_id, sync_sequence};

/// Inserts a member of `level` in organisation `org` serving `start ..= end`; answers its id.
pub async fn member(
    app: &TestApp,
    name: &str,
    level: &'static str,
    org: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> i64 {
    let id = max_id(&app.db, "customer").await.unwrap() + 1;
    let now = Utc::now();
    let mut rows = Rows::new("customer", &CustomerRow::COLUMNS);
    rows.push(
        CustomerRow {
            id,
            cm_member_id: Some(format!("CMT{id}")),
            customer_type: "member",
            company_name: name.to_string(),
            login_name: Some(format!("login{id}")),
            organization_id: app.org_id(org).await,
            member_level: Some(level),
            service_start_date: Some(start),
            service_end_date: Some(end),
            info_source: "system_captured",
            entry_method: "cm_sync",
            created_at: now,
            updated_at: now,
            ..Default::default()
        }
        .values(),
    );
    rows.flush(&app.db, None, &|_| {}).await.unwrap();
    sync_sequence(&app.db, "customer").await.unwrap();
    id
}

fn today() -> NaiveDate {
    app::cst::today()
}

async fn track(c: &mut crate::common::Client, customer: i64) -> Value {
    let (status, t) = c.call("fulfilment/track", json!({"customer": customer, "year": null})).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    t
}

fn item<'a>(t: &'a Value, name: &str) -> &'a Value {
    t["year"]["items"].as_array().unwrap().iter().find(|i| i["name"] == name).unwrap_or_else(|| panic!("{name}: {t}"))
}

fn act(item: &Value, action: &str, quantity: Option<i32>, reason: &str) -> Value {
    json!({"action": {"item_id": item["id"], "version": item["version"], "action": action, "quantity": quantity,
        "remark": "", "reason": reason}})
}

fn progress(t: &Value) -> (i64, String) {
    (t["year"]["summary"]["progress"].as_i64().unwrap(), t["year"]["summary"]["status"].as_str().unwrap().to_string())
}

async fn pushes(app: &TestApp, customer: i64, n: usize, source: &str, status: &str) {
    for i in 0..n {
        app.exec(&format!(
            "INSERT INTO info_push_log (source, cm_log_id, customer_id, recipient_email, sent_at, push_status, synced_at) \
             VALUES ('{source}', 'T{customer}-{source}-{status}-{i}', {customer}, 'a@b.cn', {at}, '{status}', {at})",
            at = app.sql_now_plus_minutes(-(i as i64) - 1)
        ))
        .await;
    }
}

#[tokio::test]
async fn the_spec_examples_hold_exactly_and_every_page_reads_the_same_numbers() {
    let app = TestApp::spawn().await;
    let start = today() - Duration::days(100);
    let qt = member(&app, "商洽通示例公司", "shang_qia_tong", "CS", start, start + Duration::days(729)).await;
    let mut agent = app.login("agent").await;
    // First access opens the service year with the level's eight items, nothing done.
    let t = track(&mut agent, qt).await;
    assert_eq!(t["year"]["items"].as_array().unwrap().len(), 8, "{t}");
    assert_eq!(progress(&t), (0, "not_started".into()));
    assert_eq!(t["year"]["summary"]["start"], start.to_string());
    assert_eq!(t["year"]["summary"]["end"], (start + Duration::days(364)).to_string());
    assert_eq!(t["may_mark"], true);
    assert_eq!(t["may_undo"], false);

    let (s, t) = agent.call("fulfilment/act", act(item(&t, "首页推荐"), "mark_done", None, "")).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let (s, t) = agent.call("fulfilment/act", act(item(&t, "精准贸易匹配"), "set_quantity", Some(6), "")).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    // 10 + 15 × 6/15 = 16 % 履约中.
    assert_eq!(progress(&t), (1600, "in_progress".into()));
    assert_eq!(
        app.count(&format!("SELECT CAST(fulfilment_progress_bp AS BIGINT) FROM customer WHERE id = {qt}")).await,
        1600
    );
    assert_eq!(app.text(&format!("SELECT fulfilment_status FROM customer WHERE id = {qt}")).await, "in_progress");
    // The 360° page and the 信息查询 filter read the same.
    let (s, d) = agent.call("members/detail", json!({"id": qt})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["info"]["fulfilment_progress"], 1600, "{d}");
    assert_eq!(d["info"]["fulfilment_status"], "in_progress");

    // 普通: both items done → 100 % 履约完毕 (the push item once 50 pushes reached the member:
    // CM's logs and the CRM's own e-mails, failures not counted).
    let pt = member(&app, "普通示例公司", "ordinary", "CS", start, start + Duration::days(364)).await;
    let t = track(&mut agent, pt).await;
    let push = item(&t, "订阅、浏览网站每日更新的专业采购信息-信息推送").clone();
    assert_eq!(push["pushed"], 0);
    pushes(&app, pt, 30, "cm", "sent").await;
    pushes(&app, pt, 19, "crm", "sent").await;
    pushes(&app, pt, 5, "cm", "failed").await;
    let t = track(&mut agent, pt).await;
    let push = item(&t, "订阅、浏览网站每日更新的专业采购信息-信息推送").clone();
    assert_eq!(push["pushed"], 49, "{t}");
    let (s, v) = agent.call("fulfilment/act", act(&push, "mark_done", None, "")).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(rejected(&v).contains("49"), "{v}");
    pushes(&app, pt, 1, "opened", "opened").await;
    let (s, t) = agent.call("fulfilment/act", act(&push, "mark_done", None, "")).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let (s, t) = agent.call("fulfilment/act", act(item(&t, "《中国供应商光盘》"), "mark_done", None, "")).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(progress(&t), (10_000, "completed".into()));
    let (s, v) = agent.call("fulfilment/act", act(item(&t, "《中国供应商光盘》"), "mark_done", None, "")).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    // Each change left its 履约操作记录 and an operation log.
    assert_eq!(t["year"]["events"].as_array().unwrap().iter().filter(|e| e["action"] == "mark_done").count(), 2);
    assert!(app.count("SELECT COUNT(*) FROM operation_log WHERE target_type = 'member_fulfilment_item'").await >= 4);
}

#[tokio::test]
async fn counted_and_push_items_follow_their_rules_and_only_supervisors_undo() {
    let app = TestApp::spawn().await;
    let start = today() - Duration::days(10);
    let qt = member(&app, "商洽通规则公司", "shang_qia_tong", "CS", start, start + Duration::days(364)).await;
    let mut agent = app.login("agent").await;
    let t = track(&mut agent, qt).await;
    let counted = item(&t, "精准贸易匹配").clone();
    for (q, field) in [(15, "quantity"), (14_000, "quantity")] {
        let (s, v) = agent.call("fulfilment/act", act(&counted, "set_quantity", Some(q), "")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {v}");
        assert!(field_error(&v, field).is_some(), "{v}");
    }
    let (s, v) = agent.call("fulfilment/act", act(&counted, "set_quantity", Some(-1), "")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = agent.call("fulfilment/act", act(&counted, "set_quantity", None, "")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = agent.call("fulfilment/act", act(&counted, "explode", None, "")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // 14 of 15 counted: 14 %, never the whole 15 % before 服务完成.
    let (s, t) = agent.call("fulfilment/act", act(&counted, "set_quantity", Some(14), "")).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(progress(&t).0, 1400);
    // A stale version is refused, not applied.
    let (s, v) = agent.call("fulfilment/act", act(&counted, "set_quantity", Some(3), "")).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, t) = agent.call("fulfilment/act", act(item(&t, "精准贸易匹配"), "mark_done", None, "")).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(item(&t, "精准贸易匹配")["quantity"], 15);
    assert_eq!(progress(&t).0, 1500);

    // 撤销完成 is for 主管/经理, with a reason.
    let done = item(&t, "精准贸易匹配").clone();
    let (s, v) = agent.call("fulfilment/act", act(&done, "undo", None, "误点")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let mut sup = app.login("supervisor").await;
    let (s, v) = sup.call("fulfilment/act", act(&done, "undo", None, " ")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(field_error(&v, "reason").is_some(), "{v}");
    let (s, t) = sup.call("fulfilment/act", act(&done, "undo", None, "会员未收到")).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(item(&t, "精准贸易匹配")["status"], "pending");
    assert_eq!(progress(&t).0, 1400);

    // A push item short of its target: 主管/经理 only, and only with a reason.
    let pt = member(&app, "普通推送公司", "ordinary", "CS", start, start + Duration::days(364)).await;
    pushes(&app, pt, 10, "cm", "sent").await;
    let t = track(&mut sup, pt).await;
    let push = item(&t, "订阅、浏览网站每日更新的专业采购信息-信息推送").clone();
    let (s, v) = agent.call("fulfilment/act", act(&push, "mark_done", None, "会员确认")).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, v) = sup.call("fulfilment/act", act(&push, "mark_done", None, "")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, t) = sup.call("fulfilment/act", act(&push, "mark_done", None, "会员改为网站浏览")).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(progress(&t), (5000, "in_progress".into()));
    let reason = t["year"]["events"][0]["reason"].as_str().unwrap().to_string();
    assert!(reason.contains("10/50") && reason.contains("会员改为网站浏览"), "{reason}");
}

#[tokio::test]
async fn the_same_item_marked_many_times_at_once_is_marked_once() {
    let app = TestApp::spawn().await;
    let start = today() - Duration::days(10);
    let gold = member(&app, "并发金牌公司", "gold", "CS", start, start + Duration::days(364)).await;
    let mut agent = app.login("agent").await;
    let t = track(&mut agent, gold).await;
    let home = item(&t, "网站内有明显推荐标志,网站首页推荐").clone();
    let calls = (0..20).map(|_| {
        let mut c = agent.clone();
        let body = act(&home, "mark_done", None, "");
        async move { c.call("fulfilment/act", body).await.0 }
    });
    let statuses = futures_util::future::join_all(calls).await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT), "{statuses:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM fulfilment_event WHERE action = 'mark_done'").await, 1);
    let t = track(&mut agent, gold).await;
    assert_eq!(progress(&t), (2000, "in_progress".into()));
}

#[tokio::test]
async fn service_years_follow_level_changes_and_renewals() {
    let app = TestApp::spawn().await;
    let start = today() - Duration::days(200);
    let id = member(&app, "升级会员公司", "gold", "CS", start, start + Duration::days(729)).await;
    let mut m = app.login("manager").await;
    let t = track(&mut m, id).await;
    let (s, _) = m.call("fulfilment/act", act(item(&t, "《中国供应商光盘》"), "mark_done", None, "")).await;
    assert_eq!(s, StatusCode::OK);
    // CM reports 金牌 → 商诚通 mid-year: the year closes, a new one starts today with the new items.
    app.exec(&format!("UPDATE customer SET member_level = 'shang_cheng_tong' WHERE id = {id}")).await;
    let t = track(&mut m, id).await;
    assert_eq!(t["years"].as_array().unwrap().len(), 2, "{t}");
    assert_eq!(t["year"]["summary"]["level"], "shang_cheng_tong");
    assert_eq!(t["year"]["summary"]["start"], today().to_string());
    assert_eq!(t["year"]["summary"]["end"], (start + Duration::days(364)).to_string());
    assert_eq!(t["year"]["items"].as_array().unwrap().len(), 5);
    assert_eq!(progress(&t), (0, "not_started".into()));
    let old = t["years"].as_array().unwrap().iter().find(|y| y["is_current"] == false).unwrap().clone();
    assert_eq!(old["closed_reason"], "level_change");
    assert_eq!(old["progress"], 2000);
    // The earlier year stays readable; 主管/经理 may correct it, an agent may not.
    let (s, h) = m.call("fulfilment/track", json!({"customer": id, "year": old["id"]})).await;
    assert_eq!(s, StatusCode::OK, "{h}");
    let mut agent = app.login("agent").await;
    let (s, v) = agent.call("fulfilment/act", act(item(&h, "《中国金牌出口企业名录》"), "mark_done", None, "")).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");

    // A renewal: the service had ended; CM extends it and the next year starts after the old one.
    let ended = today() - Duration::days(20);
    let r = member(&app, "续费会员公司", "ordinary", "CS", ended - Duration::days(364), ended).await;
    let t = track(&mut m, r).await;
    assert_eq!(t["year"]["summary"]["end"], ended.to_string());
    app.exec(&format!("UPDATE customer SET service_end_date = '{}' WHERE id = {r}", ended + Duration::days(365))).await;
    // The nightly upkeep (queued after a CM sync, too) settles it without anyone opening the page.
    app::fulfilment::work::upkeep_now(&app::jobs::Jobs::new(app.db.clone())).await.unwrap();
    let jobs = app::jobs::Jobs::new(app.db.clone());
    while app::upkeep::run_queued(&jobs).await.unwrap() {}
    let current = app
        .text(&format!(
            "SELECT CAST(period_start AS TEXT) FROM member_fulfilment WHERE customer_id = {r} AND is_current = TRUE"
        ))
        .await;
    assert_eq!(current, (ended + Duration::days(1)).to_string());
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM member_fulfilment WHERE customer_id = {r}")).await, 2);
    // Down to 免费: no items owed, the cache cleared.
    app.exec(&format!("UPDATE customer SET member_level = 'free' WHERE id = {r}")).await;
    let t = track(&mut m, r).await;
    assert!(t["year"]["summary"]["is_current"] == false, "{t}");
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM customer WHERE id = {r} AND fulfilment_status IS NULL")).await,
        1
    );
}

#[tokio::test]
async fn precise_match_records_feed_the_counted_item_and_stop_at_the_target() {
    let app = TestApp::spawn().await;
    let start = today() - Duration::days(30);
    let qt = member(&app, "精准匹配公司", "shang_qia_tong", "CS", start, start + Duration::days(364)).await;
    let gold = member(&app, "无计数公司", "gold", "CS", start, start + Duration::days(364)).await;
    let mut agent = app.login("agent").await;
    let at = app::cst::local(&Utc::now()).format("%Y-%m-%dT%H:%M").to_string();
    let record = |c: i64, title: &str| {
        json!({"input": {"customer_id": c, "title": title, "counterpart_company": "Acme GmbH", "counterpart_contact": "",
            "content": "", "provided_at": at}})
    };
    let (s, v) = agent.call("fulfilment/match", record(gold, "无处可记")).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, v) = agent.call("fulfilment/match", record(qt, " ")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(field_error(&v, "title").is_some());
    let future = app::cst::local(&(Utc::now() + Duration::days(2))).format("%Y-%m-%dT%H:%M").to_string();
    let (s, v) = agent
        .call(
            "fulfilment/match",
            json!({"input": {"customer_id": qt, "title": "t", "counterpart_company": "",
            "counterpart_contact": "", "content": "", "provided_at": future}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // 40 saves at once: 15 records at most, numbered 1–15 without gaps.
    let calls = (0..40).map(|i| {
        let mut c = agent.clone();
        let body = record(qt, &format!("德国采购商 {i}"));
        async move { c.call("fulfilment/match", body).await.0 }
    });
    let statuses = futures_util::future::join_all(calls).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT), "{statuses:?}");
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count() as i64;
    let n = app.count(&format!("SELECT COUNT(*) FROM precise_match WHERE customer_id = {qt}")).await;
    assert_eq!(n, ok.min(15));
    assert_eq!(
        app.count(&format!("SELECT CAST(MAX(seq_no) AS BIGINT) FROM precise_match WHERE customer_id = {qt}")).await,
        n
    );
    let t = track(&mut agent, qt).await;
    let counted = item(&t, "精准贸易匹配");
    assert_eq!(counted["matches"], n);
    assert_eq!(counted["quantity"].as_i64().unwrap(), n.min(14));
    // The quantity cannot be set below the records.
    if n > 1 {
        let (s, v) = agent.call("fulfilment/act", act(counted, "set_quantity", Some(0), "")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    }
    let (s, page) = agent.call("fulfilment/matching", json!({"filter": {"company": "精准匹配"}})).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert_eq!(page["items"][0]["provided"].as_i64().unwrap(), n.min(14));
}

#[tokio::test]
async fn rep_offices_read_their_own_members_and_cannot_mark_or_configure() {
    let app = TestApp::spawn().await;
    let start = today() - Duration::days(30);
    let gz = member(&app, "广州履约公司", "gold", "GZ", start, start + Duration::days(364)).await;
    let sh = member(&app, "上海履约公司", "gold", "SH", start, start + Duration::days(364)).await;
    let mut rep = app.login("gz_rep").await;
    let t = track(&mut rep, gz).await;
    assert_eq!(t["may_mark"], false);
    let (s, v) = rep.call("fulfilment/act", act(item(&t, "《中国供应商光盘》"), "mark_done", None, "")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = rep.call("fulfilment/track", json!({"customer": sh, "year": null})).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = rep.call("fulfilment/scheme", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    // The list holds its own members only, whatever organisation it asks for.
    let mut m = app.login("manager").await;
    track(&mut m, sh).await;
    let (s, page) = rep.call("fulfilment/list", json!({"filter": {}})).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let names: Vec<&str> =
        page["items"].as_array().unwrap().iter().map(|r| r["company_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["广州履约公司"]);
    let sh_org = app.org_id("SH").await;
    let (_, page) = rep.call("fulfilment/list", json!({"filter": {"org": sh_org}})).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 0, "{page}");
    let (_, page) = m.call("fulfilment/list", json!({"filter": {}})).await;
    assert_eq!(page["total"], 2, "{page}");
}

#[tokio::test]
async fn the_list_filters_and_refuses_bad_input_readably() {
    let app = TestApp::spawn().await;
    let start = today() - Duration::days(300);
    let a = member(&app, "进度甲公司", "gold", "CS", start, start + Duration::days(729)).await;
    let b =
        member(&app, "进度乙公司", "shang_yi_tong", "CS", today() - Duration::days(5), today() + Duration::days(700))
            .await;
    let mut m = app.login("manager").await;
    let t = track(&mut m, a).await;
    m.call("fulfilment/act", act(item(&t, "《中国供应商光盘》"), "mark_done", None, "")).await;
    track(&mut m, b).await;
    let names = |v: &Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|r| r["company_name"].as_str().unwrap().to_string()).collect()
    };
    for (filter, want) in [
        (json!({"level": "gold"}), vec!["进度甲公司"]),
        (json!({"status": "not_started"}), vec!["进度乙公司"]),
        (json!({"progress_min": "10", "progress_max": "20"}), vec!["进度甲公司"]),
        (json!({"pending": "《中国供应商光盘》"}), vec![]),
        (json!({"pending": "首页推荐"}), vec!["进度乙公司"]),
        (json!({"ends_within": "90"}), vec!["进度甲公司"]),
        (json!({"company": "乙公司"}), vec!["进度乙公司"]),
        (json!({"sort": "progress"}), vec!["进度乙公司", "进度甲公司"]),
        (json!({}), vec!["进度甲公司", "进度乙公司"]),
    ] {
        let (s, v) = m.call("fulfilment/list", json!({ "filter": filter })).await;
        assert_eq!(s, StatusCode::OK, "{filter}: {v}");
        assert_eq!(names(&v), want, "{filter}");
    }
    for (filter, field) in [
        (json!({"level": "free"}), "level"),
        (json!({"status": "done"}), "status"),
        (json!({"progress_min": "abc"}), "pmin"),
        (json!({"progress_min": "50", "progress_max": "10"}), "pmax"),
        (json!({"progress_max": "100.001"}), "pmax"),
        (json!({"ends_within": "-1"}), "ends"),
        (json!({"sort": "random"}), "sort"),
    ] {
        let (s, v) = m.call("fulfilment/list", json!({ "filter": filter })).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{filter}: {v}");
        assert!(field_error(&v, field).is_some(), "{field}: {v}");
    }
    for page in [json!(-1), json!(9_223_372_036_854_775_807u64), json!("x")] {
        let (s, v) = m.call("fulfilment/list", json!({"filter": {"page": page}})).await;
        assert!(s == StatusCode::OK || s.is_client_error(), "{page}: {s} {v}");
    }
    // The export holds the rows the page shows (CSV: readable here).
    let (done, body) = crate::info::export(&mut m, "fulfilment", "level=gold", "csv").await;
    assert_eq!(done["done"], 1, "{done}");
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains("进度甲公司") && !text.contains("进度乙公司"), "{text}");
    assert!(text.contains("履约中") && text.contains(",20,"), "{text}");
    let (s, v) = m.call("exports/start", json!({"kind": "fulfilment", "query": "pmin=x", "format": "csv"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // Member filters matching few members (their ids first) or many (tested while walking)
    // give the same rows.
    let user = app.signed_in("manager").await;
    for company in ["进度", "乙", "丙丁", "公司"] {
        let f = app::fulfilment::FulfilmentFilter { company: company.into(), ..Default::default() };
        let all = sea_orm::Condition::all();
        let few = app::fulfilment::list::list_where(&app.db, &user, &f, all.clone(), 1 << 40).await.unwrap();
        let many = app::fulfilment::list::list_where(&app.db, &user, &f, all, 0).await.unwrap();
        assert_eq!(few, many, "{company}");
    }
    let (s, v) = m.call("fulfilment/list", json!({"filter": {"company": "%%__!!"}})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = m.call("fulfilment/track", json!({"customer": 9_223_372_036_854_775_807i64, "year": null})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
