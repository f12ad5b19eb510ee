//! Figures on the dates documents are computed on: every distinct date other than the site's
//! `as_of` that a document with figures, charts or tables has, summarised once, with the
//! charts those documents show. A document's shortcodes read its date's [`At`].

use innopress_charts::Chart;
use innopress_content::content::Site;
use innopress_content::content::model::{DocKind, Record};
use innopress_core::catalogue::{ChartName, FigureName};
use innopress_core::date::Date;
use innopress_core::markdown::shortcodes::Shortcode;
use innopress_core::strings::ChartTitles;
use innopress_core::strings::Strings;
use innopress_core::text::{count, percent};
use innopress_impact::{CitySummary, Summary};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// The figures on one date other than the site's `as_of`, and the charts documents on that
/// date use: computed once per distinct date, not per document.
pub struct Dated {
    pub summary: Summary,
    pub charts: BTreeMap<String, Chart>,
}

/// What a document's shortcodes read: the summary and the charts on its own date, and the
/// values it was sent or frozen with, which come first.
#[derive(Clone, Copy)]
pub struct At<'m> {
    pub summary: &'m Summary,
    pub charts: &'m BTreeMap<String, Chart>,
    pub record: Option<&'m Record>,
}

impl<'m> At<'m> {
    /// A figure's text: as recorded, or computed on the date.
    pub fn figure(&self, sc: &Shortcode, strings: &Strings) -> Option<String> {
        match self.record.and_then(|r| r.figure_of(sc)) {
            Some(v) => Some(v.to_string()),
            None => figure_value(self.summary, sc, strings),
        }
    }

    /// A chart: as recorded, or drawn on the date.
    pub fn chart(&self, key: &str) -> Option<&'m Chart> {
        self.record
            .and_then(|r| r.chart(key))
            .or_else(|| self.charts.get(key))
    }

    /// The same without the record: what the data gives now.
    pub fn live(self) -> Self {
        At {
            record: None,
            ..self
        }
    }
}

/// The dates other than the site's that documents with shortcodes are computed on, and the
/// charts (by key) the documents on each date show.
pub type Wanted = BTreeMap<Date, BTreeMap<String, Shortcode>>;

/// What [`compute`] will be asked for: found from the documents' dates and shortcodes.
pub fn wanted(site: &Site, site_as_of: Date) -> Wanted {
    let mut wanted = Wanted::new();
    for kind in DocKind::ALL {
        for doc in site.docs(kind) {
            // most documents have no shortcode at all (the loader saw), sparing their parse
            let date = doc.as_of(site_as_of);
            if date == site_as_of || !doc.has_shortcodes {
                continue;
            }
            for sc in innopress_core::markdown::shortcodes::find_in_markdown(site.body(doc))
                .into_iter()
                .flatten()
            {
                match sc.name.as_str() {
                    "chart" => {
                        wanted.entry(date).or_default().insert(chart_key(&sc), sc);
                    }
                    "figure" | "table" => {
                        wanted.entry(date).or_default();
                    }
                    _ => {}
                }
            }
        }
    }
    wanted
}

/// The dates and chart keys of `wanted`: when they are the same after an edit, the figures
/// computed before still serve (the data did not change).
pub fn shape(wanted: &Wanted) -> Vec<(Date, Vec<String>)> {
    wanted
        .iter()
        .map(|(d, charts)| (*d, charts.keys().cloned().collect()))
        .collect()
}

/// The figures on each wanted date, with the charts asked for: each date summarised once,
/// in parallel, and only those charts drawn.
pub fn compute(
    site: &Site,
    on_site: &Summary,
    titles: &ChartTitles,
    wanted: Wanted,
) -> BTreeMap<Date, Dated> {
    wanted
        .into_par_iter()
        .map(|(date, charts)| {
            let summary = innopress_impact::summarise_on(site, on_site, date);
            let charts = charts
                .values()
                .filter_map(|sc| {
                    innopress_charts::by_name(
                        &summary,
                        sc.arg("name")?.parse().ok()?,
                        sc.arg("city"),
                        sc.arg("indicator"),
                        sc.int_arg("year").and_then(|y| i32::try_from(y).ok()),
                        titles,
                    )
                })
                .map(|c| (c.name.clone(), c))
                .collect();
            (date, Dated { summary, charts })
        })
        .collect()
}

/// [`compute`] of what the site's documents want.
pub fn dated(site: &Site, on_site: &Summary, titles: &ChartTitles) -> BTreeMap<Date, Dated> {
    compute(site, on_site, titles, wanted(site, on_site.as_of))
}

