//! Leaf: a drawn chart as plain data, its SVG with its title, description and data table:
//! what pages and email show, and what the record of a sent or frozen document keeps.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chart {
    /// File stem under `output/charts/` and the id prefix inside the SVG.
    pub name: String,
    pub title: String,
    pub desc: String,
    pub svg: String,
    /// The same chart drawn for a phone screen (empty in records made before it existed).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub svg_narrow: String,
    pub table: DataTable,
    /// Where drawn data comes from, shown under the chart (the map's outline).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub credit: String,
}

impl Chart {
    /// What an email carries of the chart: (SVG, the width in px it is shown at in the
    /// message's HTML, the widest it may grow to). The narrow drawing (360 px, 13 px text)
    /// keeps its text at 12 px or more on a 375 px phone, where the wide one shrunk would
    /// have 5 px text; a chart without one (the map, an old record) sends the wide one.
    pub fn for_email(&self) -> (&str, u32, u32) {
        if self.svg_narrow.is_empty() {
            (&self.svg, 560, 560)
        } else {
            (&self.svg_narrow, 360, 480)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataTable {
    pub caption: String,
    pub columns: Vec<String>,
    /// The first cell of each row is the row header.
    pub rows: Vec<Vec<String>>,
}

impl DataTable {
    /// The table as CSV for `charts/NAME.csv`: numbers as numbers (`1234567.5`, not
    /// `1,234,567.50` or `12.5 %`; the column heading says the unit), text guarded against
    /// spreadsheet formulas.
    pub fn csv(&self) -> String {
        let mut out = String::new();
        let mut line = |cells: &mut dyn Iterator<Item = String>| {
            let cells: Vec<String> = cells.map(|c| crate::text::csv_field(&c)).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        };
        line(&mut self.columns.iter().cloned());
        for row in &self.rows {
            line(&mut row.iter().enumerate().map(|(i, c)| {
                if i == 0 {
                    c.clone()
                } else {
                    plain_number(c).unwrap_or_else(|| c.clone())
                }
            }));
        }
        out
    }
}

/// `1,234,567.50` → `1234567.50`, `12.5 %` → `12.5` (in the site's number style);
/// `None` for anything else.
fn plain_number(cell: &str) -> Option<String> {
    let style = crate::numbers::style();
    let t = cell.trim().trim_end_matches('%').trim_end();
    // written in the site's number style ("1 234,5"): read back as "1234.5"
    let t: String = t
        .chars()
        .filter(|&c| c != style.thousands)
        .map(|c| if c == style.decimal { '.' } else { c })
        .collect();
    let digits = t.strip_prefix('-').unwrap_or(&t);
    let ok = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|&b| b == b'.').count() <= 1
        && digits.as_bytes()[0].is_ascii_digit();
    ok.then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_plain_numbers_and_guarded_text() {
        let t = DataTable {
            caption: "c".into(),
            columns: vec!["City".into(), "Total (EUR)".into(), "Share".into()],
            rows: vec![
                vec!["=cmd".into(), "1,234,567.50".into(), "12.5 %".into()],
                vec!["Oulu, north".into(), "-3".into(), "n/a".into()],
            ],
        };
        assert_eq!(
            t.csv(),
            "City,Total (EUR),Share\r\n'=cmd,1234567.50,12.5\r\n\"Oulu, north\",-3,n/a\r\n"
        );
    }
}
