//! Durable jobs: a job is a row, so another server instance on the database follows it and
//! serves its file; a job whose instance stopped (stale heartbeat) is marked interrupted, with
//! the import check it was doing, while live work is left alone.
use futures_util::future::join_all;
use http::StatusCode;
use serde_json::json;

use crate::common::{TestApp, rejected};
use crate::members::with_members;

#[tokio::test]
async fn an_export_started_on_one_instance_is_followed_and_downloaded_on_another() {
    let app = with_members(40).await;
    let other = app.other_instance();
    let mut m = app.login("manager").await;
    let mut there = m.via(&other);
    let start = json!({"kind": "member_services", "query": "view=members", "format": "csv"});
    let (status, job) = m.call("exports/start", start).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    let done = there.wait_job(&job).await;
    assert_eq!(done["state"], "done", "{done}");
    let href = done["download"].as_str().expect("a download link");
    let (status, body, disposition) = there.get_file(href).await;
    assert_eq!(status, StatusCode::OK);
    assert!(disposition.contains("attachment"), "{disposition}");
    let text = String::from_utf8(body).unwrap();
    assert_eq!(text.lines().count() as u64, done["done"].as_u64().unwrap() + 1, "a header and every row");
    // Only its owner gets it, on either instance.
    let mut agent = app.login("agent").await.via(&other);
    assert_eq!(agent.get_file(href).await.0, StatusCode::NOT_FOUND);
    let (status, gone) = agent.call("jobs/status", json!({ "id": job["id"] })).await;
    assert_eq!((status, rejected(&gone).as_str()), (StatusCode::CONFLICT, app::jobs::INTERRUPTED.0));
    assert_eq!(
        app.text(&format!("SELECT instance FROM job WHERE id = '{}'", job["id"].as_str().unwrap())).await,
        app::jobs::instance_id()
    );
}

/// Inserts a running job of `owner` whose heartbeat was `minutes_ago`.
async fn running_job(app: &TestApp, id: &str, kind: &str, owner: i64, record: Option<i64>, minutes_ago: i64) {
    let at = app.sql_now_plus_minutes(-minutes_ago);
    let record = record.map_or("NULL".to_string(), |r| r.to_string());
    app.exec(&format!(
        "INSERT INTO job (id, kind, owner_id, state, done, total, record_id, instance, heartbeat_at, created_at) \
         VALUES ('{id}', '{kind}', {owner}, 'running', 3, 10, {record}, 'elsewhere', {at}, {at})"
    ))
    .await;
}

#[tokio::test]
async fn a_job_whose_instance_stopped_is_marked_interrupted_and_a_live_one_is_not() {
    let app = TestApp::spawn().await;
    let owner = app.account_id("agent").await;
    let agent = app.signed_in("agent").await;
    let kind = app::archive::ImportKind::Customers;
    let stale_check = app::archive::import::create_job(&app.db, &agent, kind, "停了.csv").await.unwrap();
    let live_check = app::archive::import::create_job(&app.db, &agent, kind, "在跑.csv").await.unwrap();
    running_job(&app, "stale-export", "export", owner, None, 5).await;
    running_job(&app, "stale-check", "import_check", owner, Some(stale_check.id), 5).await;
    running_job(&app, "live-check", "import_check", owner, Some(live_check.id), 0).await;

    // Two instances recover at once: each stale job is taken once.
    let jobs = app::jobs::Jobs::new(app.db.clone());
    let (a, b) = tokio::join!(app::upkeep::recover(&jobs), app::upkeep::recover_interrupted(&app.db));
    assert_eq!(a.unwrap() + b.unwrap(), 3, "two jobs and the stale job's import check, once");
    let state = |id: &str| format!("SELECT state FROM job WHERE id = '{id}'");
    let check = |id: i64| format!("SELECT status FROM import_job WHERE id = {id}");
    assert_eq!(app.text(&state("stale-export")).await, "interrupted");
    assert_eq!(app.text(&state("stale-check")).await, "interrupted");
    assert_eq!(app.text(&check(stale_check.id)).await, "interrupted");
    assert_eq!(app.text(&state("live-check")).await, "running", "a live instance's job is left alone");
    assert_eq!(app.text(&check(live_check.id)).await, "validating", "and so is its import check");

    // The page learns why.
    let mut a = app.login("agent").await;
    let (status, s) = a.call("jobs/status", json!({ "id": "stale-export" })).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert_eq!(
        (s["state"].as_str(), s["message"]["zh"].as_str()),
        (Some("interrupted"), Some(app::jobs::INTERRUPTED.0))
    );

    // Once the live instance stops too, its job and check follow.
    app.exec(&format!("UPDATE job SET heartbeat_at = {} WHERE id = 'live-check'", app.sql_now_plus_minutes(-1))).await;
    assert_eq!(app::upkeep::recover(&jobs).await.unwrap(), 2);
    assert_eq!(app.text(&check(live_check.id)).await, "interrupted");
    assert_eq!(app::upkeep::recover(&jobs).await.unwrap(), 0, "once is enough");
}

