//! The list pages (news, reports, newsletter archive) and the 404 page.

use super::super::model::{Model, RenderError};
use super::super::view::*;
use serde::Serialize;

impl Model<'_> {
    pub(super) fn news_list(&self) -> Result<(String, String), RenderError> {
        let path = "news/index.html".to_string();
        let mut ctx = self.base_context(&path, "news", &self.theme.strings.titles.news);
        ctx.insert("articles", &self.articles_about(|_| true));
        Ok((path.clone(), self.render("news.html", &path, &ctx)?))
    }
    pub(super) fn report_list(&self) -> Result<(String, String), RenderError> {
        let path = "reports/index.html".to_string();
        let mut ctx = self.base_context(&path, "reports", &self.theme.strings.titles.reports);
        let list: Vec<_> = self
            .reports
            .iter()
            .map(|d| DocLink::new(d, Self::doc_dir(d), &self.theme.strings))
            .collect();
        ctx.insert("reports", &list);
        Ok((path.clone(), self.render("reports.html", &path, &ctx)?))
    }
    pub(super) fn newsletter_list(&self) -> Result<(String, String), RenderError> {
        let path = "newsletter/index.html".to_string();
        let mut ctx = self.base_context(&path, "newsletter", &self.theme.strings.titles.newsletter);
        let list: Vec<_> = self
            .newsletters
            .iter()
            .map(|d| IssueLink {
                number: d.issue().map_or(0, |i| *i.number.get_ref()),
                link: DocLink::new(d, Self::doc_dir(d), &self.theme.strings),
            })
            .collect();
        ctx.insert("issues", &list);
        Ok((path.clone(), self.render("newsletters.html", &path, &ctx)?))
    }
    pub(super) fn not_found(&self) -> Result<(String, String), RenderError> {
        let path = "404.html".to_string();
        let ctx = self.base_context(&path, "", &self.theme.strings.titles.not_found);
        Ok((path.clone(), self.render("404.html", &path, &ctx)?))
    }
}

#[derive(Serialize)]
struct IssueLink<'a> {
    number: u32,
    link: DocLink<'a>,
}
