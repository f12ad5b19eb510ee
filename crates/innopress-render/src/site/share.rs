//! What a page says about itself to those who link it: its own meta description, Open Graph
//! and Twitter tags with a picture of 1200 px or so, and JSON-LD (schema.org) with a
//! breadcrumb trail. Pages without a picture of their own get a generated card
//! ([`super::cards`]); articles and projects, of which there may be thousands, borrow their
//! city's picture or their section's card instead.

use super::super::model::{Model, Target};
use super::super::pictures::Place;
use innopress_content::content::model::LeadImage;
use innopress_core::date::Date;
use serde::Serialize;
use serde_json::{Value, json};
use tera::Context;

/// The `<meta>` tags and JSON-LD of one page, as the base template prints them.
#[derive(Debug, Serialize)]
pub struct Share {
    pub title: String,
    pub description: String,
    pub url: String,
    /// `og:type`: `website` or `article`.
    pub kind: &'static str,
    pub image: ShareImage,
    /// The Open Graph and Twitter `<meta>` tags and the JSON-LD `<script>`, written here
    /// once rather than looked up field by field in the template on every page (a theme may
    /// still write its own tags from the fields above).
    pub tags: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShareImage {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

/// A lead picture as a page shows it.
#[derive(Debug, Serialize)]
pub struct LeadView {
    pub html: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// What kind of thing a page is, for schema.org.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Home,
    Article,
    Report,
    Dataset,
    Page,
}

/// A page's own facts, from which [`Model::share`] makes its tags.
pub struct About<'x> {
    pub path: &'x str,
    pub title: &'x str,
    pub description: String,
    pub kind: Kind,
    pub image: Option<LeadImage<'x>>,
    pub date: Option<Date>,
    /// The card or picture to show when the page has no picture of its own.
    pub fallback: Option<ShareImage>,
}

impl Model<'_> {
    /// [`Model::base_context`] with the page's sharing tags: its own description, and its
    /// card when it has one (else the home page's). Pages with more to say (a picture, a
    /// date, a kind) call [`Model::share`] again.
    pub fn page_context(
        &self,
        path: &str,
        section: &str,
        title: &str,
        description: String,
    ) -> Context {
        let mut ctx = self.base_context(path, section, title);
        let dir = innopress_core::urls::page_dir(path);
        let kind = if dir.is_empty() {
            Kind::Home
        } else {
            Kind::Page
        };
        let fallback = self.has_card(dir).then(|| self.card_image(dir, title));
        self.share(
            &mut ctx,
            About {
                path,
                title,
                description,
                kind,
                image: None,
                date: None,
                fallback,
            },
        );
        ctx
    }

    /// A description from the `[descriptions]` words with the site's title filled in.
    pub fn describe(&self, words: &str, values: &[(&str, &str)]) -> String {
        let mut all = vec![("site", self.cfg.title.as_str())];
        all.extend_from_slice(values);
        innopress_core::strings::fill(words, &all)
    }

