//! One run of the inbox, step by step: the messages read and classified, the new requests
//! put in the order they were written and indexed by what can match a row, one streaming
//! pass over the list, the confirmations, the journal.

use super::apply::{self, Hit};
use super::classify::Request;
use super::listedit::{self, Edit, NewRow, RowView};
use super::{
    CONFIRM_QUIET_SECS, CONFIRMATIONS_PER_RUN, ConfirmError, Handled, InboxError, Incoming,
    MAX_NEW_PER_RUN, Outcome, Report, Settings, entries_of, first_outcome, journal, known_tokens,
    read_message, test_pause,
};
use crate::email::message::{recipient_hash, token};
use crate::rights::ForgottenSet;
use crate::subscribers::{Status, ascii_address};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

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
    // one run at a time changes the list (the send reads it, `forget` rewrites it too)
    let _lock = if dry_run {
        None
    } else {
        Some(lock(root, list)?)
    };
    let past = journal::read(root).map_err(io("read", journal::path(root)))?;
    let (mut all, more_waiting) = read_all(messages, settings, &past);
    let order = order(&all, now);
    let secret = settings
        .secret
        .as_ref()
        .map(secrecy::ExposeSecret::expose_secret);
    let index = Index::new(&all, &order, list, secret);
    let pass = Pass {
        all: &all,
        order: &order,
        rank: order.iter().enumerate().map(|(r, &i)| (i, r)).collect(),
        index: &index,
        secret,
        now,
        forgotten: crate::rights::forgotten_set(root).ok().flatten(),
    };
    let (outcomes, stats) = pass.rewrite(list, past.soft_days.clone(), dry_run)?;
    for (i, o) in outcomes {
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
    let mut confirmations = Confirmations {
        root,
        past: &past,
        key: secret.unwrap_or_default(),
        now,
        dry_run,
        sent_now: HashMap::new(),
    };
    for &i in &order {
        confirmations.send(&mut all[i], &mut confirm)?;
    }
    if !dry_run {
        let entries: Vec<journal::Entry> = all
            .iter()
            .filter(|h| !h.outcomes.iter().any(|o| matches!(o, Outcome::Earlier)) && h.done())
            .flat_map(|h| entries_of(h, now))
            .collect();
        journal::append(root, &entries).map_err(io("write", journal::path(root)))?;
    }
    Ok(Report {
        messages: all,
        list: stats,
        more_waiting,
    })
}

fn io(action: &'static str, path: PathBuf) -> impl FnOnce(std::io::Error) -> InboxError {
    move |source| InboxError::Journal {
        action,
        path,
        source,
    }
}

fn lock(root: &Path, list: &Path) -> Result<crate::listfile::Locks, InboxError> {
    crate::listfile::lock(root, list).map_err(|e| match e {
        crate::listfile::LockError::Busy(p) => InboxError::Busy(p),
        crate::listfile::LockError::Io(p, source) => InboxError::Journal {
            action: "lock",
            path: p,
            source,
        },
    })
}

/// Every message read and classified, one held at a time (its bytes dropped once read);
/// whether more were left waiting than one run takes.
fn read_all(
    messages: impl IntoIterator<Item = Incoming>,
    settings: &Settings,
    past: &journal::Past,
) -> (Vec<Handled>, bool) {
    let mut seen = HashSet::new();
    let mut all: Vec<Handled> = Vec::new();
    let mut new = 0usize;
    for m in messages {
        if new == MAX_NEW_PER_RUN {
            return (all, true);
        }
        let parsed = read_message(&m, &settings.addresses);
        let outcomes = if past.handled.contains(&parsed.id) || !seen.insert(parsed.id.clone()) {
            vec![Outcome::Earlier]
        } else {
            new += 1;
            first_outcome(&parsed.request, settings.secret.is_some())
        };
        all.push(Handled {
            origin: m.origin,
            uid: m.uid,
            parsed,
            outcomes,
        });
    }
    (all, false)
}

/// The new requests in the order they were written.
fn order(all: &[Handled], now: i64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..all.len())
        .filter(|&i| all[i].outcomes.is_empty())
        .collect();
    order.sort_by_key(|&i| (apply::when(&all[i].parsed, now), i));
    order
}

/// Where each request may match a row, and how surely.
#[derive(Default)]
struct Index {
    by_email: HashMap<String, Vec<Hit>>,
    by_hash: HashMap<String, Vec<Hit>>,
    by_token: HashMap<String, Vec<Hit>>,
    by_confirm: HashMap<String, Vec<Hit>>,
}

