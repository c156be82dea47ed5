//! Data scope (SPEC §1.6): the primitive every query narrows itself with. A rep-office user only
//! ever sees rows of its own organisation; the server applies it, never the page.
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait};

use super::DataScope;
use super::entity::organization;
use crate::error::AppResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// 全部数据
    All,
    /// 本机构: these organisation ids (the user's own and its descendants).
    Orgs(Vec<i64>),
    /// 本部门: the department's organisation id.
    Dept(i64),
    /// 本人: only rows the account created or is assigned to.
    Own(i64),
}

impl Scope {
    /// Resolves a role's data scope for an account of `org_id`.
    pub async fn resolve(db: &impl ConnectionTrait, scope: DataScope, org_id: i64, account_id: i64) -> AppResult<Self> {
        Ok(match scope {
            DataScope::All => Scope::All,
            DataScope::OwnOrg => Scope::Orgs(descendants(db, org_id).await?),
            DataScope::OwnDept => Scope::Dept(org_id),
            DataScope::Own => Scope::Own(account_id),
        })
    }

    /// The condition for rows that belong to an organisation (`org_col`) and were created by an
    /// account (`owner_col`).
    pub fn condition(&self, org_col: impl ColumnTrait, owner_col: impl ColumnTrait) -> Condition {
        self.condition_on(org_col.into_expr(), &[owner_col.into_expr()])
    }

    /// The same for any expressions: the organisation of a row, and the accounts that own it
    /// (any of them: its creator, its assignee …). The one scope rule every query applies.
    pub fn condition_on(&self, org: Expr, owners: &[Expr]) -> Condition {
        match self {
            Scope::All => Condition::all(),
            Scope::Orgs(ids) => Condition::all().add(org.is_in(ids.clone())),
            Scope::Dept(id) => Condition::all().add(org.eq(*id)),
            Scope::Own(account) => {
                Condition::all().add(owners.iter().fold(Condition::any(), |any, o| any.add(o.clone().eq(*account))))
            }
        }
    }

    /// Whether a row of organisation `org_id` created by `owner` is inside the scope.
    pub fn allows(&self, org_id: i64, owner: Option<i64>) -> bool {
        match self {
            Scope::All => true,
            Scope::Orgs(ids) => ids.contains(&org_id),
            Scope::Dept(id) => *id == org_id,
            Scope::Own(account) => owner == Some(*account),
        }
    }
}

/// `org_id` and every organisation below it.
pub async fn descendants(db: &impl ConnectionTrait, org_id: i64) -> AppResult<Vec<i64>> {
    let all = organization::Entity::find().all(db).await?;
    let mut out = vec![org_id];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(all.iter().filter(|o| o.parent_id == Some(parent)).map(|o| o.id));
        i += 1;
    }
    Ok(out)
}
