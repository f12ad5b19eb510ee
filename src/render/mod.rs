//! Stage 4, render: turns the checked site and its summary into files. Each page is an
//! independent job with its own small context; jobs run in parallel and write straight into
//! the staging folder, so memory follows the largest page, not the whole site. Output never
//! depends on the order jobs finish in.

pub mod feeds;
pub mod markdown;
pub mod opendata;
pub mod terminal;
pub mod theme;
pub mod urls;
pub mod view;

use crate::charts::Chart;
use crate::content::Site;
use crate::content::model::{DocKind, Document, SiteConfig, Status};
use crate::content::shortcodes::Shortcode;
use crate::impact::Summary;
use crate::output::{OutputError, Staging};
use markdown::Replacement;
use rayon::prelude::*;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use tera::Context;
use theme::Theme;
use urls::{BaseUrl, page_dir, root_prefix};
use view::*;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("{page}: template `{template}` failed: {message}")]
    Template {
        page: String,
        template: String,
        message: String,
    },
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// What a render produced, for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Report {
    pub pages: usize,
    pub files: usize,
    pub bytes: usize,
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
    pub projects: Vec<&'a crate::content::model::Project>,
    /// Every chart by name.
    pub charts: std::sync::Arc<BTreeMap<String, Chart>>,
}

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    organisation: &'a str,
    base_url: &'a str,
    as_of: String,
    as_of_long: String,
    nav_pages: Vec<NavLink<'a>>,
    sections: [Section; 8],
}

#[derive(Serialize)]
struct Section {
    id: &'static str,
    href: &'static str,
    title: &'static str,
}

const SECTIONS: [(&str, &str, &str); 8] = [
    ("home", "", "Home"),
    ("news", "news/", "News"),
    ("projects", "projects/", "Projects"),
    ("cities", "cities/", "Cities"),
    ("themes", "themes/", "Themes"),
    ("impact", "impact/", "Impact"),
    ("reports", "reports/", "Reports"),
    ("newsletter", "newsletter/", "Newsletter"),
];

#[derive(Serialize)]
struct NavLink<'a> {
    title: &'a str,
    href: String,
}

#[derive(Debug, Clone)]
enum Job {
    Home,
    NewsList,
    Doc(DocKind, usize),
    ReportList,
    /// Page `n` (1-based) of the project dashboard.
    Dashboard(usize),
    Project(usize),
    CityList,
    City(usize),
    ThemeList,
    Theme(usize),
    Impact,
    NewsletterList,
    NotFound,
}

