//! Stages 5 and 6 for the website: [`pipeline`] strings load, validate, impact, charts and
//! render together; [`output`] writes into a staging folder and swaps it in atomically;
//! [`cache`] keeps the no-change record; [`check`] checks everything and writes nothing; [`incremental`] rebuilds what an edit touched;
//! [`freeze`] keeps a report's figures; [`init`] starts a new site.

pub mod cache;
pub mod check;
pub mod freeze;
pub mod incremental;
pub mod init;
pub mod issue;
pub mod output;
pub mod pipeline;
