//! The statistics of the service work: requests (the user's own, or by agent, organisation,
//! department, channel or level), department feedback, callbacks, e-mails, fulfilment
//! confirmations, inspections — and each agent's workload across all of them.
use std::collections::BTreeMap;

use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use super::By;
use super::engine::{Labels, Line, Stat, count, count_if, grouped, plain, sums, t, table};
use crate::auth::Perm;
use crate::callbacks::{CallbackContent, Reach};
use crate::error::{AppResult, Text};
use crate::members::enums::{CustomerType, QaResult};
use crate::reports::frame::col;
use crate::reports::requests::seconds_between;
use crate::reports::{Cell, Report, Value};
use crate::requests::entity::service_request;
use crate::requests::{HandlingStatus, RequestFilter, RequestState, RequestType};
use crate::ui::list::UrlFilter;

use service_request::Column as R;

const STATUSES: [HandlingStatus; 3] =
    [HandlingStatus::Unprocessed, HandlingStatus::Processing, HandlingStatus::Processed];

/// The 诉求列表 filter a request statistic counts through (so its cells and the list agree).
fn request_list<C: ConnectionTrait>(s: &Stat<'_, C>, agent: Option<i64>) -> RequestFilter {
    let (from, to) = s.dates();
    RequestFilter { tab: "all".into(), from, to, org: s.f.org, agent: agent.or(s.f.agent), ..Default::default() }
}

/// The requests of `l` the user may see, not voided, grouped by `k` and then state and type.
fn requests_by_state<C: ConnectionTrait>(s: &Stat<'_, C>, l: &RequestFilter, k: Expr) -> AppResult<SelectStatement> {
    let (rows, scope, _) = crate::requests::lists::filtered(s.backend(), s.user, l)?;
    Ok(service_request::Entity::find()
        .select_only()
        .filter(rows)
        .filter(scope)
        .filter(Expr::col(R::State).ne(RequestState::Voided.code()))
        .column_as(k.clone(), "k")
        .column_as(Expr::col(R::State), "st")
        .column_as(Expr::col(R::RequestType), "ty")
        .column_as(Expr::cust("COUNT(*)"), "m0")
        .group_by(k)
        .group_by(R::State)
        .group_by(R::RequestType)
        .into_query())
}

