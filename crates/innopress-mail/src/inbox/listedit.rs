//! Changing rows of the subscriber list in one streaming pass: every row the caller leaves
//! alone is copied byte for byte (its quoting, its line ending, blank lines before it), a
//! changed row is written again with its other cells untouched, new rows go at the end.
//! The result goes to a temporary file beside the list and is renamed over it, so an
//! interruption at any moment leaves either the old list or the new one, never half of
//! one; memory does not grow with the list.

use crate::listfile::{self, Names};
use crate::subscribers::Status;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// A row as the caller sees it.
#[derive(Debug)]
pub struct RowView<'a> {
    pub line: u64,
    /// The email cell, trimmed.
    pub email: &'a str,
    /// `None` when the status cell holds an unknown word.
    pub status: Option<Status>,
}

/// What to write into a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub status: Status,
    pub consent_at: String,
    pub source: String,
}

/// A row to add at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRow {
    pub email: String,
    pub name: String,
    pub edit: Edit,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub rows: u64,
    pub changed: u64,
    pub added: u64,
    /// Whether the list file was replaced (not on a dry run or without changes).
    pub written: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("{}: {reason}", path.display())]
    Format { path: PathBuf, reason: String },
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The columns the inbox keeps, added to a list without them.
const CONSENT_AT: &str = "consent_at";
const SOURCE: &str = "source";

/// Rewrites `list`: `decide` is asked about every row, `append` once at the end for the rows
/// to add. Nothing is written on a dry run or when nothing changes.
pub fn rewrite<D, A>(
    list: &Path,
    mut decide: D,
    append: A,
    dry_run: bool,
) -> Result<Stats, EditError>
where
    D: FnMut(&RowView) -> Option<Edit>,
    A: FnOnce() -> Vec<NewRow>,
{
    let io = |action: &'static str| io_error(list, action);
    let layout = Layout::of(list)?;
    // the list is read twice at once: parsed into cells, and as it is, to copy rows unchanged
    let mut raw = BufReader::new(File::open(list).map_err(io("open"))?);
    let mut reader = cells(
        BufReader::new(File::open(list).map_err(io("open"))?),
        layout.d,
    );
    let dir = folder_of(list);
    let mut out = BufWriter::with_capacity(
        1 << 16,
        tempfile::NamedTempFile::new_in(dir).map_err(io("write next to"))?,
    );
    copy_bom(&mut raw, &mut out).map_err(io("read"))?;
    let mut record = csv::ByteRecord::new();
    let mut chunk = Vec::new();
    let mut done: u64 = 0;
    let mut stats = Stats::default();
    let mut newline: &[u8] = b"\n";
    let mut ended_with_newline = true;
    let mut first = true;
    loop {
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| format_error(list, format!("unreadable row: {e}")))?;
        let end = reader.position().byte();
        read_to(&mut raw, end - done, &mut chunk).map_err(io("read"))?;
        done = end;
        if !more {
            out.write_all(&chunk).map_err(io("write"))?;
            if !chunk.is_empty() {
                ended_with_newline = chunk.ends_with(b"\n");
            }
            break;
        }
        // blank lines before the row (which the reader skips) are kept as they are
        let lead = leading_blank_lines(&chunk);
        let (body, term) = split_terminator(&chunk[lead..]);
        ended_with_newline = !term.is_empty();
        out.write_all(&chunk[..lead]).map_err(io("write"))?;
        if first {
            first = false;
            newline = line_ending(term).unwrap_or(newline);
            layout.write_header(&mut out, body).map_err(io("write"))?;
        } else if record.iter().all(|c| c.trim_ascii().is_empty()) {
            // a blank line (a lone `\r` with Windows line endings): kept as it is
            out.write_all(body).map_err(io("write"))?;
        } else {
            stats.rows += 1;
            let row = Row {
                record: &record,
                chunk: &chunk,
                body,
            };
            stats.changed += u64::from(layout.row(list, &row, &mut decide, &mut out)?);
        }
        out.write_all(term).map_err(io("write"))?;
    }
    let new_rows = append();
    stats.added = new_rows.len() as u64;
    layout
        .append(&mut out, new_rows, ended_with_newline, newline)
        .map_err(io("write"))?;
    if dry_run || stats.changed + stats.added == 0 {
        return Ok(stats);
    }
    replace(list, dir, out)?;
    stats.written = true;
    Ok(stats)
}

