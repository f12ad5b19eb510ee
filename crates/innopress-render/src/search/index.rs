//! The index built while the pages render. Each record's words go into postings shared by
//! the page jobs (one lock per table of terms, so jobs rarely wait), its own file
//! (`search/docs/N.json`) goes to the writer at once, and nothing holds the text after that.
//! The term shards are written once every record is in.
//!
//! Why a fixed reference length rather than the site's average (BM25's usual choice): with
//! the average, one edited document would change every weight of the site and so every
//! shard; with a constant, an edit changes only the postings of the words it had or has, and
//! `serve` rewrites only their shards. Why every document's number is known before the first
//! page renders: numbers are places in the sorted list of addresses, so a page job can write
//! its file at once, in any order, and the result is the same as one sorted pass.

use super::{DIR, MAX_POSTINGS, MAX_TEXT, SearchRecord, each_word, hex};
use crate::model::RenderError;
use crate::site::Sink;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, BuildHasherDefault};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

/// BM25's usual constants.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// The length (in words) a document's is compared with: about a short news article.
const REFERENCE_WORDS: f64 = 400.0;
/// A word in the title counts as this many in the text.
const TITLE_WEIGHT: u32 = 5;
/// The size a shard of terms stays under, so a word costs one small file to look up.
const SHARD_BYTES: usize = 16_000;
/// Tables of terms, each behind its own lock.
const TABLES: usize = 16;

/// Terms and their postings `[document, weight × 100]`, unordered until written.
#[derive(Default)]
struct Table {
    ids: FxHashMap<Box<str>, u32>,
    terms: Vec<Box<str>>,
    postings: Vec<Vec<[u32; 2]>>,
}

impl Table {
    fn push(&mut self, term: &str, posting: [u32; 2]) {
        let id = match self.ids.get(term) {
            Some(id) => *id as usize,
            None => {
                let id = self.terms.len();
                self.ids.insert(term.into(), id as u32);
                self.terms.push(term.into());
                self.postings.push(Vec::new());
                id
            }
        };
        self.postings[id].push(posting);
    }
}

/// The search index of a site under construction (see the module's notes).
pub struct Index {
    /// Every record's address, sorted: a document's number is its place here.
    urls: Vec<String>,
    /// Which numbers have a record: the first record of an address is the one kept.
    claimed: Vec<AtomicBool>,
    tables: Vec<Mutex<Table>>,
    /// The shards last written, each with a hash of its terms: what a later write of only
    /// the touched terms compares with.
    written: BTreeMap<String, u64>,
    /// Nanoseconds the page jobs spent adding records, summed over threads.
    busy: std::sync::atomic::AtomicU64,
}

/// What the index cost a build, for `build --verbose` and the benchmark.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cost {
    /// Milliseconds of work adding records, summed over the threads that rendered pages.
    pub busy_ms: u64,
    pub terms: usize,
    pub postings: usize,
    /// Bytes the index holds (terms and postings, as allocated).
    pub held_bytes: usize,
}

/// What [`Index::write`] wrote, and the shard files that are no longer part of the index.
#[derive(Debug, Default)]
pub struct Written {
    pub files: usize,
    pub bytes: usize,
    pub removed: Vec<String>,
}

