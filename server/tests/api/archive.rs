//! 档案管理: customer entry with field validation, duplicate detection (also against CM
//! members), review by the approver the entrant chose (never the entrant), exemption, and the
//! Excel import with its preview, commit, per-row review, undo and atomicity.
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Client, TestApp, field_error, rejected};
use crate::members::with_members;

async fn hq(app: &TestApp) -> i64 {
    app.count("SELECT id FROM organization WHERE org_type = 'hq'").await
}

/// A complete 录入客户信息 form with `fields` filled in.
fn form(org: i64, fields: Value) -> Value {
    let mut v = json!({
        "company_name": "", "contact_name": "", "phone_mobile": "", "phone_fixed": "", "registered_email": "",
        "login_name": "", "region": [null, null, null], "address": "", "industry": [null, null, null],
        "enterprise_category": "", "organization_id": org, "info_source": "admin_entered", "remarks": "",
        "approver_id": null, "duplicate_reason": "",
    });
    for (k, x) in fields.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

async fn save(c: &mut Client, existing: Value, input: Value, submit: bool, acknowledge: bool) -> (StatusCode, Value) {
    c.call(
        "archive/save",
        json!({ "existing": existing, "input": input, "submit": submit, "acknowledge": acknowledge }),
    )
    .await
}

fn saved_id(v: &Value) -> i64 {
    v["Saved"]["id"].as_i64().unwrap_or_else(|| panic!("not saved: {v}"))
}

#[tokio::test]
async fn bad_input_gets_an_error_at_each_field() {
    let app = TestApp::spawn().await;
    let org = hq(&app).await;
    let mut agent = app.login("agent").await;
    let bad = form(
        org,
        json!({ "phone_mobile": "1380013", "registered_email": "a@b", "login_name": "x y", "enterprise_category": "vendor" }),
    );
    let (status, v) = save(&mut agent, Value::Null, bad, true, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(field_error(&v, "company_name").unwrap(), "企业名称和客户姓名至少填写一项");
    assert!(field_error(&v, "phone_mobile").unwrap().contains("11 位"));
    assert_eq!(field_error(&v, "registered_email").unwrap(), "邮箱格式不正确");
    assert!(field_error(&v, "login_name").is_some());
    assert!(field_error(&v, "enterprise_category").is_some());
    assert_eq!(field_error(&v, "approver_id").unwrap(), "请选择审批人");
    // The entrant is never an approver, and only eligible accounts are.
    let mut manager = app.login("manager").await;
    let me = app.account_id("manager").await;
    let (_, v) =
        save(&mut manager, Value::Null, form(org, json!({"company_name": "自审公司", "approver_id": me})), true, false)
            .await;
    assert_eq!(field_error(&v, "approver_id").unwrap(), "审批人不能是录入人本人");
    let qa = app.account_id("qa").await;
    let (_, v) =
        save(&mut agent, Value::Null, form(org, json!({"company_name": "某公司", "approver_id": qa})), true, false)
            .await;
    assert!(field_error(&v, "approver_id").unwrap().contains("没有审核资格"), "{v}");
    let (_, opts) = agent.call("archive/options", json!({})).await;
    let ids: Vec<i64> = opts["approvers"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert!(
        ids.contains(&app.account_id("supervisor").await)
            && !ids.contains(&qa)
            && !ids.contains(&app.account_id("agent").await)
    );
    // An organisation outside the user's scope is refused.
    let sh = app.org_id("SH").await;
    let mut gz = app.login("gz_rep").await;
    let (_, v) = save(&mut gz, Value::Null, form(sh, json!({"company_name": "越界公司"})), false, false).await;
    assert!(field_error(&v, "organization_id").is_some(), "{v}");
    assert_eq!(app.count("SELECT COUNT(*) FROM customer").await, 0, "nothing was written");
}

#[tokio::test]
async fn an_entry_is_reviewed_by_its_approver_and_resubmitted_after_rejection() {
    let app = TestApp::spawn().await;
    let org = hq(&app).await;
    let supervisor = app.account_id("supervisor").await;
    let mut agent = app.login("agent").await;
    let entry = form(
        org,
        json!({
            "company_name": "宁波海曙佳美贸易有限公司", "contact_name": "钱女士", "phone_mobile": "13957400011",
            "approver_id": supervisor,
        }),
    );
    let (status, v) = save(&mut agent, Value::Null, entry.clone(), true, false).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["Saved"]["status"], "pending");
    assert_eq!(v["Saved"]["approver"], "李主管");
    let id = saved_id(&v);
    let agent_id = app.account_id("agent").await;
    assert_eq!(app.text(&format!("SELECT review_status FROM customer WHERE id = {id}")).await, "pending");
    assert_eq!(
        app.count(&format!("SELECT created_by FROM customer WHERE id = {id}")).await,
        agent_id,
        "entrant recorded"
    );
    assert_eq!(app.text(&format!("SELECT customer_type FROM customer WHERE id = {id}")).await, "non_member");
    assert_eq!(app.text(&format!("SELECT entry_method FROM customer WHERE id = {id}")).await, "manual");
    // Pending: the entrant and the approver see it; others in scope do not, nor the query.
    let (status, _) = agent.call("members/detail", json!({ "id": id })).await;
    assert_eq!(status, StatusCode::OK);
    let mut qa = app.login("qa").await;
    let (status, _) = qa.call("members/detail", json!({ "id": id })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = agent.call("members/services", json!({"filter": {"company": "佳美贸易", "view": "members"}})).await;
    assert_eq!(list["total"], 0, "pending entries stay out of 信息查询");
    // The approver's queue; the entrant cannot decide, another reviewer is not the approver.
    let mut sup = app.login("supervisor").await;
    let (_, todo) = sup.call("reviews/list", json!({"filter": {"tab": "todo"}})).await;
    assert_eq!(todo["total"], 1, "{todo}");
    let review = todo["items"][0]["id"].as_i64().unwrap();
    assert_eq!(todo["items"][0]["summary"], "宁波海曙佳美贸易有限公司");
    let (status, _) =
        agent.call("reviews/decide", json!({"id": review, "approve": true, "comment": "", "reject_rows": []})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut manager = app.login("manager").await;
    let (status, _) =
        manager.call("reviews/decide", json!({"id": review, "approve": true, "comment": "", "reject_rows": []})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Rejecting needs a reason.
    let (_, v) =
        sup.call("reviews/decide", json!({"id": review, "approve": false, "comment": " ", "reject_rows": []})).await;
    assert_eq!(field_error(&v, "comment").unwrap(), "驳回时必须填写原因");
    let (status, _) = sup
        .call(
            "reviews/decide",
            json!({"id": review, "approve": false, "comment": "手机号与企业不符,请核实", "reject_rows": []}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.text(&format!("SELECT review_status FROM customer WHERE id = {id}")).await, "rejected");
    // The entrant sees why, edits and resubmits: revision 2, pending again.
    let (_, rec) = agent.call("archive/load", json!({ "id": id })).await;
    assert_eq!(rec["review_comment"], "手机号与企业不符,请核实", "{rec}");
    let version = rec["version"].as_i64().unwrap();
    let mut fixed = rec["input"].clone();
    fixed["phone_mobile"] = json!("13957400012");
    let (status, v) = save(&mut agent, json!([id, version]), fixed, true, false).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["Saved"]["status"], "pending");
    assert_eq!(
        app.count(&format!("SELECT CAST(revision AS BIGINT) FROM entry_review WHERE target_id = {id}")).await,
        2
    );
    // A stale version is refused.
    let (status, v) = save(&mut agent, json!([id, version]), rec["input"].clone(), false, false).await;
    assert_ne!(status, StatusCode::OK, "{v}");
    let (status, _) =
        sup.call("reviews/decide", json!({"id": review, "approve": true, "comment": "", "reject_rows": []})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.text(&format!("SELECT review_status FROM customer WHERE id = {id}")).await, "approved");
    let (status, _) = qa.call("members/detail", json!({ "id": id })).await;
    assert_eq!(status, StatusCode::OK, "published once approved");
    let (_, list) = agent.call("members/services", json!({"filter": {"company": "佳美贸易", "view": "members"}})).await;
    assert_eq!(list["total"], 1);
    // The search index follows the edit: the new mobile is found, the old one no longer.
    for (mobile, n) in [("13957400012", 1), ("13957400011", 0)] {
        let (_, list) =
            agent.call("members/services", json!({"filter": {"phone_mobile": mobile, "view": "members"}})).await;
        assert_eq!(list["total"], n, "mobile {mobile}: {list}");
    }
    let (_, done) = sup.call("reviews/list", json!({"filter": {"tab": "done"}})).await;
    assert_eq!(done["items"][0]["status"], "approved");
    let (_, mine) = agent.call("reviews/list", json!({"filter": {"tab": "mine"}})).await;
    assert_eq!(mine["items"][0]["revision"], 2);
    assert!(app.count("SELECT COUNT(*) FROM operation_log WHERE module = 'archive.customer'").await >= 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM operation_log WHERE module = 'archive.review'").await, 2);
}

#[tokio::test]
async fn duplicates_are_shown_before_saving_also_against_cm_members() {
    let app = with_members(20).await;
    let org = hq(&app).await;
    let supervisor = app.account_id("supervisor").await;
    let member = app.count("SELECT id FROM customer WHERE cm_member_id IS NOT NULL ORDER BY id LIMIT 1").await;
    let login = app.text(&format!("SELECT login_name FROM customer WHERE id = {member}")).await;
    let company = app.text(&format!("SELECT company_name FROM customer WHERE id = {member}")).await;
    let mut agent = app.login("agent").await;
    let before = app.count("SELECT COUNT(*) FROM customer").await;
    // A login name in use is a hard duplicate: never saved, not even when acknowledged.
    let taken =
        form(org, json!({"company_name": "全新的公司", "login_name": login.to_uppercase(), "approver_id": supervisor}));
    for ack in [false, true] {
        let (status, v) = save(&mut agent, Value::Null, taken.clone(), true, ack).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        let d = &v["Duplicates"][0];
        assert_eq!(d["id"], member, "{v}");
        assert_eq!(d["hard"], true);
        assert_eq!(d["is_member"], true);
        assert!(d["rules"].as_array().unwrap().contains(&json!("login_name")));
    }
    // The same company under another legal form is a soft match: shown, then submitted with a reason.
    let similar = form(
        org,
        json!({"company_name": format!("{company}有限公司").replace("有限公司有限公司", "股份有限公司"), "approver_id": supervisor}),
    );
    let (_, v) = save(&mut agent, Value::Null, similar.clone(), true, false).await;
    let d = &v["Duplicates"][0];
    assert_eq!(d["hard"], false, "{v}");
    assert!(d["rules"].as_array().unwrap().contains(&json!("company_name")), "{v}");
    assert_eq!(app.count("SELECT COUNT(*) FROM customer").await, before, "nothing saved before the decision");
    let (status, v) = save(&mut agent, Value::Null, similar.clone(), true, true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&v, "duplicate_reason").is_some());
    let mut with_reason = similar.clone();
    with_reason["duplicate_reason"] = json!("同名的分公司,地址不同");
    let (_, v) = save(&mut agent, Value::Null, with_reason, true, true).await;
    let id = saved_id(&v);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM duplicate_candidate WHERE record_id = {id} AND matched_record_id = {member}"
        ))
        .await,
        1
    );
    assert_eq!(
        app.text(&format!("SELECT duplicate_reason FROM entry_review WHERE target_id = {id}")).await,
        "同名的分公司,地址不同"
    );
    // E-mail and mobile are compared normalised (case, +86, separators).
    let email = app.text(&format!("SELECT registered_email FROM customer WHERE id = {member}")).await;
    let (_, v) = save(
        &mut agent,
        Value::Null,
        form(
            org,
            json!({"contact_name": "李先生", "registered_email": email.to_uppercase(), "approver_id": supervisor}),
        ),
        true,
        false,
    )
    .await;
    assert!(v["Duplicates"][0]["rules"].as_array().unwrap().contains(&json!("registered_email")), "{v}");
    let (_, v) = save(
        &mut agent,
        Value::Null,
        form(org, json!({"contact_name": "赵先生", "phone_mobile": "13957400099", "approver_id": supervisor})),
        true,
        false,
    )
    .await;
    saved_id(&v);
    let (_, v) = save(
        &mut agent,
        Value::Null,
        form(org, json!({"contact_name": "赵先生", "phone_mobile": "+86 139-5740-0099", "approver_id": supervisor})),
        true,
        false,
    )
    .await;
    assert!(v["Duplicates"][0]["rules"].as_array().unwrap().contains(&json!("phone_mobile")), "{v}");
}

#[tokio::test]
async fn exempt_entrants_publish_at_once() {
    let app = TestApp::spawn().await;
    let org = hq(&app).await;
    // 买家部 accounts are exempt by default (OP-26): no approver needed.
    let mut buyer = app.login("biz_buyer").await;
    let (_, opts) = buyer.call("archive/options", json!({})).await;
    assert_eq!(opts["exempt"], true);
    let attendee = form(
        org,
        json!({"company_name": "义乌小商品采购中心", "contact_name": "孙经理", "info_source": "buyer_meeting"}),
    );
    let (_, v) = save(&mut buyer, Value::Null, attendee, true, false).await;
    assert_eq!(v["Saved"]["status"], "approved", "{v}");
    let id = saved_id(&v);
    assert_eq!(app.text(&format!("SELECT info_source FROM customer WHERE id = {id}")).await, "buyer_meeting");
    assert_eq!(app.text(&format!("SELECT entry_method FROM customer WHERE id = {id}")).await, "buyer_meeting");
    assert_eq!(app.text(&format!("SELECT decision_comment FROM entry_review WHERE target_id = {id}")).await, "免审");
    // An administrator exempts an agent: the same entry is then published directly.
    let agent = app.account_id("agent").await;
    app.exec(&format!("UPDATE account SET review_exempt = TRUE WHERE id = {agent}")).await;
    let mut a = app.login("agent").await;
    let (_, v) =
        save(&mut a, Value::Null, form(org, json!({"company_name": "台州路桥机电有限公司"})), true, false).await;
    assert_eq!(v["Saved"]["status"], "approved", "{v}");
    // A draft is only the entrant's.
    let (_, v) = save(&mut a, Value::Null, form(org, json!({"company_name": "草稿公司"})), false, false).await;
    assert_eq!(v["Saved"]["status"], "draft");
    let draft = saved_id(&v);
    let mut qa = app.login("qa").await;
    let (status, _) = qa.call("members/detail", json!({ "id": draft })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = a.call("archive/list", json!({"filter": {"review_status": "draft"}})).await;
    assert_eq!(list["total"], 1, "{list}");
    let (status, _) = a.call("archive/delete", json!({ "id": draft })).await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = a.call("archive/list", json!({"filter": {"review_status": "draft"}})).await;
    assert_eq!(list["total"], 0);
}

fn csv(lines: &[&str]) -> Vec<u8> {
    format!("\u{feff}{}\n", lines.join("\n")).into_bytes()
}

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
