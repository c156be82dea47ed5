//! The report centre's periods, presets and values.
use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn filter(preset: &str) -> ReportFilter {
    ReportFilter { kind: "request_volume".into(), preset: preset.into(), ..Default::default() }
}

#[test]
fn presets_cover_whole_calendar_periods() {
    let today = d(2026, 12, 7);
    assert_eq!(filter("this_month").range(today), Ok((d(2026, 12, 1), d(2026, 12, 31))));
    assert_eq!(filter("last_month").range(today), Ok((d(2026, 11, 1), d(2026, 11, 30))));
    assert_eq!(filter("this_quarter").range(today), Ok((d(2026, 10, 1), d(2026, 12, 31))));
    assert_eq!(filter("this_year").range(today), Ok((d(2026, 1, 1), d(2026, 12, 31))));
    assert_eq!(filter("").range(today), Ok((d(2026, 1, 1), d(2026, 12, 31))));
    assert_eq!(filter("last_12").range(today), Ok((d(2026, 1, 1), d(2026, 12, 31))));
    assert_eq!(filter("last_month").range(d(2026, 1, 15)), Ok((d(2025, 12, 1), d(2025, 12, 31))));
    assert_eq!(filter("last_12").range(d(2026, 3, 31)), Ok((d(2025, 4, 1), d(2026, 3, 31))));
}

#[test]
fn custom_ranges_are_checked() {
    let today = d(2026, 12, 7);
    let custom = |from: &str, to: &str| ReportFilter { from: from.into(), to: to.into(), ..filter("custom") };
    assert_eq!(custom("2026-02-03", "2026-02-10").range(today), Ok((d(2026, 2, 3), d(2026, 2, 10))));
    assert!(custom("2026-02-10", "2026-02-03").range(today).is_err());
    assert!(custom("2026-02-10", "").range(today).is_err());
    assert!(custom("2020-01-01", "2026-01-01").range(today).is_err());
    assert!(custom("x", "2026-01-01").validate(today).is_err());
}

#[test]
fn months_and_weeks_cut_at_the_range() {
    let months = periods(Grain::Month, d(2026, 1, 15), d(2026, 3, 10));
    let got: Vec<_> = months.iter().map(|p| (p.label.as_str(), p.from, p.to)).collect();
    assert_eq!(
        got,
        vec![
            ("2026-01", d(2026, 1, 15), d(2026, 1, 31)),
            ("2026-02", d(2026, 2, 1), d(2026, 2, 28)),
            ("2026-03", d(2026, 3, 1), d(2026, 3, 10)),
        ]
    );
    // 2026-12-02 is a Wednesday: its week ends on Sunday the 6th.
    let weeks = periods(Grain::Week, d(2026, 12, 2), d(2026, 12, 14));
    let got: Vec<_> = weeks.iter().map(|p| (p.from, p.to)).collect();
    assert_eq!(
        got,
        vec![(d(2026, 12, 2), d(2026, 12, 6)), (d(2026, 12, 7), d(2026, 12, 13)), (d(2026, 12, 14), d(2026, 12, 14))]
    );
    assert_eq!(weeks[1].label, "2026-W50");
    assert_eq!(periods(Grain::Total, d(2026, 1, 1), d(2026, 12, 31)).len(), 1);
    assert_eq!(add_months(d(2026, 1, 31), 1), d(2026, 2, 1));
}

#[test]
fn too_many_periods_and_bad_codes_are_field_errors() {
    let today = d(2026, 12, 7);
    let weekly =
        ReportFilter { grain: "week".into(), from: "2025-01-01".into(), to: "2026-12-31".into(), ..filter("custom") };
    assert!(ReportFilter { grain: "week".into(), ..filter("this_year") }.validate(today).is_ok());
    let Err(AppError::Validation(e)) = weekly.validate(today) else { panic!("53 weeks accepted") };
    assert!(e.get("grain").is_some());
    let bad = ReportFilter { levels: "gold,nope".into(), orgs: "1,-2".into(), ..filter("this_year") };
    let Err(AppError::Validation(e)) = bad.validate(today) else { panic!("bad codes accepted") };
    assert!(e.get("levels").is_some() && e.get("orgs").is_some());
    assert!(filter("this_year").validate(today).is_ok());
}

#[test]
fn values_round_half_up() {
    assert_eq!(Value::rate(1, 3).text(), "33.33%");
    assert_eq!(Value::rate(2, 3).text(), "66.67%");
    assert_eq!(Value::rate(0, 0).text(), "—");
    assert_eq!(Value::average(7, 2).text(), "3.50");
    assert_eq!(Value::hours(3.0 * 3600.0 + 1800.0, 1).text(), "3.5");
    assert_eq!(Value::Count(12).number(), Some(12.0));
}
