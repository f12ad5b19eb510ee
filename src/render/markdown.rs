//! Markdown to HTML: CommonMark with tables, footnotes, strikethrough and heading anchors.
//! Links written from the site root (`/projects/x/`) are rewritten to the page's relative
//! root, so they survive a path prefix in `base_url`.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `md`; `root` replaces the leading `/` of site-root links (`../../` on a page two
/// levels deep, the absolute base URL in feeds).
pub fn render(md: &str, root: &str) -> Rendered {
    let mut events: Vec<Event> = Parser::new_ext(md, options()).collect();
    let mut headings = Vec::new();
    let mut used = BTreeSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = *level;
            let explicit = id.as_ref().map(|s| s.to_string());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = explicit.unwrap_or_else(|| {
                let s = slug::slugify(&text);
                if s.is_empty() { "section".into() } else { s }
            });
            let mut unique = base.clone();
            let mut n = 1;
            while !used.insert(unique.clone()) {
                unique = format!("{base}-{n}");
                n += 1;
            }
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(unique.clone()));
            }
            headings.push(Heading {
                level: heading_number(level),
                id: unique,
                text,
            });
        }
        match &mut events[i] {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                if let Some(rest) = dest_url.strip_prefix('/') {
                    if !rest.starts_with('/') {
                        *dest_url = CowStr::from(format!("{root}{rest}"));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    number_footnotes(&mut events);
    let mut out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    Rendered {
        html: out,
        headings,
    }
}

/// pulldown-cmark gives footnotes bare ids such as `id="1"`, which can clash with heading
/// anchors and offer no way back. Number them in order of first reference, prefix their ids
/// and add a back link from each note to its first reference.
fn number_footnotes(events: &mut [Event]) {
    let mut numbers: Vec<String> = Vec::new();
    let number_of = |label: &str, numbers: &mut Vec<String>| -> usize {
        match numbers.iter().position(|l| l == label) {
            Some(i) => i + 1,
            None => {
                numbers.push(label.to_string());
                numbers.len()
            }
        }
    };
    let mut open: Vec<usize> = Vec::new();
    for ev in events.iter_mut() {
        match ev {
            Event::FootnoteReference(label) => {
                let n = number_of(label, &mut numbers);
                *ev = Event::InlineHtml(CowStr::from(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#fn-{n}\" id=\"fnref-{n}\">{n}</a></sup>"
                )));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let n = number_of(label, &mut numbers);
                open.push(n);
                *ev = Event::Html(CowStr::from(format!(
                    "<div class=\"footnote-definition\" id=\"fn-{n}\"><sup class=\"footnote-definition-label\">{n}</sup>\n"
                )));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                let n = open.pop().unwrap_or(0);
                *ev = Event::Html(CowStr::from(format!(
                    " <a href=\"#fnref-{n}\" class=\"footnote-back\" aria-label=\"Back to reference {n}\">↩</a></div>\n"
                )));
            }
            _ => {}
        }
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_unique_slugs() {
        let r = render(
            "## Hello World\n\n## Hello World\n\n### Jyväskylä `x`\n",
            "./",
        );
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["hello-world", "hello-world-1", "jyvaskyla-x"]);
        assert!(r.html.contains("<h2 id=\"hello-world\">"));
    }

    #[test]
    fn extensions_and_links() {
        let md = "a ~~b~~ c[^1]\n\n[^1]: note\n\n|x|y|\n|-|-|\n|1|2|\n\n[p](/projects/a/) [e](https://e.org) [s](//cdn.example/x)\n";
        let r = render(md, "../../");
        assert!(r.html.contains("<del>b</del>"));
        assert!(r.html.contains("footnote-definition"));
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("href=\"../../projects/a/\""));
        assert!(r.html.contains("href=\"https://e.org\""));
        assert!(r.html.contains("href=\"//cdn.example/x\""));
    }

    #[test]
    fn escapes_text() {
        let r = render("a <b> & \"c\" `<script>`", "./");
        assert!(r.html.contains("<code>&lt;script&gt;</code>"));
    }
}
