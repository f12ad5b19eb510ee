//! The map of the cities as a chart: the outline `site.toml` names, one circle per located
//! city sized by the funding of the projects it leads, with the same title, description in
//! words and data table as every chart, so pages, the feed and email (as PNG) show it alike.
//! Or a map of a figure: each city's circle coloured by its value of an indicator in a year.

use super::axis::value_formatter;
use innopress_core::chart::{Chart, DataTable};
use innopress_core::money::Money;
use innopress_core::strings::{ChartTitles, fill};
use innopress_core::text::number;
use innopress_impact::{IndicatorSummary, Summary};

/// The site's outline, parsed and projected as `site.toml` asks.
fn outline(summary: &Summary) -> Option<(geojson::GeoJson, innopress_map::Outline)> {
    innopress_map::Outline::for_site(
        summary.outline.as_deref()?,
        summary.map_projection.as_deref(),
    )
}

/// A city's place on the map, when it has a location the outline covers; its link is right
/// from `charts/map.svg` and from pages one folder deep (pages elsewhere adjust it where they
/// embed the map).
fn place<'a>(
    c: &'a innopress_impact::CitySummary,
    outline: &innopress_map::Outline,
    cents: i64,
    value: String,
    class: Option<usize>,
) -> Option<innopress_map::Place<'a>> {
    let (lat, lon) = (c.lat?, c.lon?);
    outline.locate(lat, lon)?;
    Some(innopress_map::Place {
        id: &c.id,
        name: &c.name,
        lat,
        lon,
        cents,
        value,
        href: format!("../cities/{}/", c.id),
        class,
    })
}

/// The map on `summary`'s date; `None` without an outline or a located city.
pub fn map(summary: &Summary, w: &ChartTitles) -> Option<Chart> {
    let (geojson, outline) = outline(summary)?;
    let cur = &summary.currency;
    let cities = summary.cities_by_funding();
    let located: Vec<_> = cities
        .iter()
        .filter_map(|c| {
            let total = c.funding.total;
            place(c, &outline, total.cents().max(0), total.display(cur), None)
        })
        .collect();
    if located.is_empty() {
        return None;
    }
    let words: Vec<String> = located
        .iter()
        .map(|p| format!("{} {}", p.name, p.value))
        .collect();
    let missing = cities.len() - located.len();
    let mut desc = format!(
        "Map of {} with {} cities, each a circle sized by the total funding of the projects it leads, largest first: {}.",
        outline_property(&geojson, "name").unwrap_or_else(|| "the area".into()),
        located.len(),
        words.join(", ")
    );
    if missing > 0 {
        desc.push_str(&format!(
            " {missing} {} no location and {} not drawn.",
            if missing == 1 {
                "city has"
            } else {
                "cities have"
            },
            if missing == 1 { "is" } else { "are" }
        ));
    }
    let legend = |cents: i64| Money(cents).display(cur);
    let svg = innopress_map::draw(
        &outline,
        &located,
        &innopress_map::Options {
            title: &w.map,
            description: &desc,
            legend_title: &format!("Funding of projects led ({cur})"),
            legend_label: &legend,
            id_suffix: "",
            classes: &[],
            no_value: "",
        },
    );
    Some(Chart {
        name: "map".into(),
        title: w.map.clone(),
        desc,
        svg,
        svg_narrow: String::new(),
        credit: outline_property(&geojson, "source").unwrap_or_default(),
        table: DataTable {
            caption: w.map.clone(),
            columns: vec![
                "City".into(),
                format!("Funding of projects led ({cur})"),
                "Projects led".into(),
            ],
            rows: cities
                .iter()
                .map(|c| {
                    vec![
                        c.name.clone(),
                        c.funding.total.grouped(),
                        c.projects.to_string(),
                    ]
                })
                .collect(),
        },
    })
}

