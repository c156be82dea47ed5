//! CM sync (SPEC §1.3, D1–D3): the member master data, the members' published information and
//! the info-push log come from the platform's CM back-end. `apply` takes the rows of one sync
//! kind — from an uploaded file today (`read_file`), from a scheduled connector later (anything
//! that yields `CmRow`s) — validates every row, and then upserts them by their CM ids in ONE
//! transaction: a run with a bad row writes nothing and reports every bad row; a run that
//! fails or is killed half-way leaves nothing behind. Each run is a `sync_run` row with its
//! counts and error report.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, Statement, TransactionTrait, Value,
};
use serde::Serialize;

pub use super::sync_kind::SyncKind;

use super::entity::{customer, sync_run};
use super::enums::{self, Choice};
use super::search::{company_norm, digits, grams, normalize};
use crate::auth::entity::{industry, organization, organization_region, region};
use crate::error::{AppError, AppResult};
use crate::tabular::Table;

/// One row from CM: field name → text, with where it came from (line of the file).
#[derive(Debug, Clone, Default)]
pub struct CmRow {
    pub line: usize,
    pub fields: HashMap<&'static str, String>,
}

impl CmRow {
    fn get(&self, k: &str) -> &str {
        self.fields.get(k).map(String::as_str).unwrap_or("")
    }
}

/// A rejected row: its line, the field and why.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct RowError {
    pub line: usize,
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SyncOutcome {
    pub run_id: i64,
    pub read: usize,
    pub inserted: usize,
    pub updated: usize,
    pub errors: Vec<RowError>,
}

/// The rows of an uploaded file in `kind`'s layout; a missing required column is an error.
pub fn read_file(kind: SyncKind, table: &Table) -> AppResult<Vec<CmRow>> {
    let layout = kind.layout();
    let mut columns = vec![];
    let mut missing = vec![];
    for (field, zh, required) in layout {
        match table.column(&[zh, field]) {
            Some(i) => columns.push((*field, i)),
            None if *required => missing.push(*zh),
            None => {}
        }
    }
    if !missing.is_empty() {
        let list = missing.join("、");
        return Err(AppError::rejected(
            &format!("文件缺少必需的列:{list}"),
            &format!("Required columns missing: {list}"),
        ));
    }
    Ok(table
        .rows
        .iter()
        .map(|(line, cells)| CmRow {
            line: *line,
            fields: columns.iter().map(|(f, i)| (*f, cells.get(*i).cloned().unwrap_or_default())).collect(),
        })
        .collect())
}

/// A code given as the code or as its Chinese label.
fn code_of(list: &[Choice], v: &str) -> Option<&'static str> {
    list.iter().find(|c| c.0 == v || c.1 == v).map(|c| c.0)
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_lowercase().as_str() {
        "" | "否" | "0" | "false" | "n" | "no" => Some(false),
        "是" | "1" | "true" | "y" | "yes" => Some(true),
        _ => None,
    }
}

fn parse_date(v: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(v, "%Y/%m/%d")).ok()
}

/// A CM time (Asia/Shanghai, `YYYY-MM-DD HH:MM[:SS]` or a date) as UTC.
fn parse_time(v: &str) -> Option<DateTime<Utc>> {
    let local = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(v, f).ok())
        .or_else(|| parse_date(v).and_then(|d| d.and_hms_opt(0, 0, 0)))?;
    chrono::FixedOffset::east_opt(8 * 3600)?.from_local_datetime(&local).single().map(|t| t.to_utc())
}

/// Reference data a run resolves codes against, loaded once.
struct Lookups {
    /// region code → (province, city, district)
    regions: HashMap<String, [Option<i64>; 3]>,
    industries: HashMap<String, [Option<i64>; 3]>,
    orgs: HashMap<String, i64>,
    coverage: HashMap<i64, i64>,
    hq: i64,
}

fn paths<T>(
    nodes: &[T],
    id: impl Fn(&T) -> i64,
    parent: impl Fn(&T) -> Option<i64>,
    level: impl Fn(&T) -> i16,
) -> HashMap<i64, [Option<i64>; 3]> {
    let by_id: HashMap<i64, &T> = nodes.iter().map(|n| (id(n), n)).collect();
    nodes
        .iter()
        .map(|n| {
            let mut path = [None; 3];
            let mut cur = Some(n);
            while let Some(x) = cur {
                let l = (level(x) as usize).clamp(1, 3);
                path[l - 1] = Some(id(x));
                cur = parent(x).and_then(|p| by_id.get(&p).copied());
            }
            (id(n), path)
        })
        .collect()
}

