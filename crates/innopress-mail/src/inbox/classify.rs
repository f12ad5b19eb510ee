//! What an incoming message asks: a pure function from its bytes to a [`Request`]. The
//! order of the tests is the safety of the whole inbox: delivery reports first, then
//! automatic replies (an out-of-office quoting a confirmation's subject must never confirm
//! anything), then tokens, then the address the message was sent to.

use super::dsn;
use super::tokens::{MAX_TOKENS, find_token, find_tokens, is_token};
use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

/// The inbox's own addresses, from `[newsletter]`.
#[derive(Debug, Clone, Default)]
pub struct Addresses {
    /// The address of the `unsubscribe` mailto, lower-cased.
    pub unsubscribe: Option<String>,
    /// The address of the `subscribe` mailto, lower-cased.
    pub subscribe: Option<String>,
    /// `return_path`, lower-cased: bounces come back to `LOCAL+HASH@DOMAIN`.
    pub return_path: Option<String>,
}

/// One message, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The Message-ID without angle brackets, or `sha256:…` of the bytes when there is none,
    /// so the same message is recognised again.
    pub id: String,
    /// When it was written (its Date header, as Unix seconds); `None` without a valid one.
    pub date: Option<i64>,
    /// When it reached us ([`super::Incoming::arrived`]), set by the caller.
    pub arrived: Option<i64>,
    /// The sender's address, lower-cased, for the listing.
    pub from: Option<String>,
    /// The subject as it may be shown: control characters out, at most 80 characters.
    pub subject: String,
    pub request: Request,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// To the unsubscribe address, or with "unsubscribe" in the subject: the recipient whose
    /// token it carries leaves; when none of what look like tokens is one, the sender.
    Unsubscribe {
        tokens: Vec<String>,
        from: Option<String>,
    },
    /// To the subscribe address: the sender asks to join.
    Subscribe { email: String, name: String },
    /// A reply carrying a confirmation token; it counts only from the address confirmed.
    Confirm { token: String, from: Option<String> },
    /// A delivery failure, matched by the failed address or by the hash in the original
    /// Message-ID or the VERP return path.
    Bounce {
        failures: Vec<dsn::Failure>,
        hashes: Vec<String>,
    },
    /// Out of office and other automatic replies: left alone.
    AutoReply,
    /// A machine's report that needs nothing done (a delay warning): left alone.
    Notice(String),
    /// Anything else: left alone, with why.
    Other(String),
}

/// A message whose reading failed: known by its bytes' hash, left for a person.
pub fn unreadable(raw: &[u8]) -> Parsed {
    Parsed {
        id: bytes_id(raw),
        date: None,
        arrived: None,
        from: None,
        subject: String::new(),
        request: Request::Other("the message could not be read".into()),
    }
}

fn bytes_id(raw: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(raw);
    format!("sha256:{}", hex::encode(&h[..16]))
}

/// Reads `raw` and says what it asks.
pub fn classify(raw: &[u8], ours: &Addresses) -> Parsed {
    let id_of_bytes = || bytes_id(raw);
    let Some(msg) = MessageParser::default().parse(raw) else {
        return Parsed {
            id: id_of_bytes(),
            date: None,
            arrived: None,
            from: None,
            subject: String::new(),
            request: Request::Other("not a mail message (no headers)".into()),
        };
    };
    let id = msg
        .message_id()
        .map(clean_id)
        .filter(|i| !i.is_empty())
        .unwrap_or_else(id_of_bytes);
    let date = msg.date().map(|d| d.to_timestamp());
    let from = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .and_then(address);
    let subject_raw = msg.subject().unwrap_or("").to_string();
    let subject: String = crate::subscribers::printable(&subject_raw)
        .chars()
        .take(80)
        .collect();
    let parsed = |request| Parsed {
        id: id.clone(),
        date,
        arrived: None,
        from: from.clone(),
        subject: subject.clone(),
        request,
    };

    if let Some(request) = delivery_report(&msg, ours) {
        return parsed(request);
    }
    if is_automatic(&msg, &subject_raw) {
        return parsed(Request::AutoReply);
    }
    parsed(request(&msg, ours, &subject_raw, from.clone()))
}

