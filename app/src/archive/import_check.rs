//! Reading and checking the rows of an import file (PG-71 ③): every value is checked as the
//! form would check it, each row is compared with the other rows of the file and with the
//! database, and the outcome is staged row by row for the preview.
use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::dedup::{self, Keys, mobile_key};
use super::{CustomerInput, DupMatch, ImportKind, RowStatus, rule_label, valid_email, valid_fixed_phone, valid_mobile};
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::members::cm_sync::check::{Lookups, lookups};
use crate::members::entity::{contact, customer};
use crate::members::enums;
use crate::members::service::may_see;
use crate::tabular::Table;

/// One row of the file with what was found wrong or duplicated.
#[derive(Debug, Clone, Default)]
pub struct Staged {
    pub line: usize,
    pub data: HashMap<String, String>,
    pub errors: Vec<(String, String)>,
    pub duplicates: Vec<String>,
    /// Customers: the existing customers the row looks like.
    pub matches: Vec<DupMatch>,
    /// Contacts: the customer the row belongs to.
    pub customer_id: Option<i64>,
}

impl Staged {
    pub fn status(&self) -> RowStatus {
        if !self.errors.is_empty() {
            RowStatus::Error
        } else if !self.duplicates.is_empty() {
            RowStatus::Duplicate
        } else {
            RowStatus::Valid
        }
    }
    pub fn get(&self, k: &str) -> &str {
        self.data.get(k).map(String::as_str).unwrap_or("")
    }
    fn fail(&mut self, field: &str, msg: impl Into<String>) {
        self.errors.push((field.to_string(), msg.into()));
    }
}

/// The rows of `table` in `kind`'s layout; a missing required column is an error.
pub fn read_rows(kind: ImportKind, table: &Table) -> AppResult<Vec<Staged>> {
    let columns = table.layout_columns(kind.columns().iter().map(|(f, zh, req, _)| (*f, *zh, *req)))?;
    if columns.is_empty() {
        return Err(AppError::rejected("文件中没有可识别的列,请使用下载的模板", "No known column: use the template"));
    }
    Ok(table
        .rows
        .iter()
        .map(|(line, cells)| Staged {
            line: *line,
            data: columns
                .iter()
                .map(|(f, i)| (f.to_string(), cells.get(*i).map(|v| v.trim().to_string()).unwrap_or_default()))
                .collect(),
            ..Default::default()
        })
        .collect())
}

/// A 省/市/区 or industry path as typed: separators unified to "/".
fn path_key(v: &str) -> String {
    v.split(['/', '>', '›', '\\', '|', ' ', '-']).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("/")
}

/// Resolves the form fields of a customer or attendee row; errors are recorded on the row.
pub(crate) fn customer_input(
    row: &mut Staged,
    kind: ImportKind,
    look: &Lookups,
    orgs: &[(i64, String)],
    default_org: i64,
) -> CustomerInput {
    let tree = |row: &mut Staged, field: &str, label: &str, map: &HashMap<String, [Option<i64>; 3]>| {
        let v = row.get(field).to_string();
        if v.is_empty() {
            return [None; 3];
        }
        match map.get(&path_key(&v)) {
            Some(p) => *p,
            None => {
                row.fail(field, format!("{label}“{v}”不存在,请按 省/市/区 或 一级/二级 名称填写"));
                [None; 3]
            }
        }
    };
    let region = tree(row, "region", "区域", &look.region_names);
    let industry = tree(row, "industry", "行业分类", &look.industry_names);
    let category = row.get("enterprise_category").to_string();
    let category = if category.is_empty() {
        String::new()
    } else if let Some(c) = enums::CATEGORIES.iter().find(|c| c.0 == category || c.1 == category) {
        c.0.to_string()
    } else {
        row.fail("enterprise_category", format!("企业类别“{category}”无效,应为 采购商/供应商/二者都有"));
        String::new()
    };
    let org_name = row.get("organization").to_string();
    let organization_id = if org_name.is_empty() {
        let covered = region.iter().rev().flatten().find_map(|r| look.coverage.get(r).copied());
        Some(covered.filter(|o| orgs.iter().any(|a| a.0 == *o)).unwrap_or(default_org))
    } else {
        match orgs.iter().find(|o| o.1 == org_name) {
            Some(o) => Some(o.0),
            None => {
                row.fail("organization", format!("组织机构“{org_name}”不存在或不在您的数据范围内"));
                Some(default_org)
            }
        }
    };
    let attendee = kind == ImportKind::Attendees;
    let mut remarks = vec![];
    for (field, label) in [("meeting", "见面会"), ("position", "职务")] {
        if !row.get(field).is_empty() {
            remarks.push(format!("{label}:{}", row.get(field)));
        }
    }
    if !row.get("remarks").is_empty() {
        remarks.push(row.get("remarks").to_string());
    }
    let input = CustomerInput {
        company_name: row.get("company_name").into(),
        contact_name: row.get("contact_name").into(),
        phone_mobile: row.get("phone_mobile").into(),
        phone_fixed: row.get("phone_fixed").into(),
        registered_email: row.get("registered_email").into(),
        login_name: row.get("login_name").into(),
        region,
        address: row.get("address").into(),
        industry,
        enterprise_category: category,
        organization_id,
        info_source: if attendee { "buyer_meeting" } else { "admin_entered" }.into(),
        remarks: remarks.join(";"),
        approver_id: None,
        duplicate_reason: String::new(),
    };
    if let Err(AppError::Validation(errors)) = input.validate(false, true) {
        for e in errors.0 {
            let field = if e.field == "remarks" { "remarks".to_string() } else { e.field };
            row.fail(&field, e.message.zh);
        }
    }
    if attendee {
        if input.company_name.trim().is_empty() {
            row.fail("company_name", "企业名称不能为空");
        }
        if input.contact_name.trim().is_empty() {
            row.fail("contact_name", "联系人不能为空");
        }
        if input.phone_mobile.trim().is_empty() && input.phone_fixed.trim().is_empty() {
            row.fail("phone_mobile", "手机与固定电话至少填写一项");
        }
        if input.region[0].is_none() && row.get("region").is_empty() {
            row.fail("region", "区域至少填写到省");
        }
    }
    input
}