async fn lookups(db: &impl ConnectionTrait) -> AppResult<Lookups> {
    let regions = region::Entity::find().all(db).await?;
    let region_paths = paths(&regions, |r| r.id, |r| r.parent_id, |r| r.level);
    let industries = industry::Entity::find().all(db).await?;
    let industry_paths = paths(&industries, |r| r.id, |r| r.parent_id, |r| r.level);
    let orgs = organization::Entity::find().all(db).await?;
    let hq = orgs.iter().find(|o| o.org_type == "hq").map(|o| o.id).ok_or_else(|| AppError::internal("no HQ"))?;
    Ok(Lookups {
        regions: regions.iter().map(|r| (r.code.clone(), region_paths[&r.id])).collect(),
        industries: industries
            .iter()
            .flat_map(|i| {
                let p = industry_paths[&i.id];
                std::iter::once((i.code.clone(), p)).chain(i.cm_code.clone().map(|c| (c, p)))
            })
            .collect(),
        orgs: orgs
            .iter()
            .filter(|o| o.org_type != "department")
            .flat_map(|o| std::iter::once((o.code.clone(), o.id)).chain(o.cm_org_code.clone().map(|c| (c, o.id))))
            .collect(),
        coverage: organization_region::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.region_id, c.organization_id))
            .collect(),
        hq,
    })
}

/// Checks one value; records the error and yields `None` when it is bad.
struct Check<'a> {
    errors: &'a mut Vec<RowError>,
    line: usize,
}

impl Check<'_> {
    fn fail(&mut self, field: &str, message: String) {
        self.errors.push(RowError { line: self.line, field: field.into(), message });
    }

    fn required(&mut self, row: &CmRow, field: &str, label: &str, max: usize) -> Option<String> {
        let v = row.get(field);
        if v.is_empty() {
            self.fail(field, format!("{label}不能为空"));
            None
        } else {
            self.max(row, field, label, max)
        }
    }

    fn max(&mut self, row: &CmRow, field: &str, label: &str, max: usize) -> Option<String> {
        let v = row.get(field);
        if v.chars().count() > max {
            self.fail(field, format!("{label}最多 {max} 个字"));
            return None;
        }
        (!v.is_empty()).then(|| v.to_string())
    }

    fn choice(&mut self, row: &CmRow, field: &str, label: &str, list: &[Choice]) -> Option<&'static str> {
        let v = row.get(field);
        if v.is_empty() {
            return None;
        }
        let c = code_of(list, v);
        if c.is_none() {
            let allowed: Vec<&str> = list.iter().map(|c| c.1).collect();
            self.fail(field, format!("{label}“{v}”无效,应为 {}", allowed.join("/")));
        }
        c
    }

    fn time(&mut self, row: &CmRow, field: &str, label: &str) -> Option<DateTime<Utc>> {
        let v = row.get(field);
        if v.is_empty() {
            return None;
        }
        let t = parse_time(v);
        if t.is_none() {
            self.fail(field, format!("{label}“{v}”格式应为 YYYY-MM-DD HH:MM"));
        }
        t
    }

    fn date(&mut self, row: &CmRow, field: &str, label: &str) -> Option<NaiveDate> {
        let v = row.get(field);
        if v.is_empty() {
            return None;
        }
        let d = parse_date(v);
        if d.is_none() {
            self.fail(field, format!("{label}“{v}”格式应为 YYYY-MM-DD"));
        }
        d
    }

    fn tree(
        &mut self,
        map: &HashMap<String, [Option<i64>; 3]>,
        row: &CmRow,
        field: &str,
        label: &str,
    ) -> [Option<i64>; 3] {
        let v = row.get(field);
        if v.is_empty() {
            return [None; 3];
        }
        match map.get(v) {
            Some(p) => *p,
            None => {
                self.fail(field, format!("{label}“{v}”不存在"));
                [None; 3]
            }
        }
    }
}

