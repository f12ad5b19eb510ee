//! One open-data table, written both as RFC 4180 CSV (for scripts) and as `.xlsx` (for
//! Excel users: a Finnish Excel opens a comma-separated file in one column). Typed cells,
//! so the spreadsheet has numbers, amounts and dates, never formulas: a text cell is written
//! as a string, whatever it starts with.

use innopress_core::date::Date;
use innopress_core::money::Money;

/// A value of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// Shown with two decimals; exact in the CSV.
    Money(Money),
    Bool(bool),
    Date(Date),
    Empty,
}

impl Cell {
    /// An optional text: empty when `None`.
    pub fn text(s: Option<&str>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.to_string()))
    }

    /// As the CSV writes it (before quoting).
    fn plain(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => format!("{n}"),
            Cell::Money(m) => m.plain(),
            Cell::Bool(b) => b.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// A table of the open data: a header row of field names, then rows, either held or made
/// one at a time as they are written (a register of a million projects is never held as
/// cells).
pub struct Table<'a> {
    pub fields: Vec<&'static str>,
    rows: Rows<'a>,
}

enum Rows<'a> {
    Held(Vec<Vec<Cell>>),
    Made {
        len: usize,
        row: Box<dyn Fn(usize) -> Vec<Cell> + Sync + 'a>,
    },
}

/// The longest text a spreadsheet cell holds (Excel's limit).
const CELL_CHARS: usize = 32_767;
/// Past this many rows a workbook is written a row at a time (`rust_xlsxwriter`'s constant
/// memory mode: finished rows go to a temporary file, their text written in the cells rather
/// than in a table of distinct strings), and its columns are sized from their text, since
/// autofit needs every cell in memory. A register of 100,000 projects held its workbook
/// whole at 190 MB, and the table of distinct strings alone at 41 MB.
const STREAMED_ROWS: usize = 20_000;

impl<'a> Table<'a> {
    /// A table of rows already made.
    pub fn held(fields: Vec<&'static str>, rows: Vec<Vec<Cell>>) -> Table<'a> {
        Table {
            fields,
            rows: Rows::Held(rows),
        }
    }

    /// A table of `len` rows, row `i` made by `row(i)` each time it is written.
    pub fn made(
        fields: Vec<&'static str>,
        len: usize,
        row: impl Fn(usize) -> Vec<Cell> + Sync + 'a,
    ) -> Table<'a> {
        Table {
            fields,
            rows: Rows::Made {
                len,
                row: Box::new(row),
            },
        }
    }

    pub fn len(&self) -> usize {
        match &self.rows {
            Rows::Held(rows) => rows.len(),
            Rows::Made { len, .. } => *len,
        }
    }

    /// Calls `each` with every row in order, stopping at its first error.
    fn each_row<E>(&self, mut each: impl FnMut(usize, &[Cell]) -> Result<(), E>) -> Result<(), E> {
        match &self.rows {
            Rows::Held(rows) => rows.iter().enumerate().try_for_each(|(i, r)| each(i, r)),
            Rows::Made { len, row } => (0..*len).try_for_each(|i| each(i, &row(i))),
        }
    }

    /// RFC 4180 CSV with a header row and CRLF line ends; a cell that a spreadsheet would
    /// read as a formula is defused (see [`innopress_core::text::csv_field`]).
    pub fn write_csv(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(self.fields.join(",").as_bytes())?;
        out.write_all(b"\r\n")?;
        self.each_row(|_, row| {
            for (c, cell) in row.iter().enumerate() {
                if c > 0 {
                    out.write_all(b",")?;
                }
                out.write_all(innopress_core::text::csv_field(&cell.plain()).as_bytes())?;
            }
            out.write_all(b"\r\n")
        })
    }

    /// Widens `widths` to each cell of `row` in characters (at most 60): a text cell's
    /// characters, a number or amount as written, a date's ten characters.
    fn widen(widths: &mut [usize], row: &[Cell]) {
        for (w, cell) in widths.iter_mut().zip(row) {
            let chars = match cell {
                Cell::Text(s) => s.chars().count(),
                Cell::Number(n) => n.to_string().len(),
                Cell::Money(m) => m.cents().to_string().len() + 4,
                Cell::Date(_) => 10,
                Cell::Bool(_) => 5,
                Cell::Empty => 0,
            };
            *w = (*w).max(chars.min(60));
        }
    }

