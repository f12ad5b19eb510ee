//! innopress: a static site generator for impact reports and an English newsletter.
//!
//! The modules follow the pipeline: [`content`] loads, [`validate`] cross-checks, [`impact`]
//! computes the figures and [`charts`] draws them, [`render`] turns them into the website and
//! the email, [`output`] writes atomically and [`newsletter`] sends; [`pipeline`] strings
//! the stages together. The leaves below them ([`money`], [`date`], [`text`], [`ids`],
//! [`urls`], [`catalogue`], [`markdown`], [`diagnostics`]) use nothing above. ARCHITECTURE.md
//! in the repository has the whole map.

pub mod addresses;
pub mod cache;
pub mod catalogue;
pub mod chart;
pub mod charts;
pub mod cms;
pub mod collect;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod freeze;
pub mod html;
pub mod ids;
pub mod images;
pub mod impact;
pub mod import;
pub mod incremental;
pub mod init;
pub mod licenses;
pub mod links;
pub mod map;
pub mod markdown;
pub mod money;
pub mod newsletter;
pub mod numbers;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod serve;
pub mod strings;
pub mod synth;
pub mod text;
pub mod urls;
pub mod validate;