/// 诉求量 by the dimension in force (PG-79; PG-80 area 2), or the user's own by 诉求类型
/// (我的诉求受理量): 咨询/投诉 and 未处理/处理中/已处理 per row, each linking to 诉求列表.
pub async fn requests<C: ConnectionTrait>(s: &Stat<'_, C>, mine: bool) -> AppResult<Report> {
    let by = if mine { None } else { s.by };
    let l = request_list(s, mine.then_some(s.user.account.id));
    let dim = match by {
        Some(By::Agent) => Expr::col(R::AgentId),
        Some(By::Dept) => Expr::col(R::HandlingDept),
        Some(By::Channel) => Expr::col(R::Channel),
        Some(By::Level) => {
            Expr::case(Expr::col(R::CustomerType).eq(CustomerType::NonMember.code()), crate::reports::NON_MEMBER)
                .finally(Expr::col(R::MemberLevelSnapshot))
                .into()
        }
        Some(By::Org) | None if !mine => Expr::col(R::AcceptingOrgId),
        _ => Expr::col(R::RequestType),
    };
    let q = requests_by_state(s, &l, dim)?;
    // key → [咨询, 投诉, 未处理, 处理中, 已处理, 合计]
    let mut data: BTreeMap<String, [f64; 6]> = BTreeMap::new();
    for row in s.db.query_all(&q).await? {
        let k = super::engine::key(&row, "k");
        let n = super::engine::num(&row, "m0");
        let e = data.entry(k).or_default();
        match RequestType::parse(&super::engine::key(&row, "ty")) {
            Some(RequestType::Consultation) => e[0] += n,
            Some(RequestType::Complaint) => e[1] += n,
            None => {}
        }
        if let Some(i) = RequestState::parse(&super::engine::key(&row, "st"))
            .and_then(|st| st.handling_status())
            .and_then(|h| STATUSES.iter().position(|x| *x == h))
        {
            e[2 + i] += n;
        }
        e[5] += n;
    }
    if mine {
        for ty in [RequestType::Consultation, RequestType::Complaint] {
            data.entry(ty.code().into()).or_default();
        }
    }
    let labels = Labels::load(s.db, by).await?;
    let listed = s.user.has(Perm::IntakeMemberRequest);
    let link = |k: &str, set: &[(&str, &str)]| -> Option<String> {
        if !listed {
            return None;
        }
        let mut l = l.clone();
        match by {
            Some(By::Agent) => l.agent = Some(k.parse().ok()?),
            Some(By::Org) => l.org = Some(k.parse().ok()?),
            Some(By::Dept) => l.handling_dept = k.into(),
            Some(By::Channel) => l.channel = k.into(),
            Some(By::Level) if k == crate::reports::NON_MEMBER => {
                l.customer_type = CustomerType::NonMember.code().into()
            }
            Some(By::Level) if k.is_empty() => return None,
            Some(By::Level) => {
                l.customer_type = CustomerType::Member.code().into();
                l.level = k.into();
            }
            _ => l.request_type = k.into(),
        }
        for (field, v) in set {
            match *field {
                "type" => l.request_type = (*v).into(),
                _ => l.handling_status = (*v).into(),
            }
        }
        Some(format!("/requests?{}", l.to_query()))
    };
    let cells = |k: Option<&str>, v: &[f64; 6]| -> Vec<Cell> {
        let at = |set: &[(&str, &str)]| match k {
            Some(k) => link(k, set),
            None => None,
        };
        let mut c = vec![];
        if !mine {
            c.push(count(v[0], at(&[("type", RequestType::Consultation.code())])));
            c.push(count(v[1], at(&[("type", RequestType::Complaint.code())])));
        }
        for (i, h) in STATUSES.iter().enumerate() {
            c.push(count(v[2 + i], at(&[("hstatus", h.code())])));
        }
        c.push(count(v[5], at(&[])));
        c
    };
    let mut ordered: Vec<(String, [f64; 6])> = data.into_iter().collect();
    if by.is_some() {
        ordered.sort_by(|a, b| b.1[5].total_cmp(&a.1[5]).then(a.0.cmp(&b.0)));
    }
    let lines: Vec<Line> =
        ordered.iter().map(|(k, v)| Line { head: labels.of_type(k, by), cells: cells(Some(k), v) }).collect();
    let mut total = [0.0; 6];
    for (_, v) in &ordered {
        total.iter_mut().zip(v).for_each(|(a, b)| *a += b);
    }
    let mut columns = vec![];
    if !mine {
        columns.push(col("咨询", "Enquiries", Some(("诉求类型", "Type")), false));
        columns.push(col("投诉", "Complaints", Some(("诉求类型", "Type")), false));
    }
    for h in STATUSES {
        columns.push(col(h.zh(), h.en(), Some(("解决状态", "Status")), true));
    }
    columns.push(col("合计", "Total", None, false));
    let head = match by {
        Some(b) => dim_head(b),
        None => Text::new("诉求类型", "Type"),
    };
    Ok(table(s, head, columns, lines, Some(cells(None, &total)), vec![], vec![]))
}

/// The heading of a dimension's rows.
pub fn dim_head(by: By) -> Text {
    match by {
        By::Agent => Text::new("客服人员", "Agent"),
        By::Org => Text::new("组织机构", "Organisation"),
        By::Dept => Text::new("处理部门", "Department"),
        By::Channel => Text::new("受理渠道", "Channel"),
        By::Level => Text::new("会员级别", "Member level"),
        By::Category => Text::new("企业类别", "Category"),
        By::Status => Text::new("企业状态", "Status"),
        By::Region => Text::new("区域(省份)", "Province"),
        By::Industry => Text::new("行业(一级)", "Industry"),
        By::Source => Text::new("信息来源", "Source"),
        By::Month => Text::new("月份", "Month"),
    }
}

