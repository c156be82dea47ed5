//! 会员诉求 (SM-1) end to end through the routes the pages call: intake with caller lookup,
//! routing to a department and its inbox, feedback, completion, the message centre, who may
//! do what in which state, numbering under concurrency, scope, and bad input.
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Client, TestApp, field_error, rejected};
use crate::members::{load, with_members};
use app::members::entity::customer;

/// An intake body (member `customer`, routed to department org `dept` if given).
pub(crate) fn intake(customer: i64, action: &str, dept: Option<i64>, content: &str, result: &str) -> Value {
    json!({"input": {
        "customer_type": "member", "customer_id": customer, "caller_name": "", "contact_mobile": "",
        "contact_phone": "", "region": [null, null, null], "company_name": "", "channel": "phone",
        "request_type": "complaint", "content": content, "handling_org_id": dept, "result": result,
        "priority": "high", "agent_id": null, "action": action,
    }})
}

pub(crate) fn act(id: i64, version: i64, action: &str, text: &str, dept: Option<i64>) -> Value {
    json!({"input": {"id": id, "version": version, "action": action, "text": text, "handling_org_id": dept}})
}

/// The request's state and version as the detail shows them.
pub(crate) async fn state_of(c: &mut Client, id: i64) -> (String, i64) {
    let (status, d) = c.call("requests/get", json!({"id": id})).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    (d["row"]["state"].as_str().unwrap().to_string(), d["version"].as_i64().unwrap())
}

/// A member with a mobile number (`org` `None`), or any member of organisation `org`.
pub(crate) fn member_of(customers: &[customer::Model], org: Option<i64>) -> customer::Model {
    customers
        .iter()
        .find(|c| {
            c.customer_type == "member"
                && match org {
                    None => c.phone_mobile.as_deref().is_some_and(|m| m.len() == 11),
                    Some(o) => c.organization_id == o,
                }
        })
        .cloned()
        .expect("a matching member")
}

