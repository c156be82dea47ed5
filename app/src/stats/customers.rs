//! 客户基础数据 (PG-79, PG-80 area 1): the members' composition and lifecycle stages now, new,
//! expiring and lost members by month, churn by organisation or month, contacts.
use chrono::Duration;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, SelectStatement};

use super::By;
use super::engine::{Labels, Line, Stat, count, count_if, grouped, plain, sums, t, table};
use super::work::dim_head;
use crate::auth::Perm;
use crate::churn::WarningStatus;
use crate::error::{AppResult, Text};
use crate::members::MemberFilter;
use crate::members::conditions::{c, customer_condition};
use crate::members::enums::{CustomerType, MemberLevel};
use crate::reports::frame::col;
use crate::reports::{NON_MEMBER, Report, Value, periods};
use crate::ui::list::UrlFilter;

/// The customers of `m` the user may see (the member query's conditions), as `c`.
pub(super) fn customers<C: ConnectionTrait>(s: &Stat<'_, C>, m: &MemberFilter) -> SelectStatement {
    Query::select()
        .from_as(Alias::new("customer"), Alias::new("c"))
        .cond_where(customer_condition(s.backend(), m, &s.user.scope))
        .to_owned()
}

/// The member-query link of `m` (when the user may open the member query).
fn member_link<C: ConnectionTrait>(s: &Stat<'_, C>, m: &MemberFilter) -> Option<String> {
    s.user.has(Perm::QueryMemberService).then(|| format!("/query/member-services?{}", m.to_query()))
}

pub(super) fn base<C: ConnectionTrait>(s: &Stat<'_, C>) -> MemberFilter {
    MemberFilter { org: s.f.org, view: "members".into(), ..Default::default() }
}

/// 非会员, or the member's level.
fn level_or_non_member() -> Expr {
    Expr::case(c("customer_type").eq(CustomerType::NonMember.code()), NON_MEMBER).finally(c("member_level")).into()
}

/// 客户构成分布: customers now by the dimension in force — 会员, 非会员, 合计 and the share —
/// each count linking to the member query.
pub async fn composition<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let by = s.by.unwrap_or(By::Level);
    let dim = match by {
        By::Region => c("region_province_id"),
        By::Industry => c("industry_l1_id"),
        By::Category => c("enterprise_category"),
        By::Status => c("enterprise_status"),
        By::Org => c("organization_id"),
        By::Source => c("info_source"),
        _ => level_or_non_member(),
    };
    let q = customers(s, &base(s))
        .expr_as(dim, Alias::new("k"))
        .expr_as(count_if(c("customer_type").eq(CustomerType::Member.code())), Alias::new("m0"))
        .expr_as(count_if(c("customer_type").eq(CustomerType::NonMember.code())), Alias::new("m1"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("m2"))
        .group_by_col(Alias::new("k"))
        .to_owned();
    let mut data = grouped(s.db, &q, 3).await?;
    if by == By::Level {
        data.sort_by_key(|(k, _)| MemberLevel::ALL.iter().position(|l| l.code() == k).unwrap_or(usize::MAX));
    } else {
        data.sort_by(|a, b| b.1[2].total_cmp(&a.1[2]).then(a.0.cmp(&b.0)));
    }
    let all: f64 = data.iter().map(|(_, v)| v[2]).sum();
    let labels = Labels::load(s.db, Some(by)).await?;
    let link = |k: Option<&str>, ty: Option<CustomerType>| -> Option<String> {
        let mut m = base(s);
        if let Some(ty) = ty {
            m.customer_type = ty.code().into();
        }
        match (by, k) {
            (_, None) => {}
            (_, Some("")) => return None,
            (By::Region, Some(k)) => m.province = k.parse().ok(),
            (By::Industry, Some(k)) => m.industry1 = k.parse().ok(),
            (By::Category, Some(k)) => m.category = k.into(),
            (By::Status, Some(k)) => m.enterprise_status = k.into(),
            (By::Org, Some(k)) => m.org = k.parse().ok(),
            (By::Source, Some(k)) => m.info_source = k.into(),
            (_, Some(NON_MEMBER)) => m.customer_type = CustomerType::NonMember.code().into(),
            (_, Some(k)) => {
                m.customer_type = CustomerType::Member.code().into();
                m.level = k.into();
            }
        }
        member_link(s, &m)
    };
    let row = |k: Option<&str>, v: &[f64]| {
        vec![
            count(v[0], if v[0] > 0.0 { link(k, Some(CustomerType::Member)) } else { None }),
            count(v[1], if v[1] > 0.0 { link(k, Some(CustomerType::NonMember)) } else { None }),
            count(v[2], link(k, None)),
            plain(Value::rate(v[2] as i64, all as i64)),
        ]
    };
    let lines: Vec<Line> = data.iter().map(|(k, v)| Line { head: labels.of(k), cells: row(Some(k), v) }).collect();
    let tot = sums(&lines, 3);
    let columns = vec![
        col("会员", "Members", None, true),
        col("非会员", "Non-members", None, true),
        col("合计", "Total", None, false),
        col("占比", "Share", None, false),
    ];
    Ok(table(s, dim_head(by), columns, lines, Some(row(None, &tot)), vec![], vec![]))
}

