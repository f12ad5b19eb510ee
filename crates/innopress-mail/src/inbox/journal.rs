//! The inbox's journal, `.innopress/inbox.jsonl`: one line per message handled, with its
//! Message-ID, what it asked and what it changed. It is what makes a second run change
//! nothing, what counts soft bounces over days, and what `subscriber show` and `forget`
//! read with the send journals.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The message's id (its Message-ID, or `sha256:…` of its bytes).
    pub id: String,
    /// `unsubscribe`, `bounce`, `subscribe`, `confirm`, `confirmation-sent`.
    pub kind: String,
    /// The subscriber it was about, when one was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// What it did to the list: `unsubscribed`, `bounced`, `pending`, `subscribed`, or
    /// `none` with why in `note`.
    pub result: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// The day of the message (days since 1970-01-01, UTC), for counting soft bounces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<i64>,
    /// A temporary delivery failure (counted, not applied at once).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub soft: bool,
    /// When it was handled (Unix seconds).
    pub time: u64,
}

/// What earlier runs did, as far as this run needs it.
#[derive(Debug, Default)]
pub struct Past {
    pub handled: HashSet<String>,
    /// Address → the days it bounced softly.
    pub soft_days: BTreeMap<String, BTreeSet<i64>>,
    /// Address → when a confirmation was last sent to it (Unix seconds).
    pub confirmation_sent: BTreeMap<String, u64>,
}

pub fn path(root: &Path) -> PathBuf {
    root.join(".innopress/inbox.jsonl")
}

/// Reads the journal; a line that cannot be read (a write cut off by a crash, even in the
/// middle of a character) is skipped.
pub fn read(root: &Path) -> std::io::Result<Past> {
    let mut past = Past::default();
    let file = match std::fs::File::open(path(root)) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(past),
        Err(e) => return Err(e),
    };
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let Ok(e) = serde_json::from_slice::<Entry>(line.trim_ascii_end()) else {
            continue;
        };
        if e.kind == "confirmation-sent" {
            if let Some(email) = e.email {
                let t = past.confirmation_sent.entry(email).or_insert(0);
                *t = (*t).max(e.time);
            }
            continue;
        }
        if e.soft
            && let (Some(email), Some(day)) = (&e.email, e.day)
        {
            past.soft_days.entry(email.clone()).or_default().insert(day);
        }
        past.handled.insert(e.id);
    }
    Ok(past)
}

/// Appends entries and waits until they are on disk. A line cut off by a crash is ended
/// first, so it never swallows the next entry.
pub fn append(root: &Path, entries: &[Entry]) -> std::io::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let p = path(root);
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true).read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // it holds addresses: for the owner only, as the send journals
        opts.mode(0o600);
    }
    let mut f = opts.open(&p)?;
    let mut buf = Vec::new();
    let len = f.metadata()?.len();
    if len > 0 {
        use std::io::{Read, Seek, SeekFrom};
        let mut last = [0u8];
        f.seek(SeekFrom::Start(len - 1))?;
        f.read_exact(&mut last)?;
        if last[0] != b'\n' {
            buf.push(b'\n');
        }
    }
    for e in entries {
        serde_json::to_writer(&mut buf, e).map_err(std::io::Error::other)?;
        buf.push(b'\n');
    }
    f.write_all(&buf)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_line_loses_nothing_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".innopress")).unwrap();
        // a crash in the middle of a character, with no line ending
        std::fs::write(
            path(root),
            b"{\"id\":\"a@b\",\"kind\":\"bounce\",\"result\":\"none\",\"time\":1}\n{\"id\":\"\xc3",
        )
        .unwrap();
        let e = Entry {
            id: "c@d".into(),
            kind: "unsubscribe".into(),
            email: Some("x@y.org".into()),
            result: "unsubscribed".into(),
            note: String::new(),
            day: None,
            soft: false,
            time: 2,
        };
        append(root, &[e]).unwrap();
        let past = read(root).unwrap();
        assert!(past.handled.contains("a@b") && past.handled.contains("c@d"));
    }
}
