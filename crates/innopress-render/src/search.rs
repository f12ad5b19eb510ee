//! The search renderer: the site's documents, cities and themes as records, and a static
//! index over them under `search/`, read by the theme's `search.js`.
//!
//! Why not Pagefind: fed from the build through its Rust API, Pagefind took 13.4 s and
//! 2.3 GB for 10,000 articles of realistic text, and its script, WebAssembly and page list
//! alone are 160 KB before a query. This index is built in parallel from the text the page
//! jobs already hold (no written page is read again) and is shaped for a first query:
//! - `search/meta.json`: the number of documents and the prefixes of the shards;
//! - `search/terms/HEX.json`: the terms that begin with one prefix (the name is the prefix's
//!   UTF-8 bytes in hex; a prefix with too many terms is split one character deeper, so every
//!   shard stays small), each with its document frequency and its best postings
//!   `[doc, weight]`, the weight a BM25 term score (title words count more);
//! - `search/docs/N.json`: one document's address, title, kind, date and plain text (for the
//!   excerpt), fetched only for the results shown.
//!
//! A query loads the shard of each of its words and then the documents it shows.

use innopress_content::content::model::{City, DocKind, Document, Theme};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Where the index lives under `output/`.
pub const DIR: &str = "search/";
/// Postings kept per term: a word in more documents than this is nearly a stop word, and
/// its best-scoring documents are the ones worth showing.
const MAX_POSTINGS: usize = 300;
/// The size a shard of terms stays under, so a word costs one small file to look up.
const SHARD_BYTES: usize = 16_000;
/// Characters of a document's text kept for excerpts.
const MAX_TEXT: usize = 6_000;
/// BM25's usual constants.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// A word in the title counts as this many in the text.
const TITLE_WEIGHT: u32 = 5;

/// One searchable page.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SearchRecord {
    /// From the site root, as `news/slug/`: the search page adds its own way back to the root,
    /// so results work under any `base_url` path.
    pub url: String,
    pub title: String,
    /// What kind of page it is, as readers see it ("News", "City").
    pub kind: &'static str,
    /// `YYYY-MM-DD`, when the page has a date.
    pub date: Option<String>,
    /// The page's words as plain text (not HTML).
    pub text: String,
}

impl SearchRecord {
    /// A document's record from its rendered body.
    pub fn of_document(doc: &Document, url: String, body_html: &str) -> SearchRecord {
        let kind = match doc.kind {
            DocKind::Article => "News",
            DocKind::Page => "Page",
            DocKind::Report => "Report",
            DocKind::Newsletter => "Newsletter",
        };
        let mut text = doc.summary().trim().to_string();
        if !text.is_empty() && !text.ends_with(['.', '!', '?']) {
            text.push('.');
        }
        text.push(' ');
        text.push_str(&text_of(body_html));
        SearchRecord {
            url,
            title: doc.title().to_string(),
            kind,
            date: doc.date().map(|d| d.to_string()),
            text: text.trim().to_string(),
        }
    }

    /// A city's record: its name, region and lead theme.
    pub fn of_city(city: &City) -> SearchRecord {
        let mut text = format!("{}, {}.", city.name, city.region);
        if let Some(lead) = &city.lead_theme {
            text.push(' ');
            text.push_str(lead);
        }
        SearchRecord {
            url: format!("cities/{}/", city.id.get_ref()),
            title: city.name.clone(),
            kind: "City",
            date: None,
            text,
        }
    }

    /// A project's record: its title, city, programme and summary, so a reader finds a
    /// project by what it does or where it is.
    pub fn of_project(
        project: &innopress_content::content::model::Project,
        city: Option<&str>,
    ) -> SearchRecord {
        let mut text = String::new();
        if let Some(city) = city {
            text.push_str(city);
            text.push_str(". ");
        }
        text.push_str(&project.programme);
        text.push_str(". ");
        text.push_str(project.summary.trim());
        SearchRecord {
            url: format!("projects/{}/", project.id.get_ref()),
            title: project.title.clone(),
            kind: "Project",
            date: None,
            text: text.trim().to_string(),
        }
    }

    /// A theme's record: its name and description.
    pub fn of_theme(theme: &Theme) -> SearchRecord {
        SearchRecord {
            url: format!("themes/{}/", theme.id.get_ref()),
            title: theme.name.clone(),
            kind: "Theme",
            date: None,
            text: theme.description.clone(),
        }
    }
}

/// The words of `text` as the index and `search.js` both cut them: runs of letters and
/// digits, lower-cased and folded (see [`fold`]), at least two characters.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    use unicode_normalization::char::is_combining_mark;
    // a combining accent belongs to its word (text written decomposed)
    text.split(|c: char| !(c.is_alphanumeric() || is_combining_mark(c)))
        .map(fold)
        .filter(|w| w.chars().nth(1).is_some())
}

