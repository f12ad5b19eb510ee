//! The catalogue of charts: which charts exist, the data each shows, its title, its
//! description in words and its data table. Drawing is left to [`super::draw`].

use super::axis::value_formatter;
use super::draw::{BLUE, Bar, Marker, Series, VERMILLION, count_label, hbar, line, stacked, vbar};
use innopress_core::catalogue::ChartName;
use innopress_core::money::{Money, group_thousands, short_amount};
use innopress_core::strings::{ChartTitles, fill};
use innopress_core::text::{number, percent};
use innopress_impact::{FundingTotals, IndicatorSummary, Summary};
use rayon::prelude::*;

pub use innopress_core::chart::{Chart, DataTable};

/// Every chart the site uses: network charts, per-city funding and per-city indicators.
pub fn all(summary: &Summary, w: &ChartTitles) -> Vec<Chart> {
    let mut jobs: Vec<Box<dyn Fn() -> Option<Chart> + Sync + Send + '_>> = vec![
        Box::new(|| funding_by_city(summary, w)),
        Box::new(|| funding_by_source(summary, None, w)),
        Box::new(|| projects_by_theme(summary, w)),
        Box::new(|| projects_per_year(summary, w)),
        Box::new(|| super::map(summary, w)),
    ];
    for ind in &summary.indicators {
        jobs.push(Box::new(move || indicator(summary, &ind.id, None, w)));
        // its map in the latest year, and in every year a city has a value for
        jobs.push(Box::new(move || {
            super::map::indicator_map(summary, &ind.id, None, w)
        }));
        let mut years: Vec<i32> = ind
            .cities
            .iter()
            .flat_map(|c| c.values.iter().map(|v| v.year))
            .collect();
        years.sort_unstable();
        years.dedup();
        for year in years {
            jobs.push(Box::new(move || {
                super::map::indicator_map(summary, &ind.id, Some(year), w)
            }));
        }
        for c in &ind.cities {
            jobs.push(Box::new(move || {
                indicator(summary, &ind.id, Some(&c.city), w)
            }));
        }
    }
    for c in &summary.cities {
        jobs.push(Box::new(move || funding_by_source(summary, Some(&c.id), w)));
    }
    jobs.par_iter().filter_map(|job| job()).collect()
}

/// [`all`], keyed by chart name: what pages look charts up in, shared between threads.
pub fn named(
    summary: &Summary,
    w: &ChartTitles,
) -> std::sync::Arc<std::collections::BTreeMap<String, Chart>> {
    std::sync::Arc::new(
        all(summary, w)
            .into_iter()
            .map(|c| (c.name.clone(), c))
            .collect(),
    )
}

/// The chart `name` with its arguments, as shortcodes and pages ask for it.
pub fn by_name(
    summary: &Summary,
    name: ChartName,
    city: Option<&str>,
    indicator_id: Option<&str>,
    year: Option<i32>,
    w: &ChartTitles,
) -> Option<Chart> {
    match name {
        ChartName::Map => match indicator_id {
            Some(id) => super::map::indicator_map(summary, id, year, w),
            None => super::map(summary, w),
        },
        ChartName::FundingByCity => funding_by_city(summary, w),
        ChartName::FundingBySource => funding_by_source(summary, city, w),
        ChartName::ProjectsByTheme => projects_by_theme(summary, w),
        ChartName::ProjectsPerYear => projects_per_year(summary, w),
        ChartName::Indicator => indicator(summary, indicator_id?, city, w),
    }
}

pub fn funding_by_city(s: &Summary, w: &ChartTitles) -> Option<Chart> {
    let cities = s.cities_by_funding();
    let bars: Vec<Bar> = cities
        .iter()
        .map(|c| Bar {
            label: c.name.clone(),
            value: c.funding.total.euros_f64(),
            value_label: c.funding.total.display(&s.currency),
        })
        .collect();
    let title = w.funding_by_city.clone();
    let desc = format!(
        "Horizontal bar chart of the total funding of the projects each city leads, largest first: {}.",
        words(&bars)
    );
    let axis = |v: f64| short_amount(v, &s.currency);
    let (svg, svg_narrow) = hbar("funding-by-city", &title, &desc, &bars, &axis).ok()?;
    Some(Chart {
        name: "funding-by-city".into(),
        table: DataTable {
            caption: title.clone(),
            columns: vec![
                "City".into(),
                format!("Total funding ({})", s.currency),
                "City share".into(),
            ],
            rows: cities
                .iter()
                .map(|c| {
                    vec![
                        c.name.clone(),
                        c.funding.total.grouped(),
                        percent(c.funding.city_share),
                    ]
                })
                .collect(),
        },
        title,
        desc,
        svg,
        svg_narrow,
        credit: String::new(),
    })
}

