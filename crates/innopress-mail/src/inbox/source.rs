//! Saved messages: `.eml` files, mbox files (as Thunderbird and `mutt` keep them, and as a
//! mail provider's export gives them) and Maildir folders. Each argument is looked at for
//! what it is when the run starts; then the messages are read one at a time, so that only
//! one is ever held in memory. A message larger than [`MAX_MESSAGE`] is skipped with a
//! warning and never loaded, nor is a line of an mbox file longer than that; a file that
//! cannot be read is skipped too, and the others are still read.

use super::Incoming;
pub use super::limits::MAX_MESSAGE;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::{Path, PathBuf};

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

/// The messages at some paths, read one at a time.
pub struct Messages {
    files: VecDeque<PathBuf>,
    mbox: Option<Mbox>,
    /// A line for each message or file left out, and why.
    pub skipped: Vec<String>,
}

/// Looks at every path (so that a mistyped one stops the run before anything changes) and
/// lists the files to read.
pub fn open(paths: &[PathBuf]) -> Result<Messages, SourceError> {
    let mut files = VecDeque::new();
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
                let mut found: Vec<PathBuf> = dir
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect();
                found.sort();
                files.extend(found);
            }
        } else {
            std::fs::File::open(path).map_err(io)?;
            files.push_back(path.clone());
        }
    }
    Ok(Messages {
        files,
        mbox: None,
        skipped: Vec::new(),
    })
}

impl Iterator for Messages {
    type Item = Incoming;

    fn next(&mut self) -> Option<Incoming> {
        loop {
            if let Some(m) = self.mbox.as_mut() {
                match m.next(&mut self.skipped) {
                    Some(msg) => return Some(msg),
                    None => self.mbox = None,
                }
            }
            let path = self.files.pop_front()?;
            match self.one_file(&path) {
                Ok(Some(m)) => return Some(m),
                Ok(None) => {}
                Err(e) => self
                    .skipped
                    .push(format!("{}: cannot be read: {e}", path.display())),
            }
        }
    }
}

impl Messages {
    /// The message in `path`, or `None` when it is an mbox file (then read message by
    /// message) or too large.
    fn one_file(&mut self, path: &Path) -> std::io::Result<Option<Incoming>> {
        let mut file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        let mut head = [0u8; 5];
        let n = file.read(&mut head)?;
        if &head[..n] == b"From " {
            // the same file, read again from its start, message by message
            file.seek(std::io::SeekFrom::Start(0))?;
            self.mbox = Some(Mbox::new(path, file));
            return Ok(None);
        }
        if meta.len() > MAX_MESSAGE {
            self.skipped.push(format!(
                "{}: larger than {} MB, not read",
                path.display(),
                MAX_MESSAGE >> 20
            ));
            return Ok(None);
        }
        let mut raw = head[..n].to_vec();
        // the file may have grown since it was measured
        file.take(MAX_MESSAGE + 1 - n as u64)
            .read_to_end(&mut raw)?;
        if raw.len() as u64 > MAX_MESSAGE {
            self.skipped.push(format!(
                "{}: larger than {} MB, not read",
                path.display(),
                MAX_MESSAGE >> 20
            ));
            return Ok(None);
        }
        Ok(Some(Incoming {
            origin: path.display().to_string(),
            raw,
            uid: None,
            arrived: arrival_of_file(path, &meta),
        }))
    }
}

/// When a saved message arrived: a Maildir file's name begins with the time it was
/// delivered; otherwise the file's modification time. Never the message's own `Date:`,
/// which its sender writes.
fn arrival_of_file(path: &Path, meta: &std::fs::Metadata) -> Option<i64> {
    let maildir = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == "new" || d == "cur");
    let from_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .map(|n| n.split('.').next().unwrap_or(""))
        .filter(|t| maildir && (9..=11).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<i64>().ok());
    from_name.or_else(|| {
        meta.modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok())
    })
}

/// An mbox file being read message by message.
struct Mbox {
    path: PathBuf,
    reader: BufReader<std::fs::File>,
    /// Messages begun so far.
    n: usize,
    /// The `From ` line of the next message, once read.
    pending: Option<Vec<u8>>,
    done: bool,
}

/// How a line of an mbox file was read.
enum Line {
    End,
    /// A line, with its line feed, at most [`MAX_MESSAGE`] bytes of it.
    Text,
    /// A line longer than a message may be: its bytes were passed over unread.
    TooLong,
}

impl Mbox {
    fn new(path: &Path, file: std::fs::File) -> Mbox {
        Mbox {
            path: path.to_path_buf(),
            reader: BufReader::new(file),
            n: 0,
            pending: None,
            done: false,
        }
    }

