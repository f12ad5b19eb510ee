//! An issue rendered once, ready to be personalised: its HTML and text parts as templates
//! with per-recipient slots (greeting, unsubscribe link), and its inline images.

use innopress_core::text::escape_html;

pub(super) const GREETING: &str = "INNOPRESS-SLOT-GREETING";
pub(super) const UNSUBSCRIBE: &str = "INNOPRESS-SLOT-UNSUBSCRIBE";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Greeting,
    Unsubscribe,
}

/// Text with per-recipient slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
    html: bool,
}

impl Template {
    pub(super) fn parse(text: &str, html: bool) -> Template {
        let mut pieces = Vec::new();
        let mut rest = text;
        loop {
            let g = rest.find(GREETING);
            let u = rest.find(UNSUBSCRIBE);
            let next = match (g, u) {
                (Some(a), Some(b)) if a < b => Some((a, GREETING.len(), Piece::Greeting)),
                (Some(_), Some(b)) => Some((b, UNSUBSCRIBE.len(), Piece::Unsubscribe)),
                (Some(a), None) => Some((a, GREETING.len(), Piece::Greeting)),
                (None, Some(b)) => Some((b, UNSUBSCRIBE.len(), Piece::Unsubscribe)),
                (None, None) => None,
            };
            match next {
                Some((at, len, piece)) => {
                    pieces.push(Piece::Text(rest[..at].to_string()));
                    pieces.push(piece);
                    rest = &rest[at + len..];
                }
                None => {
                    pieces.push(Piece::Text(rest.to_string()));
                    break;
                }
            }
        }
        Template { pieces, html }
    }

    /// Whether the text has the unsubscribe link's slot.
    pub fn has_unsubscribe(&self) -> bool {
        self.pieces.contains(&Piece::Unsubscribe)
    }

    /// The text for one recipient; values are HTML-escaped in the HTML part.
    pub fn fill(&self, greeting: &str, unsubscribe: &str) -> String {
        let esc = |s: &str| {
            if self.html {
                escape_html(s)
            } else {
                s.to_string()
            }
        };
        let (g, u) = (esc(greeting), esc(unsubscribe));
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Greeting => out.push_str(&g),
                Piece::Unsubscribe => out.push_str(&u),
            }
        }
        out
    }
}

#[derive(Debug, Clone)]
pub struct InlineImage {
    /// Content-ID without angle brackets: `funding-by-city@innopress`.
    pub cid: String,
    pub png: Vec<u8>,
    pub alt: String,
}

/// An issue rendered once, ready to be personalised.
#[derive(Debug, Clone)]
pub struct RenderedIssue {
    pub number: u32,
    pub title: String,
    pub subject: String,
    pub preheader: String,
    pub date: innopress_core::date::Date,
    pub view_url: String,
    pub html: Template,
    pub text: Template,
    pub images: Vec<InlineImage>,
    /// The greeting's words, with `{name}` and without a name; `None` when the site has
    /// `greeting = false`.
    pub greeting: Option<(String, String)>,
}

impl RenderedIssue {
    /// The greeting for a subscriber's name ("Hello Maija," or "Hello,").
    pub fn greeting(&self, name: &str) -> String {
        let Some((with, without)) = &self.greeting else {
            return String::new();
        };
        let name = name.trim();
        if name.is_empty() {
            without.clone()
        } else {
            innopress_core::strings::fill(with, &[("name", name)])
        }
    }
}

/// A greeting's words for a subscriber without a name: `{name}` left out, and the space
/// before the punctuation that followed it ("Hello {name}," becomes "Hello,").
pub fn without_name(words: &str) -> String {
    let filled = words.replace("{name}", "");
    let mut out = String::with_capacity(filled.len());
    for c in filled.chars() {
        if matches!(c, ',' | '.' | '!' | '?' | ':' | ';') || (c == ' ' && out.ends_with(' ')) {
            while c != ' ' && out.ends_with(' ') {
                out.pop();
            }
            if c == ' ' {
                continue;
            }
        }
        out.push(c);
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_greeting_without_a_name_loses_the_gap_too() {
        assert_eq!(without_name("Hello {name},"), "Hello,");
        assert_eq!(without_name("Hei {name}!"), "Hei!");
        assert_eq!(without_name("Dear {name} and team,"), "Dear and team,");
        assert_eq!(without_name("Hello,"), "Hello,");
    }
}
