//! The returned spreadsheets merged into the data: `import observations FILE...` reads each
//! city's file in the template's layout ([`super::templates`]), checks every figure at its
//! cell, and adds the new ones to `content/data/observations/YEAR.toml`. Nothing is written
//! while any file has an error, unless the caller skips what is invalid; a figure already in
//! the data with the same value changes nothing, so importing a file twice is harmless, and
//! one that differs is an error showing both values. An `n/a` in the year's cell says the
//! indicator does not apply to the city, and is recorded as `not_applicable = true`.

use super::sheet::{self, Cell, Sheet};
use super::templates::{CITY_CELL, NOT_APPLICABLE, is_percent};
use crate::content::Site;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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
            Reading::Value(v) => write!(f, "{v}"),
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
    /// Where it was read: `tampere.xlsx:2025!J5`.
    pub at: String,
}

/// A problem at a file or cell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub at: String,
    pub error: bool,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = if self.error { "error" } else { "warning" };
        write!(f, "{}: {level}: {}", self.at, self.message)
    }
}

/// What an import would do.
#[derive(Debug, Default)]
pub struct Plan {
    pub add: Vec<Figure>,
    /// Figures already in the data with the same value.
    pub unchanged: usize,
    pub problems: Vec<Problem>,
}

impl Plan {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.error).count()
    }
}

/// Reads every file and checks every figure against the site's data.
pub fn plan(site: &Site, files: &[PathBuf]) -> Plan {
    let mut plan = Plan::default();
    let mut seen: BTreeMap<(String, String, i32), String> = BTreeMap::new();
    for path in files {
        read_file(site, path, &mut plan, &mut seen);
    }
    plan.problems.sort();
    plan
}

fn problem(at: String, error: bool, message: String) -> Problem {
    Problem { at, error, message }
}

fn read_file(
    site: &Site,
    path: &Path,
    plan: &mut Plan,
    seen: &mut BTreeMap<(String, String, i32), String>,
) {
    let file = path.display().to_string();
    let sheet = match sheet::read(path) {
        Ok(s) => s,
        Err(e) => {
            plan.problems.push(problem(file, true, e.to_string()));
            return;
        }
    };
    let at = |row: usize, col: usize| format!("{file}:{}", sheet.address(row, col));
    let Some(header) = (0..sheet.rows.len().min(30)).find(|&r| sheet.text(r, 0) == "indicator")
    else {
        plan.problems.push(problem(
            file.clone(),
            true,
            "no header row with `indicator` in its first column".into(),
        ));
        return;
    };
    let heads: Vec<String> = (0..sheet.rows[header].len())
        .map(|c| sheet.text(header, c))
        .collect();
    let target_col = heads.iter().position(|h| h == "target");
    let years: Vec<(usize, i32)> = heads
        .iter()
        .enumerate()
        .filter_map(|(c, h)| {
            h.parse::<i32>()
                .ok()
                .filter(|y| (1900..=9999).contains(y))
                .map(|y| (c, y))
        })
        .collect();
    // the year asked is the last year column (the one before `target`)
    let Some(&(year_col, year)) = years.last() else {
        plan.problems.push(problem(
            at(header, 0),
            true,
            "no column headed by a year".into(),
        ));
        return;
    };
    // the city: the file's name, which the template's own cell must agree with
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_lowercase();
    let named = (sheet.text(CITY_CELL.0 as usize, 0) == "city")
        .then(|| sheet.text(CITY_CELL.0 as usize, CITY_CELL.1 as usize))
        .filter(|s| !s.is_empty());
    let city = match &named {
        Some(n) if *n != stem && site.cities.iter().any(|c| c.id.get_ref() == &stem) => {
            plan.problems.push(problem(
                at(CITY_CELL.0 as usize, CITY_CELL.1 as usize),
                true,
                format!(
                    "the file is named for `{}` but its sheet is for `{}`: check which city sent it",
                    crate::text::printable(&stem),
                    crate::text::printable(n)
                ),
            ));
            return;
        }
        Some(n) => n.clone(),
        None => stem,
    };
    if !site.cities.iter().any(|c| c.id.get_ref() == &city) {
        plan.problems.push(problem(
            file.clone(),
            true,
            format!(
                "`{}` is not a city of content/data/cities.toml (the file's name says which city it is)",
                crate::text::printable(&city)
            ),
        ));
        return;
    }
    for row in header + 1..sheet.rows.len() {
        let id = sheet.text(row, 0);
        if id.is_empty() {
            continue;
        }
        let Some(ind) = site.indicators.iter().find(|i| i.id.get_ref() == &id) else {
            plan.problems.push(problem(
                at(row, 0),
                true,
                format!("unknown indicator `{}`", crate::text::printable(&id)),
            ));
            continue;
        };
        let value = match reading(&sheet, row, year_col, &at) {
            Ok(Some(v)) => v,
            Ok(None) => continue,
            Err(p) => {
                plan.problems.push(p);
                continue;
            }
        };
        let mut target = match target_col.map(|c| number(&sheet, row, c, &at)) {
            Some(Ok(t)) => t,
            Some(Err(p)) => {
                plan.problems.push(p);
                None
            }
            None => None,
        };
        if value == Reading::NotApplicable
            && let (Some(_), Some(c)) = (target, target_col)
        {
            plan.problems.push(problem(
                at(row, c),
                false,
                format!("the target is left out: `{id}` is marked n/a, so it has none"),
            ));
            target = None;
        }
        if is_percent(ind) {
            let figure = match value {
                Reading::Value(v) => Some(v),
                Reading::NotApplicable => None,
            };
            let bad = [figure, target]
                .into_iter()
                .flatten()
                .find(|v| !(0.0..=100.0).contains(v));
            if let Some(v) = bad {
                plan.problems.push(problem(
                    at(row, year_col),
                    true,
                    format!("{v} is not a percentage (0–100) for `{id}`"),
                ));
                continue;
            }
        }
        let key = (city.clone(), id.clone(), year);
        if let Some(first) = seen.get(&key) {
            plan.problems.push(problem(
                at(row, year_col),
                true,
                format!("`{id}` of {city} for {year} was given already at {first}"),
            ));
            continue;
        }
        seen.insert(key, at(row, year_col));
        if let Some((was, file, same_target)) = earlier(site, &city, &id, year, target) {
            if was == value && same_target {
                plan.unchanged += 1;
            } else {
                plan.problems.push(problem(
                    at(row, year_col),
                    true,
                    format!(
                        "{value} differs from {was} already in {} for `{id}` of {city} in {year}",
                        site.source(file).path
                    ),
                ));
            }
            continue;
        }
        if let Reading::Value(v) = value
            && let Some(w) = far_off(site, &city, &id, year, v)
        {
            plan.problems.push(problem(at(row, year_col), false, w));
        }
        plan.add.push(Figure {
            city: city.clone(),
            indicator: id,
            year,
            value,
            target,
            at: at(row, year_col),
        });
    }
}