/// Checks every row of a customer or attendee file: values, repeats inside the file, and
/// duplicates in the database (a login name in use is an error, the rest are warnings).
pub async fn check_customers(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    kind: ImportKind,
    rows: &mut [Staged],
) -> AppResult<Vec<CustomerInput>> {
    let look = lookups(db).await?;
    let orgs = super::entry::entry_orgs(db, user).await?;
    let default_org = orgs.first().map(|o| o.0).unwrap_or(look.hq);
    let inputs: Vec<CustomerInput> =
        rows.iter_mut().map(|r| customer_input(r, kind, &look, &orgs, default_org)).collect();
    let keys: Vec<Keys> = inputs.iter().map(Keys::of).collect();
    // Repeats inside the file: a later row repeating an earlier one's key.
    let mut first: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        for (rule, v) in &k.0 {
            match first.get(&(*rule, v.as_str())) {
                Some(&j) => {
                    let line = rows[j].line;
                    if *rule == "login_name" {
                        rows[i].fail("login_name", format!("登录名与第 {line} 行重复"));
                    } else {
                        let label = match *rule {
                            "registered_email" => "注册邮箱",
                            "phone_mobile" => "手机",
                            "phone_fixed" => "固定电话",
                            _ => "企业名称",
                        };
                        rows[i].duplicates.push(format!("与第 {line} 行{label}相同"));
                    }
                }
                None => {
                    first.insert((rule, v.as_str()), i);
                }
            }
        }
    }
    let found = dedup::find(db, user, &keys, None).await?;
    for (row, matches) in rows.iter_mut().zip(found) {
        for m in &matches {
            let what = m.rules.iter().map(|r| rule_label(r).0).collect::<Vec<_>>().join("、");
            if m.hard {
                row.fail("login_name", format!("登录名已被{}使用", m.describe_zh()));
            } else {
                row.duplicates.push(format!("{what}:已有{}", m.describe_zh()));
            }
        }
        row.matches = matches;
    }
    Ok(inputs)
}

