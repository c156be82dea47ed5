//! Requests in business time and what waits for whom: deadlines on the working calendar and the
//! sweep that announces them, the 经理's calendar page, the home page's 待办 counts.
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestApp, field_error};
use crate::members::{load, with_members};
use crate::requests::{act, intake, member_of, state_of};

#[tokio::test]
async fn deadlines_run_in_business_time_and_the_sweep_announces_them_once() {
    use app::requests::entity::service_request;
    use app::requests::sla::{calendar, sweep};
    use chrono::Duration;
    use sea_orm::EntityTrait;

    let app = with_members(20).await;
    let d = load(&app).await;
    let tech = app.org_id("TECH").await;
    let member = member_of(&d.customers, None);
    let mut agent = app.login("agent").await;
    // A complaint of priority 高: the department has 24 business hours, the whole 48 (OP-33).
    let (_, out) = agent.call("requests/intake", intake(member.id, "Route", Some(tech), "投诉:账号被冻结", "")).await;
    let id = out["id"].as_i64().unwrap();
    let r = service_request::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    let cal = calendar(&app.db).await.unwrap();
    assert_eq!(r.sla_due_at, cal.add_minutes(r.accepted_at, 48 * 60));
    assert_eq!(r.sla_warn_at, cal.add_minutes(r.accepted_at, 40 * 60));
    assert_eq!(r.feedback_due_at, cal.add_minutes(r.accepted_at, 24 * 60));
    assert_eq!(r.feedback_warn_at, cal.add_minutes(r.accepted_at, 16 * 60));
    assert!(r.sla_due_at.unwrap() - r.accepted_at >= Duration::hours(48), "business time only stretches");
    assert_eq!(r.sla_state, "on_time");
    let (_, list) = agent.call("requests/list", json!({"filter": {}})).await;
    assert_eq!(list["items"][0]["sla_state"], "on_time");

    // Nothing is due yet.
    let now = chrono::Utc::now();
    let s = sweep(&app.db, now).await.unwrap();
    assert_eq!((s.due_soon, s.overdue), (0, 0));
    // The department's warning comes: the request is due soon, the agent and 技术部 are told.
    let warn = r.feedback_warn_at.unwrap() + Duration::minutes(1);
    let s = sweep(&app.db, warn).await.unwrap();
    assert_eq!((s.due_soon, s.overdue), (1, 0));
    let mut tech_user = app.login("biz_tech").await;
    let (_, msgs) = tech_user.call("messages/list", json!({"filter": {"kind": "sla_warning"}})).await;
    assert_eq!(msgs["total"], 1, "{msgs}");
    let (_, list) = tech_user.call("requests/inbox", json!({"filter": {"sla": "due_soon"}})).await;
    assert_eq!(list["items"][0]["id"], id);

    // Its deadline passes; five instances sweep at once: one marks it, the supervisors hear once.
    let late = r.feedback_due_at.unwrap() + Duration::minutes(1);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let db = app.db.clone();
        set.spawn(async move { sweep(&db, late).await.unwrap().overdue });
    }
    assert_eq!(set.join_all().await.iter().sum::<u64>(), 1);
    let mut sup = app.login("supervisor").await;
    let (_, msgs) = sup.call("messages/list", json!({"filter": {"kind": "sla_warning"}})).await;
    assert_eq!(msgs["total"], 1, "{msgs}");
    let (_, list) = agent.call("requests/list", json!({"filter": {"sla": "overdue"}})).await;
    assert_eq!(list["items"][0]["id"], id);
    assert_eq!(sweep(&app.db, late).await.unwrap(), app::requests::sla::Swept::default(), "announced once");

    // The department answers: its clock stops, and the resolution clock is not yet due.
    let (_, v) = state_of(&mut tech_user, id).await;
    let (status, _) = tech_user.call("requests/act", act(id, v, "Feedback", "已解冻", None)).await;
    assert_eq!(status, StatusCode::OK);
    let r = service_request::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert_eq!((r.feedback_due_at, r.sla_state.as_str()), (None, "on_time"));
}

