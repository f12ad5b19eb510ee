//! Stage 5, collect: the yearly data collection of the common impact model. Each city gets
//! a spreadsheet of the indicators with its earlier years filled in and the year asked left
//! to fill ([`templates`]); [`status`] says what has come back. Both read the loaded site
//! and write nothing themselves: the command line decides where the files go.

pub mod book;
pub mod import;
pub mod sheet;
mod store;
pub mod templates;