code_enum! {
    /// 客户生命周期阶段 (SPEC §3.7 lifecycle_stage), derived from what is stored.
    pub enum Stage {
        Potential = ("potential", "潜在", "Potential"),
        Intent = ("intent", "意向", "Interested"),
        Won = ("won", "成交", "Won"),
        Repeat = ("repeat", "复购", "Renewed"),
        Lost = ("lost", "流失", "Lost"),
        Regained = ("regained", "挽回", "Regained"),
    }
}

/// 客户生命周期阶段分布: a paid member whose service ended more than 30 days ago is 流失; one
/// in service is 挽回 if a churn warning once marked it lost, 成交 in its first service year,
/// else 复购; any other customer is 意向 with requests (or from a buyer meeting), else 潜在.
pub async fn lifecycle<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let today = crate::cst::today();
    let paid: Vec<&str> = MemberLevel::ALL.iter().filter(|l| l.is_paid()).map(|l| l.code()).collect();
    let is_paid = c("customer_type").eq(CustomerType::Member.code()).and(c("member_level").is_in(paid));
    let requests = Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(Alias::new("service_request"))
            .and_where(t("service_request", "customer_id").equals((Alias::new("c"), Alias::new("id"))))
            .to_owned(),
    );
    let lost_once = Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(Alias::new("churn_warning"))
            .and_where(t("churn_warning", "customer_id").equals((Alias::new("c"), Alias::new("id"))))
            .and_where(t("churn_warning", "status").eq(WarningStatus::Lost.code()))
            .to_owned(),
    );
    let stage: Expr =
        Expr::case(is_paid.clone().and(c("service_end_date").lt(today - Duration::days(30))), Stage::Lost.code())
            .case(is_paid.clone().and(lost_once), Stage::Regained.code())
            .case(is_paid.clone().and(c("service_start_date").gt(today - Duration::days(365))), Stage::Won.code())
            .case(is_paid, Stage::Repeat.code())
            .case(
                requests.or(c("info_source").eq(crate::members::enums::InfoSource::BuyerMeeting.code())),
                Stage::Intent.code(),
            )
            .finally(Stage::Potential.code())
            .into();
    let q = customers(s, &base(s))
        .expr_as(stage, Alias::new("k"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("m0"))
        .group_by_col(Alias::new("k"))
        .to_owned();
    let data = grouped(s.db, &q, 1).await?;
    let all: f64 = data.iter().map(|(_, v)| v[0]).sum();
    let row = |n: f64| vec![count(n, None), plain(Value::rate(n as i64, all as i64))];
    let lines: Vec<Line> = Stage::ALL
        .iter()
        .map(|st| {
            let n = data.iter().find(|(k, _)| k == st.code()).map(|(_, v)| v[0]).unwrap_or(0.0);
            Line { head: Text::new(st.zh(), st.en()), cells: row(n) }
        })
        .collect();
    let columns = vec![col("客户数", "Customers", None, true), col("占比", "Share", None, false)];
    let notes = vec![Text::new(
        "流失:付费会员服务到期超过30天;挽回:曾被标记已流失、现仍在服务期;成交:服务首年;复购:服务超过一年;意向:有诉求记录或来自买家见面会的其他客户;潜在:其余客户。",
        "Lost: paid service ended over 30 days ago; regained: once marked lost, in service now; won: first service year; renewed: in service over a year; interested: other customers with requests or from a buyer meeting; potential: the rest.",
    )];
    Ok(table(s, Text::new("生命周期阶段", "Stage"), columns, lines, Some(row(all)), vec![], notes))
}

