//! Stage 3, charts: the summary drawn as accessible SVG with plotters' SVG backend (no system fonts).
//! Every chart carries `role="img"`, a `<title>` and a `<desc>` that states the data in words,
//! uses the Okabe–Ito palette with dark outlines (so marks keep 3:1 contrast whatever their
//! fill), labels bars and lines directly so colour is never the only cue, and comes with its
//! data as a table. Pure: the same summary gives byte-identical SVG.

mod axis;
mod catalogue;
mod draw;
mod frame;
mod map;
mod png;

pub use catalogue::{
    Chart, DataTable, all, by_name, funding_by_city, funding_by_source, indicator, named,
    projects_by_theme, projects_per_year,
};
pub use draw::DrawError;
pub use map::map;
pub use png::{PngError, to_png};
