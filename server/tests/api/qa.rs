//! 质检 (SM-5, PG-38–40) through the routes the pages call: inspecting sets the request and its
//! 服务记录 and tells the agent of an error; the remark is required for one; only completed
//! requests, once each (fifty saves at once make one record), amendments by 主管/经理 keep the
//! versions; company-CS only; the random sample is reproducible and its size checked; the list
//! filters; the report and its workbook.
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Client, TestApp, field_error, rejected};
use crate::members::{load, with_members};
use crate::requests::intake;

/// `n` requests the agent completed at intake (and one left open): their ids, and the open one.
async fn completed(app: &TestApp, n: usize) -> (Vec<i64>, i64) {
    let d = load(app).await;
    let members: Vec<i64> = d.customers.iter().filter(|c| c.customer_type == "member").map(|c| c.id).collect();
    let mut agent = app.login("agent").await;
    let mut ids = vec![];
    for i in 0..n {
        let body = intake(members[i % members.len()], "Complete", None, &format!("诉求 {i}"), "已答复会员");
        let (status, out) = agent.call("requests/intake", body).await;
        assert_eq!(status, StatusCode::OK, "{out}");
        ids.push(out["id"].as_i64().unwrap());
    }
    let (status, open) = agent.call("requests/intake", intake(members[0], "Save", None, "未完成的诉求", "")).await;
    assert_eq!(status, StatusCode::OK, "{open}");
    (ids, open["id"].as_i64().unwrap())
}

fn inspect(id: i64, result: &str, remark: &str, current: Option<i64>) -> Value {
    json!({"input": {"request_id": id, "result": result, "remark": remark, "current_id": current}})
}