impl<'a> Model<'a> {
    pub fn new(
        site: &'a Site,
        cfg: &'a SiteConfig,
        summary: &'a Summary,
        theme: &'a Theme,
    ) -> Model<'a> {
        let mut m = Model::new_without_charts(site, cfg, summary, theme);
        m.charts = crate::charts::named(summary);
        m
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
            names: Names::new(site),
            articles: newest_first(&site.articles),
            pages,
            reports: newest_first(&site.reports),
            newsletters,
            projects,
            charts: std::sync::Arc::new(BTreeMap::new()),
        }
    }

    /// A model that reuses charts drawn before (they depend on the data only), for rebuilds
    /// after an edit that did not touch the data.
    pub fn with_charts(
        site: &'a Site,
        cfg: &'a SiteConfig,
        summary: &'a Summary,
        theme: &'a Theme,
        charts: std::sync::Arc<BTreeMap<String, Chart>>,
    ) -> Model<'a> {
        let mut m = Model::new_without_charts(site, cfg, summary, theme);
        m.charts = charts;
        m
    }

    /// A chart as a figure with its data table, or nothing when there is no such chart.
    fn chart_html(&self, name: &str, root: &str, path: &str) -> Result<String, RenderError> {
        let Some(chart) = self.charts.get(name) else {
            return Ok(String::new());
        };
        let mut ctx = Context::new();
        ctx.insert("chart", chart);
        ctx.insert("root", root);
        self.render("chart.html", path, &ctx)
    }

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
            "figure" => figure_value(s, name, city).map(|v| Replacement {
                html: theme::escape_html(&v),
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
                        theme::escape_html(&chart.desc)
                    ),
                    // email clients get a PNG attached to the message, never SVG
                    Target::Email => format!(
                        "<p class=\"chart-title\"><strong>{}</strong></p>\n<p><img src=\"cid:{}@innopress\" alt=\"{}\" width=\"560\" style=\"display:block;width:100%;max-width:560px;height:auto;border:0\"></p>\n",
                        theme::escape_html(&chart.title),
                        chart.name,
                        theme::escape_html(&chart.desc)
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
                let mut caption = String::from("Projects");
                if let Some(st) = status {
                    caption = format!("{} projects", capitalise(st));
                }
                if let Some(c) = city {
                    caption.push_str(&format!(" led by {}", self.names.city(c).name));
                }
                if let Some(t) = theme_id {
                    caption.push_str(&format!(" in {}", self.names.theme(t).name));
                }
                ctx.insert("caption", &caption);
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
            as_of_long: self.summary.as_of.long(),
            nav_pages: self
                .pages
                .iter()
                .map(|p| NavLink {
                    title: p.title(),
                    href: format!("pages/{}/", p.slug),
                })
                .collect(),
            sections: SECTIONS.map(|(id, href, title)| Section { id, href, title }),
        }
    }

    fn jobs(&self) -> Vec<Job> {
        let mut jobs = vec![
            Job::Home,
            Job::NewsList,
            Job::ReportList,
            Job::Dashboard(1),
            Job::CityList,
            Job::ThemeList,
            Job::Impact,
            Job::NewsletterList,
            Job::NotFound,
        ];
        for kind in DocKind::ALL {
            jobs.extend((0..self.docs(kind).len()).map(|i| Job::Doc(kind, i)));
        }
        jobs.extend((2..=self.dashboard_pages()).map(Job::Dashboard));
        jobs.extend((0..self.projects.len()).map(Job::Project));
        jobs.extend((0..self.site.cities.len()).map(Job::City));
        jobs.extend((0..self.site.themes.len()).map(Job::Theme));
        jobs
    }

    fn docs(&self, kind: DocKind) -> &[&'a Document] {
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

    pub fn base_context(&self, path: &str, section: &str, title: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert("site", &self.site_ctx());
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
                message: theme::error_chain(&e),
            })
    }

    fn articles_about(&self, pred: impl Fn(&Document) -> bool) -> Vec<DocLink<'a>> {
        self.articles
            .iter()
            .filter(|d| pred(d))
            .map(|d| DocLink::new(d, Self::doc_dir(d)))
            .collect()
    }

    fn rows(&self, pred: impl Fn(&crate::content::model::Project) -> bool) -> Vec<ProjectRow<'a>> {
        self.projects
            .iter()
            .filter(|p| pred(p))
            .map(|p| self.names.project_row(p, self.summary.as_of))
            .collect()
    }

    /// The project rows of a city or theme page, bounded like a dashboard page: past
    /// [`DASHBOARD_PAGE`] projects, the largest by funding, with a pointer to the dashboard
    /// filtered to all of them (`filter` is its query, e.g. `theme=wellbeing`).
    fn capped_rows(
        &self,
        filter: &str,
        pred: impl Fn(&crate::content::model::Project) -> bool,
    ) -> (Vec<ProjectRow<'a>>, Option<More>) {
        let mut rows = self.rows(pred);
        if rows.len() <= DASHBOARD_PAGE {
            return (rows, None);
        }
        let total = rows.len();
        rows.sort_by(|a, b| b.total_cents.cmp(&a.total_cents).then(a.id.cmp(b.id)));
        rows.truncate(DASHBOARD_PAGE);
        let more = More {
            shown: count(DASHBOARD_PAGE),
            total: count(total),
            href: format!("projects/?{filter}"),
        };
        (rows, Some(more))
    }

    /// How many pages the dashboard has (bounded pages, so 20,000 projects stay usable).
    fn dashboard_pages(&self) -> usize {
        self.projects.len().div_ceil(DASHBOARD_PAGE).max(1)
    }

    fn theme_cards(&self) -> Vec<ThemeCard<'_>> {
        self.summary
            .themes
            .iter()
            .map(|t| ThemeCard {
                id: &t.id,
                name: &t.name,
                projects: count(t.projects),
                funding: t.funding.display(),
            })
            .collect()
    }

    /// Renders one job: returns the output path and the page text.
    fn run(&self, job: &Job) -> Result<(String, String), RenderError> {
        let s = self.summary;
        match job {
            Job::Home => {
                let path = "index.html".to_string();
                let mut ctx = self.base_context(&path, "home", &self.cfg.title);
                ctx.insert(
                    "figures",
                    &Figures {
                        projects: count(s.projects.total),
                        ongoing: count(s.projects.ongoing),
                        planned: count(s.projects.planned),
                        closed: count(s.projects.closed),
                        cities: count(s.cities.len()),
                        total_funding: s.funding.total.display(),
                        ongoing_funding: s.ongoing_funding.display(),
                        eu_funding: s.funding.eu.display(),
                        city_share: percent(s.funding.city_share),
                        international_funding: s.international.funding.display(),
                        international_projects: count(s.international.projects),
                    },
                );
                let latest: Vec<_> = self
                    .articles
                    .iter()
                    .take(5)
                    .map(|d| DocLink::new(d, Self::doc_dir(d)))
                    .collect();
                ctx.insert("latest", &latest);
                let issue = self
                    .newsletters
                    .first()
                    .map(|d| DocLink::new(d, Self::doc_dir(d)));
                ctx.insert("latest_issue", &issue);
                let reports: Vec<_> = self
                    .reports
                    .iter()
                    .take(3)
                    .map(|d| DocLink::new(d, Self::doc_dir(d)))
                    .collect();
                ctx.insert("reports", &reports);
                let themes = self.theme_cards();
                ctx.insert("themes", &themes);
                Ok((path.clone(), self.render("index.html", &path, &ctx)?))
            }
            Job::NewsList => {
                let path = "news/index.html".to_string();
                let mut ctx = self.base_context(&path, "news", "News");
                ctx.insert("articles", &self.articles_about(|_| true));
                Ok((path.clone(), self.render("news.html", &path, &ctx)?))
            }
            Job::ReportList => {
                let path = "reports/index.html".to_string();
                let mut ctx = self.base_context(&path, "reports", "Reports");
                let list: Vec<_> = self
                    .reports
                    .iter()
                    .map(|d| DocLink::new(d, Self::doc_dir(d)))
                    .collect();
                ctx.insert("reports", &list);
                Ok((path.clone(), self.render("reports.html", &path, &ctx)?))
            }
            Job::NewsletterList => {
                let path = "newsletter/index.html".to_string();
                let mut ctx = self.base_context(&path, "newsletter", "Newsletter");
                let list: Vec<_> = self
                    .newsletters
                    .iter()
                    .map(|d| IssueLink {
                        number: d.issue().map_or(0, |i| *i.number.get_ref()),
                        link: DocLink::new(d, Self::doc_dir(d)),
                    })
                    .collect();
                ctx.insert("issues", &list);
                Ok((path.clone(), self.render("newsletters.html", &path, &ctx)?))
            }
            Job::Doc(kind, i) => self.doc_page(self.docs(*kind)[*i]),
            Job::Dashboard(n) => {
                let n = *n;
                let path = dashboard_path(n);
                let title = if n == 1 {
                    "Project dashboard".to_string()
                } else {
                    format!("Project dashboard, page {n}")
                };
                let mut ctx = self.base_context(&path, "projects", &title);
                let first = (n - 1) * DASHBOARD_PAGE;
                let page: Vec<_> = self
                    .projects
                    .iter()
                    .skip(first)
                    .take(DASHBOARD_PAGE)
                    .map(|p| self.names.project_row(p, s.as_of))
                    .collect();
                ctx.insert("projects", &page);
                ctx.insert("project_count", &self.projects.len());
                ctx.insert("first", &(first + 1));
                ctx.insert("last", &(first + page.len()));
                let pages: Vec<PageLink> = (1..=self.dashboard_pages())
                    .map(|k| PageLink {
                        number: k,
                        href: dashboard_path(k).trim_end_matches("index.html").to_string(),
                        current: k == n,
                    })
                    .collect();
                ctx.insert("pages", &pages);
                // with several pages the filter searches the compact index of all projects
                ctx.insert(
                    "index_url",
                    &(pages.len() > 1).then_some("data/projects-index.json"),
                );
                ctx.insert("total", &s.funding.total.grouped());
                let cities: Vec<_> = self
                    .site
                    .cities
                    .iter()
                    .map(|c| self.names.city(c.id.get_ref()))
                    .collect();
                let mut cities = cities;
                cities.sort_by(|a, b| a.name.cmp(b.name));
                ctx.insert("cities", &cities);
                let themes: Vec<_> = self
                    .site
                    .themes
                    .iter()
                    .map(|t| self.names.theme(t.id.get_ref()))
                    .collect();
                ctx.insert("themes", &themes);
                ctx.insert(
                    "statuses",
                    &[Status::Planned, Status::Ongoing, Status::Closed].map(|s| (s, s.label())),
                );
                Ok((path.clone(), self.render("projects.html", &path, &ctx)?))
            }
            Job::Project(i) => {
                let p = self.projects[*i];
                let path = format!("projects/{}/index.html", p.id.get_ref());
                let mut ctx = self.base_context(&path, "projects", &p.title);
                ctx.insert("project", &self.names.project_row(p, s.as_of));
                Ok((path.clone(), self.render("project.html", &path, &ctx)?))
            }
            Job::CityList => {
                let path = "cities/index.html".to_string();
                let mut ctx = self.base_context(&path, "cities", "Cities");
                let mut list: Vec<_> = s.cities.iter().map(CityView::new).collect();
                list.sort_by(|a, b| a.name.cmp(b.name));
                ctx.insert("cities", &list);
                let regions: Vec<_> = self
                    .site
                    .cities
                    .iter()
                    .map(|c| (c.id.get_ref(), &c.region))
                    .collect();
                ctx.insert(
                    "regions",
                    &regions
                        .into_iter()
                        .collect::<std::collections::BTreeMap<_, _>>(),
                );
                Ok((path.clone(), self.render("cities.html", &path, &ctx)?))
            }
            Job::City(i) => {
                let city = &self.site.cities[*i];
                let id = city.id.get_ref().as_str();
                let path = format!("cities/{id}/index.html");
                let mut ctx = self.base_context(&path, "cities", &city.name);
                ctx.insert(
                    "city",
                    &CityInfo {
                        id,
                        name: &city.name,
                        region: &city.region,
                        population: city.population.map(crate::money::group_thousands),
                        lead_theme: city.lead_theme.as_deref(),
                        url: city.url.as_deref(),
                    },
                );
                let summary = s.cities.iter().find(|c| c.id == id).map(CityView::new);
                ctx.insert("summary", &summary);
                let filter = format!("city={id}");
                let (rows, more) = self.capped_rows(&filter, |p| {
                    p.city.as_ref().is_some_and(|c| c.get_ref() == id)
                });
                ctx.insert("projects", &rows);
                ctx.insert("projects_more", &more);
                let (rows, more) = self.capped_rows(&filter, |p| {
                    p.partners.iter().any(|c| c.get_ref() == id)
                        && p.city.as_ref().is_none_or(|c| c.get_ref() != id)
                });
                ctx.insert("partner_projects", &rows);
                ctx.insert("partner_projects_more", &more);
                ctx.insert(
                    "articles",
                    &self.articles_about(|d| d.cities().iter().any(|c| c.get_ref() == id)),
                );
                let root = root_prefix(&path);
                ctx.insert(
                    "funding_chart",
                    &self.chart_html(&format!("funding-by-source-{id}"), &root, &path)?,
                );
                let mut indicators = Vec::new();
                for ind in &s.indicators {
                    let Some(values) = ind.cities.iter().find(|c| c.city == id) else {
                        continue;
                    };
                    let latest = values.values.last();
                    let target = values
                        .values
                        .iter()
                        .rev()
                        .find_map(|v| v.target.map(|t| (v.year, t)));
                    indicators.push(CityIndicator {
                        id: &ind.id,
                        name: &ind.name,
                        unit: &ind.unit,
                        higher_is_better: ind.higher_is_better,
                        latest: latest.map(|v| number(v.value)),
                        latest_year: latest.map(|v| v.year),
                        target: target.map(|(_, t)| number(t)),
                        target_year: target.map(|(y, _)| y),
                        chart: self.chart_html(
                            &format!("indicator-{}-{id}", ind.id),
                            &root,
                            &path,
                        )?,
                    });
                }
                ctx.insert("indicators", &indicators);
                Ok((path.clone(), self.render("city.html", &path, &ctx)?))
            }
            Job::ThemeList => {
                let path = "themes/index.html".to_string();
                let mut ctx = self.base_context(&path, "themes", "Themes");
                let list = self.theme_cards();
                ctx.insert("themes", &list);
                Ok((path.clone(), self.render("themes.html", &path, &ctx)?))
            }
            Job::Theme(i) => {
                let theme = &self.site.themes[*i];
                let id = theme.id.get_ref().as_str();
                let path = format!("themes/{id}/index.html");
                let mut ctx = self.base_context(&path, "themes", &theme.name);
                let ts = s.themes.iter().find(|t| t.id == id);
                ctx.insert(
                    "theme",
                    &ThemeInfo {
                        id,
                        name: &theme.name,
                        description: &theme.description,
                        projects: count(ts.map_or(0, |t| t.projects)),
                        funding: ts
                            .map_or(crate::money::Money::ZERO, |t| t.funding)
                            .display(),
                    },
                );
                let (rows, more) = self.capped_rows(&format!("theme={id}"), |p| {
                    p.themes.get_ref().iter().any(|t| t.get_ref() == id)
                });
                ctx.insert("projects", &rows);
                ctx.insert("projects_more", &more);
                ctx.insert(
                    "articles",
                    &self.articles_about(|d| d.themes().iter().any(|t| t.get_ref() == id)),
                );
                Ok((path.clone(), self.render("theme.html", &path, &ctx)?))
            }
            Job::Impact => {
                let path = "impact/index.html".to_string();
                let mut ctx = self.base_context(&path, "impact", "Impact");
                let list: Vec<_> = s
                    .indicators
                    .iter()
                    .map(|ind| {
                        let desc = self
                            .site
                            .indicators
                            .iter()
                            .find(|i| *i.id.get_ref() == ind.id)
                            .map_or("", |i| i.description.as_str());
                        IndicatorView::new(ind, desc)
                    })
                    .collect();
                ctx.insert("indicators", &list);
                let years: Vec<_> = s
                    .years
                    .iter()
                    .map(|y| (y.year, count(y.active_projects), y.funding.display()))
                    .collect();
                ctx.insert("years", &years);
                let programmes: Vec<_> = s
                    .programmes
                    .iter()
                    .map(|p| {
                        (
                            &p.name,
                            count(p.projects),
                            count(p.ongoing),
                            p.funding.display(),
                        )
                    })
                    .collect();
                ctx.insert("programmes", &programmes);
                let funding = FundingView::from_totals(&s.funding);
                ctx.insert("funding", &funding);
                let root = root_prefix(&path);
                let mut charts = BTreeMap::new();
                for name in [
                    "funding-by-source",
                    "funding-by-city",
                    "projects-by-theme",
                    "projects-per-year",
                ] {
                    charts.insert(name.to_string(), self.chart_html(name, &root, &path)?);
                }
                for ind in &s.indicators {
                    let name = format!("indicator-{}", ind.id);
                    charts.insert(name.clone(), self.chart_html(&name, &root, &path)?);
                }
                ctx.insert("charts", &charts);
                Ok((path.clone(), self.render("impact.html", &path, &ctx)?))
            }
            Job::NotFound => {
                let path = "404.html".to_string();
                let ctx = self.base_context(&path, "", "Page not found");
                Ok((path.clone(), self.render("404.html", &path, &ctx)?))
            }
        }
    }

    fn doc_page(&self, doc: &Document) -> Result<(String, String), RenderError> {
        let dir = Self::doc_dir(doc);
        let path = format!("{dir}index.html");
        let (section, template) = match doc.kind {
            DocKind::Article => ("news", "article.html"),
            DocKind::Page => ("pages", "page.html"),
            DocKind::Report => ("reports", "report.html"),
            DocKind::Newsletter => ("newsletter", "newsletter.html"),
        };
        let mut ctx = self.base_context(&path, section, doc.title());
        let root = root_prefix(&path);
        let body = self.body_html(doc, &root, &path, Target::Page)?;
        ctx.insert("content", &body.html);
        ctx.insert("headings", &body.headings);
        ctx.insert(
            "doc",
            &DocInfo {
                slug: &doc.slug,
                title: doc.title(),
                summary: doc.summary(),
                date: doc.date().map(|d| d.to_string()),
                date_long: doc.date().map(|d| d.long()),
                cities: doc
                    .cities()
                    .iter()
                    .map(|c| self.names.city(c.get_ref()))
                    .collect(),
                themes: doc
                    .themes()
                    .iter()
                    .map(|t| self.names.theme(t.get_ref()))
                    .collect(),
                draft: doc.draft(),
            },
        );
        if let Some(issue) = doc.issue() {
            ctx.insert("number", issue.number.get_ref());
            ctx.insert("subject", issue.subject.as_deref().unwrap_or(doc.title()));
            ctx.insert("preheader", &issue.preheader);
            let teased: Vec<_> = issue
                .articles
                .iter()
                .filter_map(|slug| self.articles.iter().find(|a| a.slug == *slug.get_ref()))
                .map(|a| DocLink::new(a, Self::doc_dir(a)))
                .collect();
            ctx.insert("teased", &teased);
        }
        Ok((path.clone(), self.render(template, &path, &ctx)?))
    }
}

