//! 录入客户信息 (PG-70, SM-6): a customer entered by staff is checked field by field, then
//! against existing customers (duplicates shown before saving), then saved as a draft, sent to
//! the approver the entrant chose, or — for review-exempt entrants — published at once. Every
//! write is one transaction with its review row and its operation-log entry.
use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::dedup::{self, Keys, mobile_key};
use super::entity::{duplicate_candidate, entry_review};
use super::{
    Approver, CustomerInput, DupMatch, EntryOptions, EntryOutcome, EntryRecord, ReviewAction, ReviewStatus,
    ReviewTarget,
};
use crate::auth::audit::{self, Entry};
use crate::auth::entity::{account, organization, role};
use crate::auth::scope::Scope;
use crate::auth::session::CurrentUser;
use crate::auth::{Perm, RoleCode};
use crate::db::{conflict, opt};
use crate::error::{AppError, AppResult};
use crate::members::bulk::{CustomerRow, Rows, next_id, sync_sequence};
use crate::members::entity::customer;
use crate::members::enums::{self, CustomerType, EntryMethod, InfoSource};
use crate::members::service::visible_customer;

/// Accounts that may approve entries (SM-6 step 4): active, 主管/经理 or flagged 有审核资格,
/// never the entrant.
pub async fn approvers(db: &impl ConnectionTrait, user: &CurrentUser) -> AppResult<Vec<Approver>> {
    let reviewer_roles: Vec<i64> = role::Entity::find()
        .filter(role::Column::Code.is_in(RoleCode::REVIEWERS.iter().map(|r| r.code())))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let accounts = account::Entity::find()
        .filter(account::Column::Status.eq(crate::auth::AccountStatus::Active.code()))
        .filter(account::Column::Id.ne(user.account.id))
        .filter(
            sea_orm::Condition::any()
                .add(account::Column::CanReview.eq(true))
                .add(account::Column::RoleId.is_in(reviewer_roles)),
        )
        .order_by_asc(account::Column::Name)
        .all(db)
        .await?;
    let orgs: std::collections::HashMap<i64, String> =
        organization::Entity::find().all(db).await?.into_iter().map(|o| (o.id, o.name)).collect();
    Ok(accounts
        .into_iter()
        .map(|a| Approver { id: a.id, org: orgs.get(&a.organization_id).cloned().unwrap_or_default(), name: a.name })
        .collect())
}

/// Organisations an entry may belong to: a rep office enters for its own office(s); company
/// CS and business departments for HQ or any rep office. The first is the default.
pub async fn entry_orgs(db: &impl ConnectionTrait, user: &CurrentUser) -> AppResult<Vec<(i64, String)>> {
    let mut orgs: Vec<(i64, String)> = organization::Entity::find()
        .filter(organization::Column::OrgType.is_in(["hq", "rep_office"]))
        .filter(organization::Column::IsActive.eq(true))
        .order_by_asc(organization::Column::SortOrder)
        .all(db)
        .await?
        .into_iter()
        .filter(|o| !matches!(user.scope, Scope::Orgs(_)) || user.scope.allows(o.id, None))
        .map(|o| (o.id, o.name))
        .collect();
    if let Some(i) = orgs.iter().position(|o| o.0 == user.account.organization_id) {
        let own = orgs.remove(i);
        orgs.insert(0, own);
    }
    Ok(orgs)
}

pub async fn options(db: &impl ConnectionTrait, user: &CurrentUser) -> AppResult<EntryOptions> {
    let orgs = entry_orgs(db, user).await?;
    Ok(EntryOptions {
        approvers: approvers(db, user).await?,
        exempt: user.account.review_exempt,
        default_org: orgs.first().map(|o| o.0).unwrap_or_default(),
        orgs,
    })
}

/// Checks the approver and the organisation of an entry against what the server allows.
pub(super) async fn check_approver(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    approver: Option<i64>,
) -> AppResult<Option<Approver>> {
    let Some(id) = approver else { return Ok(None) };
    if id == user.account.id {
        return Err(AppError::field("approver_id", "审批人不能是录入人本人", "You cannot approve your own entry"));
    }
    approvers(db, user).await?.into_iter().find(|a| a.id == id).map(Some).ok_or_else(|| {
        AppError::field("approver_id", "所选审批人没有审核资格或已停用", "This account may not approve entries")
    })
}

