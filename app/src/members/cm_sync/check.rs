//! Reading CM values: codes or Chinese labels, 是/否, CM times, tree codes; and the per-row
//! checker that records every bad value with its line and field.
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};

use super::{CmRow, RowError};
use crate::auth::OrgType;
use crate::auth::entity::{industry, organization, organization_region, region};
use crate::error::{AppError, AppResult};
use crate::members::enums::Choice;

/// A code given as the code or as its Chinese label.
pub(super) fn code_of(list: &[Choice], v: &str) -> Option<&'static str> {
    list.iter().find(|c| c.0 == v || c.1 == v).map(|c| c.0)
}

pub(super) fn parse_bool(v: &str) -> Option<bool> {
    match v.to_lowercase().as_str() {
        "" | "否" | "0" | "false" | "n" | "no" => Some(false),
        "是" | "1" | "true" | "y" | "yes" => Some(true),
        _ => None,
    }
}

pub(crate) fn parse_date(v: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(v, "%Y/%m/%d")).ok()
}

/// A CM time (Asia/Shanghai, `YYYY-MM-DD HH:MM[:SS]` or a date) as UTC.
pub(super) fn parse_time(v: &str) -> Option<DateTime<Utc>> {
    let local = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(v, f).ok())
        .or_else(|| parse_date(v).and_then(|d| d.and_hms_opt(0, 0, 0)))?;
    Some(crate::cst::to_utc(local))
}

/// Reference data a run resolves codes against, loaded once.
pub(crate) struct Lookups {
    /// region code → (province, city, district)
    pub(crate) regions: HashMap<String, [Option<i64>; 3]>,
    pub(crate) industries: HashMap<String, [Option<i64>; 3]>,
    pub(crate) orgs: HashMap<String, i64>,
    pub(crate) coverage: HashMap<i64, i64>,
    pub(crate) hq: i64,
    /// 省/市/区 name paths ("广东省/广州市/天河区", and each shorter prefix) → ids.
    pub(crate) region_names: HashMap<String, [Option<i64>; 3]>,
    /// 门类/大类/中类 name paths → ids.
    pub(crate) industry_names: HashMap<String, [Option<i64>; 3]>,
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

pub(crate) async fn lookups(db: &impl ConnectionTrait) -> AppResult<Lookups> {
    let regions = region::Entity::find().all(db).await?;
    let region_paths = paths(&regions, |r| r.id, |r| r.parent_id, |r| r.level);
    let industries = industry::Entity::find().all(db).await?;
    let industry_paths = paths(&industries, |r| r.id, |r| r.parent_id, |r| r.level);
    let orgs = organization::Entity::find().all(db).await?;
    let hq = orgs
        .iter()
        .find(|o| o.org_type() == Some(OrgType::Hq))
        .map(|o| o.id)
        .ok_or_else(|| AppError::internal("no HQ"))?;
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
            .filter(|o| o.org_type() != Some(OrgType::Department))
            .flat_map(|o| std::iter::once((o.code.clone(), o.id)).chain(o.cm_org_code.clone().map(|c| (c, o.id))))
            .collect(),
        coverage: organization_region::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.region_id, c.organization_id))
            .collect(),
        hq,
        region_names: name_paths(&regions, &region_paths, |r| (r.id, r.name.as_str())),
        industry_names: name_paths(&industries, &industry_paths, |i| (i.id, i.name.as_str())),
    })
}

/// Every node's name path ("广东省/广州市/天河区") → its ids.
fn name_paths<T>(
    nodes: &[T],
    paths: &HashMap<i64, [Option<i64>; 3]>,
    key: impl Fn(&T) -> (i64, &str),
) -> HashMap<String, [Option<i64>; 3]> {
    let names: HashMap<i64, &str> = nodes.iter().map(&key).collect();
    paths
        .values()
        .map(|p| {
            let path: Vec<&str> = p.iter().flatten().filter_map(|id| names.get(id).copied()).collect();
            (path.join("/"), *p)
        })
        .collect()
}

