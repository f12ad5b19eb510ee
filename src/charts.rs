//! Charts: the summary drawn as accessible SVG with plotters' SVG backend (no system fonts).
//! Every chart carries `role="img"`, a `<title>` and a `<desc>` that states the data in words,
//! uses the Okabe–Ito palette with dark outlines (so marks keep 3:1 contrast whatever their
//! fill), labels bars and lines directly so colour is never the only cue, and comes with its
//! data as a table. Pure: the same summary gives byte-identical SVG.

use crate::impact::{CitySummary, FundingTotals, IndicatorSummary, Summary};
use crate::money::{Money, group_thousands, short_euros};
use crate::text::{number, percent};
use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use rayon::prelude::*;
use serde::Serialize;

/// Okabe–Ito colours, darkest first so the first series has the most contrast.
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const INK: RGBColor = RGBColor(0x1b, 0x1f, 0x24);
const GRID: RGBColor = RGBColor(0xdd, 0xe1, 0xe6);
const SOURCE_COLOURS: [RGBColor; 4] = [BLUE, VERMILLION, GREEN, PURPLE];

const WIDTH: u32 = 760;
const FONT: &str = "sans-serif";
/// plotters divides font sizes by 1.24 when writing SVG; this gives 14 px text.
const TEXT: f64 = 14.0 * 1.24;

#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// File stem under `output/charts/` and the id prefix inside the SVG.
    pub name: String,
    pub title: String,
    pub desc: String,
    pub svg: String,
    pub table: DataTable,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataTable {
    pub caption: String,
    pub columns: Vec<String>,
    /// The first cell of each row is the row header.
    pub rows: Vec<Vec<String>>,
}

type DrawResult<T> = Result<T, String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

/// Every chart the site uses: network charts, per-city funding and per-city indicators.
pub fn all(summary: &Summary) -> Vec<Chart> {
    let mut jobs: Vec<Box<dyn Fn() -> Option<Chart> + Sync + Send + '_>> = vec![
        Box::new(|| funding_by_city(summary)),
        Box::new(|| funding_by_source(summary, None)),
        Box::new(|| projects_by_theme(summary)),
        Box::new(|| projects_per_year(summary)),
    ];
    for ind in &summary.indicators {
        jobs.push(Box::new(move || indicator(summary, &ind.id, None)));
        for c in &ind.cities {
            jobs.push(Box::new(move || indicator(summary, &ind.id, Some(&c.city))));
        }
    }
    for c in &summary.cities {
        jobs.push(Box::new(move || funding_by_source(summary, Some(&c.id))));
    }
    jobs.par_iter().filter_map(|job| job()).collect()
}

/// [`all`], keyed by chart name: what pages look charts up in, shared between threads.
pub fn named(summary: &Summary) -> std::sync::Arc<std::collections::BTreeMap<String, Chart>> {
    std::sync::Arc::new(
        all(summary)
            .into_iter()
            .map(|c| (c.name.clone(), c))
            .collect(),
    )
}

/// The chart `name` with its arguments, as shortcodes and pages ask for it.
pub fn by_name(
    summary: &Summary,
    name: &str,
    city: Option<&str>,
    indicator_id: Option<&str>,
) -> Option<Chart> {
    match name {
        "funding-by-city" => funding_by_city(summary),
        "funding-by-source" => funding_by_source(summary, city),
        "projects-by-theme" => projects_by_theme(summary),
        "projects-per-year" => projects_per_year(summary),
        "indicator" => indicator(summary, indicator_id?, city),
        _ => None,
    }
}