    /// A link to a document, with its picture small when it has one, for a page whose
    /// relative root is `root`.
    pub fn doc_link<'d>(
        &self,
        doc: &'d innopress_content::content::model::Document,
        root: &str,
    ) -> super::super::view::DocLink<'d> {
        let mut link =
            super::super::view::DocLink::new(doc, Self::doc_dir(doc), &self.theme.strings);
        link.thumb = doc.lead_image().and_then(|l| {
            // the title beside it says what the link is: the picture is decoration here
            self.picture(l.rel(), "", root, Place::Card, Target::Page)
        });
        link
    }

    /// A lead picture for a page whose relative root is `root`.
    pub fn lead_view(&self, lead: Option<LeadImage>, root: &str) -> Option<LeadView> {
        let lead = lead?;
        let html = self.picture(lead.rel(), lead.alt_text(), root, Place::Lead, Target::Page)?;
        Some(LeadView {
            html,
            caption: lead.caption.map(str::to_string),
            credit: lead.credit.map(str::to_string),
        })
    }

    /// The sharing picture of a lead image.
    pub fn share_picture(&self, lead: &LeadImage) -> Option<ShareImage> {
        let (url, width, height) = self.share_image(lead.rel())?;
        Some(ShareImage {
            url,
            width,
            height,
            alt: lead.alt_text().to_string(),
        })
    }

    /// The generated card of the page in `dir` (`cities/tampere/`), as a sharing picture.
    pub fn card_image(&self, dir: &str, title: &str) -> ShareImage {
        // the words the card shows: the home card's are the site's name and description
        let alt = if dir.is_empty() {
            match self.cfg.description.trim() {
                "" => self.cfg.title.clone(),
                d => format!("{}: {d}", self.cfg.title),
            }
        } else {
            format!("{title}: {}", self.cfg.title)
        };
        ShareImage {
            url: format!("{}{}", self.base.full, super::cards::card_path(dir)),
            width: super::cards::WIDTH,
            height: super::cards::HEIGHT,
            alt,
        }
    }

    /// Puts `share` (tags and JSON-LD) and `lead` into the page's context.
    pub fn share(&self, ctx: &mut Context, mut about: About) {
        let dir = innopress_core::urls::page_dir(about.path);
        let url = self.base.abs(dir);
        let image = about
            .image
            .as_ref()
            .and_then(|l| self.share_picture(l))
            .or(about.fallback.take())
            .unwrap_or_else(|| self.card_image("", &self.cfg.title));
        let description = if about.description.trim().is_empty() {
            self.cfg.description.clone()
        } else {
            innopress_core::text::truncate_words(&about.description, 300)
        };
        let jsonld = self.json_ld(dir, &about, &description, &url, &image.url);
        let kind = if matches!(about.kind, Kind::Article | Kind::Report) {
            "article"
        } else {
            "website"
        };
        let jsonld = script_safe(jsonld);
        let e = innopress_core::text::escape_html;
        let tags = format!(
            "<meta property=\"og:type\" content=\"{kind}\">\n<meta property=\"og:site_name\" content=\"{}\">\n<meta property=\"og:title\" content=\"{}\">\n<meta property=\"og:description\" content=\"{}\">\n<meta property=\"og:url\" content=\"{}\">\n<meta property=\"og:image\" content=\"{}\">\n<meta property=\"og:image:width\" content=\"{}\">\n<meta property=\"og:image:height\" content=\"{}\">\n<meta property=\"og:image:alt\" content=\"{}\">\n<meta name=\"twitter:card\" content=\"summary_large_image\">\n<script type=\"application/ld+json\">{jsonld}</script>",
            e(&self.cfg.title),
            e(about.title),
            e(&description),
            e(&url),
            e(&image.url),
            image.width,
            image.height,
            e(&image.alt),
        );
        ctx.insert(
            "share",
            &Share {
                title: about.title.to_string(),
                description,
                url,
                kind,
                image,
                tags,
            },
        );
    }

    /// The page's JSON-LD: its breadcrumbs and what it is. Written directly for the many
    /// articles and reports, built as values for the few other pages.
    fn json_ld(
        &self,
        dir: &str,
        about: &About,
        description: &str,
        url: &str,
        image_url: &str,
    ) -> String {
        let crumbs = self.breadcrumbs(dir, about.title);
        let mut graph: Vec<Value> = Vec::new();
        let mut item = String::new();
        let date = about.date.map(|d| d.to_string());
        match about.kind {
            Kind::Home => {
                let mut org = self.organisation();
                org["url"] = Value::String(self.base.full.clone());
                graph.push(org);
                graph.push(json!({
                    "@type": "WebSite",
                    "name": self.cfg.title,
                    "url": self.base.full,
                    "description": self.cfg.description,
                }));
            }
            Kind::Article | Kind::Report => {
                let org = self
                    .organisation_json
                    .get_or_init(|| self.organisation().to_string());
                item = format!(
                    "{{\"@type\":\"{}\",\"headline\":{},\"description\":{},\"url\":{},\"datePublished\":{},\"image\":{},\"author\":{org},\"publisher\":{org}}}",
                    if about.kind == Kind::Article {
                        "NewsArticle"
                    } else {
                        "Report"
                    },
                    js(about.title),
                    js(description),
                    js(url),
                    date.as_deref().map_or_else(|| "null".to_string(), js),
                    js(image_url),
                );
            }
            Kind::Dataset => graph.push(self.dataset()),
            Kind::Page => graph.push(json!({
                "@type": "WebPage",
                "name": about.title,
                "description": description,
                "url": url,
            })),
        }
        let mut jsonld = format!("{{\"@context\":\"https://schema.org\",\"@graph\":[{crumbs}");
        for v in graph {
            jsonld.push(',');
            jsonld.push_str(&v.to_string());
        }
        if !item.is_empty() {
            jsonld.push(',');
            jsonld.push_str(&item);
        }
        jsonld.push_str("]}");
        jsonld
    }

    fn organisation(&self) -> Value {
        let name = if self.cfg.organisation.is_empty() {
            &self.cfg.title
        } else {
            &self.cfg.organisation
        };
        let mut org = json!({ "@type": "Organization", "name": name });
        if let Some((logo, _, _)) = self
            .cfg
            .logo
            .as_ref()
            .and_then(|l| self.share_image(l.get_ref().trim_start_matches('/')))
        {
            org["logo"] = Value::String(logo);
        }
        org
    }

    /// Home › section › page, from the page's folder.
    fn breadcrumbs(&self, dir: &str, title: &str) -> String {
        let mut items = vec![(self.theme.strings.navigation.home.clone(), String::new())];
        let mut parts = dir
            .trim_end_matches('/')
            .split('/')
            .filter(|p| !p.is_empty());
        if let Some(first) = parts.next() {
            let section = format!("{first}/");
            let n = &self.theme.strings.navigation;
            let name = match first {
                "news" => Some(&n.news),
                "projects" => Some(&n.projects),
                "cities" => Some(&n.cities),
                "themes" => Some(&n.themes),
                "impact" => Some(&n.impact),
                "reports" => Some(&n.reports),
                "newsletter" => Some(&n.newsletter),
                _ => None,
            };
            if let Some(name) = name {
                items.push((name.clone(), section.clone()));
            }
            if dir != section || name.is_none() {
                items.push((title.to_string(), dir.to_string()));
            }
        }
        let list: Vec<String> = items
            .into_iter()
            .enumerate()
            .map(|(i, (name, dir))| {
                format!(
                    "{{\"@type\":\"ListItem\",\"position\":{},\"name\":{},\"item\":{}}}",
                    i + 1,
                    js(&name),
                    js(&self.base.abs(&dir))
                )
            })
            .collect();
        format!(
            "{{\"@type\":\"BreadcrumbList\",\"itemListElement\":[{}]}}",
            list.join(",")
        )
    }

    /// The open data as a schema.org Dataset, as search engines' dataset search reads it.
    fn dataset(&self) -> Value {
        let s = self.summary;
        let start = self.projects.iter().map(|p| *p.start.get_ref()).min();
        let end = self.projects.iter().map(|p| *p.end.get_ref()).max();
        let mut d = json!({
            "@type": "Dataset",
            "name": format!("{}: projects and funding", self.cfg.title),
            "description": format!(
                "{} projects in {} cities with their funding by source (EU, state, city, other), status and themes, as of {}.",
                s.projects.total, s.cities.len(), s.as_of
            ),
            "url": self.base.abs("projects/"),
            "creator": self.organisation(),
            "dateModified": s.as_of.to_string(),
            "isAccessibleForFree": true,
            "spatialCoverage": {
                "@type": "Place",
                "name": self.site.cities.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", "),
            },
            "distribution": [
                { "@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": self.base.abs("data/projects.csv") },
                { "@type": "DataDownload", "encodingFormat": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "contentUrl": self.base.abs("data/projects.xlsx") },
                { "@type": "DataDownload", "encodingFormat": "application/json", "contentUrl": self.base.abs("data/projects.json") },
                { "@type": "DataDownload", "encodingFormat": "application/json", "contentUrl": self.base.abs("data/summary.json") },
            ],
        });
        if let (Some(a), Some(b)) = (start, end) {
            d["temporalCoverage"] = Value::String(format!("{a}/{b}"));
        }
        if let Some(l) = self.license() {
            d["license"] = Value::String(l.url);
        }
        d
    }

    /// The open data's licence, from `site.toml`.
    pub fn license(&self) -> Option<innopress_core::licenses::License> {
        let id = self.cfg.license.as_ref()?;
        innopress_core::licenses::resolve(
            id.get_ref(),
            self.cfg.license_url.as_ref().map(|u| u.get_ref().as_str()),
        )
    }
}

