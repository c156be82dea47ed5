//! 报表 (PG-50) through the routes the page calls: each report's numbers against a count made
//! here from the rows themselves (not by the report's SQL), on SQLite and PostgreSQL; every
//! linked cell of R-2 against the total of the list it opens; a rep office's report holds its
//! own office only; the permission nodes; hostile criteria; the workbook.
use std::collections::HashMap;

use app::auth::entity::organization;
use app::members::entity::{customer, info_push_log, published_info};
use app::requests::entity::service_request;
use chrono::{DateTime, Datelike, Utc};
use http::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::common::{Client, TestApp};
use crate::members::{load, with_members};
use crate::requests::{act, intake, member_of, state_of};

fn this_year(t: &DateTime<Utc>) -> bool {
    let cst = *t + chrono::Duration::hours(8);
    cst.year() == (Utc::now() + chrono::Duration::hours(8)).year()
}

async fn run(c: &mut Client, filter: Value) -> (StatusCode, Value) {
    c.call("reports/run", json!({ "filter": filter })).await
}

pub(crate) async fn report(c: &mut Client, filter: Value) -> Value {
    let (status, r) = run(c, filter).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    r
}

/// The column index of a column label.
pub(crate) fn column(r: &Value, zh: &str) -> usize {
    r["columns"].as_array().unwrap().iter().position(|c| c["label"]["zh"] == zh).unwrap_or_else(|| panic!("{zh}"))
}

/// The data row whose first heading is `head`.
pub(crate) fn row<'a>(r: &'a Value, head: &str) -> Option<&'a Value> {
    r["rows"].as_array().unwrap().iter().find(|x| x["heads"][0]["zh"] == head && x["total"] == false)
}

pub(crate) fn total(r: &Value) -> &Value {
    r["rows"].as_array().unwrap().last().unwrap()
}

pub(crate) fn count(row: &Value, i: usize) -> i64 {
    row["cells"][i]["value"]["Count"].as_i64().unwrap_or_else(|| panic!("no count in {}", row["cells"][i]))
}

async fn org(app: &TestApp, code: &str) -> organization::Model {
    let id = app.count(&format!("SELECT id FROM organization WHERE code = '{code}'")).await;
    organization::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap()
}

/// 诉求列表's filter of a drill-down link (its URL keys as the filter's fields).
fn request_filter(link: &str) -> Value {
    let query = link.split_once('?').unwrap().1;
    let mut f = serde_json::Map::new();
    for (k, v) in query.split('&').filter_map(|kv| kv.split_once('=')) {
        let v = app::url::urldecode(v);
        let (key, value) = match k {
            "org" => ("org", json!(v.parse::<i64>().unwrap())),
            "ctype" => ("customer_type", json!(v)),
            "hstatus" => ("handling_status", json!(v)),
            "type" => ("request_type", json!(v)),
            "dept" => ("handling_dept", json!(v)),
            "tab" | "from" | "to" | "level" => (k, json!(v)),
            other => panic!("unexpected key {other} in {link}"),
        };
        f.insert(key.into(), value);
    }
    f.insert("per_page".into(), json!(100));
    Value::Object(f)
}

