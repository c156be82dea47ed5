//! 工作日历与服务时限 (SPEC K13, K15): the 经理 keeps the working week and the dated exceptions
//! (法定节假日, 调休上班) the request deadlines are counted on, and sees the time limits per
//! request type and priority. A change applies to clocks started after it: a deadline is fixed
//! when its clock starts.
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldErrors};

/// The page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarView {
    /// Periods per weekday, Monday first, then the hours of a make-up working day (8 rows).
    pub week: Vec<String>,
    pub year: i32,
    /// The exceptions of `year`, by date.
    pub days: Vec<CalendarDay>,
    pub policies: Vec<PolicyRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarDay {
    /// YYYY-MM-DD
    pub day: String,
    /// `holiday` or `workday`.
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyRow {
    pub request_kind: String,
    pub request_type: String,
    pub priority: String,
    pub dept_feedback_hours: i32,
    pub resolve_hours: i32,
    pub warn_before_hours: i32,
}

/// The row labels of the working week.
pub const WEEK_ROWS: [(&str, &str); 8] = [
    ("星期一", "Monday"),
    ("星期二", "Tuesday"),
    ("星期三", "Wednesday"),
    ("星期四", "Thursday"),
    ("星期五", "Friday"),
    ("星期六", "Saturday"),
    ("星期日", "Sunday"),
    ("调休上班日", "Make-up working day"),
];

/// "HH:MM-HH:MM[,HH:MM-HH:MM]" (or empty): each period well-formed, in order, not overlapping.
pub fn valid_periods(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() {
        return true;
    }
    let minute = |t: &str| -> Option<u32> {
        let (h, m) = t.trim().split_once(':')?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
    };
    let mut last_end = 0;
    for p in s.split(',') {
        let Some((a, b)) = p.split_once('-') else { return false };
        match (minute(a), minute(b)) {
            (Some(a), Some(b)) if a < b && a >= last_end => last_end = b,
            _ => return false,
        }
    }
    true
}

/// Checks the working week (8 rows).
pub fn check_week(week: &[String]) -> Result<(), AppError> {
    let mut e = FieldErrors::default();
    if week.len() != WEEK_ROWS.len() {
        e.add("week", "工作时间应为 8 行", "The week has 8 rows");
    }
    for (i, p) in week.iter().enumerate() {
        if !valid_periods(p) {
            e.add(
                &format!("week-{i}"),
                "格式为 09:00-12:00,13:30-18:00;时段按先后、不重叠",
                "Format 09:00-12:00,13:30-18:00, in order, not overlapping",
            );
        }
    }
    e.into_result()
}

/// Checks an exception.
pub fn check_day(d: &CalendarDay) -> Result<(), AppError> {
    let mut e = FieldErrors::default();
    if chrono::NaiveDate::parse_from_str(&d.day, "%Y-%m-%d").is_err() || d.day.len() != 10 {
        e.add("day", "请选择日期", "Choose a date");
    }
    if !matches!(d.kind.as_str(), "holiday" | "workday") {
        e.add("kind", "请选择放假或调休上班", "Choose holiday or working day");
    }
    if d.name.trim().is_empty() {
        e.add("name", "请填写名称,如 国庆节", "Give it a name, e.g. National Day");
    }
    if d.name.chars().count() > 50 {
        e.add("name", "名称最多 50 个字", "At most 50 characters");
    }
    e.into_result()
}

#[cfg(feature = "ssr")]
pub mod service {
    //! Reading and changing the calendar: each change is one statement, audited.
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Order, Query};
    use sea_orm::{ConnectionTrait, TransactionTrait};
    use serde_json::json;

    use super::{CalendarDay, CalendarView, PolicyRow, check_day, check_week};
    use crate::auth::Perm;
    use crate::auth::audit::{self, Entry};
    use crate::auth::session::CurrentUser;
    use crate::error::{AppError, AppResult};

    fn a(s: &str) -> Alias {
        Alias::new(s)
    }

    pub async fn view(db: &impl ConnectionTrait, year: i32) -> AppResult<CalendarView> {
        let year = year.clamp(2000, 2100);
        let q = Query::select()
            .columns([a("weekday"), a("periods")])
            .from(a("work_week"))
            .order_by(a("weekday"), Order::Asc)
            .to_owned();
        let mut week = vec![String::new(); 8];
        for row in db.query_all(&q).await? {
            let (day, periods): (i32, String) = (row.try_get("", "weekday")?, row.try_get("", "periods")?);
            // Rows 1–7 are Monday–Sunday, row 0 the make-up working day (shown last).
            let at = if day == 0 { 7 } else { (day - 1) as usize };
            if let Some(slot) = week.get_mut(at) {
                *slot = periods;
            }
        }
        let q = Query::select()
            .columns([a("day"), a("kind"), a("name")])
            .from(a("calendar_day"))
            .and_where(Expr::col(a("day")).gte(format!("{year}-01-01")))
            .and_where(Expr::col(a("day")).lte(format!("{year}-12-31")))
            .order_by(a("day"), Order::Asc)
            .to_owned();
        let days = db
            .query_all(&q)
            .await?
            .iter()
            .map(|r| {
                Ok(CalendarDay {
                    day: r.try_get("", "day")?,
                    kind: r.try_get("", "kind")?,
                    name: r.try_get("", "name")?,
                })
            })
            .collect::<Result<_, sea_orm::DbErr>>()?;
        let q = Query::select()
            .columns(
                [
                    "request_kind",
                    "request_type",
                    "priority",
                    "dept_feedback_hours",
                    "resolve_hours",
                    "warn_before_hours",
                ]
                .map(a),
            )
            .from(a("sla_policy"))
            .and_where(Expr::col(a("is_active")).eq(true))
            .order_by(a("id"), Order::Asc)
            .to_owned();
        let policies = db
            .query_all(&q)
            .await?
            .iter()
            .map(|r| {
                Ok(PolicyRow {
                    request_kind: r.try_get("", "request_kind")?,
                    request_type: r.try_get("", "request_type")?,
                    priority: r.try_get("", "priority")?,
                    dept_feedback_hours: r.try_get("", "dept_feedback_hours")?,
                    resolve_hours: r.try_get("", "resolve_hours")?,
                    warn_before_hours: r.try_get("", "warn_before_hours")?,
                })
            })
            .collect::<Result<_, sea_orm::DbErr>>()?;
        Ok(CalendarView { week, year, days, policies })
    }

    pub async fn save_week(db: &sea_orm::DatabaseConnection, user: &CurrentUser, week: Vec<String>) -> AppResult<()> {
        check_week(&week)?;
        let txn = crate::db::write_txn(db).await?;
        for (i, periods) in week.iter().enumerate() {
            let weekday = if i == 7 { 0 } else { i as i32 + 1 };
            let q = Query::update()
                .table(a("work_week"))
                .value(a("periods"), periods.trim().replace(' ', ""))
                .and_where(Expr::col(a("weekday")).eq(weekday))
                .to_owned();
            txn.execute(&q).await?;
        }
        audit::record(
            &txn,
            user,
            Entry::new(Perm::SystemSettings.code(), "config", "work_week")
                .target(0, "工作时间")
                .detail(json!({ "week": week })),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn save_day(db: &sea_orm::DatabaseConnection, user: &CurrentUser, d: CalendarDay) -> AppResult<()> {
        check_day(&d)?;
        let txn = crate::db::write_txn(db).await?;
        let q = Query::insert()
            .into_table(a("calendar_day"))
            .columns([a("day"), a("kind"), a("name")])
            .values_panic([d.day.clone().into(), d.kind.clone().into(), d.name.trim().into()])
            .on_conflict(OnConflict::column(a("day")).update_columns([a("kind"), a("name")]).to_owned())
            .to_owned();
        txn.execute(&q).await?;
        audit::record(
            &txn,
            user,
            Entry::new(Perm::SystemSettings.code(), "config", "calendar_day")
                .target(0, &d.day)
                .detail(json!({ "kind": d.kind, "name": d.name.trim() })),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn delete_day(db: &sea_orm::DatabaseConnection, user: &CurrentUser, day: String) -> AppResult<()> {
        let txn = db.begin().await?;
        let q = Query::delete().from_table(a("calendar_day")).and_where(Expr::col(a("day")).eq(day.clone())).to_owned();
        if txn.execute(&q).await?.rows_affected() == 0 {
            return Err(AppError::NotFound);
        }
        audit::record(&txn, user, Entry::new(Perm::SystemSettings.code(), "delete", "calendar_day").target(0, &day))
            .await?;
        txn.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_checked() {
        for ok in ["", "09:00-18:00", "09:00-12:00,13:30-18:00", "00:00-24:00", " 09:00-12:00 , 13:00-18:00 "] {
            assert!(valid_periods(ok), "{ok}");
        }
        for bad in ["9-18", "09:00", "18:00-09:00", "09:00-12:00,11:00-18:00", "09:60-10:00", "24:30-25:00", "a"] {
            assert!(!valid_periods(bad), "{bad}");
        }
        assert!(check_week(&vec!["09:00-18:00".into(); 7]).is_err());
        let e = check_week(&[vec!["09:00-18:00".to_string(); 7], vec!["x".into()]].concat()).unwrap_err();
        assert!(e.field_errors().unwrap().get("week-7").is_some());
        let day = CalendarDay { day: "2027-02-13".into(), kind: "workday".into(), name: "春节调休上班".into() };
        assert!(check_day(&day).is_ok());
        assert!(check_day(&CalendarDay { kind: "x".into(), ..day.clone() }).is_err());
        assert!(check_day(&CalendarDay { day: "2027-2-3".into(), ..day }).is_err());
    }
}