/// The text of the first paragraph of rendered HTML that is more than a salutation ("Dear
/// reader,"), for a page without a summary.
pub fn first_paragraph(html: &str) -> String {
    let mut first = String::new();
    for (i, part) in html.split("<p>").skip(1).enumerate() {
        let text = paragraph_text(&part[..part.find("</p>").unwrap_or(part.len())]);
        if text.chars().count() >= 60 {
            return text;
        }
        if i == 0 {
            first = text;
        }
    }
    first
}

fn paragraph_text(inner: &str) -> String {
    let mut text = String::with_capacity(inner.len());
    let mut in_tag = false;
    for c in inner.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(if c == '\n' { ' ' } else { c }),
            _ => {}
        }
    }
    innopress_core::text::truncate_words(&innopress_core::text::decode_entities(&text), 200)
}

/// A JSON string.
fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// JSON inside `<script>`: `<` written as `\u003c`, so no text in it can close the element
/// (the three characters occur only inside strings, where the escape means the same).
fn script_safe(json: String) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    // the three are ASCII, so the runs between them are whole UTF-8 text
    let mut start = 0;
    for (i, b) in json.bytes().enumerate() {
        let rep = match b {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            _ => continue,
        };
        out.push_str(&json[start..i]);
        out.push_str(rep);
        start = i + 1;
    }
    out.push_str(&json[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_in_a_script_cannot_end_it() {
        let v = serde_json::json!({ "name": "</script><script>alert(1)</script> & co" });
        let s = script_safe(v.to_string());
        assert!(!s.contains('<') && !s.contains('>'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