/// Step 1, a delivery report: the failures it reports, and our hashes it carries (the
/// original Message-ID, or the VERP return path).
fn delivery_report(msg: &Message, ours: &Addresses) -> Option<Request> {
    let mut report = None;
    let mut hashes = Vec::new();
    for part in msg.parts.iter() {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let sub = ct.subtype().unwrap_or("").to_ascii_lowercase();
        let ty = ct.ctype().to_ascii_lowercase();
        match (ty.as_str(), sub.as_str(), &part.body) {
            ("message", "delivery-status" | "global-delivery-status", body) => {
                let bytes: &[u8] = match body {
                    PartType::Text(t) => t.as_bytes(),
                    PartType::Binary(b) | PartType::InlineBinary(b) => b.as_ref(),
                    _ => &[],
                };
                report
                    .get_or_insert_with(Vec::new)
                    .extend(dsn::failures(bytes));
            }
            ("message", "rfc822" | "global", PartType::Message(inner)) => {
                hashes.extend(inner.message_id().and_then(dsn::hash_of_id));
            }
            ("text", "rfc822-headers", PartType::Text(t)) => {
                if let Some(inner) = MessageParser::default().parse_headers(t.as_bytes()) {
                    hashes.extend(inner.message_id().and_then(dsn::hash_of_id));
                }
            }
            _ => {}
        }
    }
    let failures = report?;
    // VERP: the report comes back to LOCAL+HASH@DOMAIN
    if let Some(base) = &ours.return_path {
        for to in recipients(msg) {
            if let Some(h) = dsn::verp_hash(base, &to) {
                hashes.push(h);
            }
        }
    }
    hashes.sort();
    hashes.dedup();
    if failures.is_empty() {
        return Some(Request::Notice(
            "a delivery report without a failure (a delay warning: the server keeps trying)".into(),
        ));
    }
    Some(Request::Bounce { failures, hashes })
}

/// Step 2, an automatic reply, found before anything that reads a token: an out-of-office
/// quoting a confirmation's subject must confirm nothing.
fn is_automatic(msg: &Message, subject_raw: &str) -> bool {
    let header = |name: &str| msg.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    let auto = header("Auto-Submitted").is_some_and(|v| !v.starts_with("no"))
        || header("X-Autoreply").is_some()
        || header("X-Autorespond").is_some()
        || header("X-Autogenerated").is_some()
        || header("Return-Path").is_some_and(|v| v == "<>")
        || header("X-Auto-Response-Suppress")
            .is_some_and(|v| v.contains("all") || v.contains("oof"))
        || header("Precedence")
            .is_some_and(|v| v.contains("auto_reply") || v.contains("bulk") || v.contains("junk"));
    let lower_subject = subject_raw.to_lowercase();
    auto || AUTO_SUBJECTS
        .iter()
        .any(|w| lower_subject.starts_with(w) || lower_subject.contains(&format!(": {w}")))
}

/// Steps 3 and 4, what a person's message asks: a confirmation's token (unless it says to
/// leave), then by the address it was sent to and its subject.
fn request(msg: &Message, ours: &Addresses, subject_raw: &str, from: Option<String>) -> Request {
    let lower_subject = subject_raw.to_lowercase();
    let body: String = msg
        .body_text(0)
        .map(|t| t.chars().take(20_000).collect())
        .unwrap_or_default();
    let to: Vec<String> = recipients(msg);
    let to_unsub = ours.unsubscribe.as_ref().is_some_and(|a| to.contains(a));
    let to_sub = ours.subscribe.as_ref().is_some_and(|a| to.contains(a));
    // a command is the whole subject: "unsubscribe", "unsubscribe TOKEN", "subscribe"; a
    // reply titled "Re: Stop the bypass" is not one
    let words: Vec<&str> = lower_subject
        .split(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .skip_while(|w| matches!(*w, "re:" | "fw:" | "fwd:" | "vs:" | "aw:" | "sv:"))
        .collect();
    let command = |verbs: &[&str]| {
        words
            .first()
            .is_some_and(|w| verbs.contains(&w.trim_end_matches([':', '.', '!'])))
            && words[1..].iter().all(|w| is_token(w) || *w == "me")
    };
    let says_unsub = command(&["unsubscribe", "leave", "stop", "remove"]);
    let says_sub = command(&["subscribe", "join"]);
    if !to_unsub
        && !says_unsub
        && let Some(token) =
            find_token(subject_raw, "confirm-").or_else(|| find_token(&body, "confirm-"))
    {
        return Request::Confirm { token, from };
    }
    if says_unsub || (to_unsub && !(to_sub && says_sub)) {
        let mut tokens = find_tokens(subject_raw, "", MAX_TOKENS);
        tokens.extend(find_tokens(&body, "", MAX_TOKENS - tokens.len()));
        tokens.dedup();
        return Request::Unsubscribe { tokens, from };
    }
    if ours.subscribe.is_some() && (to_sub || says_sub) {
        let Some(email) = from else {
            return Request::Other("a request to join without a usable sender address".into());
        };
        let name = msg
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.name())
            .map(clean_name)
            .unwrap_or_default();
        return Request::Subscribe { email, name };
    }
    Request::Other("not a request to join or leave, nor a delivery report".into())
}