pub(super) async fn check_org(db: &impl ConnectionTrait, user: &CurrentUser, org: Option<i64>) -> AppResult<i64> {
    let allowed = entry_orgs(db, user).await?;
    org.filter(|o| allowed.iter().any(|a| a.0 == *o)).ok_or_else(|| {
        AppError::field("organization_id", "只能选择您数据范围内的组织机构", "Choose an organisation in your scope")
    })
}

fn static_code(list: &[enums::Choice], v: &str) -> Option<&'static str> {
    list.iter().find(|c| c.0 == v).map(|c| c.0)
}

/// The customer row of an entry (derived keys and search grams come from `CustomerRow`).
pub(super) fn row_of(input: &CustomerInput, org: i64, entry_method: EntryMethod) -> CustomerRow {
    let now = Utc::now();
    let info_source = match input.source() {
        Some(InfoSource::BuyerMeeting) => InfoSource::BuyerMeeting,
        _ => InfoSource::AdminEntered,
    };
    let mobile = mobile_key(&input.phone_mobile);
    CustomerRow {
        customer_type: CustomerType::NonMember.code(),
        company_name: input.company_name.trim().to_string(),
        login_name: opt(&input.login_name),
        registered_email: opt(&input.registered_email),
        contact_name: opt(&input.contact_name),
        phone_fixed: opt(&input.phone_fixed),
        phone_mobile: (!mobile.is_empty()).then_some(mobile),
        region: input.region,
        address: opt(&input.address),
        industry: input.industry,
        organization_id: org,
        enterprise_category: static_code(enums::CATEGORIES, &input.enterprise_category),
        info_source: info_source.code(),
        entry_method: entry_method.code(),
        remarks: opt(&input.remarks),
        created_at: now,
        updated_at: now,
        ..Default::default()
    }
}

/// Inserts a new customer row (its id already taken with `next_id`).
async fn insert_row(txn: &impl ConnectionTrait, row: &CustomerRow) -> AppResult<()> {
    let mut rows = Rows::new("customer", &CustomerRow::COLUMNS);
    rows.push(row.values());
    rows.flush(txn, None, &|_| ()).await?;
    sync_sequence(txn, "customer").await
}

/// A non-member entered where it is needed at once (a caller at 诉求受理): in circulation
/// without review (SM-1 T0), created by `user`, of organisation `org`. Returns its id.
pub async fn insert_approved(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    input: &CustomerInput,
    org: i64,
    entry_method: EntryMethod,
) -> AppResult<i64> {
    let mut row = row_of(input, org, entry_method);
    row.review_status = Some(ReviewStatus::Approved.code());
    row.created_by = Some(user.account.id);
    row.id = next_id(txn, "customer").await?;
    insert_row(txn, &row).await?;
    audit::record(
        txn,
        user,
        Entry::new(Perm::IntakeMemberRequest.code(), "create", "customer")
            .target(row.id, label_of(&row))
            .detail(json!({ "entry_method": entry_method.code(), "review_status": "approved" })),
    )
    .await?;
    Ok(row.id)
}

fn label_of(c: &CustomerRow) -> String {
    if c.company_name.is_empty() { c.contact_name.clone().unwrap_or_default() } else { c.company_name.clone() }
}

