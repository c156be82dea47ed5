//! Deterministic member data: the demo data of a first run (a few thousand members with
//! contacts, service records, published info and push logs) and the scale data set of
//! `cargo xtask seed --members N` (same generator, bulk inserted). Rows the CRM would have
//! received from CM are marked as CM-synced; service records from before the CRM are
//! `source_kind = 'legacy'` (imported history with a summary, no source request).
use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Timelike, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::{Alias, Expr, InsertStatement, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, TransactionTrait, Value};

use super::search::{company_norm, digits, grams, normalize};
use crate::auth::entity::{account, industry, organization, organization_region, region, role};
use crate::error::{AppError, AppResult};

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub members: u64,
    /// Average service records per member (uniform 0..=2×avg).
    pub records_per_member: u64,
    /// Contacts, published info and push logs as well (demo data).
    pub extras: bool,
}

const SHOP: [(&str, &str); 48] = [
    ("云", "yun"),
    ("帆", "fan"),
    ("华", "hua"),
    ("信", "xin"),
    ("达", "da"),
    ("通", "tong"),
    ("盛", "sheng"),
    ("鑫", "xin"),
    ("泰", "tai"),
    ("恒", "heng"),
    ("瑞", "rui"),
    ("祥", "xiang"),
    ("宏", "hong"),
    ("远", "yuan"),
    ("新", "xin"),
    ("锦", "jin"),
    ("博", "bo"),
    ("安", "an"),
    ("康", "kang"),
    ("佳", "jia"),
    ("诚", "cheng"),
    ("德", "de"),
    ("美", "mei"),
    ("嘉", "jia"),
    ("和", "he"),
    ("利", "li"),
    ("丰", "feng"),
    ("源", "yuan"),
    ("昌", "chang"),
    ("隆", "long"),
    ("兴", "xing"),
    ("旺", "wang"),
    ("腾", "teng"),
    ("飞", "fei"),
    ("宇", "yu"),
    ("鼎", "ding"),
    ("汇", "hui"),
    ("金", "jin"),
    ("辉", "hui"),
    ("明", "ming"),
    ("星", "xing"),
    ("海", "hai"),
    ("润", "run"),
    ("泽", "ze"),
    ("创", "chuang"),
    ("启", "qi"),
    ("航", "hang"),
    ("众", "zhong"),
];

const TRADES: [&str; 20] = [
    "电子科技",
    "贸易",
    "实业",
    "机械设备",
    "纺织品",
    "服装",
    "五金制品",
    "塑料制品",
    "化工",
    "食品",
    "家具",
    "照明电器",
    "建材",
    "包装材料",
    "进出口",
    "汽车配件",
    "医疗器械",
    "工艺品",
    "电气",
    "新材料",
];

const SUFFIXES: [(&str, u32); 5] =
    [("有限公司", 70), ("股份有限公司", 10), ("厂", 10), ("有限责任公司", 5), ("商行", 5)];
const SURNAMES: &str =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢";
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉国庆春燕志鹏宇浩然晨阳欣怡思远";
const AREA_CODES: [&str; 16] = [
    "010", "020", "021", "022", "023", "025", "027", "028", "0371", "0512", "0571", "0574", "0755", "0757", "0769",
    "0592",
];
const MAIL_HOSTS: [&str; 5] = ["163.com", "qq.com", "126.com", "sina.com", "aliyun.com"];
/// Provinces weighted by trading activity (GB/T 2260 code, weight); the rest share weight 1.
const PROVINCE_WEIGHTS: [(&str, u32); 8] = [
    ("440000", 18),
    ("330000", 12),
    ("320000", 12),
    ("310000", 8),
    ("370000", 7),
    ("350000", 6),
    ("110000", 6),
    ("510000", 4),
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn weighted<'a>(rng: &mut StdRng, items: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut x = rng.random_range(0..total);
    for (v, w) in items {
        if x < *w {
            return v;
        }
        x -= w;
    }
    items[0].0
}

fn chance(rng: &mut StdRng, percent: u32) -> bool {
    rng.random_range(0..100) < percent
}

