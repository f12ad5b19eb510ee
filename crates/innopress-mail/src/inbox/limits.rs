//! The limits a message must keep before any mail parser reads it. Anyone can write to the
//! mailbox, and a parser that meets a message nested a hundred thousand deep overflows its
//! stack, which aborts the process: no `catch_unwind` helps, the message stays unread and
//! every later run aborts on it too. So the structure is measured first, by a scan that
//! cannot recurse deeper than the encodings it decodes and that over-counts rather than
//! under-counts: a message over a limit is left for a person with the reason, and the
//! others in the run go on.

use std::fmt;

/// The bytes of one message; a larger one is never read into memory.
pub const MAX_MESSAGE: u64 = 10 * 1024 * 1024;
/// `Content-Type` headers in one message. Each level of nesting needs one, so this bounds
/// the depth too; a delivery report has four or five.
pub const MAX_CONTENT_TYPES: usize = 100;
/// Lines that begin with `--`: every part boundary is one, so this bounds the parts.
pub const MAX_PARTS: usize = 1_000;
/// Lines in one message: each header costs the parser memory, and a message of nothing but
/// short headers would cost hundreds of megabytes.
pub const MAX_LINES: usize = 200_000;
/// Attached messages in base64 or quoted-printable (which the mail standard does not allow
/// for attached messages, but parsers decode): each is decoded and measured in turn.
pub const MAX_ENCODED: usize = 10;
/// How deep encoded attached messages are decoded: the mail parser stops at three.
const ENCODED_DEPTH: usize = 4;

/// The limit a message broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    Size(u64),
    ContentTypes,
    Parts,
    Lines,
    Encoded,
}

impl fmt::Display for Over {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Over::Size(n) => write!(
                f,
                "larger than {} MB ({} bytes), not read",
                MAX_MESSAGE >> 20,
                n
            ),
            Over::ContentTypes => write!(
                f,
                "more than {MAX_CONTENT_TYPES} Content-Type headers (parts nested too deeply), not read"
            ),
            Over::Parts => write!(f, "more than {MAX_PARTS} MIME parts, not read"),
            Over::Lines => write!(f, "more than {MAX_LINES} lines, not read"),
            Over::Encoded => write!(
                f,
                "more than {MAX_ENCODED} encoded attached messages, not read"
            ),
        }
    }
}

#[derive(Default)]
struct Budget {
    content_types: usize,
    parts: usize,
    lines: usize,
    encoded: usize,
}

/// Whether `raw` keeps every limit. Linear in its length for each encoded attached message
/// it decodes, of which there are at most [`MAX_ENCODED`].
pub fn check(raw: &[u8]) -> Result<(), Over> {
    if raw.len() as u64 > MAX_MESSAGE {
        return Err(Over::Size(raw.len() as u64));
    }
    scan(raw, 0, &mut Budget::default())
}

/// How a header block seen so far asks its body to be decoded.
#[derive(Default)]
struct Block {
    message: bool,
    encoding: Option<Encoding>,
}

/// The headers whose values the scan reads.
#[derive(Clone, Copy)]
enum Header {
    Type,
    Encoding,
}

#[derive(Clone, Copy)]
enum Encoding {
    Base64,
    QuotedPrintable,
}

fn scan(text: &[u8], depth: usize, budget: &mut Budget) -> Result<(), Over> {
    // every paragraph is taken as a header block: a body that looks like headers is
    // counted too, which over-counts and never misses a real one
    let mut block = Block::default();
    // the last header's name, so that a folded value is read with it
    let mut last: Option<Header> = None;
    let mut at = 0;
    while at < text.len() {
        let end = memchr(b'\n', &text[at..]).map_or(text.len(), |i| at + i + 1);
        let line = &text[at..end];
        at = end;
        budget.lines += 1;
        if budget.lines > MAX_LINES {
            return Err(Over::Lines);
        }
        if line.starts_with(b"--") {
            budget.parts += 1;
            if budget.parts > MAX_PARTS {
                return Err(Over::Parts);
            }
            block = Block::default();
            last = None;
            continue;
        }
        let content = line.trim_ascii_end();
        if content.is_empty() {
            // the end of a header block: its body follows
            if let (true, Some(encoding)) = (block.message, block.encoding) {
                budget.encoded += 1;
                if budget.encoded > MAX_ENCODED {
                    return Err(Over::Encoded);
                }
                if depth + 1 < ENCODED_DEPTH {
                    let inner = decode(&text[at..], encoding);
                    scan(&inner, depth + 1, budget)?;
                }
            }
            block = Block::default();
            last = None;
            continue;
        }
        let folded = line.first().is_some_and(|b| matches!(b, b' ' | b'\t'));
        if !folded {
            let starts = |name: &[u8]| {
                content.len() >= name.len() && content[..name.len()].eq_ignore_ascii_case(name)
            };
            last = if starts(b"content-type") {
                budget.content_types += 1;
                if budget.content_types > MAX_CONTENT_TYPES {
                    return Err(Over::ContentTypes);
                }
                Some(Header::Type)
            } else if starts(b"content-transfer-encoding") {
                Some(Header::Encoding)
            } else {
                None
            };
        }
        // only the two headers' values are looked into, so most lines cost no copy
        let Some(header) = last else {
            continue;
        };
        let lower = content.to_ascii_lowercase();
        match header {
            Header::Type if contains(&lower, b"message/") => block.message = true,
            Header::Encoding if contains(&lower, b"base64") => {
                block.encoding = Some(Encoding::Base64);
            }
            Header::Encoding if contains(&lower, b"quoted-printable") => {
                block.encoding = Some(Encoding::QuotedPrintable);
            }
            _ => {}
        }
    }
    Ok(())
}

