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
//! A query loads the shard of each of its words and then the documents it shows. The index
//! itself is built as the pages render ([`index::Index`]).

mod index;

pub use index::{Cost, Index, Written};
use innopress_content::content::model::{City, DocKind, Document, Theme};

/// Where the index lives under `output/`.
pub const DIR: &str = "search/";
/// Postings kept per term: a word in more documents than this is nearly a stop word, and
/// its best-scoring documents are the ones worth showing.
const MAX_POSTINGS: usize = 300;
/// Characters of a document's text kept for excerpts.
const MAX_TEXT: usize = 6_000;

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
            url: crate::Model::city_dir(city.id.get_ref()),
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
            url: crate::Model::project_dir(project.id.get_ref()),
            title: project.title.clone(),
            kind: "Project",
            date: None,
            text: text.trim().to_string(),
        }
    }

    /// A theme's record: its name and description.
    pub fn of_theme(theme: &Theme) -> SearchRecord {
        SearchRecord {
            url: crate::Model::theme_dir(theme.id.get_ref()),
            title: theme.name.clone(),
            kind: "Theme",
            date: None,
            text: theme.description.clone(),
        }
    }
}

/// Calls `f` with each word of `text` as the index and `search.js` both cut them: runs of
/// letters and digits, lower-cased and folded (see [`fold`]), at least two characters.
/// One buffer serves every word: the index reads every word of the site this way.
pub fn each_word(text: &str, mut f: impl FnMut(&str)) {
    use unicode_normalization::char::is_combining_mark;
    let mut buf = String::new();
    // a combining accent belongs to its word (text written decomposed); an ASCII character
    // is a letter or digit or neither, with no accent table to look it up in
    let apart = |c: char| {
        if c.is_ascii() {
            !c.is_ascii_alphanumeric()
        } else {
            !(c.is_alphanumeric() || is_combining_mark(c))
        }
    };
    for w in text.split(apart) {
        if w.is_empty() {
            continue;
        }
        buf.clear();
        if w.is_ascii() {
            // folding an ASCII word is lower-casing it
            buf.push_str(w);
            buf.make_ascii_lowercase();
        } else {
            fold_into(w, &mut buf);
        }
        if buf.chars().nth(1).is_some() {
            f(&buf);
        }
    }
}

/// A word as the index keeps it and a query looks for it: lower case without accents
/// (`Jyväskylä` → `jyvaskyla`, `Malmö` → `malmo`, `São` → `sao`), and the letters that
/// are not an accented letter written as international readers type them (`ø` → `o`,
/// `æ` → `ae`, `ß` → `ss`, `ł` → `l`). `search.js` folds the same way.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// [`fold`], onto the end of `out`.
fn fold_into(word: &str, out: &mut String) {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
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
}

/// A shard's name: its prefix's UTF-8 bytes in hex (safe in any file system, and a prefix
/// of a word's hex is the hex of a prefix of the word).
pub fn hex(prefix: &str) -> String {
    hex::encode(prefix)
}

