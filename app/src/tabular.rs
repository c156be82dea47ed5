//! Spreadsheet files as text: an uploaded `.xlsx` (first sheet) or `.csv` (UTF-8 with or
//! without BOM, or GB18030 as saved by Chinese Excel) becomes a header row and data rows of
//! trimmed strings. Dates and times typed as such in Excel come out as `YYYY-MM-DD[ HH:MM:SS]`.
//!
//! A file is read cell by cell (an .xlsx with calamine's cell reader, a .csv record by record
//! through a streaming decoder): memory follows the cells actually present, never the sheet's
//! width × height. A sheet declaring or holding more than `MAX_ROWS` data rows, a cell beyond
//! `MAX_COLUMNS`, or more than `MAX_CELLS` filled cells is refused with a readable message.
//! `open` does the cheap checks (kind, workbook, declared dimension) so that an upload can be
//! refused at once; `Upload::table` then reads the rows.
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, DataType, Dimensions, Reader, Xlsx};

use crate::error::{AppError, AppResult};

/// At most this many data rows per file (an import is one transaction).
pub const MAX_ROWS: usize = 200_000;
/// At most this many columns (the widest import or CM layout has fewer than 40).
pub const MAX_COLUMNS: usize = 200;
/// At most this many filled cells per file (`MAX_ROWS` rows of a 40-column layout).
pub const MAX_CELLS: usize = 8_000_000;
/// An .xlsx's parts may inflate to this much together, and its shared strings (which are
/// read into memory whole) to this much: a zip bomb is refused before anything is inflated.
const MAX_UNZIPPED: (u64, u64) = (1 << 30, 256 << 20);

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

fn too_long(line: usize) -> AppError {
    rejected(
        &format!("一次最多导入 {MAX_ROWS} 行,请拆分文件(第 {line} 行超出)"),
        &format!("At most {MAX_ROWS} rows per file; split it (row {line} is beyond)"),
    )
}

