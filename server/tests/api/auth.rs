//! Login (captcha, wrong password, lock-out and its expiry, suspension, IP throttling),
//! sessions, logout and password change.
use app::state::Settings;
use http::StatusCode;
use serde_json::json;

use crate::common::{PW, TestApp, field_error, rejected};

#[tokio::test]
async fn login_succeeds_sets_an_http_only_strict_cookie_and_logs_it() {
    let app = TestApp::spawn().await;
    let mut c = app.client();
    let (status, body) = c.login("Manager", PW).await; // login IDs are case-insensitive
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["must_change_password"], false);
    let (_, me) = c.call("auth/me", json!({})).await;
    assert_eq!(me["admin_id"], "manager");
    assert_eq!(me["org_name"], "客服部");
    assert_eq!(me["role_name_zh"], "公司客服经理");
    assert_eq!(app.count("SELECT COUNT(*) FROM login_log WHERE result = 'success'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM operation_log WHERE action = 'login' AND ip = '10.0.0.1'").await, 1);
    // The session is stored as a digest only.
    let token = c.cookie.clone().unwrap().trim_start_matches("crm_session=").to_string();
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM user_session WHERE id = '{token}'")).await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM user_session").await, 1);
}

#[tokio::test]
async fn cookie_attributes() {
    let app = TestApp::spawn().await;
    let req = http::Request::builder()
        .method("POST")
        .uri("/api/auth/login")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            json!({"input": {"admin_id": "agent", "password": PW, "captcha_id": "", "captcha_answer": ""}}).to_string(),
        ))
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"), "{cookie}");
}

#[tokio::test]
async fn wrong_password_keeps_no_session_and_names_no_account() {
    let app = TestApp::spawn().await;
    let mut c = app.client();
    let (status, body) = c.login("agent", "wrong-pass1").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(rejected(&body), "管理员ID或密码错误");
    assert!(c.cookie.is_none());
    let (_, unknown) = c.login("nobody", "wrong-pass1").await;
    assert_eq!(rejected(&unknown), "管理员ID或密码错误", "unknown accounts get the same message");
    assert_eq!(app.count("SELECT COUNT(*) FROM login_log WHERE result = 'bad_password'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM login_log WHERE result = 'unknown_account'").await, 1);
    let (status, _) = c.call("auth/me", json!({})).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn empty_fields_are_named() {
    let app = TestApp::spawn().await;
    let mut c = app.client();
    let (status, body) = c.login("", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&body, "admin_id").is_some());
    assert!(field_error(&body, "password").is_some());
}

