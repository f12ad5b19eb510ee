//! Stage 2, validate: cross-checks what each file alone cannot know — ids that must be unique
//! slugs, references between tables and documents, date order. Pure: reads the loaded
//! [`Site`], returns diagnostics.

use crate::content::Site;
use crate::content::model::*;
use crate::markdown::shortcodes::{self, Shortcode};
use crate::ids::{is_slug, suggest_slug};
use crate::diagnostics::{Diagnostics, FileId, did_you_mean};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use toml::Spanned;

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Drafts are part of the build, so newsletters may tease them.
    pub drafts: bool,
}

pub fn validate(site: &Site, opts: Options) -> Diagnostics {
    let mut v = Validator {
        site,
        diags: Diagnostics::default(),
    };
    v.config();
    let mut cities = v.ids("city", site.cities.iter().map(|c| (&c.id, c.origin.file)));
    let mut themes = v.ids("theme", site.themes.iter().map(|t| (&t.id, t.origin.file)));
    let mut indicators = v.ids(
        "indicator",
        site.indicators.iter().map(|i| (&i.id, i.origin.file)),
    );
    // items that failed to load were reported already; references to them are not news
    cities.extend(site.broken.cities.iter().map(String::as_str));
    themes.extend(site.broken.themes.iter().map(String::as_str));
    indicators.extend(site.broken.indicators.iter().map(String::as_str));
    v.ids(
        "project",
        site.projects.iter().map(|p| (&p.id, p.origin.file)),
    );
    v.projects(&cities, &themes);
    v.observations(&cities, &indicators);
    v.documents(&cities, &themes, opts);
    v.shortcodes(&cities, &themes, &indicators);
    v.diags
}

struct Validator<'a> {
    site: &'a Site,
    diags: Diagnostics,
}

