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
pub mod source;
pub mod tokens;

use crate::email::message::{recipient_hash, token};
use crate::subscribers::{Status, ascii_address};
use apply::Hit;
use classify::{Parsed, Request};
use listedit::{Edit, NewRow};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
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
    pub secret: Option<String>,
}

pub use apply::Outcome;

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

/// Handles `messages` against the list at `list`. `confirm(email, name, token)` sends a
/// confirmation; `now` is the time of the run.
pub fn run<C>(
    root: &Path,
    list: &Path,
    messages: impl IntoIterator<Item = Incoming>,
    settings: &Settings,
    dry_run: bool,
    now: i64,
    mut confirm: C,
) -> Result<Report, InboxError>
where
    C: FnMut(&str, &str, &str) -> Result<(), ConfirmError>,
{
    let io = |action: &'static str, path: std::path::PathBuf| {
        move |source| InboxError::Journal {
            action,
            path,
            source,
        }
    };
    // one run at a time changes the list (the send reads it, `forget` rewrites it too)
    let _lock = if dry_run {
        None
    } else {
        Some(crate::listfile::lock(root, list).map_err(|e| match e {
            crate::listfile::LockError::Busy(p) => InboxError::Busy(p),
            crate::listfile::LockError::Io(p, source) => InboxError::Journal {
                action: "lock",
                path: p,
                source,
            },
        })?)
    };
    let past = journal::read(root).map_err(io("read", journal::path(root)))?;
    let forgotten = crate::rights::forgotten_set(root).ok().flatten();
    let secret = settings.secret.clone();
    let mut seen = HashSet::new();
    // one message is held at a time: each is read, classified and its bytes dropped
    let mut all: Vec<Handled> = Vec::new();
    let (mut new, mut more_waiting) = (0usize, false);
    for m in messages {
        if new == MAX_NEW_PER_RUN {
            more_waiting = true;
            break;
        }
        let parsed = read_message(&m, &settings.addresses);
        let outcomes = if past.handled.contains(&parsed.id) || !seen.insert(parsed.id.clone()) {
            vec![Outcome::Earlier]
        } else {
            new += 1;
            first_outcome(&parsed.request, secret.is_some())
        };
        all.push(Handled {
            origin: m.origin,
            uid: m.uid,
            parsed,
            outcomes,
        });
    }
    // the new requests in the order they were written
    let mut order: Vec<usize> = (0..all.len())
        .filter(|&i| all[i].outcomes.is_empty())
        .collect();
    order.sort_by_key(|&i| (apply::when(&all[i].parsed, now), i));
    let rank: HashMap<usize, usize> = order.iter().enumerate().map(|(r, &i)| (i, r)).collect();

    // where each request may match a row, and how surely
    let mut by_email: HashMap<String, Vec<Hit>> = HashMap::new();
    let mut by_hash: HashMap<String, Vec<Hit>> = HashMap::new();
    let mut by_token: HashMap<String, Vec<Hit>> = HashMap::new();
    let mut by_confirm: HashMap<String, Vec<Hit>> = HashMap::new();
    let add = |map: &mut HashMap<String, Vec<Hit>>, key: &str, index, strong| {
        map.entry(key.to_string())
            .or_default()
            .push(Hit { index, strong });
    };
    let known = match &secret {
        Some(key) => known_tokens(list, key, &all, &order),
        None => HashSet::new(),
    };
    for &i in &order {
        match &all[i].parsed.request {
            Request::Unsubscribe { tokens, from } => {
                // a token of a row says whose request it is, and the sender then does not
                // matter; 32 hex digits that are no row's token are not a reason to ignore
                // the sender's own request
                let ours: Vec<&String> = tokens.iter().filter(|t| known.contains(*t)).collect();
                if !ours.is_empty() {
                    for t in ours {
                        add(&mut by_token, t, i, true);
                    }
                } else if let Some(f) = from {
                    add(&mut by_email, f, i, true);
                }
            }
            Request::Bounce { failures, hashes } => {
                // our hash is keyed with the secret: only our own mail carries it
                for h in hashes {
                    add(&mut by_hash, h, i, secret.is_some());
                }
                // a report naming one address is believed only as far as counting it; one
                // naming many is not ours (each message we send has one recipient)
                if let [f] = failures.as_slice()
                    && let Some(r) = &f.recipient
                {
                    add(&mut by_email, r, i, false);
                }
            }
            Request::Subscribe { email, .. } => add(&mut by_email, email, i, true),
            Request::Confirm { token, .. } => add(&mut by_confirm, token, i, true),
            Request::AutoReply | Request::Notice(_) | Request::Other(_) => {}
        }
    }

    let mut soft_days = past.soft_days.clone();
    // both the pass over the rows and the rows added after it record what they did
    let outcomes: RefCell<BTreeMap<usize, Vec<Outcome>>> = RefCell::default();
    let on_list: RefCell<HashSet<String>> = RefCell::default();
    let key = secret.clone().unwrap_or_default();
    let weeks = apply::week(now) - apply::CONFIRM_WEEKS..=apply::week(now);
    let stats = {
        let decide = |row: &listedit::RowView| -> Option<Edit> {
            // the address as campaigns send to it (an IDN domain in its xn-- form)
            let email = ascii_address(row.email)
                .unwrap_or_else(|| row.email.to_string())
                .to_ascii_lowercase();
            let mut hits: Vec<Hit> = Vec::new();
            let sender_is = |h: &Hit| all[h.index].parsed.from.as_deref() == Some(email.as_str());
            if let Some(v) = by_email.get(&email) {
                hits.extend(v);
            }
            if !by_hash.is_empty()
                && let Some(v) = by_hash.get(&recipient_hash(secret.as_deref(), &email))
            {
                hits.extend(v);
            }
            if secret.is_some() {
                if !by_token.is_empty()
                    && let Some(v) = by_token.get(&token(&key, &email))
                {
                    hits.extend(v);
                }
                if !by_confirm.is_empty() {
                    for w in weeks.clone() {
                        if let Some(v) = by_confirm.get(&apply::confirm_token(&key, &email, w)) {
                            // a confirmation counts from the address confirmed only
                            hits.extend(v.iter().filter(|h| sender_is(h)));
                        }
                    }
                }
            }
            if hits.is_empty() {
                return None;
            }
            on_list.borrow_mut().insert(email.clone());
            // one hit per message, the surest
            hits.sort_by_key(|h| (rank[&h.index], !h.strong));
            hits.dedup_by_key(|h| h.index);
            let Some(initial) = row.status else {
                for h in hits {
                    outcomes.borrow_mut().entry(h.index).or_default().push(Outcome::Deferred {
                        why: format!(
                            "line {} of the list has a status innopress does not know; fix it and run again",
                            row.line
                        ),
                    });
                }
                return None;
            };
            let days = soft_days.entry(email.clone()).or_default();
            let r = apply::fold(&email, initial, &hits, &|i| &all[i].parsed, days, now);
            let mut o = outcomes.borrow_mut();
            for (i, out) in r.outcomes {
                o.entry(i).or_default().push(out);
            }
            let (status, i) = r.edit?;
            // the list is half written: the temporary file, not yet renamed
            test_pause("mid-list");
            let p = &all[i].parsed;
            Some(Edit {
                status,
                consent_at: apply::rfc3339(apply::when(p, now)),
                source: apply::source_of(p),
            })
        };
        let append = || {
            let mut added = HashSet::new();
            let mut rows = Vec::new();
            for &i in &order {
                let p = &all[i].parsed;
                let Request::Subscribe { email, name } = &p.request else {
                    continue;
                };
                if on_list.borrow().contains(email) || !added.insert(email.clone()) {
                    continue;
                }
                let out = if forgotten
                    .as_ref()
                    .is_some_and(|(set, salt)| crate::rights::is_in(set, salt, email))
                {
                    Outcome::Deferred {
                        why: "this address was forgotten on request (subscriber forget): a person must decide whether it may join again".into(),
                    }
                } else {
                    rows.push(NewRow {
                        email: email.clone(),
                        name: name.clone(),
                        edit: Edit {
                            status: Status::Pending,
                            consent_at: apply::rfc3339(apply::when(p, now)),
                            source: apply::source_of(p),
                        },
                    });
                    Outcome::ConfirmationSent {
                        email: email.clone(),
                    }
                };
                outcomes.borrow_mut().entry(i).or_default().push(out);
            }
            rows
        };
        listedit::rewrite(list, decide, append, dry_run)?
    };
    for (i, o) in outcomes.into_inner() {
        all[i].outcomes = o;
    }
    for &i in &order {
        if all[i].outcomes.is_empty() {
            all[i].outcomes.push(Outcome::Unchanged {
                email: None,
                why: "matches no subscriber on the list".into(),
            });
        }
    }
    if !dry_run {
        test_pause("list-written");
    }

    // confirmations, each journaled as soon as it is sent; then the messages
    let journal_path = journal::path(root);
    let clock = u64::try_from(now).unwrap_or(0);
    let mut sent_now: HashMap<String, i64> = HashMap::new();
    let mut entries = Vec::new();
    for &i in &order {
        let h = &mut all[i];
        let name = match &h.parsed.request {
            Request::Subscribe { name, .. } => name.clone(),
            _ => String::new(),
        };
        for o in h.outcomes.iter_mut() {
            let Outcome::ConfirmationSent { email } = o else {
                continue;
            };
            let email = email.clone();
            let last = [
                past.confirmation_sent
                    .get(&email)
                    .map(|&t| i64::try_from(t).unwrap_or(0)),
                sent_now.get(&email).copied(),
            ]
            .into_iter()
            .flatten()
            .max();
            if last.is_some_and(|t| now - t < CONFIRM_QUIET_SECS) {
                *o = Outcome::Unchanged {
                    email: Some(email),
                    why: "a confirmation went out less than a day ago".into(),
                };
                continue;
            }
            if sent_now.len() >= CONFIRMATIONS_PER_RUN {
                *o = Outcome::Failed {
                    email,
                    why: format!(
                        "more than {CONFIRMATIONS_PER_RUN} requests to join in one run: the rest wait for the next run"
                    ),
                };
                continue;
            }
            if dry_run {
                continue;
            }
            let tok = apply::confirm_token(&key, &email, apply::week(now));
            match confirm(&email, &name, &tok) {
                Ok(()) => {
                    sent_now.insert(email.clone(), now);
                    let sent = journal::Entry {
                        id: h.parsed.id.clone(),
                        kind: "confirmation-sent".into(),
                        email: Some(email),
                        result: "sent".into(),
                        note: String::new(),
                        day: None,
                        soft: false,
                        time: clock,
                    };
                    journal::append(root, &[sent]).map_err(io("write", journal_path.clone()))?;
                }
                Err(e) if e.permanent => {
                    *o = Outcome::Unchanged {
                        email: Some(email),
                        why: format!("the confirmation was refused for good: {}", e.message),
                    };
                }
                Err(e) => {
                    *o = Outcome::Failed {
                        email,
                        why: e.message,
                    }
                }
            }
        }
    }
    if !dry_run {
        for h in &all {
            let new = !h.outcomes.iter().any(|o| matches!(o, Outcome::Earlier));
            if new && h.done() {
                entries.extend(entries_of(h, now));
            }
        }
        journal::append(root, &entries).map_err(io("write", journal_path))?;
    }
    Ok(Report {
        messages: all,
        list: stats,
        more_waiting,
    })
}

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
