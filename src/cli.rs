//! The command line: every command and option, as clap derive types.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "innopress",
    version,
    about = "Static site generator for impact reports and an English newsletter",
    after_help = "Examples:\n  innopress build                 build ./content into ./output\n  innopress check --root site     report every problem in site/content\n  innopress build --drafts        include articles with draft = true"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site in ROOT/content into ROOT/output (atomically).
    #[command(
        after_help = "Examples:\n  innopress build\n  innopress build --root mysite --output /tmp/site --as-of 2025-06-30"
    )]
    Build {
        /// The site folder (the one holding content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/output].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Include documents with `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Compute project status as of this date (YYYY-MM-DD) instead of `as_of` in site.toml.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<innopress::date::Date>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Print the impact summary: a table, or with --json the document of data/summary.json.
    #[command(
        after_help = "Examples:\n  innopress summary\n  innopress summary --json > summary.json\n  innopress summary --as-of 2025-12-31"
    )]
    Summary {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Print JSON (only JSON on stdout; problems go to stderr).
        #[arg(long)]
        json: bool,
        /// Compute project status as of this date (YYYY-MM-DD) instead of `as_of` in site.toml.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<innopress::date::Date>,
    },
    /// Validate content and theme; build nothing. Exits 1 when there are errors.
    #[command(after_help = "Example:\n  innopress check --root mysite")]
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

fn parse_date(s: &str) -> Result<innopress::date::Date, String> {
    innopress::date::Date::parse(s).ok_or_else(|| format!("`{s}` is not a date like 2025-04-10"))
}
