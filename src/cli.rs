//! The command line: every command and option, as clap derive types.

use clap::{Args, Parser, Subcommand};
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
    Build(BuildArgs),
    /// Print the impact summary: a table, or with --json the document of data/summary.json.
    #[command(
        after_help = "Examples:\n  innopress summary\n  innopress summary --json > summary.json\n  innopress summary --as-of 2025-12-31"
    )]
    Summary(SummaryArgs),
    /// Preview the site: build, serve on 127.0.0.1, rebuild and reload the browser on change.
    #[command(after_help = "Examples:\n  innopress serve\n  innopress serve --port 8080 --drafts")]
    Serve(ServeArgs),
    /// Create a new site in DIR (which must be new or empty) that builds as it is.
    #[command(
        after_help = "Examples:\n  innopress init my-site && cd my-site && innopress build\n  innopress init --country PT my-site\n  innopress init --list-countries"
    )]
    Init(InitArgs),
    /// Write a synthetic site for benchmarks (deterministic from --seed).
    #[command(hide = true)]
    Synth(SynthArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  innopress completions bash > ~/.local/share/bash-completion/completions/innopress\n  innopress completions zsh > ~/.zfunc/_innopress\n  innopress completions fish > ~/.config/fish/completions/innopress.fish"
    )]
    Completions { shell: clap_complete::Shell },
    /// Newsletter issues: build the email files, send a test, send the campaign.
    #[command(subcommand)]
    Newsletter(NewsletterCommand),
    /// Import data from other tools (funding register exports).
    #[command(subcommand)]
    Import(ImportCommand),
    /// The yearly data collection: spreadsheets for the cities, and what has come back.
    #[command(subcommand)]
    Collect(CollectCommand),
    /// Keep what a document shows: write its figures, charts and tables beside it
    /// (NAME.frozen.toml), so that it shows them whatever the data says later.
    #[command(
        after_help = "Example:\n  innopress freeze content/reports/annual-report-2024.md\n\nCommit the .frozen.toml file with the document. A newsletter issue is recorded when its\ncampaign starts (newsletter send --list), not with freeze."
    )]
    Freeze(FreezeArgs),
    /// Validate content and theme; build nothing. Exits 1 when there are errors.
    #[command(after_help = "Example:\n  innopress check --root mysite")]
    Check(CheckArgs),
    /// Say which build this is and where it finds the site's settings, theme overrides,
    /// working files and secrets (whether each variable is set, never its value).
    #[command(
        name = "self-check",
        after_help = "Example:\n  innopress self-check --root mysite"
    )]
    SelfCheck {
        /// The site's folder (the one holding content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// The browser editor (Decap CMS at /admin/ of `innopress serve`).
    #[command(subcommand)]
    Cms(CmsCommand),
}

#[derive(Debug, Subcommand)]
pub enum CmsCommand {
    /// Print the editor's configuration (Decap's config.yml), made from the content model
    /// and the site's data files.
    #[command(
        after_help = "Examples:\n  innopress cms config\n  innopress cms config --published > admin-config.yml\n\nThe configuration is made anew each time: never edit it by hand."
    )]
    Config {
        /// The site's folder (the one holding content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// As written into the published site: the Git host's backend of [cms] in
        /// site.toml, instead of the local backend `innopress serve` answers.
        #[arg(long)]
        published: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CollectCommand {
    /// Write one spreadsheet per city for the figures of YEAR (CITY.xlsx and CITY.csv).
    #[command(
        after_help = "Example:\n  innopress collect templates --year 2025 --out collection-2025\n\nEach sheet lists the indicators with the four years before filled in (locked); the\ncolumn YEAR, a target and a comment are left to fill, and take numbers only."
    )]
    Templates(CollectTemplatesArgs),
    /// Which cities have reported which indicators for YEAR, and whom to chase.
    #[command(after_help = "Example:\n  innopress collect status --year 2025")]
    Status(CollectStatusArgs),
}

#[derive(Debug, Args)]
pub struct CollectTemplatesArgs {
    /// The year asked for.
    #[arg(long)]
    pub year: i32,
    /// Where the spreadsheets go (created if missing). Default: ROOT/collection-YEAR.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The site folder (the one holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Args)]
pub struct CollectStatusArgs {
    /// The year to look at.
    #[arg(long)]
    pub year: i32,
    /// Print the grid as JSON.
    #[arg(long)]
    pub json: bool,
    /// The site folder (the one holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Turn a CSV export of a project register into a projects file, as MAPPING.toml says.
    #[command(
        after_help = "Examples:\n  innopress import projects register.csv --map examples/import/erdf-esf-2014-2020.toml\n  innopress import projects register.csv --map mapping.toml --output content/data/projects/erdf.toml --skip-invalid\n\nRejected rows are listed with their line and reason, and always written to NAME.rejects.csv\nbeside the output. Without --skip-invalid nothing else is written while any row is rejected."
    )]
    Projects(ImportProjectsArgs),
    /// Merge the cities' returned spreadsheets (.xlsx, .ods or .csv, in the layout of
    /// `collect templates`) into content/data/observations/YEAR.toml.
    #[command(
        after_help = "Examples:\n  innopress import observations returned/*.xlsx --dry-run\n  innopress import observations returned/*.xlsx\n  innopress import observations returned/*.xlsx --skip-invalid\n\nEvery problem is listed at its cell (tampere.xlsx:2025!J7). Nothing is written while any\nfile has an error, unless --skip-invalid: then what is valid is imported. Importing the\nsame file again changes nothing."
    )]
    Observations(ImportObservationsArgs),
}

