//! View models: the small, plain structs each template receives. They hold display-ready
//! strings (formatted money, long dates) so templates stay free of logic, and they borrow
//! from the site where they can, so building a page's context copies little.

use innopress_content::content::Site;
use innopress_content::content::model::{Document, Project, Status};
use innopress_core::money::Money;
use innopress_core::strings::Strings;
use innopress_core::text::{count, percent};
use innopress_impact::{CitySummary, FundingTotals, IndicatorSummary};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct Ref<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectRow<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub city: Option<Ref<'a>>,
    pub partners: Vec<Ref<'a>>,
    pub themes: Vec<Ref<'a>>,
    pub programme: &'a str,
    pub start: String,
    pub end: String,
    pub start_long: String,
    pub end_long: String,
    pub status: Status,
    pub status_label: &'static str,
    pub international: bool,
    pub url: Option<&'a str>,
    pub funding: FundingView,
    /// Total in cents, for sorting in the browser.
    pub total_cents: i64,
    /// Each source in cents, for the selection totals the dashboard adds up in the browser.
    pub cents: SourceCents,
}

/// Funding by source in cents: `[eu, state, city, other]`.
pub type SourceCents = [i64; 4];

/// Money ready to print: full amounts with separators ("1,234,567") and the short form.
#[derive(Debug, Clone, Serialize)]
pub struct FundingView {
    pub eu: String,
    pub state: String,
    pub city: String,
    pub other: String,
    pub total: String,
    pub total_short: String,
    pub city_share: String,
    /// The currency code of the amounts.
    pub currency: String,
}

impl FundingView {
    pub fn new(eu: Money, state: Money, city: Money, other: Money, currency: &str) -> FundingView {
        let total = eu + state + city + other;
        let share = if total.cents() == 0 {
            0.0
        } else {
            city.cents() as f64 / total.cents() as f64
        };
        FundingView {
            eu: eu.grouped(),
            state: state.grouped(),
            city: city.grouped(),
            other: other.grouped(),
            total: total.grouped(),
            total_short: total.display(currency),
            city_share: percent(share),
            currency: currency.to_string(),
        }
    }

    pub fn from_totals(t: &FundingTotals, currency: &str) -> FundingView {
        let mut v = FundingView::new(t.eu, t.state, t.city, t.other, currency);
        v.city_share = percent(t.city_share);
        v
    }
}

/// Names of cities and themes by id, and the words of dates.
pub struct Names<'a> {
    pub cities: BTreeMap<&'a str, &'a str>,
    pub themes: BTreeMap<&'a str, &'a str>,
    pub strings: &'a Strings,
    /// The currency code amounts are written with.
    pub currency: &'a str,
}

