//! 会员邮件服务 (SM-4, PG-26/27/92/93) through the routes the pages call, sending over real
//! SMTP to a loopback sink: what arrives (recipient, subject, body, Message-ID), the records a
//! send writes, temporary and permanent failures and 重发失败邮件, hostile input, the scope of
//! a rep office, the batch limit, and the settings that keep the password sealed.
use std::time::Duration;

use http::StatusCode;
use serde_json::{Value, json};
use server::smtp_sink::Sink;

use crate::common::{Client, TestApp, field_error, rejected};
use crate::members::with_members;

/// The key the SMTP password is sealed with (as a deployment sets it).
pub fn secret_key() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: set once, before any test of this binary reads it.
    ONCE.call_once(|| unsafe { std::env::set_var("CRM_SECRET_KEY", "test-secret-key-0123456789") });
}

fn settings(port: u16) -> Value {
    json!({"input": {"host": "127.0.0.1", "port": port.to_string(), "tls": "none", "user": "", "password": "",
        "from_address": "service@chinasrc.test", "from_name": "诚商网客服中心", "batch_max": "5000",
        "rate_per_minute": "60"}})
}

/// A sink, and the SMTP settings pointing at it.
pub async fn with_sink(app: &TestApp) -> Sink {
    secret_key();
    let sink = Sink::start().await.unwrap();
    let mut m = app.login("manager").await;
    let (status, v) = m.call("settings/mail/save", settings(sink.port)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    sink
}

/// Sends everything due, as the server's sender does (no waiting between attempts).
pub async fn drain(app: &TestApp) -> usize {
    let mut s = app::emails::sender::Sender::new(app.db.clone());
    s.rate_override = Some(60_000);
    s.backoff = [Duration::ZERO, Duration::ZERO];
    let mut n = 0;
    loop {
        let k = s.round().await.unwrap();
        if k == 0 {
            return n;
        }
        n += k;
    }
}

pub fn compose(filter: Value, kind: &str, subject: &str, body: &str) -> Value {
    json!({"input": {"draft_id": null, "kind": kind, "template_id": null, "subject": subject, "body_html": body,
        "recipients": {"filter": filter, "include_unpushed": false, "excluded": []}, "attachment_ids": []}, "send": true})
}

async fn recipients(c: &mut Client, filter: Value, kind: &str) -> Value {
    let (status, v) =
        c.call("emails/recipients", json!({"recipients": {"filter": filter, "excluded": []}, "kind": kind})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

#[tokio::test]
async fn an_info_push_reaches_each_member_once_with_its_records_and_push_count() {
    let app = with_members(300).await;
    let sink = with_sink(&app).await;
    let mut agent = app.login("agent").await;
    let gold = json!({"level": "gold"});
    let page = recipients(&mut agent, gold.clone(), "info_push").await;
    let (matching, no_email, unpushed, selected) = (
        page["matching"].as_u64().unwrap(),
        page["without_email"].as_u64().unwrap(),
        page["unpushed"].as_u64().unwrap(),
        page["selected"].as_u64().unwrap(),
    );
    assert!(selected > 3, "{page}");
    assert_eq!(selected, matching - no_email - unpushed, "{page}");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM customer WHERE member_level = 'gold' AND deleted_at IS NULL \
             AND registered_email IS NOT NULL AND push_enabled = true AND review_status = 'approved'"
        )
        .await as u64,
        selected
    );

    // Untick one row: it is left out.
    let first = page["page"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["push_enabled"] == true && !r["email"].is_null())
        .unwrap()["customer_id"]
        .as_i64()
        .unwrap();
    let mut body = compose(
        gold.clone(),
        "info_push",
        "{企业名称} 本周采购信息",
        "<p>尊敬的{企业名称}:</p><p>级别 {会员级别},到期 {服务到期时间}</p>",
    );
    body["input"]["recipients"]["excluded"] = json!([first]);
    let (status, saved) = agent.call("emails/save", body).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let n = saved["recipient_count"].as_u64().unwrap();
    assert_eq!(n, selected - 1);
    assert_eq!(saved["status"], "sending");
    let batch = saved["id"].as_i64().unwrap();
    assert!(saved["batch_no"].as_str().unwrap().starts_with("EM"), "{saved}");

    assert_eq!(drain(&app).await as u64, n);
    let mails = sink.mails();
    assert_eq!(mails.len() as u64, n);
    // Each member once, with its own subject and body and the Message-ID its row keeps.
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len() as u64, n);
    for m in &mails {
        let id = m.header("Message-ID").expect("Message-ID");
        let (company, stored) = {
            let sql = format!(
                "SELECT COALESCE(c.company_name, '') || '|' || r.message_id FROM email_recipient r \
                 JOIN customer c ON c.id = r.customer_id WHERE r.email = '{}' AND r.batch_id = {batch}",
                m.to[0]
            );
            let v = app.text(&sql).await;
            let (a, b) = v.split_once('|').unwrap();
            (a.to_string(), b.to_string())
        };
        assert_eq!(id, stored);
        assert!(m.data.contains("From: =?utf-8?b?") || m.data.contains("诚商网客服中心"), "{}", m.data);
        assert!(!company.is_empty());
        assert!(m.data.contains("multipart/alternative"), "{}", m.data);
    }
    // Records: the batch is 已发送; each recipient a 服务记录 (邮件, 主动服务, 已完成) and a push log.
    let (_, detail) = agent.call("emails/batch", json!({"id": batch, "status": "", "page": 1})).await;
    assert_eq!(detail["batch"]["status"], "sent", "{detail}");
    assert_eq!(detail["batch"]["sent_count"].as_u64().unwrap(), n);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM service_record s JOIN email_recipient r ON r.service_record_id = s.id \
             WHERE r.batch_id = {batch} AND s.service_type = 'email' AND s.service_mode = 'proactive' \
             AND s.service_result = 'completed' AND s.source_kind = 'email'"
        ))
        .await as u64,
        n
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM info_push_log p JOIN email_recipient r ON r.push_log_id = p.id \
             WHERE r.batch_id = {batch} AND p.source = 'crm'"
        ))
        .await as u64,
        n
    );
    // The sender is told; the unticked member got nothing.
    assert_eq!(app.count("SELECT COUNT(*) FROM notification WHERE kind = 'email_batch_done'").await, 1);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM email_recipient WHERE customer_id = {first}")).await, 0);
    // The push count of the page rose by one for those sent to.
    let after = recipients(&mut agent, gold, "info_push").await;
    let row = after["page"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["customer_id"] != first && r["push_enabled"] == true && !r["email"].is_null())
        .unwrap()
        .clone();
    let before =
        page["page"]["items"].as_array().unwrap().iter().find(|r| r["customer_id"] == row["customer_id"]).unwrap();
    assert_eq!(row["pushed"].as_u64().unwrap(), before["pushed"].as_u64().unwrap() + 1);
    // Nothing more is due.
    assert_eq!(drain(&app).await, 0);
}

