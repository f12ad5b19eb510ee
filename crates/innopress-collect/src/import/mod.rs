//! The returned spreadsheets merged into the data: `import observations FILE...` reads each
//! city's file in the template's layout ([`super::templates`]), checks every figure at its
//! cell, and adds the new ones to `content/data/observations/YEAR.toml`. Nothing is written
//! while any file has an error, unless the caller skips what is invalid; a figure already in
//! the data with the same value changes nothing, so importing a file twice is harmless, and
//! one that differs is an error showing both values. An `n/a` in the year's cell says the
//! indicator does not apply to the city, and is recorded as `not_applicable = true`.

mod rows;
use super::book;
use super::sheet::{self, Cell, Sheet};
use super::store::reads_back;
pub use super::store::{Figure, Reading, WriteError, write};
use super::templates::{NOT_APPLICABLE, is_percent};
use innopress_content::content::Site;
use innopress_content::content::model::Indicator;
use innopress_content::content::observation::{YEARS, figure_problem};
use rows::{Columns, Returned};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    let sheet = match book::read(path) {
        Ok(s) => s,
        Err(e) => {
            let at = match e.cell() {
                Some(cell) => format!("{file}:{cell}"),
                None => file,
            };
            plan.problems.push(problem(at, true, e.to_string()));
            return;
        }
    };
    let at = |row: usize, col: usize| format!("{file}:{}", sheet.address(row, col));
    let columns = match Columns::find(&sheet, &file, &at) {
        Ok(c) => c,
        Err(p) => {
            plan.problems.push(p);
            return;
        }
    };
    let Some(city) = city_of(site, path, &sheet, columns.header, &at, plan) else {
        return;
    };
    if !site.cities.iter().any(|c| c.id.get_ref() == &city) {
        plan.problems.push(problem(
            file.clone(),
            true,
            format!(
                "`{}` is not a city of content/data/cities.toml (the file's name says which city it is)",
                innopress_core::text::printable(&city)
            ),
        ));
        return;
    }
    let file = Returned {
        site,
        sheet: &sheet,
        at: &at,
        columns,
        city,
    };
    for row in file.columns.header + 1..sheet.height() {
        let id = sheet.text(row, 0);
        if !id.is_empty() {
            file.row(row, id, plan, seen);
        }
    }
}

/// The message for a file named for one city that holds another's sheet.
pub const WRONG_CITY: &str = "check which city sent it; nothing of this file is imported (name the file for the city that sent it, and ask the other city for its own file)";

/// The city a file is for. Its name says which (`oulu.xlsx`, and also `Oulu (1).xlsx` or
/// `oulu-2025.xlsx`: a city's id as a word of the name), and the template's own `city`
/// cell, in a row above the header wherever rows were added, must agree: a file named for
/// one city that holds another's sheet is refused as a whole, never imported as either.
/// `None` once the problem is recorded.
fn city_of(
    site: &Site,
    path: &Path,
    sheet: &Sheet,
    header: usize,
    at: &dyn Fn(usize, usize) -> String,
    plan: &mut Plan,
) -> Option<String> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_lowercase();
    let by_name: Vec<&str> = site
        .cities
        .iter()
        .map(|c| c.id.get_ref().as_str())
        .filter(|id| names(&stem, id))
        .collect();
    let inside = (0..header)
        .find(|&r| sheet.text(r, 0).eq_ignore_ascii_case("city"))
        .map(|r| (sheet.text(r, 1).to_lowercase(), r))
        .filter(|(c, _)| !c.is_empty());
    let printable = |s: &str| {
        innopress_core::text::printable(s)
            .chars()
            .take(40)
            .collect::<String>()
    };
    match inside {
        Some((city, row)) if !by_name.is_empty() && !by_name.contains(&city.as_str()) => {
            plan.problems.push(problem(
                at(row, 1),
                true,
                format!(
                    "the file is named for `{}` but its sheet is for `{}`: {WRONG_CITY}",
                    by_name.join("`, `"),
                    printable(&city)
                ),
            ));
            None
        }
        Some((city, _)) => Some(city),
        None if by_name.len() > 1 => {
            plan.problems.push(problem(
                path.display().to_string(),
                true,
                format!(
                    "the file's name names more than one city (`{}`) and its sheet says none: name the file for the city that sent it",
                    by_name.join("`, `")
                ),
            ));
            None
        }
        None => Some(by_name.first().map_or(stem, |c| c.to_string())),
    }
}

/// Whether `id` is a word of the file name `stem`: not part of a longer word, so that
/// `oulu (1)` and `oulu-2025` name `oulu` and `ouluntie` does not.
fn names(stem: &str, id: &str) -> bool {
    !id.is_empty()
        && stem.match_indices(id).any(|(i, _)| {
            let before = stem[..i].chars().next_back();
            let after = stem[i + id.len()..].chars().next();
            [before, after]
                .into_iter()
                .flatten()
                .all(|c| !c.is_alphanumeric())
        })
}

/// The figure of a reading, if it is one.
fn figure_value(r: Reading) -> Option<f64> {
    match r {
        Reading::Value(v) => Some(v),
        Reading::NotApplicable => None,
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
) -> Option<(Reading, innopress_core::diagnostics::FileId, bool)> {
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
        // -0 is written and shown as 0
        Cell::Number(n) if *n == 0.0 => Ok(Some(0.0)),
        Cell::Number(n) if n.is_finite() => Ok(Some(*n)),
        Cell::Number(_) => bad("not a finite number".into()),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => match sheet::parse_number(t) {
            Some(v) => Ok(Some(if v == 0.0 { 0.0 } else { v })),
            None => bad(format!(
                "text “{}” in a number cell",
                innopress_core::text::printable(t.trim())
                    .chars()
                    .take(40)
                    .collect::<String>()
            )),
        },
        Cell::Date => bad("a date in a number cell".into()),
        Cell::Error(e) => bad(format!("the formula gives {e}")),
        Cell::Uncomputed => bad(
            "a formula whose result the file does not hold (it was saved by a program that does not compute formulas): open the file in a spreadsheet program and save it, so the result is stored, or type the number in place of the formula".into(),
        ),
    }
}

/// The warning `check` gives for a likely slipped digit, if the new figure is one.
fn far_off(
    site: &Site,
    city: &str,
    id: &str,
    new: innopress_content::validate::slips::Point,
) -> Option<String> {
    let mut points: Vec<_> = site
        .observations
        .iter()
        .filter(|o| {
            o.city.get_ref() == city && o.indicator.get_ref() == id && *o.year.get_ref() != new.year
        })
        .map(innopress_content::validate::point)
        .collect();
    points.push(new);
    let s = innopress_content::validate::slips::slip(&points, new.year)?;
    Some(format!(
        "{} ({})",
        s.message(id, city),
        innopress_content::validate::SLIP_HINT
    ))
}

/// A city's comment as it is kept: on one line (line breaks and other controls become
/// spaces), `None` when it is empty.
fn comment_text(cell: &str) -> Option<String> {
    let spaced: String = cell
        .chars()
        .map(|c| {
            if innopress_core::text::is_control(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let one_line = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    (!one_line.is_empty()).then_some(one_line)
}
