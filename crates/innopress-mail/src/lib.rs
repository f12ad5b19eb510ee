//! Stage 6, send: newsletter campaigns over SMTP with a journal so nobody is mailed twice,
//! the subscriber list, and the inbox that keeps it (leaving, bounces, joining). The email itself is rendered by [`crate::email`].

pub mod campaign;
pub mod email;
pub mod inbox;
pub mod journal;
pub mod listfile;
pub mod listguard;
pub mod listscan;
pub mod places;
pub mod preflight;
mod report;
pub mod rights;
pub mod send;
pub mod smtp;
pub mod subscribers;