impl Validator<'_> {
    fn error(&mut self, file: FileId, span: Range<usize>, msg: String, hint: Option<String>) {
        let src = self.site.source(file);
        self.diags.error(src, span, msg, hint);
    }

    fn warning(&mut self, file: FileId, span: Range<usize>, msg: String, hint: Option<String>) {
        let src = self.site.source(file);
        self.diags.warning(src, span, msg, hint);
    }

    fn config(&mut self) {
        let (Some(cfg), Some(file)) = (&self.site.config, self.site.config_file) else {
            return;
        };
        if let Err(why) = crate::urls::BaseUrl::parse(cfg.base_url.get_ref()) {
            self.error(
                file,
                cfg.base_url.span(),
                format!("base_url is not usable: {why}"),
                Some("write the full address where the site will be published, e.g. \"https://example.org/innocities/\"".into()),
            );
        }
    }

    /// Checks that ids are slugs and unique; returns the set of ids for reference checks.
    fn ids<'s>(
        &mut self,
        what: &str,
        items: impl Iterator<Item = (&'s Spanned<String>, FileId)>,
    ) -> BTreeSet<&'s str> {
        let mut seen: BTreeMap<&str, (FileId, Range<usize>)> = BTreeMap::new();
        for (id, file) in items {
            let name = id.get_ref().as_str();
            if !is_slug(name) {
                self.error(
                    file,
                    id.span(),
                    format!("{what} id `{name}` is not a slug"),
                    Some(format!(
                        "ids use lowercase ASCII letters, digits and hyphens only, e.g. \"{}\"",
                        suggest_slug(name)
                    )),
                );
            }
            if let Some((first_file, first_span)) = seen.get(name).cloned() {
                let src = self.site.source(first_file);
                let (line, col, _, _) = crate::diagnostics::locate(&src.text, first_span);
                let first = format!("{}:{line}:{col}", src.path);
                self.error(
                    file,
                    id.span(),
                    format!("duplicate {what} id `{name}`"),
                    Some(format!(
                        "it is first used at {first}; give each {what} its own id"
                    )),
                );
            } else {
                seen.insert(name, (file, id.span()));
            }
        }
        seen.into_keys().collect()
    }

    fn reference(
        &mut self,
        file: FileId,
        offset: usize,
        what: &str,
        value: &Spanned<String>,
        known: &BTreeSet<&str>,
        defined_in: &str,
    ) -> bool {
        let name = value.get_ref().as_str();
        if known.contains(name) {
            return true;
        }
        let hint = match did_you_mean(name, known.iter().copied()) {
            Some(right) => format!("did you mean `{right}`?"),
            None => format!("{what} ids are defined in {defined_in}"),
        };
        let span = value.span();
        self.error(
            file,
            span.start + offset..span.end + offset,
            format!("unknown {what} `{name}`"),
            Some(hint),
        );
        false
    }

    fn projects(&mut self, cities: &BTreeSet<&str>, themes: &BTreeSet<&str>) {
        const CITIES: &str = "content/data/cities.toml";
        const THEMES: &str = "content/data/themes.toml";
        for p in &self.site.projects {
            let f = p.origin.file;
            if let Some(city) = &p.city {
                self.reference(f, 0, "city", city, cities, CITIES);
            }
            let mut partners = BTreeSet::new();
            for partner in &p.partners {
                self.reference(f, 0, "city", partner, cities, CITIES);
                if p.city
                    .as_ref()
                    .is_some_and(|c| c.get_ref() == partner.get_ref())
                {
                    self.warning(
                        f,
                        partner.span(),
                        format!(
                            "`{}` owns this project and is also listed as a partner",
                            partner.get_ref()
                        ),
                        Some("list only the other participating cities in `partners`".into()),
                    );
                }
                if !partners.insert(partner.get_ref().as_str()) {
                    self.warning(
                        f,
                        partner.span(),
                        format!("partner `{}` is listed twice", partner.get_ref()),
                        Some("remove the repeated entry".into()),
                    );
                }
            }
            if p.themes.get_ref().is_empty() {
                self.error(
                    f,
                    p.themes.span(),
                    format!("project `{}` has no themes", p.id.get_ref()),
                    Some(format!(
                        "add at least one theme id, e.g. themes = [\"{}\"]",
                        themes.first().copied().unwrap_or("wellbeing")
                    )),
                );
            }
            for t in p.themes.get_ref() {
                self.reference(f, 0, "theme", t, themes, THEMES);
            }
            if p.end.get_ref() < p.start.get_ref() {
                self.error(
                    f,
                    p.end.span(),
                    format!(
                        "project `{}` ends ({}) before it starts ({})",
                        p.id.get_ref(),
                        p.end.get_ref(),
                        p.start.get_ref()
                    ),
                    Some("check the dates: `end` is the last day of the project and must not be before `start`".into()),
                );
            }
        }
    }

    fn observations(&mut self, cities: &BTreeSet<&str>, indicators: &BTreeSet<&str>) {
        let mut seen: BTreeMap<(&str, &str, i32), ()> = BTreeMap::new();
        for o in &self.site.observations {
            let f = o.origin.file;
            let ok_city = self.reference(f, 0, "city", &o.city, cities, "content/data/cities.toml");
            let ok_ind = self.reference(
                f,
                0,
                "indicator",
                &o.indicator,
                indicators,
                "content/data/indicators.toml",
            );
            let year = *o.year.get_ref();
            if !(1900..=2200).contains(&year) {
                self.error(
                    f,
                    o.year.span(),
                    format!("year {year} is out of range"),
                    Some("write the calendar year of the observation, e.g. year = 2024".into()),
                );
            }
            if !o.value.is_finite() || o.target.is_some_and(|t| !t.is_finite()) {
                self.error(
                    f,
                    o.origin.span.clone(),
                    "value and target must be finite numbers".into(),
                    Some(
                        "nan and inf are not observations; leave the observation out instead"
                            .into(),
                    ),
                );
            }
            if ok_city && ok_ind {
                let key = (
                    o.city.get_ref().as_str(),
                    o.indicator.get_ref().as_str(),
                    year,
                );
                if seen.insert(key, ()).is_some() {
                    self.error(
                        f,
                        o.year.span(),
                        format!(
                            "a second observation of `{}` for `{}` in {year}",
                            key.1, key.0
                        ),
                        Some("keep one observation per city, indicator and year".into()),
                    );
                }
            }
        }
    }

    fn documents(&mut self, cities: &BTreeSet<&str>, themes: &BTreeSet<&str>, opts: Options) {
        let site = self.site;
        let articles: BTreeMap<&str, &Document> =
            site.articles.iter().map(|a| (a.slug.as_str(), a)).collect();
        let mut numbers: BTreeMap<u32, &Document> = BTreeMap::new();
        for kind in DocKind::ALL {
            for doc in site.docs(kind) {
                let f = doc.file;
                let off = doc.matter_offset;
                for c in doc.cities() {
                    self.reference(f, off, "city", c, cities, "content/data/cities.toml");
                }
                for t in doc.themes() {
                    self.reference(f, off, "theme", t, themes, "content/data/themes.toml");
                }
                if matches!(kind, DocKind::Article | DocKind::Report) && doc.date().is_none() {
                    self.error(
                        f,
                        off..off,
                        format!(
                            "missing field `date` in this {}",
                            if kind == DocKind::Article {
                                "article"
                            } else {
                                "report"
                            }
                        ),
                        Some(
                            "add `date = 2025-04-10` (the publication date) to the front matter"
                                .into(),
                        ),
                    );
                }
                let Some(issue) = doc.issue() else { continue };
                let n = *issue.number.get_ref();
                if let Some(other) = numbers.get(&n) {
                    let other_path = site.source(other.file).path.clone();
                    self.error(
                        f,
                        doc.file_span(issue.number.span()),
                        format!("newsletter number {n} is already used by {other_path}"),
                        Some("give each issue its own number".into()),
                    );
                } else {
                    numbers.insert(n, doc);
                }
                for slug in &issue.articles {
                    let name = slug.get_ref().as_str();
                    match articles.get(name) {
                        None if site.broken.articles.iter().any(|b| b == name) => {}
                        None => {
                            self.reference(
                                f,
                                off,
                                "article",
                                slug,
                                &articles.keys().copied().collect(),
                                "content/articles/ (the file name without .md)",
                            );
                        }
                        Some(a) if a.draft() && !opts.drafts && !doc.draft() => self.error(
                            f,
                            doc.file_span(slug.span()),
                            format!("article `{name}` is a draft"),
                            Some(
                                "publish the article (draft = false) or remove it from this issue"
                                    .into(),
                            ),
                        ),
                        Some(_) => {}
                    }
                }
            }
        }
    }
}

