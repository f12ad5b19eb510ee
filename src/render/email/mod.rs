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
