//! The send queue survives the server being killed (`kill -9`) mid-batch: a real server
//! process sends to a slow loopback SMTP sink, is killed, and a new one finishes the batch.
//! Every recipient ends 已发送 or 发送失败 exactly once, the counts add up, each has one
//! 服务记录; a message in flight at the kill (at most 10) may reach the sink twice, with the same
//! Message-ID.
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use http::StatusCode;
use serde_json::json;

use crate::common::TestApp;
use crate::emails::{compose, with_sink};
use crate::members::with_members;

/// A server process on the test's database (its sender works the queue).
struct Server(Child);

impl Server {
    fn start(app: &TestApp, files: &std::path::Path) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_crm-server"))
            .env("DATABASE_URL", &app.db_url)
            .env("CRM_ADDR", "127.0.0.1:0")
            .env("CRM_DEMO", "0")
            .env("CRM_CAPTCHA", "off")
            .env("CRM_FILES_DIR", files)
            .env("CRM_SECRET_KEY", "test-secret-key-0123456789")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start crm-server");
        Server(child)
    }

    /// `kill -9`.
    fn kill(&mut self) {
        self.0.kill().expect("kill");
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn a_batch_survives_the_server_killed_mid_send() {
    let app = with_members(400).await;
    let sink = with_sink(&app).await;
    sink.slow(Duration::from_millis(40));
    let mut m = app.login("manager").await;
    let mut s = json!({"input": {"host": "127.0.0.1", "port": sink.port.to_string(), "tls": "none", "user": "",
        "password": "", "from_address": "service@chinasrc.test", "from_name": "客服", "batch_max": "5000",
        "rate_per_minute": "6000"}});
    let (status, v) = m.call("settings/mail/save", s.take()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let mut body = compose(json!({}), "info_push", "{企业名称} 周报", "<p>您好</p>");
    body["input"]["recipients"]["include_unpushed"] = json!(true);
    let (status, saved) = m.call("emails/save", body).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let batch = saved["id"].as_i64().unwrap();
    let n = saved["recipient_count"].as_i64().unwrap();
    assert!(n > 100, "{saved}");

    let files = std::env::temp_dir().join(format!("crm-kill-{}", std::process::id()));
    std::fs::create_dir_all(&files).unwrap();
    let mut first = Server::start(&app, &files);
    let t = Instant::now();
    while sink.count() < 30 {
        assert!(t.elapsed() < Duration::from_secs(60), "the first server sent {} in a minute", sink.count());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.kill();
    let at_kill = sink.count() as i64;
    assert!(at_kill < n, "killed before the end ({at_kill} of {n})");

    let _second = Server::start(&app, &files);
    let done = format!("SELECT COUNT(*) FROM email_batch WHERE id = {batch} AND status <> 'sending'");
    let t = Instant::now();
    while app.count(&done).await == 0 {
        assert!(t.elapsed() < Duration::from_secs(120), "the batch did not finish after the restart");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = std::fs::remove_dir_all(&files);

    let count = |sql: String| {
        let app = &app;
        async move { app.count(&sql).await }
    };
    let sent =
        count(format!("SELECT COUNT(*) FROM email_recipient WHERE batch_id = {batch} AND status = 'sent'")).await;
    let failed =
        count(format!("SELECT COUNT(*) FROM email_recipient WHERE batch_id = {batch} AND status = 'failed'")).await;
    assert_eq!(sent + failed, n, "every recipient has its outcome");
    assert_eq!(sent, n, "the sink accepted everything");
    assert_eq!(count(format!("SELECT CAST(sent_count AS BIGINT) FROM email_batch WHERE id = {batch}")).await, sent);
    assert_eq!(count(format!("SELECT CAST(failed_count AS BIGINT) FROM email_batch WHERE id = {batch}")).await, failed);
    // One record and one push log per recipient, none twice.
    let records = format!(
        "SELECT COUNT(*) FROM service_record WHERE source_kind = 'email' AND source_id IN \
         (SELECT id FROM email_recipient WHERE batch_id = {batch})"
    );
    assert_eq!(count(records).await, n);
    let pushes = format!(
        "SELECT COUNT(*) FROM info_push_log WHERE email_recipient_id IN \
         (SELECT id FROM email_recipient WHERE batch_id = {batch})"
    );
    assert_eq!(count(pushes).await, n);
    // Every member received it; at most the few in flight at the kill twice, as the same message.
    let mails = sink.mails();
    let mut ids: Vec<String> = mails.iter().map(|m| m.header("Message-ID").unwrap()).collect();
    ids.sort();
    let total = ids.len() as i64;
    ids.dedup();
    assert_eq!(ids.len() as i64, n, "each recipient's message arrived");
    // (The sender keeps up to 10 messages in flight: those may have been accepted by the SMTP
    // server before the kill and not yet recorded.)
    assert!(total - n <= 10, "{} duplicates", total - n);
}
