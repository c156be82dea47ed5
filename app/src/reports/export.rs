//! A report as the header states its criteria, and as an xlsx workbook: the criteria in the
//! header rows, the table with numbers as numbers (shares as percentages), the totals bold,
//! and a native Excel chart over a sheet of the chart's data.
use std::path::Path;

use super::{Report, ReportFilter, Value};
use crate::error::{AppError, AppResult};

/// Writes `r` to `path` as an xlsx workbook; returns the number of table rows.
pub fn workbook(r: &Report, path: &Path) -> AppResult<u64> {
    use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, FormatBorder, Workbook};
    let x = AppError::internal;
    let mut wb = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_background_color("#EEF3FF")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let bold = Format::new().set_bold().set_border(FormatBorder::Thin).set_background_color("#F5F7FA");
    let pct = Format::new().set_num_format("0.00%").set_border(FormatBorder::Thin);
    let pct_bold = pct.clone().set_bold().set_background_color("#F5F7FA");
    let dec = Format::new().set_num_format("0.0#").set_border(FormatBorder::Thin);
    let dec_bold = dec.clone().set_bold().set_background_color("#F5F7FA");

    let ws = wb.add_worksheet();
    ws.set_name("报表").map_err(x)?;
    ws.write_string_with_format(0, 0, r.title.zh.as_str(), &title).map_err(x)?;
    let mut row = 1u32;
    for (label, value) in &r.criteria {
        ws.write_string(row, 0, format!("{}:{}", label.zh, value.zh)).map_err(x)?;
        row += 1;
    }
    ws.write_string(row, 0, format!("生成时间:{}", crate::ui::fmt_time(&chrono::Utc::now()))).map_err(x)?;
    row += 2;
    let heads = r.heads.len() as u16;
    for c in 0..heads {
        ws.set_column_width(c, 16).map_err(x)?;
    }
    // Two header rows: the column groups, then the columns.
    for (i, h) in r.heads.iter().enumerate() {
        ws.merge_range(row, i as u16, row + 1, i as u16, &h.zh, &head).map_err(x)?;
    }
    let mut i = 0;
    while i < r.columns.len() {
        let group = r.columns[i].group.clone();
        let mut j = i;
        while j + 1 < r.columns.len() && r.columns[j + 1].group.is_some() && r.columns[j + 1].group == group {
            j += 1;
        }
        let (c0, c1) = (heads + i as u16, heads + j as u16);
        match &group {
            Some(g) if j > i => {
                ws.merge_range(row, c0, row, c1, &g.zh, &head).map_err(x)?;
            }
            Some(g) => {
                ws.write_string_with_format(row, c0, &g.zh, &head).map_err(x)?;
            }
            None => {}
        }
        for k in i..=j {
            let c = heads + k as u16;
            ws.set_column_width(c, 12).map_err(x)?;
            if group.is_none() {
                ws.merge_range(row, c, row + 1, c, &r.columns[k].label.zh, &head).map_err(x)?;
            } else {
                ws.write_string_with_format(row + 1, c, &r.columns[k].label.zh, &head).map_err(x)?;
            }
        }
        i = j + 1;
    }
    row += 2;
    let first_data = row;
    for data in &r.rows {
        let (text, num, rate, hours) =
            if data.total { (&bold, &bold, &pct_bold, &dec_bold) } else { (&cell, &cell, &pct, &dec) };
        for (i, h) in data.heads.iter().enumerate() {
            ws.write_string_with_format(row, i as u16, &h.zh, text).map_err(x)?;
        }
        for (k, c) in data.cells.iter().enumerate() {
            let col = heads + k as u16;
            let format = match c.value {
                Value::Count(_) => num,
                Value::Rate(_) => rate,
                Value::Hours(_) | Value::Average(_) => hours,
            };
            match c.value.number() {
                Some(n) => ws.write_number_with_format(row, col, n, format),
                None => ws.write_string_with_format(row, col, "—", format),
            }
            .map_err(x)?;
        }
        row += 1;
    }
    let rows = u64::from(row - first_data);

    // The chart over a sheet of its own data: the categories (rows or periods) × the series.
    let series: Vec<usize> = r.columns.iter().enumerate().filter(|(_, c)| c.series).map(|(i, _)| i).collect();
    // (The grand total is the last row; total rows before it are the periods' subtotals.)
    let last = r.rows.len().saturating_sub(1);
    let subtotals: Vec<&super::Row> =
        r.rows.iter().enumerate().filter(|(i, x)| x.total && *i != last).map(|(_, x)| x).collect();
    let by_period = !subtotals.is_empty();
    let points: Vec<&super::Row> = if by_period { subtotals } else { r.rows.iter().filter(|x| !x.total).collect() };
    if !series.is_empty() && !points.is_empty() {
        let data = wb.add_worksheet();
        data.set_name("图表数据").map_err(x)?;
        data.write_string(0, 0, "类别").map_err(x)?;
        for (s, &k) in series.iter().enumerate() {
            data.write_string(0, 1 + s as u16, &r.columns[k].label.zh).map_err(x)?;
        }
        for (i, p) in points.iter().enumerate() {
            let label = if by_period {
                p.heads[0].zh.clone()
            } else {
                p.heads.iter().map(|h| h.zh.as_str()).collect::<Vec<_>>().join(" ")
            };
            data.write_string(1 + i as u32, 0, label).map_err(x)?;
            for (s, &k) in series.iter().enumerate() {
                let n = p.cells.get(k).and_then(|c| c.value.number()).unwrap_or(0.0);
                data.write_number(1 + i as u32, 1 + s as u16, n).map_err(x)?;
            }
        }
        let mut chart = Chart::new(if by_period { ChartType::Line } else { ChartType::ColumnStacked });
        chart.title().set_name(r.title.zh.as_str());
        let last = points.len() as u32;
        for (s, _) in series.iter().enumerate() {
            let c = 1 + s as u16;
            chart.add_series().set_name(("图表数据", 0, c)).set_categories(("图表数据", 1, 0, last, 0)).set_values((
                "图表数据",
                1,
                c,
                last,
                c,
            ));
        }
        chart.set_width(720).set_height(400);
        let ws = wb.worksheet_from_index(0).map_err(x)?;
        ws.insert_chart(row + 1, 0, &chart).map_err(x)?;
    }
    wb.save(path).map_err(x)?;
    Ok(rows)
}

/// Generates report `f` for `user` and writes it to `path` (the export job's work).
pub async fn write(
    db: &impl sea_orm::ConnectionTrait,
    user: &crate::auth::session::CurrentUser,
    f: &ReportFilter,
    path: &Path,
) -> AppResult<u64> {
    let report = super::service::run(db, user, f).await?;
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || workbook(&report, &path)).await.map_err(AppError::internal)?
}
