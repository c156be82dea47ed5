//! Deterministic member data: the demo data of a first run (a few thousand members with
//! contacts, service records, published info and push logs) and the scale data set of
//! `cargo xtask seed --members N` (same generator, bulk inserted). Rows the CRM would have
//! received from CM are marked as CM-synced; service records from before the CRM are
//! `source_kind = 'legacy'` (imported history with a summary, no source request).
use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{DatabaseConnection, EntityTrait, Value};

mod extras;

use super::bulk::{CustomerRow, Rows, max_id, sync_sequence};
use super::enums::{MemberLevel, ServiceResult, SourceKind};
use crate::auth::RoleCategory;
use crate::auth::entity::{account, industry, organization, organization_region, region, role};
use crate::error::{AppError, AppResult};
use extras::Extras;

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub members: u64,
    /// Average service records per member (uniform 0..=2×avg).
    pub records_per_member: u64,
    /// Contacts, published info and push logs as well (demo data).
    pub extras: bool,
}

pub(super) const SHOP: [(&str, &str); 48] = [
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

pub(super) fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

pub(super) fn weighted<'a>(rng: &mut StdRng, items: &[(&'a str, u32)]) -> &'a str {
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

pub(super) fn chance(rng: &mut StdRng, percent: u32) -> bool {
    rng.random_range(0..100) < percent
}

pub(super) fn person(rng: &mut StdRng) -> String {
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
    let mut weighted = vec![];
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
        weighted.push(((prov.id, city.id, d.id, short), w));
    }
    // Sorted with their weights (the map's order differs in each process; a seed is a data set).
    weighted.sort();
    let (places, place_weights): (Vec<_>, Vec<_>) = weighted.into_iter().unzip();
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
    let qa_roles: Vec<i64> = role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|r| r.role_code() == Some(crate::auth::RoleCode::CsQa))
        .map(|r| r.id)
        .collect();
    for a in account::Entity::find().all(db).await?.into_iter().filter(|a| !qa_roles.contains(&a.role_id)) {
        let key = match RoleCategory::from_code(&a.role_category) {
            Some(RoleCategory::RepOfficeCsAdmin) => a.organization_id,
            Some(RoleCategory::CompanyCsAdmin) => hq,
            _ => continue,
        };
        agents.entry(key).or_default().push(a.id);
    }
    if agents.get(&hq).is_none_or(Vec::is_empty) {
        return Err(AppError::internal("no company CS account to serve members"));
    }
    Ok(World { places, place_weights, industries, hq, cs_dept, coverage, agents })
}

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
        let mut customers = Rows::new("customer", &CustomerRow::COLUMNS);
        let mut records = Rows::new("service_record", &RECORD_COLS);
        for _ in 0..n {
            let id = next_customer;
            next_customer += 1;
            let m = member(&mut rng, &world, id, now, today);
            let mut last: Option<DateTime<Utc>> = None;
            let mut last_callback: Option<(DateTime<Utc>, &'static str)> = None;
            let count = rng.random_range(0..=2 * scale.records_per_member);
            for _ in 0..count {
                let (values, at, content) = record(&mut rng, &world, &m, next_record, now);
                last = last.max(Some(at));
                if let Some(content) = content
                    && last_callback.is_none_or(|(t, _)| at > t)
                {
                    last_callback = Some((at, content));
                }
                records.push(values);
                next_record += 1;
            }
            if scale.extras {
                extras.add(&mut rng, &m, now);
            }
            customers.push(m.values(last, last_callback));
        }
        let txn = crate::db::write_txn(db).await?;
        customers.flush(&txn, None, &|_| {}).await?;
        records.flush(&txn, None, &|_| {}).await?;
        extras.flush(&txn).await?;
        txn.commit().await?;
        done += n;
        progress(done);
    }
    for t in ["customer", "service_record", "contact", "published_info", "info_push_log"] {
        sync_sequence(db, t).await?;
    }
    // Every paid member's service year, its items delivered as a service team would have.
    crate::fulfilment::demo::open_years(db, today, Some(seed), |_| {}).await?;
    Ok(())
}

/// One generated member, kept for its service records and extras.
pub(super) struct Member {
    pub(super) id: i64,
    org: i64,
    pub(super) level: Option<&'static str>,
    pub(super) industry: (i64, i64, i64),
    pub(super) email: Option<String>,
    pub(super) push: bool,
    pub(super) service_start: Option<NaiveDate>,
    row: CustomerRow,
}

