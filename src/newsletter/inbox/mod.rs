//! `newsletter inbox`: the mailbox keeps the list. Messages from IMAP or saved files are
//! read ([`source`], [`imap`]), each is classified ([`classify`]), the list is changed in
//! one streaming pass ([`listedit`]), confirmations go out, and the journal
//! ([`journal`]) records every message handled so that running again changes nothing.
//!
//! The order of the steps is what makes an interruption harmless: the list is replaced
//! atomically first, confirmations are sent next, and a message is journaled only after
//! all it caused is done; a run cut off anywhere repeats at most the steps after the list,
//! which find the list already changed and change it no further.

pub mod classify;
pub mod confirm;
mod dsn;
pub mod imap;
pub mod journal;
pub mod listedit;
pub mod source;

use crate::newsletter::subscribers::Status;
use crate::render::email::message::{recipient_hash, token};
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
    /// Its IMAP UID, to flag it once handled.
    pub uid: Option<u32>,
}

/// What the inbox needs to know of the site.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub addresses: classify::Addresses,
    /// `INNOPRESS_UNSUBSCRIBE_SECRET`: the key of every token.
    pub secret: Option<String>,
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A row's status changed.
    Changed {
        email: String,
        from: Status,
        to: Status,
    },
    /// A temporary failure, counted: on how many different days so far.
    SoftBounce { email: String, days: usize },
    /// A request to join: the row is pending and a confirmation went out (or would).
    ConfirmationSent { email: String },
    /// Nothing to change, and why.
    Unchanged { email: Option<String>, why: String },
    /// Not a request the inbox handles (an automatic reply, a question): left for a person.
    LeftAlone { why: String },
    /// Handled by an earlier run.
    Earlier,
    /// Could not be finished (a confirmation that could not be sent); tried again next run.
    Failed { email: String, why: String },
}

#[derive(Debug, Clone)]
pub struct Handled {
    pub origin: String,
    pub uid: Option<u32>,
    pub parsed: Parsed,
    pub outcomes: Vec<Outcome>,
}

impl Handled {
    /// Whether the message is done with: marked on the server, never fetched again. A
    /// message for a person is left unmarked, and so is one whose confirmation failed.
    pub fn done(&self) -> bool {
        !matches!(self.parsed.request, Request::Other(_))
            && !self
                .outcomes
                .iter()
                .any(|o| matches!(o, Outcome::Failed { .. }))
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub messages: Vec<Handled>,
    pub list: listedit::Stats,
}

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error(transparent)]
    List(#[from] listedit::EditError),
    #[error("cannot {action} the inbox journal {}: {source}", path.display())]
    Journal {
        action: &'static str,
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{0} message(s) ask to join or confirm, which needs tokens: set INNOPRESS_UNSUBSCRIBE_SECRET (the same secret the campaigns use)"
    )]
    NoSecret(usize),
}

/// A failure to send one confirmation; the message asking is tried again next run.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfirmError(pub String);

/// How long after a confirmation no other goes to the same address: someone who fills
/// strangers' addresses in cannot make the list mail them over and over.
const CONFIRM_QUIET_SECS: i64 = 24 * 3600;

