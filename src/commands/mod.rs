//! One module per command: each turns its arguments into library calls and the outcome into
//! messages on stderr and an exit code (0 success, 1 problems, 2 usage errors). Nothing here
//! decides anything the library could.

mod build;
mod check;
mod collect;
mod import;
mod inbox;
mod newsletter;
mod print;
mod selfcheck;
mod site;
mod summary;

use crate::cli::Command;
use std::process::ExitCode;

/// Runs one command.
pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Build(args) => build::run(args),
        Command::Summary(args) => summary::run(args),
        Command::Check(args) => check::run(args),
        Command::SelfCheck { root } => selfcheck::run(&root),
        Command::Cms(crate::cli::CmsCommand::Config { root, published }) => {
            cms_config(&root, published)
        }
        Command::Freeze(args) => newsletter::freeze(args),
        Command::Newsletter(cmd) => newsletter::run(cmd),
        Command::Import(cmd) => import::run(cmd),
        Command::Collect(cmd) => collect::run(cmd),
        Command::Serve(args) => site::serve(args),
        Command::Init(args) => site::init(args),
        Command::Synth(args) => site::synth(args),
        Command::Completions { shell } => site::completions(shell),
    }
}

/// `innopress cms config`: the generated configuration on standard output.
fn cms_config(root: &std::path::Path, published: bool) -> std::process::ExitCode {
    use innopress::cms::config;
    let settings = config::Settings::read(root);
    let mode = if published {
        config::Mode::Published
    } else {
        config::Mode::Local
    };
    if published && settings.cms.is_none() {
        eprintln!(
            "warning: content/site.toml has no readable [cms] table; the configuration below uses the local backend"
        );
    }
    print!("{}", config::to_yaml(&config::decap(root, &settings, mode)));
    std::process::ExitCode::SUCCESS
}
