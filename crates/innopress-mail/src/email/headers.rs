//! Header values a message is made of, checked and folded here rather than trusted to the
//! MIME library: a subscriber's name or an issue's subject may hold a line break (a new
//! header), control characters, or a word too long to fold. Such a value is refused or
//! encoded (RFC 2047) so that every header line stays within 78 characters where it can be
//! folded and never carries anything but printable ASCII.

use email_encoding::headers::writer::EmailWriter;
use lettre::message::Mailbox;
use lettre::message::header::{HeaderName, HeaderValue};

/// RFC 5322's recommended line length, which folding keeps to.
pub const LINE: usize = 78;

/// A value that cannot be a header.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the {header} header cannot hold {value:?}: {reason}")]
pub struct HeaderError {
    pub header: &'static str,
    pub value: String,
    pub reason: &'static str,
}

fn refuse_controls(header: &'static str, value: &str) -> Result<(), HeaderError> {
    match innopress_core::text::control_char(value) {
        Some(_) => Err(HeaderError {
            header,
            value: value.chars().take(80).collect(),
            reason: "it contains a control character (a line break, tab or escape)",
        }),
        None => Ok(()),
    }
}

fn fits(encoded: &str, first_line: usize) -> bool {
    encoded
        .split("\r\n")
        .enumerate()
        .all(|(i, l)| l.len() + if i == 0 { first_line } else { 0 } <= LINE)
}

/// Words as RFC 2047 encoded words, folded; the fallback for text the plain encoders
/// would leave on a line longer than [`LINE`].
fn encoded_words(value: &str, first_line: usize) -> String {
    let mut out = String::new();
    {
        let mut w = EmailWriter::new(&mut out, first_line, 0, false);
        // writing into a String cannot fail
        let _ = email_encoding::headers::rfc2047::encode(value, &mut w);
    }
    out
}

/// An unstructured header (Subject, List-Id) from text: printable ASCII folded at its
/// spaces, anything else (or a word longer than a line) as encoded words.
pub fn text(name: &'static str, value: &str) -> Result<HeaderValue, HeaderError> {
    refuse_controls(name, value)?;
    let first = name.len() + 2;
    // a literal `=?` could be read as an encoded word by a client, so it is encoded too
    let plain = value.is_ascii() && !value.contains("=?");
    let encoded = plain
        .then(|| fold(value, first))
        .flatten()
        .unwrap_or_else(|| encoded_words(value, first));
    Ok(HeaderValue::dangerous_new_pre_encoded(
        HeaderName::new_from_ascii_str(name),
        value.to_string(),
        encoded,
    ))
}

/// A structured header (List-Id, List-Unsubscribe): ASCII only and never encoded, since
/// mail programs read these fields rather than show them. Folded at spaces where it has
/// any; a long address without one stays on its line, within RFC 5322's 998 characters.
pub fn structured(name: &'static str, value: &str) -> Result<HeaderValue, HeaderError> {
    refuse_controls(name, value)?;
    let refuse = |reason| HeaderError {
        header: name,
        value: value.chars().take(80).collect(),
        reason,
    };
    if !value.is_ascii() {
        return Err(refuse("it has letters outside ASCII"));
    }
    let first = name.len() + 2;
    let encoded = match fold(value, first) {
        Some(folded) => folded,
        None if first + value.len() <= 998 => value.to_string(),
        None => {
            return Err(refuse(
                "it is longer than a header line may be (998 characters)",
            ));
        }
    };
    Ok(HeaderValue::dangerous_new_pre_encoded(
        HeaderName::new_from_ascii_str(name),
        value.to_string(),
        encoded,
    ))
}

