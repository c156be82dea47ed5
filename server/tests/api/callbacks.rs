//! 电话回访关怀 (SM-3, PG-24/25) through the routes the pages call: 完成 writes the callback,
//! its 服务记录, the member's last callback and the follow-up task, and closes the task a call
//! answers; bad input is refused field by field with nothing written; a rep office reaches
//! only its own members; 转为诉求 makes a proactive request linked to the callback.
use chrono::{Duration, Utc};
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Client, field_error};
use crate::members::{load, with_members};
use crate::requests::{intake, member_of};

/// A `datetime-local` value in China time, `minutes` from now.
fn local(minutes: i64) -> String {
    (Utc::now() + Duration::hours(8) + Duration::minutes(minutes)).format("%Y-%m-%dT%H:%M").to_string()
}

fn callback(customer: i64, reach: &str, feedback: &str, at: &str, next: &str, task: Option<i64>) -> Value {
    json!({"input": {"customer_id": customer, "content": "renewal_reminder", "reach": reach,
        "contact_name": "王经理", "phone_called": "13800000000", "feedback": feedback, "satisfaction": "satisfied",
        "callback_at": at, "next_at": next, "next_note": if next.is_empty() { "" } else { "确认续费" }, "task_id": task}})
}

/// The members of the call list for `filter`, on one page of 100.
async fn call_list(c: &mut Client, mut filter: Value) -> Vec<i64> {
    filter["per_page"] = json!(100);
    let (status, page) = c.call("callbacks/list", json!({ "filter": filter })).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().iter().map(|r| r["customer_id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn a_callback_writes_its_service_record_and_follow_up_and_closes_the_task_it_answers() {
    let app = with_members(40).await;
    let d = load(&app).await;
    let member = member_of(&d.customers, None);
    let mut agent = app.login("agent").await;
    let agent_id = app.account_id("agent").await;

    // The form: the member panel, the login's 服务部门, now as the default time.
    let (status, form) = agent.call("callbacks/form", json!({"customer": member.id})).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert_eq!(form["panel"]["info"]["id"], member.id);
    assert_eq!(form["service_dept"], "company_cs");
    assert!(form["history"].as_array().unwrap().is_empty() && form["tasks"].as_array().unwrap().is_empty());

    // 完成 with 下次回访时间: the callback, its record, the member's last callback, a task.
    let body =
        callback(member.id, "reached", "会员表示下月续费,希望了解新功能", &local(-30), &local(3 * 24 * 60), None);
    let (status, saved) = agent.call("callbacks/save", body).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (cb, record, task) = (
        saved["id"].as_i64().unwrap(),
        saved["service_record_id"].as_i64().unwrap(),
        saved["follow_up_task_id"].as_i64().unwrap(),
    );
    let row = |sql: String| {
        let app = &app;
        async move { app.text(&sql).await }
    };
    assert_eq!(
        row(format!(
            "SELECT service_type || '/' || service_mode || '/' || service_dept || '/' || service_result || '/' || source_kind \
             || '/' || CAST(source_id AS TEXT) FROM service_record WHERE id = {record}"
        ))
        .await,
        format!("callback/proactive/company_cs/completed/callback/{cb}")
    );
    assert_eq!(
        row(format!("SELECT last_callback_content FROM customer WHERE id = {}", member.id)).await,
        "renewal_reminder"
    );
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM customer WHERE id = {} AND last_callback_at IS NOT NULL AND last_service_at >= last_callback_at", member.id)).await, 1);
    assert_eq!(
        row(format!("SELECT status || '/' || source || '/' || related_type || '/' || CAST(related_id AS TEXT) || '/' || CAST(assignee_id AS TEXT) FROM task WHERE id = {task}")).await,
        format!("todo/follow_up/customer/{}/{agent_id}", member.id)
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM operation_log WHERE target_type = 'callback' AND target_id = {cb}"))
            .await,
        1
    );
    // 任务提醒 offers 回访 on it, which opens the form answering it.
    let (_, mine) = agent.call("tasks/list", json!({"filter": {"tab": "mine"}})).await;
    let listed = mine["items"].as_array().unwrap().iter().find(|t| t["id"] == task).cloned().unwrap();
    assert_eq!(listed["call_back"], format!("/callbacks/new?customer={}&task={task}", member.id));
    // The home page's 待办 shows the task.
    let (_, todo) = agent.call("requests/todo", json!({})).await;
    assert!(todo["tasks"][0].as_array().unwrap().iter().any(|t| t["id"] == task), "{todo}");

    // The next call answers the task: offered on the form, closed on save; not reached, so
    // the record is 未完成 and no feedback is needed.
    let (_, form) = agent.call("callbacks/form", json!({"customer": member.id})).await;
    assert_eq!(form["tasks"][0]["id"], task);
    assert_eq!(form["history"][0]["id"], cb);
    let (status, again) =
        agent.call("callbacks/save", callback(member.id, "not_reached", "", &local(0), "", Some(task))).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["closed_task_id"], task);
    assert_eq!(row(format!("SELECT status FROM task WHERE id = {task}")).await, "done");
    let second = again["service_record_id"].as_i64().unwrap();
    assert_eq!(row(format!("SELECT service_result FROM service_record WHERE id = {second}")).await, "incomplete");
    // Twenty calls answering one task at once: one closes it, the others are told.
    let (_, saved) =
        agent.call("callbacks/save", callback(member.id, "reached", "再约", &local(0), &local(60), None)).await;
    let open_task = saved["follow_up_task_id"].as_i64().unwrap();
    let answers = futures_util::future::join_all((0..20).map(|_| {
        let mut c = agent.clone();
        async move {
            c.call("callbacks/save", callback(member.id, "not_reached", "", &local(0), "", Some(open_task))).await.0
        }
    }))
    .await;
    assert_eq!(answers.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{answers:?}");
    assert!(answers.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::UNPROCESSABLE_ENTITY), "{answers:?}");
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM callback WHERE care_task_id = {open_task}")).await, 1);
    // A closed task cannot be answered twice.
    let (status, b) =
        agent.call("callbacks/save", callback(member.id, "not_reached", "", &local(0), "", Some(task))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(field_error(&b, "task_id").is_some(), "{b}");

    // PG-24: one row per member with the last callback; its filters (the generated members
    // were called back before, by legacy records).
    let all = call_list(&mut agent, json!({})).await;
    assert!(all.contains(&member.id) && all.len() > 10, "{all:?}");
    let (_, page) = agent
        .call("callbacks/list", json!({"filter": {"callback_content": "renewal_reminder", "per_page": 100}}))
        .await;
    let rows = page["items"].as_array().unwrap();
    assert!(rows.iter().any(|r| r["customer_id"] == member.id), "{page}");
    assert!(rows.iter().all(|r| r["last_callback_content"] == "renewal_reminder" && r["last_callback_at"].is_string()));
    let idle = call_list(&mut agent, json!({"idle_days": "30"})).await;
    let recent = app
        .count(&format!(
            "SELECT COUNT(*) FROM customer WHERE last_callback_at > '{}'",
            (Utc::now() - Duration::days(30)).format("%Y-%m-%d %H:%M:%S")
        ))
        .await;
    assert!(!idle.contains(&member.id) && idle.len() as i64 + recent == all.len() as i64, "{recent} {idle:?}");
    let since = local(-24 * 60)[..10].to_string();
    let called_lately = call_list(&mut agent, json!({"callback_from": since})).await;
    assert!(called_lately.contains(&member.id) && called_lately.len() < all.len(), "{called_lately:?}");
    // The call list exports as shown.
    let login = member.login_name.clone().unwrap();
    let (_, csv) = crate::info::export(
        &mut agent,
        "callbacks",
        &format!("cb_content=renewal_reminder&login={login}&exact=1"),
        "csv",
    )
    .await;
    let text = String::from_utf8_lossy(&csv);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("最近回访时间") && lines[0].contains("登录名"), "{text}");
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].contains(&login) && lines[1].contains("续费率约提醒"), "{text}");
    for (filter, field) in [
        (json!({"idle_days": "0"}), "idle"),
        (json!({"idle_days": "x"}), "idle"),
        (json!({"callback_content": "x"}), "cb_content"),
    ] {
        let (status, b) = agent.call("callbacks/list", json!({ "filter": filter })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(field_error(&b, field).is_some(), "{field}: {b}");
    }
}