#[tokio::test]
async fn the_manager_keeps_the_working_calendar() {
    let app = TestApp::spawn().await;
    let mut m = app.login("manager").await;
    let (status, v) = m.call("calendar/get", json!({"year": 2026})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["week"][0], "09:00-18:00");
    assert_eq!(v["week"][5], "", "no work on Saturdays");
    let days = v["days"].as_array().unwrap();
    assert!(days.iter().any(|d| d["day"] == "2026-10-10" && d["kind"] == "workday"), "国庆 make-up Saturday");
    assert!(days.iter().all(|d| d["day"].as_str().unwrap().starts_with("2026-")));

    // A malformed period is refused at its row; nothing changes.
    let mut week: Vec<String> = vec!["09:00-18:00".into(); 5];
    week.extend(["9-12".into(), String::new(), "09:00-18:00".into()]);
    let (status, err) = m.call("calendar/week", json!({"week": week})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&err, "week-5").is_some(), "{err}");
    // Saturday mornings become working time: the calendar the deadlines use has them.
    week[5] = "09:00-12:00".into();
    let (status, _) = m.call("calendar/week", json!({"week": week})).await;
    assert_eq!(status, StatusCode::OK);
    let cal = app::requests::sla::calendar(&app.db).await.unwrap();
    assert_eq!(cal.hours(chrono::NaiveDate::from_ymd_opt(2026, 12, 12).unwrap()), &[(540, 720)]);

    // 2027's make-up day once it is announced; then removed again.
    let day = json!({"day": {"day": "2027-02-13", "kind": "workday", "name": "春节调休上班"}});
    let (status, _) = m.call("calendar/day", day).await;
    assert_eq!(status, StatusCode::OK);
    let (_, v) = m.call("calendar/get", json!({"year": 2027})).await;
    assert!(v["days"].as_array().unwrap().iter().any(|d| d["day"] == "2027-02-13"));
    let (status, err) = m.call("calendar/day", json!({"day": {"day": "2027-13-01", "kind": "x", "name": ""}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["day", "kind", "name"] {
        assert!(field_error(&err, f).is_some(), "{f}: {err}");
    }
    let (status, _) = m.call("calendar/day/delete", json!({"day": "2027-02-13"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = m.call("calendar/day/delete", json!({"day": "2027-02-13"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM operation_log WHERE target_type IN ('work_week', 'calendar_day')").await,
        3
    );
}

#[tokio::test]
async fn the_home_page_counts_what_waits_for_each_account() {
    let app = with_members(20).await;
    let d = load(&app).await;
    let tech = app.org_id("TECH").await;
    let member = member_of(&d.customers, None);
    let mut agent = app.login("agent").await;
    for action in ["Save", "Save", "Route"] {
        let dept = (action == "Route").then_some(tech);
        let (status, _) = agent.call("requests/intake", intake(member.id, action, dept, "待办计数", "")).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, c) = agent.call("requests/todo", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(
        (c["handling"].clone(), c["awaiting_reply"].clone(), c["inbox"].clone()),
        (json!(2), json!(0), Value::Null)
    );
    let mut tech_user = app.login("biz_tech").await;
    let (_, c) = tech_user.call("requests/todo", json!({})).await;
    assert_eq!((c["inbox"].clone(), c["handling"].clone()), (json!(1), Value::Null));
    let mut buyer = app.login("biz_buyer").await;
    let (_, c) = buyer.call("requests/todo", json!({})).await;
    assert_eq!(c["inbox"], 0, "another department's inbox is not counted");
}

#[tokio::test]
async fn generated_requests_match_their_service_records_and_numbering_continues() {
    let app = with_members(300).await;
    let consults =
        app.count("SELECT COUNT(*) FROM service_record WHERE service_type IN ('consultation', 'complaint')").await;
    let n = app::requests::demo::from_records(&app.db, 5, |_| {}).await.expect("requests");
    assert_eq!(n as i64, consults);
    assert!(n > 100, "{n}");
    assert_eq!(app.count("SELECT COUNT(*) FROM service_request").await, consults);
    // Each record points at its request and says what became of it.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM service_record sr JOIN service_request r ON r.id = sr.source_id \
             WHERE sr.source_kind = 'member_request' AND r.service_record_id = sr.id AND r.customer_id = sr.customer_id \
             AND (r.state = 'completed') = (sr.service_result = 'completed')"
        )
        .await,
        consults
    );
    // Every request starts with its intake; a routed one names the department it went to,
    // and its department's feedback is a round of its own.
    assert_eq!(app.count("SELECT COUNT(*) FROM request_step WHERE step_type = 'intake'").await, consults);
    assert_eq!(app.count("SELECT COUNT(*) FROM request_step WHERE step_type = 'route' AND to_org_id IS NULL").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM request_step WHERE step_type = 'feedback'").await,
        app.count("SELECT COUNT(*) FROM dept_feedback").await
    );
    assert_eq!(app.count("SELECT COUNT(DISTINCT request_no) FROM service_request").await, consults);
    // Closed ones have no running clock; open ones are recent.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM service_request WHERE state = 'completed' AND sla_due_at IS NOT NULL").await,
        0
    );
    // A second run converts nothing more; a live intake today continues the day's numbers.
    assert_eq!(app::requests::demo::from_records(&app.db, 5, |_| {}).await.unwrap(), 0);
    let d = load(&app).await;
    let member = member_of(&d.customers, None);
    let mut agent = app.login("agent").await;
    let (status, out) = agent.call("requests/intake", intake(member.id, "Save", None, "新来电", "")).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let no = out["request_no"].as_str().unwrap().to_string();
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM service_request WHERE request_no = '{no}'")).await, 1);
}

#[tokio::test]
async fn the_request_list_exports_exactly_its_rows_within_the_scope() {
    let app = with_members(200).await;
    app::requests::demo::from_records(&app.db, 9, |_| {}).await.expect("requests");
    for (login, query) in [("agent", "type=complaint"), ("gz_rep", ""), ("agent", "tab=mine&dept=tech_dept")] {
        let mut c = app.login(login).await;
        let filter: Value = query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| {
                (
                    if k == "type" {
                        "request_type"
                    } else if k == "dept" {
                        "handling_dept"
                    } else {
                        k
                    },
                    v,
                )
            })
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect::<serde_json::Map<_, _>>()
            .into();
        let (_, list) = c.call("requests/list", json!({"filter": filter})).await;
        let total = list["total"].as_u64().unwrap();
        let (done, body) = crate::info::export(&mut c, "requests", query, "csv").await;
        let text = String::from_utf8(body).unwrap();
        let lines: Vec<&str> = text.lines().skip(1).filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len() as u64, total, "{login} {query}: {done}");
        assert!(text.starts_with("\u{feff}诉求编号"), "{}", &text[..40]);
        if query == "type=complaint" {
            assert!(total > 0 && lines.iter().all(|l| l.contains("投诉")), "{query}");
        }
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM operation_log WHERE action = 'export'").await, 3);
}
