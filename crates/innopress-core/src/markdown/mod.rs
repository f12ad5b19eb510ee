//! Markdown to HTML: CommonMark with tables, footnotes, strikethrough and heading anchors.
//! Links written from the site root (`/projects/x/`) are rewritten to the page's relative
//! root, so they survive a path prefix in `base_url`.

mod depth;
mod dialect;
pub mod shortcodes;

pub use depth::{MAX_DEPTH, too_deep};
pub use dialect::options;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd, html};
use serde::Serialize;
use shortcodes::{Shortcode, find_in_markdown};
use std::collections::BTreeSet;
use std::ops::Range;

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

/// Renders `md` without shortcodes; `root` replaces the leading `/` of site-root links
/// (`../../` on a page two levels deep, the absolute base URL in feeds).
pub fn render(md: &str, root: &str) -> Rendered {
    render_with(md, root, "/", &|_| None, &|_, _, _| None)
}

/// What a picture written from the site root becomes: given its path below the site root,
/// its alternative text and title, the HTML to show instead of a plain `<img>` (`None` keeps
/// the plain one).
pub type PictureFn<'f> = dyn Fn(&str, &str, &str) -> Option<String> + 'f;

/// Every picture in `md`: its span, destination, alternative text and title. Cheap when
/// there is none (no `![` in the text).
/// The raw HTML `<img>` tags of `md` that have no `alt` attribute at all (an `alt=""` says
/// the picture is decoration, and is kept): the same mistake as a Markdown picture without
/// alternative text. Ranges are of the HTML in `md`.
pub fn bare_html_images(md: &str) -> Vec<Range<usize>> {
    if !md.to_ascii_lowercase().contains("<img") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (ev, r) in Parser::new_ext(md, options()).into_offset_iter() {
        let (Event::Html(h) | Event::InlineHtml(h)) = ev else {
            continue;
        };
        let mut bare = false;
        crate::html::tags(&h, |tag| {
            if let crate::html::Tag::Start { name, attrs, .. } = tag
                && name == "img"
                && !attrs.iter().any(|a| &*a.name.local == "alt")
            {
                bare = true;
            }
        });
        if bare {
            out.push(r);
        }
    }
    out
}

pub fn images(md: &str) -> Vec<(Range<usize>, String, String, String)> {
    if !md.contains("![") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut open: Option<(Range<usize>, String, String, String)> = None;
    for (ev, r) in Parser::new_ext(md, options()).into_offset_iter() {
        match ev {
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                if let Some(done) = open.take() {
                    out.push(done);
                }
                open = Some((r, dest_url.to_string(), String::new(), title.to_string()));
            }
            Event::End(TagEnd::Image) => {
                if let Some(done) = open.take() {
                    out.push(done);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, alt, _)) = &mut open {
                    alt.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out.extend(open);
    out
}

/// What a shortcode becomes: HTML, and whether it is a block (replaces its paragraph).
pub struct Replacement {
    pub html: String,
    pub block: bool,
}

/// Renders `md`, replacing each shortcode with what `resolve` returns (a shortcode it does
/// not know stays as text; validation has reported it already).
pub fn render_with(
    md: &str,
    root: &str,
    base_path: &str,
    resolve: &dyn Fn(&Shortcode) -> Option<Replacement>,
    picture: &PictureFn,
) -> Rendered {
    let codes: Vec<Shortcode> = find_in_markdown(md)
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    let mut events: Vec<Event> = if codes.is_empty() {
        Parser::new_ext(md, options()).collect()
    } else {
        substitute(md, &codes, resolve)
    };
    if md.contains("![") {
        events = pictures(events, base_path, picture);
    }
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
                if let Some(rest) = site_path(dest_url, base_path) {
                    *dest_url = CowStr::from(format!("{root}{rest}"));
                }
            }
            _ => {}
        }
        i += 1;
    }
    number_footnotes(&mut events);
    // tables get a wrapper that scrolls sideways on a narrow screen, so the table itself
    // keeps its layout (and, unlike `display: block`, its meaning to screen readers)
    if md.contains('|') {
        wrap_tables(&mut events);
    }
    let mut out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    Rendered {
        html: out,
        headings,
    }
}

/// A `<div class="table-scroll">` around every table, inserted in place (a body has few
/// tables and many events).
fn wrap_tables(events: &mut Vec<Event>) {
    let at: Vec<(usize, bool)> = events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e {
            Event::Start(Tag::Table(_)) => Some((i, true)),
            Event::End(TagEnd::Table) => Some((i + 1, false)),
            _ => None,
        })
        .collect();
    for (i, open) in at.into_iter().rev() {
        let html = if open {
            "<div class=\"table-scroll\" tabindex=\"0\">\n"
        } else {
            "</div>\n"
        };
        events.insert(i, Event::Html(CowStr::Borrowed(html)));
    }
}

