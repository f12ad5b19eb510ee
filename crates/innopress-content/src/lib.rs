//! Stages 1 and 2: [`content`] reads a site's `content/` into a `Site`, collecting every
//! problem; [`validate`] cross-checks ids, references, dates, shortcodes and pictures;
//! [`synth`] writes a synthetic site of any size for benchmarks and tests.

pub mod content;
pub mod synth;
pub mod validate;
