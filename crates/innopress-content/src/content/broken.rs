//! What did not load: the ids of tables that failed, and the files that do not parse, so
//! that validation reports a fault once and not again at every reference to it.

use innopress_core::diagnostics::FileId;

#[derive(Debug, Default)]
pub struct Broken {
    pub cities: Unloaded,
    pub themes: Unloaded,
    pub indicators: Unloaded,
    pub projects: Unloaded,
    pub observations: Unloaded,
    pub articles: Vec<String>,
}

/// What of one kind of data did not load.
#[derive(Debug, Default)]
pub struct Unloaded {
    /// Ids of tables that did not read, or that a syntax error spoilt, where they can be read.
    pub ids: Vec<String>,
    /// How many tables did not load: while any, "no data" may be untrue.
    pub failed: usize,
    /// Each file of the kind that has a syntax error, with the first error's span. While one
    /// remains, not every id of the kind is known: references to it are not checked.
    pub unreadable: Vec<(FileId, std::ops::Range<usize>)>,
}

impl Unloaded {
    /// Whether every table of the kind loaded: only then is "there is none" true.
    pub fn complete(&self) -> bool {
        self.failed == 0 && self.unreadable.is_empty()
    }
}