/// A word as the index keeps it and a query looks for it: lower case without accents
/// (`Jyväskylä` → `jyvaskyla`, `Malmö` → `malmo`, `São` → `sao`), and the letters that
/// are not an accented letter written as international readers type them (`ø` → `o`,
/// `æ` → `ae`, `ß` → `ss`, `ł` → `l`). `search.js` folds the same way.
pub fn fold(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut out = String::with_capacity(word.len());
    for c in word.to_lowercase().nfd().filter(|c| !is_combining_mark(*c)) {
        match c {
            'ø' => out.push('o'),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ß' => out.push_str("ss"),
            'ł' => out.push('l'),
            'đ' | 'ð' => out.push('d'),
            'þ' => out.push_str("th"),
            'ı' => out.push('i'),
            c => out.push(c),
        }
    }
    out
}

/// A shard's name: its prefix's UTF-8 bytes in hex (safe in any file system, and a prefix
/// of a word's hex is the hex of a prefix of the word).
pub fn hex(prefix: &str) -> String {
    hex::encode(prefix)
}

/// The first `n` characters of `term` (all of it when shorter).
fn head(term: &str, n: usize) -> &str {
    &term[..term.char_indices().nth(n).map_or(term.len(), |(i, _)| i)]
}

/// Terms (sorted, with their size in bytes) grouped by prefix so that no group passes
/// [`SHARD_BYTES`] unless one term alone does: groups of the first `n` characters, and a
/// group too large split again one character deeper. A term belongs to the longest prefix
/// listed that it starts with, which is how `search.js` finds it.
fn split<'t>(terms: &[(&'t str, usize)], n: usize) -> Vec<(&'t str, Vec<&'t str>)> {
    let mut out = Vec::new();
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
            // the terms as long as the prefix stay in its shard; the longer ones go deeper
            let (here, deeper): (Vec<_>, Vec<_>) =
                group.iter().partition(|(t, _)| t.chars().count() <= n);
            if !here.is_empty() {
                out.push((key, here.iter().map(|(t, _)| *t).collect()));
            }
            out.extend(split(&deeper, n + 1));
        } else {
            out.push((key, group.iter().map(|(t, _)| *t).collect()));
        }
        i = j;
    }
    out
}

#[derive(Serialize)]
struct DocFile<'a> {
    url: &'a str,
    title: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    text: &'a str,
}

#[derive(Serialize)]
struct Term {
    /// In how many documents the term occurs (more than the postings kept, for a common one).
    df: usize,
    /// `[document, weight × 100]`, best first.
    p: Vec<[u32; 2]>,
}

/// The index files for `records` as (path under `output/`, bytes), in a stable order.
pub fn index(mut records: Vec<SearchRecord>) -> Vec<(String, Vec<u8>)> {
    records.sort();
    records.dedup_by(|a, b| a.url == b.url);
    let counted = term_counts(&records);
    let avg = (counted.iter().map(|(_, l)| f64::from(*l)).sum::<f64>()
        / counted.len().max(1) as f64)
        .max(1.0);
    let mut postings: HashMap<&str, Vec<[u32; 2]>> = HashMap::new();
    for (doc, (tf, len)) in counted.iter().enumerate() {
        let norm = K1 * (1.0 - B + B * f64::from(*len) / avg);
        for (term, &n) in tf {
            let n = f64::from(n);
            let weight = (n * (K1 + 1.0) / (n + norm) * 100.0).round() as u32;
            postings
                .entry(term.as_str())
                .or_default()
                .push([doc as u32, weight.max(1)]);
        }
    }
    let mut terms: BTreeMap<&str, Term> = BTreeMap::new();
    for (term, mut p) in postings {
        let df = p.len();
        p.sort_by(|a, b| b[1].cmp(&a[1]).then(a[0].cmp(&b[0])));
        p.truncate(MAX_POSTINGS);
        terms.insert(term, Term { df, p });
    }
    let sized: Vec<(&str, usize)> = terms
        .iter()
        .map(|(t, v)| (*t, t.len() + 8 + 10 * v.p.len()))
        .collect();
    let mut shards: BTreeMap<&str, BTreeMap<&str, Term>> = BTreeMap::new();
    for (prefix, members) in split(&sized, 2) {
        let shard = shards.entry(prefix).or_default();
        for t in members {
            if let Some(v) = terms.remove(t) {
                shard.insert(t, v);
            }
        }
    }
    let mut out: Vec<(String, Vec<u8>)> = Vec::with_capacity(records.len() + shards.len() + 1);
    let names: Vec<&str> = shards.keys().copied().collect();
    let meta =
        serde_json::json!({ "docs": records.len(), "postings": MAX_POSTINGS, "shards": names });
    out.push((format!("{DIR}meta.json"), meta.to_string().into_bytes()));
    out.par_extend(shards.par_iter().map(|(prefix, terms)| {
        (
            format!("{DIR}terms/{}.json", hex(prefix)),
            serde_json::to_vec(terms).unwrap_or_default(),
        )
    }));
    out.par_extend(records.par_iter().enumerate().map(|(i, r)| {
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
            format!("{DIR}docs/{i}.json"),
            serde_json::to_vec(&file).unwrap_or_default(),
        )
    }));
    out.sort();
    out
}

