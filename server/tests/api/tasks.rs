//! 任务提醒 (K6, PG-76) through the routes the pages call: a follow-up task from a request for
//! a colleague, its message, the home page's 待办, start / complete / hand over / cancel by the
//! right people only, another organisation's ids, a stale version, bad input.
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Client, field_error, rejected};
use crate::members::{load, with_members};
use crate::requests::{intake, member_of};

fn task(title: &str, assignee: Option<i64>, due: &str, related: Option<(&str, i64)>) -> Value {
    json!({"input": {"title": title, "description": "", "assignee_id": assignee, "priority": "high",
        "due_at": due, "remind_at": "", "related": related}})
}

fn act(id: i64, version: i64, action: &str, note: &str, assignee: Option<i64>) -> Value {
    json!({"input": {"id": id, "version": version, "action": action, "note": note, "assignee_id": assignee}})
}

async fn row(c: &mut Client, tab: &str, id: i64) -> Value {
    let (status, list) = c.call("tasks/list", json!({"filter": {"tab": tab}})).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"].as_array().unwrap().iter().find(|t| t["id"] == id).cloned().unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_follow_up_task_is_given_done_and_seen_only_by_whom_it_concerns() {
    let app = with_members(40).await;
    let d = load(&app).await;
    let member = member_of(&d.customers, None);
    let mut agent = app.login("agent").await;
    let mut supervisor = app.login("supervisor").await;
    let mut gz_rep = app.login("gz_rep").await;
    let (agent_id, manager_id, gz_id) =
        (app.account_id("agent").await, app.account_id("manager").await, app.account_id("gz_rep").await);
    let (_, out) = agent.call("requests/intake", intake(member.id, "Save", None, "会员询问续费", "")).await;
    let request = out["id"].as_i64().unwrap();

    // The form names the request; bad input is refused field by field, nothing written.
    let (status, o) = agent.call("tasks/options", json!({"related": format!("service_request:{request}")})).await;
    assert_eq!(status, StatusCode::OK, "{o}");
    assert_eq!(o["related"][2], out["request_no"]);
    let (status, _) = gz_rep.call("tasks/options", json!({"related": format!("service_request:{request}")})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another office's request");
    for (body, field) in [
        (task(" ", Some(agent_id), "", None), "title"),
        (task("跟进", None, "", None), "assignee_id"),
        (task("跟进", Some(agent_id), "2026-13-01T09:00", None), "due_at"),
        (task("跟进", Some(gz_id), "", None), "assignee_id"),
    ] {
        let (status, b) = agent.call("tasks/create", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(field_error(&b, field).is_some(), "{field}: {b}");
    }
    let (status, _) =
        gz_rep.call("tasks/create", task("看看", Some(gz_id), "", Some(("service_request", request)))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) FROM task").await, 0);

    // The agent gives the manager a follow-up, overdue already: the manager is told and sees
    // it on the home page.
    let (status, id) = agent
        .call(
            "tasks/create",
            task("回访确认续费意向", Some(manager_id), "2026-01-05T10:00", Some(("service_request", request))),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let id = id.as_i64().unwrap();
    let mut manager = app.login("manager").await;
    let (_, msgs) = manager.call("messages/list", json!({"filter": {}})).await;
    assert_eq!(msgs["items"][0]["kind"], "task_assigned");
    let (_, todo) = manager.call("requests/todo", json!({})).await;
    assert_eq!(todo["tasks"][0][0]["id"], id, "{todo}");
    assert_eq!((todo["tasks"][1].clone(), todo["tasks"][2].clone()), (json!(1), json!(1)));
    let mine = row(&mut manager, "mine", id).await;
    assert_eq!(mine["overdue"], true);
    assert_eq!(mine["related"][1], format!("/requests/{request}"));
    assert_eq!(mine["source"], "follow_up");
    // (The assignee is also the organisation's 经理, who may cancel any of its tasks.)
    assert_eq!(mine["actions"], json!(["Start", "Complete", "Transfer", "Cancel"]));
    // The creator may hand it over or cancel it, not do it; the office never sees it.
    let given = row(&mut agent, "assigned", id).await;
    assert_eq!(given["actions"], json!(["Transfer", "Cancel"]));
    let (status, _) = agent.call("tasks/act", act(id, 1, "Complete", "", None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = gz_rep.call("tasks/act", act(id, 1, "Cancel", "", None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(row(&mut gz_rep, "mine", id).await, Value::Null);
    let (status, _) = gz_rep.call("tasks/list", json!({"filter": {"tab": "team"}})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "团队任务 is for 主管/经理");
    // The supervisor follows the organisation's tasks (督办).
    assert_eq!(row(&mut supervisor, "team", id).await["id"], id);

    // Start, then a stale page, then complete with a note.
    let (status, s) = manager.call("tasks/act", act(id, 1, "Start", "", None)).await;
    assert_eq!((status, s), (StatusCode::OK, json!("in_progress")));
    let (status, body) = manager.call("tasks/act", act(id, 1, "Complete", "", None)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(rejected(&body).contains("王经理"), "{body}");
    let (status, body) = manager.call("tasks/act", act(id, 2, "Transfer", "", Some(gz_id))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not a colleague: {body}");
    let (status, s) = manager.call("tasks/act", act(id, 2, "Complete", "会员确认续费", None)).await;
    assert_eq!((status, s), (StatusCode::OK, json!("done")));
    let (status, body) = manager.call("tasks/act", act(id, 3, "Cancel", "", None)).await;
    assert!(status == StatusCode::CONFLICT || status == StatusCode::FORBIDDEN, "{status} {body}");
    let (_, done) = manager.call("tasks/list", json!({"filter": {"status": "done"}})).await;
    assert_eq!(done["items"][0]["completion_note"], "会员确认续费");
    let (_, todo) = manager.call("requests/todo", json!({})).await;
    assert_eq!(todo["tasks"][1], 0);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM operation_log WHERE target_type = 'task' AND target_id = {id}")).await,
        3
    );

    // Handing over: the new assignee is told and may do it.
    let (_, second) = agent.call("tasks/create", task("整理来电记录", Some(agent_id), "", None)).await;
    let second = second.as_i64().unwrap();
    let (status, _) = agent.call("tasks/act", act(second, 1, "Transfer", "请协助", Some(manager_id))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(row(&mut manager, "mine", second).await["assignee"], "王经理");
    let (status, _) = agent.call("tasks/act", act(second, 2, "Cancel", "不需要了", None)).await;
    assert_eq!(status, StatusCode::OK, "the creator may cancel it");
    let (status, _) = agent.call("tasks/list", json!({"filter": {"status": "bogus"}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = agent.call("tasks/list", json!({"filter": {"page": -3}})).await;
    assert!(status.is_client_error());
}
