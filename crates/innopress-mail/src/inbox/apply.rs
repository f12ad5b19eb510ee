//! What the requests of one run do to one row: a pure fold over the messages that match
//! it, in the order they were written. Which messages may match a row at all (a token, the
//! sender, a keyed hash) is decided before, in [`super::run`].

use super::classify::{Parsed, Request};
use super::dsn::Failure;
use crate::email::message::token;
use crate::subscribers::Status;
use std::collections::BTreeSet;

/// Temporary failures on this many different days make an address bounced…
pub const SOFT_DAYS: usize = 3;
/// …when they fall within this many days.
pub const SOFT_WINDOW_DAYS: i64 = 30;
/// A confirmation's token is good for the week it was sent and the two before this one.
pub const CONFIRM_WEEKS: i64 = 2;

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A row's status changed.
    Changed {
        email: String,
        from: Status,
        to: Status,
    },
    /// A failure counted: on how many different days within the window so far.
    SoftBounce { email: String, days: usize },
    /// A request to join: a confirmation went out (or would).
    ConfirmationSent { email: String },
    /// Nothing to change, and why.
    Unchanged { email: Option<String>, why: String },
    /// Not a request the inbox handles (an automatic reply, a question): left alone.
    LeftAlone { why: String },
    /// Cannot be handled in this run (no secret, a row to fix): left for the next.
    Deferred { why: String },
    /// Handled by an earlier run.
    Earlier,
    /// A confirmation could not be sent for now; the request is tried again next run.
    Failed { email: String, why: String },
}

/// A message that matches the row, and how surely it is about it.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub index: usize,
    /// Matched by something only our own mail carries (a keyed hash); a bounce matched only
    /// by the address a report names is counted, not applied at once.
    pub strong: bool,
}

/// What the matching messages did to the row.
#[derive(Debug, Default)]
pub struct RowResult {
    pub outcomes: Vec<(usize, Outcome)>,
    /// The new status, and the message that set it, when the status changed.
    pub edit: Option<(Status, usize)>,
}

/// Applies `hits` (in order) to a row of `email` in state `initial`; `days` are the days
/// the address has failed temporarily before.
pub fn fold<'a>(
    email: &str,
    initial: Status,
    hits: &[Hit],
    parsed: &dyn Fn(usize) -> &'a Parsed,
    days: &mut BTreeSet<i64>,
    now: i64,
) -> RowResult {
    let mut f = Fold {
        email,
        state: initial,
        waiting: None,
        last: None,
        days,
        now,
    };
    let mut r = RowResult::default();
    for hit in hits {
        if let Some(out) = f.apply(hit, parsed(hit.index)) {
            r.outcomes.push((hit.index, out));
        }
    }
    // a confirmation goes out only for the last request to join, when nothing after it
    // (leaving, a bounce) ended the wish
    for (i, o) in &mut r.outcomes {
        if matches!(o, Outcome::ConfirmationSent { .. }) && f.waiting != Some(*i) {
            *o = f.unchanged("a later message in this run settled it");
        }
    }
    if f.state != initial {
        r.edit = f.last.map(|i| (f.state, i));
    }
    r
}

/// A row's state while its messages are applied in order.
struct Fold<'a, 'd> {
    email: &'a str,
    state: Status,
    /// The request to join still waiting for its confirmation to go out.
    waiting: Option<usize>,
    /// The message that made the last change.
    last: Option<usize>,
    days: &'d mut BTreeSet<i64>,
    now: i64,
}

impl Fold<'_, '_> {
    fn unchanged(&self, why: &str) -> Outcome {
        Outcome::Unchanged {
            email: Some(self.email.to_string()),
            why: why.to_string(),
        }
    }

    fn change(&mut self, hit: &Hit, to: Status) -> Outcome {
        let from = std::mem::replace(&mut self.state, to);
        self.last = Some(hit.index);
        Outcome::Changed {
            email: self.email.to_string(),
            from,
            to,
        }
    }

