//! `innopress newsletter build|send`: the email files of an issue, a test message, the
//! campaign.

use super::print::report_build_error;
use crate::cli::{
    FreezeArgs, NewsletterBuildArgs, NewsletterCheckArgs, NewsletterCommand, NewsletterSendArgs,
    SubscriberCommand,
};
use innopress::newsletter::preflight;
use innopress::pipeline::{self, BuildOptions};
use std::process::ExitCode;

pub fn run(cmd: NewsletterCommand) -> ExitCode {
    match cmd {
        NewsletterCommand::Check(args) => check(args),
        NewsletterCommand::Subscriber(cmd) => subscriber(cmd),
        NewsletterCommand::Inbox(args) => super::inbox::run(args),
        NewsletterCommand::Build(NewsletterBuildArgs { number, root }) => {
            // the site build writes every issue's email files
            let opts = BuildOptions {
                root: root.clone(),
                ..BuildOptions::default()
            };
            match pipeline::build(&opts) {
                Ok(report) => {
                    let dir = report.output.join("newsletter").join(number.to_string());
                    if !dir.join("email.eml").is_file() {
                        // no such issue: loading it again names the issues there are
                        match pipeline::prepare_issue(&root, number) {
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
                Err(e) => {
                    report_build_error(&e);
                    ExitCode::from(1)
                }
            }
        }
        NewsletterCommand::Send(NewsletterSendArgs {
            number,
            root,
            to,
            list,
            dry_run,
            connections,
            skip_invalid,
            retry_uncertain,
            retry_failed,
            per_minute,
            quiet,
            no_preflight,
            segment,
        }) => {
            let prepared = match pipeline::prepare_issue(&root, number) {
                Ok(p) => p,
                Err(e) => {
                    report_build_error(&e);
                    return ExitCode::from(1);
                }
            };
            if !no_preflight {
                let opts = preflight::Options {
                    offline: dry_run,
                    ..preflight::Options::default()
                };
                let diags = preflight::run(&prepared.issue, &prepared.preflight, opts);
                if !report_preflight(&diags, number) {
                    eprintln!(
                        "error: nothing was sent; fix the problems above (or, for a test message before the site is published, add --no-preflight)"
                    );
                    return ExitCode::from(1);
                }
            }
            let unsent = prepared.unsent;
            let campaign = match innopress::newsletter::campaign::from_site(
                &root,
                &prepared.config,
                &prepared.base,
                prepared.issue,
                per_minute,
            ) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(1);
                }
            };
            if let Some(to) = to {
                return match innopress::newsletter::send::test(campaign, &to) {
                    Ok(reply) => {
                        eprintln!("test message sent ({reply})");
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        ExitCode::from(1)
                    }
                };
            }
            let Some(list) = list else {
                eprintln!("error: give --to ADDRESS or --list FILE.csv");
                return ExitCode::from(2);
            };
            let opts = innopress::newsletter::send::Options {
                list,
                dry_run,
                connections: usize::from(connections),
                skip_invalid,
                retry_uncertain,
                retry_failed,
                quiet,
                segment,
            };
            let journal = innopress::newsletter::journal::path(&root, number);
            // a campaign keeps what it sends: the record is written once the server has
            // accepted the login, before the first message
            let record_root = root.clone();
            let start = move || {
                if let Some(unsent) = &unsent {
                    let path = innopress::freeze::record_sent(&record_root, unsent)?;
                    eprintln!(
                        "recorded the issue's figures in {}: commit it with the issue, so its archive keeps showing what was sent",
                        path.display()
                    );
                }
                Ok(())
            };
            match innopress::newsletter::send::run_with_start(campaign, &opts, start) {
                Ok(report) => {
                    eprint!("{}", report.render(&journal, dry_run));
                    if report.ok() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(1)
                    }
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
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
    let prepared = match pipeline::prepare_issue(&args.root, args.number) {
        Ok(p) => p,
        Err(e) => {
            report_build_error(&e);
            return ExitCode::from(1);
        }
    };
    let diags = preflight::run(
        &prepared.issue,
        &prepared.preflight,
        preflight::Options::default(),
    );
    if report_preflight(&diags, args.number) {
        eprintln!(
            "issue {}: ready to send ({} KB of HTML, {} warning(s))",
            args.number,
            prepared.issue.html.fill("", "").len() / 1000,
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