/// What the data already says of a city's indicator in a year: the reading, its file, and
/// whether `target` (when given) agrees with the recorded one.
fn earlier(
    site: &Site,
    city: &str,
    id: &str,
    year: i32,
    target: Option<f64>,
) -> Option<(Reading, crate::diagnostics::FileId, bool)> {
    let key = (city, id, year);
    if let Some(o) = site.observations.iter().find(|o| o.key() == key) {
        let same = target.is_none() || o.target == target;
        return Some((Reading::Value(o.value), o.origin.file, same));
    }
    site.not_applicable
        .iter()
        .find(|n| n.key() == key)
        .map(|n| (Reading::NotApplicable, n.origin.file, true))
}

/// The year's cell: a number, `n/a`, or `Ok(None)` when empty.
fn reading(
    sheet: &Sheet,
    row: usize,
    col: usize,
    at: &dyn Fn(usize, usize) -> String,
) -> Result<Option<Reading>, Problem> {
    if let Cell::Text(t) = sheet.get(row, col)
        && t.trim().eq_ignore_ascii_case(NOT_APPLICABLE)
    {
        return Ok(Some(Reading::NotApplicable));
    }
    number(sheet, row, col, at)
        .map(|v| v.map(Reading::Value))
        .map_err(|mut p| {
            if matches!(sheet.get(row, col), Cell::Text(_)) {
                p.message.push_str(
                    ": write a number, or n/a if the indicator does not apply to the city",
                );
            }
            p
        })
}

/// A cell as a number: `Ok(None)` when empty, an error for anything but a number.
fn number(
    sheet: &Sheet,
    row: usize,
    col: usize,
    at: &dyn Fn(usize, usize) -> String,
) -> Result<Option<f64>, Problem> {
    let bad = |m: String| Err(problem(at(row, col), true, m));
    match sheet.get(row, col) {
        Cell::Empty => Ok(None),
        Cell::Number(n) if n.is_finite() => Ok(Some(*n)),
        Cell::Number(_) => bad("not a finite number".into()),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => match sheet::parse_number(t) {
            Some(v) => Ok(Some(v)),
            None => bad(format!(
                "text “{}” in a number cell",
                crate::text::printable(t.trim())
                    .chars()
                    .take(40)
                    .collect::<String>()
            )),
        },
        Cell::Date => bad("a date in a number cell".into()),
        Cell::Error(e) => bad(format!("the formula gives {e}")),
    }
}

/// The warning `check` gives for a value far from the city's other years, if it applies.
fn far_off(site: &Site, city: &str, id: &str, year: i32, value: f64) -> Option<String> {
    let others = site
        .observations
        .iter()
        .filter(|o| {
            o.city.get_ref() == city && o.indicator.get_ref() == id && *o.year.get_ref() != year
        })
        .map(|o| o.value);
    let (ratio, median) = crate::validate::far_from_median(others, value)?;
    Some(format!(
        "{value} is {ratio:.1}× the median of {city}'s other years ({median}): a typo?"
    ))
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
                text.push_str(&format!(
                    "[[observation]]\ncity = \"{}\"\nindicator = \"{}\"\nyear = {}\n",
                    f.city, f.indicator, f.year
                ));
                match f.value {
                    Reading::Value(v) => text.push_str(&format!("value = {v}\n")),
                    Reading::NotApplicable => text.push_str("not_applicable = true\n"),
                }
                if let Some(t) = f.target {
                    text.push_str(&format!("target = {t}\n"));
                }
            }
        }
        let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(err)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(err)?;
        tmp.as_file().sync_all().map_err(err)?;
        test_pause("written-not-renamed");
        tmp.persist(&path).map_err(|e| err(e.error))?;
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
