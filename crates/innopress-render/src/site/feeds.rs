//! Machine-read files: the Atom feed, `sitemap.xml` and `robots.txt`. Written in Rust rather
//! than templates because their syntax is a contract with other programs.

use crate::model::{Model, Target};
use innopress_content::content::model::DocKind;
use innopress_core::date::Date;
use innopress_core::text::xml_escape;
use innopress_core::urls::BaseUrl;

pub struct FeedEntry {
    pub title: String,
    pub url: String,
    pub date: Date,
    pub summary: String,
    pub content_html: String,
}

/// The Atom feed: the 20 newest articles, content with absolute links.
const FEED_ENTRIES: usize = 20;

/// The Atom feed of the newest articles.
pub fn feed(model: &Model) -> String {
    let entries: Vec<FeedEntry> = model
        .articles
        .iter()
        .take(FEED_ENTRIES)
        .filter_map(|d| {
            let content = model.body_html(d, &model.base.full, "feed.xml", Target::Feed);
            Some(FeedEntry {
                title: d.title().to_string(),
                url: model.base.abs(&Model::doc_dir(d)),
                date: d.date()?,
                summary: d.summary().to_string(),
                content_html: content.map(|r| r.html).unwrap_or_default(),
            })
        })
        .collect();
    atom(
        &model.cfg.title,
        &model.cfg.description,
        &model.cfg.organisation,
        &model.base,
        &entries,
    )
}

/// `sitemap.xml`: every page of the site.
pub fn sitemap_of(model: &Model) -> String {
    let mut urls: Vec<(String, Option<innopress_core::date::Date>)> = Vec::new();
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
    if model.cfg.newsletter.is_some() {
        urls.push((model.base.abs("privacy/"), None));
    }
    for kind in DocKind::ALL {
        for d in model.docs(kind) {
            urls.push((model.base.abs(&Model::doc_dir(d)), d.date()));
        }
    }
    for p in &model.projects {
        urls.push((model.base.abs(&Model::project_dir(p.id.get_ref())), None));
    }
    for c in &model.site.cities {
        urls.push((model.base.abs(&Model::city_dir(c.id.get_ref())), None));
    }
    for t in &model.site.themes {
        urls.push((model.base.abs(&Model::theme_dir(t.id.get_ref())), None));
    }
    urls.sort();
    sitemap(&urls)
}

/// Atom 1.0. `updated` is the newest entry's date, so the feed never depends on the clock.
pub fn atom(
    title: &str,
    subtitle: &str,
    author: &str,
    base: &BaseUrl,
    entries: &[FeedEntry],
) -> String {
    let updated = entries
        .iter()
        .map(|e| e.date)
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339());
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n");
    x.push_str(&format!("  <title>{}</title>\n", xml_escape(title)));
    if !subtitle.is_empty() {
        x.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            xml_escape(subtitle)
        ));
    }
    x.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&base.abs("feed.xml"))
    ));
    x.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&base.full)
    ));
    x.push_str(&format!("  <id>{}</id>\n", xml_escape(&base.full)));
    x.push_str(&format!("  <updated>{updated}</updated>\n"));
    if !author.is_empty() {
        x.push_str(&format!(
            "  <author><name>{}</name></author>\n",
            xml_escape(author)
        ));
    }
    for e in entries {
        x.push_str("  <entry>\n");
        x.push_str(&format!("    <title>{}</title>\n", xml_escape(&e.title)));
        x.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&e.url)
        ));
        x.push_str(&format!("    <id>{}</id>\n", xml_escape(&e.url)));
        x.push_str(&format!(
            "    <published>{}</published>\n",
            e.date.rfc3339()
        ));
        x.push_str(&format!("    <updated>{}</updated>\n", e.date.rfc3339()));
        if !e.summary.is_empty() {
            x.push_str(&format!(
                "    <summary>{}</summary>\n",
                xml_escape(&e.summary)
            ));
        }
        x.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml_escape(&e.content_html)
        ));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// `sitemap.xml` from absolute page URLs with optional last-modified dates.
pub fn sitemap(urls: &[(String, Option<Date>)]) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, date) in urls {
        x.push_str("  <url><loc>");
        x.push_str(&xml_escape(url));
        x.push_str("</loc>");
        if let Some(d) = date {
            x.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    x
}

pub fn robots(base: &BaseUrl) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        base.abs("sitemap.xml")
    )
}
