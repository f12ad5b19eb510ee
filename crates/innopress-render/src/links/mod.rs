//! Link checking for `check`, `build` and `newsletter build`: every internal link and
//! `#anchor` resolves to a page, a file or a heading of the site, so a broken link is an
//! error wherever output is written (as in Zola), not only in `check`. Links in Markdown are
//! checked at their source (file:line); links that templates make are checked in the
//! rendered pages, which are scanned as they are rendered. The hint names the nearest page
//! that exists, by address and by title.

use crate::Model;
use innopress_content::content::Site;
use innopress_content::content::model::DocKind;
use innopress_core::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use innopress_core::urls::root_prefix;
use pulldown_cmark::{Event, Parser, Tag};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

mod scan;
pub use scan::{Scanned, Scanner, Scans};

/// Checks the links of the rendered pages (what a [`Scanner`] found on each) against
/// them and `files`; `base_path` is the path of `base_url` (`/innocities/`), which absolute
/// links start with.
pub fn check(site: &Site, scans: &Scans, files: &[String], base_path: &str) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let pages: Vec<&(String, Scanned)> = scans.pages.iter().collect();
    let titles = titles(site);
    let known = Known::new(&scans.pages, files);
    // the addresses a hint chooses from, made only when a link is broken: a register of a
    // million pages needs the room while its links are checked
    let dirs = std::sync::OnceLock::new();
    let hint_for = |p: &Problem| {
        let dirs: &Vec<String> = dirs.get_or_init(|| {
            pages
                .iter()
                .map(|(p, _)| format!("/{}", p.strip_suffix("index.html").unwrap_or(p)))
                .collect()
        });
        hint_for(p, dirs, &titles)
    };
    let seen = Seen {
        known: &known,
        scans,
        hint_for: &hint_for,
    };
    // each document's Markdown, in parallel, its problems kept in document order
    let docs: Vec<&innopress_content::content::model::Document> =
        DocKind::ALL.iter().flat_map(|k| site.docs(*k)).collect();
    let checked: Vec<(String, BTreeSet<String>, Diagnostics)> = docs
        .par_iter()
        .map(|doc| markdown_links(site, doc, base_path, &seen))
        .collect();
    let mut from_markdown: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (page, links, d) in checked {
        diags.extend(d);
        from_markdown.entry(page).or_default().extend(links);
    }
    template_links(&pages, &from_markdown, base_path, &seen, &mut diags);
    diags
}

/// A document's links as written in its Markdown, checked at their source: its page, the
/// form each link takes there (so the page scan skips it), and the problems.
fn markdown_links(
    site: &Site,
    doc: &innopress_content::content::model::Document,
    base_path: &str,
    seen: &Seen,
) -> (String, BTreeSet<String>, Diagnostics) {
    let page = format!("{}index.html", Model::doc_dir(doc));
    let root = root_prefix(&page);
    let mut links = BTreeSet::new();
    let mut diags = Diagnostics::default();
    let opts = innopress_core::markdown::options();
    for (ev, range) in Parser::new_ext(site.body(doc), opts).into_offset_iter() {
        let (Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })) =
            ev
        else {
            continue;
        };
        let url = dest_url.to_string();
        if is_external(&url) {
            continue;
        }
        let rendered = match innopress_core::markdown::site_path(&url, base_path) {
            Some(rest) => format!("{root}{rest}"),
            None => url.clone(),
        };
        if let Some(problem) = resolve(&page, &rendered, seen.known) {
            let span = doc.body.start + range.start..doc.body.start + range.end;
            diags.error(
                site.source(doc.file),
                span,
                format!("broken link `{url}`: {}", problem.message),
                Some((seen.hint_for)(&problem)),
            );
        }
        links.insert(rendered);
    }
    (page, links, diags)
}

/// What the link check knows of the site: the files there are, each page's ids, and how
/// to hint at the right address.
struct Seen<'a> {
    known: &'a Known<'a>,
    scans: &'a Scans,
    hint_for: &'a (dyn Fn(&Problem) -> String + Sync),
}

/// The links the templates made (those not written in a document's Markdown), page by
/// page in parallel, their problems kept in page order.
fn template_links(
    pages: &[&(String, Scanned)],
    from_markdown: &BTreeMap<String, BTreeSet<String>>,
    base_path: &str,
    seen: &Seen,
    diags: &mut Diagnostics,
) {
    let found: Vec<Vec<Diagnostic>> = pages
        .par_iter()
        .map(|p| page_links(&p.0, &p.1, from_markdown.get(&p.0), base_path, seen))
        .collect();
    for d in found.into_iter().flatten() {
        diags.push(d);
    }
}