pub fn projects_by_theme(s: &Summary, w: &ChartTitles) -> Option<Chart> {
    let mut themes: Vec<_> = s.themes.iter().collect();
    themes.sort_by(|a, b| {
        b.projects
            .cmp(&a.projects)
            .then_with(|| a.name.cmp(&b.name))
    });
    let bars: Vec<Bar> = themes
        .iter()
        .map(|t| Bar {
            label: t.name.clone(),
            value: t.projects as f64,
            value_label: format!("{} projects", group_thousands(t.projects as u64)),
        })
        .collect();
    let title = w.projects_by_theme.clone();
    let desc = format!(
        "Horizontal bar chart of the number of projects in each theme (a project can have several themes): {}.",
        words(&bars)
    );
    let (svg, svg_narrow) = hbar("projects-by-theme", &title, &desc, &bars, &|v| {
        count_label(v)
    })
    .ok()?;
    Some(Chart {
        name: "projects-by-theme".into(),
        table: DataTable {
            caption: title.clone(),
            columns: vec![
                "Theme".into(),
                "Projects".into(),
                format!("Funding ({})", s.currency),
            ],
            rows: themes
                .iter()
                .map(|t| {
                    vec![
                        t.name.clone(),
                        group_thousands(t.projects as u64),
                        t.funding.grouped(),
                    ]
                })
                .collect(),
        },
        title,
        desc,
        svg,
        svg_narrow,
        credit: String::new(),
    })
}

pub fn projects_per_year(s: &Summary, w: &ChartTitles) -> Option<Chart> {
    let bars: Vec<Bar> = s
        .years
        .iter()
        .map(|y| Bar {
            label: y.year.to_string(),
            value: y.active_projects as f64,
            value_label: group_thousands(y.active_projects as u64),
        })
        .collect();
    let title = w.projects_per_year.clone();
    let desc = format!(
        "Column chart of the number of projects active in each calendar year: {}.",
        words(&bars)
    );
    let (svg, svg_narrow) = vbar("projects-per-year", &title, &desc, &bars).ok()?;
    Some(Chart {
        name: "projects-per-year".into(),
        table: DataTable {
            caption: title.clone(),
            columns: vec![
                "Year".into(),
                "Active projects".into(),
                format!("Their funding ({})", s.currency),
            ],
            rows: s
                .years
                .iter()
                .map(|y| {
                    vec![
                        y.year.to_string(),
                        group_thousands(y.active_projects as u64),
                        y.funding.grouped(),
                    ]
                })
                .collect(),
        },
        title,
        desc,
        svg,
        svg_narrow,
        credit: String::new(),
    })
}