/// The sender's address and the subject of a message that is not read, taken from its
/// first header lines without a parser, for the person who will look at it: an address
/// only when it is one, the subject printable and short.
pub fn head(raw: &[u8]) -> (Option<String>, String) {
    let (mut from, mut subject) = (None, String::new());
    let top = &raw[..raw.len().min(64 * 1024)];
    for line in top.split(|&b| b == b'\n').take(200) {
        let line = String::from_utf8_lossy(line);
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.eq_ignore_ascii_case("from") && from.is_none() {
            let inner = value
                .rsplit_once('<')
                .and_then(|(_, r)| r.split_once('>'))
                .map_or(value, |(a, _)| a)
                .trim();
            from = inner
                .parse::<lettre::Address>()
                .ok()
                .filter(|_| inner.is_ascii() && inner.len() <= 254)
                .map(|_| inner.to_ascii_lowercase());
        } else if name.eq_ignore_ascii_case("subject") && subject.is_empty() {
            subject = innopress_core::text::printable(value.trim())
                .chars()
                .take(80)
                .collect();
        }
    }
    (from, subject)
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A body as a parser would decode it, generously: base64 up to the next boundary line
/// (characters outside its alphabet skipped, as lenient decoders do), quoted-printable to
/// the end of the text.
fn decode(body: &[u8], encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Base64 => {
            let mut out = Vec::with_capacity(body.len() / 4 * 3);
            let (mut acc, mut bits) = (0u32, 0u32);
            for line in body.split(|&b| b == b'\n') {
                if line.starts_with(b"--") {
                    break;
                }
                for &b in line {
                    let v = match b {
                        b'A'..=b'Z' => b - b'A',
                        b'a'..=b'z' => b - b'a' + 26,
                        b'0'..=b'9' => b - b'0' + 52,
                        b'+' | b'-' => 62,
                        b'/' | b'_' => 63,
                        _ => continue,
                    };
                    acc = (acc << 6) | u32::from(v);
                    bits += 6;
                    if bits >= 8 {
                        bits -= 8;
                        out.push((acc >> bits) as u8);
                        acc &= (1 << bits) - 1;
                    }
                }
            }
            out
        }
        Encoding::QuotedPrintable => {
            let mut out = Vec::with_capacity(body.len());
            let mut i = 0;
            while i < body.len() {
                let b = body[i];
                if b == b'=' {
                    let hex = |c: u8| (c as char).to_digit(16);
                    match (body.get(i + 1), body.get(i + 2)) {
                        (Some(b'\r'), Some(b'\n')) => i += 3,
                        (Some(b'\n'), _) => i += 2,
                        (Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                            out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                            i += 3;
                        }
                        _ => {
                            out.push(b);
                            i += 1;
                        }
                    }
                } else {
                    out.push(b);
                    i += 1;
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(levels: usize) -> Vec<u8> {
        let mut s = String::from("From: Deep <Deep@Evil.example>\r\nSubject: unsubscribe\r\n");
        for _ in 0..levels {
            s.push_str("Content-Type: message/rfc822\r\n\r\n");
        }
        s.push_str("Subject: deep\r\n\r\nx\r\n");
        s.into_bytes()
    }

    #[test]
    fn a_skipped_message_still_shows_who_sent_it() {
        let raw = nested(10);
        assert_eq!(
            head(raw.as_slice()),
            (Some("deep@evil.example".into()), "unsubscribe".into())
        );
        let raw = b"From: \"X\" <Bad Address>\r\nSubject: \x1b[2Jhi\r\n\r\n";
        assert_eq!(head(raw), (None, "[2Jhi".into()));
    }

    #[test]
    fn an_ordinary_report_keeps_every_limit() {
        let report = "From: MAILER-DAEMON@x\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\nFinal-Recipient: rfc822; a@b\r\nAction: failed\r\nStatus: 5.1.1\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: hi\r\n\r\nbody\r\n--b--\r\n";
        assert_eq!(check(report.as_bytes()), Ok(()));
    }

    #[test]
    fn deep_nesting_many_parts_and_many_lines_are_refused() {
        assert_eq!(check(&nested(50)), Ok(()));
        assert_eq!(check(&nested(200_000)), Err(Over::ContentTypes));
        let parts = "--b\r\n\r\n".repeat(MAX_PARTS + 1);
        assert_eq!(check(parts.as_bytes()), Err(Over::Parts));
        let lines = "a: b\n".repeat(MAX_LINES + 1);
        assert_eq!(check(lines.as_bytes()), Err(Over::Lines));
        // folded onto the next line, in any letter case
        let folded = "CONTENT-TYPE:\r\n message/rfc822\r\n\r\n".repeat(MAX_CONTENT_TYPES + 1);
        assert_eq!(check(folded.as_bytes()), Err(Over::ContentTypes));
    }

    #[test]
    fn nesting_hidden_in_base64_or_quoted_printable_is_counted() {
        let inner = nested(MAX_CONTENT_TYPES);
        let b64 = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(&inner)
        };
        let wrap = |cte: &str, body: &str| {
            format!(
                "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: {cte}\r\n\r\n{body}\r\n"
            )
        };
        let lines: Vec<String> = b64
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        let hidden = wrap("base64", &lines.join("\r\n"));
        assert_eq!(check(hidden.as_bytes()), Err(Over::ContentTypes));
        // "Content-Type" broken by a soft line break
        let qp = String::from_utf8_lossy(&inner).replace("Content-Type", "Content-=\r\nType");
        assert_eq!(
            check(wrap("quoted-printable", &qp).as_bytes()),
            Err(Over::ContentTypes)
        );
        assert_eq!(decode(b"aGVs\r\nbG8=\r\n--b", Encoding::Base64), b"hello");
    }
}
