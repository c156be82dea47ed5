//! Service years in bulk: every paid member without one gets the year covering today with its
//! level's items — the nightly upkeep (all items 未完成), and the demo and scale data (items
//! delivered at random, deterministically from a seed). Rows are numbered here and written a
//! few thousand per statement, the customer's cache in one statement per batch.
use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::Value;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder};

use super::entity::{fulfilment_item_def, fulfilment_scheme};
use super::periods::{Member, items_by_level, without_year};
use super::{FulfilmentStatus, ItemKind, ItemState, ItemStatus, Pct, service_year};
use crate::error::AppResult;
use crate::members::bulk::{Rows, next_id, sync_sequence};

/// Members per transaction.
const BATCH: u64 = 2_000;

const YEAR_COLS: [&str; 13] = [
    "id",
    "customer_id",
    "scheme_id",
    "member_level",
    "org_id",
    "period_start",
    "period_end",
    "progress_bp",
    "status",
    "is_current",
    "closed_reason",
    "created_at",
    "updated_at",
];
const ITEM_COLS: [&str; 15] = [
    "id",
    "member_fulfilment_id",
    "item_def_id",
    "name",
    "weight_bp",
    "item_kind",
    "target_quantity",
    "linked_email_kind",
    "sort_order",
    "quantity_done",
    "status",
    "completed_at",
    "completed_by",
    "remark",
    "version",
];

/// The schemes with their items by level, and which one a year starting on a day takes.
struct Schemes {
    /// (effective from, version, scheme id), newest version first.
    versions: Vec<(NaiveDate, i32, i64)>,
    items: HashMap<i64, HashMap<String, Vec<fulfilment_item_def::Model>>>,
}

impl Schemes {
    async fn load(db: &impl ConnectionTrait) -> AppResult<Self> {
        let all = fulfilment_scheme::Entity::find().order_by_desc(fulfilment_scheme::Column::VersionNo).all(db).await?;
        let mut items = HashMap::new();
        for s in &all {
            items.insert(s.id, items_by_level(db, s.id).await?);
        }
        Ok(Schemes { versions: all.iter().map(|s| (s.effective_from, s.version_no, s.id)).collect(), items })
    }

    /// Same rule as `periods::scheme_for`.
    fn for_day(&self, day: NaiveDate) -> Option<i64> {
        self.versions.iter().find(|v| v.0 <= day).or(self.versions.last()).map(|v| v.2)
    }
}

/// What the demo delivered of one item.
fn delivered(rng: &mut StdRng, diligence: u32, kind: ItemKind, target: Option<i32>) -> (bool, i32) {
    let done = rng.random_range(0..100) < diligence;
    let quantity = match (kind, target) {
        (ItemKind::Counted, Some(t)) if done => t,
        (ItemKind::Counted, Some(t)) if diligence > 0 => rng.random_range(0..t),
        _ => 0,
    };
    (done, quantity)
}

/// Opens the year covering `today` of every paid member without one (SPEC §6.5). With `demo`
/// (a seed), items are delivered at random as a service team would have: some members not
/// yet served, most partly, some fully. Answers how many years were opened.
pub async fn open_years(
    db: &DatabaseConnection,
    today: NaiveDate,
    demo: Option<u64>,
    progress: impl Fn(u64),
) -> AppResult<u64> {
    let schemes = Schemes::load(db).await?;
    let mut rng = StdRng::seed_from_u64(demo.unwrap_or(0));
    let now = Utc::now();
    let (mut after, mut opened) = (0i64, 0u64);
    loop {
        let batch = without_year(db, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let txn = crate::db::write_txn(db).await?;
        let (mut next_year_id, mut next_item_id) =
            (next_id(&txn, "member_fulfilment").await?, next_id(&txn, "member_fulfilment_item").await?);
        let mut years = Rows::new("member_fulfilment", &YEAR_COLS);
        let mut items = Rows::new("member_fulfilment_item", &ITEM_COLS);
        let mut ids = vec![];
        for c in &batch {
            let m = Member::of(c);
            let (Some(level), Some(start), Some(end)) = (m.level, m.start, m.end) else { continue };
            let Some((from, to)) = service_year(start, end, today) else { continue };
            let Some(scheme) = schemes.for_day(from) else { continue };
            let defs = schemes.items.get(&scheme).and_then(|l| l.get(level.code())).map(Vec::as_slice).unwrap_or(&[]);
            let year_id = next_year_id;
            next_year_id += 1;
            let diligence = if demo.is_some() { [0, 20, 45, 70, 90, 100][rng.random_range(0..6)] } else { 0 };
            let mut states = vec![];
            for d in defs {
                let kind = ItemKind::parse(&d.item_kind).unwrap_or(ItemKind::Simple);
                let (done, quantity) =
                    if demo.is_some() { delivered(&mut rng, diligence, kind, d.target_quantity) } else { (false, 0) };
                let span = (today.min(to) - from).num_days().max(0);
                let completed_at = done.then(|| {
                    let day = from + Duration::days(rng.random_range(0..=span));
                    day.and_time(NaiveTime::from_hms_opt(2, 0, 0).unwrap_or_default()).and_utc()
                });
                states.push(ItemState {
                    weight: Pct(i64::from(d.weight_bp)),
                    kind,
                    target: d.target_quantity,
                    quantity,
                    done,
                });
                let mut row = vec![Value::from(next_item_id), year_id.into()];
                row.extend(d.copied());
                row.extend([
                    quantity.into(),
                    (if done { ItemStatus::Done } else { ItemStatus::Pending }).code().into(),
                    completed_at.into(),
                    Option::<i64>::None.into(),
                    Option::<String>::None.into(),
                    1i32.into(),
                ]);
                items.push(row);
                next_item_id += 1;
            }
            let (pct, status) = super::progress(&states).unwrap_or((Pct::ZERO, FulfilmentStatus::NotStarted));
            years.push(vec![
                Value::from(year_id),
                m.id.into(),
                scheme.into(),
                level.code().into(),
                m.org.into(),
                from.into(),
                to.into(),
                (pct.0 as i32).into(),
                status.code().into(),
                true.into(),
                Option::<String>::None.into(),
                now.into(),
                now.into(),
            ]);
            ids.push(m.id.to_string());
        }
        years.flush(&txn, None, &|_| {}).await?;
        items.flush(&txn, None, &|_| {}).await?;
        sync_sequence(&txn, "member_fulfilment").await?;
        sync_sequence(&txn, "member_fulfilment_item").await?;
        if !ids.is_empty() {
            let year = |col: &str| {
                format!(
                    "(SELECT f.{col} FROM member_fulfilment f WHERE f.customer_id = customer.id AND f.is_current = TRUE)"
                )
            };
            txn.execute_unprepared(&format!(
                "UPDATE customer SET fulfilment_status = {}, fulfilment_progress_bp = {} WHERE id IN ({})",
                year("status"),
                year("progress_bp"),
                ids.join(",")
            ))
            .await?;
        }
        txn.commit().await?;
        opened += ids.len() as u64;
        progress(opened);
    }
    Ok(opened)
}