/// A text property of the outline's first feature (`name`, `source`).
fn outline_property(g: &geojson::GeoJson, key: &str) -> Option<String> {
    let f = match g {
        geojson::GeoJson::FeatureCollection(fc) => fc.features.first()?,
        geojson::GeoJson::Feature(f) => f,
        geojson::GeoJson::Geometry(_) => return None,
    };
    f.property(key)
        .and_then(|v| v.as_str())
        .map(|s| s.trim().to_string())
}

/// Viridis in five steps, pale to dark: its lightness rises steadily for every common
/// colour-vision deficiency and in grey, so "darker is more" reads without telling hues
/// apart; the dark edge of every circle keeps the palest 3:1 from the land.
const CLASS_FILLS: [&str; 5] = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"];

/// `x` rounded down to `digits` significant digits (12,345 → 12,000 with two; 0.7 stays
/// 0.7), in decimal: a power of ten as a whole number scales it, so 0.7 is not read as
/// 0.6999… and rounded down to 0.69.
fn round_down(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let shift = digits - 1 - x.abs().log10().floor() as i32;
    // a hair over the value absorbs the binary error of the scaling (0.7 × 100 = 69.999…)
    let nudge = |v: f64| (v + v.abs() * 1e-9).floor();
    let r = if shift >= 0 {
        let scale = 10f64.powi(shift);
        nudge(x * scale) / scale
    } else {
        let step = 10f64.powi(-shift);
        nudge(x / step) * step
    };
    r.min(x)
}

/// The lower bounds of at most five classes holding about as many cities each (quantiles):
/// a few large cities would otherwise put every other city in the palest class. A bound is
/// rounded down to two significant digits so the legend reads "1,200", not "1,187.5", or to
/// as many more as keep it above the bound before it (100, 101, 103 stay apart); a quantile
/// that repeats the bound before it moves on to the next greater value, so 0, 0, 0, 0, 5
/// makes two classes. The first bound is the least value; a class runs up to the next bound.
fn breaks(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let Some(&least) = v.first() else {
        return Vec::new();
    };
    let mut distinct = v.clone();
    distinct.dedup();
    let k = distinct.len().min(CLASS_FILLS.len());
    let mut out = vec![least];
    for j in 1..k {
        let prev = *out.last().unwrap_or(&least);
        let Some(&q) = v[j * v.len() / k..].iter().find(|&&x| x > prev) else {
            break;
        };
        let Some(b) = (2..=15).map(|d| round_down(q, d)).find(|&b| b > prev) else {
            continue;
        };
        out.push(b);
    }
    out
}

/// The year a map of an indicator shows when none is named: the latest in which at least
/// half as many cities reported as in its best year, so one early report for a new year
/// does not leave every other city without a value.
fn usual_year(ind: &innopress_impact::IndicatorSummary) -> Option<i32> {
    let mut count: std::collections::BTreeMap<i32, usize> = std::collections::BTreeMap::new();
    for v in ind.cities.iter().flat_map(|c| &c.values) {
        *count.entry(v.year).or_default() += 1;
    }
    let best = count.values().copied().max()?;
    count
        .iter()
        .rev()
        .find(|&(_, &n)| 2 * n >= best)
        .map(|(&y, _)| y)
}

