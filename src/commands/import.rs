//! `innopress import projects`: a register's CSV into a projects file; `import
//! observations`: the cities' returned spreadsheets into the yearly figures.

use crate::cli::{ImportCommand, ImportObservationsArgs, ImportProjectsArgs};
use std::process::ExitCode;

/// Rejected rows shown in the terminal; the rejects file always has all of them.
const SHOWN_PROBLEMS: usize = 40;

/// Problems of returned spreadsheets shown in the terminal: a hostile or broken file can
/// have one per cell, and the first ones say what is wrong.
const SHOWN_CELL_PROBLEMS: usize = 50;

pub fn run(cmd: ImportCommand) -> ExitCode {
    match cmd {
        ImportCommand::Projects(args) => projects(args),
        ImportCommand::Observations(args) => observations(args),
    }
}

fn observations(args: ImportObservationsArgs) -> ExitCode {
    use innopress::collect::import;
    let checked = match super::collect::load(&args.root) {
        Ok(c) => c,
        Err(code) => {
            eprintln!("fix the content first: the figures are checked against it");
            return code;
        }
    };
    let plan = import::plan(&checked.site, &args.files);
    print_problems(&plan);
    let errors = plan.errors();
    if errors > 0 && !args.skip_invalid {
        eprintln!(
            "{errors} error{} in the files: nothing imported (fix them, or import the rest with --skip-invalid)",
            if errors == 1 { "" } else { "s" }
        );
        return ExitCode::from(1);
    }
    print_additions(&plan, args.dry_run);
    let what = figures(&plan);
    if args.dry_run {
        eprintln!(
            "dry run: {what} would be added, {} are already in the data; nothing written",
            plan.unchanged
        );
        return ExitCode::SUCCESS;
    }
    match import::write(&args.root, &plan.add) {
        Ok(files) => {
            eprintln!(
                "imported {what} ({} already in the data){}",
                plan.unchanged,
                if files.is_empty() {
                    String::new()
                } else {
                    format!(" into {}", files.join(", "))
                }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// The first problems of the returned files.
fn print_problems(plan: &innopress::collect::import::Plan) {
    for p in plan.problems.iter().take(SHOWN_CELL_PROBLEMS) {
        eprintln!("{p}");
    }
    if plan.problems.len() > SHOWN_CELL_PROBLEMS {
        eprintln!(
            "… and {} more problems not shown (fix these first, then import again)",
            plan.problems.len() - SHOWN_CELL_PROBLEMS
        );
    }
}

/// A line for each figure the import adds.
fn print_additions(plan: &innopress::collect::import::Plan, dry_run: bool) {
    for f in &plan.add {
        eprintln!(
            "{} {}: {} {} = {}{}",
            if dry_run { "would add" } else { "add" },
            f.at,
            f.city,
            f.indicator,
            f.value,
            f.target
                .map(|t| format!(" (target {t})"))
                .unwrap_or_default()
        );
    }
}

/// "3 figures" or "2 figures and 1 n/a".
fn figures(plan: &innopress::collect::import::Plan) -> String {
    let na = plan
        .add
        .iter()
        .filter(|f| f.value == innopress::collect::import::Reading::NotApplicable)
        .count();
    match na {
        0 => format!("{} figures", plan.add.len()),
        n => format!("{} figures and {n} n/a", plan.add.len() - n),
    }
}

fn projects(args: ImportProjectsArgs) -> ExitCode {
    use innopress::import::{self, ImportError, ImportOptions};
    let ImportProjectsArgs {
        csv,
        mapping,
        output,
        root,
        skip_invalid,
        quiet,
    } = args;
    let output = output.unwrap_or_else(|| import::default_output(&root, &csv));
    let color = super::print::color();
    match import::run(&ImportOptions {
        csv: csv.clone(),
        mapping,
        output,
        skip_invalid,
    }) {
        Ok(report) => imported(report, &csv, quiet, color),
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

/// What an import of projects did, or why it wrote nothing.
fn imported(
    mut report: innopress::import::ImportReport,
    csv: &std::path::Path,
    quiet: bool,
    color: bool,
) -> ExitCode {
    {
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
}
