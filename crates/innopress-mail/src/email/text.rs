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
    let mut w = Writer {
        md,
        base,
        codes: &codes,
        resolve,
        picture,
        out: String::new(),
        line: String::new(),
        links: Vec::new(),
        lists: Vec::new(),
        heading: None,
        in_code: false,
    };
    for (ev, range) in Parser::new_ext(md, opts).into_offset_iter() {
        match ev {
            Event::Start(tag) => w.start(tag),
            Event::End(tag) => w.end(tag),
            Event::Text(t) if w.in_code => {
                for l in t.lines() {
                    w.out.push_str("    ");
                    w.out.push_str(l);
                    w.out.push('\n');
                }
            }
            Event::Text(t) => w.text(&t, range),
            Event::Code(t) => w.line.push_str(&t),
            Event::SoftBreak => w.line.push(' '),
            Event::HardBreak => w.flush(),
            Event::Rule => {
                w.flush();
                w.out.push_str("----\n\n");
            }
            Event::FootnoteReference(l) => w.line.push_str(&format!("[{l}]")),
            _ => {}
        }
    }
    w.flush();
    let mut out = w.out;
    out.truncate(out.trim_end().len());
    out
}

/// The text part being written: what is done, the line being filled, and where in the
/// Markdown's nesting the events are.
struct Writer<'a> {
    md: &'a str,
    base: &'a str,
    codes: &'a [Shortcode],
    resolve: &'a dyn Fn(&Shortcode) -> Option<String>,
    picture: &'a dyn Fn(&str) -> Option<String>,
    out: String,
    line: String,
    /// The address of each open link or picture (`None` for one left out).
    links: Vec<Option<String>>,
    /// Each open list: its next number, or `None` for bullets.
    lists: Vec<Option<u64>>,
    heading: Option<HeadingLevel>,
    in_code: bool,
}

impl Writer<'_> {
    /// The line, trimmed, onto the output (an empty one is dropped).
    fn flush(&mut self) {
        let t = self.line.trim_end();
        if !t.is_empty() {
            self.out.push_str(t);
            self.out.push('\n');
        }
        self.line.clear();
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush();
                self.heading = Some(level);
            }
            Tag::List(start) => {
                self.flush();
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let indent = "  ".repeat(self.lists.len().saturating_sub(1));
                match self.lists.last_mut() {
                    Some(Some(n)) => {
                        self.line.push_str(&format!("{indent}{n}. "));
                        *n += 1;
                    }
                    _ => self.line.push_str(&format!("{indent}- ")),
                }
            }
            Tag::BlockQuote(_) => self.line.push_str("> "),
            Tag::CodeBlock(_) => {
                self.flush();
                self.in_code = true;
            }
            Tag::Link { dest_url, .. } => self.links.push(absolute(&dest_url, self.base)),
            // a picture as `[Image: ALT] ADDRESS`, as the lead picture is written
            Tag::Image { dest_url, .. } => {
                self.line.push_str("[Image: ");
                let url = (self.picture)(&dest_url).or_else(|| absolute(&dest_url, self.base));
                self.links.push(url);
            }
            Tag::FootnoteDefinition(l) => self.line.push_str(&format!("[{l}] ")),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                let width = self.line.trim_end().chars().count();
                self.flush();
                let ch = if self.heading == Some(HeadingLevel::H1) {
                    '='
                } else {
                    '-'
                };
                self.out.push_str(&ch.to_string().repeat(width));
                self.out.push_str("\n\n");
                self.heading = None;
            }
            TagEnd::Paragraph => {
                self.flush();
                if self.lists.is_empty() {
                    self.out.push('\n');
                }
            }
            TagEnd::List(_) => {
                self.lists.pop();
                if self.lists.is_empty() {
                    self.out.push('\n');
                }
            }
            TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::TableRow | TagEnd::TableHead => {
                self.flush()
            }
            TagEnd::CodeBlock => {
                self.in_code = false;
                self.out.push('\n');
            }
            TagEnd::Link => {
                if let Some(Some(url)) = self.links.pop()
                    && !self.line.trim_end().ends_with(url.as_str())
                {
                    self.line.push_str(&format!(" <{url}>"));
                }
            }
            TagEnd::Image => {
                self.line.push(']');
                if let Some(Some(url)) = self.links.pop() {
                    self.line.push(' ');
                    self.line.push_str(&url);
                }
            }
            TagEnd::TableCell => self.line.push_str(" | "),
            TagEnd::Table => self.out.push('\n'),
            _ => {}
        }
    }

    /// A run of text; the shortcodes in it replaced by what they stand for.
    fn text(&mut self, t: &str, range: std::ops::Range<usize>) {
        let md = self.md;
        if md.get(range.clone()) != Some(t) {
            self.line.push_str(t);
            return;
        }
        let mut pos = range.start;
        let codes = self.codes;
        for c in codes
            .iter()
            .filter(|c| c.span.start >= range.start && c.span.end <= range.end)
        {
            self.line.push_str(&md[pos..c.span.start]);
            let value = (self.resolve)(c).unwrap_or_default();
            if value.contains('\n') {
                self.flush();
                self.out.push_str(&value);
                self.out.push('\n');
            } else {
                self.line.push_str(&value);
            }
            pos = c.span.end;
        }
        self.line.push_str(&md[pos..range.end]);
    }
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
