//! Sending a campaign: streams the subscriber list, skips whoever the journal says has the
//! issue, and sends over several SMTP connections within the rate limit. Each recipient is
//! journaled *attempting* before its transaction and *sent* after it. Temporary failures are
//! retried with backoff; a failure after the message data went out is *uncertain* and never
//! retried automatically, so nobody gets the issue twice.

use super::journal::{self, Entry, Journal, State};
use super::report::Progress;
pub use super::report::Report;
use super::smtp::{self, ConnectError, Outcome, Target, transact};
use super::subscribers::{self, mask, redact};
use crate::email::RenderedIssue;
use crate::email::message::{self, EmailError, Kind, MailSettings, Recipient};
use lettre::address::Envelope;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Mutex;

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

/// This run's failures (masked address, reason) and uncertain recipients (masked).
type Results = (Vec<(String, String)>, Vec<String>);

struct Shared {
    campaign: Campaign,
    journal: Journal,
    rate: Mutex<Instant>,
    interval: Option<Duration>,
    stop: AtomicBool,
    fatal: std::sync::Mutex<Option<String>>,
    sent: AtomicU64,
    results: std::sync::Mutex<Results>,
    retry_delay: Duration,
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
    Smtp(String),
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
    let forgotten = super::rights::forgotten_set(&campaign.root)
        .map_err(|e| SendError::InvalidRows(e.to_string()))?;
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
    let retry_delay = Duration::from_millis(
        std::env::var("INNOPRESS_RETRY_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2_000),
    );
    let interval = campaign
        .per_minute
        .filter(|n| *n > 0)
        .map(|n| Duration::from_secs_f64(60.0 / f64::from(n)));
    let shared = Arc::new(Shared {
        campaign,
        journal,
        rate: Mutex::new(Instant::now()),
        interval,
        stop: AtomicBool::new(false),
        fatal: std::sync::Mutex::new(None),
        sent: AtomicU64::new(0),
        results: std::sync::Mutex::new((Vec::new(), Vec::new())),
        retry_delay,
    });

    // connect once before anything is journaled: a wrong password stops here
    let first = rt
        .block_on(smtp::connect(&shared.campaign.target))
        .map_err(SendError::Connect)?;
    start().map_err(SendError::Start)?;

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
        &scan,
        &forgotten,
        &states,
        opts,
        &mut report,
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
                &shared,
                format!("a sending connection stopped unexpectedly: {e}"),
            );
        }
    }
    progress.finish();
    plan_result?;
    // a list rewritten (or renamed over) after it was read is caught at the end: the rows
    // it has now may not all have been mailed
    super::listguard::unchanged(&opts.list, &scan.notes).map_err(SendError::ListChanged)?;
    report.elapsed = started.elapsed();
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
            report.render(&journal_path, false)
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

async fn worker(
    shared: Arc<Shared>,
    rx: Arc<Mutex<tokio::sync::mpsc::Receiver<Recipient>>>,
    mut conn: Option<AsyncSmtpConnection>,
    progress: Arc<Progress>,
) {
    use futures_util::FutureExt;
    loop {
        if shared.stop.load(Ordering::Relaxed) {
            break;
        }
        let next = rx.lock().await.recv().await;
        let Some(rcpt) = next else { break };
        // a panic while one recipient is handled becomes that recipient's recorded
        // failure; the connection carries on with the next one
        let mut stage = Stage::Before;
        let run = std::panic::AssertUnwindSafe(deliver(&shared, &rcpt, &mut conn, &mut stage))
            .catch_unwind()
            .await;
        match run {
            Ok(Flow::Next) => progress.tick(),
            Ok(Flow::Stop) => return,
            Err(panic) => {
                conn = None;
                let what = panic_message(panic.as_ref());
                if stage == Stage::Transaction {
                    uncertain(&shared, &rcpt);
                } else {
                    let reason = format!(
                        "innopress failed on this recipient ({what}); nothing was sent to them; please report this"
                    );
                    finish(&shared, &rcpt, State::FailedPermanent, reason).await;
                }
                progress.tick();
            }
        }
    }
    if let Some(mut c) = conn {
        let _ = tokio::time::timeout(Duration::from_secs(5), c.quit()).await;
    }
}

/// How far one recipient's transaction went, so that a panic can be recorded truthfully.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Before,
    /// In the SMTP transaction: the message data may have gone out.
    Transaction,
}

/// Whether the connection goes on to the next recipient or the run stops.
enum Flow {
    Next,
    Stop,
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an internal error".into())
}

/// Test hook: a debug build panics while building the message for the address in
/// `INNOPRESS_TEST_PANIC_FOR`, so the tests can show that a panic is recorded, not lost.
fn test_panic(email: &str) {
    if cfg!(debug_assertions)
        && std::env::var("INNOPRESS_TEST_PANIC_FOR").is_ok_and(|a| a.eq_ignore_ascii_case(email))
    {
        panic!("test panic for this recipient");
    }
}

