//! Reading the rendered pages for the link check: each page's links and ids as it is
//! rendered, the link texts kept once for the whole site.

use rustc_hash::FxHashMap;
use std::sync::Mutex;

/// What the link checker needs of a page: its `href` and `src` values, as numbers of the
/// texts its [`Scans`] keeps once for the whole site (most of a page's links, its menus, its
/// city and theme, are on thousands of other pages), and its `id`s, one string with each
/// ended by NUL (which no value read holds: the tokenizer replaces it, the quick scan leaves
/// such a page to the tokenizer). A page of a million-project register costs about 100
/// bytes here rather than 400.
#[derive(Default)]
pub struct Scanned {
    links: Box<[u32]>,
    ids: String,
}

impl Scanned {
    pub fn has_id(&self, id: &str) -> bool {
        self.ids.split_terminator('\0').any(|i| i == id)
    }
}

/// Every page's links and ids (path, [`Scanned`]), and the link texts they share.
#[derive(Default)]
pub struct Scans {
    pub pages: Vec<(String, Scanned)>,
    pub(super) texts: Vec<Box<str>>,
}

impl Scans {
    /// The `href` and `src` values of a page, in order.
    pub fn links<'a>(&'a self, page: &'a Scanned) -> impl Iterator<Item = &'a str> {
        page.links
            .iter()
            .filter_map(|&n| self.texts.get(n as usize).map(|t| &**t))
    }
}

/// Reads pages as they are rendered, from many threads at once, into [`Scans`]. Links to
/// the site's own absolute address (`base_url`, as in its canonical and sharing tags) are
/// left out: neither check follows them.
pub struct Scanner {
    own: String,
    state: Mutex<Read>,
}

/// What a [`Scanner`] has read so far: each link text and its number, and the pages.
type Read = (FxHashMap<Box<str>, u32>, Vec<(String, Scanned)>);

impl Scanner {
    pub fn new(base_url: &str) -> Scanner {
        Scanner {
            own: base_url.to_string(),
            state: Mutex::default(),
        }
    }

    /// Reads the links and ids of the page at `path`, read by
    /// [`innopress_core::html::start_attrs`].
    pub fn add(&self, path: &str, html: &str) {
        // the values read (some decoded, so not slices of the page), each ended by NUL
        let mut links = String::new();
        let mut ids = String::new();
        innopress_core::html::start_attrs(html, &["href", "src", "id"], |name, value| {
            let list = if name == "id" {
                &mut ids
            } else if self.own.is_empty() || !value.starts_with(&self.own) {
                &mut links
            } else {
                return;
            };
            list.push_str(value);
            list.push('\0');
        });
        ids.shrink_to_fit();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (texts, pages) = &mut *state;
        let links = links
            .split_terminator('\0')
            .map(|l| match texts.get(l) {
                Some(&n) => n,
                None => {
                    let n = texts.len() as u32;
                    texts.insert(l.into(), n);
                    n
                }
            })
            .collect();
        pages.push((path.to_string(), Scanned { links, ids }));
    }

    /// What was read, pages by path.
    pub fn finish(self) -> Scans {
        let (texts, mut pages) = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        pages.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut by_number: Vec<Box<str>> = vec![Box::default(); texts.len()];
        for (text, n) in texts {
            by_number[n as usize] = text;
        }
        Scans {
            pages,
            texts: by_number,
        }
    }
}