#[tokio::test]
async fn a_complaint_goes_to_the_department_and_back_to_the_agent() {
    let app = with_members(60).await;
    let d = load(&app).await;
    let tech = app.org_id("TECH").await;
    let member = member_of(&d.customers, None);
    let mut agent = app.login("agent").await;

    // The agent types seven digits of the caller's phone: the member is proposed.
    let digits = &member.phone_mobile.as_deref().unwrap()[2..9];
    let (status, hits) = agent.call("requests/callers", json!({"typed": digits})).await;
    assert_eq!(status, StatusCode::OK, "{hits}");
    assert!(hits.as_array().unwrap().iter().any(|h| h["id"] == member.id), "{digits}: {hits}");
    let (_, none) = agent.call("requests/callers", json!({"typed": "1"})).await;
    assert_eq!(none, json!([]), "one character proposes nothing");
    let (status, panel) = agent.call("requests/caller", json!({"id": member.id})).await;
    assert_eq!(status, StatusCode::OK, "{panel}");
    assert_eq!(panel["info"]["id"], member.id);

    let (status, out) =
        agent.call("requests/intake", intake(member.id, "Route", Some(tech), "页面打不开,无法发布产品", "")).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let id = out["id"].as_i64().unwrap();
    let no = out["request_no"].as_str().unwrap();
    assert!(no.starts_with("SQ") && no.len() == 14, "{no}");
    assert_eq!(out["state"], "dept_pending");
    assert_eq!(out["dept_name"], "技术部");

    // The open request shows in the caller's panel (no duplicate ticket).
    let (_, panel) = agent.call("requests/caller", json!({"id": member.id})).await;
    assert_eq!(panel["open_requests"][0]["id"], id);

    // 技术部 is told, and finds it in its inbox; 买家部 neither.
    let mut tech_user = app.login("biz_tech").await;
    let (_, unread) = tech_user.call("messages/unread", json!({})).await;
    assert_eq!(unread, 1);
    let (_, msgs) = tech_user.call("messages/list", json!({"filter": {}})).await;
    assert_eq!(msgs["items"][0]["kind"], "request_routed");
    assert_eq!(msgs["items"][0]["link_url"], format!("/requests/{id}"));
    let (status, inbox) = tech_user.call("requests/inbox", json!({"filter": {}})).await;
    assert_eq!(status, StatusCode::OK, "{inbox}");
    assert_eq!(inbox["items"][0]["id"], id);
    let mut buyer = app.login("biz_buyer").await;
    let (_, inbox) = buyer.call("requests/inbox", json!({"filter": {}})).await;
    assert_eq!(inbox["total"], 0);
    let (status, _) = buyer.call("requests/get", json!({"id": id})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another department never sees it");

    // The agent cannot complete it while the department holds it.
    let (_, v) = state_of(&mut agent, id).await;
    let (status, body) = agent.call("requests/act", act(id, v, "Complete", "已处理", None)).await;
    assert!(status == StatusCode::CONFLICT && rejected(&body).contains("部门处理中"), "{status} {body}");

    // The department accepts, feeds back (text required).
    let (status, d) = tech_user.call("requests/get", json!({"id": id})).await;
    assert_eq!(status, StatusCode::OK);
    let actions: Vec<&str> = d["actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert_eq!(actions, ["Accept", "Progress", "Feedback", "Return"]);
    let v = d["version"].as_i64().unwrap();
    let (status, s) = tech_user.call("requests/act", act(id, v, "Accept", "", None)).await;
    assert_eq!((status, s), (StatusCode::OK, json!("dept_processing")));
    let (status, body) = tech_user.call("requests/act", act(id, v + 1, "Feedback", "  ", None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&body, "note").is_some(), "{body}");
    let (status, s) =
        tech_user.call("requests/act", act(id, v + 1, "Feedback", "已修复页面缓存,请会员刷新后重试", None)).await;
    assert_eq!((status, s), (StatusCode::OK, json!("feedback_received")));

    // The agent is told, sees it under 待我回复, and completes it.
    let (_, unread) = agent.call("messages/unread", json!({})).await;
    assert_eq!(unread, 1);
    let (_, list) = agent.call("requests/list", json!({"filter": {"tab": "reply"}})).await;
    assert_eq!(list["items"][0]["id"], id, "{list}");
    let (_, d) = agent.call("requests/get", json!({"id": id})).await;
    assert_eq!(d["feedbacks"][0]["text"], "已修复页面缓存,请会员刷新后重试");
    let v = d["version"].as_i64().unwrap();
    let (status, s) = agent.call("requests/act", act(id, v, "Complete", "已电话告知会员刷新后可用", None)).await;
    assert_eq!((status, s), (StatusCode::OK, json!("completed")));

    // Completed: read-only, its service record completed, the timeline complete.
    let (status, body) = agent.call("requests/act", act(id, v + 1, "Save", "改一下", None)).await;
    assert!(status == StatusCode::CONFLICT && rejected(&body).contains("已结束"), "{status} {body}");
    let (_, d) = agent.call("requests/get", json!({"id": id})).await;
    let steps: Vec<&str> = d["steps"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["intake", "route", "accept", "feedback", "complete"]);
    assert!(d["actions"].as_array().unwrap().is_empty());
    assert_eq!(
        app.text(&format!(
            "SELECT service_result FROM service_record WHERE source_kind = 'member_request' AND source_id = {id}"
        ))
        .await,
        "completed"
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM customer WHERE id = {} AND last_service_at IS NOT NULL", member.id))
            .await,
        1
    );
    // The member's page lists it; the operation log has every step.
    let (_, of) = agent.call("members/detail", json!({"id": member.id})).await;
    assert_eq!(of["requests"][0]["id"], id);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM operation_log WHERE target_type = 'service_request' AND target_id = {id}"
        ))
        .await,
        4
    );
    // 技术部 now sees the customer of the routed request (DS-DEPT), 买家部 does not.
    let (status, _) = tech_user.call("members/detail", json!({"id": member.id})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = buyer.call("members/detail", json!({"id": member.id})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn each_action_is_refused_to_the_wrong_actor_and_a_stale_page() {
    let app = with_members(20).await;
    let d = load(&app).await;
    let tech = app.org_id("TECH").await;
    let member = member_of(&d.customers, None);
    let mut agent = app.login("agent").await;
    let (_, out) = agent.call("requests/intake", intake(member.id, "Route", Some(tech), "咨询发票", "")).await;
    let id = out["id"].as_i64().unwrap();
    let (_, v) = state_of(&mut agent, id).await;

    // The agent cannot act for the department; the department cannot void; qa cannot see it.
    let (status, _) = agent.call("requests/act", act(id, v, "Accept", "", None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut tech_user = app.login("biz_tech").await;
    let (status, _) = tech_user.call("requests/act", act(id, v, "Void", "录入错误", None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = agent.call("requests/act", act(id, v, "Void", "录入错误", None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "作废 needs 主管/经理");
    let mut qa = app.login("qa").await;
    let (status, _) = qa.call("requests/get", json!({"id": id})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Two department users click at once on the same version: one wins, the other is told.
    let (s1, _) = tech_user.call("requests/act", act(id, v, "Accept", "", None)).await;
    let (s2, body) = tech_user.call("requests/act", act(id, v, "Progress", "联系中", None)).await;
    assert_eq!(s1, StatusCode::OK);
    assert_eq!(s2, StatusCode::CONFLICT);
    assert!(rejected(&body).contains("孙技术"), "names who saved last: {body}");

    // Returned to CS with a reason; the agent is told; 再次流转 only after feedback.
    let (_, v) = state_of(&mut agent, id).await;
    let (status, _) = tech_user.call("requests/act", act(id, v, "Return", "", None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, s) = tech_user.call("requests/act", act(id, v, "Return", "非本部门职责", None)).await;
    assert_eq!((status, s), (StatusCode::OK, json!("cs_processing")));
    let (_, msgs) = agent.call("messages/list", json!({"filter": {"kind": "request_returned"}})).await;
    assert_eq!(msgs["total"], 1);
    let (status, _) = tech_user.call("requests/get", json!({"id": id})).await;
    assert_eq!(status, StatusCode::OK, "still in the department's scope after the return");
    let (_, v) = state_of(&mut agent, id).await;
    let (status, _) = agent.call("requests/act", act(id, v, "Reroute", "再试", Some(tech))).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The supervisor voids it with a reason; its service record disappears from queries.
    let mut sup = app.login("supervisor").await;
    let (status, _) = sup.call("requests/act", act(id, v, "Void", "", None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, s) = sup.call("requests/act", act(id, v, "Void", "重复受理", None)).await;
    assert_eq!((status, s), (StatusCode::OK, json!("voided")));
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM service_record WHERE source_kind = 'member_request' AND source_id = {id} AND hidden = {}", if app.db.get_database_backend() == sea_orm::DbBackend::Postgres { "true" } else { "1" })).await,
        1
    );
    let (_, list) = agent.call("requests/list", json!({"filter": {}})).await;
    assert!(list["items"].as_array().unwrap().iter().all(|r| r["id"] != id), "voided hidden by default");
    let (status, _) = agent.call("requests/list", json!({"filter": {"tab": "voided"}})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, list) = sup.call("requests/list", json!({"filter": {"tab": "voided"}})).await;
    assert_eq!(list["items"][0]["id"], id);
}

#[tokio::test]
async fn parallel_intakes_get_distinct_numbers() {
    let app = with_members(20).await;
    let d = load(&app).await;
    let member = member_of(&d.customers, None);
    let agent = app.login("agent").await;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..30 {
        let mut c = agent.clone();
        let body = intake(member.id, "Save", None, &format!("第 {i} 次来电"), "");
        set.spawn(async move { c.call("requests/intake", body).await });
    }
    let results = set.join_all().await;
    let mut numbers: Vec<String> = results
        .iter()
        .map(|(s, b)| {
            assert_eq!(*s, StatusCode::OK, "{b}");
            b["request_no"].as_str().unwrap().to_string()
        })
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 30);
    assert_eq!(app.count("SELECT COUNT(*) FROM service_request").await, 30);
    assert_eq!(app.count("SELECT COUNT(*) FROM service_record WHERE source_kind = 'member_request'").await, 30);
    let last = numbers.last().unwrap();
    assert!(last.ends_with("0030"), "{last}");
}

#[tokio::test]
async fn rep_offices_see_only_their_own_requests_and_bad_input_is_refused() {
    let app = with_members(200).await;
    let d = load(&app).await;
    let gz = app.org_id("GZ").await;
    let sh = app.org_id("SH").await;
    let gz_member = member_of(&d.customers, Some(gz));
    let sh_member = member_of(&d.customers, Some(sh));
    let mut gz_rep = app.login("gz_rep").await;
    let mut sh_rep = app.login("sh_rep").await;

    let (status, out) = sh_rep.call("requests/intake", intake(sh_member.id, "Save", None, "上海会员咨询", "")).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let sh_request = out["id"].as_i64().unwrap();
    // 广州 guesses the id: not found; never listed.
    let (status, _) = gz_rep.call("requests/get", json!({"id": sh_request})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = gz_rep.call("requests/act", act(sh_request, 1, "Complete", "答复", None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = gz_rep.call("requests/list", json!({"filter": {}})).await;
    assert_eq!(list["total"], 0);
    // Nor can it take a request for a non-member of 上海, or look into the member's record.
    let (status, _) = gz_rep.call("requests/caller", json!({"id": 999_999})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Bad input: a field error each, nothing written.
    let before = app.count("SELECT COUNT(*) FROM service_request").await;
    let long = "诉".repeat(4001);
    let (status, body) = gz_rep.call("requests/intake", intake(gz_member.id, "Save", None, &long, "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&body, "content").unwrap().contains("4000"), "{body}");
    let (status, body) = gz_rep.call("requests/intake", intake(gz_member.id, "Route", Some(999_999), "x", "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&body, "handling_org_id").is_some(), "{body}");
    let buyer_dept = app.org_id("BUYER").await;
    let (status, _) = gz_rep.call("requests/intake", intake(gz_member.id, "Route", Some(buyer_dept), "x", "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "买家部 takes no member requests");
    let (status, body) = gz_rep.call("requests/intake", intake(gz_member.id, "Complete", None, "x", "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&body, "result").is_some(), "{body}");
    let (status, _) = gz_rep.call("requests/intake", json!({"input": {"customer_type": "member"}})).await;
    assert!(status.is_client_error(), "{status}");
    let (status, _) = gz_rep.call("requests/list", json!({"filter": {"page": -1}})).await;
    assert!(status.is_client_error(), "{status}");
    let (status, _) = gz_rep.call("requests/list", json!({"filter": {"state": "bogus"}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) FROM service_request").await, before);

    // A 广州 request for its own member, visible to 广州 only.
    let (status, out) = gz_rep.call("requests/intake", intake(gz_member.id, "Save", None, "广州咨询", "")).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let (_, list) = gz_rep.call("requests/list", json!({"filter": {}})).await;
    assert_eq!(list["total"], 1);
    let (_, list) = sh_rep.call("requests/list", json!({"filter": {}})).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], sh_request);
}

#[tokio::test]
async fn a_non_member_caller_is_created_once_and_offered_again() {
    let app = TestApp::spawn().await;
    let mut agent = app.login("agent").await;
    let province = app.count("SELECT MIN(id) FROM region WHERE level = 1").await;
    let body = |customer: Value| {
        json!({"input": {
            "customer_type": "non_member", "customer_id": customer, "caller_name": "刘先生", "contact_mobile": "13912345678",
            "contact_phone": "", "region": [province, null, null], "company_name": "刘氏五金", "channel": "phone",
            "request_type": "consultation", "content": "怎么注册会员", "handling_org_id": null, "result": "已告知注册流程",
            "priority": "normal", "agent_id": null, "action": "Complete",
        }})
    };
    // Missing name, phone and region: each said at its field.
    let (status, err) = agent
        .call(
            "requests/intake",
            json!({"input": {"customer_type": "non_member", "customer_id": null, "caller_name": "", "contact_mobile": "",
                "contact_phone": "", "region": [null, null, null], "company_name": "", "channel": "phone",
                "request_type": "consultation", "content": "x", "handling_org_id": null, "result": "",
                "priority": "normal", "agent_id": null, "action": "Save"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["caller_name", "contact_mobile", "region"] {
        assert!(field_error(&err, f).is_some(), "{f}: {err}");
    }
    let (status, out) = agent.call("requests/intake", body(Value::Null)).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["state"], "completed");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM customer WHERE entry_method = 'request_intake' AND review_status = 'approved'")
            .await,
        1
    );
    // The next call from the same phone is offered the existing non-member.
    let (_, known) =
        agent.call("requests/non-members", json!({"mobile": "139-1234-5678", "phone": "", "company": ""})).await;
    let existing = known[0]["id"].as_i64().expect("offered for re-use");
    let (status, _) = agent.call("requests/intake", body(json!(existing))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM customer WHERE entry_method = 'request_intake'").await, 1);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM service_request WHERE customer_id = {existing}")).await, 2);

    // 客户姓名 finds the caller by any part of the name, normalised as every search (SPEC
    // §8.3.4); a text without an indexable character is still a filter.
    for (typed, found) in [("刘", 2), ("先生 ", 2), ("刘先生", 2), ("刘 先", 0), ("王", 0), ("%", 0), ("（", 0)]
    {
        let (status, list) = agent.call("requests/list", json!({"filter": {"caller": typed}})).await;
        assert_eq!(status, StatusCode::OK, "{typed}: {list}");
        assert_eq!(list["total"], found, "{typed}: {list}");
    }
}

#[tokio::test]
async fn an_approver_is_told_of_a_pending_entry() {
    let app = TestApp::spawn().await;
    let supervisor = app.account_id("supervisor").await;
    let mut agent = app.login("agent").await;
    let (status, out) = agent
        .call(
            "archive/save",
            json!({"existing": null, "submit": true, "acknowledge": false, "input": {"company_name": "通知测试有限公司", "contact_name": "",
                "phone_mobile": "", "phone_fixed": "", "registered_email": "", "login_name": "", "region": [null, null, null],
                "address": "", "industry": [null, null, null], "enterprise_category": "", "organization_id": app.org_id("HQ").await,
                "info_source": "admin_entered", "remarks": "", "approver_id": supervisor, "duplicate_reason": ""}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let mut sup = app.login("supervisor").await;
    let (_, msgs) = sup.call("messages/list", json!({"filter": {"unread": "1"}})).await;
    assert_eq!(msgs["items"][0]["kind"], "review_pending", "{msgs}");
    let (status, n) = sup.call("messages/read", json!({"ids": null})).await;
    assert_eq!((status, n), (StatusCode::OK, json!(1)));
    let (_, unread) = sup.call("messages/unread", json!({})).await;
    assert_eq!(unread, 0);
    // Nobody marks another account's messages.
    let (_, n) = agent.call("messages/read", json!({"ids": [msgs["items"][0]["id"]]})).await;
    assert_eq!(n, 0);
}

#[tokio::test]
async fn a_rep_office_finds_another_offices_member_by_an_exact_key_and_sees_only_what_intake_needs() {
    let app = with_members(200).await;
    let d = load(&app).await;
    let sh = app.org_id("SH").await;
    let other = d
        .customers
        .iter()
        .find(|c| {
            c.organization_id == sh
                && c.customer_type == "member"
                && c.login_name.is_some()
                && c.registered_email.is_some()
        })
        .cloned()
        .expect("a 上海 member with a login and an e-mail");
    let login = other.login_name.clone().unwrap();
    let mut gz_rep = app.login("gz_rep").await;
    // Part of the login finds nothing outside the office; the whole login finds the member.
    let (_, hits) = gz_rep.call("requests/callers", json!({"typed": &login[..login.len() - 1]})).await;
    assert!(hits.as_array().unwrap().iter().all(|h| h["id"] != other.id), "{hits}");
    let (_, hits) = gz_rep.call("requests/callers", json!({"typed": login})).await;
    let hit = hits.as_array().unwrap().iter().find(|h| h["id"] == other.id).expect("exact login").clone();
    assert_eq!(hit["foreign"], true);
    assert_eq!((hit["registered_email"].clone(), hit["phone_mobile"].clone()), (json!(""), json!("")));
    let (status, panel) = gz_rep.call("requests/caller", json!({"id": other.id})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(panel["foreign"], true);
    assert_eq!(panel["info"]["registered_email"], "");
    assert_eq!(panel["records"], json!([]));
    // The request is 广州's and 上海's to see, without the member's contact data.
    let (status, out) = gz_rep.call("requests/intake", intake(other.id, "Save", None, "异地会员来电", "")).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let id = out["id"].as_i64().unwrap();
    let (_, d) = gz_rep.call("requests/get", json!({"id": id})).await;
    assert_eq!((d["registered_email"].clone(), d["contact_mobile"].clone()), (json!(""), json!("")));
    let mut sh_rep = app.login("sh_rep").await;
    let (status, _) = sh_rep.call("requests/get", json!({"id": id})).await;
    assert_eq!(status, StatusCode::OK, "visible to the member's office too");
    // Its member page stays closed to 广州.
    let (status, _) = gz_rep.call("members/detail", json!({"id": other.id})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn hostile_input_is_answered_and_one_of_many_parallel_clicks_wins() {
    let app = with_members(20).await;
    let d = load(&app).await;
    let tech = app.org_id("TECH").await;
    let member = member_of(&d.customers, None);
    let mut agent = app.login("agent").await;
    // Queries made of symbols, wildcards, width variants, very long text: answers, never 500.
    for typed in ["%%", "（）", "Ｈ＆Ｊ", "_%\\", "' OR 1=1 --", "\\u0000", &"电".repeat(5000)] {
        let (status, hits) = agent.call("requests/callers", json!({ "typed": typed })).await;
        assert_eq!(status, StatusCode::OK, "{typed:?}: {hits}");
        assert!(hits.as_array().unwrap().len() <= 8);
    }
    // A NUL character (no database can store it) is a readable 400, wherever it is sent.
    for endpoint in ["requests/callers", "members/services"] {
        let body = if endpoint == "requests/callers" {
            json!({"typed": "\u{0}公司"})
        } else {
            json!({"filter": {"company": "a\u{0}"}})
        };
        let (status, err) = agent.call(endpoint, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{endpoint}");
        assert!(rejected(&err).contains("控制字符"), "{err}");
    }
    // Malformed and truncated bodies, a missing field, absurd page numbers: 4xx.
    for body in [json!({}), json!({"input": {"id": 1}}), json!({"input": "x"})] {
        let (status, _) = agent.call("requests/act", body).await;
        assert!(status.is_client_error(), "{status}");
    }
    for page in [json!(-1), json!(1u64 << 63), json!("1")] {
        let (status, _) = agent.call("requests/list", json!({"filter": {"page": page}})).await;
        assert!(status.is_client_error() || status == StatusCode::OK, "{page}: {status}");
    }
    let (status, body) = agent.call("requests/list", json!({"filter": {"page": u64::MAX}})).await;
    assert!(status.is_client_error() || status == StatusCode::OK, "{status} {body}");

    // 50 parallel 接收 of one request by its department: exactly one moves it, the rest 409.
    let (_, out) = agent.call("requests/intake", intake(member.id, "Route", Some(tech), "并发测试", "")).await;
    let id = out["id"].as_i64().unwrap();
    let (_, v) = state_of(&mut agent, id).await;
    let tech_user = app.login("biz_tech").await;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let mut c = tech_user.clone();
        set.spawn(async move { c.call("requests/act", act(id, v, "Accept", "", None)).await.0 });
    }
    let statuses = set.join_all().await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT), "{statuses:?}");
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM request_step WHERE request_id = {id} AND step_type = 'accept'")).await,
        1
    );
}
