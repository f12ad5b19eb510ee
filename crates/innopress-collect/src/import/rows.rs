//! One returned sheet read row by row: the header's columns found, each indicator's figure
//! and target read at its cell and checked against the loader's rules and the data already
//! there.

use super::*;

/// Where a returned sheet keeps what: its header row, the year asked, target and comment.
pub(super) struct Columns {
    pub(super) header: usize,
    pub(super) year_col: usize,
    pub(super) year: i32,
    pub(super) target_col: Option<usize>,
    pub(super) comment_col: Option<usize>,
}

impl Columns {
    pub(super) fn find(
        sheet: &Sheet,
        file: &str,
        at: &dyn Fn(usize, usize) -> String,
    ) -> Result<Columns, Problem> {
        let Some(header) = (0..sheet.height().min(30)).find(|&r| sheet.text(r, 0) == "indicator")
        else {
            return Err(problem(
                file.to_string(),
                true,
                "no header row with `indicator` in its first column".into(),
            ));
        };
        let heads: Vec<String> = (0..sheet.width(header))
            .map(|c| sheet.text(header, c))
            .collect();
        // a heading of digits is a year column; one outside the years the data may name is
        // refused, not passed over, since the year asked is found as the last year column
        let mut years: Vec<(usize, i32)> = Vec::new();
        for (c, h) in heads.iter().enumerate() {
            if h.is_empty() || !h.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            match h.parse::<i32>().ok().filter(|y| YEARS.contains(y)) {
                Some(y) => years.push((c, y)),
                None => {
                    return Err(problem(
                        at(header, c),
                        true,
                        format!(
                            "the column heading {} is not a year innopress records ({} to {}): put back the template's heading",
                            h.chars().take(12).collect::<String>(),
                            YEARS.start(),
                            YEARS.end()
                        ),
                    ));
                }
            }
        }
        // the year asked is the last year column (the one before `target`)
        let Some(&(year_col, year)) = years.last() else {
            return Err(problem(
                at(header, 0),
                true,
                "no column headed by a year".into(),
            ));
        };
        Ok(Columns {
            header,
            year_col,
            year,
            target_col: heads.iter().position(|h| h == "target"),
            comment_col: heads.iter().position(|h| h == "comment"),
        })
    }
}

/// A returned sheet being read, for one city.
pub(super) struct Returned<'a> {
    pub(super) site: &'a Site,
    pub(super) sheet: &'a Sheet,
    pub(super) at: &'a dyn Fn(usize, usize) -> String,
    pub(super) columns: Columns,
    pub(super) city: String,
}

