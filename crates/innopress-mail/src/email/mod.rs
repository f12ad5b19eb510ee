//! An issue as email: HTML (table layout, one fluid column up to 600 px, CSS inlined, absolute
//! links, preheader, "view in browser", footer with organisation and unsubscribe link), a
//! plain-text part written from the Markdown, and the charts as PNG images for inline parts.
//! The per-recipient parts (greeting, unsubscribe link) are left as slots filled at send time,
//! so an issue is rendered and inlined once, not once per recipient.

pub mod headers;
mod html;
mod issue;
pub mod message;
pub mod preview;
pub mod text;

pub use html::{absolute_urls, render_issue, resolve};
pub use issue::{InlineImage, RenderedIssue, Template};

use innopress_content::content::model::{Document, Record};
use innopress_render::model::Model;

/// Whether a sent issue's email, rendered now, is still what was sent: `None` when it is
/// (or nothing was recorded), else which parts differ.
pub fn email_changed(model: &Model, doc: &Document, record: &Record) -> Option<&'static str> {
    let (Some(html), Some(text)) = (&record.html_sha256, &record.text_sha256) else {
        return None;
    };
    let issue = render_issue(model, doc).ok()?;
    let html_same = innopress_render::record::sha256(&issue.html.fill("", "")) == *html;
    let text_same = innopress_render::record::sha256(&issue.text.fill("", "")) == *text;
    match (html_same, text_same) {
        (true, true) => None,
        (false, true) => Some("HTML part"),
        (true, false) => Some("text part"),
        (false, false) => Some("HTML and text parts"),
    }
}