fn person(rng: &mut StdRng) -> String {
    let s: Vec<char> = SURNAMES.chars().collect();
    let g: Vec<char> = GIVEN.chars().collect();
    let mut name = pick(rng, &s).to_string();
    for _ in 0..rng.random_range(1..=2) {
        name.push(*pick(rng, &g));
    }
    name
}

/// The places, trees, organisations and agents the generator draws from.
struct World {
    /// (province, city, district, city short name), weighted by province.
    places: Vec<(i64, i64, i64, String)>,
    place_weights: Vec<u32>,
    industries: Vec<(i64, i64, i64, String)>,
    hq: i64,
    cs_dept: i64,
    /// region id → covering rep office
    coverage: HashMap<i64, i64>,
    /// org id → accounts that serve its members; company CS for HQ.
    agents: HashMap<i64, Vec<i64>>,
}

async fn load_world(db: &DatabaseConnection) -> AppResult<World> {
    let regions: HashMap<i64, region::Model> =
        region::Entity::find().all(db).await?.into_iter().map(|r| (r.id, r)).collect();
    let mut places = vec![];
    let mut place_weights = vec![];
    for d in regions.values().filter(|r| r.level == 3) {
        let Some(city) = d.parent_id.and_then(|p| regions.get(&p)) else { continue };
        let Some(prov) = city.parent_id.and_then(|p| regions.get(&p)) else { continue };
        let w = PROVINCE_WEIGHTS.iter().find(|p| p.0 == prov.code).map(|p| p.1 * 20).unwrap_or(1);
        // Company names start with the short city name (the county's under 省直辖县级行政区划).
        let short: String = if city.name.contains("直辖") {
            d.name.chars().take(2).collect()
        } else if city.name.ends_with("自治州") || city.name.ends_with("地区") || city.name.ends_with('盟') {
            city.name.chars().take(2).collect()
        } else {
            city.name.trim_end_matches('市').to_string()
        };
        places.push((prov.id, city.id, d.id, short));
        place_weights.push(w);
    }
    places.sort();
    let inds: HashMap<i64, industry::Model> =
        industry::Entity::find().all(db).await?.into_iter().map(|r| (r.id, r)).collect();
    let mut industries: Vec<(i64, i64, i64, String)> = inds
        .values()
        .filter(|i| i.level == 3)
        .filter_map(|l3| {
            let l2 = inds.get(&l3.parent_id?)?;
            Some((l2.parent_id?, l2.id, l3.id, l3.name.clone()))
        })
        .collect();
    industries.sort();
    let orgs = organization::Entity::find().all(db).await?;
    let by_code = |code: &str| orgs.iter().find(|o| o.code == code).map(|o| o.id);
    let hq = by_code("HQ").ok_or_else(|| AppError::internal("HQ missing"))?;
    let cs_dept = by_code("CS").unwrap_or(hq);
    let coverage = organization_region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.region_id, c.organization_id))
        .collect();
    let mut agents: HashMap<i64, Vec<i64>> = HashMap::new();
    // Quality inspectors do not serve members.
    let qa_roles: Vec<i64> =
        role::Entity::find().all(db).await?.into_iter().filter(|r| r.code == "cs_qa").map(|r| r.id).collect();
    for a in account::Entity::find().all(db).await?.into_iter().filter(|a| !qa_roles.contains(&a.role_id)) {
        let key = if a.role_category == "rep_office_cs_admin" {
            a.organization_id
        } else if a.role_category == "company_cs_admin" {
            hq
        } else {
            continue;
        };
        agents.entry(key).or_default().push(a.id);
    }
    if agents.get(&hq).is_none_or(Vec::is_empty) {
        return Err(AppError::internal("no company CS account to serve members"));
    }
    Ok(World { places, place_weights, industries, hq, cs_dept, coverage, agents })
}

