//! `bench-email`: the member e-mail service at scale, by the code the pages and the sender
//! use: queueing a 5,000-recipient batch, delivering 10,000 messages to a loopback SMTP sink
//! (the rate limit raised), the process's memory meanwhile, and the 电话回访关怀 list's first
//! page at the data set's size.
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use app::auth::scope::Scope;
use app::emails::{ComposeInput, MailSettings, Recipients};
use app::members::MemberFilter;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use super::bench_io::peak_rss_mb;
use super::{count, ms, percentile, user};

/// The ids of `n` members with an address, spread over the data set.
async fn members_with_email(db: &DatabaseConnection, n: u64, offset: u64) -> Result<Vec<i64>> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT id FROM customer WHERE registered_email IS NOT NULL AND deleted_at IS NULL \
                 AND review_status = 'approved' ORDER BY id LIMIT {n} OFFSET {offset}"
            ),
        ))
        .await?;
    rows.iter().map(|r| r.try_get_by_index::<i64>(0).map_err(Into::into)).collect()
}

fn batch(only: Vec<i64>) -> ComposeInput {
    ComposeInput {
        kind: "other".into(),
        subject: "{企业名称}:服务通知".into(),
        body_html: "<p>尊敬的{企业名称}({登录名}):</p><p>您的{会员级别}服务到期时间为 {服务到期时间}。</p>".into(),
        recipients: Recipients { filter: MemberFilter::default(), only: Some(only), ..Recipients::default() },
        ..ComposeInput::default()
    }
}

/// Removes what the benchmark wrote (its batches, their recipients and service records).
async fn clean(db: &DatabaseConnection, batches: &[i64]) -> Result<()> {
    if batches.is_empty() {
        return Ok(());
    }
    let ids = batches.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    for sql in [
        format!(
            "DELETE FROM service_record WHERE source_kind = 'email' AND source_id IN \
             (SELECT id FROM email_recipient WHERE batch_id IN ({ids}))"
        ),
        format!("DELETE FROM email_recipient WHERE batch_id IN ({ids})"),
        format!("DELETE FROM email_batch WHERE id IN ({ids})"),
    ] {
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}

pub async fn bench_email(url: &str, runs: usize) -> Result<()> {
    let db = crate::connect(url).await?;
    let members = count(&db, "SELECT COUNT(*) FROM customer").await?;
    println!("data: {members} members");
    let manager = user(&db, "manager").await?;
    let sink = crate::smtp_sink::Sink::start().await?;
    sink.discard();
    let settings = MailSettings {
        host: "127.0.0.1".into(),
        port: sink.port.to_string(),
        tls: "none".into(),
        from_address: "bench@chinasrc.test".into(),
        from_name: "诚商网".into(),
        batch_max: "10000".into(),
        rate_per_minute: "100000".into(),
        ..MailSettings::default()
    };
    app::emails::settings::save(&db, &manager, settings).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut made = vec![];

    // Queueing: 5,000 recipients, one transaction (the 发送 click).
    let ids = members_with_email(&db, 5_000, 0).await?;
    let t = Instant::now();
    let saved =
        app::emails::compose::save(&db, &manager, batch(ids), true).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let queue_s = t.elapsed().as_secs_f64();
    made.push(saved.id);
    println!("queued {} recipients in {queue_s:.2} s", saved.recipient_count);
    if saved.recipient_count != 5_000 {
        bail!("queued {} recipients, not 5000", saved.recipient_count);
    }
    // Out of the way of the delivery run.
    clean(&db, &made).await?;
    made.clear();

    // Delivery: 10,000 messages over SMTP (two batches of 5,000), written back one by one.
    for offset in [5_000, 10_000] {
        let ids = members_with_email(&db, 5_000, offset).await?;
        let saved =
            app::emails::compose::save(&db, &manager, batch(ids), true).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        made.push(saved.id);
    }
    let rss_before = peak_rss_mb();
    let mut sender = app::emails::sender::Sender::new(db.clone());
    sender.rate_override = Some(100_000);
    let t = Instant::now();
    let mut last = Instant::now();
    loop {
        let n = sender.round().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        if n == 0 {
            break;
        }
        if last.elapsed() > Duration::from_secs(10) {
            println!(
                "  {} delivered, {:.0} s, peak RSS {:.0} MB",
                sink.count(),
                t.elapsed().as_secs_f64(),
                peak_rss_mb()
            );
            last = Instant::now();
        }
    }
    let send_s = t.elapsed().as_secs_f64();
    let delivered = sink.count();
    let ids = made.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sent = count(&db, &format!("SELECT SUM(sent_count) FROM email_batch WHERE id IN ({ids})")).await?;
    println!(
        "delivered {delivered} messages in {send_s:.1} s ({sent} recorded sent); peak RSS {rss_before:.0} → {:.0} MB",
        peak_rss_mb()
    );
    if delivered != 10_000 || sent != 10_000 {
        bail!("delivered {delivered}, recorded {sent}: expected 10000");
    }
    let rss = peak_rss_mb();
    clean(&db, &made).await?;
    app::emails::settings::save(
        &db,
        &manager,
        MailSettings {
            port: "465".into(),
            tls: "tls".into(),
            batch_max: "5000".into(),
            rate_per_minute: "60".into(),
            ..MailSettings::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;

    // 电话回访关怀's first page: the plain list, 金牌, 未回访 ≥ 90 天, by 回访内容.
    let text = |s: &str| s.to_string();
    let f = || MemberFilter { view: text("members"), ..MemberFilter::default() };
    let lists = [
        ("全部", f()),
        ("金牌", MemberFilter { level: text("gold"), ..f() }),
        ("未回访90天", MemberFilter { idle_days: text("90"), ..f() }),
        ("续费率约提醒", MemberFilter { callback_content: text("renewal_reminder"), ..f() }),
        ("最近回访排序", MemberFilter { sort: text("callback"), ..f() }),
    ];
    let mut times = vec![];
    for (name, filter) in &lists {
        let filter = app::callbacks::call_list_filter(filter.clone());
        let mut mine = vec![];
        for i in 0..=runs {
            let t = Instant::now();
            app::members::query::list(&db, &filter, &Scope::All).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            if i > 0 {
                mine.push(t.elapsed());
            }
        }
        mine.sort_unstable();
        println!("  call list {name}: p95 {:.2} ms", ms(percentile(&mine, 95.0)));
        times.extend(mine);
    }
    times.sort_unstable();
    let list_p95 = ms(percentile(&times, 95.0));
    println!(
        "summary queue_5k_s={queue_s:.2} send_10k_s={send_s:.1} rss_mb={rss:.0} callbacks_list_p95_ms={list_p95:.2}"
    );
    Ok(())
}
