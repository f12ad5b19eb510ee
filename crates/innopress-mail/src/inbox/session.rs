//! The front door of `newsletter inbox`: [`Inbox::open`] reads the site's settings, the
//! environment and the mailbox (saved files, or IMAP fetched within the run's caps);
//! [`Inbox::run`] applies the messages to the list, sends the confirmations and marks the
//! handled messages on the server. The command only parses its arguments and prints the
//! [`Finished`] run.

use super::{ConfirmError, InboxError, Incoming, Report, Settings, classify, confirm, imap};
use crate::smtp::{self, SmtpError};
use innopress_content::content::model::SiteConfig;
use innopress_core::addresses::mailto_address;
use innopress_core::diagnostics::Diagnostics;
use secrecy::SecretString;
use std::path::{Path, PathBuf};

/// What one run is asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The site's folder (with `content/site.toml`).
    pub root: PathBuf,
    /// The subscriber list the messages change.
    pub list: PathBuf,
    /// Saved messages (`.eml` files, mbox files, Maildir folders); empty for IMAP.
    pub messages: Vec<PathBuf>,
    /// The IMAP mailbox given on the command line (else `INNOPRESS_IMAP_URL`, else
    /// `[inbox] url`).
    pub imap: Option<String>,
    pub dry_run: bool,
}

/// Why a run could not start: nothing was read or changed.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// `content/site.toml` has problems; they say where.
    #[error("content/site.toml has problems")]
    Config(Diagnostics),
    #[error(
        "no mailbox: give saved messages (FILE.eml, an mbox file, a Maildir folder), --imap imaps://USER@HOST/INBOX, or [inbox] url in content/site.toml"
    )]
    NoMailbox,
    #[error(transparent)]
    Source(#[from] super::source::SourceError),
    #[error("cannot read [inbox] ca_file {}: {source}", path.display())]
    ReadCa {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Smtp(SmtpError),
    #[error(transparent)]
    Imap(#[from] imap::ImapError),
}

/// Where the messages come from.
enum Mailbox {
    Saved(super::source::Messages),
    /// Fetched from the server, which is told afterwards what was handled.
    Server {
        target: imap::Target,
        keywords: bool,
        fetched: Vec<Incoming>,
    },
}

/// A run ready to go: settings read, messages at hand.
pub struct Inbox {
    options: Options,
    config: SiteConfig,
    settings: Settings,
    mailbox: Mailbox,
    /// Messages left out so far, with why.
    skipped: Vec<String>,
}

/// How the handled messages were marked on the server.
#[derive(Debug)]
pub enum Marked {
    /// Saved files, or a dry run: nothing to mark.
    Nothing,
    /// `count` messages marked, with the keyword or (a server without keywords) `\Seen`.
    Done { count: usize, keywords: bool },
    /// The list is kept, but the server was not told: the next run finds the messages
    /// again and changes nothing.
    Failed(imap::ImapError),
}

/// What a run did.
#[derive(Debug)]
pub struct Finished {
    pub report: Report,
    /// Messages and files left out, and messages left waiting, each with why.
    pub skipped: Vec<String>,
    pub marked: Marked,
}

impl Inbox {
    /// Reads the settings and opens the mailbox; IMAP messages are fetched here.
    pub fn open(options: Options) -> Result<Inbox, OpenError> {
        let config =
            innopress_content::content::load_config(&options.root).map_err(OpenError::Config)?;
        let settings = settings(&config);
        let mut skipped = Vec::new();
        let mailbox = if options.messages.is_empty() {
            fetch(&options, &config, &mut skipped)?
        } else {
            Mailbox::Saved(super::source::open(&options.messages)?)
        };
        Ok(Inbox {
            options,
            config,
            settings,
            mailbox,
            skipped,
        })
    }

    /// Applies the messages to the list, sends confirmations over the site's SMTP server
    /// (connected at the first one) and marks what was handled. `now` is the time of the run
    /// in Unix seconds, taken once the messages are at hand (a fetch can take minutes).
    pub fn run(self, now: i64) -> Result<Finished, InboxError> {
        let Inbox {
            options,
            config,
            settings,
            mailbox,
            mut skipped,
        } = self;
        let mut confirmations = Confirmations::new(&options.root, &config, &settings);
        let (mut saved, mut server, mut fetched) = (None, None, Vec::new());
        match mailbox {
            Mailbox::Saved(files) => saved = Some(files),
            Mailbox::Server {
                target,
                keywords,
                fetched: messages,
            } => {
                server = Some((target, keywords));
                fetched = messages;
            }
        }
        let messages: Box<dyn Iterator<Item = Incoming> + '_> = match saved.as_mut() {
            Some(files) => Box::new(files),
            None => Box::new(fetched.into_iter()),
        };
        let result = super::run(
            &options.root,
            &options.list,
            messages,
            &settings,
            options.dry_run,
            now,
            |email, name, token| confirmations.send(email, name, token),
        );
        confirmations.finish();
        if let Some(files) = saved {
            skipped.extend(files.skipped);
        }
        let report = result?;
        if report.more_waiting {
            skipped.push(format!(
                "one run takes at most {} new messages: the rest wait; run again",
                super::MAX_NEW_PER_RUN
            ));
        }
        let marked = match server {
            Some((target, keywords)) if !options.dry_run => mark(&target, keywords, &report),
            _ => Marked::Nothing,
        };
        Ok(Finished {
            report,
            skipped,
            marked,
        })
    }
}

/// The addresses the inbox answers at, and the token key.
fn settings(config: &SiteConfig) -> Settings {
    let nl = config.newsletter.as_ref();
    Settings {
        addresses: classify::Addresses {
            unsubscribe: nl
                .and_then(|n| n.unsubscribe.as_ref())
                .and_then(|u| mailto_address(u.get_ref())),
            subscribe: nl
                .and_then(|n| n.subscribe.as_ref())
                .and_then(|u| mailto_address(u.get_ref())),
            return_path: nl
                .and_then(|n| n.return_path.as_ref())
                .map(|r| r.get_ref().trim().to_ascii_lowercase()),
        },
        secret: std::env::var("INNOPRESS_UNSUBSCRIBE_SECRET")
            .ok()
            .filter(|s| !s.is_empty())
            .map(SecretString::from),
    }
}

/// The IMAP mailbox: its address from the options, the environment or `site.toml`, and
/// the messages not yet handled.
fn fetch(
    options: &Options,
    config: &SiteConfig,
    skipped: &mut Vec<String>,
) -> Result<Mailbox, OpenError> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let url = options
        .imap
        .clone()
        .or_else(|| env("INNOPRESS_IMAP_URL"))
        .or_else(|| {
            config
                .inbox
                .as_ref()
                .and_then(|i| i.url.as_ref())
                .map(|u| u.get_ref().clone())
        })
        .ok_or(OpenError::NoMailbox)?;
    let ca_file = config.inbox.as_ref().and_then(|i| i.ca_file.as_deref());
    let ca = smtp::read_ca(&options.root, ca_file).map_err(|e| match e {
        SmtpError::ReadCa { path, source } => OpenError::ReadCa { path, source },
        other => OpenError::Smtp(other),
    })?;
    let password = env("INNOPRESS_IMAP_PASSWORD").map(SecretString::from);
    let target = imap::parse_url(&url, password, ca)?;
    let f = imap::fetch(&target)?;
    skipped.extend(f.skipped);
    if f.waiting > 0 {
        skipped.push(format!(
            "{} more message(s) wait in the mailbox: one run reads at most {} messages or {} MB; run again",
            f.waiting,
            imap::MAX_PER_RUN,
            imap::MAX_BYTES_PER_RUN >> 20
        ));
    }
    Ok(Mailbox::Server {
        target,
        keywords: f.keywords,
        fetched: f.messages,
    })
}

