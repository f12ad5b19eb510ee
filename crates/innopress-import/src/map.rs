//! Mapping the rows: each CSV row becomes a project or a reject, every problem located at
//! its cell by byte span. Pure apart from the diagnostics about the mapping itself.

use super::mapping::{self, Piece};
use super::model::{Imported, Mapped, Problem, Reject, normalise};
use super::row::map_row;
use innopress_core::diagnostics::{Diagnostics, SourceFile};
use innopress_core::money::Money;
use std::collections::BTreeMap;
use std::ops::Range;

/// Maps every row of `csv` with the mapping `m` (pure apart from the diagnostics about the
/// mapping itself, which go to `diags`).
pub fn map_csv(
    csv: &SourceFile,
    m: &mapping::Mapping,
    mapping_src: &SourceFile,
    diags: &mut Diagnostics,
) -> Mapped {
    let text: &str = &csv.text;
    // a byte-order mark from Excel is not part of the first column's name
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text.as_bytes()[bom..];
    let Some(delimiter) = mapping::delimiter(m, mapping_src, diags) else {
        return Mapped::default();
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(body);
    let Some(header) = header(&mut reader, csv, diags) else {
        return Mapped::default();
    };
    let plan = mapping::plan(m, &header, mapping_src, diags);
    if diags.has_errors() {
        return Mapped::default();
    }
    let mut mapped = Mapped {
        header: header.clone(),
        ..Mapped::default()
    };
    // good rows with their cells and where they start, until duplicates are known
    let mut good: Vec<(Imported, Vec<String>, usize)> = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let start = reader.position().clone();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let (at, line) = row_start(
                    text.as_bytes(),
                    bom + record.position().map_or(start.byte(), |p| p.byte()) as usize,
                    record.position().map_or(start.line(), |p| p.line()),
                );
                let spans = field_spans(text.as_bytes(), at, delimiter, record.len());
                let cells: Vec<String> = record.iter().map(str::to_string).collect();
                if cells.iter().all(|c| c.trim().is_empty()) {
                    continue; // a blank line, or one of only delimiters (spreadsheets add them)
                }
                match map_row(&plan, &cells, &spans, header.len()) {
                    Ok(mut p) => {
                        p.line = line;
                        good.push((p, cells, at));
                    }
                    Err(problems) => mapped.rejects.push(Reject {
                        line,
                        cells,
                        problems,
                    }),
                }
            }
            Err(e) => {
                mapped.rejects.push(unreadable(text, bom, &e, &start));
                if e.is_io_error() {
                    break;
                }
            }
        }
    }
    reject_duplicates(&mut mapped, good);
    mapped.projects.sort_by(|a, b| a.id.cmp(&b.id));
    mapped.rejects.sort_by_key(|r| r.line);
    mapped
}

/// The CSV's header, its names normalised; `None` (with the problem) when it cannot be read
/// or names nothing.
fn header(
    reader: &mut csv::Reader<&[u8]>,
    csv: &SourceFile,
    diags: &mut Diagnostics,
) -> Option<Vec<String>> {
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(normalise).collect(),
        Err(e) => {
            diags.error(csv, 0..0, format!("cannot read the CSV header: {e}"), None);
            return None;
        }
    };
    if header.iter().all(String::is_empty) {
        diags.error(
            csv,
            0..0,
            "the CSV has no header row",
            Some("the first line must name the columns".to_string()),
        );
        return None;
    }
    Some(header)
}

/// A row the CSV reader could not read, rejected at where it starts.
fn unreadable(text: &str, bom: usize, e: &csv::Error, start: &csv::Position) -> Reject {
    let (at, line) = row_start(
        text.as_bytes(),
        bom + e.position().map_or(start.byte(), |p| p.byte()) as usize,
        e.position().map_or(start.line(), |p| p.line()),
    );
    Reject {
        line,
        cells: Vec::new(),
        problems: vec![Problem {
            span: at..at,
            message: format!("unreadable row: {e}"),
            hint: None,
        }],
    }
}