    /// The same table as a workbook of one sheet named `sheet`: a bold, frozen header row
    /// with filters, typed cells, and columns fitted to their text. `created` is the file's
    /// creation date (the site's date, never the clock), so the same data gives the same
    /// bytes.
    pub fn xlsx(
        &self,
        title: &str,
        sheet: &str,
        created: Date,
    ) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
        let mut wb = Workbook::new();
        let when = ExcelDateTime::from_ymd(
            created.year.clamp(1900, 9999) as u16,
            created.month,
            created.day,
        )?;
        wb.set_properties(
            &DocProperties::new()
                .set_title(title)
                .set_creation_datetime(&when),
        );
        let bold = Format::new().set_bold();
        let money = Format::new().set_num_format("#,##0.00");
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let streamed = self.len() > STREAMED_ROWS;
        let ws = if streamed {
            wb.add_worksheet_with_constant_memory()?
        } else {
            wb.add_worksheet()
        };
        ws.set_name(sheet)?;
        for (c, name) in self.fields.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *name, &bold)?;
        }
        // sized from the text as it is written: autofit needs every cell in memory
        let mut widths: Vec<usize> = self.fields.iter().map(|f| f.chars().count()).collect();
        self.each_row(|r, row| {
            if streamed {
                Self::widen(&mut widths, row);
            }
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                write_cell(ws, (r, c as u16), cell, (&money, &date))?;
            }
            Ok::<(), rust_xlsxwriter::XlsxError>(())
        })?;
        ws.set_freeze_panes(1, 0)?;
        if !self.fields.is_empty() {
            ws.autofilter(0, 0, self.len() as u32, self.fields.len() as u16 - 1)?;
        }
        if streamed {
            for (c, chars) in widths.into_iter().enumerate() {
                ws.set_column_width(c as u16, chars as f64 * 1.1 + 2.0)?;
            }
        } else {
            ws.autofit();
        }
        let mut bytes = wb.save_to_buffer()?;
        same_on_every_system(&mut bytes);
        Ok(bytes)
    }
}

/// Writes one typed cell: text cut to Excel's limit, amounts and dates in their formats.
fn write_cell(
    ws: &mut rust_xlsxwriter::Worksheet,
    (r, c): (u32, u16),
    cell: &Cell,
    (money, date): (&rust_xlsxwriter::Format, &rust_xlsxwriter::Format),
) -> Result<(), rust_xlsxwriter::XlsxError> {
    match cell {
        Cell::Text(s) if s.chars().count() > CELL_CHARS => {
            let cut: String = s.chars().take(CELL_CHARS).collect();
            ws.write_string(r, c, cut)?;
        }
        Cell::Text(s) => {
            ws.write_string(r, c, s)?;
        }
        Cell::Number(n) if n.is_finite() => {
            ws.write_number(r, c, *n)?;
        }
        Cell::Number(_) | Cell::Empty => {}
        Cell::Money(m) => {
            ws.write_number_with_format(r, c, m.cents() as f64 / 100.0, money)?;
        }
        Cell::Bool(b) => {
            ws.write_boolean(r, c, *b)?;
        }
        Cell::Date(d) => {
            let when = rust_xlsxwriter::ExcelDateTime::from_ymd(
                d.year.clamp(1900, 9999) as u16,
                d.month,
                d.day,
            )?;
            ws.write_datetime_with_format(r, c, &when, date)?;
        }
    }
    Ok(())
}

