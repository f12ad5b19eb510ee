//! Sending a campaign: streams the subscriber list, skips whoever the journal says has the
//! issue, and sends over several SMTP connections within the rate limit. Each recipient is
//! journaled *attempting* before its transaction and *sent* after it. Temporary failures are
//! retried with backoff; a failure after the message data went out is *uncertain* and never
//! retried automatically, so nobody gets the issue twice.

use super::journal::{self, Journal, State};
use super::report::Progress;
pub use super::report::Report;
use super::smtp::{self, Outcome, Target, transact};
use super::subscribers::{self, mask, redact};
use crate::email::RenderedIssue;
use crate::email::message::{self, EmailError, Kind, MailSettings, Recipient};
use lettre::address::Envelope;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Instant, SystemTime};
use tokio::sync::Mutex;
use worker::{Shared, halt, worker};

mod worker;

/// Attempts per recipient for temporary failures (4xx, dropped connection, timeout).
const ATTEMPTS: u32 = 3;

pub struct Campaign {
    pub root: PathBuf,
    pub issue: RenderedIssue,
    pub settings: MailSettings,
    pub target: Target,
    /// Messages per minute over all connections; `None` for no limit.
    pub per_minute: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub list: PathBuf,
    pub dry_run: bool,
    pub connections: usize,
    pub skip_invalid: bool,
    pub retry_uncertain: bool,
    pub retry_failed: bool,
    pub quiet: bool,
    /// `--where column=value` conditions: only rows that meet all are mailed.
    pub segment: Vec<(String, String)>,
}

/// What stops a campaign or a test send before or while it runs.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error(
        "set [newsletter] unsubscribe in content/site.toml (a mailto: address or an https link): every campaign message must let its reader unsubscribe"
    )]
    NoUnsubscribe,
    /// Rows of the list are invalid and `--skip-invalid` was not given; the message lists them.
    #[error("{0}")]
    InvalidRows(String),
    #[error(transparent)]
    List(#[from] subscribers::ListError),
    /// The record of forgotten addresses cannot be read: nobody is mailed.
    #[error(transparent)]
    Forgotten(#[from] super::rights::RightsError),
    #[error(transparent)]
    Journal(#[from] journal::JournalError),
    #[error(transparent)]
    Email(#[from] EmailError),
    #[error("cannot start the sender: {0}")]
    Runtime(std::io::Error),
    /// The first connection failed: nothing was sent.
    #[error("{0}; nothing was sent")]
    Connect(smtp::ConnectError),
    /// A test send could not reach or use the server.
    #[error("{0}")]
    TestConnect(smtp::ConnectError),
    /// The envelope of a test message could not be made.
    #[error("{0}")]
    Envelope(lettre::error::Error),
    #[error("`{address}` is not an email address: {message}")]
    Address { address: String, message: String },
    #[error("the test message was not accepted: {0}")]
    Refused(String),
    /// What had to happen before the first message failed.
    #[error("{0}; nothing was sent")]
    Start(StartError),
    /// Sending stopped midway; the message ends with the report so far.
    #[error("sending stopped: {0}")]
    Stopped(String),
    #[error(
        "{0}; no row was mailed from what changed. Those sent are in the journal: run the same command again to send to the rest, never twice"
    )]
    ListChanged(super::listguard::Changed),
}

/// Runs a campaign. Errors that stop it before anything is sent (invalid rows, a refused
/// login) come back as `Err`; the report says what happened to every recipient.
pub fn run(campaign: Campaign, opts: &Options) -> Result<Report, SendError> {
    run_with_start(campaign, opts, || Ok(()))
}

/// What `start` reports when it cannot do its part; nothing is sent then.
pub type StartError = Box<dyn std::error::Error + Send + Sync>;

/// [`run`], calling `start` once the server has accepted the login and before the first
/// message (not on a dry run): where `newsletter send` keeps the issue's record, so that a
/// campaign that never reached its server leaves none.
pub fn run_with_start(
    campaign: Campaign,
    opts: &Options,
    start: impl FnOnce() -> Result<(), StartError>,
) -> Result<Report, SendError> {
    let number = campaign.issue.number;
    let journal_path = journal::path(&campaign.root, number);
    if campaign.settings.unsubscribe.is_none() {
        return Err(SendError::NoUnsubscribe);
    }
    let forgotten = super::rights::forgotten_set(&campaign.root)?;
    let scan = super::listscan::scan(&opts.list, &opts.segment, forgotten.clone())?;
    if let Some(msg) = scan.refusal(&opts.list, opts.skip_invalid) {
        return Err(SendError::InvalidRows(msg));
    }
    let states = journal::read_states(&journal_path)?;
    let mut report = Report {
        skipped_invalid: scan.invalid.len() as u64,
        ..Report::default()
    };

    if opts.dry_run {
        let plan = plan(
            &opts.list,
            &scan,
            &forgotten,
            &states,
            opts,
            &mut report,
            |_| Ok(()),
        )?;
        report.would_send = plan;
        return Ok(report);
    }

    let journal = Journal::open(&journal_path)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(SendError::Runtime)?;
    let started = Instant::now();
    let shared = Shared::new(campaign, journal);

    // connect once before anything is journaled: a wrong password stops here
    let first = rt
        .block_on(smtp::connect(&shared.campaign.target))
        .map_err(SendError::Connect)?;
    start().map_err(SendError::Start)?;
    let list = ListPass {
        scan: &scan,
        forgotten: &forgotten,
        states: &states,
        opts,
    };
    list.send(&rt, &shared, first, &mut report)?;
    // a list rewritten (or renamed over) after it was read is caught at the end: the rows
    // it has now may not all have been mailed
    super::listguard::unchanged(&opts.list, &scan.notes).map_err(SendError::ListChanged)?;
    report.elapsed = started.elapsed();
    conclude(report, &shared, &journal_path)
}

/// What the pass over the list needs: the first pass's notes, the forgotten addresses,
/// the journal's states and the options.
struct ListPass<'a> {
    scan: &'a super::listscan::Scan,
    forgotten: &'a Option<super::rights::ForgottenSet>,
    states: &'a HashMap<String, (State, Option<String>)>,
    opts: &'a Options,
}