/// The problems of one page's template links.
fn page_links(
    page: &str,
    found: &Scanned,
    from_markdown: Option<&BTreeSet<String>>,
    base_path: &str,
    seen: &Seen,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for url in seen.scans.links(found) {
        if is_external(url) || from_markdown.is_some_and(|m| m.contains(url)) {
            continue;
        }
        // absolute links (the 404 page's) start with the base path
        let local: std::borrow::Cow<str> = match url.strip_prefix(base_path) {
            Some(rest) if url.starts_with('/') => format!("/{rest}").into(),
            _ => url.into(),
        };
        if let Some(problem) = resolve(page, &local, seen.known) {
            let hint = (seen.hint_for)(&problem);
            out.push(
                Diagnostic::file_error(
                    format!("output/{page}"),
                    format!(
                        "broken link `{url}` made by a template: {}",
                        problem.message
                    ),
                )
                .with_hint(format!("{hint}; look for it in the theme's templates")),
            );
        }
    }
    out
}

/// Where an external link was found: a Markdown span, or a page the templates made.
enum Place {
    Markdown(innopress_core::diagnostics::FileId, std::ops::Range<usize>),
    Page(String),
}

/// `check --external`: every http(s) link to another site, each address fetched once, with
/// at most `parallel` requests at a time and a timeout each. Failures are warnings, since a
/// site that is down today may be back tomorrow (`--deny-warnings` makes them errors).
pub fn check_external(
    site: &Site,
    scans: &Scans,
    base_url: &str,
    parallel: usize,
    timeout: std::time::Duration,
) -> Diagnostics {
    let mut places: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    let opts = innopress_core::markdown::options();
    let mut in_markdown: BTreeSet<String> = BTreeSet::new();
    for kind in DocKind::ALL {
        for doc in site.docs(kind) {
            for (ev, range) in Parser::new_ext(site.body(doc), opts).into_offset_iter() {
                if let Event::Start(Tag::Link { dest_url, .. })
                | Event::Start(Tag::Image { dest_url, .. }) = ev
                {
                    let url = dest_url.to_string();
                    if is_web(&url, base_url) {
                        in_markdown.insert(url.clone());
                        places.entry(url).or_default().push(Place::Markdown(
                            doc.file,
                            doc.body.start + range.start..doc.body.start + range.end,
                        ));
                    }
                }
            }
        }
    }
    for (page, scanned) in &scans.pages {
        for url in scans.links(scanned).map(str::to_string) {
            if is_web(&url, base_url) && !in_markdown.contains(&url) {
                let list = places.entry(url).or_default();
                if list.len() < 3 {
                    list.push(Place::Page(page.clone()));
                }
            }
        }
    }
    let urls: Vec<String> = places.keys().cloned().collect();
    let results = fetch_all(&urls, parallel, timeout);
    let mut diags = Diagnostics::default();
    for (url, problem) in results {
        for place in places.get(&url).into_iter().flatten() {
            let message = format!("external link `{url}` {problem}");
            let hint = "check the address in a browser; fix or remove the link if the page has moved or gone".to_string();
            match place {
                Place::Markdown(file, span) => {
                    diags.warning(site.source(*file), span.clone(), message, Some(hint))
                }
                Place::Page(page) => diags.push(Diagnostic {
                    severity: innopress_core::diagnostics::Severity::Warning,
                    stage: Default::default(),
                    ..Diagnostic::file_error(format!("output/{page}"), message)
                        .with_hint(format!("{hint} (it comes from data or a template)"))
                }),
            }
        }
    }
    diags
}

fn is_web(url: &str, base_url: &str) -> bool {
    (starts_with_ignore_case(url, "http://") || starts_with_ignore_case(url, "https://"))
        && !url.starts_with(base_url)
}

/// Schemes are case-insensitive (`JavaScript:` is `javascript:`).
fn starts_with_ignore_case(url: &str, prefix: &str) -> bool {
    url.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// Fetches every address (HEAD, then GET where HEAD fails), at most `parallel` at a time,
/// each within `timeout`; returns the ones that fail and why, sorted by address. Shows
/// progress on a terminal.
pub fn fetch_all(
    urls: &[String],
    parallel: usize,
    timeout: std::time::Duration,
) -> Vec<(String, String)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent("innopress link check")
        .build()
        .into();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
    // checking many addresses takes a while: show progress on a terminal
    let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
        let b = indicatif::ProgressBar::new(urls.len() as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("checking links {bar:30} {pos}/{len}")
        {
            b.set_style(style);
        }
        b
    });
    std::thread::scope(|scope| {
        for _ in 0..parallel.clamp(1, urls.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(url) = urls.get(i) else { break };
                    if let Some(problem) = fetch(&agent, url) {
                        results
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push((url.clone(), problem));
                    }
                    if let Some(b) = &bar {
                        b.inc(1);
                    }
                }
            });
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut results = results.into_inner().unwrap_or_default();
    results.sort();
    results
}

