//! The one Markdown dialect, in a leaf of its own so the shortcode finder and the renderer
//! both use it without using each other.

use pulldown_cmark::Options;

/// The Markdown dialect of every document: CommonMark with tables, footnotes, strikethrough
/// and heading attributes. Every reader of Markdown bodies uses it, so they agree on the text.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}
