//! The confirmation a request to join gets (double opt-in): a short plain-text message to
//! the address that asked, whose reply carries the token back. It is marked
//! `Auto-Submitted: auto-replied` (RFC 3834) so that other robots do not answer it.

use super::ConfirmError;
use crate::campaign::{self, CampaignError};
use crate::email::headers;
use crate::email::message::{EmailError, MailSettings, recipient_hash};
use crate::smtp::{self, Outcome, transact};
use lettre::Message;
use lettre::message::Mailbox;
use std::path::Path;
use std::time::SystemTime;

/// The words of a confirmation: the site's title, where to reply, the postal address.
#[derive(Debug, Clone)]
pub struct Words {
    pub title: String,
    /// The address of the `subscribe` mailto; replies go there.
    pub reply_to: Mailbox,
    pub postal: Option<String>,
}

/// The confirmation to `email` with `token`.
pub fn message(
    s: &MailSettings,
    words: &Words,
    email: &str,
    name: &str,
    token: &str,
    date: SystemTime,
) -> Result<Message, EmailError> {
    let to: lettre::Address = email.parse().map_err(EmailError::Recipient)?;
    let to_box = Mailbox::new(
        (!name.trim().is_empty()).then(|| name.trim().to_string()),
        to.clone(),
    );
    let subject = format!(
        "Confirm your subscription to the {} newsletter [confirm-{token}]",
        words.title
    );
    let mut body = format!(
        "Hello,\n\nsomeone, probably you, asked to receive the {title} newsletter at {email}.\n\nTo confirm, reply to this message; the reply needs no text. Or send a message to\n{reply} with this subject:\n\nconfirm-{token}\n\nIf you did not ask, ignore this message: nothing more will be sent to you.\n",
        title = words.title,
        reply = words.reply_to.email,
    );
    if let Some(p) = &words.postal {
        body.push_str(&format!("\n-- \n{}\n{p}\n", words.title));
    }
    let nanos = date
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    Ok(Message::builder()
        .envelope(lettre::address::Envelope::new(
            Some(s.from.email.clone()),
            vec![to],
        )?)
        .raw_header(headers::mailbox("From", &s.from)?)
        .raw_header(headers::mailbox("To", &to_box)?)
        .raw_header(headers::mailbox("Reply-To", &words.reply_to)?)
        .raw_header(headers::text("Subject", &subject)?)
        .raw_header(headers::structured("Auto-Submitted", "auto-replied")?)
        .date(date)
        .message_id(Some(format!(
            "<confirm.{}.{nanos}@{}>",
            recipient_hash(
                s.unsubscribe_secret
                    .as_ref()
                    .map(secrecy::ExposeSecret::expose_secret),
                email
            ),
            s.domain
        )))
        .singlepart(lettre::message::SinglePart::plain(body))?)
}

/// Sends confirmations over the site's SMTP server, one connection for the run.
pub struct Confirmer {
    rt: tokio::runtime::Runtime,
    target: smtp::Target,
    settings: MailSettings,
    words: Words,
    conn: Option<lettre::transport::smtp::client::AsyncSmtpConnection>,
}

impl Confirmer {
    pub fn new(
        root: &Path,
        config: &innopress_content::content::model::SiteConfig,
        base: &innopress_core::urls::BaseUrl,
        secret: Option<secrecy::SecretString>,
        words: Words,
    ) -> Result<Confirmer, CampaignError> {
        let target = campaign::smtp_target(root, config)?;
        let settings = crate::email::preview::settings(config, base, secret, None)?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| CampaignError::Smtp(smtp::SmtpError::Url(e.to_string())))?;
        Ok(Confirmer {
            rt,
            target,
            settings,
            words,
            conn: None,
        })
    }

    pub fn send(&mut self, email: &str, name: &str, token: &str) -> Result<(), ConfirmError> {
        let msg = message(
            &self.settings,
            &self.words,
            email,
            name,
            token,
            SystemTime::now(),
        )
        .map_err(|e| ConfirmError {
            message: e.to_string(),
            permanent: true,
        })?;
        let target = &self.target;
        let conn = &mut self.conn;
        let for_now = |message: String| ConfirmError {
            message,
            permanent: false,
        };
        self.rt.block_on(async {
            if conn.is_none() {
                *conn = Some(
                    smtp::connect(target)
                        .await
                        .map_err(|e| for_now(e.to_string()))?,
                );
            }
            let Some(c) = conn.as_mut() else {
                return Err(for_now("no SMTP connection".into()));
            };
            let said = |r: &str| {
                format!(
                    "the SMTP server refused the confirmation: {}",
                    crate::subscribers::redact(r, email)
                )
            };
            match transact(c, msg.envelope(), &msg.formatted(), target.timeout).await {
                // the server may have it: sending again could mail the person twice
                Outcome::Sent(_) | Outcome::Uncertain(_) => Ok(()),
                Outcome::Permanent(r) => Err(ConfirmError {
                    message: said(&r),
                    permanent: true,
                }),
                Outcome::Temporary(r, _) => {
                    *conn = None;
                    Err(for_now(said(&r)))
                }
            }
        })
    }

    pub fn finish(mut self) {
        if let Some(mut c) = self.conn.take() {
            let _ = self.rt.block_on(c.quit());
        }
    }
}
