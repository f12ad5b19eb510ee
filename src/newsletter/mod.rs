//! Stage 6, send: newsletter campaigns over SMTP with a journal so nobody is mailed twice,
//! and the subscriber list. The email itself is rendered by [`crate::render::email`].

pub mod campaign;
pub mod journal;
pub mod listfile;
pub mod preflight;
mod report;
pub mod rights;
pub mod send;
pub mod smtp;
pub mod subscribers;
