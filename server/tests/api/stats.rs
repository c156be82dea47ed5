//! 统计查询 (PG-79) and 分析 (PG-80) through the routes the pages call: the numbers against
//! counts made here from the rows (not by the statistics' SQL), every linked cell against the
//! list it opens, the catalogue by role, a rep office's own office only, hostile criteria and
//! the workbook.
use http::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::common::{Client, TestApp, field_error};
use crate::members::{load, with_members};
use crate::reports::{column, count, total};
use crate::requests::{intake, member_of};
use app::members::entity::customer;
use app::ui::list::UrlFilter;

async fn run(c: &mut Client, filter: Value) -> (StatusCode, Value) {
    c.call("stats/run", json!({ "filter": filter })).await
}

async fn stat(c: &mut Client, filter: Value) -> Value {
    let (status, r) = run(c, filter).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    r
}

fn row<'a>(r: &'a Value, head: &str) -> &'a Value {
    r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["heads"][0]["zh"] == head && x["total"] == false)
        .unwrap_or_else(|| panic!("no row {head}"))
}

/// The filter `F` a drill-down link names (its URL keys mapped back to the fields).
fn filter_of<F: UrlFilter + Serialize + DeserializeOwned>(link: &str) -> Value {
    let fields = serde_json::to_value(F::default()).unwrap();
    let mut out = fields.as_object().unwrap().clone();
    let query = link.split_once('?').unwrap().1;
    for (k, v) in query.split('&').filter_map(|kv| kv.split_once('=')) {
        let v = app::url::urldecode(v);
        let field =
            fields.as_object().unwrap().keys().find(|f| F::key(f) == k).unwrap_or_else(|| panic!("{k} in {link}"));
        let value = if fields[field].is_string() { json!(v) } else { json!(v.parse::<i64>().unwrap()) };
        out.insert(field.clone(), value);
    }
    Value::Object(out)
}

/// Every linked count of `r` equals the total of the list it opens.
async fn links_agree(c: &mut Client, r: &Value) -> usize {
    let mut checked = 0;
    for x in r["rows"].as_array().unwrap() {
        for cell in x["cells"].as_array().unwrap() {
            let (Some(n), Some(link)) = (cell["value"]["Count"].as_i64(), cell["link"].as_str()) else { continue };
            let (status, page) = if link.starts_with("/requests?") {
                c.call("requests/list", json!({"filter": filter_of::<app::requests::RequestFilter>(link)})).await
            } else {
                assert!(link.starts_with("/query/member-services?"), "{link}");
                c.call("members/services/count", json!({"filter": filter_of::<app::members::MemberFilter>(link)})).await
            };
            assert_eq!(status, StatusCode::OK, "{link}: {page}");
            let got = page["total"].as_i64().or(page.as_i64());
            assert_eq!(got, Some(n), "{link}: {page}");
            checked += 1;
        }
    }
    checked
}

