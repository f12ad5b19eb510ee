//! The news lists: the network's, and a city's or a theme's when it has more articles than
//! its page shows, each in pages of [`NEWS_PAGE`], newest first.

use super::super::model::{Model, RenderError};
use super::super::view::*;
use super::{More, PageLink};
use innopress_content::content::model::Document;
use innopress_core::strings::fill;
use serde::Serialize;

/// Articles per page of a news list: a network's years of news stay a list a phone loads
/// at once, and an edited title renders one page of it again, not all.
pub const NEWS_PAGE: usize = 50;

/// Articles a city's or theme's page shows; past this many, the newest, and a link to a
/// news list of its own.
pub const TOPIC_NEWS: usize = 20;

/// Whose news a list shows: the network's, or a city's or a theme's (by index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewsOf {
    All,
    City(usize),
    Theme(usize),
}

/// The city or theme a news list belongs to, and its page.
#[derive(Serialize)]
struct Topic<'a> {
    name: &'a str,
    href: String,
}

impl Model<'_> {
    /// The folder of a news list (`news/`, `cities/ID/news/`, `themes/ID/news/`).
    fn news_dir(&self, of: NewsOf) -> String {
        match of {
            NewsOf::All => "news/".into(),
            NewsOf::City(i) => {
                format!("{}news/", Model::city_dir(self.site.cities[i].id.get_ref()))
            }
            NewsOf::Theme(i) => format!(
                "{}news/",
                Model::theme_dir(self.site.themes[i].id.get_ref())
            ),
        }
    }

    /// The articles of a news list, newest first.
    pub(super) fn news_of(&self, of: NewsOf) -> Vec<&Document> {
        let about = |d: &&Document| match of {
            NewsOf::All => true,
            NewsOf::City(i) => {
                let id = self.site.cities[i].id.get_ref();
                d.cities().iter().any(|c| c.get_ref() == id)
            }
            NewsOf::Theme(i) => {
                let id = self.site.themes[i].id.get_ref();
                d.themes().iter().any(|t| t.get_ref() == id)
            }
        };
        self.articles.iter().copied().filter(about).collect()
    }

    /// How many pages a news list has: the network's at least one; a city's or theme's
    /// none while its own page shows all its articles.
    pub(super) fn news_pages(&self, of: NewsOf) -> usize {
        let n = self.news_of(of).len();
        match of {
            NewsOf::All => n.div_ceil(NEWS_PAGE).max(1),
            _ if n <= TOPIC_NEWS => 0,
            _ => n.div_ceil(NEWS_PAGE),
        }
    }

    /// The page of a news list that shows the article `slug`, if it is in the list.
    pub(super) fn news_page_of(&self, of: NewsOf, slug: &str) -> Option<usize> {
        let i = self.news_of(of).iter().position(|d| d.slug == slug)?;
        Some(i / NEWS_PAGE + 1)
    }

    /// The newest articles of a city or theme for its own page, and where all of them are
    /// when there are more.
    pub(super) fn topic_news(&self, of: NewsOf) -> (Vec<DocLink<'_>>, Option<More>) {
        let all = self.news_of(of);
        let shown = all
            .iter()
            .take(TOPIC_NEWS)
            .map(|d| self.doc_link(d, "../../"))
            .collect();
        let more = (all.len() > TOPIC_NEWS).then(|| More {
            shown: innopress_core::text::count(TOPIC_NEWS),
            total: innopress_core::text::count(all.len()),
            href: self.news_dir(of),
        });
        (shown, more)
    }

    /// Page `n` (1-based) of a news list, newest first.
    pub(super) fn news_list(&self, of: NewsOf, n: usize) -> Result<(String, String), RenderError> {
        let dir = self.news_dir(of);
        let path = list_path(&dir, n);
        let list = self.news_of(of);
        let titles = &self.theme.strings.titles;
        let count = innopress_core::text::count(list.len());
        let (title, section, topic) = match of {
            NewsOf::All => (titles.news.clone(), "news", None),
            NewsOf::City(i) => {
                let c = &self.site.cities[i];
                let topic = Topic {
                    name: &c.name,
                    href: Model::city_dir(c.id.get_ref()),
                };
                (
                    fill(&titles.city_news, &[("name", &c.name)]),
                    "cities",
                    Some(topic),
                )
            }
            NewsOf::Theme(i) => {
                let t = &self.site.themes[i];
                let topic = Topic {
                    name: &t.name,
                    href: Model::theme_dir(t.id.get_ref()),
                };
                (
                    fill(&titles.theme_news, &[("name", &t.name)]),
                    "themes",
                    Some(topic),
                )
            }
        };
        let description = match of {
            NewsOf::All => self.describe(&self.theme.strings.descriptions.news, &[("n", &count)]),
            _ => format!("{title}: {count} articles, newest first."),
        };
        let title = if n == 1 {
            title
        } else {
            fill(
                &titles.news_page,
                &[("title", &title), ("n", &n.to_string())],
            )
        };
        let mut ctx = self.page_context(&path, section, &title, description);
        let root = innopress_core::urls::root_prefix(&path);
        let first = (n - 1) * NEWS_PAGE;
        let page: Vec<DocLink> = list
            .iter()
            .skip(first)
            .take(NEWS_PAGE)
            .map(|d| self.doc_link(d, &root))
            .collect();
        let pages = list.len().div_ceil(NEWS_PAGE).max(1);
        ctx.insert("first", &(first + 1));
        ctx.insert("last", &(first + page.len()));
        ctx.insert("article_count", &list.len());
        ctx.insert("articles", &page);
        ctx.insert("topic", &topic);
        ctx.insert("page_count", &pages);
        let href = |k: usize| {
            list_path(&dir, k)
                .trim_end_matches("index.html")
                .to_string()
        };
        ctx.insert("pages", &PageLink::window(n, pages, href));
        ctx.insert("newer", &(n > 1).then(|| href(n - 1)));
        ctx.insert("older", &(n < pages).then(|| href(n + 1)));
        Ok((path.clone(), self.render_page("news.html", &path, ctx)?))
    }
}

/// Where page `n` (1-based) of the list in `dir` is written.
fn list_path(dir: &str, n: usize) -> String {
    if n == 1 {
        format!("{dir}index.html")
    } else {
        format!("{dir}page/{n}/index.html")
    }
}