/// Runs one sync: records the run, applies `rows` atomically, finishes the run with its
/// counts (or its error report). `progress` gets the rows processed so far.
pub async fn run(
    db: &DatabaseConnection,
    kind: SyncKind,
    mode: &str,
    file_name: Option<&str>,
    rows: Vec<CmRow>,
    triggered_by: Option<i64>,
    progress: impl Fn(u64),
) -> AppResult<SyncOutcome> {
    let started = Utc::now();
    let run = sync_run::ActiveModel {
        kind: Set(kind.code().into()),
        mode: Set(mode.into()),
        file_name: Set(file_name.map(|f| f.chars().take(255).collect())),
        started_at: Set(started),
        status: Set("running".into()),
        rows_read: Set(rows.len() as i32),
        triggered_by: Set(triggered_by),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let result = apply(db, kind, &rows, &progress).await;
    let mut done: sync_run::ActiveModel = run.clone().into();
    done.finished_at = Set(Some(Utc::now()));
    let outcome = match result {
        Ok(mut o) => {
            o.run_id = run.id;
            if o.errors.is_empty() {
                done.status = Set("succeeded".into());
                done.rows_inserted = Set(o.inserted as i32);
                done.rows_updated = Set(o.updated as i32);
            } else {
                done.status = Set("failed".into());
                done.rows_failed = Set(o.errors.iter().map(|e| e.line).collect::<HashSet<_>>().len() as i32);
                done.rows_skipped = Set(o.read as i32);
                done.error_report = Set(Some(serde_json::to_string(&o.errors).unwrap_or_default()));
            }
            Ok(o)
        }
        Err(e) => {
            done.status = Set("failed".into());
            done.error_report = Set(Some(e.message(crate::i18n::Locale::Zh)));
            Err(e)
        }
    };
    done.update(db).await?;
    outcome
}

/// Validates every row, then (only if all are valid) writes them in one transaction.
async fn apply(
    db: &DatabaseConnection,
    kind: SyncKind,
    rows: &[CmRow],
    progress: &impl Fn(u64),
) -> AppResult<SyncOutcome> {
    let look = lookups(db).await?;
    let mut out = SyncOutcome { read: rows.len(), ..Default::default() };
    let now = Utc::now().with_timezone(&Utc);
    match kind {
        SyncKind::Members => members(db, &look, rows, now, &mut out, progress).await?,
        SyncKind::PublishedInfo | SyncKind::PushLogs => {
            published_or_pushes(db, kind, &look, rows, now, &mut out, progress).await?
        }
    }
    Ok(out)
}

/// Existing ids of `keys` in `table.column`, fetched in chunks.
async fn existing(
    db: &impl ConnectionTrait,
    table: &str,
    column: &str,
    keys: &[String],
) -> AppResult<HashMap<String, i64>> {
    let mut map = HashMap::new();
    for chunk in keys.chunks(5000) {
        let mut q = Query::select();
        q.column(Alias::new("id"))
            .column(Alias::new(column))
            .from(Alias::new(table))
            .and_where(Expr::col(Alias::new(column)).is_in(chunk.iter().cloned()));
        for row in db.query_all(&q).await? {
            map.insert(row.try_get::<String>("", column)?, row.try_get::<i64>("", "id")?);
        }
    }
    Ok(map)
}

const MEMBER_COLS: [&str; 35] = [
    "id",
    "customer_no",
    "cm_member_id",
    "customer_type",
    "company_name",
    "company_name_norm",
    "login_name",
    "login_name_key",
    "registered_email",
    "email_key",
    "contact_name",
    "phone_fixed",
    "phone_mobile",
    "region_province_id",
    "region_city_id",
    "region_district_id",
    "address",
    "industry_l1_id",
    "industry_l2_id",
    "industry_l3_id",
    "organization_id",
    "enterprise_status",
    "enterprise_category",
    "member_level",
    "business_category",
    "platform_registered_at",
    "service_start_date",
    "service_end_date",
    "push_enabled",
    "registration_source",
    "has_avatar",
    "member_points",
    "cm_synced_at",
    "updated_at",
    "name_grams",
];
/// Columns written only when a member is new (an update keeps them).
const MEMBER_NEW_ONLY: [&str; 6] = ["id", "customer_no", "info_source", "entry_method", "review_status", "created_at"];

async fn members(
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
    let mut seen_ids = HashSet::new();
    let mut seen_logins = HashSet::new();
    let mut values: Vec<(Vec<Value>, [Value; 6])> = Vec::with_capacity(rows.len());
    let mut linked: Vec<(i64, String)> = vec![];
    for row in rows {
        let mut ck = Check { errors: &mut out.errors, line: row.line };
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
        let status = ck.choice(row, "enterprise_status", "企业状态", enums::ENTERPRISE_STATUSES);
        if row.get("enterprise_status").is_empty() {
            ck.fail("enterprise_status", "企业状态不能为空".into());
        }
        let category = ck.choice(row, "enterprise_category", "企业类别", enums::CATEGORIES);
        let level = ck.choice(row, "member_level", "会员级别", enums::LEVELS);
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
        let source = ck.choice(row, "registration_source", "注册来源", enums::REGISTRATION_SOURCES);
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
            _ => {}
        }
        let v: Vec<Value> = vec![
            existing_id.unwrap_or(0).into(),
            String::new().into(),
            Some(cm_id).into(),
            "member".into(),
            Some(company.clone()).into(),
            company_norm(&company).into(),
            Some(login.clone()).into(),
            Some(key).into(),
            email.clone().into(),
            email.as_deref().map(normalize).into(),
            contact.into(),
            fixed.clone().into(),
            mobile.clone().into(),
            region[0].into(),
            region[1].into(),
            region[2].into(),
            ck.max(row, "address", "地址", 255).into(),
            industry[0].into(),
            industry[1].into(),
            industry[2].into(),
            org.into(),
            status.into(),
            category.into(),
            level.into(),
            business.into(),
            registered.into(),
            start.into(),
            end.into(),
            push.into(),
            source.into(),
            avatar.into(),
            points.into(),
            Some(now).into(),
            now.into(),
            grams(&company).into(),
        ];
        let extra = [
            grams(&login).into(),
            email.as_deref().map(grams).unwrap_or_default().into(),
            grams(&format!(
                "{} {}",
                mobile.as_deref().map(digits).unwrap_or_default(),
                fixed.as_deref().map(digits).unwrap_or_default()
            ))
            .into(),
            "system_captured".into(),
            "cm_sync".into(),
            "approved".into(),
        ];
        values.push((v, extra));
    }
    if !out.errors.is_empty() {
        return Ok(());
    }
    let txn = db.begin().await?;
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
    let mut next = max_id(&txn).await? + 1;
    let cols: Vec<&str> = MEMBER_COLS
        .iter()
        .chain(
            ["login_grams", "email_grams", "phone_grams", "info_source", "entry_method", "review_status", "created_at"]
                .iter(),
        )
        .copied()
        .collect();
    let per_statement = 30_000 / cols.len();
    let mut done = 0u64;
    for chunk in values.chunks_mut(per_statement) {
        let mut q = Query::insert();
        q.into_table(Alias::new("customer")).columns(cols.iter().map(|c| Alias::new(*c)));
        for (v, extra) in chunk.iter_mut() {
            if matches!(v[0], Value::BigInt(Some(0))) {
                out.inserted += 1
            } else {
                out.updated += 1
            }
            // Every row gets a fresh id and number: an update (conflict on the CM id) discards them.
            v[0] = next.into();
            v[1] = format!("KH{next:08}").into();
            next += 1;
            let row: Vec<Expr> =
                v.iter().cloned().chain(extra.iter().cloned()).chain([Value::from(now)]).map(Expr::val).collect();
            q.values_panic(row);
        }
        let update: Vec<Alias> = cols.iter().filter(|c| !MEMBER_NEW_ONLY.contains(c)).map(|c| Alias::new(*c)).collect();
        q.on_conflict(OnConflict::column(Alias::new("cm_member_id")).update_columns(update).to_owned());
        txn.execute(&q).await?;
        done += chunk.len() as u64;
        progress(done);
    }
    out.inserted -= linked_ids.len().min(out.inserted);
    out.updated += linked_ids.len();
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('customer', 'id'), (SELECT MAX(id) FROM customer))",
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn max_id(db: &impl ConnectionTrait) -> AppResult<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COALESCE(MAX(id), 0) AS m FROM customer",
        ))
        .await?;
    Ok(row.map(|r| r.try_get::<i64>("", "m")).transpose()?.unwrap_or(0))
}

