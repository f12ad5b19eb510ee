//! innopress: a static site generator for impact reports and an English newsletter.
//!
//! The work is done by the layer crates in `crates/`, each using only the ones below it
//! (ARCHITECTURE.md draws the graph): `innopress-core` (money, dates, text, Markdown,
//! diagnostics), `innopress-images` and `innopress-map`, `innopress-content` (load and
//! validate), `innopress-cms`, `innopress-impact`, `innopress-charts`, `innopress-collect`,
//! `innopress-import`, `innopress-render` (the website), `innopress-mail` (the email, the
//! list, sending and the inbox), `innopress-build` (the pipeline, output and incremental
//! rebuilds) and `innopress-serve`. This crate names them under the module paths the command
//! line, the tests and the benchmarks use.

pub use innopress_build::{cache, freeze, incremental, init, issue, output, pipeline};
pub use innopress_charts as charts;
pub use innopress_cms as cms;
pub use innopress_collect as collect;
pub use innopress_content::{content, synth, validate};
pub use innopress_core::{
    addresses, catalogue, chart, date, diagnostics, files, html, ids, licenses, markdown, money,
    numbers, strings, text, urls,
};
pub use innopress_images as images;
pub use innopress_impact as impact;
pub use innopress_import as import;
pub use innopress_mail as newsletter;
pub use innopress_map as map;
pub use innopress_render as render;
pub use innopress_render::links;
pub use innopress_serve as serve;
