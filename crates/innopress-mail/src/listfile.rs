//! The subscriber list as people have it: exported from Mailchimp, listmonk or a
//! spreadsheet, with commas, semicolons (a European Excel) or tabs, perhaps with a byte-order
//! mark. This module finds the delimiter and the columns; [`super::subscribers`] reads the
//! rows. A file that is not UTF-8 gets an error that says how to save it again.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The names each column goes by in common exports, compared without letter case, spaces,
/// hyphens and underscores.
const EMAIL: &[&str] = &["email", "emailaddress", "mailaddress"];
const NAME: &[&str] = &["name", "fullname", "displayname"];
const FIRST: &[&str] = &["firstname", "givenname", "fname"];
const LAST: &[&str] = &["lastname", "surname", "familyname", "lname"];
const STATUS: &[&str] = &["status", "subscriptionstatus"];

/// Where the list's columns are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    pub delimiter: u8,
    pub email: usize,
    /// A full name, or first and last names joined.
    pub name: Names,
    /// The first-name column, when the list has one: the greeting uses it.
    pub first: Option<usize>,
    /// `None`: the export has no status column (Mailchimp exports each status to its own
    /// file), so every row counts as subscribed.
    pub status: Option<usize>,
    /// Every header, as written, for `--where`.
    pub headers: Vec<String>,
    /// The lines of the file, as [`inspect`] counted them (0 when only the header was read).
    pub lines: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Names {
    None,
    Full(usize),
    Parts(Option<usize>, Option<usize>),
}

/// Why a list cannot be read as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// Line (1-based) of the first byte sequence that is not UTF-8.
    NotUtf8(u64),
    NoEmailColumn(Vec<String>),
    Io(String),
    /// A quote left open: the row begun on `line` runs on to `last`.
    RunTogether {
        line: u64,
        last: u64,
    },
}

/// Why a row begun on `line` and ended on `last` is refused, and what to do.
pub fn run_on(line: u64, last: u64) -> String {
    format!(
        "a quote (\") opens a cell on this line and is not closed on it, so lines {line}–{last} run together as one row: remove the stray quote or close it on line {line}"
    )
}

/// Whether one row's bytes, as read from the file from `line` on (blank lines the reader
/// passed over first, its line feed last), run over more than one line of the file: a
/// row that runs on swallows the rows after it, whose people would be lost.
pub fn run_together(raw: &[u8], line: u64) -> Option<FormatError> {
    let mut rest = raw;
    let mut line = line;
    // blank lines before the row: the reader skips them
    while let Some(i) = rest.iter().position(|&b| b == b'\n') {
        if rest[..i].iter().any(|b| !b.is_ascii_whitespace()) {
            break;
        }
        rest = &rest[i + 1..];
        line += 1;
    }
    let body = rest.strip_suffix(b"\n").unwrap_or(rest);
    let breaks = body.iter().filter(|&&b| b == b'\n').count() as u64;
    (breaks > 0).then_some(FormatError::RunTogether {
        line,
        last: line + breaks,
    })
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::NotUtf8(line) => write!(
                f,
                "line {line}: the file is not UTF-8 (probably Latin-1 or Windows-1252, as older Excel saves CSV): in Excel use Save As > \"CSV UTF-8 (Comma delimited)\", in LibreOffice Save As > Text CSV with the character set \"Unicode (UTF-8)\""
            ),
            FormatError::NoEmailColumn(headers) => write!(
                f,
                "line 1: the header row has no `email` column (found: {}); expected `email,name,status`, or an export's \"Email Address\"",
                headers
                    .iter()
                    .map(|h| format!("`{}`", innopress_core::text::printable(h)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            FormatError::Io(e) => write!(f, "{e}"),
            FormatError::RunTogether { line, last } => {
                write!(f, "line {line}: {}", run_on(*line, *last))
            }
        }
    }
}

impl std::error::Error for FormatError {}

/// Checks the whole file is UTF-8, streaming (a list may be large), and reads its columns.
pub fn inspect(path: &Path) -> Result<Columns, FormatError> {
    let file = std::fs::File::open(path).map_err(|e| FormatError::Io(e.to_string()))?;
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut first = None;
    let mut number = 0u64;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| FormatError::Io(e.to_string()))?;
        if n == 0 {
            break;
        }
        number += 1;
        let text = std::str::from_utf8(&line).map_err(|_| FormatError::NotUtf8(number))?;
        if first.is_none() {
            first = Some(text.trim_start_matches('\u{feff}').to_string());
        }
    }
    let mut c = columns(first.as_deref().unwrap_or_default())?;
    c.lines = number;
    Ok(c)
}

/// The delimiter and columns from the header line.
pub fn columns(header: &str) -> Result<Columns, FormatError> {
    let delimiter = sniff(header);
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(header.as_bytes());
    let headers: Vec<String> = r
        .records()
        .next()
        .and_then(Result::ok)
        .map(|rec| rec.iter().map(|h| h.trim().to_string()).collect())
        .unwrap_or_default();
    let find = |names: &[&str]| {
        headers.iter().position(|h| {
            let key: String = h
                .chars()
                .filter(|c| !matches!(c, ' ' | '-' | '_'))
                .collect::<String>()
                .to_lowercase();
            names.iter().any(|n| *n == key)
        })
    };
    let email = find(EMAIL).ok_or_else(|| FormatError::NoEmailColumn(headers.clone()))?;
    let name = match (find(NAME), find(FIRST), find(LAST)) {
        (Some(i), _, _) => Names::Full(i),
        (None, None, None) => Names::None,
        (None, f, l) => Names::Parts(f, l),
    };
    Ok(Columns {
        delimiter,
        email,
        name,
        first: find(FIRST),
        status: find(STATUS),
        headers,
        lines: 0,
    })
}

