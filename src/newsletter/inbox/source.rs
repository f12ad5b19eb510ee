//! Saved messages: `.eml` files, mbox files (as Thunderbird and `mutt` keep them, and as a
//! mail provider's export gives them) and Maildir folders. Each argument is looked at for
//! what it is; a message larger than the limit is skipped with a warning, never loaded.

use super::Incoming;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// No request to join or leave, nor a bounce, is this large; a larger message is someone's
/// attachment, not read into memory.
pub const MAX_MESSAGE: u64 = 10 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a message file, an mbox file or a Maildir folder (a folder needs cur/ and new/)", .0.display())]
    Unknown(PathBuf),
}

/// Reads every message at `paths`; `skipped` gets a line for each message left out.
pub fn read(paths: &[PathBuf], skipped: &mut Vec<String>) -> Result<Vec<Incoming>, SourceError> {
    let mut out = Vec::new();
    for path in paths {
        let io = |source| SourceError::Io {
            path: path.clone(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.is_dir() {
            if !(path.join("cur").is_dir() || path.join("new").is_dir()) {
                return Err(SourceError::Unknown(path.clone()));
            }
            for sub in ["new", "cur"] {
                let Ok(dir) = std::fs::read_dir(path.join(sub)) else {
                    continue;
                };
                let mut files: Vec<PathBuf> = dir
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect();
                files.sort();
                for f in files {
                    one_file(&f, &mut out, skipped)?;
                }
            }
        } else if is_mbox(path).map_err(io)? {
            mbox(path, &mut out, skipped)?;
        } else {
            one_file(path, &mut out, skipped)?;
        }
    }
    Ok(out)
}

fn one_file(
    path: &Path,
    out: &mut Vec<Incoming>,
    skipped: &mut Vec<String>,
) -> Result<(), SourceError> {
    let io = |source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_MESSAGE {
        skipped.push(format!(
            "{}: larger than {} MB, not read",
            path.display(),
            MAX_MESSAGE >> 20
        ));
        return Ok(());
    }
    let raw = std::fs::read(path).map_err(io)?;
    out.push(Incoming {
        origin: path.display().to_string(),
        raw,
        uid: None,
    });
    Ok(())
}

/// An mbox file begins with a `From ` line.
fn is_mbox(path: &Path) -> std::io::Result<bool> {
    let mut head = [0u8; 5];
    let mut f = std::fs::File::open(path)?;
    let n = f.read(&mut head)?;
    Ok(&head[..n] == b"From ")
}

/// The messages of an mbox file, one at a time: the file may be large.
fn mbox(
    path: &Path,
    out: &mut Vec<Incoming>,
    skipped: &mut Vec<String>,
) -> Result<(), SourceError> {
    let io = |source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = BufReader::new(std::fs::File::open(path).map_err(io)?);
    let mut line = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    let mut too_big = false;
    let mut n = 0usize;
    let mut finish = |msg: Option<Vec<u8>>, too_big: bool, n: usize, out: &mut Vec<Incoming>| {
        if let Some(raw) = msg {
            if too_big {
                skipped.push(format!(
                    "{} message {n}: larger than {} MB, not read",
                    path.display(),
                    MAX_MESSAGE >> 20
                ));
            } else {
                out.push(Incoming {
                    origin: format!("{} message {n}", path.display()),
                    raw,
                    uid: None,
                });
            }
        }
    };
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line).map_err(io)?;
        if read == 0 {
            finish(current.take(), too_big, n, out);
            break;
        }
        if line.starts_with(b"From ") {
            finish(current.take(), too_big, n, out);
            n += 1;
            too_big = false;
            current = Some(Vec::new());
            continue;
        }
        let Some(msg) = current.as_mut() else {
            continue;
        };
        if too_big {
            continue;
        }
        // mboxrd: ">From " lines were quoted on writing
        let body = if line.starts_with(b">")
            && line
                .iter()
                .skip_while(|&&b| b == b'>')
                .take(5)
                .eq(b"From ".iter())
        {
            &line[1..]
        } else {
            &line[..]
        };
        if (msg.len() + body.len()) as u64 > MAX_MESSAGE {
            too_big = true;
            msg.clear();
            continue;
        }
        msg.extend_from_slice(body);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_eml_mbox_and_maildir() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.eml"), "Subject: a\r\n\r\nx\r\n").unwrap();
        std::fs::write(d.join("box.mbox"), "From x@y Mon Nov 30 10:00:00 2026\nSubject: b\n\n>From the start\n\nFrom z@y Mon Nov 30 11:00:00 2026\nSubject: c\n\ny\n").unwrap();
        std::fs::create_dir_all(d.join("md/new")).unwrap();
        std::fs::create_dir_all(d.join("md/cur")).unwrap();
        std::fs::write(d.join("md/new/1"), "Subject: d\n\n").unwrap();
        std::fs::write(d.join("md/cur/2:2,S"), "Subject: e\n\n").unwrap();
        let mut skipped = Vec::new();
        let got = read(
            &[d.join("a.eml"), d.join("box.mbox"), d.join("md")],
            &mut skipped,
        )
        .unwrap();
        let subjects: Vec<String> = got
            .iter()
            .map(|m| {
                String::from_utf8_lossy(&m.raw)
                    .lines()
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(
            subjects,
            [
                "Subject: a",
                "Subject: b",
                "Subject: c",
                "Subject: d",
                "Subject: e"
            ]
        );
        assert!(String::from_utf8_lossy(&got[1].raw).contains("\nFrom the start"));
        assert!(skipped.is_empty());
        assert!(matches!(
            read(&[d.join("nothing")], &mut skipped),
            Err(SourceError::Io { .. })
        ));
    }
}
