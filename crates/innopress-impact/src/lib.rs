//! Stage 3, impact: pure functions from a validated [`Site`] to a [`Summary`] of every figure
//! the site prints. No I/O, no clock: the date that decides project status is an argument.
//! Money is summed in integer cents; lists come out in a stable order (ids, years ascending).

pub mod status;

use innopress_content::content::Site;
use innopress_content::content::model::{Aggregate, Project, SiteConfig, Status};
use innopress_core::date::Date;
use innopress_core::money::Money;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub as_of: Date,
    pub currency: String,
    pub projects: StatusCounts,
    pub funding: FundingTotals,
    pub ongoing_funding: Money,
    pub international: International,
    pub cities: Vec<CitySummary>,
    pub themes: Vec<ThemeSummary>,
    /// By funding programme, largest funding first.
    pub programmes: Vec<ProgrammeSummary>,
    pub years: Vec<YearSummary>,
    pub indicators: Vec<IndicatorSummary>,
    /// The map's outline (GeoJSON), carried so that a map can be drawn on any date's summary;
    /// not part of `summary.json`.
    #[serde(skip)]
    pub outline: Option<std::sync::Arc<str>>,
    /// The names of the funding sources (`[policy.sources]`); not part of `summary.json`,
    /// whose keys stay `eu`, `state`, `city` and `other`.
    #[serde(skip)]
    pub sources: innopress_content::content::model::Sources,
    /// `map_projection` of `site.toml`, when set.
    #[serde(skip)]
    pub map_projection: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub total: usize,
    pub planned: usize,
    pub ongoing: usize,
    pub closed: usize,
}