/// `None` when the address answers with success (after redirects). Some servers refuse
/// HEAD (405, 403, 404): a failed HEAD is tried again as GET.
fn fetch(agent: &ureq::Agent, url: &str) -> Option<String> {
    let status = match agent.head(url).call() {
        Ok(r) if r.status().as_u16() < 400 => Ok(r.status().as_u16()),
        _ => agent.get(url).call().map(|r| r.status().as_u16()),
    };
    match status {
        Ok(code) if code < 400 => None,
        Ok(code) => Some(format!("answers HTTP {code}")),
        Err(ureq::Error::Timeout(_)) => Some("did not answer in time".into()),
        Err(e) => Some(format!("cannot be reached: {e}")),
    }
}

struct Problem {
    message: String,
    target: String,
}

fn is_external(url: &str) -> bool {
    url.is_empty()
        || url.starts_with("//")
        || url.contains("://")
        || ["mailto:", "tel:", "cid:", "data:", "javascript:"]
            .iter()
            .any(|s| starts_with_ignore_case(url, s))
}

/// The files of the rendered site: its pages with their ids, sorted by path, and its other
/// files, sorted; found by halving, not held again in a tree (which cost a million-page
/// register 80 MB more).
struct Known<'a> {
    pages: &'a [(String, Scanned)],
    files: Vec<&'a str>,
}

impl<'a> Known<'a> {
    /// `pages` sorted by path, as [`Scanner::finish`] leaves them.
    fn new(pages: &'a [(String, Scanned)], files: &'a [String]) -> Known<'a> {
        let mut files: Vec<&str> = files.iter().map(String::as_str).collect();
        files.sort_unstable();
        Known { pages, files }
    }

    fn page(&self, path: &str) -> Option<&'a Scanned> {
        let i = self
            .pages
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
            .ok()?;
        Some(&self.pages[i].1)
    }

    fn contains(&self, path: &str) -> bool {
        self.page(path).is_some() || self.files.binary_search(&path).is_ok()
    }
}

/// `None` when `url`, as found on `page`, leads to an existing file (and heading).
fn resolve(page: &str, url: &str, known: &Known) -> Option<Problem> {
    let (path, anchor) = match url.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or("");
    let target = if path.is_empty() {
        page.to_string()
    } else {
        let mut parts: Vec<&str> = if path.starts_with('/') {
            Vec::new()
        } else {
            page.split('/')
                .collect::<Vec<_>>()
                .split_last()
                .map(|(_, dir)| dir.to_vec())
                .unwrap_or_default()
        };
        for seg in path.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Some(Problem {
                            message: "it leads outside the site".into(),
                            target: path.into(),
                        });
                    }
                }
                s => parts.push(s),
            }
        }
        let joined = parts.join("/");
        if path.ends_with('/') || path == "." || joined.is_empty() {
            if joined.is_empty() {
                "index.html".to_string()
            } else {
                format!("{joined}/index.html")
            }
        } else if known.contains(&joined) {
            joined
        } else {
            // `news/a` without the slash is served as the folder's page
            format!("{joined}/index.html")
        }
    };
    if !known.contains(&target) {
        let shown = target
            .strip_suffix("index.html")
            .unwrap_or(&target)
            .to_string();
        return Some(Problem {
            message: format!("there is no page or file `/{shown}` in the site"),
            target: shown,
        });
    }
    if let Some(a) = anchor.filter(|a| !a.is_empty())
        && known.page(&target).is_some_and(|page| !page.has_id(a))
    {
        return Some(Problem {
            message: format!(
                "the page `/{}` has no heading or element with id `{a}`",
                target.strip_suffix("index.html").unwrap_or(&target)
            ),
            target: format!(
                "{}#{a}",
                target.strip_suffix("index.html").unwrap_or(&target)
            ),
        });
    }
    None
}

/// The site's pages by title: (`/news/slug/`, title), for hints.
fn titles(site: &Site) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for kind in DocKind::ALL {
        for d in site.docs(kind) {
            v.push((format!("/{}", Model::doc_dir(d)), d.title().to_string()));
        }
    }
    for p in &site.projects {
        v.push((format!("/projects/{}/", p.id.get_ref()), p.title.clone()));
    }
    for c in &site.cities {
        v.push((format!("/cities/{}/", c.id.get_ref()), c.name.clone()));
    }
    for t in &site.themes {
        v.push((format!("/themes/{}/", t.id.get_ref()), t.name.clone()));
    }
    v
}