#[derive(Debug, Args)]
pub struct ImportObservationsArgs {
    /// The returned spreadsheets, one per city, named after the city's id.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Import what is valid and leave the cells and files with errors out.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Show what would be added; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The site folder (the one holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum NewsletterCommand {
    /// Build the site and the email files of issue NUMBER (output/newsletter/NUMBER/email.*).
    #[command(after_help = "Example:\n  innopress newsletter build 2")]
    Build(NewsletterBuildArgs),
    /// Send issue NUMBER: a test to one address (--to) or the campaign to a list (--list).
    #[command(
        after_help = "Examples:\n  innopress newsletter send 2 --to me@example.org\n  innopress newsletter send 2 --list subscribers.csv --dry-run\n  INNOPRESS_SMTP_PASSWORD=… innopress newsletter send 2 --list subscribers.csv\n\nEnvironment:\n  INNOPRESS_SMTP_URL        overrides [smtp] url\n  INNOPRESS_SMTP_PASSWORD   the SMTP password (never in files)\n  INNOPRESS_DKIM_KEY        path of the DKIM private key\n  INNOPRESS_UNSUBSCRIBE_SECRET  signs {token} in https unsubscribe links"
    )]
    Send(NewsletterSendArgs),
    /// Check issue NUMBER as a campaign would before its first message: every link and
    /// picture answers on the published site, the size, the unsubscribe link and the address.
    #[command(
        after_help = "Example:\n  innopress newsletter check 2\n\nPublish the site first: the links are fetched from base_url. Exits 1 when the campaign would refuse."
    )]
    Check(NewsletterCheckArgs),
    /// What is kept about one subscriber, and forgetting them (their rights under the GDPR).
    #[command(subcommand)]
    Subscriber(SubscriberCommand),
    /// Read the newsletter's mailbox and keep the list: leaving, bounces, joining with a
    /// confirmation; every change recorded, nothing done twice.
    #[command(
        after_help = "Examples:\n  INNOPRESS_IMAP_PASSWORD=… innopress newsletter inbox --list subscribers.csv --imap imaps://news%40example.org@mail.example.org/INBOX\n  innopress newsletter inbox --list subscribers.csv saved/*.eml export.mbox Maildir/ --dry-run\n\nEnvironment:\n  INNOPRESS_IMAP_PASSWORD       the mailbox's password (never in files)\n  INNOPRESS_UNSUBSCRIBE_SECRET  the key of every token (as for sending)\n  INNOPRESS_SMTP_PASSWORD       for the confirmations to people who ask to join"
    )]
    Inbox(InboxArgs),
}

#[derive(Debug, Args)]
pub struct InboxArgs {
    /// Saved messages to read instead of IMAP: .eml files, mbox files, Maildir folders.
    pub messages: Vec<PathBuf>,
    /// The subscriber list (CSV) to keep.
    #[arg(long)]
    pub list: PathBuf,
    /// The mailbox, as imaps://USER@HOST/INBOX [default: [inbox] url in site.toml].
    #[arg(long)]
    pub imap: Option<String>,
    /// Show what would change, and change nothing (no list, no mail, no flags).
    #[arg(long)]
    pub dry_run: bool,
    /// The site folder (the one holding content/ and .innopress/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum SubscriberCommand {
    /// Print every row of the list and every journal line about ADDRESS.
    #[command(
        after_help = "Example:\n  innopress newsletter subscriber show maija@example.org --list subscribers.csv"
    )]
    Show(SubscriberArgs),
    /// Remove ADDRESS from the list and every journal, keeping only a salted hash so that
    /// the address cannot be mailed again by an old export.
    #[command(
        after_help = "Example:\n  innopress newsletter subscriber forget maija@example.org --list subscribers.csv"
    )]
    Forget(SubscriberArgs),
}

