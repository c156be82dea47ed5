//! 会员资料 from CM: every row checked (codes, dates, duplicates in the file, a login owned by
//! another member), then all upserted by 会员ID in one transaction. A row whose 会员ID is new
//! takes over the CRM-entered customer it matches (OP-40): by login name, else by 注册邮箱 +
//! normalised company name (the duplicate-check keys).
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QuerySelect};

use super::check::{Check, IfUnknown, Lookups, parse_bool};
use super::{CmRow, SyncOutcome, existing};
use crate::error::AppResult;
use crate::members::bulk::{CustomerRow, Rows, next_id, sync_sequence};
use crate::members::entity::customer;
use crate::members::enums;
use crate::members::search::{company_norm, normalize};

pub(super) async fn upsert(
    db: &DatabaseConnection,
    look: &Lookups,
    rows: &[CmRow],
    now: DateTime<Utc>,
    out: &mut SyncOutcome,
    progress: &impl Fn(u64),
) -> AppResult<()> {
    let ids: Vec<String> = rows.iter().map(|r| r.get("cm_member_id").to_string()).collect();
    let logins: Vec<String> = rows.iter().map(|r| normalize(r.get("login_name"))).collect();
    let known = existing(db, "customer", "cm_member_id", &ids).await?;
    let login_owner = existing(db, "customer", "login_name_key", &logins).await?;
    let by_email_company = crm_by_email_company(db, rows).await?;
    let mut seen_ids = HashSet::new();
    let mut seen_logins = HashSet::new();
    let mut values: Vec<(Option<i64>, CustomerRow)> = Vec::with_capacity(rows.len());
    let mut linked: Vec<(i64, String)> = vec![];
    for row in rows {
        let mut ck = Check { errors: &mut out.errors, unmapped: &mut out.unmapped, line: row.line };
        let cm_id = ck.required(row, "cm_member_id", "会员ID", 64);
        let company = ck.required(row, "company_name", "企业名称", 200);
        let login = ck.required(row, "login_name", "登录名", 64);
        let email = ck.max(row, "registered_email", "注册邮箱", 100);
        if let Some(e) = &email
            && !(e.contains('@') && e.contains('.'))
        {
            ck.fail("registered_email", format!("注册邮箱“{e}”格式不正确"));
        }
        let contact = ck.max(row, "contact_name", "联系人", 50);
        let fixed = ck.max(row, "phone_fixed", "固定电话", 30);
        let mobile = ck.max(row, "phone_mobile", "手机", 20);
        let region = ck.tree(&look.regions, row, "region_code", "区域代码");
        let industry = ck.tree(&look.industries, row, "industry_code", "行业代码");
        let org = match row.get("org_code") {
            "" => region.iter().rev().flatten().find_map(|r| look.coverage.get(r).copied()).unwrap_or(look.hq),
            code => look.orgs.get(code).copied().unwrap_or_else(|| {
                ck.fail("org_code", format!("组织机构代码“{code}”不存在"));
                look.hq
            }),
        };
        // OP-01: an enterprise state CM has and the CRM does not is 正常; other unknown values
        // are left empty. Either way the run goes on and its report lists them.
        let normal = IfUnknown::Use("normal");
        let status = ck.mapped(row, "enterprise_status", "企业状态", enums::ENTERPRISE_STATUSES, normal);
        if row.get("enterprise_status").is_empty() {
            ck.fail("enterprise_status", "企业状态不能为空".into());
        }
        let category = ck.mapped(row, "enterprise_category", "企业类别", enums::CATEGORIES, IfUnknown::Empty);
        let level = ck.mapped(row, "member_level", "会员级别", enums::LEVELS, IfUnknown::Empty);
        if row.get("member_level").is_empty() {
            ck.fail("member_level", "会员级别不能为空".into());
        }
        let business = ck.max(row, "business_category", "经营类别", 200);
        let registered = ck.time(row, "registered_at", "平台注册时间");
        let start = ck.date(row, "service_start", "服务开始时间");
        let end = ck.date(row, "service_end", "服务到期时间");
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            ck.fail("service_end", "服务到期时间不能早于服务开始时间".into());
        }
        let push = parse_bool(row.get("push_enabled")).unwrap_or_else(|| {
            ck.fail("push_enabled", "是否设置推送应为 是/否".into());
            false
        });
        let avatar = parse_bool(row.get("has_avatar")).unwrap_or_else(|| {
            ck.fail("has_avatar", "是否有头像应为 是/否".into());
            false
        });
        let source = ck.mapped(row, "registration_source", "注册来源", enums::REGISTRATION_SOURCES, IfUnknown::Empty);
        let points = match row.get("member_points") {
            "" => None,
            v => v.parse::<i32>().map(Some).unwrap_or_else(|_| {
                ck.fail("member_points", format!("会员积分“{v}”应为整数"));
                None
            }),
        };
        let (Some(cm_id), Some(company), Some(login)) = (cm_id, company, login) else { continue };
        if !seen_ids.insert(cm_id.clone()) {
            ck.fail("cm_member_id", format!("会员ID“{cm_id}”在文件中重复"));
        }
        let key = normalize(&login);
        if !seen_logins.insert(key.clone()) {
            ck.fail("login_name", format!("登录名“{login}”在文件中重复"));
        }
        let existing_id = known.get(&cm_id).copied();
        match (existing_id, login_owner.get(&key)) {
            (Some(id), Some(owner)) if *owner != id => {
                ck.fail("login_name", format!("登录名“{login}”已属于另一个会员"));
            }
            (None, Some(owner)) => linked.push((*owner, cm_id.clone())),
            (None, None) => {
                // The third key: one CRM-entered customer with this e-mail and company name.
                let key = email.as_deref().map(|e| (normalize(e), company_norm(&company)));
                if let Some(&[id]) = key.and_then(|k| by_email_company.get(&k)).map(Vec::as_slice)
                    && !linked.iter().any(|l| l.0 == id)
                {
                    linked.push((id, cm_id.clone()));
                }
            }
            _ => {}
        }
        values.push((
            existing_id,
            CustomerRow {
                cm_member_id: Some(cm_id),
                customer_type: "member",
                company_name: company,
                login_name: Some(login),
                registered_email: email,
                contact_name: contact,
                phone_fixed: fixed,
                phone_mobile: mobile,
                region,
                address: ck.max(row, "address", "地址", 255),
                industry,
                organization_id: org,
                enterprise_status: status,
                enterprise_category: category,
                member_level: level,
                business_category: business,
                platform_registered_at: registered,
                service_start_date: start,
                service_end_date: end,
                push_enabled: push,
                registration_source: source,
                has_avatar: avatar,
                member_points: points,
                info_source: "system_captured",
                entry_method: "cm_sync",
                cm_synced_at: Some(now),
                created_at: now,
                updated_at: now,
                ..CustomerRow::default()
            },
        ));
    }
    if !out.errors.is_empty() {
        return Ok(());
    }
    let txn = crate::db::write_txn(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        // New ids are taken from MAX(id); keep concurrent writers of customers out meanwhile.
        txn.execute_unprepared("LOCK TABLE customer IN SHARE ROW EXCLUSIVE MODE").await?;
    }
    // CRM-entered customers whose login name CM now reports become CM members.
    for (id, cm_id) in &linked {
        customer::Entity::update_many()
            .col_expr(customer::Column::CmMemberId, Expr::value(cm_id.clone()))
            .col_expr(customer::Column::InfoSource, Expr::value("system_captured"))
            .filter(customer::Column::Id.eq(*id))
            .exec(&txn)
            .await?;
    }
    let linked_ids: HashSet<i64> = linked.iter().map(|l| l.0).collect();
    let mut next = next_id(&txn, "customer").await?;
    let mut insert = Rows::new("customer", &CustomerRow::COLUMNS);
    for (existing_id, mut c) in values {
        if existing_id.is_some() {
            out.updated += 1
        } else {
            out.inserted += 1
        }
        // Every row gets a fresh id and number: an update (conflict on the CM id) discards them.
        c.id = next;
        next += 1;
        insert.push(c.values());
    }
    let update =
        CustomerRow::COLUMNS.iter().filter(|c| !CustomerRow::KEPT_ON_UPDATE.contains(c)).map(|c| Alias::new(*c));
    let upsert = OnConflict::column(Alias::new("cm_member_id")).update_columns(update).to_owned();
    insert.flush(&txn, Some(&upsert), progress).await?;
    out.inserted -= linked_ids.len().min(out.inserted);
    out.updated += linked_ids.len();
    sync_sequence(&txn, "customer").await?;
    txn.commit().await?;
    Ok(())
}

/// CRM-entered customers (no 会员ID yet) by (e-mail key, normalised company name), for the
/// rows' e-mails: the keys the duplicate check and the stored `email_key` /
/// `company_name_norm` use.
async fn crm_by_email_company(
    db: &impl ConnectionTrait,
    rows: &[CmRow],
) -> AppResult<HashMap<(String, String), Vec<i64>>> {
    let emails: Vec<String> = rows
        .iter()
        .map(|r| r.get("registered_email"))
        .filter(|e| !e.is_empty())
        .map(normalize)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut map: HashMap<(String, String), Vec<i64>> = HashMap::new();
    for chunk in emails.chunks(5000) {
        let found: Vec<(i64, Option<String>, String)> = customer::Entity::find()
            .select_only()
            .columns([customer::Column::Id, customer::Column::EmailKey, customer::Column::CompanyNameNorm])
            .filter(customer::Column::EmailKey.is_in(chunk.iter().cloned()))
            .filter(customer::Column::CmMemberId.is_null())
            .into_tuple()
            .all(db)
            .await?;
        for (id, email, company) in found {
            map.entry((email.unwrap_or_default(), company)).or_default().push(id);
        }
    }
    Ok(map)
}