/// 会员新增/到期/流失统计 by month: new paid members (service start), new free members
/// (registration), expiring members (service end), members marked lost — each linking to its
/// list.
pub async fn member_trend<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let paid: Vec<&str> = MemberLevel::ALL.iter().filter(|l| l.is_paid()).map(|l| l.code()).collect();
    let paid = paid.join(",");
    let mut lines = vec![];
    for p in periods(crate::reports::Grain::Month, s.from, s.to) {
        let (from, to) = (p.from.to_string(), p.to.to_string());
        let member = |f: &dyn Fn(&mut MemberFilter)| {
            let mut m = base(s);
            m.customer_type = CustomerType::Member.code().into();
            f(&mut m);
            m
        };
        let filters = [
            member(&|m| {
                m.level = paid.clone();
                m.start_from = from.clone();
                m.start_to = to.clone();
            }),
            member(&|m| {
                m.level = MemberLevel::Free.code().into();
                m.registered_from = from.clone();
                m.registered_to = to.clone();
            }),
            member(&|m| {
                m.end_from = from.clone();
                m.end_to = to.clone();
            }),
        ];
        let mut cells = vec![];
        for m in &filters {
            let q = customers(s, m).expr_as(Expr::cust("COUNT(*)"), Alias::new("m0")).to_owned();
            let n = grouped(s.db, &q, 1).await?.first().map(|(_, v)| v[0]).unwrap_or(0.0);
            cells.push(count(n, member_link(s, m)));
        }
        let lost = lost_members(s, &from, &to).await?;
        cells.push(count(lost, None));
        lines.push(Line { head: Text::new(p.label.clone(), p.label), cells });
    }
    let total: Vec<_> = sums(&lines, 4).into_iter().map(|n| count(n, None)).collect();
    let columns = vec![
        col("新增付费会员", "New paid members", None, true),
        col("新增免费会员", "New free members", None, true),
        col("到期会员", "Expiring", None, true),
        col("流失会员", "Lost", None, true),
    ];
    Ok(table(s, Text::new("月份", "Month"), columns, lines, Some(total), vec![], vec![]))
}

/// Members whose churn warning was marked 已流失 within `[from, to]`, in the user's scope.
async fn lost_members<C: ConnectionTrait>(s: &Stat<'_, C>, from: &str, to: &str) -> AppResult<f64> {
    let q = customers(s, &base(s))
        .join_as(
            sea_orm::JoinType::InnerJoin,
            Alias::new("churn_warning"),
            Alias::new("w"),
            t("w", "customer_id").equals((Alias::new("c"), Alias::new("id"))),
        )
        .and_where(t("w", "status").eq(WarningStatus::Lost.code()))
        .cond_where(crate::members::conditions::ts_range(t("w", "handled_at"), from, to))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("m0"))
        .to_owned();
    Ok(grouped(s.db, &q, 1).await?.first().map(|(_, v)| v[0]).unwrap_or(0.0))
}

