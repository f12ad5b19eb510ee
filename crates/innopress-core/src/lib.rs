//! The leaves every layer stands on: exact money, dates, number and text formatting,
//! escaping and formula-safe CSV cells, slug rules, URLs and the one policy for addresses from
//! data, located problems, the one Markdown dialect and its shortcodes, reading HTML as a
//! browser's tokenizer does, licences, the theme's words and a drawn chart as plain data.
//! Nothing here reads a site or knows a page.

pub mod addresses;
pub mod catalogue;
pub mod chart;
pub mod date;
pub mod diagnostics;
pub mod files;
pub mod html;
pub mod ids;
pub mod licenses;
pub mod markdown;
pub mod money;
pub mod numbers;
pub mod strings;
pub mod text;
pub mod urls;
