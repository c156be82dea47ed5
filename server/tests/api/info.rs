//! 会员发布信息查询 / 信息推送邮件查询 and the exports of the query pages: filters, the member
//! pages, data scope, and that an export holds exactly the filtered rows.
use app::members::entity::{customer, info_push_log, published_info};
use http::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::common::Client;
use crate::members::with_members;

pub(crate) async fn export(c: &mut Client, kind: &str, query: &str, format: &str) -> (Value, Vec<u8>) {
    let (status, job) = c.call("exports/start", json!({"kind": kind, "query": query, "format": format})).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    let done = c.wait_job(&job).await;
    assert_eq!(done["state"], "done", "{done}");
    let (status, body, disposition) = c.get_file(done["download"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(disposition.contains("attachment"), "{disposition}");
    (done, body)
}

#[tokio::test]
async fn published_info_filters_member_page_and_scope() {
    let app = with_members(150).await;
    let items = published_info::Entity::find().all(&app.db).await.unwrap();
    let customers = customer::Entity::find().all(&app.db).await.unwrap();
    let level =
        |id: i64| customers.iter().find(|c| c.id == id).and_then(|c| c.member_level.clone()).unwrap_or_default();
    let mut m = app.login("manager").await;
    let want = items.iter().filter(|p| p.info_type == "purchase" && level(p.customer_id) == "gold").count();
    let (status, page) = m
        .call("members/published", json!({"filter": {"info_type": "purchase", "level": "gold", "per_page": 100}}))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["page"]["total"].as_u64().unwrap() as usize, want);
    assert!(
        page["page"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["info_type"] == "purchase" && r["member_level"] == "gold")
    );

    // PG-14: one member's items with counts by type and status.
    let top = customers.iter().max_by_key(|c| items.iter().filter(|p| p.customer_id == c.id).count()).unwrap();
    let n = items.iter().filter(|p| p.customer_id == top.id).count() as u64;
    let (_, page) = m.call("members/published", json!({"filter": {"customer": top.id}})).await;
    assert_eq!(page["page"]["total"].as_u64().unwrap(), n);
    let by_type: u64 = page["member"]["by_type"].as_array().unwrap().iter().map(|p| p[1].as_u64().unwrap()).sum();
    assert_eq!(by_type, n);

    // A rep office sees only its own members' items, and not another office's member page.
    let gz = app.org_id("GZ").await;
    let mut rep = app.login("gz_rep").await;
    let want =
        items.iter().filter(|p| customers.iter().any(|c| c.id == p.customer_id && c.organization_id == gz)).count();
    let (_, page) = rep.call("members/published", json!({"filter": {"per_page": 100}})).await;
    assert_eq!(page["page"]["total"].as_u64().unwrap() as usize, want.min(2001));
    let other =
        customers.iter().find(|c| c.organization_id != gz && items.iter().any(|p| p.customer_id == c.id)).unwrap();
    let (status, _) = rep.call("members/published", json!({"filter": {"customer": other.id}})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = rep
        .call(
            "exports/start",
            json!({"kind": "published_info", "query": format!("customer={}", other.id), "format": "csv"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn push_logs_summary_and_service_year_counter() {
    let app = with_members(150).await;
    let logs = info_push_log::Entity::find().all(&app.db).await.unwrap();
    let mut m = app.login("agent").await;
    let (status, page) = m.call("members/pushes", json!({"filter": {"push_status": "opened"}})).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let opened = logs.iter().filter(|l| l.push_status.as_deref() == Some("opened")).count() as u64;
    assert_eq!(page["summary"]["emails"].as_u64().unwrap(), opened);
    assert_eq!(page["summary"]["opened"].as_u64().unwrap(), opened);
    let top = logs
        .iter()
        .map(|l| l.customer_id)
        .max_by_key(|id| logs.iter().filter(|l| l.customer_id == *id).count())
        .unwrap();
    let (_, page) = m.call("members/pushes", json!({"filter": {"customer": top}})).await;
    let year = page["member"]["pushes_this_year"].as_u64().unwrap();
    let (_, detail) = m.call("members/detail", json!({"id": top})).await;
    assert_eq!(detail["pushes_this_year"].as_u64().unwrap(), year, "the detail and PG-18 agree");
    assert!(year <= page["page"]["total"].as_u64().unwrap());
}

#[tokio::test]
async fn exports_hold_exactly_the_filtered_rows() {
    let app = with_members(120).await;
    // One gold member is never served (the generated data may have none such).
    let never = "(SELECT MIN(id) FROM customer WHERE member_level = 'gold')";
    app.exec(&format!("DELETE FROM service_record WHERE customer_id = {never}")).await;
    app.exec(&format!("UPDATE customer SET last_service_at = NULL WHERE id = {never}")).await;
    let mut m = app.login("manager").await;
    let query = "level=gold,ordinary&svc_type=callback";
    let (_, page) = m
        .call(
            "members/services",
            json!({"filter": {"level": "gold,ordinary", "service_type": "callback", "per_page": 100}}),
        )
        .await;
    let total = page["total"].as_u64().unwrap();
    let (done, csv) = export(&mut m, "member_services", query, "csv").await;
    assert_eq!(done["done"].as_u64().unwrap(), total);
    let text = String::from_utf8(csv).unwrap();
    assert!(text.starts_with('\u{feff}'), "BOM for Excel");
    let lines: Vec<&str> = text.trim_end().lines().collect();
    assert_eq!(
        lines[0].trim_start_matches('\u{feff}'),
        "企业名称,会员级别,企业状态,平台注册时间,服务开始时间,服务到期时间,诉求受理时间,组织机构,行业分类,会员积分,服务类型,服务方式,服务部门,服务是否到期,履约状态,质检结果"
    );
    assert_eq!(lines.len() as u64, total + 1);
    let first = &page["items"][0];
    assert!(lines[1].starts_with(first["company_name"].as_str().unwrap()), "same order as the page");
    assert!(lines[1..].iter().all(|l| l.contains(",回访,")));

    // 按会员: the export joins each member's latest matching record in its own statement; its
    // rows are the page's rows, with the same latest record (time, type, mode, department).
    let label = |list, v: &serde_json::Value| {
        let code = v.as_str().unwrap_or_default();
        if code.is_empty() { String::new() } else { app::members::enums::label(list, code).0.to_string() }
    };
    let mut without_records = 0;
    for (filter, query) in [
        (json!({"view": "members", "level": "gold"}), "view=members&level=gold"),
        (json!({"view": "members", "service_type": "callback"}), "view=members&svc_type=callback"),
    ] {
        let mut filter = filter;
        filter["per_page"] = json!(100);
        let (_, page) = m.call("members/services", json!({ "filter": filter })).await;
        let (_, csv) = export(&mut m, "member_services", query, "csv").await;
        let table = app::tabular::read("x.csv", &csv).unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(!items.is_empty() && (items.len() as u64) == page["total"].as_u64().unwrap(), "{query}");
        assert_eq!(table.rows.len(), items.len(), "{query}");
        for ((_, row), item) in table.rows.iter().zip(items) {
            assert_eq!(row[0], item["company_name"].as_str().unwrap());
            let at: Option<chrono::DateTime<chrono::Utc>> = serde_json::from_value(item["service_at"].clone()).unwrap();
            without_records += usize::from(at.is_none());
            assert_eq!(row[6], at.as_ref().map(app::ui::fmt_time).unwrap_or_default(), "{row:?}");
            assert_eq!(row[10], label(app::members::enums::SERVICE_TYPES, &item["service_type"]), "{row:?}");
            assert_eq!(row[11], label(app::members::enums::SERVICE_MODES, &item["service_mode"]), "{row:?}");
            assert_eq!(row[12], label(app::members::enums::SERVICE_DEPTS, &item["service_dept"]), "{row:?}");
        }
    }
    assert!(without_records > 0, "members without records are exported too");

    let (_, xlsx) = export(&mut m, "member_services", query, "xlsx").await;
    let table = app::tabular::read("x.xlsx", &xlsx).unwrap();
    assert_eq!(table.rows.len() as u64, total);
    assert_eq!(table.headers.len(), 16);

    // Every export is in the operation log with its criteria and row count.
    let (_, logs) = m.call("admin/logs/list", json!({"filter": {"action": "export", "per_page": 20}})).await;
    let detail = logs["items"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("svc_type=callback") && detail.contains(&format!("\"rows\":{total}")), "{detail}");

    // A rep office's export holds only its members.
    let mut rep = app.login("gz_rep").await;
    let (_, page) = rep.call("members/services", json!({"filter": {"view": "members", "per_page": 100}})).await;
    let (_, csv) = export(&mut rep, "member_services", "view=members", "csv").await;
    let lines = String::from_utf8(csv).unwrap().trim_end().lines().count() as u64;
    assert_eq!(lines - 1, page["total"].as_u64().unwrap());
    // Another user cannot fetch the file.
    let (status, _, _) = app.login("agent").await.get_file(&format!("/download/{}", "nope")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Fault 8: `%` and `_` in the title filter are characters, not `LIKE` wildcards.
#[tokio::test]
async fn title_filter_takes_wildcards_literally() {
    let app = with_members(60).await;
    let items = published_info::Entity::find().all(&app.db).await.unwrap();
    let logs = info_push_log::Entity::find().all(&app.db).await.unwrap();
    for (table, col, rows) in [
        ("published_info", "title", items.iter().map(|p| p.id).collect::<Vec<_>>()),
        ("info_push_log", "info_title", logs.iter().map(|l| l.id).collect()),
    ] {
        assert!(rows.len() > 3, "{table} has data");
        for (id, title) in rows.iter().zip(["九折 10% 优惠采购", "A_B 型号求购", "路径 C:\\tmp 说明"]) {
            app.exec(&format!("UPDATE {table} SET {col} = '{title}' WHERE id = {id}")).await;
        }
    }
    let mut m = app.login("manager").await;
    for (endpoint, total) in [("members/published", items.len()), ("members/pushes", logs.len())] {
        for (q, want) in [
            ("%", "九折 10% 优惠采购"),
            ("_", "A_B 型号求购"),
            ("\\", "路径 C:\\tmp 说明"),
            ("a_b 型号", "A_B 型号求购"),
        ] {
            let (status, page) = m.call(endpoint, json!({"filter": {"title": q, "per_page": 100}})).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            let titles: Vec<&str> =
                page["page"]["items"].as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap()).collect();
            assert_eq!(titles, vec![want], "{endpoint} {q:?} of {total}");
        }
        let (_, page) = m.call(endpoint, json!({"filter": {"title": "%%", "per_page": 100}})).await;
        assert_eq!(page["page"]["total"], 0, "{endpoint}");
        let (status, page) = m.call(endpoint, json!({"filter": {"title": "采".repeat(301)}})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    }
}
