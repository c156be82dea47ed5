//! Login under parallel requests, as an attacker sends them: the account lock-out, the
//! single-use captcha and the per-address throttle each hold exactly, not just one at a time.
use app::state::Settings;
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{PW, TestApp, field_error, rejected};

const LOCKED: &str = "登录失败次数过多,请15分钟后再试";
const THROTTLED: &str = "尝试过于频繁,请稍后再试";

/// `n` logins sent at once from one address, each with the input `input(i)`.
async fn parallel_logins(app: &TestApp, n: usize, input: impl Fn(usize) -> Value) -> Vec<(StatusCode, Value)> {
    let mut set = tokio::task::JoinSet::new();
    for i in 0..n {
        let mut c = app.client();
        let body = json!({ "input": input(i) });
        set.spawn(async move { c.call("auth/login", body).await });
    }
    set.join_all().await
}

fn login(admin_id: &str, password: &str, captcha_id: &str, answer: &str) -> Value {
    json!({"admin_id": admin_id, "password": password, "captcha_id": captcha_id, "captcha_answer": answer})
}

fn count(results: &[(StatusCode, Value)], f: impl Fn(&(StatusCode, Value)) -> bool) -> usize {
    results.iter().filter(|r| f(r)).count()
}

/// Stores a captcha challenge with a known answer (as the digest of its lower-cased answer).
async fn known_captcha(app: &TestApp, id: &str, answer: &str) {
    let digest = app::auth::token::sha256_hex(answer);
    let expires = app.sql_now_plus_minutes(5);
    app.exec(&format!(
        "INSERT INTO captcha_challenge (id, answer_hash, expires_at) VALUES ('{id}', '{digest}', {expires})"
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_parallel_wrong_passwords_check_five_and_lock_the_account() {
    let app = TestApp::with(Settings { captcha_enabled: false, ip_max_failures: 1000, ..Settings::default() }).await;
    let results = parallel_logins(&app, 50, |_| login("agent", "bad-pass1", "", "")).await;
    assert!(results.iter().all(|r| r.0 == StatusCode::CONFLICT), "{results:?}");
    assert_eq!(count(&results, |r| rejected(&r.1) == "管理员ID或密码错误"), 4, "{results:?}");
    assert_eq!(count(&results, |r| rejected(&r.1) == LOCKED), 46);
    // Exactly five passwords were checked; the other attempts met the lock.
    assert_eq!(app.count("SELECT COUNT(*) FROM login_log WHERE result = 'bad_password'").await, 5);
    assert_eq!(app.count("SELECT COUNT(*) FROM login_log WHERE result = 'locked'").await, 45);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM account WHERE admin_id = 'agent' AND failed_login_count = 5 AND locked_until IS NOT NULL"
        )
        .await,
        1
    );
    // The right password is refused while the lock lasts.
    let (status, body) = app.client().login("agent", PW).await;
    assert_eq!((status, rejected(&body)), (StatusCode::CONFLICT, LOCKED.to_string()));
    // Other accounts are not affected.
    assert_eq!(app.client().login("qa", PW).await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_solved_captcha_logs_in_exactly_once_among_fifty_parallel_requests() {
    let app = TestApp::with(Settings { ip_max_failures: 1000, ..Settings::default() }).await; // captcha on
    known_captcha(&app, "solved", "k7mp").await;
    let results = parallel_logins(&app, 50, |_| login("agent", PW, "solved", "k7mp")).await;
    assert_eq!(count(&results, |r| r.0 == StatusCode::OK), 1, "{results:?}");
    assert_eq!(
        count(&results, |r| r.0 == StatusCode::UNPROCESSABLE_ENTITY && field_error(&r.1, "captcha").is_some()),
        49
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM user_session").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM captcha_challenge").await, 0);

    // A wrong answer uses the challenge up too: of parallel wrong and right answers at most
    // one gets through, and only if a right answer came first.
    known_captcha(&app, "mixed", "k7mp").await;
    let results =
        parallel_logins(&app, 50, |i| login("agent", PW, "mixed", if i % 2 == 0 { "zzzz" } else { "k7mp" })).await;
    let ok = count(&results, |r| r.0 == StatusCode::OK);
    assert!(ok <= 1, "{results:?}");
    assert_eq!(ok + count(&results, |r| field_error(&r.1, "captcha").is_some()), 50);
    known_captcha(&app, "wrong_first", "k7mp").await;
    let mut c = app.client();
    assert!(
        field_error(
            &c.call("auth/login", json!({"input": login("agent", PW, "wrong_first", "zzzz")})).await.1,
            "captcha"
        )
        .is_some()
    );
    let (status, body) = c.call("auth/login", json!({"input": login("agent", PW, "wrong_first", "k7mp")})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_per_address_throttle_holds_under_parallel_requests() {
    let app = TestApp::with(Settings { captcha_enabled: false, ip_max_failures: 3, ..Settings::default() }).await;
    // Different (unknown) login IDs, so only the address limit applies.
    let results = parallel_logins(&app, 20, |i| login(&format!("nobody{i}"), "whatever1", "", "")).await;
    assert_eq!(count(&results, |r| rejected(&r.1) == "管理员ID或密码错误"), 3, "{results:?}");
    assert_eq!(count(&results, |r| rejected(&r.1) == THROTTLED), 17);
    assert_eq!(app.count("SELECT COUNT(*) FROM login_log WHERE result = 'unknown_account'").await, 3);
    assert_eq!(app.count("SELECT COUNT(*) FROM login_log WHERE result = 'throttled'").await, 17);
    // The address stays throttled, even for a right password; another address is not.
    let (_, body) = app.client().login("manager", PW).await;
    assert_eq!(rejected(&body), THROTTLED);
    let mut elsewhere = app.client();
    elsewhere.ip = "10.0.0.2".parse().unwrap();
    assert_eq!(elsewhere.login("manager", PW).await.0, StatusCode::OK);
}

#[tokio::test]
async fn successful_logins_do_not_count_against_the_address() {
    let app = TestApp::with(Settings { captcha_enabled: false, ip_max_failures: 3, ..Settings::default() }).await;
    for _ in 0..5 {
        assert_eq!(app.client().login("manager", PW).await.0, StatusCode::OK);
    }
    for who in ["a1", "a2"] {
        app.client().login(who, "whatever1").await;
    }
    assert_eq!(app.client().login("agent", PW).await.0, StatusCode::OK, "two failures, under the limit of three");
    app.client().login("a3", "whatever1").await;
    assert_eq!(rejected(&app.client().login("agent", PW).await.1), THROTTLED);
}

#[tokio::test]
async fn the_fifth_attempt_with_the_right_password_still_logs_in() {
    // The fifth attempt locks the account before its password is checked; a right password
    // lifts that lock again, so only five failures lock.
    let app = TestApp::spawn().await;
    for _ in 0..4 {
        assert_eq!(rejected(&app.client().login("agent", "bad-pass1").await.1), "管理员ID或密码错误");
    }
    let (status, body) = app.client().login("agent", PW).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let unlocked =
        "SELECT COUNT(*) FROM account WHERE admin_id = 'agent' AND failed_login_count = 0 AND locked_until IS NULL";
    assert_eq!(app.count(unlocked).await, 1);
    // A suspended account with the right password is refused without keeping a count.
    app.exec("UPDATE account SET status = 'suspended' WHERE admin_id = 'agent'").await;
    for _ in 0..6 {
        assert_eq!(rejected(&app.client().login("agent", PW).await.1), "账号已悬挂,请联系公司客服");
    }
    assert_eq!(app.count(unlocked).await, 1);
}