/// The folder a file is in (`.` for a bare name), where its replacement is written.
fn folder_of(list: &Path) -> &Path {
    list.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The list's rows as cells: every row, the header too, whatever its number of cells.
fn cells(file: BufReader<File>, delimiter: u8) -> csv::Reader<BufReader<File>> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .delimiter(delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(listfile::without_bom(file))
}

/// The next `n` bytes of the list as it is, in place of what `chunk` held.
fn read_to(raw: &mut BufReader<File>, n: u64, chunk: &mut Vec<u8>) -> std::io::Result<()> {
    chunk.clear();
    raw.take(n).read_to_end(chunk).map(drop)
}

/// The line ending a row ends with, when it ends with one.
fn line_ending(term: &[u8]) -> Option<&'static [u8]> {
    match term {
        b"" => None,
        b"\r\n" => Some(b"\r\n"),
        _ => Some(b"\n"),
    }
}

/// The byte-order mark, if the list starts with one, copied as it is.
fn copy_bom(raw: &mut BufReader<File>, out: &mut impl Write) -> std::io::Result<()> {
    if raw.fill_buf()?.starts_with(b"\xef\xbb\xbf") {
        raw.consume(3);
        out.write_all(b"\xef\xbb\xbf")?;
    }
    Ok(())
}

fn io_error(list: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> EditError {
    let path = list.to_path_buf();
    move |source| EditError::Io {
        action,
        path,
        source,
    }
}

fn format_error(list: &Path, reason: String) -> EditError {
    EditError::Format {
        path: list.to_path_buf(),
        reason,
    }
}

/// The bytes of the blank lines at the start of `chunk` (never all of it).
fn leading_blank_lines(chunk: &[u8]) -> usize {
    let mut lead = 0;
    while let Some(n) = [&b"\r\n"[..], b"\n"]
        .into_iter()
        .find(|t| chunk[lead..].starts_with(t))
        .map(<[u8]>::len)
    {
        if lead + n >= chunk.len() {
            break;
        }
        lead += n;
    }
    lead
}

/// One data row as read: its cells, its bytes, and its bytes without the line ending.
struct Row<'a> {
    record: &'a csv::ByteRecord,
    chunk: &'a [u8],
    body: &'a [u8],
}

/// The list's columns, and the ones the rewrite adds.
struct Layout {
    columns: listfile::Columns,
    header_len: usize,
    /// The columns to add, in order, with what an unchanged row gets in them.
    added: Vec<(&'static str, &'static str)>,
    status_at: usize,
    consent_at: usize,
    source_at: usize,
    d: u8,
}

impl Layout {
    fn of(list: &Path) -> Result<Layout, EditError> {
        let columns = listfile::inspect(list).map_err(|e| format_error(list, e.to_string()))?;
        let find = |name: &str| {
            columns
                .headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        };
        let header_len = columns.headers.len();
        let mut added: Vec<(&'static str, &'static str)> = Vec::new();
        let mut at = |found: Option<usize>, column: (&'static str, &'static str)| {
            found.unwrap_or_else(|| {
                added.push(column);
                header_len + added.len() - 1
            })
        };
        // an export without a status column lists subscribed people only
        let status_at = at(columns.status, ("status", "subscribed"));
        let consent_at = at(find(CONSENT_AT), (CONSENT_AT, ""));
        let source_at = at(find(SOURCE), (SOURCE, ""));
        let d = columns.delimiter;
        Ok(Layout {
            columns,
            header_len,
            added,
            status_at,
            consent_at,
            source_at,
            d,
        })
    }

    fn write_header(&self, out: &mut impl Write, body: &[u8]) -> std::io::Result<()> {
        out.write_all(body)?;
        for (name, _) in &self.added {
            out.write_all(&[self.d])?;
            out.write_all(name.as_bytes())?;
        }
        Ok(())
    }