/// Handles `messages` against the list at `list`. `confirm(email, name, token)` sends a
/// confirmation; `now` is the time used where a message has no date.
pub fn run<C>(
    root: &Path,
    list: &Path,
    messages: Vec<Incoming>,
    settings: &Settings,
    dry_run: bool,
    now: i64,
    mut confirm: C,
) -> Result<Report, InboxError>
where
    C: FnMut(&str, &str, &str) -> Result<(), ConfirmError>,
{
    let journal_err = |action| {
        move |source| InboxError::Journal {
            action,
            path: journal::path(root),
            source,
        }
    };
    let past = journal::read(root).map_err(journal_err("read"))?;
    let mut seen = HashSet::new();
    let mut all: Vec<Handled> = messages
        .into_iter()
        .map(|m| {
            let parsed = classify::classify(&m.raw, &settings.addresses);
            let outcomes = if past.handled.contains(&parsed.id) || !seen.insert(parsed.id.clone()) {
                vec![Outcome::Earlier]
            } else {
                match &parsed.request {
                    Request::AutoReply => vec![Outcome::LeftAlone {
                        why: "an automatic reply".into(),
                    }],
                    Request::Other(why) => vec![Outcome::LeftAlone { why: why.clone() }],
                    _ => Vec::new(),
                }
            };
            Handled {
                origin: m.origin,
                uid: m.uid,
                parsed,
                outcomes,
            }
        })
        .collect();
    // the new requests in the order they were written
    let mut order: Vec<usize> = (0..all.len())
        .filter(|&i| all[i].outcomes.is_empty())
        .collect();
    order.sort_by_key(|&i| (all[i].parsed.date.unwrap_or(now), i));
    let needs_secret = order
        .iter()
        .filter(|&&i| {
            matches!(
                all[i].parsed.request,
                Request::Subscribe { .. } | Request::Confirm { .. }
            )
        })
        .count();
    if needs_secret > 0 && settings.secret.is_none() {
        return Err(InboxError::NoSecret(needs_secret));
    }
    let rank: HashMap<usize, usize> = order.iter().enumerate().map(|(r, &i)| (i, r)).collect();

    // where each request may match a row
    let mut by_email: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_hash: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_token: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_confirm: HashMap<String, Vec<usize>> = HashMap::new();
    for &i in &order {
        match &all[i].parsed.request {
            Request::Unsubscribe { token, from } => {
                if let Some(t) = token {
                    by_token.entry(t.clone()).or_default().push(i);
                }
                if let Some(f) = from {
                    by_email.entry(f.clone()).or_default().push(i);
                }
            }
            Request::Bounce { failures, hashes } => {
                for f in failures {
                    if let Some(r) = &f.recipient {
                        by_email.entry(r.clone()).or_default().push(i);
                    }
                }
                for h in hashes {
                    by_hash.entry(h.clone()).or_default().push(i);
                }
            }
            Request::Subscribe { email, .. } => by_email.entry(email.clone()).or_default().push(i),
            Request::Confirm { token } => by_confirm.entry(token.clone()).or_default().push(i),
            Request::AutoReply | Request::Other(_) => {}
        }
    }

    let mut soft_days = past.soft_days.clone();
    // both the pass over the rows and the rows added after it record what they did
    let outcomes: RefCell<BTreeMap<usize, Vec<Outcome>>> = RefCell::default();
    let on_list: RefCell<HashSet<String>> = RefCell::default();
    let secret = settings.secret.clone().unwrap_or_default();
    let stats = {
        let decide = |row: &listedit::RowView| -> Option<Edit> {
            let email = row.email.to_ascii_lowercase();
            let mut hits: Vec<usize> = Vec::new();
            let mut token_hits: Vec<usize> = Vec::new();
            if let Some(v) = by_email.get(&email) {
                hits.extend(v);
            }
            if !by_hash.is_empty()
                && let Some(v) = by_hash.get(&recipient_hash(&email))
            {
                hits.extend(v);
            }
            if !by_token.is_empty()
                && let Some(v) = by_token.get(&token(&secret, &email))
            {
                token_hits.extend(v);
            }
            if !by_confirm.is_empty()
                && let Some(v) = by_confirm.get(&confirm_token(&secret, &email))
            {
                hits.extend(v);
            }
            if hits.is_empty() && token_hits.is_empty() {
                return None;
            }
            on_list.borrow_mut().insert(email.clone());
            hits.extend(&token_hits);
            hits.sort_by_key(|i| rank[i]);
            hits.dedup();
            let Some(initial) = row.status else {
                for i in hits {
                    outcomes
                        .borrow_mut()
                        .entry(i)
                        .or_default()
                        .push(Outcome::Unchanged {
                            email: Some(email.clone()),
                            why: format!("line {} has a status innopress does not know", row.line),
                        });
                }
                return None;
            };
            let mut state = initial;
            let mut last: Option<usize> = None;
            for i in hits {
                let p = &all[i].parsed;
                let out = step(p, &email, &mut state, &mut soft_days, now);
                if let Some(Outcome::Changed { .. } | Outcome::ConfirmationSent { .. }) = &out {
                    last = Some(i);
                }
                outcomes.borrow_mut().entry(i).or_default().extend(out);
            }
            let i = last?;
            if state != initial {
                // the list is half written: the temporary file, not yet renamed
                test_pause("mid-list");
            }
            (state != initial).then(|| {
                let p = &all[i].parsed;
                Edit {
                    status: state,
                    consent_at: rfc3339(p.date.unwrap_or(now)),
                    source: source_of(p),
                }
            })
        };
        let append =
            || {
                let mut added = HashSet::new();
                let mut rows = Vec::new();
                for &i in &order {
                    if let Request::Subscribe { email, name } = &all[i].parsed.request
                        && !on_list.borrow().contains(email)
                        && added.insert(email.clone())
                    {
                        let p = &all[i].parsed;
                        rows.push(NewRow {
                            email: email.clone(),
                            name: name.clone(),
                            edit: Edit {
                                status: Status::Pending,
                                consent_at: rfc3339(p.date.unwrap_or(now)),
                                source: source_of(p),
                            },
                        });
                        outcomes.borrow_mut().entry(i).or_default().push(
                            Outcome::ConfirmationSent {
                                email: email.clone(),
                            },
                        );
                    }
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
    // confirmations, then the journal
    let mut entries = Vec::new();
    let mut sent_now: HashMap<String, i64> = HashMap::new();
    let clock = u64::try_from(now).unwrap_or(0);
    for &i in &order {
        let h = &mut all[i];
        let mut ok = true;
        for o in h.outcomes.iter_mut() {
            let Outcome::ConfirmationSent { email } = o else {
                continue;
            };
            let email = email.clone();
            let last = past
                .confirmation_sent
                .get(&email)
                .map(|&t| i64::try_from(t).unwrap_or(0))
                .or(sent_now.get(&email).copied());
            if last.is_some_and(|t| now - t < CONFIRM_QUIET_SECS) {
                *o = Outcome::Unchanged {
                    email: Some(email),
                    why: "pending; a confirmation went out less than a day ago".into(),
                };
                continue;
            }
            if dry_run {
                continue;
            }
            let name = match &h.parsed.request {
                Request::Subscribe { name, .. } => name.clone(),
                _ => String::new(),
            };
            match confirm(&email, &name, &confirm_token(&secret, &email)) {
                Ok(()) => {
                    sent_now.insert(email.clone(), now);
                    entries.push(journal::Entry {
                        id: h.parsed.id.clone(),
                        kind: "confirmation-sent".into(),
                        email: Some(email),
                        result: "sent".into(),
                        note: String::new(),
                        day: None,
                        soft: false,
                        time: clock,
                    });
                }
                Err(e) => {
                    ok = false;
                    *o = Outcome::Failed { email, why: e.0 };
                }
            }
        }
        if ok && !dry_run {
            entries.extend(entries_of(h, clock));
        }
    }
    // automatic replies are journaled too, so they are listed once
    if !dry_run {
        for h in all
            .iter()
            .filter(|h| matches!(h.parsed.request, Request::AutoReply))
        {
            if h.outcomes
                .first()
                .is_some_and(|o| !matches!(o, Outcome::Earlier))
            {
                entries.extend(entries_of(h, clock));
            }
        }
        journal::append(root, &entries).map_err(journal_err("write"))?;
    }
    Ok(Report {
        messages: all,
        list: stats,
    })
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

/// One request applied to a row in state `state`; what it did.
fn step(
    p: &Parsed,
    email: &str,
    state: &mut Status,
    soft_days: &mut BTreeMap<String, std::collections::BTreeSet<i64>>,
    now: i64,
) -> Option<Outcome> {
    let unchanged = |why: &str| {
        Some(Outcome::Unchanged {
            email: Some(email.to_string()),
            why: why.to_string(),
        })
    };
    let change = |state: &mut Status, to: Status| {
        let from = std::mem::replace(state, to);
        Some(Outcome::Changed {
            email: email.to_string(),
            from,
            to,
        })
    };
    match &p.request {
        Request::Unsubscribe { .. } => match *state {
            Status::Unsubscribed => unchanged("already unsubscribed"),
            _ => change(state, Status::Unsubscribed),
        },
        Request::Bounce { failures, .. } => {
            let f = failures
                .iter()
                .find(|f| f.recipient.as_deref() == Some(email))
                .or(failures.first())?;
            if !matches!(*state, Status::Subscribed | Status::Pending) {
                return unchanged("not subscribed");
            }
            if f.permanent {
                return change(state, Status::Bounced);
            }
            let days = soft_days.entry(email.to_string()).or_default();
            days.insert(p.date.unwrap_or(now).div_euclid(86_400));
            if days.len() >= 3 {
                change(state, Status::Bounced)
            } else {
                Some(Outcome::SoftBounce {
                    email: email.to_string(),
                    days: days.len(),
                })
            }
        }
        Request::Subscribe { .. } => match *state {
            Status::Subscribed => unchanged("already subscribed"),
            Status::Pending => Some(Outcome::ConfirmationSent {
                email: email.to_string(),
            }),
            _ => {
                *state = Status::Pending;
                Some(Outcome::ConfirmationSent {
                    email: email.to_string(),
                })
            }
        },
        Request::Confirm { .. } => match *state {
            Status::Pending => change(state, Status::Subscribed),
            Status::Subscribed => unchanged("already subscribed"),
            _ => unchanged("not waiting for a confirmation (left or bounced since)"),
        },
        Request::AutoReply | Request::Other(_) => None,
    }
}

/// The token of a confirmation to `email`: not the unsubscribe token, so one cannot stand
/// for the other.
pub fn confirm_token(secret: &str, email: &str) -> String {
    token(secret, &format!("confirm:{}", email.to_lowercase()))
}

/// The `source` cell: what happened, by which message.
fn source_of(p: &Parsed) -> String {
    let what = match &p.request {
        Request::Unsubscribe { .. } => "unsubscribe",
        Request::Bounce { .. } => "bounce",
        Request::Subscribe { .. } => "subscribe",
        Request::Confirm { .. } => "confirm",
        Request::AutoReply | Request::Other(_) => "mail",
    };
    format!("{what} by mail <{}>", p.id)
}

fn entries_of(h: &Handled, time: u64) -> Vec<journal::Entry> {
    let kind = match &h.parsed.request {
        Request::Unsubscribe { .. } => "unsubscribe",
        Request::Bounce { .. } => "bounce",
        Request::Subscribe { .. } => "subscribe",
        Request::Confirm { .. } => "confirm",
        Request::AutoReply => "auto-reply",
        Request::Other(_) => "other",
    };
    let day = h.parsed.date.map(|d| d.div_euclid(86_400));
    let entry = |email: Option<String>, result: &str, note: String, soft: bool| journal::Entry {
        id: h.parsed.id.clone(),
        kind: kind.into(),
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
                format!("temporary failure, day {days} of 3"),
                true,
            )),
            Outcome::ConfirmationSent { email } => {
                Some(entry(Some(email.clone()), "pending", String::new(), false))
            }
            Outcome::Unchanged { email, why } => {
                Some(entry(email.clone(), "none", why.clone(), false))
            }
            Outcome::LeftAlone { why } => Some(entry(None, "none", why.clone(), false)),
            Outcome::Earlier | Outcome::Failed { .. } => None,
        })
        .collect()
}

/// Unix seconds as `2026-11-30T08:00:00Z`.
pub fn rfc3339(t: i64) -> String {
    let day = t.div_euclid(86_400);
    let s = t.rem_euclid(86_400);
    let date = crate::date::Date::from_days_since_epoch(day)
        .map_or_else(|| "1970-01-01".to_string(), |d| d.to_string());
    format!("{date}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}
