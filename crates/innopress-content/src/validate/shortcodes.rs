//! Shortcodes checked against the catalogue of names and the site's ids, each problem at
//! its place in the document: first what is wrong with the shortcode itself, then what it
//! refers to.

use super::ids::{Ids, Lookup};
use crate::content::Site;
use crate::content::model::DocKind;
use crate::content::observation::{Key, YEARS};
use innopress_core::catalogue::{CHARTS, ChartName, CityArg, FIGURES, FigureName};
use innopress_core::date::Date;
use innopress_core::diagnostics::{Diagnostics, Stage, did_you_mean};
use innopress_core::markdown::shortcodes::{self, Arg, Shortcode};
use std::collections::BTreeSet;

/// Every shortcode of every document: known kinds, names, arguments and references.
pub(super) fn check(
    site: &Site,
    cities: &Ids,
    themes: &Ids,
    indicators: &Ids,
    diags: &mut Diagnostics,
) {
    // (city, indicator, year) of every figure, for charts and figures that need data
    let observed: BTreeSet<Key> = site.observations.iter().map(|o| o.key()).collect();
    let site_as_of = site.config.as_ref().map(|c| c.as_of);
    let known = Known {
        cities,
        themes,
        indicators,
        observed: &observed,
        observations_complete: site.broken.observations.complete(),
        map: site.config.as_ref().is_none_or(|c| c.map.is_some()),
    };
    for kind in DocKind::ALL {
        for doc in site.docs(kind) {
            let base = doc.body.start;
            let as_of = site_as_of.map(|d| doc.as_of(d));
            for item in shortcodes::find_in_markdown(site.body(doc)) {
                match item {
                    Err(e) => diags.error_in(
                        Stage::Field,
                        site.source(doc.file),
                        base + e.span.start..base + e.span.end,
                        e.message,
                        Some(e.hint),
                    ),
                    Ok(sc) => {
                        let recorded = doc.record.as_ref().is_some_and(|(r, _)| {
                            sc.name == "figure" && r.figure_of(&sc).is_some()
                        });
                        let on = as_of.filter(|_| !recorded);
                        for (stage, message, hint) in check_shortcode(&sc, &known, on) {
                            diags.error_in(
                                stage,
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
    cities: &'a Ids<'a>,
    themes: &'a Ids<'a>,
    indicators: &'a Ids<'a>,
    observed: &'a BTreeSet<Key<'a>>,
    observations_complete: bool,
    /// Whether `site.toml` names a map (one that failed to load is reported there).
    map: bool,
}

impl Known<'_> {
    /// Whether the data has a figure of `ind` (for `city`, or any city) in `year`, or in
    /// any year up to `until`.
    fn has(&self, ind: &str, city: Option<&str>, year: Option<i32>, until: i32) -> bool {
        self.observed.iter().any(|(c, i, y)| {
            *i == ind
                && city.is_none_or(|city| city == *c)
                && year.map_or(*y <= until, |year| year == *y && *y <= until)
        })
    }
}

type Problem = (Stage, String, String);

/// What is wrong with one shortcode. `as_of` is the document's date, when the figures it
/// shows come from the data (not from its record).
fn check_shortcode(sc: &Shortcode, k: &Known, as_of: Option<Date>) -> Vec<Problem> {
    let mut out: Vec<Problem> = Vec::new();
    let name = sc.arg("name").unwrap_or("");
    let allowed: &[&str] = match (sc.name.as_str(), name) {
        ("figure", "indicator") => &["name", "indicator", "city", "year"],
        ("figure", _) => &["name", "city"],
        ("chart", "map") => &["name", "city", "indicator", "year"],
        ("chart", _) => &["name", "city", "indicator"],
        ("table", _) => &["name", "city", "theme", "status"],
        (other, _) => {
            let hint = match did_you_mean(other, ["figure", "chart", "table"]) {
                Some(r) => format!("did you mean `{r}`?"),
                None => "the shortcodes are figure, chart and table".into(),
            };
            out.push(field(format!("unknown shortcode `{other}`"), hint));
            return out;
        }
    };
    let year_bad = check_args(sc, allowed, &mut out);
    let city_ok = match sc.arg("city") {
        Some(c) => refer(k.cities, c, &mut out),
        None => true,
    };
    let at = At {
        sc,
        name,
        k,
        as_of,
        year_bad,
        city_ok,
    };
    match sc.name.as_str() {
        "figure" => check_figure(&at, &mut out),
        "chart" => check_chart(&at, &mut out),
        "table" => check_table(&at, &mut out),
        _ => {}
    }
    if matches!(sc.name.as_str(), "chart" | "table") && !sc.alone {
        out.push(field(
            format!("a {} must stand alone in its own paragraph", sc.name),
            "put an empty line before and after the shortcode".into(),
        ));
    }
    out
}

/// One shortcode with what its checks share.
struct At<'a> {
    sc: &'a Shortcode,
    name: &'a str,
    k: &'a Known<'a>,
    as_of: Option<Date>,
    /// The year argument was wrong (already said): checks that need it are skipped.
    year_bad: bool,
    /// The city argument is a known city, or absent.
    city_ok: bool,
}

fn field(message: String, hint: String) -> Problem {
    (Stage::Field, message, hint)
}

/// The arguments against `allowed`, and the year's and text's forms; whether the year was
/// wrong.
fn check_args(sc: &Shortcode, allowed: &[&str], out: &mut Vec<Problem>) -> bool {
    let mut year_bad = false;
    for (key, value) in &sc.args {
        if !allowed.contains(&key.as_str()) {
            out.push(field(
                format!("unknown argument `{key}` for {}", sc.name),
                format!("{} takes: {}", sc.name, allowed.join(", ")),
            ));
        } else if key == "year" {
            let problem = match value {
                Arg::Int(y) if i32::try_from(*y).is_ok_and(|y| YEARS.contains(&y)) => None,
                Arg::Int(y) => Some(field(
                    format!("{y} is not a year of the impact model"),
                    format!(
                        "write the calendar year of the figures, from {} to {}, e.g. year=2024",
                        YEARS.start(),
                        YEARS.end()
                    ),
                )),
                _ => Some(field(
                    "argument `year` must be a year as a number".into(),
                    "write year=2024, without quotes".into(),
                )),
            };
            year_bad = problem.is_some();
            out.extend(problem);
        } else if !matches!(value, Arg::Str(_)) {
            out.push(field(
                format!("argument `{key}` must be text in double quotes"),
                format!("write {key}=\"…\""),
            ));
        }
    }
    year_bad
}

/// Whether `id` is known; an unknown one is reported.
fn refer(ids: &Ids, id: &str, out: &mut Vec<Problem>) -> bool {
    match ids.lookup(id) {
        Lookup::Known => true,
        Lookup::Unchecked => false,
        Lookup::Unknown(message, hint) => {
            out.push((Stage::Reference, message, hint));
            false
        }
    }
}

fn list(ids: &Ids) -> String {
    ids.known.iter().copied().collect::<Vec<_>>().join(", ")
}

fn check_figure(at: &At, out: &mut Vec<Problem>) {
    let (sc, name, k) = (at.sc, at.name, at.k);
    let Ok(figure) = name.parse::<FigureName>() else {
        out.push(field_name("figure", name, FIGURES));
        return;
    };
    match (figure.city(), sc.arg("city")) {
        (CityArg::Required, None) => out.push(field(
            format!("figure `{name}` needs a city"),
            "add city=\"…\"".into(),
        )),
        (CityArg::None, Some(_)) => out.push(field(
            format!("figure `{name}` takes no city"),
            "remove the city argument".into(),
        )),
        _ => {}
    }
    if figure == FigureName::Indicator {
        match sc.arg("indicator") {
            None => out.push(field(
                "figure `indicator` needs an indicator".into(),
                format!("add indicator=\"…\", one of: {}", list(k.indicators)),
            )),
            Some(ind) => {
                let year = sc.int_arg("year").and_then(|y| i32::try_from(y).ok());
                if refer(k.indicators, ind, out) && at.city_ok && !at.year_bad {
                    out.extend(no_data(k, ind, sc.arg("city"), year, at.as_of));
                }
            }
        }
    }
}

fn check_chart(at: &At, out: &mut Vec<Problem>) {
    let (sc, name, k) = (at.sc, at.name, at.k);
    let chart = name.parse::<ChartName>();
    if chart.is_err() {
        out.push(field_name("chart", name, CHARTS));
    }
    if chart == Ok(ChartName::Map) && !k.map {
        out.push(field(
            "the site has no map to show".into(),
            "name the outline in content/site.toml: map = \"country:PT\" (your country's code) or a GeoJSON file under content/".into(),
        ));
    }
    if sc.arg("city").is_some() && !chart.is_ok_and(ChartName::takes_city) {
        out.push(field(
            format!("chart `{name}` takes no city"),
            "only funding-by-source and indicator charts can be narrowed to a city".into(),
        ));
    }
    match (chart, sc.arg("indicator")) {
        (Ok(ChartName::Indicator), None) => out.push(field(
            "chart `indicator` needs an indicator".into(),
            format!("add indicator=\"…\", one of: {}", list(k.indicators)),
        )),
        (Ok(ChartName::Indicator), Some(ind)) => {
            if refer(k.indicators, ind, out)
                && let Some(city) = sc.arg("city")
                && at.city_ok
                && k.observations_complete
                && !k.has(ind, Some(city), None, i32::MAX)
            {
                out.push((
                    Stage::Check,
                    format!("`{city}` has no observations of `{ind}` to chart"),
                    "add observations in content/data/observations/ or choose another city".into(),
                ));
            }
        }
        (Ok(ChartName::Map), Some(ind)) => {
            let year = sc.int_arg("year").and_then(|y| i32::try_from(y).ok());
            if refer(k.indicators, ind, out)
                && !at.year_bad
                && k.observations_complete
                && !k.has(ind, None, year, i32::MAX)
            {
                out.push((
                    Stage::Check,
                    match year {
                        Some(y) => format!("no city has a value of `{ind}` for {y} to map"),
                        None => format!("no city has a value of `{ind}` to map"),
                    },
                    "add observations in content/data/observations/, or choose another year".into(),
                ));
            }
        }
        (Ok(ChartName::Map), None) if sc.int_arg("year").is_some() => out.push(field(
            "the funding map has no year".into(),
            "add indicator=\"…\" to map an indicator's values in that year, or remove year".into(),
        )),
        (_, Some(_)) => out.push(field(
            format!("chart `{name}` takes no indicator"),
            "only the `indicator` and `map` charts take an indicator".into(),
        )),
        _ => {}
    }
}

fn check_table(at: &At, out: &mut Vec<Problem>) {
    let sc = at.sc;
    if at.name != "projects" {
        out.push(field_name("table", at.name, &["projects"]));
    }
    if let Some(t) = sc.arg("theme") {
        refer(at.k.themes, t, out);
    }
    if let Some(st) = sc
        .arg("status")
        .filter(|s| !["planned", "ongoing", "closed"].contains(s))
    {
        out.push(field(
            format!("unknown status `{st}`"),
            "use planned, ongoing or closed".into(),
        ));
    }
}

/// An indicator figure with nothing to show on the document's date.
fn no_data(
    k: &Known,
    ind: &str,
    city: Option<&str>,
    year: Option<i32>,
    as_of: Option<Date>,
) -> Option<Problem> {
    let as_of = as_of?;
    if !k.observations_complete || k.has(ind, city, year, as_of.year) {
        return None;
    }
    let whose = city.map_or("any city".to_string(), |c| format!("`{c}`"));
    let (message, hint) = match year {
        Some(y) if y > as_of.year => (
            format!("{y} is after the date this document's figures are computed on ({as_of})"),
            "choose an earlier year, or set the document's as_of".to_string(),
        ),
        Some(y) => (
            format!("no figure of `{ind}` for {whose} in {y}"),
            "choose a year with data (see content/data/observations/), or leave out year for the latest".to_string(),
        ),
        None => (
            format!("no figure of `{ind}` for {whose} up to {as_of}"),
            "add observations in content/data/observations/, or choose another indicator or city"
                .to_string(),
        ),
    };
    Some((Stage::Check, message, hint))
}

fn field_name(kind: &str, name: &str, names: &[&str]) -> Problem {
    if name.is_empty() {
        return (
            Stage::Field,
            format!("{kind} needs a name"),
            format!("add name=\"…\", one of: {}", names.join(", ")),
        );
    }
    let hint = match did_you_mean(name, names.iter().copied()) {
        Some(r) => format!("did you mean `{r}`?"),
        None => format!("known {kind}s: {}", names.join(", ")),
    };
    (Stage::Field, format!("unknown {kind} `{name}`"), hint)
}
