//! `innopress import projects`: a register's CSV into a projects file.

use crate::cli::{ImportCommand, ImportProjectsArgs};
use std::process::ExitCode;

/// Rejected rows shown in the terminal; the rejects file always has all of them.
const SHOWN_PROBLEMS: usize = 40;

pub fn run(cmd: ImportCommand) -> ExitCode {
    use innopress::import::{self, ImportError, ImportOptions};
    let ImportCommand::Projects(ImportProjectsArgs {
        csv,
        mapping,
        output,
        root,
        skip_invalid,
        quiet,
    }) = cmd;
    let output = output.unwrap_or_else(|| import::default_output(&root, &csv));
    let color = super::print::color();
    match import::run(&ImportOptions {
        csv: csv.clone(),
        mapping,
        output,
        skip_invalid,
    }) {
        Ok(mut report) => {
            // with --quiet, rows skipped by --skip-invalid are only warnings: not shown
            let problems = report.diagnostics.items.len();
            if problems > 0 && !(report.written && quiet) {
                report.diagnostics.items.truncate(SHOWN_PROBLEMS);
                eprintln!("{}", report.diagnostics.render_styled(color));
                if problems > SHOWN_PROBLEMS {
                    eprintln!(
                        "… {} more problems not shown; {} lists every rejected row",
                        problems - SHOWN_PROBLEMS,
                        report.rejects_file.display()
                    );
                }
            }
            let rejected = format!(
                "{} rejected rows in {}",
                report.rejected,
                report.rejects_file.display()
            );
            if !report.written {
                eprintln!(
                    "error: {} of {} rows of {} cannot be imported; nothing imported ({rejected})",
                    report.rejected,
                    report.rows,
                    csv.display()
                );
                eprintln!(
                    "  = hint: fix those rows in the CSV, or pass --skip-invalid to import the other {}",
                    report.imported
                );
                return ExitCode::from(1);
            }
            if !quiet {
                eprintln!(
                    "imported {} projects from {} rows into {} (funding EUR {}; {rejected})",
                    report.imported,
                    report.rows,
                    report.output.display(),
                    report.funding.grouped(),
                );
            }
            ExitCode::SUCCESS
        }
        Err(ImportError::Invalid(diags)) => {
            eprintln!("{}", diags.render_styled(color));
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
