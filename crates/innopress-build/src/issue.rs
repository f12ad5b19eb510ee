//! The front door of `newsletter send` and `newsletter check`: an issue [`Issue::prepare`]d
//! from the site, [`Issue::preflight`]ed, made into an [`Outbox`] with the site's SMTP
//! settings, and sent to one address or to the list. The campaign keeps the issue's
//! record once the server has accepted the login, before the first message.

use crate::pipeline::{self, BuildError, PreparedIssue};
use innopress_core::diagnostics::Diagnostics;
use innopress_mail::campaign::{self, CampaignError};
use innopress_mail::send::{self, Campaign, SendError};
use innopress_mail::{journal, preflight};
use std::path::{Path, PathBuf};

/// An issue rendered from the site, ready to be checked and sent.
pub struct Issue {
    root: PathBuf,
    number: u32,
    prepared: PreparedIssue,
}

/// An issue with its campaign settings: the SMTP server, the sender, the rate.
pub struct Outbox {
    root: PathBuf,
    number: u32,
    campaign: Campaign,
    /// The record to keep when the campaign starts (none when the issue has one).
    unsent: Option<(String, String)>,
}

impl Issue {
    /// Loads and checks the site and renders issue `number` (drafts excluded).
    pub fn prepare(root: &Path, number: u32) -> Result<Issue, BuildError> {
        Ok(Issue {
            root: root.to_path_buf(),
            number,
            prepared: pipeline::prepare_issue(root, number)?,
        })
    }

    /// The checks before a campaign: links and pictures fetched (not when `offline`), size,
    /// unsubscribe link, postal address, unfilled figures.
    pub fn preflight(&self, offline: bool) -> Diagnostics {
        let opts = preflight::Options {
            offline,
            ..preflight::Options::default()
        };
        preflight::run(&self.prepared.issue, &self.prepared.preflight, opts)
    }

    /// The size of the HTML part, in bytes (without a reader's name or link).
    pub fn html_bytes(&self) -> usize {
        self.prepared.issue.html.fill("", "").len()
    }

    /// The campaign settings from `site.toml` and the environment; `per_minute` overrides
    /// the rate.
    pub fn outbox(self, per_minute: Option<u32>) -> Result<Outbox, CampaignError> {
        let p = self.prepared;
        let campaign = campaign::from_site(&self.root, &p.config, &p.base, p.issue, per_minute)?;
        Ok(Outbox {
            root: self.root,
            number: self.number,
            campaign,
            unsent: p.unsent,
        })
    }
}

impl Outbox {
    /// One test message to `to`, marked [TEST] and not journaled; the server's reply.
    pub fn send_test(self, to: &str) -> Result<String, SendError> {
        send::test(self.campaign, to)
    }

    /// The campaign to the list. `recorded` is told where the issue's record was written,
    /// once the server has accepted the login.
    pub fn send(
        self,
        opts: &send::Options,
        recorded: impl FnOnce(&Path),
    ) -> Result<send::Report, SendError> {
        let root = self.root;
        let unsent = self.unsent;
        let start = move || {
            if let Some(unsent) = &unsent {
                let path = crate::freeze::record_sent(&root, unsent)?;
                recorded(&path);
            }
            Ok(())
        };
        send::run_with_start(self.campaign, opts, start)
    }

    /// The campaign's journal: who was sent what.
    pub fn journal(&self) -> PathBuf {
        journal::path(&self.root, self.number)
    }
}
