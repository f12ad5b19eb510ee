//! `serve`, `init`, `completions` and the hidden `synth`: the commands that set up or show a
//! site rather than build it.

use super::print::stdout;
use crate::cli::{Cli, ServeArgs, SynthArgs};
use std::path::PathBuf;
use std::process::ExitCode;

pub fn serve(args: ServeArgs) -> ExitCode {
    let ServeArgs {
        root,
        port,
        bind,
        drafts,
        open,
    } = args;
    match innopress::serve::serve(&innopress::serve::Options {
        root,
        bind,
        port,
        drafts,
        open,
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

pub fn init(dir: PathBuf) -> ExitCode {
    match innopress::init::init(&dir) {
        Ok(files) => {
            eprintln!(
                "created a new site in {} ({} files)",
                dir.display(),
                files.len()
            );
            // quoted when it has a space, so that it can be pasted as it is (also on Windows)
            let shown = dir.display().to_string();
            let cd = if shown.contains(' ') {
                format!("\"{shown}\"")
            } else {
                shown
            };
            eprintln!("next: cd {cd} && innopress build; see README.md there for how to go on");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

pub fn synth(args: SynthArgs) -> ExitCode {
    let SynthArgs {
        dir,
        articles,
        projects,
        indicators,
        newsletters,
        pictures,
        seed,
    } = args;
    let params = innopress::synth::Params {
        seed,
        articles,
        projects,
        indicators,
        newsletters,
        pictures,
        ..innopress::synth::Params::default()
    };
    match innopress::synth::generate(&dir, &params) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    {
        use clap::CommandFactory;
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "innopress", &mut script);
        stdout(&script)
    }
}
