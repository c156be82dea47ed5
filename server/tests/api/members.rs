//! 会员资料及服务查询 and the member detail: every filter alone and combined against an
//! independent in-memory evaluation of the same data, sorting, paging, and data scope.
use app::auth::scope::Scope;
use app::members::demo::{Scale, generate};
use app::members::entity::{customer, service_record};
use app::members::query::{self, Drive, Plan, TextMatch};
use app::members::search::{company_norm, digits, normalize, search_text};
use app::members::{MemberFilter, ServiceRow};
use chrono::{Duration, NaiveDate};
use http::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::common::{Client, TestApp, field_error};

/// A demo app with `members` generated members (three service records each on average).
pub async fn with_members(members: u64) -> TestApp {
    let app = TestApp::spawn().await;
    generate(&app.db, Scale { members, records_per_member: 3, extras: true }, 7, |_| {}).await.expect("members");
    app
}

pub struct Data {
    pub customers: Vec<customer::Model>,
    records: Vec<service_record::Model>,
}

pub async fn load(app: &TestApp) -> Data {
    Data {
        customers: customer::Entity::find().all(&app.db).await.unwrap(),
        records: service_record::Entity::find().all(&app.db).await.unwrap(),
    }
}

fn today() -> NaiveDate {
    (chrono::Utc::now() + Duration::hours(8)).date_naive()
}

fn in_days(v: Option<NaiveDate>, from: &str, to: &str) -> bool {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    match v {
        None => from.is_empty() && to.is_empty(),
        Some(v) => d(from).is_none_or(|f| v >= f) && d(to).is_none_or(|t| v <= t),
    }
}

fn cst_day(t: Option<chrono::DateTime<chrono::Utc>>) -> Option<NaiveDate> {
    t.map(|t| (t + Duration::hours(8)).date_naive())
}

/// SPEC §8.3.4: the normalised query is a substring of the normalised text (the same rule for
/// every text filter; a blank query is no filter).
pub fn text_ok(value: &Option<String>, q: &str, exact: bool) -> bool {
    search_text(q).is_empty()
        || value.as_deref().is_some_and(|v| {
            if exact { normalize(v) == normalize(q) } else { search_text(v).contains(&search_text(q)) }
        })
}

fn code_ok(value: &Option<String>, q: &str) -> bool {
    q.is_empty() || value.as_deref() == Some(q)
}

/// The filter evaluated in Rust over one customer (the reference the SQL is checked against).
fn customer_ok(f: &MemberFilter, c: &customer::Model, orgs: Option<&[i64]>) -> bool {
    let phone_ok = |v: &Option<String>, q: &str| {
        digits(q).is_empty() || v.as_deref().is_some_and(|v| digits(v).contains(&digits(q)))
    };
    let tree = |ids: [Option<i64>; 3], want: [Option<i64>; 3]| match want {
        [_, _, Some(x)] => ids[2] == Some(x),
        [_, Some(x), None] => ids[1] == Some(x),
        [Some(x), None, None] => ids[0] == Some(x),
        _ => true,
    };
    orgs.is_none_or(|o| o.contains(&c.organization_id))
        && c.review_status == "approved"
        && (if f.exact && !f.company.is_empty() {
            c.company_name.as_deref().is_some_and(|n| company_norm(n) == company_norm(&f.company))
        } else {
            text_ok(&c.company_name, &f.company, false)
        })
        && text_ok(&c.registered_email, &f.email, f.exact)
        && text_ok(&c.login_name, &f.login, f.exact)
        && phone_ok(&c.phone_fixed, &f.phone_fixed)
        && phone_ok(&c.phone_mobile, &f.phone_mobile)
        && in_days(cst_day(c.platform_registered_at), &f.registered_from, &f.registered_to)
        && in_days(c.service_start_date, &f.start_from, &f.start_to)
        && in_days(c.service_end_date, &f.end_from, &f.end_to)
        && tree([c.region_province_id, c.region_city_id, c.region_district_id], [f.province, f.city, f.district])
        && tree([c.industry_l1_id, c.industry_l2_id, c.industry_l3_id], [f.industry1, f.industry2, f.industry3])
        && f.org.is_none_or(|o| c.organization_id == o)
        && (f.customer_type.is_empty() || c.customer_type == f.customer_type)
        && code_ok(&c.enterprise_status, &f.enterprise_status)
        && code_ok(&c.enterprise_category, &f.category)
        && (f.levels().is_empty() || c.member_level.as_deref().is_some_and(|l| f.levels().contains(&l)))
        && match f.expiry.as_str() {
            "expired" => c.service_end_date.is_some_and(|d| d < today()),
            "not_expired" => c.service_end_date.is_some_and(|d| d >= today()),
            _ => true,
        }
        && (f.push.is_empty() || c.push_enabled.to_string() == f.push)
        && code_ok(&c.fulfilment_status, &f.fulfilment)
        && (f.has_email.is_empty() || c.registered_email.is_some().to_string() == f.has_email)
        && (f.avatar.is_empty() || c.has_avatar.to_string() == f.avatar)
        && code_ok(&c.registration_source, &f.reg_source)
        && (f.info_source.is_empty() || c.info_source == f.info_source)
}

