//! The newsletter's settings in `content/site.toml`: `[newsletter]` (sender, unsubscribe
//! link, postal address, greeting, DKIM) and `[smtp]` (the relay). Secrets are never here:
//! they come from the environment.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewsletterConfig {
    pub from: Spanned<String>,
    #[serde(default)]
    pub reply_to: Option<Spanned<String>>,
    #[serde(default)]
    pub unsubscribe: Option<Spanned<String>>,
    #[serde(default)]
    pub dkim_domain: Option<String>,
    #[serde(default)]
    pub dkim_selector: Option<String>,
    /// The postal address in every message's footer; a campaign needs it.
    #[serde(default)]
    pub address: Option<Spanned<String>>,
    /// `false`, or words such as `"Hello {name},"`; else the `[email]` words of `strings.toml`.
    #[serde(default)]
    pub greeting: Option<Spanned<GreetingSetting>>,
    /// How to join: `mailto:join@example.org?subject=subscribe`, offered on the site.
    #[serde(default)]
    pub subscribe: Option<Spanned<String>>,
    /// Where bounces go: each recipient's messages carry `LOCAL+HASH@DOMAIN` of it as the
    /// return path (VERP), so `newsletter inbox` knows whose address failed.
    #[serde(default)]
    pub return_path: Option<Spanned<String>>,
    /// How often and how issues come, as the sign-up box says it; [`DEFAULT_FREQUENCY`]
    /// when not set.
    #[serde(default)]
    pub frequency: Option<String>,
}

/// The sign-up box's words when `frequency` is not set.
pub const DEFAULT_FREQUENCY: &str = "A few times a year, by email, in English.";

/// `[inbox]`: the mailbox `newsletter inbox` reads. The password comes from
/// `INNOPRESS_IMAP_PASSWORD`, never from here.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboxConfig {
    /// `imaps://user@mail.example.org/INBOX`.
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    /// A certificate authority to trust besides the public ones (a self-signed server).
    #[serde(default)]
    pub ca_file: Option<String>,
}

/// `greeting = false`, or the greeting's words.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum GreetingSetting {
    On(bool),
    Words(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    #[serde(default)]
    pub url: Option<String>,
    /// Spanned, so that a login without a password can name its line.
    #[serde(default)]
    pub username: Option<toml::Spanned<String>>,
    #[serde(default)]
    pub per_minute: Option<u32>,
    #[serde(default)]
    pub ca_file: Option<String>,
}

impl GreetingSetting {
    /// What is wrong with a greeting's words, if anything: they must be one line, with no
    /// placeholder but `{name}`.
    pub fn problem(w: &str) -> Option<String> {
        if w.trim().is_empty() {
            return Some("greeting is empty".into());
        }
        if w.chars().any(char::is_control) || w.chars().count() > 120 {
            return Some("greeting must be one line of up to 120 characters".into());
        }
        let mut rest = w;
        while let Some(i) = rest.find('{') {
            let after = &rest[i..];
            if !after.starts_with("{name}") {
                let shown: String = after.chars().take(12).collect();
                return Some(format!(
                    "greeting has `{shown}`: the only placeholder is {{name}}"
                ));
            }
            rest = &after["{name}".len()..];
        }
        None
    }
}