#[derive(Debug, Args)]
pub struct SubscriberArgs {
    pub address: String,
    /// The subscriber list (CSV).
    #[arg(long)]
    pub list: PathBuf,
    /// The site folder (the one holding content/ and .innopress/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Args)]
pub struct NewsletterCheckArgs {
    pub number: u32,
    /// The site folder (the one holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Args)]
pub struct FreezeArgs {
    /// The document: content/articles/NAME.md, content/reports/NAME.md or content/pages/NAME.md.
    pub path: String,
    /// The site folder (the one holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Freeze again with today's figures, replacing the earlier record.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder (the one holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site [default: ROOT/output].
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Include documents with `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Compute project status as of this date (YYYY-MM-DD) instead of `as_of` in site.toml.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<innopress::date::Date>,
    /// Print nothing but warnings and errors.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print what was loaded and how long each stage took.
    #[arg(long, short)]
    pub verbose: bool,
    /// Replace an --output folder that holds other files, or an output that is a link.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// The site folder (the one holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Print JSON (only JSON on stdout; problems go to stderr).
    #[arg(long)]
    pub json: bool,
    /// Compute project status as of this date (YYYY-MM-DD) instead of `as_of` in site.toml.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<innopress::date::Date>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site folder (the one holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The port to listen on; the next free one is used if it is taken.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on (loopback by default, so only this computer sees it).
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Include documents with `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Open the site in the default browser once it is served.
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder of the new site.
    #[arg(required_unless_present = "list_countries")]
    pub dir: Option<PathBuf>,
    /// The country of the network, as its ISO code (PT, NO, GR): the site gets its map,
    /// built in, and a city there to start with.
    #[arg(long, value_name = "CODE")]
    pub country: Option<String>,
    /// List the countries --country and `map = "country:…"` know, with their codes.
    #[arg(long, conflicts_with_all = ["dir", "country"])]
    pub list_countries: bool,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    pub dir: PathBuf,
    #[arg(long, default_value_t = 1000)]
    pub articles: usize,
    #[arg(long, default_value_t = 2000)]
    pub projects: usize,
    #[arg(long, default_value_t = 20)]
    pub indicators: usize,
    #[arg(long, default_value_t = 12)]
    pub newsletters: usize,
    /// Photos to draw (2400×1600 JPEG), used by the cities and every 20th article.
    #[arg(long, default_value_t = 0)]
    pub pictures: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site folder (the one holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Treat warnings (such as data that is probably wrong) as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Also fetch every link to another site (HEAD, then GET if refused).
    #[arg(long)]
    pub external: bool,
    /// With --external: requests at a time.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallel: u16,
    /// With --external: seconds to wait for each site.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct ImportProjectsArgs {
    /// The CSV file (UTF-8, with a header row).
    pub csv: PathBuf,
    /// The mapping file: which column fills which project field.
    #[arg(long = "map", value_name = "MAPPING.toml")]
    pub mapping: PathBuf,
    /// The projects file to write [default: ROOT/content/data/projects/CSV-NAME.toml]
    #[arg(long, value_name = "FILE.toml")]
    pub output: Option<PathBuf>,
    /// The site folder, for the default output.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Write the good rows even if some rows are rejected.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct NewsletterBuildArgs {
    pub number: u32,
    /// The site folder (the one holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Args)]
pub struct NewsletterSendArgs {
    pub number: u32,
    /// The site folder (the one holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Send one test message, marked [TEST], to this address (not journaled).
    #[arg(long, conflicts_with = "list", required_unless_present = "list")]
    pub to: Option<String>,
    /// The subscriber list: CSV with the header email,name,status.
    #[arg(long)]
    pub list: Option<PathBuf>,
    /// Connect to nothing; print what would be sent to how many.
    #[arg(long)]
    pub dry_run: bool,
    /// SMTP connections used in parallel.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub connections: u16,
    /// Send to the valid rows even if some rows are invalid.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Also send to recipients whose earlier attempt ended uncertain (they may get it twice).
    #[arg(long)]
    pub retry_uncertain: bool,
    /// Try again the recipients whose earlier attempt failed.
    #[arg(long)]
    pub retry_failed: bool,
    /// Messages per minute over all connections [default: [smtp] per_minute].
    #[arg(long)]
    pub per_minute: Option<u32>,
    /// Print only the summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Skip the checks before sending (links, size, unsubscribe link, address): for a test
    /// message before the site is published.
    #[arg(long)]
    pub no_preflight: bool,
    /// Send only to rows whose COLUMN is VALUE (letter case ignored); repeat to narrow
    /// further, e.g. --where city=tampere --where language=en.
    #[arg(long = "where", value_name = "COLUMN=VALUE", value_parser = parse_condition)]
    pub segment: Vec<(String, String)>,
}

fn parse_condition(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((c, v)) if !c.trim().is_empty() => Ok((c.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("`{s}` is not COLUMN=VALUE, such as city=tampere")),
    }
}

fn parse_date(s: &str) -> Result<innopress::date::Date, String> {
    innopress::date::Date::parse(s).ok_or_else(|| format!("`{s}` is not a date like 2025-04-10"))
}
