//! The subscriber list: a UTF-8 CSV with a header row `email,name,status` (more columns
//! allowed, and the headers and delimiters of common exports: see [`super::listfile`]), read
//! as a stream so memory does not grow with the file. Addresses are validated; a bad row is
//! reported by its line number, never by printing the whole list. Only `subscribed` rows (in
//! the segment, when `--where` gives one) are mailed.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    pub email: String,
    pub name: String,
    /// The first name, when the list has a column for it (empty otherwise).
    pub first_name: String,
    pub status: Status,
    /// Whether the row is in the segment `--where` selects (every row without one).
    pub selected: bool,
}

impl Row {
    /// Whether this row gets the issue.
    pub fn mailable(&self) -> bool {
        self.status == Status::Subscribed && self.selected
    }
}

/// A subscriber's state. Only `subscribed` is mailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Subscribed,
    /// Asked to join, not yet confirmed.
    Pending,
    Unsubscribed,
    /// Mail to the address does not arrive.
    Bounced,
}

impl Status {
    /// The status cell, including the words of common exports (listmonk's `enabled` and
    /// `blocklisted`, Mailchimp's `cleaned`).
    pub fn parse(cell: &str) -> Option<Status> {
        Some(match cell {
            "subscribed" | "enabled" | "active" | "confirmed" => Status::Subscribed,
            "pending" | "unconfirmed" => Status::Pending,
            "unsubscribed" | "blocklisted" | "blacklisted" | "disabled" => Status::Unsubscribed,
            "bounced" | "cleaned" => Status::Bounced,
            _ => return None,
        })
    }

    /// The word innopress writes into the status cell.
    pub fn word(self) -> &'static str {
        match self {
            Status::Subscribed => "subscribed",
            Status::Pending => "pending",
            Status::Unsubscribed => "unsubscribed",
            Status::Bounced => "bounced",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub line: u64,
    pub reason: String,
    /// The file is read wrongly from here (rows run together): no row of it may be
    /// mailed, not even with `--skip-invalid`.
    pub fatal: bool,
}

pub struct ListReader {
    records: csv::StringRecordsIntoIter<BufReader<super::listguard::Guard>>,
    /// Why reading stopped early: the file changed after it was checked.
    stopped: Option<super::listguard::Changed>,
    columns: super::listfile::Columns,
    /// `--where` conditions as (column index, wanted value in lower case).
    segment: Vec<(usize, String)>,
    /// Hashes of addresses forgotten on request, and the salt they were made with.
    forgotten: Option<super::rights::ForgottenSet>,
}

impl ListReader {
    /// Makes rows of addresses forgotten on request (`subscriber forget`) invalid, so an old
    /// export cannot bring them back unnoticed.
    pub fn refusing(mut self, forgotten: Option<super::rights::ForgottenSet>) -> Self {
        self.forgotten = forgotten;
        self
    }

    /// Why the rows ended before the end of the file, if they did.
    pub fn stopped(&self) -> Option<&super::listguard::Changed> {
        self.stopped.as_ref()
    }
}

/// The list cannot be read at all (rows with problems are [`Invalid`] instead).
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("cannot open the subscriber list {}: {source}", path.display())]
    Open {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// The header row is unreadable or lacks a column; the message names the file and line.
    #[error("{0}")]
    Header(String),
}

/// Opens the list and checks its encoding and header; `segment` holds `--where`
/// conditions (`column=value`), all of which a row must meet to be mailed.
pub fn open(path: &Path, segment: &[(String, String)]) -> Result<ListReader, ListError> {
    open_with(path, segment, super::listguard::Mode::Plain)
}

