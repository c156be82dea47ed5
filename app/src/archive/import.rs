//! 批量导入 (PG-71): ① a template per kind, ② an uploaded file is read and every row checked
//! and staged (`stage`, a background job), ③ the entrant reviews the preview — errors and
//! suspected duplicates row by row — and ④ commits: all valid rows in ONE transaction
//! (`commit`, a background job with progress), as one batch for the chosen approver. An
//! import is undone as a unit (`undo`) while none of its records has data of its own.
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use super::entity::{entry_review, import_job, import_row};
use super::entry::{check_approver, record_candidate, row_of};
use super::import_check::{Staged, check_contacts, check_customers, read_rows};
use super::import_view::{dependents, visible_job};
use super::{ImportKind, ImportStatus, ReviewAction, ReviewStatus, ReviewTarget, RowStatus};
use crate::auth::audit::{self, Entry};
use crate::auth::session::CurrentUser;
use crate::auth::{Perm, RoleCode};
use crate::db::opt;
use crate::error::{AppError, AppResult};
use crate::members::bulk::{CustomerRow, Rows, next_id, sync_sequence};
use crate::members::cm_sync::check::parse_date;
use crate::members::entity::{contact, customer};
use crate::members::enums::EntryMethod;
use crate::tabular::Table;

const ROW_COLS: [&str; 6] = ["job_id", "line", "status", "data", "errors", "duplicates"];
const CONTACT_COLS: [&str; 18] = [
    "id",
    "customer_id",
    "name",
    "gender",
    "position",
    "department",
    "mobile",
    "phone",
    "email",
    "birthday",
    "is_primary",
    "remarks",
    "import_job_id",
    "review_status",
    "created_at",
    "created_by",
    "updated_at",
    "version",
];

