//! One register row mapped to a project: every field read through the mapping, every
//! problem collected with the span of its cell.

use super::map::{contains_word_start, fill, first_column, read_amount};
use super::mapping::{FieldPlan, Plan, Source};
use super::model::{Imported, Problem, normalise};
use innopress_core::date::Date;
use innopress_core::money::Money;
use std::cell::RefCell;
use std::ops::Range;

/// Maps one row, collecting every problem rather than stopping at the first.
pub(super) fn map_row(
    plan: &Plan,
    cells: &[String],
    spans: &[Range<usize>],
    columns: usize,
) -> Result<Imported, Vec<Problem>> {
    let row_span = spans.first().map_or(0..0, |s| s.start..s.start);
    if cells.len() != columns {
        return Err(vec![wrong_width(cells.len(), columns, row_span)]);
    }
    let row = Row {
        plan,
        cells,
        spans,
        row_span,
        problems: RefCell::new(Vec::new()),
    };
    let raw_id = row.text_of(&plan.id);
    let id = format!("{}{}", plan.id_prefix, slug::slugify(&raw_id));
    if slug::slugify(&raw_id).is_empty() {
        row.problem(
            row.span_of(&plan.id),
            "no id".into(),
            "the id column is empty or has no letters or digits".into(),
        );
    }
    let title = row.required(&plan.title, "title");
    let programme = row.required(&plan.programme, "programme");
    let start = row.date(&plan.start, "start");
    let end = row.date(&plan.end, "end");
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        row.problem(
            row.span_of(&plan.end.source),
            format!("the project ends ({e}) before it starts ({s})"),
            "check the order of the start and end columns".into(),
        );
    }
    let funding = row.funding();
    let city = row.city();
    let themes = row.themes();
    let (summary, url) = (row.optional(&plan.summary), row.url());
    let problems = row.problems.into_inner();
    // a date that did not read has its problem
    let (Some(start), Some(end), true) = (start, end, problems.is_empty()) else {
        return Err(problems);
    };
    Ok(Imported {
        line: 0,
        id,
        raw_id,
        title,
        city,
        themes,
        start,
        end,
        programme,
        summary,
        url,
        international: plan.international,
        funding,
    })
}

/// A row with more or fewer cells than the header.
fn wrong_width(cells: usize, columns: usize, span: Range<usize>) -> Problem {
    Problem {
        span,
        message: format!("the row has {cells} cells, the header has {columns}"),
        hint: Some(if cells > columns {
            "a delimiter inside an unquoted cell splits it; put such cells in double quotes".into()
        } else {
            "cells are missing: check for a line break inside an unquoted cell".into()
        }),
    }
}

/// One row being mapped, and the problems found in it so far.
struct Row<'a> {
    plan: &'a Plan,
    cells: &'a [String],
    spans: &'a [Range<usize>],
    row_span: Range<usize>,
    problems: RefCell<Vec<Problem>>,
}

