//! Stage 2, validate: cross-checks what each file alone cannot know — ids that must be unique
//! slugs, references between tables and documents, date order. Pure: reads the loaded
//! [`Site`], returns diagnostics.

mod data;
mod ids;
mod locations;
pub mod pictures;
mod shortcodes;
pub mod slips;

pub use data::{SLIP_HINT, data_warnings, point};

use crate::content::Site;
use crate::content::model::*;
use crate::content::observation::{FigureProblem, YEARS, figure_problem};
use ids::{Ids, Lookup};
use innopress_core::diagnostics::{Diagnostics, FileId, Stage};
use innopress_core::ids::{is_slug, suggest_slug};
use innopress_core::text;
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
    // items that failed to load were reported already; references to them are not news
    let cities = Ids::new(
        "city",
        "content/data/cities.toml",
        v.ids("city", site.cities.iter().map(|c| (&c.id, c.origin.file))),
        &site.broken.cities,
    );
    let themes = Ids::new(
        "theme",
        "content/data/themes.toml",
        v.ids("theme", site.themes.iter().map(|t| (&t.id, t.origin.file))),
        &site.broken.themes,
    );
    let indicators = Ids::new(
        "indicator",
        "content/data/indicators.toml",
        v.ids(
            "indicator",
            site.indicators.iter().map(|i| (&i.id, i.origin.file)),
        ),
        &site.broken.indicators,
    );
    v.ids(
        "project",
        site.projects.iter().map(|p| (&p.id, p.origin.file)),
    );
    v.projects(&cities, &themes);
    v.urls();
    locations::check(site, &mut v.diags);
    v.observations(&cities, &indicators);
    v.documents(&cities, &themes, opts);
    shortcodes::check(site, &cities, &themes, &indicators, &mut v.diags);
    pictures::check(site, &mut v.diags);
    for ids in [&cities, &themes, &indicators] {
        ids.note(site, &mut v.diags);
    }
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

    /// Addresses in data follow the one policy of [`innopress_core::urls::check_data_url`].
    fn urls(&mut self) {
        let site = self.site;
        let cities = site.cities.iter().map(|c| (c.origin.file, &c.url));
        let projects = site.projects.iter().map(|p| (p.origin.file, &p.url));
        for (file, url) in cities.chain(projects) {
            let Some(url) = url else { continue };
            if let Err(e) = innopress_core::urls::check_data_url(url.get_ref()) {
                self.error(
                    file,
                    url.span(),
                    format!("url: {e}"),
                    Some("write the full address, starting with https://".into()),
                );
            }
        }
    }

    fn config(&mut self) {
        let (Some(cfg), Some(file)) = (&self.site.config, self.site.config_file) else {
            return;
        };
        if let Some(code) = &cfg.policy.currency
            && !(code.get_ref().len() == 3
                && code.get_ref().bytes().all(|b| b.is_ascii_uppercase()))
        {
            self.error(
                file,
                code.span(),
                format!("currency = \"{}\" is not a currency code", code.get_ref()),
                Some(
                    "write the three capital letters of ISO 4217, such as \"EUR\" or \"SEK\""
                        .into(),
                ),
            );
        }
        if let Some(p) = &cfg.map_projection
            && let Err(why) = innopress_map::Projection::named(p.get_ref())
        {
            let msg = format!(
                "map_projection = \"{}\" is {why}",
                text::printable(p.get_ref())
            );
            self.error(
                file,
                p.span(),
                msg,
                Some(innopress_map::PROJECTION_HINT.into()),
            );
        }
        if let Some(share) = &cfg.policy.min_city_share
            && !(0.0..=100.0).contains(share.get_ref())
        {
            self.error(
                file,
                share.span(),
                format!("min_city_share = {} is not a percentage", share.get_ref()),
                Some("write a number from 0 to 100, such as 25".into()),
            );
        }
        if let Some(nl) = &cfg.newsletter {
            self.newsletter(nl, file);
        }
        if let Err(why) = innopress_core::urls::BaseUrl::parse(cfg.base_url.get_ref()) {
            self.error(
                file,
                cfg.base_url.span(),
                format!("base_url is not usable: {why}"),
                Some("write the full address where the site will be published, e.g. \"https://example.org/innocities/\"".into()),
            );
        }
    }

    /// `[newsletter]`: the addresses, links and words a campaign is sent with.
    fn newsletter(&mut self, nl: &crate::content::model::NewsletterConfig, file: FileId) {
        let mut settings = vec![("from", &nl.from)];
        settings.extend(nl.reply_to.as_ref().map(|r| ("reply_to", r)));
        for (key, value) in settings {
            if let Err(why) = innopress_core::addresses::sender(key, value.get_ref()) {
                self.error(file, value.span(), why.to_string(), None);
            }
        }
        if let Some(u) = &nl.unsubscribe
            && let Err(why) = innopress_core::addresses::check_unsubscribe(u.get_ref())
        {
            self.error(
                file,
                u.span(),
                why.to_string(),
                Some("for example \"https://example.org/unsubscribe?email={email}&token={token}\" or \"mailto:unsubscribe@example.org\"".into()),
            );
        }
        if let Some(u) = &nl.subscribe
            && (!u.get_ref().to_ascii_lowercase().starts_with("mailto:")
                || u.get_ref().contains(['{', '}'])
                || innopress_core::addresses::check_unsubscribe(u.get_ref()).is_err())
        {
            self.error(
                file,
                u.span(),
                format!(
                    "subscribe = {:?} must be a mailto: address without placeholders",
                    u.get_ref()
                ),
                Some(
                    "for example subscribe = \"mailto:join@example.org?subject=subscribe\"".into(),
                ),
            );
        }
        if let Some(r) = &nl.return_path
            && let Err(why) = innopress_core::addresses::return_path(r.get_ref())
        {
            self.error(
                file,
                r.span(),
                why.to_string(),
                Some("for example return_path = \"bounces@example.org\": a mailbox newsletter inbox reads, whose server delivers bounces+anything@ to it".into()),
            );
        }
        if let Some(a) = &nl.address {
            let text = a.get_ref();
            if text.trim().is_empty()
                || text.len() > 400
                || text.chars().any(|c| c.is_control() && c != '\n')
            {
                self.error(
                    file,
                    a.span(),
                    "address must be the organisation's postal address: up to 400 characters, lines separated by newlines, no other control characters".into(),
                    Some("for example address = \"Council of Tampere Region, Kelloportinkatu 1 B, 33100 Tampere, Finland\"".into()),
                );
            }
        }
        if let Some(g) = &nl.greeting
            && let crate::content::model::GreetingSetting::Words(w) = g.get_ref()
            && let Some(why) = crate::content::model::GreetingSetting::problem(w)
        {
            self.error(
                file,
                g.span(),
                why,
                Some("write greeting = \"Hello {name},\", or greeting = false for none".into()),
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
                let (line, col, _, _) = innopress_core::diagnostics::locate(&src.text, first_span);
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

    /// A reference to an id of `ids`; false when it is not known (reported, or left
    /// unchecked while the kind's file cannot be read).
    fn reference(
        &mut self,
        file: FileId,
        offset: usize,
        ids: &Ids,
        value: &Spanned<String>,
    ) -> bool {
        match ids.lookup(value.get_ref()) {
            Lookup::Known => true,
            Lookup::Unchecked => false,
            Lookup::Unknown(message, hint) => {
                let span = value.span();
                let src = self.site.source(file);
                self.diags.error_in(
                    Stage::Reference,
                    src,
                    span.start + offset..span.end + offset,
                    message,
                    Some(hint),
                );
                false
            }
        }
    }

    fn projects(&mut self, cities: &Ids, themes: &Ids) {
        for p in &self.site.projects {
            let f = p.origin.file;
            if let Some(city) = &p.city {
                self.reference(f, 0, cities, city);
            }
            let mut partners = BTreeSet::new();
            for partner in &p.partners {
                self.reference(f, 0, cities, partner);
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
                        themes.known.first().copied().unwrap_or("wellbeing")
                    )),
                );
            }
            for t in p.themes.get_ref() {
                self.reference(f, 0, themes, t);
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

    fn observations(&mut self, cities: &Ids, indicators: &Ids) {
        let site = self.site;
        let mut seen: BTreeSet<(&str, &str, i32)> = BTreeSet::new();
        for o in &site.observations {
            let problems = [Some(o.value), o.target].map(|v| v.and_then(figure_problem));
            if problems.contains(&Some(FigureProblem::NotFinite)) {
                self.error(
                    o.origin.file,
                    o.origin.span.clone(),
                    "value and target must be finite numbers".into(),
                    Some(
                        "nan and inf are not observations; leave the observation out instead"
                            .into(),
                    ),
                );
            } else if problems.contains(&Some(FigureProblem::TooLarge)) {
                self.error(
                    o.origin.file,
                    o.origin.span.clone(),
                    format!("value or target {}", FigureProblem::TooLarge),
                    Some("check the figure: write it in the indicator's unit".into()),
                );
            }
            let keys = (&o.city, &o.indicator, &o.year);
            self.observation_key(o.origin.file, keys, cities, indicators, &mut seen);
        }
        for n in &site.not_applicable {
            let keys = (&n.city, &n.indicator, &n.year);
            self.observation_key(n.origin.file, keys, cities, indicators, &mut seen);
        }
    }

    /// The city, indicator and year of a figure or a not-applicable: known, in range, and
    /// said once.
    fn observation_key<'s>(
        &mut self,
        f: FileId,
        (city, indicator, year): (&'s Spanned<String>, &'s Spanned<String>, &Spanned<i32>),
        cities: &Ids,
        indicators: &Ids,
        seen: &mut BTreeSet<(&'s str, &'s str, i32)>,
    ) {
        let ok_city = self.reference(f, 0, cities, city);
        let ok_ind = self.reference(f, 0, indicators, indicator);
        let y = *year.get_ref();
        if !YEARS.contains(&y) {
            self.error(
                f,
                year.span(),
                format!("year {y} is out of range"),
                Some("write the calendar year of the observation, e.g. year = 2024".into()),
            );
        }
        let key = (city.get_ref().as_str(), indicator.get_ref().as_str(), y);
        if ok_city && ok_ind && !seen.insert(key) {
            self.error(
                f,
                year.span(),
                format!(
                    "a second observation of `{}` for `{}` in {y}",
                    key.1, key.0
                ),
                Some(
                    "keep one observation per city, indicator and year: a figure, or `not_applicable = true`".into(),
                ),
            );
        }
    }

    fn documents(&mut self, cities: &Ids, themes: &Ids, opts: Options) {
        let site = self.site;
        let articles: BTreeMap<&str, &Document> =
            site.articles.iter().map(|a| (a.slug.as_str(), a)).collect();
        let mut numbers: BTreeMap<u32, &Document> = BTreeMap::new();
        for kind in DocKind::ALL {
            for doc in site.docs(kind) {
                let f = doc.file;
                let off = doc.matter_offset;
                // the email's CSS inliner walks the tree recursively; pages are written by
                // iterative code, so other documents are not measured (a full parse each)
                if kind == DocKind::Newsletter
                    && let Some((at, deepest)) = innopress_core::markdown::too_deep(site.body(doc))
                {
                    let base = doc.body.start;
                    self.error(
                        f,
                        base + at.start..base + at.end,
                        format!(
                            "the text nests {deepest} levels deep here; at most {} are allowed",
                            innopress_core::markdown::MAX_DEPTH
                        ),
                        Some("quotes, lists, emphasis and HTML elements are nested inside each other this deep; flatten them".into()),
                    );
                }
                for c in doc.cities() {
                    self.reference(f, off, cities, c);
                }
                for t in doc.themes() {
                    self.reference(f, off, themes, t);
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
                self.subject(doc, issue);
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
                self.teased(doc, issue, &articles, opts);
            }
        }
    }

    /// The articles an issue teases exist and, unless drafts are built, are published.
    fn teased(
        &mut self,
        doc: &Document,
        issue: &crate::content::model::IssueMatter,
        articles: &BTreeMap<&str, &Document>,
        opts: Options,
    ) {
        let (site, f, off) = (self.site, doc.file, doc.matter_offset);
        for slug in &issue.articles {
            let name = slug.get_ref().as_str();
            match articles.get(name) {
                None if site.broken.articles.iter().any(|b| b == name) => {}
                None => {
                    let known = Ids::plain(
                        "article",
                        "content/articles/ (the file name without .md)",
                        articles.keys().copied().collect(),
                    );
                    self.reference(f, off, &known, slug);
                }
                Some(a) if a.draft() && !opts.drafts && !doc.draft() => self.error(
                    f,
                    doc.file_span(slug.span()),
                    format!("article `{name}` is a draft"),
                    Some("publish the article (draft = false) or remove it from this issue".into()),
                ),
                Some(_) => {}
            }
        }
    }

    /// The subject becomes a mail header: a control character there (a line break above
    /// all) is refused here, so `check` reports it before a send does.
    fn subject(&mut self, doc: &Document, issue: &crate::content::model::IssueMatter) {
        let (text, span, field) = match &issue.subject {
            Some(s) => (s.get_ref().as_str(), doc.file_span(s.span()), "subject"),
            None => (
                doc.title(),
                doc.matter_offset..doc.matter_offset,
                "title (the subject, as no `subject` is given)",
            ),
        };
        if text.trim().is_empty() {
            self.error(
                doc.file,
                span,
                format!("the {field} is empty; a mail needs a subject"),
                Some("write a subject, or remove the line to use the title".into()),
            );
        } else if let Some(c) = innopress_core::text::control_char(text) {
            self.error(
                doc.file,
                span,
                format!("the {field} contains the control character {c:?}; an email subject is one line of text"),
                Some("remove the line break, tab or escape from it".into()),
            );
        }
    }
}
