//! The filter combinations of `bench members`: each as the 信息查询 page sends it, with the
//! user's scope, and the same customer and record conditions written by hand.
use anyhow::{Context, Result};
use app::auth::scope::Scope;
use app::members::MemberFilter;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, Value};

use super::id_of;

/// The search-index condition as the hand-written SQL says it.
pub const FTS: &str = "c.id IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?)";

/// One benchmark combination: the filter as the page sends it, the user's scope, and the same
/// query written by hand: the customer and record conditions beyond visibility, with values.
#[derive(Clone)]
pub struct Combo {
    pub name: &'static str,
    pub filter: MemberFilter,
    pub scope: Scope,
    pub cust: String,
    pub cust_values: Vec<Value>,
    pub rec: String,
    pub rec_values: Vec<Value>,
}

pub async fn combos(db: &DatabaseConnection) -> Result<Vec<Combo>> {
    let gz = id_of(db, "SELECT id FROM organization WHERE code = 'GZ'").await?;
    let sh = id_of(db, "SELECT id FROM organization WHERE code = 'SH'").await?;
    let zj = id_of(db, "SELECT id FROM region WHERE code = '330000'").await?;
    let ind = id_of(db, "SELECT industry_l1_id FROM customer WHERE industry_l1_id IS NOT NULL LIMIT 1").await?;
    let ind3 =
        id_of(db, "SELECT industry_l3_id FROM customer WHERE industry_l3_id IS NOT NULL LIMIT 1 OFFSET 777").await?;
    let text = |sql: &'static str| async move {
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await?.context("no row")?;
        Ok::<String, anyhow::Error>(row.try_get_by_index::<String>(0)?)
    };
    // Values taken from the data, so every text combination finds its member.
    let name =
        text("SELECT company_name FROM customer WHERE id = 424242 OR id = 4242 ORDER BY id DESC LIMIT 1").await?;
    let name4: String = name.chars().take(4).collect();
    let email =
        text("SELECT registered_email FROM customer WHERE registered_email IS NOT NULL AND id >= 31337 LIMIT 1")
            .await?;
    let mobile = text(
        "SELECT substr(phone_mobile, 1, 7) FROM customer WHERE id >= 271828 OR id = 2718 ORDER BY id DESC LIMIT 1",
    )
    .await?;
    let th = id_of(db, "SELECT region_district_id FROM customer WHERE organization_id = (SELECT id FROM organization WHERE code = 'GZ') AND id >= 5000 LIMIT 1").await?;
    let gzc = id_of(db, &format!("SELECT parent_id FROM region WHERE id = {th}")).await?;
    let gd = id_of(db, &format!("SELECT parent_id FROM region WHERE id = {gzc}")).await?;
    let today = app::cst::today();
    let day = |d: i64| (today - chrono::Duration::days(d)).format("%Y-%m-%d").to_string();
    let start_of = |d: i64| {
        let date = today - chrono::Duration::days(d);
        let t = date.and_hms_opt(0, 0, 0).expect("midnight").and_utc() - chrono::Duration::hours(8);
        Value::from(t)
    };
    let date_of = |d: i64| Value::from(today - chrono::Duration::days(d));
    let idle = |d: i64| Value::from(chrono::Utc::now() - chrono::Duration::days(d));
    let f = MemberFilter::default;
    let fts = FTS;
    // The index's terms: the bigram phrase, and a lone character by itself (鑫 has no bigram;
    // an empty phrase would match nothing and make the reference look 20 times faster).
    let phrase = |col: &str, text: &str| {
        let g = if col == "phone_grams" {
            app::members::search::phone_query_grams(text)
        } else {
            app::members::search::query_grams(text)
        };
        let terms: Vec<String> = std::iter::once(g.phrase.join(" "))
            .filter(|p| !p.is_empty())
            .chain(g.singles)
            .map(|t| format!("\"{t}\""))
            .collect();
        Value::from(format!("{col} : ({})", terms.join(" AND ")))
    };
    let combo = |name, filter, scope, cust: &str, cust_values: Vec<Value>, rec: &str, rec_values: Vec<Value>| Combo {
        name,
        filter,
        scope,
        cust: cust.to_string(),
        cust_values,
        rec: rec.to_string(),
        rec_values,
    };
    let members = |filter: MemberFilter| MemberFilter { view: "members".into(), ..filter };
    let all = || Scope::All;
    let v = vec![
        combo("no filter", f(), all(), "", vec![], "", vec![]),
        combo(
            "company contains 云帆 (2 chars)",
            MemberFilter { company: "云帆".into(), ..f() },
            all(),
            fts,
            vec![phrase("name_grams", "云帆")],
            "",
            vec![],
        ),
        combo(
            "company contains its first 4 chars",
            MemberFilter { company: name4.clone(), ..f() },
            all(),
            fts,
            vec![phrase("name_grams", &name4)],
            "",
            vec![],
        ),
        combo(
            "company contains 电子科技, by member",
            members(MemberFilter { company: "电子科技".into(), ..f() }),
            all(),
            fts,
            vec![phrase("name_grams", "电子科技")],
            "",
            vec![],
        ),
        combo(
            "login name contains xinda12",
            MemberFilter { login: "xinda12".into(), ..f() },
            all(),
            fts,
            vec![phrase("login_grams", "xinda12")],
            "",
            vec![],
        ),
        combo(
            "e-mail exact",
            MemberFilter { email: email.clone(), exact: true, ..f() },
            all(),
            "c.email_key = ?",
            vec![email.clone().into()],
            "",
            vec![],
        ),
        combo(
            "mobile contains 7 digits",
            MemberFilter { phone_mobile: mobile.clone(), ..f() },
            all(),
            &format!(
                "{fts} AND replace(replace(replace(replace(replace(c.phone_mobile, '-', ''), ' ', ''), '(', ''), ')', ''), '+', '') LIKE ?"
            ),
            vec![phrase("phone_grams", &mobile), format!("%{mobile}%").into()],
            "",
            vec![],
        ),
        combo(
            "province of a 广州 member",
            MemberFilter { province: Some(gd), ..f() },
            all(),
            "c.region_province_id = ?",
            vec![gd.into()],
            "",
            vec![],
        ),
        combo(
            "region 省 › 市 › 区 of a 广州 member",
            MemberFilter { province: Some(gd), city: Some(gzc), district: Some(th), ..f() },
            all(),
            "c.region_district_id = ?",
            vec![th.into()],
            "",
            vec![],
        ),
        combo(
            "level 金牌 + province 浙江",
            MemberFilter { level: "gold".into(), province: Some(zj), ..f() },
            all(),
            "c.region_province_id = ? AND c.member_level IN (?)",
            vec![zj.into(), "gold".into()],
            "",
            vec![],
        ),
        combo(
            "level 商系列 + service start range",
            MemberFilter {
                level: "shang_yi_tong,shang_cheng_tong,shang_qia_tong".into(),
                start_from: day(200),
                start_to: day(100),
                ..f()
            },
            all(),
            "c.service_start_date >= ? AND c.service_start_date <= ? AND c.member_level IN (?, ?, ?)",
            vec![
                date_of(200),
                date_of(100),
                "shang_yi_tong".into(),
                "shang_cheng_tong".into(),
                "shang_qia_tong".into(),
            ],
            "",
            vec![],
        ),
        combo(
            "level 金牌 + expired, by member",
            members(MemberFilter { level: "gold".into(), expiry: "expired".into(), ..f() }),
            all(),
            "c.member_level IN (?) AND c.service_end_date < ?",
            vec!["gold".into(), date_of(0)],
            "",
            vec![],
        ),
        combo(
            "service time last 7 days",
            MemberFilter { service_from: day(6), service_to: day(0), ..f() },
            all(),
            "",
            vec![],
            "r.service_at >= ? AND r.service_at < ?",
            vec![start_of(6), start_of(-1)],
        ),
        combo(
            "complaints, not inspected",
            MemberFilter { service_type: "complaint".into(), qa_status: "not_inspected".into(), ..f() },
            all(),
            "",
            vec![],
            "r.service_type = ? AND r.qa_status = ?",
            vec!["complaint".into(), "not_inspected".into()],
        ),
        combo(
            "QA 处理有误 in the last 300 days",
            MemberFilter { qa_result: "incorrect".into(), service_from: day(300), ..f() },
            all(),
            "",
            vec![],
            "r.service_at >= ? AND r.qa_result = ?",
            vec![start_of(300), "incorrect".into()],
        ),
        combo(
            "industry level 3",
            MemberFilter { industry3: Some(ind3), ..f() },
            all(),
            "c.industry_l3_id = ?",
            vec![ind3.into()],
            "",
            vec![],
        ),
        combo(
            "industry level 1 + push set + not expired",
            MemberFilter { industry1: Some(ind), push: "true".into(), expiry: "not_expired".into(), ..f() },
            all(),
            "c.industry_l1_id = ? AND c.service_end_date >= ? AND c.push_enabled = ?",
            vec![ind.into(), date_of(0), true.into()],
            "",
            vec![],
        ),
        combo(
            "organisation 上海代表处 + rep-office CS",
            MemberFilter { org: Some(sh), service_dept: "rep_office_cs".into(), ..f() },
            all(),
            "c.organization_id = ?",
            vec![sh.into()],
            "r.service_dept = ?",
            vec!["rep_office_cs".into()],
        ),
        combo(
            "non-members from buyer meetings, by member",
            members(MemberFilter { customer_type: "non_member".into(), info_source: "buyer_meeting".into(), ..f() }),
            all(),
            "c.customer_type = ? AND c.info_source = ?",
            vec!["non_member".into(), "buyer_meeting".into()],
            "",
            vec![],
        ),
        combo(
            "rep-office user (广州), no filter",
            f(),
            Scope::Orgs(vec![gz]),
            "c.organization_id IN (?)",
            vec![gz.into()],
            "",
            vec![],
        ),
        combo(
            "rep-office user (广州), 金牌 + company 鑫",
            MemberFilter { level: "gold".into(), company: "鑫".into(), ..f() },
            Scope::Orgs(vec![gz]),
            &format!("c.organization_id IN (?) AND {fts} AND c.member_level IN (?)"),
            vec![gz.into(), phrase("name_grams", "鑫"), "gold".into()],
            "",
            vec![],
        ),
        combo(
            "registered last 60 days, by member",
            members(MemberFilter { registered_from: day(59), ..f() }),
            all(),
            "c.platform_registered_at >= ?",
            vec![start_of(59)],
            "",
            vec![],
        ),
        combo(
            "fulfilment 履约中 + callbacks, page 5",
            MemberFilter { fulfilment: "in_progress".into(), service_type: "callback".into(), page: 5, ..f() },
            all(),
            "c.fulfilment_status = ?",
            vec!["in_progress".into()],
            "r.service_type = ?",
            vec!["callback".into()],
        ),
        // 电话回访关怀 (PG-24): the member query by member with the callback filters.
        combo(
            "call list: not called back for 90 days",
            members(MemberFilter { idle_days: "90".into(), ..f() }),
            all(),
            "(c.last_callback_at IS NULL OR c.last_callback_at <= ?)",
            vec![idle(90)],
            "",
            vec![],
        ),
        combo(
            "call list (广州): 金牌, not called back for 30 days",
            members(MemberFilter { level: "gold".into(), idle_days: "30".into(), ..f() }),
            Scope::Orgs(vec![gz]),
            "c.organization_id IN (?) AND c.member_level IN (?) AND (c.last_callback_at IS NULL OR c.last_callback_at <= ?)",
            vec![gz.into(), "gold".into(), idle(30)],
            "",
            vec![],
        ),
        combo(
            "call list: last call about renewal, called this month",
            members(MemberFilter { callback_content: "renewal_reminder".into(), callback_from: day(29), ..f() }),
            all(),
            "c.last_callback_at >= ? AND c.last_callback_content = ?",
            vec![start_of(29), "renewal_reminder".into()],
            "",
            vec![],
        ),
    ];
    Ok(v)
}
