//! 客户服务数据分析 (PG-80 area 2): complaints per 1,000 members, handling times, repeat
//! requesters, satisfaction, members without service.
use std::collections::BTreeMap;

use chrono::Duration;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Query, SelectStatement};

use super::By;
use super::customers::{base, customers};
use super::engine::{Labels, Line, Stat, count, count_if, grouped, keyed, plain, sums, t, table};
use crate::callbacks::Satisfaction;
use crate::error::{AppResult, Text};
use crate::members::MemberFilter;
use crate::members::conditions::c;
use crate::members::enums::{CustomerType, MemberLevel};
use crate::reports::frame::col;
use crate::reports::requests::seconds_between;
use crate::reports::{NON_MEMBER, Report, Value};
use crate::requests::{RequestState, RequestType};

/// The requests accepted in the period that the user may see, not voided, as `q`.
fn requests<C: ConnectionTrait>(s: &Stat<'_, C>) -> SelectStatement {
    let r = |col: &str| t("q", col);
    Query::select()
        .from_as(Alias::new("service_request"), Alias::new("q"))
        .cond_where(
            Condition::all()
                .add(r("state").ne(RequestState::Voided.code()))
                .add(s.in_range(r("accepted_at")))
                .add(s.orgs(r("accepting_org_id"), &[r("agent_id")])),
        )
        .to_owned()
}

/// 投诉率(每千会员): complaints accepted in the period per organisation against its members now.
pub async fn complaint_rate<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let q = requests(s)
        .expr_as(t("q", "accepting_org_id"), Alias::new("k"))
        .expr_as(count_if(t("q", "request_type").eq(RequestType::Complaint.code())), Alias::new("m0"))
        .group_by_col(Alias::new("k"))
        .to_owned();
    let complaints: BTreeMap<String, f64> = grouped(s.db, &q, 1).await?.into_iter().map(|(k, v)| (k, v[0])).collect();
    let m = MemberFilter { customer_type: CustomerType::Member.code().into(), ..base(s) };
    let q = customers(s, &m)
        .expr_as(c("organization_id"), Alias::new("k"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("m0"))
        .group_by_col(Alias::new("k"))
        .to_owned();
    let members: BTreeMap<String, f64> = grouped(s.db, &q, 1).await?.into_iter().map(|(k, v)| (k, v[0])).collect();
    let mut keys: Vec<&String> = complaints.keys().chain(members.keys()).collect();
    keys.sort();
    keys.dedup();
    let labels = Labels::load(s.db, Some(By::Org)).await?;
    let row = |n: f64, m: f64| vec![count(n, None), count(m, None), plain(Value::average(n as i64 * 1000, m as i64))];
    let lines: Vec<Line> = keys
        .iter()
        .map(|k| Line {
            head: labels.of(k),
            cells: row(complaints.get(*k).copied().unwrap_or(0.0), members.get(*k).copied().unwrap_or(0.0)),
        })
        .collect();
    let tot = sums(&lines, 2);
    let columns = vec![
        col("投诉数", "Complaints", None, true),
        col("会员数", "Members", None, false),
        col("每千会员投诉", "Per 1,000 members", None, false),
    ];
    Ok(table(s, Text::new("组织机构", "Organisation"), columns, lines, Some(row(tot[0], tot[1])), vec![], vec![]))
}

/// 诉求处理时长: per 诉求类型, the completed requests, their average and 90th-percentile hours
/// from acceptance to completion.
pub async fn handling_time<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let secs = seconds_between(s.backend(), "q.accepted_at", "q.completed_at");
    let q = requests(s)
        .expr_as(t("q", "request_type"), Alias::new("k"))
        .expr_as(secs, Alias::new("m0"))
        .and_where(t("q", "state").eq(RequestState::Completed.code()))
        .and_where(t("q", "completed_at").is_not_null())
        .to_owned();
    let mut by_type: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for row in s.db.query_all(&q).await? {
        by_type.entry(super::engine::key(&row, "k")).or_default().push(super::engine::num(&row, "m0"));
    }
    let row = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let p90 =
            if v.is_empty() { None } else { Some(v[((v.len() as f64 * 0.9).ceil() as usize).clamp(1, v.len()) - 1]) };
        vec![
            count(v.len() as f64, None),
            plain(Value::hours(v.iter().sum(), v.len() as i64)),
            plain(Value::Hours(p90.map(|x| (x / 360.0).round() as i64))),
        ]
    };
    let mut all = vec![];
    let lines: Vec<Line> = [RequestType::Consultation, RequestType::Complaint]
        .iter()
        .map(|ty| {
            let mut v = by_type.get(ty.code()).cloned().unwrap_or_default();
            all.extend(v.iter().copied());
            Line { head: Text::new(ty.zh(), ty.en()), cells: row(&mut v) }
        })
        .collect();
    let columns = vec![
        col("已处理诉求", "Completed", None, true),
        col("平均处理时长(小时)", "Average hours", None, false),
        col("P90 处理时长(小时)", "90th percentile hours", None, false),
    ];
    Ok(table(s, Text::new("诉求类型", "Type"), columns, lines, Some(row(&mut all)), vec![], vec![]))
}

