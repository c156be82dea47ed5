//! Export of a query result (SPEC §5.0): every matching row, streamed from the database into
//! an `.xlsx` written in constant memory (a further sheet after 1,048,575 rows) or a UTF-8
//! CSV with BOM for Chinese Excel. The database read and the file writer run side by side,
//! joined by a small bounded channel, so memory stays flat whatever the row count.
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use futures_util::StreamExt;
use rust_xlsxwriter::{Format as XFormat, Workbook};
use sea_orm::{DatabaseConnection, FromQueryResult, StreamTrait};

use super::enums::{self, Choice};
use super::query::{RawRow, checked, plan, rows_statement};
use super::{MemberFilter, ServiceRow};
use crate::auth::scope::Scope;
use crate::error::{AppError, AppResult};
use crate::ui::fmt_time;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    pub fn parse(s: &str) -> AppResult<Self> {
        match s {
            "xlsx" => Ok(Self::Xlsx),
            "csv" => Ok(Self::Csv),
            _ => Err(AppError::field("format", "导出格式只能是 xlsx 或 csv", "The format is xlsx or csv")),
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Csv => "text/csv; charset=utf-8",
        }
    }
}

pub enum Cell {
    Text(String),
    Int(i64),
}

/// Rows an xlsx sheet holds under its header.
const SHEET_ROWS: u32 = 1_048_575;

/// Writes the header and then every row arriving on `rows` into `path`; returns the number of
/// rows written. Runs on a blocking thread.
pub fn write_file(
    path: &Path,
    format: Format,
    headers: &[(&str, f64)],
    rows: impl Iterator<Item = Vec<Vec<Cell>>>,
    progress: impl Fn(u64),
) -> AppResult<u64> {
    let mut n = 0u64;
    match format {
        Format::Csv => {
            let mut file = BufWriter::with_capacity(1 << 16, File::create(path).map_err(AppError::internal)?);
            file.write_all(b"\xEF\xBB\xBF").map_err(AppError::internal)?;
            let mut w = csv::Writer::from_writer(file);
            w.write_record(headers.iter().map(|h| h.0)).map_err(AppError::internal)?;
            for batch in rows {
                for row in batch {
                    w.write_record(row.iter().map(|c| match c {
                        Cell::Text(s) => defuse(s),
                        Cell::Int(i) => i.to_string(),
                    }))
                    .map_err(AppError::internal)?;
                    n += 1;
                }
                progress(n);
            }
            w.flush().map_err(AppError::internal)?;
        }
        Format::Xlsx => {
            let mut wb = Workbook::new();
            wb.set_tempdir(std::env::temp_dir()).map_err(AppError::internal)?;
            // Big exports are waited for: deflate level 3 saves a third of the time for a
            // slightly larger file (rust_xlsxwriter's default is 6).
            wb.set_zip_compression_level(3);
            let bold = XFormat::new().set_bold();
            let mut sheet = 0usize;
            let mut row = 0u32;
            let new_sheet = |wb: &mut Workbook, index: usize| -> AppResult<()> {
                let ws = wb.add_worksheet_with_constant_memory().map_err(AppError::internal)?;
                ws.set_name(format!("Sheet{}", index + 1)).map_err(AppError::internal)?;
                for (c, (h, width)) in headers.iter().enumerate() {
                    ws.set_column_width(c as u16, *width).map_err(AppError::internal)?;
                    ws.write_string_with_format(0, c as u16, *h, &bold).map_err(AppError::internal)?;
                }
                ws.set_freeze_panes(1, 0).map_err(AppError::internal)?;
                Ok(())
            };
            new_sheet(&mut wb, 0)?;
            for batch in rows {
                for cells in batch {
                    if row == SHEET_ROWS {
                        sheet += 1;
                        row = 0;
                        new_sheet(&mut wb, sheet)?;
                    }
                    row += 1;
                    let ws = wb.worksheet_from_index(sheet).map_err(AppError::internal)?;
                    for (c, cell) in cells.iter().enumerate() {
                        match cell {
                            Cell::Text(s) if s.is_empty() => continue,
                            Cell::Text(s) => ws.write_string(row, c as u16, s),
                            Cell::Int(i) => ws.write_number(row, c as u16, *i as f64),
                        }
                        .map_err(AppError::internal)?;
                    }
                    n += 1;
                }
                progress(n);
            }
            wb.save(path).map_err(AppError::internal)?;
        }
    }
    Ok(n)
}

/// A CSV cell that Excel would read as a formula gets a leading apostrophe.
pub(crate) fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() }
}