const CUSTOMER_COLS: [&str; 45] = [
    "id",
    "customer_no",
    "cm_member_id",
    "customer_type",
    "company_name",
    "company_name_norm",
    "login_name",
    "login_name_key",
    "registered_email",
    "email_key",
    "contact_name",
    "phone_fixed",
    "phone_mobile",
    "region_province_id",
    "region_city_id",
    "region_district_id",
    "address",
    "industry_l1_id",
    "industry_l2_id",
    "industry_l3_id",
    "organization_id",
    "enterprise_status",
    "enterprise_category",
    "member_level",
    "business_category",
    "platform_registered_at",
    "service_start_date",
    "service_end_date",
    "push_enabled",
    "registration_source",
    "has_avatar",
    "member_points",
    "info_source",
    "entry_method",
    "review_status",
    "fulfilment_status",
    "fulfilment_progress",
    "last_service_at",
    "cm_synced_at",
    "name_grams",
    "login_grams",
    "email_grams",
    "phone_grams",
    "created_at",
    "updated_at",
];

const RECORD_COLS: [&str; 18] = [
    "id",
    "customer_id",
    "source_kind",
    "source_id",
    "service_type",
    "service_mode",
    "service_dept",
    "organization_id",
    "agent_id",
    "service_at",
    "service_result",
    "summary",
    "member_level_snapshot",
    "customer_org_snapshot_id",
    "qa_status",
    "qa_result",
    "created_at",
    "updated_at",
];

/// Rows for one table, inserted in multi-row statements under the bind-parameter limit.
struct Rows {
    table: &'static str,
    cols: &'static [&'static str],
    rows: Vec<Vec<Value>>,
}

impl Rows {
    fn new(table: &'static str, cols: &'static [&'static str]) -> Self {
        Self { table, cols, rows: vec![] }
    }

    fn push(&mut self, row: impl Into<Vec<Value>>) {
        self.rows.push(row.into());
    }

    async fn flush(&mut self, db: &impl ConnectionTrait) -> AppResult<()> {
        let per_statement = (30_000 / self.cols.len()).max(1);
        for chunk in std::mem::take(&mut self.rows).chunks(per_statement) {
            let mut q: InsertStatement = Query::insert();
            q.into_table(Alias::new(self.table)).columns(self.cols.iter().map(|c| Alias::new(*c)));
            for row in chunk {
                q.values_panic(row.iter().map(|v| Expr::val(v.clone())));
            }
            db.execute(&q).await?;
        }
        Ok(())
    }
}

async fn max_id(db: &impl ConnectionTrait, table: &str) -> AppResult<i64> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}"),
        ))
        .await?;
    Ok(row.map(|r| r.try_get::<i64>("", "m")).transpose()?.unwrap_or(0))
}

/// Generates `scale` deterministically (same seed, same data) on top of what exists. Calls
/// `progress(members_done)` after every batch.
pub async fn generate(
    db: &DatabaseConnection,
    scale: Scale,
    seed: u64,
    mut progress: impl FnMut(u64),
) -> AppResult<()> {
    let world = load_world(db).await?;
    let mut rng = StdRng::seed_from_u64(seed);
    let now = Utc::now().with_nanosecond(0).expect("whole second");
    let today = (now + Duration::hours(8)).date_naive();
    let mut next_customer = max_id(db, "customer").await? + 1;
    let mut next_record = max_id(db, "service_record").await? + 1;
    let mut extras = Extras::new(db).await?;
    let batch = 500u64;
    let mut done = 0u64;
    while done < scale.members {
        let n = batch.min(scale.members - done);
        let mut customers = Rows::new("customer", &CUSTOMER_COLS);
        let mut records = Rows::new("service_record", &RECORD_COLS);
        for _ in 0..n {
            let id = next_customer;
            next_customer += 1;
            let m = member(&mut rng, &world, id, now, today);
            let mut last: Option<DateTime<Utc>> = None;
            let count = rng.random_range(0..=2 * scale.records_per_member);
            for _ in 0..count {
                let rec = record(&mut rng, &world, &m, next_record, now);
                last = last.max(Some(rec.1));
                records.push(rec.0);
                next_record += 1;
            }
            if scale.extras {
                extras.add(&mut rng, &m, now);
            }
            customers.push(m.values(last));
        }
        let txn = db.begin().await?;
        customers.flush(&txn).await?;
        records.flush(&txn).await?;
        extras.flush(&txn).await?;
        txn.commit().await?;
        done += n;
        progress(done);
    }
    if db.get_database_backend() == DbBackend::Postgres {
        for t in ["customer", "service_record", "contact", "published_info", "info_push_log"] {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), GREATEST((SELECT MAX(id) FROM {t}), 1))"
            ))
            .await?;
        }
    }
    Ok(())
}