pub fn funding_by_city(s: &Summary) -> Option<Chart> {
    let mut cities: Vec<&CitySummary> = s.cities.iter().collect();
    cities.sort_by(|a, b| {
        b.funding
            .total
            .cmp(&a.funding.total)
            .then_with(|| a.name.cmp(&b.name))
    });
    let bars: Vec<Bar> = cities
        .iter()
        .map(|c| Bar {
            label: c.name.clone(),
            value: c.funding.total.euros_f64(),
            value_label: c.funding.total.display(),
        })
        .collect();
    let title = "Funding by city".to_string();
    let desc = format!(
        "Horizontal bar chart of the total funding of the projects each city leads, largest first: {}.",
        words(&bars)
    );
    let svg = hbar("funding-by-city", &title, &desc, &bars, &short_euros).ok()?;
    Some(Chart {
        name: "funding-by-city".into(),
        table: DataTable {
            caption: title.clone(),
            columns: vec![
                "City".into(),
                "Total funding (EUR)".into(),
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
    })
}

pub fn projects_by_theme(s: &Summary) -> Option<Chart> {
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
    let title = "Projects by theme".to_string();
    let desc = format!(
        "Horizontal bar chart of the number of projects in each theme (a project can have several themes): {}.",
        words(&bars)
    );
    let svg = hbar("projects-by-theme", &title, &desc, &bars, &|v| {
        count_label(v)
    })
    .ok()?;
    Some(Chart {
        name: "projects-by-theme".into(),
        table: DataTable {
            caption: title.clone(),
            columns: vec!["Theme".into(), "Projects".into(), "Funding (EUR)".into()],
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
    })
}

pub fn projects_per_year(s: &Summary) -> Option<Chart> {
    let bars: Vec<Bar> = s
        .years
        .iter()
        .map(|y| Bar {
            label: y.year.to_string(),
            value: y.active_projects as f64,
            value_label: group_thousands(y.active_projects as u64),
        })
        .collect();
    let title = "Projects active per year".to_string();
    let desc = format!(
        "Column chart of the number of projects active in each calendar year: {}.",
        words(&bars)
    );
    let svg = vbar("projects-per-year", &title, &desc, &bars).ok()?;
    Some(Chart {
        name: "projects-per-year".into(),
        table: DataTable {
            caption: title.clone(),
            columns: vec![
                "Year".into(),
                "Active projects".into(),
                "Their funding (EUR)".into(),
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
    })
}

/// Funding by source as one stacked bar, for the network or for one city.
pub fn funding_by_source(s: &Summary, city: Option<&str>) -> Option<Chart> {
    let (funding, who, name): (&FundingTotals, String, String) = match city {
        None => (
            &s.funding,
            "all projects".into(),
            "funding-by-source".into(),
        ),
        Some(id) => {
            let c = s.cities.iter().find(|c| c.id == id)?;
            (
                &c.funding,
                format!("projects led by {}", c.name),
                format!("funding-by-source-{id}"),
            )
        }
    };
    let parts: Vec<(&str, Money)> = vec![
        ("EU", funding.eu),
        ("State", funding.state),
        ("City", funding.city),
        ("Other", funding.other),
    ];
    let total = funding.total;
    let share = |m: Money| {
        if total.cents() == 0 {
            0.0
        } else {
            m.cents() as f64 / total.cents() as f64
        }
    };
    let title = match city {
        None => "Funding by source".to_string(),
        Some(_) => format!("Funding by source, {who}"),
    };
    let desc = format!(
        "Stacked bar of the funding of {who} (total {}) split by source: {}.",
        total.display(),
        parts
            .iter()
            .map(|(n, m)| format!("{n} {} ({})", m.display(), percent(share(*m))))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let svg = stacked(&name, &title, &desc, &parts, total).ok()?;
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
            columns: vec!["Source".into(), "Amount (EUR)".into(), "Share".into()],
            rows,
        },
        title,
        desc,
        svg,
    })
}

/// An indicator's trend: the network value by year, or one city's values and targets against
/// the average of the reporting cities.
pub fn indicator(s: &Summary, id: &str, city: Option<&str>) -> Option<Chart> {
    let ind: &IndicatorSummary = s.indicators.iter().find(|i| i.id == id)?;
    let fmt = value_formatter(&ind.unit);
    match city {
        None => {
            let points: Vec<(i32, f64)> = ind.network.iter().map(|v| (v.year, v.value)).collect();
            let name = format!("indicator-{id}");
            let title = format!("{} in the network", ind.name);
            let how = match ind.aggregate {
                crate::content::model::Aggregate::Sum => "sum",
                crate::content::model::Aggregate::Mean => "mean",
                crate::content::model::Aggregate::Median => "median",
            };
            let desc = format!(
                "Line chart of {} ({}), the {how} over reporting cities, by year: {}.",
                ind.name,
                ind.unit,
                points
                    .iter()
                    .map(|(y, v)| format!("{y} {}", fmt(*v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let series = vec![Series {
                label: "Network".into(),
                points: points.clone(),
                colour: BLUE,
                marker: Marker::Circle,
            }];
            let svg = line(&name, &title, &desc, &series, &[], &*fmt).ok()?;
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
            })
        }
        Some(cid) => {
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
            // the average city, so a city compares with a peer rather than with the network sum
            let mut by_year: std::collections::BTreeMap<i32, (f64, usize)> = Default::default();
            for c in &ind.cities {
                for v in &c.values {
                    let e = by_year.entry(v.year).or_insert((0.0, 0));
                    e.0 += v.value;
                    e.1 += 1;
                }
            }
            let avg: Vec<(i32, f64)> = by_year
                .into_iter()
                .map(|(y, (sum, n))| (y, ((sum / n as f64) * 1e6).round() / 1e6))
                .collect();
            let name = format!("indicator-{id}-{cid}");
            let title = format!("{} in {city_name}", ind.name);
            let desc = format!(
                "Line chart of {} ({}) in {city_name} by year: {}; the average of reporting cities: {}{}.",
                ind.name,
                ind.unit,
                own.iter()
                    .map(|(y, v)| format!("{y} {}", fmt(*v)))
                    .collect::<Vec<_>>()
                    .join(", "),
                avg.iter()
                    .map(|(y, v)| format!("{y} {}", fmt(*v)))
                    .collect::<Vec<_>>()
                    .join(", "),
                if targets.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; targets: {}",
                        targets
                            .iter()
                            .map(|(y, v)| format!("{y} {}", fmt(*v)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
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
            let svg = line(&name, &title, &desc, &series, &targets, &*fmt).ok()?;
            let rows = own
                .iter()
                .map(|(y, v)| {
                    let a = avg
                        .iter()
                        .find(|(ay, _)| ay == y)
                        .map_or(String::new(), |(_, a)| number(*a));
                    let t = targets
                        .iter()
                        .find(|(ty, _)| ty == y)
                        .map_or(String::new(), |(_, t)| number(*t));
                    vec![y.to_string(), number(*v), a, t]
                })
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
            })
        }
    }
}

fn value_formatter(unit: &str) -> Box<dyn Fn(f64) -> String + Sync> {
    match unit {
        "EUR" => Box::new(short_euros),
        "percent" | "%" => Box::new(|v| format!("{} %", number(v))),
        _ => Box::new(number),
    }
}

fn count_label(v: f64) -> String {
    if v.fract().abs() > 1e-9 {
        String::new()
    } else {
        group_thousands(v.max(0.0) as u64)
    }
}

struct Bar {
    label: String,
    value: f64,
    value_label: String,
}

fn words(bars: &[Bar]) -> String {
    bars.iter()
        .map(|b| format!("{} {}", b.label, b.value_label))
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Clone, Copy)]
enum Marker {
    Circle,
    Triangle,
}

struct Series {
    label: String,
    points: Vec<(i32, f64)>,
    colour: RGBColor,
    marker: Marker,
}

fn text_style(size: f64) -> TextStyle<'static> {
    (FONT, size).into_font().color(&INK)
}

/// A rough width in pixels of `text` at 14 px, for sizing label areas.
fn text_width(text: &str) -> u32 {
    (text.chars().count() as f64 * 7.6).ceil() as u32
}

fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    for step in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if step * mag >= max {
            return step * mag;
        }
    }
    10.0 * mag
}

fn finish(name: &str, title: &str, desc: &str, svg: String) -> String {
    let esc = crate::text::xml_escape;
    let open_end = svg.find('>').unwrap_or(0);
    let (open, rest) = svg.split_at(open_end);
    let open = open.replacen(
        "<svg ",
        &format!(
            "<svg class=\"chart-svg\" role=\"img\" aria-labelledby=\"{name}-title {name}-desc\" "
        ),
        1,
    );
    format!(
        "{open}>\n<title id=\"{name}-title\">{}</title>\n<desc id=\"{name}-desc\">{}</desc>{}",
        esc(title),
        esc(desc),
        &rest[1..]
    )
}

fn canvas<F>(name: &str, title: &str, desc: &str, height: u32, draw: F) -> DrawResult<String>
where
    F: FnOnce(&DrawingArea<SVGBackend, Shift>) -> DrawResult<()>,
{
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(finish(name, title, desc, buf))
}

/// Horizontal bars, first item at the top, each labelled with its value.
fn hbar(
    name: &str,
    title: &str,
    desc: &str,
    bars: &[Bar],
    axis: &dyn Fn(f64) -> String,
) -> DrawResult<String> {
    let n = bars.len().max(1);
    let height = 60 + 30 * n as u32;
    let label_w = bars
        .iter()
        .map(|b| text_width(&b.label))
        .max()
        .unwrap_or(40)
        .clamp(40, 240)
        + 12;
    let value_w = bars
        .iter()
        .map(|b| text_width(&b.value_label))
        .max()
        .unwrap_or(40);
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    // leave room right of the longest bar for its label
    let plot_w = (WIDTH - label_w - 20) as f64;
    let room = (value_w as f64 + 12.0) / plot_w;
    let x_max = nice_max(max / (1.0 - room).max(0.3));
    canvas(name, title, desc, height, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .margin_right(36)
            .x_label_area_size(30)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0f64..x_max, (0..n - 1).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(5)
            .y_labels(n)
            .x_label_formatter(&|v| axis(*v))
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) if *i < bars.len() => {
                    bars[bars.len() - 1 - *i].label.clone()
                }
                _ => String::new(),
            })
            .label_style(text_style(TEXT))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(k, b)| {
                let i = bars.len() - 1 - k;
                let mut r = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(i)),
                        (b.value, SegmentValue::Exact(i + 1)),
                    ],
                    BLUE.filled(),
                );
                r.set_margin(4, 4, 0, 0);
                r
            }))
            .map_err(err)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(k, b)| {
                let i = bars.len() - 1 - k;
                let style = text_style(TEXT).pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Left,
                    plotters::style::text_anchor::VPos::Center,
                ));
                EmptyElement::at((b.value, SegmentValue::CenterOf(i)))
                    + Text::new(b.value_label.clone(), (6, 0), style)
            }))
            .map_err(err)?;
        Ok(())
    })
}