/// 会员发布信息 and 推送邮件日志: rows keyed by their CM id, attached to synced members.
async fn published_or_pushes(
    db: &DatabaseConnection,
    kind: SyncKind,
    look: &Lookups,
    rows: &[CmRow],
    now: DateTime<Utc>,
    out: &mut SyncOutcome,
    progress: &impl Fn(u64),
) -> AppResult<()> {
    let (table, key) = match kind {
        SyncKind::PublishedInfo => ("published_info", "cm_info_id"),
        _ => ("info_push_log", "cm_log_id"),
    };
    let members: Vec<String> = rows.iter().map(|r| r.get("cm_member_id").to_string()).collect();
    let member_ids = existing(db, "customer", "cm_member_id", &members).await?;
    let keys: Vec<String> = rows.iter().map(|r| r.get(key).to_string()).collect();
    let known = existing(db, table, key, &keys).await?;
    let mut seen = HashSet::new();
    let mut values: Vec<Vec<Value>> = vec![];
    for row in rows {
        let mut ck = Check { errors: &mut out.errors, line: row.line };
        let id = ck.required(row, key, if kind == SyncKind::PublishedInfo { "信息ID" } else { "日志ID" }, 64);
        let member = ck.required(row, "cm_member_id", "会员ID", 64);
        let customer = member.as_ref().and_then(|m| {
            let c = member_ids.get(m).copied();
            if c.is_none() {
                ck.fail("cm_member_id", format!("会员ID“{m}”尚未同步,请先同步会员资料"));
            }
            c
        });
        let industry = ck.tree(&look.industries, row, "industry_code", "行业代码");
        if let Some(id) = &id
            && !seen.insert(id.clone())
        {
            ck.fail(key, format!("“{id}”在文件中重复"));
        }
        let v = match kind {
            SyncKind::PublishedInfo => {
                let info_type = ck.choice(row, "info_type", "信息类型", enums::INFO_TYPES);
                let title = ck.required(row, "title", "信息名称", 300);
                let status = ck.choice(row, "status", "信息状态", enums::INFO_STATUSES);
                let published = ck.time(row, "published_at", "发布时间");
                if row.get("published_at").is_empty() {
                    ck.fail("published_at", "发布时间不能为空".into());
                }
                let expires = ck.time(row, "expires_at", "失效时间");
                let url = ck.max(row, "url", "链接", 500);
                let (Some(id), Some(c), Some(t), Some(ty), Some(st), Some(p)) =
                    (id, customer, title, info_type, status, published)
                else {
                    continue;
                };
                vec![
                    Value::from(id),
                    c.into(),
                    ty.into(),
                    t.clone().into(),
                    st.into(),
                    industry[0].into(),
                    industry[1].into(),
                    industry[2].into(),
                    p.into(),
                    expires.into(),
                    url.into(),
                    grams(&t).into(),
                    now.into(),
                ]
            }
            _ => {
                let email = ck.required(row, "recipient_email", "收件邮箱", 100);
                let sent = ck.time(row, "sent_at", "邮件发送时间");
                if row.get("sent_at").is_empty() {
                    ck.fail("sent_at", "邮件发送时间不能为空".into());
                }
                let title = ck.max(row, "info_title", "信息名称", 300);
                let info_type = ck.choice(row, "info_type", "信息类型", enums::INFO_TYPES);
                let info_status = ck.choice(row, "info_status", "信息状态", enums::INFO_STATUSES);
                let published = ck.time(row, "info_published_at", "发布时间");
                let status = ck.choice(row, "push_status", "推送状态", enums::PUSH_STATUSES);
                let (Some(id), Some(c), Some(e), Some(s)) = (id, customer, email, sent) else { continue };
                vec![
                    Value::from("cm"),
                    Some(id).into(),
                    c.into(),
                    e.into(),
                    s.into(),
                    title.into(),
                    info_type.into(),
                    info_status.into(),
                    industry[0].into(),
                    industry[1].into(),
                    industry[2].into(),
                    published.into(),
                    status.into(),
                    now.into(),
                ]
            }
        };
        values.push(v);
    }
    if !out.errors.is_empty() {
        return Ok(());
    }
    let cols: &[&str] = match kind {
        SyncKind::PublishedInfo => &[
            "cm_info_id",
            "customer_id",
            "info_type",
            "title",
            "status",
            "industry_l1_id",
            "industry_l2_id",
            "industry_l3_id",
            "published_at",
            "expires_at",
            "url",
            "title_grams",
            "synced_at",
        ],
        _ => &[
            "source",
            "cm_log_id",
            "customer_id",
            "recipient_email",
            "sent_at",
            "info_title",
            "info_type",
            "info_status",
            "industry_l1_id",
            "industry_l2_id",
            "industry_l3_id",
            "info_published_at",
            "push_status",
            "synced_at",
        ],
    };
    out.updated = keys.iter().filter(|k| known.contains_key(*k)).count();
    out.inserted = values.len() - out.updated;
    let txn = db.begin().await?;
    let mut done = 0;
    for chunk in values.chunks(30_000 / cols.len()) {
        let mut q = Query::insert();
        q.into_table(Alias::new(table)).columns(cols.iter().map(|c| Alias::new(*c)));
        for v in chunk {
            q.values_panic(v.iter().cloned().map(Expr::val));
        }
        let update: Vec<Alias> =
            cols.iter().filter(|c| **c != key && **c != "source").map(|c| Alias::new(*c)).collect();
        q.on_conflict(OnConflict::column(Alias::new(key)).update_columns(update).to_owned());
        txn.execute(&q).await?;
        done += chunk.len() as u64;
        progress(done);
    }
    txn.commit().await?;
    Ok(())
}