impl Index {
    /// An empty index for records at these addresses (in any order, repeats ignored).
    pub fn new(mut urls: Vec<String>) -> Index {
        urls.sort();
        urls.dedup();
        Index {
            claimed: urls.iter().map(|_| AtomicBool::new(false)).collect(),
            urls,
            tables: (0..TABLES).map(|_| Mutex::new(Table::default())).collect(),
            written: BTreeMap::new(),
            busy: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// What the index has cost so far.
    pub fn cost(&self) -> Cost {
        let mut cost = Cost {
            busy_ms: self.busy.load(Ordering::Relaxed) / 1_000_000,
            ..Cost::default()
        };
        for table in &self.tables {
            let table = lock(table);
            cost.terms += table.terms.len();
            for (term, p) in table.terms.iter().zip(&table.postings) {
                cost.postings += p.len();
                // the term twice (the list and the map), the posting list and its header
                cost.held_bytes += 2 * term.len() + 8 * p.capacity() + 24 + 16 + 8;
            }
        }
        cost.held_bytes += self
            .urls
            .iter()
            .map(|u| u.capacity() + 24 + 1)
            .sum::<usize>();
        cost
    }

    /// Adds a record and returns its own file (path under `output/`, bytes); `None` for an
    /// address the index was not made for, or one already added.
    pub fn add(&self, record: &SearchRecord) -> Option<(String, Vec<u8>)> {
        let doc = self.urls.binary_search(&record.url).ok()?;
        if self.claimed[doc].swap(true, Ordering::Relaxed) {
            return None;
        }
        let started = std::time::Instant::now();
        self.insert(doc as u32, record, &mut |_, _| {});
        let file = doc_file(doc, record);
        self.busy
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        Some(file)
    }

    /// Puts `record` in place of the one at its address (an edit in `serve`); returns its
    /// file, and adds the words whose postings changed (a word gone, new, or weighed
    /// otherwise) to `touched`.
    pub fn replace(
        &mut self,
        record: &SearchRecord,
        touched: &mut BTreeSet<Box<str>>,
    ) -> Option<(String, Vec<u8>)> {
        let doc = self.urls.binary_search(&record.url).ok()?;
        let mut before: FxHashMap<Box<str>, u32> = FxHashMap::default();
        for table in &mut self.tables {
            let table = table.get_mut().unwrap_or_else(|e| e.into_inner());
            for (id, postings) in table.postings.iter_mut().enumerate() {
                // postings are put in order when written: this one's place does not matter
                if let Some(at) = postings.iter().position(|p| p[0] == doc as u32) {
                    before.insert(table.terms[id].clone(), postings.swap_remove(at)[1]);
                }
            }
        }
        self.claimed[doc].store(true, Ordering::Relaxed);
        self.insert(doc as u32, record, &mut |term, weight| {
            if before.remove(term) != Some(weight) {
                touched.insert(term.into());
            }
        });
        touched.extend(before.into_keys());
        Some(doc_file(doc, record))
    }

    /// Adds a record's postings as document `doc`, telling `added` each (term, weight).
    fn insert(&self, doc: u32, record: &SearchRecord, added: &mut dyn FnMut(&str, u32)) {
        let (words, text_end) = folded(record);
        let (tf, len) = term_counts(&words, text_end);
        let norm = K1 * (1.0 - B + B * f64::from(len) / REFERENCE_WORDS);
        let mut entries: Vec<(usize, &str, u32)> = tf
            .iter()
            .map(|(term, &n)| {
                let n = f64::from(n);
                let weight = ((n * (K1 + 1.0) / (n + norm) * 100.0).round() as u32).max(1);
                added(term, weight);
                (table_of(term), *term, weight)
            })
            .collect();
        // one lock a table, taken once
        entries.sort_unstable_by_key(|e| e.0);
        for run in entries.chunk_by(|a, b| a.0 == b.0) {
            let mut table = lock(&self.tables[run[0].0]);
            for (_, term, weight) in run {
                table.push(term, [doc, *weight]);
            }
        }
    }

    /// Writes `search/meta.json` and the term shards into `sink`: all of them, or with
    /// `touched` only those whose terms changed (a shard holding a touched word, or one
    /// whose set of words is new).
    pub fn write(
        &mut self,
        sink: &Sink,
        touched: Option<&BTreeSet<Box<str>>>,
    ) -> Result<Written, Vec<RenderError>> {
        let tables: Vec<&Table> = self
            .tables
            .iter_mut()
            .map(|t| &*t.get_mut().unwrap_or_else(|e| e.into_inner()))
            .collect();
        let (terms, shards) = layout(&tables);
        let written = &self.written;
        let due: Vec<&Shard> = shards
            .iter()
            .filter(|(prefix, range, hash)| match touched {
                None => true,
                Some(touched) => {
                    written.get(*prefix) != Some(hash)
                        || terms[range.clone()].iter().any(|t| touched.contains(t.0))
                }
            })
            .collect();
        let bytes = std::sync::atomic::AtomicUsize::new(0);
        let mut errors: Vec<RenderError> = due
            .par_iter()
            .filter_map(|(prefix, range, _)| {
                let json = shard_json(&tables, &terms[range.clone()]);
                bytes.fetch_add(json.len(), Ordering::Relaxed);
                sink(&format!("{DIR}terms/{}.json", hex(prefix)), &json).err()
            })
            .collect();
        let names: Vec<&str> = shards.iter().map(|(p, _, _)| *p).collect();
        let meta = serde_json::json!({
            "docs": self.urls.len(),
            "postings": MAX_POSTINGS,
            "shards": names,
        })
        .to_string();
        if let Err(e) = sink(&format!("{DIR}meta.json"), meta.as_bytes()) {
            errors.push(e);
        }
        let fresh: BTreeMap<String, u64> =
            shards.iter().map(|(p, _, h)| (p.to_string(), *h)).collect();
        let removed = self
            .written
            .keys()
            .filter(|p| !fresh.contains_key(*p))
            .map(|p| format!("{DIR}terms/{}.json", hex(p)))
            .collect();
        let written = Written {
            files: due.len() + 1,
            bytes: bytes.into_inner() + meta.len(),
            removed,
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        self.written = fresh;
        Ok(written)
    }
}

/// A term in order: (term, size in bytes, table, id in the table).
type Placed<'t> = (&'t str, usize, usize, usize);
/// A shard: its prefix, its terms (a range of the terms in order) and a hash of them.
type Shard<'t> = (&'t str, Range<usize>, u64);

/// Every term with postings, in order, and the shards they fall into.
fn layout<'t>(tables: &[&'t Table]) -> (Vec<Placed<'t>>, Vec<Shard<'t>>) {
    let mut terms: Vec<Placed> = tables
        .iter()
        .enumerate()
        .flat_map(|(t, table)| {
            table
                .postings
                .iter()
                .enumerate()
                .filter_map(move |(id, p)| {
                    let term: &str = &table.terms[id];
                    let size = term.len() + 8 + 10 * p.len().min(MAX_POSTINGS);
                    (!p.is_empty()).then_some((term, size, t, id))
                })
        })
        .collect();
    terms.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    let sized: Vec<(&str, usize)> = terms.iter().map(|t| (t.0, t.1)).collect();
    let mut groups = Vec::new();
    split(&sized, 2, 0, &mut groups);
    let shards = groups
        .into_iter()
        .map(|(prefix, range)| {
            let hash = BuildHasherDefault::<FxHasher>::default().hash_one(&sized[range.clone()]);
            (prefix, range, hash)
        })
        .collect();
    (terms, shards)
}

