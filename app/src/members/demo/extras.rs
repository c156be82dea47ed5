//! The demo data around each member: contacts, published items and the info-push log.
use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sea_orm::ConnectionTrait;

use super::{Member, SHOP, chance, person, pick, weighted};
use crate::error::AppResult;
use crate::members::bulk::{Rows, max_id};
use crate::members::search::grams;

const INFO_TITLES: [&str; 10] = [
    "LED 面板灯",
    "不锈钢保温杯",
    "棉质 T 恤衫",
    "工业级 3D 打印机",
    "家用小型发电机",
    "实木餐桌椅",
    "PVC 包装袋",
    "汽车刹车片",
    "医用外科口罩",
    "陶瓷茶具套装",
];

/// Contacts, published info and push logs of the demo data, batched with their members.
pub(super) struct Extras {
    next: [i64; 3],
    contacts: Rows,
    published: Rows,
    pushes: Rows,
}

const CONTACT_COLS: [&str; 10] =
    ["id", "customer_id", "name", "gender", "position", "mobile", "email", "is_primary", "created_at", "updated_at"];
const PUBLISHED_COLS: [&str; 11] = [
    "id",
    "cm_info_id",
    "customer_id",
    "info_type",
    "title",
    "status",
    "industry_l1_id",
    "industry_l2_id",
    "published_at",
    "title_grams",
    "synced_at",
];
const PUSH_COLS: [&str; 14] = [
    "industry_l1_id",
    "industry_l2_id",
    "info_published_at",
    "id",
    "source",
    "cm_log_id",
    "customer_id",
    "recipient_email",
    "sent_at",
    "info_title",
    "info_type",
    "info_status",
    "push_status",
    "synced_at",
];

impl Extras {
    pub(super) async fn new(db: &impl ConnectionTrait) -> AppResult<Self> {
        Ok(Self {
            next: [
                max_id(db, "contact").await? + 1,
                max_id(db, "published_info").await? + 1,
                max_id(db, "info_push_log").await? + 1,
            ],
            contacts: Rows::new("contact", &CONTACT_COLS),
            published: Rows::new("published_info", &PUBLISHED_COLS),
            pushes: Rows::new("info_push_log", &PUSH_COLS),
        })
    }

    pub(super) fn add(&mut self, rng: &mut StdRng, m: &Member, now: DateTime<Utc>) {
        for i in 0..rng.random_range(1..=2) {
            let id = self.next[0];
            self.next[0] += 1;
            let positions = ["总经理", "经理", "外贸专员", "采购", "业务员"];
            self.contacts.push([
                id.into(),
                m.id.into(),
                person(rng).into(),
                Some(if chance(rng, 50) { "male" } else { "female" }).into(),
                Some(pick(rng, &positions).to_string()).into(),
                Some(format!("13{:09}", rng.random_range(0..1_000_000_000u64))).into(),
                m.email.clone().into(),
                (i == 0).into(),
                now.into(),
                now.into(),
            ]);
        }
        if m.level.is_none() {
            return;
        }
        for _ in 0..rng.random_range(0..=6) {
            let id = self.next[1];
            self.next[1] += 1;
            let title = format!("{}{}", pick(rng, &SHOP).0, pick(rng, &INFO_TITLES));
            let kind = weighted(rng, &[("product", 50), ("supply", 30), ("purchase", 20)]);
            self.published.push([
                id.into(),
                format!("PI{id:010}").into(),
                m.id.into(),
                kind.into(),
                title.clone().into(),
                weighted(rng, &[("listed", 75), ("hidden", 10), ("unlisted", 15)]).into(),
                Some(m.industry.0).into(),
                Some(m.industry.1).into(),
                (now - Duration::days(rng.random_range(0..400))).into(),
                grams(&title).into(),
                now.into(),
            ]);
        }
        let (Some(email), true) = (m.email.as_ref(), m.push) else { return };
        let since = m.service_start.map(|d| Utc.from_utc_datetime(&d.and_hms_opt(1, 0, 0).expect("time")));
        for _ in 0..rng.random_range(0..=30) {
            let id = self.next[2];
            self.next[2] += 1;
            let days = since.map(|s| (now - s).num_days().max(1)).unwrap_or(365);
            let sent = now - Duration::days(rng.random_range(0..days));
            // Pushes carry purchase and supply information of the member's own industry.
            self.pushes.push([
                Some(m.industry.0).into(),
                Some(m.industry.1).into(),
                Some(sent - Duration::hours(rng.random_range(2..96))).into(),
                id.into(),
                "cm".into(),
                Some(format!("PL{id:010}")).into(),
                m.id.into(),
                email.clone().into(),
                sent.into(),
                Some(format!("{}{}", pick(rng, &SHOP).0, pick(rng, &INFO_TITLES))).into(),
                Some(weighted(rng, &[("purchase", 60), ("supply", 25), ("product", 15)])).into(),
                Some("listed").into(),
                Some(weighted(rng, &[("sent", 60), ("opened", 35), ("failed", 5)])).into(),
                now.into(),
            ]);
        }
    }

    pub(super) async fn flush(&mut self, db: &impl ConnectionTrait) -> AppResult<()> {
        self.contacts.flush(db, None, &|_| {}).await?;
        self.published.flush(db, None, &|_| {}).await?;
        self.pushes.flush(db, None, &|_| {}).await
    }
}
