//! Exact text search (SPEC §8.3.4, issue 9 §2): the search index only proposes candidates, a
//! substring test on the normalised text decides, for queries made of symbols, brackets and
//! punctuation, width variants and mixed case; and user text is never a `LIKE` pattern.
use std::collections::BTreeSet;

use app::members::MemberFilter;
use app::members::bulk::{CustomerRow, Rows, max_id, sync_sequence};
use app::members::entity::customer;
use app::members::search::search_text;
use chrono::{Duration, Timelike, Utc};
use http::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, Value};
use serde_json::json;

use crate::common::{Client, TestApp, field_error};
use crate::members::{check_both_drives, load, query, text_ok, with_members};

/// Realistic company names: brackets full- and half-width, `&`, `%`, `_`, `\`, Ｈ＆Ｊ, runs of
/// spaces, Latin mixed case, and near misses the index alone would also propose.
const NAMES: [&str; 18] = [
    "广州云帆（集团）有限公司",
    "广州云帆集团有限公司",
    "上海星河(集团)股份有限公司",
    "Ｈ＆Ｊ贸易（深圳）有限公司",
    "H&J Trading Co., Ltd.",
    "HJ 电子科技有限公司",
    "百分百%科技有限公司",
    "50% 折扣网络科技",
    "A_B 实业发展有限公司",
    "AB 实业发展有限公司",
    "深圳市 ABC   科技 有限公司",
    "abc科技（北京）有限公司",
    "Tom & Jerry 文化传媒",
    "团结有限公司",
    "A\\B 软件工作室",
    "云帆 科技服务部",
    "ＥＣ数据宝2.0 信息技术",
    "杭州 好又多 超市",
];

/// Queries and the names (indexes into `NAMES`) each must find among them, exactly.
const QUERIES: [(&str, &[usize]); 22] = [
    ("%", &[6, 7]),
    ("％", &[6, 7]),
    ("_", &[8]),
    ("&", &[3, 4, 12]),
    ("（", &[0, 2, 3, 11]),
    ("(", &[0, 2, 3, 11]),
    ("（）", &[]),
    ("%%", &[]),
    ("\\", &[14]),
    ("Ｈ＆Ｊ", &[3, 4]),
    ("h&j", &[3, 4]),
    ("（集团）", &[0, 2]),
    ("团）有限", &[0]),
    ("集团", &[0, 1, 2]),
    ("abc", &[10, 11]),
    ("ABC 科技", &[10]),
    ("a_b", &[8]),
    ("co., ltd", &[4]),
    ("云帆 科技", &[15]),
    ("ec数据宝", &[16]),
    ("好又多  超市", &[17]),
    ("）有", &[0, 3, 11]),
];

/// A demo app plus one customer per name in `NAMES` (written by the customers' bulk writer,
/// each with one service record), all entered in the CRM for 广州; returns their ids.
async fn with_names() -> (TestApp, Vec<i64>) {
    let app = with_members(40).await;
    let gz = app.org_id("GZ").await;
    let agent = app.account_id("agent").await;
    let now = Utc::now().with_nanosecond(0).unwrap();
    let first = max_id(&app.db, "customer").await.unwrap() + 1;
    let first_record = max_id(&app.db, "service_record").await.unwrap() + 1;
    let ids: Vec<i64> = (0..NAMES.len() as i64).map(|i| first + i).collect();
    let mut customers = Rows::new("customer", &CustomerRow::COLUMNS);
    let mut records = Rows::new(
        "service_record",
        &[
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
            "customer_org_snapshot_id",
            "created_at",
            "updated_at",
        ],
    );
    for (i, (id, name)) in ids.iter().zip(NAMES).enumerate() {
        let at = now - Duration::minutes(i as i64 + 1);
        customers.push(
            CustomerRow {
                id: *id,
                customer_type: "non_member",
                company_name: name.to_string(),
                organization_id: gz,
                member_level: Some("ordinary"),
                info_source: "admin_entered",
                entry_method: "manual",
                last_service_at: Some(at),
                created_at: now,
                updated_at: now,
                created_by: Some(agent),
                ..Default::default()
            }
            .values(),
        );
        let rid = first_record + i as i64;
        let v: Vec<Value> = vec![
            rid.into(),
            (*id).into(),
            "legacy".into(),
            rid.into(),
            "callback".into(),
            "proactive".into(),
            "rep_office_cs".into(),
            gz.into(),
            agent.into(),
            at.into(),
            "completed".into(),
            gz.into(),
            at.into(),
            at.into(),
        ];
        records.push(v);
    }
    customers.flush(&app.db, None, &|_| {}).await.unwrap();
    records.flush(&app.db, None, &|_| {}).await.unwrap();
    for t in ["customer", "service_record"] {
        sync_sequence(&app.db, t).await.unwrap();
    }
    (app, ids)
}

