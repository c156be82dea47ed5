//! China Standard Time (Asia/Shanghai, UTC+8, no daylight saving): what every page shows and
//! where every day starts (SPEC §3.1). Stored times are UTC; these are the only conversions.
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// UTC+8.
pub fn offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

/// `t` on the wall clock in China.
pub fn local(t: &DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&offset()).naive_local()
}

/// Today's date in China (the server's clock; the browser build has no clock in chrono).
#[cfg(feature = "ssr")]
pub fn today() -> NaiveDate {
    local(&Utc::now()).date()
}

/// A wall-clock time in China as UTC (a fixed offset: every local time exists, exactly once).
/// Never panics, whatever date a filter carries.
pub fn to_utc(t: NaiveDateTime) -> DateTime<Utc> {
    // A fixed offset maps every local time once — except the first eight hours of chrono's
    // range, which have no UTC time before them: those (a typed year -262143) stay as they are.
    offset().from_local_datetime(&t).single().map(|d| d.to_utc()).unwrap_or_else(|| t.and_utc())
}

/// The start of day `d` in China, as UTC.
pub fn day_start(d: NaiveDate) -> DateTime<Utc> {
    to_utc(d.and_time(chrono::NaiveTime::MIN))
}

/// The next `hour`:00 China time after `now`.
pub fn next_at_hour(now: DateTime<Utc>, hour: u32) -> DateTime<Utc> {
    let local = local(&now);
    let at = local.date().and_hms_opt(hour, 0, 0).unwrap_or(local);
    to_utc(if local < at { at } else { at + chrono::Duration::days(1) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_hour_is_today_before_it_and_tomorrow_from_it() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        // 2026-12-06 01:59 in China → 02:00 the same day; 02:00 itself → the next day.
        assert_eq!(next_at_hour(at("2026-12-05T17:59:00Z"), 2), at("2026-12-05T18:00:00Z"));
        assert_eq!(next_at_hour(at("2026-12-05T18:00:00Z"), 2), at("2026-12-06T18:00:00Z"));
    }

    #[test]
    fn days_start_at_midnight_in_china() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert_eq!(day_start(d).to_rfc3339(), "2026-12-05T16:00:00+00:00");
        assert_eq!(local(&day_start(d)).to_string(), "2026-12-06 00:00:00");
        let evening_utc = Utc.with_ymd_and_hms(2026, 12, 6, 17, 30, 0).unwrap();
        assert_eq!(local(&evening_utc).date(), NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
    }

    #[test]
    fn the_ends_of_the_calendar_do_not_panic() {
        assert_eq!(day_start(NaiveDate::MIN), NaiveDate::MIN.and_time(chrono::NaiveTime::MIN).and_utc());
        assert_eq!(local(&day_start(NaiveDate::MAX)).date(), NaiveDate::MAX);
    }
}
