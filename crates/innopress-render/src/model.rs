//! The shared input of every renderer: the checked site, its summary, the theme and the
//! charts, with the site's lists sorted once. The website (`site`) and the email (`email`)
//! renderers both read it; neither knows the other.

pub use super::dated::{At, Dated};
use super::theme::Theme;
use super::view::*;
use innopress_charts::Chart;
use innopress_content::content::Site;
use innopress_content::content::model::{DocKind, Document, SiteConfig};
use innopress_core::date::Date;
use innopress_core::urls::{BaseUrl, page_dir, root_prefix};
use innopress_impact::Summary;
use serde::Serialize;
use std::collections::BTreeMap;
use tera::Context;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("{page}: template `{template}` failed: {message}")]
    Template {
        page: String,
        template: String,
        message: String,
    },
    /// A spreadsheet of the open data could not be made.
    #[error("{path}: the spreadsheet could not be made: {message}")]
    Sheet { path: String, message: String },
    /// Writing a rendered file failed (the error of the writer the caller passed).
    #[error(transparent)]
    Write(Box<dyn std::error::Error + Send + Sync>),
}

/// A file for the output: relative path and bytes.
pub type OutputFile = (String, Vec<u8>);

/// Where rendered HTML goes: charts are inline SVG on pages, SVG links in the feed and PNG
/// attachments in email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Page,
    Feed,
    Email,
}

/// Everything a page job reads; built once and shared by all jobs.
pub struct Model<'a> {
    pub site: &'a Site,
    pub cfg: &'a SiteConfig,
    pub base: BaseUrl,
    pub summary: &'a Summary,
    pub theme: &'a Theme,
    pub names: Names<'a>,
    /// Published documents, newest first (articles, reports, newsletters) or by title (pages).
    pub articles: Vec<&'a Document>,
    pub pages: Vec<&'a Document>,
    pub reports: Vec<&'a Document>,
    pub newsletters: Vec<&'a Document>,
    /// Projects sorted by title, then id.
    pub projects: Vec<&'a innopress_content::content::model::Project>,
    /// Every chart by name.
    pub charts: std::sync::Arc<BTreeMap<String, Chart>>,
    /// Figures and charts on the other dates that documents are computed on.
    pub dated: std::sync::Arc<BTreeMap<Date, Dated>>,
    /// The publisher as JSON-LD, made once for the thousands of pages that name it.
    pub organisation_json: std::sync::OnceLock<String>,
    /// The context every page starts from (`site`), serialised once rather than per page.
    pub site_context: std::sync::OnceLock<Context>,
    /// The header, navigation and footer, rendered once for each way back to the root,
    /// section and date of figures rather than on each of thousands of pages.
    pub chrome: std::sync::Mutex<BTreeMap<ChromeKey, std::sync::Arc<Chrome>>>,
    /// The grid of the year being collected, made once for its page and every city page.
    pub collection: std::sync::OnceLock<Option<innopress_impact::status::Grid>>,
}

/// What the shared parts of a page depend on: its root (`../../`), its section and the
/// date its figures are given on.
pub type ChromeKey = (String, String, Option<String>);

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    organisation: &'a str,
    base_url: &'a str,
    as_of: String,
    as_of_long: String,
    currency: &'a str,
    /// The names of the funding sources (`[policy.sources]`).
    sources: &'a innopress_content::content::model::Sources,
    /// How numbers are written (`numbers` in strings.toml), for the dashboard's script.
    thousands: String,
    decimal: String,
    nav_pages: Vec<NavLink<'a>>,
    sections: [Section<'a>; 8],
    /// The logo's path from the site root (`images/logo.svg`), its type and size.
    logo: Option<Logo<'a>>,
    /// `#rrggbb`, checked for contrast with white text.
    brand_colour: Option<&'a str>,
    license: Option<innopress_core::licenses::License>,
    /// The `subscribe` mailto of `[newsletter]`, offered on newsletter pages and in the footer.
    subscribe: Option<&'a str>,
    /// How often issues come, for the sign-up box (`[newsletter] frequency`).
    frequency: &'a str,
    /// Where the newsletter's privacy notice is (`privacy/`), when the site has `[newsletter]`.
    privacy: Option<&'static str>,
}

#[derive(Serialize)]
struct Logo<'a> {
    path: &'a str,
    mime: &'static str,
    width: u32,
    height: u32,
}

#[derive(Serialize)]
struct Section<'a> {
    id: &'static str,
    href: &'static str,
    title: &'a str,
}

#[derive(Serialize)]
struct NavLink<'a> {
    title: &'a str,
    href: String,
}

