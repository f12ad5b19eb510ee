//! The home page: headline figures, latest news, issue and reports, the themes.

use super::super::model::{Model, RenderError};
use innopress_core::text::{count, percent};
use serde::Serialize;

impl Model<'_> {
    pub(super) fn home(&self) -> Result<(String, String), RenderError> {
        let s = self.summary;
        let path = "index.html".to_string();
        let mut ctx = self.page_context(&path, "home", &self.cfg.title, String::new());
        ctx.insert("map", &self.chart_html("map", "", &path)?);
        ctx.insert(
            "figures",
            &Figures {
                projects: count(s.projects.total),
                projects_label: format!(
                    "{} in {}",
                    if s.projects.total == 1 {
                        "project"
                    } else {
                        "projects"
                    },
                    innopress_core::text::plural(s.cities.len(), "city", "cities")
                ),
                ongoing: count(s.projects.ongoing),
                planned: count(s.projects.planned),
                closed: count(s.projects.closed),
                cities: count(s.cities.len()),
                total_funding: s.funding.total.display(&s.currency),
                ongoing_funding: s.ongoing_funding.display(&s.currency),
                eu_funding: s.funding.eu.display(&s.currency),
                city_share: percent(s.funding.city_share),
                international_funding: s.international.funding.display(&s.currency),
                international_projects: count(s.international.projects),
            },
        );
        let latest: Vec<_> = self
            .articles
            .iter()
            .take(5)
            .map(|d| self.doc_link(d, ""))
            .collect();
        ctx.insert("latest", &latest);
        let issue = self.newsletters.first().map(|d| self.doc_link(d, ""));
        ctx.insert("latest_issue", &issue);
        let reports: Vec<_> = self
            .reports
            .iter()
            .take(3)
            .map(|d| self.doc_link(d, ""))
            .collect();
        ctx.insert("reports", &reports);
        let themes = self.theme_cards();
        ctx.insert("themes", &themes);
        Ok((path.clone(), self.render_page("index.html", &path, ctx)?))
    }

    pub(super) fn theme_cards(&self) -> Vec<ThemeCard<'_>> {
        self.summary
            .themes
            .iter()
            .map(|t| ThemeCard {
                id: &t.id,
                name: &t.name,
                projects: innopress_core::text::plural(t.projects, "project", "projects"),
                funding: t.funding.display(&self.summary.currency),
            })
            .collect()
    }
}

#[derive(Serialize)]
struct Figures {
    projects: String,
    projects_label: String,
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
pub(super) struct ThemeCard<'a> {
    id: &'a str,
    name: &'a str,
    projects: String,
    funding: String,
}