/// One recipient, with retries: journaled *attempting*, then *sent*, failed or uncertain.
async fn deliver(
    shared: &Shared,
    rcpt: &Recipient,
    conn: &mut Option<AsyncSmtpConnection>,
    stage: &mut Stage,
) -> Flow {
    let mut journaled = false;
    let mut attempt = 0;
    loop {
        attempt += 1;
        if conn.as_ref().is_none_or(|c| c.has_broken()) {
            *conn = None;
            match smtp::connect(&shared.campaign.target).await {
                Ok(c) => *conn = Some(c),
                Err(ConnectError::Fatal(m)) => {
                    halt(shared, m);
                    return Flow::Stop;
                }
                Err(ConnectError::Temporary(m)) => {
                    if attempt >= ATTEMPTS {
                        finish(shared, rcpt, State::FailedTemporary, m).await;
                        return Flow::Next;
                    }
                    tokio::time::sleep(shared.retry_delay * 2u32.pow(attempt - 1)).await;
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        pace(shared).await;
        test_panic(&rcpt.email);
        let built = message::build(
            &shared.campaign.issue,
            &shared.campaign.settings,
            rcpt,
            Kind::Campaign,
            SystemTime::now(),
        );
        let msg = match built {
            Ok(m) => m,
            Err(e) => {
                finish(shared, rcpt, State::FailedPermanent, e.to_string()).await;
                return Flow::Next;
            }
        };
        if !journaled {
            let entry = Entry {
                email: rcpt.email.clone(),
                state: State::Attempting,
                reply: None,
                message_id: msg.headers().get_raw("Message-ID").map(str::to_string),
                time: journal::now(),
            };
            if !record(shared, entry).await {
                return Flow::Stop;
            }
            journaled = true;
        }
        // the message's own envelope: the sender and this one recipient
        let envelope = msg.envelope().clone();
        let body = msg.formatted();
        *stage = Stage::Transaction;
        let outcome = transact(c, &envelope, &body, shared.campaign.target.timeout).await;
        *stage = Stage::Before;
        match outcome {
            Outcome::Sent(reply) => {
                let entry = Entry {
                    email: rcpt.email.clone(),
                    state: State::Sent,
                    reply: Some(reply),
                    message_id: None,
                    time: journal::now(),
                };
                if !record(shared, entry).await {
                    return Flow::Stop;
                }
                shared.sent.fetch_add(1, Ordering::Relaxed);
                return Flow::Next;
            }
            Outcome::Permanent(reply) => {
                finish(shared, rcpt, State::FailedPermanent, reply).await;
                return Flow::Next;
            }
            Outcome::Temporary(reply, broken) => {
                if broken {
                    *conn = None;
                }
                if attempt >= ATTEMPTS {
                    finish(shared, rcpt, State::FailedTemporary, reply).await;
                    return Flow::Next;
                }
                tokio::time::sleep(shared.retry_delay * 2u32.pow(attempt - 1)).await;
            }
            Outcome::Uncertain(_) => {
                // the attempting entry stays: the next run reports it, never re-sends it
                *conn = None;
                uncertain(shared, rcpt);
                return Flow::Next;
            }
        }
    }
}

fn uncertain(shared: &Shared, rcpt: &Recipient) {
    shared
        .results
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .1
        .push(mask(&rcpt.email));
}

/// Journals an entry; if the journal cannot be written, stops the run (sending on without
/// a record could mail someone twice) and returns false.
async fn record(shared: &Shared, entry: Entry) -> bool {
    match shared.journal.append(entry).await {
        Ok(()) => true,
        Err(e) => {
            halt(shared, e.to_string());
            false
        }
    }
}

/// Stops every connection after its current message, keeping the first reason.
fn halt(shared: &Shared, reason: String) {
    shared.stop.store(true, Ordering::Relaxed);
    shared
        .fatal
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get_or_insert(reason);
}

/// Records a failure for this run's report and in the journal, so that every recipient
/// handed to a connection ends there as sent, failed or (attempting) uncertain.
async fn finish(shared: &Shared, rcpt: &Recipient, state: State, reason: String) {
    let entry = Entry {
        email: rcpt.email.clone(),
        state,
        reply: Some(reason.clone()),
        message_id: None,
        time: journal::now(),
    };
    record(shared, entry).await;
    shared
        .results
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .0
        .push((mask(&rcpt.email), redact(&reason, &rcpt.email)));
}

/// Waits for the next slot of the rate limit shared by all connections.
async fn pace(shared: &Shared) {
    let Some(interval) = shared.interval else {
        return;
    };
    let wait_until = {
        let mut next = shared.rate.lock().await;
        let now = Instant::now();
        let slot = (*next).max(now);
        *next = slot + interval;
        slot
    };
    tokio::time::sleep_until(wait_until.into()).await;
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
            .map_err(|e| SendError::Smtp(e.to_string()))?;
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
            .map_err(|e| SendError::Smtp(e.to_string()))?;
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