#[tokio::test]
async fn bad_callback_input_is_refused_field_by_field_and_nothing_is_written() {
    let app = with_members(20).await;
    let d = load(&app).await;
    let member = member_of(&d.customers, None);
    let mut agent = app.login("agent").await;
    let long = "长".repeat(4001);
    let cases = [
        (json!({"content": ""}), "content"),
        (json!({"reach": "maybe"}), "reach"),
        (json!({"feedback": ""}), "feedback"),
        (json!({"feedback": long}), "feedback"),
        (json!({"satisfaction": "ecstatic"}), "satisfaction"),
        (json!({"contact_name": "名".repeat(51)}), "contact_name"),
        (json!({"callback_at": ""}), "callback_at"),
        (json!({"callback_at": "2026-13-01T09:00"}), "callback_at"),
        (json!({"callback_at": local(24 * 60)}), "callback_at"),
        (json!({"callback_at": local(-8 * 24 * 60)}), "callback_at"),
        (json!({"next_at": local(-60)}), "next_at"),
        (json!({"next_at": "", "next_note": "再打"}), "next_at"),
    ];
    for (change, field) in cases {
        let mut body = callback(member.id, "reached", "好", &local(0), "", None);
        for (k, v) in change.as_object().unwrap() {
            body["input"][k] = v.clone();
        }
        let (status, b) = agent.call("callbacks/save", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {b}");
        assert!(field_error(&b, field).is_some(), "{field}: {b}");
    }
    // Malformed or truncated JSON, a missing field, an unknown member: a 4xx, never a 500.
    for raw in ["{\"input\": {\"customer_id\": 1", "{}", "{\"input\": {\"customer_id\": \"x\"}}"] {
        let req = http::Request::post("/api/callbacks/save")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(raw))
            .unwrap();
        let (status, b) = agent.send(req).await;
        assert!(status.is_client_error(), "{raw}: {status} {b}");
    }
    let (status, _) = agent.call("callbacks/save", callback(i64::MAX, "reached", "好", &local(0), "", None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for table in ["callback", "task"] {
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM {table}")).await, 0, "{table}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM service_record WHERE source_kind = 'callback'").await, 0);
}

#[tokio::test]
async fn a_rep_office_calls_back_only_its_own_members() {
    let app = with_members(60).await;
    let d = load(&app).await;
    let gz = app.org_id("GZ").await;
    let own = member_of(&d.customers, Some(gz));
    let other = d.customers.iter().find(|c| c.customer_type == "member" && c.organization_id != gz).unwrap();
    let mut gz_rep = app.login("gz_rep").await;

    let (status, _) = gz_rep.call("callbacks/form", json!({"customer": other.id})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another office's member");
    let (status, _) = gz_rep.call("callbacks/save", callback(other.id, "reached", "好", &local(0), "", None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) FROM callback").await, 0);

    // The call list holds the office's members only, even when the URL names another office.
    let listed = call_list(&mut gz_rep, json!({})).await;
    assert!(listed.contains(&own.id) && !listed.contains(&other.id), "{listed:?}");
    let forged = call_list(&mut gz_rep, json!({"org": other.organization_id})).await;
    assert!(forged.is_empty(), "{forged:?}");

    // Its own member: the record says 代表处客服.
    let (status, saved) = gz_rep.call("callbacks/save", callback(own.id, "reached", "满意", &local(0), "", None)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let record = saved["service_record_id"].as_i64().unwrap();
    assert_eq!(
        app.text(&format!("SELECT service_dept FROM service_record WHERE id = {record}")).await,
        "rep_office_cs"
    );
    // A business department has no callbacks.
    let mut tech = app.login("biz_tech").await;
    let (status, _) = tech.call("callbacks/list", json!({"filter": {}})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_request_raised_during_a_callback_is_proactive_and_linked_to_it() {
    let app = with_members(40).await;
    let d = load(&app).await;
    let member = member_of(&d.customers, None);
    let another = d.customers.iter().find(|c| c.customer_type == "member" && c.id != member.id).unwrap();
    let mut agent = app.login("agent").await;
    let (_, saved) =
        agent.call("callbacks/save", callback(member.id, "reached", "会员投诉展位", &local(0), "", None)).await;
    let cb = saved["id"].as_i64().unwrap();

    // Of another member: refused.
    let mut body = intake(another.id, "Save", None, "展位投诉", "");
    body["input"]["source_callback_id"] = json!(cb);
    let (status, b) = agent.call("requests/intake", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(field_error(&b, "caller").is_some(), "{b}");

    let mut body = intake(member.id, "Save", None, "展位投诉", "");
    body["input"]["source_callback_id"] = json!(cb);
    let (status, out) = agent.call("requests/intake", body).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let id = out["id"].as_i64().unwrap();
    assert_eq!(app.count(&format!("SELECT source_callback_id FROM service_request WHERE id = {id}")).await, cb);
    assert_eq!(
        app.text(&format!(
            "SELECT r.service_mode FROM service_record r JOIN service_request q ON q.service_record_id = r.id WHERE q.id = {id}"
        ))
        .await,
        "proactive"
    );
}