/// One generated member, kept for its service records and extras.
struct Member {
    id: i64,
    org: i64,
    level: Option<&'static str>,
    industry: (i64, i64, i64),
    email: Option<String>,
    push: bool,
    service_start: Option<NaiveDate>,
    vals: Vec<Value>,
}

impl Member {
    fn values(mut self, last: Option<DateTime<Utc>>) -> Vec<Value> {
        self.vals[37] = last.into();
        self.vals
    }
}

fn member(rng: &mut StdRng, w: &World, id: i64, now: DateTime<Utc>, today: NaiveDate) -> Member {
    let place = {
        let total: u32 = w.place_weights.iter().sum();
        let mut x = rng.random_range(0..total);
        let mut i = 0;
        while x >= w.place_weights[i] {
            x -= w.place_weights[i];
            i += 1;
        }
        &w.places[i]
    };
    let ind = pick(rng, &w.industries);
    let (a, b) = (pick(rng, &SHOP), pick(rng, &SHOP));
    let company = format!("{}{}{}{}{}", place.3, a.0, b.0, pick(rng, &TRADES), weighted(rng, &SUFFIXES));
    let is_member = chance(rng, 95);
    let login = format!("{}{}{}", a.1, b.1, id);
    let email = chance(rng, 90).then(|| format!("{login}@{}", pick(rng, &MAIL_HOSTS)));
    let mobile = format!("1{}{:09}", rng.random_range(3..=9), rng.random_range(0..1_000_000_000u64));
    let fixed = chance(rng, 60)
        .then(|| format!("{}-{:08}", pick(rng, &AREA_CODES), rng.random_range(10_000_000..100_000_000u64)));
    let level: Option<&'static str> = is_member.then(|| {
        weighted(
            rng,
            &[
                ("free", 40),
                ("ordinary", 25),
                ("gold", 15),
                ("shang_yi_tong", 10),
                ("shang_cheng_tong", 6),
                ("shang_qia_tong", 4),
            ],
        )
    });
    let paid = level.is_some_and(|l| l != "free");
    let registered = now - Duration::minutes(rng.random_range(30 * 1440..365 * 12 * 1440));
    let start = paid.then(|| today - Duration::days(rng.random_range(0..900)));
    let end = start.map(|s| s + Duration::days(365 * rng.random_range(1..=3)));
    let org = [place.2, place.1, place.0].iter().find_map(|r| w.coverage.get(r).copied()).unwrap_or(w.hq);
    let (info_source, entry) = if is_member {
        ("system_captured", "cm_sync")
    } else if chance(rng, 70) {
        ("admin_entered", "manual")
    } else {
        ("buyer_meeting", "buyer_meeting")
    };
    let push = paid && chance(rng, 60);
    let fulfil = paid.then(|| weighted(rng, &[("not_started", 25), ("in_progress", 55), ("completed", 20)]));
    let progress = fulfil.map(|f| match f {
        "not_started" => 0.0,
        "completed" => 100.0,
        _ => f64::from(rng.random_range(5..95)),
    });
    let contact = person(rng);
    let v: Vec<Value> = vec![
        id.into(),
        format!("KH{id:08}").into(),
        is_member.then(|| format!("CM{id:09}")).into(),
        (if is_member { "member" } else { "non_member" }).into(),
        Some(company.clone()).into(),
        company_norm(&company).into(),
        is_member.then(|| login.clone()).into(),
        is_member.then(|| normalize(&login)).into(),
        email.clone().into(),
        email.as_deref().map(normalize).into(),
        Some(contact).into(),
        fixed.clone().into(),
        Some(mobile.clone()).into(),
        Some(place.0).into(),
        Some(place.1).into(),
        Some(place.2).into(),
        Some(format!("{}{}路{}号", place.3, pick(rng, &SHOP).0, rng.random_range(1..999))).into(),
        Some(ind.0).into(),
        Some(ind.1).into(),
        Some(ind.2).into(),
        org.into(),
        is_member
            .then(|| weighted(rng, &[("normal", 85), ("not_activated", 7), ("unreviewed", 5), ("review_rejected", 3)]))
            .into(),
        Some(weighted(rng, &[("buyer", 35), ("supplier", 45), ("both", 20)])).into(),
        level.into(),
        Some(ind.3.clone()).into(),
        is_member.then_some(registered).into(),
        start.into(),
        end.into(),
        push.into(),
        is_member
            .then(|| {
                weighted(rng, &[("main_site", 55), ("regional_platform", 25), ("admin", 12), ("auto_captured", 8)])
            })
            .into(),
        chance(rng, 50).into(),
        is_member.then(|| rng.random_range(0..5000)).into(),
        info_source.into(),
        entry.into(),
        "approved".into(),
        fulfil.into(),
        progress.into(),
        Option::<DateTime<Utc>>::None.into(),
        is_member.then_some(now).into(),
        grams(&company).into(),
        (if is_member { grams(&login) } else { String::new() }).into(),
        email.as_deref().map(grams).unwrap_or_default().into(),
        grams(&format!("{} {}", digits(&mobile), fixed.as_deref().map(digits).unwrap_or_default())).into(),
        registered.into(),
        now.into(),
    ];
    Member { id, org, level, industry: (ind.0, ind.1, ind.2), email, push, service_start: start, vals: v }
}