#[tokio::test]
async fn status_polls_in_parallel_with_progress_writes_do_not_fail() {
    let app = TestApp::spawn().await;
    let owner = app.account_id("agent").await;
    let jobs = app::jobs::Jobs::new(app.db.clone());
    let job = jobs.start(owner, app::jobs::JobKind::Export).await.unwrap();
    job.set_total(100_000).await.unwrap();
    let writer = {
        let job = job.clone();
        tokio::spawn(async move {
            for n in 1..=1500u64 {
                job.progress(n * 10);
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        })
    };
    let a = app.login("agent").await;
    let mut last = 0;
    while !writer.is_finished() {
        let polls = (0..20).map(|_| {
            let mut c = a.clone();
            let id = job.id.clone();
            async move { c.call("jobs/status", json!({ "id": id })).await }
        });
        for (status, s) in join_all(polls).await {
            assert_eq!(status, StatusCode::OK, "{s}");
            assert_eq!((s["state"].as_str(), s["total"].as_u64()), (Some("running"), Some(100_000)), "{s}");
            last = last.max(s["done"].as_u64().unwrap());
        }
    }
    writer.await.unwrap();
    assert!(last > 0, "progress is written while the job runs");
    job.finish(Ok(None)).await;
    let (_, s) = a.clone().call("jobs/status", json!({ "id": job.id })).await;
    assert_eq!((s["state"].as_str(), s["done"].as_u64()), (Some("done"), Some(15_000)), "{s}");
}

/// The queue the e-mail and nightly work run from: 50 claimers at once over 20 due jobs get
/// each job exactly once; a job not yet due or of another kind is left; a claimed job whose
/// instance stopped goes back to the queue (up to `MAX_ATTEMPTS` claims), then is interrupted.
#[tokio::test]
async fn each_queued_job_is_claimed_by_exactly_one_of_many_claimers() {
    use app::jobs::{JobKind, Jobs, MAX_ATTEMPTS};
    let app = TestApp::spawn().await;
    let jobs = Jobs::new(app.db.clone());
    let now = chrono::Utc::now();
    for n in 0..20 {
        jobs.enqueue(&app.db, 0, JobKind::Export, &json!({ "n": n }), now).await.unwrap();
    }
    let later = chrono::Duration::hours(1);
    jobs.enqueue(&app.db, 0, JobKind::Export, &json!({ "n": "later" }), now + later).await.unwrap();
    jobs.enqueue(&app.db, 0, JobKind::Sync, &json!({ "n": "sync" }), now).await.unwrap();
    let claims = join_all((0..50).map(|_| {
        let jobs = jobs.clone();
        async move { jobs.claim(&[JobKind::Export]).await.unwrap().map(|(job, payload)| (job.id.clone(), payload)) }
    }))
    .await;
    let mut got: Vec<(String, String)> = claims.into_iter().flatten().collect();
    assert_eq!(got.len(), 20, "one claim per due job");
    got.sort();
    got.dedup_by(|a, b| a.0 == b.0);
    assert_eq!(got.len(), 20, "no job claimed twice");
    let mut payloads: Vec<i64> =
        got.iter().map(|(_, p)| serde_json::from_str::<serde_json::Value>(p).unwrap()["n"].as_i64().unwrap()).collect();
    payloads.sort();
    assert_eq!(payloads, (0..20).collect::<Vec<_>>());
    assert_eq!(app.count("SELECT COUNT(*) FROM job WHERE state = 'queued'").await, 2, "the later one and the sync");
    assert_eq!(app.count("SELECT COUNT(*) FROM job WHERE state = 'running' AND attempts = 1").await, 20);

    // run_next: the handler's outcome is the job's.
    let ran = jobs
        .run_next(&[JobKind::Sync], |job, payload| async move {
            job.progress(1);
            assert!(payload.contains("sync"));
            Ok(None)
        })
        .await
        .unwrap();
    assert!(ran);
    assert!(!jobs.run_next(&[JobKind::Sync], |_, _| async { Ok(None) }).await.unwrap(), "nothing left");
    assert_eq!(app.count("SELECT COUNT(*) FROM job WHERE kind = 'sync' AND state = 'done'").await, 1);

    // A claim whose instance stopped: back to the queue while attempts remain, then interrupted.
    let (id, _) = &got[0];
    let stale = app.sql_now_plus_minutes(-5);
    app.exec(&format!("UPDATE job SET heartbeat_at = {stale}, instance = 'gone' WHERE id = '{id}'")).await;
    app::jobs::recover_interrupted(&app.db).await.unwrap();
    assert_eq!(app.text(&format!("SELECT state FROM job WHERE id = '{id}'")).await, "queued");
    app.exec(&format!(
        "UPDATE job SET state = 'running', attempts = {MAX_ATTEMPTS}, heartbeat_at = {stale} WHERE id = '{id}'"
    ))
    .await;
    app::jobs::recover_interrupted(&app.db).await.unwrap();
    assert_eq!(app.text(&format!("SELECT state FROM job WHERE id = '{id}'")).await, "interrupted");
}
