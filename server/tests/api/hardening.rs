//! Faults found by trying the app as an attacker would (issue 9 §1): other offices' data in
//! duplicate checks, approved records turned into drafts, client mistakes answered with 500,
//! parallel writers on SQLite, exports over the size limit, 审核中心 for every account.
use futures_util::future::join_all;
use http::StatusCode;
use serde_json::{Value, json};

use crate::archive::{form, hq};
use crate::common::{Client, TestApp, rejected};
use crate::members::with_members;

/// An entry submitted (or saved as a draft) without acknowledging duplicates.
async fn save(c: &mut Client, existing: Value, input: Value, submit: bool) -> (StatusCode, Value) {
    crate::archive::save(c, existing, input, submit, false).await
}

#[tokio::test]
async fn duplicate_check_shows_nothing_of_another_offices_record() {
    let app = with_members(20).await;
    let sh = app.org_id("SH").await;
    let gz = app.org_id("GZ").await;
    let member = app.count("SELECT id FROM customer WHERE cm_member_id IS NOT NULL ORDER BY id LIMIT 1").await;
    app.exec(&format!("UPDATE customer SET organization_id = {sh}, owner_agent_id = NULL WHERE id = {member}")).await;
    let mut values = vec![];
    for col in ["login_name", "registered_email", "company_name", "customer_no", "COALESCE(contact_name, '')"] {
        values.push(app.text(&format!("SELECT {col} FROM customer WHERE id = {member}")).await);
    }
    let [login, email, company, no, contact] = <[String; 5]>::try_from(values).unwrap();
    let secrets = [company.clone(), no.clone()].into_iter().chain((!contact.is_empty()).then_some(contact));

    let supervisor = app.account_id("supervisor").await;
    let mut rep = app.login("gz_rep").await;
    let entry = form(
        gz,
        json!({"company_name": "广州新客户", "login_name": login, "registered_email": email, "approver_id": supervisor}),
    );
    let (status, v) = save(&mut rep, Value::Null, entry, true).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let d = &v["Duplicates"][0];
    assert_eq!(d["visible"], false, "{v}");
    assert_eq!(d["hard"], true, "the login name is still refused: {v}");
    assert_eq!((d["id"].as_i64(), d["customer_no"].as_str()), (Some(0), Some("")), "{v}");
    assert_eq!(d["owner_org"], "上海代表处", "who to ask: {v}");
    let text = v.to_string();
    for s in secrets.clone() {
        assert!(!text.contains(&s), "{s} leaked: {text}");
    }
    // The same through the import preview.
    let file = crate::common::csv(&[
        "※企业名称,客户姓名,手机,固定电话,注册邮箱,登录名,区域,行业分类,企业类别,备注",
        &format!("广州另一客户,黄先生,,,{email},,,,,"),
    ]);
    let (status, job) = rep.post_bytes("/upload/archive-import?kind=customer&name=a.csv", file).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    let id = job["record"].as_i64().unwrap();
    rep.wait_job(&job).await;
    let (_, rows) = rep.call("imports/rows", json!({"id": id, "status": "", "page": 1, "per_page": 50})).await;
    let text = rows.to_string();
    assert!(text.contains("不在您的数据范围内,请联系 上海代表处"), "{text}");
    for s in secrets {
        assert!(!text.contains(&s), "{s} leaked: {text}");
    }
    // Someone who may see it still gets the details.
    let mut agent = app.login("agent").await;
    let entry =
        form(hq(&app).await, json!({"contact_name": "王先生", "registered_email": email, "approver_id": supervisor}));
    let (_, v) = save(&mut agent, Value::Null, entry, true).await;
    assert_eq!(v["Duplicates"][0]["customer_no"], no.as_str(), "{v}");
}