fn record_ok(f: &MemberFilter, r: &service_record::Model) -> bool {
    !r.hidden
        && in_days(cst_day(Some(r.service_at)), &f.service_from, &f.service_to)
        && (f.service_mode.is_empty() || r.service_mode == f.service_mode)
        && (f.service_dept.is_empty() || r.service_dept == f.service_dept)
        && (f.service_type.is_empty() || r.service_type == f.service_type)
        && (f.service_result.is_empty() || r.service_result == f.service_result)
        && code_ok(&r.qa_status, &f.qa_status)
        && code_ok(&r.qa_result, &f.qa_result)
}

/// Expected record ids, newest first.
fn expected(d: &Data, f: &MemberFilter, orgs: Option<&[i64]>) -> Vec<i64> {
    let ok: std::collections::HashSet<i64> =
        d.customers.iter().filter(|c| customer_ok(f, c, orgs)).map(|c| c.id).collect();
    let mut rows: Vec<&service_record::Model> =
        d.records.iter().filter(|r| ok.contains(&r.customer_id) && record_ok(f, r)).collect();
    rows.sort_by(|a, b| b.service_at.cmp(&a.service_at).then(b.id.cmp(&a.id)));
    rows.into_iter().map(|r| r.id).collect()
}

pub async fn query(c: &mut Client, f: &MemberFilter) -> (StatusCode, Value) {
    c.call("members/services", json!({ "filter": f })).await
}

fn rows(v: &Value) -> Vec<ServiceRow> {
    serde_json::from_value(v["items"].clone()).unwrap()
}

async fn check(c: &mut Client, d: &Data, f: MemberFilter, orgs: Option<&[i64]>) {
    let f = MemberFilter { per_page: 100, ..f };
    let want = expected(d, &f, orgs);
    let (status, body) = query(c, &f).await;
    assert_eq!(status, StatusCode::OK, "{f:?}: {body}");
    assert_eq!(body["total"].as_u64().unwrap() as usize, want.len(), "total of {f:?}");
    let got: Vec<i64> = rows(&body).iter().map(|r| r.record_id.unwrap()).collect();
    assert_eq!(got, want.iter().take(100).copied().collect::<Vec<_>>(), "rows of {f:?}");
}

/// Both ways of matching records to customers give the same rows and count (the page picks
/// one by the number of matching customers; small test data would only ever take one).
pub async fn check_both_drives(app: &TestApp, d: &Data, f: &MemberFilter) {
    let want = expected(d, f, None);
    let backend = app.db.get_database_backend();
    // The text filters through the index, only checked against it, or resolved to ids first.
    let resolved = query::plan(&app.db, f, &Scope::All).await.unwrap().text;
    for text in [TextMatch::Index, TextMatch::Checked, resolved.clone()] {
        for (drive, walk) in
            [(Drive::Records, false), (Drive::Customers, false), (Drive::Latest, false), (Drive::Latest, true)]
        {
            let plan = Plan { rows: drive, count: drive, walk, text: text.clone() };
            let q = query::rows_statement(backend, f, &Scope::All, &plan, Some((100, 0)));
            let got: Vec<i64> =
                query::fetch_rows(&app.db, &q).await.unwrap().iter().map(|r| r.record_id.unwrap()).collect();
            assert_eq!(got, want.iter().take(100).copied().collect::<Vec<_>>(), "rows of {f:?} by {plan:?}");
            let n = query::count(&app.db, &query::count_statement(backend, f, &Scope::All, &plan, None)).await.unwrap();
            assert_eq!(n as usize, want.len(), "count of {f:?} by {plan:?}");
        }
    }
    // 按会员: walking the customers by their latest service gives the same page as sorting them.
    let members = MemberFilter { view: "members".into(), ..f.clone() };
    let mut pages = vec![];
    for walk in [false, true] {
        let plan = Plan { walk, text: resolved.clone(), ..Plan::RECORDS };
        let q = query::rows_statement(backend, &members, &Scope::All, &plan, Some((50, 0)));
        pages.push(query::fetch_rows(&app.db, &q).await.unwrap().iter().map(|r| r.customer_id).collect::<Vec<_>>());
    }
    assert_eq!(pages[0], pages[1], "按会员 of {f:?}");
}

