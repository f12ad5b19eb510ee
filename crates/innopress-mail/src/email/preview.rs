//! What the email renderer needs beyond the issue: the sender settings from `site.toml`,
//! and the preview files of `output/newsletter/N/` that every build writes.

use super::message::{self, EmailError, MailSettings};
use super::{RenderedIssue, render_issue};
use innopress_content::content::model::SiteConfig;
use innopress_core::addresses::{check_unsubscribe, sender};
use innopress_core::urls::BaseUrl;
use innopress_render::model::{Model, OutputFile, RenderError};
use rayon::prelude::*;

/// Sender settings from `site.toml`; `secret` signs unsubscribe tokens, `dkim` signs messages.
pub fn settings(
    cfg: &SiteConfig,
    base: &BaseUrl,
    secret: Option<secrecy::SecretString>,
    dkim: Option<lettre::message::dkim::DkimConfig>,
) -> Result<MailSettings, EmailError> {
    let host = base
        .full
        .split("://")
        .nth(1)
        .and_then(|r| r.split(['/', ':']).next())
        .unwrap_or("localhost")
        .to_string();
    let nl = cfg.newsletter.as_ref();
    let from = match nl {
        Some(n) => sender("from", n.from.get_ref())?,
        // the site's title as the name: built, not parsed, so a comma or `<` in it is fine
        None => lettre::message::Mailbox::new(
            Some(cfg.title.clone()),
            format!("newsletter@{host}")
                .parse()
                .map_err(|source| EmailError::DefaultSender {
                    host: host.clone(),
                    source,
                })?,
        ),
    };
    let reply_to = match nl.and_then(|n| n.reply_to.as_ref()) {
        Some(r) => Some(sender("reply_to", r.get_ref())?),
        None => None,
    };
    let unsubscribe = nl.and_then(|n| n.unsubscribe.as_ref()).map(|u| u.get_ref());
    if let Some(u) = unsubscribe {
        check_unsubscribe(u)?;
    }
    let phrase: String = cfg
        .title
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ' || *c == '-')
        .collect();
    let return_path = match nl.and_then(|n| n.return_path.as_ref()) {
        Some(r) => Some(innopress_core::addresses::return_path(r.get_ref())?),
        None => None,
    };
    Ok(MailSettings {
        return_path,
        domain: from.email.domain().to_string(),
        from,
        reply_to,
        list_id: format!(
            "{} <newsletter.{host}>",
            phrase.split_whitespace().collect::<Vec<_>>().join(" ")
        ),
        unsubscribe: unsubscribe.cloned(),
        unsubscribe_secret: secret,
        dkim: dkim.map(std::sync::Arc::new),
    })
}

/// The three preview files of an issue for `output/newsletter/N/`: the HTML and text parts
/// as a subscriber without a name sees them, and the whole message as `.eml`. The `.eml`
/// has a fixed date (the issue's date, 09:00 UTC) and fixed boundaries, so it is reproducible.
pub fn preview_files(
    issue: &RenderedIssue,
    settings: &MailSettings,
) -> Result<Vec<OutputFile>, EmailError> {
    let rcpt = message::Recipient {
        email: "subscriber@example.invalid".into(),
        name: String::new(),
        first_name: String::new(),
    };
    let unsub = message::unsubscribe_url(settings, &rcpt.email).unwrap_or_default();
    let hello = issue.greeting("");
    let n = issue.number;
    let date = std::time::UNIX_EPOCH
        + std::time::Duration::from_secs(
            (issue.date.days_since_epoch().max(0) as u64) * 86_400 + 9 * 3_600,
        );
    let eml = message::build(issue, settings, &rcpt, message::Kind::Preview, date)?.formatted();
    Ok(vec![
        (
            format!("newsletter/{n}/email.html"),
            issue.html.fill(&hello, &unsub).into_bytes(),
        ),
        (
            format!("newsletter/{n}/email.txt"),
            issue.text.fill(&hello, &unsub).into_bytes(),
        ),
        (format!("newsletter/{n}/email.eml"), eml),
    ])
}

/// The preview email files (`newsletter/N/email.*`) of the issues whose number `wanted`
/// accepts, rendered in parallel; every problem is returned, not just the first.
pub fn email_files(
    model: &Model,
    wanted: impl Fn(u32) -> bool + Sync,
) -> (Vec<OutputFile>, Vec<RenderError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let settings = match settings(model.cfg, &model.base, None, None) {
        Ok(s) => s,
        Err(e) => {
            errors.push(RenderError::Template {
                page: "content/site.toml".into(),
                template: "[newsletter]".into(),
                message: e.to_string(),
            });
            return (files, errors);
        }
    };
    let issues: Vec<Result<Vec<OutputFile>, RenderError>> = model
        .newsletters
        .par_iter()
        .filter(|d| d.issue().is_some_and(|i| wanted(*i.number.get_ref())))
        .map(|doc| {
            let issue = render_issue(model, doc)?;
            preview_files(&issue, &settings).map_err(|e| RenderError::Template {
                page: format!("newsletter/{}/email.eml", issue.number),
                template: "email".into(),
                message: e.to_string(),
            })
        })
        .collect();
    for r in issues {
        match r {
            Ok(f) => files.extend(f),
            Err(e) => errors.push(e),
        }
    }
    (files, errors)
}
