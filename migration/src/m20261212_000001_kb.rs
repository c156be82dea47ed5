//! 知识库 (SPEC §8, I1–I3): the catalogue (`kb_category`, the 7 built-in headings and their
//! seed sub-sections), articles with their revisions, the search log (§8.3.10), and
//! `kb_state`, whose generation every write raises so each server's search index (held in
//! memory, `app::kb::index`) knows when to read the articles changed since.
use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, fk, id, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// SPEC §8.1, verbatim: the headings (catalogue titles) and their seed sub-sections.
pub const CATALOGUE: [(&str, &[&str]); 7] = [
    ("诚商网平台使用知识", &["一、商网平台基本功能", "二、诚商网平台常见问题"]),
    (
        "会员履约服务知识",
        &["一、“诚商网”(金牌/普通)会员服务标准", "二、“诚商网”(商系列)服务标准", "三、会员服务常见问题"],
    ),
    ("产品知识", &["一、EC数据宝2.0", "二、“国信宝”认证", "三、诚商嬴赢"]),
    ("信息审核规则", &["一、企业信息审核规范", "二、产品信息审核规范", "三、供应求购信息审核", "四、其他信息审核规范"]),
    ("区域平台组织机构信息", &[]),
    (
        "相关规则及法律法规",
        &[
            "一、《禁止发布的产品、供求信息规则》",
            "二、《重复信息定义及处理规则》",
            "三、《限制发布的产品、供求信息规则》",
        ],
    ),
    ("其他知识", &[]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a("kb_category"))
            .col(id())
            .col(big_integer_null(a("parent_id")))
            .foreign_key(&mut fk("kb_category", "parent_id", "kb_category"))
            .col(string_len(a("title"), 100))
            // 1–7 for the built-in headings.
            .col(integer_null(a("heading_no")))
            .col(integer(a("sort_order")))
            .col(boolean(a("is_builtin")))
            .col(big_integer_null(a("updated_by")))
            .col(timestamp_with_time_zone(a("created_at")))
            .col(timestamp_with_time_zone(a("updated_at")));
        m.create_table(t.take()).await?;
        let mut u = idx("kb_category", "ux_kb_category_title", &["parent_id", "title"]);
        m.create_index(u.unique().take()).await?;

        let mut t = Table::create();
        t.table(a("kb_article"))
            .col(id())
            .col(big_integer(a("category_id")))
            .foreign_key(&mut fk("kb_article", "category_id", "kb_category"))
            .col(string_len(a("title"), 200))
            // Sanitised (allow-list) HTML, and its plain text (tags and entities gone, white
            // space collapsed): the search index normalises it (§8.3.4).
            .col(text(a("content_html")))
            .col(text(a("content_text")))
            .col(string_len(a("keywords"), 500))
            // E-04 codes, comma-separated (empty: every level).
            .col(string_len(a("applicable_levels"), 200))
            // E-52: draft / published / archived.
            .col(string_len(a("status"), 16))
            .col(integer(a("version")))
            .col(timestamp_with_time_zone_null(a("published_at")))
            .col(big_integer(a("view_count")))
            // The `kb_state` generation of the article's last write.
            .col(big_integer(a("index_seq")))
            .col(big_integer(a("created_by")))
            .foreign_key(&mut fk("kb_article", "created_by", "account"))
            .col(timestamp_with_time_zone(a("created_at")))
            .col(big_integer(a("updated_by")))
            .foreign_key(&mut fk("kb_article", "updated_by", "account"))
            .col(timestamp_with_time_zone(a("updated_at")))
            .col(timestamp_with_time_zone_null(a("deleted_at")));
        m.create_table(t.take()).await?;
        m.create_index(idx("kb_article", "ix_kb_article_category", &["category_id", "status", "updated_at"])).await?;
        m.create_index(idx("kb_article", "ix_kb_article_updated", &["updated_at"])).await?;
        m.create_index(idx("kb_article", "ix_kb_article_seq", &["index_seq"])).await?;

        let mut t = Table::create();
        t.table(a("kb_article_revision"))
            .col(id())
            .col(big_integer(a("article_id")))
            .foreign_key(&mut fk("kb_article_revision", "article_id", "kb_article"))
            .col(integer(a("version")))
            .col(big_integer(a("category_id")))
            .col(string_len(a("title"), 200))
            .col(text(a("content_html")))
            .col(string_len(a("keywords"), 500))
            .col(string_len(a("applicable_levels"), 200))
            .col(string_len(a("status"), 16))
            .col(big_integer(a("edited_by")))
            .foreign_key(&mut fk("kb_article_revision", "edited_by", "account"))
            .col(timestamp_with_time_zone(a("edited_at")))
            .col(string_len(a("change_note"), 255));
        m.create_table(t.take()).await?;
        let mut u = idx("kb_article_revision", "ux_kb_revision", &["article_id", "version"]);
        m.create_index(u.unique().take()).await?;

        let mut t = Table::create();
        t.table(a("kb_search_log"))
            .col(id())
            .col(string_len(a("query"), 200))
            .col(integer(a("result_count")))
            .col(string_len(a("source"), 16))
            .col(big_integer(a("account_id")))
            .foreign_key(&mut fk("kb_search_log", "account_id", "account"))
            .col(timestamp_with_time_zone(a("searched_at")));
        m.create_table(t.take()).await?;
        m.create_index(idx("kb_search_log", "ix_kb_search_log_zero", &["result_count", "searched_at"])).await?;

        let mut t = Table::create();
        t.table(a("kb_state")).col(integer(a("id")).primary_key()).col(big_integer(a("generation")));
        m.create_table(t.take()).await?;

        let db = m.get_connection();
        db.execute_unprepared("INSERT INTO kb_state (id, generation) VALUES (1, 1)").await?;
        let cols = ["parent_id", "title", "heading_no", "sort_order", "is_builtin", "created_at", "updated_at"];
        let mut insert = Query::insert();
        insert.into_table(a("kb_category")).columns(cols.map(a));
        for (n, (heading, _)) in CATALOGUE.iter().enumerate() {
            let no = n as i32 + 1;
            insert.values_panic([
                Option::<i64>::None.into(),
                (*heading).into(),
                no.into(),
                no.into(),
                true.into(),
                Expr::current_timestamp(),
                Expr::current_timestamp(),
            ]);
        }
        m.exec_stmt(insert).await?;
        for (heading, subs) in CATALOGUE.iter().filter(|(_, subs)| !subs.is_empty()) {
            let found = db
                .query_one(
                    Query::select()
                        .column(a("id"))
                        .from(a("kb_category"))
                        .and_where(Expr::col(a("parent_id")).is_null())
                        .and_where(Expr::col(a("title")).eq(*heading)),
                )
                .await?
                .ok_or_else(|| DbErr::Custom(format!("heading {heading} not inserted")))?;
            let parent: i64 = found.try_get_by_index(0)?;
            let mut insert = Query::insert();
            insert.into_table(a("kb_category")).columns(cols.map(a));
            for (k, sub) in subs.iter().enumerate() {
                insert.values_panic([
                    parent.into(),
                    (*sub).into(),
                    Option::<i32>::None.into(),
                    (k as i32 + 1).into(),
                    true.into(),
                    Expr::current_timestamp(),
                    Expr::current_timestamp(),
                ]);
            }
            m.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["kb_state", "kb_search_log", "kb_article_revision", "kb_article", "kb_category"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
