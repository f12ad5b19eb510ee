//! `innopress self-check`: which build this is, and where it finds a site's settings, its
//! theme overrides, its working files and the secrets it reads from the environment (by
//! name only: a value is never printed).

use std::path::Path;
use std::process::ExitCode;

/// The variables innopress reads; whether each is set, never what it holds.
const VARIABLES: &[&str] = &[
    "INNOPRESS_SMTP_PASSWORD",
    "INNOPRESS_SMTP_URL",
    "INNOPRESS_DKIM_KEY",
    "INNOPRESS_UNSUBSCRIBE_SECRET",
    "INNOPRESS_IMAP_URL",
    "INNOPRESS_IMAP_PASSWORD",
    "NO_COLOR",
];

pub fn run(root: &Path) -> ExitCode {
    let build = if cfg!(debug_assertions) {
        "a debug build"
    } else {
        "an optimised build"
    };
    println!(
        "innopress {} for {} ({build})",
        env!("CARGO_PKG_VERSION"),
        env!("INNOPRESS_TARGET")
    );
    match std::env::current_exe() {
        Ok(p) => println!("program:   {}", p.display()),
        Err(e) => println!("program:   unknown ({e})"),
    }
    let root = &std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    println!("site:      {}", root.display());
    let ok = settings(root);
    themes(root);
    println!(
        "working:   {} (caches, journals; keep it private)",
        root.join(".innopress").display()
    );
    for v in VARIABLES {
        let set = std::env::var_os(v).is_some_and(|s| !s.is_empty());
        println!("{v:<29} {}", if set { "set" } else { "not set" });
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The site's settings file, and whether it loads.
fn settings(root: &Path) -> bool {
    let settings = root.join("content").join("site.toml");
    let mut ok = true;
    if settings.is_file() {
        match innopress::content::load_config(root) {
            Ok(c) => println!("settings:  {} (\"{}\")", settings.display(), c.title),
            Err(d) => {
                ok = false;
                println!(
                    "settings:  {} has {} problem(s): run innopress check",
                    settings.display(),
                    d.items.len()
                );
            }
        }
    } else {
        ok = false;
        println!(
            "settings:  none: {} does not exist (run innopress in a site's folder, pass --root, or make one with innopress init)",
            settings.display()
        );
    }
    ok
}

/// How many files of the built-in theme the site overrides.
fn themes(root: &Path) {
    let themes = root.join("themes");
    let overrides = walkdir::WalkDir::new(&themes)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .count();
    if overrides > 0 {
        println!(
            "theme:     the built-in theme, {overrides} file(s) overridden in {}",
            themes.display()
        );
    } else {
        println!("theme:     the built-in theme");
    }
}
