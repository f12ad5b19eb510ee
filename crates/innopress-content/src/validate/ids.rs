//! The ids of one kind (cities, themes, indicators) that references may name, and what to
//! say of a reference to one that is not there. While a file of the kind has a syntax error,
//! an id not found may well be defined in the part that cannot be read: such references are
//! not reported one by one (one syntax error would otherwise read as dozens of unknown ids),
//! and a single note says how many were left unchecked and why.

use crate::content::{Site, Unloaded};
use innopress_core::diagnostics::{Diagnostics, FileId, did_you_mean};
use std::cell::Cell;
use std::collections::BTreeSet;
use std::ops::Range;

pub(super) struct Ids<'a> {
    /// What the ids name, singular: `city`.
    pub what: &'static str,
    /// Where they are defined, for the hint.
    pub defined_in: &'static str,
    pub known: BTreeSet<&'a str>,
    /// The first file of the kind with a syntax error, and the error's span.
    unreadable: Option<(FileId, Range<usize>)>,
    unchecked: Cell<usize>,
}

/// What a reference finds.
pub(super) enum Lookup {
    Known,
    /// Not known, but the kind has a file that cannot be read: not reported.
    Unchecked,
    /// Unknown: the error's message and hint.
    Unknown(String, String),
}

impl<'a> Ids<'a> {
    /// `known` with the ids of tables that exist but did not load, which are not news.
    pub fn new(
        what: &'static str,
        defined_in: &'static str,
        mut known: BTreeSet<&'a str>,
        unloaded: &'a Unloaded,
    ) -> Ids<'a> {
        known.extend(unloaded.ids.iter().map(String::as_str));
        Ids {
            what,
            defined_in,
            known,
            unreadable: unloaded.unreadable.first().cloned(),
            unchecked: Cell::new(0),
        }
    }

    /// Ids of a kind that has no data files (articles).
    pub fn plain(
        what: &'static str,
        defined_in: &'static str,
        known: BTreeSet<&'a str>,
    ) -> Ids<'a> {
        Ids {
            what,
            defined_in,
            known,
            unreadable: None,
            unchecked: Cell::new(0),
        }
    }

    pub fn lookup(&self, id: &str) -> Lookup {
        if self.known.contains(id) {
            return Lookup::Known;
        }
        if self.unreadable.is_some() {
            self.unchecked.set(self.unchecked.get() + 1);
            return Lookup::Unchecked;
        }
        let hint = match did_you_mean(id, self.known.iter().copied()) {
            Some(right) => format!("did you mean `{right}`?"),
            None => format!("{} ids are defined in {}", self.what, self.defined_in),
        };
        Lookup::Unknown(format!("unknown {} `{id}`", self.what), hint)
    }

    /// The note on references left unchecked, at the syntax error that is the cause.
    pub fn note(&self, site: &Site, diags: &mut Diagnostics) {
        let n = self.unchecked.get();
        let Some((file, span)) = &self.unreadable else {
            return;
        };
        if n == 0 {
            return;
        }
        let src = site.source(*file);
        diags.note(
            src,
            span.clone(),
            format!(
                "{n} {} to {} ids not found in what could be read of {} {} not checked",
                if n == 1 { "reference" } else { "references" },
                self.what,
                src.path,
                if n == 1 { "was" } else { "were" },
            ),
            Some(
                "fix the syntax error here first; the references are checked again after it"
                    .to_string(),
            ),
        );
    }
}