/// Where rendered HTML goes: charts are inline SVG on pages, SVG links in the feed and PNG
/// attachments in email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Page,
    Feed,
    Email,
}

/// A list cut short on a page, and where the whole list is.
#[derive(Debug, Serialize)]
struct More {
    shown: String,
    total: String,
    /// From the site root.
    href: String,
}

/// Projects per dashboard page.
pub const DASHBOARD_PAGE: usize = 500;

fn dashboard_path(n: usize) -> String {
    if n == 1 {
        "projects/index.html".into()
    } else {
        format!("projects/page/{n}/index.html")
    }
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct CityIndicator<'a> {
    id: &'a str,
    name: &'a str,
    unit: &'a str,
    higher_is_better: bool,
    latest: Option<String>,
    latest_year: Option<i32>,
    target: Option<String>,
    target_year: Option<i32>,
    chart: String,
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

#[derive(Serialize)]
struct Figures {
    projects: String,
    ongoing: String,
    planned: String,
    closed: String,
    cities: String,
    total_funding: String,
    ongoing_funding: String,
    eu_funding: String,
    city_share: String,
    international_funding: String,
    international_projects: String,
}

#[derive(Serialize)]
struct ThemeCard<'a> {
    id: &'a str,
    name: &'a str,
    projects: String,
    funding: String,
}

