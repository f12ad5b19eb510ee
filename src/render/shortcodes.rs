//! Shortcodes filled in: what `figure`, `chart` and `table` become in a document body, for
//! each target (page, feed, email). Shared by every renderer.

pub use super::dated::chart_key;
use super::model::{At, Model, RenderError, Target};
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
        at: At<'_>,
    ) -> Result<Option<Replacement>, RenderError> {
        let s = at.summary;
        let city = sc.arg("city");
        let name = sc.arg("name").unwrap_or("");
        Ok(match sc.name.as_str() {
            "figure" => figure_value(s, name, city, &self.theme.strings).map(|v| Replacement {
                html: crate::text::escape_html(&v),
                block: false,
            }),
            "chart" => {
                let key = chart_key(sc);
                let Some(chart) = at.charts.get(&key) else {
                    return Ok(None);
                };
                // a chart on another date than the site's is its own file
                let file = if s.as_of == self.summary.as_of {
                    chart.name.clone()
                } else {
                    format!("{}-{}", chart.name, s.as_of)
                };
                let html = match target {
                    Target::Feed => format!(
                        "<p><img src=\"{}charts/{file}.svg\" alt=\"{}\"></p>\n",
                        root,
                        crate::text::escape_html(&chart.desc)
                    ),
                    // email clients get a PNG attached to the message, never SVG
                    Target::Email => format!(
                        "<p class=\"chart-title\"><strong>{}</strong></p>\n<p><img src=\"cid:{}@innopress\" alt=\"{}\" width=\"560\" style=\"display:block;width:100%;max-width:560px;height:auto;border:0\"></p>\n",
                        crate::text::escape_html(&chart.title),
                        chart.name,
                        crate::text::escape_html(&chart.desc)
                    ),
                    Target::Page => self.chart_html_from(at.charts, &key, root, path)?,
                };
                Some(Replacement { html, block: true })
            }
            "table" => {
                let theme_id = sc.arg("theme");
                let status = sc.arg("status");
                let rows = self.rows_on(
                    |p| {
                        city.is_none_or(|c| p.city.as_ref().is_some_and(|pc| pc.get_ref() == c))
                            && theme_id.is_none_or(|t| {
                                p.themes.get_ref().iter().any(|pt| pt.get_ref() == t)
                            })
                            && status
                                .is_none_or(|st| p.status(s.as_of).label().eq_ignore_ascii_case(st))
                    },
                    s.as_of,
                );
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
        let at = self.at(doc);
        let rendered =
            markdown::render_with(self.site.body(doc), root, &self.base.path, &|sc| match self
                .shortcode(sc, root, path, target, at)
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
