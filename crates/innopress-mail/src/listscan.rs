//! The first pass over the subscriber list before a campaign: every row checked and
//! counted, and the file's bytes noted, so that the sending pass reads exactly what was
//! checked ([`super::listguard`]).

use super::subscribers::{Invalid, ListError, Status};
use std::path::Path;

/// Counts from a first pass over the list, before anything is sent.
#[derive(Debug, Default)]
pub struct Scan {
    pub rows: u64,
    /// Rows that get the issue.
    pub subscribed: u64,
    /// Rows with another status: unsubscribed, pending, bounced.
    pub unsubscribed: u64,
    /// Subscribed rows outside the `--where` segment.
    pub outside: u64,
    pub duplicates: u64,
    pub invalid: Vec<Invalid>,
    /// The file's bytes as this pass read them, for the sending pass to check against.
    pub notes: super::listguard::Notes,
    /// The list's lock, shared, held while the scan lives: changes to the list (the inbox,
    /// `forget`) wait until the campaign is done.
    pub lock: Option<std::fs::File>,
}

impl Scan {
    /// The rows that stop a campaign, listed by line: every invalid row, or with
    /// `--skip-invalid` only those from which the file is read wrongly (rows run together),
    /// since the rows they swallowed would silently not be mailed.
    pub fn refusal(&self, list: &Path, skip_invalid: bool) -> Option<String> {
        let stopping: Vec<&Invalid> = self
            .invalid
            .iter()
            .filter(|i| i.fatal || !skip_invalid)
            .collect();
        if stopping.is_empty() {
            return None;
        }
        let mut msg = format!(
            "{} invalid rows in {}; nothing was sent:\n",
            stopping.len(),
            list.display()
        );
        for i in stopping.iter().take(100) {
            msg.push_str(&format!("  {}:{}: {}\n", list.display(), i.line, i.reason));
        }
        if stopping.len() > 100 {
            msg.push_str(&format!("  … and {} more\n", stopping.len() - 100));
        }
        msg.push_str(if stopping.iter().any(|i| i.fatal) {
            "fix these rows: --skip-invalid cannot skip rows that run together"
        } else {
            "fix these rows, or pass --skip-invalid to send to the valid rows only"
        });
        Some(msg)
    }
}

pub fn scan(
    path: &Path,
    segment: &[(String, String)],
    forgotten: Option<super::rights::ForgottenSet>,
) -> Result<Scan, ListError> {
    let mut s = Scan::default();
    let lock = super::listfile::read_lock(path, || {
        eprintln!("waiting for another innopress run to finish changing the list…");
    });
    s.lock = match lock {
        Ok(l) => l,
        Err(super::listfile::LockError::Io(path, source)) => {
            return Err(ListError::Open { path, source });
        }
        // a shared lock waits rather than reports a holder
        Err(super::listfile::LockError::Busy(path)) => {
            return Err(ListError::Open {
                path,
                source: std::io::ErrorKind::WouldBlock.into(),
            });
        }
    };
    let mut seen = std::collections::HashSet::new();
    let notes = super::listguard::Notes::default();
    let mode = super::listguard::Mode::Note(notes.clone());
    s.notes = notes;
    for row in super::subscribers::open_with(path, segment, mode)?.refusing(forgotten) {
        s.rows += 1;
        match row {
            Err(e) => s.invalid.push(e),
            Ok(r) => {
                if !seen.insert(r.email.to_lowercase()) {
                    s.duplicates += 1;
                } else if r.mailable() {
                    s.subscribed += 1;
                } else if r.status == Status::Subscribed {
                    s.outside += 1;
                } else {
                    s.unsubscribed += 1;
                }
            }
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_rows_statuses_segments_and_refuses_rows_that_run_together() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.csv");
        std::fs::write(
            &p,
            "email,name,status,city\na@x.org,Maija,subscribed,Oulu\nnot-an-address,B,subscribed,\nc@x.org,,unsubscribed,\n,,,\nd@x.org,D,maybe,\nA@X.org,Again,subscribed,\n",
        )
        .unwrap();
        let s = scan(&p, &[], None).unwrap();
        let counts = (s.rows, s.subscribed, s.unsubscribed, s.duplicates);
        assert_eq!((counts, s.invalid.len()), ((5, 1, 1, 1), 2));
        // invalid rows stop a campaign unless skipped
        assert!(s.refusal(&p, false).is_some() && s.refusal(&p, true).is_none());
        // an export and a segment
        std::fs::write(
            &p,
            "\u{feff}\"Email Address\";\"First Name\";City\r\nmaija@example.org;Maija;Tampere\r\nola@example.org;Ola;Oulu\r\n",
        )
        .unwrap();
        let city = [("city".to_string(), "TAMPERE".to_string())];
        let s = scan(&p, &city, None).unwrap();
        assert_eq!((s.subscribed, s.outside), (1, 1));
        // listmonk's words; pending and bounced rows are never mailed
        std::fs::write(
            &p,
            "uuid,email,name,status\n1,a@x.org,A,enabled\n2,b@x.org,B,blocklisted\n3,c@x.org,C,pending\n4,d@x.org,D,bounced\n",
        )
        .unwrap();
        let s = scan(&p, &[], None).unwrap();
        assert_eq!((s.subscribed, s.unsubscribed, s.invalid.len()), (1, 3, 0));
        // a stray quote: not even --skip-invalid sends to such a list
        std::fs::write(
            &p,
            "email,name,status\na@x.org,\"A,subscribed\nb@x.org,B,subscribed\n",
        )
        .unwrap();
        let s = scan(&p, &[], None).unwrap();
        let refusal = s.refusal(&p, true).unwrap();
        assert!(refusal.contains("l.csv:2: a quote"), "{refusal}");
        assert!(
            refusal.contains("cannot skip rows that run together"),
            "{refusal}"
        );
    }
}