/// Marks the handled messages, and apart from them the ones left for a person (listed
/// once, never taken as handled).
fn mark(target: &imap::Target, keywords: bool, report: &Report) -> Marked {
    let uids = |keep: &dyn Fn(&super::Handled) -> bool| -> Vec<u32> {
        report
            .messages
            .iter()
            .filter(|h| keep(h))
            .filter_map(|h| h.uid)
            .collect()
    };
    let done = uids(&|h| h.done());
    let for_people = uids(&|h| h.for_a_person());
    let marked = imap::flag(target, &done, keywords, imap::KEYWORD).and_then(|()| {
        if keywords {
            imap::flag(target, &for_people, keywords, imap::KEYWORD_LEFT)
        } else {
            Ok(())
        }
    });
    match marked {
        Ok(()) => Marked::Done {
            count: done.len(),
            keywords,
        },
        Err(e) => Marked::Failed(e),
    }
}

/// The confirmations of a run: the SMTP connection opened at the first one.
struct Confirmations<'a> {
    root: &'a Path,
    config: &'a SiteConfig,
    secret: Option<SecretString>,
    words: Option<confirm::Words>,
    confirmer: Option<confirm::Confirmer>,
}

impl<'a> Confirmations<'a> {
    fn new(root: &'a Path, config: &'a SiteConfig, settings: &Settings) -> Self {
        let nl = config.newsletter.as_ref();
        let words = nl.and_then(|n| n.subscribe.as_ref()).and_then(|s| {
            let addr = mailto_address(s.get_ref())?;
            Some(confirm::Words {
                title: config.title.clone(),
                reply_to: lettre::message::Mailbox::new(
                    Some(config.title.clone()),
                    addr.parse().ok()?,
                ),
                postal: nl
                    .and_then(|n| n.address.as_ref())
                    .map(|a| a.get_ref().clone()),
            })
        });
        Confirmations {
            root,
            config,
            secret: settings.secret.clone(),
            words,
            confirmer: None,
        }
    }

    fn send(&mut self, email: &str, name: &str, token: &str) -> Result<(), ConfirmError> {
        let for_now = |message: String| ConfirmError {
            message,
            permanent: false,
        };
        if self.confirmer.is_none() {
            let words = self.words.clone().ok_or_else(|| {
                for_now("[newsletter] subscribe is not set, so a confirmation has no address to be answered at".into())
            })?;
            let base = innopress_core::urls::BaseUrl::parse(self.config.base_url.get_ref())
                .map_err(|e| for_now(e.to_string()))?;
            let confirmer =
                confirm::Confirmer::new(self.root, self.config, &base, self.secret.clone(), words)
                    .map_err(|e| for_now(e.to_string()))?;
            self.confirmer = Some(confirmer);
        }
        match self.confirmer.as_mut() {
            Some(c) => c.send(email, name, token),
            None => Err(for_now("no SMTP connection".into())),
        }
    }

    fn finish(self) {
        if let Some(c) = self.confirmer {
            c.finish();
        }
    }
}
