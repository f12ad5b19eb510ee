//! Shortcodes checked against the catalogue of names and the site's ids, each problem at
//! its place in the document.

use crate::content::Site;
use crate::content::model::DocKind;
use crate::diagnostics::{Diagnostics, did_you_mean};
use crate::markdown::shortcodes::{self, Shortcode};
use std::collections::BTreeSet;

/// Every shortcode of every document: known kinds, names, arguments and references.
pub(super) fn check(
    site: &Site,
    cities: &BTreeSet<&str>,
    themes: &BTreeSet<&str>,
    indicators: &BTreeSet<&str>,
    diags: &mut Diagnostics,
) {
    let observed: BTreeSet<(&str, &str)> = site
        .observations
        .iter()
        .map(|o| (o.indicator.get_ref().as_str(), o.city.get_ref().as_str()))
        .collect();
    let known = Known {
        cities,
        themes,
        indicators,
        observed: &observed,
    };
    for kind in DocKind::ALL {
        for doc in site.docs(kind) {
            let base = doc.body.start;
            for item in shortcodes::find_in_markdown(site.body(doc)) {
                match item {
                    Err(e) => diags.error(
                        site.source(doc.file),
                        base + e.span.start..base + e.span.end,
                        e.message,
                        Some(e.hint),
                    ),
                    Ok(sc) => {
                        for (message, hint) in check_shortcode(&sc, &known) {
                            diags.error(
                                site.source(doc.file),
                                base + sc.span.start..base + sc.span.end,
                                message,
                                Some(hint),
                            );
                        }
                    }
                }
            }
        }
    }
}

struct Known<'a> {
    cities: &'a BTreeSet<&'a str>,
    themes: &'a BTreeSet<&'a str>,
    indicators: &'a BTreeSet<&'a str>,
    observed: &'a BTreeSet<(&'a str, &'a str)>,
}

/// What is wrong with one shortcode, as (message, hint) pairs.
fn check_shortcode(sc: &Shortcode, k: &Known) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let allowed: &[&str] = match sc.name.as_str() {
        "figure" => &["name", "city"],
        "chart" => &["name", "city", "indicator"],
        "table" => &["name", "city", "theme", "status"],
        other => {
            let hint = match did_you_mean(other, ["figure", "chart", "table"]) {
                Some(r) => format!("did you mean `{r}`?"),
                None => "the shortcodes are figure, chart and table".into(),
            };
            out.push((format!("unknown shortcode `{other}`"), hint));
            return out;
        }
    };
    for (key, value) in &sc.args {
        if !allowed.contains(&key.as_str()) {
            out.push((
                format!("unknown argument `{key}` for {}", sc.name),
                format!("{} takes: {}", sc.name, allowed.join(", ")),
            ));
        } else if !matches!(value, shortcodes::Arg::Str(_)) {
            out.push((
                format!("argument `{key}` must be text in double quotes"),
                format!("write {key}=\"…\""),
            ));
        }
    }
    let name = sc.arg("name").unwrap_or("");
    let list = |names: &[&str]| names.join(", ");
    match sc.name.as_str() {
        "figure" => {
            if !crate::catalogue::FIGURES.contains(&name) {
                out.push(unknown_name("figure", name, &crate::catalogue::FIGURES));
            }
            if sc.arg("city").is_none() && name == "partner-count" {
                out.push((
                    "figure `partner-count` needs a city".into(),
                    "add city=\"…\"".into(),
                ));
            }
            if sc.arg("city").is_some() && matches!(name, "city-count" | "as-of") {
                out.push((
                    format!("figure `{name}` takes no city"),
                    "remove the city argument".into(),
                ));
            }
        }
        "chart" => {
            if !crate::catalogue::CHARTS.contains(&name) {
                out.push(unknown_name("chart", name, &crate::catalogue::CHARTS));
            }
            if sc.arg("city").is_some() && !matches!(name, "funding-by-source" | "indicator") {
                out.push((
                    format!("chart `{name}` takes no city"),
                    "only funding-by-source and indicator charts can be narrowed to a city".into(),
                ));
            }
            match (name, sc.arg("indicator")) {
                ("indicator", None) => out.push((
                    "chart `indicator` needs an indicator".into(),
                    format!(
                        "add indicator=\"…\", one of: {}",
                        list(&k.indicators.iter().copied().collect::<Vec<_>>())
                    ),
                )),
                ("indicator", Some(ind)) => {
                    if !k.indicators.contains(ind) {
                        out.push(unknown_ref("indicator", ind, k.indicators));
                    } else if let Some(city) = sc.arg("city")
                        && k.cities.contains(city)
                        && !k.observed.contains(&(ind, city))
                    {
                        out.push((
                            format!("`{city}` has no observations of `{ind}` to chart"),
                            "add observations in content/data/observations/ or choose another city"
                                .into(),
                        ));
                    }
                }
                (_, Some(_)) => out.push((
                    format!("chart `{name}` takes no indicator"),
                    "only the `indicator` chart takes an indicator".into(),
                )),
                _ => {}
            }
        }
        "table" => {
            if name != "projects" {
                out.push(unknown_name("table", name, &["projects"]));
            }
            if let Some(t) = sc.arg("theme").filter(|t| !k.themes.contains(t)) {
                out.push(unknown_ref("theme", t, k.themes));
            }
            if let Some(st) = sc
                .arg("status")
                .filter(|s| !["planned", "ongoing", "closed"].contains(s))
            {
                out.push((
                    format!("unknown status `{st}`"),
                    "use planned, ongoing or closed".into(),
                ));
            }
        }
        _ => {}
    }
    if let Some(c) = sc.arg("city").filter(|c| !k.cities.contains(c)) {
        out.push(unknown_ref("city", c, k.cities));
    }
    if matches!(sc.name.as_str(), "chart" | "table") && !sc.alone {
        out.push((
            format!("a {} must stand alone in its own paragraph", sc.name),
            "put an empty line before and after the shortcode".into(),
        ));
    }
    out
}

fn unknown_name(kind: &str, name: &str, names: &[&str]) -> (String, String) {
    if name.is_empty() {
        return (
            format!("{kind} needs a name"),
            format!("add name=\"…\", one of: {}", names.join(", ")),
        );
    }
    let hint = match did_you_mean(name, names.iter().copied()) {
        Some(r) => format!("did you mean `{r}`?"),
        None => format!("known {kind}s: {}", names.join(", ")),
    };
    (format!("unknown {kind} `{name}`"), hint)
}

fn unknown_ref(kind: &str, id: &str, known: &BTreeSet<&str>) -> (String, String) {
    let hint = match did_you_mean(id, known.iter().copied()) {
        Some(r) => format!("did you mean `{r}`?"),
        None => format!("{kind} ids are defined in content/data/"),
    };
    (format!("unknown {kind} `{id}`"), hint)
}
