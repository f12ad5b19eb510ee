//! The rows of an import as plain data: projects made from rows, rejected rows with their
//! located problems, and the whitespace rule every cell goes through.

use innopress_core::date::Date;
use innopress_core::money::Money;
use std::ops::Range;

/// One row turned into a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub line: u64,
    pub id: String,
    /// The text the id was made from, to explain a clash of two codes that slugify alike.
    pub raw_id: String,
    pub title: String,
    pub city: Option<String>,
    pub themes: Vec<String>,
    pub start: Date,
    pub end: Date,
    pub programme: String,
    pub summary: Option<String>,
    pub url: Option<String>,
    pub international: bool,
    /// eu, state, city, other.
    pub funding: [Money; 4],
}

/// A row that could not be mapped: its line, the cells as read, and every reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub line: u64,
    pub cells: Vec<String>,
    pub problems: Vec<Problem>,
}

/// What is wrong with one cell (or the whole row), located by byte span in the CSV text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub span: Range<usize>,
    pub message: String,
    pub hint: Option<String>,
}

/// The outcome of mapping a whole CSV: good rows sorted by id, rejects by line.
#[derive(Debug, Default)]
pub struct Mapped {
    pub header: Vec<String>,
    pub projects: Vec<Imported>,
    pub rejects: Vec<Reject>,
}

impl Mapped {
    pub fn rows(&self) -> usize {
        self.projects.len() + self.rejects.len()
    }

    /// The sum of each funding part over the imported projects.
    pub fn funding(&self) -> Money {
        self.projects
            .iter()
            .flat_map(|p| p.funding)
            .fold(Money(0), |a, b| a + b)
    }
}

/// Collapses runs of whitespace (registers are full of double spaces and stray tabs) and trims.
pub fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