/// Pictures from the site root become what `picture` makes of them.
fn pictures<'a>(events: Vec<Event<'a>>, base_path: &str, picture: &PictureFn) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len() + 4);
    let mut iter = events.into_iter();
    while let Some(ev) = iter.next() {
        match ev {
            Event::Start(Tag::Image {
                ref dest_url,
                ref title,
                ..
            }) if site_path(dest_url, base_path).is_some() => {
                let rel = site_path(dest_url, base_path)
                    .unwrap_or_default()
                    .to_string();
                let title = title.to_string();
                let mut inner = vec![ev];
                let mut alt = String::new();
                for e in iter.by_ref() {
                    let end = matches!(e, Event::End(TagEnd::Image));
                    if let Event::Text(t) | Event::Code(t) = &e {
                        alt.push_str(t);
                    }
                    inner.push(e);
                    if end {
                        break;
                    }
                }
                match picture(&rel, &alt, &title) {
                    Some(html) => out.push(Event::InlineHtml(CowStr::from(html))),
                    None => out.extend(inner),
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn substitute<'a>(
    md: &'a str,
    codes: &[Shortcode],
    resolve: &dyn Fn(&Shortcode) -> Option<Replacement>,
) -> Vec<Event<'a>> {
    let replacements: Vec<Option<Replacement>> = codes.iter().map(resolve).collect();
    let is_block = |i: usize| replacements[i].as_ref().is_some_and(|r| r.block) && codes[i].alone;
    let overlaps = |a: &Range<usize>, b: &Range<usize>| a.start < b.end && b.start < a.end;
    let mut out = Vec::new();
    for (ev, r) in Parser::new_ext(md, options()).into_offset_iter() {
        match ev {
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
                if (0..codes.len()).any(|i| {
                    is_block(i) && r.start <= codes[i].span.start && codes[i].span.end <= r.end
                }) => {}
            Event::Text(_) if codes.iter().any(|c| overlaps(&c.span, &r)) => {
                let mut pos = r.start;
                for (i, c) in codes
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| overlaps(&c.span, &r))
                {
                    if c.span.start > pos {
                        out.push(Event::Text(CowStr::Borrowed(&md[pos..c.span.start])));
                    }
                    if c.span.start >= r.start {
                        match &replacements[i] {
                            Some(rep) if is_block(i) => {
                                out.push(Event::Html(CowStr::from(rep.html.clone())))
                            }
                            Some(rep) => {
                                out.push(Event::InlineHtml(CowStr::from(rep.html.clone())))
                            }
                            None => out.push(Event::Text(CowStr::Borrowed(&md[c.span.clone()]))),
                        }
                    }
                    pos = pos.max(c.span.end);
                }
                if pos < r.end {
                    out.push(Event::Text(CowStr::Borrowed(&md[pos..r.end])));
                }
            }
            other => out.push(other),
        }
    }
    out
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

/// The site-relative part of a link written from the site root: `/news/a/` → `news/a/`, and
/// with a base path `/innocities/`, `/innocities/news/a/` → `news/a/` too. `None` for other
/// links (`//cdn…`, `https://…`, `../x`).
pub fn site_path<'u>(url: &'u str, base_path: &str) -> Option<&'u str> {
    if url.starts_with("//") {
        return None;
    }
    if base_path != "/"
        && let Some(rest) = url.strip_prefix(base_path)
    {
        return Some(rest);
    }
    url.strip_prefix('/')
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
    fn shortcodes_are_replaced_outside_code() {
        let md = "Total: {{ figure(name=\"total-funding\") }}.\n\n{{ chart(name=\"c\") }}\n\n`{{ figure(name=\"x\") }}`\n";
        let r = render_with(
            md,
            "./",
            "/",
            &|sc| {
                Some(match sc.name.as_str() {
                    "figure" => Replacement {
                        html: "EUR 1".into(),
                        block: false,
                    },
                    _ => Replacement {
                        html: "<figure>C</figure>\n".into(),
                        block: true,
                    },
                })
            },
            &|_, _, _| None,
        );
        assert!(r.html.contains("<p>Total: EUR 1.</p>"), "{}", r.html);
        assert!(
            r.html.contains("<figure>C</figure>") && !r.html.contains("<p><figure>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<code>{{ figure(name=\"x\") }}</code>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn pictures_from_the_site_root_are_replaced_and_tables_wrapped() {
        let md =
            "![A *red* bridge](/images/b.jpg \"t\") ![x](https://e.org/x.png)\n\n|a|\n|-|\n|1|\n";
        let r = render_with(md, "../", "/", &|_| None, &|rel, alt, title| {
            Some(format!(
                "<picture data-rel=\"{rel}\" data-alt=\"{alt}\" data-t=\"{title}\">"
            ))
        });
        assert!(
            r.html.contains(
                "<picture data-rel=\"images/b.jpg\" data-alt=\"A red bridge\" data-t=\"t\">"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<img src=\"https://e.org/x.png\" alt=\"x\""),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<div class=\"table-scroll\" tabindex=\"0\">\n<table>"),
            "{}",
            r.html
        );
        let images = images(md);
        assert_eq!(images.len(), 2);
        assert_eq!(images[0].2, "A red bridge");
        assert_eq!(
            &md[images[0].0.clone()],
            "![A *red* bridge](/images/b.jpg \"t\")"
        );
    }

    #[test]
    fn escapes_text() {
        let r = render("a <b> & \"c\" `<script>`", "./");
        assert!(r.html.contains("<code>&lt;script&gt;</code>"));
    }
}
