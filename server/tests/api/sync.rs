//! CM sync (数据同步): file layouts, upsert by CM id, the run log with its error report, and
//! that a bad or interrupted run writes nothing.
use app::members::cm_sync::{self, CmRow, SyncKind};
use http::StatusCode;
use serde_json::json;

use crate::common::{TestApp, csv};
use crate::members::with_members;

const MEMBER_HEADER: &str = "会员ID,企业名称,登录名,注册邮箱,手机,区域代码,行业代码,组织机构代码,企业状态,企业类别,会员级别,平台注册时间,服务开始时间,服务到期时间,是否设置推送,会员积分";

async fn upload(app: &TestApp, admin: &str, kind: &str, file: Vec<u8>) -> (StatusCode, serde_json::Value) {
    app.login(admin).await.upload_and_wait(&format!("/upload/cm-sync?kind={kind}&name=cm.csv"), file).await
}

#[tokio::test]
async fn members_are_inserted_and_updated_by_cm_id() {
    let app = with_members(30).await;
    let before = app.count("SELECT COUNT(*) FROM customer").await;
    let existing = app.count("SELECT id FROM customer WHERE cm_member_id IS NOT NULL ORDER BY id LIMIT 1").await;
    let cm_id: String = {
        let row = sea_orm::ConnectionTrait::query_one_raw(
            &app.db,
            sea_orm::Statement::from_string(
                app.db.get_database_backend(),
                format!("SELECT cm_member_id, login_name FROM customer WHERE id = {existing}"),
            ),
        )
        .await
        .unwrap()
        .unwrap();
        row.try_get::<String>("", "cm_member_id").unwrap()
    };
    let login: String = app.text(&format!("SELECT login_name FROM customer WHERE id = {existing}")).await;
    let file = csv(&[
        MEMBER_HEADER,
        "CMX001,杭州新锐电子科技有限公司,xinrui_hz,sales@xinrui.example,13900001111,330106,391,,正常,供应商,金牌,2024-05-01 09:30,2026-01-01,2026-12-31,是,120",
        "CMX002,深圳云帆进出口有限公司,yunfan_sz,,13900002222,440304,,,未激活,二者都有,免费,2025-02-03,,,否,",
        &format!("{cm_id},改名后的企业有限公司,{login},,,440106,,,正常,采购商,商易通,,2026-03-01,2027-02-28,是,999"),
    ]);
    let (status, job) = upload(&app, "manager", "members", file).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(app.count("SELECT COUNT(*) FROM customer").await, before + 2);
    assert_eq!(
        app.text(&format!("SELECT company_name FROM customer WHERE id = {existing}")).await,
        "改名后的企业有限公司"
    );
    assert_eq!(app.text(&format!("SELECT member_level FROM customer WHERE id = {existing}")).await, "shang_yi_tong");
    // A new member: codes resolved, organisation by the region's rep office (杭州 has none: HQ).
    assert_eq!(app.text("SELECT member_level FROM customer WHERE cm_member_id = 'CMX001'").await, "gold");
    assert_eq!(app.text("SELECT enterprise_status FROM customer WHERE cm_member_id = 'CMX002'").await, "not_activated");
    let sz_org = app.count("SELECT organization_id FROM customer WHERE cm_member_id = 'CMX002'").await;
    assert_eq!(sz_org, app.org_id("GZ").await, "深圳 is covered by 广州代表处");
    assert_eq!(app.count("SELECT CAST(rows_inserted AS BIGINT) FROM sync_run").await, 2);
    assert_eq!(app.count("SELECT CAST(rows_updated AS BIGINT) FROM sync_run").await, 1);
    assert_eq!(app.text("SELECT status FROM sync_run").await, "succeeded");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM operation_log WHERE action = 'import' AND target_type = 'sync_run'").await,
        1
    );
    // The new member is searchable by name at once.
    let mut m = app.login("manager").await;
    let (_, page) = m.call("members/services", json!({"filter": {"company": "新锐电子", "view": "members"}})).await;
    assert_eq!(page["total"], 1, "{page}");

    // The run log lists it.
    let (_, runs) = m.call("sync/runs", json!({"page": 1})).await;
    assert_eq!(runs["items"][0]["status"], "succeeded");
}