/// The ids of a page of the QA list for `filter`.
async fn listed(c: &mut Client, filter: Value) -> Vec<i64> {
    let (status, page) = c.call("qa/list", json!({ "filter": filter })).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

async fn sample(c: &mut Client, filter: Value, input: Value) -> (StatusCode, Value) {
    c.call("qa/sample", json!({ "filter": filter, "input": input })).await
}

fn ids_of(sample: &Value) -> Vec<i64> {
    sample["rows"]["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn an_inspection_marks_the_request_and_its_record_and_an_error_reaches_the_agent() {
    let app = with_members(40).await;
    let (ids, open) = completed(&app, 3).await;
    let mut qa = app.login("qa").await;
    let all = json!({"per_page": 100});
    let before = listed(&mut qa, all.clone()).await;
    assert!(ids.iter().all(|id| before.contains(id)), "{before:?}");
    assert!(!before.contains(&open), "only completed requests are listed");
    assert_eq!(before[0], ids[2], "newest completion first");

    let (status, v) = qa.call("qa/save", inspect(ids[0], "correct", "", None)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    // 处理有误 needs the reason, told at its field; too long a reason too.
    let (status, v) = qa.call("qa/save", inspect(ids[1], "incorrect", "  ", None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(field_error(&v, "remark").is_some(), "{v}");
    let (status, v) = qa.call("qa/save", inspect(ids[1], "incorrect", &"错".repeat(2001), None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(field_error(&v, "remark").is_some(), "{v}");
    let (status, v) = qa.call("qa/save", json!({"input": {"request_id": ids[1], "result": null, "remark": ""}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(field_error(&v, "result").is_some(), "{v}");
    let (status, v) = qa.call("qa/save", json!({"input": {"request_id": ids[1], "result": "maybe"}})).await;
    assert!(status.is_client_error(), "{status} {v}");
    let (status, v) = qa.call("qa/save", inspect(ids[1], "incorrect", "未核实会员身份", None)).await;
    assert_eq!(status, StatusCode::OK, "{v}");

    // Not completed, or no such request: refused, nothing written.
    let (status, v) = qa.call("qa/save", inspect(open, "correct", "", None)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert!(rejected(&v).contains("处理完成"), "{v}");
    let (status, _) = qa.call("qa/save", inspect(999_999, "correct", "", None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, entry) = qa.call("qa/get", json!({"id": open})).await;
    assert_eq!(status, StatusCode::OK, "{entry}");
    assert_eq!((entry["may_save"].as_bool(), entry["completed"].as_bool()), (Some(false), Some(false)));
    // Inspected once: the inspector may not inspect it again.
    let (status, v) = qa.call("qa/save", inspect(ids[0], "incorrect", "再看", None)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert!(rejected(&v).contains("已被他人质检"), "{v}");
    let current = app.count(&format!("SELECT id FROM qa_record WHERE request_id = {}", ids[0])).await;
    let (status, v) = qa.call("qa/save", inspect(ids[0], "incorrect", "再看", Some(current))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert!(rejected(&v).contains("修改质检结果"), "{v}");
    assert_eq!(app.count("SELECT COUNT(*) FROM qa_record").await, 2);

    // The list: 未质检 by default, 已质检, 质检结果.
    let fresh = listed(&mut qa, all.clone()).await;
    assert!(fresh.contains(&ids[2]) && !fresh.contains(&ids[0]) && !fresh.contains(&ids[1]), "{fresh:?}");
    let done = listed(&mut qa, json!({"qa": "inspected", "per_page": 100})).await;
    assert_eq!(done, vec![ids[1], ids[0]]);
    assert_eq!(listed(&mut qa, json!({"result": "incorrect"})).await, vec![ids[1]]);
    assert_eq!(listed(&mut qa, json!({"qa": "all", "result": "correct"})).await, vec![ids[0]]);
    let every = listed(&mut qa, json!({"qa": "all", "per_page": 100})).await;
    assert!(ids.iter().all(|id| every.contains(id)));
    let (status, v) = qa.call("qa/list", json!({"filter": {"qa": "maybe", "done_from": "2026-13-01"}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(field_error(&v, "qa").is_some() && field_error(&v, "done_from").is_some(), "{v}");

    // The request and its 服务记录 carry it; the request's page shows it to customer service.
    let row = |id: i64, table: &str, col: &str| format!("SELECT {col} FROM {table} WHERE id = {id}");
    assert_eq!(app.text(&row(ids[1], "service_request", "qa_status")).await, "inspected");
    assert_eq!(app.text(&row(ids[1], "service_request", "qa_result")).await, "incorrect");
    let record = app.count(&row(ids[1], "service_request", "service_record_id")).await;
    assert_eq!(app.text(&row(record, "service_record", "qa_status")).await, "inspected");
    assert_eq!(app.text(&row(record, "service_record", "qa_result")).await, "incorrect");
    let mut agent = app.login("agent").await;
    let (_, d) = agent.call("requests/get", json!({"id": ids[1]})).await;
    assert_eq!(d["qa"]["result"], "incorrect", "{d}");
    assert_eq!(d["qa"]["remark"], "未核实会员身份");
    let (_, d) = agent.call("requests/get", json!({"id": ids[2]})).await;
    assert!(d["qa"].is_null(), "not inspected: {d}");

    // 处理有误 reaches the agent and the supervisors of the agent's organisation, never the
    // inspector; 处理无误 tells nobody.
    for who in ["agent", "supervisor", "manager"] {
        let mut c = app.login(who).await;
        let (_, msgs) = c.call("messages/list", json!({"filter": {"kind": "qa_incorrect"}})).await;
        let items = msgs["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{who}: {msgs}");
        assert_eq!(items[0]["link_url"], format!("/requests/{}", ids[1]));
    }
    let (_, msgs) = qa.call("messages/list", json!({"filter": {"kind": "qa_incorrect"}})).await;
    assert_eq!(msgs["items"].as_array().unwrap().len(), 0, "{msgs}");
    assert_eq!(app.count("SELECT COUNT(*) FROM operation_log WHERE action = 'qa'").await, 2);
}

#[tokio::test]
async fn a_supervisor_amends_an_inspection_and_the_versions_are_kept() {
    let app = with_members(20).await;
    let (ids, _) = completed(&app, 1).await;
    let id = ids[0];
    let mut qa = app.login("qa").await;
    let (status, first) = qa.call("qa/save", inspect(id, "correct", "", None)).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let first = first["record_id"].as_i64().unwrap();
    let (_, entry) = qa.call("qa/get", json!({"id": id})).await;
    assert_eq!(entry["may_save"], false, "the inspector may not amend");

    let mut sup = app.login("supervisor").await;
    let (status, entry) = sup.call("qa/get", json!({"id": id})).await;
    assert_eq!(status, StatusCode::OK, "{entry}");
    assert_eq!((entry["may_save"].as_bool(), entry["current_id"].as_i64()), (Some(true), Some(first)));
    let (status, amended) = sup.call("qa/save", inspect(id, "incorrect", "结果答复不完整", Some(first))).await;
    assert_eq!(status, StatusCode::OK, "{amended}");
    assert_eq!(amended["amended"], true);
    let second = amended["record_id"].as_i64().unwrap();
    // A second amendment of the same version the page showed loses.
    let (status, v) = sup.call("qa/save", inspect(id, "correct", "", Some(first))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");

    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM qa_record WHERE request_id = {id}")).await, 2);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM qa_record WHERE request_id = {id} AND is_current")).await, 1);
    assert_eq!(app.count(&format!("SELECT id FROM qa_record WHERE request_id = {id} AND is_current")).await, second);
    assert_eq!(app.count(&format!("SELECT superseded_by_id FROM qa_record WHERE id = {first}")).await, second);
    assert_eq!(app.text(&format!("SELECT qa_result FROM service_request WHERE id = {id}")).await, "incorrect");
    let (_, entry) = sup.call("qa/get", json!({"id": id})).await;
    let records = entry["records"].as_array().unwrap();
    assert_eq!(records.len(), 2, "{entry}");
    assert_eq!((records[0]["is_current"].as_bool(), records[1]["is_current"].as_bool()), (Some(true), Some(false)));
    assert_eq!(records[0]["inspector"], "李主管");
}

#[tokio::test]
async fn fifty_inspectors_saving_at_once_make_one_current_record() {
    let app = with_members(20).await;
    let (ids, _) = completed(&app, 1).await;
    let id = ids[0];
    let qa = app.login("qa").await;
    let answers = futures_util::future::join_all((0..50).map(|i| {
        let mut c = qa.clone();
        let result = if i % 2 == 0 { "correct" } else { "incorrect" };
        async move { c.call("qa/save", inspect(id, result, "并发", None)).await }
    }))
    .await;
    let won = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(won, 1, "{answers:?}");
    for (s, v) in &answers {
        assert!(
            *s == StatusCode::OK || (*s == StatusCode::CONFLICT && rejected(v).contains("已被他人质检")),
            "{s} {v}"
        );
    }
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM qa_record WHERE request_id = {id}")).await, 1);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM qa_record WHERE request_id = {id} AND is_current")).await, 1);
}

#[tokio::test]
async fn only_company_cs_inspects() {
    let app = with_members(20).await;
    let (ids, _) = completed(&app, 1).await;
    for who in ["agent", "gz_rep", "sh_rep", "biz_tech", "biz_buyer"] {
        let mut c = app.login(who).await;
        for (endpoint, body) in [
            ("qa/options", json!({})),
            ("qa/list", json!({"filter": {}})),
            ("qa/sample", json!({"filter": {}, "input": {"count": 5}})),
            ("qa/get", json!({"id": ids[0]})),
            ("qa/save", inspect(ids[0], "correct", "", None)),
            ("qa/report", json!({"filter": {}})),
            ("exports/start", json!({"kind": "qa", "query": "", "format": "xlsx"})),
            ("exports/start", json!({"kind": "qa_report", "query": "", "format": "xlsx"})),
        ] {
            let (status, v) = c.call(endpoint, body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who} {endpoint}: {v}");
        }
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM qa_record").await, 0);
}

#[tokio::test]
async fn a_sample_is_reproducible_by_its_seed_and_its_size_is_checked() {
    let app = with_members(40).await;
    let (ids, _) = completed(&app, 30).await;
    let mut qa = app.login("qa").await;
    let f = json!({"per_page": 100});
    let (status, a) = sample(&mut qa, f.clone(), json!({"count": 10, "seed": 7})).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    assert_eq!((a["seed"].as_u64(), a["population"].as_u64(), a["drawn"].as_u64()), (Some(7), Some(30), Some(10)));
    let drawn = ids_of(&a);
    assert_eq!(drawn.len(), 10);
    assert!(drawn.iter().all(|id| ids.contains(id)), "{drawn:?}");
    let mut unique = drawn.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 10, "no request twice");
    let (_, again) = sample(&mut qa, f.clone(), json!({"count": 10, "seed": 7})).await;
    assert_eq!(ids_of(&again), drawn, "the same seed draws the same requests");
    let (_, other) = sample(&mut qa, f.clone(), json!({"count": 10, "seed": 8})).await;
    assert_ne!(ids_of(&other), drawn, "another seed draws others");
    // Without a seed the server picks one and says which.
    let (status, picked) = sample(&mut qa, f.clone(), json!({"count": 10})).await;
    assert_eq!(status, StatusCode::OK, "{picked}");
    let seed = picked["seed"].as_u64().unwrap();
    let (_, same) = sample(&mut qa, f.clone(), json!({"count": 10, "seed": seed})).await;
    assert_eq!(ids_of(&same), ids_of(&picked));
    // N %, and a sample paged: its pages are its first N in the order drawn.
    let (_, half) = sample(&mut qa, f.clone(), json!({"percent": "50", "seed": 7})).await;
    assert_eq!(half["drawn"], 15);
    let whole = ids_of(&half);
    let (_, p1) = sample(&mut qa, json!({"per_page": 10}), json!({"percent": "50", "seed": 7})).await;
    let (_, p2) = sample(&mut qa, json!({"per_page": 10, "page": 2}), json!({"percent": "50", "seed": 7})).await;
    assert_eq!([ids_of(&p1), ids_of(&p2)].concat(), whole);
    assert_eq!(whole[..10], drawn[..], "the first ten of the larger sample are the smaller one");
    // Inspected since it was drawn, a request stays in its 未质检 sample (by its time).
    let since = a["since"].as_i64().unwrap();
    let (status, v) = qa.call("qa/save", inspect(drawn[0], "correct", "", None)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, later) = sample(&mut qa, f.clone(), json!({"count": 10, "seed": 7, "since": since})).await;
    assert_eq!(ids_of(&later), drawn, "{later}");
    let (_, now) = sample(&mut qa, f.clone(), json!({"count": 10, "seed": 7})).await;
    assert!(!ids_of(&now).contains(&drawn[0]));
    // A page far past the end is empty, not an error.
    let (status, far) =
        sample(&mut qa, json!({"page": 9_223_372_036_854_775_808u64}), json!({"count": 10, "seed": 7})).await;
    assert_eq!(status, StatusCode::OK, "{far}");
    assert!(ids_of(&far).is_empty());

    for (input, field) in [
        (json!({"count": 0}), "count"),
        (json!({"count": 100_001}), "count"),
        (json!({"count": u64::MAX}), "count"),
        (json!({}), "count"),
        (json!({"count": 5, "percent": "5"}), "count"),
        (json!({"percent": "0"}), "percent"),
        (json!({"percent": "-5"}), "percent"),
        (json!({"percent": "100.5"}), "percent"),
        (json!({"percent": "abc"}), "percent"),
    ] {
        let (status, v) = sample(&mut qa, json!({}), input.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{input}: {v}");
        assert!(field_error(&v, field).is_some(), "{input}: {v}");
    }
    for input in [json!({"count": -5}), json!({"count": "many"}), json!({"seed": -1, "count": 3})] {
        let (status, v) = sample(&mut qa, json!({}), input.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{input}: {v}");
    }
    // Nothing to draw from: an empty sample.
    let (status, none) = sample(&mut qa, json!({"no": "SQ1999"}), json!({"count": 5})).await;
    assert_eq!(status, StatusCode::OK, "{none}");
    assert_eq!((none["population"].as_u64(), none["drawn"].as_u64()), (Some(0), Some(0)));
}

#[tokio::test]
async fn the_report_sums_up_the_inspections_and_exports_its_workbook() {
    let app = with_members(40).await;
    let (ids, _) = completed(&app, 4).await;
    let mut qa = app.login("qa").await;
    for (i, id) in ids.iter().enumerate() {
        let (result, remark) = if i == 0 { ("incorrect", "答复有误") } else { ("correct", "") };
        let (status, v) = qa.call("qa/save", inspect(*id, result, remark, None)).await;
        assert_eq!(status, StatusCode::OK, "{v}");
    }
    let (status, r) = qa.call("qa/report", json!({"filter": {}})).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!((r["overall"]["inspected"].as_u64(), r["overall"]["incorrect"].as_u64()), (Some(4), Some(1)));
    assert_eq!(r["by_agent"][0]["name"], "张坐席", "{r}");
    assert_eq!(r["by_agent"][0]["inspected"], 4);
    assert_eq!(r["by_org"][0]["incorrect"], 1);
    assert_eq!(r["rows"]["total"], 4);
    let (_, only) = qa.call("qa/report", json!({"filter": {"result": "incorrect"}})).await;
    assert_eq!(only["rows"]["items"][0]["remark"], "答复有误", "{only}");
    assert_eq!(only["overall"]["inspected"], 1);
    let (_, other) = qa.call("qa/report", json!({"filter": {"request_type": "consultation"}})).await;
    assert_eq!(other["overall"]["inspected"], 0, "all were complaints: {other}");
    let (status, v) = qa.call("qa/report", json!({"filter": {"from": "2026-12-31", "to": "2026-01-01"}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // The workbook: the summary, then the errors.
    let (status, job) = qa.call("exports/start", json!({"kind": "qa_report", "query": "", "format": "xlsx"})).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    let done = qa.wait_job(&job).await;
    assert_eq!(done["state"], "done", "{done}");
    let (status, bytes, _) = qa.get_file(done["download"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let summary = app::tabular::read("report.xlsx", &bytes).expect("a workbook");
    assert_eq!(summary.headers[0], "诉求信息质检报告");
    let cells: Vec<&str> = summary.rows.iter().flat_map(|(_, r)| r.iter().map(String::as_str)).collect();
    assert!(cells.contains(&"张坐席") && cells.contains(&"25.0%"), "{cells:?}");
    let (status, v) = qa.call("exports/start", json!({"kind": "qa_report", "query": "", "format": "csv"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // The list exports as shown.
    let (status, job) = qa.call("exports/start", json!({"kind": "qa", "query": "qa=all", "format": "csv"})).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    let done = qa.wait_job(&job).await;
    assert_eq!(done["done"], 4, "{done}");
}