#[derive(Serialize)]
struct ThemeInfo<'a> {
    id: &'a str,
    name: &'a str,
    description: &'a str,
    projects: String,
    funding: String,
}

#[derive(Serialize)]
struct CityInfo<'a> {
    id: &'a str,
    name: &'a str,
    region: &'a str,
    population: Option<String>,
    lead_theme: Option<&'a str>,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct IssueLink<'a> {
    number: u32,
    link: DocLink<'a>,
}

#[derive(Serialize)]
struct DocInfo<'a> {
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    date: Option<String>,
    date_long: Option<String>,
    cities: Vec<Ref<'a>>,
    themes: Vec<Ref<'a>>,
    draft: bool,
}

/// What an edit needs rendered again (see `crate::incremental`).
#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// Documents by kind and slug.
    pub docs: Vec<(DocKind, String)>,
    /// The home page and the news, report and newsletter lists.
    pub lists: bool,
    pub feed: bool,
    pub sitemap: bool,
    pub cities: std::collections::BTreeSet<String>,
    pub themes: std::collections::BTreeSet<String>,
    /// Newsletter issues whose email files are written again.
    pub emails: std::collections::BTreeSet<u32>,
}

/// Renders only `sel` and writes it straight into the output folder `out` (a serve
/// rebuild: the folder is already the site). Returns the number of files written.
pub fn render_selected(
    model: &Model,
    sel: &Selection,
    out: &std::path::Path,
) -> Result<usize, Vec<RenderError>> {
    let mut jobs = Vec::new();
    for (kind, slug) in &sel.docs {
        if let Some(i) = model.docs(*kind).iter().position(|d| d.slug == *slug) {
            jobs.push(Job::Doc(*kind, i));
        }
    }
    if sel.lists {
        jobs.extend([
            Job::Home,
            Job::NewsList,
            Job::ReportList,
            Job::NewsletterList,
        ]);
    }
    for (i, c) in model.site.cities.iter().enumerate() {
        if sel.cities.contains(c.id.get_ref()) {
            jobs.push(Job::City(i));
        }
    }
    for (i, t) in model.site.themes.iter().enumerate() {
        if sel.themes.contains(t.id.get_ref()) {
            jobs.push(Job::Theme(i));
        }
    }
    let write = |rel: &str, bytes: &[u8]| -> Result<(), RenderError> {
        let path = out.join(crate::output::safe_relative(rel)?);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| OutputError::Io {
                path: parent.display().to_string(),
                source: e,
            })?;
        }
        std::fs::write(&path, bytes).map_err(|e| {
            RenderError::from(OutputError::Io {
                path: path.display().to_string(),
                source: e,
            })
        })
    };
    let written = AtomicUsize::new(0);
    let mut errors: Vec<RenderError> = jobs
        .par_iter()
        .filter_map(|job| {
            let r = model
                .run(job)
                .and_then(|(path, html)| write(&path, html.as_bytes()));
            written.fetch_add(1, Ordering::Relaxed);
            r.err()
        })
        .collect();
    let mut extra: Vec<OutputFile> = Vec::new();
    if sel.feed {
        extra.push(("feed.xml".into(), feed(model).into_bytes()));
    }
    if sel.sitemap {
        extra.push(("sitemap.xml".into(), sitemap(model).into_bytes()));
    }
    if !sel.emails.is_empty() {
        email_files(model, |n| sel.emails.contains(&n), &mut extra, &mut errors);
    }
    for (path, bytes) in &extra {
        match write(path, bytes) {
            Ok(()) => {
                written.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(written.load(Ordering::Relaxed))
    } else {
        Err(errors)
    }
}

/// The preview email files (`newsletter/N/email.*`) of the issues whose number `wanted`
/// accepts, rendered in parallel, added to `files`; problems go to `errors`.
fn email_files(
    model: &Model,
    wanted: impl Fn(u32) -> bool + Sync,
    files: &mut Vec<OutputFile>,
    errors: &mut Vec<RenderError>,
) {
    let settings = match crate::newsletter::settings(model.cfg, &model.base, None, None) {
        Ok(s) => s,
        Err(message) => {
            errors.push(RenderError::Template {
                page: "content/site.toml".into(),
                template: "[newsletter]".into(),
                message,
            });
            return;
        }
    };
    let issues: Vec<Result<Vec<OutputFile>, RenderError>> = model
        .newsletters
        .par_iter()
        .filter(|d| d.issue().is_some_and(|i| wanted(*i.number.get_ref())))
        .map(|doc| {
            let issue = crate::newsletter::email::render_issue(model, doc)?;
            crate::newsletter::preview_files(&issue, &settings).map_err(|message| {
                RenderError::Template {
                    page: format!("newsletter/{}/email.eml", issue.number),
                    template: "email".into(),
                    message,
                }
            })
        })
        .collect();
    for r in issues {
        match r {
            Ok(f) => files.extend(f),
            Err(e) => errors.push(e),
        }
    }
}

/// Every HTML page as (path, html), in memory: for checks that look at the rendered site
/// without writing it.
pub fn render_pages(model: &Model) -> (Vec<(String, String)>, Vec<RenderError>) {
    let results: Vec<Result<(String, String), RenderError>> =
        model.jobs().par_iter().map(|job| model.run(job)).collect();
    let mut pages = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(p) => pages.push(p),
            Err(e) => errors.push(e),
        }
    }
    pages.sort();
    (pages, errors)
}

