//! The subscriber list as a campaign reads it twice: the first pass (the check of every
//! row) notes a hash of each block of the file, and the second (the sending) lets no byte
//! through that differs from what was checked. A list rewritten or cut short while a
//! campaign runs therefore stops the campaign at the first changed block, before a row read
//! from it is mailed, and names the line; nothing is ever sent to rows that were not
//! checked.

use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Read;
use std::sync::{Arc, Mutex};

/// Bytes per block: small enough that a change is found near its line.
const BLOCK: u64 = 16 * 1024;

/// The hashes the first pass noted, shared with the reader that notes them.
#[derive(Debug, Clone, Default)]
pub struct Notes(Arc<Mutex<Vec<[u8; 32]>>>);

impl Notes {
    fn push(&self, h: [u8; 32]) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(h);
    }

    fn get(&self, i: usize) -> Option<[u8; 32]> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(i)
            .copied()
    }

    fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[derive(Debug, Clone)]
pub enum Mode {
    /// Read as it is.
    Plain,
    /// The first pass: note each block's hash.
    Note(Notes),
    /// A later pass: refuse any block that differs from the noted one.
    Check(Notes),
}

/// A reader of the list file in blocks, noting or checking each.
#[derive(Debug)]
pub struct Guard {
    file: File,
    mode: Mode,
    buf: Vec<u8>,
    pos: usize,
    block: usize,
    /// Line feeds handed out so far: where a change was found.
    lines: u64,
}

/// The list changed after it was checked; the message names where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the list changed on disk after it was checked (from line {line} on): another program wrote to it while the campaign ran"
)]
pub struct Changed {
    pub line: u64,
}

impl Guard {
    pub fn new(file: File, mode: Mode) -> Guard {
        Guard {
            file,
            mode,
            buf: Vec::new(),
            pos: 0,
            block: 0,
            lines: 0,
        }
    }

    fn changed(&self) -> std::io::Error {
        std::io::Error::other(Changed {
            line: self.lines + 1,
        })
    }

    /// Reads the next block and notes or checks it; `false` at the end of the file.
    fn fill(&mut self) -> std::io::Result<bool> {
        self.buf.clear();
        self.pos = 0;
        (&mut self.file).take(BLOCK).read_to_end(&mut self.buf)?;
        let hash = || -> [u8; 32] { Sha256::digest(&self.buf).into() };
        match &self.mode {
            Mode::Plain => {}
            Mode::Note(notes) if !self.buf.is_empty() => notes.push(hash()),
            Mode::Note(_) => {}
            Mode::Check(notes) => {
                let ok = if self.buf.is_empty() {
                    self.block == notes.len()
                } else {
                    notes.get(self.block) == Some(hash())
                };
                if !ok {
                    return Err(self.changed());
                }
            }
        }
        self.block += 1;
        Ok(!self.buf.is_empty())
    }
}

impl Read for Guard {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.buf.len() && !self.fill()? {
            return Ok(0);
        }
        let n = out.len().min(self.buf.len() - self.pos);
        let bytes = &self.buf[self.pos..self.pos + n];
        out[..n].copy_from_slice(bytes);
        self.lines += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        self.pos += n;
        Ok(n)
    }
}

/// Whether the list at `path` still holds what the first pass noted, to its last byte.
pub fn unchanged(path: &std::path::Path, notes: &Notes) -> Result<(), Changed> {
    let Ok(file) = File::open(path) else {
        return Err(Changed { line: 1 });
    };
    let mut g = Guard::new(file, Mode::Check(notes.clone()));
    let mut sink = [0u8; 8192];
    loop {
        match g.read(&mut sink) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(e) => {
                return Err(e
                    .get_ref()
                    .and_then(|e| e.downcast_ref::<Changed>())
                    .cloned()
                    .unwrap_or(Changed { line: g.lines + 1 }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(path: &std::path::Path, mode: Mode) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        Guard::new(File::open(path)?, mode).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn a_change_after_the_check_is_found_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.csv");
        let rows: String = (0..5000)
            .map(|i| format!("p{i}@x.org,P,subscribed\n"))
            .collect();
        std::fs::write(&p, &rows).unwrap();
        let notes = Notes::default();
        assert_eq!(
            read_all(&p, Mode::Note(notes.clone())).unwrap(),
            rows.as_bytes()
        );
        assert_eq!(
            read_all(&p, Mode::Check(notes.clone())).unwrap(),
            rows.as_bytes()
        );
        assert_eq!(unchanged(&p, &notes), Ok(()));
        // one row changed near the end: the blocks before it still pass
        std::fs::write(&p, rows.replace("p4990@", "q4990@")).unwrap();
        let e = unchanged(&p, &notes).unwrap_err();
        assert!(e.line > 4000 && e.line <= 4991, "{e:?}");
        // cut short, or grown
        std::fs::write(&p, &rows[..rows.len() / 2]).unwrap();
        assert!(unchanged(&p, &notes).is_err());
        std::fs::write(&p, format!("{rows}new@x.org,N,subscribed\n")).unwrap();
        assert!(read_all(&p, Mode::Check(notes)).is_err());
    }
}
