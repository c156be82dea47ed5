//! 质检记录 / 质检报告 (PG-40): the current inspections of the filter, newest first, with the
//! summary — 质检数, 处理有误数, 差错率 overall, by 被检客服 and by 组织机构 — and the report
//! workbook for training (sheet 1 the summary, sheet 2 every 处理有误 with its reason).
use std::collections::HashMap;
use std::path::Path;

use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entity::qa_record;
use super::{QaReport, QaReportFilter, QaReportRow, QaResult, QaTally};
use crate::auth::scope::Scope;
use crate::auth::session::CurrentUser;
use crate::db::{fetch_page, people_and_orgs};
use crate::error::{AppError, AppResult};
use crate::members::conditions::ts_range;
use crate::requests::entity::service_request;
use crate::requests::{AcceptingDept, RequestType};
use crate::ui::Page;

use qa_record::Column as Q;

/// The current inspections of `f` whose requests `user` may see.
fn condition(user: &CurrentUser, f: &QaReportFilter) -> AppResult<Condition> {
    f.validate()?;
    let mut cond = Condition::all().add(Q::IsCurrent.eq(true)).add(ts_range(
        Expr::col((qa_record::Entity, Q::InspectedAt)),
        &f.from,
        &f.to,
    ));
    for (col, v) in [(Q::QaResult, &f.result), (Q::AcceptingDept, &f.accepting_dept)] {
        if !v.is_empty() {
            cond = cond.add(col.eq(v.as_str()));
        }
    }
    for (col, v) in [(Q::InspectorId, f.inspector), (Q::InspectedAgentId, f.agent), (Q::AcceptingOrgId, f.org)] {
        if let Some(v) = v {
            cond = cond.add(col.eq(v));
        }
    }
    // 诉求类型 and the data scope are the request's: probed per record.
    let mut request = Condition::all();
    if !f.request_type.is_empty() {
        request = request.add(service_request::Column::RequestType.eq(f.request_type.as_str()));
    }
    if !matches!(user.scope, Scope::All) {
        request = request.add(crate::requests::query::visible(user));
    }
    if !request.is_empty() {
        let probe = Query::select()
            .expr(Expr::val(1))
            .from(service_request::Entity)
            .and_where(
                Expr::col((service_request::Entity, service_request::Column::Id))
                    .equals((qa_record::Entity, Q::RequestId)),
            )
            .cond_where(request)
            .to_owned();
        cond = cond.add(Expr::exists(probe));
    }
    Ok(cond)
}