/// [`open`], noting or checking the file's bytes as `mode` says.
pub fn open_with(
    path: &Path,
    segment: &[(String, String)],
    mode: super::listguard::Mode,
) -> Result<ListReader, ListError> {
    let columns = super::listfile::inspect(path).map_err(|e| match e {
        super::listfile::FormatError::Io(e) => ListError::Open {
            path: path.to_path_buf(),
            source: std::io::Error::other(e),
        },
        e => ListError::Header(format!("{}: {e}", path.display())),
    })?;
    let mut conditions = Vec::new();
    for (column, value) in segment {
        let Some(i) = columns
            .headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(column.trim()))
        else {
            return Err(ListError::Header(format!(
                "{}: line 1: --where {column}=…: the list has no column `{column}` (its columns: {})",
                path.display(),
                columns
                    .headers
                    .iter()
                    .map(|h| printable(h))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        conditions.push((i, value.trim().to_lowercase()));
    }
    let file = File::open(path).map_err(|source| ListError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(columns.delimiter)
        // only a line feed ends a row: with CRLF (the csv crate's default) a row is placed on
        // the line before it (BurntSushi/rust-csv#395), and an editor would fix the wrong
        // row; the carriage return left at the end of the last cell is trimmed
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(super::listfile::without_bom(BufReader::new(
            super::listguard::Guard::new(file, mode),
        )));
    Ok(ListReader {
        records: reader.into_records(),
        stopped: None,
        columns,
        segment: conditions,
        forgotten: None,
    })
}

impl Iterator for ListReader {
    type Item = Result<Row, Invalid>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.stopped.is_some() {
            return None;
        }
        loop {
            let r = match self.records.next()? {
                Ok(r) => r,
                Err(e) => {
                    if let csv::ErrorKind::Io(io) = e.kind()
                        && let Some(c) = io
                            .get_ref()
                            .and_then(|c| c.downcast_ref::<super::listguard::Changed>())
                    {
                        self.stopped = Some(c.clone());
                        return None;
                    }
                    return Some(Err(Invalid {
                        line: e.position().map_or(0, |p| p.line()),
                        reason: format!("unreadable row: {e}"),
                        fatal: true,
                    }));
                }
            };
            // a blank row is passed over
            if let Some(row) = self.row(&r) {
                return Some(row);
            }
        }
    }
}

impl ListReader {
    /// One row read and checked; `None` for a blank one.
    fn row(&self, r: &csv::StringRecord) -> Option<Result<Row, Invalid>> {
        let line = r.position().map_or(0, |p| p.line());
        // a row ends at its line's end; one that runs on has a quote left open, and the rows
        // it swallowed would silently not be mailed (cells are read untrimmed, so that a line
        // feed at a cell's edge counts too)
        let breaks: u64 = r.iter().map(|f| f.matches('\n').count() as u64).sum();
        if breaks > 0 {
            return Some(Err(Invalid {
                line,
                // a quote left open to the end holds the file's last line feed
                reason: super::listfile::run_on(
                    line,
                    (line + breaks).min(self.columns.lines.max(line + 1)),
                ),
                fatal: true,
            }));
        }
        let c = &self.columns;
        let cell = |i: Option<usize>| i.and_then(|i| r.get(i)).unwrap_or("").trim();
        let email = cell(Some(c.email)).to_string();
        let name = match c.name {
            super::listfile::Names::None => String::new(),
            super::listfile::Names::Full(i) => cell(Some(i)).to_string(),
            super::listfile::Names::Parts(f, l) => {
                format!("{} {}", cell(f), cell(l)).trim().to_string()
            }
        };
        let first_name = cell(c.first).to_string();
        let status = match c.status {
            Some(i) => cell(Some(i)).to_ascii_lowercase(),
            None => "subscribed".into(),
        };
        let selected = self
            .segment
            .iter()
            .all(|(i, want)| cell(Some(*i)).to_lowercase() == *want);
        if r.iter().all(|f| f.trim().is_empty()) {
            return None;
        }
        let invalid = |reason: String| {
            Some(Err(Invalid {
                line,
                reason,
                fatal: false,
            }))
        };
        if let Some(reason) = self.refused(&email, &name) {
            return invalid(reason);
        }
        let Some(status) = Status::parse(&status) else {
            return invalid(format!(
                "status `{}` must be `subscribed`, `pending`, `unsubscribed` or `bounced`",
                printable(&status)
            ));
        };
        Some(Ok(Row {
            line,
            email: ascii_address(&email).unwrap_or(email),
            name,
            first_name,
            status,
            selected,
        }))
    }

    /// Why a row's address or name cannot be mailed, if it cannot.
    fn refused(&self, email: &str, name: &str) -> Option<String> {
        if email.is_empty() {
            return Some("the email cell is empty".into());
        }
        if email.parse::<lettre::Address>().is_err() {
            return Some(format!("`{}` is not a valid email address", mask(email)));
        }
        if ascii_address(email).is_none() {
            return Some(format!(
                "`{}` has letters outside ASCII before the @, which mail servers without SMTPUTF8 refuse",
                mask(email)
            ));
        }
        if innopress_core::text::control_char(name).is_some() {
            // a name goes into the To header: a line break there would add headers
            return Some(
                "the name has a line break or another control character; remove it".into(),
            );
        }
        self.forgotten
            .as_ref()
            .is_some_and(|(set, salt)| super::rights::is_in(set, salt, email))
            .then(|| "this address was forgotten on request (`newsletter subscriber forget`) and must not be mailed; remove the row".into())
    }
}

pub use innopress_core::addresses::{ascii_address, canonical};

/// Text from the list as it may be shown in a terminal: control characters (escape
/// sequences, line breaks) are left out, so a row cannot rewrite the screen.
pub fn printable(text: &str) -> String {
    innopress_core::text::printable(text)
}

/// A server's reply about `email` as it may be shown: the address masked wherever the reply
/// quotes it (in any letter case), control characters left out.
pub fn redact(reply: &str, email: &str) -> String {
    let reply = printable(reply);
    if email.is_empty() {
        return reply;
    }
    let (lower, wanted) = (reply.to_ascii_lowercase(), email.to_ascii_lowercase());
    let mut out = String::with_capacity(reply.len());
    let mut at = 0;
    while let Some(i) = lower[at..].find(&wanted) {
        out.push_str(&reply[at..at + i]);
        out.push_str(&mask(email));
        at += i + wanted.len();
    }
    out.push_str(&reply[at..]);
    out
}

/// An address shortened for terminal output: `m***@example.org`.
pub fn mask(email: &str) -> String {
    let email = printable(email);
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => {
            let first: String = email.chars().take(1).collect();
            format!("{first}***")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_validates_and_masks() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.csv");
        std::fs::write(
            &p,
            "email,name,status,city\na@x.org,Maija,subscribed,Oulu\nnot-an-address,B,subscribed,\nc@x.org,,unsubscribed,\n,,,\nd@x.org,D,maybe,\nA@X.org,Again,subscribed,\n",
        )
        .unwrap();
        let rows: Vec<_> = open(&p, &[]).unwrap().collect();
        assert_eq!(
            rows[0],
            Ok(Row {
                line: 2,
                email: "a@x.org".into(),
                name: "Maija".into(),
                first_name: String::new(),
                status: Status::Subscribed,
                selected: true,
            })
        );
        assert_eq!(rows[1].as_ref().unwrap_err().line, 3);
        assert!(rows[1].as_ref().unwrap_err().reason.contains("n***"));
        assert!(
            !rows[1]
                .as_ref()
                .unwrap_err()
                .reason
                .contains("not-an-address")
        );
        assert!(!rows[2].as_ref().unwrap().mailable());
        assert_eq!(rows[3].as_ref().unwrap_err().line, 6);
        assert_eq!(mask("maija@example.org"), "m***@example.org");
    }

    #[test]
    fn header_is_required() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.csv");
        std::fs::write(&p, "mail,name\nx@y.org,X\n").unwrap();
        assert!(
            open(&p, &[])
                .err()
                .unwrap()
                .to_string()
                .contains("no `email` column")
        );
    }

    #[test]
    fn exports_and_segments() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("export.csv");
        // a Mailchimp-style export saved by a European Excel: BOM, semicolons, no status
        std::fs::write(
            &p,
            "\u{feff}\"Email Address\";\"First Name\";\"Last Name\";City\r\nmaija@example.org;Maija;Meikäläinen;Tampere\r\nola@example.org;Ola;;Oulu\r\n",
        )
        .unwrap();
        let rows: Vec<Row> = open(&p, &[]).unwrap().map(Result::unwrap).collect();
        assert_eq!(rows[0].name, "Maija Meikäläinen");
        assert_eq!(rows[1].name, "Ola");
        assert!(rows.iter().all(Row::mailable));
        let bad = [("region".to_string(), "x".to_string())];
        assert!(
            open(&p, &bad)
                .err()
                .unwrap()
                .to_string()
                .contains("no column `region`")
        );
    }

    #[test]
    fn rows_keep_their_lines_with_crlf_and_blank_lines() {
        for text in [
            "email,name,status\r\na@example.org,A,subscribed\r\nbad,B,subscribed\r\n",
            "email,name,status\na@example.org,A,subscribed\nbad,B,subscribed\n",
            "email,name,status\r\n\r\na@example.org,A,subscribed\r\nbad,B,subscribed\r\n",
        ] {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("s.csv");
            std::fs::write(&p, text).unwrap();
            let rows: Vec<_> = open(&p, &[]).unwrap().collect();
            let want = text.matches('\n').count() as u64;
            assert!(
                matches!(&rows[..], [Ok(r), Err(i)] if r.mailable() && r.email == "a@example.org" && i.line == want),
                "{text:?}: {rows:?}"
            );
        }
    }

    #[test]
    fn addresses_are_sent_in_ascii() {
        assert_eq!(
            ascii_address("a@exämple.org").as_deref(),
            Some("a@xn--exmple-cua.org")
        );
        assert_eq!(ascii_address("é@example.org"), None);
        assert_eq!(
            ascii_address("a@example.org").as_deref(),
            Some("a@example.org")
        );
    }

    #[test]
    fn names_with_control_characters_are_invalid_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("list.csv");
        std::fs::write(
            &p,
            "email,name,status\n\
             eve@example.org,\"Eve\r\nBcc: x@evil.example\",subscribed\n\
             ann@example.org,Ann,subscribed\n\
             bob@example.org,Bob,\"\u{1b}[2Jsubscribed\"\n",
        )
        .unwrap();
        let rows: Vec<_> = open(&p, &[]).unwrap().collect();
        // a line break inside quotes makes the row run over two lines of the file
        assert!(
            matches!(&rows[0], Err(i) if i.line == 2 && i.fatal && i.reason.contains("lines 2–3 run together"))
        );
        assert!(rows[1].is_ok());
        assert!(
            matches!(&rows[2], Err(i) if !i.reason.contains('\u{1b}')),
            "{:?}",
            rows[2]
        );
        assert_eq!(mask("\u{1b}[2Jx@evil\u{7}.example"), "[***@evil.example");
    }

    #[test]
    fn a_stray_quote_never_swallows_rows_unnoticed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("list.csv");
        // a stray quote in a column innopress does not read, then at the very end without a
        // line feed
        for (text, line, to) in [
            (
                "email,name,status,city\na@x.org,A,subscribed,\"Tampere\nb@x.org,B,subscribed,Oulu\nc@x.org,C,subscribed,\"\nd@x.org,D,subscribed,Turku\n",
                2,
                4,
            ),
            (
                "email,name,status\na@x.org,A,subscribed\nb@x.org,\"B,subscribed\nc@x.org,C,subscribed",
                3,
                4,
            ),
        ] {
            std::fs::write(&p, text).unwrap();
            let rows: Vec<_> = open(&p, &[]).unwrap().collect();
            let bad: Vec<&Invalid> = rows.iter().filter_map(|r| r.as_ref().err()).collect();
            assert_eq!(bad.len(), 1, "{rows:?}");
            assert!(bad[0].fatal && bad[0].line == line, "{bad:?}");
            assert!(
                bad[0]
                    .reason
                    .contains(&format!("lines {line}–{to} run together")),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn replies_never_show_the_full_address() {
        assert_eq!(
            redact(
                "550 5.1.1 <Bounce@Example.org>: no such user",
                "bounce@example.org"
            ),
            "550 5.1.1 <b***@example.org>: no such user"
        );
        assert_eq!(
            redact("451 \u{1b}[31mlater", "x@example.org"),
            "451 [31mlater"
        );
    }
}