impl Validator<'_> {
    fn shortcodes(
        &mut self,
        cities: &BTreeSet<&str>,
        themes: &BTreeSet<&str>,
        indicators: &BTreeSet<&str>,
    ) {
        let site = self.site;
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
                        Err(e) => self.error(
                            doc.file,
                            base + e.span.start..base + e.span.end,
                            e.message,
                            Some(e.hint),
                        ),
                        Ok(sc) => {
                            for (message, hint) in check_shortcode(&sc, &known) {
                                self.error(
                                    doc.file,
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

/// Minimum co-financing share of a city across the projects it leads.
pub const MIN_CITY_SHARE: f64 = 0.25;

/// Data that is valid but probably wrong: reported as warnings by `check`, which
/// `--deny-warnings` turns into errors. Pure, like [`validate`].
pub fn data_warnings(site: &Site) -> Diagnostics {
    let mut v = Validator {
        site,
        diags: Diagnostics::default(),
    };
    // co-financing per city, in cents
    let mut per_city: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for p in &site.projects {
        let total = p.funding.total().cents();
        if total == 0 {
            v.warning(
                p.origin.file,
                p.id.span(),
                format!("project `{}` has no funding", p.id.get_ref()),
                Some("add its funding under [project.funding] (eu, state, city, other), or remove the project".into()),
            );
        }
        if let Some(c) = &p.city {
            let e = per_city.entry(c.get_ref().as_str()).or_insert((0, 0));
            e.0 += p.funding.city.cents();
            e.1 += total;
        }
    }
    for c in &site.cities {
        if let Some((city, total)) = per_city.get(c.id.get_ref().as_str()).copied()
            && total > 0
            && (city as f64) < MIN_CITY_SHARE * total as f64
        {
            v.warning(
                c.origin.file,
                c.id.span(),
                format!(
                    "{} co-finances {:.1} % of its projects, below the {:.0} % minimum",
                    c.name,
                    100.0 * city as f64 / total as f64,
                    MIN_CITY_SHARE * 100.0
                ),
                Some("check the `city` amounts of its projects' funding".into()),
            );
        }
    }
    let observed: BTreeSet<&str> = site
        .observations
        .iter()
        .map(|o| o.indicator.get_ref().as_str())
        .collect();
    for ind in &site.indicators {
        if !observed.contains(ind.id.get_ref().as_str()) {
            v.warning(
                ind.origin.file,
                ind.id.span(),
                format!("indicator `{}` has no observations", ind.id.get_ref()),
                Some(
                    "add observations in content/data/observations/, or remove the indicator"
                        .into(),
                ),
            );
        }
    }
    // values far from the same city's other years are likely typos
    let mut series: BTreeMap<(&str, &str), Vec<&crate::content::model::Observation>> =
        BTreeMap::new();
    for o in &site.observations {
        series
            .entry((o.city.get_ref(), o.indicator.get_ref()))
            .or_default()
            .push(o);
    }
    for obs in series.values() {
        if obs.len() < 3 {
            continue;
        }
        for o in obs {
            let mut others: Vec<f64> = obs
                .iter()
                .filter(|x| !std::ptr::eq(**x, *o))
                .map(|x| x.value)
                .filter(|x| x.is_finite())
                .collect();
            others.sort_by(f64::total_cmp);
            let n = others.len();
            let median = if n % 2 == 1 {
                others[n / 2]
            } else {
                (others[n / 2 - 1] + others[n / 2]) / 2.0
            };
            if median <= 0.0 || o.value <= 0.0 {
                continue;
            }
            let ratio = o.value / median;
            if !(0.1..=10.0).contains(&ratio) {
                v.warning(
                    o.origin.file,
                    o.year.span(),
                    format!(
                        "{} of `{}` for `{}` in {} is {:.1}× the median of its other years ({})",
                        o.value,
                        o.indicator.get_ref(),
                        o.city.get_ref(),
                        o.year.get_ref(),
                        ratio,
                        median
                    ),
                    Some("check for a typo (a missing or extra digit, or the wrong unit)".into()),
                );
            }
        }
    }
    v.diags
}