/// The map of indicator `id` in `year` (see [`usual_year`] when `None`):
/// every located city a circle of one size, coloured by the class of its value.
pub fn indicator_map(
    summary: &Summary,
    id: &str,
    year: Option<i32>,
    w: &ChartTitles,
) -> Option<Chart> {
    let ind = summary.indicators.iter().find(|i| i.id == id)?;
    let shown = match year {
        Some(y) => y,
        None => usual_year(ind)?,
    };
    let name = year.map_or_else(|| format!("map-{id}"), |y| format!("map-{id}-{y}"));
    let (geojson, outline) = outline(summary)?;
    let fmt = value_formatter(&ind.unit);
    let cities = ranked(summary, ind, shown);
    let values: Vec<f64> = cities.iter().filter_map(|c| c.1).collect();
    (!values.is_empty()).then_some(())?;
    let bounds = breaks(&values);
    let classes = classes(&bounds, &values, &*fmt);
    let class_of = |v: f64| bounds.iter().rposition(|&b| v >= b).unwrap_or(0);
    let located: Vec<innopress_map::Place> = cities
        .iter()
        .filter_map(|&(c, v)| {
            let value = v.map_or_else(|| w.map_no_value.clone(), &fmt);
            place(c, &outline, 0, value, v.map(class_of))
        })
        .collect();
    if located.is_empty() {
        return None;
    }
    let year_text = shown.to_string();
    let title = fill(
        &w.map_indicator,
        &[("indicator", &ind.name), ("year", &year_text)],
    );
    let area = outline_property(&geojson, "name").unwrap_or_else(|| "the area".into());
    let desc = indicator_map_desc(
        &area,
        ind,
        shown,
        located.len(),
        classes.len(),
        &cities,
        &*fmt,
    );
    let unit = &ind.unit;
    let legend_title = format!("{} {shown} ({unit})", ind.name);
    let no_label = |_: i64| String::new();
    let svg = innopress_map::draw(
        &outline,
        &located,
        &innopress_map::Options {
            title: &title,
            description: &desc,
            legend_title: &legend_title,
            legend_label: &no_label,
            // every map on a page has ids of its own, two years of one indicator too
            id_suffix: &format!("-{}", name.trim_start_matches("map-")),
            classes: &classes,
            no_value: &w.map_no_value,
        },
    );
    let rows = class_rows(&cities, &classes, &class_of, &w.map_no_value);
    Some(Chart {
        name,
        title: title.clone(),
        desc,
        svg,
        svg_narrow: String::new(),
        credit: outline_property(&geojson, "source").unwrap_or_default(),
        table: DataTable {
            caption: title,
            columns: vec!["City".into(), legend_title, "Class".into()],
            rows,
        },
    })
}

/// The map's data table: each city, its value and its class.
fn class_rows(
    cities: &[(&innopress_impact::CitySummary, Option<f64>)],
    classes: &[innopress_map::Class],
    class_of: &dyn Fn(f64) -> usize,
    no_value: &str,
) -> Vec<Vec<String>> {
    cities
        .iter()
        .map(|&(c, v)| {
            let class = v.map_or_else(
                || no_value.to_string(),
                |v| classes[class_of(v)].label.clone(),
            );
            vec![c.name.clone(), v.map_or_else(String::new, number), class]
        })
        .collect()
}

/// Every city with its value in `year`: highest first, those without a value last, then
/// by name.
fn ranked<'a>(
    summary: &'a Summary,
    ind: &IndicatorSummary,
    year: i32,
) -> Vec<(&'a innopress_impact::CitySummary, Option<f64>)> {
    let value_of = |city: &str| {
        ind.cities
            .iter()
            .find(|c| c.city == city)?
            .values
            .iter()
            .find(|v| v.year == year)
            .map(|v| v.value)
    };
    let mut cities: Vec<_> = summary
        .cities
        .iter()
        .map(|c| (c, value_of(&c.id)))
        .collect();
    cities.sort_by(|a, b| {
        b.1.unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.1.unwrap_or(f64::NEG_INFINITY))
            .then_with(|| a.0.name.cmp(&b.0.name))
    });
    cities
}

/// The colour classes from their lower `bounds`, with their legend labels.
fn classes(
    bounds: &[f64],
    values: &[f64],
    fmt: &dyn Fn(f64) -> String,
) -> Vec<innopress_map::Class> {
    let most = values.iter().copied().fold(f64::MIN, f64::max);
    let n = bounds.len();
    bounds
        .iter()
        .enumerate()
        .map(|(k, &b)| innopress_map::Class {
            // spread over the whole scale when there are fewer than five
            fill: CLASS_FILLS[if n == 1 { 4 } else { k * 4 / (n - 1) }],
            label: match bounds.get(k + 1) {
                Some(&next) => format!("{} to under {}", fmt(b), fmt(next)),
                None if b < most => format!("{} to {}", fmt(b), fmt(most)),
                None => fmt(b),
            },
        })
        .collect()
}

