//! The sending side of a campaign: each connection takes the next recipient, waits for
//! the rate limit, journals *attempting*, runs the transaction and journals what came of
//! it; temporary failures are retried with backoff, a panic on one recipient becomes its
//! recorded failure.

use super::{ATTEMPTS, Campaign};
use crate::email::message::{self, Kind, Recipient};
use crate::journal::{self, Entry, Journal, State};
use crate::report::Progress;
use crate::smtp::{self, ConnectError, Outcome, transact};
use crate::subscribers::{mask, redact};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Mutex;

/// This run's failures (masked address, reason) and uncertain recipients (masked).
type Results = (Vec<(String, String)>, Vec<String>);

pub(super) struct Shared {
    pub(super) campaign: Campaign,
    pub(super) journal: Journal,
    pub(super) rate: Mutex<Instant>,
    pub(super) interval: Option<Duration>,
    pub(super) stop: AtomicBool,
    pub(super) fatal: std::sync::Mutex<Option<String>>,
    pub(super) sent: AtomicU64,
    pub(super) results: std::sync::Mutex<Results>,
    pub(super) retry_delay: Duration,
}

impl Shared {
    pub(super) fn new(campaign: Campaign, journal: Journal) -> Arc<Shared> {
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
        Arc::new(Shared {
            campaign,
            journal,
            rate: Mutex::new(Instant::now()),
            interval,
            stop: AtomicBool::new(false),
            fatal: std::sync::Mutex::new(None),
            sent: AtomicU64::new(0),
            results: std::sync::Mutex::new((Vec::new(), Vec::new())),
            retry_delay,
        })
    }
}

pub(super) async fn worker(
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
            let id = msg.headers().get_raw("Message-ID").map(str::to_string);
            if !record(shared, entry(rcpt, State::Attempting, None, id)).await {
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
        if let Some(flow) = settle(shared, rcpt, conn, outcome, attempt).await {
            return flow;
        }
    }
}

/// A journal line about `rcpt`.
fn entry(
    rcpt: &Recipient,
    state: State,
    reply: Option<String>,
    message_id: Option<String>,
) -> Entry {
    Entry {
        email: rcpt.email.clone(),
        state,
        reply,
        message_id,
        time: journal::now(),
    }
}

/// What one transaction's outcome makes of the recipient; `None` to try again after the
/// backoff.
async fn settle(
    shared: &Shared,
    rcpt: &Recipient,
    conn: &mut Option<AsyncSmtpConnection>,
    outcome: Outcome,
    attempt: u32,
) -> Option<Flow> {
    match outcome {
        Outcome::Sent(reply) => {
            if !record(shared, entry(rcpt, State::Sent, Some(reply), None)).await {
                return Some(Flow::Stop);
            }
            shared.sent.fetch_add(1, Ordering::Relaxed);
            Some(Flow::Next)
        }
        Outcome::Permanent(reply) => {
            finish(shared, rcpt, State::FailedPermanent, reply).await;
            Some(Flow::Next)
        }
        Outcome::Temporary(reply, broken) => {
            if broken {
                *conn = None;
            }
            if attempt >= ATTEMPTS {
                finish(shared, rcpt, State::FailedTemporary, reply).await;
                return Some(Flow::Next);
            }
            tokio::time::sleep(shared.retry_delay * 2u32.pow(attempt - 1)).await;
            None
        }
        Outcome::Uncertain(_) => {
            // the attempting entry stays: the next run reports it, never re-sends it
            *conn = None;
            uncertain(shared, rcpt);
            Some(Flow::Next)
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
pub(super) fn halt(shared: &Shared, reason: String) {
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
    record(shared, entry(rcpt, state, Some(reason.clone()), None)).await;
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