/// Funding by source as one stacked bar, for the network or for one city.
pub fn funding_by_source(s: &Summary, city: Option<&str>, w: &ChartTitles) -> Option<Chart> {
    let (funding, who, name, title): (&FundingTotals, String, String, String) = match city {
        None => (
            &s.funding,
            "all projects".into(),
            "funding-by-source".into(),
            w.funding_by_source.clone(),
        ),
        Some(id) => {
            let c = s.cities.iter().find(|c| c.id == id)?;
            (
                &c.funding,
                format!("projects led by {}", c.name),
                format!("funding-by-source-{id}"),
                fill(&w.funding_by_source_city, &[("city", &c.name)]),
            )
        }
    };
    let names = &s.sources;
    let parts: Vec<(&str, Money)> = vec![
        (&names.eu, funding.eu),
        (&names.state, funding.state),
        (&names.city, funding.city),
        (&names.other, funding.other),
    ];
    let total = funding.total;
    let share = |m: Money| {
        if total.cents() == 0 {
            0.0
        } else {
            m.cents() as f64 / total.cents() as f64
        }
    };
    let desc = format!(
        "Stacked bar of the funding of {who} (total {}) split by source: {}.",
        total.display(&s.currency),
        parts
            .iter()
            .map(|(n, m)| { format!("{n} {} ({})", m.display(&s.currency), percent(share(*m))) })
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (svg, svg_narrow) = stacked(&name, &title, &desc, &parts, total, &s.currency).ok()?;
    let mut rows: Vec<Vec<String>> = parts
        .iter()
        .map(|(n, m)| vec![n.to_string(), m.grouped(), percent(share(*m))])
        .collect();
    rows.push(vec![
        "Total".into(),
        total.grouped(),
        percent(if total.cents() == 0 { 0.0 } else { 1.0 }),
    ]);
    Some(Chart {
        name,
        table: DataTable {
            caption: title.clone(),
            columns: vec![
                "Source".into(),
                format!("Amount ({})", s.currency),
                "Share".into(),
            ],
            rows,
        },
        title,
        desc,
        svg,
        svg_narrow,
        credit: String::new(),
    })
}

/// An indicator's trend: the network value by year, or one city's values and targets against
/// the average of the reporting cities.
pub fn indicator(s: &Summary, id: &str, city: Option<&str>, w: &ChartTitles) -> Option<Chart> {
    let ind: &IndicatorSummary = s.indicators.iter().find(|i| i.id == id)?;
    match city {
        None => indicator_network(ind, w),
        Some(cid) => indicator_city(s, ind, cid, w),
    }
}

/// `2023 1 200, 2024 1 350`: a line's points in words.
fn points_in_words(points: &[(i32, f64)], fmt: &dyn Fn(f64) -> String) -> String {
    points
        .iter()
        .map(|(y, v)| format!("{y} {}", fmt(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The network's values of an indicator by year.
fn indicator_network(ind: &IndicatorSummary, w: &ChartTitles) -> Option<Chart> {
    let fmt = value_formatter(&ind.unit);
    let points: Vec<(i32, f64)> = ind.network.iter().map(|v| (v.year, v.value)).collect();
    let name = format!("indicator-{}", ind.id);
    let title = fill(&w.indicator_network, &[("indicator", &ind.name)]);
    let how = match ind.aggregate {
        innopress_content::content::model::Aggregate::Sum => "sum",
        innopress_content::content::model::Aggregate::Mean => "mean",
        innopress_content::content::model::Aggregate::Median => "median",
    };
    let desc = format!(
        "Line chart of {} ({}), the {how} over reporting cities, by year: {}.",
        ind.name,
        ind.unit,
        points_in_words(&points, &*fmt)
    );
    let series = vec![Series {
        label: "Network".into(),
        points: points.clone(),
        colour: BLUE,
        marker: Marker::Circle,
    }];
    let (svg, svg_narrow) = line(&name, &title, &desc, &series, &[], &*fmt).ok()?;
    Some(Chart {
        name,
        table: DataTable {
            caption: title.clone(),
            columns: vec!["Year".into(), format!("Network value ({})", ind.unit)],
            rows: points
                .iter()
                .map(|(y, v)| vec![y.to_string(), number(*v)])
                .collect(),
        },
        title,
        desc,
        svg,
        svg_narrow,
        credit: String::new(),
    })
}

/// The average of the reporting cities by year, so a city compares with a peer rather than
/// with the network's sum.
fn city_average(ind: &IndicatorSummary) -> Vec<(i32, f64)> {
    let mut by_year: std::collections::BTreeMap<i32, (f64, usize)> = Default::default();
    for c in &ind.cities {
        for v in &c.values {
            let e = by_year.entry(v.year).or_insert((0.0, 0));
            e.0 += v.value;
            e.1 += 1;
        }
    }
    by_year
        .into_iter()
        .map(|(y, (sum, n))| (y, ((sum / n as f64) * 1e6).round() / 1e6))
        .collect()
}

/// One city's values of an indicator by year, beside the average city and its targets.
fn indicator_city(
    s: &Summary,
    ind: &IndicatorSummary,
    cid: &str,
    w: &ChartTitles,
) -> Option<Chart> {
    let fmt = value_formatter(&ind.unit);
    let cv = ind.cities.iter().find(|c| c.city == cid)?;
    let city_name = s
        .cities
        .iter()
        .find(|c| c.id == cid)
        .map_or(cid, |c| c.name.as_str());
    let own: Vec<(i32, f64)> = cv.values.iter().map(|v| (v.year, v.value)).collect();
    let targets: Vec<(i32, f64)> = cv
        .values
        .iter()
        .filter_map(|v| Some((v.year, v.target?)))
        .collect();
    let avg = city_average(ind);
    let name = format!("indicator-{}-{cid}", ind.id);
    let title = fill(
        &w.indicator_city,
        &[("indicator", &ind.name), ("city", city_name)],
    );
    let desc = format!(
        "Line chart of {} ({}) in {city_name} by year: {}; the average of reporting cities: {}{}.",
        ind.name,
        ind.unit,
        points_in_words(&own, &*fmt),
        points_in_words(&avg, &*fmt),
        if targets.is_empty() {
            String::new()
        } else {
            format!("; targets: {}", points_in_words(&targets, &*fmt))
        }
    );
    let series = vec![
        Series {
            label: city_name.to_string(),
            points: own.clone(),
            colour: BLUE,
            marker: Marker::Circle,
        },
        Series {
            label: "City average".into(),
            points: avg.clone(),
            colour: VERMILLION,
            marker: Marker::Triangle,
        },
    ];
    let (svg, svg_narrow) = line(&name, &title, &desc, &series, &targets, &*fmt).ok()?;
    let cell = |list: &[(i32, f64)], y: &i32| {
        list.iter()
            .find(|(x, _)| x == y)
            .map_or(String::new(), |(_, v)| number(*v))
    };
    let rows = own
        .iter()
        .map(|(y, v)| vec![y.to_string(), number(*v), cell(&avg, y), cell(&targets, y)])
        .collect();
    Some(Chart {
        name,
        table: DataTable {
            caption: title.clone(),
            columns: vec![
                "Year".into(),
                format!("{city_name} ({})", ind.unit),
                "City average".into(),
                "Target".into(),
            ],
            rows,
        },
        title,
        desc,
        svg,
        svg_narrow,
        credit: String::new(),
    })
}

fn words(bars: &[Bar]) -> String {
    bars.iter()
        .map(|b| format!("{} {}", b.label, b.value_label))
        .collect::<Vec<_>>()
        .join("; ")
}