/// Vertical bars (columns), labelled with their values.
fn vbar(name: &str, title: &str, desc: &str, bars: &[Bar]) -> DrawResult<String> {
    let n = bars.len().max(1);
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let y_max = nice_max(max * 1.12);
    canvas(name, title, desc, 360, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(34)
            .y_label_area_size(56)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..y_max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(n)
            .y_labels(5)
            .y_label_formatter(&|v| count_label(*v))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) if *i < bars.len() => bars[*i].label.clone(),
                _ => String::new(),
            })
            .label_style(text_style(TEXT))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                let mut r = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0.0),
                        (SegmentValue::Exact(i + 1), b.value),
                    ],
                    BLUE.filled(),
                );
                r.set_margin(0, 0, 6, 6);
                r
            }))
            .map_err(err)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                let style = text_style(TEXT).pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Center,
                    plotters::style::text_anchor::VPos::Bottom,
                ));
                EmptyElement::at((SegmentValue::CenterOf(i), b.value))
                    + Text::new(b.value_label.clone(), (0, -4), style)
            }))
            .map_err(err)?;
        Ok(())
    })
}

/// One stacked bar, each part named and quantified in text beside it.
fn stacked(
    name: &str,
    title: &str,
    desc: &str,
    parts: &[(&str, Money)],
    total: Money,
) -> DrawResult<String> {
    let total_f = total.euros_f64().max(0.01);
    canvas(name, title, desc, 150 + 26 * parts.len() as u32, |root| {
        let (bar_area, legend) = root.split_vertically(86);
        let mut chart = ChartBuilder::on(&bar_area)
            .margin(12)
            .margin_left(30)
            .margin_right(40)
            .x_label_area_size(30)
            .build_cartesian_2d(0f64..total_f, 0f64..1f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(5)
            .x_label_formatter(&|v| short_euros(*v))
            .label_style(text_style(TEXT))
            .draw()
            .map_err(err)?;
        let mut x = 0.0;
        for (i, (_, m)) in parts.iter().enumerate() {
            let w = m.euros_f64();
            if w > 0.0 {
                let colour = SOURCE_COLOURS[i % SOURCE_COLOURS.len()];
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, 0.1), (x + w, 0.9)],
                        colour.filled(),
                    )))
                    .map_err(err)?;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, 0.1), (x + w, 0.9)],
                        INK.stroke_width(1),
                    )))
                    .map_err(err)?;
            }
            x += w;
        }
        // the legend names every part in text, with its amount and share
        for (i, (label, m)) in parts.iter().enumerate() {
            let y = 14 + 26 * i as i32;
            let colour = SOURCE_COLOURS[i % SOURCE_COLOURS.len()];
            legend
                .draw(&Rectangle::new([(22, y - 8), (40, y + 8)], colour.filled()))
                .map_err(err)?;
            legend
                .draw(&Rectangle::new(
                    [(22, y - 8), (40, y + 8)],
                    INK.stroke_width(1),
                ))
                .map_err(err)?;
            let share = if total.cents() == 0 {
                0.0
            } else {
                m.cents() as f64 / total.cents() as f64
            };
            let style = text_style(TEXT).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            ));
            legend
                .draw(&Text::new(
                    format!(
                        "{label}: {} ({}), part {} from the left",
                        m.display(),
                        percent(share),
                        i + 1
                    ),
                    (50, y),
                    style,
                ))
                .map_err(err)?;
        }
        Ok(())
    })
}