/// The chart a chart shortcode names (same keys as `output/charts/`).
pub fn chart_key(sc: &Shortcode) -> String {
    let name = sc.arg("name").unwrap_or("");
    let Ok(chart) = name.parse::<ChartName>() else {
        return name.to_string();
    };
    match (chart, sc.arg("indicator"), sc.arg("city")) {
        (ChartName::Indicator, Some(ind), Some(c)) => format!("indicator-{ind}-{c}"),
        (ChartName::Indicator, Some(ind), None) => format!("indicator-{ind}"),
        (ChartName::FundingBySource, _, Some(c)) => format!("funding-by-source-{c}"),
        (ChartName::Map, Some(ind), _) => match sc.int_arg("year") {
            Some(y) => format!("map-{ind}-{y}"),
            None => format!("map-{ind}"),
        },
        _ => chart.name().to_string(),
    }
}

/// The file stem of a chart drawn on a document's own date, `NAME-DATE` (the site's own
/// charts are `NAME`), under `charts/` for the feed.
pub fn chart_stem(name: &str, date: Date) -> String {
    format!("{name}-{date}")
}

/// The key a `table` shortcode's record is kept under: its arguments in order.
pub fn table_key(sc: &Shortcode) -> String {
    ["city", "name", "status", "theme"]
        .iter()
        .filter_map(|a| sc.arg(a).map(|v| format!("{a}={v}")))
        .collect::<Vec<_>>()
        .join(",")
}

/// The text of a `figure` shortcode: a headline number from the summary, for the network or
/// one city, or an indicator's value. `None` for an unknown name or city, or no value.
pub fn figure_value(s: &Summary, sc: &Shortcode, strings: &Strings) -> Option<String> {
    let cur = s.currency.as_str();
    let name: FigureName = sc.arg("name")?.parse().ok()?;
    let city = sc.arg("city");
    if name == FigureName::Indicator {
        let year = match sc.int_arg("year") {
            Some(y) => Some(i32::try_from(y).ok()?),
            None => None,
        };
        return indicator_value(s, sc.arg("indicator")?, city, year);
    }
    if let Some(id) = city {
        let c = s.cities.iter().find(|c| c.id == id)?;
        return city_figure(c, name, cur);
    }
    Some(match name {
        FigureName::TotalFunding => s.funding.total.display(cur),
        FigureName::EuFunding => s.funding.eu.display(cur),
        FigureName::StateFunding => s.funding.state.display(cur),
        FigureName::CityFunding => s.funding.city.display(cur),
        FigureName::OtherFunding => s.funding.other.display(cur),
        FigureName::CityShare => percent(s.funding.city_share),
        FigureName::OngoingFunding => s.ongoing_funding.display(cur),
        FigureName::ProjectCount => count(s.projects.total),
        FigureName::OngoingCount => count(s.projects.ongoing),
        FigureName::PlannedCount => count(s.projects.planned),
        FigureName::ClosedCount => count(s.projects.closed),
        FigureName::InternationalFunding => s.international.funding.display(cur),
        FigureName::InternationalCount => count(s.international.projects),
        FigureName::CityCount => count(s.cities.len()),
        FigureName::AsOf => strings.long_date(s.as_of),
        // partners are counted per city (validation asks for one)
        FigureName::PartnerCount | FigureName::Indicator => return None,
    })
}

/// A headline figure for one city; `None` for those that are the network's only.
fn city_figure(c: &CitySummary, name: FigureName, cur: &str) -> Option<String> {
    Some(match name {
        FigureName::TotalFunding => c.funding.total.display(cur),
        FigureName::EuFunding => c.funding.eu.display(cur),
        FigureName::StateFunding => c.funding.state.display(cur),
        FigureName::CityFunding => c.funding.city.display(cur),
        FigureName::OtherFunding => c.funding.other.display(cur),
        FigureName::CityShare => percent(c.funding.city_share),
        FigureName::OngoingFunding => c.ongoing_funding.display(cur),
        FigureName::ProjectCount => count(c.projects),
        FigureName::OngoingCount => count(c.status.ongoing),
        FigureName::PlannedCount => count(c.status.planned),
        FigureName::ClosedCount => count(c.status.closed),
        FigureName::InternationalFunding => c.international.funding.display(cur),
        FigureName::InternationalCount => count(c.international.projects),
        FigureName::PartnerCount => count(c.partner_projects),
        FigureName::CityCount | FigureName::AsOf | FigureName::Indicator => return None,
    })
}

/// An indicator's value in its unit: the network's (combined as the indicator says) or one
/// city's, for `year` or the latest year the summary knows.
pub fn indicator_value(
    s: &Summary,
    id: &str,
    city: Option<&str>,
    year: Option<i32>,
) -> Option<String> {
    let ind = s.indicators.iter().find(|i| i.id == id)?;
    let value = match city {
        None => match year {
            Some(y) => ind.network.iter().find(|v| v.year == y)?.value,
            None => ind.latest?.value,
        },
        Some(c) => {
            let values = &ind.cities.iter().find(|v| v.city == c)?.values;
            match year {
                Some(y) => values.iter().find(|v| v.year == y)?.value,
                None => values.last()?.value,
            }
        }
    };
    Some(innopress_core::text::with_unit(
        value,
        &ind.unit,
        &s.currency,
    ))
}