/// The page whose title shares the most words with the last part of the address wanted,
/// if it shares at least half of them: `/news/6g-pilots-helsinki/` finds “Helsinki opens
/// its 6G pilots” wherever it is.
fn nearest_by_title<'t>(
    wanted: &str,
    titles: &'t [(String, String)],
) -> Option<&'t (String, String)> {
    let last = wanted
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    let words: BTreeSet<String> = innopress_core::ids::suggest_slug(last)
        .split('-')
        .filter(|w| w.len() > 1)
        .map(str::to_string)
        .collect();
    if words.is_empty() {
        return None;
    }
    let mut best: Option<(usize, &(String, String))> = None;
    for entry in titles {
        let slug = innopress_core::ids::suggest_slug(&entry.1);
        let shared = slug.split('-').filter(|w| words.contains(*w)).count();
        if shared * 2 >= words.len() && best.is_none_or(|(b, _)| shared > b) {
            best = Some((shared, entry));
        }
    }
    best.map(|(_, e)| e)
}

fn hint_for(p: &Problem, dirs: &[String], titles: &[(String, String)]) -> String {
    let wanted = format!("/{}", p.target.split('#').next().unwrap_or(""));
    let by_path = did_you_mean(&wanted, dirs.iter().map(String::as_str));
    let by_title =
        nearest_by_title(&wanted, titles).filter(|(dir, _)| Some(dir.as_str()) != by_path);
    match (by_path, by_title) {
        (Some(near), Some((dir, title))) => {
            format!("the nearest existing page is `{near}`; by title, “{title}” is at `{dir}`")
        }
        (Some(near), None) => {
            let title = titles.iter().find(|(d, _)| d == near).map(|(_, t)| t);
            match title {
                Some(t) => format!("the nearest existing page is “{t}” at `{near}`"),
                None => format!("the nearest existing page is `{near}`"),
            }
        }
        (None, Some((dir, title))) => format!("by title, the nearest page is “{title}” at `{dir}`"),
        (None, None) => "links from the site root look like /news/SLUG/ or /projects/ID/".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_and_root_links() {
        let scanner = Scanner::new("");
        scanner.add("news/a/index.html", "<h2 id=top>");
        scanner.add("index.html", "");
        let scans = scanner.finish();
        let files = vec!["img/x.png".to_string()];
        let known = Known::new(&scans.pages, &files);
        let page = "news/b/index.html";
        assert!(resolve(page, "../a/", &known).is_none());
        assert!(resolve(page, "../a/#top", &known).is_none());
        assert!(
            resolve(page, "../a/#nope", &known)
                .unwrap()
                .message
                .contains("no heading")
        );
        assert!(resolve(page, "../../img/x.png", &known).is_none());
        assert!(
            resolve(page, "../c/", &known)
                .unwrap()
                .message
                .contains("no page")
        );
        assert!(
            resolve(page, "../../../x/", &known)
                .unwrap()
                .message
                .contains("outside")
        );
        assert!(resolve("index.html", "./", &known).is_none());
    }

    #[test]
    fn scans_links_as_a_browser_reads_them() {
        let scans = scan_one(
            "<a href='single.html'>x</a><a href=bare/>y</a><img src=\"a.png?x=1&amp;y=2\">\
             <h2 id=top>t</h2><script>var s = '<a href=\"not-a-link\">';</script>\
             <style>a[href=\"nor-this\"]{}</style><a href=bare/>again</a>\
             <link rel=canonical href=https://site.example/here/>",
        );
        let found = &scans.pages[0].1;
        assert_eq!(
            scans.links(found).collect::<Vec<_>>(),
            ["single.html", "bare/", "a.png?x=1&y=2", "bare/"]
        );
        assert_eq!(scans.texts.len(), 3, "each text is kept once");
        assert!(found.has_id("top"));
        assert!(!found.has_id("to"));
    }

    fn scan_one(html: &str) -> Scans {
        let scanner = Scanner::new("https://site.example/");
        scanner.add("page/index.html", html);
        scanner.finish()
    }

    #[test]
    fn schemes_are_matched_in_any_case() {
        assert!(is_external("JavaScript:alert(1)"));
        assert!(is_external("MAILTO:a@example.org"));
        assert!(is_web("HTTPS://example.org/", "https://site.example/"));
        assert!(!is_web("https://site.example/x", "https://site.example/"));
    }
}
