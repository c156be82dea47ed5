//! 档案管理: customer entry with field validation, duplicate detection (also against CM
//! members), review by the approver the entrant chose (never the entrant) and exemption. The
//! Excel import is in `archive_import`.
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Client, TestApp, field_error, rejected};
use crate::members::with_members;

pub async fn hq(app: &TestApp) -> i64 {
    app.count("SELECT id FROM organization WHERE org_type = 'hq'").await
}

/// A complete 录入客户信息 form with `fields` filled in.
pub fn form(org: i64, fields: Value) -> Value {
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

pub async fn save(
    c: &mut Client,
    existing: Value,
    input: Value,
    submit: bool,
    acknowledge: bool,
) -> (StatusCode, Value) {
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

#[tokio::test]
async fn the_review_workflow_refuses_what_the_state_does_not_allow() {
    let app = TestApp::spawn().await;
    let org = hq(&app).await;
    let supervisor = app.account_id("supervisor").await;
    let mut agent = app.login("agent").await;
    let entry = form(org, json!({"company_name": "嘉兴秀洲恒达机械有限公司", "approver_id": supervisor}));
    let (_, v) = save(&mut agent, Value::Null, entry.clone(), true, false).await;
    let id = saved_id(&v);
    // Pending: the entrant can neither load it for editing nor save over it (409, readable).
    let (status, v) = agent.call("archive/load", json!({ "id": id })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert!(rejected(&v).contains("正在审核中"), "{v}");
    let (status, v) = save(&mut agent, json!([id, 1]), entry.clone(), false, false).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(app.text(&format!("SELECT review_status FROM customer WHERE id = {id}")).await, "pending");
    // Two decisions at once from two sessions of the approver: one wins, the other is told.
    let mut sup = app.login("supervisor").await;
    let mut sup2 = app.login("supervisor").await;
    let (_, todo) = sup.call("reviews/list", json!({"filter": {"tab": "todo"}})).await;
    let review = todo["items"][0]["id"].as_i64().unwrap();
    let (a, b) = tokio::join!(
        sup.call("reviews/decide", json!({"id": review, "approve": true, "comment": "", "reject_rows": []})),
        sup2.call("reviews/decide", json!({"id": review, "approve": true, "comment": "", "reject_rows": []})),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{a:?} {b:?}");
    let loser = if a.0 == StatusCode::CONFLICT { &a.1 } else { &b.1 };
    assert!(rejected(loser).contains("已审核"), "{loser}");
    assert_eq!(app.text(&format!("SELECT review_status FROM customer WHERE id = {id}")).await, "approved");
    assert_eq!(app.count("SELECT COUNT(*) FROM operation_log WHERE module = 'archive.review'").await, 1);
    // Saving an approved entry as a "draft" keeps it approved, without a new review.
    let (_, rec) = agent.call("archive/load", json!({ "id": id })).await;
    let (status, v) = save(&mut agent, json!([id, rec["version"]]), rec["input"].clone(), false, false).await;
    assert_eq!((status, v["Saved"]["status"].clone()), (StatusCode::OK, json!("approved")), "{v}");
    let revisions = format!("SELECT CAST(revision AS BIGINT) FROM entry_review WHERE target_id = {id}");
    assert_eq!(app.count(&revisions).await, 1);
    // A status code this build does not know is never treated as one it does.
    app.exec(&format!("UPDATE customer SET review_status = 'Approved ' WHERE id = {id}")).await;
    let (status, _) = agent.call("archive/load", json!({ "id": id })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