    /// What one message does to the row; `None` for one that asks nothing of it.
    fn apply(&mut self, hit: &Hit, p: &Parsed) -> Option<Outcome> {
        Some(match &p.request {
            Request::Unsubscribe { .. } => {
                self.waiting = None;
                if self.state == Status::Unsubscribed {
                    self.unchanged("already unsubscribed")
                } else {
                    self.change(hit, Status::Unsubscribed)
                }
            }
            Request::Bounce { failures, .. } => return self.bounce(hit, p, failures),
            Request::Subscribe { .. } => {
                if self.state == Status::Subscribed {
                    self.unchanged("already subscribed")
                } else {
                    // the status stays until the confirmation comes back: a request is
                    // not consent, and may be someone else's
                    self.waiting = Some(hit.index);
                    Outcome::ConfirmationSent {
                        email: self.email.to_string(),
                    }
                }
            }
            Request::Confirm { .. } => {
                self.waiting = None;
                if self.state == Status::Subscribed {
                    self.unchanged("already subscribed")
                } else {
                    self.change(hit, Status::Subscribed)
                }
            }
            Request::AutoReply | Request::Notice(_) | Request::Other(_) => return None,
        })
    }

    /// A delivery failure: at once when permanent and surely ours, else a day counted.
    fn bounce(&mut self, hit: &Hit, p: &Parsed, failures: &[Failure]) -> Option<Outcome> {
        let f = failures
            .iter()
            .find(|f| f.recipient.as_deref() == Some(self.email))
            .or(failures.first())?;
        if !matches!(self.state, Status::Subscribed | Status::Pending) {
            return Some(self.unchanged("not subscribed"));
        }
        if f.permanent && hit.strong {
            self.waiting = None;
            return Some(self.change(hit, Status::Bounced));
        }
        // the day it reached us: a sender can write any Date, and three forged reports in
        // one run must not make three days
        let day = arrival(p, self.now).div_euclid(86_400);
        self.days.insert(day);
        let today = self.now.div_euclid(86_400);
        let recent = self
            .days
            .range(today - SOFT_WINDOW_DAYS + 1..=today + 1)
            .count();
        if recent >= SOFT_DAYS {
            self.waiting = None;
            return Some(self.change(hit, Status::Bounced));
        }
        Some(Outcome::SoftBounce {
            email: self.email.to_string(),
            days: recent,
        })
    }
}

/// When a message happened, for the list and for counting days: its Date, unless that is
/// more than 60 days ago or in the future (a sender's clock, or a forger), then now.
pub fn when(p: &Parsed, now: i64) -> i64 {
    p.date
        .filter(|d| (now - 60 * 86_400..=now + 86_400).contains(d))
        .unwrap_or(now)
}

/// When a message reached us, for counting the days of failures: the arrival time its
/// source recorded, unless that is more than 60 days ago or in the future, then now.
pub fn arrival(p: &Parsed, now: i64) -> i64 {
    p.arrived
        .filter(|d| (now - 60 * 86_400..=now).contains(d))
        .unwrap_or(now)
}

/// The week number a confirmation token is made for.
pub fn week(t: i64) -> i64 {
    t.div_euclid(7 * 86_400)
}

/// The token of a confirmation to `email` sent in `week`: not the unsubscribe token, so
/// one cannot stand for the other, and good only for a few weeks.
pub fn confirm_token(secret: &str, email: &str, week: i64) -> String {
    token(secret, &format!("confirm:{week}:{}", email.to_lowercase()))
}

/// The `source` cell: what happened, by which message.
pub fn source_of(p: &Parsed) -> String {
    format!("{} by mail <{}>", kind(&p.request), p.id)
}

/// The request's kind, as the journal and the list write it.
pub fn kind(r: &Request) -> &'static str {
    match r {
        Request::Unsubscribe { .. } => "unsubscribe",
        Request::Bounce { .. } => "bounce",
        Request::Subscribe { .. } => "subscribe",
        Request::Confirm { .. } => "confirm",
        Request::AutoReply => "auto-reply",
        Request::Notice(_) => "notice",
        Request::Other(_) => "other",
    }
}