#[tokio::test]
async fn every_filter_alone_and_combined_matches_the_reference() {
    let app = with_members(300).await;
    let d = load(&app).await;
    let mut m = app.login("manager").await;
    let c0 = d.customers.iter().find(|c| c.registered_email.is_some() && c.phone_fixed.is_some()).unwrap();
    let name: String = c0.company_name.clone().unwrap().chars().skip(2).take(3).collect();
    let two: String = name.chars().take(2).collect();
    let one: String = name.chars().take(1).collect();
    let email: String = c0.registered_email.clone().unwrap().chars().skip(3).take(6).collect();
    let login: String = c0.login_name.clone().unwrap().to_uppercase();
    let fixed = digits(c0.phone_fixed.as_deref().unwrap())[3..8].to_string();
    let mobile = c0.phone_mobile.clone().unwrap()[0..5].to_string();
    let prov = c0.region_province_id;
    let gz = app.org_id("GZ").await;
    let s = |v: &str| v.to_string();
    let today = today();
    let ago = |days: i64| (today - Duration::days(days)).format("%Y-%m-%d").to_string();
    let ahead = |days: i64| (today + Duration::days(days)).format("%Y-%m-%d").to_string();
    let filters = vec![
        MemberFilter::default(),
        MemberFilter { company: name.clone(), ..Default::default() },
        MemberFilter { company: two, ..Default::default() },
        MemberFilter { company: one, ..Default::default() },
        MemberFilter { company: c0.company_name.clone().unwrap(), exact: true, ..Default::default() },
        MemberFilter { email, ..Default::default() },
        MemberFilter { login: login[..login.len().min(5)].to_string(), ..Default::default() },
        MemberFilter { login: login.clone(), exact: true, ..Default::default() },
        MemberFilter { phone_fixed: fixed, ..Default::default() },
        MemberFilter { phone_mobile: mobile, ..Default::default() },
        MemberFilter { registered_from: ago(2000), registered_to: ago(300), ..Default::default() },
        MemberFilter { start_from: ago(400), ..Default::default() },
        MemberFilter { end_to: ahead(100), ..Default::default() },
        MemberFilter { service_from: ago(60), service_to: ago(0), ..Default::default() },
        MemberFilter { province: prov, ..Default::default() },
        MemberFilter { province: prov, city: c0.region_city_id, ..Default::default() },
        MemberFilter { province: prov, city: c0.region_city_id, district: c0.region_district_id, ..Default::default() },
        MemberFilter { customer_type: s("non_member"), ..Default::default() },
        MemberFilter { org: Some(gz), ..Default::default() },
        MemberFilter { industry1: c0.industry_l1_id, ..Default::default() },
        MemberFilter { industry1: c0.industry_l1_id, industry2: c0.industry_l2_id, ..Default::default() },
        MemberFilter {
            industry1: c0.industry_l1_id,
            industry2: c0.industry_l2_id,
            industry3: c0.industry_l3_id,
            ..Default::default()
        },
        MemberFilter { enterprise_status: s("not_activated"), ..Default::default() },
        MemberFilter { category: s("both"), ..Default::default() },
        MemberFilter { level: s("gold"), ..Default::default() },
        MemberFilter { level: s("gold,shang_yi_tong,shang_qia_tong"), ..Default::default() },
        MemberFilter { expiry: s("expired"), ..Default::default() },
        MemberFilter { expiry: s("not_expired"), ..Default::default() },
        MemberFilter { push: s("true"), ..Default::default() },
        MemberFilter { push: s("false"), ..Default::default() },
        MemberFilter { service_mode: s("proactive"), ..Default::default() },
        MemberFilter { service_dept: s("rep_office_cs"), ..Default::default() },
        MemberFilter { service_type: s("complaint"), ..Default::default() },
        MemberFilter { service_result: s("incomplete"), ..Default::default() },
        MemberFilter { fulfilment: s("in_progress"), ..Default::default() },
        MemberFilter { info_source: s("buyer_meeting"), ..Default::default() },
        MemberFilter { qa_status: s("inspected"), ..Default::default() },
        MemberFilter { qa_result: s("incorrect"), ..Default::default() },
        MemberFilter { has_email: s("false"), ..Default::default() },
        MemberFilter { avatar: s("true"), reg_source: s("regional_platform"), ..Default::default() },
        // Combinations.
        MemberFilter { level: s("gold"), province: prov, ..Default::default() },
        MemberFilter {
            level: s("ordinary,gold"),
            start_from: ago(700),
            start_to: ago(100),
            service_type: s("callback"),
            ..Default::default()
        },
        MemberFilter {
            org: Some(gz),
            service_dept: s("rep_office_cs"),
            service_result: s("completed"),
            push: s("true"),
            ..Default::default()
        },
        MemberFilter {
            company: name,
            level: s("free,ordinary,gold,shang_yi_tong,shang_cheng_tong,shang_qia_tong"),
            ..Default::default()
        },
    ];
    for f in filters {
        check_both_drives(&app, &d, &f).await;
        check(&mut m, &d, f, None).await;
    }
}

