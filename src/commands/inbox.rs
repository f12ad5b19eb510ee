//! `innopress newsletter inbox`: the mailbox (IMAP or saved files) applied to the list, and
//! a line for every message saying what it did.

use crate::cli::InboxArgs;
use innopress::newsletter::inbox::{
    self, Finished, Handled, Inbox, Marked, OpenError, Outcome, classify::Request,
};
use innopress::text::printable;
use std::process::ExitCode;

pub fn run(a: InboxArgs) -> ExitCode {
    let options = inbox::session::Options {
        root: a.root,
        list: a.list.clone(),
        messages: a.messages,
        imap: a.imap,
        dry_run: a.dry_run,
    };
    let inbox = match Inbox::open(options) {
        Ok(i) => i,
        Err(OpenError::Config(d)) => {
            eprint!("{}", d.render_styled(super::print::color()));
            return ExitCode::from(1);
        }
        Err(e @ OpenError::NoMailbox) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    match inbox.run(now) {
        Ok(done) => report(&done, &a.list, a.dry_run),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Prints what the run did, message by message, and how it ended.
fn report(done: &Finished, list: &std::path::Path, dry_run: bool) -> ExitCode {
    let messages = &done.report.messages;
    let earlier = messages.iter().filter(|h| handled_before(h)).count();
    eprintln!(
        "{}read {} message(s){}",
        if dry_run { "dry run: " } else { "" },
        messages.len(),
        if earlier > 0 {
            format!(", {earlier} handled by an earlier run")
        } else {
            String::new()
        }
    );
    let failed = print_handled(messages, dry_run);
    for s in &done.skipped {
        eprintln!("warning: {}", printable(s));
    }
    print_left(messages);
    let s = &done.report.list;
    eprintln!(
        "{}: {} row(s) read, {} changed, {} added{}",
        list.display(),
        s.rows,
        s.changed,
        s.added,
        if dry_run {
            " (dry run: nothing written, sent or flagged)"
        } else if s.written {
            ""
        } else {
            " (unchanged)"
        }
    );
    if !print_marked(&done.marked) {
        return ExitCode::from(1);
    }
    if failed > 0 {
        eprintln!(
            "error: {failed} confirmation(s) could not be sent; those requests are tried again on the next run"
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn handled_before(h: &Handled) -> bool {
    h.outcomes.iter().any(|o| matches!(o, Outcome::Earlier))
}

fn left_alone(h: &Handled) -> bool {
    h.outcomes
        .iter()
        .any(|o| matches!(o, Outcome::LeftAlone { .. }))
}

/// A line for each thing each new message did; how many confirmations failed.
fn print_handled(messages: &[Handled], dry_run: bool) -> usize {
    let mut failed = 0;
    for h in messages
        .iter()
        .filter(|h| !handled_before(h) && !left_alone(h))
    {
        for o in &h.outcomes {
            failed += usize::from(matches!(o, Outcome::Failed { .. }));
            eprintln!(
                "  {:<24} {:<14} {}",
                printable(&h.origin),
                what(h),
                said(o, dry_run)
            );
        }
    }
    failed
}

/// The messages no rule handles, for a person to read.
fn print_left(messages: &[Handled]) {
    let left: Vec<&Handled> = messages
        .iter()
        .filter(|h| !handled_before(h) && left_alone(h))
        .collect();
    if left.is_empty() {
        return;
    }
    eprintln!(
        "left for a person ({}): not requests the inbox handles",
        left.len()
    );
    for h in left {
        let why = h.outcomes.iter().find_map(|o| match o {
            Outcome::LeftAlone { why } => Some(why.as_str()),
            _ => None,
        });
        eprintln!(
            "  {:<24} from {} \"{}\": {}",
            printable(&h.origin),
            h.parsed
                .from
                .as_deref()
                .map_or_else(|| "(no address)".to_string(), printable),
            h.parsed.subject,
            why.unwrap_or("")
        );
    }
}

/// How the server was told; `false` when it could not be.
fn print_marked(marked: &Marked) -> bool {
    match marked {
        Marked::Nothing => true,
        Marked::Done { count: 0, .. } => true,
        Marked::Done { count, keywords } => {
            eprintln!(
                "marked {count} message(s) on the server with {}",
                if *keywords {
                    "the keyword innopress"
                } else {
                    "\\Seen (the server takes no keywords)"
                }
            );
            true
        }
        Marked::Failed(e) => {
            eprintln!(
                "error: the list is kept, but the handled messages could not be marked on the server ({e}); the next run finds them again and changes nothing"
            );
            false
        }
    }
}

/// What the message asked, in a word or two.
fn what(h: &Handled) -> String {
    match &h.parsed.request {
        Request::Unsubscribe { .. } => "unsubscribe".into(),
        Request::Bounce { failures, .. } => {
            format!(
                "bounce {}",
                failures.first().map_or("", |f| f.status.as_str())
            )
        }
        Request::Subscribe { .. } => "subscribe".into(),
        Request::Confirm { .. } => "confirm".into(),
        Request::AutoReply => "auto-reply".into(),
        Request::Notice(_) => "notice".into(),
        Request::Other(_) => "other".into(),
    }
}

fn said(o: &Outcome, dry_run: bool) -> String {
    match o {
        Outcome::Changed { email, from, to } => {
            format!("{}: {} → {}", printable(email), from.word(), to.word())
        }
        Outcome::SoftBounce { email, days } => format!(
            "{}: failure counted, day {days} of {} within {} days before it counts as bounced",
            printable(email),
            inbox::apply::SOFT_DAYS,
            inbox::apply::SOFT_WINDOW_DAYS
        ),
        Outcome::ConfirmationSent { email } => format!(
            "{}: pending, {}",
            printable(email),
            if dry_run {
                "a confirmation would be sent"
            } else {
                "confirmation sent"
            }
        ),
        Outcome::Unchanged { email, why } => match email {
            Some(e) => format!("{}: unchanged, {why}", printable(e)),
            None => format!("unchanged: {why}"),
        },
        Outcome::Failed { email, why } => {
            format!("{}: not done: {}", printable(email), printable(why))
        }
        Outcome::LeftAlone { why } => why.clone(),
        Outcome::Deferred { why } => format!("not handled yet: {why}"),
        Outcome::Earlier => "handled by an earlier run".into(),
    }
}