/// Later rows whose id an earlier row already has are rejected, naming the earlier line.
fn reject_duplicates(mapped: &mut Mapped, good: Vec<(Imported, Vec<String>, usize)>) {
    let mut first: BTreeMap<String, (u64, String)> = BTreeMap::new();
    for (p, cells, at) in good {
        match first.get(&p.id) {
            Some((line, raw)) => {
                let message = if *raw == p.raw_id {
                    format!("id `{}` is also the id of line {line}", p.id)
                } else {
                    format!(
                        "id `{}` (from `{}`) is also the id of line {line} (from `{raw}`)",
                        p.id, p.raw_id
                    )
                };
                mapped.rejects.push(Reject {
                    line: p.line,
                    cells,
                    problems: vec![Problem {
                        span: at..at,
                        message,
                        hint: Some(
                            "ids must be unique; build them from a column that is, or add \
                             one to `format` in [id]"
                                .into(),
                        ),
                    }],
                });
            }
            None => {
                first.insert(p.id.clone(), (p.line, p.raw_id.clone()));
                mapped.projects.push(p);
            }
        }
    }
}

/// Where a row really starts. The csv crate places a row at the line break before it when
/// lines end in CRLF or a blank line precedes it (BurntSushi/rust-csv#395, #208), so skip
/// line breaks, counting lines.
fn row_start(raw: &[u8], mut at: usize, mut line: u64) -> (usize, u64) {
    while let Some(b) = raw.get(at) {
        match b {
            b'\n' => line += 1,
            b'\r' => {}
            _ => break,
        }
        at += 1;
    }
    (at.min(raw.len()), line)
}

/// Byte spans of the first `n` fields of the record starting at `start` in the raw text,
/// honouring quotes, so a problem can point at its cell.
fn field_spans(raw: &[u8], start: usize, delim: u8, n: usize) -> Vec<Range<usize>> {
    let mut spans = Vec::with_capacity(n);
    let mut i = start.min(raw.len());
    let mut ended = false;
    for _ in 0..n {
        if ended {
            spans.push(i..i);
            continue;
        }
        let from = i;
        let mut quoted = false;
        while i < raw.len() {
            let b = raw[i];
            if quoted {
                if b == b'"' {
                    if raw.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    quoted = false;
                }
                i += 1;
                continue;
            }
            if b == b'"' && i == from {
                quoted = true;
            } else if b == delim || b == b'\n' || b == b'\r' {
                break;
            }
            i += 1;
        }
        spans.push(from..i);
        if i < raw.len() && raw[i] == delim {
            i += 1;
        } else {
            ended = true;
        }
    }
    spans
}

/// A format filled in with a row's cells, and whether a column in it was empty.
pub(super) fn fill(pieces: &[Piece], cell: &impl Fn(usize) -> String) -> (String, bool) {
    let mut out = String::new();
    let mut empty = false;
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Column(i) => {
                let v = cell(*i);
                empty |= v.is_empty();
                out.push_str(&v);
            }
            Piece::Optional(inner) => {
                let (text, gap) = fill(inner, cell);
                if !gap {
                    out.push_str(&text);
                }
            }
        }
    }
    (out, empty)
}

pub(super) fn first_column(pieces: &[Piece]) -> Option<usize> {
    pieces.iter().find_map(|p| match p {
        Piece::Column(i) => Some(*i),
        Piece::Optional(inner) => first_column(inner),
        Piece::Text(_) => None,
    })
}

