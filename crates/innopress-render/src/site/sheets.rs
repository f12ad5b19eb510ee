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

/// A table of the open data: a header row of field names, then rows.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub fields: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// The longest text a spreadsheet cell holds (Excel's limit).
const CELL_CHARS: usize = 32_767;
/// Past this many rows a workbook is written a row at a time (`rust_xlsxwriter`'s low-memory
/// mode: finished rows go to a temporary file, only the distinct strings stay in memory), and
/// its columns are sized from their text, since autofit needs every cell in memory. A
/// register of 100,000 projects held its workbook whole at 190 MB.
const STREAMED_ROWS: usize = 20_000;

impl Table {
    /// RFC 4180 CSV with a header row and CRLF line ends; a cell that a spreadsheet would
    /// read as a formula is defused (see [`innopress_core::text::csv_field`]).
    pub fn csv(&self) -> String {
        let mut out = self.fields.join(",");
        out.push_str("\r\n");
        for row in &self.rows {
            let line: Vec<String> = row
                .iter()
                .map(|c| innopress_core::text::csv_field(&c.plain()))
                .collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        out
    }

    /// Each column's widest text in characters (at most 60): its name, its text cells, a
    /// number or amount as written, a date's ten characters.
    fn widths(&self) -> Vec<usize> {
        let mut widths: Vec<usize> = self.fields.iter().map(|f| f.chars().count()).collect();
        for row in &self.rows {
            for (c, cell) in row.iter().enumerate() {
                let chars = match cell {
                    Cell::Text(s) => s.chars().count(),
                    Cell::Number(n) => n.to_string().len(),
                    Cell::Money(m) => m.cents().to_string().len() + 4,
                    Cell::Date(_) => 10,
                    Cell::Bool(_) => 5,
                    Cell::Empty => 0,
                };
                if let Some(w) = widths.get_mut(c) {
                    *w = (*w).max(chars.min(60));
                }
            }
        }
        widths
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
        let streamed = self.rows.len() > STREAMED_ROWS;
        let ws = if streamed {
            wb.add_worksheet_with_low_memory()?
        } else {
            wb.add_worksheet()
        };
        ws.set_name(sheet)?;
        for (c, name) in self.fields.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *name, &bold)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
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
                        ws.write_number_with_format(r, c, m.cents() as f64 / 100.0, &money)?;
                    }
                    Cell::Bool(b) => {
                        ws.write_boolean(r, c, *b)?;
                    }
                    Cell::Date(d) => {
                        let when = ExcelDateTime::from_ymd(
                            d.year.clamp(1900, 9999) as u16,
                            d.month,
                            d.day,
                        )?;
                        ws.write_datetime_with_format(r, c, &when, &date)?;
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
        if !self.fields.is_empty() {
            ws.autofilter(0, 0, self.rows.len() as u32, self.fields.len() as u16 - 1)?;
        }
        if streamed {
            for (c, chars) in self.widths().into_iter().enumerate() {
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

    fn table() -> Table {
        Table {
            fields: vec!["name", "amount", "start", "note"],
            rows: vec![vec![
                Cell::Text("=HYPERLINK(\"x\")".into()),
                Cell::Money(Money(123_456)),
                Cell::Date(Date::new(2025, 3, 1).unwrap()),
                Cell::text(None),
            ]],
        }
    }

    #[test]
    fn csv_defuses_formulas_and_keeps_cents_exact() {
        assert_eq!(
            table().csv(),
            "name,amount,start,note\r\n\"'=HYPERLINK(\"\"x\"\")\",1234.56,2025-03-01,\r\n"
        );
    }

    #[test]
    fn a_large_table_is_written_a_row_at_a_time_the_same_every_time() {
        let d = Date::new(2025, 6, 1).unwrap();
        let mut big = table();
        big.rows = (0..=STREAMED_ROWS)
            .map(|i| {
                vec![
                    Cell::Text(format!("project {i}")),
                    Cell::Money(Money(i as i64 * 100)),
                    Cell::Date(Date::new(2025, 3, 1).unwrap()),
                    Cell::Empty,
                ]
            })
            .collect();
        let a = big.xlsx("t", "Sheet", d).unwrap();
        assert_eq!(a, big.xlsx("t", "Sheet", d).unwrap());
        assert!(a.starts_with(b"PK"));
        assert_eq!(big.widths(), [13, 11, 10, 4]);
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