#[tokio::test]
async fn editing_an_approved_entry_never_takes_it_out_of_circulation() {
    let app = TestApp::spawn().await;
    let org = hq(&app).await;
    let supervisor = app.account_id("supervisor").await;
    let mut agent = app.login("agent").await;
    let entry = form(org, json!({"company_name": "舟山定海渔具有限公司", "approver_id": supervisor}));
    let (_, v) = save(&mut agent, Value::Null, entry.clone(), true).await;
    let id = v["Saved"]["id"].as_i64().unwrap_or_else(|| panic!("{v}"));
    let review = app.count(&format!("SELECT id FROM entry_review WHERE target_id = {id}")).await;
    let mut sup = app.login("supervisor").await;
    let (status, v) =
        sup.call("reviews/decide", json!({"id": review, "approve": true, "comment": "", "reject_rows": []})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    // Served meanwhile: what the service work keeps on the member is not the entry's to change.
    let served = "last_service_at = '2026-11-30T02:00:00Z', last_callback_at = '2026-11-30T02:00:00Z', \
                  last_callback_content = 'platform_training', fulfilment_status = 'in_progress'";
    app.exec(&format!("UPDATE customer SET {served} WHERE id = {id}")).await;
    // The entrant saves the approved record "as a draft": it stays published.
    let version = app.count(&format!("SELECT CAST(version AS BIGINT) FROM customer WHERE id = {id}")).await;
    let mut edited = entry.clone();
    edited["remarks"] = json!("补充了地址");
    let (status, v) = save(&mut agent, json!([id, version]), edited, false).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["Saved"]["status"], "approved", "{v}");
    assert_eq!(app.text(&format!("SELECT review_status FROM customer WHERE id = {id}")).await, "approved");
    let mut qa = app.login("qa").await;
    let (status, _) = qa.call("members/detail", json!({ "id": id })).await;
    assert_eq!(status, StatusCode::OK, "still visible to others");
    assert_eq!(app.text(&format!("SELECT remarks FROM customer WHERE id = {id}")).await, "补充了地址");
    let kept = "last_service_at IS NOT NULL AND last_callback_at IS NOT NULL \
                AND last_callback_content = 'platform_training' AND fulfilment_status = 'in_progress'";
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM customer WHERE id = {id} AND {kept}")).await, 1);
}

