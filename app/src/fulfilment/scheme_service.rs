//! PG-37 on the server: the scheme versions, 保存 (a new version; the page's version is the
//! optimistic lock, and a version number taken twice fails one of two concurrent saves), and
//! the recomputation of the current service years when 经理 asks for it — a job of the durable
//! queue, a thousand years per transaction, so the UI stays usable and a restart resumes it.
use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use super::entity::{fulfilment_item_def, fulfilment_scheme, member_fulfilment, member_fulfilment_item};
use super::scheme::{ValidScheme, diff};
use super::{
    EventAction, FulfilmentStatus, ItemInput, ItemStatus, LevelItems, Pct, Recompute, SchemeInput, SchemePage,
    SchemeSaved, SchemeView,
};
use crate::auth::Perm;
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::db::account_names;
use crate::error::{AppError, AppResult};
use crate::jobs::{JobKind, Jobs};
use crate::members::enums::MemberLevel;

/// Versions the history lists.
const HISTORY: u64 = 20;
/// Service years per transaction of a recomputation.
const BATCH: u64 = 1_000;

fn input_of(d: &fulfilment_item_def::Model) -> ItemInput {
    ItemInput {
        name: d.name.clone(),
        weight: Pct(i64::from(d.weight_bp)).text(),
        kind: d.item_kind.clone(),
        target: d.target_quantity.map(|t| t.to_string()).unwrap_or_default(),
        unit: d.unit_label.clone().unwrap_or_default(),
        linked_email_kind: d.linked_email_kind.clone().unwrap_or_default(),
        description: d.description.clone().unwrap_or_default(),
    }
}

async fn levels_of(db: &impl ConnectionTrait, scheme: i64) -> AppResult<Vec<LevelItems>> {
    let by = super::periods::items_by_level(db, scheme).await?;
    Ok(MemberLevel::ALL
        .iter()
        .map(|l| LevelItems {
            level: l.code().into(),
            items: by.get(l.code()).map(|v| v.iter().map(input_of).collect()).unwrap_or_default(),
        })
        .collect())
}

/// The page: the current scheme and the earlier versions.
pub async fn page(db: &impl ConnectionTrait) -> AppResult<SchemePage> {
    let versions = fulfilment_scheme::Entity::find()
        .order_by_desc(fulfilment_scheme::Column::VersionNo)
        .limit(HISTORY + 1)
        .all(db)
        .await?;
    let names = account_names(db, versions.iter().filter_map(|v| v.created_by).collect()).await?;
    let mut views = vec![];
    for v in versions {
        views.push(SchemeView {
            version_no: v.version_no,
            effective_from: v.effective_from,
            is_current: v.is_current,
            note: v.note.unwrap_or_default(),
            created_by: v.created_by.and_then(|a| names.get(&a).cloned()).unwrap_or_else(|| "系统".into()),
            created_at: v.created_at,
            levels: levels_of(db, v.id).await?,
        });
    }
    let current = match views.iter().position(|v| v.is_current) {
        Some(i) => views.remove(i),
        None => return Err(AppError::internal("no current fulfilment scheme")),
    };
    Ok(SchemePage { today: crate::cst::today(), current, history: views })
}

fn changed() -> AppError {
    AppError::rejected("配置已被他人修改,请刷新", "The configuration was changed by someone else; refresh")
}

