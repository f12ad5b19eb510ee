//! The mapping file of `innopress import projects`: which CSV column (or fixed value) fills
//! each project field, how the CSV writes dates and amounts, how ids, cities and themes are
//! derived. Parsed with spans, then resolved against the CSV header into a [`Plan`] of column
//! indexes, so a misspelt column is reported at its place in the mapping file.

use innopress_core::diagnostics::{Diagnostics, SourceFile, did_you_mean};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    #[serde(default)]
    pub csv: CsvFormat,
    pub id: IdSpec,
    pub fields: Fields,
    #[serde(default)]
    pub funding: FundingSpec,
    #[serde(default)]
    pub city: CitySpec,
    pub themes: ThemesSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvFormat {
    #[serde(default = "comma")]
    pub delimiter: Spanned<String>,
    #[serde(default = "iso_date")]
    pub date_format: Spanned<String>,
    #[serde(default = "point")]
    pub decimal_separator: Spanned<String>,
    #[serde(default = "empty")]
    pub thousands_separator: Spanned<String>,
}

impl Default for CsvFormat {
    fn default() -> Self {
        CsvFormat {
            delimiter: comma(),
            date_format: iso_date(),
            decimal_separator: point(),
            thousands_separator: empty(),
        }
    }
}

fn comma() -> Spanned<String> {
    Spanned::new(0..0, ",".into())
}
fn iso_date() -> Spanned<String> {
    Spanned::new(0..0, "yyyy-mm-dd".into())
}
fn empty() -> Spanned<String> {
    Spanned::new(0..0, String::new())
}
fn point() -> Spanned<String> {
    Spanned::new(0..0, ".".into())
}

/// The id: a column or a `format`, slugified, with an optional prefix.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdSpec {
    pub column: Option<Spanned<String>>,
    pub format: Option<Spanned<String>>,
    #[serde(default = "empty")]
    pub prefix: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fields {
    pub title: Spanned<Field>,
    pub start: Spanned<Field>,
    pub end: Spanned<Field>,
    pub programme: Spanned<Field>,
    pub summary: Option<Spanned<Field>>,
    pub url: Option<Spanned<Field>>,
    #[serde(default)]
    pub international: bool,
}

/// One text field: exactly one of `column`, `format` (`"{Column A}, {Column B}"`) or
/// `value`; `map` replaces whole cell values (`{ EAKR = "ERDF" }`), others pass unchanged.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub column: Option<Spanned<String>>,
    pub format: Option<Spanned<String>>,
    pub value: Option<String>,
    #[serde(default)]
    pub map: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingSpec {
    pub eu: Option<Amount>,
    pub state: Option<Amount>,
    pub city: Option<Amount>,
    pub other: Option<Amount>,
}

/// An amount column; an empty cell is 0 unless `required`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amount {
    pub column: Spanned<String>,
    #[serde(default)]
    pub required: bool,
}

/// How a row's owning city is found: a fixed `value`, or the `column`'s cell looked up in
/// `names` (whole cell), then `contains` (the first rule whose text starts a word of the
/// cell), then `default`. Nothing found means a network-wide project. Matching ignores case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitySpec {
    pub value: Option<String>,
    pub column: Option<Spanned<String>>,
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    #[serde(default)]
    pub contains: Vec<ContainsRule>,
    pub default: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainsRule {
    pub text: String,
    pub city: String,
}

/// Themes: the `column`'s cell looked up in `map`, else `default`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemesSpec {
    #[serde(default)]
    pub default: Vec<String>,
    pub column: Option<Spanned<String>>,
    #[serde(default)]
    pub map: BTreeMap<String, String>,
}

/// Where a field's text comes from, with columns resolved to indexes.
#[derive(Debug, Clone)]
pub enum Source {
    Value(String),
    Column(usize),
    /// Literal text and column indexes, in order.
    Format(Vec<Piece>),
}

#[derive(Debug, Clone)]
pub enum Piece {
    Text(String),
    Column(usize),
    /// Left out when a column in it is empty.
    Optional(Vec<Piece>),
}

#[derive(Debug, Clone)]
pub struct FieldPlan {
    pub source: Source,
    pub map: BTreeMap<String, String>,
}

