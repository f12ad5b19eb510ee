//! `innopress check`: every problem, nothing built.

use super::print::color;
use crate::cli::CheckArgs;
use innopress::pipeline;
use std::process::ExitCode;

pub fn run(args: CheckArgs) -> ExitCode {
    let CheckArgs {
        root,
        deny_warnings,
        external,
        parallel,
        timeout,
    } = args;
    let external = external.then(|| {
        (
            usize::from(parallel),
            std::time::Duration::from_secs(timeout),
        )
    });
    let mut diags = pipeline::check_with(&root, external);
    if deny_warnings {
        use innopress::diagnostics::Severity;
        for d in &mut diags.items {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
            }
        }
    }
    eprint!("{}", diags.render_styled(color()));
    if diags.has_errors() {
        ExitCode::from(1)
    } else {
        if diags.items.is_empty() {
            eprintln!("no problems found");
        }
        ExitCode::SUCCESS
    }
}
