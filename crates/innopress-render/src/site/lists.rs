//! The list pages (news, reports, newsletter archive) and the 404 page.

use super::super::model::{Model, RenderError};
use super::super::view::*;
use super::PageLink;
use serde::Serialize;

/// Articles per page of the news list: a network's years of news stay a list a phone
/// loads at once, and an edited title renders one page of it again, not all.
pub const NEWS_PAGE: usize = 50;

/// Where page `n` (1-based) of the news list is written.
pub(super) fn news_path(n: usize) -> String {
    if n == 1 {
        "news/index.html".into()
    } else {
        format!("news/page/{n}/index.html")
    }
}

impl Model<'_> {
    /// How many pages the news list has.
    pub(super) fn news_pages(&self) -> usize {
        self.articles.len().div_ceil(NEWS_PAGE).max(1)
    }

    /// Page `n` (1-based) of the news list, newest first.
    pub(super) fn news_list(&self, n: usize) -> Result<(String, String), RenderError> {
        let path = news_path(n);
        let all = innopress_core::text::count(self.articles.len());
        let description = self.describe(&self.theme.strings.descriptions.news, &[("n", &all)]);
        let titles = &self.theme.strings.titles;
        let title = if n == 1 {
            titles.news.clone()
        } else {
            innopress_core::strings::fill(&titles.news_page, &[("n", &n.to_string())])
        };
        let mut ctx = self.page_context(&path, "news", &title, description);
        let root = innopress_core::urls::root_prefix(&path);
        let first = (n - 1) * NEWS_PAGE;
        let page: Vec<DocLink> = self
            .articles
            .iter()
            .skip(first)
            .take(NEWS_PAGE)
            .map(|d| self.doc_link(d, &root))
            .collect();
        let pages = self.news_pages();
        ctx.insert("first", &(first + 1));
        ctx.insert("last", &(first + page.len()));
        ctx.insert("article_count", &self.articles.len());
        ctx.insert("articles", &page);
        ctx.insert("page_count", &pages);
        let href = |k: usize| news_path(k).trim_end_matches("index.html").to_string();
        ctx.insert("pages", &PageLink::window(n, pages, href));
        ctx.insert("newer", &(n > 1).then(|| href(n - 1)));
        ctx.insert("older", &(n < pages).then(|| href(n + 1)));
        Ok((path.clone(), self.render_page("news.html", &path, ctx)?))
    }
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