/// Starts a file sync in the background (PG-94 upload): reads the file, runs the sync as
/// `user` and writes the operation log; the page polls the job.
pub fn start_upload(
    state: &crate::state::AppState,
    user: crate::auth::session::CurrentUser,
    kind: SyncKind,
    file_name: String,
    bytes: Vec<u8>,
) -> crate::jobs::JobStatus {
    let job = state.jobs.start(user.account.id);
    let status = job.status();
    let db = state.db.clone();
    tokio::spawn(async move {
        let work = async {
            let table = tokio::task::spawn_blocking(move || {
                crate::tabular::read(&file_name.clone(), &bytes).map(|t| (t, file_name))
            })
            .await
            .map_err(AppError::internal)??;
            let (table, file_name) = table;
            let rows = read_file(kind, &table)?;
            job.total.store(rows.len() as u64, std::sync::atomic::Ordering::Relaxed);
            let progress_job = job.clone();
            let outcome = run(&db, kind, "file_upload", Some(&file_name), rows, Some(user.account.id), move |n| {
                progress_job.progress(n)
            })
            .await?;
            let entry = crate::auth::audit::Entry::new(crate::auth::Perm::SystemSync.code(), "import", "sync_run")
                .target(outcome.run_id, file_name.clone())
                .detail(serde_json::json!({
                    "kind": kind.code(), "read": outcome.read, "inserted": outcome.inserted,
                    "updated": outcome.updated, "rejected_rows": outcome.errors.len(),
                }));
            crate::auth::audit::record(&db, &user, entry).await?;
            if outcome.errors.is_empty() {
                Ok(())
            } else {
                Err(AppError::rejected(
                    &format!("有 {} 处错误,本次同步未写入任何数据;请修正后重新上传", outcome.errors.len()),
                    &format!("{} errors: nothing was written; fix the file and upload again", outcome.errors.len()),
                ))
            }
        };
        let result = work.await;
        job.finish(result.map(|()| None).map_err(|e| {
            crate::error::Text::new(e.message(crate::i18n::Locale::Zh), e.message(crate::i18n::Locale::En))
        }));
    });
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_in_cm_formats() {
        assert_eq!(code_of(enums::LEVELS, "金牌"), Some("gold"));
        assert_eq!(code_of(enums::LEVELS, "gold"), Some("gold"));
        assert_eq!(code_of(enums::LEVELS, "铂金"), None);
        assert_eq!(parse_bool("是"), Some(true));
        assert_eq!(parse_bool(""), Some(false));
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(parse_time("2026-11-23 08:00").unwrap().to_rfc3339(), "2026-11-23T00:00:00+00:00");
        assert_eq!(parse_date("2026/1/5"), NaiveDate::from_ymd_opt(2026, 1, 5));
        assert!(parse_time("23.11.2026").is_none());
    }
}