/// The entry as the form edits it again: drafts and rejected entries by their entrant,
/// approved non-members by anyone who may see them.
pub async fn load(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> AppResult<EntryRecord> {
    let c = visible_customer(db, user, id).await?;
    editable(user, &c)?;
    let review = entry_review::Entity::find()
        .filter(entry_review::Column::TargetType.eq(ReviewTarget::Customer.code()))
        .filter(entry_review::Column::TargetId.eq(id))
        .one(db)
        .await?;
    Ok(EntryRecord {
        id,
        version: c.version,
        review_status: c.review_status().ok_or(AppError::NotFound)?,
        review_comment: review.as_ref().and_then(|r| r.decision_comment.clone()).or(c.review_reason.clone()),
        input: CustomerInput {
            company_name: c.company_name.unwrap_or_default(),
            contact_name: c.contact_name.unwrap_or_default(),
            phone_mobile: c.phone_mobile.unwrap_or_default(),
            phone_fixed: c.phone_fixed.unwrap_or_default(),
            registered_email: c.registered_email.unwrap_or_default(),
            login_name: c.login_name.unwrap_or_default(),
            region: [c.region_province_id, c.region_city_id, c.region_district_id],
            address: c.address.unwrap_or_default(),
            industry: [c.industry_l1_id, c.industry_l2_id, c.industry_l3_id],
            enterprise_category: c.enterprise_category.unwrap_or_default(),
            organization_id: Some(c.organization_id),
            info_source: c.info_source,
            remarks: c.remarks.unwrap_or_default(),
            approver_id: review.and_then(|r| r.approver_id).or(c.reviewer_id),
            duplicate_reason: String::new(),
        },
    })
}

fn editable(user: &CurrentUser, c: &customer::Model) -> AppResult<()> {
    if c.customer_type() == Some(CustomerType::Member) || c.cm_member_id.is_some() {
        return Err(AppError::rejected(
            "会员资料以 CM 系统为准,不能在 CRM 中修改",
            "Member data is owned by CM and cannot be edited here",
        ));
    }
    let mine = c.created_by == Some(user.account.id);
    match c.review_status() {
        Some(s) if s.with_entrant() && mine => Ok(()),
        // Editing is a transition: a pending entry is refused there, an approved one stays so.
        Some(s @ (ReviewStatus::Approved | ReviewStatus::Pending)) => {
            ReviewStatus::after(Some(s), ReviewAction::SaveDraft).map(|_| ())
        }
        _ => Err(AppError::NotFound),
    }
}

/// Where an entry is saved: a new record with its number, or the record edited at the
/// version the client saw.
enum Slot<'a> {
    New(i64),
    Edit(&'a customer::Model, i32),
}

/// Saves an entry. `submit`: send to review (or publish when exempt); otherwise a draft.
/// `acknowledge`: the entrant saw the suspected duplicates and submits anyway.
pub async fn save(
    db: &sea_orm::DatabaseConnection,
    user: &CurrentUser,
    existing: Option<(i64, i32)>,
    input: CustomerInput,
    submit: bool,
    acknowledge: bool,
) -> AppResult<EntryOutcome> {
    let exempt = user.account.review_exempt;
    // The record edited, with the version the client saw.
    let edited = match existing {
        Some((id, version)) => {
            let c = visible_customer(db, user, id).await?;
            editable(user, &c)?;
            Some((c, version))
        }
        None => None,
    };
    let before = edited.as_ref().map(|(c, _)| c);
    let from = before.and_then(|c| c.review_status());
    let was_approved = from == Some(ReviewStatus::Approved);
    // An approved record stays in circulation (OP-28): editing it is always a full save,
    // never a draft, whatever the client asks for (the transition keeps it approved).
    let status = ReviewStatus::after(from, ReviewAction::save(submit, exempt))?;
    let submit = status != ReviewStatus::Draft;
    input.validate(submit, status == ReviewStatus::Approved)?;
    let org = check_org(db, user, input.organization_id).await?;
    let approver =
        if status == ReviewStatus::Pending { check_approver(db, user, input.approver_id).await? } else { None };

    // The duplicate check and the write are one transaction holding the write lock (SQLite:
    // BEGIN IMMEDIATE; PostgreSQL: the table lock `next_id` takes), so the same entry sent
    // twice at once is saved once and the second request sees the first as a duplicate.
    let txn = crate::db::write_txn(db).await?;
    // A new entry is numbered here, before the duplicate check, under the write lock.
    let slot = match &edited {
        None => Slot::New(next_id(&txn, "customer").await?),
        Some((c, version)) => Slot::Edit(c, *version),
    };
    let dups: Vec<DupMatch> =
        dedup::find(&txn, user, &[Keys::of(&input)], before.map(|c| c.id)).await?.pop().unwrap_or_default();
    if dups.iter().any(|d| d.hard) || (submit && !dups.is_empty() && !acknowledge) {
        return Ok(EntryOutcome::Duplicates(dups));
    }
    let reason = input.duplicate_reason.trim().to_string();
    if submit && !dups.is_empty() && reason.is_empty() {
        return Err(AppError::field(
            "duplicate_reason",
            "请说明为什么仍然提交(与已有记录的区别)",
            "Say why you submit despite the suspected duplicates",
        ));
    }

    let entry_method = before.and_then(|c| EntryMethod::parse(&c.entry_method)).unwrap_or(
        if input.source() == Some(InfoSource::BuyerMeeting) { EntryMethod::BuyerMeeting } else { EntryMethod::Manual },
    );
    let mut row = row_of(&input, org, entry_method);
    row.review_status = Some(status.code());
    row.created_by = Some(user.account.id);
    row.reviewer_id = approver.as_ref().map(|a| a.id);
    let label = label_of(&row);
    let now = Utc::now();

    let id = match slot {
        Slot::New(new_id) => {
            row.id = new_id;
            insert_row(&txn, &row).await?;
            row.id
        }
        Slot::Edit(c, version) => {
            let id = c.id;
            row.id = id;
            row.created_by = c.created_by;
            row.created_at = c.created_at;
            if was_approved {
                row.reviewer_id = c.reviewer_id;
            }
            let mut q = customer::Entity::update_many();
            for (col, v) in CustomerRow::COLUMNS.iter().zip(row.values()) {
                if !["id", "customer_no", "created_at", "created_by", "import_job_id", "version", "updated_by"]
                    .contains(col)
                    && !CustomerRow::SERVICE_STATE.contains(col)
                {
                    q = q.col_expr(Alias::new(*col), Expr::val(v));
                }
            }
            let done = q
                .col_expr(customer::Column::UpdatedBy, Expr::value(user.account.id))
                .col_expr(customer::Column::Version, Expr::col(customer::Column::Version).add(1))
                .filter(customer::Column::Id.eq(id))
                .filter(customer::Column::Version.eq(version))
                .exec(&txn)
                .await?;
            if done.rows_affected == 0 {
                return Err(conflict(db, c.updated_by).await);
            }
            id
        }
    };
    if submit && !was_approved {
        upsert_review(&txn, user, id, &label, status, approver.as_ref().map(|a| a.id), &reason, &dups, now).await?;
    }
    for d in dups.iter().filter(|_| submit) {
        record_candidate(&txn, id, d, &reason).await?;
    }
    let action = if before.is_some() { "update" } else { "create" };
    let entry = Entry::new(Perm::ArchiveCustomer.code(), action, "customer").target(id, label.clone()).detail(json!({
        "review_status": status.code(),
        "approver": approver.as_ref().map(|a| a.name.clone()),
        "duplicates": dups.iter().map(|d| d.record_id).collect::<Vec<_>>(),
        "duplicate_reason": (!reason.is_empty()).then_some(reason),
        "before": before.map(snapshot),
        "after": snapshot_input(&input),
    }));
    audit::record(&txn, user, entry).await?;
    txn.commit().await?;
    Ok(EntryOutcome::Saved { id, status, approver: approver.map(|a| a.name) })
}

/// The review row of a customer entry: created on first submission, resubmitted (revision
/// + 1) after a rejection.
#[allow(clippy::too_many_arguments)]
pub(super) async fn upsert_review(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    id: i64,
    label: &str,
    status: ReviewStatus,
    approver: Option<i64>,
    reason: &str,
    dups: &[DupMatch],
    now: chrono::DateTime<Utc>,
) -> AppResult<()> {
    let existing = entry_review::Entity::find()
        .filter(entry_review::Column::TargetType.eq(ReviewTarget::Customer.code()))
        .filter(entry_review::Column::TargetId.eq(id))
        .one(txn)
        .await?;
    let exempt_note = (status == ReviewStatus::Approved).then(|| "免审".to_string());
    let mut am = match existing {
        Some(r) => {
            let revision = r.revision + 1;
            let mut am: entry_review::ActiveModel = r.into();
            am.revision = Set(revision);
            am
        }
        None => entry_review::ActiveModel {
            target_type: Set(ReviewTarget::Customer.code().into()),
            target_id: Set(id),
            revision: Set(1),
            ..Default::default()
        },
    };
    am.summary = Set(label.chars().take(300).collect());
    am.submitted_by = Set(user.account.id);
    am.organization_id = Set(user.account.organization_id);
    am.submitted_at = Set(now);
    am.approver_id = Set(approver);
    am.status = Set(status.code().into());
    am.decided_at = Set((status == ReviewStatus::Approved).then_some(now));
    am.decision_comment = Set(exempt_note);
    am.duplicate_acknowledged = Set(!dups.is_empty());
    am.duplicate_reason = Set((!dups.is_empty()).then(|| reason.chars().take(255).collect()));
    am.save(txn).await?;
    if let (ReviewStatus::Pending, Some(approver)) = (status, approver) {
        crate::notify::service::review_pending(txn, user, approver, label).await?;
    }
    Ok(())
}

/// A suspected duplicate the entrant acknowledged, kept for 重复数据管理 (K3).
pub(super) async fn record_candidate(txn: &impl ConnectionTrait, id: i64, d: &DupMatch, reason: &str) -> AppResult<()> {
    let exists = duplicate_candidate::Entity::find()
        .filter(duplicate_candidate::Column::EntityType.eq("customer"))
        .filter(duplicate_candidate::Column::RecordId.eq(id))
        .filter(duplicate_candidate::Column::MatchedRecordId.eq(d.record_id))
        .one(txn)
        .await?;
    if exists.is_none() {
        duplicate_candidate::ActiveModel {
            entity_type: Set("customer".into()),
            record_id: Set(id),
            matched_record_id: Set(d.record_id),
            match_rule: Set(d.rules.first().cloned().unwrap_or_default()),
            score: Set(1.0),
            status: Set("pending".into()),
            reason: Set(opt(reason).map(|r| r.chars().take(255).collect())),
            detected_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

fn snapshot(c: &customer::Model) -> serde_json::Value {
    json!({
        "company_name": c.company_name, "contact_name": c.contact_name, "phone_mobile": c.phone_mobile,
        "phone_fixed": c.phone_fixed, "registered_email": c.registered_email, "login_name": c.login_name,
        "address": c.address, "organization_id": c.organization_id, "review_status": c.review_status,
        "remarks": c.remarks,
    })
}

fn snapshot_input(i: &CustomerInput) -> serde_json::Value {
    json!({
        "company_name": i.company_name, "contact_name": i.contact_name, "phone_mobile": i.phone_mobile,
        "phone_fixed": i.phone_fixed, "registered_email": i.registered_email, "login_name": i.login_name,
        "address": i.address, "organization_id": i.organization_id, "remarks": i.remarks,
    })
}

/// Soft-deletes an entry: drafts by their entrant, anything not from CM by a manager.
pub async fn delete(db: &sea_orm::DatabaseConnection, user: &CurrentUser, id: i64) -> AppResult<()> {
    let txn = crate::db::write_txn(db).await?;
    let c = visible_customer(&txn, user, id).await?;
    let own_draft = c.created_by == Some(user.account.id) && c.review_status().is_some_and(ReviewStatus::with_entrant);
    let manager = user.role_code() == Some(RoleCode::CsManager);
    if c.cm_member_id.is_some() || !(own_draft || manager) {
        return Err(AppError::Forbidden);
    }
    customer::Entity::update_many()
        .col_expr(customer::Column::DeletedAt, Expr::value(Utc::now()))
        .col_expr(customer::Column::DeletedBy, Expr::value(user.account.id))
        .filter(customer::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let entry = Entry::new(Perm::ArchiveCustomer.code(), "delete", "customer")
        .target(id, c.company_name.clone().or(c.contact_name.clone()).unwrap_or_default())
        .detail(json!({ "before": snapshot(&c) }));
    audit::record(&txn, user, entry).await?;
    txn.commit().await?;
    Ok(())
}
