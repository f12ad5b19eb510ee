//! innopress: a static site generator for impact reports and an English newsletter.
//!
//! The modules follow the pipeline: [`content`] loads, [`validate`] cross-checks, [`impact`]
//! computes the figures, [`render`] turns them into pages and [`output`] writes them
//! atomically; [`pipeline`] strings the stages together.

pub mod cache;
pub mod catalogue;
pub mod charts;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod ids;
pub mod impact;
pub mod import;
pub mod incremental;
pub mod init;
pub mod links;
pub mod markdown;
pub mod money;
pub mod newsletter;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod serve;
pub mod synth;
pub mod text;
pub mod urls;
pub mod validate;
