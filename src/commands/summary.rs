//! `innopress summary`: the impact summary as a table or JSON.

use super::print::{color, stdout};
use crate::cli::SummaryArgs;
use innopress::pipeline;
use std::process::ExitCode;

pub fn run(args: SummaryArgs) -> ExitCode {
    let SummaryArgs { root, json, as_of } = args;
    match pipeline::load_checked(&root, false, as_of) {
        Err(d) => {
            eprint!("{}", d.render_styled(color()));
            ExitCode::from(1)
        }
        Ok(checked) => {
            if !checked.warnings.items.is_empty() {
                eprint!("{}", checked.warnings.render_styled(color()));
            }
            if json {
                match serde_json::to_string_pretty(&checked.summary) {
                    Ok(text) => return stdout(format!("{text}\n").as_bytes()),
                    Err(e) => {
                        eprintln!("error: cannot write the summary as JSON: {e}");
                        return ExitCode::from(1);
                    }
                }
            } else {
                let title = &checked.config.title;
                print!(
                    "{}",
                    innopress::render::terminal::summary_table(title, &checked.summary)
                );
            }
            ExitCode::SUCCESS
        }
    }
}
