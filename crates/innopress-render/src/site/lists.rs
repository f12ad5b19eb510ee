//! The list pages (reports, newsletter archive), the search page, the privacy notice and
//! the 404 page.

use super::super::model::{Model, RenderError};
use super::super::view::*;
use serde::Serialize;

impl Model<'_> {
    pub(super) fn report_list(&self) -> Result<(String, String), RenderError> {
        let path = "reports/index.html".to_string();
        let n = innopress_core::text::count(self.reports.len());
        let description = self.describe(&self.theme.strings.descriptions.reports, &[("n", &n)]);
        let mut ctx = self.page_context(
            &path,
            "reports",
            &self.theme.strings.titles.reports,
            description,
        );
        let list: Vec<_> = self
            .reports
            .iter()
            .map(|d| self.doc_link(d, "../"))
            .collect();
        ctx.insert("reports", &list);
        Ok((path.clone(), self.render_page("reports.html", &path, ctx)?))
    }
    pub(super) fn newsletter_list(&self) -> Result<(String, String), RenderError> {
        let path = "newsletter/index.html".to_string();
        let n = innopress_core::text::count(self.newsletters.len());
        let description = self.describe(&self.theme.strings.descriptions.newsletter, &[("n", &n)]);
        let mut ctx = self.page_context(
            &path,
            "newsletter",
            &self.theme.strings.titles.newsletter,
            description,
        );
        let list: Vec<_> = self
            .newsletters
            .iter()
            .map(|d| IssueLink {
                number: d.issue().map_or(0, |i| *i.number.get_ref()),
                link: self.doc_link(d, "../"),
            })
            .collect();
        ctx.insert("issues", &list);
        Ok((
            path.clone(),
            self.render_page("newsletters.html", &path, ctx)?,
        ))
    }
    pub(super) fn not_found(&self) -> Result<(String, String), RenderError> {
        let path = "404.html".to_string();
        let ctx = self.page_context(
            &path,
            "",
            &self.theme.strings.titles.not_found,
            String::new(),
        );
        Ok((path.clone(), self.render_page("404.html", &path, ctx)?))
    }

    /// The search page: the index under `search/` read by the theme's `search.js`; without
    /// JavaScript it points to the lists and the dashboard.
    pub(super) fn search_page(&self) -> Result<(String, String), RenderError> {
        let path = "search/index.html".to_string();
        let description = format!(
            "Search the news, reports, pages, newsletter issues, cities and themes of {}.",
            self.cfg.title
        );
        let ctx = self.page_context(
            &path,
            "search",
            &self.theme.strings.titles.search,
            description,
        );
        Ok((path.clone(), self.render_page("search.html", &path, ctx)?))
    }

    /// The newsletter's privacy notice, written from the settings: what is kept about a
    /// subscriber, why, for how long, and how to leave.
    pub(super) fn privacy(&self) -> Result<(String, String), RenderError> {
        let path = "privacy/index.html".to_string();
        let title = &self.theme.strings.titles.privacy;
        let description = format!(
            "What {} keeps about newsletter subscribers, why, and how to leave.",
            self.cfg.title
        );
        let mut ctx = self.page_context(&path, "newsletter", title, description);
        let nl = self.cfg.newsletter.as_ref();
        let unsubscribe = nl.and_then(|n| n.unsubscribe.as_ref()).map(|u| {
            let u = u.get_ref();
            // a personal link is in every message; the page can only name a mailto
            (u.to_ascii_lowercase().starts_with("mailto:") && !u.contains('{')).then(|| u.clone())
        });
        let contact = nl
            .map(|n| {
                // the address of "Name <address>"
                let s = n.reply_to.as_ref().unwrap_or(&n.from).get_ref();
                let inner = s.rsplit_once('<').map_or(s.as_str(), |(_, a)| a);
                inner.trim_end_matches('>').trim().to_string()
            })
            .unwrap_or_default();
        let address: Vec<&str> = nl
            .and_then(|n| n.address.as_ref())
            .map(|a| {
                a.get_ref()
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        ctx.insert("unsubscribe", &unsubscribe.flatten());
        ctx.insert("contact", &contact);
        ctx.insert("address", &address);
        Ok((path.clone(), self.render_page("privacy.html", &path, ctx)?))
    }
}

#[derive(Serialize)]
struct IssueLink<'a> {
    number: u32,
    link: DocLink<'a>,
}
