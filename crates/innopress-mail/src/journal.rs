//! The send journal, `.innopress/sends/N.jsonl` at the site root: one JSON line per event,
//! appended and synced to disk before the run goes on. A recipient is written `attempting`
//! before its SMTP transaction and `sent` (with the server's reply) after it, so a re-run
//! knows who has the issue, and a crash between the two leaves the recipient *uncertain*
//! rather than mailed twice. Only addresses are kept here, never names or other columns.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Attempting,
    Sent,
    FailedTemporary,
    FailedPermanent,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub email: String,
    pub state: State,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// Unix seconds; the journal is a log, not output, so the clock belongs here.
    pub time: u64,
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The journal cannot be read or written; sending stops rather than risk a second mail.
#[derive(Debug, Clone, thiserror::Error)]
pub enum JournalError {
    /// `action` says what failed ("read the journal", "create" …), `source` the system's
    /// why (shared: one failed write answers every entry of its batch).
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::sync::Arc<std::io::Error>,
    },
    #[error(
        "another innopress run is sending this issue (lock held on {}); wait for it to finish",
        .0.display()
    )]
    Locked(PathBuf),
    #[error("cannot write the journal: {0}")]
    Write(#[source] std::sync::Arc<std::io::Error>),
    #[error("the journal writer stopped")]
    Stopped,
}

fn io(action: &'static str, path: &Path, e: std::io::Error) -> JournalError {
    JournalError::Io {
        action,
        path: path.to_path_buf(),
        source: std::sync::Arc::new(e),
    }
}

/// Options that create a file only its owner can read: the journal holds every
/// recipient's full address.
fn owner_only() -> OpenOptions {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o
}

pub fn path(root: &Path, number: u32) -> PathBuf {
    root.join(".innopress")
        .join("sends")
        .join(format!("{number}.jsonl"))
}

/// The last state of every address in the journal (lower-cased). A torn last line from a
/// crash is ignored.
pub fn read_states(path: &Path) -> Result<HashMap<String, (State, Option<String>)>, JournalError> {
    let mut states = HashMap::new();
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(states),
        Err(e) => return Err(io("read the journal", path, e)),
    };
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| io("read the journal", path, e))?;
        if let Ok(entry) = serde_json::from_str::<Entry>(&line) {
            states.insert(entry.email.to_lowercase(), (entry.state, entry.reply));
        }
    }
    Ok(states)
}

/// An open journal with a writer thread that batches entries from concurrent connections
/// into one write and one `fdatasync` (group commit): every entry is on disk before
/// [`Journal::append`] returns, without one sync per entry serialising the run.
pub struct Journal {
    tx: mpsc::Sender<(
        Entry,
        tokio::sync::oneshot::Sender<Result<(), JournalError>>,
    )>,
    _lock: File,
}

impl Journal {
    /// Opens (creating) the journal and takes an exclusive lock, so two runs of the same
    /// issue cannot interleave.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io("create", dir, e))?;
        }
        let lock_path = path.with_extension("lock");
        let lock = owner_only()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| io("open", &lock_path, e))?;
        lock.try_lock()
            .map_err(|_| JournalError::Locked(lock_path.clone()))?;
        let mut file = owner_only()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| io("open the journal", path, e))?;
        // a journal from an older version may have been created readable by all
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for p in [path, lock_path.as_path()] {
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| io("protect", p, e))?;
            }
        }
        let (tx, rx) = mpsc::channel::<(
            Entry,
            tokio::sync::oneshot::Sender<Result<(), JournalError>>,
        )>();
        std::thread::spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut batch = vec![first];
                while let Ok(more) = rx.try_recv() {
                    batch.push(more);
                }
                let mut buf = Vec::new();
                for (entry, _) in &batch {
                    if let Ok(line) = serde_json::to_string(entry) {
                        buf.extend_from_slice(line.as_bytes());
                        buf.push(b'\n');
                    }
                }
                let result = file
                    .write_all(&buf)
                    .and_then(|()| file.sync_data())
                    .map_err(|e| JournalError::Write(std::sync::Arc::new(e)));
                for (_, done) in batch {
                    let _ = done.send(result.clone());
                }
            }
        });
        Ok(Journal { tx, _lock: lock })
    }

    /// Appends an entry and waits until it is on disk.
    pub async fn append(&self, entry: Entry) -> Result<(), JournalError> {
        let (done, wait) = tokio::sync::oneshot::channel();
        self.tx
            .send((entry, done))
            .map_err(|_| JournalError::Stopped)?;
        wait.await.map_err(|_| JournalError::Stopped)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_reads_back_last_states() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path(), 3);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        {
            let j = Journal::open(&p).unwrap();
            assert!(Journal::open(&p).is_err(), "second run is locked out");
            rt.block_on(async {
                for (email, state) in [
                    ("A@x.org", State::Attempting),
                    ("a@x.org", State::Sent),
                    ("b@x.org", State::Attempting),
                ] {
                    j.append(Entry {
                        email: email.into(),
                        state,
                        reply: None,
                        message_id: None,
                        time: 0,
                    })
                    .await
                    .unwrap();
                }
            });
        }
        // a torn line from a crash is ignored
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"{\"email\":\"c@x.org\",\"sta").unwrap();
        let s = read_states(&p).unwrap();
        assert_eq!(s["a@x.org"].0, State::Sent);
        assert_eq!(s["b@x.org"].0, State::Attempting);
        assert!(!s.contains_key("c@x.org"));
    }
}
