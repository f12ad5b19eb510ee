//! Link checking for `check`: every internal link and `#anchor` resolves to a page, a file or
//! a heading of the site. Links in Markdown are checked at their source (file:line); links
//! that templates make are checked in the rendered pages. The hint names the nearest page
//! that exists.

use crate::content::Site;
use crate::content::model::DocKind;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::render::Model;
use crate::render::urls::root_prefix;
use pulldown_cmark::{Event, Options, Parser, Tag};
use std::collections::{BTreeMap, BTreeSet};

/// Checks the links of the rendered `pages` (path → HTML) against them and `files`;
/// `base_path` is the path of `base_url` (`/innocities/`), which absolute links start with.
pub fn check(
    site: &Site,
    pages: &[(String, String)],
    files: &[String],
    base_path: &str,
) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let ids: BTreeMap<&str, BTreeSet<&str>> = pages
        .iter()
        .map(|(p, html)| (p.as_str(), ids_of(html)))
        .collect();
    let mut existing: BTreeSet<&str> = pages.iter().map(|(p, _)| p.as_str()).collect();
    existing.extend(files.iter().map(String::as_str));
    let dirs: Vec<String> = pages
        .iter()
        .map(|(p, _)| format!("/{}", p.strip_suffix("index.html").unwrap_or(p)))
        .collect();
    let mut from_markdown: BTreeSet<(String, String)> = BTreeSet::new();

    for kind in DocKind::ALL {
        for doc in site.docs(kind) {
            let page = format!("{}index.html", Model::doc_dir(doc));
            let root = root_prefix(&page);
            let body = site.body(doc);
            let opts = Options::ENABLE_TABLES
                | Options::ENABLE_FOOTNOTES
                | Options::ENABLE_STRIKETHROUGH
                | Options::ENABLE_HEADING_ATTRIBUTES;
            for (ev, range) in Parser::new_ext(body, opts).into_offset_iter() {
                let (Event::Start(Tag::Link { dest_url, .. })
                | Event::Start(Tag::Image { dest_url, .. })) = ev
                else {
                    continue;
                };
                let url = dest_url.to_string();
                if is_external(&url) {
                    continue;
                }
                // the form the link takes on the page, so the page scan below skips it
                let rendered = match url.strip_prefix('/') {
                    Some(rest) if !rest.starts_with('/') => format!("{root}{rest}"),
                    _ => url.clone(),
                };
                from_markdown.insert((page.clone(), rendered.clone()));
                if let Some(problem) = resolve(&page, &rendered, &existing, &ids) {
                    let span = doc.body.start + range.start..doc.body.start + range.end;
                    let hint = hint_for(&problem, &dirs);
                    diags.error(
                        site.source(doc.file),
                        span,
                        format!("broken link `{url}`: {}", problem.message),
                        Some(hint),
                    );
                }
            }
        }
    }

    for (page, html) in pages {
        for url in links_in(html) {
            if is_external(url) || from_markdown.contains(&(page.clone(), url.to_string())) {
                continue;
            }
            // absolute links (the 404 page's) start with the base path
            let local = match url.strip_prefix(base_path) {
                Some(rest) if url.starts_with('/') => format!("/{rest}"),
                _ => url.to_string(),
            };
            if let Some(problem) = resolve(page, &local, &existing, &ids) {
                let hint = hint_for(&problem, &dirs);
                diags.push(
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
    }
    diags
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
            .any(|s| url.starts_with(s))
}

/// `None` when `url`, as found on `page`, leads to an existing file (and heading).
fn resolve(
    page: &str,
    url: &str,
    existing: &BTreeSet<&str>,
    ids: &BTreeMap<&str, BTreeSet<&str>>,
) -> Option<Problem> {
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
        } else if existing.contains(joined.as_str()) {
            joined
        } else {
            // `news/a` without the slash is served as the folder's page
            format!("{joined}/index.html")
        }
    };
    if !existing.contains(target.as_str()) {
        let shown = target
            .strip_suffix("index.html")
            .unwrap_or(&target)
            .to_string();
        return Some(Problem {
            message: format!("there is no page or file `/{shown}` in the site"),
            target: shown,
        });
    }
    if let Some(a) = anchor.filter(|a| !a.is_empty()) {
        let known = ids.get(target.as_str());
        if known.is_some_and(|ids| !ids.contains(a)) {
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
    }
    None
}

fn hint_for(p: &Problem, dirs: &[String]) -> String {
    let wanted = format!("/{}", p.target.split('#').next().unwrap_or(""));
    match did_you_mean(&wanted, dirs.iter().map(String::as_str)) {
        Some(near) => format!("the nearest existing page is `{near}`"),
        None => "links from the site root look like /news/SLUG/ or /projects/ID/".into(),
    }
}

fn ids_of(html: &str) -> BTreeSet<&str> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

fn links_in(html: &str) -> impl Iterator<Item = &str> {
    ["href=\"", "src=\""]
        .into_iter()
        .flat_map(move |attr| html.split(attr).skip(1).filter_map(|s| s.split('"').next()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_and_root_links() {
        let existing: BTreeSet<&str> = ["index.html", "news/a/index.html", "img/x.png"]
            .into_iter()
            .collect();
        let mut ids = BTreeMap::new();
        ids.insert(
            "news/a/index.html",
            ["top"].into_iter().collect::<BTreeSet<&str>>(),
        );
        let page = "news/b/index.html";
        assert!(resolve(page, "../a/", &existing, &ids).is_none());
        assert!(resolve(page, "../a/#top", &existing, &ids).is_none());
        assert!(
            resolve(page, "../a/#nope", &existing, &ids)
                .unwrap()
                .message
                .contains("no heading")
        );
        assert!(resolve(page, "../../img/x.png", &existing, &ids).is_none());
        assert!(
            resolve(page, "../c/", &existing, &ids)
                .unwrap()
                .message
                .contains("no page")
        );
        assert!(
            resolve(page, "../../../x/", &existing, &ids)
                .unwrap()
                .message
                .contains("outside")
        );
        assert!(resolve("index.html", "./", &existing, &ids).is_none());
    }
}