/// A date format: `d`, `m` and `yyyy` in some order with separators (`d.m.yyyy`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFormat {
    /// Which part each number is, in order: b'd', b'm' or b'y'.
    pub order: [u8; 3],
    pub text: String,
}

/// The mapping resolved against a CSV header.
#[derive(Debug, Clone)]
pub struct Plan {
    pub date: DateFormat,
    pub decimal: char,
    /// Besides spaces, which always group digits.
    pub thousands: Option<char>,
    pub id: Source,
    pub id_prefix: String,
    pub title: FieldPlan,
    pub start: FieldPlan,
    pub end: FieldPlan,
    pub programme: FieldPlan,
    pub summary: Option<FieldPlan>,
    pub url: Option<FieldPlan>,
    pub international: bool,
    /// eu, state, city, other: column and whether an empty cell is an error.
    pub funding: [Option<(usize, bool)>; 4],
    pub city_value: Option<String>,
    pub city_column: Option<usize>,
    /// Lower-cased cell → city.
    pub city_names: BTreeMap<String, String>,
    /// Lower-cased text → city, in order.
    pub city_contains: Vec<(String, String)>,
    pub city_default: Option<String>,
    pub themes_column: Option<usize>,
    pub themes_map: BTreeMap<String, String>,
    pub themes_default: Vec<String>,
}

/// The CSV delimiter the mapping names: one ASCII character that cannot be part of a cell's
/// quoting or line structure. Checked before the CSV is read, so a bad one is reported once
/// rather than as a header full of unknown columns.
pub fn delimiter(m: &Mapping, src: &SourceFile, diags: &mut Diagnostics) -> Option<u8> {
    let d = &m.csv.delimiter;
    match d.get_ref().as_bytes() {
        [b] if b.is_ascii() && !matches!(b, b'"' | b'\n' | b'\r') => Some(*b),
        _ => {
            diags.error(
                src,
                d.span(),
                "the delimiter must be one character (not a quote or a line break)",
                Some("e.g. \",\" or \";\" (\"\\t\" for tabs)".into()),
            );
            None
        }
    }
}

/// Parses the mapping file.
pub fn parse(src: &SourceFile, diags: &mut Diagnostics) -> Option<Mapping> {
    match toml::from_str::<Mapping>(&src.text) {
        Ok(m) => Some(m),
        Err(e) => {
            innopress_content::content::tables::whole_file_error(src, &e, diags);
            None
        }
    }
}

/// Resolves the mapping against the CSV header, reporting every problem in the mapping file.
pub fn plan(m: &Mapping, header: &[String], src: &SourceFile, diags: &mut Diagnostics) -> Plan {
    let r = Resolver { header, src };
    let csv = &m.csv;
    let (date, decimal, thousands) = number_formats(csv, src, diags);
    let id = id_source(m, &r, src, diags);
    let prefix = m.id.prefix.get_ref();
    let f = &m.fields;
    let funding = [
        &m.funding.eu,
        &m.funding.state,
        &m.funding.city,
        &m.funding.other,
    ]
    .map(|a| a.as_ref().map(|a| (r.column(&a.column, diags), a.required)));
    let lower = |s: &str| super::model::normalise(s).to_lowercase();
    Plan {
        date,
        decimal,
        thousands,
        id,
        id_prefix: prefix.clone(),
        title: r.field(&f.title, diags),
        start: r.field(&f.start, diags),
        end: r.field(&f.end, diags),
        programme: r.field(&f.programme, diags),
        summary: f.summary.as_ref().map(|x| r.field(x, diags)),
        url: f.url.as_ref().map(|x| r.field(x, diags)),
        international: f.international,
        funding,
        city_value: m.city.value.clone(),
        city_column: m.city.column.as_ref().map(|c| r.column(c, diags)),
        city_names: m
            .city
            .names
            .iter()
            .map(|(k, v)| (lower(k), v.clone()))
            .collect(),
        city_contains: m
            .city
            .contains
            .iter()
            .map(|c| (lower(&c.text), c.city.clone()))
            .collect(),
        city_default: m.city.default.clone(),
        themes_column: m.themes.column.as_ref().map(|c| r.column(c, diags)),
        themes_map: m
            .themes
            .map
            .iter()
            .map(|(k, v)| (super::model::normalise(k), v.clone()))
            .collect(),
        themes_default: m.themes.default.clone(),
    }
}

