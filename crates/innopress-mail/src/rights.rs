//! A subscriber's rights over what is kept about them: `subscriber show` gathers every row
//! of the list and every journal line of one address; `subscriber forget` removes them all
//! and keeps only a salted hash of the address, so that an old export imported again cannot
//! mail it without anyone noticing. Files are rewritten whole into a temporary file that is
//! renamed into place, so an interruption leaves either the old file or the new one.

use innopress_core::addresses::canonical;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// The hashes of forgotten addresses, with the salt they were made with.
pub type ForgottenSet = (std::collections::HashSet<String>, Vec<u8>);

/// What the list and the journals hold about one address.
#[derive(Debug, Default)]
pub struct Held {
    /// (line in the list, header → value) for each row of the address.
    pub rows: Vec<(u64, Vec<(String, String)>)>,
    /// (journal file, its line) for each journal entry of the address.
    pub journal: Vec<(PathBuf, String)>,
    /// Whether the address was forgotten before.
    pub forgotten: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum RightsError {
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    List {
        path: PathBuf,
        source: super::listfile::FormatError,
    },
}

fn io<'p>(action: &'static str, path: &'p Path) -> impl FnOnce(std::io::Error) -> RightsError + 'p {
    move |source| RightsError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// One person's address in two spellings: letter case, spaces around it, and a domain with
/// other letters against its ASCII form (`exämple.org`, `xn--exmple-cua.org`).
fn same(a: &str, b: &str) -> bool {
    canonical(a) == canonical(b)
}

/// The journals of every issue (`.innopress/sends/*.jsonl`, sorted) and the inbox's.
fn journals(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root.join(".innopress/sends"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    v.sort();
    // what the inbox did about each address, too
    let inbox = root.join(".innopress/inbox.jsonl");
    if inbox.is_file() {
        v.push(inbox);
    }
    v
}

/// The address a journal line is about.
fn journal_email(line: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(line)
        .ok()?
        .get("email")?
        .as_str()
        .map(str::to_string)
}

/// Everything kept about `email` in the list at `list` and the site's journals.
pub fn show(root: &Path, list: &Path, email: &str) -> Result<Held, RightsError> {
    let mut held = Held::default();
    let columns = super::listfile::inspect(list).map_err(|source| RightsError::List {
        path: list.to_path_buf(),
        source,
    })?;
    let file = std::fs::File::open(list).map_err(io("open", list))?;
    // rows end at a line feed, as in [`super::subscribers`], so line numbers agree
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(columns.delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(super::listfile::without_bom(BufReader::new(file)));
    for record in reader.records().flatten() {
        if record.get(columns.email).is_some_and(|e| same(e, email)) {
            let line = record.position().map_or(0, |p| p.line());
            let cells = columns
                .headers
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_string))
                .collect();
            held.rows.push((line, cells));
        }
    }
    for path in journals(root) {
        let file = std::fs::File::open(&path).map_err(io("open", &path))?;
        for line in BufReader::new(file).lines() {
            let line = line.map_err(io("read", &path))?;
            if journal_email(&line).is_some_and(|e| same(&e, email)) {
                held.journal.push((path.clone(), line));
            }
        }
    }
    held.forgotten = is_forgotten(root, email)?;
    Ok(held)
}

/// What `forget` removed.
#[derive(Debug, Default)]
pub struct Forgotten {
    pub rows: usize,
    pub journal_lines: usize,
}

/// Removes every row and journal line of `email` and records its salted hash.
pub fn forget(root: &Path, list: &Path, email: &str) -> Result<Forgotten, RightsError> {
    let mut done = Forgotten::default();
    // not while `newsletter inbox` rewrites the list: its rename would bring the rows back
    let _lock = super::listfile::lock(root, list).map_err(|e| match e {
        super::listfile::LockError::Busy(path) => RightsError::Io {
            action: "lock (another innopress run is using the list: a change to it, or a campaign sending to it; wait for it to finish)",
            path,
            source: std::io::Error::from(std::io::ErrorKind::WouldBlock),
        },
        super::listfile::LockError::Io(path, source) => RightsError::Io {
            action: "lock",
            path,
            source,
        },
    })?;
    let (kept, rows) = without_rows(list, email)?;
    done.rows = rows;
    if done.rows > 0 {
        replace(list, &kept)?;
    }
    for path in journals(root) {
        done.journal_lines += forget_in_journal(&path, email)?;
    }
    remember(root, email)?;
    Ok(done)
}

/// The list's bytes without the rows of `email` (every other row kept byte for byte,
/// header included), and how many there were.
fn without_rows(list: &Path, email: &str) -> Result<(Vec<u8>, usize), RightsError> {
    let mut rows = 0;
    let columns = super::listfile::inspect(list).map_err(|source| RightsError::List {
        path: list.to_path_buf(),
        source,
    })?;
    let mut bytes = Vec::new();
    std::fs::File::open(list)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(io("read", list))?;
    let bom = if bytes.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .delimiter(columns.delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(&bytes[bom..]);
    let mut kept = bytes[..bom].to_vec();
    let mut record = csv::ByteRecord::new();
    let mut start = 0usize;
    let mut first = true;
    loop {
        let more = reader.read_byte_record(&mut record).unwrap_or(false);
        let end = reader.position().byte() as usize;
        if !more {
            kept.extend_from_slice(&bytes[bom + start..]);
            break;
        }
        // a stray quote would hide the person's row inside another: refuse, change nothing
        let line = record.position().map_or(0, |p| p.line());
        if let Some(source) = super::listfile::run_together(&bytes[bom + start..bom + end], line) {
            return Err(RightsError::List {
                path: list.to_path_buf(),
                source,
            });
        }
        let is_them = !first
            && record
                .get(columns.email)
                .and_then(|e| std::str::from_utf8(e).ok())
                .is_some_and(|e| same(e, email));
        if is_them {
            rows += 1;
        } else {
            kept.extend_from_slice(&bytes[bom + start..bom + end]);
        }
        first = false;
        start = end;
    }
    Ok((kept, rows))
}

/// Removes the lines about `email` from one journal (the inbox's keep theirs, without the
/// address); how many.
fn forget_in_journal(path: &Path, email: &str) -> Result<usize, RightsError> {
    let text = std::fs::read_to_string(path).map_err(io("read", path))?;
    let mut out = String::with_capacity(text.len());
    let mut removed = 0;
    let inbox = path.file_name().is_some_and(|n| n == "inbox.jsonl");
    for line in text.split_inclusive('\n') {
        if !journal_email(line.trim_end()).is_some_and(|e| same(&e, email)) {
            out.push_str(line);
            continue;
        }
        removed += 1;
        // the inbox must still know the message was handled, or the same saved mail
        // read again would bring the address back: its line stays, without the address
        if inbox
            && let Ok(serde_json::Value::Object(mut entry)) =
                serde_json::from_str::<serde_json::Value>(line.trim_end())
        {
            entry.remove("email");
            entry.remove("soft");
            out.push_str(&serde_json::Value::Object(entry).to_string());
            out.push('\n');
        }
    }
    if removed > 0 {
        replace(path, out.as_bytes())?;
    }
    Ok(removed)
}

/// The salted hash of `email` kept, so that an old list cannot bring it back.
fn remember(root: &Path, email: &str) -> Result<(), RightsError> {
    if !is_forgotten(root, email)? {
        let h = hash(root, email)?;
        let path = root.join(".innopress/forgotten.txt");
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io("write", &path))?;
        writeln!(f, "{h}")
            .and_then(|()| f.sync_all())
            .map_err(io("write", &path))?;
    }
    Ok(())
}

/// Whether `email` was forgotten on request.
pub fn is_forgotten(root: &Path, email: &str) -> Result<bool, RightsError> {
    let path = root.join(".innopress/forgotten.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(false);
    };
    let set = text.lines().map(|l| l.trim().to_string()).collect();
    Ok(is_in(&set, &salt(root)?, email))
}

/// The hashes of forgotten addresses and their salt, for checking a whole list; `None`
/// when nobody was forgotten.
pub fn forgotten_set(root: &Path) -> Result<Option<ForgottenSet>, RightsError> {
    let path = root.join(".innopress/forgotten.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let set = text.lines().map(|l| l.trim().to_string()).collect();
    Ok(Some((set, salt(root)?)))
}

/// The salted SHA-256 of an address in its one spelling ([`canonical`]), in hex.
pub fn hash_with(salt: &[u8], email: &str) -> String {
    salted(salt, &canonical(email))
}

/// Whether `email` is in a set of forgotten hashes, in either spelling: hashes made before
/// the domain was put in its ASCII form were of the address lower-cased as written.
pub fn is_in(set: &std::collections::HashSet<String>, salt: &[u8], email: &str) -> bool {
    set.contains(&hash_with(salt, email))
        || set.contains(&salted(salt, &email.trim().to_lowercase()))
}

fn salted(salt: &[u8], text: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(salt);
    h.update(text.as_bytes());
    hex::encode(h.finalize())
}

fn hash(root: &Path, email: &str) -> Result<String, RightsError> {
    Ok(hash_with(&salt(root)?, email))
}

/// The site's salt, made once from the system's random source and kept beside the list of
/// hashes: without it, a hash cannot be tried against guessed addresses.
fn salt(root: &Path) -> Result<Vec<u8>, RightsError> {
    let path = root.join(".innopress/forgotten.salt");
    if let Ok(s) = std::fs::read(&path)
        && s.len() >= 16
    {
        return Ok(s);
    }
    std::fs::create_dir_all(root.join(".innopress")).map_err(io("create", &path))?;
    let mut s = [0u8; 32];
    getrandom::fill(&mut s).map_err(|e| RightsError::Io {
        action: "make a random salt for",
        path: path.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    replace(&path, &s)?;
    Ok(s.to_vec())
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
fn replace(path: &Path, bytes: &[u8]) -> Result<(), RightsError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io("write", path))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(io("write", path))?;
    tmp.persist(path)
        .map_err(|e| innopress_core::files::replace_error(e.error))
        .map_err(io("replace", path))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forget_removes_every_trace_and_keeps_other_rows_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let list = root.join("list.csv");
        let text = "\u{feff}email;name;status;note\r\na@x.org;A;subscribed;\"keep; this\"\r\nMaija@X.org;Maija;subscribed;x\r\nb@x.org;B;unsubscribed;\r\nmaija@x.org;M;unsubscribed;dup\r\n";
        std::fs::write(&list, text).unwrap();
        std::fs::create_dir_all(root.join(".innopress/sends")).unwrap();
        std::fs::write(
            root.join(".innopress/sends/1.jsonl"),
            "{\"email\":\"maija@x.org\",\"state\":\"sent\",\"time\":1}\n{\"email\":\"a@x.org\",\"state\":\"sent\",\"time\":1}\n",
        )
        .unwrap();
        let held = show(root, &list, "MAIJA@x.org").unwrap();
        assert_eq!(
            (held.rows.len(), held.journal.len(), held.forgotten),
            (2, 1, false)
        );
        assert_eq!(held.rows[0].0, 3);
        assert_eq!(held.rows[0].1[1], ("name".to_string(), "Maija".to_string()));
        let done = forget(root, &list, "maija@x.org").unwrap();
        assert_eq!((done.rows, done.journal_lines), (2, 1));
        assert_eq!(
            std::fs::read_to_string(&list).unwrap(),
            "\u{feff}email;name;status;note\r\na@x.org;A;subscribed;\"keep; this\"\r\nb@x.org;B;unsubscribed;\r\n"
        );
        assert_eq!(
            std::fs::read_to_string(root.join(".innopress/sends/1.jsonl")).unwrap(),
            "{\"email\":\"a@x.org\",\"state\":\"sent\",\"time\":1}\n"
        );
        let held = show(root, &list, "maija@x.org").unwrap();
        assert!(held.rows.is_empty() && held.journal.is_empty() && held.forgotten);
        // the hash file never holds the address
        let hashes = std::fs::read_to_string(root.join(".innopress/forgotten.txt")).unwrap();
        assert!(!hashes.contains("maija") && hashes.trim().len() == 64);
        // forgetting again changes nothing
        let done = forget(root, &list, "maija@x.org").unwrap();
        assert_eq!((done.rows, done.journal_lines), (0, 0));
        assert_eq!(
            std::fs::read_to_string(root.join(".innopress/forgotten.txt")).unwrap(),
            hashes
        );
    }
}
