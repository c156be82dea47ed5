//! The permission matrix: every server function of the foundation called by every demo role,
//! asserting allow or deny. Expectations come from SPEC §7.2, independently of data/*.csv.
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::TestApp;

pub const ROLES: [&str; 8] = ["manager", "supervisor", "agent", "qa", "gz_rep", "sh_rep", "biz_tech", "biz_buyer"];

/// Which demo accounts hold a permission by default (SPEC §7.2).
fn holders(perm: &str) -> &'static [&'static str] {
    match perm {
        "add_admin" | "role_mgmt" | "orgs" => &["manager"],
        "admin_mgmt" | "logs" => &["manager", "supervisor"],
        "login" | "change_password" | "member_query" => &ROLES,
        "published_query" | "push_query" => &["manager", "supervisor", "agent", "qa", "gz_rep", "sh_rep"],
        "sync" => &["manager"],
        "archive" => &["manager", "supervisor", "agent", "gz_rep", "sh_rep", "biz_tech", "biz_buyer"],
        "intake" | "callback" => &["manager", "supervisor", "agent", "gz_rep", "sh_rep"],
        "dept_inbox" => &["biz_tech", "biz_buyer"],
        "settings" | "templates" => &["manager"],
        "email" => &["manager", "supervisor", "agent", "gz_rep", "sh_rep"],
        "rep_submit" => &["gz_rep", "sh_rep"],
        "rep_process" => &["manager", "supervisor", "agent"],
        "tasks" => &ROLES,
        "qa" => &["manager", "supervisor", "qa"],
        "fulfilment" => &["manager", "supervisor", "agent", "qa", "gz_rep", "sh_rep"],
        "fulfilment_mark" => &["manager", "supervisor", "agent"],
        "fulfilment_config" | "biz_info" => &["manager"],
        "kb" => &ROLES,
        "kb_edit" => &["manager", "supervisor"],
        "reports" => &["manager", "supervisor", "qa", "gz_rep", "sh_rep"],
        "report_all" => &["manager", "supervisor", "gz_rep", "sh_rep"],
        "churn" => &["manager", "supervisor", "agent", "gz_rep", "sh_rep"],
        "churn_run" => &["manager", "supervisor"],
        "stats" => &ROLES,
        "stats_team" => &["manager", "supervisor", "gz_rep", "sh_rep"],
        "analysis" => &["manager", "supervisor"],
        other => panic!("no expectation for {other}"),
    }
}