#[tokio::test]
async fn client_mistakes_answer_4xx_with_a_readable_message() {
    let app = TestApp::spawn().await;
    let mut c = app.login("agent").await;
    let cookie = c.cookie.clone().unwrap();
    let raw = |body: &str| {
        http::Request::builder()
            .method("POST")
            .uri("/api/archive/list")
            .header(http::header::HOST, "crm.test")
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::COOKIE, cookie.clone())
            .body(axum::body::Body::from(body.to_string()))
            .unwrap()
    };
    for body in [r#"{"filter": {"page": 1"#, "not json", r#"{}"#, r#"{"filter": {"page": -1}}"#, r#"{"filter": 7}"#] {
        let (status, v) = c.send(raw(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert!(rejected(&v).contains("请求格式不正确"), "{body}: {v}");
    }
    // A page number far beyond the data is an empty page, not a crash.
    for page in [u64::MAX, 1 << 63, 0] {
        let (status, v) = c.call("archive/list", json!({"filter": {"page": page}})).await;
        assert_eq!(status, StatusCode::OK, "page {page}: {v}");
    }
    let (status, v) = c.call("members/services", json!({"filter": {"page": 1u64 << 63}})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    // A 70 MB body is refused before it is read.
    let big = format!(r#"{{"filter": {{"company_name": "{}"}}}}"#, "x".repeat(70 << 20));
    let mut req = raw(&big);
    req.headers_mut().insert(http::header::CONTENT_LENGTH, big.len().into());
    let (status, v) = c.send(req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    // The server is fine afterwards.
    let (status, _) = c.call("archive/list", json!({"filter": {}})).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_same_entry_sent_six_times_at_once_is_saved_once() {
    let app = TestApp::spawn().await;
    let org = hq(&app).await;
    let supervisor = app.account_id("supervisor").await;
    let agent = app.login("agent").await;
    let entry = form(
        org,
        json!({"company_name": "丽水莲都茶业有限公司", "login_name": "lishui_tea", "approver_id": supervisor}),
    );
    let calls = (0..6).map(|_| {
        let mut c = agent.clone();
        let entry = entry.clone();
        async move { save(&mut c, Value::Null, entry, true).await }
    });
    let results = join_all(calls).await;
    let saved = results.iter().filter(|(s, v)| *s == StatusCode::OK && v["Saved"].is_object()).count();
    for (status, v) in &results {
        assert!(!status.is_server_error(), "{status}: {v}");
        assert!(v["Saved"].is_object() || v["Duplicates"][0]["hard"] == true || *status == StatusCode::CONFLICT, "{v}");
    }
    assert_eq!(saved, 1, "{results:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM customer WHERE login_name_key = 'lishui_tea'").await, 1);
}

#[tokio::test]
async fn thirty_two_parallel_writers_of_different_kinds_all_succeed() {
    let app = TestApp::spawn().await;
    let org = hq(&app).await;
    let supervisor = app.account_id("supervisor").await;
    let agent = app.login("agent").await;
    let manager = app.login("manager").await;
    let mut work = vec![];
    for i in 0..16 {
        let mut c = agent.clone();
        let entry = form(org, json!({"company_name": format!("并发录入企业{i:02}"), "approver_id": supervisor}));
        work.push(Box::pin(async move { save(&mut c, Value::Null, entry, i % 2 == 0).await })
            as std::pin::Pin<Box<dyn std::future::Future<Output = (StatusCode, Value)> + Send>>);
    }
    for i in 0..8 {
        let mut c = manager.clone();
        let file = crate::common::csv(&[
            "会员ID,企业名称,登录名,企业状态,会员级别",
            &format!("PAR{i:03}A,并发同步企业{i}甲,par_sync_{i}_a,正常,免费"),
            &format!("PAR{i:03}B,并发同步企业{i}乙,par_sync_{i}_b,正常,金牌"),
        ]);
        work.push(Box::pin(async move { c.upload_and_wait("/upload/cm-sync?kind=members&name=cm.csv", file).await }));
    }
    for i in 0..8 {
        let mut c = manager.clone();
        let file = crate::common::csv(&[
            "※企业名称,客户姓名,手机,固定电话,注册邮箱,登录名,区域,行业分类,企业类别,备注",
            &format!("并发导入企业{i},客户{i},,,,,,,,"),
        ]);
        work.push(Box::pin(
            async move { c.upload_and_wait("/upload/archive-import?kind=customer&name=a.csv", file).await },
        ));
    }
    let results = join_all(work).await;
    for (status, v) in &results {
        assert_eq!(*status, StatusCode::OK, "{v}");
        assert!(v["Saved"].is_object() || v["state"] == "done", "{v}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM customer WHERE company_name LIKE '并发录入企业%'").await, 16);
    assert_eq!(app.count("SELECT COUNT(*) FROM customer WHERE cm_member_id LIKE 'PAR%'").await, 16);
}

#[tokio::test]
async fn large_exports_are_for_supervisors_and_managers() {
    let app = with_members(2000).await;
    let mut agent = app.login("agent").await;
    let start = json!({"kind": "member_services", "query": "", "format": "csv"});
    let (status, v) = agent.call("exports/start", start.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert!(rejected(&v).contains("主管或经理"), "{v}");
    // A narrower query is fine for the agent; everything is fine for the supervisor.
    let (status, job) = agent
        .call("exports/start", json!({"kind": "member_services", "query": "view=members&level=gold", "format": "csv"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{job}");
    assert_eq!(agent.wait_job(&job).await["state"], "done");
    let mut sup = app.login("supervisor").await;
    let (status, job) = sup.call("exports/start", start).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    let done = sup.wait_job(&job).await;
    assert_eq!(done["state"], "done", "{done}");
    assert!(app.count("SELECT COUNT(*) FROM operation_log WHERE action = 'export'").await >= 2);
}

#[tokio::test]
async fn every_account_has_a_review_centre_and_new_accounts_get_review_flags_by_role() {
    let app = TestApp::spawn().await;
    for who in ["qa", "biz_tech", "gz_rep"] {
        let mut c = app.login(who).await;
        let (status, v) = c.call("reviews/list", json!({"filter": {"tab": "mine"}})).await;
        assert_eq!(status, StatusCode::OK, "{who}: {v}");
    }
    for (who, expected) in
        [("manager", "r-"), ("supervisor", "r-"), ("agent", "--"), ("biz_buyer", "-x"), ("biz_tech", "--")]
    {
        let sql = format!(
            "SELECT CASE WHEN can_review THEN 'r' ELSE '-' END || CASE WHEN review_exempt THEN 'x' ELSE '-' END \
             FROM account WHERE admin_id = '{who}'"
        );
        assert_eq!(app.text(&sql).await, expected, "{who}");
    }
}