#[tokio::test]
async fn a_file_with_a_bad_row_writes_nothing_and_reports_every_error() {
    let app = with_members(20).await;
    let before = app.count("SELECT COUNT(*) FROM customer").await;
    let file = csv(&[
        MEMBER_HEADER,
        "CMY001,好公司有限公司,good_one,,,,,,正常,,金牌,,,,,",
        "CMY002,坏公司,bad_one,not-an-email,,999999,,,正常,,铂金,2024-13-01,,,也许,abc",
        "CMY001,重复会员ID,dup_login,,,,,,正常,,免费,,,,,",
    ]);
    let (_, job) = upload(&app, "manager", "members", file).await;
    assert_eq!(job["state"], "failed", "{job}");
    assert!(job["message"]["zh"].as_str().unwrap().contains("未写入任何数据"));
    assert_eq!(app.count("SELECT COUNT(*) FROM customer").await, before, "nothing written");
    let mut m = app.login("manager").await;
    let (_, runs) = m.call("sync/runs", json!({"page": 1})).await;
    let run = &runs["items"][0];
    assert_eq!(run["status"], "failed");
    let errors: Vec<String> =
        run["errors"].as_array().unwrap().iter().map(|e| format!("{}:{}", e[0], e[1].as_str().unwrap())).collect();
    for expected in [
        "3:registered_email",
        "3:region_code",
        "3:registered_at",
        "3:push_enabled",
        "3:member_points",
        "4:cm_member_id",
    ] {
        assert!(errors.contains(&expected.to_string()), "{expected} in {errors:?}");
    }
    // An unknown 会员级别 (铂金) is no error (OP-01): listed after the errors.
    assert!(!errors.contains(&"3:member_level".to_string()), "{errors:?}");
    assert!(errors.contains(&"0:member_level".to_string()), "{errors:?}");
    // A missing required column is refused before any row is read.
    let (_, job) = upload(&app, "manager", "members", csv(&["会员ID,企业名称", "A,B"])).await;
    assert!(job["message"]["zh"].as_str().unwrap().contains("登录名"), "{job}");
}

/// `n` valid CM member rows: ids `{id}00000…`, companies `{company}N号有限公司`, logins `{login}N`.
fn member_rows(n: usize, id: &str, company: &str, login: &str) -> Vec<CmRow> {
    (0..n)
        .map(|i| CmRow {
            line: i + 2,
            fields: [
                ("cm_member_id", format!("{id}{i:05}")),
                ("company_name", format!("{company}{i}号有限公司")),
                ("login_name", format!("{login}{i}")),
                ("enterprise_status", "正常".into()),
                ("member_level", "免费".into()),
            ]
            .into_iter()
            .collect(),
        })
        .collect()
}

#[tokio::test]
async fn an_interrupted_run_leaves_nothing_half_written() {
    let app = with_members(10).await;
    let before = app.count("SELECT COUNT(*) FROM customer").await;
    let rows = member_rows(3000, "CMK", "批量测试", "bulk");
    // The process "dies" after the first batch has been written inside the transaction.
    let db = app.db.clone();
    let task = tokio::spawn(async move {
        cm_sync::run(&db, SyncKind::Members, "manual", None, rows, None, |done| {
            if done > 0 {
                panic!("killed after {done} rows");
            }
        })
        .await
    });
    assert!(task.await.is_err(), "the run was killed");
    assert_eq!(app.count("SELECT COUNT(*) FROM customer").await, before, "no row of the killed run is visible");
}