/// (endpoint, body, permissions any of which allows the call): every server function but the
/// five of the login flow (see `initial_password::LOGIN_FLOW`).
pub fn calls(target: i64) -> Vec<(&'static str, Value, &'static [&'static str])> {
    vec![
        ("admin/accounts/list", json!({"filter": {}}), &["admin_mgmt", "add_admin"]),
        ("admin/accounts/options", json!({}), &["add_admin", "admin_mgmt", "role_mgmt"]),
        ("admin/accounts/get", json!({"id": target}), &["admin_mgmt", "add_admin"]),
        // Invalid input: allowed callers get a validation error, never a write.
        (
            "admin/accounts/create",
            json!({"input": {"admin_id": "", "name": "", "email": "", "phone": "", "status": "active", "role_category": "CompanyCsAdmin", "role_id": null, "organization_id": null, "password": "", "password_confirm": "", "review_exempt": false, "can_review": false, "must_change_password": true}}),
            &["add_admin"],
        ),
        (
            "admin/accounts/update",
            json!({"id": target, "version": 1, "input": {"admin_id": "x", "name": "", "email": "", "phone": "", "status": "active", "role_category": "CompanyCsAdmin", "role_id": null, "organization_id": null, "password": "", "password_confirm": "", "review_exempt": false, "can_review": false, "must_change_password": false}}),
            &["add_admin"],
        ),
        ("admin/accounts/status", json!({"id": target, "status": "bogus"}), &["add_admin"]),
        ("admin/permissions/tree", json!({}), &["role_mgmt"]),
        ("admin/roles/list", json!({}), &["role_mgmt"]),
        (
            "admin/roles/save",
            json!({"input": {"id": null, "version": 0, "name": "", "role_category": "CompanyCsAdmin", "data_scope": "All", "description": "", "permissions": []}}),
            &["role_mgmt"],
        ),
        ("admin/accounts/permissions", json!({"id": target}), &["role_mgmt"]),
        (
            "admin/accounts/permissions/save",
            json!({"id": target, "role_id": 999999, "version": 1, "permissions": null}),
            &["role_mgmt"],
        ),
        ("admin/orgs/list", json!({}), &["orgs", "add_admin", "admin_mgmt"]),
        (
            "admin/orgs/save",
            json!({"input": {"id": null, "version": 0, "code": "", "name": "", "org_type": "rep_office", "department_kind": null, "region_id": null, "address": "", "phone": "", "contact_person": "", "email": "", "region_ids": []}}),
            &["orgs"],
        ),
        ("admin/orgs/active", json!({"id": 999999, "active": false}), &["orgs"]),
        ("dict/regions", json!({"parent": null}), &["login"]),
        ("dict/tree", json!({"kind": "industry", "parent": null}), &["login"]),
        ("members/services", json!({"filter": {}}), &["member_query"]),
        ("members/services/count", json!({"filter": {"level": "gold"}}), &["member_query"]),
        ("members/choices", json!({}), &["member_query", "published_query", "push_query", "callback"]),
        ("members/detail", json!({"id": 999_999}), &["member_query"]),
        ("members/record", json!({"id": 999_999}), &["member_query"]),
        ("members/published", json!({"filter": {}}), &["published_query"]),
        ("members/pushes", json!({"filter": {}}), &["push_query"]),
        ("sync/runs", json!({"page": 1}), &["sync"]),
        ("archive/options", json!({}), &["archive"]),
        (
            "archive/save",
            json!({"existing": null, "submit": true, "acknowledge": false, "input": {"company_name": "", "contact_name": "", "phone_mobile": "", "phone_fixed": "", "registered_email": "", "login_name": "", "region": [null, null, null], "address": "", "industry": [null, null, null], "enterprise_category": "", "organization_id": null, "info_source": "admin_entered", "remarks": "", "approver_id": null, "duplicate_reason": ""}}),
            &["archive"],
        ),
        ("archive/load", json!({"id": 999_999}), &["archive"]),
        ("archive/list", json!({"filter": {}}), &["archive"]),
        ("archive/delete", json!({"id": 999_999}), &["archive"]),
        ("reviews/list", json!({"filter": {}}), &["login"]),
        ("reviews/pending", json!({}), &["login"]),
        ("reviews/decide", json!({"id": 999_999, "approve": true, "comment": "", "reject_rows": []}), &["login"]),
        ("imports/recent", json!({}), &["archive"]),
        ("imports/view", json!({"id": 999_999}), &["login"]),
        ("imports/rows", json!({"id": 999_999, "status": "", "page": 1, "per_page": 50}), &["login"]),
        (
            "imports/commit",
            json!({"id": 999_999, "approver_id": null, "with_duplicates": false, "reason": ""}),
            &["archive"],
        ),
        ("imports/undo", json!({"id": 999_999}), &["archive"]),
        ("exports/start", json!({"kind": "member_services", "query": "", "format": "bogus"}), &["login"]),
        ("jobs/status", json!({"id": "nope"}), &["login"]),
        ("admin/logs/list", json!({"filter": {}}), &["logs", "admin_mgmt"]),
        ("admin/logs/logins", json!({"filter": {}}), &["logs", "admin_mgmt"]),
        ("me/operations", json!({}), &["login"]),
        ("requests/options", json!({}), &["intake"]),
        ("requests/callers", json!({"typed": "测试公司"}), &["intake"]),
        ("requests/caller", json!({"id": 999_999}), &["intake"]),
        ("requests/non-members", json!({"mobile": "", "phone": "", "company": ""}), &["intake"]),
        // Invalid input: a validation error, never a write.
        (
            "requests/intake",
            json!({"input": {"customer_type": "member", "customer_id": null, "caller_name": "", "contact_mobile": "", "contact_phone": "", "region": [null, null, null], "company_name": "", "channel": "phone", "request_type": null, "content": "", "handling_org_id": null, "result": "", "priority": "normal", "agent_id": null, "action": "Save"}}),
            &["intake"],
        ),
        ("requests/list", json!({"filter": {}}), &["intake"]),
        ("requests/todo", json!({}), &["intake", "dept_inbox", "tasks"]),
        ("requests/inbox", json!({"filter": {}}), &["dept_inbox"]),
        ("requests/get", json!({"id": 999_999}), &["intake", "dept_inbox"]),
        (
            "requests/act",
            json!({"input": {"id": 999_999, "version": 1, "action": "Accept", "text": "", "handling_org_id": null}}),
            &["intake", "dept_inbox"],
        ),
        ("rep-needs/submit", json!({"input": {"content": "", "customer_id": null}}), &["rep_submit"]),
        ("rep-needs/mine", json!({"filter": {}}), &["rep_submit"]),
        ("rep-needs/queue", json!({"filter": {}}), &["rep_process"]),
        ("rep-needs/inbox", json!({"filter": {}}), &["dept_inbox"]),
        ("rep-needs/get", json!({"id": 999_999}), &["rep_submit", "rep_process", "dept_inbox"]),
        (
            "rep-needs/act",
            json!({"input": {"id": 999_999, "version": 1, "action": "Accept", "text": "", "request_type": null, "handling_org_id": null}}),
            &["rep_submit", "rep_process", "dept_inbox"],
        ),
        ("tasks/options", json!({"related": null}), &["tasks"]),
        (
            "tasks/create",
            json!({"input": {"title": "", "description": "", "assignee_id": null, "priority": "normal", "due_at": "", "remind_at": "", "related": null}}),
            &["tasks"],
        ),
        ("tasks/list", json!({"filter": {}}), &["tasks"]),
        (
            "tasks/act",
            json!({"input": {"id": 999_999, "version": 1, "action": "Start", "note": "", "assignee_id": null}}),
            &["tasks"],
        ),
        ("exports/start", json!({"kind": "requests", "query": "state=bogus", "format": "xlsx"}), &["intake"]),
        ("exports/start", json!({"kind": "callbacks", "query": "idle=bogus", "format": "csv"}), &["callback"]),
        ("callbacks/list", json!({"filter": {}}), &["callback"]),
        ("callbacks/form", json!({"customer": 999_999}), &["callback"]),
        (
            "callbacks/save",
            json!({"input": {"customer_id": 999_999, "content": "", "reach": "", "contact_name": "", "phone_called": "", "feedback": "", "satisfaction": "", "callback_at": "", "next_at": "", "next_note": "", "task_id": null}}),
            &["callback"],
        ),
        ("emails/options", json!({}), &["email"]),
        ("emails/recipients", json!({"recipients": {"filter": {}}, "kind": ""}), &["email"]),
        (
            "emails/preview",
            json!({"input": {"draft_id": null, "kind": "", "template_id": null, "subject": "", "body_html": "", "recipients": {"filter": {}}, "attachment_ids": []}}),
            &["email"],
        ),
        (
            "emails/save",
            json!({"input": {"draft_id": null, "kind": "", "template_id": null, "subject": "", "body_html": "", "recipients": {"filter": {}}, "attachment_ids": []}, "send": true}),
            &["email"],
        ),
        ("emails/draft", json!({"id": 999_999}), &["email"]),
        ("emails/batches", json!({"filter": {}}), &["email"]),
        ("emails/batch", json!({"id": 999_999, "status": "", "page": 1}), &["email"]),
        ("emails/resend", json!({"id": 999_999}), &["email"]),
        ("email-templates/list", json!({}), &["templates"]),
        (
            "email-templates/save",
            json!({"input": {"id": null, "name": "", "kind": "", "subject": "", "body_html": "", "is_active": true, "version": 0}}),
            &["templates"],
        ),
        ("email-templates/delete", json!({"id": 999_999, "version": 1}), &["templates"]),
        (
            "email-templates/preview",
            json!({"input": {"id": null, "name": "", "kind": "", "subject": "", "body_html": "", "is_active": true, "version": 0}}),
            &["templates"],
        ),
        ("settings/mail", json!({}), &["settings"]),
        (
            "settings/mail/save",
            json!({"input": {"host": "", "port": "", "tls": "", "user": "", "password": "", "from_address": "", "from_name": "", "batch_max": "", "rate_per_minute": ""}}),
            &["settings"],
        ),
        ("care/page", json!({}), &["settings"]),
        (
            "care/save",
            json!({"input": {"id": null, "name": "", "trigger": "", "offset_days": "", "member_levels": [],
                "callback_content": "", "assign_to": "", "enabled": true, "version": 0}}),
            &["settings"],
        ),
        ("care/delete", json!({"id": 999_999, "version": 1}), &["settings"]),
        ("care/run", json!({"day": "2000-01-01"}), &["settings"]),
        ("qa/options", json!({}), &["qa"]),
        ("qa/list", json!({"filter": {}}), &["qa"]),
        // Invalid input: a validation error (or not found), never a write.
        ("qa/sample", json!({"filter": {}, "input": {"count": 0}}), &["qa"]),
        ("qa/get", json!({"id": 999_999}), &["qa"]),
        ("qa/save", json!({"input": {"request_id": 999_999, "result": null, "remark": ""}}), &["qa"]),
        ("qa/report", json!({"filter": {}}), &["qa"]),
        ("exports/start", json!({"kind": "qa", "query": "qa=bogus", "format": "xlsx"}), &["qa"]),
        ("exports/start", json!({"kind": "qa_report", "query": "result=bogus", "format": "xlsx"}), &["qa"]),
        ("fulfilment/list", json!({"filter": {}}), &["fulfilment"]),
        ("fulfilment/track", json!({"customer": 999_999, "year": null}), &["fulfilment"]),
        (
            "fulfilment/act",
            json!({"action": {"item_id": 999_999, "version": 1, "action": "mark_done", "quantity": null, "remark": "",
                "reason": ""}}),
            &["fulfilment_mark"],
        ),
        (
            "fulfilment/match",
            json!({"input": {"customer_id": 999_999, "title": "", "counterpart_company": "", "counterpart_contact": "",
                "content": "", "provided_at": ""}}),
            &["fulfilment_mark", "biz_info"],
        ),
        ("fulfilment/matching", json!({"filter": {}}), &["fulfilment_mark", "biz_info"]),
        ("fulfilment/matches", json!({"customer": 999_999}), &["fulfilment_mark", "biz_info"]),
        ("fulfilment/scheme", json!({}), &["fulfilment_config"]),
        (
            "fulfilment/scheme/save",
            json!({"input": {"base_version": 0, "levels": [], "effective_from": "", "apply_to": "", "note": ""}}),
            &["fulfilment_config"],
        ),
        ("exports/start", json!({"kind": "fulfilment", "query": "status=bogus", "format": "xlsx"}), &["fulfilment"]),
        ("kb/home", json!({}), &["kb"]),
        ("kb/category", json!({"id": 999_999, "page": 1}), &["kb"]),
        ("kb/search", json!({"input": {"q": "续费", "page": 1, "panel": false}}), &["kb"]),
        ("kb/suggest", json!({"text": "会员想续费"}), &["kb"]),
        ("kb/article", json!({"id": 999_999}), &["kb"]),
        ("kb/manage/list", json!({"filter": {}}), &["kb_edit"]),
        ("kb/manage/options", json!({}), &["kb_edit"]),
        ("kb/edit", json!({"id": 999_999, "category": null}), &["kb_edit"]),
        // Invalid input: a validation error (or not found), never a write.
        ("kb/save", json!({"input": {"title": "", "content_html": ""}}), &["kb_edit"]),
        ("kb/status", json!({"input": {"id": 999_999, "version": 1, "status": "published"}}), &["kb_edit"]),
        ("kb/delete", json!({"id": 999_999, "version": 1}), &["kb_edit"]),
        ("kb/revision/diff", json!({"id": 999_999, "version": 1}), &["kb_edit"]),
        ("kb/revision/restore", json!({"input": {"id": 999_999, "version": 1, "current": 1}}), &["kb_edit"]),
        ("kb/category/save", json!({"input": {"title": ""}}), &["kb_edit"]),
        ("kb/category/move", json!({"id": 999_999, "up": true}), &["kb_edit"]),
        ("kb/category/delete", json!({"id": 999_999}), &["kb_edit"]),
        ("kb/zero-results", json!({"days": 30}), &["kb_edit"]),
        ("kb/import", json!({"input": {"key": "", "status": "draft"}}), &["kb_edit"]),
        ("reports/options", json!({}), &["reports"]),
        ("reports/run", json!({"filter": {"kind": "request_type", "preset": "this_month"}}), &["reports"]),
        ("reports/run", json!({"filter": {"kind": "member_count", "preset": "this_month"}}), &["report_all"]),
        (
            "exports/start",
            json!({"kind": "report", "query": "kind=request_type&preset=bogus", "format": "xlsx"}),
            &["reports"],
        ),
        ("stats/options", json!({"analysis": false}), &["stats"]),
        ("stats/options", json!({"analysis": true}), &["analysis"]),
        ("stats/run", json!({"filter": {"item": "requests", "preset": "today"}}), &["stats_team"]),
        ("stats/run", json!({"filter": {"item": "agent_work", "area": "workload", "preset": "today"}}), &["analysis"]),
        (
            "exports/start",
            json!({"kind": "stats", "query": "item=composition&area=customers&preset=bogus", "format": "xlsx"}),
            &["analysis"],
        ),
        ("churn/list", json!({"filter": {}}), &["churn"]),
        ("churn/options", json!({}), &["churn"]),
        ("churn/handle", json!({"input": {"id": 999_999, "version": 1, "action": "follow", "note": ""}}), &["churn"]),
        ("churn/rules", json!({}), &["settings"]),
        ("churn/run", json!({"day": "2000-01-01"}), &["churn_run"]),
        (
            "churn/rules/save",
            json!({"rules": [{"code": "EXPIRED", "name": "", "enabled": true, "threshold": 5, "score": 1, "version": 1}]}),
            &["settings"],
        ),
        ("calendar/get", json!({"year": 2026}), &["settings"]),
        ("calendar/week", json!({"week": []}), &["settings"]),
        ("calendar/day", json!({"day": {"day": "", "kind": "holiday", "name": ""}}), &["settings"]),
        ("calendar/day/delete", json!({"day": "1999-01-01"}), &["settings"]),
        ("messages/unread", json!({}), &["login"]),
        ("messages/list", json!({"filter": {}}), &["login"]),
        ("messages/read", json!({"ids": []}), &["login"]),
        (
            "auth/password",
            json!({"input": {"old_password": "", "new_password": "", "confirm_password": ""}}),
            &["change_password"],
        ),
    ]
}

#[tokio::test]
async fn every_function_allows_exactly_the_roles_of_the_spec() {
    let app = TestApp::spawn().await;
    let target = app.account_id("qa").await;
    let mut failures = vec![];
    for who in ROLES {
        let mut c = app.login(who).await;
        for (endpoint, body, perms) in calls(target) {
            let allowed = perms.iter().any(|p| holders(p).contains(&who));
            let (status, resp) = c.call(endpoint, body).await;
            let denied = status == StatusCode::FORBIDDEN || status == StatusCode::UNAUTHORIZED;
            if allowed == denied {
                failures.push(format!(
                    "{who} → {endpoint}: expected {}, got {status} {resp}",
                    if allowed { "allow" } else { "deny" }
                ));
            }
            if denied {
                assert_eq!(resp, json!("Forbidden"), "{who} → {endpoint}");
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Nothing was written by the refused or invalid calls.
    assert_eq!(app.count("SELECT COUNT(*) FROM account").await, 8);
    assert_eq!(app.count("SELECT COUNT(*) FROM operation_log WHERE action <> 'login'").await, 0);
}

#[tokio::test]
async fn anonymous_callers_are_unauthenticated_everywhere() {
    let app = TestApp::spawn().await;
    let mut anon = app.client();
    for (endpoint, body, _) in calls(1) {
        let (status, resp) = anon.call(endpoint, body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{endpoint}: {resp}");
    }
    let (status, me) = anon.call("auth/me", json!({})).await;
    assert_eq!((status, me), (StatusCode::OK, Value::Null));
}

#[tokio::test]
async fn menus_follow_the_permissions_of_each_role() {
    let app = TestApp::spawn().await;
    for (who, expect) in [
        ("manager", vec!["cs_mgmt.sys_perm.add_admin", "cs_mgmt.sys_perm.role_mgmt", "system.orgs", "system.logs"]),
        ("supervisor", vec!["cs_mgmt.sys_perm.admin_mgmt", "system.logs"]),
        ("biz_buyer", vec!["biz.buyer", "biz.dept_inbox"]),
        ("gz_rep", vec!["intake.rep_need.submit"]),
    ] {
        let mut c = app.login(who).await;
        let (_, me) = c.call("auth/me", json!({})).await;
        let perms: Vec<&str> = me["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
        for p in expect {
            assert!(perms.contains(&p), "{who} should hold {p}: {perms:?}");
        }
        if who != "manager" {
            assert!(
                !perms.iter().any(|p| p.starts_with("system.orgs") || *p == "cs_mgmt.sys_perm.add_admin"),
                "{who}: {perms:?}"
            );
        }
        if who == "biz_buyer" {
            assert!(
                !perms.contains(&"biz.info") && !perms.contains(&"biz.marketing"),
                "only the own department's node"
            );
        }
    }
}