/// How automatic replies begin their subjects, in the languages of the network's readers.
const AUTO_SUBJECTS: &[&str] = &[
    "out of office",
    "automatic reply",
    "auto:",
    "autoreply",
    "auto-reply",
    "auto response",
    "away from",
    "poissa",
    "lomalla",
    "automaattinen vastaus",
    "frånvaro",
    "autosvar",
    "abwesenheit",
    "automatische antwort",
    "absence",
    "réponse automatique",
    "respuesta automática",
    "fuera de la oficina",
];

/// A sender's display name as it may go into the list and a To header: no control
/// characters, no quotes or angle brackets, at most 80 characters.
fn clean_name(name: &str) -> String {
    crate::subscribers::printable(name)
        .chars()
        .filter(|c| !matches!(c, '"' | '<' | '>' | '\\'))
        .take(80)
        .collect::<String>()
        .trim()
        .to_string()
}

/// A Message-ID without brackets and spaces, at most 250 characters of it.
fn clean_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .chars()
        .filter(|c| !c.is_whitespace() && !innopress_core::text::is_control(*c))
        .take(250)
        .collect()
}

/// An address as the list holds it: lower-cased ASCII with one `@`, or nothing.
fn address(a: &str) -> Option<String> {
    let a = a.trim();
    let ok = a.len() <= 254
        && a.is_ascii()
        && a.matches('@').count() == 1
        // nor can it begin like a spreadsheet formula: it goes into the list's CSV
        && !a.starts_with(['@', '=', '+', '-'])
        && !a.ends_with('@')
        && !a.contains(|c: char| c.is_whitespace() || c.is_ascii_control() || "<>\"(),;:\\[]".contains(c))
        // and what the list's reader and the mail library accept, so a row it adds is valid
        && a.parse::<lettre::Address>().is_ok();
    ok.then(|| a.to_ascii_lowercase())
}

