//! Accounts, roles and permissions, organisations, the operation log and data scope.
use app::auth::scope::Scope;
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{PW, TestApp, field_error, rejected};

fn account(admin_id: &str, role_id: i64, org_id: i64, category: &str) -> Value {
    json!({
        "admin_id": admin_id, "name": "刘新人", "email": format!("{admin_id}@example.com"), "phone": "020-1234",
        "status": "active", "role_category": category, "role_id": role_id, "organization_id": org_id,
        "password": "Start2026a", "password_confirm": "Start2026a",
        "review_exempt": false, "can_review": false, "must_change_password": true,
    })
}

async fn role_id(app: &TestApp, code: &str) -> i64 {
    app.count(&format!("SELECT id FROM role WHERE code = '{code}'")).await
}

#[tokio::test]
async fn create_account_validates_every_field_and_keeps_nothing_on_error() {
    let app = TestApp::spawn().await;
    let mut m = app.login("manager").await;
    let agent_role = role_id(&app, "cs_agent").await;
    let gz = app.org_id("GZ").await;
    let mut bad = account("x", agent_role, gz, "CompanyCsAdmin");
    bad["email"] = json!("not-an-email");
    bad["password_confirm"] = json!("different1");
    let (status, body) = m.call("admin/accounts/create", json!({"input": bad})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&body, "admin_id").unwrap().contains("3–32"));
    assert!(field_error(&body, "email").unwrap().contains("格式"));
    assert!(field_error(&body, "password_confirm").is_some());

    // Field-valid but inconsistent: a company-CS role in a rep office, a taken login ID.
    let (_, body) =
        m.call("admin/accounts/create", json!({"input": account("agent", agent_role, gz, "CompanyCsAdmin")})).await;
    assert!(field_error(&body, "organization_id").unwrap().contains("不一致"));
    assert_eq!(field_error(&body, "admin_id").as_deref(), Some("该管理员ID已被使用"));
    let rep_role = role_id(&app, "rep_office_cs").await;
    let (_, body) =
        m.call("admin/accounts/create", json!({"input": account("new.one", rep_role, gz, "CompanyCsAdmin")})).await;
    assert!(field_error(&body, "role_id").is_some(), "role must belong to the category");
    assert_eq!(app.count("SELECT COUNT(*) FROM account").await, 8);
    assert_eq!(app.count("SELECT COUNT(*) FROM operation_log WHERE action = 'create'").await, 0);
}

#[tokio::test]
async fn created_account_logs_in_must_change_password_and_is_audited() {
    let app = TestApp::spawn().await;
    let mut m = app.login("manager").await;
    let rep_role = role_id(&app, "rep_office_cs").await;
    let gz = app.org_id("GZ").await;
    let (status, id) =
        m.call("admin/accounts/create", json!({"input": account("Li.Na", rep_role, gz, "RepOfficeCsAdmin")})).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let (_, detail) = m.call("admin/accounts/get", json!({"id": id})).await;
    assert_eq!(detail["org_name"], "广州代表处");
    assert_eq!(detail["opened_by"], "王经理");
    let mut c = app.client();
    let (status, body) = c.login("li.na", "Start2026a").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["must_change_password"], true);
    let logged = app
        .count(&format!(
            "SELECT COUNT(*) FROM operation_log WHERE action = 'create' AND target_type = 'account' AND target_id = {id} \
             AND module = 'cs_mgmt.sys_perm.add_admin' AND detail LIKE '%Li.Na%' AND detail NOT LIKE '%argon2%'"
        ))
        .await;
    assert_eq!(logged, 1);
}