/// 重复诉求会员: customers with at least three requests in the period, by level — customers
/// and their requests.
pub async fn repeat<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let level: Expr = Expr::case(t("q", "customer_type").eq(CustomerType::NonMember.code()), NON_MEMBER)
        .finally(t("q", "member_level_snapshot"))
        .into();
    let q = requests(s)
        .expr_as(t("q", "customer_id"), Alias::new("cid"))
        .expr_as(Expr::from(Func::max(level)), Alias::new("k"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("m0"))
        .group_by_col((Alias::new("q"), Alias::new("customer_id")))
        .and_having(Expr::cust("COUNT(*)").gte(3))
        .to_owned();
    let mut data: BTreeMap<String, [f64; 2]> = BTreeMap::new();
    for row in s.db.query_all(&q).await? {
        let e = data.entry(super::engine::key(&row, "k")).or_default();
        e[0] += 1.0;
        e[1] += super::engine::num(&row, "m0");
    }
    let labels = Labels::load(s.db, Some(By::Level)).await?;
    let mut keys: Vec<(&String, &[f64; 2])> = data.iter().collect();
    keys.sort_by_key(|(k, _)| MemberLevel::ALL.iter().position(|l| l.code() == *k).unwrap_or(usize::MAX));
    let lines: Vec<Line> = keys
        .iter()
        .map(|(k, v)| Line { head: labels.of(k), cells: vec![count(v[0], None), count(v[1], None)] })
        .collect();
    let total = sums(&lines, 2).into_iter().map(|n| count(n, None)).collect();
    let columns = vec![col("客户数", "Customers", None, true), col("诉求数", "Requests", None, false)];
    let notes = vec![Text::new(
        "重复诉求:期间内受理的诉求不少于 3 条。",
        "Repeat: three or more requests accepted in the period.",
    )];
    Ok(table(s, Text::new("会员级别", "Member level"), columns, lines, Some(total), vec![], notes))
}

/// 满意度分布: callbacks of the period by 满意程度 (and 未评价), with their shares.
pub async fn satisfaction<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let cb = |c: &str| t("callback", c);
    let q = keyed(
        "callback",
        cb("satisfaction"),
        [Expr::cust("COUNT(*)")],
        Condition::all().add(s.in_range(cb("callback_at"))).add(s.orgs(cb("organization_id"), &[cb("agent_id")])),
    );
    let data = grouped(s.db, &q, 1).await?;
    let all: f64 = data.iter().map(|(_, v)| v[0]).sum();
    let of = |code: &str| data.iter().find(|(k, _)| k == code).map(|(_, v)| v[0]).unwrap_or(0.0);
    let row = |n: f64| vec![count(n, None), plain(Value::rate(n as i64, all as i64))];
    let mut lines: Vec<Line> =
        Satisfaction::ALL.iter().map(|r| Line { head: Text::new(r.zh(), r.en()), cells: row(of(r.code())) }).collect();
    lines.push(Line { head: Text::new("未评价", "Not rated"), cells: row(of("")) });
    let columns = vec![col("回访数", "Callbacks", None, true), col("占比", "Share", None, false)];
    Ok(table(s, Text::new("满意程度", "Satisfaction"), columns, lines, Some(row(all)), vec![], vec![]))
}

/// 长期无服务会员: paid members in service now by level, and those without any service for 30,
/// 90 and 180 days.
pub async fn unserved<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let today = crate::cst::today();
    let paid: Vec<&str> = MemberLevel::ALL.iter().filter(|l| l.is_paid()).map(|l| l.code()).collect();
    let idle = |days: i64| {
        let since = crate::cst::day_start(today - Duration::days(days));
        count_if(c("last_service_at").is_null().or(c("last_service_at").lt(since)))
    };
    let m = MemberFilter { customer_type: CustomerType::Member.code().into(), level: paid.join(","), ..base(s) };
    let q = customers(s, &m)
        .and_where(c("service_end_date").gte(today))
        .expr_as(c("member_level"), Alias::new("k"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("m0"))
        .expr_as(idle(30), Alias::new("m1"))
        .expr_as(idle(90), Alias::new("m2"))
        .expr_as(idle(180), Alias::new("m3"))
        .group_by_col(Alias::new("k"))
        .to_owned();
    let data = grouped(s.db, &q, 4).await?;
    let lines: Vec<Line> = MemberLevel::ALL
        .iter()
        .filter(|l| l.is_paid())
        .map(|l| {
            let v = data.iter().find(|(k, _)| k == l.code()).map(|(_, v)| v.clone()).unwrap_or(vec![0.0; 4]);
            Line { head: Text::new(l.zh(), l.en()), cells: v.iter().map(|n| count(*n, None)).collect() }
        })
        .collect();
    let total = sums(&lines, 4).into_iter().map(|n| count(n, None)).collect();
    let columns = vec![
        col("在服务会员", "In service", None, false),
        col("30天无服务", "No service 30 days", None, true),
        col("90天无服务", "No service 90 days", None, false),
        col("180天无服务", "No service 180 days", None, false),
    ];
    Ok(table(s, Text::new("会员级别", "Member level"), columns, lines, Some(total), vec![], vec![]))
}