/// The customer ids of a 按会员 page of `f` (all of them: at most 100 match here).
async fn member_ids(c: &mut Client, f: &MemberFilter) -> BTreeSet<i64> {
    let f = MemberFilter { view: "members".into(), per_page: 100, ..f.clone() };
    let (status, body) = query(c, &f).await;
    assert_eq!(status, StatusCode::OK, "{f:?}: {body}");
    let ids: BTreeSet<i64> =
        body["items"].as_array().unwrap().iter().map(|r| r["customer_id"].as_i64().unwrap()).collect();
    assert_eq!(body["total"].as_u64().unwrap() as usize, ids.len(), "{f:?}");
    ids
}

#[tokio::test]
async fn company_search_is_exact_for_symbols_brackets_width_and_case() {
    let (app, ids) = with_names().await;
    let d = load(&app).await;
    let all = d.customers.iter().filter(|c| c.review_status == "approved").count();
    let mut m = app.login("manager").await;
    for (q, want) in QUERIES {
        // The rule itself, on the names alone.
        let mine: Vec<usize> = (0..NAMES.len()).filter(|i| search_text(NAMES[*i]).contains(&search_text(q))).collect();
        assert_eq!(mine, want, "the rule for {q:?}");
        // The page: exactly the approved customers whose name contains the query.
        let f = MemberFilter { company: q.to_string(), ..Default::default() };
        let got = member_ids(&mut m, &f).await;
        let expected: BTreeSet<i64> = d
            .customers
            .iter()
            .filter(|c| c.review_status == "approved" && text_ok(&c.company_name, q, false))
            .map(|c| c.id)
            .collect();
        assert_eq!(got, expected, "members of {q:?}");
        let named: Vec<i64> = want.iter().map(|i| ids[*i]).collect();
        assert_eq!(got.iter().filter(|id| ids.contains(id)).copied().collect::<Vec<_>>(), named, "{q:?}");
        assert!(got.len() < all, "{q:?} is a filter, never all members");
        // The index's candidates (the plan's first look) include every match.
        if let Some(q) = app::members::conditions::index_candidates(app.db.get_database_backend(), &f, None) {
            let proposed: BTreeSet<i64> =
                app.db.query_all(&q).await.unwrap().iter().map(|r| r.try_get::<i64>("", "id").unwrap()).collect();
            assert!(got.is_subset(&proposed), "{:?} proposes every match", f.company);
        }
        // Every plan (index, index-checked, resolved ids) and drive gives the same rows, alone
        // and with another filter driving.
        check_both_drives(&app, &d, &f).await;
        check_both_drives(&app, &d, &MemberFilter { level: "ordinary".into(), ..f }).await;
    }
    // The index still narrows a mixed query: a near miss proposed by it is not a result.
    let got = member_ids(&mut m, &MemberFilter { company: "HJ".into(), ..Default::default() }).await;
    assert!(got.contains(&ids[5]) && !got.contains(&ids[4]), "HJ is not H&J");
}

#[tokio::test]
async fn other_text_filters_are_exact_too() {
    let (app, ids) = with_names().await;
    let d = load(&app).await;
    let mut m = app.login("manager").await;
    // E-mail and login: symbols are filters, not "no condition".
    for f in [
        MemberFilter { email: "%".into(), ..Default::default() },
        MemberFilter { email: "@".into(), ..Default::default() },
        MemberFilter { login: "_".into(), ..Default::default() },
        MemberFilter { login: "&".into(), ..Default::default() },
    ] {
        let got = member_ids(&mut m, &f).await;
        let expected: BTreeSet<i64> = d
            .customers
            .iter()
            .filter(|c| {
                c.review_status == "approved"
                    && text_ok(&c.registered_email, &f.email, false)
                    && text_ok(&c.login_name, &f.login, false)
            })
            .map(|c| c.id)
            .collect();
        assert_eq!(got, expected, "{f:?}");
        check_both_drives(&app, &d, &f).await;
    }

    // 客户档案 list: company and contact filters follow the same rule.
    let mut a = app.login("manager").await;
    let mut got = archive_names(&mut a, json!({"company": "%", "per_page": 100})).await;
    got.sort();
    assert_eq!(got, vec![NAMES[7].to_string(), NAMES[6].to_string()]);
    let got = archive_names(&mut a, json!({"company": "（集团）", "per_page": 100})).await;
    assert!(got.iter().all(|n| search_text(n).contains("(集团)")), "{got:?}");
    assert!(got.contains(&NAMES[0].to_string()) && got.contains(&NAMES[2].to_string()), "{got:?}");
    assert!(!got.contains(&NAMES[1].to_string()));
    assert!(archive_names(&mut a, json!({"contact": "%", "per_page": 100})).await.is_empty());
    assert!(archive_names(&mut a, json!({"contact": "_", "per_page": 100})).await.is_empty());
    assert!(!archive_names(&mut a, json!({"per_page": 100})).await.is_empty());
    assert_eq!(ids.len(), NAMES.len());
}