#[tokio::test]
async fn temporary_failures_are_retried_permanent_ones_kept_and_failed_mail_can_be_sent_again() {
    let app = with_members(120).await;
    let sink = with_sink(&app).await;
    let mut agent = app.login("agent").await;
    let filter = json!({"level": "gold"});
    let page = recipients(&mut agent, filter.clone(), "other").await;
    let emails: Vec<String> = page["page"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["email"].as_str().map(str::to_string))
        .take(3)
        .collect();
    // Busy twice then fine; refused for good; busy every time.
    sink.script(&emails[0], &["451 4.3.0 busy", "451 4.3.0 busy"]);
    sink.script(&emails[1], &["550 5.1.1 no such user"]);
    sink.script(&emails[2], &["451 4.3.0 busy", "451 4.3.0 busy", "451 4.3.0 busy"]);
    let (status, saved) = agent.call("emails/save", compose(filter, "other", "通知", "<p>您好</p>")).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (batch, n) = (saved["id"].as_i64().unwrap(), saved["recipient_count"].as_i64().unwrap());
    drain(&app).await;
    let state = |email: &str| {
        let app = &app;
        let email = email.to_string();
        async move {
            app.text(&format!(
                "SELECT status || '|' || attempts || '|' || COALESCE(error_message, '') FROM email_recipient \
                 WHERE batch_id = {batch} AND email = '{email}'"
            ))
            .await
        }
    };
    assert!(state(&emails[0]).await.starts_with("sent|3|"), "{}", state(&emails[0]).await);
    let refused = state(&emails[1]).await;
    assert!(refused.starts_with("failed|1|") && refused.contains("550"), "{refused}");
    let busy = state(&emails[2]).await;
    assert!(busy.starts_with("failed|3|") && busy.contains("451"), "{busy}");
    assert_eq!(sink.count() as i64, n - 2);
    let (_, detail) = agent.call("emails/batch", json!({"id": batch, "status": "failed", "page": 1})).await;
    assert_eq!(detail["batch"]["status"], "partially_failed", "{detail}");
    assert_eq!(detail["batch"]["failed_count"], 2);
    assert_eq!(detail["recipients"]["items"].as_array().unwrap().len(), 2);
    assert_eq!(detail["may_resend"], true);
    let incomplete = format!(
        "SELECT COUNT(*) FROM service_record s JOIN email_recipient r ON r.service_record_id = s.id \
         WHERE r.batch_id = {batch} AND s.service_result = 'incomplete'"
    );
    assert_eq!(app.count(&incomplete).await, 2);

    // 重发失败邮件: another agent may not; the sender may, once.
    let mut other = app.login("gz_rep").await;
    let (status, _) = other.call("emails/resend", json!({"id": batch})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, v) = agent.call("emails/resend", json!({"id": batch})).await;
    assert_eq!((status, v), (StatusCode::OK, json!(2)));
    let (status, v) = agent.call("emails/resend", json!({"id": batch})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(drain(&app).await, 2);
    let (_, detail) = agent.call("emails/batch", json!({"id": batch, "status": "", "page": 1})).await;
    assert_eq!(detail["batch"]["status"], "sent", "{detail}");
    assert_eq!(sink.count() as i64, n);
    // The same records now say 已完成; none was added.
    assert_eq!(app.count(&incomplete).await, 0);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM service_record WHERE source_kind = 'email' AND source_id IN (SELECT id FROM email_recipient WHERE batch_id = {batch})")).await,
        n
    );

    // No server listening: a temporary failure, tried three times, then 发送失败.
    let mut m = app.login("manager").await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    m.call("settings/mail/save", settings(closed)).await;
    let (_, saved) =
        agent.call("emails/save", compose(json!({"level": "gold"}), "other", "再次通知", "<p>您好</p>")).await;
    let batch = saved["id"].as_i64().unwrap();
    drain(&app).await;
    let (_, detail) = agent.call("emails/batch", json!({"id": batch, "status": "", "page": 1})).await;
    assert_eq!(detail["batch"]["status"], "partially_failed", "{detail}");
    assert_eq!(detail["batch"]["sent_count"], 0);
    let r = &detail["recipients"]["items"][0];
    assert_eq!(r["attempts"], 3, "{r}");
    assert!(r["error_message"].as_str().unwrap().contains("暂时无法发送"), "{r}");
}

