//! The layout rules of ARCHITECTURE.md, checked on the source itself: each layer crate
//! depends only on crates of a lower layer (Cargo already refuses a cycle; this keeps the
//! order), the site's crates never depend on the mail crate, no source file passes 600
//! lines, no function outside tests passes 80 lines (a command 60), and the libraries
//! return typed errors, never `Result<_, String>`.

use crate::common::repo;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first. A crate may depend on crates of a lower layer only; a new crate
/// gets its place here and in ARCHITECTURE.md.
const LAYERS: &[&[&str]] = &[
    &["innopress-core"],
    &["innopress-images", "innopress-map"],
    &["innopress-content"],
    &["innopress-cms", "innopress-impact"],
    &["innopress-charts", "innopress-collect", "innopress-import"],
    &["innopress-render"],
    &["innopress-mail"],
    &["innopress-build"],
    &["innopress-serve"],
    &["innopress"],
];

/// The crates that make the website: none of them may reach the mail crate.
const SITE: &[&str] = &[
    "innopress-content",
    "innopress-impact",
    "innopress-charts",
    "innopress-render",
];

/// Each package of the workspace (the root's manifest and every `crates/*/Cargo.toml`) with
/// the innopress crates it depends on (not its dev-dependencies).
fn crate_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut manifests = vec![repo().join("Cargo.toml")];
    for e in std::fs::read_dir(repo().join("crates")).unwrap().flatten() {
        manifests.push(e.path().join("Cargo.toml"));
    }
    let mut graph = BTreeMap::new();
    for m in manifests {
        let doc: toml::Table = std::fs::read_to_string(&m).unwrap().parse().unwrap();
        let name = doc["package"]["name"].as_str().unwrap().to_string();
        let deps = doc
            .get("dependencies")
            .and_then(|d| d.as_table())
            .map(|d| {
                d.keys()
                    .filter(|k| k.starts_with("innopress"))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        graph.insert(name, deps);
    }
    graph
}

fn layer(name: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| l.contains(&name))
        .unwrap_or_else(|| panic!("{name} has no layer: add it to LAYERS and ARCHITECTURE.md"))
}

