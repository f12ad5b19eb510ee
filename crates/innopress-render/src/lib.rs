//! Stage 4, render: turns the checked site and its summary into output, one renderer per
//! output. [`model`] is their shared input (plain data, sorted once); [`site`] writes the
//! website, [`email`] the newsletter email (HTML, text, MIME), [`terminal`] the summary table.
//! [`shortcodes`] fills live figures into any of them, on each document's date ([`dated`]); [`theme`] loads the templates,
//! [`view`] holds the small view structs templates see.

pub mod dated;
pub mod links;
pub mod model;
pub mod pictures;
pub mod record;
pub mod search;
pub mod shortcodes;
pub mod site;
pub mod terminal;
pub mod theme;
pub mod view;

pub use model::{Model, RenderError, Target};
