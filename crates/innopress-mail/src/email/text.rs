//! The plain-text part of an issue, written from the Markdown source (not scraped from the
//! HTML): headings underlined, links as `text <url>`, lists with dashes, shortcodes as words.

use innopress_core::markdown::shortcodes::{Shortcode, find_in_markdown};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// Renders Markdown to text; `resolve` turns each shortcode into text, `base` makes
/// site-root links absolute, `picture` gives the address a picture is shown from (its
/// published JPEG or PNG) when it is not the written one.
pub fn render(
    md: &str,
    base: &str,
    resolve: &dyn Fn(&Shortcode) -> Option<String>,
    picture: &dyn Fn(&str) -> Option<String>,
) -> String {
    let codes: Vec<Shortcode> = find_in_markdown(md)
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    let opts = innopress_core::markdown::options();
    let mut out = String::new();
    let mut line = String::new();
    let mut links: Vec<Option<String>> = Vec::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut heading: Option<HeadingLevel> = None;
    let mut in_code = false;
    let flush = |out: &mut String, line: &mut String| {
        let t = line.trim_end();
        if !t.is_empty() {
            out.push_str(t);
            out.push('\n');
        }
        line.clear();
    };
    for (ev, range) in Parser::new_ext(md, opts).into_offset_iter() {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut out, &mut line);
                heading = Some(level);
            }
            Event::End(TagEnd::Heading(_)) => {
                let width = line.trim_end().chars().count();
                flush(&mut out, &mut line);
                let ch = if heading == Some(HeadingLevel::H1) {
                    '='
                } else {
                    '-'
                };
                out.push_str(&ch.to_string().repeat(width));
                out.push_str("\n\n");
                heading = None;
            }
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) => {
                flush(&mut out, &mut line);
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::Start(Tag::List(start)) => {
                flush(&mut out, &mut line);
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                flush(&mut out, &mut line);
                let indent = "  ".repeat(lists.len().saturating_sub(1));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        line.push_str(&format!("{indent}{n}. "));
                        *n += 1;
                    }
                    _ => line.push_str(&format!("{indent}- ")),
                }
            }
            Event::End(TagEnd::Item) => flush(&mut out, &mut line),
            Event::Start(Tag::BlockQuote(_)) => line.push_str("> "),
            Event::End(TagEnd::BlockQuote(_)) => flush(&mut out, &mut line),
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut out, &mut line);
                in_code = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                out.push('\n');
            }
            Event::Start(Tag::Link { dest_url, .. }) => links.push(absolute(&dest_url, base)),
            Event::End(TagEnd::Link) => {
                if let Some(Some(url)) = links.pop()
                    && !line.trim_end().ends_with(url.as_str())
                {
                    line.push_str(&format!(" <{url}>"));
                }
            }
            // a picture as `[Image: ALT] ADDRESS`, as the lead picture is written
            Event::Start(Tag::Image { dest_url, .. }) => {
                line.push_str("[Image: ");
                links.push(picture(&dest_url).or_else(|| absolute(&dest_url, base)));
            }
            Event::End(TagEnd::Image) => {
                line.push(']');
                if let Some(Some(url)) = links.pop() {
                    line.push(' ');
                    line.push_str(&url);
                }
            }
            Event::Text(t) if in_code => {
                for l in t.lines() {
                    out.push_str("    ");
                    out.push_str(l);
                    out.push('\n');
                }
            }
            Event::Text(t) => {
                // shortcodes lie in text runs; replace them by what they stand for
                let mut pos = range.start;
                let text_matches_source = md.get(range.clone()) == Some(&*t);
                if text_matches_source {
                    for c in codes
                        .iter()
                        .filter(|c| c.span.start >= range.start && c.span.end <= range.end)
                    {
                        line.push_str(&md[pos..c.span.start]);
                        let value = resolve(c).unwrap_or_default();
                        if value.contains('\n') {
                            flush(&mut out, &mut line);
                            out.push_str(&value);
                            out.push('\n');
                        } else {
                            line.push_str(&value);
                        }
                        pos = c.span.end;
                    }
                    line.push_str(&md[pos..range.end]);
                } else {
                    line.push_str(&t);
                }
            }
            Event::Code(t) => line.push_str(&t),
            Event::SoftBreak => line.push(' '),
            Event::HardBreak => flush(&mut out, &mut line),
            Event::Rule => {
                flush(&mut out, &mut line);
                out.push_str("----\n\n");
            }
            Event::FootnoteReference(l) => line.push_str(&format!("[{l}]")),
            Event::Start(Tag::FootnoteDefinition(l)) => line.push_str(&format!("[{l}] ")),
            Event::End(TagEnd::TableCell) => line.push_str(" | "),
            Event::End(TagEnd::TableRow) | Event::End(TagEnd::TableHead) => {
                flush(&mut out, &mut line)
            }
            Event::End(TagEnd::Table) => out.push('\n'),
            Event::Html(h) | Event::InlineHtml(h) => {
                let _ = h;
            }
            _ => {}
        }
    }
    flush(&mut out, &mut line);
    out.truncate(out.trim_end().len());
    out
}

/// `/news/x/` → `https://site/news/x/`; web and mail addresses stay as they are, and any
/// other scheme (`javascript:`, `data:`) is left out: the link's text stays, its address not.
fn absolute(url: &str, base: &str) -> Option<String> {
    if url::Url::parse(url).is_ok() {
        innopress_core::urls::check_data_url(url)
            .is_ok()
            .then(|| url.to_string())
    } else if let Some(rest) = url.strip_prefix('/') {
        Some(format!("{base}{}", rest.trim_start_matches('/')))
    } else {
        Some(format!("{base}{url}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_markdown() {
        let md = "## News\n\nRead [the report](/reports/x/) and *more* [x](JavaScript:alert(1)).\n\n- one\n- two\n\nTotal {{ figure(name=\"total-funding\") }}.\n\n![A quay](/img/q.svg) ![A crane](/img/c.jpg)\n";
        let t = render(
            md,
            "https://s.example/",
            &|_| Some("EUR 1.0 million".into()),
            &|u| (u == "/img/q.svg").then(|| "https://s.example/img/q-1600w.png".into()),
        );
        assert_eq!(
            t,
            "News\n----\n\nRead the report <https://s.example/reports/x/> and more x.\n\n- one\n- two\n\nTotal EUR 1.0 million.\n\n[Image: A quay] https://s.example/img/q-1600w.png [Image: A crane] https://s.example/img/c.jpg"
        );
    }
}