/// Whether `text` occurs in `cell` at the start of a word, so `porin` finds "Porin
/// kaupunki" but not "Sporing Oy".
pub(super) fn contains_word_start(cell: &str, text: &str) -> bool {
    !text.is_empty()
        && cell.match_indices(text).any(|(i, _)| {
            cell[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
        })
}

/// Reads an amount such as `443909`, `1 234,50` or `1.234,50` exactly into cents. Digit
/// groups (by spaces, also no-break ones, or the thousands separator) must be groups of
/// three, so a misplaced separator is an error rather than a different amount.
pub(super) fn read_amount(
    cell: &str,
    decimal: char,
    thousands: Option<char>,
) -> Result<Money, &'static str> {
    let other = if decimal == ',' { '.' } else { ',' };
    let (whole, frac) = match cell.split_once(decimal) {
        Some((w, f)) => (w, Some(f)),
        None => (cell, None),
    };
    if Some(other) != thousands && cell.contains(other) {
        return Err(if decimal == ',' {
            "a `.` where the mapping expects `,` for decimals"
        } else {
            "a `,` where the mapping expects `.` for decimals"
        });
    }
    let groups: Vec<&str> = whole
        .split(|c: char| c.is_whitespace() || Some(c) == thousands)
        .collect();
    if groups.len() > 1
        && (groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3))
    {
        return Err("digits are grouped wrongly (groups of three after the first)");
    }
    let mut plain: String = groups.concat();
    if let Some(f) = frac {
        plain.push('.');
        plain.push_str(f);
    }
    Money::parse_decimal(&plain).map_err(|e| match e {
        innopress_core::money::MoneyError::Negative => "negative",
        innopress_core::money::MoneyError::TooManyDecimals => "more than two decimals",
        innopress_core::money::MoneyError::TooLarge => "too large",
        innopress_core::money::MoneyError::NotANumber => "not a number",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact() {
        assert_eq!(read_amount("443909", '.', None), Ok(Money(44_390_900)));
        assert_eq!(read_amount("1 234,5", ',', None), Ok(Money(123_450)));
        assert_eq!(read_amount("1\u{a0}234,5", ',', None), Ok(Money(123_450)));
        assert_eq!(read_amount("1.234,56", ',', Some('.')), Ok(Money(123_456)));
        assert_eq!(
            read_amount("1,234,567.8", '.', Some(',')),
            Ok(Money(123_456_780))
        );
        assert!(read_amount("12,5", '.', None).is_err());
        assert!(read_amount("abc", '.', None).is_err());
        assert!(read_amount("-5", '.', None).is_err());
        assert!(read_amount("1.234", '.', None).is_err());
        // a separator in the wrong place is not silently dropped
        assert!(read_amount("1.5", ',', Some('.')).is_err());
        assert!(read_amount("1 5", '.', None).is_err());
        assert!(read_amount("12 3456", '.', None).is_err());
    }

    #[test]
    fn spans_follow_quotes() {
        let raw = b"a,\"b,\"\"c\"\"\",d\nx";
        let s = field_spans(raw, 0, b',', 3);
        assert_eq!(s, vec![0..1, 2..11, 12..13]);
    }

    #[test]
    fn city_text_matches_at_word_starts() {
        assert!(contains_word_start("porin kaupunki", "porin"));
        assert!(contains_word_start("tty-säätiö", "tty"));
        assert!(contains_word_start("yritys (porin seutu)", "porin"));
        assert!(!contains_word_start("sporing oy", "porin"));
    }

    #[test]
    fn optional_parts_of_a_format_go_when_their_column_is_empty() {
        let pieces = vec![
            Piece::Optional(vec![
                Piece::Text("By ".into()),
                Piece::Column(0),
                Piece::Text(". ".into()),
            ]),
            Piece::Text("Authority: ".into()),
            Piece::Column(1),
        ];
        let cells = |row: [&'static str; 2]| move |i: usize| row[i].to_string();
        assert_eq!(
            fill(&pieces, &cells(["Oulu", "ELY"])).0,
            "By Oulu. Authority: ELY"
        );
        assert_eq!(fill(&pieces, &cells(["", "ELY"])).0, "Authority: ELY");
    }

    #[test]
    fn whitespace_is_normalised() {
        assert_eq!(
            normalise("  Hämeen  elinkeino-\t liikenne "),
            "Hämeen elinkeino- liikenne"
        );
    }
}
