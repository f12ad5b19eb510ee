//! The project dashboard (in bounded pages) and one page per project.

use super::super::model::{Model, RenderError};
use super::PageLink;
use innopress_content::content::model::Status;
use innopress_core::strings::fill;
use serde::Serialize;

impl Model<'_> {
    pub(super) fn dashboard(&self, n: usize) -> Result<(String, String), RenderError> {
        let s = self.summary;
        let path = dashboard_path(n);
        let titles = &self.theme.strings.titles;
        let title = if n == 1 {
            titles.dashboard.clone()
        } else {
            fill(&titles.dashboard_page, &[("n", &n.to_string())])
        };
        let all = innopress_core::text::count(self.projects.len());
        let description = self.describe(&self.theme.strings.descriptions.dashboard, &[("n", &all)]);
        let mut ctx = self.page_context(&path, "projects", &title, description);
        if n == 1 {
            let about = super::share::About {
                path: &path,
                title: &title,
                description: self
                    .describe(&self.theme.strings.descriptions.dashboard, &[("n", &all)]),
                kind: super::share::Kind::Dataset,
                image: None,
                date: None,
                fallback: Some(self.card_image("projects/", &title)),
            };
            self.share(&mut ctx, about);
        }
        ctx.insert("license", &self.license());
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
                gap: false,
            })
            .collect();
        ctx.insert("pages", &pages);
        // with several pages the filter searches the compact index of all projects
        // filters and the selection's totals read the compact index of all projects, so
        // that what they add up never depends on which page is open
        ctx.insert("index_url", "data/projects-index.json");
        ctx.insert("totals", &self.network_totals());
        let mut programmes: Vec<&str> = s.programmes.iter().map(|p| p.name.as_str()).collect();
        programmes.sort_unstable();
        ctx.insert("programmes", &programmes);
        let years: Vec<i32> = s.years.iter().map(|y| y.year).collect();
        ctx.insert("years", &years);
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
        Ok((path.clone(), self.render_page("projects.html", &path, ctx)?))
    }
    pub(super) fn project(&self, i: usize) -> Result<(String, String), RenderError> {
        let s = self.summary;
        let p = self.projects[i];
        let path = format!("projects/{}/index.html", p.id.get_ref());
        let description = if p.summary.trim().is_empty() {
            let funding = p.funding.total().display(&s.currency);
            self.describe(
                &self.theme.strings.descriptions.project,
                &[("name", &p.title), ("funding", &funding)],
            )
        } else {
            p.summary.clone()
        };
        // its sharing tags are set once, below
        let mut ctx = self.base_context(&path, "projects", &p.title);
        // a project shares its own picture, else its city's, else the card of projects
        let city = p.city.as_ref().and_then(|c| {
            self.site
                .cities
                .iter()
                .find(|sc| sc.id.get_ref() == c.get_ref())
        });
        let lead = p.lead_image();
        let fallback = city
            .and_then(|c| c.lead_image())
            .and_then(|l| self.share_picture(&l))
            .or_else(|| {
                Some(self.card_image(super::cards::PROJECT_CARD_DIR, super::cards::PROJECT_CARD))
            });
        self.share(
            &mut ctx,
            super::share::About {
                path: &path,
                title: &p.title,
                description,
                kind: super::share::Kind::Page,
                image: lead,
                date: None,
                fallback,
            },
        );
        ctx.insert(
            "lead",
            &self.lead_view(lead, &innopress_core::urls::root_prefix(&path)),
        );
        ctx.insert("project", &self.names.project_row(p, s.as_of));
        Ok((path.clone(), self.render_page("project.html", &path, ctx)?))
    }
}

/// One figure of the dashboard's selection totals: its key for the script, what it is, the
/// exact value (cents, or a count) and the value as printed.
#[derive(Serialize)]
struct Total {
    key: &'static str,
    label: String,
    value: i64,
    text: String,
}

impl Model<'_> {
    /// The totals of every project, which the dashboard shows before any filter is chosen
    /// (and always, without JavaScript); the script recomputes them for a selection.
    fn network_totals(&self) -> Vec<Total> {
        let s = self.summary;
        let money = |key, label: String, m: innopress_core::money::Money| Total {
            key,
            label,
            value: m.cents(),
            text: format!("{} {}", s.currency, m.grouped()),
        };
        let f = &s.funding;
        vec![
            Total {
                key: "count",
                label: "Projects".into(),
                value: s.projects.total as i64,
                text: innopress_core::text::count(s.projects.total),
            },
            money("total", "Total funding".into(), f.total),
            money("eu", format!("{} funding", s.sources.eu), f.eu),
            money("state", format!("{} funding", s.sources.state), f.state),
            money("city", format!("{} funding", s.sources.city), f.city),
            money("other", format!("{} funding", s.sources.other), f.other),
            money("ongoing", "In ongoing projects".into(), s.ongoing_funding),
        ]
    }
}

/// Projects per dashboard page.
pub const DASHBOARD_PAGE: usize = 500;

pub(super) fn dashboard_path(n: usize) -> String {
    if n == 1 {
        "projects/index.html".into()
    } else {
        format!("projects/page/{n}/index.html")
    }
}
