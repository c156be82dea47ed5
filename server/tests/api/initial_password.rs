//! An account whose password an administrator has reset can do nothing but replace it: every
//! server function and every file route refuses with 403 「请先修改初始密码」 until then, and
//! works right after the change. The server functions are those of the permission matrix,
//! which in turn must list every server function of the app.
use std::path::Path;

use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Client, PW, TestApp, csv, rejected};
use crate::matrix::calls;

/// What the login and password-change pages need: open to an account with an initial password.
pub const LOGIN_FLOW: [&str; 5] = ["auth/captcha", "auth/login", "auth/logout", "auth/me", "auth/password"];

const MUST_CHANGE: &str = "请先修改初始密码";

/// The file routes of `server/src/lib.rs` that take a session (method, path).
const FILE_ROUTES: [(&str, &str); 5] = [
    ("GET", "/download/nope"),
    ("GET", "/files/import-errors/999999"),
    ("POST", "/upload/archive-import?kind=customer&name=a.csv"),
    ("POST", "/upload/cm-sync?kind=members&name=a.csv"),
    ("POST", "/upload/email-attachment?name=a.pdf"),
];

async fn file_route(c: &mut Client, method: &str, path: &str) -> (StatusCode, Value) {
    if method == "POST" {
        return c.post_bytes(path, csv(&["※企业名称,客户姓名", "测试公司,张三"])).await;
    }
    let (status, bytes, _) = c.get_file(path).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// The manager resets `who`'s password to `new`, as 管理员管理 does.
async fn reset_password(app: &TestApp, who: &str, new: &str) {
    let mut m = app.login("manager").await;
    let id = app.account_id(who).await;
    let (_, d) = m.call("admin/accounts/get", json!({"id": id})).await;
    let mut input = d["input"].clone();
    input["password"] = json!(new);
    input["password_confirm"] = json!(new);
    let (status, body) =
        m.call("admin/accounts/update", json!({"id": id, "version": d["version"], "input": input})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_reset_password_must_be_changed_before_any_function_or_file_route() {
    let app = TestApp::spawn().await;
    reset_password(&app, "supervisor", "Reset2026x").await;
    let mut c = app.client();
    let (status, body) = c.login("supervisor", "Reset2026x").await;
    assert_eq!((status, &body["must_change_password"]), (StatusCode::OK, &json!(true)), "{body}");

    let target = app.account_id("qa").await;
    let mut slipped = vec![];
    for (endpoint, body, _) in calls(target).into_iter().filter(|c| c.0 != "auth/password") {
        let (status, resp) = c.call(endpoint, body).await;
        if status != StatusCode::FORBIDDEN || rejected(&resp) != MUST_CHANGE {
            slipped.push(format!("{endpoint}: {status} {resp}"));
        }
    }
    for (method, path) in FILE_ROUTES {
        let (status, resp) = file_route(&mut c, method, path).await;
        if status != StatusCode::FORBIDDEN || rejected(&resp) != MUST_CHANGE {
            slipped.push(format!("{method} {path}: {status} {resp}"));
        }
    }
    assert!(slipped.is_empty(), "answered before the password change:\n{}", slipped.join("\n"));
    assert_eq!(app.count("SELECT COUNT(*) FROM import_job").await, 0, "no upload was taken");

    // The password-change page still knows who is signed in, and the change works.
    let (status, me) = c.call("auth/me", json!({})).await;
    assert_eq!((status, &me["admin_id"]), (StatusCode::OK, &json!("supervisor")));
    let change = json!({"input": {"old_password": "Reset2026x", "new_password": "Fresh2026x", "confirm_password": "Fresh2026x"}});
    let (status, body) = c.call("auth/password", change).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Afterwards the same session gets answers.
    for (endpoint, body) in [
        ("reviews/pending", json!({})),
        ("dict/tree", json!({"kind": "industry", "parent": null})),
        ("dict/regions", json!({"parent": null})),
        ("me/operations", json!({})),
        ("members/services", json!({"filter": {}})),
    ] {
        let (status, resp) = c.call(endpoint, body).await;
        assert_eq!(status, StatusCode::OK, "{endpoint}: {resp}");
    }
    let (status, resp) =
        c.call("reviews/decide", json!({"id": 999_999, "approve": true, "comment": "", "reject_rows": []})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{resp}");
    assert_eq!(file_route(&mut c, "GET", "/download/nope").await.0, StatusCode::NOT_FOUND);
    let (status, job) = file_route(&mut c, "POST", FILE_ROUTES[2].1).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    c.wait_job(&job).await;
    // Logging out works in either state; a fresh login has nothing left to change.
    assert_eq!(c.call("auth/logout", json!({})).await.0, StatusCode::OK);
    let (_, body) = app.client().login("supervisor", "Fresh2026x").await;
    assert_eq!(body["must_change_password"], false);
    assert_eq!(app.client().login("supervisor", PW).await.0, StatusCode::CONFLICT);
}

#[tokio::test]
async fn logout_works_before_the_password_change() {
    let app = TestApp::spawn().await;
    reset_password(&app, "agent", "Reset2026x").await;
    let mut c = app.client();
    c.login("agent", "Reset2026x").await;
    let stolen = c.cookie.clone();
    assert_eq!(c.call("auth/logout", json!({})).await.0, StatusCode::OK);
    let mut replay = app.client();
    replay.cookie = stolen;
    assert!(replay.call("auth/me", json!({})).await.1.is_null(), "the session is revoked");
}

/// Every `#[server(endpoint = "…")]` under `dir`.
fn endpoints(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            endpoints(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for attr in text.split("#[server(").skip(1) {
                let ep = attr.split("endpoint = \"").nth(1).and_then(|r| r.split('"').next());
                out.push(ep.unwrap_or_else(|| panic!("a server function without endpoint in {path:?}")).to_string());
            }
        }
    }
}

/// The guards above are only as complete as the matrix: a new server function must be added
/// to `matrix::calls` (or, if the login flow itself needs it, to `LOGIN_FLOW`).
#[test]
fn every_server_function_is_in_the_permission_matrix() {
    let mut found = vec![];
    endpoints(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src"), &mut found);
    assert!(found.len() > 40, "{found:?}");
    let listed: Vec<&str> = calls(0).iter().map(|c| c.0).chain(LOGIN_FLOW.iter().copied()).collect();
    let missing: Vec<&String> = found.iter().filter(|e| !listed.contains(&e.as_str())).collect();
    assert!(missing.is_empty(), "server functions missing from matrix::calls: {missing:?}");
}
