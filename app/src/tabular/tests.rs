//! Reading files: encodings, xlsx values, and the limits that keep a small hostile upload
//! (a sparse sheet, an over-wide or over-long file) from taking the server's memory.
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Read, Write};

use super::*;

/// The largest single allocation this thread asked for (the test binary's allocator notes it).
struct Largest;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    let _ = LARGEST.try_with(|c| c.set(c.get().max(size)));
}

unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Largest = Largest;

fn largest_allocation_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|c| c.set(0));
    let out = f();
    (out, LARGEST.with(Cell::get))
}

fn message(e: AppError) -> String {
    e.message(crate::i18n::Locale::Zh)
}

/// An .xlsx with `cells` (row, col, text), 0-based.
fn xlsx(cells: &[(u32, u16, &str)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, c, v) in cells {
        ws.write_string(*r, *c, *v).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// The same workbook with the sheet's `<dimension>` element removed (as a hand-made file may).
fn without_dimension(bytes: &[u8]) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name.starts_with("xl/worksheets/") {
            let xml = String::from_utf8(data).unwrap();
            let start = xml.find("<dimension").expect("a dimension element");
            let end = start + xml[start..].find("/>").unwrap() + 2;
            data = format!("{}{}", &xml[..start], &xml[end..]).into_bytes();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zout.write_all(&data).unwrap();
    }
    zout.finish().unwrap().into_inner()
}

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
fn a_long_gb18030_csv_is_decoded_across_read_buffers() {
    let text: String = std::iter::once("企业名称,联系人\n".to_string())
        .chain((0..3000).map(|i| format!("云帆科技{i}号,张三丰\n")))
        .collect();
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    assert!(std::str::from_utf8(&gbk).is_err());
    let t = read("g.csv", &gbk).unwrap();
    assert_eq!(t.rows.len(), 3000);
    assert!(
        t.rows
            .iter()
            .enumerate()
            .all(|(i, (line, r))| *line == i + 2 && r[0] == format!("云帆科技{i}号") && r[1] == "张三丰")
    );
}

#[test]
fn xlsx_round_trip() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "企业名称").unwrap();
    ws.write_string(0, 1, "积分").unwrap();
    ws.write_string(1, 0, "云帆科技").unwrap();
    ws.write_number(1, 1, 12.0).unwrap();
    ws.write_string(3, 1, " 隔一行 ").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let t = read("x.xlsx", &bytes).unwrap();
    assert_eq!(t.column(&["积分", "points"]), Some(1));
    assert_eq!(t.rows, vec![(2, vec!["云帆科技".into(), "12".into()]), (4, vec![String::new(), "隔一行".into()])]);
}

#[test]
fn a_sparse_xlsx_is_refused_without_a_dense_allocation() {
    // 1.6 KB on disk; as a dense range 16,384 × 1,048,576 cells (the abort of issue 9).
    let bytes = xlsx(&[(0, 0, "企业名称"), (1_048_575, 16_383, "x")]);
    assert!(bytes.len() < 10_000, "{}", bytes.len());
    let (result, largest) = largest_allocation_during(|| read("sparse.xlsx", &bytes));
    let msg = message(result.err().expect("refused"));
    assert!(msg.contains("A1:XFD1048576") && msg.contains("200 列"), "{msg}");
    assert!(largest < 16 << 20, "largest allocation {largest} bytes");
    // The upload is refused by `open` already, before any row is read.
    assert!(open("sparse.xlsx", bytes).is_err());
}

