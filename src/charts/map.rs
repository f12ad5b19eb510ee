//! The map of the cities as a chart: the outline `site.toml` names, one circle per located
//! city sized by the funding of the projects it leads, with the same title, description in
//! words and data table as every chart, so pages, the feed and email (as PNG) show it alike.

use crate::chart::{Chart, DataTable};
use crate::impact::Summary;
use crate::money::Money;
use crate::strings::ChartTitles;

/// The map on `summary`'s date; `None` without an outline or a located city.
pub fn map(summary: &Summary, w: &ChartTitles) -> Option<Chart> {
    let geojson: geojson::GeoJson = summary.outline.as_deref()?.parse().ok()?;
    let chosen = summary
        .map_projection
        .as_deref()
        .and_then(|p| crate::map::Projection::named(p).ok());
    let outline = crate::map::Outline::from_parsed_in(&geojson, chosen.as_ref()).ok()?;
    let cur = &summary.currency;
    let cities = summary.cities_by_funding();
    let located: Vec<_> = cities
        .iter()
        .filter_map(|c| {
            let (lat, lon) = (c.lat?, c.lon?);
            outline.locate(lat, lon)?;
            Some(crate::map::Place {
                id: &c.id,
                name: &c.name,
                lat,
                lon,
                cents: c.funding.total.cents().max(0),
                value: c.funding.total.display(cur),
                // right from `charts/map.svg` and from pages one folder deep; pages elsewhere
                // adjust it where they embed the map
                href: format!("../cities/{}/", c.id),
            })
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
    let svg = crate::map::draw(
        &outline,
        &located,
        &crate::map::Options {
            title: &w.map,
            description: &desc,
            legend_title: &format!("Funding of projects led ({cur})"),
            legend_label: &legend,
            id_suffix: "",
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
