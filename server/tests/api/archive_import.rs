//! 批量导入: the preview with row errors and duplicates, the commit as one reviewed batch with
//! per-row rejection, undo as a unit, xlsx templates, attendee and contact imports, and that a
//! killed commit leaves nothing behind.
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Client, TestApp, csv, field_error, rejected};
use crate::members::with_members;

const CUSTOMER_HEADER: &str = "※企业名称,客户姓名,手机,固定电话,注册邮箱,登录名,区域,行业分类,企业类别,备注";

/// Uploads `file` as `kind` and waits for the check; answers the import job's view.
async fn stage(c: &mut Client, kind: &str, name: &str, file: Vec<u8>) -> Value {
    let (status, job) = c.post_bytes(&format!("/upload/archive-import?kind={kind}&name={name}"), file).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    let id = job["record"].as_i64().expect("import job id");
    let done = c.wait_job(&job).await;
    assert_eq!(done["state"], "done", "{done}");
    let (_, view) = c.call("imports/view", json!({ "id": id })).await;
    view
}

async fn commit(c: &mut Client, id: i64, approver: Option<i64>) -> Value {
    let (status, job) = c
        .call("imports/commit", json!({"id": id, "approver_id": approver, "with_duplicates": false, "reason": ""}))
        .await;
    if status != StatusCode::OK {
        return job;
    }
    c.wait_job(&job).await
}

