//! Shortcodes filled in: what `figure`, `chart` and `table` become in a document body, for
//! each target (page, feed, email). Shared by every renderer.

pub use super::dated::{chart_key, figure_value, table_key};
use super::model::{At, Model, RenderError, Target};
use innopress_content::content::model::Document;
use innopress_core::markdown::shortcodes::Shortcode;
use innopress_core::markdown::{self, Replacement};
use innopress_core::strings::fill;
use innopress_core::text::capitalise;
use innopress_impact::Summary;
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
        Ok(match sc.name.as_str() {
            "figure" => at.figure(sc, &self.theme.strings).map(|v| Replacement {
                html: innopress_core::text::escape_html(&v),
                block: false,
            }),
            "chart" => {
                let key = chart_key(sc);
                let Some(chart) = at.chart(&key) else {
                    return Ok(None);
                };
                // a chart on another date than the site's is its own file
                let file = if s.as_of == self.summary.as_of {
                    chart.name.clone()
                } else {
                    super::dated::chart_stem(&chart.name, s.as_of)
                };
                let html = match target {
                    Target::Feed => format!(
                        "<p><img src=\"{}charts/{file}.svg\" alt=\"{}\"></p>\n",
                        root,
                        innopress_core::text::escape_html(&chart.desc)
                    ),
                    // email clients get a PNG attached to the message, never SVG
                    Target::Email => {
                        let (_, width, max) = chart.for_email();
                        format!(
                            "<p class=\"chart-title\"><strong>{}</strong></p>\n<p><img src=\"cid:{}@innopress\" alt=\"{}\" width=\"{width}\" style=\"display:block;width:100%;max-width:{max}px;height:auto;border:0\"></p>\n",
                            innopress_core::text::escape_html(&chart.title),
                            chart.name,
                            innopress_core::text::escape_html(&chart.desc)
                        )
                    }
                    Target::Page => self.chart_figure(chart, root, path)?,
                };
                Some(Replacement { html, block: true })
            }
            "table" => {
                let key = table_key(sc);
                let mut ctx = Context::new();
                ctx.insert("root", root);
                match at.record.and_then(|r| r.table(&key)) {
                    // as it was when the document was sent or frozen
                    Some(t) => {
                        ctx.insert("projects", &t.projects);
                        ctx.insert("caption", &t.caption);
                        ctx.insert("currency", &t.currency);
                    }
                    None => {
                        let (rows, caption) = self.table_rows(sc, s);
                        ctx.insert("projects", &rows);
                        ctx.insert("caption", &caption);
                        ctx.insert("currency", &s.currency);
                    }
                }
                Some(Replacement {
                    html: self.render("table.html", path, &ctx)?,
                    block: true,
                })
            }
            _ => None,
        })
    }

    /// The rows and caption of a `table` shortcode, with each project's status on the
    /// summary's date.
    pub fn table_rows(
        &self,
        sc: &Shortcode,
        s: &Summary,
    ) -> (Vec<crate::view::ProjectRow<'_>>, String) {
        let city = sc.arg("city");
        let theme_id = sc.arg("theme");
        let status = sc.arg("status");
        let rows = self.rows_on(
            |p| {
                city.is_none_or(|c| p.city.as_ref().is_some_and(|pc| pc.get_ref() == c))
                    && theme_id
                        .is_none_or(|t| p.themes.get_ref().iter().any(|pt| pt.get_ref() == t))
                    && status.is_none_or(|st| p.status(s.as_of).label().eq_ignore_ascii_case(st))
            },
            s.as_of,
        );
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
        (rows, caption)
    }

    /// A document body as HTML with its shortcodes filled in.
    pub fn body_html(
        &self,
        doc: &Document,
        root: &str,
        path: &str,
        target: Target,
    ) -> Result<markdown::Rendered, RenderError> {
        self.markdown_html(self.site.body(doc), self.at(doc), root, path, target)
    }

    /// A body not saved yet, as a page shows it on `on` (a date of [`Model::dated`]) or the
    /// site's date: the editor's preview. Links and pictures are given from the site's root.
    pub fn preview_html(
        &self,
        body: &str,
        on: Option<innopress_core::date::Date>,
    ) -> Result<String, RenderError> {
        let at = match on.and_then(|d| self.dated.get(&d)) {
            Some(d) => super::dated::At {
                summary: &d.summary,
                charts: &d.charts,
                record: None,
            },
            None => super::dated::At {
                summary: self.summary,
                charts: &self.charts,
                record: None,
            },
        };
        let root = self.base.path.clone();
        self.markdown_html(body, at, &root, "", Target::Page)
            .map(|r| r.html)
    }

    fn markdown_html(
        &self,
        body: &str,
        at: super::dated::At<'_>,
        root: &str,
        path: &str,
        target: Target,
    ) -> Result<markdown::Rendered, RenderError> {
        let failed: RefCell<Option<RenderError>> = RefCell::new(None);
        let rendered = markdown::render_with(
            body,
            root,
            &self.base.path,
            &|sc| match self.shortcode(sc, root, path, target, at) {
                Ok(r) => r,
                Err(e) => {
                    failed.borrow_mut().get_or_insert(e);
                    None
                }
            },
            &|rel, alt, title| {
                let alt = if title == "decorative" { "" } else { alt };
                let prefix = if target == Target::Page {
                    root
                } else {
                    &self.base.full
                };
                self.picture(rel, alt, prefix, super::pictures::Place::Body, target)
            },
        );
        match failed.into_inner() {
            Some(e) => Err(e),
            None => Ok(rendered),
        }
    }
}