/// Lines with markers by year; `targets` drawn as labelled crosses.
fn line(
    name: &str,
    title: &str,
    desc: &str,
    series: &[Series],
    targets: &[(i32, f64)],
    fmt: &(dyn Fn(f64) -> String + Sync),
) -> DrawResult<String> {
    let years = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .chain(targets.iter().map(|t| t.0));
    let (lo, hi) = years.fold((i32::MAX, i32::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let (lo, hi) = if lo > hi {
        (2020, 2021)
    } else {
        (lo, hi.max(lo + 1))
    };
    let values = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .chain(targets.iter().map(|t| t.1));
    let (vmin, vmax) = values.fold((0f64, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let vmax = nice_max(if vmax <= vmin { vmin + 1.0 } else { vmax * 1.1 });
    let vmin = if vmin < 0.0 {
        -nice_max(-vmin * 1.1)
    } else {
        0.0
    };
    canvas(name, title, desc, 340, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .margin_right(130)
            .x_label_area_size(30)
            .y_label_area_size(80)
            .build_cartesian_2d(lo..hi, vmin..vmax)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels((hi - lo + 1) as usize)
            .y_labels(5)
            .x_label_formatter(&|y| y.to_string())
            .y_label_formatter(&|v| fmt(*v))
            .label_style(text_style(TEXT))
            .draw()
            .map_err(err)?;
        for s in series {
            let colour = s.colour;
            chart
                .draw_series(LineSeries::new(
                    s.points.iter().copied(),
                    colour.stroke_width(3),
                ))
                .map_err(err)?;
            match s.marker {
                Marker::Circle => chart
                    .draw_series(s.points.iter().map(|p| Circle::new(*p, 5, colour.filled())))
                    .map(drop),
                Marker::Triangle => chart
                    .draw_series(
                        s.points
                            .iter()
                            .map(|p| TriangleMarker::new(*p, 7, colour.filled())),
                    )
                    .map(drop),
            }
            .map_err(err)?;
            // direct label at the end of the line
            if let Some(last) = s.points.last() {
                let style = text_style(TEXT).pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Left,
                    plotters::style::text_anchor::VPos::Center,
                ));
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at(*last) + Text::new(s.label.clone(), (12, 0), style),
                    ))
                    .map_err(err)?;
            }
        }
        if !targets.is_empty() {
            chart
                .draw_series(
                    targets
                        .iter()
                        .map(|p| Cross::new(*p, 7, INK.stroke_width(3))),
                )
                .map_err(err)?;
            let style = text_style(TEXT).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Top,
            ));
            chart
                .draw_series(targets.iter().map(|p| {
                    EmptyElement::at(*p)
                        + Text::new(format!("target {}", fmt(p.1)), (10, 4), style.clone())
                }))
                .map_err(err)?;
        }
        Ok(())
    })
}

/// Rasterises a chart's SVG to PNG at `scale` (2 for sharp email images) with the DejaVu Sans
/// font shipped in the binary, so the picture is the same on every machine.
pub fn to_png(svg: &str, scale: f32) -> Result<Vec<u8>, String> {
    use resvg::{tiny_skia, usvg};
    use std::sync::{Arc, OnceLock};
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(dejavu::sans::regular().to_vec());
        db.load_font_data(dejavu::sans::bold().to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        Arc::new(db)
    });
    let opts = usvg::Options {
        fontdb: fonts.clone(),
        font_family: "DejaVu Sans".into(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opts).map_err(|e| e.to_string())?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or("chart has no size")?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_maxima() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 8.0);
        assert_eq!(nice_max(130.0), 150.0);
    }

    #[test]
    fn finish_adds_accessible_name() {
        let svg = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/>\n</svg>";
        let out = finish("c", "T & t", "D", svg.into());
        assert!(out.starts_with(
            "<svg class=\"chart-svg\" role=\"img\" aria-labelledby=\"c-title c-desc\" width="
        ));
        assert!(out.contains(
            "<title id=\"c-title\">T &amp; t</title>\n<desc id=\"c-desc\">D</desc>\n<rect/>"
        ));
    }
}