#[tokio::test]
async fn sorting_paging_and_by_member_view() {
    let app = with_members(120).await;
    let d = load(&app).await;
    let mut m = app.login("manager").await;
    let f = MemberFilter { per_page: 20, page: 2, ..Default::default() };
    let (_, body) = query(&mut m, &f).await;
    let want = expected(&d, &f, None);
    let got: Vec<i64> = rows(&body).iter().map(|r| r.record_id.unwrap()).collect();
    assert_eq!(got, want[20..40].to_vec());

    let f = MemberFilter { sort: "company".into(), per_page: 50, ..Default::default() };
    let (_, body) = query(&mut m, &f).await;
    let names: Vec<String> = rows(&body).iter().map(|r| app::members::search::company_norm(&r.company_name)).collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "ascending by company name");

    // 按会员: one row per approved member, including members without records, with counts.
    let f = MemberFilter { view: "members".into(), per_page: 100, level: "gold".into(), ..Default::default() };
    let (_, body) = query(&mut m, &f).await;
    let gold: Vec<&customer::Model> =
        d.customers.iter().filter(|c| c.member_level.as_deref() == Some("gold")).collect();
    assert_eq!(body["total"].as_u64().unwrap() as usize, gold.len());
    for r in rows(&body) {
        let n = d.records.iter().filter(|x| x.customer_id == r.customer_id).count();
        assert_eq!(r.record_count, Some(n as i64));
    }

    // Invalid filter values are refused with the field named.
    let (status, body) = query(&mut m, &MemberFilter { level: "platinum".into(), ..Default::default() }).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&body, "level").is_some());
    let (status, body) = query(&mut m, &MemberFilter { service_from: "2026-02-30".into(), ..Default::default() }).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&body, "svc_from").is_some());
}

#[tokio::test]
async fn rep_office_users_only_ever_see_their_own_members() {
    let app = with_members(200).await;
    let d = load(&app).await;
    let gz = app.org_id("GZ").await;
    let sh = app.org_id("SH").await;
    let mut rep = app.login("gz_rep").await;
    for f in [
        MemberFilter::default(),
        MemberFilter { org: Some(sh), ..Default::default() },
        MemberFilter { level: "gold".into(), ..Default::default() },
    ] {
        check(&mut rep, &d, f, Some(&[gz])).await;
    }
    // The organisation filter offers only its own office, locked.
    let (_, choices) = rep.call("members/choices", json!({})).await;
    assert_eq!(choices["locked_org"].as_i64(), Some(gz));
    assert_eq!(choices["orgs"].as_array().unwrap().len(), 1);

    // A guessed id of another office's member is "not found"; its own member opens.
    let other = d.customers.iter().find(|c| c.organization_id == sh).unwrap();
    let (status, _) = rep.call("members/detail", json!({ "id": other.id })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let own = d.customers.iter().find(|c| c.organization_id == gz).unwrap();
    let (status, body) = rep.call("members/detail", json!({ "id": own.id })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["info"]["company_name"], json!(own.company_name.clone().unwrap()));

    // Business departments have the query; the QA role too; anonymous users do not.
    let (status, _) = app.client().call("members/services", json!({ "filter": {} })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn member_detail_shows_the_360_view() {
    let app = with_members(60).await;
    let d = load(&app).await;
    let mut m = app.login("agent").await;
    let c = d.customers.iter().max_by_key(|c| d.records.iter().filter(|r| r.customer_id == c.id).count()).unwrap();
    let (status, body) = m.call("members/detail", json!({ "id": c.id })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let n = d.records.iter().filter(|r| r.customer_id == c.id).count();
    assert_eq!(body["records_total"].as_u64().unwrap() as usize, n);
    assert_eq!(body["records"].as_array().unwrap().len(), n.min(50));
    assert!(
        body["info"]["region"].as_str().unwrap().contains('›') || !body["info"]["region"].as_str().unwrap().is_empty()
    );
    assert!(!body["contacts"].as_array().unwrap().is_empty());
    let (status, _) = m.call("members/detail", json!({ "id": 999_999 })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
