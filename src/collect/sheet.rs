//! A returned spreadsheet as plain cells, whatever it was saved as: `.xlsx`, `.ods` (read
//! with calamine, formulas by their cached values) or `.csv` (read as text). Readers get the
//! cells and their addresses; nothing here knows what a template holds.

use std::path::Path;

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
}

/// A sheet: its name (`None` for CSV) and its cells by (row, column), 0-based.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: Option<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn get(&self, row: usize, col: usize) -> &Cell {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&Cell::Empty)
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
        let cell = format!("{}{}", column_name(col), row + 1);
        match &self.name {
            Some(n) => format!("{n}!{cell}"),
            None => cell,
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
    #[error("a .{0} file is not a spreadsheet innopress reads (use .xlsx, .ods or .csv)")]
    Kind(String),
}

/// The first sheet of `path`.
pub fn read(path: &Path) -> Result<Sheet, SheetError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" => read_csv(path),
        "xlsx" | "xlsm" | "ods" | "xls" => read_book(path),
        other => Err(SheetError::Kind(other.to_string())),
    }
}

fn read_book(path: &Path) -> Result<Sheet, SheetError> {
    use calamine::{Data, Reader};
    let mut book =
        calamine::open_workbook_auto(path).map_err(|e| SheetError::Read(e.to_string()))?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or(SheetError::Empty)?;
    let range = book
        .worksheet_range(&name)
        .map_err(|e| SheetError::Read(e.to_string()))?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); top as usize];
    for r in range.rows() {
        let mut row = vec![Cell::Empty; left as usize];
        row.extend(r.iter().map(|c| match c {
            Data::Empty => Cell::Empty,
            Data::Int(i) => Cell::Number(*i as f64),
            Data::Float(f) => Cell::Number(*f),
            Data::String(s) => Cell::Text(s.clone()),
            Data::Bool(b) => Cell::Text(b.to_string()),
            Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => Cell::Date,
            Data::Error(e) => Cell::Error(e.to_string()),
        }));
        rows.push(row);
    }
    Ok(Sheet {
        name: Some(name),
        rows,
    })
}

fn read_csv(path: &Path) -> Result<Sheet, SheetError> {
    let bytes = std::fs::read(path).map_err(|e| SheetError::Read(e.to_string()))?;
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
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| SheetError::Read(e.to_string()))?;
        rows.push(
            record
                .iter()
                .map(|s| {
                    if s.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(s.to_string())
                    }
                })
                .collect(),
        );
    }
    Ok(Sheet { name: None, rows })
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