impl<'a> Model<'a> {
    pub fn new(
        site: &'a Site,
        cfg: &'a SiteConfig,
        summary: &'a Summary,
        theme: &'a Theme,
    ) -> Model<'a> {
        let mut m = Model::new_without_charts(site, cfg, summary, theme);
        let titles = &theme.strings.charts;
        // the site's charts and the other dates' figures, side by side
        let (charts, dated) = rayon::join(
            || innopress_charts::named(summary, titles),
            || super::dated::dated(site, summary, titles),
        );
        m.charts = charts;
        m.dated = std::sync::Arc::new(dated);
        m
    }

    /// The summary and charts a document's shortcodes read: those of its own date.
    pub fn at<'s>(&'s self, doc: &'s Document) -> At<'s> {
        let record = doc.record.as_ref().map(|(r, _)| &**r);
        match self.dated.get(&doc.as_of(self.summary.as_of)) {
            Some(d) => At {
                summary: &d.summary,
                charts: &d.charts,
                record,
            },
            None => At {
                summary: self.summary,
                charts: &self.charts,
                record,
            },
        }
    }

    fn new_without_charts(
        site: &'a Site,
        cfg: &'a SiteConfig,
        summary: &'a Summary,
        theme: &'a Theme,
    ) -> Model<'a> {
        let base = BaseUrl::parse(cfg.base_url.get_ref()).unwrap_or(BaseUrl {
            full: "/".into(),
            path: "/".into(),
        });
        let newest_first = |docs: &'a [Document]| {
            let mut v: Vec<&Document> = docs.iter().collect();
            v.sort_by(|a, b| b.date().cmp(&a.date()).then_with(|| a.slug.cmp(&b.slug)));
            v
        };
        let mut pages: Vec<&Document> = site.pages.iter().collect();
        pages.sort_by(|a, b| a.title().cmp(b.title()).then_with(|| a.slug.cmp(&b.slug)));
        let mut newsletters: Vec<&Document> = site.newsletters.iter().collect();
        newsletters.sort_by_key(|d| std::cmp::Reverse(d.issue().map(|i| *i.number.get_ref())));
        let mut projects: Vec<_> = site.projects.iter().collect();
        projects.sort_by(|a, b| {
            a.title
                .cmp(&b.title)
                .then_with(|| a.id.get_ref().cmp(b.id.get_ref()))
        });
        Model {
            site,
            cfg,
            base,
            summary,
            theme,
            names: Names::new(site, &theme.strings, &summary.currency),
            articles: newest_first(&site.articles),
            pages,
            reports: newest_first(&site.reports),
            newsletters,
            projects,
            charts: std::sync::Arc::new(BTreeMap::new()),
            dated: std::sync::Arc::new(super::dated::dated(site, summary, &theme.strings.charts)),
            organisation_json: std::sync::OnceLock::new(),
            site_context: std::sync::OnceLock::new(),
            chrome: std::sync::Mutex::new(BTreeMap::new()),
            collection: std::sync::OnceLock::new(),
        }
    }

    /// A model that reuses charts and dated figures computed before (they depend on the data
    /// and the documents' dates only), for rebuilds after an edit that did not touch them.
    pub fn with_charts(
        site: &'a Site,
        cfg: &'a SiteConfig,
        summary: &'a Summary,
        theme: &'a Theme,
        charts: std::sync::Arc<BTreeMap<String, Chart>>,
        dated: std::sync::Arc<BTreeMap<Date, Dated>>,
    ) -> Model<'a> {
        let mut m = Model::new_without_charts(site, cfg, summary, theme);
        m.charts = charts;
        m.dated = dated;
        m
    }

    /// A chart as a figure with its data table, or nothing when there is no such chart.
    pub(super) fn chart_html(
        &self,
        name: &str,
        root: &str,
        path: &str,
    ) -> Result<String, RenderError> {
        match self.charts.get(name) {
            Some(chart) => self.chart_figure(chart, root, path),
            None => Ok(String::new()),
        }
    }

    /// A chart (of any date, or from a record) as a figure with its data table.
    pub(super) fn chart_figure(
        &self,
        chart: &Chart,
        root: &str,
        path: &str,
    ) -> Result<String, RenderError> {
        let mut ctx = Context::new();
        // `charts/NAME.csv` holds the site's own figures: linked only under that very chart,
        // never under one of another date or from a record (which must not change with it)
        let csv = self
            .charts
            .get(&chart.name)
            .is_some_and(|c| std::ptr::eq(c, chart));
        // the map's links are written for a page one folder deep (`charts/map.svg`)
        let moved;
        let is_map = chart.name == "map" || chart.name.starts_with("map-");
        let chart = if is_map && root != "../" {
            let mut c = chart.clone();
            c.svg = c
                .svg
                .replace("href=\"../cities/", &format!("href=\"{root}cities/"));
            moved = c;
            &moved
        } else {
            chart
        };
        ctx.insert("chart", chart);
        ctx.insert("root", root);
        ctx.insert("csv", &csv);
        self.render("chart.html", path, &ctx)
    }

    pub fn site_title(&self) -> &str {
        &self.cfg.title
    }

    fn site_ctx(&self) -> SiteCtx<'_> {
        SiteCtx {
            title: &self.cfg.title,
            description: &self.cfg.description,
            organisation: &self.cfg.organisation,
            base_url: &self.base.full,
            as_of: self.summary.as_of.to_string(),
            as_of_long: self.theme.strings.long_date(self.summary.as_of),
            currency: &self.summary.currency,
            sources: &self.summary.sources,
            thousands: innopress_core::numbers::style().thousands.to_string(),
            decimal: innopress_core::numbers::style().decimal.to_string(),
            nav_pages: self
                .pages
                .iter()
                .map(|p| NavLink {
                    title: p.title(),
                    href: format!("pages/{}/", p.slug),
                })
                .collect(),
            sections: {
                let n = &self.theme.strings.navigation;
                [
                    ("home", "", &n.home),
                    ("news", "news/", &n.news),
                    ("projects", "projects/", &n.projects),
                    ("cities", "cities/", &n.cities),
                    ("themes", "themes/", &n.themes),
                    ("impact", "impact/", &n.impact),
                    ("reports", "reports/", &n.reports),
                    ("newsletter", "newsletter/", &n.newsletter),
                ]
                .map(|(id, href, title)| Section { id, href, title })
            },
            logo: self.cfg.logo.as_ref().and_then(|l| {
                let path = l.get_ref().trim_start_matches('/');
                let info = self.site.images.get(path)?;
                // shown 40 px high in the header
                let height = 40;
                let width = (info.width * height).div_ceil(info.height.max(1)).max(1);
                Some(Logo {
                    path,
                    mime: if info.format == innopress_images::Format::Svg {
                        "image/svg+xml"
                    } else {
                        "image/png"
                    },
                    width,
                    height,
                })
            }),
            brand_colour: self.cfg.brand_colour.as_ref().map(|b| b.get_ref().as_str()),
            subscribe: self
                .cfg
                .newsletter
                .as_ref()
                .and_then(|n| n.subscribe.as_ref())
                .map(|s| s.get_ref().as_str()),
            frequency: self
                .cfg
                .newsletter
                .as_ref()
                .and_then(|n| n.frequency.as_deref())
                .unwrap_or(innopress_content::content::model::DEFAULT_FREQUENCY),
            privacy: self.cfg.newsletter.is_some().then_some("privacy/"),
            license: self.cfg.license.as_ref().and_then(|id| {
                innopress_core::licenses::resolve(
                    id.get_ref(),
                    self.cfg.license_url.as_ref().map(|u| u.get_ref().as_str()),
                )
            }),
        }
    }

    pub(super) fn docs(&self, kind: DocKind) -> &[&'a Document] {
        match kind {
            DocKind::Article => &self.articles,
            DocKind::Page => &self.pages,
            DocKind::Report => &self.reports,
            DocKind::Newsletter => &self.newsletters,
        }
    }

    /// Where a document's page lives, relative to the site root.
    pub fn doc_dir(doc: &Document) -> String {
        match doc.kind {
            DocKind::Article => format!("news/{}/", doc.slug),
            DocKind::Page => format!("pages/{}/", doc.slug),
            DocKind::Report => format!("reports/{}/", doc.slug),
            DocKind::Newsletter => format!(
                "newsletter/{}/",
                doc.issue().map_or(0, |i| *i.number.get_ref())
            ),
        }
    }

    /// Where a city's page lives, relative to the site root.
    pub fn city_dir(id: &str) -> String {
        format!("cities/{id}/")
    }

    /// Where a theme's page lives, relative to the site root.
    pub fn theme_dir(id: &str) -> String {
        format!("themes/{id}/")
    }

    /// Where a project's page lives, relative to the site root.
    pub fn project_dir(id: &str) -> String {
        format!("projects/{id}/")
    }

    pub fn base_context(&self, path: &str, section: &str, title: &str) -> Context {
        let mut ctx = self
            .site_context
            .get_or_init(|| {
                let mut c = Context::new();
                c.insert("site", &self.site_ctx());
                c
            })
            .clone();
        let root = if path == "404.html" {
            // served at any address, so relative links would break
            self.base.path.clone()
        } else {
            root_prefix(path)
        };
        ctx.insert("root", &root);
        ctx.insert("canonical", &self.base.abs(page_dir(path)));
        ctx.insert("section", section);
        ctx.insert("page_title", title);
        ctx
    }

    pub fn render(&self, template: &str, path: &str, ctx: &Context) -> Result<String, RenderError> {
        self.theme
            .tera
            .render(template, ctx)
            .map_err(|e| RenderError::Template {
                page: path.to_string(),
                template: template.to_string(),
                message: innopress_core::text::error_chain(&e),
            })
    }

    pub(super) fn rows(
        &self,
        pred: impl Fn(&innopress_content::content::model::Project) -> bool,
    ) -> Vec<ProjectRow<'a>> {
        self.rows_on(pred, self.summary.as_of)
    }

    /// [`Self::rows`] with each project's status on `as_of`.
    pub(super) fn rows_on(
        &self,
        pred: impl Fn(&innopress_content::content::model::Project) -> bool,
        as_of: Date,
    ) -> Vec<ProjectRow<'a>> {
        self.projects
            .iter()
            .filter(|p| pred(p))
            .map(|p| self.names.project_row(p, as_of))
            .collect()
    }
}