/// The words of rendered HTML as plain text: tags dropped (each ends a word), drawings,
/// scripts and styles left out, the common entities decoded, whitespace collapsed.
pub fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len() / 2);
    // each run of text between tags, decoded, its words added with one space between them
    let mut add = |run: &str| {
        let decoded = if run.contains('&') {
            std::borrow::Cow::Owned(innopress_core::text::decode_entities(run))
        } else {
            std::borrow::Cow::Borrowed(run)
        };
        for word in decoded.split_whitespace() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(word);
        }
    };
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        add(&rest[..open]);
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
        rest = &after[skip_to.unwrap_or(close)..];
    }
    add(rest);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of `text` cut and folded the plain way, one string each: what
    /// [`each_word`] must agree with.
    fn words(text: &str) -> impl Iterator<Item = String> + '_ {
        use unicode_normalization::char::is_combining_mark;
        text.split(|c: char| !(c.is_alphanumeric() || is_combining_mark(c)))
            .map(fold)
            .filter(|w| w.chars().nth(1).is_some())
    }

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
        assert_eq!(hex("jy"), "6a79");
        assert_eq!(hex("äö"), "c3a4c3b6");
        assert_eq!(hex("5g"), "3567");
    }

    #[test]
    fn each_word_cuts_and_folds_as_words_does() {
        for text in [
            "Jyväskylä's 5G-pilot, a B; São Paulo ÆRØ Straße Jyva\u{308}skyla\u{308} x ÉCOLE",
            "Plain ASCII: 5G-pilots, a B; Tampere_Region x--y 2024 ~ Zz.",
        ] {
            let mut got = Vec::new();
            each_word(text, |w| got.push(w.to_string()));
            assert_eq!(got, words(text).collect::<Vec<_>>());
        }
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

    type Files = std::collections::BTreeMap<String, Vec<u8>>;

    /// The files of an index of `records`, added in the order given.
    fn files(records: &[SearchRecord]) -> (Index, Files) {
        let out = std::sync::Mutex::new(Files::new());
        let mut index = Index::new(records.iter().map(|r| r.url.clone()).collect());
        let sink = |path: &str, bytes: &[u8]| {
            out.lock().unwrap().insert(path.to_string(), bytes.to_vec());
            Ok(())
        };
        for r in records {
            let (path, bytes) = index.add(r).unwrap();
            sink(&path, &bytes).unwrap();
        }
        index.write(&sink, None).unwrap();
        (index, out.into_inner().unwrap())
    }

    fn battery_records() -> Vec<SearchRecord> {
        vec![
            record("news/b/", "Ports", "battery battery battery recycling"),
            record(
                "news/a/",
                "Batteries",
                "a word about a battery among many other words",
            ),
            record("news/c/", "Other", "nothing here"),
        ]
    }

    #[test]
    fn index_ranks_the_page_that_says_it_most_and_is_deterministic() {
        let records = battery_records();
        let (_, files) = files(&records);
        let reversed: Vec<SearchRecord> = records.into_iter().rev().collect();
        assert_eq!(files, self::files(&reversed).1);
        assert!(files.contains_key("search/meta.json"));
        assert!(files.contains_key("search/docs/0.json"));
        let shard: serde_json::Value =
            serde_json::from_slice(&files[&format!("search/terms/{}.json", hex("ba"))]).unwrap();
        // documents sorted by address: news/a/ is 0, news/b/ is 1
        assert_eq!(shard["battery"]["df"], 2);
        assert_eq!(shard["battery"]["p"][0][0], 1, "{shard}");
        assert!(
            shard["batteries"]["p"][0][0] == 0,
            "title words are indexed"
        );
    }

    #[test]
    fn an_edit_rewrites_only_its_words_shards_and_equals_a_fresh_index() {
        let records = battery_records();
        let (mut index, mut served) = files(&records);
        let edited = record("news/c/", "Other", "batteries and zebras here");
        let mut touched = std::collections::BTreeSet::new();
        let (path, bytes) = index.replace(&edited, &mut touched).unwrap();
        let rewritten = std::sync::Mutex::new(Files::new());
        let sink = |path: &str, bytes: &[u8]| {
            rewritten
                .lock()
                .unwrap()
                .insert(path.to_string(), bytes.to_vec());
            Ok(())
        };
        let written = index.write(&sink, Some(&touched)).unwrap();
        let rewritten = rewritten.into_inner().unwrap();
        assert!(!rewritten.contains_key(&format!("search/terms/{}.json", hex("re"))));
        assert!(rewritten.contains_key(&format!("search/terms/{}.json", hex("ze"))));
        served.insert(path, bytes);
        served.extend(rewritten);
        for gone in written.removed {
            served.remove(&gone);
        }
        let mut fresh = records;
        fresh[2] = edited;
        assert_eq!(served, files(&fresh).1);
    }
}