/// The delimiter of a header line: the most frequent of comma, semicolon and tab outside
/// quotes (a comma when there is none).
fn sniff(header: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in header.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// Skips a UTF-8 byte-order mark at the start of `r`.
pub fn without_bom<R: Read>(mut r: BufReader<R>) -> BufReader<R> {
    if r.fill_buf().is_ok_and(|b| b.starts_with(b"\xef\xbb\xbf")) {
        r.consume(3);
    }
    r
}

/// The list is being changed by another run.
#[derive(Debug)]
pub enum LockError {
    Busy(PathBuf),
    Io(PathBuf, std::io::Error),
}

/// The locks a change to the list holds; released when dropped.
#[derive(Debug)]
pub struct Locks {
    _site: std::fs::File,
    _list: std::fs::File,
}

/// Takes `.innopress/list.lock` and the list's own lock for the time of a change to the
/// list, or says who has one. Held by `newsletter inbox` and by `subscriber forget`, which
/// both rewrite the list. The list's lock is a file beside it (`.NAME.lock`), so that runs
/// from two site folders, or a campaign sending to it, see each other too.
pub fn lock(root: &Path, list: &Path) -> Result<Locks, LockError> {
    let p = root.join(".innopress/list.lock");
    std::fs::create_dir_all(root.join(".innopress")).map_err(|e| LockError::Io(p.clone(), e))?;
    let site = lock_file(&p)?;
    let list = lock_file(&lock_path(list))?;
    Ok(Locks {
        _site: site,
        _list: list,
    })
}

/// Takes the list's lock shared, for a campaign reading it: changes wait for the campaign,
/// other campaigns do not. Waits while a change holds it (changes are short). `Ok(None)`
/// when the lock file cannot be made (a folder the user may only read): then no change by
/// innopress can be made there either.
pub fn read_lock(list: &Path, waiting: impl FnOnce()) -> Result<Option<std::fs::File>, LockError> {
    let p = lock_path(list);
    let f = match open_lock(&p) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => return Ok(None),
        Err(e) => return Err(LockError::Io(p, e)),
    };
    match f.try_lock_shared() {
        Ok(()) => Ok(Some(f)),
        Err(std::fs::TryLockError::WouldBlock) => {
            waiting();
            f.lock_shared().map_err(|e| LockError::Io(p, e))?;
            Ok(Some(f))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(LockError::Io(p, e)),
    }
}

/// `.NAME.lock` beside the list: a file never renamed, unlike the list itself.
pub fn lock_path(list: &Path) -> PathBuf {
    let name = list
        .file_name()
        .map_or_else(|| "list".into(), |n| n.to_string_lossy().into_owned());
    list.with_file_name(format!(".{name}.lock"))
}

fn open_lock(p: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(p)
}

fn lock_file(p: &Path) -> Result<std::fs::File, LockError> {
    let f = open_lock(p).map_err(|e| LockError::Io(p.to_path_buf(), e))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(LockError::Busy(p.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(LockError::Io(p.to_path_buf(), e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_are_understood() {
        let c = columns("\"Email Address\";\"First Name\";\"Last Name\";City").unwrap();
        assert_eq!(
            (c.delimiter, c.email, c.name, c.status),
            (b';', 0, Names::Parts(Some(1), Some(2)), None)
        );
        let c = columns("uuid\temail\tname\tattributes\tstatus").unwrap();
        assert_eq!((c.delimiter, c.email, c.status), (b'\t', 1, Some(4)));
        let c = columns("email,\"Full Name\",status,\"a;b;c;d\"").unwrap();
        assert_eq!((c.delimiter, c.name), (b',', Names::Full(1)));
        assert!(matches!(
            columns("mail,name"),
            Err(FormatError::NoEmailColumn(_))
        ));
    }

    #[test]
    fn latin1_is_refused_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.csv");
        std::fs::write(
            &p,
            b"email,name,status\na@x.org,A,subscribed\nb@x.org,J\xe4rvi,subscribed\n",
        )
        .unwrap();
        assert_eq!(inspect(&p), Err(FormatError::NotUtf8(3)));
        assert!(FormatError::NotUtf8(3).to_string().contains("CSV UTF-8"));
    }
}

#[cfg(test)]
mod lock_tests {
    #[test]
    fn one_run_at_a_time_changes_the_list() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("subscribers.csv");
        let held = super::lock(dir.path(), &list).unwrap();
        assert!(matches!(
            super::lock(dir.path(), &list),
            Err(super::LockError::Busy(_))
        ));
        drop(held);
        assert!(super::lock(dir.path(), &list).is_ok());
    }

    #[test]
    fn the_list_is_locked_whichever_site_folder_changes_it() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let list = a.path().join("subscribers.csv");
        let held = super::lock(a.path(), &list).unwrap();
        assert!(matches!(
            super::lock(b.path(), &list),
            Err(super::LockError::Busy(p)) if p == super::lock_path(&list)
        ));
        drop(held);
        // a campaign reads it shared: changes wait for it
        let reading = super::read_lock(&list, || {}).unwrap();
        assert!(reading.is_some());
        assert!(super::read_lock(&list, || panic!("readers never wait for readers")).is_ok());
        assert!(matches!(
            super::lock(b.path(), &list),
            Err(super::LockError::Busy(_))
        ));
    }
}
