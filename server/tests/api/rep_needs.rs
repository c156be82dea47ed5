//! 代表处业务需求 (SM-2) end to end through the routes the pages call: a rep office submits, HQ
//! CS takes and routes it, the department feeds back, HQ CS answers the rep office — who sees
//! only its own needs and never the department's internal notes; who may do what in which
//! state; numbering under concurrency; bad input.
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Client, TestApp, field_error, rejected};
use crate::members::{load, with_members};
use crate::requests::member_of;

fn need(content: &str, customer: Option<i64>) -> Value {
    json!({"input": {"content": content, "customer_id": customer}})
}

fn act(id: i64, version: i64, action: &str, text: &str, kind: Option<&str>, dept: Option<i64>) -> Value {
    json!({"input": {"id": id, "version": version, "action": action, "text": text, "request_type": kind, "handling_org_id": dept}})
}

/// The need as `c` sees it (status OK asserted).
async fn get(c: &mut Client, id: i64) -> Value {
    let (status, d) = c.call("rep-needs/get", json!({"id": id})).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    d
}

fn version(d: &Value) -> i64 {
    d["version"].as_i64().unwrap()
}

fn actions(d: &Value) -> Vec<String> {
    d["actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect()
}

async fn submit(c: &mut Client, content: &str) -> i64 {
    let (status, out) = c.call("rep-needs/submit", need(content, None)).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    out["id"].as_i64().unwrap()
}

/// Runs `action` on need `id` as `c` at its current version; returns (status, body).
async fn run(
    c: &mut Client,
    id: i64,
    action: &str,
    text: &str,
    kind: Option<&str>,
    dept: Option<i64>,
) -> (StatusCode, Value) {
    let v = version(&get(c, id).await);
    c.call("rep-needs/act", act(id, v, action, text, kind, dept)).await
}

async fn unread_kinds(c: &mut Client) -> Vec<String> {
    let (_, msgs) = c.call("messages/list", json!({"filter": {"unread": "1"}})).await;
    msgs["items"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_need_goes_from_the_rep_office_to_the_department_and_back() {
    let app = with_members(200).await;
    let d = load(&app).await;
    let (gz, sh, tech) = (app.org_id("GZ").await, app.org_id("SH").await, app.org_id("TECH").await);
    let gz_member = member_of(&d.customers, Some(gz));
    let sh_member = member_of(&d.customers, Some(sh));
    let mut gz_rep = app.login("gz_rep").await;
    let mut sh_rep = app.login("sh_rep").await;
    let mut agent = app.login("agent").await;
    let mut tech_user = app.login("biz_tech").await;
    let records = app.count("SELECT COUNT(*) FROM service_record").await;

    // Bad input: a field error each, nothing written.
    let (status, body) = gz_rep.call("rep-needs/submit", need("   ", None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&body, "content").is_some(), "{body}");
    let (status, body) = gz_rep.call("rep-needs/submit", need(&"需".repeat(4001), None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&body, "content").unwrap().contains("4000"), "{body}");
    let (status, body) = gz_rep.call("rep-needs/submit", need("上海的会员", Some(sh_member.id))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "another office's member");
    assert!(field_error(&body, "customer_id").is_some(), "{body}");
    let (status, _) = gz_rep.call("rep-needs/submit", json!({"input": {"customer_id": 1}})).await;
    assert!(status.is_client_error(), "{status}");
    assert_eq!(app.count("SELECT COUNT(*) FROM rep_office_request").await, 0);

    // 提交: numbered DQ…, HQ CS told, in 待受理.
    let (status, out) =
        gz_rep.call("rep-needs/submit", need("客户反映展位图无法下载,请协助", Some(gz_member.id))).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let id = out["id"].as_i64().unwrap();
    let no = out["request_no"].as_str().unwrap();
    assert!(no.starts_with("DQ") && no.len() == 14, "{no}");
    assert!(unread_kinds(&mut agent).await.contains(&"rep_need_submitted".to_string()));
    let (_, queue) = agent.call("rep-needs/queue", json!({"filter": {}})).await;
    assert_eq!(queue["items"][0]["id"], id, "{queue}");
    assert_eq!(queue["items"][0]["org"], "广州代表处");

    // Another office and the department see nothing of it yet (ids guessed).
    for c in [&mut sh_rep, &mut tech_user] {
        let (status, _) = c.call("rep-needs/get", json!({"id": id})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _) = sh_rep.call("rep-needs/act", act(id, 1, "Withdraw", "", None, None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, mine) = sh_rep.call("rep-needs/mine", json!({"filter": {}})).await;
    assert_eq!(mine["total"], 0);

    // HQ takes it; routing needs the classification; then 技术部.
    let hq = get(&mut agent, id).await;
    assert_eq!(actions(&hq), ["Accept", "Reply", "Route"]);
    assert_eq!(hq["customer"][0], gz_member.id);
    let (status, s) = run(&mut agent, id, "Accept", "", None, None).await;
    assert_eq!((status, s), (StatusCode::OK, json!("hq_processing")));
    let (status, body) = run(&mut agent, id, "Route", "", None, Some(tech)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&body, "request_type").is_some(), "{body}");
    let (status, s) = run(&mut agent, id, "Route", "请技术部排查", Some("complaint"), Some(tech)).await;
    assert_eq!((status, s), (StatusCode::OK, json!("dept_pending")));

    // 技术部: told, its inbox tab lists it (not the member-request inbox), works on it.
    assert!(unread_kinds(&mut tech_user).await.contains(&"request_routed".to_string()));
    let (_, inbox) = tech_user.call("rep-needs/inbox", json!({"filter": {}})).await;
    assert_eq!(inbox["items"][0]["id"], id, "{inbox}");
    let (_, requests) = tech_user.call("requests/inbox", json!({"filter": {}})).await;
    assert_eq!(requests["total"], 0);
    let t = get(&mut tech_user, id).await;
    assert_eq!(actions(&t), ["DeptAccept", "Progress", "Feedback", "Return"]);
    let (status, s) = run(&mut tech_user, id, "Progress", "内部备注:查下载服务日志", None, None).await;
    assert_eq!((status, s), (StatusCode::OK, json!("dept_processing")));
    let (status, body) = run(&mut tech_user, id, "Feedback", "", None, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&body, "note").is_some(), "{body}");
    let (status, s) = run(&mut tech_user, id, "Feedback", "内部:CDN 配置错误已修正", None, None).await;
    assert_eq!((status, s), (StatusCode::OK, json!("feedback_received")));

    // HQ is told, sees the feedback, answers the rep office.
    assert!(unread_kinds(&mut agent).await.contains(&"dept_feedback".to_string()));
    let hq = get(&mut agent, id).await;
    assert_eq!(hq["feedbacks"][0]["text"], "内部:CDN 配置错误已修正");
    assert_eq!(actions(&hq), ["Reply", "Reroute"]);
    let (status, body) = run(&mut agent, id, "Reply", " ", Some("complaint"), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&body, "result").is_some(), "{body}");
    let (status, s) = run(&mut agent, id, "Reply", "已修复,请告知会员重新下载", Some("complaint"), None).await;
    assert_eq!((status, s), (StatusCode::OK, json!("completed")));
    let (status, body) = run(&mut agent, id, "Reroute", "再看看", None, Some(tech)).await;
    assert!(status == StatusCode::CONFLICT && rejected(&body).contains("已结束"), "{status} {body}");

    // The rep office: told, sees the result, the handling department, its own steps — and no
    // internal note.
    assert!(unread_kinds(&mut gz_rep).await.contains(&"rep_need_replied".to_string()));
    let seen = get(&mut gz_rep, id).await;
    assert_eq!(seen["result"], "已修复,请告知会员重新下载");
    assert_eq!(seen["row"]["handling_dept"], "tech_dept");
    assert_eq!(seen["feedbacks"], json!([]));
    let steps: Vec<&str> = seen["steps"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["intake", "accept", "route", "reply_rep_office"]);
    assert!(!seen.to_string().contains("内部"), "{seen}");
    let all = get(&mut agent, id).await;
    let steps: Vec<&str> = all["steps"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["intake", "accept", "route", "progress", "feedback", "reply_rep_office"]);
    let (_, mine) = gz_rep.call("rep-needs/mine", json!({"filter": {}})).await;
    assert_eq!((mine["total"].clone(), mine["items"][0]["state"].clone()), (json!(1), json!("completed")));
    let (_, done) = agent.call("rep-needs/queue", json!({"filter": {"tab": "done"}})).await;
    assert_eq!(done["items"][0]["id"], id);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM operation_log WHERE target_type = 'rep_office_request' AND target_id = {id}"
        ))
        .await,
        6
    );
    // Not a member service (SPEC §4.2): no service record.
    assert_eq!(app.count("SELECT COUNT(*) FROM service_record").await, records);
}