#[tokio::test]
async fn request_report_counts_by_hand_and_every_cell_opens_as_many_requests() {
    let app = with_members(60).await;
    let d = load(&app).await;
    let (cs, gz, sh) = (org(&app, "CS").await, org(&app, "GZ").await, org(&app, "SH").await);
    let members: Vec<&customer::Model> = d.customers.iter().filter(|c| c.customer_type == "member").collect();
    let mut agent = app.login("agent").await;
    let mut ids = vec![];
    for (i, m) in members.iter().take(6).enumerate() {
        let action = if i % 2 == 0 { "Complete" } else { "Save" };
        let (status, out) =
            agent.call("requests/intake", intake(m.id, action, None, &format!("诉求 {i}"), "已答复")).await;
        assert_eq!(status, StatusCode::OK, "{out}");
        ids.push(out["id"].as_i64().unwrap());
    }
    let mut gz_rep = app.login("gz_rep").await;
    let local = member_of(&d.customers, Some(gz.id));
    for i in 0..2 {
        let (status, out) =
            gz_rep.call("requests/intake", intake(local.id, "Complete", None, &format!("广州 {i}"), "已答复")).await;
        assert_eq!(status, StatusCode::OK, "{out}");
    }
    // One voided request is left out.
    let mut sup = app.login("supervisor").await;
    let (_, v) = state_of(&mut sup, ids[1]).await;
    let (status, out) = sup.call("requests/act", act(ids[1], v, "Void", "重复受理", None)).await;
    assert_eq!(status, StatusCode::OK, "{out}");

    // The count by hand: the requests of this year, voided aside, per accepting office and level.
    let rows = service_request::Entity::find().all(&app.db).await.unwrap();
    let kept: Vec<&service_request::Model> =
        rows.iter().filter(|r| r.state != "voided" && this_year(&r.accepted_at)).collect();
    assert_eq!(kept.len(), 7);
    let mut by_level: HashMap<(i64, String), i64> = HashMap::new();
    for r in &kept {
        *by_level.entry((r.accepting_org_id, r.member_level_snapshot.clone().unwrap_or_default())).or_default() += 1;
    }

    let mut manager = app.login("manager").await;
    let r = report(&mut manager, json!({"kind": "request_volume", "preset": "this_year"})).await;
    let hq = row(&r, &cs.name).expect("HQ CS row");
    let office = row(&r, &gz.name).expect("GZ row");
    assert!(row(&r, &sh.name).is_some(), "an office without requests still has its row");
    let total_col = column(&r, "合计");
    assert_eq!((count(hq, total_col), count(office, total_col), count(total(&r), total_col)), (5, 2, 7));
    assert_eq!(count(hq, column(&r, "已处理数")), 3);
    assert_eq!(count(office, column(&r, "已处理数")), 2);
    for level in app::members::enums::MemberLevel::ALL {
        let want = by_level.get(&(cs.id, level.code().to_string())).copied().unwrap_or(0);
        assert_eq!(count(hq, column(&r, level.zh())), want, "{}", level.zh());
    }
    assert_eq!(r["rows"].as_array().unwrap().last().unwrap()["heads"][0]["zh"], "合计");
    assert_eq!(r["charts"].as_array().unwrap().len(), 2);
    assert!(r["charts"][0]["zh"].as_str().unwrap().starts_with("<svg"));

    // Every linked count opens a list of exactly that many requests.
    let mut checked = 0;
    for x in r["rows"].as_array().unwrap() {
        for cell in x["cells"].as_array().unwrap() {
            let (Some(n), Some(link)) = (cell["value"]["Count"].as_i64(), cell["link"].as_str()) else { continue };
            assert!(link.starts_with("/requests?"), "{link}");
            let (status, page) = manager.call("requests/list", json!({"filter": request_filter(link)})).await;
            assert_eq!(status, StatusCode::OK, "{link}: {page}");
            assert_eq!(page["total"].as_i64(), Some(n), "{link}");
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked} links");

    // 按月: the months add up to the year; the type view splits by 诉求类型 × 解决状态.
    let monthly =
        report(&mut manager, json!({"kind": "request_volume", "preset": "this_year", "grain": "month"})).await;
    assert_eq!(count(total(&monthly), total_col), 7);
    let subtotals: i64 = monthly["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["total"] == true && x["heads"][1]["zh"] == "小计")
        .map(|x| count(x, total_col))
        .sum();
    assert_eq!(subtotals, 7);
    let types = report(&mut manager, json!({"kind": "request_type", "preset": "this_year"})).await;
    // All were complaints: 3 + 2 processed, 2 still being handled by CS.
    let processed = types["columns"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["group"]["zh"] == "投诉" && c["label"]["zh"] == "已处理")
        .unwrap();
    let handling = processed - 1;
    assert_eq!((count(total(&types), processed), count(total(&types), handling)), (5, 2));

    // A rep office sees its own office only, and may not ask for another.
    let own = report(&mut gz_rep, json!({"kind": "request_volume", "preset": "this_year"})).await;
    let data: Vec<&Value> = own["rows"].as_array().unwrap().iter().filter(|x| x["total"] == false).collect();
    assert_eq!(data.len(), 1, "{own}");
    assert_eq!(data[0]["heads"][0]["zh"], gz.name.as_str());
    assert_eq!(count(total(&own), total_col), 2);
    let (status, v) =
        run(&mut gz_rep, json!({"kind": "request_volume", "preset": "this_year", "orgs": sh.id.to_string()})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // The permission nodes: 质检 holds the two request views only; a 坐席 none.
    let mut qa = app.login("qa").await;
    assert_eq!(run(&mut qa, json!({"kind": "request_type"})).await.0, StatusCode::OK);
    assert_eq!(run(&mut qa, json!({"kind": "member_count"})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(run(&mut agent, json!({"kind": "request_type"})).await.0, StatusCode::FORBIDDEN);
    let (_, options) = qa.call("reports/options", json!({})).await;
    assert_eq!(options["kinds"], json!(["request_volume", "request_type"]));
    // QA may not open 诉求列表: its counts carry no links.
    let mine = report(&mut qa, json!({"kind": "request_volume", "preset": "this_year"})).await;
    assert!(mine["rows"][0]["cells"].as_array().unwrap().iter().all(|c| c["link"].is_null()));

    // The workbook: the criteria on top, the same totals as numbers.
    let (status, job) = manager
        .call(
            "exports/start",
            json!({"kind": "report", "query": "kind=request_volume&preset=this_year", "format": "xlsx"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{job}");
    let done = manager.wait_job(&job).await;
    assert_eq!(done["state"], "done", "{done}");
    let (status, bytes, _) = manager.get_file(done["download"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let sheet = app::tabular::read("report.xlsx", &bytes).expect("a workbook");
    assert_eq!(sheet.headers[0], "会员诉求统计表(诉求量)");
    let lines: Vec<&Vec<String>> = sheet.rows.iter().map(|(_, r)| r).collect();
    assert!(lines.iter().any(|l| l.first().is_some_and(|c| c.starts_with("诉求受理时间:本年"))), "{lines:?}");
    let sum = lines.iter().find(|l| l.first().is_some_and(|c| c == "合计")).expect("the total row");
    assert_eq!(sum[1 + total_col], "7", "{sum:?}");
    let csv = manager.call("exports/start", json!({"kind": "report", "query": "kind=callback", "format": "csv"})).await;
    assert_eq!(csv.0, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn member_published_and_push_reports_count_by_hand() {
    let app = with_members(80).await;
    let d = load(&app).await;
    let mut manager = app.login("manager").await;
    let year = (Utc::now() + chrono::Duration::hours(8)).year();
    let end = format!("{year}-12-31T16:00:00Z").parse::<DateTime<Utc>>().unwrap();
    let counted = |c: &&customer::Model| c.deleted_at.is_none() && c.review_status == "approved";

    // R-1 会员总数: members registered by the end of the year, per office and level.
    let mut want: HashMap<(i64, String), i64> = HashMap::new();
    for c in d.customers.iter().filter(counted) {
        if c.customer_type == "member" && c.platform_registered_at.is_some_and(|t| t < end) {
            *want.entry((c.organization_id, c.member_level.clone().unwrap_or_default())).or_default() += 1;
        }
    }
    let r = report(&mut manager, json!({"kind": "member_count", "preset": "this_year"})).await;
    let names: HashMap<i64, String> =
        organization::Entity::find().all(&app.db).await.unwrap().into_iter().map(|o| (o.id, o.name)).collect();
    let mut seen = 0;
    for ((org, level), n) in &want {
        let Some(l) = app::members::enums::MemberLevel::parse(level) else { continue };
        let x = row(&r, &names[org]).unwrap_or_else(|| panic!("row of {}", names[org]));
        assert_eq!(count(x, column(&r, l.zh())), *n, "{} {}", names[org], l.zh());
        seen += n;
    }
    assert_eq!(count(total(&r), column(&r, "合计")), seen);
    assert!(seen > 0);

    // R-4: published items of this year per office and type, and the members who published.
    let level_of: HashMap<i64, &customer::Model> = d.customers.iter().filter(counted).map(|c| (c.id, c)).collect();
    let items = published_info::Entity::find().all(&app.db).await.unwrap();
    let mut by_type: HashMap<(i64, String), i64> = HashMap::new();
    let mut publishers: HashMap<i64, std::collections::HashSet<i64>> = HashMap::new();
    for p in items.iter().filter(|p| this_year(&p.published_at)) {
        let Some(c) = level_of.get(&p.customer_id) else { continue };
        *by_type.entry((c.organization_id, p.info_type.clone())).or_default() += 1;
        publishers.entry(c.organization_id).or_default().insert(c.id);
    }
    let r = report(&mut manager, json!({"kind": "published_info", "preset": "this_year"})).await;
    for ((org, kind), n) in &by_type {
        let label = app::members::enums::INFO_TYPES.iter().find(|t| t.0 == kind).unwrap().1;
        assert_eq!(count(row(&r, &names[org]).unwrap(), column(&r, label)), *n, "{} {label}", names[org]);
    }
    for (org, members) in &publishers {
        assert_eq!(count(row(&r, &names[org]).unwrap(), column(&r, "发布会员数")), members.len() as i64);
    }
    assert_eq!(count(total(&r), column(&r, "合计")), by_type.values().sum::<i64>());

    // R-5: push e-mails of this year per member level; a push to a customer without a level
    // (非会员) has a row of its own.
    let outsider = d.customers.iter().filter(counted).find(|c| c.member_level.is_none()).expect("a non-member");
    let now = Utc::now();
    info_push_log::Entity::insert(info_push_log::ActiveModel {
        source: sea_orm::ActiveValue::Set("crm".into()),
        customer_id: sea_orm::ActiveValue::Set(outsider.id),
        recipient_email: sea_orm::ActiveValue::Set("t@example.com".into()),
        sent_at: sea_orm::ActiveValue::Set(now),
        synced_at: sea_orm::ActiveValue::Set(now),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
    let pushes = info_push_log::Entity::find().all(&app.db).await.unwrap();
    let mut sent: HashMap<String, (i64, std::collections::HashSet<i64>)> = HashMap::new();
    for p in pushes.iter().filter(|p| this_year(&p.sent_at)) {
        let Some(c) = level_of.get(&p.customer_id) else { continue };
        let e = sent.entry(c.member_level.clone().unwrap_or_default()).or_default();
        e.0 += 1;
        e.1.insert(c.id);
    }
    let r = report(&mut manager, json!({"kind": "email_push", "preset": "this_year"})).await;
    for (level, (n, members)) in &sent {
        let name = app::members::enums::MemberLevel::parse(level).map_or("非会员", |l| l.zh());
        let x = row(&r, name).unwrap();
        assert_eq!((count(x, 0), count(x, 1)), (*n, members.len() as i64), "{name}");
    }
    assert!(sent.contains_key(""));
    assert_eq!(count(total(&r), 0), sent.values().map(|s| s.0).sum::<i64>());
}

#[tokio::test]
async fn hostile_criteria_are_field_errors_and_never_500() {
    let app = TestApp::spawn().await;
    let mut manager = app.login("manager").await;
    for (filter, field) in [
        (json!({"kind": "nope"}), "kind"),
        (json!({}), "kind"),
        (json!({"kind": "request_volume", "preset": "bogus"}), "preset"),
        (json!({"kind": "request_volume", "preset": "custom", "from": "2026-02-01", "to": "2026-01-01"}), "from"),
        (json!({"kind": "request_volume", "preset": "custom", "from": "1900-01-01", "to": "2026-01-01"}), "from"),
        (
            json!({"kind": "request_volume", "grain": "week", "preset": "custom", "from": "2025-01-01", "to": "2026-12-31"}),
            "grain",
        ),
        (json!({"kind": "request_volume", "orgs": "1;DROP TABLE account"}), "orgs"),
        (json!({"kind": "request_volume", "orgs": "9223372036854775807"}), "orgs"),
        (json!({"kind": "member_count", "levels": "<script>"}), "levels"),
        (json!({"kind": "request_type", "handling_status": "processed,unprocessed"}), "hstatus"),
    ] {
        let (status, v) = run(&mut manager, filter.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{filter}: {v}");
        assert!(v.to_string().contains(field), "{filter}: {v}");
    }
    // Truncated JSON and a wrong type are client errors too.
    let (status, _) = manager.post_bytes("/api/reports/run", br#"{"filter": {"kind": "request_vol"#.to_vec()).await;
    assert!(status.is_client_error(), "{status}");
    let (status, _) = run(&mut manager, json!({"kind": 5})).await;
    assert!(status.is_client_error(), "{status}");
    // An empty year: every report answers, with zero totals and its rows.
    for kind in
        ["member_count", "request_volume", "request_type", "callback", "published_info", "email_push", "rep_need"]
    {
        let r = report(&mut manager, json!({"kind": kind, "grain": "month"})).await;
        assert_eq!(r["rows"].as_array().unwrap().last().unwrap()["heads"][0]["zh"], "合计", "{kind}");
    }
    // Fifty at once: all answer.
    let mut tasks = vec![];
    for _ in 0..50 {
        let mut c = manager.clone();
        tasks.push(tokio::spawn(async move { run(&mut c, json!({"kind": "request_volume"})).await.0 }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
}

/// The member query's filter of an R-3 drill-down link.
fn member_filter(link: &str) -> Value {
    let query = link.split_once('?').unwrap().1;
    let mut f = serde_json::Map::new();
    for (k, v) in query.split('&').filter_map(|kv| kv.split_once('=')) {
        let v = app::url::urldecode(v);
        let (key, value) = match k {
            "svc_org" => ("service_org", json!(v.parse::<i64>().unwrap())),
            "svc_type" => ("service_type", json!(v)),
            "svc_from" => ("service_from", json!(v)),
            "svc_to" => ("service_to", json!(v)),
            "cbr" => ("record_callback", json!(v)),
            "cbr_content" => ("record_content", json!(v)),
            "cbr_reach" => ("record_reach", json!(v)),
            "cbr_sat" => ("record_rating", json!(v)),
            "level" | "view" => (k, json!(v)),
            other => panic!("unexpected key {other} in {link}"),
        };
        f.insert(key.into(), value);
    }
    Value::Object(f)
}

#[tokio::test]
async fn callback_report_counts_by_hand_and_its_cells_open_as_many_records() {
    let app = with_members(40).await;
    let d = load(&app).await;
    let (cs, gz) = (org(&app, "CS").await, org(&app, "GZ").await);
    let local = member_of(&d.customers, Some(gz.id));
    let members: Vec<&customer::Model> = d
        .customers
        .iter()
        .filter(|c| c.customer_type == "member" && c.member_level.is_some() && c.id != local.id)
        .collect();
    let now = (Utc::now() + chrono::Duration::hours(8)).format("%Y-%m-%dT%H:%M").to_string();
    let call = |customer: i64, content: &str, reach: &str, rating: &str| {
        json!({"input": {"customer_id": customer, "content": content, "reach": reach, "contact_name": "王经理",
            "phone_called": "13800000000", "feedback": if reach == "reached" { "已沟通" } else { "" },
            "satisfaction": rating, "callback_at": now, "next_at": "", "next_note": "", "task_id": null}})
    };
    let mut agent = app.login("agent").await;
    for (m, content, reach, rating) in [
        (members[0], "renewal_reminder", "reached", "satisfied"),
        (members[0], "platform_training", "reached", "very_satisfied"),
        (members[1], "renewal_reminder", "reached", "dissatisfied"),
        (members[2], "special_survey", "not_reached", ""),
    ] {
        let (status, out) = agent.call("callbacks/save", call(m.id, content, reach, rating)).await;
        assert_eq!(status, StatusCode::OK, "{out}");
    }
    let mut gz_rep = app.login("gz_rep").await;
    let (status, out) =
        gz_rep.call("callbacks/save", call(local.id, "service_guidance_care", "reached", "neutral")).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    // The same member called by HQ too: one member, two offices.
    let (status, out) = agent.call("callbacks/save", call(local.id, "service_activation_confirm", "reached", "")).await;
    assert_eq!(status, StatusCode::OK, "{out}");

    let mut manager = app.login("manager").await;
    let r = report(&mut manager, json!({"kind": "callback", "preset": "this_year"})).await;
    let hq = row(&r, &cs.name).expect("the agent's office");
    let office = row(&r, &gz.name).expect("GZ");
    assert_eq!((count(hq, column(&r, "回访总数")), count(hq, column(&r, "回访会员数"))), (5, 4));
    assert_eq!(count(hq, column(&r, "接通数")), 4);
    assert_eq!(count(hq, column(&r, "续费率约提醒")), 2);
    assert_eq!((count(hq, column(&r, "满意")), count(hq, column(&r, "未评价"))), (1, 2));
    // 满意率 = (非常满意 + 满意) / rated = 2 / 3.
    assert_eq!(hq["cells"][column(&r, "满意率")]["value"]["Rate"], 6667);
    assert_eq!(count(office, column(&r, "一般")), 1);
    assert_eq!(count(total(&r), column(&r, "回访总数")), 6);
    // Distinct members are counted once in the total, whichever offices called them.
    assert_eq!(count(total(&r), column(&r, "回访会员数")), 4);

    // By level, and every linked count against the member query's exact count.
    let by_level = report(&mut manager, json!({"kind": "callback", "preset": "this_year", "by_level": "1"})).await;
    assert_eq!((count(total(&by_level), 0), count(total(&by_level), 1)), (6, 4));
    let mut checked = 0;
    // (The plain report counts from the callbacks' indexes without reading the members; by
    // level, it joins each one: both against the list.)
    for x in r["rows"].as_array().unwrap().iter().chain(by_level["rows"].as_array().unwrap()) {
        for cell in x["cells"].as_array().unwrap() {
            let (Some(n), Some(link)) = (cell["value"]["Count"].as_i64(), cell["link"].as_str()) else { continue };
            let (status, got) = manager.call("members/services/count", json!({"filter": member_filter(link)})).await;
            assert_eq!(status, StatusCode::OK, "{link}: {got}");
            assert_eq!(got.as_i64(), Some(n), "{link}");
            checked += 1;
        }
    }
    assert!(checked >= 60, "{checked} links");
    // One level: the members of that level only (the ids admitted, listed once).
    let level = members[0].member_level.clone().unwrap();
    let want = [members[0], members[0], members[1], members[2], &local, &local]
        .iter()
        .filter(|m| m.member_level.as_deref() == Some(level.as_str()))
        .count() as i64;
    let one = report(&mut manager, json!({"kind": "callback", "preset": "this_year", "levels": level})).await;
    assert_eq!(count(total(&one), 0), want);
    // A rep office: its own calls only.
    let own = report(&mut gz_rep, json!({"kind": "callback", "preset": "this_year"})).await;
    assert_eq!(count(total(&own), 0), 1);
    let monthly = report(&mut manager, json!({"kind": "callback", "preset": "this_year", "grain": "month"})).await;
    assert_eq!((count(total(&monthly), 0), count(total(&monthly), 1)), (6, 4));
    // A member deleted since is no longer counted.
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let mut gone = members[2].clone().into_active_model();
    gone.deleted_at = Set(Some(Utc::now()));
    gone.update(&app.db).await.unwrap();
    let after = report(&mut manager, json!({"kind": "callback", "preset": "this_year"})).await;
    assert_eq!((count(total(&after), 0), count(total(&after), 1)), (5, 3));
}
