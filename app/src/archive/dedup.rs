//! Duplicate detection (SPEC §3.6, SM-6 step 3): the keys of an entered customer and the
//! existing customers — CM members included — that share one. The login name is a hard key
//! (saving is refused); e-mail, mobile, fixed phone and the normalised company name are soft
//! (the entrant sees the matches and may submit anyway with a reason). One batched lookup per
//! key serves both a single form entry and an import of many rows.
use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::DupMatch;
use crate::auth::entity::organization;
use crate::auth::session::CurrentUser;
use crate::db::names;
use crate::error::AppResult;
use crate::members::entity::customer;
use crate::members::enums::CustomerType;
use crate::members::search::{company_norm, normalize};
use crate::members::service::may_see;

/// Matches kept per key value: enough to show, bounded for very common names.
const PER_KEY: usize = 10;

/// A mobile number as stored and compared: digits only, without the +86 prefix.
pub fn mobile_key(s: &str) -> String {
    let d: String = normalize(s).chars().filter(char::is_ascii_digit).collect();
    match d.strip_prefix("86") {
        Some(rest) if rest.len() == 11 => rest.to_string(),
        _ => d,
    }
}

/// The duplicate keys of one entry: (rule, value), empty values left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keys(pub Vec<(&'static str, String)>);

impl Keys {
    /// The keys of an entered customer.
    pub fn of(c: &super::CustomerInput) -> Self {
        Self::new(&c.company_name, &c.login_name, &c.registered_email, &c.phone_mobile, &c.phone_fixed)
    }

    pub fn new(company: &str, login: &str, email: &str, mobile: &str, fixed: &str) -> Self {
        let mut k = vec![];
        let mut add = |rule, v: String| {
            if !v.is_empty() {
                k.push((rule, v));
            }
        };
        add("login_name", normalize(login.trim()));
        add("registered_email", normalize(email.trim()));
        add("phone_mobile", mobile_key(mobile));
        add("phone_fixed", fixed.trim().to_string());
        add("company_name", company_norm(company));
        Self(k)
    }
}

fn column(rule: &str) -> customer::Column {
    match rule {
        "login_name" => customer::Column::LoginNameKey,
        "registered_email" => customer::Column::EmailKey,
        "phone_mobile" => customer::Column::PhoneMobile,
        "phone_fixed" => customer::Column::PhoneFixed,
        _ => customer::Column::CompanyNameNorm,
    }
}

fn value_of(rule: &str, c: &customer::Model) -> Option<String> {
    match rule {
        "login_name" => c.login_name_key.clone(),
        "registered_email" => c.email_key.clone(),
        "phone_mobile" => c.phone_mobile.clone(),
        "phone_fixed" => c.phone_fixed.clone(),
        _ => Some(c.company_name_norm.clone()),
    }
}

/// For each entry, the existing customers sharing one of its keys (excluding `exclude`, the
/// record being edited), hard matches first.
pub async fn find(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    entries: &[Keys],
    exclude: Option<i64>,
) -> AppResult<Vec<Vec<DupMatch>>> {
    let mut wanted: BTreeMap<&'static str, HashSet<String>> = BTreeMap::new();
    for k in entries {
        for (rule, v) in &k.0 {
            wanted.entry(rule).or_default().insert(v.clone());
        }
    }
    let mut found: HashMap<(&'static str, String), Vec<customer::Model>> = HashMap::new();
    for (rule, values) in wanted {
        let values: Vec<String> = values.into_iter().collect();
        for chunk in values.chunks(2000) {
            let rows = customer::Entity::find()
                .filter(column(rule).is_in(chunk.iter().cloned()))
                .filter(customer::Column::DeletedAt.is_null())
                .filter(customer::Column::MergedIntoId.is_null())
                .all(db)
                .await?;
            for c in rows {
                if Some(c.id) == exclude {
                    continue;
                }
                if let Some(v) = value_of(rule, &c) {
                    let list = found.entry((rule, v)).or_default();
                    if list.len() < PER_KEY {
                        list.push(c);
                    }
                }
            }
        }
    }
    let org_ids = found.values().flatten().map(|c| c.organization_id).collect::<HashSet<_>>();
    let orgs =
        names::<organization::Entity>(db, org_ids.into_iter().collect(), organization::Column::Id, |o| (o.id, o.name))
            .await?;
    Ok(entries
        .iter()
        .map(|k| {
            let mut by_id: BTreeMap<i64, DupMatch> = BTreeMap::new();
            for (rule, v) in &k.0 {
                for c in found.get(&(*rule, v.clone())).into_iter().flatten() {
                    let m = by_id.entry(c.id).or_insert_with(|| matched(user, c, &orgs));
                    m.rules.push(rule.to_string());
                    m.hard |= *rule == "login_name";
                }
            }
            let mut list: Vec<DupMatch> = by_id.into_values().collect();
            list.sort_by_key(|m| (!m.hard, !m.is_member, m.id));
            list
        })
        .collect())
}

/// A match as the entrant may see it: a record outside the entrant's scope keeps its details
/// to itself and says only which organisation holds it (SPEC A5, issue 9 §1.4).
fn matched(user: &CurrentUser, c: &customer::Model, orgs: &HashMap<i64, String>) -> DupMatch {
    let visible = may_see(user, c);
    let shown = |v: &Option<String>| if visible { v.clone().unwrap_or_default() } else { String::new() };
    DupMatch {
        id: if visible { c.id } else { 0 },
        record_id: c.id,
        customer_no: if visible { c.customer_no.clone() } else { String::new() },
        company_name: shown(&c.company_name),
        contact_name: shown(&c.contact_name),
        is_member: c.customer_type() == Some(CustomerType::Member),
        rules: vec![],
        hard: false,
        visible,
        owner_org: orgs.get(&c.organization_id).cloned().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_normalised() {
        let k = Keys::new("上海云帆科技有限公司", " ZhangSan ", "Sales@Example.COM", "+86 138-0013-8000", "");
        assert_eq!(
            k.0,
            vec![
                ("login_name", "zhangsan".to_string()),
                ("registered_email", "sales@example.com".to_string()),
                ("phone_mobile", "13800138000".to_string()),
                ("company_name", "上海云帆科技".to_string()),
            ]
        );
        assert!(Keys::new("", "", "", "", "").0.is_empty());
    }
}
