//! The operation log (SPEC J1): one append-only row for every mutation, login, export and
//! configuration change, written in the same transaction as the change it records.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use serde_json::{Map, Value};

use super::entity::operation_log;
use super::session::{CurrentUser, RequestMeta};
use crate::error::AppResult;

/// What was done (E-59 codes) to which record.
pub struct Entry<'a> {
    pub module: &'a str,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: Option<i64>,
    pub target_label: String,
    pub detail: Value,
}

impl<'a> Entry<'a> {
    pub fn new(module: &'a str, action: &'a str, target_type: &'a str) -> Self {
        Self { module, action, target_type, target_id: None, target_label: String::new(), detail: Value::Null }
    }
    pub fn target(mut self, id: i64, label: impl Into<String>) -> Self {
        self.target_id = Some(id);
        self.target_label = label.into();
        self
    }
    pub fn detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }
}

pub async fn record(db: &impl ConnectionTrait, user: &CurrentUser, entry: Entry<'_>) -> AppResult<()> {
    write(db, user.account.id, user.account.organization_id, &user.meta, entry, true).await
}

pub async fn write(
    db: &impl ConnectionTrait,
    account_id: i64,
    org_id: i64,
    meta: &RequestMeta,
    e: Entry<'_>,
    success: bool,
) -> AppResult<()> {
    let label: String = e.target_label.chars().take(200).collect();
    operation_log::ActiveModel {
        account_id: Set(account_id),
        account_org_id: Set(org_id),
        at: Set(Utc::now()),
        module: Set(e.module.to_string()),
        action: Set(e.action.to_string()),
        target_type: Set((!e.target_type.is_empty()).then(|| e.target_type.to_string())),
        target_id: Set(e.target_id),
        target_label: Set((!label.is_empty()).then_some(label)),
        detail: Set((!e.detail.is_null()).then(|| e.detail.to_string())),
        ip: Set(Some(meta.ip.clone())),
        user_agent: Set(meta.user_agent.clone()),
        success: Set(success),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// `{field: [before, after]}` for every top-level field that differs between two JSON objects.
pub fn diff(before: &Value, after: &Value) -> Value {
    let empty = Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut out = Map::new();
    for (k, av) in a {
        let bv = b.get(k).unwrap_or(&Value::Null);
        if bv != av {
            out.insert(k.clone(), Value::Array(vec![bv.clone(), av.clone()]));
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn diff_lists_changed_fields_only() {
        let d = super::diff(&json!({"a": 1, "b": "x"}), &json!({"a": 2, "b": "x", "c": true}));
        assert_eq!(d, json!({"a": [1, 2], "c": [null, true]}));
    }
}