/// Reads and checks `table`, then stages every row of job `job_id` for the preview.
pub async fn stage(
    db: &DatabaseConnection,
    user: &CurrentUser,
    job_id: i64,
    kind: ImportKind,
    table: &Table,
    progress: &impl Fn(u64),
) -> AppResult<import_job::Model> {
    let mut rows = read_rows(kind, table)?;
    if rows.is_empty() {
        return Err(AppError::rejected("文件中没有数据行", "The file has no data rows"));
    }
    if rows.len() > 200_000 {
        return Err(AppError::rejected("一次最多导入 200,000 行,请拆分文件", "At most 200,000 rows per file"));
    }
    match kind {
        ImportKind::Contacts => check_contacts(db, user, &mut rows).await?,
        _ => {
            check_customers(db, user, kind, &mut rows).await?;
        }
    }
    let txn = crate::db::write_txn(db).await?;
    let mut staged = Rows::new("import_row", &ROW_COLS);
    let (mut valid, mut errors, mut dups) = (0, 0, 0);
    for r in &rows {
        match r.status() {
            RowStatus::Error => errors += 1,
            RowStatus::Duplicate => dups += 1,
            RowStatus::Valid => valid += 1,
        }
        staged.push(vec![
            job_id.into(),
            (r.line as i32).into(),
            r.status().code().into(),
            serde_json::to_string(&r.data).unwrap_or_default().into(),
            serde_json::to_string(&r.errors).unwrap_or_default().into(),
            serde_json::to_string(&r.duplicates).unwrap_or_default().into(),
        ]);
    }
    staged.flush(&txn, None, progress).await?;
    let job = import_job::Entity::find_by_id(job_id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let mut am: import_job::ActiveModel = job.into();
    am.status = Set(ImportStatus::AwaitingConfirm.code().into());
    am.total_rows = Set(rows.len() as i32);
    am.valid_rows = Set(valid);
    am.error_rows = Set(errors);
    am.duplicate_rows = Set(dups);
    let job = am.update(&txn).await?;
    txn.commit().await?;
    Ok(job)
}

/// The job row an upload starts with.
pub async fn create_job(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    kind: ImportKind,
    file_name: &str,
) -> AppResult<import_job::Model> {
    Ok(import_job::ActiveModel {
        kind: Set(kind.code().into()),
        file_name: Set(file_name.chars().take(255).collect()),
        uploaded_by: Set(user.account.id),
        organization_id: Set(user.account.organization_id),
        uploaded_at: Set(Utc::now()),
        status: Set(ImportStatus::Validating.code().into()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Marks a job whose file could not be read as failed, with the reason.
pub async fn fail_job(db: &impl ConnectionTrait, job_id: i64, message: String) -> AppResult<()> {
    import_job::Entity::update_many()
        .col_expr(import_job::Column::Status, Expr::value(ImportStatus::Failed.code()))
        .col_expr(import_job::Column::Message, Expr::value(message))
        .filter(import_job::Column::Id.eq(job_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Checks left `validating` that no running import-check job works on any more (their
/// process stopped) are marked `interrupted` with the note the page shows (see
/// `crate::upkeep`). Answers how many.
pub async fn mark_interrupted(db: &impl ConnectionTrait) -> AppResult<u64> {
    let done = import_job::Entity::update_many()
        .col_expr(import_job::Column::Status, Expr::value(ImportStatus::Interrupted.code()))
        .col_expr(import_job::Column::Message, Expr::value(crate::jobs::INTERRUPTED.0))
        .filter(import_job::Column::Status.eq(ImportStatus::Validating.code()))
        .filter(crate::jobs::no_running_job(
            crate::jobs::JobKind::ImportCheck,
            (import_job::Entity, import_job::Column::Id),
        ))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// The approver and reason of a commit, checked: an approver unless the entrant is exempt, a
/// reason when the suspected duplicates are imported too.
pub(super) async fn commit_input(
    db: &DatabaseConnection,
    user: &CurrentUser,
    approver: Option<i64>,
    with_duplicates: bool,
    reason: &str,
) -> AppResult<Option<super::Approver>> {
    if with_duplicates && reason.trim().is_empty() {
        return Err(AppError::field(
            "duplicate_reason",
            "导入疑似重复行时必须说明理由",
            "Say why the suspected duplicates are imported",
        ));
    }
    if user.account.review_exempt {
        Ok(None)
    } else if approver.is_none() {
        Err(AppError::field("approver_id", "请选择审批人", "Choose an approver"))
    } else {
        check_approver(db, user, approver).await
    }
}

/// Commits the valid rows of job `id` (and, when `with_duplicates`, the suspected duplicates
/// with `reason`) in one transaction, as one batch for `approver` (none when the entrant is
/// exempt). `progress` gets the rows written so far.
#[allow(clippy::too_many_arguments)]
pub async fn commit(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i64,
    approver: Option<i64>,
    with_duplicates: bool,
    reason: String,
    progress: &impl Fn(u64),
) -> AppResult<import_job::Model> {
    let exempt = user.account.review_exempt;
    let reason = reason.trim().to_string();
    let approver = commit_input(db, user, approver, with_duplicates, &reason).await?;
    let txn = crate::db::write_txn(db).await?;
    let job = import_job::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
    if job.uploaded_by != user.account.id {
        return Err(AppError::NotFound);
    }
    if job.status() != Some(ImportStatus::AwaitingConfirm) {
        return Err(AppError::rejected("该导入已提交或已失效,请刷新", "This import was already committed"));
    }
    let kind = job.kind()?;
    let wanted: &[RowStatus] =
        if with_duplicates { &[RowStatus::Valid, RowStatus::Duplicate] } else { &[RowStatus::Valid] };
    let staged = import_row::Entity::find()
        .filter(import_row::Column::JobId.eq(id))
        .filter(import_row::Column::Status.is_in(wanted.iter().map(|s| s.code())))
        .order_by_asc(import_row::Column::Line)
        .all(&txn)
        .await?;
    if staged.is_empty() {
        return Err(AppError::rejected("没有可导入的有效行", "No valid rows to import"));
    }
    // The rows are checked again against the database as it is now.
    let mut rows: Vec<Staged> = staged
        .iter()
        .map(|r| Staged {
            line: r.line as usize,
            data: serde_json::from_str(&r.data).unwrap_or_default(),
            ..Default::default()
        })
        .collect();
    let status = ReviewStatus::after(None, ReviewAction::save(true, exempt))?;
    let now = Utc::now();
    let (table, mut next, inputs) = match kind {
        ImportKind::Contacts => {
            check_contacts(&txn, user, &mut rows).await?;
            ("contact", next_id(&txn, "contact").await?, vec![])
        }
        _ => {
            let inputs = check_customers(&txn, user, kind, &mut rows).await?;
            ("customer", next_id(&txn, "customer").await?, inputs)
        }
    };
    if let Some(bad) = rows.iter().find(|r| !r.errors.is_empty()) {
        return Err(AppError::rejected(
            &format!("第 {} 行的数据已有变化:{},请重新上传", bad.line, bad.errors[0].1),
            &format!("Row {} changed meanwhile; upload again", bad.line),
        ));
    }
    let contacts = kind == ImportKind::Contacts;
    let mut insert =
        if contacts { Rows::new("contact", &CONTACT_COLS) } else { Rows::new("customer", &CustomerRow::COLUMNS) };
    let mut line_ids = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let rid = next;
        next += 1;
        line_ids.push((r.line as i32, rid));
        if contacts {
            insert.push(contact_values(r, rid, id, status.code(), user.account.id, now));
        } else {
            let method =
                if kind == ImportKind::Attendees { EntryMethod::BuyerMeeting } else { EntryMethod::ExcelImport };
            let input = &inputs[i];
            let mut c = row_of(input, input.organization_id.unwrap_or_default(), method);
            c.id = rid;
            c.review_status = Some(status.code());
            c.created_by = Some(user.account.id);
            c.reviewer_id = approver.as_ref().map(|a| a.id);
            c.import_job_id = Some(id);
            insert.push(c.values());
        }
    }
    insert.flush(&txn, None, progress).await?;
    sync_sequence(&txn, table).await?;
    if with_duplicates {
        for ((_, rid), r) in line_ids.iter().zip(&rows) {
            for d in &r.matches {
                record_candidate(&txn, *rid, d, &reason).await?;
            }
        }
    }
    link_rows(&txn, id, &line_ids).await?;
    let summary = format!("{}({} 行)", job.file_name, rows.len());
    let review = entry_review::ActiveModel {
        target_type: Set(ReviewTarget::ImportJob.code().into()),
        target_id: Set(id),
        summary: Set(summary.chars().take(300).collect()),
        submitted_by: Set(user.account.id),
        organization_id: Set(user.account.organization_id),
        submitted_at: Set(now),
        approver_id: Set(approver.as_ref().map(|a| a.id)),
        status: Set(status.code().into()),
        decided_at: Set(exempt.then_some(now)),
        decision_comment: Set(exempt.then(|| "免审".to_string())),
        revision: Set(1),
        duplicate_acknowledged: Set(with_duplicates),
        duplicate_reason: Set(opt(&reason).filter(|_| with_duplicates)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if let (false, Some(a)) = (exempt, &approver) {
        crate::notify::service::review_pending(&txn, user, a.id, &review.summary).await?;
    }
    let mut am: import_job::ActiveModel = job.clone().into();
    am.status = Set(ImportStatus::Done.code().into());
    am.imported_rows = Set(rows.len() as i32);
    am.committed_at = Set(Some(now));
    am.approver_id = Set(approver.as_ref().map(|a| a.id));
    am.review_id = Set(Some(review.id));
    let job = am.update(&txn).await?;
    let entry = Entry::new(Perm::ArchiveImport.code(), "import", "import_job")
        .target(id, job.file_name.clone())
        .detail(json!({
            "kind": job.kind, "imported": rows.len(), "review_status": status.code(),
            "approver": approver.map(|a| a.name), "with_duplicates": with_duplicates,
        }));
    audit::record(&txn, user, entry).await?;
    txn.commit().await?;
    Ok(job)
}

fn contact_values(
    r: &Staged,
    id: i64,
    job: i64,
    status: &str,
    by: i64,
    now: chrono::DateTime<Utc>,
) -> Vec<sea_orm::Value> {
    let o = |k: &str| opt(r.get(k));
    vec![
        id.into(),
        r.customer_id.unwrap_or_default().into(),
        r.get("name").to_string().into(),
        o("gender").map(|g| if g == "男" { "male" } else { "female" }.to_string()).into(),
        o("position").into(),
        o("department").into(),
        o("mobile").map(|m| super::dedup::mobile_key(&m)).into(),
        o("phone").into(),
        o("email").into(),
        o("birthday").and_then(|b| parse_date(&b)).into(),
        false.into(),
        o("remarks").into(),
        job.into(),
        status.into(),
        now.into(),
        Some(by).into(),
        now.into(),
        1.into(),
    ]
}

/// Remembers which record each staged line became (the preview then shows its review state).
async fn link_rows(txn: &impl ConnectionTrait, job: i64, line_ids: &[(i32, i64)]) -> AppResult<()> {
    // One UPDATE … CASE per chunk instead of one statement per row.
    for chunk in line_ids.chunks(500) {
        let mut case = sea_orm::sea_query::CaseStatement::new();
        for (line, rid) in chunk {
            case = case.case(Expr::col(import_row::Column::Line).eq(*line), Expr::val(*rid));
        }
        import_row::Entity::update_many()
            .col_expr(import_row::Column::RecordId, case.into())
            .filter(import_row::Column::JobId.eq(job))
            .filter(import_row::Column::Line.is_in(chunk.iter().map(|c| c.0)))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Undoes a committed import as a unit: its records are removed in one transaction, as long
/// as none of them has data of its own. By its entrant or a manager.
pub async fn undo(db: &DatabaseConnection, user: &CurrentUser, id: i64) -> AppResult<u64> {
    let txn = crate::db::write_txn(db).await?;
    let job = visible_job(&txn, user, id).await?;
    if !(job.uploaded_by == user.account.id || user.role_code() == Some(RoleCode::CsManager)) {
        return Err(AppError::Forbidden);
    }
    if job.status() != Some(ImportStatus::Done) {
        return Err(AppError::rejected("只能撤销已完成的导入", "Only a committed import can be undone"));
    }
    let deps = dependents(&txn, &job).await?;
    if deps > 0 {
        return Err(AppError::rejected(
            &format!("本批客户已有 {deps} 条服务记录或联系人等关联数据,不能撤销"),
            &format!("{deps} records already refer to this batch: it cannot be undone"),
        ));
    }
    let removed = if job.kind()? == ImportKind::Contacts {
        contact::Entity::delete_many().filter(contact::Column::ImportJobId.eq(id)).exec(&txn).await?.rows_affected
    } else {
        contact::Entity::delete_many().filter(contact::Column::ImportJobId.eq(id)).exec(&txn).await?;
        customer::Entity::delete_many().filter(customer::Column::ImportJobId.eq(id)).exec(&txn).await?.rows_affected
    };
    let now = Utc::now();
    entry_review::Entity::update_many()
        .col_expr(entry_review::Column::Status, Expr::value(ReviewStatus::Rejected.code()))
        .col_expr(entry_review::Column::DecidedAt, Expr::value(now))
        .col_expr(entry_review::Column::DecisionComment, Expr::value("已撤销导入"))
        .filter(entry_review::Column::TargetType.eq(ReviewTarget::ImportJob.code()))
        .filter(entry_review::Column::TargetId.eq(id))
        .filter(entry_review::Column::Status.eq(ReviewStatus::Pending.code()))
        .exec(&txn)
        .await?;
    let mut am: import_job::ActiveModel = job.clone().into();
    am.status = Set(ImportStatus::Undone.code().into());
    am.undone_at = Set(Some(now));
    am.undone_by = Set(Some(user.account.id));
    am.update(&txn).await?;
    let entry = Entry::new(Perm::ArchiveImport.code(), "delete", "import_job")
        .target(id, job.file_name.clone())
        .detail(json!({ "undo": true, "removed": removed, "kind": job.kind }));
    audit::record(&txn, user, entry).await?;
    txn.commit().await?;
    Ok(removed)
}

/// The xlsx template of `kind`: headers (required ones marked ※), a hint row under them and
/// a dropdown on the 企业类别 column.
pub fn template(kind: ImportKind) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{DataValidation, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let bold = Format::new().set_bold().set_background_color("#E8F0FE");
    let hint = Format::new().set_italic().set_font_color("#666666");
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::internal(e);
    ws.set_name(kind.label().0).map_err(xl)?;
    for (i, (_, zh, required, note)) in kind.columns().iter().enumerate() {
        let col = i as u16;
        let header = if *required { format!("※{zh}") } else { zh.to_string() };
        ws.write_string_with_format(0, col, &header, &bold).map_err(xl)?;
        ws.set_column_width(col, 18).map_err(xl)?;
        if !note.is_empty() {
            let note = rust_xlsxwriter::Note::new(*note);
            ws.insert_note(0, col, &note).map_err(xl)?;
        }
        if *zh == "企业类别" {
            let v = DataValidation::new().allow_list_strings(&["采购商", "供应商", "二者都有"]).map_err(xl)?;
            ws.add_data_validation(1, col, 200_000, col, &v).map_err(xl)?;
        }
        if *zh == "性别" {
            let v = DataValidation::new().allow_list_strings(&["男", "女"]).map_err(xl)?;
            ws.add_data_validation(1, col, 200_000, col, &v).map_err(xl)?;
        }
    }
    let _ = hint;
    ws.set_freeze_panes(1, 0).map_err(xl)?;
    wb.save_to_buffer().map_err(xl)
}