impl Labels {
    /// A row's label; without a dimension the key is a 诉求类型.
    pub fn of_type(&self, k: &str, by: Option<By>) -> Text {
        match (by, RequestType::parse(k)) {
            (None, Some(ty)) => Text::new(ty.zh(), ty.en()),
            _ => self.of(k),
        }
    }
}

/// 部门收到/已反馈诉求量 and 处理部门工作量: requests routed in the period per receiving
/// department — received, fed back, fed back in time, the share in time, the average feedback
/// hours. A business department sees its own department only.
pub async fn departments<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let secs = seconds_between(s.backend(), "routed_at", "feedback_at");
    let fed = Expr::col(R::FeedbackAt).is_not_null().and(Expr::col(R::RoutedAt).is_not_null());
    let in_time = fed
        .clone()
        .and(Expr::col(R::FeedbackDueAt).is_null().or(Expr::col(R::FeedbackAt).lte(Expr::col(R::FeedbackDueAt))));
    let mut cond = Condition::all()
        .add(Expr::col(R::RoutedAt).is_not_null())
        .add(Expr::col(R::HandlingOrgId).is_not_null())
        .add(Expr::col(R::State).ne(RequestState::Voided.code()))
        .add(s.in_range(Expr::col(R::RoutedAt)));
    let own = own_dept(s.user);
    cond = cond.add(match own {
        Some(org) => Condition::all().add(Expr::col(R::HandlingOrgId).eq(org)),
        None => s.user.scope.condition_on(Expr::col(R::AcceptingOrgId), &[Expr::col(R::AgentId)]),
    });
    let q = Query::select()
        .from(service_request::Entity)
        .expr_as(Expr::col(R::HandlingOrgId), Alias::new("k"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("m0"))
        .expr_as(count_if(fed.clone()), Alias::new("m1"))
        .expr_as(count_if(in_time), Alias::new("m2"))
        .expr_as(Expr::from(Func::sum(Expr::case(fed, secs).finally(Expr::val(0.0f64)))), Alias::new("m3"))
        .cond_where(cond)
        .group_by_col(R::HandlingOrgId)
        .to_owned();
    let mut data = grouped(s.db, &q, 4).await?;
    if let Some(org) = own
        && data.is_empty()
    {
        data.push((org.to_string(), vec![0.0; 4]));
    }
    data.sort_by(|a, b| b.1[0].total_cmp(&a.1[0]).then(a.0.cmp(&b.0)));
    let labels = Labels::load(s.db, Some(By::Org)).await?;
    let row = |v: &[f64]| {
        vec![
            count(v[0], None),
            count(v[1], None),
            count(v[2], None),
            plain(Value::rate(v[2] as i64, v[1] as i64)),
            plain(Value::hours(v[3], v[1] as i64)),
        ]
    };
    let mut total = vec![0.0; 4];
    let lines: Vec<Line> = data
        .iter()
        .map(|(k, v)| {
            total.iter_mut().zip(v).for_each(|(a, b)| *a += b);
            Line { head: labels.of(k), cells: row(v) }
        })
        .collect();
    let columns = vec![
        col("收到诉求", "Received", None, true),
        col("已反馈", "Fed back", None, false),
        col("按时反馈", "In time", None, false),
        col("按时反馈率", "In time %", None, false),
        col("平均反馈时长(小时)", "Avg. feedback hours", None, false),
    ];
    Ok(table(s, Text::new("处理部门", "Department"), columns, lines, Some(row(&total)), vec![], vec![]))
}

/// A business department's own organisation (`None`: an account of 客服部 or a rep office).
pub fn own_dept(user: &crate::auth::session::CurrentUser) -> Option<i64> {
    user.org.department_kind().filter(|k| *k != crate::auth::DepartmentKind::CsDept).map(|_| user.org.id)
}