#[test]
fn a_sheet_without_a_declared_dimension_is_checked_cell_by_cell() {
    let wide = without_dimension(&xlsx(&[(0, 0, "企业名称"), (1_048_575, 16_383, "x")]));
    assert!(open("wide.xlsx", wide.clone()).is_ok(), "nothing declared");
    let (result, largest) = largest_allocation_during(|| read("wide.xlsx", &wide));
    let msg = message(result.err().expect("refused"));
    assert!(msg.contains("第 1048576 行") && msg.contains("XFD1048576"), "{msg}");
    assert!(largest < 16 << 20, "largest allocation {largest} bytes");
    // Few cells far down: memory follows the cells, the line number is the sheet's row.
    let tall = without_dimension(&xlsx(&[(0, 0, "企业名称"), (150_000, 0, "云帆科技")]));
    let (t, largest) = largest_allocation_during(|| read("tall.xlsx", &tall).unwrap());
    assert_eq!(t.rows, vec![(150_001, vec!["云帆科技".to_string()])]);
    assert!(largest < 16 << 20, "largest allocation {largest} bytes");
}

#[test]
fn an_over_wide_csv_is_refused_with_the_cell() {
    let fine: Vec<String> = (0..MAX_COLUMNS).map(|i| format!("c{i}")).collect();
    let t = read("ok.csv", format!("{}\n{}\n", fine.join(","), fine.join(",")).as_bytes()).unwrap();
    assert_eq!(t.headers.len(), MAX_COLUMNS);
    // Empty trailing fields beyond the limit are no content.
    assert!(read("trailing.csv", format!("a,b{}\n1,2\n", ",".repeat(500)).as_bytes()).is_ok());
    let wide: Vec<String> = (0..=MAX_COLUMNS).map(|i| format!("c{i}")).collect();
    let msg = message(read("wide.csv", format!("a,b\n{}\n", wide.join(",")).as_bytes()).err().unwrap());
    assert!(msg.contains("第 2 行第 201 列(GS2)") && msg.contains("最多 200 列"), "{msg}");
}

#[test]
fn an_over_long_csv_is_refused_while_reading() {
    let mut text = String::from("企业名称\n");
    for i in 0..MAX_ROWS {
        text.push_str(&format!("公司{i}\n"));
    }
    assert_eq!(read("max.csv", text.as_bytes()).unwrap().rows.len(), MAX_ROWS);
    // Blank lines do not count; one more filled line does.
    text.push_str(",,\n\n");
    assert!(read("blank.csv", text.as_bytes()).is_ok());
    text.push_str("多一行\n");
    let msg = message(read("long.csv", text.as_bytes()).err().unwrap());
    assert!(msg.contains("一次最多导入 200000 行") && msg.contains("第 200003 行"), "{msg}");
}

#[test]
fn filled_cells_are_capped() {
    let mut rows = Rows::default();
    let per_row = 200;
    let mut refused = None;
    'fill: for line in 1..=(MAX_CELLS / per_row + 1) {
        for col in 0..per_row {
            if let Err(e) = rows.put(line, col, "1".into()) {
                refused = Some((line, message(e)));
                break 'fill;
            }
        }
    }
    let (line, msg) = refused.expect("refused");
    assert_eq!(line, MAX_CELLS / per_row + 1);
    assert!(msg.contains("超过 8000000 个"), "{msg}");
}

#[test]
fn an_xlsx_inflating_beyond_the_limits_is_refused_before_inflating() {
    let bytes = xlsx(&[(0, 0, "企业名称"), (1, 0, "云帆科技")]);
    assert!(check_unzipped(&bytes, MAX_UNZIPPED).is_ok());
    let msg = message(check_unzipped(&bytes, (1 << 30, 10)).expect_err("shared strings over the limit"));
    assert!(msg.contains("解压后过大(xl/sharedStrings.xml)"), "{msg}");
    assert!(check_unzipped(&bytes, (1000, 1 << 20)).is_err(), "all parts over the limit");
    assert!(read("not-a-zip.xlsx", b"PK\x03\x04 but nothing more").is_err());
}

#[test]
fn column_letters() {
    let letters: Vec<String> = [0, 25, 26, 51, 52, 200, 16_383].into_iter().map(column_letter).collect();
    assert_eq!(letters, ["A", "Z", "AA", "AZ", "BA", "GS", "XFD"]);
}