/// How the CSV writes dates and numbers: the date format, the decimal separator and the
/// thousands separator, each problem reported at its line.
fn number_formats(
    csv: &CsvFormat,
    src: &SourceFile,
    diags: &mut Diagnostics,
) -> (DateFormat, char, Option<char>) {
    let date = match DateFormat::parse(csv.date_format.get_ref()) {
        Some(f) => f,
        None => {
            diags.error(
                src,
                csv.date_format.span(),
                format!("unknown date format `{}`", csv.date_format.get_ref()),
                Some("write `d`, `m` and `yyyy` once each with separators, e.g. \"d.m.yyyy\", \"yyyy-mm-dd\" or \"m/d/yyyy\"".into()),
            );
            DateFormat::parse("yyyy-mm-dd").expect("a valid format")
        }
    };
    let decimal = match csv.decimal_separator.get_ref().as_str() {
        "." => '.',
        "," => ',',
        other => {
            diags.error(
                src,
                csv.decimal_separator.span(),
                format!("unknown decimal separator `{other}`"),
                Some("use \".\" or \",\"".into()),
            );
            '.'
        }
    };
    let thousands = match csv
        .thousands_separator
        .get_ref()
        .chars()
        .collect::<Vec<_>>()[..]
    {
        [] => None,
        [c] if c != decimal && !c.is_ascii_digit() => Some(c),
        _ => {
            diags.error(
                src,
                csv.thousands_separator.span(),
                "the thousands separator must be one character other than a digit and the decimal separator",
                Some("e.g. \".\" with decimal_separator = \",\"; spaces between groups are always allowed".into()),
            );
            None
        }
    };
    (date, decimal, thousands)
}

/// Where a project's id comes from, and that its prefix can begin a slug.
fn id_source(m: &Mapping, r: &Resolver, src: &SourceFile, diags: &mut Diagnostics) -> Source {
    let id = match (&m.id.column, &m.id.format) {
        (Some(c), None) => Source::Column(r.column(c, diags)),
        (None, Some(f)) => Source::Format(r.format(f, diags)),
        _ => {
            diags.push(
                innopress_core::diagnostics::Diagnostic::file_error(
                    src.path.clone(),
                    "[id] needs exactly one of `column` or `format`",
                )
                .with_hint("e.g. `[id]` then `column = \"Code\"`"),
            );
            Source::Value(String::new())
        }
    };
    let prefix = m.id.prefix.get_ref();
    if !prefix
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        diags.error(
            src,
            m.id.prefix.span(),
            format!("the id prefix `{prefix}` is not part of a slug"),
            Some("use lowercase letters a-z, digits and dashes, e.g. \"erdf-\"".into()),
        );
    }
    id
}

struct Resolver<'a> {
    header: &'a [String],
    src: &'a SourceFile,
}