impl StatusCounts {
    fn add(&mut self, status: Status) {
        self.total += 1;
        match status {
            Status::Planned => self.planned += 1,
            Status::Ongoing => self.ongoing += 1,
            Status::Closed => self.closed += 1,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct FundingTotals {
    pub eu: Money,
    pub state: Money,
    pub city: Money,
    pub other: Money,
    pub total: Money,
    /// City funding / total funding, 0–1; 0 when there is no funding.
    pub city_share: f64,
}

impl FundingTotals {
    fn add(&mut self, p: &Project) {
        self.eu += p.funding.eu;
        self.state += p.funding.state;
        self.city += p.funding.city;
        self.other += p.funding.other;
        self.total += p.funding.total();
        self.city_share = share(self.city, self.total);
    }
}

/// Ratio of two amounts, rounded to four decimals so JSON output stays short and stable.
fn share(part: Money, whole: Money) -> f64 {
    if whole.cents() == 0 {
        return 0.0;
    }
    // integer rounding to 1/10000 keeps the figure identical on every platform
    let scaled = (i128::from(part.cents()) * 10_000 * 2 + i128::from(whole.cents()))
        / (2 * i128::from(whole.cents()));
    scaled as f64 / 10_000.0
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct International {
    pub projects: usize,
    pub funding: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct CitySummary {
    pub id: String,
    pub name: String,
    /// Projects the city owns.
    pub projects: usize,
    /// Projects the city takes part in as a partner.
    pub partner_projects: usize,
    pub status: StatusCounts,
    pub funding: FundingTotals,
    pub ongoing_funding: Money,
    pub international: International,
    /// Where the city is, in decimal degrees, when `cities.toml` says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThemeSummary {
    pub id: String,
    pub name: String,
    pub projects: usize,
    pub funding: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeSummary {
    pub name: String,
    pub projects: usize,
    pub ongoing: usize,
    pub funding: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearSummary {
    pub year: i32,
    pub active_projects: usize,
    /// Total funding of the projects active in the year.
    pub funding: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorSummary {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub aggregate: Aggregate,
    pub higher_is_better: bool,
    pub network: Vec<YearValue>,
    pub latest: Option<YearValue>,
    /// Latest network value minus the year before's, when both exist.
    pub change: Option<f64>,
    pub cities: Vec<CityValues>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct YearValue {
    pub year: i32,
    pub value: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CityValues {
    pub city: String,
    pub values: Vec<CityYear>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CityYear {
    pub year: i32,
    pub value: f64,
    pub target: Option<f64>,
}

impl Summary {
    /// The cities, largest funding of the projects they lead first, then by name: the order
    /// charts and the map show them in.
    pub fn cities_by_funding(&self) -> Vec<&CitySummary> {
        let mut cities: Vec<&CitySummary> = self.cities.iter().collect();
        cities.sort_by(|a, b| {
            b.funding
                .total
                .cmp(&a.funding.total)
                .then_with(|| a.name.cmp(&b.name))
        });
        cities
    }
}

/// Computes every figure of the site as of `as_of`, with the settings of `config` (which the
/// pipeline has taken out of the site by now): the currency, the names of the funding sources
/// and the map's projection.
pub fn summarise(site: &Site, as_of: Date, config: Option<&SiteConfig>) -> Summary {
    let currency = config.map_or("EUR", |c| c.policy.currency());
    let mut tally = Tally::new(site);
    for p in &site.projects {
        tally.add(p, p.status(as_of));
    }
    let mut programmes: Vec<ProgrammeSummary> = tally.programmes.into_values().collect();
    programmes.sort_by(|a, b| b.funding.cmp(&a.funding).then_with(|| a.name.cmp(&b.name)));
    Summary {
        as_of,
        currency: currency.to_string(),
        projects: tally.projects,
        funding: tally.funding,
        ongoing_funding: tally.ongoing_funding,
        international: tally.international,
        cities: tally.cities.into_values().collect(),
        themes: tally.themes.into_values().collect(),
        programmes,
        years: tally.years.into_values().collect(),
        indicators: indicators(site, as_of),
        outline: site.outline.clone(),
        sources: config
            .map(|c| c.policy.sources.or_defaults())
            .unwrap_or_default(),
        map_projection: config
            .and_then(|c| c.map_projection.as_ref())
            .map(|p| p.get_ref().clone()),
    }
}

/// The sums [`summarise`] adds each project to.
struct Tally<'a> {
    projects: StatusCounts,
    funding: FundingTotals,
    ongoing_funding: Money,
    international: International,
    cities: BTreeMap<&'a str, CitySummary>,
    themes: BTreeMap<&'a str, ThemeSummary>,
    years: BTreeMap<i32, YearSummary>,
    programmes: BTreeMap<&'a str, ProgrammeSummary>,
}

impl<'a> Tally<'a> {
    /// Every city and theme at zero, so that those without projects are listed too.
    fn new(site: &'a Site) -> Tally<'a> {
        let cities = site
            .cities
            .iter()
            .map(|c| {
                let summary = CitySummary {
                    id: c.id.get_ref().clone(),
                    name: c.name.clone(),
                    projects: 0,
                    partner_projects: 0,
                    status: StatusCounts::default(),
                    funding: FundingTotals::default(),
                    ongoing_funding: Money::ZERO,
                    international: International::default(),
                    lat: c.lat.as_ref().map(|v| *v.get_ref()),
                    lon: c.lon.as_ref().map(|v| *v.get_ref()),
                };
                (c.id.get_ref().as_str(), summary)
            })
            .collect();
        let themes = site
            .themes
            .iter()
            .map(|t| {
                let summary = ThemeSummary {
                    id: t.id.get_ref().clone(),
                    name: t.name.clone(),
                    projects: 0,
                    funding: Money::ZERO,
                };
                (t.id.get_ref().as_str(), summary)
            })
            .collect();
        Tally {
            projects: StatusCounts::default(),
            funding: FundingTotals::default(),
            ongoing_funding: Money::ZERO,
            international: International::default(),
            cities,
            themes,
            years: BTreeMap::new(),
            programmes: BTreeMap::new(),
        }
    }

    fn add(&mut self, p: &'a Project, status: Status) {
        let total = p.funding.total();
        let prog = self
            .programmes
            .entry(p.programme.as_str())
            .or_insert_with(|| ProgrammeSummary {
                name: p.programme.clone(),
                projects: 0,
                ongoing: 0,
                funding: Money::ZERO,
            });
        prog.projects += 1;
        prog.ongoing += usize::from(status == Status::Ongoing);
        prog.funding += total;
        self.projects.add(status);
        self.funding.add(p);
        if status == Status::Ongoing {
            self.ongoing_funding += total;
        }
        if p.international {
            self.international.projects += 1;
            self.international.funding += total;
        }
        self.add_to_cities(p, status, total);
        self.add_to_themes(p, total);
        for year in p.start.get_ref().year..=p.end.get_ref().year {
            let y = self.years.entry(year).or_insert(YearSummary {
                year,
                active_projects: 0,
                funding: Money::ZERO,
            });
            y.active_projects += 1;
            y.funding += total;
        }
    }

    /// The lead city's sums, and a partner project for each other city in it.
    fn add_to_cities(&mut self, p: &Project, status: Status, total: Money) {
        if let Some(c) = p
            .city
            .as_ref()
            .and_then(|c| self.cities.get_mut(c.get_ref().as_str()))
        {
            c.projects += 1;
            c.status.add(status);
            c.funding.add(p);
            if status == Status::Ongoing {
                c.ongoing_funding += total;
            }
            if p.international {
                c.international.projects += 1;
                c.international.funding += total;
            }
        }
        let mut partners: Vec<&str> = p.partners.iter().map(|c| c.get_ref().as_str()).collect();
        partners.sort_unstable();
        partners.dedup();
        for partner in partners {
            if p.city.as_ref().is_some_and(|c| c.get_ref() == partner) {
                continue;
            }
            if let Some(c) = self.cities.get_mut(partner) {
                c.partner_projects += 1;
            }
        }
    }

    fn add_to_themes(&mut self, p: &Project, total: Money) {
        let mut theme_ids: Vec<&str> = p
            .themes
            .get_ref()
            .iter()
            .map(|t| t.get_ref().as_str())
            .collect();
        theme_ids.sort_unstable();
        theme_ids.dedup();
        for t in theme_ids {
            if let Some(t) = self.themes.get_mut(t) {
                t.projects += 1;
                t.funding += total;
            }
        }
    }
}

/// [`summarise`] on another date, from the summary `base` of the same site: only what the
/// date decides is computed again (status, ongoing funding, the indicators' years), since
/// documents on many dates each need a summary.
pub fn summarise_on(site: &Site, base: &Summary, as_of: Date) -> Summary {
    let mut s = base.clone();
    s.as_of = as_of;
    s.projects = StatusCounts::default();
    s.ongoing_funding = Money::ZERO;
    for c in &mut s.cities {
        c.status = StatusCounts::default();
        c.ongoing_funding = Money::ZERO;
    }
    for p in &mut s.programmes {
        p.ongoing = 0;
    }
    let city_at: BTreeMap<&str, usize> = base
        .cities
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let programme_at: BTreeMap<&str, usize> = base
        .programmes
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name.as_str(), i))
        .collect();
    for p in &site.projects {
        let status = p.status(as_of);
        s.projects.add(status);
        let ongoing = status == Status::Ongoing;
        if ongoing {
            s.ongoing_funding += p.funding.total();
        }
        if let Some(&i) = programme_at.get(p.programme.as_str()) {
            s.programmes[i].ongoing += usize::from(ongoing);
        }
        if let Some(&i) = p
            .city
            .as_ref()
            .and_then(|c| city_at.get(c.get_ref().as_str()))
        {
            let c = &mut s.cities[i];
            c.status.add(status);
            if ongoing {
                c.ongoing_funding += p.funding.total();
            }
        }
    }
    if as_of.year != base.as_of.year {
        s.indicators = indicators(site, as_of);
    }
    s
}

/// A city's (value, target) by year.
type ByYear = BTreeMap<i32, (f64, Option<f64>)>;

/// Indicators as known on `as_of`: a year's value counts from that year on, so figures as
/// of 31 December 2023 end with 2023 however many later years the data holds.
fn indicators(site: &Site, as_of: Date) -> Vec<IndicatorSummary> {
    // indicator → city → year → (value, target)
    let mut by: BTreeMap<&str, BTreeMap<&str, ByYear>> = BTreeMap::new();
    for o in site
        .observations
        .iter()
        .filter(|o| *o.year.get_ref() <= as_of.year)
    {
        by.entry(o.indicator.get_ref())
            .or_default()
            .entry(o.city.get_ref())
            .or_default()
            .insert(*o.year.get_ref(), (o.value, o.target));
    }
    let mut out: Vec<IndicatorSummary> = site
        .indicators
        .iter()
        .map(|ind| {
            let empty = BTreeMap::new();
            let per_city = by.get(ind.id.get_ref().as_str()).unwrap_or(&empty);
            let mut per_year: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
            let cities = per_city
                .iter()
                .map(|(city, years)| CityValues {
                    city: (*city).to_string(),
                    values: years
                        .iter()
                        .map(|(year, (value, target))| {
                            per_year.entry(*year).or_default().push(*value);
                            CityYear {
                                year: *year,
                                value: *value,
                                target: *target,
                            }
                        })
                        .collect(),
                })
                .collect();
            let network: Vec<YearValue> = per_year
                .into_iter()
                .map(|(year, values)| YearValue {
                    year,
                    value: aggregate(ind.aggregate, values),
                })
                .collect();
            let latest = network.last().copied();
            let change = match network.as_slice() {
                [.., a, b] if a.year + 1 == b.year => Some(round6(b.value - a.value)),
                _ => None,
            };
            IndicatorSummary {
                id: ind.id.get_ref().clone(),
                name: ind.name.clone(),
                unit: ind.unit.clone(),
                aggregate: ind.aggregate,
                higher_is_better: ind.higher_is_better,
                network,
                latest,
                change,
                cities,
            }
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Combines city values into a network value. Values are summed in a fixed order (cities
/// ascending), so the result is the same on every run.
pub fn aggregate(how: Aggregate, mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let v = match how {
        Aggregate::Sum => values.iter().sum(),
        Aggregate::Mean => values.iter().sum::<f64>() / values.len() as f64,
        Aggregate::Median => {
            values.sort_by(f64::total_cmp);
            let n = values.len();
            if n % 2 == 1 {
                values[n / 2]
            } else {
                (values[n / 2 - 1] + values[n / 2]) / 2.0
            }
        }
    };
    round6(v)
}

/// Six decimals: hides float noise such as 0.30000000000000004 in output.
fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_on_another_date_equals_a_full_one() {
        let dir = tempfile::tempdir().unwrap();
        let params = innopress_content::synth::Params {
            projects: 300,
            articles: 5,
            ..innopress_content::synth::Params::default()
        };
        innopress_content::synth::generate(dir.path(), &params).unwrap();
        let (site, diags) = innopress_content::content::load(dir.path());
        assert!(!diags.has_errors());
        let base = summarise(&site, Date::new(2025, 4, 10).unwrap(), site.config.as_ref());
        for d in [
            "2019-03-01",
            "2023-12-31",
            "2025-04-10",
            "2025-06-30",
            "2031-01-01",
        ] {
            let date = Date::parse(d).unwrap();
            let full =
                serde_json::to_string(&summarise(&site, date, site.config.as_ref())).unwrap();
            let on = serde_json::to_string(&summarise_on(&site, &base, date)).unwrap();
            assert_eq!(on, full, "{d}");
        }
    }

    #[test]
    fn aggregates() {
        assert_eq!(aggregate(Aggregate::Sum, vec![0.1, 0.2]), 0.3);
        assert_eq!(aggregate(Aggregate::Mean, vec![1.0, 2.0, 4.0]), 2.333333);
        assert_eq!(aggregate(Aggregate::Median, vec![4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(aggregate(Aggregate::Median, vec![5.0, 1.0, 3.0]), 3.0);
        assert_eq!(aggregate(Aggregate::Sum, vec![]), 0.0);
    }

    #[test]
    fn shares_round_to_four_decimals() {
        assert_eq!(share(Money(1), Money(3)), 0.3333);
        assert_eq!(share(Money(2), Money(3)), 0.6667);
        assert_eq!(share(Money(0), Money(0)), 0.0);
    }
}
