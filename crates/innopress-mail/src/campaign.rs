//! A campaign set up from the site and the environment: the SMTP server and login, DKIM,
//! the unsubscribe secret. Secrets come only from environment variables.

use super::send::Campaign;
use super::smtp;
use crate::email::RenderedIssue;
use crate::email::message;
use crate::email::preview::settings;
use innopress_content::content::model::SiteConfig;
use innopress_core::urls::BaseUrl;
use secrecy::{ExposeSecret, SecretString};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    #[error("no SMTP server: set [smtp] url in content/site.toml or INNOPRESS_SMTP_URL")]
    NoServer,
    #[error("[newsletter] dkim_domain is set: give the key file's path in INNOPRESS_DKIM_KEY")]
    NoDkimKey,
    #[error("cannot read the DKIM key {path}: {source}")]
    ReadDkimKey {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the unsubscribe link uses {{token}}: set INNOPRESS_UNSUBSCRIBE_SECRET so links cannot be forged"
    )]
    NoUnsubscribeSecret,
    #[error(
        "content/site.toml:{line}: `username = \"{username}\"` in [smtp] logs in to the relay, but INNOPRESS_SMTP_PASSWORD is not set: set it to the relay's password, or delete line {line} for a relay that takes mail without a login (a relay on this machine usually does)"
    )]
    LoginWithoutPassword { line: usize, username: String },
    #[error(transparent)]
    Smtp(#[from] smtp::SmtpError),
    #[error(transparent)]
    Email(#[from] message::EmailError),
}

/// The SMTP server and login of the site: `[smtp]`, `INNOPRESS_SMTP_URL` and
/// `INNOPRESS_SMTP_PASSWORD`.
pub fn smtp_target(root: &Path, config: &SiteConfig) -> Result<smtp::Target, CampaignError> {
    let smtp_cfg = config.smtp.as_ref();
    let url = std::env::var("INNOPRESS_SMTP_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(|| smtp_cfg.and_then(|s| s.url.clone()))
        .ok_or(CampaignError::NoServer)?;
    let password = std::env::var("INNOPRESS_SMTP_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .map(SecretString::from);
    let username = smtp_cfg.and_then(|s| s.username.as_ref());
    if let Some(user) = username
        && password.is_none()
    {
        // the starter's example login is the usual cause: say which line to change
        let text = std::fs::read_to_string(root.join("content/site.toml")).unwrap_or_default();
        let (line, _, _, _) = innopress_core::diagnostics::locate(&text, user.span());
        return Err(CampaignError::LoginWithoutPassword {
            line,
            username: innopress_core::text::printable(user.get_ref()),
        });
    }
    let ca = smtp::read_ca(root, smtp_cfg.and_then(|s| s.ca_file.as_deref()))?;
    Ok(smtp::parse_url(
        &url,
        username.map(|u| u.get_ref().clone()),
        password,
        ca,
    )?)
}

/// The campaign of `issue` with the settings of `config` and the environment.
pub fn from_site(
    root: &Path,
    config: &SiteConfig,
    base: &BaseUrl,
    issue: RenderedIssue,
    per_minute: Option<u32>,
) -> Result<Campaign, CampaignError> {
    let smtp_cfg = config.smtp.clone();
    let target = smtp_target(root, config)?;
    let nl = config.newsletter.clone();
    let dkim = match nl
        .as_ref()
        .and_then(|n| n.dkim_domain.clone().zip(n.dkim_selector.clone()))
    {
        None => None,
        Some((domain, selector)) => {
            let path = std::env::var("INNOPRESS_DKIM_KEY").map_err(|_| CampaignError::NoDkimKey)?;
            let pem: SecretString = std::fs::read_to_string(&path)
                .map_err(|source| CampaignError::ReadDkimKey {
                    path: path.clone(),
                    source,
                })?
                .into();
            Some(message::dkim_config(
                &domain,
                &selector,
                pem.expose_secret(),
            )?)
        }
    };
    let secret = std::env::var("INNOPRESS_UNSUBSCRIBE_SECRET")
        .ok()
        .filter(|s| !s.is_empty())
        .map(SecretString::from);
    if nl
        .as_ref()
        .and_then(|n| n.unsubscribe.as_ref())
        .is_some_and(|u| u.get_ref().contains("{token}"))
        && secret.is_none()
    {
        return Err(CampaignError::NoUnsubscribeSecret);
    }
    let settings = settings(config, base, secret, dkim)?;
    Ok(Campaign {
        root: root.to_path_buf(),
        issue,
        settings,
        target,
        per_minute: per_minute.or(smtp_cfg.and_then(|s| s.per_minute)),
    })
}