fn add(map: &mut HashMap<String, Vec<Hit>>, key: &str, index: usize, strong: bool) {
    map.entry(key.to_string())
        .or_default()
        .push(Hit { index, strong });
}

impl Index {
    fn new(all: &[Handled], order: &[usize], list: &Path, secret: Option<&str>) -> Index {
        let known = match secret {
            Some(key) => known_tokens(list, key, all, order),
            None => HashSet::new(),
        };
        let mut x = Index::default();
        for &i in order {
            match &all[i].parsed.request {
                Request::Unsubscribe { tokens, from } => {
                    // a token of a row says whose request it is, and the sender then does
                    // not matter; 32 hex digits that are no row's token are not a reason to
                    // ignore the sender's own request
                    let ours: Vec<&String> = tokens.iter().filter(|t| known.contains(*t)).collect();
                    if !ours.is_empty() {
                        for t in ours {
                            add(&mut x.by_token, t, i, true);
                        }
                    } else if let Some(f) = from {
                        add(&mut x.by_email, f, i, true);
                    }
                }
                Request::Bounce { failures, hashes } => {
                    // our hash is keyed with the secret: only our own mail carries it
                    for h in hashes {
                        add(&mut x.by_hash, h, i, secret.is_some());
                    }
                    // a report naming one address is believed only as far as counting it;
                    // one naming many is not ours (each message we send has one recipient)
                    if let [f] = failures.as_slice()
                        && let Some(r) = &f.recipient
                    {
                        add(&mut x.by_email, r, i, false);
                    }
                }
                Request::Subscribe { email, .. } => add(&mut x.by_email, email, i, true),
                Request::Confirm { token, .. } => add(&mut x.by_confirm, token, i, true),
                Request::AutoReply | Request::Notice(_) | Request::Other(_) => {}
            }
        }
        x
    }

    /// The requests that concern the row of `email` (lower-cased, as campaigns send to it).
    fn hits(
        &self,
        email: &str,
        all: &[Handled],
        secret: Option<&str>,
        weeks: RangeInclusive<i64>,
    ) -> Vec<Hit> {
        let mut hits: Vec<Hit> = Vec::new();
        if let Some(v) = self.by_email.get(email) {
            hits.extend(v);
        }
        if !self.by_hash.is_empty()
            && let Some(v) = self.by_hash.get(&recipient_hash(secret, email))
        {
            hits.extend(v);
        }
        let Some(key) = secret else {
            return hits;
        };
        if !self.by_token.is_empty()
            && let Some(v) = self.by_token.get(&token(key, email))
        {
            hits.extend(v);
        }
        if !self.by_confirm.is_empty() {
            let sender_is = |h: &&Hit| all[h.index].parsed.from.as_deref() == Some(email);
            for w in weeks {
                if let Some(v) = self.by_confirm.get(&apply::confirm_token(key, email, w)) {
                    // a confirmation counts from the address confirmed only
                    hits.extend(v.iter().filter(sender_is));
                }
            }
        }
        hits
    }
}

/// What the pass over the list reads.
struct Pass<'a> {
    all: &'a [Handled],
    order: &'a [usize],
    rank: HashMap<usize, usize>,
    index: &'a Index,
    secret: Option<&'a str>,
    now: i64,
    forgotten: Option<ForgottenSet>,
}

type Outcomes = BTreeMap<usize, Vec<Outcome>>;