/// Checks every row of a contact file: the customer it belongs to (by 客户编号 or exact
/// 企业名称, visible to the user), the values, and repeats of (customer, mobile/name).
pub async fn check_contacts(db: &impl ConnectionTrait, user: &CurrentUser, rows: &mut [Staged]) -> AppResult<()> {
    let nos: Vec<String> = rows.iter().map(|r| r.get("customer_no").to_string()).filter(|s| !s.is_empty()).collect();
    let names: Vec<String> = rows.iter().map(|r| r.get("company_name").to_string()).filter(|s| !s.is_empty()).collect();
    let mut by_no: HashMap<String, customer::Model> = HashMap::new();
    let mut by_name: HashMap<String, Vec<customer::Model>> = HashMap::new();
    for chunk in nos.chunks(2000) {
        for c in customer::Entity::find()
            .filter(customer::Column::CustomerNo.is_in(chunk.to_vec()))
            .filter(customer::Column::DeletedAt.is_null())
            .all(db)
            .await?
        {
            if may_see(user, &c) {
                by_no.insert(c.customer_no.clone(), c);
            }
        }
    }
    for chunk in names.chunks(2000) {
        for c in customer::Entity::find()
            .filter(customer::Column::CompanyName.is_in(chunk.to_vec()))
            .filter(customer::Column::DeletedAt.is_null())
            .all(db)
            .await?
        {
            if may_see(user, &c) {
                by_name.entry(c.company_name.clone().unwrap_or_default()).or_default().push(c);
            }
        }
    }
    for r in rows.iter_mut() {
        let no = r.get("customer_no").to_string();
        let name = r.get("company_name").to_string();
        r.customer_id = if !no.is_empty() {
            let found = by_no.get(&no).map(|c| c.id);
            if found.is_none() {
                r.fail("customer_no", format!("客户编号“{no}”不存在或不在您的数据范围内"));
            }
            found
        } else if !name.is_empty() {
            match by_name.get(&name).map(Vec::as_slice) {
                Some([one]) => Some(one.id),
                Some(many) if many.len() > 1 => {
                    r.fail("company_name", format!("企业名称“{name}”对应多个客户,请填写客户编号"));
                    None
                }
                _ => {
                    r.fail("company_name", format!("企业名称“{name}”不存在或不在您的数据范围内"));
                    None
                }
            }
        } else {
            r.fail("customer_no", "客户编号与企业名称至少填写一项");
            None
        };
        let contact_name = r.get("name").to_string();
        if contact_name.is_empty() {
            r.fail("name", "姓名不能为空");
        } else if contact_name.chars().count() > 50 {
            r.fail("name", "姓名最多 50 个字");
        }
        let gender = r.get("gender").to_string();
        if !gender.is_empty() && !matches!(gender.as_str(), "男" | "女") {
            r.fail("gender", format!("性别“{gender}”应为 男/女"));
        }
        for (field, ok, msg) in [
            ("mobile", valid_mobile as fn(&str) -> bool, "手机号应为 11 位数字,以 1 开头"),
            ("phone", valid_fixed_phone, "固定电话格式不正确"),
            ("email", valid_email, "邮箱格式不正确"),
        ] {
            let v = r.get(field).to_string();
            if !v.is_empty() && !ok(&v) {
                r.fail(field, msg);
            }
        }
        let birthday = r.get("birthday").to_string();
        if !birthday.is_empty() && crate::members::cm_sync::check::parse_date(&birthday).is_none() {
            r.fail("birthday", format!("生日“{birthday}”格式应为 YYYY-MM-DD"));
        }
        for (field, max) in [("position", 50), ("department", 50), ("remarks", 500)] {
            if r.get(field).chars().count() > max {
                r.fail(field, format!("最多 {max} 个字"));
            }
        }
    }
    // Existing contacts of the same customers, and repeats inside the file.
    let customers: Vec<i64> = rows.iter().filter_map(|r| r.customer_id).collect();
    let mut seen: HashMap<(i64, String), usize> = HashMap::new();
    for chunk in customers.chunks(2000) {
        for c in contact::Entity::find()
            .filter(contact::Column::CustomerId.is_in(chunk.to_vec()))
            .filter(contact::Column::DeletedAt.is_null())
            .all(db)
            .await?
        {
            seen.insert((c.customer_id, format!("n:{}", c.name)), 0);
            if let Some(m) = c.mobile {
                seen.insert((c.customer_id, format!("m:{}", mobile_key(&m))), 0);
            }
        }
    }
    for r in rows.iter_mut() {
        let Some(cid) = r.customer_id else { continue };
        let mut keys = vec![(format!("n:{}", r.get("name")), "姓名")];
        if !r.get("mobile").is_empty() {
            keys.push((format!("m:{}", mobile_key(r.get("mobile"))), "手机"));
        }
        for (k, label) in keys {
            match seen.get(&(cid, k.clone())) {
                Some(0) => r.duplicates.push(format!("该客户已有{label}相同的联系人")),
                Some(line) => r.duplicates.push(format!("与第 {line} 行同一客户{label}相同")),
                None => {
                    seen.insert((cid, k), r.line);
                }
            }
        }
    }
    Ok(())
}
