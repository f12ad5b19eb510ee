//! A returned spreadsheet read into a [`Sheet`] within the limits of [`super::sheet`]. Both formats are
//! zip archives of XML, so a small file can declare anything: the archive's parts are
//! measured before calamine opens them (the zip reader stops a part at its declared size,
//! so the declared sizes bound what is unpacked). An `.xlsx` sheet is then streamed cell by
//! cell into the sparse sheet, so a far cell never makes calamine allocate the dense range
//! up to it. calamine reads an `.ods` whole and expands its repeated rows and columns
//! into dense ranges, so the repeats are first counted in one streaming pass over
//! `content.xml` and a file whose expansion goes past a limit is refused before calamine
//! reads it.

use super::sheet::{
    Cell, Cells, Limit, MAX_CELLS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES,
    Sheet, SheetError,
};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// The first sheet of `path`, whatever it was saved as.
pub fn read(path: &Path) -> Result<Sheet, SheetError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let read = |e: std::io::Error| SheetError::Read(e.to_string());
    // the size first: nothing past it is opened at all
    let bytes = std::fs::metadata(path).map_err(read)?.len();
    if bytes > MAX_FILE_BYTES {
        return Err(SheetError::Limit {
            at: None,
            limit: Limit::FileBytes(bytes),
        });
    }
    match ext.as_str() {
        "csv" => super::sheet::read_csv(path),
        "xlsx" | "xlsm" => read_xlsx(path),
        "ods" => read_ods(path),
        other => Err(SheetError::Kind(other.to_string())),
    }
}

fn read_error(e: impl std::fmt::Display) -> SheetError {
    SheetError::Read(e.to_string())
}

/// The first sheet of an `.xlsx` (or `.xlsm`) file.
pub(super) fn read_xlsx(path: &Path) -> Result<Sheet, SheetError> {
    use calamine::{DataRef, Reader, Xlsx};
    check_zip(path)?;
    let mut book: Xlsx<_> = calamine::open_workbook(path).map_err(read_error)?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or(SheetError::Empty)?;
    let mut cells = Cells::new(Some(name.clone()));
    let mut reader = book.worksheet_cells_reader(&name).map_err(read_error)?;
    // what the sheet says of itself: refused even when its far cells turn out empty,
    // since a program that wrote a false dimension may have written anything
    let dim = reader.dimensions();
    if dim.end.0 as usize >= MAX_ROWS || dim.end.1 as usize >= MAX_COLUMNS {
        let corner = |(r, c): (u32, u32)| {
            format!(
                "{}{}",
                super::sheet::column_name(c as usize),
                u64::from(r) + 1
            )
        };
        let range = format!("{}:{}", corner(dim.start), corner(dim.end));
        let end = (dim.end.0 as usize, dim.end.1 as usize);
        return Err(cells.error(Limit::Declared(range), Some(end)));
    }
    while let Some(c) = reader
        .next_cell_with_formula_metadata()
        .map_err(read_error)?
    {
        let cell = match c.value {
            // openpyxl and other scripts write a formula without its result
            DataRef::Empty if c.formula.is_some() => Cell::Uncomputed,
            DataRef::Empty => Cell::Empty,
            DataRef::Int(i) => Cell::Number(i as f64),
            DataRef::Float(f) => Cell::Number(f),
            DataRef::String(s) => Cell::Text(s),
            DataRef::SharedString(s) => Cell::Text(cut(s)),
            DataRef::Bool(b) => Cell::Text(b.to_string()),
            DataRef::DateTime(_) | DataRef::DateTimeIso(_) | DataRef::DurationIso(_) => Cell::Date,
            DataRef::Error(e) => Cell::Error(e.to_string()),
        };
        cells.put(u64::from(c.pos.0), u64::from(c.pos.1), cell)?;
    }
    Ok(cells.done())
}

/// A shared string as kept: cut before it is copied, since one string of the whole
/// shared-strings part may be named by every cell.
fn cut(s: &str) -> String {
    s.chars().take(super::sheet::MAX_TEXT).collect()
}

/// The first sheet of an `.ods` file.
pub(super) fn read_ods(path: &Path) -> Result<Sheet, SheetError> {
    use calamine::{Data, Ods, Reader};
    check_zip(path)?;
    scan_ods(path)?;
    let mut book: Ods<_> = calamine::open_workbook(path).map_err(read_error)?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or(SheetError::Empty)?;
    let values = book.worksheet_range(&name).map_err(read_error)?;
    let formulas = book.worksheet_formula(&name).map_err(read_error)?;
    let mut cells = Cells::new(Some(name));
    let (top, left) = values.start().unwrap_or((0, 0));
    for (r, c, v) in values.used_cells() {
        let cell = match v {
            Data::Empty => Cell::Empty,
            Data::Int(i) => Cell::Number(*i as f64),
            Data::Float(f) => Cell::Number(*f),
            Data::String(s) => Cell::Text(s.clone()),
            Data::Bool(b) => Cell::Text(b.to_string()),
            Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => Cell::Date,
            Data::Error(e) => Cell::Error(e.to_string()),
        };
        let (r, c) = (u64::from(top) + r as u64, u64::from(left) + c as u64);
        cells.put(r, c, cell)?;
    }
    // a formula with no value beside it: its result was never stored
    let (ftop, fleft) = formulas.start().unwrap_or((0, 0));
    for (r, c, f) in formulas.used_cells() {
        let pos = (ftop + r as u32, fleft + c as u32);
        let value = values.get_value(pos);
        if !f.is_empty() && matches!(value, None | Some(Data::Empty)) {
            cells.put(u64::from(pos.0), u64::from(pos.1), Cell::Uncomputed)?;
        }
    }
    Ok(cells.done())
}