impl Member {
    fn values(
        mut self,
        last: Option<DateTime<Utc>>,
        last_callback: Option<(DateTime<Utc>, &'static str)>,
    ) -> Vec<Value> {
        self.row.last_service_at = last;
        self.row.last_callback_at = last_callback.map(|c| c.0);
        self.row.last_callback_content = last_callback.map(|c| c.1);
        self.row.values()
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
    let paid = level.and_then(MemberLevel::parse).is_some_and(MemberLevel::is_paid);
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
    // Drawn only to keep the generator's sequence (and so every later demo member) as it
    // was: 履约状态 now comes from the member's service year (`fulfilment::periods`).
    let fulfil = paid.then(|| weighted(rng, &[("not_started", 25), ("in_progress", 55), ("completed", 20)]));
    if fulfil == Some("in_progress") {
        let _ = rng.random_range(5..95);
    }
    let contact = person(rng);
    let row = CustomerRow {
        id,
        cm_member_id: is_member.then(|| format!("CM{id:09}")),
        customer_type: if is_member { "member" } else { "non_member" },
        company_name: company,
        login_name: is_member.then_some(login),
        registered_email: email.clone(),
        contact_name: Some(contact),
        phone_fixed: fixed,
        phone_mobile: Some(mobile),
        region: [Some(place.0), Some(place.1), Some(place.2)],
        address: Some(format!("{}{}路{}号", place.3, pick(rng, &SHOP).0, rng.random_range(1..999))),
        industry: [Some(ind.0), Some(ind.1), Some(ind.2)],
        organization_id: org,
        enterprise_status: is_member
            .then(|| weighted(rng, &[("normal", 85), ("not_activated", 7), ("unreviewed", 5), ("review_rejected", 3)])),
        enterprise_category: Some(weighted(rng, &[("buyer", 35), ("supplier", 45), ("both", 20)])),
        member_level: level,
        business_category: Some(ind.3.clone()),
        platform_registered_at: is_member.then_some(registered),
        service_start_date: start,
        service_end_date: end,
        push_enabled: push,
        registration_source: is_member.then(|| {
            weighted(rng, &[("main_site", 55), ("regional_platform", 25), ("admin", 12), ("auto_captured", 8)])
        }),
        has_avatar: chance(rng, 50),
        member_points: is_member.then(|| rng.random_range(0..5000)),
        info_source,
        entry_method: entry,
        last_service_at: None,
        cm_synced_at: is_member.then_some(now),
        created_at: registered,
        updated_at: now,
        ..Default::default()
    };
    Member { id, org, level, industry: (ind.0, ind.1, ind.2), email, push, service_start: start, row }
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
    ("callback", &[CALLBACK_CONTENTS[0].0, CALLBACK_CONTENTS[1].0, CALLBACK_CONTENTS[2].0]),
    ("email", &["发送服务开通邮件", "发送本周采购信息推送", "发送广交会采购信息邮件"]),
];

/// The generated callbacks' summaries with their 回访内容 (E-25).
const CALLBACK_CONTENTS: [(&str, &str); 3] = [
    ("服务开通确认回访,会员表示满意", "service_activation_confirm"),
    ("平台使用培训回访,讲解发布技巧", "platform_training"),
    ("续费提醒回访,会员考虑中", "renewal_reminder"),
];

/// A generated service record: its values, its time and — a callback — its 回访内容.
fn record(
    rng: &mut StdRng,
    w: &World,
    m: &Member,
    id: i64,
    now: DateTime<Utc>,
) -> ([Value; 18], DateTime<Utc>, Option<&'static str>) {
    let kind = weighted(rng, &[("consultation", 32), ("complaint", 8), ("callback", 35), ("email", 25)]);
    let request = matches!(kind, "consultation" | "complaint");
    let mode = if request && chance(rng, 90) { "reactive" } else { "proactive" };
    let (org, dept) = match w.agents.get(&m.org) {
        Some(_) if m.org != w.hq && chance(rng, 80) => (m.org, "rep_office_cs"),
        _ => (w.cs_dept, "company_cs"),
    };
    let agent = *pick(rng, &w.agents[&(if dept == "rep_office_cs" { m.org } else { w.hq })]);
    let at = now - Duration::minutes(rng.random_range(10..60 * 24 * 730));
    let summary = pick(rng, SUMMARIES.iter().find(|s| s.0 == kind).expect("kind").1).to_string();
    let content = CALLBACK_CONTENTS.iter().find(|c| kind == "callback" && c.0 == summary).map(|c| c.1);
    let inspected = request && chance(rng, 30);
    let v = [
        id.into(),
        m.id.into(),
        SourceKind::Legacy.code().into(),
        id.into(),
        kind.into(),
        mode.into(),
        dept.into(),
        org.into(),
        agent.into(),
        at.into(),
        ServiceResult::of(chance(rng, 85)).code().into(),
        Some(summary).into(),
        m.level.into(),
        m.org.into(),
        request.then_some(if inspected { "inspected" } else { "not_inspected" }).into(),
        inspected.then(|| if chance(rng, 90) { "correct" } else { "incorrect" }).into(),
        at.into(),
        at.into(),
    ];
    (v, at, content)
}