/// 保存: a new scheme version from the validated input; with 同时重算当前服务年度, the job that
/// rebuilds the current years of the levels that changed.
pub async fn save(jobs: &Jobs, user: &CurrentUser, input: SchemeInput) -> AppResult<SchemeSaved> {
    let db = jobs.db();
    let today = crate::cst::today();
    let valid: ValidScheme = input.validate(today)?;
    let txn = crate::db::write_txn(db).await?;
    let current = fulfilment_scheme::Entity::find()
        .filter(fulfilment_scheme::Column::IsCurrent.eq(true))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("no current fulfilment scheme"))?;
    if current.version_no != input.base_version {
        return Err(changed());
    }
    let before = levels_of(&txn, current.id).await?;
    let after: Vec<LevelItems> = valid
        .levels
        .iter()
        .map(|(l, items)| LevelItems {
            level: l.code().into(),
            items: items
                .iter()
                .map(|i| ItemInput {
                    name: i.name.clone(),
                    weight: i.weight.text(),
                    kind: i.kind.code().into(),
                    target: i.target.map(|t| t.to_string()).unwrap_or_default(),
                    unit: i.unit.clone().unwrap_or_default(),
                    linked_email_kind: i.linked_email_kind.clone().unwrap_or_default(),
                    description: i.description.clone().unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    let lines = diff(&before, &after);
    if lines.is_empty() {
        return Err(AppError::rejected("配置没有变化", "Nothing changed"));
    }
    let version_no = current.version_no + 1;
    let gone = fulfilment_scheme::Entity::update_many()
        .col_expr(fulfilment_scheme::Column::IsCurrent, Expr::value(false))
        .filter(fulfilment_scheme::Column::Id.eq(current.id))
        .filter(fulfilment_scheme::Column::IsCurrent.eq(true))
        .exec(&txn)
        .await?;
    if gone.rows_affected != 1 {
        return Err(changed());
    }
    let scheme = fulfilment_scheme::ActiveModel {
        version_no: Set(version_no),
        effective_from: Set(valid.effective_from),
        is_current: Set(true),
        note: Set(valid.note.clone()),
        created_by: Set(Some(user.account.id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    let scheme = match scheme.insert(&txn).await {
        Ok(s) => s,
        Err(e) if crate::db::unique_violation(&e) => return Err(changed()),
        Err(e) => return Err(e.into()),
    };
    let mut defs = vec![];
    for (level, items) in &valid.levels {
        for (i, item) in items.iter().enumerate() {
            defs.push(fulfilment_item_def::ActiveModel {
                scheme_id: Set(scheme.id),
                member_level: Set(level.code().into()),
                name: Set(item.name.clone()),
                weight_bp: Set(item.weight.0 as i32),
                item_kind: Set(item.kind.code().into()),
                target_quantity: Set(item.target),
                unit_label: Set(item.unit.clone()),
                linked_email_kind: Set(item.linked_email_kind.clone()),
                sort_order: Set(i as i32 + 1),
                description: Set(item.description.clone()),
                ..Default::default()
            });
        }
    }
    fulfilment_item_def::Entity::insert_many(defs).exec_without_returning(&txn).await?;
    let recompute = valid.apply_to == super::ApplyTo::Recompute;
    let levels: Vec<String> = MemberLevel::ALL
        .iter()
        .filter(|l| LevelItems::of(&before, **l) != LevelItems::of(&after, **l))
        .map(|l| l.code().to_string())
        .collect();
    let job = if recompute {
        let order = super::JobOrder::Recompute(Recompute { scheme: scheme.id, levels: levels.clone() });
        Some(jobs.enqueue(&txn, user.account.id, JobKind::Fulfilment, &order, Utc::now()).await?)
    } else {
        None
    };
    audit::record(
        &txn,
        user,
        Entry::new(Perm::FulfilmentConfig.code(), "update", "fulfilment_scheme")
            .target(scheme.id, format!("第 {version_no} 版"))
            .detail(json!({
                "from_version": current.version_no, "version": version_no, "effective_from": valid.effective_from,
                "recompute": recompute, "levels": levels, "changes": lines,
            })),
    )
    .await?;
    txn.commit().await?;
    let job = match job {
        Some(id) => {
            Some(jobs.get(&id, user.account.id).await?.ok_or_else(|| AppError::internal("job vanished"))?.status())
        }
        None => None,
    };
    Ok(SchemeSaved { version_no, job })
}

/// Rebuilds the current years of `order.levels` on scheme `order.scheme` (SPEC §6.7 rule 5):
/// items matched by name keep their status and quantity and take the new weight, kind and
/// target; items the scheme dropped are removed (each logged); new items start 未完成; the
/// progress is recomputed. Answers how many years; `progress` gets the running count.
pub async fn recompute(db: &DatabaseConnection, order: &Recompute, progress: impl Fn(u64)) -> AppResult<u64> {
    let defs = super::periods::items_by_level(db, order.scheme).await?;
    let mut done = 0;
    for level in &order.levels {
        let defs = defs.get(level).cloned().unwrap_or_default();
        let mut after = 0i64;
        loop {
            let txn = crate::db::write_txn(db).await?;
            let years: Vec<(i64, i64)> = member_fulfilment::Entity::find()
                .select_only()
                .columns([member_fulfilment::Column::Id, member_fulfilment::Column::CustomerId])
                .filter(member_fulfilment::Column::IsCurrent.eq(true))
                .filter(member_fulfilment::Column::MemberLevel.eq(level.as_str()))
                .filter(member_fulfilment::Column::Id.gt(after))
                .order_by_asc(member_fulfilment::Column::Id)
                .limit(BATCH)
                .into_tuple()
                .all(&txn)
                .await?;
            let Some(last) = years.last() else { break };
            after = last.0;
            rebuild(&txn, order.scheme, &defs, &years).await?;
            txn.commit().await?;
            done += years.len() as u64;
            progress(done);
        }
    }
    Ok(done)
}

/// One batch of [`recompute`]: a few set-wise statements for all the batch's years, then the
/// progress of each computed here and written back in one statement per table.
async fn rebuild(
    txn: &impl ConnectionTrait,
    scheme: i64,
    defs: &[fulfilment_item_def::Model],
    years: &[(i64, i64)],
) -> AppResult<()> {
    use member_fulfilment_item::Column as I;
    let ids: Vec<i64> = years.iter().map(|y| y.0).collect();
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let names: Vec<String> = defs.iter().map(|d| d.name.clone()).collect();
    let now = Utc::now();
    // Removed items: logged, then dropped.
    let removed = member_fulfilment_item::Entity::find()
        .filter(I::MemberFulfilmentId.is_in(ids.clone()))
        .filter(I::Name.is_not_in(names.clone()))
        .all(txn)
        .await?;
    for chunk in removed.chunks(500) {
        super::entity::fulfilment_event::Entity::insert_many(chunk.iter().map(|i| {
            super::entity::fulfilment_event::ActiveModel {
                member_fulfilment_id: Set(i.member_fulfilment_id),
                member_fulfilment_item_id: Set(None),
                item_name: Set(i.name.clone()),
                action: Set(EventAction::Removed.code().into()),
                old_value: Set(Some(i.status.clone())),
                new_value: Set(None),
                reason: Set(Some("新方案不含此项目".into())),
                actor_id: Set(None),
                created_at: Set(now),
                ..Default::default()
            }
        }))
        .exec_without_returning(txn)
        .await?;
    }
    member_fulfilment_item::Entity::delete_many()
        .filter(I::MemberFulfilmentId.is_in(ids.clone()))
        .filter(I::Name.is_not_in(names))
        .exec(txn)
        .await?;
    for d in defs {
        // Kept items take the new definition …
        member_fulfilment_item::Entity::update_many()
            .col_expr(I::ItemDefId, Expr::value(d.id))
            .col_expr(I::WeightBp, Expr::value(d.weight_bp))
            .col_expr(I::ItemKind, Expr::value(d.item_kind.clone()))
            .col_expr(I::TargetQuantity, Expr::value(d.target_quantity))
            .col_expr(I::LinkedEmailKind, Expr::value(d.linked_email_kind.clone()))
            .col_expr(I::SortOrder, Expr::value(d.sort_order))
            .col_expr(I::Version, Expr::col(I::Version).add(1))
            .filter(I::MemberFulfilmentId.is_in(ids.clone()))
            .filter(I::Name.eq(d.name.clone()))
            .exec(txn)
            .await?;
        // … new ones start 未完成.
        txn.execute_raw(sea_orm::Statement::from_sql_and_values(
            txn.get_database_backend(),
            format!(
                "INSERT INTO member_fulfilment_item (member_fulfilment_id, item_def_id, name, weight_bp, item_kind, \
                 target_quantity, linked_email_kind, sort_order, quantity_done, status, version) \
                 SELECT f.id, {}, {}, {}, {}, {}, {}, {}, 0, '{}', 1 FROM member_fulfilment f WHERE f.id IN ({list}) \
                 AND NOT EXISTS (SELECT 1 FROM member_fulfilment_item i WHERE i.member_fulfilment_id = f.id AND i.name = {})",
                ph(txn, 1),
                ph(txn, 2),
                ph(txn, 3),
                ph(txn, 4),
                ph(txn, 5),
                ph(txn, 6),
                ph(txn, 7),
                ItemStatus::Pending.code(),
                ph(txn, 8),
            ),
            d.copied().into_iter().chain([d.name.clone().into()]),
        ))
        .await?;
    }
    let items =
        member_fulfilment_item::Entity::find().filter(I::MemberFulfilmentId.is_in(ids.clone())).all(txn).await?;
    let mut by_year: HashMap<i64, Vec<super::ItemState>> = HashMap::new();
    for i in &items {
        by_year.entry(i.member_fulfilment_id).or_default().push(i.state());
    }
    let (mut pct_case, mut status_case, mut c_pct, mut c_status) = (vec![], vec![], vec![], vec![]);
    for (year, customer) in years {
        let states = by_year.get(year).map(Vec::as_slice).unwrap_or(&[]);
        let (pct, status) = super::progress(states).unwrap_or((Pct::ZERO, FulfilmentStatus::NotStarted));
        pct_case.push(format!("WHEN {year} THEN {}", pct.0));
        status_case.push(format!("WHEN {year} THEN '{}'", status.code()));
        c_pct.push(format!("WHEN {customer} THEN {}", pct.0));
        c_status.push(format!("WHEN {customer} THEN '{}'", status.code()));
    }
    let customers = years.iter().map(|y| y.1.to_string()).collect::<Vec<_>>().join(",");
    txn.execute_unprepared(&format!(
        "UPDATE member_fulfilment SET scheme_id = {scheme}, progress_bp = CASE id {} END, status = CASE id {} END \
         WHERE id IN ({list})",
        pct_case.join(" "),
        status_case.join(" ")
    ))
    .await?;
    txn.execute_unprepared(&format!(
        "UPDATE customer SET fulfilment_progress_bp = CASE id {} END, fulfilment_status = CASE id {} END \
         WHERE id IN ({customers})",
        c_pct.join(" "),
        c_status.join(" ")
    ))
    .await?;
    txn.execute_unprepared(&format!(
        "INSERT INTO fulfilment_event (member_fulfilment_id, item_name, action, new_value, created_at) \
         SELECT id, '', '{}', 'v{scheme}', CURRENT_TIMESTAMP FROM member_fulfilment WHERE id IN ({list})",
        EventAction::Recompute.code()
    ))
    .await?;
    Ok(())
}

/// The `n`-th placeholder of the backend.
fn ph(db: &impl ConnectionTrait, n: usize) -> String {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => format!("${n}"),
        _ => "?".into(),
    }
}

/// The queue's handle of a recomputation (see `work`).
pub async fn run(db: &DatabaseConnection, order: &Recompute, job: Arc<crate::jobs::Job>) -> AppResult<u64> {
    let total = member_fulfilment::Entity::find()
        .filter(member_fulfilment::Column::IsCurrent.eq(true))
        .filter(member_fulfilment::Column::MemberLevel.is_in(order.levels.clone()))
        .count(db)
        .await?;
    job.set_total(total).await?;
    let progress = job.clone();
    recompute(db, order, move |n| progress.progress(n)).await
}