/// Unix seconds as `2026-11-30T08:00:00Z`.
pub fn rfc3339(t: i64) -> String {
    jiff::Timestamp::from_second(t)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::dsn::Failure;

    const NOW: i64 = 1_796_000_000;

    fn p(request: Request, days_ago: i64) -> Parsed {
        Parsed {
            id: "x".into(),
            date: Some(NOW - days_ago * 86_400),
            arrived: Some(NOW - days_ago * 86_400),
            from: None,
            subject: String::new(),
            request,
        }
    }

    fn bounce(permanent: bool) -> Request {
        Request::Bounce {
            failures: vec![Failure {
                recipient: Some("a@x.org".into()),
                status: if permanent { "5.1.1" } else { "4.2.2" }.into(),
                permanent,
            }],
            hashes: vec![],
        }
    }

    fn run(initial: Status, msgs: &[(Parsed, bool)], days: &mut BTreeSet<i64>) -> RowResult {
        let hits: Vec<Hit> = (0..msgs.len())
            .map(|index| Hit {
                index,
                strong: msgs[index].1,
            })
            .collect();
        fold("a@x.org", initial, &hits, &|i| &msgs[i].0, days, NOW)
    }

    #[test]
    fn soft_failures_count_on_different_days_within_the_window() {
        let mut days = BTreeSet::new();
        // the same day twice, and one 40 days ago: one day within the window
        let r = run(
            Status::Subscribed,
            &[
                (p(bounce(false), 40), true),
                (p(bounce(false), 1), true),
                (p(bounce(false), 1), true),
            ],
            &mut days,
        );
        assert!(r.edit.is_none());
        assert!(matches!(
            r.outcomes[2].1,
            Outcome::SoftBounce { days: 1, .. }
        ));
        // a permanent failure named only by a report's address counts as a day, too
        let r = run(
            Status::Subscribed,
            &[(p(bounce(true), 2), false), (p(bounce(false), 3), true)],
            &mut days,
        );
        assert_eq!(r.edit.map(|e| e.0), Some(Status::Bounced));
        // with our keyed hash it bounces at once
        let r = run(
            Status::Subscribed,
            &[(p(bounce(true), 0), true)],
            &mut BTreeSet::new(),
        );
        assert_eq!(r.edit.map(|e| e.0), Some(Status::Bounced));
    }

    #[test]
    fn days_are_the_days_reports_arrived_not_the_days_they_claim() {
        // three forged reports in one run, dated three days apart by their sender
        let forged = |claimed: i64| Parsed {
            date: Some(NOW - claimed * 86_400),
            arrived: Some(NOW),
            ..p(bounce(false), 0)
        };
        let mut days = BTreeSet::new();
        let r = run(
            Status::Subscribed,
            &[(forged(2), true), (forged(1), true), (forged(0), true)],
            &mut days,
        );
        assert!(r.edit.is_none(), "{r:?}");
        assert_eq!(days.len(), 1);
        // an arrival time from the future counts as now
        let future = Parsed {
            arrived: Some(NOW + 5 * 86_400),
            ..p(bounce(false), 0)
        };
        assert_eq!(arrival(&future, NOW), NOW);
    }

    #[test]
    fn joining_keeps_the_status_until_confirmed_and_leaving_after_it_wins() {
        let sub = || Request::Subscribe {
            email: "a@x.org".into(),
            name: String::new(),
        };
        let r = run(
            Status::Unsubscribed,
            &[(p(sub(), 0), false)],
            &mut BTreeSet::new(),
        );
        assert!(
            r.edit.is_none(),
            "a request alone changes nothing on the row"
        );
        assert!(matches!(r.outcomes[0].1, Outcome::ConfirmationSent { .. }));
        let unsub = Request::Unsubscribe {
            tokens: vec![],
            from: None,
        };
        let r = run(
            Status::Pending,
            &[(p(sub(), 1), false), (p(unsub, 0), false)],
            &mut BTreeSet::new(),
        );
        assert!(
            matches!(r.outcomes[0].1, Outcome::Unchanged { .. }),
            "no confirmation after leaving"
        );
        assert_eq!(r.edit.map(|e| e.0), Some(Status::Unsubscribed));
        let confirm = Request::Confirm {
            token: String::new(),
            from: None,
        };
        let r = run(
            Status::Unsubscribed,
            &[(p(sub(), 1), false), (p(confirm, 0), false)],
            &mut BTreeSet::new(),
        );
        assert_eq!(r.edit, Some((Status::Subscribed, 1)));
    }

    #[test]
    fn dates_out_of_range_are_replaced_by_now() {
        let mut q = p(Request::AutoReply, 0);
        q.date = Some(0);
        assert_eq!(when(&q, NOW), NOW);
        q.date = Some(NOW + 10 * 86_400);
        assert_eq!(when(&q, NOW), NOW);
        q.date = Some(NOW - 86_400);
        assert_eq!(when(&q, NOW), NOW - 86_400);
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
