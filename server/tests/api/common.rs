//! Test harness: every test gets its own database (a temporary SQLite file, or a fresh
//! PostgreSQL database when `TEST_DATABASE=postgres`), migrated and seeded with the demo
//! organisation and accounts, and talks to the very router the server runs, over HTTP
//! requests with cookies, as a browser would.
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU32, Ordering};

use app::auth::session::{RequestMeta, authenticate};
use app::state::{AppState, Settings};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use http::{Request, StatusCode, header};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::Value;
use tower::ServiceExt;

pub const PW: &str = app::seed::DEMO_PASSWORD;

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub struct TestApp {
    pub router: Router,
    pub db: DatabaseConnection,
    /// The database's URL (for a server process of its own).
    pub db_url: String,
    config: server::Config,
    _dir: Option<TempDir>,
}

/// A directory removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique() -> String {
    format!("{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst))
}

async fn database() -> (DatabaseConnection, Option<TempDir>, String) {
    if std::env::var("TEST_DATABASE").as_deref() == Ok("postgres") {
        let admin_url = std::env::var("TEST_POSTGRES_URL").expect("TEST_POSTGRES_URL for TEST_DATABASE=postgres");
        let name = format!("crm_test_{}", unique());
        let admin = sea_orm::Database::connect(admin_url.clone()).await.expect("connect to PostgreSQL");
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
        admin.close().await.ok();
        let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
        let url = format!("{base}/{name}");
        (server::connect(&url).await.expect("migrate PostgreSQL"), None, url)
    } else {
        let dir = std::env::temp_dir().join(format!("crm-test-{}", unique()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/t.db?mode=rwc", dir.display());
        (server::connect(&url).await.expect("migrate SQLite"), Some(TempDir(dir)), url)
    }
}

impl TestApp {
    /// Captcha off (as for automated tests), demo data loaded.
    pub async fn spawn() -> Self {
        Self::with(Settings { captcha_enabled: false, ..Settings::default() }).await
    }

    pub async fn with(settings: Settings) -> Self {
        let (db, dir, db_url) = database().await;
        app::seed::first_run(&db, true).await.expect("demo seed");
        let config = server::Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            database_url: String::new(),
            site_root: "target/site".into(),
            demo: true,
            settings: settings.clone(),
        };
        Self { router: server::router(&config, db.clone(), settings), db, db_url, config, _dir: dir }
    }

    /// Another server instance on the same database (as behind a load balancer).
    pub fn other_instance(&self) -> Router {
        server::router(&self.config, self.db.clone(), self.config.settings.clone())
    }

    pub fn client(&self) -> Client {
        Client { router: self.router.clone(), cookie: None, ip: "10.0.0.1".parse().unwrap() }
    }

    /// A client signed in as `admin_id` with the demo password.
    pub async fn login(&self, admin_id: &str) -> Client {
        let mut c = self.client();
        let (status, body) = c.login(admin_id, PW).await;
        assert_eq!(status, StatusCode::OK, "login {admin_id}: {body}");
        c
    }

    pub async fn account_id(&self, admin_id: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                format!("SELECT id FROM account WHERE admin_id_key = '{}'", admin_id.to_lowercase()),
            ))
            .await
            .unwrap()
            .expect("account exists");
        row.try_get::<i64>("", "id").unwrap()
    }

    pub async fn org_id(&self, code: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                format!("SELECT id FROM organization WHERE code = '{code}'"),
            ))
            .await
            .unwrap()
            .expect("organisation exists");
        row.try_get::<i64>("", "id").unwrap()
    }

    /// A SQL expression for "now plus `minutes`" (negative: in the past) on this database,
    /// in the timestamp format the application reads back.
    pub fn sql_now_plus_minutes(&self, minutes: i64) -> String {
        match self.db.get_database_backend() {
            sea_orm::DbBackend::Postgres => format!("now() + interval '{minutes} minutes'"),
            _ => format!("strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now', '{minutes:+} minutes')"),
        }
    }

    pub async fn exec(&self, sql: &str) {
        self.db.execute_unprepared(sql).await.unwrap();
    }

    /// The first column of the first row as text.
    pub async fn text(&self, sql: &str) -> String {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(self.db.get_database_backend(), sql.to_string()))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no row for {sql}"));
        row.try_get_by_index::<String>(0).unwrap()
    }

    /// The `CurrentUser` a request of `who` would get, through the real login and session code.
    pub async fn signed_in(&self, who: &str) -> app::auth::session::CurrentUser {
        let settings = Settings { captcha_enabled: false, ..Settings::default() };
        let jobs = app::jobs::Jobs::new(self.db.clone());
        let state =
            AppState { db: self.db.clone(), settings: std::sync::Arc::new(settings), jobs, kb: Default::default() };
        let mut meta = RequestMeta { ip: "10.0.0.9".into(), user_agent: None, token: None };
        let input = app::auth::LoginInput { admin_id: who.into(), password: PW.into(), ..Default::default() };
        let (_, token) = app::auth::login::login(&state, &meta, input).await.unwrap();
        meta.token = Some(token);
        authenticate(&state, &meta).await.unwrap()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(self.db.get_database_backend(), sql.to_string()))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<i64>(0).unwrap()
    }
}

