//! `serve`, `init`, `completions` and the hidden `synth`: the commands that set up or show a
//! site rather than build it.

use super::print::stdout;
use crate::cli::{Cli, InitArgs, ServeArgs, SynthArgs};
use std::process::ExitCode;

pub fn serve(args: ServeArgs) -> ExitCode {
    let ServeArgs {
        root,
        port,
        bind,
        drafts,
        open,
    } = args;
    crate::keep_freed_memory();
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

pub fn init(args: InitArgs) -> ExitCode {
    if args.list_countries {
        let list: String = innopress::map::countries::list()
            .into_iter()
            .map(|(code, name)| format!("{code}  {name}\n"))
            .collect();
        return stdout(list.as_bytes());
    }
    let Some(dir) = args.dir else {
        return ExitCode::from(2);
    };
    let country = match args
        .country
        .as_deref()
        .map(innopress::init::country)
        .transpose()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            if matches!(e, innopress::init::InitError::UnknownCountry { .. }) {
                eprintln!("  = help: `innopress init --list-countries` lists the codes");
            }
            return ExitCode::from(1);
        }
    };
    match innopress::init::init(&dir, country.as_ref()) {
        Ok(files) => {
            eprintln!(
                "created a new site in {} ({} files)",
                dir.display(),
                files.len()
            );
            if let Some(c) = &country {
                eprintln!(
                    "its map is {}, built in (map = \"country:{}\" in content/site.toml)",
                    c.name, c.code
                );
            }
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