/// The output paths that are not HTML pages: feeds, data, assets, charts, static files and
/// the newsletter email files.
pub fn other_files(model: &Model) -> Vec<String> {
    let mut v: Vec<String> = [
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "data/summary.json",
        "data/projects.csv",
        "data/projects.json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.extend(model.theme.assets.keys().map(|k| format!("assets/{k}")));
    v.extend(model.charts.keys().map(|k| format!("charts/{k}.svg")));
    v.extend(model.site.static_files.iter().cloned());
    for d in &model.newsletters {
        let n = d.issue().map_or(0, |i| *i.number.get_ref());
        for f in ["email.html", "email.txt", "email.eml"] {
            v.push(format!("newsletter/{n}/{f}"));
        }
    }
    v.sort();
    v
}

/// A file for the output: relative path and bytes.
type OutputFile = (String, Vec<u8>);

/// Renders every page, feed and asset into `staging`. All page errors are collected.
pub fn render_site(model: &Model, staging: &Staging) -> Result<Report, Vec<RenderError>> {
    let pages = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    let jobs = model.jobs();
    let mut errors: Vec<RenderError> = jobs
        .par_iter()
        .filter_map(|job| {
            let (path, html) = match model.run(job) {
                Ok(r) => r,
                Err(e) => return Some(e),
            };
            pages.fetch_add(1, Ordering::Relaxed);
            bytes.fetch_add(html.len(), Ordering::Relaxed);
            staging
                .write(&path, html.as_bytes())
                .err()
                .map(RenderError::from)
        })
        .collect();
    let mut files = pages.load(Ordering::Relaxed);

    let mut extra: Vec<(String, Vec<u8>)> = Vec::new();
    extra.push(("feed.xml".into(), feed(model).into_bytes()));
    extra.push(("sitemap.xml".into(), sitemap(model).into_bytes()));
    extra.push(("robots.txt".into(), feeds::robots(&model.base).into_bytes()));
    let summary_json = serde_json::to_string_pretty(model.summary).unwrap_or_default() + "\n";
    extra.push(("data/summary.json".into(), summary_json.into_bytes()));
    let open = crate::render::opendata::Projects::new(model);
    extra.push(("data/projects.csv".into(), open.csv().into_bytes()));
    extra.push(("data/projects.json".into(), open.json().into_bytes()));
    extra.push((
        "data/projects-index.json".into(),
        open.index(model).into_bytes(),
    ));
    email_files(model, |_| true, &mut extra, &mut errors);
    for chart in model.charts.values() {
        extra.push((
            format!("charts/{}.svg", chart.name),
            chart.svg.clone().into_bytes(),
        ));
    }
    for (name, data) in &model.theme.assets {
        extra.push((format!("assets/{name}"), data.to_vec()));
    }
    for (path, data) in &extra {
        bytes.fetch_add(data.len(), Ordering::Relaxed);
        if let Err(e) = staging.write(path, data) {
            errors.push(e.into());
        }
        files += 1;
    }
    let static_dir = model.site.root.join("content/static");
    for rel in &model.site.static_files {
        if let Err(e) = staging.copy(rel, &static_dir.join(rel)) {
            errors.push(e.into());
        }
        files += 1;
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.to_string());
        return Err(errors);
    }
    Ok(Report {
        pages: pages.load(Ordering::Relaxed),
        files,
        bytes: bytes.load(Ordering::Relaxed),
    })
}