impl Returned<'_> {
    /// The figure of one indicator's row, added to the plan or refused with a problem.
    pub(super) fn row(
        &self,
        row: usize,
        id: String,
        plan: &mut Plan,
        seen: &mut BTreeMap<(String, String, i32), String>,
    ) {
        let (site, at, city) = (self.site, self.at, &self.city);
        let Columns {
            year_col,
            year,
            comment_col,
            ..
        } = self.columns;
        let Some(ind) = site.indicators.iter().find(|i| i.id.get_ref() == &id) else {
            plan.problems.push(problem(
                at(row, 0),
                true,
                format!(
                    "unknown indicator `{}`",
                    innopress_core::text::printable(&id)
                ),
            ));
            return;
        };
        let comment = comment_col.and_then(|c| comment_text(&self.sheet.text(row, c)));
        let Some(value) = self.value(row, &id, comment.as_deref(), plan) else {
            return;
        };
        let target = self.target(row, &id, value, plan);
        if let Some(p) = self.refused(row, &id, ind, value, target) {
            plan.problems.push(p);
            return;
        }
        if self.given_before(row, &id, value, target, plan, seen) {
            return;
        }
        if let Reading::Value(v) = value
            && let Some(w) = far_off(
                site,
                city,
                &id,
                innopress_content::validate::slips::Point {
                    year,
                    value: v,
                    target,
                    commented: comment.is_some(),
                },
            )
        {
            plan.problems.push(problem(at(row, year_col), false, w));
        }
        let figure = Figure {
            city: city.clone(),
            indicator: id,
            year,
            value,
            target,
            comment,
            at: at(row, year_col),
        };
        if !reads_back(&figure) {
            let why = format!(
                "{} cannot be written so that it reads back the same: type the figure again",
                figure.value
            );
            plan.problems.push(problem(figure.at, true, why));
            return;
        }
        plan.add.push(figure);
    }

    /// Whether the figure was given before: earlier in these files (a problem), or already
    /// in the data (unchanged, or a problem when it differs).
    fn given_before(
        &self,
        row: usize,
        id: &str,
        value: Reading,
        target: Option<f64>,
        plan: &mut Plan,
        seen: &mut BTreeMap<(String, String, i32), String>,
    ) -> bool {
        let (site, at, city) = (self.site, self.at, &self.city);
        let Columns { year_col, year, .. } = self.columns;
        let key = (city.clone(), id.to_string(), year);
        if let Some(first) = seen.get(&key) {
            plan.problems.push(problem(
                at(row, year_col),
                true,
                format!("`{id}` of {city} for {year} was given already at {first}"),
            ));
            return true;
        }
        seen.insert(key, at(row, year_col));
        let Some((was, file, same_target)) = earlier(site, city, id, year, target) else {
            return false;
        };
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
        true
    }

    /// The row's figure for the year asked; `None` when there is none to take (an empty
    /// cell, with a warning when a comment stands beside it, or a problem).
    fn value(
        &self,
        row: usize,
        id: &str,
        comment: Option<&str>,
        plan: &mut Plan,
    ) -> Option<Reading> {
        let at = self.at;
        let Columns {
            year_col,
            year,
            comment_col,
            ..
        } = self.columns;
        match reading(self.sheet, row, year_col, at) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                if let (Some(c), Some(col)) = (comment, comment_col) {
                    plan.problems.push(problem(
                        at(row, col),
                        false,
                        format!(
                            "a comment without a figure for `{id}` in {year} is not imported (“{c}”): ask the city for the figure, or type n/a in its cell if the indicator does not apply"
                        ),
                    ));
                }
                None
            }
            Err(p) => {
                plan.problems.push(p);
                None
            }
        }
    }

    /// The row's target, if it has one that can be kept (none beside n/a).
    fn target(&self, row: usize, id: &str, value: Reading, plan: &mut Plan) -> Option<f64> {
        let target_col = self.columns.target_col;
        let target = match target_col.map(|c| number(self.sheet, row, c, self.at)) {
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
                (self.at)(row, c),
                false,
                format!("the target is left out: `{id}` is marked n/a, so it has none"),
            ));
            return None;
        }
        target
    }

    /// Why the figure or its target cannot be taken: not a percentage where the indicator
    /// is one, or a number the loader itself would refuse.
    fn refused(
        &self,
        row: usize,
        id: &str,
        ind: &Indicator,
        value: Reading,
        target: Option<f64>,
    ) -> Option<Problem> {
        let (at, year_col) = (self.at, self.columns.year_col);
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
                return Some(problem(
                    at(row, year_col),
                    true,
                    format!("{v} is not a percentage (0–100) for `{id}`"),
                ));
            }
        }
        // the loader's own rules: what `check` would refuse is not written
        let refused = [
            (figure_value(value), year_col),
            (target, self.columns.target_col.unwrap_or(year_col)),
        ]
        .into_iter()
        .find_map(|(v, c)| v.and_then(|v| figure_problem(v).map(|p| (v, c, p))));
        refused.map(|(v, c, why)| {
            problem(
                at(row, c),
                true,
                format!("{v:e} is {why}: check the figure (in the indicator's unit)"),
            )
        })
    }
}