impl Row<'_> {
    fn problem(&self, span: Range<usize>, message: String, hint: String) {
        self.problems.borrow_mut().push(Problem {
            span,
            message,
            hint: Some(hint),
        });
    }

    fn cell(&self, i: usize) -> String {
        normalise(&self.cells[i])
    }

    fn span_of(&self, source: &Source) -> Range<usize> {
        match source {
            Source::Column(i) => self.spans[*i].clone(),
            Source::Format(pieces) => {
                first_column(pieces).map_or(self.row_span.clone(), |i| self.spans[i].clone())
            }
            Source::Value(_) => self.row_span.clone(),
        }
    }

    fn text_of(&self, source: &Source) -> String {
        match source {
            Source::Value(v) => v.clone(),
            Source::Column(i) => self.cell(*i),
            Source::Format(pieces) => normalise(&fill(pieces, &|i| self.cell(i)).0),
        }
    }

    /// A field's text, through the mapping's table of values.
    fn field(&self, f: &FieldPlan) -> String {
        let text = self.text_of(&f.source);
        f.map.get(&text).cloned().unwrap_or(text)
    }

    fn required(&self, f: &FieldPlan, what: &str) -> String {
        let v = self.field(f);
        if v.is_empty() {
            self.problem(
                self.span_of(&f.source),
                format!("no {what}"),
                format!("every project needs a {what}; fill in the cell"),
            );
        }
        v
    }

    fn optional(&self, f: &Option<FieldPlan>) -> Option<String> {
        f.as_ref().map(|f| self.field(f)).filter(|s| !s.is_empty())
    }

    /// The project's address; a register is outside input, so it follows the one policy
    /// for addresses from data.
    fn url(&self) -> Option<String> {
        let url = self.optional(&self.plan.url);
        if let (Some(u), Some(f)) = (&url, &self.plan.url)
            && let Err(e) = innopress_core::urls::check_data_url(u)
        {
            self.problem(
                self.span_of(&f.source),
                format!("url: {e}"),
                "a project's address must start with https://, http:// or mailto:".into(),
            );
        }
        url
    }

    fn date(&self, f: &FieldPlan, what: &str) -> Option<Date> {
        let v = self.field(f);
        let span = self.span_of(&f.source);
        let format = &self.plan.date.text;
        if v.is_empty() {
            self.problem(
                span,
                format!("no {what} date"),
                format!("fill in the {what} date as {format}"),
            );
            return None;
        }
        let d = self.plan.date.read(&v);
        if d.is_none() {
            self.problem(
                span,
                format!("`{v}` is not a {what} date"),
                format!("the mapping reads dates as {format} (set `date_format` in [csv])"),
            );
        }
        d
    }

    fn funding(&self) -> [Money; 4] {
        let plan = self.plan;
        let mut funding = [Money(0); 4];
        for (slot, spec) in funding.iter_mut().zip(&plan.funding) {
            let Some((col, needed)) = spec else { continue };
            let v = self.cell(*col);
            if v.is_empty() {
                if *needed {
                    self.problem(
                        self.spans[*col].clone(),
                        "no amount".into(),
                        "this amount is `required` in the mapping".into(),
                    );
                }
                continue;
            }
            match read_amount(&v, plan.decimal, plan.thousands) {
                Ok(m) => *slot = m,
                Err(why) => self.problem(
                    self.spans[*col].clone(),
                    format!("`{v}` is not an amount: {why}"),
                    format!(
                        "write euros with `{}` before the cents, e.g. 125000{}50",
                        plan.decimal, plan.decimal
                    ),
                ),
            }
        }
        funding
    }

    fn city(&self) -> Option<String> {
        let plan = self.plan;
        match (&plan.city_value, plan.city_column) {
            (Some(v), _) => Some(v.clone()),
            (None, Some(col)) => {
                let v = self.cell(col).to_lowercase();
                plan.city_names
                    .get(&v)
                    .or_else(|| {
                        plan.city_contains
                            .iter()
                            .find(|(text, _)| contains_word_start(&v, text))
                            .map(|(_, c)| c)
                    })
                    .or(plan.city_default.as_ref())
                    .cloned()
            }
            (None, None) => plan.city_default.clone(),
        }
    }

    fn themes(&self) -> Vec<String> {
        let plan = self.plan;
        let themes = match plan.themes_column {
            Some(col) => match plan.themes_map.get(&self.cell(col)) {
                Some(t) => vec![t.clone()],
                None => plan.themes_default.clone(),
            },
            None => plan.themes_default.clone(),
        };
        if themes.is_empty() {
            let span = plan
                .themes_column
                .map_or(self.row_span.clone(), |c| self.spans[c].clone());
            self.problem(
                span,
                "no theme for this row".into(),
                "add the cell's value to [themes] map, or set [themes] default".into(),
            );
        }
        themes
    }
}