/// The Atom feed: the 20 newest articles, content with absolute links.
const FEED_ENTRIES: usize = 20;

fn feed(model: &Model) -> String {
    let entries: Vec<feeds::FeedEntry> = model
        .articles
        .iter()
        .take(FEED_ENTRIES)
        .filter_map(|d| {
            let content = model.body_html(d, &model.base.full, "feed.xml", Target::Feed);
            Some(feeds::FeedEntry {
                title: d.title().to_string(),
                url: model.base.abs(&Model::doc_dir(d)),
                date: d.date()?,
                summary: d.summary().to_string(),
                content_html: content.map(|r| r.html).unwrap_or_default(),
            })
        })
        .collect();
    feeds::atom(
        &model.cfg.title,
        &model.cfg.description,
        &model.cfg.organisation,
        &model.base,
        &entries,
    )
}

fn sitemap(model: &Model) -> String {
    let mut urls: Vec<(String, Option<crate::date::Date>)> = Vec::new();
    for dir in [
        "",
        "news/",
        "reports/",
        "projects/",
        "cities/",
        "themes/",
        "impact/",
        "newsletter/",
    ] {
        urls.push((model.base.abs(dir), None));
    }
    for kind in DocKind::ALL {
        for d in model.docs(kind) {
            urls.push((model.base.abs(&Model::doc_dir(d)), d.date()));
        }
    }
    for p in &model.projects {
        urls.push((
            model.base.abs(&format!("projects/{}/", p.id.get_ref())),
            None,
        ));
    }
    for c in &model.site.cities {
        urls.push((model.base.abs(&format!("cities/{}/", c.id.get_ref())), None));
    }
    for t in &model.site.themes {
        urls.push((model.base.abs(&format!("themes/{}/", t.id.get_ref())), None));
    }
    urls.sort();
    feeds::sitemap(&urls)
}
