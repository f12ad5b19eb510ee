//! Delivery status notifications (RFC 3464): the per-recipient fields of a
//! `message/delivery-status` part, read by hand because they are header blocks that no mail
//! library exposes. Pure functions over bytes; nothing here trusts the report's sender.

/// One recipient's fate as a report tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `Final-Recipient` (or `Original-Recipient`), lower-cased; `None` when absent or not
    /// an address.
    pub recipient: Option<String>,
    /// The status code (`5.1.1`), or the class alone when the report has no code.
    pub status: String,
    /// A permanent failure (5.x.x or `Action: failed`); otherwise a temporary one.
    pub permanent: bool,
}

/// The failures in a delivery-status body; successes (`delivered`, `relayed`, `expanded`)
/// are left out.
pub fn failures(body: &[u8]) -> Vec<Failure> {
    let text = String::from_utf8_lossy(body);
    let mut out = Vec::new();
    // the first block is about the message, the others each about one recipient
    for block in blocks(&text).into_iter().skip(1) {
        let field = |name: &str| {
            block
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        if field("Action").is_none() && field("Status").is_none() {
            // not a recipient's fields
            continue;
        }
        let action = field("Action").unwrap_or("").trim().to_ascii_lowercase();
        // a delay warning is not a failure: the server is still trying
        if matches!(
            action.as_str(),
            "delivered" | "relayed" | "expanded" | "delayed"
        ) {
            continue;
        }
        let status = field("Status")
            .and_then(|s| s.split_whitespace().next())
            .unwrap_or("")
            .to_string();
        let status_ok = status.len() <= 16
            && status.split('.').count() == 3
            && status
                .split('.')
                .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()));
        let class = status_ok.then(|| status.as_bytes()[0]);
        let permanent = match (class, action.as_str()) {
            (Some(b'5'), _) => true,
            (Some(b'4'), _) => false,
            (_, "failed") => true,
            _ => false,
        };
        if class == Some(b'2') {
            continue;
        }
        let recipient = field("Final-Recipient")
            .or_else(|| field("Original-Recipient"))
            .and_then(address_of);
        out.push(Failure {
            recipient,
            status: if status_ok {
                status
            } else if permanent {
                "5.0.0".into()
            } else {
                "4.0.0".into()
            },
            permanent,
        });
    }
    out
}

/// `rfc822; Someone@Example.org` → `someone@example.org`, when it looks like an address.
fn address_of(value: &str) -> Option<String> {
    let (kind, addr) = value.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("rfc822") {
        return None;
    }
    let addr = addr.trim().trim_start_matches('<').trim_end_matches('>');
    (addr.len() <= 254
        && addr.contains('@')
        && addr.is_ascii()
        && !addr.contains(char::is_whitespace))
    .then(|| addr.to_ascii_lowercase())
}

/// Header blocks separated by blank lines, continuation lines joined.
fn blocks(text: &str) -> Vec<Vec<(String, String)>> {
    let mut all = Vec::new();
    let mut block: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !block.is_empty() {
                all.push(std::mem::take(&mut block));
            }
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = block.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            block.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    if !block.is_empty() {
        all.push(block);
    }
    all
}

/// The recipient hash in a campaign's Message-ID (`issue-N.HASH@domain`).
pub fn hash_of_id(id: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let local = id.split('@').next()?;
    let hash = local.strip_prefix("issue-")?.split_once('.')?.1;
    is_hash(hash).then(|| hash.to_string())
}

/// The recipient hash in a VERP address `LOCAL+HASH@DOMAIN` made from `base`.
pub fn verp_hash(base: &str, to: &str) -> Option<String> {
    let (b_local, b_domain) = base.split_once('@')?;
    let (local, domain) = to.split_once('@')?;
    if !domain.eq_ignore_ascii_case(b_domain) {
        return None;
    }
    let hash = local.strip_prefix(b_local)?.strip_prefix('+')?;
    is_hash(hash).then(|| hash.to_string())
}

fn is_hash(s: &str) -> bool {
    s.len() == 20 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hard_soft_and_successful_recipients() {
        let body = b"Reporting-MTA: dns; mx.example.net\r\nArrival-Date: Mon, 30 Nov 2026 10:00:00 +0000\r\n\r\nFinal-Recipient: rfc822; Gone@Example.org\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such\r\n  user here\r\n\r\nFinal-Recipient: rfc822;full@example.org\r\nAction: failed\r\nStatus: 4.2.2\r\n\r\nFinal-Recipient: rfc822;later@example.org\r\nAction: delayed\r\nStatus: 4.4.7\r\n\r\nFinal-Recipient: rfc822; ok@example.org\r\nAction: delivered\r\nStatus: 2.0.0\r\n";
        let f = failures(body);
        assert_eq!(
            f,
            vec![
                Failure {
                    recipient: Some("gone@example.org".into()),
                    status: "5.1.1".into(),
                    permanent: true
                },
                Failure {
                    recipient: Some("full@example.org".into()),
                    status: "4.2.2".into(),
                    permanent: false
                },
            ]
        );
    }

    #[test]
    fn garbage_is_no_failure_and_never_a_panic() {
        assert!(failures(b"").is_empty());
        assert!(failures(b"\xff\xfe:::\n\n:\n\n \n").is_empty());
        let f =
            failures(b"x: y\n\nFinal-Recipient: x400; <a@b>\nAction: failed\nStatus: 5.9.999999\n");
        assert_eq!(f[0].recipient, None);
        assert_eq!(f[0].status, "5.0.0");
        assert!(f[0].permanent);
    }
}