/// The Excel name of a 0-based column: A, Z, AA, XFD.
pub fn column_letter(col: usize) -> String {
    let mut n = col + 1;
    let mut s = vec![];
    while n > 0 {
        s.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    s.iter().rev().map(|b| *b as char).collect()
}

/// An uploaded file that passed the cheap checks; `table` reads its rows.
pub struct Upload(Source);

enum Source {
    Xlsx { book: Box<Xlsx<Cursor<Vec<u8>>>>, sheet: String },
    Csv { bytes: Vec<u8>, encoding: &'static encoding_rs::Encoding },
}

/// Checks `bytes` by the file name's extension: an .xlsx must open and its first sheet's
/// declared dimension be within the limits; a .csv's encoding is chosen.
pub fn open(file_name: &str, bytes: Vec<u8>) -> AppResult<Upload> {
    let lower = file_name.to_lowercase();
    if lower.ends_with(".xlsx") {
        check_unzipped(&bytes, MAX_UNZIPPED)?;
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(bad_xlsx)?;
        let sheet = book
            .sheet_names()
            .first()
            .cloned()
            .ok_or_else(|| rejected("Excel 文件没有工作表", "The workbook has no sheet"))?;
        check_dimensions(book.worksheet_cells_reader(&sheet).map_err(bad_xlsx)?.dimensions())?;
        Ok(Upload(Source::Xlsx { book: Box::new(book), sheet }))
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
        let encoding = if bytes.starts_with(b"\xEF\xBB\xBF") || std::str::from_utf8(&bytes).is_ok() {
            encoding_rs::UTF_8
        } else {
            encoding_rs::GB18030
        };
        Ok(Upload(Source::Csv { bytes, encoding }))
    } else {
        Err(rejected("只支持 .xlsx 和 .csv 文件", "Only .xlsx and .csv files are supported"))
    }
}

/// Reads `bytes` by the file name's extension.
pub fn read(file_name: &str, bytes: &[u8]) -> AppResult<Table> {
    open(file_name, bytes.to_vec())?.table()
}

impl Upload {
    /// The header row and the data rows, read cell by cell within the limits.
    pub fn table(self) -> AppResult<Table> {
        let mut rows = Rows::default();
        match self.0 {
            Source::Xlsx { mut book, sheet } => {
                let mut cells = book.worksheet_cells_reader(&sheet).map_err(bad_xlsx)?;
                while let Some(c) = cells.next_cell().map_err(bad_xlsx)? {
                    let (row, col) = c.get_position();
                    rows.put(row as usize + 1, col as usize, cell(&Data::from(c.get_value().clone())))?;
                }
            }
            Source::Csv { bytes, encoding } => {
                let src = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
                let decoded = Decoded { src, decoder: encoding.new_decoder_without_bom_handling(), finished: false };
                let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(decoded);
                let mut record = csv::StringRecord::new();
                // Records are numbered from 1 (blank lines are no records).
                let mut line = 0;
                while reader
                    .read_record(&mut record)
                    .map_err(|e| rejected(&format!("CSV 格式错误:{e}"), &format!("Malformed CSV: {e}")))?
                {
                    line += 1;
                    for (col, value) in record.iter().enumerate() {
                        rows.put(line, col, value.trim().to_string())?;
                    }
                }
            }
        }
        let mut lines = rows.lines.into_iter();
        let headers = lines.next().map(|(_, h)| h).ok_or_else(|| rejected("文件是空的", "The file is empty"))?;
        Ok(Table { headers, rows: lines.collect() })
    }
}

/// The filled cells of a file by line, within the limits.
#[derive(Default)]
struct Rows {
    lines: BTreeMap<usize, Vec<String>>,
    cells: usize,
}

impl Rows {
    /// Puts `value` at (`line`, 1-based; `col`, 0-based); empty values are left out.
    fn put(&mut self, line: usize, col: usize, value: String) -> AppResult<()> {
        if value.is_empty() {
            return Ok(());
        }
        if col >= MAX_COLUMNS {
            let at = format!("{}{line}", column_letter(col));
            return Err(rejected(
                &format!(
                    "第 {line} 行第 {} 列({at})有内容,超出上限:文件最多 {MAX_COLUMNS} 列(导入模板不到 40 列),请删除多余的列",
                    col + 1
                ),
                &format!("Cell {at} is beyond the {MAX_COLUMNS}-column limit; remove the extra columns"),
            ));
        }
        self.cells += 1;
        if self.cells > MAX_CELLS {
            return Err(rejected(
                &format!("文件中有内容的单元格超过 {MAX_CELLS} 个(第 {line} 行),请拆分文件"),
                &format!("More than {MAX_CELLS} filled cells (at row {line}); split the file"),
            ));
        }
        if !self.lines.contains_key(&line) && self.lines.len() > MAX_ROWS {
            return Err(too_long(line));
        }
        let row = self.lines.entry(line).or_default();
        if row.len() <= col {
            row.resize(col + 1, String::new());
        }
        row[col] = value;
        Ok(())
    }
}

fn bad_xlsx(e: calamine::XlsxError) -> AppError {
    rejected(&format!("无法读取 Excel 文件:{e}"), &format!("Cannot read the Excel file: {e}"))
}

/// Refuses an .xlsx whose parts declare more than `total` bytes inflated, or whose shared
/// strings more than `strings` (the zip reader then holds each part to its declared size).
fn check_unzipped(bytes: &[u8], (total, strings): (u64, u64)) -> AppResult<()> {
    let bad = |e: zip::result::ZipError| bad_xlsx(calamine::XlsxError::Zip(e));
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(bad)?;
    let mut sum = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(bad)?;
        sum = sum.saturating_add(part.size());
        let name = part.name().map_err(bad)?;
        if sum > total || (name.ends_with("sharedStrings.xml") && part.size() > strings) {
            return Err(rejected(
                &format!("Excel 文件解压后过大({name}),请拆分文件或另存为 CSV 后上传"),
                &format!("The Excel file inflates too much ({name}); split it or save it as CSV"),
            ));
        }
    }
    Ok(())
}

/// Refuses a sheet whose declared dimension (`<dimension ref="A1:XFD1048576"/>`) is beyond
/// the limits, before any cell is read.
fn check_dimensions(d: Dimensions) -> AppResult<()> {
    let (rows, cols) = (d.end.0 as usize + 1, d.end.1 as usize + 1);
    if rows > MAX_ROWS + 1 || cols > MAX_COLUMNS {
        let range = format!("A1:{}{rows}", column_letter(cols - 1));
        return Err(rejected(
            &format!(
                "工作表的范围为 {range}({rows} 行、{cols} 列),超出上限:最多 {MAX_ROWS} 行数据、{MAX_COLUMNS} 列(导入模板不到 40 列);请删除多余的行和列,或拆分文件"
            ),
            &format!(
                "The sheet spans {range} ({rows} rows, {cols} columns); at most {MAX_ROWS} data rows and {MAX_COLUMNS} columns: remove the extra rows and columns or split the file"
            ),
        ));
    }
    Ok(())
}

/// The bytes of `src` decoded to UTF-8 as they are read.
struct Decoded<'a> {
    src: &'a [u8],
    decoder: encoding_rs::Decoder,
    finished: bool,
}

impl Read for Decoded<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.finished || buf.is_empty() {
            return Ok(0);
        }
        if buf.len() < 4 {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "buffer too small to decode into"));
        }
        let (result, read, written, _) = self.decoder.decode_to_utf8(self.src, buf, true);
        self.src = &self.src[read..];
        self.finished = result == encoding_rs::CoderResult::InputEmpty;
        Ok(written)
    }
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

#[cfg(test)]
mod tests;
