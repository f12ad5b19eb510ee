//! Shortcodes filled in: what `figure`, `chart` and `table` become in a document body, for
//! each target (page, feed, email). Shared by every renderer.

use super::model::{Model, RenderError, Target};
use crate::content::model::Document;
use crate::impact::Summary;
use crate::markdown::shortcodes::Shortcode;
use crate::markdown::{self, Replacement};
use crate::strings::{Strings, fill};
use crate::text::{capitalise, count, percent};
use std::cell::RefCell;
use tera::Context;

impl Model<'_> {
    /// What a shortcode becomes on the page at `path`; `root` is its relative root (or the
    /// absolute base URL in the feed, where charts become images).
    pub fn shortcode(
        &self,
        sc: &Shortcode,
        root: &str,
        path: &str,
        target: Target,
    ) -> Result<Option<Replacement>, RenderError> {
        let s = self.summary;
        let city = sc.arg("city");
        let name = sc.arg("name").unwrap_or("");
        Ok(match sc.name.as_str() {
            "figure" => figure_value(s, name, city, &self.theme.strings).map(|v| Replacement {
                html: crate::text::escape_html(&v),
                block: false,
            }),
            "chart" => {
                let key = match (name, sc.arg("indicator"), city) {
                    ("indicator", Some(ind), Some(c)) => format!("indicator-{ind}-{c}"),
                    ("indicator", Some(ind), None) => format!("indicator-{ind}"),
                    ("funding-by-source", _, Some(c)) => format!("funding-by-source-{c}"),
                    (n, _, _) => n.to_string(),
                };
                let Some(chart) = self.charts.get(&key) else {
                    return Ok(None);
                };
                let html = match target {
                    Target::Feed => format!(
                        "<p><img src=\"{}charts/{}.svg\" alt=\"{}\"></p>\n",
                        root,
                        chart.name,
                        crate::text::escape_html(&chart.desc)
                    ),
                    // email clients get a PNG attached to the message, never SVG
                    Target::Email => format!(
                        "<p class=\"chart-title\"><strong>{}</strong></p>\n<p><img src=\"cid:{}@innopress\" alt=\"{}\" width=\"560\" style=\"display:block;width:100%;max-width:560px;height:auto;border:0\"></p>\n",
                        crate::text::escape_html(&chart.title),
                        chart.name,
                        crate::text::escape_html(&chart.desc)
                    ),
                    Target::Page => self.chart_html(&key, root, path)?,
                };
                Some(Replacement { html, block: true })
            }
            "table" => {
                let theme_id = sc.arg("theme");
                let status = sc.arg("status");
                let rows = self.rows(|p| {
                    city.is_none_or(|c| p.city.as_ref().is_some_and(|pc| pc.get_ref() == c))
                        && theme_id
                            .is_none_or(|t| p.themes.get_ref().iter().any(|pt| pt.get_ref() == t))
                        && status
                            .is_none_or(|st| p.status(s.as_of).label().eq_ignore_ascii_case(st))
                });
                let mut ctx = Context::new();
                ctx.insert("projects", &rows);
                ctx.insert("root", root);
                let words = &self.theme.strings.tables;
                let mut caption = words.projects.clone();
                if let Some(st) = status {
                    caption = fill(&words.status_projects, &[("status", &capitalise(st))]);
                }
                if let Some(c) = city {
                    caption.push_str(&fill(&words.led_by, &[("city", self.names.city(c).name)]));
                }
                if let Some(t) = theme_id {
                    caption.push_str(&fill(
                        &words.in_theme,
                        &[("theme", self.names.theme(t).name)],
                    ));
                }
                ctx.insert("caption", &caption);
                ctx.insert("currency", &s.currency);
                Some(Replacement {
                    html: self.render("table.html", path, &ctx)?,
                    block: true,
                })
            }
            _ => None,
        })
    }

    /// A document body as HTML with its shortcodes filled in.
    pub fn body_html(
        &self,
        doc: &Document,
        root: &str,
        path: &str,
        target: Target,
    ) -> Result<markdown::Rendered, RenderError> {
        let failed: RefCell<Option<RenderError>> = RefCell::new(None);
        let rendered =
            markdown::render_with(self.site.body(doc), root, &self.base.path, &|sc| match self
                .shortcode(sc, root, path, target)
            {
                Ok(r) => r,
                Err(e) => {
                    failed.borrow_mut().get_or_insert(e);
                    None
                }
            });
        match failed.into_inner() {
            Some(e) => Err(e),
            None => Ok(rendered),
        }
    }
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

/// The text of a `figure` shortcode: a headline number from the summary, for the network or
/// one city. `None` for an unknown name or city.
pub fn figure_value(
    s: &Summary,
    name: &str,
    city: Option<&str>,
    strings: &Strings,
) -> Option<String> {
    let cur = s.currency.as_str();
    if let Some(id) = city {
        let c = s.cities.iter().find(|c| c.id == id)?;
        return Some(match name {
            "total-funding" => c.funding.total.display(cur),
            "eu-funding" => c.funding.eu.display(cur),
            "state-funding" => c.funding.state.display(cur),
            "city-funding" => c.funding.city.display(cur),
            "other-funding" => c.funding.other.display(cur),
            "city-share" => percent(c.funding.city_share),
            "ongoing-funding" => c.ongoing_funding.display(cur),
            "project-count" => count(c.projects),
            "ongoing-count" => count(c.status.ongoing),
            "planned-count" => count(c.status.planned),
            "closed-count" => count(c.status.closed),
            "international-funding" => c.international.funding.display(cur),
            "international-count" => count(c.international.projects),
            "partner-count" => count(c.partner_projects),
            _ => return None,
        });
    }
    Some(match name {
        "total-funding" => s.funding.total.display(cur),
        "eu-funding" => s.funding.eu.display(cur),
        "state-funding" => s.funding.state.display(cur),
        "city-funding" => s.funding.city.display(cur),
        "other-funding" => s.funding.other.display(cur),
        "city-share" => percent(s.funding.city_share),
        "ongoing-funding" => s.ongoing_funding.display(cur),
        "project-count" => count(s.projects.total),
        "ongoing-count" => count(s.projects.ongoing),
        "planned-count" => count(s.projects.planned),
        "closed-count" => count(s.projects.closed),
        "international-funding" => s.international.funding.display(cur),
        "international-count" => count(s.international.projects),
        "city-count" => count(s.cities.len()),
        "as-of" => strings.long_date(s.as_of),
        _ => return None,
    })
}
