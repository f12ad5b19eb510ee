//! Figures on the dates documents are computed on: every distinct date other than the site's
//! `as_of` that a document with figures, charts or tables has, summarised once, with the
//! charts those documents show. A document's shortcodes read its date's [`At`].

use crate::charts::Chart;
use crate::content::Site;
use crate::content::model::DocKind;
use crate::date::Date;
use crate::impact::Summary;
use crate::markdown::shortcodes::Shortcode;
use crate::strings::ChartTitles;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// The figures on one date other than the site's `as_of`, and the charts documents on that
/// date use: computed once per distinct date, not per document.
pub struct Dated {
    pub summary: Summary,
    pub charts: BTreeMap<String, Chart>,
}

/// What a document's shortcodes read: the summary and the charts on its own date.
#[derive(Clone, Copy)]
pub struct At<'m> {
    pub summary: &'m Summary,
    pub charts: &'m BTreeMap<String, Chart>,
}

/// The figures on every date other than the site's that a document with shortcodes is
/// computed on, with the charts those documents show: each date summarised once, in
/// parallel, and only the charts asked for drawn.
pub fn dated(site: &Site, on_site: &Summary, titles: &ChartTitles) -> BTreeMap<Date, Dated> {
    let mut wanted: BTreeMap<Date, BTreeMap<String, Shortcode>> = BTreeMap::new();
    for kind in DocKind::ALL {
        for doc in site.docs(kind) {
            let date = doc.as_of(on_site.as_of);
            if date == on_site.as_of {
                continue;
            }
            for sc in crate::markdown::shortcodes::find_in_markdown(site.body(doc))
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
        .into_par_iter()
        .map(|(date, charts)| {
            let summary = crate::impact::summarise(site, date, &on_site.currency);
            let charts = charts
                .values()
                .filter_map(|sc| {
                    crate::charts::by_name(
                        &summary,
                        sc.arg("name").unwrap_or(""),
                        sc.arg("city"),
                        sc.arg("indicator"),
                        titles,
                    )
                })
                .map(|c| (c.name.clone(), c))
                .collect();
            (date, Dated { summary, charts })
        })
        .collect()
}

/// The chart a chart shortcode names (same keys as `output/charts/`).
pub fn chart_key(sc: &Shortcode) -> String {
    let name = sc.arg("name").unwrap_or("");
    match (name, sc.arg("indicator"), sc.arg("city")) {
        ("indicator", Some(ind), Some(c)) => format!("indicator-{ind}-{c}"),
        ("indicator", Some(ind), None) => format!("indicator-{ind}"),
        ("funding-by-source", _, Some(c)) => format!("funding-by-source-{c}"),
        (n, _, _) => n.to_string(),
    }
}