    /// A data row: checked, given to `decide`, written unchanged or edited; whether it
    /// changed.
    fn row<D>(
        &self,
        list: &Path,
        row: &Row,
        decide: &mut D,
        out: &mut impl Write,
    ) -> Result<bool, EditError>
    where
        D: FnMut(&RowView) -> Option<Edit>,
    {
        let record = row.record;
        let line = record.position().map_or(0, |p| p.line());
        // a stray quote makes the rows after it one cell: their people's requests would
        // match no row and be lost, so the list is refused whole
        if let Some(e) = listfile::run_together(row.chunk, line) {
            return Err(format_error(list, format!("{e} (nothing was changed)")));
        }
        if record.len() > self.header_len && !self.added.is_empty() {
            // the new columns would land in this row's extra cells
            return Err(format_error(
                list,
                format!(
                    "line {line} has {} cells but the header has {}: a cell with the delimiter in it must be quoted; fix the row (nothing was changed)",
                    record.len(),
                    self.header_len
                ),
            ));
        }
        let cell = |i: usize| {
            record
                .get(i)
                .map(|c| String::from_utf8_lossy(c).trim().to_string())
                .unwrap_or_default()
        };
        let email = cell(self.columns.email);
        let status = match self.columns.status {
            Some(i) => Status::parse(&cell(i).to_ascii_lowercase()),
            None => Some(Status::Subscribed),
        };
        let edit = if email.is_empty() {
            None
        } else {
            decide(&RowView {
                line,
                email: &email,
                status,
            })
        };
        let changed = edit.is_some();
        let written = match edit {
            None => self.write_unchanged(out, record, row.body),
            Some(edit) => self.write_edited(out, record, edit),
        };
        written.map_err(io_error(list, "write"))?;
        Ok(changed)
    }

    /// A row as it was, with the cells up to the header's end and the new columns.
    fn write_unchanged(
        &self,
        out: &mut impl Write,
        record: &csv::ByteRecord,
        body: &[u8],
    ) -> std::io::Result<()> {
        out.write_all(body)?;
        if !self.added.is_empty() {
            for _ in record.len()..self.header_len {
                out.write_all(&[self.d])?;
            }
            for (_, value) in &self.added {
                out.write_all(&[self.d])?;
                out.write_all(value.as_bytes())?;
            }
        }
        Ok(())
    }

    fn write_edited(
        &self,
        out: &mut impl Write,
        record: &csv::ByteRecord,
        edit: Edit,
    ) -> std::io::Result<()> {
        let mut cells: Vec<String> = record
            .iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        if let Some(last) = cells.last_mut()
            && last.ends_with('\r')
        {
            last.pop();
        }
        cells.resize(self.header_len.max(cells.len()), String::new());
        for (_, value) in &self.added {
            cells.push((*value).to_string());
        }
        cells[self.status_at] = edit.status.word().to_string();
        cells[self.consent_at] = edit.consent_at;
        cells[self.source_at] = edit.source;
        write_cells(out, self.d, &cells)
    }

    /// The rows of people who asked to join, each with the list's line ending.
    fn append(
        &self,
        out: &mut impl Write,
        rows: Vec<NewRow>,
        ended_with_newline: bool,
        newline: &[u8],
    ) -> std::io::Result<()> {
        if !rows.is_empty() && !ended_with_newline {
            out.write_all(newline)?;
        }
        for row in rows {
            self.write_new(out, row)?;
            out.write_all(newline)?;
        }
        Ok(())
    }

    /// A row for someone who asked to join, without its line ending.
    fn write_new(&self, out: &mut impl Write, row: NewRow) -> std::io::Result<()> {
        let mut cells = vec![String::new(); self.header_len + self.added.len()];
        cells[self.columns.email] = row.email;
        match self.columns.name {
            Names::None => {}
            // the name comes from a stranger's email: never a formula in a spreadsheet
            Names::Full(i) => cells[i] = innopress_core::text::csv_safe(&row.name).into_owned(),
            Names::Parts(f, l) => {
                let (first, last) = row.name.split_once(' ').unwrap_or((&row.name, ""));
                if let Some(f) = f {
                    cells[f] = innopress_core::text::csv_safe(first).into_owned();
                }
                if let Some(l) = l {
                    cells[l] = innopress_core::text::csv_safe(last).into_owned();
                }
            }
        }
        cells[self.status_at] = row.edit.status.word().to_string();
        cells[self.consent_at] = row.edit.consent_at;
        cells[self.source_at] = row.edit.source;
        write_cells(out, self.d, &cells)
    }
}

