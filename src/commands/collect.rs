//! `innopress collect templates|status`: the yearly data collection's spreadsheets, and the
//! grid of what has come back.

use super::print::{color, stdout};
use crate::cli::{CollectCommand, CollectStatusArgs, CollectTemplatesArgs};
use innopress::collect::templates;
use innopress::impact::status::Grid;
use innopress::pipeline;
use std::process::ExitCode;

pub fn run(cmd: CollectCommand) -> ExitCode {
    match cmd {
        CollectCommand::Templates(args) => write_templates(args),
        CollectCommand::Status(args) => status(args),
    }
}

/// The checked site the collection reads, or the exit code after its problems are shown.
pub(super) fn load(root: &std::path::Path) -> Result<pipeline::Checked, ExitCode> {
    pipeline::load_checked(root, false, None).map_err(|d| {
        eprint!("{}", d.render_styled(color()));
        ExitCode::from(1)
    })
}

fn write_templates(args: CollectTemplatesArgs) -> ExitCode {
    let checked = match load(&args.root) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let files = match templates::all(&checked.site, &checked.config.title, args.year) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let out = args
        .out
        .unwrap_or_else(|| args.root.join(format!("collection-{}", args.year)));
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("error: cannot create {}: {e}", out.display());
        return ExitCode::from(1);
    }
    for (name, bytes) in &files {
        let path = out.join(name);
        if let Err(e) = std::fs::write(&path, bytes) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    eprintln!(
        "wrote {} spreadsheets for {} (and a .csv of each) into {}",
        files.len() / 2,
        args.year,
        out.display()
    );
    ExitCode::SUCCESS
}

fn status(args: CollectStatusArgs) -> ExitCode {
    let checked = match load(&args.root) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let grid = Grid::of(&checked.site, args.year);
    if args.json {
        return match serde_json::to_string_pretty(&grid) {
            Ok(text) => stdout(format!("{text}\n").as_bytes()),
            Err(e) => {
                eprintln!("error: cannot write the grid as JSON: {e}");
                ExitCode::from(1)
            }
        };
    }
    let mut text = format!(
        "Figures for {} (x reported, . missing, - not applicable)\n\n",
        args.year
    );
    text.push_str(&grid.render());
    let chase = grid.to_chase();
    if chase.is_empty() {
        text.push_str("\nEvery city has reported every indicator.\n");
    } else {
        text.push_str(&format!("\nStill to chase ({}):\n", chase.len()));
        for c in chase {
            text.push_str(&format!(
                "  {} ({}): {} of {} missing\n",
                c.name, c.id, c.missing, c.applicable
            ));
        }
    }
    stdout(text.as_bytes())
}
