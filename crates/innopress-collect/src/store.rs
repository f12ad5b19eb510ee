//! The figures an import adds, as the `[[observation]]` tables it writes: each table is
//! read back through the content loader before it is planned (so nothing written can
//! break the next `check`), and the observation files are replaced at once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What a city wrote in the year's cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reading {
    Value(f64),
    /// `n/a`: the indicator does not apply to the city.
    NotApplicable,
}

impl std::fmt::Display for Reading {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // as typed, but never hundreds of zeros
            Reading::Value(v) if *v == 0.0 || (1e-6..1e16).contains(&v.abs()) => {
                write!(f, "{v}")
            }
            Reading::Value(v) => write!(f, "{v:e}"),
            Reading::NotApplicable => f.write_str("n/a"),
        }
    }
}

/// A figure to add.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub city: String,
    pub indicator: String,
    pub year: i32,
    pub value: Reading,
    pub target: Option<f64>,
    /// The city's comment beside the figure, on one line.
    pub comment: Option<String>,
    /// Where it was read: `tampere.xlsx:2025!J5`.
    pub at: String,
}

/// The `[[observation]]` table written for a figure.
fn table(f: &Figure) -> String {
    let mut text = format!(
        "[[observation]]\ncity = \"{}\"\nindicator = \"{}\"\nyear = {}\n",
        f.city, f.indicator, f.year
    );
    match f.value {
        Reading::Value(v) => text.push_str(&format!("value = {}\n", toml_number(v))),
        Reading::NotApplicable => text.push_str("not_applicable = true\n"),
    }
    if let Some(t) = f.target {
        text.push_str(&format!("target = {}\n", toml_number(t)));
    }
    if let Some(c) = &f.comment {
        // TOML's own quoting: a city's text is data, never TOML
        text.push_str(&format!("comment = {}\n", toml::Value::String(c.clone())));
    }
    text
}

/// A number as TOML that reads back as the same `f64`: an integer while it is one an
/// `f64` holds exactly (`142`, as people write figures), else Rust's shortest form that
/// reads back exactly, in exponent notation when it is very large or small (`{v}` would
/// write 1e300 as 301 digits, an integer TOML cannot hold).
fn toml_number(v: f64) -> String {
    if v == v.trunc() && v.abs() < 9_007_199_254_740_992.0 {
        format!("{}", v as i64)
    } else {
        format!("{v:?}")
    }
}

/// Whether the table written for `f` loads, through the loader's own reading, as the
/// figure it is: nothing the import writes may break the next `check`.
pub(super) fn reads_back(f: &Figure) -> bool {
    use innopress_content::content::observation::{ObservationRow, Row};
    let src = innopress_core::diagnostics::SourceFile {
        path: f.at.clone(),
        text: table(f).into(),
    };
    let mut diags = innopress_core::diagnostics::Diagnostics::default();
    let loaded = innopress_content::content::tables::load_array::<ObservationRow>(
        &src,
        "observation",
        &mut diags,
    );
    let row = loaded
        .items
        .into_iter()
        .next()
        .and_then(|(row, _)| row.split(&src, &mut diags));
    let same = match (row, f.value) {
        (Some(Row::Figure(o)), Reading::Value(v)) => {
            o.value == v && o.target == f.target && o.comment == f.comment
        }
        (Some(Row::NotApplicable(n)), Reading::NotApplicable) => n.comment == f.comment,
        _ => false,
    };
    same && diags.items.is_empty()
}

#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct WriteError {
    pub path: String,
    #[source]
    pub source: std::io::Error,
}

/// Adds the planned figures to `content/data/observations/YEAR.toml`, each file replaced
/// at once (a killed import leaves it as it was). Returns the files written.
pub fn write(root: &Path, add: &[Figure]) -> Result<Vec<String>, WriteError> {
    let mut by_year: BTreeMap<i32, Vec<&Figure>> = BTreeMap::new();
    for f in add {
        by_year.entry(f.year).or_default().push(f);
    }
    let dir = root.join("content/data/observations");
    let mut written = Vec::new();
    for (year, figures) in by_year {
        let rel = format!("content/data/observations/{year}.toml");
        let err = |source| WriteError {
            path: rel.clone(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(err)?;
        let path = dir.join(format!("{year}.toml"));
        let mut text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => format!(
                "# The figures of {year}, imported from the cities' spreadsheets\n# (innopress import observations).\n"
            ),
            Err(e) => return Err(err(e)),
        };
        let cities: BTreeSet<&str> = figures.iter().map(|f| f.city.as_str()).collect();
        for city in cities {
            for f in figures.iter().filter(|f| f.city == city) {
                if !text.ends_with("\n\n") {
                    text.push('\n');
                }
                text.push_str(&table(f));
            }
        }
        let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(err)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(err)?;
        tmp.as_file().sync_all().map_err(err)?;
        test_pause("written-not-renamed");
        tmp.persist(&path)
            .map_err(|e| err(innopress_core::files::replace_error(e.error)))?;
        written.push(rel);
    }
    Ok(written)
}

/// Test hook: a debug build stops for a minute at `point` when `INNOPRESS_TEST_IMPORT_PAUSE`
/// names it, after saying so on stderr, so that a test can kill it there.
fn test_pause(point: &str) {
    if cfg!(debug_assertions)
        && std::env::var("INNOPRESS_TEST_IMPORT_PAUSE").is_ok_and(|p| p == point)
    {
        eprintln!("PAUSED at {point}");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}