/// 客户流失统计 (PG-75): churn warnings raised in the period by the member's organisation (or
/// by month) and where they stand — open, following, retained, lost, dismissed.
pub async fn churn<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let statuses = WarningStatus::ALL;
    let run = |from: String, to: String, by_org: bool| {
        let mut q = customers(s, &base(s))
            .join_as(
                sea_orm::JoinType::InnerJoin,
                Alias::new("churn_warning"),
                Alias::new("w"),
                t("w", "customer_id").equals((Alias::new("c"), Alias::new("id"))),
            )
            .cond_where(crate::members::conditions::ts_range(t("w", "detected_at"), &from, &to))
            .to_owned();
        q.expr_as(if by_org { c("organization_id") } else { Expr::val("") }, Alias::new("k"));
        for (i, st) in statuses.iter().enumerate() {
            q.expr_as(count_if(t("w", "status").eq(st.code())), Alias::new(format!("m{i}")));
        }
        if by_org {
            q.group_by_col((Alias::new("c"), Alias::new("organization_id")));
        }
        q
    };
    let link = |org: Option<&str>, st: WarningStatus| {
        s.user.has(Perm::CrmChurn).then(|| {
            let f = crate::churn::ChurnFilter {
                status: st.code().into(),
                org: org.and_then(|o| o.parse().ok()).or(s.f.org),
                ..Default::default()
            };
            format!("/churn?{}", f.to_query())
        })
    };
    let n = statuses.len();
    let row = |org: Option<&str>, v: &[f64]| {
        let mut cells: Vec<_> = statuses
            .iter()
            .zip(v)
            .map(|(st, x)| count(*x, if s.by == Some(By::Month) { None } else { link(org, *st) }))
            .collect();
        cells.push(count(v.iter().sum(), None));
        cells
    };
    let mut lines = vec![];
    if s.by == Some(By::Month) {
        for p in periods(crate::reports::Grain::Month, s.from, s.to) {
            let v = grouped(s.db, &run(p.from.to_string(), p.to.to_string(), false), n).await?;
            let v = v.first().map(|(_, v)| v.clone()).unwrap_or(vec![0.0; n]);
            lines.push(Line { head: Text::new(p.label.clone(), p.label), cells: row(None, &v) });
        }
    } else {
        let (from, to) = s.dates();
        let labels = Labels::load(s.db, Some(By::Org)).await?;
        for (k, v) in grouped(s.db, &run(from, to, true), n).await? {
            lines.push(Line { head: labels.of(&k), cells: row(Some(&k), &v) });
        }
    }
    let tot = sums(&lines, n);
    let mut total: Vec<_> = tot.iter().map(|x| count(*x, None)).collect();
    total.push(count(tot.iter().sum(), None));
    let mut columns: Vec<_> =
        statuses.iter().map(|st| col(st.zh(), st.en(), Some(("预警状态", "Status")), true)).collect();
    columns.push(col("预警数", "Warnings", None, false));
    let head = dim_head(s.by.unwrap_or(By::Org));
    Ok(table(s, head, columns, lines, Some(total), vec![], vec![]))
}

/// 联系人统计: the contacts of the customers of the user's scope by the customer's
/// organisation — contacts, primary contacts, with a mobile, with an e-mail, customers with one.
pub async fn contacts<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let k = |c: &str| t("k", c);
    let q = customers(s, &base(s))
        .join_as(
            sea_orm::JoinType::InnerJoin,
            Alias::new("contact"),
            Alias::new("k"),
            k("customer_id").equals((Alias::new("c"), Alias::new("id"))),
        )
        .and_where(k("deleted_at").is_null())
        .expr_as(c("organization_id"), Alias::new("k"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("m0"))
        .expr_as(count_if(k("is_primary").eq(true)), Alias::new("m1"))
        .expr_as(count_if(k("mobile").is_not_null().and(k("mobile").ne(""))), Alias::new("m2"))
        .expr_as(count_if(k("email").is_not_null().and(k("email").ne(""))), Alias::new("m3"))
        .expr_as(Expr::from(Func::count_distinct(k("customer_id"))), Alias::new("m4"))
        .group_by_col((Alias::new("c"), Alias::new("organization_id")))
        .to_owned();
    let labels = Labels::load(s.db, Some(By::Org)).await?;
    let lines: Vec<Line> = grouped(s.db, &q, 5)
        .await?
        .iter()
        .map(|(key, v)| Line { head: labels.of(key), cells: v.iter().map(|n| count(*n, None)).collect() })
        .collect();
    let total = sums(&lines, 5).into_iter().map(|n| count(n, None)).collect();
    let columns = vec![
        col("联系人数", "Contacts", None, true),
        col("主联系人", "Primary", None, false),
        col("有手机", "With mobile", None, false),
        col("有邮箱", "With e-mail", None, false),
        col("有联系人的客户", "Customers with contacts", None, false),
    ];
    Ok(table(s, Text::new("组织机构", "Organisation"), columns, lines, Some(total), vec![], vec![]))
}
