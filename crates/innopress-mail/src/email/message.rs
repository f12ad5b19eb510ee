//! One issue as a MIME message for one recipient: multipart/alternative with the plain text
//! and a multipart/related HTML part carrying the chart PNGs as inline parts; the list headers
//! (List-Id, List-Unsubscribe, RFC 8058 one-click) and optional DKIM over them.

use super::headers;
use super::issue::RenderedIssue;
use lettre::Message;
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::{ContentType, HeaderName};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::time::SystemTime;

/// A message or its settings cannot be made: an address, the DKIM key, or MIME itself.
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    /// A recipient that is not an address.
    #[error("invalid address: {0}")]
    Recipient(#[source] lettre::address::AddressError),
    /// A `[newsletter]` address that is not one.
    #[error(transparent)]
    Setting(#[from] innopress_core::addresses::SettingError),
    /// No `[newsletter] from`, and the address made from `base_url` is not one.
    #[error(
        "the default sender newsletter@{host} (from base_url) is not an address: {source}; set [newsletter] from in content/site.toml"
    )]
    DefaultSender {
        host: String,
        source: lettre::address::AddressError,
    },
    #[error(
        "the DKIM key must be an RSA key in PKCS#1 PEM (BEGIN RSA PRIVATE KEY); convert it with `openssl rsa -in key.pem -traditional -out key-pkcs1.pem`, or give an Ed25519 seed in base64"
    )]
    DkimFormat,
    #[error("the DKIM key cannot be read: {0}")]
    DkimKey(#[source] lettre::message::dkim::DkimSigningKeyError),
    #[error(transparent)]
    Mime(#[from] lettre::error::Error),
    #[error(transparent)]
    ContentType(#[from] lettre::message::header::ContentTypeErr),
    #[error(transparent)]
    Header(#[from] super::headers::HeaderError),
}

/// Sender-side settings shared by every message of a run.
pub struct MailSettings {
    pub from: Mailbox,
    pub reply_to: Option<Mailbox>,
    /// `InnoCities <newsletter.innocities.example>`
    pub list_id: String,
    /// mailto: or https: template with `{email}` and `{token}`.
    pub unsubscribe: Option<String>,
    pub unsubscribe_secret: Option<SecretString>,
    /// Domain for Message-IDs.
    pub domain: String,
    /// `[newsletter] return_path`: bounces come back to `LOCAL+HASH@DOMAIN` of it.
    pub return_path: Option<lettre::Address>,
    pub dkim: Option<std::sync::Arc<DkimConfig>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub email: String,
    pub name: String,
    /// The first name when the list has one: the greeting uses it ("Hello Aino,").
    pub first_name: String,
}

impl Recipient {
    /// The name the greeting uses: the first name, else the name as the list has it.
    pub fn greeted(&self) -> &str {
        if self.first_name.trim().is_empty() {
            &self.name
        } else {
            &self.first_name
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The `.eml` written into the output: reproducible, addressed to nobody real.
    Preview,
    /// `send --to`: subject marked [TEST].
    Test,
    Campaign,
}

/// A short, stable token for a recipient's unsubscribe link: SHA-256 of the secret and the
/// lower-cased address, so links cannot be forged without the secret. The formula is the
/// manual's promise to a site's own unsubscribe page, which recomputes it, so it stays as
/// it is rather than HMAC; cut to 128 bits, the digest leaves no state to extend.
pub fn token(secret: &str, email: &str) -> String {
    let mut h = Sha256::new();
    h.update(secret.as_bytes());
    h.update(b"\n");
    h.update(email.to_lowercase().as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// The recipient's unsubscribe address from the template.
pub fn unsubscribe_url(s: &MailSettings, email: &str) -> Option<String> {
    let template = s.unsubscribe.as_ref()?;
    let tok = s.unsubscribe_secret.as_ref().map_or_else(
        || "preview".to_string(),
        |secret| token(secret.expose_secret(), email),
    );
    Some(
        template
            .replace("{email}", &percent_encode(email))
            .replace("{token}", &tok),
    )
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A recipient's hash in Message-IDs and return paths: 20 hex digits of the SHA-256 of the
/// secret and the lower-cased address. With the unsubscribe secret, nobody who lacks it can
/// compute it, so a bounce report that carries it is one of ours about that recipient.
pub fn recipient_hash(secret: Option<&str>, email: &str) -> String {
    let mut h = Sha256::new();
    if let Some(secret) = secret {
        h.update(b"recipient\n");
        h.update(secret.as_bytes());
        h.update(b"\n");
    }
    h.update(email.to_lowercase().as_bytes());
    hex::encode(&h.finalize()[..10])
}

/// The return path (envelope sender) of a message to `email`: `LOCAL+HASH@DOMAIN` of the
/// `return_path` setting (VERP), or the sender's address.
pub fn return_path(s: &MailSettings, email: &str) -> lettre::Address {
    s.return_path
        .as_ref()
        .and_then(|rp| {
            let hash = recipient_hash(
                s.unsubscribe_secret.as_ref().map(|k| k.expose_secret()),
                email,
            );
            format!("{}+{hash}@{}", rp.user(), rp.domain()).parse().ok()
        })
        .unwrap_or_else(|| s.from.email.clone())
}

/// Message-ID for a campaign message: stable per issue and address, so a log line or a bounce
/// can be matched to the journal.
pub fn message_id(number: u32, hash: &str, domain: &str, kind: Kind) -> String {
    match kind {
        Kind::Preview => format!("<issue-{number}.preview@{domain}>"),
        Kind::Test => {
            // a test may be sent many times; each gets its own id
            let nanos = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            format!("<issue-{number}.test.{hash}.{nanos}@{domain}>")
        }
        Kind::Campaign => format!("<issue-{number}.{hash}@{domain}>"),
    }
}

pub fn build(
    issue: &RenderedIssue,
    s: &MailSettings,
    to: &Recipient,
    kind: Kind,
    date: SystemTime,
) -> Result<Message, EmailError> {
    let unsubscribe = unsubscribe_url(s, &to.email);
    let hello = issue.greeting(to.greeted());
    let unsub_text = unsubscribe.clone().unwrap_or_default();
    let text = issue.text.fill(&hello, &unsub_text);
    let html = issue.html.fill(&hello, &unsub_text);
    let n = issue.number;

    let html_part = body(issue, text, html)?;

    let to_address: lettre::Address = to.email.parse().map_err(EmailError::Recipient)?;
    let to_box = Mailbox::new(
        (!to.name.trim().is_empty()).then(|| to.name.trim().to_string()),
        to_address.clone(),
    );
    let subject = match kind {
        Kind::Test => format!("[TEST] {}", issue.subject),
        _ => issue.subject.clone(),
    };
    // every header that carries text goes through `headers`, which refuses control
    // characters and folds; the envelope is given, not parsed back from the headers
    let mut b = Message::builder()
        .envelope(lettre::address::Envelope::new(
            Some(return_path(s, &to.email)),
            vec![to_address],
        )?)
        .raw_header(headers::mailbox("From", &s.from)?)
        .raw_header(headers::mailbox("To", &to_box)?)
        .raw_header(headers::text("Subject", &subject)?)
        .date(date)
        .message_id(Some(message_id(
            n,
            &recipient_hash(
                s.unsubscribe_secret.as_ref().map(|k| k.expose_secret()),
                &to.email,
            ),
            &s.domain,
            kind,
        )))
        .raw_header(headers::structured("List-Id", &s.list_id)?);
    if let Some(r) = &s.reply_to {
        b = b.raw_header(headers::mailbox("Reply-To", r)?);
    }
    if let Some(url) = &unsubscribe {
        b = b.raw_header(headers::structured(
            "List-Unsubscribe",
            &format!("<{url}>"),
        )?);
        if url.starts_with("https://") {
            b = b.raw_header(headers::structured(
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click",
            )?);
        }
    }
    let mut msg = b.multipart(html_part)?;
    if let Some(dkim) = &s.dkim
        && kind != Kind::Preview
    {
        msg.sign(dkim);
    }
    Ok(msg)
}

/// The message's body: text and HTML as alternatives, the HTML with the charts' PNGs
/// beside it when it shows any.
fn body(issue: &RenderedIssue, text: String, html: String) -> Result<MultiPart, EmailError> {
    let n = issue.number;
    Ok(if issue.images.is_empty() {
        MultiPart::alternative()
            .boundary(format!("=_innopress_{n}_alt"))
            .singlepart(SinglePart::plain(text))
            .singlepart(SinglePart::html(html))
    } else {
        let mut related = MultiPart::related()
            .boundary(format!("=_innopress_{n}_rel"))
            .singlepart(SinglePart::html(html));
        for img in &issue.images {
            related = related.singlepart(
                Attachment::new_inline(img.cid.clone())
                    .body(img.png.clone(), ContentType::parse("image/png")?),
            );
        }
        MultiPart::alternative()
            .boundary(format!("=_innopress_{n}_alt"))
            .singlepart(SinglePart::plain(text))
            .multipart(related)
    })
}

/// DKIM settings signing the usual headers plus the list headers (RFC 8058 asks for
/// List-Unsubscribe and List-Unsubscribe-Post to be covered).
pub fn dkim_config(domain: &str, selector: &str, key_pem: &str) -> Result<DkimConfig, EmailError> {
    // RSA keys come as PKCS#1 PEM; Ed25519 keys as the base64 of the 32-byte seed
    let algorithm = if key_pem.contains("BEGIN RSA PRIVATE KEY") {
        DkimSigningAlgorithm::Rsa
    } else if key_pem.contains("BEGIN") {
        return Err(EmailError::DkimFormat);
    } else {
        DkimSigningAlgorithm::Ed25519
    };
    let key = DkimSigningKey::new(key_pem.trim(), algorithm).map_err(EmailError::DkimKey)?;
    let headers = [
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "Reply-To",
        "List-Id",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
    ]
    .into_iter()
    .map(HeaderName::new_from_ascii_str)
    .collect();
    Ok(DkimConfig::new(
        selector.to_string(),
        domain.to_string(),
        key,
        headers,
        DkimCanonicalization {
            header: DkimCanonicalizationType::Relaxed,
            body: DkimCanonicalizationType::Relaxed,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_links() {
        assert_eq!(token("s", "A@x.org"), token("s", "a@x.org"));
        assert_ne!(token("s", "a@x.org"), token("t", "a@x.org"));
        let s = MailSettings {
            return_path: None,
            from: "N <n@x.org>".parse().unwrap(),
            reply_to: None,
            list_id: "N <news.x.org>".into(),
            unsubscribe: Some("https://x.org/u?e={email}&t={token}".into()),
            unsubscribe_secret: Some("k".into()),
            domain: "x.org".into(),
            dkim: None,
        };
        let u = unsubscribe_url(&s, "a+b@x.org").unwrap();
        assert!(u.starts_with("https://x.org/u?e=a%2Bb%40x.org&t="), "{u}");
    }
}