impl<'a> Names<'a> {
    pub fn new(site: &'a Site, strings: &'a Strings, currency: &'a str) -> Names<'a> {
        Names {
            strings,
            currency,
            cities: site
                .cities
                .iter()
                .map(|c| (c.id.get_ref().as_str(), c.name.as_str()))
                .collect(),
            themes: site
                .themes
                .iter()
                .map(|t| (t.id.get_ref().as_str(), t.name.as_str()))
                .collect(),
        }
    }

    pub fn city(&self, id: &'a str) -> Ref<'a> {
        Ref {
            id,
            name: self.cities.get(id).copied().unwrap_or(id),
        }
    }

    pub fn theme(&self, id: &'a str) -> Ref<'a> {
        Ref {
            id,
            name: self.themes.get(id).copied().unwrap_or(id),
        }
    }

    pub fn project_row(&self, p: &'a Project, as_of: innopress_core::date::Date) -> ProjectRow<'a> {
        let status = p.status(as_of);
        let f = &p.funding;
        ProjectRow {
            id: p.id.get_ref(),
            title: &p.title,
            summary: &p.summary,
            city: p.city.as_ref().map(|c| self.city(c.get_ref())),
            partners: p.partners.iter().map(|c| self.city(c.get_ref())).collect(),
            themes: p
                .themes
                .get_ref()
                .iter()
                .map(|t| self.theme(t.get_ref()))
                .collect(),
            programme: &p.programme,
            start: p.start.get_ref().to_string(),
            end: p.end.get_ref().to_string(),
            start_long: self.strings.long_date(*p.start.get_ref()),
            end_long: self.strings.long_date(*p.end.get_ref()),
            status,
            status_label: status.label(),
            international: p.international,
            url: p.url.as_ref().map(|u| u.get_ref().as_str()),
            funding: FundingView::new(f.eu, f.state, f.city, f.other, self.currency),
            total_cents: f.total().cents(),
            cents: [
                f.eu.cents(),
                f.state.cents(),
                f.city.cents(),
                f.other.cents(),
            ],
        }
    }
}

/// A document in a list: title, summary, date, address (relative to the site root).
#[derive(Debug, Clone, Serialize)]
pub struct DocLink<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub date: Option<String>,
    pub date_long: Option<String>,
    pub href: String,
    /// The document's picture, small, when it has one.
    pub thumb: Option<String>,
}

impl<'a> DocLink<'a> {
    pub fn new(doc: &'a Document, href: String, strings: &Strings) -> DocLink<'a> {
        DocLink {
            title: doc.title(),
            summary: doc.summary(),
            date: doc.date().map(|d| d.to_string()),
            date_long: doc.date().map(|d| strings.long_date(d)),
            href,
            thumb: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CityView<'a> {
    pub funding: FundingView,
    pub ongoing_funding: String,
    pub projects: String,
    pub partner_projects: String,
    pub ongoing: String,
    /// "1 project", "5 projects".
    pub projects_phrase: String,
    /// "1 more project", "no more projects".
    pub partner_phrase: String,
    /// "none of them is ongoing", "1 of them is ongoing", "3 of them are ongoing".
    pub ongoing_phrase: String,
    pub international_funding: String,
    pub name: &'a str,
    pub id: &'a str,
}

impl<'a> CityView<'a> {
    pub fn new(c: &'a CitySummary, currency: &str) -> CityView<'a> {
        CityView {
            funding: FundingView::from_totals(&c.funding, currency),
            ongoing_funding: c.ongoing_funding.display(currency),
            projects: count(c.projects),
            partner_projects: count(c.partner_projects),
            ongoing: count(c.status.ongoing),
            projects_phrase: innopress_core::text::plural(c.projects, "project", "projects"),
            partner_phrase: match c.partner_projects {
                0 => "no more projects".into(),
                1 => "1 more project".into(),
                n => format!("{} more projects", count(n)),
            },
            ongoing_phrase: match c.status.ongoing {
                0 => "none of them is ongoing".into(),
                1 => "1 of them is ongoing".into(),
                n => format!("{} of them are ongoing", count(n)),
            },
            international_funding: c.international.funding.display(currency),
            name: &c.name,
            id: &c.id,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub unit: &'a str,
    pub description: &'a str,
    pub aggregate: &'static str,
    pub higher_is_better: bool,
    pub network: Vec<(i32, String)>,
    pub latest: Option<String>,
    pub latest_year: Option<i32>,
    pub change: Option<String>,
    pub reporting_cities: usize,
    /// "1 reporting city", "18 reporting cities".
    pub reporting: String,
}

impl<'a> IndicatorView<'a> {
    pub fn new(s: &'a IndicatorSummary, description: &'a str, currency: &str) -> IndicatorView<'a> {
        let unit = s.unit.as_str();
        IndicatorView {
            id: &s.id,
            name: &s.name,
            unit: &s.unit,
            description,
            aggregate: match s.aggregate {
                innopress_content::content::model::Aggregate::Sum => "sum",
                innopress_content::content::model::Aggregate::Mean => "mean",
                innopress_content::content::model::Aggregate::Median => "median",
            },
            higher_is_better: s.higher_is_better,
            network: s
                .network
                .iter()
                .map(|v| {
                    (
                        v.year,
                        innopress_core::text::with_unit(v.value, unit, currency),
                    )
                })
                .collect(),
            latest: s
                .latest
                .map(|v| innopress_core::text::with_unit(v.value, unit, currency)),
            latest_year: s.latest.map(|v| v.year),
            change: s
                .change
                .map(|c| innopress_core::text::change_with_unit(c, unit, currency)),
            reporting_cities: s.cities.len(),
            reporting: innopress_core::text::plural(
                s.cities.len(),
                "reporting city",
                "reporting cities",
            ),
        }
    }
}

/// The parts every page shares, rendered from `head.html`, `header.html` and `footer.html`.
#[derive(Debug, Serialize)]
pub struct Chrome {
    pub head: String,
    pub header: String,
    pub footer: String,
}