fn lock(table: &Mutex<Table>) -> MutexGuard<'_, Table> {
    table.lock().unwrap_or_else(|e| e.into_inner())
}

fn table_of(term: &str) -> usize {
    BuildHasherDefault::<FxHasher>::default().hash_one(term) as usize % TABLES
}

/// A record's words, folded, one space after each: the term counts below borrow from it
/// rather than keep a string per word.
fn folded(record: &SearchRecord) -> (String, usize) {
    let mut out = String::with_capacity(record.text.len() + record.title.len());
    each_word(&record.text, |w| {
        out.push_str(w);
        out.push(' ');
    });
    let text_end = out.len();
    each_word(&record.title, |w| {
        out.push_str(w);
        out.push(' ');
    });
    (out, text_end)
}

/// The term counts and length of a record's words (from [`folded`]); title words weigh
/// more.
fn term_counts(words: &str, text_end: usize) -> (FxHashMap<&str, u32>, u32) {
    // about half the words of a page are distinct: room for them from the start
    let mut tf: FxHashMap<&str, u32> =
        FxHashMap::with_capacity_and_hasher(words.len() / 16, Default::default());
    let mut len = 0;
    for (part, weight) in [(&words[..text_end], 1), (&words[text_end..], TITLE_WEIGHT)] {
        for w in part.split_terminator(' ') {
            *tf.entry(w).or_default() += weight;
            len += weight;
        }
    }
    (tf, len)
}