/// The company names of a 客户档案 list page.
async fn archive_names(c: &mut Client, filter: serde_json::Value) -> Vec<String> {
    let (status, body) = c.call("archive/list", json!({ "filter": filter })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().iter().map(|r| r["company_name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn parallel_and_hostile_queries() {
    let (app, _) = with_names().await;
    let d = load(&app).await;
    let mut m = app.login("manager").await;
    // Many different queries at once, each answered exactly.
    let calls: Vec<_> = QUERIES
        .iter()
        .map(|(q, _)| {
            let mut c = app.client();
            c.cookie = m.cookie.clone();
            tokio::spawn(async move {
                let f = MemberFilter { company: q.to_string(), ..Default::default() };
                (*q, member_ids(&mut c, &f).await)
            })
        })
        .collect();
    for call in calls {
        let (q, got) = call.await.unwrap();
        let n =
            d.customers.iter().filter(|c| c.review_status == "approved" && text_ok(&c.company_name, q, false)).count();
        assert_eq!(got.len(), n, "{q:?}");
    }
    // FTS5 syntax and quotes in a query are text, not query syntax.
    for q in
        ["\"", "\"集团\" OR \"有限\"", "name_grams : 集团", "集团*", "NEAR(集团 有限)", "'; DROP TABLE customer; --"]
    {
        let got = member_ids(&mut m, &MemberFilter { company: q.into(), ..Default::default() }).await;
        let n =
            d.customers.iter().filter(|c| c.review_status == "approved" && text_ok(&c.company_name, q, false)).count();
        assert_eq!(got.len(), n, "{q:?}");
    }
    // A query longer than any company name is refused, not run.
    let (status, body) = query(&mut m, &MemberFilter { company: "集团".repeat(5_000), ..Default::default() }).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(field_error(&body, "company").is_some(), "{body}");
}

#[tokio::test]
async fn account_and_log_filters_take_wildcards_literally() {
    let app = TestApp::spawn().await;
    let mut m = app.login("manager").await;
    // Everyone is listed without a filter; `%` and `_` only find what holds them.
    let (_, all) = m.call("admin/accounts/list", json!({"filter": {"per_page": 100}})).await;
    let items = all["items"].as_array().unwrap();
    assert!(items.len() > 2, "{all}");
    for q in ["%", "_", "\\"] {
        let (status, page) = m.call("admin/accounts/list", json!({"filter": {"admin_id": q, "per_page": 100}})).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let want = items
            .iter()
            .filter(|a| {
                a["admin_id"].as_str().unwrap().to_lowercase().contains(q) || a["name"].as_str().unwrap().contains(q)
            })
            .count();
        assert_eq!(page["items"].as_array().unwrap().len(), want, "{q:?}: {page}");
    }
    let (_, logins) = m.call("admin/logs/logins", json!({"filter": {"per_page": 100}})).await;
    assert!(logins["total"].as_u64().unwrap() >= 1, "{logins}");
    let (_, none) = m.call("admin/logs/logins", json!({"filter": {"admin_id": "%", "per_page": 100}})).await;
    assert_eq!(none["total"], 0, "{none}");
    let (_, ops) = m.call("admin/logs/list", json!({"filter": {"admin_id": "_", "per_page": 100}})).await;
    assert!(ops["items"].as_array().unwrap().iter().all(|r| r["admin_id"].as_str().unwrap().contains('_')), "{ops}");
    let (_, ops) = m.call("admin/logs/list", json!({"filter": {"module": "%", "per_page": 100}})).await;
    assert_eq!(ops["total"], 0, "{ops}");
}

/// The migration that added `name_text` fills it for customers that existed before, exactly as
/// the writer does (PostgreSQL and SQLite alike).
#[tokio::test]
async fn the_name_text_backfill_matches_the_writer() {
    let (app, _) = with_names().await;
    let written: Vec<(i64, String)> = customer::Entity::find()
        .order_by_asc(customer::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.name_text))
        .collect();
    assert!(written.iter().any(|(_, t)| t == "h&j贸易(深圳)有限公司"), "the writer normalises");
    app.exec("UPDATE customer SET name_text = ''").await;
    migration::backfill_name_text(&app.db).await.unwrap();
    let filled: Vec<(i64, String)> = customer::Entity::find()
        .order_by_asc(customer::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.name_text))
        .collect();
    assert_eq!(filled, written);
    let mut m = app.login("manager").await;
    let got = member_ids(&mut m, &MemberFilter { company: "Ｈ＆Ｊ".into(), ..Default::default() }).await;
    assert_eq!(got.len(), 2);
}