/// The rewritten list in place of the old one, on disk before it is renamed.
fn replace(
    list: &Path,
    dir: &Path,
    out: BufWriter<tempfile::NamedTempFile>,
) -> Result<(), EditError> {
    let io = |action: &'static str| io_error(list, action);
    let tmp = out
        .into_inner()
        .map_err(|e| e.into_error())
        .map_err(io("write"))?;
    tmp.as_file().sync_all().map_err(io("write"))?;
    if let Ok(meta) = std::fs::metadata(list) {
        // the list keeps the permissions it had (a temporary file is made for the owner only)
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(list)
        .map_err(|e| innopress_core::files::replace_error(e.error))
        .map_err(io("replace"))?;
    if let Ok(d) = File::open(dir) {
        // the rename itself reaches the disk
        let _ = d.sync_all();
    }
    Ok(())
}

/// A row's bytes and its line ending (`\r\n`, `\n`, or nothing at the end of the file).
fn split_terminator(chunk: &[u8]) -> (&[u8], &[u8]) {
    if chunk.ends_with(b"\r\n") {
        chunk.split_at(chunk.len() - 2)
    } else if chunk.ends_with(b"\n") {
        chunk.split_at(chunk.len() - 1)
    } else {
        (chunk, &[])
    }
}

/// One row in CSV, quoted where needed, without a line ending.
fn write_cells(out: &mut impl Write, delimiter: u8, cells: &[String]) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(cells).map_err(std::io::Error::other)?;
    let mut bytes = w
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
    }
    out.write_all(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_that_run_together_are_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.csv");
        let text = "email,name,status,city\na@x.org,A,subscribed,\"Oulu\nb@x.org,B,subscribed,Turku\nc@x.org,C,subscribed,\"\n";
        std::fs::write(&p, text).unwrap();
        let e = rewrite(&p, |_| None, Vec::new, false).unwrap_err();
        assert!(
            e.to_string().contains("line 2: a quote") && e.to_string().contains("lines 2–4"),
            "{e}"
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), text);
    }

    fn edit(s: Status) -> Edit {
        Edit {
            status: s,
            consent_at: "2026-11-30T08:00:00Z".into(),
            source: "mail <a@b>".into(),
        }
    }

    #[test]
    fn untouched_rows_stay_byte_for_byte_and_columns_are_added() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("l.csv");
        let text = "\u{feff}email;name;status;note\r\na@x.org;A;subscribed;\"keep; this\"\r\n\r\n\nb@x.org;B;subscribed\r\nc@x.org;C;pending;x";
        std::fs::write(&list, text).unwrap();
        let stats = rewrite(
            &list,
            |r| (r.email == "b@x.org").then(|| edit(Status::Unsubscribed)),
            || {
                vec![NewRow {
                    email: "d@x.org".into(),
                    name: "=cmd".into(),
                    edit: edit(Status::Pending),
                }]
            },
            false,
        )
        .unwrap();
        assert_eq!(
            (stats.rows, stats.changed, stats.added, stats.written),
            (3, 1, 1, true)
        );
        assert_eq!(
            std::fs::read_to_string(&list).unwrap(),
            "\u{feff}email;name;status;note;consent_at;source\r\na@x.org;A;subscribed;\"keep; this\";;\r\n\r\n\nb@x.org;B;unsubscribed;;2026-11-30T08:00:00Z;mail <a@b>\r\nc@x.org;C;pending;x;;\r\nd@x.org;'=cmd;pending;;2026-11-30T08:00:00Z;mail <a@b>\r\n"
        );
    }

    #[test]
    fn a_list_without_status_gets_one_and_nothing_is_written_without_changes() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("l.csv");
        std::fs::write(&list, "Email Address,First Name\na@x.org,A\n").unwrap();
        let s = rewrite(&list, |_| None, Vec::new, false).unwrap();
        assert!(!s.written);
        assert_eq!(
            std::fs::read_to_string(&list).unwrap(),
            "Email Address,First Name\na@x.org,A\n"
        );
        rewrite(&list, |_| Some(edit(Status::Bounced)), Vec::new, false).unwrap();
        assert_eq!(
            std::fs::read_to_string(&list).unwrap(),
            "Email Address,First Name,status,consent_at,source\na@x.org,A,bounced,2026-11-30T08:00:00Z,mail <a@b>\n"
        );
    }

    #[test]
    fn short_rows_stay_short_and_long_rows_are_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("l.csv");
        let text = "email,name,status,consent_at,source\na@x.org,A\nb@x.org,B,subscribed,,\n";
        std::fs::write(&list, text).unwrap();
        rewrite(
            &list,
            |r| (r.email == "b@x.org").then(|| edit(Status::Bounced)),
            Vec::new,
            false,
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(&list).unwrap(),
            "email,name,status,consent_at,source\na@x.org,A\nb@x.org,B,bounced,2026-11-30T08:00:00Z,mail <a@b>\n"
        );
        let text = "email,name\na@x.org,Smith, John\nb@x.org,B\n";
        std::fs::write(&list, text).unwrap();
        let e = rewrite(&list, |_| Some(edit(Status::Bounced)), Vec::new, false).unwrap_err();
        assert!(e.to_string().contains("line 2 has 3 cells"), "{e}");
        assert_eq!(std::fs::read_to_string(&list).unwrap(), text);
    }
}
