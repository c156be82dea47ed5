//! Spreadsheet files as text: an uploaded `.xlsx` (first sheet) or `.csv` (UTF-8 with or
//! without BOM, or GB18030 as saved by Chinese Excel) becomes a header row and data rows of
//! trimmed strings. Dates and times typed as such in Excel come out as `YYYY-MM-DD[ HH:MM:SS]`.
use calamine::{Data, DataType, Reader, Xlsx};

use crate::error::{AppError, AppResult};

/// At most this many data rows per file (an import is one transaction).
pub const MAX_ROWS: usize = 200_000;

pub struct Table {
    pub headers: Vec<String>,
    /// Data rows with their 1-based line number in the file (the header is line 1).
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// The column index of the first header equal to one of `names` (a template's required
    /// mark ※ or * before the header is ignored).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.headers.iter().position(|h| {
            let h = h.trim().trim_start_matches(['※', '*']).trim();
            names.iter().any(|n| h.eq_ignore_ascii_case(n))
        })
    }
}

impl Table {
    /// Where the columns of a documented layout — (field, 中文 header, required) — are: the
    /// header may be the Chinese name or the field name. A missing required column is an error.
    pub fn layout_columns<'a>(
        &self,
        layout: impl IntoIterator<Item = (&'a str, &'a str, bool)>,
    ) -> AppResult<Vec<(&'a str, usize)>> {
        let mut columns = vec![];
        let mut missing = vec![];
        for (field, zh, required) in layout {
            match self.column(&[zh, field]) {
                Some(i) => columns.push((field, i)),
                None if required => missing.push(zh),
                None => {}
            }
        }
        if !missing.is_empty() {
            let list = missing.join("、");
            return Err(AppError::rejected(
                &format!("文件缺少必需的列:{list}(请使用下载的模板)"),
                &format!("Required columns missing: {list} (use the template)"),
            ));
        }
        Ok(columns)
    }
}

fn rejected(zh: &str, en: &str) -> AppError {
    AppError::rejected(zh, en)
}

/// Reads `bytes` by the file name's extension.
pub fn read(file_name: &str, bytes: &[u8]) -> AppResult<Table> {
    let lower = file_name.to_lowercase();
    let rows = if lower.ends_with(".xlsx") {
        read_xlsx(bytes)?
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
        read_csv(bytes)?
    } else {
        return Err(rejected("只支持 .xlsx 和 .csv 文件", "Only .xlsx and .csv files are supported"));
    };
    let mut lines =
        rows.into_iter().enumerate().map(|(i, r)| (i + 1, r)).filter(|(_, r)| r.iter().any(|c| !c.is_empty()));
    let headers = lines.next().map(|(_, h)| h).ok_or_else(|| rejected("文件是空的", "The file is empty"))?;
    let rows: Vec<(usize, Vec<String>)> = lines.collect();
    if rows.len() > MAX_ROWS {
        return Err(rejected(
            &format!("一次最多导入 {MAX_ROWS} 行,请拆分文件"),
            &format!("At most {MAX_ROWS} rows per file; split it"),
        ));
    }
    Ok(Table { headers, rows })
}

fn read_csv(bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    let text = match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.map(|rec| rec.iter().map(|c| c.trim().to_string()).collect())
                .map_err(|e| rejected(&format!("CSV 格式错误:{e}"), &format!("Malformed CSV: {e}")))
        })
        .collect()
}

fn cell(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(_) | Data::DateTimeIso(_) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.format("%Y-%m-%d").to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => String::new(),
        },
        other => other.to_string(),
    }
}

fn read_xlsx(bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    let bad = |e: calamine::XlsxError| {
        rejected(&format!("无法读取 Excel 文件:{e}"), &format!("Cannot read the Excel file: {e}"))
    };
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(bad)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| rejected("Excel 文件没有工作表", "The workbook has no sheet"))?
        .map_err(bad)?;
    if range.height() > MAX_ROWS + 1 {
        return Err(rejected(
            &format!("一次最多导入 {MAX_ROWS} 行,请拆分文件"),
            &format!("At most {MAX_ROWS} rows per file"),
        ));
    }
    Ok(range.rows().map(|r| r.iter().map(cell).collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_with_bom_and_in_gb18030() {
        let t = read("a.csv", "\u{feff}企业名称,登录名\n 云帆 ,yf\n\n".as_bytes()).unwrap();
        assert_eq!(t.headers, ["企业名称", "登录名"]);
        assert_eq!(t.rows, vec![(2, vec!["云帆".to_string(), "yf".to_string()])]);
        let (gbk, _, _) = encoding_rs::GB18030.encode("企业名称\n云帆科技\n");
        let t = read("b.CSV", &gbk).unwrap();
        assert_eq!(t.rows[0].1, ["云帆科技"]);
        assert!(read("c.pdf", b"x").is_err());
        assert!(read("d.csv", b"").is_err());
    }

    #[test]
    fn xlsx_round_trip() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "企业名称").unwrap();
        ws.write_string(0, 1, "积分").unwrap();
        ws.write_string(1, 0, "云帆科技").unwrap();
        ws.write_number(1, 1, 12.0).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let t = read("x.xlsx", &bytes).unwrap();
        assert_eq!(t.column(&["积分", "points"]), Some(1));
        assert_eq!(t.rows[0].1, ["云帆科技", "12"]);
    }
}