#[tokio::test]
async fn each_lane_may_do_only_its_own_actions_in_the_right_state() {
    let app = TestApp::spawn().await;
    let tech = app.org_id("TECH").await;
    let mut gz_rep = app.login("gz_rep").await;
    let mut agent = app.login("agent").await;
    let mut tech_user = app.login("biz_tech").await;
    let mut buyer = app.login("biz_buyer").await;

    // 撤回 while submitted; hidden from 我的需求 unless asked for.
    let first = submit(&mut gz_rep, "第一条").await;
    let (status, s) = run(&mut gz_rep, first, "Withdraw", "", None, None).await;
    assert_eq!((status, s), (StatusCode::OK, json!("withdrawn")));
    let (_, mine) = gz_rep.call("rep-needs/mine", json!({"filter": {}})).await;
    assert_eq!(mine["total"], 0);
    let (_, mine) = gz_rep.call("rep-needs/mine", json!({"filter": {"state": "withdrawn"}})).await;
    assert_eq!(mine["total"], 1);

    // The wrong lane is refused; so is a stale page and a withdrawal after HQ took it.
    let second = submit(&mut gz_rep, "第二条").await;
    let (status, _) = run(&mut gz_rep, second, "Accept", "", None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the rep office does not take its own need");
    let (status, _) = agent.call("rep-needs/act", act(second, 1, "Withdraw", "", None, None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "HQ does not withdraw it");
    let (status, _) = agent.call("rep-needs/act", act(second, 1, "DeptAccept", "", None, None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, s) = agent.call("rep-needs/act", act(second, 1, "Accept", "", Some("consultation"), None)).await;
    assert_eq!((status, s), (StatusCode::OK, json!("hq_processing")));
    let (status, body) =
        agent.call("rep-needs/act", act(second, 1, "Route", "", Some("consultation"), Some(tech))).await;
    assert_eq!(status, StatusCode::CONFLICT, "stale version: {body}");
    assert!(rejected(&body).contains("张坐席"), "the conflict names who saved first: {body}");
    let (status, body) = run(&mut gz_rep, second, "Withdraw", "", None, None).await;
    assert!(status == StatusCode::CONFLICT && rejected(&body).contains("不能再撤回"), "{status} {body}");
    let buyer_dept = app.org_id("BUYER").await;
    let (status, body) = run(&mut agent, second, "Route", "", Some("consultation"), Some(buyer_dept)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "买家部 takes no needs: {body}");
    let (status, _) = run(&mut agent, second, "Route", "", Some("consultation"), Some(999_999)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // 退回: back to HQ, who answers it itself (处理部门 客服部).
    let (status, body) = run(&mut agent, second, "Route", "", None, Some(tech)).await;
    assert!(field_error(&body, "request_type").is_some(), "the page sends the classification: {status} {body}");
    let (status, _) = run(&mut agent, second, "Route", "", Some("consultation"), Some(tech)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = buyer.call("rep-needs/get", json!({"id": second})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another department never sees it");
    let (status, _) = run(&mut agent, second, "Reply", "答复", Some("consultation"), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "HQ cannot answer while the department holds it");
    let (status, body) = run(&mut tech_user, second, "Return", "", None, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, s) = run(&mut tech_user, second, "Return", "不属于技术问题", None, None).await;
    assert_eq!((status, s), (StatusCode::OK, json!("hq_processing")));
    assert!(unread_kinds(&mut agent).await.contains(&"request_returned".to_string()));
    let (status, _) = run(&mut tech_user, second, "Feedback", "迟到的反馈", None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no longer the department's");
    let (status, s) = run(&mut agent, second, "Reply", "已由客服部直接答复", Some("consultation"), None).await;
    assert_eq!((status, s), (StatusCode::OK, json!("completed")));
    let d = get(&mut gz_rep, second).await;
    assert_eq!(d["row"]["handling_dept"], "cs_dept");

    // 再次流转: a second feedback round; the department still sees the need.
    let third = submit(&mut gz_rep, "第三条").await;
    let (status, _) = run(&mut agent, third, "Route", "", Some("consultation"), Some(tech)).await;
    assert_eq!(status, StatusCode::OK, "HQ may route straight from 已提交");
    run(&mut tech_user, third, "Feedback", "第一轮", None, None).await;
    let (status, body) = run(&mut agent, third, "Reroute", "", None, Some(tech)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, s) = run(&mut agent, third, "Reroute", "请补充原因", None, Some(tech)).await;
    assert_eq!((status, s), (StatusCode::OK, json!("dept_pending")));
    let (status, s) = run(&mut tech_user, third, "Feedback", "第二轮", None, None).await;
    assert_eq!((status, s), (StatusCode::OK, json!("feedback_received")));
    assert_eq!(get(&mut agent, third).await["feedbacks"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn parallel_submits_get_distinct_numbers_and_one_of_many_clicks_wins() {
    let app = TestApp::spawn().await;
    let gz_rep = app.login("gz_rep").await;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..30 {
        let mut c = gz_rep.clone();
        set.spawn(async move { c.call("rep-needs/submit", need(&format!("第 {i} 条需求"), None)).await });
    }
    let mut numbers: Vec<String> = set
        .join_all()
        .await
        .into_iter()
        .map(|(s, b)| {
            assert_eq!(s, StatusCode::OK, "{b}");
            b["request_no"].as_str().unwrap().to_string()
        })
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 30);

    let id = app.count("SELECT MIN(id) FROM rep_office_request").await;
    let agent = app.login("agent").await;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..30 {
        let mut c = agent.clone();
        set.spawn(async move { c.call("rep-needs/act", act(id, 1, "Accept", "", None, None)).await.0 });
    }
    let statuses = set.join_all().await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT), "{statuses:?}");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM request_step WHERE request_kind = 'rep_request' AND request_id = {id} AND step_type = 'accept'"
        ))
        .await,
        1
    );
    // Hostile bodies: a 4xx each, the process alive.
    let mut c = agent.clone();
    for body in [
        json!({"filter": {"page": -1}}),
        json!({"filter": {"state": "bogus"}}),
        json!({"filter": {"from": "2026-13-01"}}),
        json!({"filter": {"no": "%%%___", "q": "'; DROP TABLE rep_office_request; --"}}),
    ] {
        let (status, b) = c.call("rep-needs/queue", body.clone()).await;
        assert!(status.is_client_error() || status == StatusCode::OK, "{body} → {status} {b}");
    }
    let (status, _) = c.call("rep-needs/act", json!({"input": {"id": id}})).await;
    assert!(status.is_client_error(), "{status}");
    assert_eq!(app.count("SELECT COUNT(*) FROM rep_office_request").await, 30);
}