    /// Reads one line into `line`, holding at most [`MAX_MESSAGE`] bytes of it.
    fn line(&mut self, line: &mut Vec<u8>) -> std::io::Result<Line> {
        line.clear();
        let mut too_long = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(if too_long {
                    Line::TooLong
                } else if line.is_empty() {
                    Line::End
                } else {
                    Line::Text
                });
            }
            let (take, ends) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if !too_long {
                if (line.len() + take) as u64 > MAX_MESSAGE {
                    too_long = true;
                    line.clear();
                } else {
                    line.extend_from_slice(&buf[..take]);
                }
            }
            self.reader.consume(take);
            if ends {
                return Ok(if too_long { Line::TooLong } else { Line::Text });
            }
        }
    }

    /// The next message of the file; `None` at its end.
    fn next(&mut self, skipped: &mut Vec<String>) -> Option<Incoming> {
        let mut line = Vec::new();
        while !self.done {
            // find the message's `From ` line
            let from_line = match self.pending.take() {
                Some(l) => l,
                None => loop {
                    match self.line(&mut line) {
                        Ok(Line::Text) if line.starts_with(b"From ") => break line.clone(),
                        Ok(Line::Text | Line::TooLong) => {}
                        Ok(Line::End) => {
                            self.done = true;
                            return None;
                        }
                        Err(e) => return self.fail(e, skipped),
                    }
                },
            };
            self.n += 1;
            let mut msg = Vec::new();
            let mut too_big = false;
            loop {
                match self.line(&mut line) {
                    Ok(Line::End) => {
                        self.done = true;
                        break;
                    }
                    Ok(Line::TooLong) => {
                        too_big = true;
                        msg = Vec::new();
                    }
                    Ok(Line::Text) if line.starts_with(b"From ") => {
                        self.pending = Some(line.clone());
                        break;
                    }
                    Ok(Line::Text) => {
                        if too_big {
                            continue;
                        }
                        // mboxrd: ">From " lines were quoted on writing
                        let quoted = line.starts_with(b">")
                            && line
                                .iter()
                                .skip_while(|&&b| b == b'>')
                                .take(5)
                                .eq(b"From ".iter());
                        let body = if quoted { &line[1..] } else { &line[..] };
                        if (msg.len() + body.len()) as u64 > MAX_MESSAGE {
                            too_big = true;
                            msg = Vec::new();
                            continue;
                        }
                        msg.extend_from_slice(body);
                    }
                    Err(e) => return self.fail(e, skipped),
                }
            }
            if too_big {
                skipped.push(format!(
                    "{} message {}: larger than {} MB, not read",
                    self.path.display(),
                    self.n,
                    MAX_MESSAGE >> 20
                ));
                continue;
            }
            return Some(Incoming {
                origin: format!("{} message {}", self.path.display(), self.n),
                raw: msg,
                uid: None,
                arrived: from_line_time(&from_line),
            });
        }
        None
    }

    fn fail(&mut self, e: std::io::Error, skipped: &mut Vec<String>) -> Option<Incoming> {
        self.done = true;
        skipped.push(format!(
            "{}: cannot be read after message {}: {e}",
            self.path.display(),
            self.n
        ));
        None
    }
}

/// The time on an mbox `From ` line (`From sender Mon Nov 30 10:00:00 2026`), which the
/// mail system that stored the message wrote, as Unix seconds (taken as UTC).
fn from_line_time(line: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(line).ok()?;
    let words: Vec<&str> = text.split_whitespace().collect();
    let n = words.len();
    if n < 5 {
        return None;
    }
    // the last five words: weekday month day time year (a time zone may follow the time)
    let (month, day, time, year) = match (words[n - 1].parse::<i32>(), words[n - 2].contains(':')) {
        (Ok(year), true) => (words[n - 4], words[n - 3], words[n - 2], year),
        _ => return None,
    };
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let m = MONTHS.iter().position(|x| month.eq_ignore_ascii_case(x))? as u8 + 1;
    let d: i8 = day.parse().ok()?;
    let mut hms = time.split(':').map(|p| p.parse::<i8>().ok());
    let (h, mi) = (hms.next()??, hms.next()??);
    let s = hms.next().flatten().unwrap_or(0);
    let at = jiff::civil::DateTime::new(i16::try_from(year).ok()?, m as i8, d, h, mi, s, 0).ok()?;
    Some(jiff::tz::Offset::UTC.to_timestamp(at).ok()?.as_second())
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
        let mut messages = open(&[d.join("a.eml"), d.join("box.mbox"), d.join("md")]).unwrap();
        let got: Vec<Incoming> = messages.by_ref().collect();
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
        assert!(messages.skipped.is_empty());
        // arrival from the mbox's From line, never from a Date header
        assert_eq!(
            got[1].arrived,
            from_line_time(b"From x@y Mon Nov 30 10:00:00 2026\n")
        );
        assert_eq!(got[1].arrived.map(|t| t % 86_400), Some(10 * 3600));
        assert!(matches!(
            open(&[d.join("nothing")]),
            Err(SourceError::Io { .. })
        ));
    }

    #[test]
    fn a_line_longer_than_a_message_is_passed_over_unread() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("box");
        let mut f = std::fs::File::create(&p).unwrap();
        use std::io::Write;
        f.write_all(b"From a Mon Nov 30 10:00:00 2026\nSubject: long\n\n")
            .unwrap();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..(MAX_MESSAGE >> 20) + 2 {
            f.write_all(&chunk).unwrap();
        }
        f.write_all(b"\nFrom b Mon Nov 30 11:00:00 2026\nSubject: short\n\nok\n")
            .unwrap();
        drop(f);
        let mut messages = open(&[p]).unwrap();
        let got: Vec<Incoming> = messages.by_ref().collect();
        assert_eq!(got.len(), 1);
        assert!(String::from_utf8_lossy(&got[0].raw).starts_with("Subject: short"));
        assert_eq!(messages.skipped.len(), 1, "{:?}", messages.skipped);
        assert!(messages.skipped[0].contains("message 1: larger than 10 MB"));
    }
}
