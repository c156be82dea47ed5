//! 履约 (SPEC §6, G1–G5, F3): the scheme versions with their items and weights, each paid
//! member's service years with their item states, the immutable log of what was done, and the
//! 精准匹配 records that feed the counted item. Weights and progress are exact: integer
//! hundredths of a percent (`…_bp`: 20.00 % is 2000), never floating point — so the customer's
//! `double` progress column is replaced by one in hundredths. The customer's 履约状态 cache
//! is cleared: no service year existed behind it; the upkeep job opens every paid member's
//! service year and fills the cache from its items.
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{a, fk, id, idx};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Scheme version 1 (SPEC §6.2, verbatim): (level, item, weight in hundredths, kind, target,
/// linked e-mail kind).
type Seeded = (&'static str, &'static str, i32, &'static str, Option<i32>, Option<&'static str>);
const PUSH: &str = "订阅、浏览网站每日更新的专业采购信息-信息推送";
const SCHEME_V1: &[Seeded] = &[
    ("ordinary", PUSH, 5000, "push_count", Some(50), None),
    ("ordinary", "《中国供应商光盘》", 5000, "simple", None, None),
    ("gold", PUSH, 2000, "push_count", Some(50), None),
    ("gold", "《中国供应商光盘》", 2000, "simple", None, None),
    ("gold", "网站内有明显推荐标志,网站首页推荐", 2000, "simple", None, None),
    (
        "gold",
        "广交会期间现场收集的采购信息及外商联系方式为内容的电子邮件一封",
        2000,
        "simple",
        None,
        Some("canton_fair"),
    ),
    ("gold", "《中国金牌出口企业名录》", 2000, "simple", None, None),
    ("shang_qia_tong", "首页推荐", 1000, "simple", None, None),
    ("shang_qia_tong", "精准贸易匹配", 1500, "counted", Some(15), None),
    ("shang_qia_tong", "买家来华洽谈会", 1500, "simple", None, None),
    ("shang_qia_tong", "外贸学院", 1000, "simple", None, None),
    ("shang_qia_tong", "中国优质供应商光盘", 1500, "simple", None, None),
    ("shang_qia_tong", "《诚商天下》英文版纸质目录", 1000, "simple", None, None),
    ("shang_qia_tong", "广交会特快专递", 1500, "simple", None, None),
    ("shang_qia_tong", "诚信企业认证", 1000, "simple", None, None),
    ("shang_cheng_tong", "首页推荐", 2000, "simple", None, None),
    ("shang_cheng_tong", "中国优质供应商光盘", 2000, "simple", None, None),
    ("shang_cheng_tong", "《诚商天下》英文版纸质目录", 2000, "simple", None, None),
    ("shang_cheng_tong", "广交会特快专递", 2000, "simple", None, None),
    ("shang_cheng_tong", "诚信企业认证", 2000, "simple", None, None),
    ("shang_yi_tong", "首页推荐", 2500, "simple", None, None),
    ("shang_yi_tong", "中国优质供应商光盘", 2500, "simple", None, None),
    ("shang_yi_tong", "《诚商天下》英文版纸质目录", 2500, "simple", None, None),
    ("shang_yi_tong", "广交会特快专递", 2500, "simple", None, None),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a("fulfilment_scheme"))
            .col(id())
            .col(integer(a("version_no")).unique_key())
            .col(date(a("effective_from")))
            .col(boolean(a("is_current")))
            .col(string_len_null(a("note"), 255))
            .col(big_integer_null(a("created_by")))
            .col(timestamp_with_time_zone(a("created_at")));
        m.create_table(t.take()).await?;

        let mut t = Table::create();
        t.table(a("fulfilment_item_def"))
            .col(id())
            .col(big_integer(a("scheme_id")))
            .foreign_key(&mut fk("fulfilment_item_def", "scheme_id", "fulfilment_scheme"))
            .col(string_len(a("member_level"), 20))
            .col(string_len(a("name"), 100))
            .col(integer(a("weight_bp")))
            .col(string_len(a("item_kind"), 16))
            .col(integer_null(a("target_quantity")))
            .col(string_len_null(a("unit_label"), 10))
            .col(string_len_null(a("linked_email_kind"), 24))
            .col(integer(a("sort_order")))
            .col(text_null(a("description")));
        m.create_table(t.take()).await?;
        m.create_index(
            idx("fulfilment_item_def", "ux_item_def_name", &["scheme_id", "member_level", "name"]).unique().take(),
        )
        .await?;

        let mut t = Table::create();
        t.table(a("member_fulfilment"))
            .col(id())
            .col(big_integer(a("customer_id")))
            .foreign_key(&mut fk("member_fulfilment", "customer_id", "customer"))
            .col(big_integer(a("scheme_id")))
            .foreign_key(&mut fk("member_fulfilment", "scheme_id", "fulfilment_scheme"))
            .col(string_len(a("member_level"), 20))
            // The member's organisation (kept with the customer's by the upkeep): the scope
            // and the 组织结构 filter of the list read it here.
            .col(big_integer(a("org_id")))
            .col(date(a("period_start")))
            .col(date(a("period_end")))
            .col(integer(a("progress_bp")))
            .col(string_len(a("status"), 16))
            .col(boolean(a("is_current")))
            .col(string_len_null(a("closed_reason"), 16))
            .col(timestamp_with_time_zone(a("created_at")))
            .col(timestamp_with_time_zone(a("updated_at")));
        m.create_table(t.take()).await?;
        for (name, cols) in [
            ("ux_mf_customer_start", &["customer_id", "period_start"][..]),
            ("ix_mf_customer_current", &["customer_id", "is_current"]),
            ("ix_mf_current_end", &["is_current", "period_end"]),
            ("ix_mf_current_org", &["is_current", "org_id", "period_end"]),
            ("ix_mf_current_level", &["is_current", "member_level", "period_end"]),
            ("ix_mf_current_status", &["is_current", "status", "period_end"]),
            ("ix_mf_current_progress", &["is_current", "progress_bp"]),
        ] {
            let mut i = idx("member_fulfilment", name, cols);
            if name.starts_with("ux_") {
                i.unique();
            }
            m.create_index(i).await?;
        }

        let mut t = Table::create();
        t.table(a("member_fulfilment_item"))
            .col(id())
            .col(big_integer(a("member_fulfilment_id")))
            .foreign_key(&mut fk("member_fulfilment_item", "member_fulfilment_id", "member_fulfilment"))
            .col(big_integer(a("item_def_id")))
            .col(string_len(a("name"), 100))
            .col(integer(a("weight_bp")))
            .col(string_len(a("item_kind"), 16))
            .col(integer_null(a("target_quantity")))
            .col(string_len_null(a("linked_email_kind"), 24))
            .col(integer(a("sort_order")))
            .col(integer(a("quantity_done")))
            .col(string_len(a("status"), 16))
            .col(timestamp_with_time_zone_null(a("completed_at")))
            .col(big_integer_null(a("completed_by")))
            .col(string_len_null(a("remark"), 255))
            .col(integer(a("version")));
        m.create_table(t.take()).await?;
        m.create_index(
            idx("member_fulfilment_item", "ux_mfi_period_def", &["member_fulfilment_id", "item_def_id"])
                .unique()
                .take(),
        )
        .await?;

        let mut t = Table::create();
        t.table(a("fulfilment_event"))
            .col(id())
            .col(big_integer(a("member_fulfilment_id")))
            .col(big_integer_null(a("member_fulfilment_item_id")))
            .col(string_len(a("item_name"), 100))
            .col(string_len(a("action"), 16))
            .col(string_len_null(a("old_value"), 100))
            .col(string_len_null(a("new_value"), 100))
            .col(string_len_null(a("reason"), 255))
            .col(big_integer_null(a("actor_id")))
            .col(timestamp_with_time_zone(a("created_at")));
        m.create_table(t.take()).await?;
        m.create_index(idx("fulfilment_event", "ix_fevent_period", &["member_fulfilment_id", "created_at"])).await?;

        let mut t = Table::create();
        t.table(a("precise_match"))
            .col(id())
            .col(big_integer(a("customer_id")))
            .foreign_key(&mut fk("precise_match", "customer_id", "customer"))
            .col(big_integer(a("member_fulfilment_id")))
            .foreign_key(&mut fk("precise_match", "member_fulfilment_id", "member_fulfilment"))
            .col(integer(a("seq_no")))
            .col(string_len(a("title"), 200))
            .col(string_len_null(a("counterpart_company"), 200))
            .col(string_len_null(a("counterpart_contact"), 200))
            .col(text_null(a("content")))
            .col(timestamp_with_time_zone(a("provided_at")))
            .col(big_integer(a("provided_by")))
            .col(timestamp_with_time_zone(a("created_at")));
        m.create_table(t.take()).await?;
        m.create_index(idx("precise_match", "ux_precise_seq", &["member_fulfilment_id", "seq_no"]).unique().take())
            .await?;

        // The customer's cache: progress in hundredths instead of a float, no stale status.
        m.alter_table(Table::alter().table(a("customer")).drop_column(a("fulfilment_progress")).take()).await?;
        m.alter_table(
            Table::alter()
                .table(a("customer"))
                .add_column(ColumnDef::new(a("fulfilment_progress_bp")).integer().null().take())
                .take(),
        )
        .await?;
        let mut clear = Query::update();
        clear.table(a("customer")).value(a("fulfilment_status"), Option::<String>::None);
        m.exec_stmt(clear).await?;

        let mut scheme = Query::insert();
        scheme
            .into_table(a("fulfilment_scheme"))
            .columns(["id", "version_no", "effective_from", "is_current", "note", "created_at"].map(a))
            .values_panic([
                1.into(),
                1.into(),
                Expr::cust("CURRENT_DATE"),
                true.into(),
                "初始方案(需求文档 [004])".into(),
                Expr::current_timestamp(),
            ]);
        m.exec_stmt(scheme).await?;
        let mut items = Query::insert();
        items.into_table(a("fulfilment_item_def")).columns(
            [
                "scheme_id",
                "member_level",
                "name",
                "weight_bp",
                "item_kind",
                "target_quantity",
                "unit_label",
                "linked_email_kind",
                "sort_order",
            ]
            .map(a),
        );
        for (i, (level, name, bp, kind, target, mail)) in SCHEME_V1.iter().enumerate() {
            items.values_panic([
                1.into(),
                (*level).into(),
                (*name).into(),
                (*bp).into(),
                (*kind).into(),
                (*target).into(),
                target.map(|_| "条").into(),
                mail.map(str::to_string).into(),
                (i as i32 + 1).into(),
            ]);
        }
        m.exec_stmt(items).await?;
        if m.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "SELECT setval('fulfilment_scheme_id_seq', (SELECT MAX(id) FROM fulfilment_scheme))",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["precise_match", "fulfilment_event", "member_fulfilment_item", "member_fulfilment"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        m.drop_table(Table::drop().table(a("fulfilment_item_def")).to_owned()).await?;
        m.drop_table(Table::drop().table(a("fulfilment_scheme")).to_owned()).await?;
        m.alter_table(Table::alter().table(a("customer")).drop_column(a("fulfilment_progress_bp")).take()).await?;
        m.alter_table(
            Table::alter()
                .table(a("customer"))
                .add_column(ColumnDef::new(a("fulfilment_progress")).double().null().take())
                .take(),
        )
        .await
    }
}
