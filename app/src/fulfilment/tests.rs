//! The progress rule (SPEC §6.4), `Pct` and the service years (§6.5).
use super::*;

fn item(weight: i64, kind: ItemKind, target: Option<i32>, quantity: i32, done: bool) -> ItemState {
    ItemState { weight: Pct(weight * 100), kind, target, quantity, done }
}

#[test]
fn the_spec_examples_hold_exactly() {
    // 商洽通: 首页推荐 done and 6 matches of 15 → 10 + 6 = 16 % 履约中.
    let mut items = vec![item(10, ItemKind::Simple, None, 0, true), item(15, ItemKind::Counted, Some(15), 6, false)];
    items.extend([15, 10, 15, 10, 15, 10].map(|w| item(w, ItemKind::Simple, None, 0, false)));
    assert_eq!(progress(&items), Some((Pct(1600), FulfilmentStatus::InProgress)));
    assert_eq!(Pct(1600).to_string(), "16%");
    // 普通 with both items done → 100 % 履约完毕.
    let both = [item(50, ItemKind::PushCount, Some(50), 0, true), item(50, ItemKind::Simple, None, 0, true)];
    assert_eq!(progress(&both), Some((Pct::FULL, FulfilmentStatus::Completed)));
    let none = [item(50, ItemKind::PushCount, Some(50), 0, false), item(50, ItemKind::Simple, None, 0, false)];
    assert_eq!(progress(&none), Some((Pct::ZERO, FulfilmentStatus::NotStarted)));
    assert_eq!(progress(&[]), None);
}

#[test]
fn counted_items_stop_one_short_of_their_weight_and_round_half_up() {
    // 15 of 15 counted but not marked: 14/15 of the weight, never the whole.
    let almost = [item(15, ItemKind::Counted, Some(15), 15, false), item(85, ItemKind::Simple, None, 0, true)];
    assert_eq!(progress(&almost), Some((Pct(9900), FulfilmentStatus::InProgress)));
    // 10 % over 3: 1 of 3 is 3.333… → 3.33; 20 % over 3 with 1 → 6.666… → 6.67 (half up).
    let third = [item(10, ItemKind::Counted, Some(3), 1, false), item(90, ItemKind::Simple, None, 0, false)];
    assert_eq!(progress(&third).map(|p| p.0), Some(Pct(333)));
    let two_thirds = [item(20, ItemKind::Counted, Some(3), 1, false), item(80, ItemKind::Simple, None, 0, false)];
    assert_eq!(progress(&two_thirds).map(|p| p.0), Some(Pct(667)));
    // 0.125 % exactly half way → 0.13.
    let eighth = [
        ItemState { weight: Pct(100), kind: ItemKind::Counted, target: Some(8), quantity: 1, done: false },
        item(99, ItemKind::Simple, None, 0, false),
    ];
    assert_eq!(progress(&eighth).map(|p| p.0), Some(Pct(13)));
    assert_eq!(Pct(1650).to_string(), "16.50%");
}

#[test]
fn weights_parse_exactly() {
    assert_eq!(Pct::parse("20"), Some(Pct(2000)));
    assert_eq!(Pct::parse(" 12.5 "), Some(Pct(1250)));
    assert_eq!(Pct::parse("33.33"), Some(Pct(3333)));
    assert_eq!(Pct::parse("33.333"), None);
    assert_eq!(Pct::parse("-1"), Some(Pct(-100)));
    assert_eq!(Pct::parse("abc"), None);
    assert_eq!(Pct::parse(""), None);
    assert_eq!(Pct::parse("99999999999999999999999999999"), None);
}

#[test]
fn service_years_run_from_the_start_date() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let (start, end) = (d(2025, 3, 15), d(2027, 9, 30));
    assert_eq!(service_year(start, end, d(2025, 3, 15)), Some((d(2025, 3, 15), d(2026, 3, 14))));
    assert_eq!(service_year(start, end, d(2026, 3, 15)), Some((d(2026, 3, 15), d(2027, 3, 14))));
    // The last year ends with the service; after it, that year stays.
    assert_eq!(service_year(start, end, d(2027, 5, 1)), Some((d(2027, 3, 15), d(2027, 9, 30))));
    assert_eq!(service_year(start, end, d(2028, 1, 1)), Some((d(2027, 3, 15), d(2027, 9, 30))));
    assert_eq!(service_year(start, end, d(2025, 1, 1)), None);
    // A renewal: the year after one that ended with the old service.
    assert_eq!(next_year(d(2027, 9, 30), d(2029, 9, 30)), Some((d(2027, 10, 1), d(2028, 9, 30))));
    assert_eq!(next_year(d(2027, 9, 30), d(2027, 9, 30)), None);
    // A one-year contract ending on its anniversary is one year, not a year and a day.
    let (s, e) = (d(2024, 6, 25), d(2025, 6, 25));
    assert_eq!(service_year(s, e, d(2026, 12, 7)), Some((s, e)));
    assert_eq!(service_year(s, e, d(2025, 6, 25)), Some((s, e)));
    assert_eq!(service_year(s, d(2026, 7, 10), d(2025, 7, 1)), Some((d(2025, 6, 25), d(2026, 7, 10))));
}
