//! A returned spreadsheet as plain cells, whatever it was saved as: `.xlsx`, `.ods` (read by
//! [`super::book`]) or `.csv` (read as text here). Readers get the cells and their addresses;
//! nothing here knows what a template holds.
//!
//! The files come from outside, so every reader stays within the limits below, whatever
//! a file declares: a sheet is held sparsely (a far cell costs what a near one does), and
//! a file past a limit is refused with one error naming the file, the sheet and the cell,
//! before anything large is allocated.

use std::collections::BTreeMap;
use std::path::Path;

/// The largest file read, as stored on disk (any kind). A city's template is about 10 KB.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// The most an `.xlsx` or `.ods` may unpack to, all its parts together (a zip bomb is
/// refused before any part is read).
pub const MAX_UNPACKED_BYTES: u64 = 50 * 1024 * 1024;
/// Rows and columns read: a filled cell beyond them refuses the file.
pub const MAX_ROWS: usize = 10_000;
pub const MAX_COLUMNS: usize = 100;
/// Filled cells read per sheet (a template has a few hundred).
pub const MAX_CELLS: usize = 100_000;
/// Characters kept of a cell's text: no figure or id is longer, and a longer comment is
/// never read, so the rest is dropped instead of held.
pub const MAX_TEXT: usize = 256;
/// The longest line of a CSV file, in bytes.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// One cell's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Number(f64),
    Text(String),
    /// A date or time: never a figure of the impact model.
    Date,
    /// A formula that failed (`#DIV/0!`), as the spreadsheet shows it.
    Error(String),
    /// A formula whose result the file does not hold (written by a program that does not
    /// compute, such as a script): its value is unknown, not empty.
    Uncomputed,
}

/// A sheet: its name (`None` for CSV) and its filled cells by (row, column), 0-based.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: Option<String>,
    cells: BTreeMap<(usize, usize), Cell>,
}

impl Sheet {
    pub fn get(&self, row: usize, col: usize) -> &Cell {
        self.cells.get(&(row, col)).unwrap_or(&Cell::Empty)
    }

    /// Rows up to the last one with a filled cell.
    pub fn height(&self) -> usize {
        self.cells.keys().next_back().map_or(0, |&(r, _)| r + 1)
    }

    /// Columns of `row` up to its last filled cell.
    pub fn width(&self, row: usize) -> usize {
        self.cells
            .range((row, 0)..(row + 1, 0))
            .next_back()
            .map_or(0, |(&(_, c), _)| c + 1)
    }

    /// A cell's text, trimmed (numbers written as they would be typed).
    pub fn text(&self, row: usize, col: usize) -> String {
        match self.get(row, col) {
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) => format!("{n}"),
            _ => String::new(),
        }
    }

    /// `Sheet!C7` (or `C7` for a CSV file) for row and column, 0-based.
    pub fn address(&self, row: usize, col: usize) -> String {
        at(self.name.as_deref(), row, col)
    }
}

/// `Sheet!C7`, or `C7` without a sheet name.
fn at(sheet: Option<&str>, row: usize, col: usize) -> String {
    let cell = format!("{}{}", column_name(col), row.saturating_add(1));
    match sheet {
        Some(n) => format!("{n}!{cell}"),
        None => cell,
    }
}

/// The cells of a sheet as they are read, refused as soon as one is past a limit.
pub(super) struct Cells {
    sheet: Sheet,
}

impl Cells {
    pub(super) fn new(name: Option<String>) -> Self {
        Cells {
            sheet: Sheet {
                name,
                cells: BTreeMap::new(),
            },
        }
    }

    /// Adds a cell; an empty one costs nothing and is not kept, wherever it is.
    pub(super) fn put(&mut self, row: u64, col: u64, cell: Cell) -> Result<(), SheetError> {
        if cell == Cell::Empty {
            return Ok(());
        }
        let (r, c) = (to_usize(row), to_usize(col));
        if r >= MAX_ROWS || c >= MAX_COLUMNS {
            return Err(self.error(Limit::Far, Some((r, c))));
        }
        if self.sheet.cells.len() >= MAX_CELLS && !self.sheet.cells.contains_key(&(r, c)) {
            return Err(self.error(Limit::Cells, Some((r, c))));
        }
        let cell = match cell {
            Cell::Text(t) if t.len() > MAX_TEXT => Cell::Text(t.chars().take(MAX_TEXT).collect()),
            other => other,
        };
        self.sheet.cells.insert((r, c), cell);
        Ok(())
    }

    /// A refusal at a cell of this sheet (or the sheet as a whole).
    pub(super) fn error(&self, limit: Limit, cell: Option<(usize, usize)>) -> SheetError {
        SheetError::Limit {
            at: cell.map(|(r, c)| at(self.sheet.name.as_deref(), r, c)),
            limit,
        }
    }