/// Makes a zip file the same bytes whichever system wrote it: the zip writer records the
/// system it ran on in each entry's "version made by" (0 on Windows, 3 on Unix), which is
/// the only byte in which innopress.exe's workbooks differed from the Linux program's. Every
/// entry is marked as made on Unix. A file that is not the zip expected is left as it is.
fn same_on_every_system(zip: &mut [u8]) {
    const END: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const ENTRY: [u8; 4] = [0x50, 0x4b, 0x01, 0x02];
    let u16_at = |b: &[u8], i: usize| {
        b.get(i..i + 2)
            .map(|s| u16::from_le_bytes([s[0], s[1]]) as usize)
    };
    let u32_at = |b: &[u8], i: usize| {
        b.get(i..i + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
    };
    // the end record is the last 22 bytes when the archive has no comment, as here
    let Some(end) = zip.len().checked_sub(22).filter(|&e| zip[e..e + 4] == END) else {
        return;
    };
    let (Some(count), Some(mut at)) = (u16_at(zip, end + 10), u32_at(zip, end + 16)) else {
        return;
    };
    for _ in 0..count {
        if zip.get(at..at + 4) != Some(&ENTRY[..]) {
            return;
        }
        let (Some(name), Some(extra), Some(comment)) = (
            u16_at(zip, at + 28),
            u16_at(zip, at + 30),
            u16_at(zip, at + 32),
        ) else {
            return;
        };
        zip[at + 5] = 3;
        at += 46 + name + extra + comment;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: [&str; 4] = ["name", "amount", "start", "note"];

    fn table() -> Table<'static> {
        Table::held(
            FIELDS.to_vec(),
            vec![vec![
                Cell::Text("=HYPERLINK(\"x\")".into()),
                Cell::Money(Money(123_456)),
                Cell::Date(Date::new(2025, 3, 1).unwrap()),
                Cell::text(None),
            ]],
        )
    }

    fn csv(table: &Table) -> String {
        let mut out = Vec::new();
        table.write_csv(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_defuses_formulas_and_keeps_cents_exact() {
        assert_eq!(
            csv(&table()),
            "name,amount,start,note\r\n\"'=HYPERLINK(\"\"x\"\")\",1234.56,2025-03-01,\r\n"
        );
    }

    #[test]
    fn a_large_table_is_written_a_row_at_a_time_the_same_every_time() {
        let d = Date::new(2025, 6, 1).unwrap();
        let row = |i: usize| {
            vec![
                Cell::Text(format!("project {i}")),
                Cell::Money(Money(i as i64 * 100)),
                Cell::Date(Date::new(2025, 3, 1).unwrap()),
                Cell::Empty,
            ]
        };
        let big = Table::made(FIELDS.to_vec(), STREAMED_ROWS + 1, row);
        // made rows give the same files as the same rows held
        let held = Table::held(FIELDS.to_vec(), (0..=STREAMED_ROWS).map(row).collect());
        assert_eq!(csv(&big), csv(&held));
        assert_eq!(
            big.xlsx("t", "Sheet", d).unwrap(),
            held.xlsx("t", "Sheet", d).unwrap()
        );
        let a = big.xlsx("t", "Sheet", d).unwrap();
        assert_eq!(a, big.xlsx("t", "Sheet", d).unwrap());
        assert!(a.starts_with(b"PK"));
        let mut widths: Vec<usize> = FIELDS.iter().map(|f| f.len()).collect();
        big.each_row(|_, r| {
            Table::widen(&mut widths, r);
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(widths, [13, 11, 10, 4]);
    }

    #[test]
    fn xlsx_is_the_same_bytes_for_the_same_data() {
        let d = Date::new(2025, 6, 1).unwrap();
        let a = table().xlsx("t", "Sheet", d).unwrap();
        let b = table().xlsx("t", "Sheet", d).unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with(b"PK"));
        // every entry says it was made on Unix, whichever system made it (Windows writes 0)
        let entries: Vec<usize> = a
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == [0x50, 0x4b, 0x01, 0x02])
            .map(|(i, _)| i)
            .collect();
        assert!(entries.len() >= 5);
        assert!(entries.iter().all(|&i| a[i + 5] == 3));
        let mut windows = a.clone();
        for &i in &entries {
            windows[i + 5] = 0;
        }
        same_on_every_system(&mut windows);
        assert_eq!(windows, a);
        // anything else is left alone
        let mut odd = b"PK not a zip".to_vec();
        same_on_every_system(&mut odd);
        assert_eq!(odd, b"PK not a zip");
    }
}
