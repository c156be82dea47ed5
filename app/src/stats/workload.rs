//! 服务人员工作数据分析 (PG-80 area 4): each agent's workload across requests, callbacks,
//! e-mails, fulfilment and QA.
use std::collections::BTreeMap;

use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Query};
use sea_orm::{ConnectionTrait, EntityTrait};

use super::engine::{Line, Stat, count, count_if, grouped, keyed, plain, t, table};
use crate::callbacks::Reach;
use crate::error::{AppResult, Text};
use crate::members::enums::QaResult;
use crate::reports::frame::col;
use crate::reports::requests::seconds_between;
use crate::reports::{Report, Value};
use crate::requests::entity::service_request;
use crate::requests::{RequestState, SlaState};

use service_request::Column as R;

/// 客服人员工作量 (PG-80 area 4): per agent of the user's scope — requests accepted, completed,
/// average completion hours, routed, overdue; callbacks and those reached; e-mails sent;
/// fulfilment items confirmed; inspections and errors with the error rate.
pub async fn agents<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let secs = seconds_between(s.backend(), "accepted_at", "completed_at");
    let done = Expr::col(R::State).eq(RequestState::Completed.code()).and(Expr::col(R::CompletedAt).is_not_null());
    let req = Query::select()
        .from(service_request::Entity)
        .expr_as(Expr::col(R::AgentId), Alias::new("k"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("m0"))
        .expr_as(count_if(done.clone()), Alias::new("m1"))
        .expr_as(Expr::from(Func::sum(Expr::case(done, secs).finally(Expr::val(0.0f64)))), Alias::new("m2"))
        .expr_as(count_if(Expr::col(R::RoutedAt).is_not_null()), Alias::new("m3"))
        .expr_as(count_if(Expr::col(R::SlaState).eq(SlaState::Overdue.code())), Alias::new("m4"))
        .cond_where(
            Condition::all()
                .add(Expr::col(R::State).ne(RequestState::Voided.code()))
                .add(s.in_range(Expr::col(R::AcceptedAt))),
        )
        .group_by_col(R::AgentId)
        .to_owned();
    let cb = |c: &str| t("callback", c);
    let calls = keyed(
        "callback",
        cb("agent_id"),
        [Expr::cust("COUNT(*)"), count_if(cb("reach_status").eq(Reach::Reached.code()))],
        s.in_range(cb("callback_at")),
    );
    let b = |c: &str| t("email_batch", c);
    let mails =
        keyed("email_batch", b("sender_id"), [Expr::from(Func::sum(b("sent_count")))], s.in_range(b("sent_at")));
    let i = |c: &str| t("member_fulfilment_item", c);
    let items = keyed(
        "member_fulfilment_item",
        i("completed_by"),
        [Expr::cust("COUNT(*)")],
        Condition::all()
            .add(i("status").eq(crate::fulfilment::ItemStatus::Done.code()))
            .add(i("completed_by").is_not_null())
            .add(s.in_range(i("completed_at"))),
    );
    let qr = |c: &str| t("qa_record", c);
    let inspections = keyed(
        "qa_record",
        qr("inspected_agent_id"),
        [Expr::cust("COUNT(*)"), count_if(qr("qa_result").eq(QaResult::Incorrect.code()))],
        Condition::all().add(qr("is_current").eq(true)).add(s.in_range(qr("inspected_at"))),
    );
    // agent → [accepted, completed, seconds, routed, overdue, calls, reached, mails, items, inspected, errors]
    let mut data: BTreeMap<i64, [f64; 11]> = BTreeMap::new();
    for (q, n, at) in [(req, 5, 0), (calls, 2, 5), (mails, 1, 7), (items, 1, 8), (inspections, 2, 9)] {
        for (k, v) in grouped(s.db, &q, n).await? {
            let Ok(id) = k.parse::<i64>() else { continue };
            let e = data.entry(id).or_default();
            for (j, x) in v.iter().enumerate() {
                e[at + j] += x;
            }
        }
    }
    // The agents of the user's scope (and the chosen organisation or agent), by their account.
    let accounts = crate::auth::entity::account::Entity::find().all(s.db).await?;
    let mut lines_data: Vec<(String, [f64; 11])> = accounts
        .iter()
        .filter(|a| s.user.scope.allows(a.organization_id, Some(a.id)))
        .filter(|a| s.f.org.is_none_or(|o| o == a.organization_id))
        .filter(|a| s.f.agent.is_none_or(|x| x == a.id))
        .filter_map(|a| data.get(&a.id).map(|v| (a.name.clone(), *v)))
        .collect();
    lines_data.sort_by(|a, b| b.1[0].total_cmp(&a.1[0]).then(a.0.cmp(&b.0)));
    let row = |v: &[f64; 11]| {
        vec![
            count(v[0], None),
            count(v[1], None),
            plain(Value::hours(v[2], v[1] as i64)),
            count(v[3], None),
            count(v[4], None),
            count(v[5], None),
            count(v[6], None),
            count(v[7], None),
            count(v[8], None),
            count(v[9], None),
            count(v[10], None),
            plain(Value::rate(v[10] as i64, v[9] as i64)),
        ]
    };
    let mut total = [0.0; 11];
    for (_, v) in &lines_data {
        total.iter_mut().zip(v).for_each(|(a, b)| *a += b);
    }
    let lines: Vec<Line> = lines_data
        .iter()
        .map(|(name, v)| Line { head: Text::new(name.clone(), name.clone()), cells: row(v) })
        .collect();
    let g = Some(("诉求", "Requests"));
    let columns = vec![
        col("受理", "Accepted", g, true),
        col("已完成", "Completed", g, false),
        col("平均完成时长(小时)", "Avg. hours", g, false),
        col("转派", "Routed", g, false),
        col("超时", "Overdue", g, false),
        col("回访", "Callbacks", Some(("回访", "Callbacks")), true),
        col("已接通", "Reached", Some(("回访", "Callbacks")), false),
        col("邮件发送", "E-mails sent", None, true),
        col("履约确认", "Items confirmed", None, true),
        col("质检量", "Inspected", Some(("质检", "QA")), false),
        col("处理有误", "Errors", Some(("质检", "QA")), false),
        col("差错率", "Error rate", Some(("质检", "QA")), false),
    ];
    Ok(table(s, Text::new("客服人员", "Agent"), columns, lines, Some(row(&total)), vec![], vec![]))
}
