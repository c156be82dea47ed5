//! Business time on the working calendar (SPEC K13, K15, OP-33): working hours per weekday in
//! China time, single dates overriding them — public holidays (法定节假日) and make-up working
//! days (调休上班, a Saturday or Sunday worked instead) — and the clocks that run only in working
//! hours: how much business time lies between two instants, and when a number of business
//! minutes is used up. A clock may stop and start again (paused, reopened): it runs over a list
//! of intervals, and only time inside them counts.
use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// What a date is, overriding its weekday's hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DayKind {
    /// 法定节假日: no work.
    Holiday,
    /// 调休上班: worked with a standard working day's hours.
    Workday,
}

/// Working hours of one day: (start, end) minutes after midnight, China time, ascending and
/// disjoint (a lunch break is the gap between two periods).
pub type DayHours = Vec<(u32, u32)>;

/// The working calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkCalendar {
    /// Monday first.
    pub week: [DayHours; 7],
    /// The hours of a make-up working day.
    pub workday: DayHours,
    pub days: BTreeMap<NaiveDate, DayKind>,
}

/// How far ahead a deadline is searched: past this the calendar has no working time (a
/// misconfigured calendar with no working day), and no deadline is given.
const HORIZON_DAYS: i64 = 3 * 366;

impl WorkCalendar {
    /// Monday to Friday 09:00–18:00 (SPEC K15's default), no dated exceptions.
    pub fn standard() -> Self {
        let day = vec![(9 * 60, 18 * 60)];
        Self {
            week: [day.clone(), day.clone(), day.clone(), day.clone(), day.clone(), vec![], vec![]],
            workday: day,
            days: BTreeMap::new(),
        }
    }

    /// The working hours of date `d`.
    pub fn hours(&self, d: NaiveDate) -> &[(u32, u32)] {
        match self.days.get(&d) {
            Some(DayKind::Holiday) => &[],
            Some(DayKind::Workday) => &self.workday,
            None => &self.week[d.weekday().num_days_from_monday() as usize],
        }
    }

    /// The working periods of date `d` as wall-clock times in China.
    fn periods(&self, d: NaiveDate) -> impl Iterator<Item = (NaiveDateTime, NaiveDateTime)> + '_ {
        self.hours(d).iter().map(move |&(s, e)| (at(d, s), at(d, e)))
    }

    /// Business minutes between `from` and `to` (0 if `to` is not after `from`).
    pub fn minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let (a, b) = (crate::cst::local(&from), crate::cst::local(&to));
        let mut total = 0;
        let mut d = a.date();
        while d <= b.date() {
            for (s, e) in self.periods(d) {
                let (s, e) = (s.max(a), e.min(b));
                if e > s {
                    total += (e - s).num_minutes();
                }
            }
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
        }
        total
    }

    /// The instant `minutes` business minutes after `from` (`from` itself for 0 or less);
    /// `None` if the calendar has no such time within its horizon.
    pub fn add_minutes(&self, from: DateTime<Utc>, minutes: i64) -> Option<DateTime<Utc>> {
        if minutes <= 0 {
            return Some(from);
        }
        let start = crate::cst::local(&from);
        let mut left = minutes;
        let mut d = start.date();
        for _ in 0..HORIZON_DAYS {
            for (s, e) in self.periods(d) {
                let s = s.max(start);
                if e <= s {
                    continue;
                }
                let here = (e - s).num_minutes();
                if here >= left {
                    return Some(crate::cst::to_utc(s + Duration::minutes(left)));
                }
                left -= here;
            }
            d = d.succ_opt()?;
        }
        None
    }

    /// Business minutes a clock has run by `now` over `runs` (each run from its start until
    /// its end, or until `now` while it is still running).
    pub fn elapsed(&self, runs: &[Run], now: DateTime<Utc>) -> i64 {
        runs.iter().map(|r| self.minutes_between(r.start, r.end.unwrap_or(now).min(now))).sum()
    }

    /// When a clock of `budget` business minutes that ran over `runs` runs out: `None` while
    /// it is stopped (its last run has ended: paused, or finished) — a stopped clock has no
    /// deadline — or when the calendar has no working time left.
    pub fn deadline(&self, runs: &[Run], budget: i64) -> Option<DateTime<Utc>> {
        let (last, done) = runs.split_last()?;
        if last.end.is_some() {
            return None;
        }
        let used: i64 = done.iter().map(|r| self.minutes_between(r.start, r.end.unwrap_or(r.start))).sum();
        self.add_minutes(last.start, budget - used)
    }
}

/// One stretch of time a clock ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub start: DateTime<Utc>,
    /// `None`: still running.
    pub end: Option<DateTime<Utc>>,
}

fn at(d: NaiveDate, minute: u32) -> NaiveDateTime {
    let t = if minute >= 24 * 60 {
        // 24:00 is the end of the day.
        return d.succ_opt().unwrap_or(d).and_time(NaiveTime::MIN);
    } else {
        NaiveTime::from_num_seconds_from_midnight_opt(minute * 60, 0).unwrap_or(NaiveTime::MIN)
    };
    d.and_time(t)
}

