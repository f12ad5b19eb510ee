//! The `innopress` binary: parses the command line, runs the pipeline, maps results to exit
//! codes (0 success, 1 problems in content, data, I/O or sending, 2 usage errors).

mod cli;

use clap::Parser;
use cli::{Cli, Command};
use innopress::pipeline::{self, BuildError, BuildOptions};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            drafts,
            as_of,
            quiet,
        } => {
            let opts = BuildOptions {
                root,
                output,
                drafts,
                as_of,
            };
            match pipeline::build(&opts) {
                Ok(report) => {
                    if !report.warnings.items.is_empty() {
                        eprint!("{}", report.warnings.render());
                    }
                    if !quiet {
                        eprintln!(
                            "built {} pages ({} files, {} KiB) into {} in {} ms",
                            report.pages,
                            report.files,
                            report.bytes / 1024,
                            report.output.display(),
                            report.millis
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    match &e {
                        BuildError::Content(d) => eprint!("{}", d.render()),
                        other => eprintln!("error: {other}"),
                    }
                    eprintln!("build failed; the previous output was left unchanged");
                    ExitCode::from(1)
                }
            }
        }
        Command::Summary { root, json, as_of } => match pipeline::load_checked(&root, false, as_of)
        {
            Err(d) => {
                eprint!("{}", d.render());
                ExitCode::from(1)
            }
            Ok(checked) => {
                if !checked.warnings.items.is_empty() {
                    eprint!("{}", checked.warnings.render());
                }
                if json {
                    match serde_json::to_string_pretty(&checked.summary) {
                        Ok(text) => println!("{text}"),
                        Err(e) => {
                            eprintln!("error: cannot write the summary as JSON: {e}");
                            return ExitCode::from(1);
                        }
                    }
                } else {
                    let title = checked
                        .site
                        .config
                        .as_ref()
                        .map_or("Site", |c| c.title.as_str());
                    print!(
                        "{}",
                        innopress::render::terminal::summary_table(title, &checked.summary)
                    );
                }
                ExitCode::SUCCESS
            }
        },
        Command::Check { root } => {
            let diags = pipeline::check(&root);
            eprint!("{}", diags.render());
            if diags.has_errors() {
                ExitCode::from(1)
            } else {
                if diags.items.is_empty() {
                    eprintln!("no problems found");
                }
                ExitCode::SUCCESS
            }
        }
    }
}