/// The export columns of 会员资料及服务查询 (SPEC §5.2, exactly the 16 result columns) with
/// their widths.
pub const MEMBER_SERVICE_COLUMNS: [(&str, f64); 16] = [
    ("企业名称", 36.0),
    ("会员级别", 10.0),
    ("企业状态", 12.0),
    ("平台注册时间", 18.0),
    ("服务开始时间", 14.0),
    ("服务到期时间", 14.0),
    ("诉求受理时间", 18.0),
    ("组织机构", 14.0),
    ("行业分类", 24.0),
    ("会员积分", 10.0),
    ("服务类型", 10.0),
    ("服务方式", 10.0),
    ("服务部门", 12.0),
    ("服务是否到期", 12.0),
    ("履约状态", 10.0),
    ("质检结果", 10.0),
];

fn zh(list: &[Choice], code: &str) -> Cell {
    Cell::Text(if code.is_empty() { String::new() } else { enums::label(list, code).0.to_string() })
}

/// One exported row, labels in Chinese, times in Asia/Shanghai.
pub fn member_service_cells(r: ServiceRow) -> Vec<Cell> {
    let date =
        |d: Option<chrono::NaiveDate>| Cell::Text(d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default());
    vec![
        Cell::Text(r.company_name),
        zh(enums::LEVELS, &r.member_level),
        zh(enums::ENTERPRISE_STATUSES, &r.enterprise_status),
        Cell::Text(r.registered_at.as_ref().map(fmt_time).unwrap_or_default()),
        date(r.service_start),
        date(r.service_end),
        Cell::Text(r.service_at.as_ref().map(fmt_time).unwrap_or_default()),
        Cell::Text(r.org_name),
        Cell::Text(r.industry),
        r.points.map_or(Cell::Text(String::new()), |p| Cell::Int(p.into())),
        zh(enums::SERVICE_TYPES, &r.service_type),
        zh(enums::SERVICE_MODES, &r.service_mode),
        zh(enums::SERVICE_DEPTS, &r.service_dept),
        expired_text(r.expired),
        zh(enums::FULFILMENT_STATUSES, &r.fulfilment_status),
        zh(enums::QA_RESULTS, &r.qa_result),
    ]
}

/// The columns of 电话回访关怀's call list (PG-24, one row per member).
pub const CALL_LIST_COLUMNS: [(&str, f64); 12] = [
    ("企业名称", 36.0),
    ("登录名", 18.0),
    ("会员级别", 10.0),
    ("企业状态", 12.0),
    ("组织机构", 14.0),
    ("服务开始时间", 14.0),
    ("服务到期时间", 14.0),
    ("服务是否到期", 12.0),
    ("履约状态", 10.0),
    ("最近服务时间", 18.0),
    ("最近回访时间", 18.0),
    ("最近回访内容", 16.0),
];

fn expired_text(expired: Option<bool>) -> Cell {
    Cell::Text(match expired {
        Some(true) => "已到期".into(),
        Some(false) => "未到期".into(),
        None => String::new(),
    })
}

/// One row of the call list.
pub fn call_list_cells(r: ServiceRow) -> Vec<Cell> {
    let date =
        |d: Option<chrono::NaiveDate>| Cell::Text(d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default());
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| Cell::Text(t.as_ref().map(fmt_time).unwrap_or_default());
    vec![
        Cell::Text(r.company_name),
        Cell::Text(r.login_name),
        zh(enums::LEVELS, &r.member_level),
        zh(enums::ENTERPRISE_STATUSES, &r.enterprise_status),
        Cell::Text(r.org_name),
        date(r.service_start),
        date(r.service_end),
        expired_text(r.expired),
        zh(enums::FULFILMENT_STATUSES, &r.fulfilment_status),
        time(r.service_at),
        time(r.last_callback_at),
        zh(crate::callbacks::CallbackContent::CHOICES, &r.last_callback_content),
    ]
}

const BATCH: usize = 1000;

/// How a member query is exported: its columns and one row's cells.
pub type MemberSheet = (&'static [(&'static str, f64)], fn(ServiceRow) -> Vec<Cell>);

/// 会员资料及服务查询's sheet.
pub const MEMBER_SERVICES: MemberSheet = (&MEMBER_SERVICE_COLUMNS, member_service_cells);
/// 电话回访关怀's call list.
pub const CALL_LIST: MemberSheet = (&CALL_LIST_COLUMNS, call_list_cells);

/// Exports every row of `f` (服务明细; 按会员 lists members with their latest record) inside
/// `scope` to `path` as `sheet` says; returns the row count. `progress` gets the rows written
/// so far.
pub async fn member_services(
    db: &DatabaseConnection,
    f: &MemberFilter,
    scope: &Scope,
    sheet: MemberSheet,
    format: Format,
    path: &Path,
    progress: impl Fn(u64) + Send + 'static,
) -> AppResult<u64> {
    checked(f)?;
    let stmt = rows_statement(db.get_database_backend(), f, scope, &plan(db, f, scope).await?, None);
    let today = crate::cst::today();
    let (columns, cells) = sheet;
    stream_to_file(db, &stmt, columns, format, path, progress, move |row| {
        Ok(cells(RawRow::from_query_result(row, "")?.into_row(today)))
    })
    .await
}

