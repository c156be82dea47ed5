//! 组织机构 (PG-90): HQ, its departments and the rep offices with the regions they cover.
use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::admin::{OrgInput, OrgRow, RegionRef};
use crate::auth::audit::{self, Entry};
use crate::auth::entity::{account, organization, organization_region, region};
use crate::auth::session::CurrentUser;
use crate::auth::{DepartmentKind, OrgType, Perm};
use crate::db::{conflict, opt, update_versioned};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::state::AppState;

fn region_ref(r: region::Model) -> RegionRef {
    RegionRef { id: r.id, code: r.code, name: r.name, full_name: r.full_name, level: r.level }
}

/// Children of `parent` (provinces when `None`), active only, in code order.
pub async fn regions(db: &impl ConnectionTrait, parent: Option<i64>) -> AppResult<Vec<RegionRef>> {
    let q = region::Entity::find().filter(region::Column::IsActive.eq(true));
    let q = match parent {
        Some(p) => q.filter(region::Column::ParentId.eq(p)),
        None => q.filter(region::Column::ParentId.is_null()),
    };
    Ok(q.order_by_asc(region::Column::Code).all(db).await?.into_iter().map(region_ref).collect())
}

pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<OrgRow>> {
    let orgs = organization::Entity::find()
        .order_by_asc(organization::Column::SortOrder)
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?;
    let links = organization_region::Entity::find().all(db).await?;
    let mut ids: Vec<i64> = links.iter().map(|l| l.region_id).collect();
    ids.extend(orgs.iter().filter_map(|o| o.region_id));
    let regions: HashMap<i64, region::Model> = region::Entity::find()
        .filter(region::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut out = Vec::with_capacity(orgs.len());
    for o in orgs {
        let account_count = account::Entity::find().filter(account::Column::OrganizationId.eq(o.id)).count(db).await?;
        let covered = links
            .iter()
            .filter(|l| l.organization_id == o.id)
            .filter_map(|l| regions.get(&l.region_id).cloned().map(region_ref))
            .collect();
        out.push(OrgRow {
            id: o.id,
            version: o.version,
            seat: o.region_id.and_then(|r| regions.get(&r).cloned().map(region_ref)),
            org_type: o.org_type(),
            department_kind: o.department_kind(),
            code: o.code,
            name: o.name,
            parent_id: o.parent_id,
            address: o.address.unwrap_or_default(),
            phone: o.phone.unwrap_or_default(),
            contact_person: o.contact_person.unwrap_or_default(),
            email: o.email.unwrap_or_default(),
            is_active: o.is_active,
            regions: covered,
            account_count,
        });
    }
    Ok(out)
}

async fn check(db: &impl ConnectionTrait, input: &OrgInput) -> AppResult<()> {
    let mut e = FieldErrors::default();
    let mut same_code = organization::Entity::find().filter(organization::Column::Code.eq(input.code.trim()));
    if let Some(id) = input.id {
        same_code = same_code.filter(organization::Column::Id.ne(id));
    }
    if same_code.count(db).await? > 0 {
        e.add("code", "该机构编码已被使用", "This code is taken");
    }
    if input.org_type == OrgType::Department
        && let Some(kind) = input.department_kind.filter(|k| *k != DepartmentKind::OtherDept)
    {
        let mut q = organization::Entity::find()
            .filter(organization::Column::DepartmentKind.eq(kind.code()))
            .filter(organization::Column::IsActive.eq(true));
        if let Some(id) = input.id {
            q = q.filter(organization::Column::Id.ne(id));
        }
        if q.count(db).await? > 0 {
            e.add("department_kind", "该类别的部门已存在(仅“其他部门”可有多个)", "Only one active department per kind");
        }
    }
    if input.org_type != OrgType::RepOffice && !input.region_ids.is_empty() {
        e.add("region_ids", "只有代表处可以设置覆盖区域", "Only rep offices cover regions");
    }
    for rid in &input.region_ids {
        let taken = organization_region::Entity::find()
            .filter(organization_region::Column::RegionId.eq(*rid))
            .filter(organization_region::Column::OrganizationId.ne(input.id.unwrap_or(-1)))
            .one(db)
            .await?;
        if let Some(t) = taken {
            let r = region::Entity::find_by_id(*rid).one(db).await?.map(|r| r.full_name).unwrap_or_default();
            let o =
                organization::Entity::find_by_id(t.organization_id).one(db).await?.map(|o| o.name).unwrap_or_default();
            e.add(
                "region_ids",
                &format!("{r} 已由 {o} 覆盖,一个区域只能属于一个代表处"),
                &format!("{r} is already covered by {o}"),
            );
        }
    }
    e.into_result()
}

pub async fn save(state: &AppState, user: &CurrentUser, input: OrgInput) -> AppResult<i64> {
    input.validate()?;
    check(&state.db, &input).await?;
    let hq = organization::Entity::find()
        .filter(organization::Column::OrgType.eq(OrgType::Hq.code()))
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::internal("no HQ organisation"))?;
    let now = Utc::now();
    let dept_kind =
        input.department_kind.filter(|_| input.org_type == OrgType::Department).map(|k| k.code().to_string());
    let txn = crate::db::write_txn(&state.db).await?;
    let (id, action, before) = match input.id {
        Some(id) => {
            let o = organization::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
            if o.org_type() != Some(input.org_type) || input.org_type == OrgType::Hq {
                return Err(AppError::field("org_type", "不能改变机构类型", "The organisation type cannot change"));
            }
            let before = json!({"code": o.code, "name": o.name, "address": o.address, "phone": o.phone,
                "contact_person": o.contact_person, "email": o.email, "region_id": o.region_id});
            let mut am: organization::ActiveModel = o.clone().into();
            am.code = Set(input.code.trim().to_string());
            am.name = Set(input.name.trim().to_string());
            am.department_kind = Set(dept_kind);
            am.region_id = Set(input.region_id);
            am.address = Set(opt(&input.address));
            am.phone = Set(opt(&input.phone));
            am.contact_person = Set(opt(&input.contact_person));
            am.email = Set(opt(&input.email));
            am.updated_at = Set(now);
            am.updated_by = Set(Some(user.account.id));
            am.version = Set(input.version + 1);
            let (id_col, ver_col) = (organization::Column::Id, organization::Column::Version);
            if !update_versioned(&txn, am, (id_col, id), (ver_col, input.version)).await? {
                return Err(conflict(&state.db, o.updated_by).await);
            }
            (id, "update", before)
        }
        None => {
            let created = organization::ActiveModel {
                code: Set(input.code.trim().to_string()),
                name: Set(input.name.trim().to_string()),
                org_type: Set(input.org_type.code().into()),
                department_kind: Set(dept_kind),
                parent_id: Set(Some(hq.id)),
                region_id: Set(input.region_id),
                address: Set(opt(&input.address)),
                phone: Set(opt(&input.phone)),
                contact_person: Set(opt(&input.contact_person)),
                email: Set(opt(&input.email)),
                sort_order: Set(if input.org_type == OrgType::RepOffice { 100 } else { 50 }),
                is_active: Set(true),
                created_at: Set(now),
                created_by: Set(Some(user.account.id)),
                updated_at: Set(now),
                updated_by: Set(Some(user.account.id)),
                version: Set(1),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            (created.id, "create", serde_json::Value::Null)
        }
    };
    organization_region::Entity::delete_many()
        .filter(organization_region::Column::OrganizationId.eq(id))
        .exec(&txn)
        .await?;
    if !input.region_ids.is_empty() {
        organization_region::Entity::insert_many(
            input
                .region_ids
                .iter()
                .map(|r| organization_region::ActiveModel { organization_id: Set(id), region_id: Set(*r) }),
        )
        .exec(&txn)
        .await?;
    }
    let after = json!({"code": input.code.trim(), "name": input.name.trim(), "address": opt(&input.address),
        "phone": opt(&input.phone), "contact_person": opt(&input.contact_person), "email": opt(&input.email),
        "region_id": input.region_id});
    let detail = json!({ "changes": audit::diff(&before, &after), "regions": input.region_ids });
    let entry =
        Entry::new(Perm::SystemOrgs.code(), action, "organization").target(id, input.name.trim()).detail(detail);
    audit::record(&txn, user, entry).await?;
    txn.commit().await?;
    Ok(id)
}

/// 停用 / 启用. Inactive organisations take no new accounts; HQ cannot be deactivated.
pub async fn set_active(state: &AppState, user: &CurrentUser, id: i64, active: bool) -> AppResult<()> {
    let o = organization::Entity::find_by_id(id).one(&state.db).await?.ok_or(AppError::NotFound)?;
    if o.org_type() == Some(OrgType::Hq) {
        return Err(AppError::rejected("总部不能停用", "HQ cannot be deactivated"));
    }
    let txn = crate::db::write_txn(&state.db).await?;
    let mut am: organization::ActiveModel = o.clone().into();
    am.is_active = Set(active);
    am.updated_at = Set(Utc::now());
    am.updated_by = Set(Some(user.account.id));
    am.version = Set(o.version + 1);
    am.update(&txn).await?;
    let entry = Entry::new(Perm::SystemOrgs.code(), "update", "organization")
        .target(id, &o.name)
        .detail(json!({ "is_active": [o.is_active, active] }));
    audit::record(&txn, user, entry).await?;
    txn.commit().await?;
    Ok(())
}
