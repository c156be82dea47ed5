//! 知识库 (SPEC §8, issue 13) through the routes the pages call: the acceptance tests of §8.3.9
//! verbatim, the ranking, width and case variants, a term only in a category title, drafts and
//! archived articles, sanitised bodies, revisions with diff and restore, attachments of the
//! wrong type or size, the zip import, categories, suggestions while typing, a second server
//! instance seeing what the first saved, and what agents may not do.
use std::io::Write;

use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Client, TestApp, field_error, rejected};

/// The id of category `path` (titles from the heading down) in `kb/home`'s tree.
async fn category(c: &mut Client, path: &[&str]) -> i64 {
    let (status, home) = c.call("kb/home", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{home}");
    let mut nodes = home["tree"].clone();
    let mut id = Value::Null;
    for title in path {
        let node = nodes.as_array().unwrap().iter().find(|n| n["title"] == *title).cloned();
        let node = node.unwrap_or_else(|| panic!("no category {title}"));
        id = node["id"].clone();
        nodes = node["children"].clone();
    }
    id.as_i64().unwrap()
}

fn article(id: Option<i64>, version: i64, cat: i64, title: &str, body: &str, status: &str) -> Value {
    json!({"input": {"id": id, "version": version, "category_id": cat, "title": title, "content_html": body,
        "keywords": "", "levels": [], "status": status, "change_note": "", "attachment_ids": []}})
}

async fn save(c: &mut Client, body: Value) -> (i64, i64) {
    let (status, out) = c.call("kb/save", body).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    (out["id"].as_i64().unwrap(), out["version"].as_i64().unwrap())
}

async fn search(c: &mut Client, q: &str, panel: bool) -> Value {
    let (status, out) = c.call("kb/search", json!({"input": {"q": q, "page": 1, "panel": panel}})).await;
    assert_eq!(status, StatusCode::OK, "{q}: {out}");
    out
}

async fn found(c: &mut Client, q: &str) -> Vec<i64> {
    search(c, q, false).await["hits"].as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()).collect()
}

/// The marked pieces of a hit's title or snippet.
fn marked(segments: &Value) -> Vec<String> {
    segments
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["hit"] == true)
        .map(|s| s["text"].as_str().unwrap().into())
        .collect()
}

