//! Leaf: the words the program writes into pages, charts and email, from the theme's
//! `strings.toml`. The built-in file is `themes/default/strings.toml`; a site's own file
//! of that name overrides it key by key (`render::theme` reads it). The first step to a
//! site in another language: no user-visible word of the theme is left in Rust.

use crate::date::Date;
use serde::Deserialize;

/// The built-in words, embedded in the binary.
pub const BUILTIN: &str = include_str!("../../../themes/default/strings.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Strings {
    /// January to December.
    pub months: Vec<String>,
    /// How a date is written: `{day}`, `{month}`, `{month_number}`, `{year}`.
    #[serde(default = "date_format")]
    pub date: String,
    /// How numbers are written, shown as 1234.5 is: "1,234.5", "1 234,5", "1.234,5".
    #[serde(default = "numbers_example")]
    pub numbers: String,
    pub navigation: Navigation,
    pub titles: Titles,
    pub tables: Tables,
    pub charts: ChartTitles,
    pub email: Email,
    pub descriptions: Descriptions,
}

/// Each page family's meta description (what search results and sharing cards show).
/// `{site}`: the site's title; `{n}`: how many; `{funding}`: an amount; `{name}`: the
/// city's or theme's name; `{projects}`: "5 projects".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Descriptions {
    pub news: String,
    pub reports: String,
    pub newsletter: String,
    pub dashboard: String,
    pub cities: String,
    pub themes: String,
    pub impact: String,
    pub city: String,
    pub theme: String,
    pub project: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Navigation {
    pub home: String,
    pub news: String,
    pub projects: String,
    pub cities: String,
    pub themes: String,
    pub impact: String,
    pub reports: String,
    pub newsletter: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Titles {
    pub news: String,
    /// `{title}`: the list's title, `{n}`: the page number. Left out of a site's own
    /// `strings.toml` written before the news lists had pages, as are the two below.
    #[serde(default = "news_page_title")]
    pub news_page: String,
    /// `{name}`: the city's name.
    #[serde(default = "city_news_title")]
    pub city_news: String,
    /// `{name}`: the theme's name.
    #[serde(default = "theme_news_title")]
    pub theme_news: String,
    pub reports: String,
    pub newsletter: String,
    pub dashboard: String,
    /// `{n}`: the page number.
    pub dashboard_page: String,
    pub cities: String,
    pub themes: String,
    pub impact: String,
    pub not_found: String,
    pub privacy: String,
    /// Left out of a site's own `strings.toml` written before search existed.
    #[serde(default = "search_title")]
    pub search: String,
}

fn news_page_title() -> String {
    "{title}, page {n}".into()
}

fn city_news_title() -> String {
    "News from {name}".into()
}

fn theme_news_title() -> String {
    "News about {name}".into()
}

fn search_title() -> String {
    "Search".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tables {
    pub projects: String,
    /// `{status}`: Planned, Ongoing, Closed (as written in the shortcode, capitalised).
    pub status_projects: String,
    /// `{city}`: the city's name.
    pub led_by: String,
    /// `{theme}`: the theme's name.
    pub in_theme: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartTitles {
    pub funding_by_city: String,
    pub projects_by_theme: String,
    pub projects_per_year: String,
    pub funding_by_source: String,
    /// `{city}`: the city's name.
    pub funding_by_source_city: String,
    /// `{indicator}`: the indicator's name.
    pub indicator_network: String,
    /// `{indicator}`, `{city}`.
    pub indicator_city: String,
    /// Left out of a site's own `strings.toml` written before the map existed.
    #[serde(default = "map_title")]
    pub map: String,
    /// The map of a figure: `{indicator}`, `{year}`.
    #[serde(default = "map_indicator_title")]
    pub map_indicator: String,
    /// What its legend and table call a city without a value that year.
    #[serde(default = "map_no_value")]
    pub map_no_value: String,
}

fn map_indicator_title() -> String {
    "{indicator} in {year}, by city".into()
}

fn map_no_value() -> String {
    "No value".into()
}

fn numbers_example() -> String {
    "1,234.5".into()
}

fn date_format() -> String {
    "{day} {month} {year}".into()
}

fn map_title() -> String {
    "The cities by project funding".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Email {
    /// `{name}`: the subscriber's name.
    pub greeting: String,
    pub greeting_without_name: String,
    /// `{title}`, `{description}`.
    pub text_chart: String,
    /// `{url}`: the web version.
    pub text_table: String,
}

impl Strings {
    /// The built-in words.
    pub fn builtin() -> Strings {
        // a constant of this crate, parsed by a unit test on every test run
        toml::from_str(BUILTIN).expect("the built-in strings.toml is valid")
    }

    /// "20 March 2025" (day, month name, year: unambiguous for international readers).
    /// The number style `numbers` shows; `None` for an example innopress does not know.
    pub fn number_style(&self) -> Option<crate::numbers::NumberStyle> {
        crate::numbers::NumberStyle::from_example(&self.numbers)
    }

    pub fn long_date(&self, d: Date) -> String {
        let month = self
            .months
            .get(usize::from(d.month).saturating_sub(1))
            .map_or("", String::as_str);
        fill(
            &self.date,
            &[
                ("day", &d.day.to_string()),
                ("month", month),
                ("month_number", &d.month.to_string()),
                ("year", &d.year.to_string()),
            ],
        )
    }
}

/// `text` with each `{key}` replaced by its value, in one pass (a value that itself holds
/// `{key}` stays as it is); an unknown `{…}` is kept.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let key = &after[..close];
            values
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_words_parse_and_read_as_before() {
        let s = Strings::builtin();
        assert_eq!(s.months.len(), 12);
        let d = Date::new(2025, 3, 20).unwrap();
        assert_eq!(s.long_date(d), d.long());
        assert_eq!(
            fill(
                &s.charts.indicator_city,
                &[("indicator", "Start-ups"), ("city", "Oulu")]
            ),
            "Start-ups in Oulu"
        );
        assert_eq!(
            fill("{a} {b} {a}", &[("a", "{b}"), ("b", "x")]),
            "{b} x {b}"
        );
        assert_eq!(fill("{unknown} {", &[]), "{unknown} {");
    }

    #[test]
    fn a_site_writes_dates_its_own_way() {
        let mut s = Strings::builtin();
        let d = Date::new(2025, 4, 10).unwrap();
        s.date = "{month} {day}, {year}".into();
        assert_eq!(s.long_date(d), "April 10, 2025");
        s.date = "{day}.{month_number}.{year}".into();
        assert_eq!(s.long_date(d), "10.4.2025");
    }
}