#[tokio::test]
async fn captcha_is_required_single_use_and_checked() {
    let app = TestApp::with(Settings::default()).await; // captcha on
    let mut c = app.client();
    let (status, captcha) = c.call("auth/captcha", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(captcha["image"].as_str().unwrap().starts_with("data:image/png;base64,"));
    let id = captcha["id"].as_str().unwrap().to_string();

    let (status, body) = c.login("agent", PW).await; // no answer
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&body, "captcha").is_some());

    let (_, body) = c
        .call(
            "auth/login",
            json!({"input": {"admin_id": "agent", "password": PW, "captcha_id": id, "captcha_answer": "zzzz"}}),
        )
        .await;
    assert_eq!(field_error(&body, "captcha").as_deref(), Some("验证码错误,请重新输入"));
    assert_eq!(app.count("SELECT COUNT(*) FROM captcha_challenge").await, 0, "a challenge is used up by any attempt");

    // A known challenge (stored as the digest of its lower-cased answer) lets the user in.
    let digest = app::auth::token::sha256_hex("k7mp");
    let expires = app.sql_now_plus_minutes(5);
    app.exec(&format!(
        "INSERT INTO captcha_challenge (id, answer_hash, expires_at) VALUES ('known', '{digest}', {expires})"
    ))
    .await;
    let (status, body) = c
        .call(
            "auth/login",
            json!({"input": {"admin_id": "agent", "password": PW, "captcha_id": "known", "captcha_answer": " K7MP "}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The same challenge cannot be replayed.
    let mut other = app.client();
    let (_, body) = other
        .call(
            "auth/login",
            json!({"input": {"admin_id": "agent", "password": PW, "captcha_id": "known", "captcha_answer": "k7mp"}}),
        )
        .await;
    assert!(field_error(&body, "captcha").is_some());
}

#[tokio::test]
async fn five_failures_lock_the_account_for_fifteen_minutes_then_it_unlocks() {
    let app = TestApp::spawn().await;
    let mut c = app.client();
    for i in 1..=4 {
        let (_, body) = c.login("agent", "bad-pass1").await;
        assert_eq!(rejected(&body), "管理员ID或密码错误", "attempt {i}");
    }
    let (_, body) = c.login("agent", "bad-pass1").await;
    assert_eq!(rejected(&body), "登录失败次数过多,请15分钟后再试");
    // Even the right password is refused while locked.
    let (status, body) = c.login("agent", PW).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(rejected(&body), "登录失败次数过多,请15分钟后再试");
    assert_eq!(app.count("SELECT COUNT(*) FROM login_log WHERE result = 'locked'").await, 1);
    // Fifteen minutes later (moved into the past here) the lock has expired.
    let past = app.sql_now_plus_minutes(-1);
    app.exec(&format!("UPDATE account SET locked_until = {past} WHERE admin_id = 'agent'")).await;
    let (status, body) = c.login("agent", PW).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM account WHERE admin_id = 'agent' AND locked_until IS NULL AND failed_login_count = 0"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn attempts_are_throttled_per_ip() {
    let app = TestApp::with(Settings { captcha_enabled: false, ip_max_failures: 3, ..Settings::default() }).await;
    let mut c = app.client();
    for who in ["a1", "a2", "a3"] {
        c.login(who, "whatever1").await;
    }
    let (_, body) = c.login("manager", PW).await;
    assert_eq!(rejected(&body), "尝试过于频繁,请稍后再试");
    let mut elsewhere = app.client();
    elsewhere.ip = "10.0.0.2".parse().unwrap();
    let (status, _) = elsewhere.login("manager", PW).await;
    assert_eq!(status, StatusCode::OK, "another address is not affected");
}

#[tokio::test]
async fn suspended_accounts_cannot_log_in_and_lose_their_sessions() {
    let app = TestApp::spawn().await;
    let mut agent = app.login("agent").await;
    let mut manager = app.login("manager").await;
    let id = app.account_id("agent").await;
    let (status, body) = manager.call("admin/accounts/status", json!({"id": id, "status": "suspended"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The open session is revoked at once.
    let (_, me) = agent.call("auth/me", json!({})).await;
    assert!(me.is_null(), "{me}");
    let (status, body) = app.client().login("agent", PW).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(rejected(&body), "账号已悬挂,请联系公司客服");
    assert_eq!(app.count("SELECT COUNT(*) FROM login_log WHERE result = 'suspended'").await, 1);
    // Reactivated, it can log in again.
    manager.call("admin/accounts/status", json!({"id": id, "status": "active"})).await;
    assert_eq!(app.client().login("agent", PW).await.0, StatusCode::OK);
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let app = TestApp::spawn().await;
    let mut c = app.login("qa").await;
    let stolen = c.cookie.clone();
    let (status, _) = c.call("auth/logout", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(c.cookie.is_none(), "the cookie is expired");
    let mut replay = app.client();
    replay.cookie = stolen;
    let (_, me) = replay.call("auth/me", json!({})).await;
    assert!(me.is_null(), "a logged-out session cannot be reused");
    assert_eq!(app.count("SELECT COUNT(*) FROM operation_log WHERE action = 'logout'").await, 1);
}

#[tokio::test]
async fn a_new_login_rotates_the_session_id() {
    let app = TestApp::spawn().await;
    let mut c = app.login("qa").await;
    let first = c.cookie.clone();
    c.login("qa", PW).await;
    assert_ne!(c.cookie, first);
    let mut old = app.client();
    old.cookie = first;
    assert!(old.call("auth/me", json!({})).await.1.is_null(), "the session before login is revoked");
}

#[tokio::test]
async fn idle_sessions_expire() {
    let app = TestApp::spawn().await;
    let mut c = app.login("qa").await;
    let past = app.sql_now_plus_minutes(-31);
    app.exec(&format!("UPDATE user_session SET last_seen_at = {past}")).await;
    let (status, body) = c.call("admin/logs/list", json!({"filter": {}})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn password_change_checks_old_password_and_rule_and_signs_out_other_sessions() {
    let app = TestApp::spawn().await;
    let mut c = app.login("gz_rep").await;
    let mut other_device = app.login("gz_rep").await;
    let change = |old: &str, new: &str, confirm: &str| json!({"input": {"old_password": old, "new_password": new, "confirm_password": confirm}});
    let (status, body) = c.call("auth/password", change("nope", "abcd1234", "abcd1234")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&body, "old_password").as_deref(), Some("原密码不正确"));
    let (_, body) = c.call("auth/password", change(PW, "short1", "short1")).await;
    assert!(field_error(&body, "new_password").unwrap().contains("8"));
    let (_, body) = c.call("auth/password", change(PW, "abcdefgh", "abcdefgh")).await;
    assert!(field_error(&body, "new_password").unwrap().contains("字母和数字"));
    let (_, body) = c.call("auth/password", change(PW, "abcd1234", "abcd1235")).await;
    assert!(field_error(&body, "confirm_password").is_some());

    let (status, body) = c.call("auth/password", change(PW, "NewPass2026", "NewPass2026")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!c.call("auth/me", json!({})).await.1.is_null(), "this session stays");
    assert!(other_device.call("auth/me", json!({})).await.1.is_null(), "other sessions are signed out");
    assert_eq!(app.client().login("gz_rep", PW).await.0, StatusCode::CONFLICT);
    assert_eq!(app.client().login("gz_rep", "NewPass2026").await.0, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM operation_log WHERE action = 'password'").await, 1);
}

#[tokio::test]
async fn an_initial_password_must_be_changed_before_anything_else() {
    let app = TestApp::spawn().await;
    app.exec("UPDATE account SET must_change_password = true WHERE admin_id = 'supervisor'").await;
    let mut c = app.client();
    let (_, body) = c.login("supervisor", PW).await;
    assert_eq!(body["must_change_password"], true);
    let (status, body) = c.call("admin/logs/list", json!({"filter": {}})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(rejected(&body), "请先修改初始密码");
    let (status, _) = c
        .call(
            "auth/password",
            json!({"input": {"old_password": PW, "new_password": "Fresh2026x", "confirm_password": "Fresh2026x"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(c.call("admin/logs/list", json!({"filter": {}})).await.0, StatusCode::OK);
}

#[tokio::test]
async fn pages_redirect_to_login_without_a_session_and_render_with_one() {
    let app = TestApp::spawn().await;
    let mut anon = app.client();
    let (status, body) = anon.get("/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("管理员ID") && body.contains("lang=\"zh-CN\""));
    let (status, location) = anon.get("/admin/accounts").await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(location, "/login?next=%2Fadmin%2Faccounts");
    // A deep link with filters, a lazily loaded page: a real redirect that keeps the link.
    let (status, location) = anon.get("/query/member-services?company=%E7%A7%91%E6%8A%80&level=gold").await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(
        location,
        "/login?next=%2Fquery%2Fmember-services%3Fcompany%3D%25E7%25A7%2591%25E6%258A%2580%26level%3Dgold"
    );
    assert_eq!(anon.get("/").await, (StatusCode::FOUND, "/login".to_string()));
    // A stale cookie is no session.
    anon.cookie = Some("crm_session=stale".into());
    assert_eq!(anon.get("/reviews").await, (StatusCode::FOUND, "/login?next=%2Freviews".to_string()));
    let mut manager = app.login("manager").await;
    let (status, body) = manager.get("/admin/accounts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("gz_rep") && body.contains("管理员管理"), "SSR renders the list");
    let (status, _) = manager.get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = TestApp::spawn().await;
    let c = app.login("manager").await;
    for (h, v) in [("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")] {
        let req = http::Request::builder()
            .method("POST")
            .uri("/api/admin/accounts/status")
            .header("host", "crm.test")
            .header("content-type", "application/json")
            .header("cookie", c.cookie.clone().unwrap())
            .header(h, v)
            .body(axum::body::Body::from(json!({"id": 1, "status": "suspended"}).to_string()))
            .unwrap();
        let res = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{h}: {v}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM account WHERE status = 'suspended'").await, 0);
}

/// The page registry is the one guard of the pages: for every demo account and every page,
/// the server-rendered page answers 403 exactly when the registry refuses the account, and
/// the menu lists exactly the pages it may open. (Run beside the whole suite, this also showed
/// that building another router while a page renders made that render wait forever: see
/// `server::route_list`.)
#[tokio::test]
async fn every_page_is_guarded_and_listed_by_the_registry() {
    let app = TestApp::spawn().await;
    for (login, ..) in app::seed::DEMO_ACCOUNTS {
        let user = app.signed_in(login).await.to_session_user();
        let mut c = app.login(login).await;
        let (status, home) = c.get("/").await;
        assert_eq!(status, StatusCode::OK, "{login}");
        let menu = home.split("data-testid=\"menu\"").nth(1).and_then(|m| m.split("</nav>").next()).unwrap_or_default();
        // Whatever the role, the review centre is open (PG-73).
        assert!(menu.contains("href=\"/reviews\""), "{login}");
        for page in app::routes::PAGES {
            let allowed = page.allows(&user);
            if page.menu.is_some() {
                let listed = menu.contains(&format!("href=\"{}\"", page.path));
                assert_eq!(listed, allowed, "{login}: menu entry {}", page.path);
            }
            let (status, body) = c.get(&page.path.replace(":id", "1")).await;
            assert_eq!(status == StatusCode::FORBIDDEN, !allowed, "{login} {} → {status}", page.path);
            assert_eq!(body.contains("data-testid=\"forbidden\""), !allowed, "{login} {}", page.path);
        }
    }
}
