//! `innopress newsletter build|send`: the email files of an issue, a test message, the
//! campaign.

use super::print::report_build_error;
use crate::cli::{
    FreezeArgs, NewsletterBuildArgs, NewsletterCheckArgs, NewsletterCommand, NewsletterSendArgs,
    SubscriberCommand,
};
use innopress::issue::Issue;
use innopress::pipeline::{self, BuildOptions};
use std::process::ExitCode;

pub fn run(cmd: NewsletterCommand) -> ExitCode {
    match cmd {
        NewsletterCommand::Check(args) => check(args),
        NewsletterCommand::Subscriber(cmd) => subscriber(cmd),
        NewsletterCommand::Inbox(args) => super::inbox::run(args),
        NewsletterCommand::Build(args) => build(args),
        NewsletterCommand::Send(args) => send(args),
    }
}

/// `innopress newsletter build N`: the site build writes every issue's email files.
fn build(NewsletterBuildArgs { number, root }: NewsletterBuildArgs) -> ExitCode {
    let opts = BuildOptions {
        root: root.clone(),
        ..BuildOptions::default()
    };
    let report = match pipeline::build(&opts) {
        Ok(r) => r,
        Err(e) => {
            report_build_error(&e);
            return ExitCode::from(1);
        }
    };
    let dir = report.output.join("newsletter").join(number.to_string());
    if !dir.join("email.eml").is_file() {
        // no such issue: loading it again names the issues there are
        match Issue::prepare(&root, number) {
            Err(e) => report_build_error(&e),
            Ok(_) => eprintln!(
                "error: the build wrote no email files for issue {number} into {}",
                dir.display()
            ),
        }
        return ExitCode::from(1);
    }
    for f in ["email.html", "email.txt", "email.eml", "index.html"] {
        eprintln!("wrote {}", dir.join(f).display());
    }
    ExitCode::SUCCESS
}

/// `innopress newsletter send N`: a test message (`--to`) or the campaign (`--list`).
fn send(a: NewsletterSendArgs) -> ExitCode {
    let issue = match Issue::prepare(&a.root, a.number) {
        Ok(i) => i,
        Err(e) => {
            report_build_error(&e);
            return ExitCode::from(1);
        }
    };
    if !a.no_preflight && !report_preflight(&issue.preflight(a.dry_run), a.number) {
        eprintln!(
            "error: nothing was sent; fix the problems above (or, for a test message before the site is published, add --no-preflight)"
        );
        return ExitCode::from(1);
    }
    let outbox = match issue.outbox(a.per_minute) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    if let Some(to) = a.to {
        return match outbox.send_test(&to) {
            Ok(reply) => {
                eprintln!("test message sent ({reply})");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        };
    }
    let Some(list) = a.list else {
        eprintln!("error: give --to ADDRESS or --list FILE.csv");
        return ExitCode::from(2);
    };
    let opts = innopress::newsletter::send::Options {
        list,
        dry_run: a.dry_run,
        connections: usize::from(a.connections),
        skip_invalid: a.skip_invalid,
        retry_uncertain: a.retry_uncertain,
        retry_failed: a.retry_failed,
        quiet: a.quiet,
        segment: a.segment,
    };
    let journal = outbox.journal();
    let recorded = |path: &std::path::Path| {
        eprintln!(
            "recorded the issue's figures in {}: commit it with the issue, so its archive keeps showing what was sent",
            path.display()
        );
    };
    match outbox.send(&opts, recorded) {
        Ok(report) => {
            eprint!("{}", report.render(&journal, a.dry_run));
            if report.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => fail(e),
    }
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(1)
}

/// Prints the problems the checks found; `true` when none is an error.
fn report_preflight(diags: &innopress::diagnostics::Diagnostics, number: u32) -> bool {
    let mut diags = diags.clone();
    diags.sort();
    if !diags.items.is_empty() {
        eprintln!(
            "{}",
            diags.render_styled(innopress::diagnostics::stderr_color())
        );
    }
    if diags.has_errors() {
        eprintln!(
            "issue {number}: {} problem(s) stop the campaign",
            diags.error_count()
        );
        false
    } else {
        true
    }
}

/// `innopress newsletter check N`.
pub fn check(args: NewsletterCheckArgs) -> ExitCode {
    let issue = match Issue::prepare(&args.root, args.number) {
        Ok(i) => i,
        Err(e) => {
            report_build_error(&e);
            return ExitCode::from(1);
        }
    };
    let diags = issue.preflight(false);
    if report_preflight(&diags, args.number) {
        eprintln!(
            "issue {}: ready to send ({} KB of HTML, {} warning(s))",
            args.number,
            issue.html_bytes() / 1000,
            diags.warning_count()
        );
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `innopress newsletter subscriber show|forget ADDRESS`: the full address is shown here, as
/// the person it belongs to asked for it.
fn subscriber(cmd: SubscriberCommand) -> ExitCode {
    use innopress::newsletter::rights;
    use innopress::newsletter::subscribers::printable;
    match cmd {
        SubscriberCommand::Show(a) => match rights::show(&a.root, &a.list, &a.address) {
            Ok(held) => {
                println!("{} in {}:", printable(&a.address), a.list.display());
                if held.rows.is_empty() {
                    println!("  no row");
                }
                for (line, cells) in &held.rows {
                    println!("  line {line}:");
                    for (k, v) in cells {
                        println!("    {}: {}", printable(k), printable(v));
                    }
                }
                println!("journal entries: {}", held.journal.len());
                for (path, line) in &held.journal {
                    println!("  {}: {}", path.display(), printable(line));
                }
                if held.forgotten {
                    println!("forgotten on request: yes (only a salted hash is kept)");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
        SubscriberCommand::Forget(a) => match rights::forget(&a.root, &a.list, &a.address) {
            Ok(done) => {
                eprintln!(
                    "forgot {}: {} row(s) removed from {}, {} journal line(s) removed; a salted hash is kept in .innopress/forgotten.txt so that the address is refused if an old list brings it back",
                    printable(&a.address),
                    done.rows,
                    a.list.display(),
                    done.journal_lines
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
    }
}

/// `innopress freeze PATH`.
pub fn freeze(args: FreezeArgs) -> ExitCode {
    match innopress::freeze::freeze(&args.root, &args.path, args.force) {
        Ok(path) => {
            eprintln!(
                "froze {}: its figures are kept in {}; commit that file with it",
                args.path,
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(innopress::freeze::FreezeError::Build(e)) => {
            report_build_error(&e);
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
