//! An issue rendered once, ready to be personalised: its HTML and text parts as templates
//! with per-recipient slots (greeting, unsubscribe link), and its inline images.

use crate::text::escape_html;

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
    pub date: crate::date::Date,
    pub view_url: String,
    pub html: Template,
    pub text: Template,
    pub images: Vec<InlineImage>,
    /// The greeting's words from `strings.toml`: with `{name}`, and without a name.
    pub greeting: (String, String),
}

impl RenderedIssue {
    /// The greeting for a subscriber's name ("Hello Maija," or "Hello,").
    pub fn greeting(&self, name: &str) -> String {
        let name = name.trim();
        if name.is_empty() {
            self.greeting.1.clone()
        } else {
            crate::strings::fill(&self.greeting.0, &[("name", name)])
        }
    }
}
