//! `newsletter inbox`: the mailbox keeps the list. Messages from IMAP or saved files are
//! read ([`source`], [`imap`]), each is classified ([`classify`]), matched to rows and
//! applied ([`apply`]) in one streaming pass over the list ([`listedit`]), confirmations go
//! out ([`confirm`]), and the journal ([`journal`]) records every message handled so that
//! running again changes nothing.
//!
//! The order of the steps is what makes an interruption harmless: the list is replaced
//! atomically first, each confirmation is journaled as soon as it is sent, and a message is
//! journaled only after all it caused is done; a run cut off anywhere repeats at most the
//! steps after the list, which find the list already changed and change it no further.

pub mod apply;
pub mod classify;
pub mod confirm;
pub mod dsn;
pub mod imap;
pub mod journal;
pub mod limits;
pub mod listedit;
mod pass;
pub mod session;
pub mod source;
pub mod tokens;

use crate::email::message::token;
use classify::{Parsed, Request};
use std::collections::HashSet;
use std::path::Path;

/// A message as it came in.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// Where it came from, for the listing: a file, `mbox:N`, `INBOX uid N`.
    pub origin: String,
    pub raw: Vec<u8>,
    /// Its IMAP UID, to mark it once handled.
    pub uid: Option<u32>,
    /// When our side received it (Unix seconds): the server's arrival time, the time an
    /// mbox or Maildir stored it. Never the sender's own `Date:`.
    pub arrived: Option<i64>,
}

/// What the inbox needs to know of the site.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub addresses: classify::Addresses,
    /// `INNOPRESS_UNSUBSCRIBE_SECRET`: the key of every token and recipient hash.
    pub secret: Option<secrecy::SecretString>,
}

pub use apply::Outcome;
pub use pass::run;
pub use session::{Finished, Inbox, Marked, OpenError};

#[derive(Debug, Clone)]
pub struct Handled {
    pub origin: String,
    pub uid: Option<u32>,
    pub parsed: Parsed,
    pub outcomes: Vec<Outcome>,
}

impl Handled {
    /// Whether the message is done with: marked on the server, never fetched again.
    pub fn done(&self) -> bool {
        !self.for_a_person()
            && !self
                .outcomes
                .iter()
                .any(|o| matches!(o, Outcome::Failed { .. } | Outcome::Deferred { .. }))
    }

    /// A message no rule handles (a reader's question): listed once, then left to people.
    pub fn for_a_person(&self) -> bool {
        matches!(self.parsed.request, Request::Other(_))
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub messages: Vec<Handled>,
    pub list: listedit::Stats,
    /// Messages were left unread: one run takes at most [`MAX_NEW_PER_RUN`] new ones.
    pub more_waiting: bool,
}

/// New messages one run handles; the rest wait for the next run, so that a flood of mail
/// cannot make a run hold more than a bounded list of them.
pub const MAX_NEW_PER_RUN: usize = 10_000;

/// Reads one message within the [`limits`]: one over a limit, or one the parser fails on,
/// is left for a person with the reason, and never stops the others.
pub fn read_message(m: &Incoming, addresses: &classify::Addresses) -> Parsed {
    let mut parsed = match limits::check(&m.raw) {
        Err(over) => {
            let mut p = classify::unreadable(&m.raw);
            p.request = Request::Other(format!("skipped: {over}"));
            (p.from, p.subject) = limits::head(&m.raw);
            p
        }
        // a mail parser bug met by a crafted message must not stop the list being kept
        Ok(()) => std::panic::catch_unwind(|| classify::classify(&m.raw, addresses))
            .unwrap_or_else(|_| classify::unreadable(&m.raw)),
    };
    parsed.arrived = m.arrived;
    parsed
}

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error(transparent)]
    List(#[from] listedit::EditError),
    #[error("cannot {action} {}: {source}", path.display())]
    Journal {
        action: &'static str,
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(
        "another innopress run is using the subscriber list (lock held on {}): a change to it, or a campaign sending to it; wait for it to finish and run again",
        .0.display()
    )]
    Busy(std::path::PathBuf),
}