#[tokio::test]
async fn hostile_input_is_refused_or_made_harmless_and_offices_reach_only_their_members() {
    let app = with_members(200).await;
    let sink = with_sink(&app).await;
    let mut agent = app.login("agent").await;
    let gold = json!({"level": "gold"});
    // A line break in the subject would start a header of its own.
    let (status, v) =
        agent.call("emails/save", compose(gold.clone(), "other", "你好\r\nBcc: all@evil.test", "<p>x</p>")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(field_error(&v, "subject").is_some(), "{v}");
    let (status, v) = agent.call("emails/save", compose(gold.clone(), "other", "你好", "<p>{会员名称}</p>")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(field_error(&v, "body_html").unwrap().contains("{会员名称}"), "{v}");
    for bad in [json!({"input": {"kind": "other"}, "send": true}), json!({"input": "x"}), json!([])] {
        let (status, v) = agent.call("emails/save", bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    }
    let (status, v) = agent.call("emails/save", compose(gold.clone(), "weekly", "你好", "<p>x</p>")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(app.count("SELECT COUNT(*) FROM email_batch").await, 0);

    // Scripts and event handlers are stripped; a value the member lacks is left empty.
    app.exec("UPDATE customer SET service_end_date = NULL WHERE member_level = 'gold'").await;
    let body = r#"<p onclick="steal()">到期:[{服务到期时间}]</p><script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>"#;
    let mut input = compose(gold.clone(), "other", "{企业名称}<b>", body);
    let (status, preview) = agent.call("emails/preview", json!({"input": input["input"].clone()})).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    let html = preview["body_html"].as_str().unwrap();
    for evil in ["<script", "onerror", "onclick", "javascript:", "alert(1)"] {
        assert!(!html.contains(evil), "{evil} in {html}");
    }
    assert!(html.contains("到期:[]"), "{html}");
    input["input"]["recipients"]["excluded"] = json!([]);
    let (status, saved) = agent.call("emails/save", input).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    drain(&app).await;
    let mail = &sink.mails()[0];
    for evil in ["<script", "onerror", "onclick", "javascript:"] {
        assert!(!mail.data.contains(evil), "{evil} sent");
    }
    assert!(mail.header("Bcc").is_none());

    // A rep office reaches only its own members, whatever it asks for.
    let sh = app.org_id("SH").await;
    let gz = app.org_id("GZ").await;
    let mut rep = app.login("gz_rep").await;
    let page = recipients(&mut rep, json!({"org": sh}), "other").await;
    assert_eq!(page["matching"], 0, "{page}");
    let (status, v) = rep.call("emails/save", compose(json!({"org": sh}), "other", "你好", "<p>x</p>")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert!(rejected(&v).contains("没有可发送的会员"), "{v}");
    let (status, saved) = rep.call("emails/save", compose(json!({}), "other", "你好", "<p>x</p>")).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let batch = saved["id"].as_i64().unwrap();
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM email_recipient r JOIN customer c ON c.id = r.customer_id \
             WHERE r.batch_id = {batch} AND c.organization_id <> {gz}"
        ))
        .await,
        0
    );
    // Ticked ids of another office's members are refused, not quietly dropped.
    let theirs = app
        .count(&format!("SELECT MIN(id) FROM customer WHERE organization_id <> {gz} AND registered_email IS NOT NULL"))
        .await;
    let ours = app
        .count(&format!("SELECT MIN(id) FROM customer WHERE organization_id = {gz} AND registered_email IS NOT NULL"))
        .await;
    let mut forged = compose(json!({}), "other", "你好", "<p>x</p>");
    forged["input"]["recipients"]["only"] = json!([ours, theirs]);
    let (status, v) = rep.call("emails/save", forged.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert!(rejected(&v).contains("1 家不可发送"), "{v}");
    forged["input"]["recipients"]["only"] = json!([ours]);
    let (status, v) = rep.call("emails/save", forged.clone()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["recipient_count"], 1);
    forged["input"]["recipients"]["only"] = json!([]);
    let (status, v) = rep.call("emails/save", forged).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert!(rejected(&v).contains("请勾选"), "{v}");
    // Another office's batch and draft are not found; the agent's attachment is not the office's.
    let (status, _) =
        rep.call("emails/batch", json!({"id": saved["id"].as_i64().unwrap() - 1, "status": "", "page": 1})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, a) = agent.post_bytes("/upload/email-attachment?name=报价.pdf", b"%PDF-1.4 test".to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    let mut with_file = compose(json!({}), "other", "你好", "<p>x</p>");
    with_file["input"]["attachment_ids"] = json!([a["id"]]);
    let (status, v) = rep.call("emails/save", with_file).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(field_error(&v, "attachments").is_some(), "{v}");
    let (status, _) = rep.post_bytes("/upload/email-attachment?name=big.bin", vec![0u8; (10 << 20) + 1]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn templates_are_kept_sanitised_and_an_attachment_travels_with_the_mail() {
    let app = with_members(120).await;
    let sink = with_sink(&app).await;
    let mut m = app.login("manager").await;
    let template = |name: &str, body: &str, id: Value, version: i32| {
        json!({"input": {"id": id, "name": name, "kind": "canton_fair", "subject": "{企业名称}:广交会采购信息",
            "body_html": body, "is_active": true, "version": version}})
    };
    let (status, t) = m
        .call("email-templates/save", template("广交会秋季", "<p>{企业名称}</p><script>x()</script>", json!(null), 0))
        .await;
    assert_eq!(status, StatusCode::OK, "{t}");
    assert_eq!(t["body_html"], "<p>{企业名称}</p>", "stored sanitised");
    let id = t["id"].clone();
    let (status, v) = m.call("email-templates/save", template("广交会秋季", "<p>x</p>", json!(null), 0)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(field_error(&v, "name").is_some(), "{v}");
    let (status, v) = m.call("email-templates/save", template("广交会秋季", "<p>{未知}</p>", id.clone(), 1)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (status, v) =
        m.call("email-templates/preview", template("广交会秋季", "<p>{企业名称}</p>", id.clone(), 1)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v["body_html"].as_str().unwrap().contains("广州市示例电子科技有限公司"), "{v}");
    let (status, v) =
        m.call("email-templates/save", template("广交会秋季场", "<p>{企业名称},您好</p>", id.clone(), 1)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (status, v) = m.call("email-templates/delete", json!({"id": id, "version": 1})).await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale delete: {v}");

    // The template offered to an agent, used with an attachment: the file reaches the member.
    let mut agent = app.login("agent").await;
    let (_, options) = agent.call("emails/options", json!({})).await;
    let offered = options["templates"].as_array().unwrap().iter().find(|x| x["id"] == id).cloned().unwrap();
    let (status, a) = agent
        .post_bytes("/upload/email-attachment?name=采购清单.csv", "品名,数量\r\n螺丝,1000\r\n".as_bytes().to_vec())
        .await;
    assert_eq!(status, StatusCode::OK, "{a}");
    let mut body = compose(
        json!({"level": "gold"}),
        "canton_fair",
        offered["subject"].as_str().unwrap(),
        offered["body_html"].as_str().unwrap(),
    );
    body["input"]["template_id"] = id.clone();
    body["input"]["attachment_ids"] = json!([a["id"]]);
    let (status, saved) = agent.call("emails/save", body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    // The same file cannot go with a second batch.
    let (status, v) = agent.call("emails/save", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    drain(&app).await;
    let mail = &sink.mails()[0];
    assert!(mail.data.contains("multipart/mixed"), "{}", mail.data);
    assert!(mail.data.contains("Content-Disposition: attachment"), "{}", mail.data);
    let (_, detail) = agent.call("emails/batch", json!({"id": saved["id"], "status": "", "page": 1})).await;
    assert_eq!(detail["attachments"][0]["file_name"], "采购清单.csv", "{detail}");
    assert_eq!(detail["batch"]["status"], "sent", "{detail}");
    let (status, _) = m.call("email-templates/delete", json!({"id": id, "version": 2})).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_settings_keep_the_password_sealed_and_the_batch_limit_holds() {
    let app = with_members(120).await;
    let sink = with_sink(&app).await;
    let mut agent = app.login("agent").await;
    let (status, _) = agent.call("settings/mail", json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut m = app.login("manager").await;
    let mut s = settings(sink.port);
    s["input"]["user"] = json!("service@chinasrc.test");
    s["input"]["password"] = json!("S3cret-smtp-pw");
    s["input"]["batch_max"] = json!("3");
    let (status, v) = m.call("settings/mail/save", s.clone()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!((v["password"].as_str(), v["password_set"].as_bool()), (Some(""), Some(true)));
    let stored = app.text("SELECT value FROM system_setting WHERE key = 'smtp'").await;
    assert!(!stored.contains("S3cret"), "{stored}");
    let smtp = app::emails::settings::smtp(&app.db).await.unwrap().unwrap();
    assert_eq!(smtp.password.as_deref(), Some("S3cret-smtp-pw"));
    // Saved again without a password: kept.
    s["input"]["password"] = json!("");
    m.call("settings/mail/save", s.clone()).await;
    assert_eq!(
        app::emails::settings::smtp(&app.db).await.unwrap().unwrap().password.as_deref(),
        Some("S3cret-smtp-pw")
    );
    let (status, v) = m
        .call(
            "settings/mail/save",
            json!({"input": {"host": "mail server", "port": "70000", "tls": "ssl3", "user": "", "password": "",
                "from_address": "nobody", "from_name": "a\nb", "batch_max": "0", "rate_per_minute": "-1"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    for f in ["host", "port", "tls", "from_address", "from_name", "batch_max", "rate_per_minute"] {
        assert!(field_error(&v, f).is_some(), "{f}: {v}");
    }
    // At most 3 recipients for an agent; the manager may send more.
    let (status, v) = agent.call("emails/save", compose(json!({"level": "gold"}), "other", "你好", "<p>x</p>")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert!(rejected(&v).contains("最多发送 3 家"), "{v}");
    let (status, v) = m.call("emails/save", compose(json!({"level": "gold"}), "other", "你好", "<p>x</p>")).await;
    assert_eq!(status, StatusCode::OK, "{v}");

    // A draft: sent once however many clicks arrive together.
    let mut draft = compose(json!({"level": "gold", "exact": true}), "other", "草稿", "<p>x</p>");
    draft["send"] = json!(false);
    let (status, d) = m.call("emails/save", draft.clone()).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["status"], "draft");
    let (_, loaded) = m.call("emails/draft", json!({"id": d["id"]})).await;
    assert_eq!(loaded["input"]["recipients"]["filter"]["exact"], true, "{loaded}");
    let (status, _) = agent.call("emails/draft", json!({"id": d["id"]})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut send = draft;
    send["send"] = json!(true);
    send["input"]["draft_id"] = d["id"].clone();
    let clicks: Vec<_> = (0..10)
        .map(|_| {
            let mut c = m.clone();
            let body = send.clone();
            tokio::spawn(async move { c.call("emails/save", body).await.0 })
        })
        .collect();
    let mut ok = 0;
    for c in clicks {
        if c.await.unwrap() == StatusCode::OK {
            ok += 1;
        }
    }
    assert_eq!(ok, 1);
    let id = d["id"].as_i64().unwrap();
    let n = app.count(&format!("SELECT CAST(recipient_count AS BIGINT) FROM email_batch WHERE id = {id}")).await;
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM email_recipient WHERE batch_id = {id}")).await, n);
}