impl ListPass<'_> {
    /// Reads the list on this thread and hands each recipient to the first free
    /// connection; waits for the connections to finish.
    fn send(
        &self,
        rt: &tokio::runtime::Runtime,
        shared: &Arc<Shared>,
        first: AsyncSmtpConnection,
        report: &mut Report,
    ) -> Result<(), SendError> {
        let (scan, opts) = (self.scan, self.opts);
        let (tx, rx) = tokio::sync::mpsc::channel::<Recipient>(256);
        let rx = Arc::new(Mutex::new(rx));
        let connections = opts.connections.max(1);
        let progress = Progress::new(scan.subscribed, opts.quiet);
        let progress = Arc::new(progress);
        let mut workers = Vec::new();
        let mut first = Some(first);
        for _ in 0..connections {
            let shared = shared.clone();
            let rx = rx.clone();
            let progress = progress.clone();
            let conn = first.take();
            workers.push(rt.spawn(async move { worker(shared, rx, conn, progress).await }));
        }
        // the list is read on this thread and handed to the connections as they are free
        let stop_flag = shared.clone();
        let plan_result = plan(
            &opts.list,
            scan,
            self.forgotten,
            self.states,
            opts,
            report,
            |r| {
                if stop_flag.stop.load(Ordering::Relaxed) {
                    return Err(());
                }
                tx.blocking_send(r).map_err(|_| ())
            },
        );
        drop(tx);
        for w in workers {
            if let Err(e) = rt.block_on(w) {
                halt(
                    shared,
                    format!("a sending connection stopped unexpectedly: {e}"),
                );
            }
        }
        progress.finish();
        plan_result.map(|_| ())
    }
}