impl WorkCalendar {
    /// Adds dated exceptions (`YYYY-MM-DD`, `holiday` | `workday`); unreadable ones are skipped.
    pub fn with_days<'a>(mut self, days: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        for (d, kind) in days {
            let kind = match kind {
                "holiday" => DayKind::Holiday,
                "workday" => DayKind::Workday,
                _ => continue,
            };
            if let Ok(d) = NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                self.days.insert(d, kind);
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// China wall-clock time as UTC.
    fn t(s: &str) -> DateTime<Utc> {
        crate::cst::to_utc(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
    }

    /// The standard week with the holidays and make-up days the migration seeds.
    fn seeded() -> WorkCalendar {
        WorkCalendar::standard().with_days(migration::CALENDAR_DAYS.iter().map(|d| (d.0, d.1)))
    }

    fn running(from: &str) -> Vec<Run> {
        vec![Run { start: t(from), end: None }]
    }

    #[test]
    fn a_clock_stops_over_the_weekend() {
        let c = seeded();
        // Friday 2026-12-04 16:00 + 8 business hours: 2 on Friday, 6 on Monday → Mon 15:00.
        assert_eq!(c.deadline(&running("2026-12-04 16:00"), 8 * 60), Some(t("2026-12-07 15:00")));
        // Taken on a Saturday: the clock starts on Monday at 09:00.
        assert_eq!(c.deadline(&running("2026-12-05 10:00"), 60), Some(t("2026-12-07 10:00")));
        // Taken after hours: from the next morning.
        assert_eq!(c.deadline(&running("2026-12-02 20:30"), 30), Some(t("2026-12-03 09:30")));
        assert_eq!(c.minutes_between(t("2026-12-04 16:00"), t("2026-12-07 15:00")), 8 * 60);
    }

    #[test]
    fn public_holidays_and_make_up_saturdays() {
        let c = seeded();
        // 国庆: Wed 30 Sep 17:00 + 2 h → 1 h on the 30th, 1–7 Oct off, 8 Oct (Thu) 10:00.
        assert_eq!(c.deadline(&running("2026-09-30 17:00"), 120), Some(t("2026-10-08 10:00")));
        // Fri 9 Oct 17:00 + 2 h: Sat 10 Oct is a make-up working day → Sat 10:00.
        assert_eq!(c.deadline(&running("2026-10-09 17:00"), 120), Some(t("2026-10-10 10:00")));
        // The same on an ordinary Saturday runs to Monday.
        assert_eq!(c.deadline(&running("2026-10-16 17:00"), 120), Some(t("2026-10-19 10:00")));
        // 春节: Fri 13 Feb 17:00 + 2 h → Sat 14 Feb (worked) 10:00; + 11 h → 1 h Fri, 9 h Sat,
        // 15–23 Feb off, Tue 24 Feb 10:00.
        assert_eq!(c.deadline(&running("2026-02-13 17:00"), 120), Some(t("2026-02-14 10:00")));
        assert_eq!(c.deadline(&running("2026-02-13 17:00"), 11 * 60), Some(t("2026-02-24 10:00")));
        // A holiday has no business time; a make-up Sunday has a full day.
        assert_eq!(c.minutes_between(t("2026-10-01 00:00"), t("2026-10-08 00:00")), 0);
        assert_eq!(c.minutes_between(t("2026-09-20 00:00"), t("2026-09-21 00:00")), 9 * 60);
        assert_eq!(c.hours(NaiveDate::from_ymd_opt(2027, 2, 5).unwrap()), &[] as &[(u32, u32)]);
    }

    #[test]
    fn a_paused_clock_has_no_deadline_and_resumes_where_it_stopped() {
        let c = seeded();
        // 24 business hours from Mon 7 Dec 09:00; paused Tue 10:00 (10 h used) – Thu 14:00.
        let paused = vec![Run { start: t("2026-12-07 09:00"), end: Some(t("2026-12-08 10:00")) }];
        assert_eq!(c.deadline(&paused, 24 * 60), None);
        assert_eq!(c.elapsed(&paused, t("2026-12-10 12:00")), 10 * 60);
        // Reopened Thu 14:00: 14 h left → 4 h Thu, 9 h Fri, 1 h Mon → Mon 14 Dec 10:00.
        let reopened = vec![paused[0], Run { start: t("2026-12-10 14:00"), end: None }];
        assert_eq!(c.deadline(&reopened, 24 * 60), Some(t("2026-12-14 10:00")));
        assert_eq!(c.elapsed(&reopened, t("2026-12-11 18:00")), 10 * 60 + 4 * 60 + 9 * 60);
        // Already over budget when reopened: due at once.
        assert_eq!(c.deadline(&reopened, 60), Some(t("2026-12-10 14:00")));
    }

    #[test]
    fn lunch_breaks_and_a_calendar_without_work() {
        let mut c = seeded();
        let day = vec![(9 * 60, 12 * 60), (13 * 60 + 30, 18 * 60)];
        c.week = [day.clone(), day.clone(), day.clone(), day.clone(), day.clone(), vec![], vec![]];
        c.workday = day;
        // Mon 7 Dec 11:00 + 2 h: 1 h before lunch, 1 h after → 14:30.
        assert_eq!(c.deadline(&running("2026-12-07 11:00"), 120), Some(t("2026-12-07 14:30")));
        assert_eq!(c.minutes_between(t("2026-12-07 00:00"), t("2026-12-08 00:00")), 3 * 60 + 270);
        let never = WorkCalendar { week: Default::default(), workday: vec![], days: BTreeMap::new() };
        assert_eq!(never.deadline(&running("2026-12-07 11:00"), 60), None);
        assert_eq!(never.add_minutes(t("2026-12-07 11:00"), 0), Some(t("2026-12-07 11:00")));
    }
}
