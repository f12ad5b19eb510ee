//! `innopress newsletter inbox`: the mailbox (IMAP or saved files) applied to the list, and
//! a line for every message saying what it did.

use crate::cli::InboxArgs;
use innopress::newsletter::inbox::{self, Handled, Outcome, classify::Request, confirm, imap};
use innopress::text::printable;
use std::process::ExitCode;

pub fn run(a: InboxArgs) -> ExitCode {
    let config = match innopress::content::load_config(&a.root) {
        Ok(c) => c,
        Err(d) => {
            eprint!("{}", d.render_styled(super::print::color()));
            return ExitCode::from(1);
        }
    };
    let nl = config.newsletter.as_ref();
    let mailto = |v: Option<&toml::Spanned<String>>| {
        v.and_then(|u| innopress::addresses::mailto_address(u.get_ref()))
    };
    let settings = inbox::Settings {
        addresses: inbox::classify::Addresses {
            unsubscribe: mailto(nl.and_then(|n| n.unsubscribe.as_ref())),
            subscribe: mailto(nl.and_then(|n| n.subscribe.as_ref())),
            return_path: nl
                .and_then(|n| n.return_path.as_ref())
                .map(|r| r.get_ref().trim().to_ascii_lowercase()),
        },
        secret: std::env::var("INNOPRESS_UNSUBSCRIBE_SECRET")
            .ok()
            .filter(|s| !s.is_empty()),
    };

    // the messages: saved files, or the IMAP mailbox
    let mut skipped = Vec::new();
    let mut server = None;
    let mut saved = None;
    let fetched = if !a.messages.is_empty() {
        match inbox::source::open(&a.messages) {
            Ok(m) => saved = Some(m),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
        Vec::new()
    } else {
        let url = a
            .imap
            .clone()
            .or_else(|| {
                std::env::var("INNOPRESS_IMAP_URL")
                    .ok()
                    .filter(|u| !u.is_empty())
            })
            .or_else(|| {
                config
                    .inbox
                    .as_ref()
                    .and_then(|i| i.url.as_ref())
                    .map(|u| u.get_ref().clone())
            });
        let Some(url) = url else {
            eprintln!(
                "error: no mailbox: give saved messages (FILE.eml, an mbox file, a Maildir folder), --imap imaps://USER@HOST/INBOX, or [inbox] url in content/site.toml"
            );
            return ExitCode::from(2);
        };
        let ca = match innopress::newsletter::smtp::read_ca(
            &a.root,
            config.inbox.as_ref().and_then(|i| i.ca_file.as_deref()),
        ) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {}", e.to_string().replace("[smtp]", "[inbox]"));
                return ExitCode::from(1);
            }
        };
        let password = std::env::var("INNOPRESS_IMAP_PASSWORD")
            .ok()
            .filter(|p| !p.is_empty());
        let target = match imap::parse_url(&url, password, ca) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        };
        match imap::fetch(&target) {
            Ok(f) => {
                skipped.extend(f.skipped);
                if f.waiting > 0 {
                    skipped.push(format!(
                        "{} more message(s) wait in the mailbox: one run reads at most {} messages or {} MB; run again",
                        f.waiting,
                        imap::MAX_PER_RUN,
                        imap::MAX_BYTES_PER_RUN >> 20
                    ));
                }
                server = Some((target, f.keywords));
                f.messages
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
    };

    // confirmations go out over the site's SMTP server, connected at the first one
    let mut confirmer: Option<confirm::Confirmer> = None;
    let words = nl.and_then(|n| n.subscribe.as_ref()).and_then(|s| {
        let addr = innopress::addresses::mailto_address(s.get_ref())?;
        Some(confirm::Words {
            title: config.title.clone(),
            reply_to: lettre::message::Mailbox::new(Some(config.title.clone()), addr.parse().ok()?),
            postal: nl
                .and_then(|n| n.address.as_ref())
                .map(|a| a.get_ref().clone()),
        })
    });
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    let messages: Box<dyn Iterator<Item = inbox::Incoming>> = match saved.as_mut() {
        Some(files) => Box::new(files),
        None => Box::new(fetched.into_iter()),
    };
    let result = inbox::run(
        &a.root,
        &a.list,
        messages,
        &settings,
        a.dry_run,
        now,
        |email, name, token| {
            if confirmer.is_none() {
                let Some(words) = words.clone() else {
                    return Err(inbox::ConfirmError {
                    message: "[newsletter] subscribe is not set, so a confirmation has no address to be answered at".into(),
                    permanent: false,
                });
                };
                let base =
                    innopress::urls::BaseUrl::parse(config.base_url.get_ref()).map_err(|e| {
                        inbox::ConfirmError {
                            message: e.to_string(),
                            permanent: false,
                        }
                    })?;
                confirmer = Some(
                    confirm::Confirmer::new(
                        &a.root,
                        &config,
                        &base,
                        settings.secret.clone(),
                        words,
                    )
                    .map_err(|e| inbox::ConfirmError {
                        message: e.to_string(),
                        permanent: false,
                    })?,
                );
            }
            match confirmer.as_mut() {
                Some(c) => c.send(email, name, token),
                None => Err(inbox::ConfirmError {
                    message: "no SMTP connection".into(),
                    permanent: false,
                }),
            }
        },
    );
    if let Some(c) = confirmer {
        c.finish();
    }
    if let Some(files) = saved {
        skipped.extend(files.skipped);
    }
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    if report.more_waiting {
        skipped.push(format!(
            "one run takes at most {} new messages: the rest wait; run again",
            inbox::MAX_NEW_PER_RUN
        ));
    }
    let total = report.messages.len();

    let earlier = report
        .messages
        .iter()
        .filter(|h| h.outcomes.iter().any(|o| matches!(o, Outcome::Earlier)))
        .count();
    eprintln!(
        "{}read {total} message(s){}",
        if a.dry_run { "dry run: " } else { "" },
        if earlier > 0 {
            format!(", {earlier} handled by an earlier run")
        } else {
            String::new()
        }
    );
    let mut left = Vec::new();
    let mut failed = 0;
    for h in &report.messages {
        if h.outcomes.iter().any(|o| matches!(o, Outcome::Earlier)) {
            continue;
        }
        if h.outcomes
            .iter()
            .any(|o| matches!(o, Outcome::LeftAlone { .. }))
        {
            left.push(h);
            continue;
        }
        for o in &h.outcomes {
            failed += usize::from(matches!(o, Outcome::Failed { .. }));
            eprintln!(
                "  {:<24} {:<14} {}",
                printable(&h.origin),
                what(h),
                said(o, a.dry_run)
            );
        }
    }
    for s in &skipped {
        eprintln!("warning: {}", printable(s));
    }
    if !left.is_empty() {
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
    let s = report.list;
    eprintln!(
        "{}: {} row(s) read, {} changed, {} added{}",
        a.list.display(),
        s.rows,
        s.changed,
        s.added,
        if a.dry_run {
            " (dry run: nothing written, sent or flagged)"
        } else if s.written {
            ""
        } else {
            " (unchanged)"
        }
    );
    if let Some((target, keywords)) = server
        && !a.dry_run
    {
        let uids: Vec<u32> = report
            .messages
            .iter()
            .filter(|h| h.done())
            .filter_map(|h| h.uid)
            .collect();
        // messages for a person are listed once: marked apart, never taken as handled
        let for_people: Vec<u32> = report
            .messages
            .iter()
            .filter(|h| h.for_a_person())
            .filter_map(|h| h.uid)
            .collect();
        let marked = imap::flag(&target, &uids, keywords, imap::KEYWORD).and_then(|()| {
            if keywords {
                imap::flag(&target, &for_people, keywords, imap::KEYWORD_LEFT)
            } else {
                Ok(())
            }
        });
        if let Err(e) = marked {
            eprintln!(
                "error: the list is kept, but the handled messages could not be marked on the server ({e}); the next run finds them again and changes nothing"
            );
            return ExitCode::from(1);
        }
        if !uids.is_empty() {
            eprintln!(
                "marked {} message(s) on the server with {}",
                uids.len(),
                if keywords {
                    "the keyword innopress"
                } else {
                    "\\Seen (the server takes no keywords)"
                }
            );
        }
    }
    if failed > 0 {
        eprintln!(
            "error: {failed} confirmation(s) could not be sent; those requests are tried again on the next run"
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
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