/// A confirmation that could not be sent: for now (the request is tried again next run),
/// or for good (the server refuses the address; the request is closed).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfirmError {
    pub message: String,
    pub permanent: bool,
}

/// How long after a confirmation no other goes to the same address: someone who fills
/// strangers' addresses in cannot make the list mail them over and over.
const CONFIRM_QUIET_SECS: i64 = 24 * 3600;
/// At most this many confirmations in one run, so the list is never a spam cannon.
pub const CONFIRMATIONS_PER_RUN: usize = 50;

/// Which of the tokens the requests to leave carry belong to a row of the list: a first
/// pass, read only, made when some request carries one.
fn known_tokens(list: &Path, key: &str, all: &[Handled], order: &[usize]) -> HashSet<String> {
    let wanted: HashSet<&str> = order
        .iter()
        .filter_map(|&i| match &all[i].parsed.request {
            Request::Unsubscribe { tokens, .. } => Some(tokens.iter().map(String::as_str)),
            _ => None,
        })
        .flatten()
        .collect();
    let mut known = HashSet::new();
    if wanted.is_empty() {
        return known;
    }
    // a list that cannot be read here fails the rewrite after, with its reason
    let Ok(rows) = crate::subscribers::open(list, &[]) else {
        return known;
    };
    for row in rows.flatten() {
        let t = token(key, &row.email.to_ascii_lowercase());
        if wanted.contains(t.as_str()) {
            known.insert(t);
        }
    }
    known
}

/// What becomes of a message before any row is looked at.
fn first_outcome(r: &Request, have_secret: bool) -> Vec<Outcome> {
    match r {
        Request::AutoReply => vec![Outcome::LeftAlone {
            why: "an automatic reply".into(),
        }],
        Request::Notice(why) | Request::Other(why) => vec![Outcome::LeftAlone { why: why.clone() }],
        Request::Subscribe { .. } | Request::Confirm { .. } if !have_secret => {
            vec![Outcome::Deferred {
                why: "joining needs tokens: set INNOPRESS_UNSUBSCRIBE_SECRET (the secret the campaigns use)".into(),
            }]
        }
        _ => Vec::new(),
    }
}

/// Test hook: a debug build stops for a minute at `point` when `INNOPRESS_TEST_INBOX_PAUSE`
/// names it, after saying so on stderr, so that a test can kill it there.
fn test_pause(point: &str) {
    if cfg!(debug_assertions)
        && std::env::var("INNOPRESS_TEST_INBOX_PAUSE").is_ok_and(|p| p == point)
    {
        eprintln!("PAUSED at {point}");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

fn entries_of(h: &Handled, now: i64) -> Vec<journal::Entry> {
    let day = Some(apply::arrival(&h.parsed, now).div_euclid(86_400));
    let time = u64::try_from(now).unwrap_or(0);
    let entry = |email: Option<String>, result: &str, note: String, soft: bool| journal::Entry {
        id: h.parsed.id.clone(),
        kind: apply::kind(&h.parsed.request).into(),
        email,
        result: result.into(),
        note,
        day,
        soft,
        time,
    };
    h.outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Changed { email, to, .. } => {
                Some(entry(Some(email.clone()), to.word(), String::new(), false))
            }
            Outcome::SoftBounce { email, days } => Some(entry(
                Some(email.clone()),
                "none",
                format!("failure counted, day {days} of {}", apply::SOFT_DAYS),
                true,
            )),
            Outcome::ConfirmationSent { email } => {
                Some(entry(Some(email.clone()), "pending", String::new(), false))
            }
            Outcome::Unchanged { email, why } => {
                Some(entry(email.clone(), "none", why.clone(), false))
            }
            Outcome::LeftAlone { why } => Some(entry(None, "none", why.clone(), false)),
            Outcome::Deferred { .. } | Outcome::Earlier | Outcome::Failed { .. } => None,
        })
        .collect()
}