/// The map of a figure in words: every city's value, highest first, and how many have none.
fn indicator_map_desc(
    area: &str,
    ind: &IndicatorSummary,
    shown: i32,
    located: usize,
    classes: usize,
    cities: &[(&innopress_impact::CitySummary, Option<f64>)],
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let unit = &ind.unit;
    let missing = cities.iter().filter(|c| c.1.is_none()).count();
    let mut desc = format!(
        "Map of {area} with {located} cities, each a circle coloured by its {} in {shown} ({unit}), in {} from pale (lowest) to dark (highest), highest first: {}.",
        ind.name,
        if classes == 1 {
            "one class".to_string()
        } else {
            format!("{classes} classes")
        },
        cities
            .iter()
            .filter_map(|(c, v)| Some(format!("{} {}", c.name, fmt((*v)?))))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if missing > 0 {
        desc.push_str(&format!(
            " {missing} {} no value for {shown}.",
            if missing == 1 {
                "city has"
            } else {
                "cities have"
            }
        ));
    }
    desc
}

#[cfg(test)]
mod tests {
    use crate::map::{breaks, round_down};

    #[test]
    fn classes_hold_about_as_many_cities_each_with_round_bounds() {
        // a few large cities and many small ones: the small ones still spread over classes
        let v = [
            12.0, 14.0, 18.0, 21.0, 25.0, 30.0, 33.0, 41.0, 45.0, 52.0, 60.0, 75.0, 98.0, 140.0,
            260.0, 1_187.5,
        ];
        assert_eq!(breaks(&v), [12.0, 21.0, 33.0, 52.0, 98.0]);
        assert_eq!(breaks(&[5.0, 5.0, 5.0]), [5.0]);
        assert_eq!(breaks(&[1.0, 2.0]), [1.0, 2.0]);
        assert!(breaks(&[]).is_empty());
        // repeated values do not swallow a different one
        assert_eq!(breaks(&[0.0, 0.0, 0.0, 0.0, 5.0]), [0.0, 5.0]);
        // close values keep as many digits as tell them apart
        let close = breaks(&[100.0, 101.0, 102.0, 103.0, 104.0, 105.0]);
        assert_eq!(close.len(), 5, "{close:?}");
        assert!(close.windows(2).all(|w| w[0] < w[1]));
        let big = breaks(&[
            1_234_000.0,
            1_250_000.0,
            1_266_000.0,
            1_281_000.0,
            1_299_000.0,
        ]);
        assert_eq!(big.len(), 5, "{big:?}");
        // a value below a bound is never put above it
        for (i, &x) in [0.1, 0.2, 0.3, 0.7, 5.7].iter().enumerate() {
            let b = breaks(&[0.1, 0.2, 0.3, 0.7, 5.7]);
            let class = b.iter().rposition(|&bound| x >= bound).unwrap();
            assert_eq!(class, i, "{x} in {b:?}");
        }
    }

    #[test]
    fn rounding_down_is_decimal() {
        assert_eq!(round_down(12_345.0, 2), 12_000.0);
        assert_eq!(round_down(1_187.5, 2), 1_100.0);
        for (x, want) in [
            (0.7, 0.7),
            (1.7, 1.7),
            (3.4, 3.4),
            (0.35, 0.35),
            (2.3, 2.3),
            (4.1, 4.1),
        ] {
            assert_eq!(round_down(x, 2), want, "{x}");
        }
        assert_eq!(round_down(0.0347, 2), 0.034);
        assert_eq!(round_down(-0.0347, 2), -0.035);
        assert_eq!(round_down(101.0, 3), 101.0);
    }
}