/// 回访量: the user's own by 回访内容, or the team's by organisation or agent — 已接通, 未接通,
/// 合计 and the share reached.
pub async fn callbacks<C: ConnectionTrait>(s: &Stat<'_, C>, mine: bool) -> AppResult<Report> {
    let cb = |c: &str| t("callback", c);
    let by = if mine { None } else { s.by };
    let dim = match by {
        Some(By::Agent) => cb("agent_id"),
        Some(By::Org) => cb("organization_id"),
        _ => cb("callback_content"),
    };
    let mut cond =
        Condition::all().add(s.in_range(cb("callback_at"))).add(s.orgs(cb("organization_id"), &[cb("agent_id")]));
    cond = cond.add(if mine {
        Condition::all().add(cb("agent_id").eq(s.user.account.id))
    } else {
        s.agent(cb("agent_id"))
    });
    let q = Query::select()
        .from(Alias::new("callback"))
        .expr_as(dim.clone(), Alias::new("k"))
        .expr_as(count_if(cb("reach_status").eq(Reach::Reached.code())), Alias::new("m0"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("m1"))
        .cond_where(cond)
        .group_by_col(Alias::new("k"))
        .to_owned();
    let mut data = grouped(s.db, &q, 2).await?;
    if mine {
        for c in CallbackContent::ALL {
            if !data.iter().any(|(k, _)| k == c.code()) {
                data.push((c.code().into(), vec![0.0, 0.0]));
            }
        }
        data.sort_by_key(|(k, _)| CallbackContent::ALL.iter().position(|c| c.code() == k));
    } else {
        data.sort_by(|a, b| b.1[1].total_cmp(&a.1[1]).then(a.0.cmp(&b.0)));
    }
    let labels = Labels::load(s.db, by).await?;
    let row = |v: &[f64]| {
        vec![
            count(v[0], None),
            count(v[1] - v[0], None),
            count(v[1], None),
            plain(Value::rate(v[0] as i64, v[1] as i64)),
        ]
    };
    let label = |k: &str| match (by, CallbackContent::parse(k)) {
        (None, Some(c)) => Text::new(c.zh(), c.en()),
        _ => labels.of(k),
    };
    let lines: Vec<Line> = data.iter().map(|(k, v)| Line { head: label(k), cells: row(v) }).collect();
    let tot = sums(&lines, 3);
    let columns = vec![
        col("已接通", "Reached", None, true),
        col("未接通", "Not reached", None, true),
        col("合计", "Total", None, false),
        col("接通率", "Reached %", None, false),
    ];
    let head = by.map(dim_head).unwrap_or(Text::new("回访内容", "Subject"));
    Ok(table(s, head, columns, lines, Some(row(&[tot[0], tot[2]])), vec![], vec![]))
}

/// 我的邮件发送量: the user's sent batches by 邮件类型 — batches, recipients, sent, failed.
pub async fn my_emails<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let b = |c: &str| t("email_batch", c);
    let sum = |c: &str| Expr::from(Func::sum(b(c)));
    let q = Query::select()
        .from(Alias::new("email_batch"))
        .expr_as(b("email_kind"), Alias::new("k"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("m0"))
        .expr_as(sum("recipient_count"), Alias::new("m1"))
        .expr_as(sum("sent_count"), Alias::new("m2"))
        .expr_as(sum("failed_count"), Alias::new("m3"))
        .cond_where(Condition::all().add(b("sender_id").eq(s.user.account.id)).add(s.in_range(b("sent_at"))))
        .group_by_col(Alias::new("k"))
        .to_owned();
    let data = grouped(s.db, &q, 4).await?;
    let lines: Vec<Line> = crate::emails::EmailKind::ALL
        .iter()
        .map(|kind| {
            let v = data.iter().find(|(k, _)| k == kind.code()).map(|(_, v)| v.clone()).unwrap_or(vec![0.0; 4]);
            Line { head: Text::new(kind.zh(), kind.en()), cells: v.iter().map(|n| count(*n, None)).collect() }
        })
        .collect();
    let total = sums(&lines, 4).into_iter().map(|n| count(n, None)).collect();
    let columns = vec![
        col("发送批次", "Batches", None, false),
        col("收件人数", "Recipients", None, false),
        col("发送成功", "Sent", None, true),
        col("发送失败", "Failed", None, true),
    ];
    Ok(table(s, Text::new("邮件类型", "E-mail type"), columns, lines, Some(total), vec![], vec![]))
}

/// 我的履约确认量: the fulfilment items the user marked 服务完成 in the period, by item.
pub async fn my_fulfilment<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let i = |c: &str| t("member_fulfilment_item", c);
    let q = Query::select()
        .from(Alias::new("member_fulfilment_item"))
        .expr_as(i("name"), Alias::new("k"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("m0"))
        .cond_where(
            Condition::all()
                .add(i("completed_by").eq(s.user.account.id))
                .add(i("status").eq(crate::fulfilment::ItemStatus::Done.code()))
                .add(s.in_range(i("completed_at"))),
        )
        .group_by_col(Alias::new("k"))
        .to_owned();
    let mut data = grouped(s.db, &q, 1).await?;
    data.sort_by(|a, b| b.1[0].total_cmp(&a.1[0]).then(a.0.cmp(&b.0)));
    let lines: Vec<Line> = data
        .iter()
        .map(|(k, v)| Line { head: Text::new(k.clone(), k.clone()), cells: vec![count(v[0], None)] })
        .collect();
    let total = vec![count(sums(&lines, 1)[0], None)];
    let columns = vec![col("确认完成项数", "Items confirmed", None, true)];
    Ok(table(s, Text::new("履约项目", "Item"), columns, lines, Some(total), vec![], vec![]))
}

/// 质检量与差错率 by the inspected agent or the accepting organisation.
pub async fn qa<C: ConnectionTrait>(s: &Stat<'_, C>) -> AppResult<Report> {
    let q_ = |c: &str| t("qa_record", c);
    let dim = if s.by == Some(By::Agent) { q_("inspected_agent_id") } else { q_("accepting_org_id") };
    let q = Query::select()
        .from(Alias::new("qa_record"))
        .expr_as(dim, Alias::new("k"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("m0"))
        .expr_as(count_if(q_("qa_result").eq(QaResult::Incorrect.code())), Alias::new("m1"))
        .cond_where(
            Condition::all()
                .add(q_("is_current").eq(true))
                .add(s.in_range(q_("inspected_at")))
                .add(s.orgs(q_("accepting_org_id"), &[q_("inspected_agent_id")]))
                .add(s.agent(q_("inspected_agent_id"))),
        )
        .group_by_col(Alias::new("k"))
        .to_owned();
    let mut data = grouped(s.db, &q, 2).await?;
    data.sort_by(|a, b| b.1[0].total_cmp(&a.1[0]).then(a.0.cmp(&b.0)));
    let labels = Labels::load(s.db, s.by).await?;
    let row = |v: &[f64]| {
        vec![
            count(v[0] - v[1], None),
            count(v[1], None),
            count(v[0], None),
            plain(Value::rate(v[1] as i64, v[0] as i64)),
        ]
    };
    let lines: Vec<Line> = data.iter().map(|(k, v)| Line { head: labels.of(k), cells: row(v) }).collect();
    let tot = sums(&lines, 3);
    let columns = vec![
        col(QaResult::Correct.zh(), QaResult::Correct.en(), None, true),
        col(QaResult::Incorrect.zh(), QaResult::Incorrect.en(), None, true),
        col("质检量", "Inspected", None, false),
        col("差错率", "Error rate", None, false),
    ];
    let head = dim_head(s.by.unwrap_or(By::Org));
    Ok(table(s, head, columns, lines, Some(row(&[tot[2], tot[1]])), vec![], vec![]))
}