#[tokio::test]
async fn published_info_and_push_logs_attach_to_synced_members() {
    let app = with_members(10).await;
    let cm = app.text("SELECT cm_member_id FROM customer WHERE cm_member_id IS NOT NULL ORDER BY id LIMIT 1").await;
    let id = app.count(&format!("SELECT id FROM customer WHERE cm_member_id = '{cm}'")).await;
    let before = app.count(&format!("SELECT COUNT(*) FROM published_info WHERE customer_id = {id}")).await;
    let file = csv(&[
        "信息ID,会员ID,信息类型,信息名称,信息状态,行业代码,发布时间,失效时间",
        &format!("PIX1,{cm},产品信息,太阳能路灯,上架,38,2026-10-01 10:00,2027-10-01"),
        &format!("PIX2,{cm},求购信息,求购不锈钢板,隐藏,,2026-11-01 08:00,"),
    ]);
    let (_, job) = upload(&app, "manager", "published_info", file).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM published_info WHERE customer_id = {id}")).await, before + 2);
    // Again with a changed title: updated, not duplicated.
    let file = csv(&[
        "信息ID,会员ID,信息类型,信息名称,信息状态,发布时间",
        &format!("PIX1,{cm},产品信息,太阳能路灯(新款),上架,2026-10-01 10:00"),
    ]);
    upload(&app, "manager", "published_info", file).await;
    assert_eq!(app.text("SELECT title FROM published_info WHERE cm_info_id = 'PIX1'").await, "太阳能路灯(新款)");
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM published_info WHERE customer_id = {id}")).await, before + 2);

    let file = csv(&[
        "日志ID,会员ID,收件邮箱,邮件发送时间,信息名称,信息类型,推送状态",
        &format!("PLX1,{cm},buyer@example.com,2026-11-20 09:00,求购不锈钢板,求购信息,已打开"),
        "PLX2,NO_SUCH_MEMBER,x@example.com,2026-11-20 09:00,,,",
    ]);
    let (_, job) = upload(&app, "manager", "push_logs", file).await;
    assert_eq!(job["state"], "failed", "an unknown member is an error");
    assert_eq!(app.count("SELECT COUNT(*) FROM info_push_log WHERE cm_log_id LIKE 'PLX%'").await, 0);

    // Only accounts with 数据同步 may upload.
    let (status, _) = upload(&app, "agent", "members", csv(&[MEMBER_HEADER])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut m = app.login("manager").await;
    let (status, body, disposition) = m.get_file("/templates/cm-members.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(body).unwrap().contains("会员ID,企业名称,登录名"));
    assert!(disposition.contains("attachment"));
}

#[tokio::test]
async fn runs_and_import_checks_left_running_by_a_crash_are_marked_interrupted_at_start() {
    let app = with_members(10).await;
    // A sync run whose process died: its row stays "running" (its writes were rolled back).
    let rows = member_rows(1500, "CMR", "中断测试", "crash");
    let db = app.db.clone();
    let task = tokio::spawn(async move {
        cm_sync::run(&db, SyncKind::Members, "file_upload", Some("crash.csv"), rows, None, |done| {
            if done > 0 {
                panic!("killed after {done} rows");
            }
        })
        .await
    });
    assert!(task.await.is_err(), "the run was killed");
    assert_eq!(app.text("SELECT status FROM sync_run").await, "running");
    // An import check the process was doing.
    let agent = app.signed_in("agent").await;
    let job = app::archive::import::create_job(&app.db, &agent, app::archive::ImportKind::Customers, "客户.csv")
        .await
        .unwrap();
    let done_job =
        app::archive::import::create_job(&app.db, &agent, app::archive::ImportKind::Customers, "旧.csv").await.unwrap();
    app.exec(&format!("UPDATE import_job SET status = 'awaiting_confirm' WHERE id = {}", done_job.id)).await;

    // What the server does at start-up, before serving.
    assert_eq!(app::upkeep::recover_interrupted(&app.db).await.unwrap(), 2);
    assert_eq!(app::upkeep::recover_interrupted(&app.db).await.unwrap(), 0, "once is enough");
    assert_eq!(app.text("SELECT status FROM sync_run").await, "interrupted");
    assert_eq!(app.text(&format!("SELECT status FROM import_job WHERE id = {}", job.id)).await, "interrupted");
    assert_eq!(
        app.text(&format!("SELECT status FROM import_job WHERE id = {}", done_job.id)).await,
        "awaiting_confirm",
        "only running work is touched"
    );
    let mut m = app.login("manager").await;
    let (_, runs) = m.call("sync/runs", json!({"page": 1})).await;
    assert_eq!(runs["items"][0]["status"], "interrupted");
    assert!(runs["items"][0]["finished_at"].is_string(), "{runs}");
    assert_eq!(runs["items"][0]["errors"][0][2], "服务重启,任务中断,请重新运行", "{runs}");
    let mut a = app.login("agent").await;
    let (_, view) = a.call("imports/view", json!({ "id": job.id })).await;
    assert_eq!(
        (view["status"].as_str(), view["message"].as_str()),
        (Some("interrupted"), Some("服务重启,任务中断,请重新运行"))
    );
    // A job id from the previous process answers why, not "not found".
    let (status, gone) = a.call("jobs/status", json!({ "id": "from-before-the-restart" })).await;
    assert_eq!(
        (status, crate::common::rejected(&gone).as_str()),
        (StatusCode::CONFLICT, "服务重启,任务中断,请重新运行")
    );

    // A new run starts and succeeds.
    let file = csv(&[MEMBER_HEADER, "CMR00001,中断后重新同步有限公司,crash1,,,,,,正常,,免费,,,,,"]);
    let (_, job) = upload(&app, "manager", "members", file).await;
    assert_eq!(job["state"], "done", "{job}");
    let (_, runs) = m.call("sync/runs", json!({"page": 1})).await;
    assert_eq!((runs["items"][0]["status"].as_str(), runs["total"].as_i64()), (Some("succeeded"), Some(2)));
}

/// The run log's report lines (line 0 = a note for the whole run) as "field: message".
async fn run_notes(app: &TestApp) -> (serde_json::Value, Vec<String>) {
    let mut m = app.login("manager").await;
    let (_, runs) = m.call("sync/runs", json!({"page": 1})).await;
    let run = runs["items"][0].clone();
    let notes = run["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e[0] == 0)
        .map(|e| format!("{}: {}", e[1].as_str().unwrap(), e[2].as_str().unwrap()))
        .collect();
    (run, notes)
}

#[tokio::test]
async fn unknown_enumeration_values_are_mapped_and_logged_not_fatal() {
    let app = with_members(10).await;
    let file = csv(&[
        MEMBER_HEADER,
        "CMV001,铂金会员一号有限公司,platinum1,,,,,,已冻结,代理商,铂金,,,,,",
        "CMV002,铂金会员二号有限公司,platinum2,,,,,,正常,供应商,铂金,,,,,",
        "CMV003,钻石会员有限公司,diamond1,,,,,,正常,,钻石,,,,,",
        "CMV004,普通会员有限公司,ordinary1,,,,,,未激活,采购商,金牌,,,,,",
    ]);
    let (_, job) = upload(&app, "manager", "members", file).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(app.count("SELECT COUNT(*) FROM customer WHERE cm_member_id LIKE 'CMV%'").await, 4);
    // 企业状态 not known to the CRM → 正常 (SPEC OP-01); other unknown values → left empty.
    assert_eq!(app.text("SELECT enterprise_status FROM customer WHERE cm_member_id = 'CMV001'").await, "normal");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM customer WHERE cm_member_id = 'CMV001' AND enterprise_category IS NULL").await,
        1
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM customer WHERE cm_member_id IN ('CMV001','CMV002','CMV003') AND member_level IS NULL"
        )
        .await,
        3
    );
    assert_eq!(app.text("SELECT member_level FROM customer WHERE cm_member_id = 'CMV004'").await, "gold");
    let (run, notes) = run_notes(&app).await;
    assert_eq!(run["status"], "succeeded");
    assert_eq!((run["rows_inserted"].as_i64(), run["error_count"].as_i64()), (Some(4), Some(3)), "{run}");
    assert!(
        notes.contains(&"member_level: 会员级别有 3 行的值无法识别(“钻石”×1、“铂金”×2),已留空".to_string()),
        "{notes:?}"
    );
    assert!(
        notes.contains(&"enterprise_status: 企业状态有 1 行的值无法识别(“已冻结”×1),已按“正常”同步".to_string()),
        "{notes:?}"
    );
    assert!(
        notes.contains(&"enterprise_category: 企业类别有 1 行的值无法识别(“代理商”×1),已留空".to_string()),
        "{notes:?}"
    );

    // 信息类型 cannot be empty: a row with an unknown one is skipped and logged, the rest synced.
    let file = csv(&[
        "信息ID,会员ID,信息类型,信息名称,信息状态,发布时间",
        "PIV1,CMV004,产品信息,不锈钢板,上架,2026-10-01 10:00",
        "PIV2,CMV004,招聘信息,招聘业务员,上架,2026-10-02 10:00",
        "PIV3,CMV004,求购信息,求购钢管,已下架,2026-10-03 10:00",
    ]);
    let (_, job) = upload(&app, "manager", "published_info", file).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(app.count("SELECT COUNT(*) FROM published_info WHERE cm_info_id LIKE 'PIV%'").await, 1);
    let (run, notes) = run_notes(&app).await;
    assert_eq!((run["rows_inserted"].as_i64(), run["status"].as_str()), (Some(1), Some("succeeded")), "{run}");
    assert_eq!(app.count("SELECT CAST(rows_skipped AS BIGINT) FROM sync_run ORDER BY id DESC LIMIT 1").await, 2);
    assert!(
        notes.contains(&"info_type: 信息类型有 1 行的值无法识别(“招聘信息”×1),这些行未同步".to_string()),
        "{notes:?}"
    );
    assert!(notes.contains(&"status: 信息状态有 1 行的值无法识别(“已下架”×1),这些行未同步".to_string()), "{notes:?}");
}

#[tokio::test]
async fn a_new_cm_member_takes_over_the_crm_customer_with_its_email_and_company_name() {
    let app = with_members(10).await;
    // A customer entered in the CRM (no 会员ID, no login name) who later registers on the platform.
    let org = app.count("SELECT id FROM organization WHERE org_type = 'hq'").await;
    let (company, email) = ("宁波ABC国际贸易有限公司", "Sales@nb-abc.example");
    let mut buyer = app.login("biz_buyer").await;
    let (_, saved) = buyer
        .call(
            "archive/save",
            json!({"existing": null, "submit": true, "acknowledge": false, "input": {
                "company_name": company, "contact_name": "孙经理", "phone_mobile": "", "phone_fixed": "",
                "registered_email": email, "login_name": "", "region": [null, null, null], "address": "",
                "industry": [null, null, null], "enterprise_category": "", "organization_id": org,
                "info_source": "buyer_meeting", "remarks": "", "approver_id": null, "duplicate_reason": "",
            }}),
        )
        .await;
    let id = saved["Saved"]["id"].as_i64().unwrap_or_else(|| panic!("{saved}"));
    let before = app.count("SELECT COUNT(*) FROM customer").await;
    // CM spells them differently: upper-case e-mail, full-width and spaced company name.
    let cm_company: String = company
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c })
        .collect::<String>()
        + " ";
    let file = csv(&[
        MEMBER_HEADER,
        &format!("CMW001,{cm_company},newly_registered,{},,,,,正常,,免费,,,,,", email.to_uppercase()),
        // Same e-mail, another company: a new member.
        &format!("CMW002,另一家完全不同的贸易有限公司,other_company,{email},,,,,正常,,免费,,,,,"),
    ]);
    let (_, job) = upload(&app, "manager", "members", file).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(app.count("SELECT COUNT(*) FROM customer").await, before + 1, "one taken over, one new");
    assert_eq!(app.text(&format!("SELECT cm_member_id FROM customer WHERE id = {id}")).await, "CMW001");
    assert_eq!(app.text(&format!("SELECT login_name FROM customer WHERE id = {id}")).await, "newly_registered");
    assert_eq!(app.text(&format!("SELECT info_source FROM customer WHERE id = {id}")).await, "system_captured");
    assert_eq!(app.text(&format!("SELECT customer_type FROM customer WHERE id = {id}")).await, "member");
    assert_ne!(app.count("SELECT id FROM customer WHERE cm_member_id = 'CMW002'").await, id);
    let (run, _) = run_notes(&app).await;
    assert_eq!((run["rows_inserted"].as_i64(), run["rows_updated"].as_i64()), (Some(1), Some(1)), "{run}");
    // Synced again: matched by 会员ID now, still one record.
    let file = csv(&[MEMBER_HEADER, &format!("CMW001,{company},newly_registered,{email},,,,,正常,,金牌,,,,,")]);
    let (_, job) = upload(&app, "manager", "members", file).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(app.count("SELECT COUNT(*) FROM customer").await, before + 1);
    assert_eq!(app.text(&format!("SELECT member_level FROM customer WHERE id = {id}")).await, "gold");
}
