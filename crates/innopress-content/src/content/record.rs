//! The record of a sent or frozen document as a Rust type: what `NAME.sent.toml` and
//! `NAME.frozen.toml` hold.

use innopress_core::date::Date;
use serde::{Deserialize, Serialize};

/// What a document was published with, kept beside it (`NAME.sent.toml` for a sent
/// newsletter issue, `NAME.frozen.toml` for a frozen document): every value its shortcodes
/// showed, so that it is rendered the same however the data changes later.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The day the campaign started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent: Option<TomlDate>,
    /// The day the document was frozen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<TomlDate>,
    /// The date its figures were computed on.
    pub as_of: TomlDate,
    /// SHA-256 of the email's HTML and text parts as sent (before personal greetings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_sha256: Option<String>,
    #[serde(default, rename = "figure", skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<RecordedFigure>,
    #[serde(default, rename = "table", skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<RecordedTable>,
    #[serde(default, rename = "chart", skip_serializing_if = "Vec::is_empty")]
    pub charts: Vec<innopress_core::chart::Chart>,
}

/// A date written into a TOML file as a TOML date (unquoted), as users write dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct TomlDate(pub Date);

impl Serialize for TomlDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let date = toml::value::Date {
            year: u16::try_from(self.0.year).unwrap_or(0),
            month: self.0.month,
            day: self.0.day,
        };
        toml::value::Datetime {
            date: Some(date),
            time: None,
            offset: None,
        }
        .serialize(s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedFigure {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
    pub value: String,
}

impl RecordedFigure {
    /// The figure a `figure` shortcode shows, without its value yet.
    pub fn of(sc: &innopress_core::markdown::shortcodes::Shortcode) -> RecordedFigure {
        RecordedFigure {
            name: sc.arg("name").unwrap_or_default().to_string(),
            indicator: sc.arg("indicator").map(str::to_string),
            city: sc.arg("city").map(str::to_string),
            year: sc.int_arg("year"),
            value: String::new(),
        }
    }

    fn same_figure(&self, other: &RecordedFigure) -> bool {
        (&self.name, &self.indicator, &self.city, self.year)
            == (&other.name, &other.indicator, &other.city, other.year)
    }
}

/// A `table` shortcode's rows and words, as its template received them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedTable {
    /// The shortcode's arguments, `city=…,name=…,status=…,theme=…`.
    pub key: String,
    pub caption: String,
    pub currency: String,
    pub projects: Vec<toml::Value>,
}

impl Record {
    /// The value recorded for the figure a `figure` shortcode shows.
    pub fn figure_of(&self, sc: &innopress_core::markdown::shortcodes::Shortcode) -> Option<&str> {
        self.figure(&RecordedFigure::of(sc))
    }

    /// The value recorded for the same figure as `wanted` (its value aside).
    pub fn figure(&self, wanted: &RecordedFigure) -> Option<&str> {
        self.figures
            .iter()
            .find(|f| f.same_figure(wanted))
            .map(|f| f.value.as_str())
    }

    pub fn chart(&self, key: &str) -> Option<&innopress_core::chart::Chart> {
        self.charts.iter().find(|c| c.name == key)
    }

    pub fn table(&self, key: &str) -> Option<&RecordedTable> {
        self.tables.iter().find(|t| t.key == key)
    }
}