/// One document's file: its address, title, kind, date and the start of its text.
fn doc_file(doc: usize, r: &SearchRecord) -> (String, Vec<u8>) {
    #[derive(Serialize)]
    struct DocFile<'a> {
        url: &'a str,
        title: &'a str,
        kind: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        date: Option<&'a str>,
        text: &'a str,
    }
    let cut = r
        .text
        .char_indices()
        .nth(MAX_TEXT)
        .map_or(r.text.len(), |(i, _)| i);
    let file = DocFile {
        url: &r.url,
        title: &r.title,
        kind: r.kind,
        date: r.date.as_deref(),
        text: &r.text[..cut],
    };
    (
        format!("{DIR}docs/{doc}.json"),
        serde_json::to_vec(&file).unwrap_or_default(),
    )
}

/// A shard's JSON: `{"term": {"df": N, "p": [[doc, weight], …]}, …}` in term order, each
/// term's best postings first.
fn shard_json(tables: &[&Table], terms: &[Placed]) -> Vec<u8> {
    #[derive(Serialize)]
    struct Term {
        /// In how many documents the term occurs (more than the postings kept, for a
        /// common one).
        df: usize,
        p: Vec<[u32; 2]>,
    }
    struct Shard<'a>(Vec<(&'a str, Term)>);
    impl Serialize for Shard<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(t, v)| (t, v)))
        }
    }
    let best_first = |a: &[u32; 2], b: &[u32; 2]| b[1].cmp(&a[1]).then(a[0].cmp(&b[0]));
    let shard = Shard(
        terms
            .iter()
            .map(|(term, _, t, id)| {
                let all = &tables[*t].postings[*id];
                let mut p = all.clone();
                if p.len() > MAX_POSTINGS {
                    p.select_nth_unstable_by(MAX_POSTINGS, best_first);
                    p.truncate(MAX_POSTINGS);
                }
                p.sort_unstable_by(best_first);
                (*term, Term { df: all.len(), p })
            })
            .collect(),
    );
    serde_json::to_vec(&shard).unwrap_or_default()
}

/// The first `n` characters of `term` (all of it when shorter).
fn head(term: &str, n: usize) -> &str {
    &term[..term.char_indices().nth(n).map_or(term.len(), |(i, _)| i)]
}

/// Terms (sorted, with their size in bytes) grouped by prefix so that no group passes
/// [`SHARD_BYTES`] unless one term alone does: groups of the first `n` characters, and a
/// group too large split again one character deeper. A term belongs to the longest prefix
/// listed that it starts with, which is how `search.js` finds it. Each group is a range of
/// `terms` (offset by `at`): a group's members are consecutive in sorted order.
fn split<'t>(
    terms: &[(&'t str, usize)],
    n: usize,
    at: usize,
    out: &mut Vec<(&'t str, Range<usize>)>,
) {
    let mut i = 0;
    while i < terms.len() {
        let key = head(terms[i].0, n);
        let mut j = i;
        let mut bytes = 0;
        while j < terms.len() && head(terms[j].0, n) == key {
            bytes += terms[j].1;
            j += 1;
        }
        let group = &terms[i..j];
        if bytes > SHARD_BYTES && group.iter().any(|(t, _)| t.chars().count() > n) {
            // a term no longer than the prefix is the prefix itself, first in order: it
            // stays in its shard, and the longer ones go deeper
            let here = group
                .iter()
                .take_while(|(t, _)| t.chars().count() <= n)
                .count();
            if here > 0 {
                out.push((key, at + i..at + i + here));
            }
            split(&group[here..], n + 1, at + i + here, out);
        } else {
            out.push((key, at + i..at + j));
        }
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_groups_split_one_character_deeper() {
        let big = SHARD_BYTES / 2 + 1;
        let terms = [
            ("ba", 10),
            ("bat", big),
            ("batt", big),
            ("be", 10),
            ("bz", 10),
        ];
        let mut got = Vec::new();
        split(&terms, 2, 0, &mut got);
        assert_eq!(
            got,
            vec![
                ("ba", 0..1),
                ("bat", 1..2),
                ("batt", 2..3),
                ("be", 3..4),
                ("bz", 4..5)
            ]
        );
    }
}