/// ASCII text folded before spaces so that no line passes [`LINE`]; `None` when a word
/// alone is too long for a line.
fn fold(value: &str, first: usize) -> Option<String> {
    let mut out = String::with_capacity(value.len() + 8);
    let mut line = first;
    for (i, word) in value.split(' ').enumerate() {
        if i > 0 {
            // a folded line may not be only white space, so an empty word never starts one
            if !word.is_empty() && line + 1 + word.len() > LINE {
                out.push_str("\r\n");
                line = 0;
            }
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
        if line > LINE {
            return None;
        }
    }
    Some(out)
}

/// An address header (From, To, Reply-To) for one mailbox: the display name quoted, or
/// encoded when quoting cannot fold it, then the address, on a new line if it would not fit.
pub fn mailbox(name: &'static str, mailbox: &Mailbox) -> Result<HeaderValue, HeaderError> {
    let first = name.len() + 2;
    let address: &str = mailbox.email.as_ref();
    if !address.is_ascii() {
        return Err(HeaderError {
            header: name,
            value: address.to_string(),
            reason: "the address has letters outside ASCII (mail is sent without SMTPUTF8)",
        });
    }
    let display = mailbox.name.as_deref().map(str::trim).unwrap_or_default();
    let encoded = if display.is_empty() {
        // in angle brackets even without a name: spam filters count a bare address against
        // an HTML message (SpamAssassin's TO_NO_BRKTS_*)
        format!("<{address}>")
    } else {
        refuse_controls(name, display)?;
        let mut phrase = String::new();
        {
            let mut w = EmailWriter::new(&mut phrase, first, 0, false);
            let _ = email_encoding::headers::quoted_string::encode(display, &mut w);
        }
        if !fits(&phrase, first) {
            phrase = encoded_words(display, first);
        }
        let last = phrase.rsplit("\r\n").next().map_or(0, str::len);
        let last = if phrase.contains("\r\n") {
            last
        } else {
            last + first
        };
        if last + 3 + address.len() <= LINE {
            format!("{phrase} <{address}>")
        } else {
            format!("{phrase}\r\n <{address}>")
        }
    };
    Ok(HeaderValue::dangerous_new_pre_encoded(
        HeaderName::new_from_ascii_str(name),
        mailbox.to_string(),
        encoded,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header as it is written into a message.
    fn written(h: HeaderValue) -> String {
        let mut headers = lettre::message::header::Headers::new();
        headers.insert_raw(h);
        headers.to_string()
    }

    fn lines(h: HeaderValue) -> Vec<String> {
        written(h).lines().map(str::to_string).collect()
    }

    #[test]
    fn long_names_and_subjects_fold() {
        for value in ["A".repeat(300), "Ääkkönen".repeat(40), "word ".repeat(60)] {
            let to = Mailbox::new(Some(value.clone()), "someone@example.org".parse().unwrap());
            let h = mailbox("To", &to).unwrap();
            for l in lines(h) {
                assert!(l.len() <= LINE, "{l}");
                assert!(l.bytes().all(|b| (0x20..0x7f).contains(&b)), "{l}");
            }
            let h = text("Subject", &value).unwrap();
            for l in lines(h) {
                assert!(l.len() <= LINE, "{l}");
            }
        }
    }

    #[test]
    fn structured_headers_are_never_encoded() {
        let url = format!(
            "<https://example.org/unsubscribe?e={}&t=0123>",
            "a".repeat(120)
        );
        let h = written(structured("List-Unsubscribe", &url).unwrap());
        assert_eq!(h, format!("List-Unsubscribe: {url}\r\n"));
        assert!(structured("List-Id", "Ääkkö <x.example.org>").is_err());
        assert!(structured("List-Id", &"a".repeat(1000)).is_err());
    }

    #[test]
    fn control_characters_are_refused() {
        for bad in [
            "Eve\r\nBcc: x@evil.example",
            "a\u{7}",
            "tab\there",
            "x\u{2028}y",
        ] {
            let to = Mailbox::new(Some(bad.into()), "a@example.org".parse().unwrap());
            assert!(mailbox("To", &to).is_err(), "{bad:?}");
            assert!(text("Subject", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn short_values_stay_readable() {
        let to = Mailbox::new(
            Some("Maija Meikäläinen".into()),
            "m@example.org".parse().unwrap(),
        );
        let h = written(mailbox("To", &to).unwrap());
        assert!(h.ends_with(" <m@example.org>\r\n"), "{h}");
        let h = written(text("Subject", "InnoCities news, May").unwrap());
        assert_eq!(h, "Subject: InnoCities news, May\r\n");
    }
}