#[tokio::test]
async fn request_statistics_count_by_hand_and_their_cells_open_as_many_requests() {
    let app = with_members(40).await;
    let d = load(&app).await;
    let (cs, gz) = (app.org_id("CS").await, app.org_id("GZ").await);
    let members: Vec<&customer::Model> = d.customers.iter().filter(|c| c.customer_type == "member").collect();
    let mut agent = app.login("agent").await;
    for (i, action) in ["Complete", "Save", "Complete"].iter().enumerate() {
        let (status, out) =
            agent.call("requests/intake", intake(members[i].id, action, None, &format!("诉求 {i}"), "已答复")).await;
        assert_eq!(status, StatusCode::OK, "{out}");
    }
    let mut gz_rep = app.login("gz_rep").await;
    let local = member_of(&d.customers, Some(gz));
    for i in 0..2 {
        let (status, out) =
            gz_rep.call("requests/intake", intake(local.id, "Complete", None, &format!("广州 {i}"), "已答复")).await;
        assert_eq!(status, StatusCode::OK, "{out}");
    }

    // 我的诉求受理量: the agent's three complaints, two handled, one in hand.
    let mine = stat(&mut agent, json!({"item": "my_requests", "preset": "today"})).await;
    let complaints = row(&mine, "投诉");
    assert_eq!(count(complaints, column(&mine, "处理中")), 1);
    assert_eq!(count(complaints, column(&mine, "已处理")), 2);
    assert_eq!(count(complaints, column(&mine, "合计")), 3);
    assert_eq!(count(row(&mine, "咨询"), column(&mine, "合计")), 0);
    assert_eq!(count(total(&mine), column(&mine, "合计")), 3);
    assert!(links_agree(&mut agent, &mine).await >= 3);

    // 诉求量 by organisation and by agent, as the manager: HQ 3, 广州 2; every cell opens its list.
    let mut manager = app.login("manager").await;
    let by_org = stat(&mut manager, json!({"item": "requests", "by": "org", "preset": "today"})).await;
    let cs_name = app.text("SELECT name FROM organization WHERE code = 'CS'").await;
    let gz_name = app.text("SELECT name FROM organization WHERE code = 'GZ'").await;
    assert_eq!(count(row(&by_org, &cs_name), column(&by_org, "合计")), 3);
    assert_eq!(count(row(&by_org, &gz_name), column(&by_org, "合计")), 2);
    assert_eq!(count(total(&by_org), column(&by_org, "投诉")), 5);
    assert!(links_agree(&mut manager, &by_org).await >= 10);
    let by_agent = stat(&mut manager, json!({"item": "requests", "by": "agent", "preset": "today"})).await;
    assert_eq!(by_agent["rows"].as_array().unwrap().len(), 3, "two agents and the total");
    assert!(links_agree(&mut manager, &by_agent).await >= 6);

    // A rep office counts its own office only, and may not name another.
    let own = stat(&mut gz_rep, json!({"item": "requests", "by": "org", "preset": "today"})).await;
    assert_eq!(count(total(&own), column(&own, "合计")), 2);
    assert!(own["rows"].as_array().unwrap().iter().all(|r| r["heads"][0]["zh"] != cs_name));
    let (status, out) = run(&mut gz_rep, json!({"item": "requests", "org": cs, "preset": "today"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    assert!(field_error(&out, "org").is_some(), "{out}");

    // An agent whose role comes to read only its own records (本人) still counts its own work.
    let now = (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y-%m-%dT%H:%M").to_string();
    let call = json!({"input": {"customer_id": members[0].id, "content": "platform_training", "reach": "reached",
        "contact_name": "王经理", "phone_called": "13800000000", "feedback": "已沟通", "satisfaction": "satisfied",
        "callback_at": now, "next_at": "", "next_note": "", "task_id": null}});
    let (status, out) = agent.call("callbacks/save", call).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    app.exec("UPDATE role SET data_scope = 'own' WHERE code = 'cs_agent'").await;
    let calls = stat(&mut agent, json!({"item": "my_callbacks", "preset": "today"})).await;
    assert_eq!(count(row(&calls, "平台使用培训"), column(&calls, "已接通")), 1);
    assert_eq!(count(total(&calls), column(&calls, "合计")), 1);
    let mine = stat(&mut agent, json!({"item": "my_requests", "preset": "today"})).await;
    assert_eq!(count(total(&mine), column(&mine, "合计")), 3);

    // 客服人员工作量: the same requests per agent, with the completed ones.
    let work = stat(&mut manager, json!({"item": "agent_work", "area": "workload", "preset": "today"})).await;
    let agent_name = app.text("SELECT name FROM account WHERE admin_id = 'agent'").await;
    let a = row(&work, &agent_name);
    assert_eq!(count(a, column(&work, "受理")), 3);
    assert_eq!(count(a, column(&work, "已完成")), 2);
    assert_eq!(count(total(&work), column(&work, "受理")), 5);
}

#[tokio::test]
async fn customer_statistics_count_by_hand_and_open_the_member_query() {
    let app = with_members(60).await;
    let d = load(&app).await;
    let mut manager = app.login("manager").await;
    let visible: Vec<&customer::Model> =
        d.customers.iter().filter(|c| c.deleted_at.is_none() && c.review_status == "approved").collect();

    // By level: each level's members (and 非会员) counted here from the rows.
    let r = stat(&mut manager, json!({"item": "composition", "area": "customers", "by": "level"})).await;
    let all = column(&r, "合计");
    for (code, zh) in [("free", "免费"), ("ordinary", "普通"), ("gold", "金牌")] {
        let want =
            visible.iter().filter(|c| c.customer_type == "member" && c.member_level.as_deref() == Some(code)).count();
        if want > 0 {
            assert_eq!(count(row(&r, zh), all) as usize, want, "{zh}");
        }
    }
    let non = visible.iter().filter(|c| c.customer_type == "non_member").count();
    if non > 0 {
        assert_eq!(count(row(&r, "非会员"), all) as usize, non);
    }
    assert_eq!(count(total(&r), all) as usize, visible.len());
    assert!(links_agree(&mut manager, &r).await >= 3);

    // By province: the same customers, and every cell opens as many in the member query.
    let r = stat(&mut manager, json!({"item": "composition", "area": "customers", "by": "region"})).await;
    assert_eq!(count(total(&r), column(&r, "合计")) as usize, visible.len());
    assert!(links_agree(&mut manager, &r).await >= 2);

    // Lifecycle stages add up to every customer.
    let r = stat(&mut manager, json!({"item": "lifecycle", "area": "customers"})).await;
    let stages: i64 = r["rows"].as_array().unwrap().iter().filter(|x| x["total"] == false).map(|x| count(x, 0)).sum();
    assert_eq!(stages as usize, visible.len());
    assert_eq!(count(total(&r), 0) as usize, visible.len());
}

#[tokio::test]
async fn the_catalogue_follows_the_role_and_hostile_criteria_are_refused() {
    let app = TestApp::spawn().await;
    let items = |v: &Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|i| i.as_str().unwrap().to_string()).collect()
    };

    let mut agent = app.login("agent").await;
    let (status, o) = agent.call("stats/options", json!({"analysis": false})).await;
    assert_eq!(status, StatusCode::OK, "{o}");
    let mine = items(&o);
    assert!(mine.contains(&"my_requests".into()) && mine.contains(&"my_callbacks".into()), "{mine:?}");
    assert!(!mine.contains(&"requests".into()) && !mine.contains(&"qa".into()), "{mine:?}");
    // Team numbers and 分析 are not the agent's, whatever the request says.
    let (status, _) = run(&mut agent, json!({"item": "requests", "preset": "today"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = run(&mut agent, json!({"item": "agent_work", "area": "workload"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = agent.call("stats/options", json!({"analysis": true})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let mut qa = app.login("qa").await;
    let (_, o) = qa.call("stats/options", json!({"analysis": false})).await;
    assert!(items(&o).contains(&"qa".into()), "{o}");
    let r = stat(&mut qa, json!({"item": "qa", "by": "agent", "preset": "this_month"})).await;
    assert_eq!(r["rows"].as_array().unwrap().last().unwrap()["heads"][0]["zh"], "合计");

    let mut biz = app.login("biz_tech").await;
    let (_, o) = biz.call("stats/options", json!({"analysis": false})).await;
    assert_eq!(items(&o), vec!["dept_requests".to_string()], "{o}");
    let r = stat(&mut biz, json!({"item": "dept_requests"})).await;
    assert_eq!(r["rows"].as_array().unwrap().len(), 2, "its own department and the total: {r}");

    let mut manager = app.login("manager").await;
    let (_, o) = manager.call("stats/options", json!({"analysis": true})).await;
    assert!(items(&o).len() >= 14, "{o}");
    // Every statistic runs for the manager on an empty period.
    for item in items(&o) {
        let area = app::stats::StatItem::parse(&item)
            .unwrap()
            .areas()
            .iter()
            .find(|a| **a != app::stats::Area::Query)
            .unwrap()
            .code();
        let r = stat(&mut manager, json!({"item": item, "area": area, "preset": "last_month"})).await;
        assert!(!r["columns"].as_array().unwrap().is_empty(), "{item}");
    }

    // Hostile criteria: a 4xx naming the field, never a 500.
    for (f, field) in [
        (json!({"item": "nope"}), "item"),
        (json!({"item": "qa", "by": "region"}), "by"),
        (json!({"item": "qa", "preset": "custom", "from": "2026-02-30", "to": "x"}), "from"),
        (json!({"item": "qa", "preset": "custom", "from": "2020-01-01", "to": "2026-01-01"}), "from"),
        (json!({"item": "qa", "preset": "yesterday"}), "preset"),
        (json!({"item": "qa", "org": -1}), "org"),
        (json!({"item": "requests", "agent": 9_223_372_036_854_775_807i64}), "agent"),
        (json!({"item": "member_trend", "preset": "custom", "from": "2023-01-01", "to": "2026-06-30"}), "from"),
    ] {
        let (status, out) = run(&mut manager, f.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{f}: {out}");
        assert!(field_error(&out, field).is_some(), "{f}: {out}");
    }
    for body in [json!({}), json!({"filter": "x"}), json!({"filter": {"item": 5}})] {
        let (status, out) = manager.call("stats/run", body.clone()).await;
        assert!(status.is_client_error(), "{body}: {status} {out}");
    }

    // The workbook: the statistic with its criteria.
    let (status, job) = manager
        .call(
            "exports/start",
            json!({"kind": "stats", "query": "item=composition&area=customers&by=level", "format": "xlsx"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{job}");
    let done = manager.wait_job(&job).await;
    assert_eq!(done["state"], "done", "{done}");
    let (status, bytes, _) = manager.get_file(done["download"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes.starts_with(b"PK"), "an xlsx workbook");
    let (status, _) = agent
        .call("exports/start", json!({"kind": "stats", "query": "item=composition&area=customers", "format": "xlsx"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