impl Pass<'_> {
    /// The one pass over the list: each row's requests applied, new rows added after;
    /// what each message did, and the list's counts.
    fn rewrite(
        &self,
        list: &Path,
        mut soft_days: BTreeMap<String, BTreeSet<i64>>,
        dry_run: bool,
    ) -> Result<(Outcomes, listedit::Stats), InboxError> {
        // both the pass over the rows and the rows added after it record what they did
        let outcomes: RefCell<Outcomes> = RefCell::default();
        let on_list: RefCell<HashSet<String>> = RefCell::default();
        let decide = |row: &RowView| self.decide(row, &mut soft_days, &outcomes, &on_list);
        let append = || self.new_rows(&on_list.borrow(), &mut outcomes.borrow_mut());
        let stats = listedit::rewrite(list, decide, append, dry_run)?;
        Ok((outcomes.into_inner(), stats))
    }

    /// The edit of one row, if its requests change it.
    fn decide(
        &self,
        row: &RowView,
        soft_days: &mut BTreeMap<String, BTreeSet<i64>>,
        outcomes: &RefCell<Outcomes>,
        on_list: &RefCell<HashSet<String>>,
    ) -> Option<Edit> {
        // the address as campaigns send to it (an IDN domain in its xn-- form)
        let email = ascii_address(row.email)
            .unwrap_or_else(|| row.email.to_string())
            .to_ascii_lowercase();
        let weeks = apply::week(self.now) - apply::CONFIRM_WEEKS..=apply::week(self.now);
        let mut hits = self.index.hits(&email, self.all, self.secret, weeks);
        if hits.is_empty() {
            return None;
        }
        on_list.borrow_mut().insert(email.clone());
        // one hit per message, the surest
        hits.sort_by_key(|h| (self.rank[&h.index], !h.strong));
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
        let all = self.all;
        let r = apply::fold(&email, initial, &hits, &|i| &all[i].parsed, days, self.now);
        let mut o = outcomes.borrow_mut();
        for (i, out) in r.outcomes {
            o.entry(i).or_default().push(out);
        }
        let (status, i) = r.edit?;
        // the list is half written: the temporary file, not yet renamed
        test_pause("mid-list");
        Some(self.edit(status, i))
    }

    fn edit(&self, status: Status, i: usize) -> Edit {
        let p = &self.all[i].parsed;
        Edit {
            status,
            consent_at: apply::rfc3339(apply::when(p, self.now)),
            source: apply::source_of(p),
        }
    }

    /// The rows of requests to join from addresses not on the list, each once.
    fn new_rows(&self, on_list: &HashSet<String>, outcomes: &mut Outcomes) -> Vec<NewRow> {
        let mut added = HashSet::new();
        let mut rows = Vec::new();
        for &i in self.order {
            let Request::Subscribe { email, name } = &self.all[i].parsed.request else {
                continue;
            };
            if on_list.contains(email) || !added.insert(email.clone()) {
                continue;
            }
            let out = if self
                .forgotten
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
                    edit: self.edit(Status::Pending, i),
                });
                Outcome::ConfirmationSent {
                    email: email.clone(),
                }
            };
            outcomes.entry(i).or_default().push(out);
        }
        rows
    }
}

/// The confirmations of a run, each journaled as soon as it is sent.
struct Confirmations<'a> {
    root: &'a Path,
    past: &'a journal::Past,
    key: &'a str,
    now: i64,
    dry_run: bool,
    /// Addresses confirmed in this run, and when.
    sent_now: HashMap<String, i64>,
}

impl Confirmations<'_> {
    /// Sends the confirmations one message asks for, within the quiet time and the run's
    /// cap; each outcome says what became of it.
    fn send<C>(&mut self, h: &mut Handled, confirm: &mut C) -> Result<(), InboxError>
    where
        C: FnMut(&str, &str, &str) -> Result<(), ConfirmError>,
    {
        let name = match &h.parsed.request {
            Request::Subscribe { name, .. } => name.clone(),
            _ => String::new(),
        };
        for o in h.outcomes.iter_mut() {
            let Outcome::ConfirmationSent { email } = o else {
                continue;
            };
            let email = email.clone();
            if let Some(held) = self.held(&email) {
                *o = held;
                continue;
            }
            if self.dry_run {
                continue;
            }
            let tok = apply::confirm_token(self.key, &email, apply::week(self.now));
            match confirm(&email, &name, &tok) {
                Ok(()) => self.sent(&h.parsed.id, email)?,
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
        Ok(())
    }

    /// Why no confirmation goes to `email` now, if none does.
    fn held(&self, email: &str) -> Option<Outcome> {
        let last = [
            self.past
                .confirmation_sent
                .get(email)
                .map(|&t| i64::try_from(t).unwrap_or(0)),
            self.sent_now.get(email).copied(),
        ]
        .into_iter()
        .flatten()
        .max();
        if last.is_some_and(|t| self.now - t < CONFIRM_QUIET_SECS) {
            return Some(Outcome::Unchanged {
                email: Some(email.to_string()),
                why: "a confirmation went out less than a day ago".into(),
            });
        }
        (self.sent_now.len() >= CONFIRMATIONS_PER_RUN).then(|| Outcome::Failed {
            email: email.to_string(),
            why: format!(
                "more than {CONFIRMATIONS_PER_RUN} requests to join in one run: the rest wait for the next run"
            ),
        })
    }

    fn sent(&mut self, id: &str, email: String) -> Result<(), InboxError> {
        self.sent_now.insert(email.clone(), self.now);
        let sent = journal::Entry {
            id: id.to_string(),
            kind: "confirmation-sent".into(),
            email: Some(email),
            result: "sent".into(),
            note: String::new(),
            day: None,
            soft: false,
            time: u64::try_from(self.now).unwrap_or(0),
        };
        journal::append(self.root, &[sent]).map_err(io("write", journal::path(self.root)))
    }
}