/// Every address the message was delivered to: To, Cc, Delivered-To, X-Original-To.
fn recipients(msg: &mail_parser::Message) -> Vec<String> {
    let mut v: Vec<String> = msg
        .to()
        .into_iter()
        .chain(msg.cc())
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address())
        .filter_map(address)
        .collect();
    for name in ["Delivered-To", "X-Original-To", "Envelope-To"] {
        for h in msg
            .headers()
            .iter()
            .filter(|h| h.name().eq_ignore_ascii_case(name))
        {
            if let Some(t) = h.value().as_text() {
                v.extend(address(t.trim_start_matches('<').trim_end_matches('>')));
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours() -> Addresses {
        Addresses {
            unsubscribe: Some("leave@news.example".into()),
            subscribe: Some("join@news.example".into()),
            return_path: Some("bounces@news.example".into()),
        }
    }

    fn msg(headers: &str, body: &str) -> Vec<u8> {
        format!("{headers}\r\n\r\n{body}")
            .replace("\r\n", "\n")
            .replace('\n', "\r\n")
            .into_bytes()
    }

    #[test]
    fn an_unsubscribe_carries_the_token_or_the_sender() {
        let p = classify(
            &msg(
                "From: Maija <Maija@Example.org>\nTo: leave@news.example\nSubject: unsubscribe 0123456789abcdef0123456789ABCDEF\nMessage-ID: <a@b>\nDate: Mon, 30 Nov 2026 10:00:00 +0200",
                "",
            ),
            &ours(),
        );
        assert_eq!(p.id, "a@b");
        let day = innopress_core::date::Date::new(2026, 11, 30)
            .unwrap()
            .days_since_epoch();
        assert_eq!(p.date, Some(day * 86_400 + 8 * 3600));
        assert_eq!(
            p.request,
            Request::Unsubscribe {
                tokens: vec!["0123456789abcdef0123456789abcdef".into()],
                from: Some("maija@example.org".into())
            }
        );
        let p = classify(
            &msg(
                "From: x@example.org\nTo: leave@news.example\nSubject: please",
                "take me off",
            ),
            &ours(),
        );
        assert_eq!(
            p.request,
            Request::Unsubscribe {
                tokens: vec![],
                from: Some("x@example.org".into())
            }
        );
        assert!(p.id.starts_with("sha256:"));
    }

    #[test]
    fn a_request_to_join_and_its_confirmation() {
        let p = classify(
            &msg(
                "From: \"Anna \\\"<x>\\\" K\" <anna@example.org>\nTo: join@news.example\nSubject: subscribe",
                "",
            ),
            &ours(),
        );
        assert_eq!(
            p.request,
            Request::Subscribe {
                email: "anna@example.org".into(),
                name: "Anna x K".into()
            }
        );
        let p = classify(
            &msg(
                "From: anna@example.org\nTo: join@news.example\nSubject: Re: Confirm your subscription [confirm-0123456789abcdef0123456789abcdef]",
                "> quoted",
            ),
            &ours(),
        );
        assert_eq!(
            p.request,
            Request::Confirm {
                token: "0123456789abcdef0123456789abcdef".into(),
                from: Some("anna@example.org".into())
            }
        );
        // "remove me" in answer to a confirmation, sent to the unsubscribe address
        let p = classify(
            &msg(
                "From: anna@example.org\nTo: leave@news.example\nSubject: Re: Confirm your subscription [confirm-0123456789abcdef0123456789abcdef]",
                "I never asked for this.",
            ),
            &ours(),
        );
        assert!(matches!(p.request, Request::Unsubscribe { .. }), "{p:?}");
    }

    #[test]
    fn commands_are_whole_subjects() {
        let subject = |s: &str, ours: &Addresses| {
            classify(
                &msg(
                    &format!("From: a@example.org\nTo: news@news.example\nSubject: {s}"),
                    "",
                ),
                ours,
            )
            .request
        };
        assert!(matches!(
            subject("Re: Stop the bypass", &ours()),
            Request::Other(_)
        ));
        assert!(matches!(
            subject("STOP", &ours()),
            Request::Unsubscribe { ref tokens, .. } if tokens.is_empty()
        ));
        assert!(matches!(
            subject("Re: unsubscribe 0123456789abcdef0123456789abcdef", &ours()),
            Request::Unsubscribe { ref tokens, .. } if tokens.len() == 1
        ));
        assert!(matches!(
            subject("subscribe me", &ours()),
            Request::Subscribe { .. }
        ));
        assert!(matches!(
            subject("Join our webinar", &ours()),
            Request::Other(_)
        ));
        let no_join = Addresses {
            subscribe: None,
            ..ours()
        };
        assert!(
            matches!(subject("subscribe", &no_join), Request::Other(_)),
            "no subscribe address, no joining"
        );
        // a null return path is a machine's
        let p = classify(
            &msg(
                "From: a@example.org\nReturn-Path: <>\nTo: join@news.example\nSubject: subscribe",
                "",
            ),
            &ours(),
        );
        assert_eq!(p.request, Request::AutoReply);
        // addresses the mail library would refuse never become rows
        let p = classify(
            &msg(
                "From: x..y@example.org\nTo: join@news.example\nSubject: subscribe",
                "",
            ),
            &ours(),
        );
        assert!(matches!(p.request, Request::Other(_)), "{p:?}");
    }

    #[test]
    fn an_out_of_office_quoting_a_token_confirms_nothing() {
        let p = classify(
            &msg(
                "From: anna@example.org\nTo: join@news.example\nAuto-Submitted: auto-replied\nSubject: Automatic reply: Confirm [confirm-0123456789abcdef0123456789abcdef]",
                "",
            ),
            &ours(),
        );
        assert_eq!(p.request, Request::AutoReply);
        let p = classify(
            &msg(
                "From: anna@example.org\nTo: leave@news.example\nSubject: Out of Office: unsubscribe",
                "",
            ),
            &ours(),
        );
        assert_eq!(p.request, Request::AutoReply);
    }

    #[test]
    fn a_bounce_is_matched_by_recipient_message_id_and_verp() {
        let raw = msg(
            "From: MAILER-DAEMON@mx.example.net\nTo: bounces+0123456789abcdef0123@news.example\nSubject: Undelivered Mail\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"",
            "--b\nContent-Type: text/plain\n\nSorry.\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; gone@example.org\nAction: failed\nStatus: 5.1.1\n\n--b\nContent-Type: text/rfc822-headers\n\nMessage-ID: <issue-3.aaaaaaaaaabbbbbbbbbb@news.example>\nSubject: x\n\n--b--\n",
        );
        let p = classify(&raw, &ours());
        let Request::Bounce { failures, hashes } = p.request else {
            panic!("{p:?}")
        };
        assert_eq!(failures[0].recipient.as_deref(), Some("gone@example.org"));
        assert!(failures[0].permanent);
        assert_eq!(
            hashes,
            vec![
                "0123456789abcdef0123".to_string(),
                "aaaaaaaaaabbbbbbbbbb".to_string()
            ]
        );
    }

    #[test]
    fn anything_else_is_left_alone_and_nothing_panics() {
        assert!(matches!(
            classify(
                &msg(
                    "From: a@b.org\nTo: info@news.example\nSubject: A question",
                    "Hi"
                ),
                &ours()
            )
            .request,
            Request::Other(_)
        ));
        for raw in [&b""[..], b"\xff\xfe", b"From: <<<@@@>>>\r\n\r\n", b"Content-Type: multipart/report; boundary=x\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\n\xff\r\n--x--"] {
            let _ = classify(raw, &ours());
        }
    }
}