#[tokio::test]
async fn import_previews_errors_and_duplicates_commits_reviews_and_undoes() {
    let app = with_members(10).await;
    let member_login =
        app.text("SELECT login_name FROM customer WHERE cm_member_id IS NOT NULL ORDER BY id LIMIT 1").await;
    let mut agent = app.login("agent").await;
    let file = csv(&[
        CUSTOMER_HEADER,
        "绍兴柯桥宏达纺织有限公司,沈经理,13857500001,,hongda@example.com,,浙江省/绍兴市/柯桥区,制造业/纺织业,供应商,展会名片",
        "温州瓯海鞋业有限公司,林先生,1385750,,,,浙江省/温州市,,工厂,",
        "绍兴柯桥宏达纺织有限公司,沈经理,,0575-84123456,,,浙江省/绍兴市,,,",
        &format!("湖州南浔木业有限公司,杨先生,13857500004,,,{member_login},浙江省/湖州市,,采购商,"),
        "嘉兴秀洲光伏科技有限公司,陆女士,13857500005,,,jx_solar,浙江省/嘉兴市/秀洲区,,二者都有,",
    ]);
    let view = stage(&mut agent, "customer", "客户.csv", file).await;
    let id = view["id"].as_i64().unwrap();
    assert_eq!((view["total_rows"].as_i64(), view["valid_rows"].as_i64()), (Some(5), Some(2)), "{view}");
    assert_eq!((view["error_rows"].as_i64(), view["duplicate_rows"].as_i64()), (Some(2), Some(1)), "{view}");
    assert_eq!(view["status"], "awaiting_confirm");
    let (_, errors) = agent.call("imports/rows", json!({"id": id, "status": "error", "page": 1, "per_page": 50})).await;
    let bad = &errors["items"][0];
    assert_eq!(bad["line"], 3);
    let fields: Vec<&str> = bad["errors"].as_array().unwrap().iter().map(|e| e[0].as_str().unwrap()).collect();
    assert!(fields.contains(&"phone_mobile") && fields.contains(&"enterprise_category"), "{bad}");
    assert_eq!(errors["items"][1]["line"], 5, "a CM member's login name is an error");
    let (_, dups) =
        agent.call("imports/rows", json!({"id": id, "status": "duplicate", "page": 1, "per_page": 50})).await;
    assert!(dups["items"][0]["duplicates"][0].as_str().unwrap().contains("与第 2 行企业名称相同"), "{dups}");
    let (status, report, _) = agent.get_file(&format!("/files/import-errors/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let report = app::tabular::read("r.csv", &report).unwrap();
    assert_eq!(report.headers, ["行号", "列", "值", "问题"]);
    let lines: Vec<Vec<String>> = report.rows.into_iter().map(|r| r.1).collect();
    assert!(
        lines.contains(&vec!["3".into(), "手机".into(), "1385750".into(), "手机号应为 11 位数字,以 1 开头".into()]),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l[0] == "4" && l[3].contains("疑似重复")), "{lines:?}");
    // Committing needs an approver; then the two valid rows go in as one pending batch.
    let v = commit(&mut agent, id, None).await;
    assert_eq!(field_error(&v, "approver_id").unwrap(), "请选择审批人");
    let before = app.count("SELECT COUNT(*) FROM customer").await;
    let supervisor = app.account_id("supervisor").await;
    let done = commit(&mut agent, id, Some(supervisor)).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(app.count("SELECT COUNT(*) FROM customer").await, before + 2);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM customer WHERE import_job_id = {id} AND review_status = 'pending'"))
            .await,
        2
    );
    assert_eq!(
        app.text(&format!("SELECT entry_method FROM customer WHERE import_job_id = {id} ORDER BY id LIMIT 1")).await,
        "excel_import"
    );
    let region = app
        .count(&format!("SELECT region_district_id FROM customer WHERE import_job_id = {id} ORDER BY id LIMIT 1"))
        .await;
    assert_eq!(app.text(&format!("SELECT name FROM region WHERE id = {region}")).await, "柯桥区");
    let again = commit(&mut agent, id, Some(supervisor)).await;
    assert!(rejected(&again).contains("已提交"), "{again}");
    // The approver rejects one row and approves the rest.
    let mut sup = app.login("supervisor").await;
    let (_, todo) = sup.call("reviews/list", json!({"filter": {"tab": "todo", "target_type": "import_job"}})).await;
    let review = todo["items"][0]["id"].as_i64().unwrap();
    assert_eq!(todo["items"][0]["summary"], "客户.csv(2 行)");
    let (_, rows) = sup.call("imports/rows", json!({"id": id, "status": "valid", "page": 1, "per_page": 50})).await;
    let first = rows["items"][0]["record_id"].as_i64().unwrap();
    let (status, v) = sup.call("reviews/decide", json!({"id": review, "approve": true, "comment": "宏达纺织已由代表处跟进,不重复录入", "reject_rows": [first]})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(app.text(&format!("SELECT review_status FROM customer WHERE id = {first}")).await, "rejected");
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM customer WHERE import_job_id = {id} AND review_status = 'approved'"))
            .await,
        1
    );
    // Undo as a unit, by the entrant.
    let (status, removed) = agent.call("imports/undo", json!({ "id": id })).await;
    assert_eq!(status, StatusCode::OK, "{removed}");
    assert_eq!(removed, 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM customer").await, before);
    let (_, view) = agent.call("imports/view", json!({ "id": id })).await;
    assert_eq!(view["status"], "undone");
    // Another user's import is invisible.
    let mut gz = app.login("gz_rep").await;
    let (status, _) = gz.call("imports/view", json!({ "id": id })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_import_with_dependent_data_cannot_be_undone_and_xlsx_templates_round_trip() {
    let app = TestApp::spawn().await;
    let mut m = app.login("manager").await;
    // The template carries the layout's headers, required ones marked.
    let (status, bytes, disposition) = m.get_file("/templates/archive-attendee.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert!(disposition.contains(".xlsx"));
    let table = app::tabular::read("t.xlsx", &bytes).unwrap();
    assert_eq!(&table.headers[..3], ["※企业名称", "※联系人", "职务"]);
    // Fill it in as Excel would and import (the manager reviews… but is not exempt: an approver).
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in table.headers.iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    let row = [
        "青岛崂山海产品有限公司",
        "高总",
        "总经理",
        "13605320001",
        "",
        "",
        "山东省/青岛市/崂山区",
        "",
        "采购商",
        "",
        "2026 秋季买家见面会",
        "采购冻品",
    ];
    for (c, v) in row.iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    let view = stage(&mut m, "attendee", "见面会.xlsx", wb.save_to_buffer().unwrap()).await;
    assert_eq!(view["valid_rows"], 1, "{view}");
    let id = view["id"].as_i64().unwrap();
    let supervisor = app.account_id("supervisor").await;
    assert_eq!(commit(&mut m, id, Some(supervisor)).await["state"], "done");
    let customer = app.count(&format!("SELECT id FROM customer WHERE import_job_id = {id}")).await;
    assert_eq!(app.text(&format!("SELECT info_source FROM customer WHERE id = {customer}")).await, "buyer_meeting");
    assert!(
        app.text(&format!("SELECT remarks FROM customer WHERE id = {customer}")).await.contains("2026 秋季买家见面会")
    );
    // A contact import attaches to the new customer by its number.
    let no = app.text(&format!("SELECT customer_no FROM customer WHERE id = {customer}")).await;
    let view = stage(
        &mut m,
        "contact",
        "联系人.csv",
        csv(&["客户编号,姓名,性别,手机", &format!("{no},高总助理,女,13605320002"), &format!("{no},,男,")]),
    )
    .await;
    assert_eq!((view["valid_rows"].as_i64(), view["error_rows"].as_i64()), (Some(1), Some(1)), "{view}");
    let contacts = view["id"].as_i64().unwrap();
    assert_eq!(commit(&mut m, contacts, Some(supervisor)).await["state"], "done");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM contact WHERE customer_id = {customer} AND review_status = 'pending'"
        ))
        .await,
        1
    );
    // The customer batch now has data of its own: its undo is refused, nothing removed.
    let (status, v) = m.call("imports/undo", json!({ "id": id })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert!(rejected(&v).contains("不能撤销"), "{v}");
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM customer WHERE import_job_id = {id}")).await, 1);
    // The contact batch itself can be undone.
    let (status, removed) = m.call("imports/undo", json!({ "id": contacts })).await;
    assert_eq!((status, removed), (StatusCode::OK, json!(1)));
}

#[tokio::test]
async fn a_killed_import_commit_leaves_nothing_behind() {
    let app = TestApp::spawn().await;
    let mut agent = app.login("agent").await;
    // Enough rows for several INSERT statements.
    let mut lines = vec![CUSTOMER_HEADER.to_string()];
    for i in 0..1500 {
        lines.push(format!("批量测试企业{i:04}有限公司,联系人{i},139{i:08},,,,浙江省,,采购商,"));
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let view = stage(&mut agent, "customer", "big.csv", csv(&refs)).await;
    assert_eq!(view["valid_rows"], 1500, "{view}");
    let id = view["id"].as_i64().unwrap();
    let user = app.signed_in("agent").await;
    let supervisor = app.account_id("supervisor").await;
    let db = app.db.clone();
    let task = tokio::spawn(async move {
        app::archive::import::commit(&db, &user, id, Some(supervisor), false, String::new(), &|done| {
            if done > 0 {
                panic!("killed after {done} rows");
            }
        })
        .await
    });
    assert!(task.await.is_err(), "the commit was killed");
    assert_eq!(app.count("SELECT COUNT(*) FROM customer").await, 0, "no row of the killed commit is visible");
    assert_eq!(app.text(&format!("SELECT status FROM import_job WHERE id = {id}")).await, "awaiting_confirm");
    // It can still be committed afterwards.
    let done = commit(&mut agent, id, Some(supervisor)).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(app.count("SELECT COUNT(*) FROM customer").await, 1500);
}

/// 审核中心 is every account's: an approver flagged 有审核资格 without any archive right opens
/// the batch sent to it (view and rows) and decides it; an uninvolved account does not see it.
#[tokio::test]
async fn an_approver_without_archive_rights_opens_and_decides_the_batch_sent_to_it() {
    let app = TestApp::spawn().await;
    let qa = app.account_id("qa").await;
    app.exec(&format!("UPDATE account SET can_review = TRUE WHERE id = {qa}")).await;
    let mut q = app.login("qa").await;
    assert_eq!(q.call("imports/recent", json!({})).await.0, StatusCode::FORBIDDEN, "qa has no import right");
    let mut agent = app.login("agent").await;
    let file = csv(&[CUSTOMER_HEADER, "宁波北仑港机配件有限公司,包经理,13857500011,,,,浙江省/宁波市/北仑区,,供应商,"]);
    let view = stage(&mut agent, "customer", "港机.csv", file).await;
    let id = view["id"].as_i64().unwrap();
    let done = commit(&mut agent, id, Some(qa)).await;
    assert_eq!(done["state"], "done", "{done}");

    let (status, v) = q.call("imports/view", json!({ "id": id })).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (status, rows) = q.call("imports/rows", json!({"id": id, "status": "valid", "page": 1, "per_page": 50})).await;
    assert_eq!((status, rows["total"].as_i64()), (StatusCode::OK, Some(1)), "{rows}");
    let (_, todo) = q.call("reviews/list", json!({"filter": {"tab": "todo", "target_type": "import_job"}})).await;
    let review = todo["items"][0]["id"].as_i64().expect("the batch waits for qa");
    let (status, body) =
        q.call("reviews/decide", json!({"id": review, "approve": true, "comment": "", "reject_rows": []})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let mut other = app.login("biz_buyer").await;
    assert_eq!(other.call("imports/view", json!({ "id": id })).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        other.call("imports/rows", json!({"id": id, "status": "", "page": 1, "per_page": 50})).await.0,
        StatusCode::NOT_FOUND
    );
}
