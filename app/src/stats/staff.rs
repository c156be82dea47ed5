//! 服务人员数据分析 (PG-80 area 3): the accounts of the user's scope by organisation and role,
//! and who signs in.
use std::collections::BTreeMap;

use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Query};
use sea_orm::{ConnectionTrait, EntityTrait};

use super::By;
use super::engine::{Labels, Line, Stat, count, count_if, grouped, sums, t, table};
use crate::auth::entity::{account, role};
use crate::auth::{AccountStatus, LoginResult};
use crate::error::{AppResult, Text};
use crate::reports::Report;
use crate::reports::frame::col;

/// 账号分布: accounts per organisation by role (the roles that have accounts there), with the
/// total and those suspended.
pub async fn accounts<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let roles = role::Entity::find().all(s.db).await?;
    let accounts: Vec<account::Model> = account::Entity::find()
        .all(s.db)
        .await?
        .into_iter()
        .filter(|a| s.user.scope.allows(a.organization_id, Some(a.id)))
        .filter(|a| s.f.org.is_none_or(|o| o == a.organization_id))
        .collect();
    let mut used: Vec<&role::Model> = roles.iter().filter(|r| accounts.iter().any(|a| a.role_id == r.id)).collect();
    used.sort_by_key(|r| (r.sort_order, r.id));
    // org → per used role, then suspended
    let mut data: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for a in &accounts {
        let e = data.entry(a.organization_id).or_insert_with(|| vec![0.0; used.len() + 1]);
        if let Some(i) = used.iter().position(|r| r.id == a.role_id) {
            e[i] += 1.0;
        }
        if AccountStatus::parse(&a.status) == Some(AccountStatus::Suspended) {
            e[used.len()] += 1.0;
        }
    }
    let labels = Labels::load(s.db, Some(By::Org)).await?;
    let row = |v: &[f64]| {
        let mut cells: Vec<_> = v[..used.len()].iter().map(|n| count(*n, None)).collect();
        cells.push(count(v[..used.len()].iter().sum(), None));
        cells.push(count(v[used.len()], None));
        cells
    };
    let lines: Vec<Line> =
        data.iter().map(|(org, v)| Line { head: labels.of(&org.to_string()), cells: row(v) }).collect();
    let mut tot = vec![0.0; used.len() + 1];
    for v in data.values() {
        tot.iter_mut().zip(v).for_each(|(a, b)| *a += b);
    }
    let mut columns: Vec<_> = used.iter().map(|r| col(&r.name, &r.name_en, Some(("所属角色", "Role")), true)).collect();
    columns.push(col("账号总数", "Accounts", None, false));
    columns.push(col(AccountStatus::Suspended.zh(), AccountStatus::Suspended.en(), None, false));
    Ok(table(s, Text::new("组织机构", "Organisation"), columns, lines, Some(row(&tot)), vec![], vec![]))
}

/// 活跃用户: sign-ins of the period per organisation of the account — successful, failed, and
/// the accounts that signed in.
pub async fn logins<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let l = |c: &str| t("l", c);
    let a = |c: &str| t("a", c);
    let ok = l("result").eq(LoginResult::Success.code());
    let q = Query::select()
        .from_as(Alias::new("login_log"), Alias::new("l"))
        .join_as(
            sea_orm::JoinType::InnerJoin,
            Alias::new("account"),
            Alias::new("a"),
            a("id").equals((Alias::new("l"), Alias::new("account_id"))),
        )
        .expr_as(a("organization_id"), Alias::new("k"))
        .expr_as(count_if(ok.clone()), Alias::new("m0"))
        .expr_as(count_if(ok.clone().not()), Alias::new("m1"))
        .expr_as(Expr::from(Func::count_distinct(Expr::case(ok, l("account_id")))), Alias::new("m2"))
        .cond_where(
            Condition::all()
                .add(s.in_range(l("at")))
                .add(s.user.scope.condition_on(a("organization_id"), &[a("id")]))
                .add(match s.f.org {
                    Some(o) => Condition::all().add(a("organization_id").eq(o)),
                    None => Condition::all(),
                }),
        )
        .group_by_col(Alias::new("k"))
        .to_owned();
    let labels = Labels::load(s.db, Some(By::Org)).await?;
    let lines: Vec<Line> = grouped(s.db, &q, 3)
        .await?
        .iter()
        .map(|(k, v)| Line { head: labels.of(k), cells: v.iter().map(|n| count(*n, None)).collect() })
        .collect();
    let total = sums(&lines, 3).into_iter().map(|n| count(n, None)).collect();
    let columns = vec![
        col("登录成功次数", "Sign-ins", None, true),
        col("登录失败次数", "Failed sign-ins", None, true),
        col("活跃账号数", "Active accounts", None, false),
    ];
    let notes = vec![Text::new(
        "活跃账号:期间内至少成功登录一次的账号(一个账号只属于一个组织机构,合计即各机构之和)。",
        "Active: accounts that signed in at least once in the period (an account belongs to one organisation).",
    )];
    Ok(table(s, Text::new("组织机构", "Organisation"), columns, lines, Some(total), vec![], notes))
}
