//! One page per document: articles, pages, reports and newsletter issues.

use super::super::model::{Model, RenderError, Target};
use super::super::view::*;
use super::share::{About, Kind};
use innopress_content::content::model::{DocKind, Document};
use innopress_core::urls::root_prefix;
use serde::Serialize;

/// When a kept document was sent or published.
#[derive(Serialize)]
struct Kept {
    sent: bool,
    on: String,
    on_long: String,
}

impl Model<'_> {
    /// The page and its search record (made here, where the body is HTML).
    pub(super) fn doc_page(&self, doc: &Document) -> Result<super::Rendered, RenderError> {
        let dir = Self::doc_dir(doc);
        let path = format!("{dir}index.html");
        let (section, template) = match doc.kind {
            DocKind::Article => ("news", "article.html"),
            DocKind::Page => ("pages", "page.html"),
            DocKind::Report => ("reports", "report.html"),
            DocKind::Newsletter => ("newsletter", "newsletter.html"),
        };
        let root = root_prefix(&path);
        let body = self.body_html(doc, &root, &path, Target::Page)?;
        let record = crate::search::SearchRecord::of_document(doc, dir.clone(), &body.html);
        // its summary, an issue's preheader, else the first paragraph that says something
        let preheader = doc
            .issue()
            .and_then(|i| i.preheader.as_deref())
            .unwrap_or("");
        let description = [doc.summary(), preheader]
            .into_iter()
            .find(|s| !s.trim().is_empty())
            .map_or_else(|| super::share::first_paragraph(&body.html), str::to_string);
        // its sharing tags are set once, below
        let mut ctx = self.base_context(&path, section, doc.title());
        let kind = match doc.kind {
            DocKind::Article | DocKind::Newsletter => Kind::Article,
            DocKind::Report => Kind::Report,
            DocKind::Page => Kind::Page,
        };
        let fallback = self.fallback_picture(doc, &dir);
        self.share(
            &mut ctx,
            About {
                path: &path,
                title: doc.title(),
                description,
                kind,
                image: doc.lead_image(),
                date: doc.date(),
                fallback,
            },
        );
        ctx.insert("lead", &self.lead_view(doc.lead_image(), &root));
        ctx.insert("content", &body.html);
        ctx.insert("headings", &body.headings);
        // a document's figures are on its own date, and its footer says so
        let as_of = doc.as_of(self.summary.as_of);
        ctx.insert("figures_as_of", &as_of.to_string());
        ctx.insert("figures_as_of_long", &self.theme.strings.long_date(as_of));
        // sent or frozen: shown as it was then, and the page says so
        if let Some((r, _)) = &doc.record
            && let Some(on) = r.sent.or(r.published).map(|d| d.0)
        {
            ctx.insert(
                "kept",
                &Kept {
                    sent: r.sent.is_some(),
                    on: on.to_string(),
                    on_long: self.theme.strings.long_date(on),
                },
            );
        }
        self.doc_info(doc, &root, &mut ctx);
        Ok(super::Rendered {
            html: self.render_page(template, &path, ctx)?,
            path,
            record: Some(record),
        })
    }

    /// The picture a document without its own is shared with: its card, else (an article)
    /// its first city's, else the news card.
    fn fallback_picture(&self, doc: &Document, dir: &str) -> Option<super::share::ShareImage> {
        // without a picture of its own: an article shows its first city's, the others
        // their card
        if self.has_card(dir) {
            Some(self.card_image(dir, doc.title()))
        } else {
            doc.cities()
                .iter()
                .filter_map(|c| {
                    self.site
                        .cities
                        .iter()
                        .find(|sc| sc.id.get_ref() == c.get_ref())
                })
                .find_map(|c| c.lead_image().and_then(|l| self.share_picture(&l)))
                .or_else(|| Some(self.card_image("news/", &self.theme.strings.titles.news)))
        }
    }

    /// What the templates show of a document: its facts, and an issue's subject, preheader
    /// and teased articles.
    fn doc_info(&self, doc: &Document, root: &str, ctx: &mut tera::Context) {
        ctx.insert(
            "doc",
            &DocInfo {
                slug: &doc.slug,
                title: doc.title(),
                summary: doc.summary(),
                date: doc.date().map(|d| d.to_string()),
                date_long: doc.date().map(|d| self.theme.strings.long_date(d)),
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
            ctx.insert(
                "subject",
                issue
                    .subject
                    .as_ref()
                    .map_or(doc.title(), |s| s.get_ref().as_str()),
            );
            ctx.insert("preheader", &issue.preheader);
            let teased: Vec<_> = issue
                .articles
                .iter()
                .filter_map(|slug| self.articles.iter().find(|a| a.slug == *slug.get_ref()))
                .map(|a| self.doc_link(a, root))
                .collect();
            ctx.insert("teased", &teased);
        }
    }
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
