//! An `[[observation]]` table is either a city's figure of an indicator for a year, or the
//! statement that the indicator does not apply to the city that year (`not_applicable =
//! true`, which the import writes for an `n/a` in a returned spreadsheet). The loader reads
//! the table as written and splits it here, so every later stage sees a figure as a plain
//! number and never has to ask whether there is one.

use super::model::Origin;
use innopress_core::diagnostics::{Diagnostics, SourceFile, Stage};
use serde::Deserialize;
use toml::Spanned;

/// A figure: what the impact model computes with.
#[derive(Debug, Clone)]
pub struct Observation {
    pub city: Spanned<String>,
    pub indicator: Spanned<String>,
    pub year: Spanned<i32>,
    pub value: f64,
    pub target: Option<f64>,
    /// What the city wrote beside the figure ("published only in 2026"): shown with it.
    pub comment: Option<String>,
    pub origin: Origin,
}

/// An indicator that does not apply to a city in a year: neither a figure nor a gap.
#[derive(Debug, Clone)]
pub struct NotApplicable {
    pub city: Spanned<String>,
    pub indicator: Spanned<String>,
    pub year: Spanned<i32>,
    /// Why it does not apply, in the city's words.
    pub comment: Option<String>,
    pub origin: Origin,
}

/// The calendar years an observation, or an indicator figure, may name.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// The largest magnitude of a figure or a target: far above any city's figure (a large
/// city's whole economy is about 1e11 euros), and far below where sums, medians and chart
/// scales lose their meaning in floating point.
pub const MAX_FIGURE: f64 = 1e15;

/// Why a number cannot be an observation's value or target. `check` refuses such a
/// number, and the import does not write one: both ask [`figure_problem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureProblem {
    /// nan or inf.
    NotFinite,
    /// Beyond ±[`MAX_FIGURE`].
    TooLarge,
}

impl std::fmt::Display for FigureProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FigureProblem::NotFinite => f.write_str("not a finite number"),
            FigureProblem::TooLarge => write!(
                f,
                "beyond ±{MAX_FIGURE:e}, larger than any figure of the impact model"
            ),
        }
    }
}

/// What is wrong with `v` as a value or target, if anything.
pub fn figure_problem(v: f64) -> Option<FigureProblem> {
    if !v.is_finite() {
        Some(FigureProblem::NotFinite)
    } else if v.abs() > MAX_FIGURE {
        Some(FigureProblem::TooLarge)
    } else {
        None
    }
}

/// (city, indicator, year): what names an observation, whichever kind it is.
pub type Key<'a> = (&'a str, &'a str, i32);

impl Observation {
    pub fn key(&self) -> Key<'_> {
        (
            self.city.get_ref(),
            self.indicator.get_ref(),
            *self.year.get_ref(),
        )
    }
}

impl NotApplicable {
    pub fn key(&self) -> Key<'_> {
        (
            self.city.get_ref(),
            self.indicator.get_ref(),
            *self.year.get_ref(),
        )
    }
}

/// The table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservationRow {
    pub city: Spanned<String>,
    pub indicator: Spanned<String>,
    pub year: Spanned<i32>,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub target: Option<Spanned<f64>>,
    #[serde(default)]
    pub not_applicable: Option<Spanned<bool>>,
    /// The city's note on the figure, kept from its spreadsheet's `comment` column.
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// What one row is, or the error that it is neither or both.
pub enum Row {
    Figure(Observation),
    NotApplicable(NotApplicable),
}

impl ObservationRow {
    /// The row as a figure or a not-applicable, or an error at the row in `src`.
    pub fn split(self, src: &SourceFile, diags: &mut Diagnostics) -> Option<Row> {
        let na = self
            .not_applicable
            .as_ref()
            .map(|n| (*n.get_ref(), n.span()));
        match (self.value, na) {
            (Some(value), None | Some((false, _))) => Some(Row::Figure(Observation {
                city: self.city,
                indicator: self.indicator,
                year: self.year,
                value,
                target: self.target.map(Spanned::into_inner),
                comment: self.comment,
                origin: self.origin,
            })),
            (None, Some((true, _))) if self.target.is_some() => {
                let span = self.target.as_ref().map_or(0..0, Spanned::span);
                diags.error_in(
                    Stage::Field,
                    src,
                    span,
                    "a target for an indicator that does not apply",
                    Some(
                        "remove the target, or `not_applicable = true` if the city reported a figure".into(),
                    ),
                );
                None
            }
            (None, Some((true, _))) => Some(Row::NotApplicable(NotApplicable {
                city: self.city,
                indicator: self.indicator,
                year: self.year,
                comment: self.comment,
                origin: self.origin,
            })),
            (Some(_), Some((true, span))) => {
                diags.error_in(
                    Stage::Field,
                    src,
                    span,
                    "an observation with a `value` cannot also be `not_applicable`",
                    Some(
                        "keep the value if the figure was reported, or remove `value` if the indicator does not apply".into(),
                    ),
                );
                None
            }
            (None, _) => {
                let start = self.origin.span.start;
                diags.error_in(
                    Stage::Field,
                    src,
                    start..start,
                    "missing field `value`",
                    Some(
                        "write the figure as `value = …`, or `not_applicable = true` if the indicator does not apply to this city".into(),
                    ),
                );
                None
            }
        }
    }
}