#[tokio::test]
async fn search_passes_the_acceptance_tests_of_8_3_9_and_ranks_as_specified() {
    let app = TestApp::spawn().await;
    let mut manager = app.login("manager").await;
    let mut agent = app.login("agent").await;
    let faq = category(&mut manager, &["会员履约服务知识", "三、会员服务常见问题"]).await;
    let ec = category(&mut manager, &["产品知识", "一、EC数据宝2.0"]).await;
    let other = category(&mut manager, &["其他知识"]).await;

    let (a, _) =
        save(&mut manager, article(None, 0, faq, "到期提醒", "<p>会员可在服务到期前30天办理续费</p>", "published"))
            .await;
    let (b, _) = save(&mut manager, article(None, 0, ec, "EC数据宝2.0", "<p>数据产品介绍</p>", "published")).await;
    let (c, _) = save(&mut manager, article(None, 0, other, "说明", "<p>会员续费流程介绍</p>", "published")).await;
    let (d, _) = save(&mut manager, article(None, 0, other, "办理", "<p>办理流程说明</p>", "published")).await;
    let (draft, _) = save(&mut manager, article(None, 0, other, "草稿", "<p>草稿里的续费</p>", "draft")).await;
    let (gone, _) = save(&mut manager, article(None, 0, other, "旧规", "<p>已下架的续费</p>", "archived")).await;
    let (titled, _) = save(&mut manager, article(None, 0, other, "续费办理指南", "<p>详见正文</p>", "published")).await;

    // (a) 续费, 费, 到期前 find the body "会员可在服务到期前30天办理续费".
    for q in ["续费", "费", "到期前"] {
        assert!(found(&mut agent, q).await.contains(&a), "{q}");
    }
    // (b) the title "EC数据宝2.0" by ec数据宝, ＥＣ数据宝 (full width), 2.0.
    for q in ["ec数据宝", "ＥＣ数据宝", "2.0", "Ec数据宝2.0"] {
        assert_eq!(found(&mut agent, q).await.first(), Some(&b), "{q}");
    }
    // (c) 续费 流程: both terms, in any order, only.
    assert_eq!(found(&mut agent, "续费 流程").await, vec![c]);
    assert_eq!(found(&mut agent, "流程　续费").await, vec![c], "a full-width space separates terms too");
    assert_eq!(found(&mut agent, "\"续费流程\"").await, vec![c]);
    // (d) a draft is not found by a non-editor, nor read; an editor finds it. Archived: nobody.
    let agents = found(&mut agent, "续费").await;
    assert!(!agents.contains(&draft) && !agents.contains(&gone), "{agents:?}");
    let editors = found(&mut manager, "续费").await;
    assert!(editors.contains(&draft) && !editors.contains(&gone), "{editors:?}");
    let (status, _) = agent.call("kb/article", json!({"id": draft})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!found(&mut manager, "续费").await.is_empty());
    let panel = search(&mut manager, "续费", true).await;
    assert!(
        panel["hits"].as_array().unwrap().iter().all(|h| h["status"] == "published"),
        "the panel cites published ones"
    );
    // (e) <script> is a query like any: no result, no injection.
    let out = search(&mut agent, "<script>alert(1)</script>", false).await;
    assert_eq!(out["total"], 0);

    // Ranking (§8.3.6): the title hit first; then by occurrences.
    let ranked = found(&mut agent, "续费").await;
    assert_eq!(ranked[0], titled, "{ranked:?}");
    // A term only in a category title: 履约服务 is in 会员履约服务知识.
    assert_eq!(found(&mut agent, "履约服务").await, vec![a]);
    assert_eq!(found(&mut agent, "履约服务 到期").await, vec![a]);
    // Symbols, one Latin letter, nothing at all.
    assert!(found(&mut agent, "%%").await.is_empty());
    assert!(found(&mut agent, "e").await.contains(&b));
    let empty = search(&mut agent, " \u{3000} \"\" ", false).await;
    assert_eq!(empty["empty_query"], true);
    // The result: path, highlighted title and snippet.
    let hit = search(&mut agent, "ｅｃ数据", false).await["hits"][0].clone();
    assert_eq!(hit["path"], json!(["产品知识", "一、EC数据宝2.0"]));
    assert_eq!(marked(&hit["title"]), vec!["EC数据"]);
    let hit = search(&mut agent, "到期前", false).await["hits"][0].clone();
    assert_eq!(marked(&hit["snippet"]), vec!["到期前"]);
    assert_eq!(d, found(&mut agent, "办理流程").await[0]);

    // Queries that found nothing are kept for 主管/经理 (§8.3.10); agents may not read them.
    found(&mut agent, "无此内容的问题").await;
    let (status, zero) = manager.call("kb/zero-results", json!({"days": 30})).await;
    assert_eq!(status, StatusCode::OK, "{zero}");
    assert!(zero.as_array().unwrap().iter().any(|z| z["query"] == "无此内容的问题"), "{zero}");
    let (status, _) = agent.call("kb/zero-results", json!({"days": 30})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Another server instance on the same database sees a change made through the first.
    let mut elsewhere = agent.via(&app.other_instance());
    assert!(found(&mut elsewhere, "续费").await.contains(&a));
    let (_, v) = manager.call("kb/article", json!({"id": a})).await;
    let version = v["version"].as_i64().unwrap();
    manager.call("kb/status", json!({"input": {"id": a, "version": version, "status": "archived"}})).await;
    assert!(!found(&mut elsewhere, "到期前").await.contains(&a));
}

#[tokio::test]
async fn bodies_are_sanitised_saves_are_revised_and_restored_and_only_editors_write() {
    let app = TestApp::spawn().await;
    let mut manager = app.login("manager").await;
    let mut agent = app.login("agent").await;
    let mut biz = app.login("biz_tech").await;
    let cat = category(&mut manager, &["其他知识"]).await;

    // Bad input: each error at its field, nothing written.
    for (body, field) in [
        (article(None, 0, cat, " ", "<p>x</p>", "draft"), "title"),
        (article(None, 0, cat, "标题", "<script>only()</script>", "draft"), "content_html"),
        (json!({"input": {"title": "t", "content_html": "<p>x</p>", "status": "draft"}}), "category_id"),
        (article(None, 0, cat, &"长".repeat(201), "<p>x</p>", "draft"), "title"),
    ] {
        let (status, out) = manager.call("kb/save", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
        assert!(field_error(&out, field).is_some(), "{field}: {out}");
    }
    let (status, _) = manager.call("kb/save", json!({"input": {"title": 1}})).await;
    assert!(status.is_client_error(), "a malformed body is a client error");
    let (status, _) = manager.call("kb/save", article(None, 0, 999_999, "标题", "<p>x</p>", "draft")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) FROM kb_article").await, 0);

    // Scripts and handlers are stripped; the text stays.
    let body = "<p>正文<b>加粗</b></p><script>alert(1)</script><img src=x onerror=\"alert(2)\"><a href=\"javascript:x()\">链接</a>";
    let (id, v1) = save(&mut manager, article(None, 0, cat, "第一版", body, "published")).await;
    let (_, view) = agent.call("kb/article", json!({"id": id})).await;
    let html = view["content_html"].as_str().unwrap();
    assert!(!html.contains("script") && !html.contains("onerror") && !html.contains("javascript"), "{html}");
    assert_eq!(view["content_text"], "正文加粗\n链接");

    // Agents, business departments: read only.
    for c in [&mut agent, &mut biz] {
        let (status, _) = c.call("kb/save", article(None, 0, cat, "x", "<p>x</p>", "draft")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = c.call("kb/category/save", json!({"input": {"parent_id": cat, "title": "新类"}})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, _) = biz.call("kb/article", json!({"id": id})).await;
    assert_eq!(status, StatusCode::OK, "business departments read");

    // A second version; the same stale version saved 20 times at once: one wins.
    let (_, v2) =
        save(&mut manager, article(Some(id), v1, cat, "第二版", "<p>正文改了</p><p>新增一段</p>", "published")).await;
    assert_eq!(v2, v1 + 1);
    let mut tasks = vec![];
    for n in 0..20 {
        let mut c = manager.via(&app.other_instance());
        tasks.push(tokio::spawn(async move {
            c.call("kb/save", article(Some(id), v2, cat, &format!("并发{n}"), "<p>并发</p>", "published")).await.0
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(ok, 1);
    let (status, out) = manager.call("kb/save", article(Some(id), v1, cat, "旧", "<p>旧</p>", "published")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(rejected(&out).contains("修改"), "{out}");

    // Revisions: one per save, a diff, and restoring version 1 as version 4.
    let (_, edit) = manager.call("kb/edit", json!({"id": id, "category": null})).await;
    let versions: Vec<i64> =
        edit["revisions"].as_array().unwrap().iter().map(|r| r["version"].as_i64().unwrap()).collect();
    assert_eq!(versions, vec![3, 2, 1]);
    let (_, diff) = manager.call("kb/revision/diff", json!({"id": id, "version": 2})).await;
    let lines: Vec<(String, String)> = diff["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["kind"].as_str().unwrap().into(), l["text"].as_str().unwrap().into()))
        .collect();
    assert!(lines.contains(&("removed".into(), "标题:第一版".into())), "{lines:?}");
    assert!(lines.contains(&("added".into(), "新增一段".into())), "{lines:?}");
    let (status, out) =
        manager.call("kb/revision/restore", json!({"input": {"id": id, "version": 1, "current": 3}})).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["version"], 4);
    let (_, view) = agent.call("kb/article", json!({"id": id})).await;
    assert_eq!((view["title"].clone(), view["content_text"].clone()), (json!("第一版"), json!("正文加粗\n链接")));
    assert!(found(&mut agent, "加粗").await.contains(&id), "the restored text is searched");
    assert!(found(&mut agent, "新增一段").await.is_empty());
    // Every write is in the operation log.
    assert_eq!(app.count("SELECT COUNT(*) FROM operation_log WHERE module = 'kb.edit'").await, 4);

    // Deleting asks for the current version; a deleted article is gone for everyone.
    let (status, _) = manager.call("kb/delete", json!({"id": id, "version": 3})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = manager.call("kb/delete", json!({"id": id, "version": 4})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = manager.call("kb/article", json!({"id": id})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(found(&mut manager, "加粗").await.is_empty());
}

#[tokio::test]
async fn attachments_are_type_checked_size_limited_and_served_as_downloads() {
    let app = TestApp::spawn().await;
    let mut manager = app.login("manager").await;
    let mut agent = app.login("agent").await;
    let cat = category(&mut manager, &["其他知识"]).await;

    let (status, out) = manager.post_bytes("/upload/kb-attachment?name=virus.pdf", b"MZ\x90\x00binary".to_vec()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{out}");
    assert!(rejected(&out).contains(".pdf"), "{out}");
    let (status, out) = manager.post_bytes("/upload/kb-attachment?name=run.exe", b"MZ".to_vec()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(rejected(&out).contains("不支持"), "{out}");
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(30 << 20, b'x');
    let (status, out) = manager.post_bytes("/upload/kb-attachment?name=big.pdf", big).await;
    assert_eq!(status, StatusCode::CONFLICT, "{out}");
    assert!(rejected(&out).contains("20 MB"), "{out}");
    let (status, _) = agent.post_bytes("/upload/kb-attachment?name=a.pdf", b"%PDF-1.4".to_vec()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM attachment").await, 0);

    let (status, file) =
        manager.post_bytes("/upload/kb-attachment?name=续费规则.pdf", b"%PDF-1.4 rules".to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{file}");
    let file_id = file["id"].as_i64().unwrap();
    // Not yet taken by an article: only editors may fetch it.
    let (status, _, _) = agent.get_file(&format!("/files/kb/{file_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut body = article(None, 0, cat, "附件说明", "<p>见附件</p>", "published");
    body["input"]["attachment_ids"] = json!([file_id]);
    let (id, _) = save(&mut manager, body).await;
    let (_, view) = agent.call("kb/article", json!({"id": id})).await;
    assert_eq!(view["attachments"][0]["file_name"], "续费规则.pdf");
    let (status, bytes, disposition) = agent.get_file(&format!("/files/kb/{file_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, b"%PDF-1.4 rules");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    // Another article cannot take it.
    let mut body = article(None, 0, cat, "盗用", "<p>x</p>", "published");
    body["input"]["attachment_ids"] = json!([file_id]);
    let (status, out) = manager.call("kb/save", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    let (status, _, _) = agent.get_file("/files/kb/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

fn bundle(files: &[(&str, &str)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in files {
        z.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

#[tokio::test]
async fn a_bundle_is_previewed_then_imported_with_its_categories() {
    let app = TestApp::spawn().await;
    let mut manager = app.login("manager").await;
    let mut agent = app.login("agent").await;
    let zip = bundle(&[
        ("产品知识/一、EC数据宝2.0/开通.md", "# EC数据宝2.0 开通流程\n\n会员在后台提交**开通申请**。"),
        (
            "区域平台组织机构信息/华南/广州代表处.html",
            "<html><head><title>广州代表处</title></head><body><p>地址:天河路</p></body></html>",
        ),
        ("说明.md", "# 没有类别"),
    ]);
    let (status, preview) = manager.post_bytes("/upload/kb-import?name=bundle.zip", zip).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    let items = preview["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(
        (items[0]["title"].clone(), items[0]["new_category"].clone()),
        (json!("EC数据宝2.0 开通流程"), json!(false))
    );
    assert_eq!(items[1]["new_category"], true);
    assert!(items[2]["error"].is_string());
    assert_eq!(app.count("SELECT COUNT(*) FROM kb_article").await, 0, "a preview writes nothing");
    let (status, _) = manager.post_bytes("/upload/kb-import?name=x.zip", b"PK broken".to_vec()).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let key = preview["key"].clone();
    let (status, out) = manager.call("kb/import", json!({"input": {"key": key, "status": "published"}})).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out, json!({"articles": 2, "categories": 1}));
    let hits = search(&mut agent, "开通申请", false).await;
    assert_eq!(hits["hits"][0]["path"], json!(["产品知识", "一、EC数据宝2.0"]));
    let hits = search(&mut agent, "天河路", false).await;
    assert_eq!(hits["hits"][0]["path"], json!(["区域平台组织机构信息", "华南"]));
    // The bundle is used once.
    let (status, _) = manager.call("kb/import", json!({"input": {"key": key, "status": "published"}})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = manager.call("kb/import", json!({"input": {"key": "../../etc", "status": "draft"}})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn categories_are_added_renamed_reordered_and_the_headings_stay() {
    let app = TestApp::spawn().await;
    let mut manager = app.login("manager").await;
    let heading = category(&mut manager, &["其他知识"]).await;
    let builtin = category(&mut manager, &["诚商网平台使用知识", "二、诚商网平台常见问题"]).await;
    let add = |title: &str| json!({"input": {"parent_id": heading, "title": title}});
    let (status, first) = manager.call("kb/category/save", add("开票")).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (_, second) = manager.call("kb/category/save", add("退款")).await;
    let (status, out) = manager.call("kb/category/save", add("开票")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&out, "title").unwrap().contains("同名"));
    let (status, out) = manager.call("kb/category/save", add("   ")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    let (status, _) =
        manager.call("kb/category/save", json!({"input": {"id": first, "parent_id": heading, "title": "发票"}})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = manager.call("kb/category/move", json!({"id": second, "up": true})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, home) = manager.call("kb/home", json!({})).await;
    let other = home["tree"].as_array().unwrap().iter().find(|n| n["id"] == heading).unwrap().clone();
    let titles: Vec<&str> =
        other["children"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap()).collect();
    assert_eq!(titles, vec!["退款", "发票"]);
    let (status, _) = manager.call("kb/category/move", json!({"id": second, "up": true})).await;
    assert_eq!(status, StatusCode::CONFLICT, "already first");

    // Built-in ones and ones holding articles are not deleted.
    for id in [heading, builtin] {
        let (status, out) = manager.call("kb/category/delete", json!({"id": id})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{out}");
    }
    save(&mut manager, article(None, 0, second.as_i64().unwrap(), "退款流程", "<p>x</p>", "draft")).await;
    let (status, _) = manager.call("kb/category/delete", json!({"id": second})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = manager.call("kb/category/delete", json!({"id": first})).await;
    assert_eq!(status, StatusCode::OK);
    // A renamed category is searched by its new title.
    let mut agent = app.login("agent").await;
    manager.call("kb/category/save", json!({"input": {"id": second, "parent_id": heading, "title": "售后退费"}})).await;
    let (_, list) = manager.call("kb/manage/list", json!({"filter": {"keyword": "退款"}})).await;
    let article_id = list["items"][0]["id"].as_i64().unwrap();
    let (_, edit) = manager.call("kb/edit", json!({"id": article_id, "category": null})).await;
    let mut body = article(Some(article_id), 1, second.as_i64().unwrap(), "退款流程", "<p>x</p>", "published");
    body["input"]["version"] = edit["input"]["version"].clone();
    save(&mut manager, body).await;
    assert_eq!(found(&mut agent, "售后退费").await, vec![article_id]);
}

#[tokio::test]
async fn suggestions_follow_the_request_being_typed() {
    let app = TestApp::spawn().await;
    let mut manager = app.login("manager").await;
    let mut agent = app.login("agent").await;
    let cat = category(&mut manager, &["会员履约服务知识"]).await;
    let (renew, _) = save(
        &mut manager,
        article(None, 0, cat, "续费办理指南", "<p>会员可在服务到期前30天办理续费。</p>", "published"),
    )
    .await;
    let (invoice, _) =
        save(&mut manager, article(None, 0, cat, "发票开具说明", "<p>发票在付款后7个工作日内寄出。</p>", "published"))
            .await;
    save(&mut manager, article(None, 0, cat, "续费草稿", "<p>续费草稿</p>", "draft")).await;

    let suggest = |text: &'static str| json!({"text": text});
    let (status, out) = agent.call("kb/suggest", suggest("续费")).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let ids: Vec<i64> = out.as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![renew], "drafts are never suggested");
    // A sentence: no article holds it whole; the one sharing its telling words comes first.
    let (_, out) = agent.call("kb/suggest", suggest("您好，我们公司的发票一直没有收到，请问什么时候寄出？")).await;
    assert_eq!(out[0]["id"], invoice, "{out}");
    assert!(out.as_array().unwrap().len() <= 3);
    let (_, out) = agent.call("kb/suggest", suggest("续")).await;
    assert_eq!(out, json!([]), "one character is too little to suggest from");
    let (status, _) = app.client().call("kb/suggest", suggest("续费")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn hostile_input_gets_readable_answers_and_parallel_writes_hold() {
    let app = TestApp::spawn().await;
    let mut manager = app.login("manager").await;
    let mut agent = app.login("agent").await;
    let heading = category(&mut manager, &["其他知识"]).await;
    save(&mut manager, article(None, 0, heading, "续费说明", "<p>续费</p>", "published")).await;

    // Page numbers far out, negative, a query of symbols, an over-long one.
    let (status, out) = agent.call("kb/search", json!({"input": {"q": "续费", "page": u64::MAX}})).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["hits"], json!([]));
    let (status, _) = agent.call("kb/search", json!({"input": {"q": "续费", "page": -1}})).await;
    assert!(status.is_client_error(), "{status}");
    for q in ["！@#￥%……&*（）——", "'; DROP TABLE kb_article; --", &"续".repeat(5_000)] {
        let out = search(&mut agent, q, false).await;
        assert_eq!(out["total"], 0, "{q}");
    }
    let (status, _) = agent
        .send(
            http::Request::builder()
                .method("POST")
                .uri("/api/kb/search")
                .header(http::header::HOST, "crm.test")
                .header(http::header::CONTENT_TYPE, "application/json")
                .header(http::header::COOKIE, agent.cookie.clone().unwrap())
                .body(axum::body::Body::from("{\"input\": {\"q\": \"续"))
                .unwrap(),
        )
        .await;
    assert!(status.is_client_error(), "truncated JSON: {status}");
    assert_eq!(found(&mut agent, "续费").await.len(), 1, "still answering");

    // 50 searches at once; 20 of the same new category at once: one is made.
    let mut tasks = vec![];
    for _ in 0..50 {
        let mut c = agent.clone();
        tasks.push(tokio::spawn(async move { c.call("kb/search", json!({"input": {"q": "续费"}})).await.0 }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
    let mut tasks = vec![];
    for _ in 0..20 {
        let mut c = manager.clone();
        tasks.push(tokio::spawn(async move {
            c.call("kb/category/save", json!({"input": {"parent_id": null, "title": "新增标题"}})).await.0
        }));
    }
    let mut made = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::OK => made += 1,
            StatusCode::UNPROCESSABLE_ENTITY => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(made, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM kb_category WHERE title = '新增标题'").await, 1);
}
