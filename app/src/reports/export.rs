//! A report as the header states its criteria, and as an xlsx workbook: the criteria in the
//! header rows, the table with numbers as numbers (shares as percentages), the totals bold,
//! and a native Excel chart over a sheet of the chart's data.
use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use super::{Field, PushSource, Report, ReportFilter, ReportKind, ResultFilter, Value, list};
use crate::error::{AppError, AppResult, Text};
use crate::members::enums::INFO_TYPES;

/// The criteria of a report: (label, value) in both languages.
pub fn criteria(
    f: &ReportFilter,
    kind: ReportKind,
    from: NaiveDate,
    to: NaiveDate,
    orgs: &HashMap<i64, String>,
) -> Vec<(Text, Text)> {
    let t = |zh: &str, en: &str| Text::new(zh, en);
    let (tz, te) = kind.time_label();
    let preset = f.preset();
    let mut out = vec![
        (t("报表类型", "Report"), t(kind.zh(), kind.en())),
        (t(tz, te), Text::new(format!("{} {from} 至 {to}", preset.zh()), format!("{} {from} – {to}", preset.en()))),
        (t("统计粒度", "Grain"), t(f.grain().zh(), f.grain().en())),
    ];
    let labels = |codes: &str, label: &dyn Fn(&str) -> Option<Text>| -> Option<Text> {
        let picked: Vec<Text> = list(codes).into_iter().filter_map(label).collect();
        (!picked.is_empty()).then(|| {
            Text::new(
                picked.iter().map(|x| x.zh.as_str()).collect::<Vec<_>>().join("、"),
                picked.iter().map(|x| x.en.as_str()).collect::<Vec<_>>().join(", "),
            )
        })
    };
    let all = || t("全部", "All");
    for field in kind.fields() {
        let (label, value) = match field {
            Field::Orgs => (
                t("组织结构", "Organisation"),
                labels(&f.orgs, &|id| id.parse().ok().and_then(|id: i64| orgs.get(&id)).map(|n| Text::new(n, n))),
            ),
            Field::Levels => {
                (t("会员级别", "Member level"), labels(&f.levels, &|c| Some(super::service::level_text(c))))
            }
            Field::HandlingStatus => (
                t("解决状态", "Status"),
                labels(&f.handling_status, &|c| crate::requests::HandlingStatus::parse(c).map(|s| t(s.zh(), s.en()))),
            ),
            Field::RequestType => (
                t("诉求类别", "Category"),
                labels(&f.request_type, &|c| crate::requests::RequestType::parse(c).map(|s| t(s.zh(), s.en()))),
            ),
            Field::ServiceResult => {
                (t("服务结果", "Result"), labels(&f.result, &|c| ResultFilter::parse(c).map(|s| t(s.zh(), s.en()))))
            }
            Field::Satisfaction => (
                t("满意程度", "Satisfaction"),
                labels(&f.satisfaction, &|c| {
                    crate::callbacks::Satisfaction::parse(c)
                        .map(|s| t(s.zh(), s.en()))
                        .or_else(|| (c == super::NONE).then(|| t("未评价", "Not rated")))
                }),
            ),
            Field::InfoTypes => (
                t("信息发布类别", "Information type"),
                labels(&f.info_types, &|c| INFO_TYPES.iter().find(|x| x.0 == c).map(|x| t(x.1, x.2))),
            ),
            Field::Metric => {
                let m = f.metric();
                (t("统计指标", "Metric"), Some(t(m.zh(), m.en())))
            }
            Field::Source => {
                (t("来源", "Source"), labels(&f.source, &|c| PushSource::parse(c).map(|s| t(s.zh(), s.en()))))
            }
            Field::ByLevel => {
                (t("按会员级别分行", "Rows by level"), Some(if f.by_level() { t("是", "Yes") } else { t("否", "No") }))
            }
        };
        out.push((label, value.unwrap_or_else(all)));
    }
    out
}

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
    ws.write_string_with_format(0, 0, r.kind.zh(), &title).map_err(x)?;
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
    let by_period = r.rows.iter().any(|x| x.total && x.heads.first().is_some_and(|h| h.zh != "合计"));
    let points: Vec<&super::Row> = if by_period {
        r.rows.iter().filter(|x| x.total && x.heads.first().is_some_and(|h| h.zh != "合计")).collect()
    } else {
        r.rows.iter().filter(|x| !x.total).collect()
    };
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
        chart.title().set_name(r.kind.zh());
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