/// A browser-like client: keeps the session cookie, sends JSON to server functions. A clone
/// is the same session in another tab (for parallel requests).
#[derive(Clone)]
pub struct Client {
    router: Router,
    pub cookie: Option<String>,
    pub ip: IpAddr,
}

impl Client {
    fn request(&self, method: &str, path: &str, body: Body, json: bool) -> Request<Body> {
        let mut b = Request::builder().method(method).uri(path).header(header::HOST, "crm.test");
        if json {
            b = b.header(header::CONTENT_TYPE, "application/json");
        }
        if let Some(c) = &self.cookie {
            b = b.header(header::COOKIE, c);
        }
        let mut req = b.body(body).unwrap();
        req.extensions_mut().insert(ConnectInfo(SocketAddr::new(self.ip, 40000)));
        req
    }

    /// The same session, its requests sent to `router` (another server instance).
    pub fn via(&self, router: &Router) -> Client {
        Client { router: router.clone(), cookie: self.cookie.clone(), ip: self.ip }
    }

    /// Calls the server function at `/api/{endpoint}` with a JSON body.
    pub async fn call(&mut self, endpoint: &str, body: Value) -> (StatusCode, Value) {
        let req = self.request("POST", &format!("/api/{endpoint}"), Body::from(body.to_string()), true);
        self.send(req).await
    }

    pub async fn send(&mut self, req: Request<Body>) -> (StatusCode, Value) {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            if let Some(pair) = v.split(';').next()
                && pair.starts_with("crm_session=")
            {
                self.cookie = if v.contains("Max-Age=0") { None } else { Some(pair.to_string()) };
            }
        }
        let bytes = axum::body::to_bytes(res.into_body(), 4 << 20).await.unwrap();
        let value =
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, value)
    }

    /// A POST of raw bytes (a file upload as the browser's `fetch` sends it).
    pub async fn post_bytes(&mut self, path: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        let req = self.request("POST", path, Body::from(bytes), false);
        self.send(req).await
    }

    /// Uploads `bytes` to `path` and waits for the job it starts; answers the job's last state
    /// (or the refusal of the upload itself).
    pub async fn upload_and_wait(&mut self, path: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        let (status, job) = self.post_bytes(path, bytes).await;
        if status != StatusCode::OK {
            return (status, job);
        }
        (status, self.wait_job(&job).await)
    }

    /// A GET of a file: status, body and Content-Disposition.
    pub async fn get_file(&mut self, path: &str) -> (StatusCode, Vec<u8>, String) {
        let req = self.request("GET", path, Body::empty(), false);
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let disposition =
            res.headers().get(header::CONTENT_DISPOSITION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        (status, axum::body::to_bytes(res.into_body(), 256 << 20).await.unwrap().to_vec(), disposition)
    }

    /// Polls a background job (export, import) until it ends; returns its last status.
    pub async fn wait_job(&mut self, job: &Value) -> Value {
        let id = job["id"].as_str().expect("job id").to_string();
        for _ in 0..600 {
            let (status, s) = self.call("jobs/status", serde_json::json!({ "id": id })).await;
            assert_eq!(status, StatusCode::OK, "{s}");
            if s["state"] != "running" {
                return s;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("job {id} did not finish");
    }

    /// A page load as a browser makes it (`Accept: text/html`).
    pub async fn get(&mut self, path: &str) -> (StatusCode, String) {
        let mut req = self.request("GET", path, Body::empty(), false);
        req.headers_mut().insert(header::ACCEPT, "text/html".parse().unwrap());
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let location = res.headers().get(header::LOCATION).map(|l| l.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(res.into_body(), 8 << 20).await.unwrap();
        (status, location.unwrap_or_else(|| String::from_utf8_lossy(&bytes).into()))
    }

    pub async fn login(&mut self, admin_id: &str, password: &str) -> (StatusCode, Value) {
        self.call(
            "auth/login",
            serde_json::json!({"input": {"admin_id": admin_id, "password": password, "captcha_id": "", "captcha_answer": ""}}),
        )
        .await
    }
}

/// A CSV file (UTF-8 with BOM, as Excel saves it) of `lines`.
pub fn csv(lines: &[&str]) -> Vec<u8> {
    format!("\u{feff}{}\n", lines.join("\n")).into_bytes()
}

/// The zh message of a `Rejected` error body.
pub fn rejected(v: &Value) -> String {
    v["Rejected"]["zh"].as_str().unwrap_or_default().to_string()
}

/// The zh message of field `f` in a `Validation` error body.
pub fn field_error(v: &Value, f: &str) -> Option<String> {
    v["Validation"]
        .as_array()?
        .iter()
        .find(|e| e["field"] == f)
        .map(|e| e["message"]["zh"].as_str().unwrap().to_string())
}
