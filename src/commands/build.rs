//! `innopress build`: the site into `output/`, with its summary line.

use super::print::color;
use crate::cli::BuildArgs;
use innopress::pipeline::{self, BuildError, BuildOptions, BuildReport as Report};
use std::process::ExitCode;

pub fn run(args: BuildArgs) -> ExitCode {
    let BuildArgs {
        root,
        output,
        drafts,
        as_of,
        quiet,
        verbose,
        force,
    } = args;
    let opts = BuildOptions {
        root,
        output,
        drafts,
        as_of,
        force,
    };
    match pipeline::build(&opts) {
        Ok(report) => {
            if !report.warnings.items.is_empty() {
                eprint!("{}", report.warnings.render_styled(color()));
            }
            if verbose {
                print_stages(&report);
            }
            if !quiet {
                print_summary(&report);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            match &e {
                BuildError::Content(d) => eprint!("{}", d.render_styled(color())),
                other => eprintln!("error: {other}"),
            }
            eprintln!("build failed; the previous output was left unchanged");
            ExitCode::from(1)
        }
    }
}

/// `--verbose`: what was loaded and how long each stage took.
fn print_stages(report: &Report) {
    let loaded: Vec<String> = report
        .loaded
        .iter()
        .map(|(what, n)| format!("{n} {what}"))
        .collect();
    if !loaded.is_empty() {
        eprintln!("loaded {}", loaded.join(", "));
    }
    for (stage, ms) in &report.stages {
        eprintln!("  {stage}: {ms} ms");
    }
    if let Some(c) = report.search {
        eprintln!(
            "  search index beside the pages: {} ms of work over all threads; {} terms, {} postings, {} KiB held",
            c.busy_ms,
            c.terms,
            c.postings,
            c.held_bytes / 1024
        );
    }
}

/// The build's summary line, or that nothing changed.
fn print_summary(report: &Report) {
    if report.unchanged {
        eprintln!(
            "nothing changed since the last build: {} is up to date ({} pages, {} ms)",
            report.output.display(),
            report.pages,
            report.millis
        );
        let n = report.earlier_warnings;
        if n > 0 {
            let (s, them) = if n == 1 { ("", "it") } else { ("s", "them") };
            eprintln!("  that build had {n} warning{s}; `innopress check` lists {them}");
        }
        return;
    }
    eprintln!(
        "built {} pages and {} charts ({} files, {} KiB) into {} in {} ms",
        report.pages,
        report.charts,
        report.files,
        report.bytes / 1024,
        report.output.display(),
        report.millis
    );
    if report.images_encoded + report.images_cached > 0 {
        eprintln!(
            "  pictures: {} encoded, {} from the cache (.innopress/images/)",
            report.images_encoded, report.images_cached
        );
    }
}