const SUMMARIES: [(&str, &[&str]); 4] = [
    (
        "consultation",
        &[
            "咨询如何发布产品信息",
            "咨询会员续费流程及优惠",
            "咨询商易通服务内容",
            "咨询询盘回复方法",
            "咨询账号绑定手机号",
        ],
    ),
    ("complaint", &["投诉收到大量垃圾询盘", "投诉产品信息审核过慢", "投诉推送信息与行业不符"]),
    ("callback", &["服务开通确认回访,会员表示满意", "平台使用培训回访,讲解发布技巧", "续费提醒回访,会员考虑中"]),
    ("email", &["发送服务开通邮件", "发送本周采购信息推送", "发送广交会采购信息邮件"]),
];

fn record(rng: &mut StdRng, w: &World, m: &Member, id: i64, now: DateTime<Utc>) -> ([Value; 18], DateTime<Utc>) {
    let kind = weighted(rng, &[("consultation", 40), ("complaint", 10), ("callback", 30), ("email", 20)]);
    let request = matches!(kind, "consultation" | "complaint");
    let mode = if request && chance(rng, 90) { "reactive" } else { "proactive" };
    let (org, dept) = match w.agents.get(&m.org) {
        Some(_) if m.org != w.hq && chance(rng, 80) => (m.org, "rep_office_cs"),
        _ => (w.cs_dept, "company_cs"),
    };
    let agent = *pick(rng, &w.agents[&(if dept == "rep_office_cs" { m.org } else { w.hq })]);
    let at = now - Duration::minutes(rng.random_range(10..60 * 24 * 730));
    let summary = pick(rng, SUMMARIES.iter().find(|s| s.0 == kind).expect("kind").1).to_string();
    let inspected = request && chance(rng, 30);
    let v = [
        id.into(),
        m.id.into(),
        "legacy".into(),
        id.into(),
        kind.into(),
        mode.into(),
        dept.into(),
        org.into(),
        agent.into(),
        at.into(),
        (if chance(rng, 85) { "completed" } else { "incomplete" }).into(),
        Some(summary).into(),
        m.level.into(),
        m.org.into(),
        request.then_some(if inspected { "inspected" } else { "not_inspected" }).into(),
        inspected.then(|| if chance(rng, 90) { "correct" } else { "incorrect" }).into(),
        at.into(),
        at.into(),
    ];
    (v, at)
}

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
struct Extras {
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
    async fn new(db: &impl ConnectionTrait) -> AppResult<Self> {
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

    fn add(&mut self, rng: &mut StdRng, m: &Member, now: DateTime<Utc>) {
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

    async fn flush(&mut self, db: &impl ConnectionTrait) -> AppResult<()> {
        self.contacts.flush(db).await?;
        self.published.flush(db).await?;
        self.pushes.flush(db).await
    }
}