/// The report of a run that went through the list: what was sent, failed or is uncertain;
/// an error when the run was stopped.
fn conclude(mut report: Report, shared: &Shared, journal_path: &Path) -> Result<Report, SendError> {
    report.sent = shared.sent.load(Ordering::Relaxed);
    let (failed, uncertain) =
        std::mem::take(&mut *shared.results.lock().unwrap_or_else(|e| e.into_inner()));
    report.failed = failed;
    report.uncertain = uncertain;
    if let Some(fatal) = shared
        .fatal
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
    {
        return Err(SendError::Stopped(format!(
            "{fatal}\n{}",
            report.render(journal_path, false)
        )));
    }
    Ok(report)
}

/// Walks the list and decides for each row; `send` gets the recipients to mail. Returns how
/// many were handed over.
fn plan(
    list: &Path,
    scan: &super::listscan::Scan,
    forgotten: &Option<super::rights::ForgottenSet>,
    states: &HashMap<String, (State, Option<String>)>,
    opts: &Options,
    report: &mut Report,
    mut send: impl FnMut(Recipient) -> Result<(), ()>,
) -> Result<u64, SendError> {
    let mut seen = HashSet::new();
    let mut handed = 0;
    // only bytes the scan checked reach a recipient: a list changed since stops here
    let check = super::listguard::Mode::Check(scan.notes.clone());
    let mut rows = subscribers::open_with(list, &opts.segment, check)?.refusing(forgotten.clone());
    for row in rows.by_ref() {
        let Ok(row) = row else { continue };
        let key = row.email.to_lowercase();
        if !seen.insert(key.clone()) {
            report.skipped_duplicate += 1;
            continue;
        }
        if row.status != subscribers::Status::Subscribed {
            report.skipped_unsubscribed += 1;
            continue;
        }
        if !row.selected {
            report.skipped_outside += 1;
            continue;
        }
        match states.get(&key) {
            Some((State::Sent, _)) => {
                report.skipped_already_sent += 1;
                continue;
            }
            Some((State::Attempting, _)) if !opts.retry_uncertain => {
                report.earlier_uncertain += 1;
                continue;
            }
            Some((State::FailedPermanent | State::FailedTemporary, reply))
                if !opts.retry_failed =>
            {
                report.earlier_failed.push((
                    mask(&row.email),
                    redact(reply.as_deref().unwrap_or_default(), &row.email),
                ));
                continue;
            }
            _ => {}
        }
        handed += 1;
        if send(Recipient {
            email: row.email,
            name: row.name,
            first_name: row.first_name,
        })
        .is_err()
        {
            break;
        }
    }
    match rows.stopped() {
        Some(c) => Err(SendError::ListChanged(c.clone())),
        None => Ok(handed),
    }
}

/// One test message to `to`, marked [TEST] and not journaled.
pub fn test(campaign: Campaign, to: &str) -> Result<String, SendError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(SendError::Runtime)?;
    rt.block_on(async {
        let mut c = smtp::connect(&campaign.target)
            .await
            .map_err(SendError::TestConnect)?;
        let rcpt = Recipient {
            email: to.to_string(),
            name: String::new(),
            first_name: String::new(),
        };
        let msg = message::build(
            &campaign.issue,
            &campaign.settings,
            &rcpt,
            Kind::Test,
            SystemTime::now(),
        )?;
        let addr: lettre::Address =
            to.parse()
                .map_err(|e: lettre::address::AddressError| SendError::Address {
                    address: to.to_string(),
                    message: e.to_string(),
                })?;
        let envelope = Envelope::new(Some(campaign.settings.from.email.clone()), vec![addr])
            .map_err(SendError::Envelope)?;
        let out = transact(&mut c, &envelope, &msg.formatted(), campaign.target.timeout).await;
        let _ = c.quit().await;
        match out {
            Outcome::Sent(reply) => Ok(reply),
            Outcome::Temporary(r, _) | Outcome::Permanent(r) | Outcome::Uncertain(r) => {
                Err(SendError::Refused(r))
            }
        }
    })
}