/// Streams the rows of `stmt` through `cells` into `path`: the database read and the file
/// writer run side by side, joined by a small bounded channel of row batches.
pub async fn stream_to_file(
    db: &DatabaseConnection,
    stmt: &impl sea_orm::StatementBuilder,
    headers: &'static [(&'static str, f64)],
    format: Format,
    path: &Path,
    progress: impl Fn(u64) + Send + 'static,
    cells: impl Fn(&sea_orm::QueryResult) -> AppResult<Vec<Cell>>,
) -> AppResult<u64> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Vec<Cell>>>(8);
    let path_buf = path.to_path_buf();
    let writer = tokio::task::spawn_blocking(move || {
        write_file(&path_buf, format, headers, std::iter::from_fn(move || rx.blocking_recv()), progress)
    });
    let read = async {
        let mut stream = db.stream(stmt).await?;
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(row) = stream.next().await {
            batch.push(cells(&row?)?);
            // A closed channel means the writer failed; its error is reported below.
            if batch.len() == BATCH && tx.send(std::mem::take(&mut batch)).await.is_err() {
                return Ok(());
            }
        }
        if !batch.is_empty() {
            let _ = tx.send(batch).await;
        }
        Ok::<(), AppError>(())
    }
    .await;
    drop(tx);
    let written = writer.await.map_err(AppError::internal)?;
    read?;
    written
}

/// Export columns of 会员发布信息查询 (the 6 result columns, then 登录名, 会员级别, 组织机构,
/// 失效时间) and of 信息推送邮件查询 (every displayed column).
pub const PUBLISHED_COLUMNS: [(&str, f64); 10] = [
    ("企业名称", 36.0),
    ("信息名称", 36.0),
    ("状态", 8.0),
    ("信息类型", 10.0),
    ("行业分类", 24.0),
    ("发布时间", 18.0),
    ("登录名", 16.0),
    ("会员级别", 10.0),
    ("组织机构", 14.0),
    ("失效时间", 18.0),
];
pub const PUSH_COLUMNS: [(&str, f64); 9] = [
    ("企业名称", 36.0),
    ("注册邮箱", 28.0),
    ("信息名称", 36.0),
    ("状态", 8.0),
    ("信息类型", 10.0),
    ("行业分类", 24.0),
    ("发布时间", 18.0),
    ("邮件发送时间", 18.0),
    ("推送状态", 10.0),
];

fn info_cells(kind: super::info_query::InfoKind, r: super::InfoRow) -> Vec<Cell> {
    let t = |v: &Option<chrono::DateTime<chrono::Utc>>| Cell::Text(v.as_ref().map(fmt_time).unwrap_or_default());
    match kind {
        super::info_query::InfoKind::Published => vec![
            Cell::Text(r.company_name),
            Cell::Text(r.title),
            zh(enums::INFO_STATUSES, &r.status),
            zh(enums::INFO_TYPES, &r.info_type),
            Cell::Text(r.industry),
            t(&r.published_at),
            Cell::Text(r.login_name),
            zh(enums::LEVELS, &r.member_level),
            Cell::Text(r.org_name),
            t(&r.expires_at),
        ],
        super::info_query::InfoKind::Pushes => vec![
            Cell::Text(r.company_name),
            Cell::Text(r.email),
            Cell::Text(r.title),
            zh(enums::INFO_STATUSES, &r.status),
            zh(enums::INFO_TYPES, &r.info_type),
            Cell::Text(r.industry),
            t(&r.published_at),
            t(&r.sent_at),
            zh(enums::PUSH_STATUSES, &r.push_status),
        ],
    }
}

/// Exports every published item or push e-mail of `f` inside `scope`.
pub async fn info(
    db: &DatabaseConnection,
    kind: super::info_query::InfoKind,
    f: &super::InfoFilter,
    scope: &Scope,
    format: Format,
    path: &Path,
    progress: impl Fn(u64) + Send + 'static,
) -> AppResult<u64> {
    f.validate().into_result()?;
    let stmt = super::info_query::rows_statement(db.get_database_backend(), kind, f, scope, None);
    let headers: &'static [(&'static str, f64)] = match kind {
        super::info_query::InfoKind::Published => &PUBLISHED_COLUMNS,
        super::info_query::InfoKind::Pushes => &PUSH_COLUMNS,
    };
    stream_to_file(db, &stmt, headers, format, path, progress, move |row| {
        Ok(info_cells(kind, super::info_query::RawInfo::from_query_result(row, "")?.into_row()))
    })
    .await
}