/// Rows of inspections, their requests, people and organisations read in three statements.
async fn rows(db: &impl ConnectionTrait, records: Vec<qa_record::Model>) -> AppResult<Vec<QaReportRow>> {
    let requests: HashMap<i64, service_request::Model> = service_request::Entity::find()
        .filter(service_request::Column::Id.is_in(records.iter().map(|r| r.request_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let people = records.iter().flat_map(|r| [r.inspector_id, r.inspected_agent_id]).collect();
    let orgs = records.iter().map(|r| r.accepting_org_id).collect();
    let (people, orgs) = people_and_orgs(db, people, orgs).await?;
    Ok(records
        .into_iter()
        .map(|q| {
            let r = requests.get(&q.request_id);
            let company = r
                .and_then(|r| r.company_name.clone().filter(|s| !s.is_empty()).or(r.caller_name.clone()))
                .unwrap_or_default();
            QaReportRow {
                id: q.id,
                request_id: q.request_id,
                request_no: r.map(|r| r.request_no.clone()).unwrap_or_default(),
                company,
                request_type: r.and_then(|r| RequestType::parse(&r.request_type)).unwrap_or(RequestType::Consultation),
                agent: people.get(&q.inspected_agent_id).cloned().unwrap_or_default(),
                accepting_dept: AcceptingDept::parse(&q.accepting_dept).unwrap_or(AcceptingDept::CompanyCs),
                org: orgs.get(&q.accepting_org_id).cloned().unwrap_or_default(),
                result: QaResult::parse(&q.qa_result).unwrap_or(QaResult::Correct),
                remark: q.remark.unwrap_or_default(),
                inspector: people.get(&q.inspector_id).cloned().unwrap_or_default(),
                at: q.inspected_at,
            }
        })
        .collect())
}

/// 质检数 and 处理有误数 of the inspections of `cond` by `group` (an account or an
/// organisation id), the most inspected first.
async fn tallies(db: &impl ConnectionTrait, cond: Condition, group: Q) -> AppResult<Vec<(i64, u64, u64)>> {
    let wrong = Expr::col((qa_record::Entity, Q::QaResult)).eq(QaResult::Incorrect.code());
    let incorrect = Expr::from(Func::sum(Expr::case(wrong, 1).finally(0)));
    let rows: Vec<(i64, i64, Option<i64>)> = qa_record::Entity::find()
        .select_only()
        .column(group)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .column_as(incorrect, "bad")
        .filter(cond)
        .group_by(group)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: Vec<(i64, u64, u64)> = rows
        .into_iter()
        .map(|(id, n, bad)| (id, u64::try_from(n).unwrap_or(0), u64::try_from(bad.unwrap_or(0)).unwrap_or(0)))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(out)
}

/// The summary of the inspections of `f`: overall, by 被检客服, by 组织机构.
pub async fn summary(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    f: &QaReportFilter,
) -> AppResult<(QaTally, Vec<QaTally>, Vec<QaTally>)> {
    let cond = condition(user, f)?;
    let agents = tallies(db, cond.clone(), Q::InspectedAgentId).await?;
    let orgs = tallies(db, cond, Q::AcceptingOrgId).await?;
    let (people, names) =
        people_and_orgs(db, agents.iter().map(|a| a.0).collect(), orgs.iter().map(|o| o.0).collect()).await?;
    let named = |list: Vec<(i64, u64, u64)>, names: &HashMap<i64, String>| -> Vec<QaTally> {
        list.into_iter()
            .map(|(id, inspected, incorrect)| QaTally {
                name: names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
                inspected,
                incorrect,
            })
            .collect()
    };
    let overall = QaTally {
        name: "合计".into(),
        inspected: agents.iter().map(|a| a.1).sum(),
        incorrect: agents.iter().map(|a| a.2).sum(),
    };
    Ok((overall, named(agents, &people), named(orgs, &names)))
}

/// PG-40: a page of the current inspections of `f` and the summary of all of them.
pub async fn report(db: &impl ConnectionTrait, user: &CurrentUser, f: &QaReportFilter) -> AppResult<QaReport> {
    let cond = condition(user, f)?;
    let select = qa_record::Entity::find().filter(cond).order_by_desc(Q::InspectedAt).order_by_desc(Q::Id);
    let page: Page<qa_record::Model> = fetch_page(db, select, f.page, f.per_page).await?;
    let items = rows(db, page.items.clone()).await?;
    let (overall, by_agent, by_org) = summary(db, user, f).await?;
    Ok(QaReport { rows: page.with_items(items), overall, by_agent, by_org })
}

/// The error details of the report: every 处理有误 of `f`, newest first.
async fn errors(db: &impl ConnectionTrait, user: &CurrentUser, f: &QaReportFilter) -> AppResult<Vec<QaReportRow>> {
    let cond = condition(user, f)?.add(Q::QaResult.eq(QaResult::Incorrect.code()));
    let mut out = vec![];
    let mut last: Option<(chrono::DateTime<chrono::Utc>, i64)> = None;
    // In pages, so a long report never holds one huge statement's rows twice.
    loop {
        let mut q = qa_record::Entity::find().filter(cond.clone());
        if let Some((at, id)) = last {
            q = q.filter(
                Condition::any()
                    .add(Q::InspectedAt.lt(at))
                    .add(Condition::all().add(Q::InspectedAt.eq(at)).add(Q::Id.lt(id))),
            );
        }
        let batch = q.order_by_desc(Q::InspectedAt).order_by_desc(Q::Id).limit(2000).all(db).await?;
        let Some(end) = batch.last() else { break };
        last = Some((end.inspected_at, end.id));
        let n = batch.len();
        out.extend(rows(db, batch).await?);
        if n < 2000 {
            break;
        }
    }
    Ok(out)
}

/// Writes the QA report workbook of `f` to `path`: sheet 1 质检汇总 (the criteria, the totals,
/// by 被检客服 and by 组织机构), sheet 2 差错明细. Returns the number of error rows.
pub async fn workbook(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    f: &QaReportFilter,
    path: &Path,
) -> AppResult<u64> {
    let (overall, by_agent, by_org) = summary(db, user, f).await?;
    let details = errors(db, user, f).await?;
    let criteria = criteria(f);
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || write(&path, &criteria, &overall, &by_agent, &by_org, &details))
        .await
        .map_err(AppError::internal)?
}

/// The filter as the report's header states it.
fn criteria(f: &QaReportFilter) -> String {
    use crate::i18n::Locale::Zh;
    let mut parts = vec![];
    if !f.from.is_empty() || !f.to.is_empty() {
        parts.push(format!("质检时间 {} 至 {}", f.from, f.to));
    }
    if let Some(r) = QaResult::parse(&f.result) {
        parts.push(format!("质检结果 {}", r.label(Zh)));
    }
    if let Some(d) = AcceptingDept::parse(&f.accepting_dept) {
        parts.push(format!("受理部门 {}", d.label(Zh)));
    }
    if let Some(t) = RequestType::parse(&f.request_type) {
        parts.push(format!("诉求类型 {}", t.label(Zh)));
    }
    if parts.is_empty() { "全部".into() } else { parts.join(";") }
}

fn write(
    path: &Path,
    criteria: &str,
    overall: &QaTally,
    by_agent: &[QaTally],
    by_org: &[QaTally],
    details: &[QaReportRow],
) -> AppResult<u64> {
    use crate::i18n::Locale::Zh;
    use rust_xlsxwriter::{Format, Workbook};
    let x = AppError::internal;
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let ws = wb.add_worksheet();
    ws.set_name("质检汇总").map_err(x)?;
    ws.set_column_width(0, 24).map_err(x)?;
    for c in 1..4 {
        ws.set_column_width(c, 12).map_err(x)?;
    }
    ws.write_string_with_format(0, 0, "诉求信息质检报告", &title).map_err(x)?;
    ws.write_string(1, 0, format!("查询条件:{criteria}")).map_err(x)?;
    ws.write_string(2, 0, format!("生成时间:{}", crate::ui::fmt_time(&chrono::Utc::now()))).map_err(x)?;
    let mut row = 4u32;
    for (heading, list) in [("总体", std::slice::from_ref(overall)), ("按被检客服", by_agent), ("按组织机构", by_org)]
    {
        ws.write_string_with_format(row, 0, heading, &bold).map_err(x)?;
        row += 1;
        for (c, h) in ["名称", "质检数", "处理有误数", "差错率"].iter().enumerate() {
            ws.write_string_with_format(row, c as u16, *h, &bold).map_err(x)?;
        }
        row += 1;
        for t in list {
            ws.write_string(row, 0, &t.name).map_err(x)?;
            ws.write_number(row, 1, t.inspected as f64).map_err(x)?;
            ws.write_number(row, 2, t.incorrect as f64).map_err(x)?;
            ws.write_string(row, 3, t.rate()).map_err(x)?;
            row += 1;
        }
        row += 1;
    }
    let ws = wb.add_worksheet();
    ws.set_name("差错明细").map_err(x)?;
    let headers = [
        ("诉求编号", 16.0),
        ("企业名称", 30.0),
        ("诉求类型", 8.0),
        ("被检客服", 10.0),
        ("受理部门", 10.0),
        ("组织机构", 14.0),
        ("质检结果", 10.0),
        ("备注", 50.0),
        ("质检人", 10.0),
        ("质检时间", 18.0),
    ];
    for (c, (h, w)) in headers.iter().enumerate() {
        ws.set_column_width(c as u16, *w).map_err(x)?;
        ws.write_string_with_format(0, c as u16, *h, &bold).map_err(x)?;
    }
    for (i, d) in details.iter().enumerate() {
        let r = i as u32 + 1;
        let cells = [
            d.request_no.clone(),
            d.company.clone(),
            d.request_type.label(Zh).to_string(),
            d.agent.clone(),
            d.accepting_dept.label(Zh).to_string(),
            d.org.clone(),
            d.result.label(Zh).to_string(),
            d.remark.clone(),
            d.inspector.clone(),
            crate::ui::fmt_time(&d.at),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(r, c as u16, v).map_err(x)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(x)?;
    wb.save(path).map_err(x)?;
    Ok(details.len() as u64)
}