/// Each document's term counts and length, in parallel; title words weigh more.
fn term_counts(records: &[SearchRecord]) -> Vec<(HashMap<String, u32>, u32)> {
    records
        .par_iter()
        .map(|r| {
            let mut tf: HashMap<String, u32> = HashMap::new();
            let mut len = 0;
            for w in words(&r.text) {
                *tf.entry(w).or_default() += 1;
                len += 1;
            }
            for w in words(&r.title) {
                *tf.entry(w).or_default() += TITLE_WEIGHT;
                len += TITLE_WEIGHT;
            }
            (tf, len)
        })
        .collect()
}

/// The words of rendered HTML as plain text: tags dropped (each ends a word), drawings,
/// scripts and styles left out, the common entities decoded, whitespace collapsed.
pub fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let after = &rest[open..];
        let close = after.find('>').map_or(after.len(), |i| i + 1);
        let tag = &after[..close];
        // a chart's SVG and data table are described in words elsewhere on the page
        let skip_to = ["<svg", "<script", "<style"]
            .iter()
            .find(|t| tag.starts_with(**t))
            .and_then(|t| {
                let end = format!("</{}>", &t[1..]);
                after.find(&end).map(|i| i + end.len())
            });
        text.push(' ');
        rest = &after[skip_to.unwrap_or(close)..];
    }
    text.push_str(rest);
    let text = innopress_core::text::decode_entities(&text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_of_drops_tags_and_drawings_and_decodes() {
        assert_eq!(
            text_of(
                "<p>Battery <em>recycling</em> in&nbsp;Vaasa &amp; Pori &#228;</p><svg><text>9</text></svg><ul><li>one</li><li>two</li></ul>"
            ),
            "Battery recycling in Vaasa & Pori ä one two"
        );
        assert_eq!(text_of("a <b"), "a");
    }

    #[test]
    fn accents_fold_as_international_readers_type() {
        let w: Vec<String> =
            words("Jyväskylä, Malmö; São Paulo · Ærøskøbing Łódź Straße \u{1E9E}").collect();
        assert_eq!(
            w,
            [
                "jyvaskyla",
                "malmo",
                "sao",
                "paulo",
                "aeroskobing",
                "lodz",
                "strasse",
                "ss"
            ]
        );
        // written decomposed (a + combining diaeresis), the same word
        assert_eq!(
            words("Jyva\u{308}skyla\u{308}").collect::<Vec<_>>(),
            ["jyvaskyla"]
        );
    }

    #[test]
    fn words_and_shards_match_the_script() {
        let w: Vec<String> = words("Jyväskylä's 5G-pilot, a B").collect();
        assert_eq!(w, ["jyvaskyla", "5g", "pilot"]);
        assert_eq!(hex(head("jyväskylä", 2)), "6a79");
        assert_eq!(hex(head("äöå", 2)), "c3a4c3b6");
        assert_eq!(hex("5g"), "3567");
    }

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
        let got = split(&terms, 2);
        assert_eq!(
            got,
            vec![
                ("ba", vec!["ba"]),
                ("bat", vec!["bat"]),
                ("batt", vec!["batt"]),
                ("be", vec!["be"]),
                ("bz", vec!["bz"])
            ]
        );
    }

    fn record(url: &str, title: &str, text: &str) -> SearchRecord {
        SearchRecord {
            url: url.into(),
            title: title.into(),
            kind: "News",
            date: None,
            text: text.into(),
        }
    }

    #[test]
    fn index_ranks_the_page_that_says_it_most_and_is_deterministic() {
        let records = vec![
            record("news/b/", "Ports", "battery battery battery recycling"),
            record(
                "news/a/",
                "Batteries",
                "a word about a battery among many other words",
            ),
            record("news/c/", "Other", "nothing here"),
        ];
        let files = index(records.clone());
        assert_eq!(files, index(records.into_iter().rev().collect()));
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"search/meta.json"));
        assert!(names.contains(&"search/docs/0.json"));
        let shard: serde_json::Value = serde_json::from_slice(
            &files
                .iter()
                .find(|(n, _)| n == &format!("search/terms/{}.json", hex("ba")))
                .unwrap()
                .1,
        )
        .unwrap();
        // documents sorted by address: news/a/ is 0, news/b/ is 1
        assert_eq!(shard["battery"]["df"], 2);
        assert_eq!(shard["battery"]["p"][0][0], 1, "{shard}");
        assert!(
            shard["batteries"]["p"][0][0] == 0,
            "title words are indexed"
        );
    }
}
