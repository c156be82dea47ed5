//! Hostile uploads (issue 9, fault 1): a 1.6 KB sparse .xlsx that once made the server abort
//! ("memory allocation of 549755813888 bytes failed"), over-wide and over-long files — sent to
//! 批量导入 and 数据同步, in parallel. Each is refused with a readable message and the server
//! keeps answering.
use http::StatusCode;
use serde_json::Value;

use crate::common::{Client, TestApp, csv, rejected};

/// A1 and XFD1048576 filled: tiny on disk, 16,384 × 1,048,576 cells as a dense range.
fn sparse_xlsx(header: &str) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, header).unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    wb.save_to_buffer().unwrap()
}

/// Another client of the same session (for parallel requests).
fn same_session(app: &TestApp, c: &Client) -> Client {
    let mut other = app.client();
    other.cookie = c.cookie.clone();
    other
}

const SYNC: &str = "/upload/cm-sync?kind=members&name=sparse.xlsx";
const IMPORT: &str = "/upload/archive-import?kind=customer&name=sparse.xlsx";

#[tokio::test]
async fn a_sparse_xlsx_is_refused_by_both_uploads_and_the_server_keeps_answering() {
    let app = TestApp::spawn().await;
    let bytes = sparse_xlsx("会员ID");
    assert!(bytes.len() < 10_000, "{} bytes", bytes.len());
    let manager = app.login("manager").await;
    let agent = app.login("agent").await;
    // Eight at once to each upload route.
    let mut tasks = vec![];
    for i in 0..16 {
        let (mut c, path) =
            if i % 2 == 0 { (same_session(&app, &manager), SYNC) } else { (same_session(&app, &agent), IMPORT) };
        let bytes = bytes.clone();
        tasks.push(tokio::spawn(async move { c.post_bytes(path, bytes).await }));
    }
    for t in tasks {
        let (status, body): (StatusCode, Value) = t.await.expect("the request completes");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let msg = rejected(&body);
        assert!(msg.contains("A1:XFD1048576") && msg.contains("最多 200000 行数据、200 列"), "{msg}");
    }
    // Nothing was started for a refused file.
    assert_eq!(app.count("SELECT COUNT(*) FROM import_job").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM sync_run").await, 0);
    // The server still answers, and a good file still syncs.
    let (status, ok, _) = app.client().get_file("/healthz").await;
    assert_eq!((status, ok), (StatusCode::OK, b"ok".to_vec()));
    let mut m = same_session(&app, &manager);
    let good = csv(&["会员ID,企业名称,登录名,企业状态,会员级别", "CMU001,上传测试有限公司,upload_ok,正常,免费"]);
    let (status, job) = m.post_bytes("/upload/cm-sync?kind=members&name=ok.csv", good).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    assert_eq!(m.wait_job(&job).await["state"], "done");
    assert_eq!(app.count("SELECT COUNT(*) FROM customer WHERE cm_member_id = 'CMU001'").await, 1);
}

#[tokio::test]
async fn over_wide_and_over_long_csv_files_fail_with_the_reason() {
    let app = TestApp::spawn().await;
    let mut agent = app.login("agent").await;
    // A data row with a 201st column: the import job fails and says where.
    let wide: Vec<String> = (0..=200).map(|i| format!("v{i}")).collect();
    let file = csv(&["※企业名称,客户姓名", &wide.join(",")]);
    let (status, job) = agent.post_bytes("/upload/archive-import?kind=customer&name=wide.csv", file).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    let id = job["record"].as_i64().unwrap();
    let done = agent.wait_job(&job).await;
    assert_eq!(done["state"], "failed", "{done}");
    let msg = done["message"]["zh"].as_str().unwrap();
    assert!(msg.contains("第 2 行第 201 列(GS2)"), "{msg}");
    assert_eq!(app.text(&format!("SELECT status FROM import_job WHERE id = {id}")).await, "failed");

    // 200,001 data rows: the sync is refused while reading, nothing is written.
    let mut manager = app.login("manager").await;
    let mut text = String::from("会员ID,企业名称,登录名,企业状态,会员级别\n");
    for i in 0..=200_000 {
        text.push_str(&format!("CML{i},长文件{i}有限公司,long{i},正常,免费\n"));
    }
    let (status, job) = manager.post_bytes("/upload/cm-sync?kind=members&name=long.csv", text.into_bytes()).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    let done = manager.wait_job(&job).await;
    assert_eq!(done["state"], "failed", "{done}");
    assert!(done["message"]["zh"].as_str().unwrap().contains("一次最多导入 200000 行"), "{done}");
    assert_eq!(app.count("SELECT COUNT(*) FROM customer WHERE cm_member_id LIKE 'CML%'").await, 0);
}
