//! `seed-kb` and `bench-kb`: the knowledge base at 10,000 articles, through the HTTP routes the
//! pages call (the server's router in process: session, JSON, the server functions) — the
//! index built from the database, 关键字搜索 over a mixed set of queries (1–6 characters,
//! Chinese, Latin, digits, several terms, phrases, full-width forms, symbols) and the
//! suggestions of a request being typed, character by character.
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use axum::body::Body;
use axum::extract::ConnectInfo;
use http::{Request, header};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::{count, ms, percentile};

fn err(e: app::error::AppError) -> anyhow::Error {
    anyhow!("{}", e.message(app::i18n::Locale::Zh))
}

/// `seed-kb --articles N`: the demo accounts and N generated articles.
pub async fn seed_kb(url: &str, articles: u64) -> Result<()> {
    let db = crate::connect(url).await?;
    app::seed::first_run(&db, true).await.map_err(err)?;
    let t = Instant::now();
    let n = app::kb::demo::generate(&db, articles, 20261212).await.map_err(err)?;
    println!("seeded {n} articles in {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

struct Http {
    router: axum::Router,
    cookie: String,
}

impl Http {
    async fn post(&self, path: &str, body: Value) -> Result<(Duration, Value)> {
        let req = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::HOST, "crm.bench")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, &self.cookie)
            .body(Body::from(body.to_string()))?;
        let mut req = req;
        req.extensions_mut().insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 40000))));
        let t = Instant::now();
        let res = self.router.clone().oneshot(req).await?;
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), 16 << 20).await?;
        let took = t.elapsed();
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("{path} answered {status}: {value}");
        }
        Ok((took, value))
    }
}

async fn sign_in(router: axum::Router) -> Result<Http> {
    let req = Request::builder()
        .method("POST")
        .uri("/api/auth/login")
        .header(header::HOST, "crm.bench")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"input": {"admin_id": "agent", "password": app::seed::DEMO_PASSWORD, "captcha_id": "", "captcha_answer": ""}})
                .to_string(),
        ))?;
    let mut req = req;
    req.extensions_mut().insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 40000))));
    let res = router.clone().oneshot(req).await?;
    if !res.status().is_success() {
        bail!("login answered {}", res.status());
    }
    let cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next().filter(|p| p.starts_with("crm_session=")).map(str::to_string))
        .context("no session cookie")?;
    Ok(Http { router, cookie })
}

fn p95(mut samples: Vec<Duration>) -> f64 {
    samples.sort_unstable();
    ms(percentile(&samples, 95.0))
}

pub async fn bench_kb(url: &str, runs: usize) -> Result<()> {
    let db = crate::connect(url).await?;
    let articles = count(&db, "SELECT COUNT(*) FROM kb_article WHERE deleted_at IS NULL").await?;
    println!("data: {articles} articles");
    let settings = app::state::Settings { captcha_enabled: false, ..Default::default() };
    let config = crate::Config {
        addr: "127.0.0.1:0".parse()?,
        database_url: String::new(),
        site_root: "target/site".into(),
        demo: false,
        settings: settings.clone(),
    };
    let (router, kb) = crate::router_with_kb(&config, db.clone(), settings);

    // The index of every article, from the database.
    let t = Instant::now();
    let indexed = kb.refresh(&db).await.map_err(err)?;
    let index_s = t.elapsed().as_secs_f64();
    println!("indexed {indexed} articles in {index_s:.2} s");

    let http = sign_in(router).await?;
    let queries = app::kb::demo::bench_queries(240, 7);
    let mut samples = vec![];
    let mut zero = 0;
    let mut slowest: Vec<(Duration, String)> = vec![];
    for run in 0..=runs {
        for q in &queries {
            let (took, out) =
                http.post("/api/kb/search", json!({"input": {"q": q, "page": 1, "panel": false}})).await?;
            // The first pass warms the caches.
            if run > 0 {
                samples.push(took);
                slowest.push((took, q.clone()));
            } else if out["total"] == 0 {
                zero += 1;
            }
        }
    }
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    println!("search: {} queries × {runs} runs, {zero} queries without a result", queries.len());
    for (d, q) in slowest.iter().take(5) {
        println!("  {:>7.2} ms  {q}", ms(*d));
    }

    // Suggestions as a request is typed: each prefix of a few sentences, from 2 characters.
    let texts = app::kb::demo::bench_requests(12, 11);
    let mut typed = vec![];
    for run in 0..=runs.min(3) {
        for text in &texts {
            let chars: Vec<char> = text.chars().collect();
            for n in (2..=chars.len()).step_by(2) {
                let prefix: String = chars[..n].iter().collect();
                let (took, _) = http.post("/api/kb/suggest", json!({"text": prefix})).await?;
                if run > 0 {
                    typed.push(took);
                }
            }
        }
    }
    let search_p95 = p95(samples);
    let suggest_p95 = p95(typed.clone());
    println!("suggest: {} prefixes typed", typed.len());
    println!(
        "summary search_p95_ms={search_p95:.2} suggest_p95_ms={suggest_p95:.2} index_10k_s={:.2} queries={} articles={articles}",
        index_s * 10_000.0 / (indexed.max(1) as f64),
        queries.len()
    );
    Ok(())
}