/// What a run does with a value of an enumeration that CM sent but the CRM does not know
/// (OP-01: mapped and logged, the run goes on).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum IfUnknown {
    /// Use this code (SPEC gives a fallback: 企业状态 → 正常).
    Use(&'static str),
    /// Leave the field empty (unknown).
    Empty,
    /// The field cannot be empty: the row is not synced.
    SkipRow,
}

/// The enumeration values a run could not map, per field, for the run's report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unmapped {
    /// field → (label, what was done, value → rows)
    fields: BTreeMap<&'static str, (&'static str, String, BTreeMap<String, usize>)>,
    skipped: BTreeSet<usize>,
}

/// Distinct values listed per field in the report.
const LISTED: usize = 20;

impl Unmapped {
    fn note(
        &mut self,
        line: usize,
        field: &'static str,
        label: &'static str,
        list: &[Choice],
        how: IfUnknown,
        v: &str,
    ) {
        let done = || match how {
            IfUnknown::Use(code) => format!("已按“{}”同步", list.iter().find(|c| c.0 == code).map_or(code, |c| c.1)),
            IfUnknown::Empty => "已留空".to_string(),
            IfUnknown::SkipRow => "这些行未同步".to_string(),
        };
        let entry = self.fields.entry(field).or_insert_with(|| (label, done(), BTreeMap::new()));
        *entry.2.entry(v.to_string()).or_default() += 1;
        if how == IfUnknown::SkipRow {
            self.skipped.insert(line);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Rows not synced because a required enumeration could not be mapped.
    pub fn skipped_rows(&self) -> usize {
        self.skipped.len()
    }

    /// One report line per field: how many rows, which values, what was done.
    pub fn report(&self) -> Vec<RowError> {
        self.fields
            .iter()
            .map(|(field, (label, done, values))| {
                let rows: usize = values.values().sum();
                let mut shown: Vec<String> = values.iter().take(LISTED).map(|(v, n)| format!("“{v}”×{n}")).collect();
                if values.len() > LISTED {
                    shown.push(format!("等 {} 种", values.len()));
                }
                let message = format!("{label}有 {rows} 行的值无法识别({}),{done}", shown.join("、"));
                RowError { line: 0, field: field.to_string(), message }
            })
            .collect()
    }
}

/// Checks one value; records the error and yields `None` when it is bad.
pub(super) struct Check<'a> {
    pub(super) errors: &'a mut Vec<RowError>,
    pub(super) unmapped: &'a mut Unmapped,
    pub(super) line: usize,
}

impl Check<'_> {
    pub(super) fn fail(&mut self, field: &str, message: String) {
        self.errors.push(RowError { line: self.line, field: field.into(), message });
    }

    pub(super) fn required(&mut self, row: &CmRow, field: &str, label: &str, max: usize) -> Option<String> {
        let v = row.get(field);
        if v.is_empty() {
            self.fail(field, format!("{label}不能为空"));
            None
        } else {
            self.max(row, field, label, max)
        }
    }

    pub(super) fn max(&mut self, row: &CmRow, field: &str, label: &str, max: usize) -> Option<String> {
        let v = row.get(field);
        if v.chars().count() > max {
            self.fail(field, format!("{label}最多 {max} 个字"));
            return None;
        }
        (!v.is_empty()).then(|| v.to_string())
    }

    /// A value of an enumeration CM owns: its code, or — for a value the CRM does not know —
    /// what `how` says, noted for the run's report (OP-01).
    pub(super) fn mapped(
        &mut self,
        row: &CmRow,
        field: &'static str,
        label: &'static str,
        list: &[Choice],
        how: IfUnknown,
    ) -> Option<&'static str> {
        let v = row.get(field);
        if v.is_empty() {
            return None;
        }
        code_of(list, v).or_else(|| {
            self.unmapped.note(self.line, field, label, list, how, v);
            match how {
                IfUnknown::Use(code) => Some(code),
                IfUnknown::Empty | IfUnknown::SkipRow => None,
            }
        })
    }

    pub(super) fn time(&mut self, row: &CmRow, field: &str, label: &str) -> Option<DateTime<Utc>> {
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

    pub(super) fn date(&mut self, row: &CmRow, field: &str, label: &str) -> Option<NaiveDate> {
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

    pub(super) fn tree(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::members::enums;

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
