//! The request lists read the same rows whichever way a page is planned: sorted here from few
//! matches, or walked in order (each arm of an OR scope on its own) when they are many.
use app::db::fetch_listing_counting;
use app::requests::RequestFilter;
use app::requests::entity::service_request;
use app::requests::lists::{Answers, CallerSearch, caller_search, inbox_listing, list_listing};

use crate::common::TestApp;
use crate::members::with_members;

/// Requests made from the generated members' legacy records (a few hundred).
async fn with_requests() -> TestApp {
    let app = with_members(300).await;
    let n = app::requests::demo::from_records(&app.db, 11, |_| {}).await.unwrap();
    assert!(n > 150, "{n} requests");
    app
}

fn ids(page: &app::ui::Page<service_request::Model>) -> Vec<i64> {
    page.items.iter().map(|r| r.id).collect()
}

/// Pages 1–4 of `listing` planned both ways: sorted from every match (counted far past the
/// page), and walked in order (counted to the page only). Returns how many rows match.
async fn both_ways(app: &TestApp, make: &dyn Fn() -> app::db::Listing<service_request::Entity>, what: &str) -> u64 {
    let mut total = 0;
    let mut seen = vec![];
    for page in 1..=4 {
        let few = fetch_listing_counting(&app.db, make(), page, 20, 1_000_000).await.unwrap();
        let many = fetch_listing_counting(&app.db, make(), page, 20, 0).await.unwrap();
        assert_eq!(ids(&few), ids(&many), "{what}, page {page}");
        let skip = (page - 1) * 20;
        assert_eq!(many.total, few.total.min(skip + 1), "{what}: counted one past the rows before the page");
        assert_eq!(many.counted_to, Some(skip));
        total = few.total;
        seen.extend(ids(&few));
    }
    let mut unique = seen.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "{what}: a row on two pages");
    assert_eq!(seen.len() as u64, total.min(80), "{what}: pages 1–4 hold the first 80 rows");
    total
}

#[tokio::test]
async fn a_list_reads_the_same_rows_whether_few_or_many_match() {
    let app = with_requests().await;
    let backend = app.db.get_database_backend();
    let gz = app.org_id("GZ").await;
    // The company of the caller with the most requests (企业名称 goes through the member search).
    let company = app
        .text(
            "SELECT company_name FROM service_request WHERE company_name IS NOT NULL \
             GROUP BY company_name ORDER BY COUNT(*) DESC, company_name LIMIT 1",
        )
        .await;
    // A caller's surname and full name (客户姓名 goes through the request's own search index).
    let caller = app
        .text(
            "SELECT caller_name FROM service_request WHERE caller_name IS NOT NULL \
             GROUP BY caller_name ORDER BY COUNT(*) DESC, caller_name LIMIT 1",
        )
        .await;
    let surname: String = caller.chars().take(1).collect();
    // The agent with most requests the office sees (客服人员: seen from an office, the agent's
    // index tests the scope).
    let agent = app
        .count(&format!(
            "SELECT agent_id FROM service_request WHERE accepting_org_id = {gz} OR customer_org_snapshot_id = {gz} \
             GROUP BY agent_id ORDER BY COUNT(*) DESC, agent_id LIMIT 1"
        ))
        .await;
    let text = |s: &str| s.to_string();
    let filters = [
        RequestFilter::default(),
        RequestFilter { request_type: text("complaint"), ..Default::default() },
        RequestFilter { state: text("completed"), ..Default::default() },
        RequestFilter { org: Some(gz), ..Default::default() },
        RequestFilter { routed_from: text("2020-01-01"), routed_to: text("2100-01-01"), ..Default::default() },
        RequestFilter { company: company.clone(), ..Default::default() },
        RequestFilter { caller: surname.clone(), ..Default::default() },
        RequestFilter { caller: caller.clone(), ..Default::default() },
        RequestFilter { agent: Some(agent), ..Default::default() },
    ];
    // 全部数据, an office (three arms: accepted by it, about its members, the account's own),
    // a department (routed to it, or entered by the account).
    let mut found = vec![];
    for who in ["manager", "gz_rep", "biz_tech"] {
        let user = app.signed_in(who).await;
        for f in &filters {
            let what = format!("{who} {}", app::ui::list::UrlFilter::to_query(f));
            let chosen = caller_search(&app.db, f).await.unwrap();
            let make = || list_listing(backend, &user, f, chosen).unwrap();
            let n = both_ways(&app, &make, &what).await;
            // A caller name reaches the same rows through its index and by testing each request.
            for how in [CallerSearch::Index, CallerSearch::Scan] {
                let make = || list_listing(backend, &user, f, how).unwrap();
                assert_eq!(both_ways(&app, &make, &format!("{what} {how:?}")).await, n, "{what} {how:?}");
            }
            found.push(n);
        }
    }
    // Not vacuous: the walk served lists longer than its cap, for each kind of scope, the
    // company finds its caller's requests, and so do the caller's names.
    let per = filters.len();
    assert!(found[0] > 80 && found[per] > 20 && found[2 * per] > 20, "{found:?}");
    assert!(found[5] > 0, "{company}: {found:?}");
    assert!(found[6] >= found[7] && found[7] > 0, "{caller}: {found:?}");
    // The agent's requests, and among them those the office sees.
    assert!(found[per + 8] > 0 && found[per + 8] <= found[8], "agent {agent}: {found:?}");

    // 部门待办's tabs: waiting (oldest routing first) and answered (newest feedback first). How
    // many still wait depends on the hour the data is generated; some have always been answered.
    let tech = app.signed_in("biz_tech").await;
    let done = |f: RequestFilter| RequestFilter { tab: text("done"), ..f };
    let inboxes = [
        RequestFilter::default(),
        done(RequestFilter::default()),
        done(RequestFilter { company: company.clone(), ..Default::default() }),
        done(RequestFilter { routed_from: text("2020-01-01"), routed_to: text("2100-01-01"), ..Default::default() }),
        done(RequestFilter { no: text("SQ20"), ..Default::default() }),
    ];
    let mut answered = vec![];
    for f in &inboxes {
        let what = format!("inbox {}", app::ui::list::UrlFilter::to_query(f));
        // However many answers the department has, the same rows.
        let mut counts = vec![];
        for answers in [Answers::Few, Answers::Many] {
            let make = || inbox_listing(backend, &tech, f, answers).unwrap();
            counts.push(both_ways(&app, &make, &format!("{what} {answers:?}")).await);
        }
        assert_eq!(counts[0], counts[1], "{what}");
        answered.push(counts[0]);
    }
    // Every answer has a routing and a number of this century.
    assert!(answered[1] > 20 && answered[3] == answered[1] && answered[4] == answered[1], "{answered:?}");
}
