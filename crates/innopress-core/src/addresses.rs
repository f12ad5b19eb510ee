//! Leaf: the sender settings that become mail headers and links, checked once for `check`
//! (located in `site.toml`) and for the email renderer: a `[newsletter]` address and the
//! unsubscribe template.

use lettre::message::Mailbox;

/// Why a `[newsletter]` setting cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    #[error("[newsletter] {0} has a line break or another control character; write it on one line")]
    Control(&'static str),
    #[error(
        "[newsletter] {key} = \"{text}\" is not an address ({reason}); write it as \"Name <name@example.org>\""
    )]
    NotAnAddress {
        key: &'static str,
        text: String,
        reason: String,
    },
    #[error(
        "[newsletter] {key} = \"{text}\": the address has letters outside ASCII, which mail servers without SMTPUTF8 refuse; write the domain in its xn-- form"
    )]
    NotAscii { key: &'static str, text: String },
    #[error("[newsletter] unsubscribe = \"{0}\" must start with mailto: or https://")]
    Scheme(String),
    #[error(
        "[newsletter] unsubscribe = \"{0}\" is not a valid address: no spaces or line breaks, and only {{email}} and {{token}} as placeholders"
    )]
    Invalid(String),
    #[error(
        "[newsletter] return_path = \"{0}\" must be a bare address in ASCII without a + (innopress adds +HASH to it for each recipient)"
    )]
    ReturnPath(String),
}

/// `return_path`: a bare ASCII address whose local part has no `+`, since each recipient's
/// return path is `LOCAL+HASH@DOMAIN`.
pub fn return_path(text: &str) -> Result<lettre::Address, SettingError> {
    let bad = || SettingError::ReturnPath(crate::text::printable(text));
    let a: lettre::Address = text.trim().parse().map_err(|_| bad())?;
    if !text.is_ascii() || a.user().contains('+') || text.trim() != text || text.len() > 200 {
        return Err(bad());
    }
    Ok(a)
}

/// The address of a `mailto:` setting, lower-cased, without its query.
pub fn mailto_address(url: &str) -> Option<String> {
    let rest = url
        .get(..7)
        .filter(|s| s.eq_ignore_ascii_case("mailto:"))
        .map(|_| &url[7..])?;
    let addr = rest.split('?').next()?;
    let addr = percent_encoding::percent_decode_str(addr)
        .decode_utf8()
        .ok()?;
    (addr.contains('@') && !addr.contains(['{', '}'])).then(|| addr.trim().to_ascii_lowercase())
}

/// A `[newsletter]` address setting (`from`, `reply_to`) as a mailbox: one line, and an
/// address in ASCII, since mail is sent without SMTPUTF8.
pub fn sender(key: &'static str, text: &str) -> Result<Mailbox, SettingError> {
    if crate::text::control_char(text).is_some() {
        return Err(SettingError::Control(key));
    }
    let mailbox: Mailbox = text.parse().map_err(|e| SettingError::NotAnAddress {
        key,
        text: text.to_string(),
        reason: format!("{e}"),
    })?;
    if !mailbox.email.to_string().is_ascii() {
        return Err(SettingError::NotAscii {
            key,
            text: text.to_string(),
        });
    }
    Ok(mailbox)
}

/// The unsubscribe template: `mailto:` or `https://`, one line without spaces, and a valid
/// address once `{email}` and `{token}` are filled in (it becomes a link and the
/// `List-Unsubscribe` header of every message).
pub fn check_unsubscribe(template: &str) -> Result<(), SettingError> {
    let lower = template.to_ascii_lowercase();
    if !(lower.starts_with("mailto:") || lower.starts_with("https://")) {
        return Err(SettingError::Scheme(template.to_string()));
    }
    let filled = template
        .replace("{email}", "someone%40example.org")
        .replace("{token}", "0123456789abcdef");
    if !filled.is_ascii()
        || filled.contains(['{', '}', ' ', '<', '>', '"'])
        || crate::text::control_char(&filled).is_some()
        || crate::urls::check_data_url(&filled).is_err()
    {
        return Err(SettingError::Invalid(template.to_string()));
    }
    Ok(())
}

/// An address as it can be sent without SMTPUTF8: a domain with other letters in its ASCII
/// (`xn--`) form. `None` when the part before the `@` has letters outside ASCII.
pub fn ascii_address(email: &str) -> Option<String> {
    if email.is_ascii() {
        return Some(email.to_string());
    }
    let (local, domain) = email.rsplit_once('@')?;
    if !local.is_ascii() {
        return None;
    }
    match url::Host::parse(domain).ok()? {
        url::Host::Domain(d) => Some(format!("{local}@{d}")),
        _ => None,
    }
}

/// An address in the one spelling that tells whether two are one person's: trimmed, the
/// domain in its ASCII form, lower-cased; `a@Exämple.org` and `A@xn--exmple-cua.org` are one.
pub fn canonical(email: &str) -> String {
    let e = email.trim();
    ascii_address(e)
        .unwrap_or_else(|| e.to_string())
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings() {
        assert!(sender("from", "News <news@example.org>").is_ok());
        assert_eq!(
            sender("from", "News <n@exämple.org>"),
            Err(SettingError::NotAscii {
                key: "from",
                text: "News <n@exämple.org>".into()
            })
        );
        assert!(matches!(
            sender("from", "a\r\nBcc: x@y.org"),
            Err(SettingError::Control("from"))
        ));
        assert!(check_unsubscribe("https://e.org/u?e={email}&t={token}").is_ok());
        assert!(check_unsubscribe("mailto:unsubscribe@e.org").is_ok());
        for bad in [
            "javascript:alert(1)",
            "unsubscribe@e.org",
            "https://e.org/u?e={mail}",
            "https://e.org/u x",
        ] {
            assert!(check_unsubscribe(bad).is_err(), "{bad}");
        }
    }
}