#[tokio::test]
async fn editing_an_account_records_before_and_after_and_detects_stale_versions() {
    let app = TestApp::spawn().await;
    let mut m = app.login("manager").await;
    let id = app.account_id("agent").await;
    let (_, d) = m.call("admin/accounts/get", json!({"id": id})).await;
    let mut input = d["input"].clone();
    input["name"] = json!("张坐席二");
    input["password"] = json!("Reset2026x");
    input["password_confirm"] = json!("Reset2026x");
    let (status, body) =
        m.call("admin/accounts/update", json!({"id": id, "version": d["version"], "input": input.clone()})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let detail = app.count(&format!("SELECT COUNT(*) FROM operation_log WHERE action = 'update' AND target_id = {id} AND detail LIKE '%张坐席二%' AND detail LIKE '%reset%'")).await;
    assert_eq!(detail, 1);
    // The reset password works and must be changed; the old one is gone.
    assert_eq!(app.client().login("agent", PW).await.0, StatusCode::CONFLICT);
    assert_eq!(app.client().login("agent", "Reset2026x").await.1["must_change_password"], true);
    // Saving with the old version is a conflict naming who changed it.
    input["password"] = json!("");
    input["password_confirm"] = json!("");
    let (status, body) =
        m.call("admin/accounts/update", json!({"id": id, "version": d["version"], "input": input})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(rejected(&body).contains("王经理"), "{body}");
}

#[tokio::test]
async fn nobody_changes_their_own_status_role_or_permissions() {
    let app = TestApp::spawn().await;
    let mut m = app.login("manager").await;
    let me = app.account_id("manager").await;
    let (status, body) = m.call("admin/accounts/status", json!({"id": me, "status": "suspended"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let role = role_id(&app, "cs_manager").await;
    let (status, _) = m
        .call("admin/accounts/permissions/save", json!({"id": me, "role_id": role, "version": 1, "permissions": []}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn account_permissions_take_effect_on_the_next_request_and_respect_grant_constraints() {
    let app = TestApp::spawn().await;
    let mut m = app.login("manager").await;
    let mut agent = app.login("agent").await;
    let id = app.account_id("agent").await;
    let role = role_id(&app, "cs_agent").await;
    assert_eq!(agent.call("admin/logs/list", json!({"filter": {}})).await.0, StatusCode::FORBIDDEN);
    let (status, body) = m
        .call(
            "admin/accounts/permissions/save",
            json!({"id": id, "role_id": role, "version": 1, "permissions": ["system.logs", "cs_mgmt.sys_perm.change_password", "kb"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Same session, next request: granted.
    assert_eq!(agent.call("admin/logs/list", json!({"filter": {}})).await.0, StatusCode::OK);
    let (_, p) = m.call("admin/accounts/permissions", json!({"id": id})).await;
    assert_eq!(p["custom"], true);
    assert_eq!(p["permissions"], json!(["cs_mgmt.sys_perm.change_password", "kb", "system.logs"]));
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM operation_log WHERE action = 'grant' AND target_id = {id}")).await,
        1
    );

    // A rep-office account cannot be given company-CS-only nodes, whatever is sent.
    let rep = app.account_id("gz_rep").await;
    let rep_role = role_id(&app, "rep_office_cs").await;
    m.call(
        "admin/accounts/permissions/save",
        json!({"id": rep, "role_id": rep_role, "version": 1, "permissions": ["cs_mgmt.sys_perm.add_admin", "system.logs", "kb"]}),
    )
    .await;
    let (_, p) = m.call("admin/accounts/permissions", json!({"id": rep})).await;
    assert_eq!(p["permissions"], json!(["kb"]));
    let mut gz = app.login("gz_rep").await;
    assert_eq!(gz.call("admin/logs/list", json!({"filter": {}})).await.0, StatusCode::FORBIDDEN);

    // 恢复默认 goes back to the role defaults.
    let (_, p) = m.call("admin/accounts/permissions", json!({"id": id})).await;
    m.call(
        "admin/accounts/permissions/save",
        json!({"id": id, "role_id": role, "version": p["version"], "permissions": null}),
    )
    .await;
    let (_, p) = m.call("admin/accounts/permissions", json!({"id": id})).await;
    assert_eq!(p["custom"], false);
    assert_eq!(agent.call("admin/logs/list", json!({"filter": {}})).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn role_defaults_apply_to_inheriting_accounts_and_scope_cannot_widen() {
    let app = TestApp::spawn().await;
    let mut m = app.login("manager").await;
    let mut qa = app.login("qa").await;
    let (_, roles) = m.call("admin/roles/list", json!({})).await;
    let qa_role = roles.as_array().unwrap().iter().find(|r| r["code"] == "cs_qa").unwrap().clone();
    let mut perms: Vec<Value> = qa_role["permissions"].as_array().unwrap().clone();
    perms.push(json!("system.logs"));
    let input = json!({"id": qa_role["id"], "version": qa_role["version"], "name": qa_role["name"], "role_category": "CompanyCsAdmin",
        "data_scope": "All", "description": "质检", "permissions": perms});
    let (status, body) = m.call("admin/roles/save", json!({"input": input})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(qa.call("admin/logs/list", json!({"filter": {}})).await.0, StatusCode::OK);

    // Built-in roles keep their names; a rep-office role cannot see all data.
    let (_, roles) = m.call("admin/roles/list", json!({})).await;
    let rep = roles.as_array().unwrap().iter().find(|r| r["code"] == "rep_office_cs").unwrap().clone();
    let wide = json!({"id": rep["id"], "version": rep["version"], "name": rep["name"], "role_category": "RepOfficeCsAdmin",
        "data_scope": "All", "description": "", "permissions": rep["permissions"]});
    let (status, body) = m.call("admin/roles/save", json!({"input": wide})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&body, "data_scope").is_some());
    let renamed = json!({"id": rep["id"], "version": rep["version"], "name": "改名", "role_category": "RepOfficeCsAdmin",
        "data_scope": "OwnOrg", "description": "", "permissions": []});
    assert_eq!(m.call("admin/roles/save", json!({"input": renamed})).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    // A custom role can be created and used for a new account.
    let custom = json!({"id": null, "version": 0, "name": "夜班坐席", "role_category": "CompanyCsAdmin", "data_scope": "All",
        "description": "", "permissions": ["kb", "cs_mgmt.sys_perm.change_password"]});
    let (status, id) = m.call("admin/roles/save", json!({"input": custom})).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    assert_eq!(app.count("SELECT COUNT(*) FROM operation_log WHERE module = 'cs_mgmt.sys_perm.role_mgmt'").await, 2);
}

#[tokio::test]
async fn organisations_are_created_edited_deactivated_and_regions_belong_to_one_office() {
    let app = TestApp::spawn().await;
    let mut m = app.login("manager").await;
    let (_, provinces) = m.call("dict/regions", json!({"parent": null})).await;
    let provinces = provinces.as_array().unwrap();
    assert!(provinces.len() >= 34, "all province-level units");
    let hubei = provinces.iter().find(|r| r["name"] == "湖北省").unwrap()["id"].clone();
    let guangdong = provinces.iter().find(|r| r["name"] == "广东省").unwrap()["id"].clone();
    let (_, cities) = m.call("dict/regions", json!({"parent": hubei})).await;
    let wuhan = cities.as_array().unwrap().iter().find(|r| r["name"] == "武汉市").unwrap()["id"].clone();
    let (_, districts) = m.call("dict/regions", json!({"parent": wuhan})).await;
    assert!(districts.as_array().unwrap().iter().any(|r| r["full_name"] == "湖北省/武汉市/江汉区"));

    let new = |code: &str, regions: Value| {
        json!({"input": {"id": null, "version": 0, "code": code, "name": "武汉代表处", "org_type": "rep_office", "department_kind": null,
            "region_id": wuhan, "address": "武汉市江汉区", "phone": "027-1", "contact_person": "黄", "email": "", "region_ids": regions}})
    };
    let (_, body) = m.call("admin/orgs/save", new("WH", json!([guangdong]))).await;
    assert!(field_error(&body, "region_ids").unwrap().contains("广州代表处"), "{body}");
    let (_, body) = m.call("admin/orgs/save", new("GZ", json!([hubei]))).await;
    assert_eq!(field_error(&body, "code").as_deref(), Some("该机构编码已被使用"));
    let (status, id) = m.call("admin/orgs/save", new("WH", json!([hubei]))).await;
    assert_eq!(status, StatusCode::OK, "{id}");

    let (_, orgs) = m.call("admin/orgs/list", json!({})).await;
    let wh = orgs.as_array().unwrap().iter().find(|o| o["code"] == "WH").unwrap().clone();
    assert_eq!(wh["regions"][0]["name"], "湖北省");
    assert_eq!(wh["seat"]["full_name"], "湖北省/武汉市");

    let (status, _) = m.call("admin/orgs/active", json!({"id": id, "active": false})).await;
    assert_eq!(status, StatusCode::OK);
    // An inactive office takes no new accounts.
    let rep_role = role_id(&app, "rep_office_cs").await;
    let (_, body) = m
        .call(
            "admin/accounts/create",
            json!({"input": account("wh_rep", rep_role, id.as_i64().unwrap(), "RepOfficeCsAdmin")}),
        )
        .await;
    assert_eq!(field_error(&body, "organization_id").as_deref(), Some("该组织机构已停用"));
    let hq = app.org_id("HQ").await;
    assert_eq!(m.call("admin/orgs/active", json!({"id": hq, "active": false})).await.0, StatusCode::CONFLICT);
    assert_eq!(app.count("SELECT COUNT(*) FROM operation_log WHERE module = 'system.orgs'").await, 2);
}

#[tokio::test]
async fn every_mutation_writes_one_audit_entry_with_who_where_and_what() {
    let app = TestApp::spawn().await;
    let mut m = app.login("manager").await;
    let agent = app.account_id("agent").await;
    let role = role_id(&app, "cs_agent").await;
    m.call("admin/accounts/status", json!({"id": agent, "status": "suspended"})).await;
    m.call("admin/accounts/status", json!({"id": agent, "status": "active"})).await;
    m.call(
        "admin/accounts/permissions/save",
        json!({"id": agent, "role_id": role, "version": 3, "permissions": ["kb"]}),
    )
    .await;
    m.call(
        "auth/password",
        json!({"input": {"old_password": PW, "new_password": "Manager2026", "confirm_password": "Manager2026"}}),
    )
    .await;
    m.call("auth/logout", json!({})).await;
    let (_, logs) = app
        .login("supervisor")
        .await
        .call("admin/logs/list", json!({"filter": {"admin_id": "manager", "per_page": 50}}))
        .await;
    let actions: Vec<&str> = logs["items"].as_array().unwrap().iter().map(|l| l["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["logout", "password", "grant", "update", "update", "login"], "newest first");
    for l in logs["items"].as_array().unwrap() {
        assert_eq!(l["admin_id"], "manager");
        assert_eq!(l["ip"], "10.0.0.1");
        assert_eq!(l["success"], true);
    }
    // Filters: action, module, date range, per account.
    let mut s = app.login("supervisor").await;
    let (_, f) = s.call("admin/logs/list", json!({"filter": {"action": "update"}})).await;
    assert_eq!(f["total"], 2);
    let (_, f) = s.call("admin/logs/list", json!({"filter": {"module": "cs_mgmt.sys_perm.role_mgmt"}})).await;
    assert_eq!(f["total"], 1);
    let (_, f) = s.call("admin/logs/list", json!({"filter": {"from": "2000-01-01", "to": "2000-01-31"}})).await;
    assert_eq!(f["total"], 0);
    let (status, f) = s.call("admin/logs/list", json!({"filter": {"from": "yesterday"}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&f, "from").is_some());
    let me = app.account_id("manager").await;
    let (_, f) = s.call("admin/logs/logins", json!({"filter": {"account_id": me}})).await;
    assert_eq!(f["items"][0]["result"], "success");
}

#[tokio::test]
async fn scope_limits_a_rep_office_user_to_its_own_organisation() {
    let app = TestApp::spawn().await;
    let gz_user = app.signed_in("gz_rep").await;
    let gz = app.org_id("GZ").await;
    let sh = app.org_id("SH").await;
    assert_eq!(gz_user.scope, Scope::Orgs(vec![gz]));
    assert!(gz_user.scope.allows(gz, None) && !gz_user.scope.allows(sh, None));

    // The same list query a company-CS user runs returns only the own office's rows.
    let page = app::admin::service::accounts::list(&app.db, &gz_user, Default::default()).await.unwrap();
    let names: Vec<_> = page.items.iter().map(|a| a.admin_id.as_str()).collect();
    assert_eq!(names, vec!["gz_rep"]);
    let sh_account = app.account_id("sh_rep").await;
    let err = app::admin::service::accounts::get(&app.db, &gz_user, sh_account).await.unwrap_err();
    assert_eq!(err, app::error::AppError::NotFound, "a guessed id outside the scope is not found");

    let manager = app.signed_in("manager").await;
    assert_eq!(manager.scope, Scope::All);
    assert_eq!(app::admin::service::accounts::list(&app.db, &manager, Default::default()).await.unwrap().total, 8);

    // The operation log is scoped the same way: gz_rep sees its own office's entries only.
    let logs = app::admin::service::logs::list(&app.db, &gz_user, Default::default()).await.unwrap();
    assert!(logs.items.iter().all(|l| l.admin_id == "gz_rep"), "{:?}", logs.items);
    assert_eq!(logs.total, 1);

    let biz = app.signed_in("biz_tech").await;
    assert_eq!(biz.scope, Scope::Dept(app.org_id("TECH").await));
}

#[tokio::test]
async fn account_list_filters_and_pages() {
    let app = TestApp::spawn().await;
    let mut s = app.login("supervisor").await;
    let (_, all) = s.call("admin/accounts/list", json!({"filter": {"per_page": 10}})).await;
    assert_eq!(all["total"], 8);
    let (_, page) = s.call("admin/accounts/list", json!({"filter": {"per_page": 10, "page": 1}})).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 8);
    let (_, rep) = s.call("admin/accounts/list", json!({"filter": {"admin_id": "REP"}})).await;
    assert_eq!(rep["total"], 2, "case-insensitive contains");
    let gz = app.org_id("GZ").await;
    let (_, by_org) = s.call("admin/accounts/list", json!({"filter": {"org_id": gz}})).await;
    assert_eq!(by_org["items"][0]["admin_id"], "gz_rep");
    let (_, by_name) = s.call("admin/accounts/list", json!({"filter": {"admin_id": "王经理"}})).await;
    assert_eq!(by_name["items"][0]["admin_id"], "manager");
    let (_, none) = s.call("admin/accounts/list", json!({"filter": {"status": "suspended"}})).await;
    assert_eq!(none["total"], 0);
}

/// Parallel status toggles by two admins: each change that happened is one version step and one
/// log entry, a lost race is "already so" (200) or the conflict naming who changed it (409),
/// and an account edit made meanwhile keeps its fields (only the status column is written).
#[tokio::test]
async fn parallel_status_changes_step_the_version_once_each_and_keep_other_edits() {
    let app = TestApp::spawn().await;
    // Two sessions of account admins (two tabs, or two managers).
    let m = app.login("manager").await;
    let s = app.login("manager").await;
    let id = app.account_id("agent").await;
    let version = format!("SELECT CAST(version AS BIGINT) FROM account WHERE id = {id}");
    let v0 = app.count(&version).await;
    let logged = format!("SELECT COUNT(*) FROM operation_log WHERE target_id = {id} AND detail LIKE '%status%'");
    let logs0 = app.count(&logged).await;
    let calls = (0..24).map(|i| {
        let mut c = if i % 2 == 0 { m.clone() } else { s.clone() };
        let status = if i % 3 == 0 { "active" } else { "suspended" };
        async move { c.call("admin/accounts/status", json!({"id": id, "status": status})).await }
    });
    let results = futures_util::future::join_all(calls).await;
    for (status, body) in &results {
        assert!(matches!(*status, StatusCode::OK | StatusCode::CONFLICT), "{status} {body}");
    }
    let steps = app.count(&version).await - v0;
    assert!(steps >= 1, "at least the first suspension happened");
    assert_eq!(app.count(&logged).await - logs0, steps, "one log entry per version step");

    // An edit of the name in between is not undone by a status change.
    app.exec(&format!("UPDATE account SET name = '张坐席改' WHERE id = {id}")).await;
    let mut m = m;
    let target = if app.text(&format!("SELECT status FROM account WHERE id = {id}")).await == "active" {
        "suspended"
    } else {
        "active"
    };
    assert_eq!(m.call("admin/accounts/status", json!({"id": id, "status": target})).await.0, StatusCode::OK);
    assert_eq!(app.text(&format!("SELECT name FROM account WHERE id = {id}")).await, "张坐席改");
}