impl Resolver<'_> {
    fn column(&self, name: &Spanned<String>, diags: &mut Diagnostics) -> usize {
        let wanted = super::model::normalise(name.get_ref());
        if let Some(i) = self
            .header
            .iter()
            .position(|h| super::model::normalise(h) == wanted)
        {
            return i;
        }
        let hint = match did_you_mean(&wanted, self.header.iter().map(String::as_str)) {
            Some(right) => format!("did you mean \"{right}\"?"),
            None => format!("the CSV's columns are: {}", self.header.join(", ")),
        };
        diags.error(
            self.src,
            name.span(),
            format!("the CSV has no column \"{wanted}\""),
            Some(hint),
        );
        0
    }

    /// `"Implemented by {Implementer}.[ Authority: {Authority}.]"`: `{…}` names a column,
    /// and a `[…]` part is left out when a column in it is empty.
    fn format(&self, f: &Spanned<String>, diags: &mut Diagnostics) -> Vec<Piece> {
        let mut out = Vec::new();
        let mut group: Option<Vec<Piece>> = None;
        let mut rest = f.get_ref().as_str();
        let mut problem = None;
        while let Some(i) = rest.find(['{', '[', ']']) {
            let target = group.as_mut().unwrap_or(&mut out);
            if i > 0 {
                target.push(Piece::Text(rest[..i].to_string()));
            }
            match rest.as_bytes()[i] {
                b'{' => {
                    let Some(close) = rest[i..].find('}') else {
                        problem = Some("a `{` without its `}` in the format");
                        break;
                    };
                    let name = Spanned::new(f.span(), rest[i + 1..i + close].to_string());
                    target.push(Piece::Column(self.column(&name, diags)));
                    rest = &rest[i + close + 1..];
                    continue;
                }
                b'[' if group.is_none() => group = Some(Vec::new()),
                b']' if group.is_some() => {
                    out.push(Piece::Optional(group.take().unwrap_or_default()))
                }
                _ => {
                    problem = Some("unbalanced `[` and `]` in the format (they cannot nest)");
                    break;
                }
            }
            rest = &rest[i + 1..];
        }
        if problem.is_none() && group.is_some() {
            problem = Some("a `[` without its `]` in the format");
        }
        if let Some(message) = problem {
            diags.error(
                self.src,
                f.span(),
                message,
                Some("name columns as {Column name}; put a part to leave out when its column is empty in [ ]".into()),
            );
            return out;
        }
        if !rest.is_empty() {
            out.push(Piece::Text(rest.to_string()));
        }
        out
    }

    fn field(&self, field: &Spanned<Field>, diags: &mut Diagnostics) -> FieldPlan {
        let f = field.get_ref();
        let source = match (&f.column, &f.format, &f.value) {
            (Some(c), None, None) => Source::Column(self.column(c, diags)),
            (None, Some(fmt), None) => Source::Format(self.format(fmt, diags)),
            (None, None, Some(v)) => Source::Value(v.clone()),
            _ => {
                diags.error(
                    self.src,
                    field.span(),
                    "a field needs exactly one of `column`, `format` or `value`",
                    Some("e.g. { column = \"Title\" } or { value = \"ERDF\" }".into()),
                );
                Source::Value(String::new())
            }
        };
        FieldPlan {
            source,
            map: f
                .map
                .iter()
                .map(|(k, v)| (super::model::normalise(k), v.clone()))
                .collect(),
        }
    }
}

impl DateFormat {
    pub fn parse(text: &str) -> Option<DateFormat> {
        let lower = text.to_ascii_lowercase();
        let mut order = Vec::new();
        for part in lower.split(|c: char| !c.is_ascii_alphabetic()) {
            match part {
                "d" | "dd" => order.push(b'd'),
                "m" | "mm" => order.push(b'm'),
                "yyyy" => order.push(b'y'),
                "" => {}
                _ => return None,
            }
        }
        let order: [u8; 3] = order.try_into().ok()?;
        let mut sorted = order;
        sorted.sort_unstable();
        (sorted == [b'd', b'm', b'y']).then(|| DateFormat {
            order,
            text: text.to_string(),
        })
    }

    /// Reads a cell: three numbers separated by anything that is not a digit; one- or
    /// two-digit days and months both pass.
    pub fn read(&self, cell: &str) -> Option<innopress_core::date::Date> {
        let nums: Vec<&str> = cell
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .collect();
        if nums.len() != 3 || cell.chars().any(|c| c.is_alphabetic()) {
            return None;
        }
        let (mut y, mut m, mut d) = (None, None, None);
        for (part, n) in self.order.iter().zip(nums) {
            match part {
                b'y' if n.len() == 4 => y = n.parse::<i32>().ok(),
                b'm' if n.len() <= 2 => m = n.parse::<u8>().ok(),
                b'd' if n.len() <= 2 => d = n.parse::<u8>().ok(),
                _ => return None,
            }
        }
        innopress_core::date::Date::new(y?, m?, d?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_formats() {
        let f = DateFormat::parse("d.m.yyyy").unwrap();
        assert_eq!(f.read("1.3.2015").unwrap().to_string(), "2015-03-01");
        assert_eq!(f.read("28.02.2017").unwrap().to_string(), "2017-02-28");
        assert!(f.read("31.2.2017").is_none());
        assert!(f.read("7560").is_none());
        assert!(f.read("2015-03-01").is_none());
        let us = DateFormat::parse("m/d/yyyy").unwrap();
        assert_eq!(us.read("3/1/2015").unwrap().to_string(), "2015-03-01");
        assert!(DateFormat::parse("d.m.yy").is_none());
        assert!(DateFormat::parse("d.d.yyyy").is_none());
    }
}