    pub(super) fn done(self) -> Sheet {
        self.sheet
    }
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Which limit a file went past.
#[derive(Debug, Clone, PartialEq)]
pub enum Limit {
    /// A filled cell beyond [`MAX_ROWS`] or [`MAX_COLUMNS`].
    Far,
    /// The sheet's own `<dimension>` says it reaches this far.
    Declared(String),
    /// More than [`MAX_CELLS`] filled cells.
    Cells,
    /// A file of more than [`MAX_FILE_BYTES`] bytes.
    FileBytes(u64),
    /// Parts that unpack to more than [`MAX_UNPACKED_BYTES`] bytes.
    Unpacked(u128),
    /// A CSV line longer than [`MAX_LINE_BYTES`].
    Line,
    /// Cells whose text, repeated as the file asks, comes to more than [`MAX_UNPACKED_BYTES`].
    Text,
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (rows, cols) = (MAX_ROWS, column_name(MAX_COLUMNS - 1));
        match self {
            Limit::Far => write!(
                f,
                "a filled cell beyond the {rows} rows and {MAX_COLUMNS} columns (A to {cols}) innopress reads"
            ),
            Limit::Declared(range) => write!(
                f,
                "the sheet says it spans {range}, beyond the {rows} rows and {MAX_COLUMNS} columns (A to {cols}) innopress reads"
            ),
            Limit::Cells => write!(f, "more than {MAX_CELLS} filled cells in the sheet"),
            Limit::FileBytes(n) => write!(
                f,
                "the file has {n} bytes, more than the {MAX_FILE_BYTES} innopress reads"
            ),
            Limit::Unpacked(n) => write!(
                f,
                "the file unpacks to {n} bytes, more than the {MAX_UNPACKED_BYTES} innopress reads"
            ),
            Limit::Line => write!(f, "a line longer than {MAX_LINE_BYTES} bytes"),
            Limit::Text => write!(
                f,
                "its cells' text, repeated as the file asks, comes to more than {MAX_UNPACKED_BYTES} bytes"
            ),
        }
    }
}

/// `A`, `B`, …, `Z`, `AA`, … for a 0-based column.
pub fn column_name(mut col: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("cannot read it: {0}")]
    Read(String),
    #[error("it holds no sheet")]
    Empty,
    #[error("a .{0} file is not a spreadsheet innopress reads (save it as .xlsx, .ods or .csv)")]
    Kind(String),
    /// Past a limit: the file is not read further.
    #[error(
        "{limit}: nothing of this file is imported (copy the filled cells of the template into a new file, or ask the city to send its template again)"
    )]
    Limit { at: Option<String>, limit: Limit },
}

impl SheetError {
    /// `Sheet!C7` where the problem is, when it is at a cell.
    pub fn cell(&self) -> Option<&str> {
        match self {
            SheetError::Limit { at, .. } => at.as_deref(),
            _ => None,
        }
    }
}

/// A `.csv` file: UTF-8, comma or semicolon separated.
pub(super) fn read_csv(path: &Path) -> Result<Sheet, SheetError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| SheetError::Read(e.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        // grown since it was measured
        return Err(SheetError::Limit {
            at: None,
            limit: Limit::FileBytes(bytes.len() as u64),
        });
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| SheetError::Read("it is not UTF-8 text (save it as CSV UTF-8)".into()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    // Finnish Excel saves CSV with semicolons
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut cells = Cells::new(None);
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| SheetError::Read(e.to_string()))?;
        if record.as_slice().len() > MAX_LINE_BYTES {
            return Err(cells.error(Limit::Line, Some((row, 0))));
        }
        for (col, s) in record.iter().enumerate() {
            if !s.trim().is_empty() {
                cells.put(row as u64, col as u64, Cell::Text(s.to_string()))?;
            }
        }
    }
    Ok(cells.done())
}

/// A number as people type it in Finland or in English: `1 234,5`, `1234.5`, `1,234.5`,
/// `12,5 %`. `None` for anything else.
pub fn parse_number(text: &str) -> Option<f64> {
    let t: String = text
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .map(|c| if c == '\u{2212}' { '-' } else { c })
        .collect();
    let t = match (t.contains(','), t.contains('.')) {
        // 1.234,5 (Finnish with dots for thousands) or 1,234.5 (English)
        (true, true) => {
            if t.rfind(',') > t.rfind('.') {
                t.replace('.', "").replace(',', ".")
            } else {
                t.replace(',', "")
            }
        }
        (true, false) => {
            // 1234,5 is a decimal comma; 1,234 alone is ambiguous and read as Finnish too
            if t.matches(',').count() == 1 {
                t.replace(',', ".")
            } else {
                return None;
            }
        }
        _ => t,
    };
    let ok = !t.is_empty()
        && t.trim_start_matches(['-', '+'])
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.');
    if !ok {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_typed() {
        assert_eq!(parse_number("1 234,5"), Some(1234.5));
        assert_eq!(parse_number("1\u{a0}234,5"), Some(1234.5));
        assert_eq!(parse_number("1.234,5"), Some(1234.5));
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("12,5 %"), Some(12.5));
        assert_eq!(parse_number("\u{2212}3"), Some(-3.0));
        assert_eq!(parse_number("n/a"), None);
        assert_eq!(parse_number("1e400"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("1,2,3"), None);
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(9), "J");
    }
}