/// Refuses an archive whose parts would unpack to more than [`MAX_UNPACKED_BYTES`].
fn check_zip(path: &Path) -> Result<(), SheetError> {
    let file = File::open(path).map_err(read_error)?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(read_error)?;
    let mut total: u128 = 0;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(read_error)?;
        total = total.saturating_add(u128::from(part.size()));
        if total > u128::from(MAX_UNPACKED_BYTES) {
            return Err(SheetError::Limit {
                at: None,
                limit: Limit::Unpacked(total),
            });
        }
    }
    Ok(())
}

/// Counts what calamine would expand an `.ods` file's sheets to, and refuses it past a
/// limit: a filled cell (or a repeat of one) beyond [`MAX_ROWS`] or [`MAX_COLUMNS`], more
/// than [`MAX_CELLS`] filled cells in all its sheets, or cell text that, repeated, comes to
/// more than [`MAX_UNPACKED_BYTES`]. Empty repeats (LibreOffice ends every sheet with a
/// million of them) cost calamine nothing and are not counted.
fn scan_ods(path: &Path) -> Result<(), SheetError> {
    use quick_xml::events::Event;
    let file = File::open(path).map_err(read_error)?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(read_error)?;
    // without it calamine says what is wrong
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(());
    };
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut scan = Scan::default();
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(read_error)?;
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::Text(t) => {
                scan.text(t.len() as u64);
                continue;
            }
            Event::End(e) => {
                match e.name().as_ref() {
                    "table:table-cell" | "table:covered-table-cell" => scan.end_cell()?,
                    "table:table-row" => scan.end_row(),
                    _ => {}
                }
                continue;
            }
            Event::Eof => return Ok(()),
            _ => continue,
        };
        let attr = |name: &str| -> Option<String> {
            e.attributes()
                .flatten()
                .find(|a| a.key.as_ref() == name)
                .map(|a| a.value.into_owned())
        };
        let count = |name: &str| {
            attr(name)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(1)
        };
        match e.name().as_ref() {
            "table:table" => scan.table(attr("table:name")),
            "table:table-row" => {
                scan.row_repeats = count("table:number-rows-repeated");
                scan.col = 0;
                if empty {
                    scan.end_row();
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let filled = !empty
                    || [
                        "office:value-type",
                        "office:value",
                        "office:string-value",
                        "table:formula",
                    ]
                    .iter()
                    .any(|a| attr(a).is_some());
                scan.cell = Some(CellScan {
                    repeats: count("table:number-columns-repeated"),
                    text: attr("office:string-value").map_or(0, |s| s.len() as u64),
                    filled,
                });
                if empty {
                    scan.end_cell()?;
                }
            }
            // calamine writes as many spaces as this asks
            "text:s" => scan.text(count("text:c")),
            _ => {}
        }
    }
}

#[derive(Default)]
struct Scan {
    sheet: Option<String>,
    row: u64,
    row_repeats: u64,
    col: u64,
    cell: Option<CellScan>,
    cells: u64,
    text: u64,
}

struct CellScan {
    repeats: u64,
    text: u64,
    filled: bool,
}

impl Scan {
    fn table(&mut self, name: Option<String>) {
        self.sheet = name;
        self.row = 0;
        self.col = 0;
    }

    fn text(&mut self, bytes: u64) {
        if let Some(c) = &mut self.cell {
            c.text = c.text.saturating_add(bytes);
        }
    }

    fn end_row(&mut self) {
        self.row = self.row.saturating_add(self.row_repeats.max(1));
        self.col = 0;
    }

    fn end_cell(&mut self) -> Result<(), SheetError> {
        let Some(cell) = self.cell.take() else {
            return Ok(());
        };
        let rows = self.row_repeats.max(1);
        let cols = cell.repeats.max(1);
        if cell.filled {
            let last_row = self.row.saturating_add(rows - 1);
            let last_col = self.col.saturating_add(cols - 1);
            let (max_r, max_c) = (MAX_ROWS as u64, MAX_COLUMNS as u64);
            if last_row >= max_r || last_col >= max_c {
                // the first cell past the limit, where a person would look
                let (r, c) = if last_col >= max_c {
                    (self.row, self.col.max(max_c))
                } else {
                    (self.row.max(max_r), self.col)
                };
                return Err(self.error(Limit::Far, r, c));
            }
            self.cells = self.cells.saturating_add(rows.saturating_mul(cols));
            if self.cells > MAX_CELLS as u64 {
                return Err(self.error(Limit::Cells, self.row, self.col));
            }
            let text = cell.text.saturating_mul(rows).saturating_mul(cols);
            self.text = self.text.saturating_add(text);
            if self.text > MAX_UNPACKED_BYTES {
                return Err(self.error(Limit::Text, self.row, self.col));
            }
        }
        self.col = self.col.saturating_add(cols);
        Ok(())
    }

    fn error(&self, limit: Limit, row: u64, col: u64) -> SheetError {
        let cell = format!(
            "{}{}",
            super::sheet::column_name(usize::try_from(col).unwrap_or(usize::MAX).min(1 << 40)),
            row.saturating_add(1)
        );
        SheetError::Limit {
            at: Some(match &self.sheet {
                Some(s) => format!("{s}!{cell}"),
                None => cell,
            }),
            limit,
        }
    }
}