#[test]
fn each_crate_depends_only_on_lower_layers() {
    let graph = crate_graph();
    assert_eq!(
        graph.len(),
        LAYERS.iter().map(|l| l.len()).sum::<usize>(),
        "{:?}",
        graph.keys()
    );
    let mut wrong = Vec::new();
    for (from, deps) in &graph {
        for to in deps {
            if layer(to) >= layer(from) {
                wrong.push(format!(
                    "{from} (layer {}) uses {to} (layer {})",
                    layer(from),
                    layer(to)
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // the test sees the graph: the render crate stands on the charts
    assert!(graph["innopress-render"].contains("innopress-charts"));
}

#[test]
fn the_site_crates_never_reach_the_mail_crate() {
    let graph = crate_graph();
    for site in SITE {
        let mut seen = BTreeSet::new();
        let mut todo = vec![site.to_string()];
        while let Some(c) = todo.pop() {
            for d in &graph[&c] {
                if seen.insert(d.clone()) {
                    todo.push(d.clone());
                }
            }
        }
        assert!(
            !seen.contains("innopress-mail"),
            "{site} reaches the mail crate: {seen:?}"
        );
    }
}

/// Every `.rs` file of the workspace (the binary's `src/` and each crate's `src/`), by path.
fn source_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&repo().join("src"), &mut files);
    for e in std::fs::read_dir(repo().join("crates")).unwrap().flatten() {
        walk(&e.path().join("src"), &mut files);
    }
    files.sort();
    assert!(files.len() > 100, "the test must see the source");
    files
}

/// The library crates' files as (path, text): not the binary's `src/`.
fn library_files() -> Vec<(String, String)> {
    source_files()
        .into_iter()
        .filter(|p| p.starts_with(repo().join("crates")))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let rel = p.strip_prefix(repo()).unwrap().display().to_string();
            (rel, text)
        })
        .collect()
}

#[test]
fn no_source_file_passes_600_lines() {
    let long: Vec<String> = source_files()
        .into_iter()
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .filter(|(_, text)| text.lines().count() > 600)
        .map(|(name, text)| format!("{name}: {} lines", text.lines().count()))
        .collect();
    assert!(long.is_empty(), "{long:?}");
}

/// The text with comments, string and char literals blanked, so paths in docs and messages
/// are not taken for dependencies.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').unwrap_or(rest.len());
            i += end;
        } else if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(rest.len(), |e| e + 2);
            i += end;
        } else if let Some(hashes) = raw_string_start(rest) {
            let close = format!("\"{}", "#".repeat(hashes));
            let body = &rest[2 + hashes..];
            i += 2 + hashes + body.find(&close).map_or(body.len(), |e| e + close.len());
            out.push_str("\"\"");
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\''
            && rest.len() > 2
            && (rest.as_bytes()[2] == b'\'' || rest.as_bytes()[1] == b'\\')
        {
            // a char literal ('a', '\n', '\''), not a lifetime
            let end = rest[1..].find('\'').map_or(1, |e| e + 2);
            let end = if rest.as_bytes()[1] == b'\\' {
                rest[3..].find('\'').map_or(3, |e| e + 4)
            } else {
                end
            };
            i += end;
            out.push_str("' '");
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn raw_string_start(s: &str) -> Option<usize> {
    let rest = s.strip_prefix('r')?;
    let hashes = rest.bytes().take_while(|&c| c == b'#').count();
    (rest.as_bytes().get(hashes) == Some(&b'"')).then_some(hashes)
}

/// Paths named in `code`, each as its segments: `crate::render::{self, Model}` gives
/// `crate render` and `crate render Model`; `use theme::Theme` gives `theme Theme`.
#[test]
fn the_library_returns_no_string_errors() {
    let mut found = Vec::new();
    for (name, text) in library_files() {
        let code: String = code_only(&text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let mut rest = code.as_str();
        while let Some(i) = rest.find("Result<") {
            // `DrawResult<T>` and the like are other types
            let alias = rest[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            rest = &rest[i + 7..];
            if alias {
                continue;
            }
            // the last top-level argument of Result<…>
            let mut depth = 0;
            let mut last = 0;
            let mut end = rest.len();
            for (j, c) in rest.char_indices() {
                match c {
                    '<' | '(' | '[' => depth += 1,
                    '>' | ')' | ']' if depth == 0 => {
                        end = j;
                        break;
                    }
                    '>' | ')' | ']' => depth -= 1,
                    ',' if depth == 0 => last = j + 1,
                    _ => {}
                }
            }
            if last > 0 && rest[last..end].trim() == "String" {
                found.push(format!("{name}: Result<{}>", &rest[..end]));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

/// Every function outside tests as (file, name, lines from `fn` to its closing brace).
fn functions() -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    for path in source_files() {
        let rel = path.strip_prefix(repo()).unwrap().display().to_string();
        if rel.ends_with("/tests.rs") || rel.contains("/tests/") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // a test module closes the file (the house style)
        let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        let code = code_only(text);
        let lines: Vec<&str> = code.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(name) = fn_name(line) else { continue };
            let (mut depth, mut opened) = (0i64, false);
            for (j, l) in lines.iter().enumerate().skip(i) {
                if !opened && l.contains(';') && !l.contains('{') {
                    break; // a declaration without a body
                }
                for c in l.chars() {
                    match c {
                        '{' => (depth, opened) = (depth + 1, true),
                        '}' => depth -= 1,
                        _ => {}
                    }
                }
                if opened && depth <= 0 {
                    out.push((rel.clone(), name.to_string(), j - i + 1));
                    break;
                }
            }
        }
    }
    out
}

/// The name of the function a line declares, if it declares one.
fn fn_name(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    for prefix in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    let rest = rest.strip_prefix("fn ")?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(&rest[..end])
}

#[test]
fn no_function_outside_tests_passes_80_lines_and_no_command_60() {
    let all = functions();
    assert!(
        all.len() > 500,
        "the test must see the functions: {}",
        all.len()
    );
    let long: Vec<String> = all
        .iter()
        .filter(|(file, _, n)| {
            *n > if file.starts_with("src/commands/") {
                60
            } else {
                80
            }
        })
        .map(|(file, name, n)| format!("{file}::{name}: {n} lines"))
        .collect();
    assert!(
        long.is_empty(),
        "split these functions:\n{}",
        long.join("\n")
    );
}
