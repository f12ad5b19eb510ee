//! The layout rules of ARCHITECTURE.md, checked on the source itself: module dependencies
//! form no cycle (a module that uses another is never used back, directly or through
//! others), no source file passes 600 lines, and the library returns typed errors, never
//! `Result<_, String>`.

use crate::common::repo;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `.rs` file under `src/` as (module path, text): `src/render/site/mod.rs` is
/// `render::site`, `src/lib.rs` is `crate`; the binary's files are under `bin`.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let src = repo().join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut out = BTreeMap::new();
    for f in files {
        let rel = f
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let rel = rel.trim_end_matches(".rs");
        let mut parts: Vec<&str> = rel.split('/').collect();
        if parts.last() == Some(&"mod") {
            parts.pop();
        }
        let name = match parts.as_slice() {
            ["lib"] => "crate".to_string(),
            ["main"] => "bin".to_string(),
            ["cli"] | ["commands", ..] => format!("bin::{}", parts.join("::")),
            _ => parts.join("::"),
        };
        out.insert(name, std::fs::read_to_string(&f).unwrap());
    }
    out
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
fn paths(code: &str) -> Vec<Vec<String>> {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if is_ident(chars[i]) && (i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':')) {
            let (segments, end) = path_at(&chars, i, &mut out);
            if segments.len() > 1 {
                out.push(segments);
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// Reads `a::b::{c, d::e}` from `start`; groups add their expansions to `all`.
fn path_at(chars: &[char], start: usize, all: &mut Vec<Vec<String>>) -> (Vec<String>, usize) {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut segments = Vec::new();
    let mut i = start;
    loop {
        let s = i;
        while i < chars.len() && is_ident(chars[i]) {
            i += 1;
        }
        segments.push(chars[s..i].iter().collect::<String>());
        if chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':') {
            i += 2;
            if chars.get(i) == Some(&'{') {
                i += 1;
                loop {
                    while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
                        i += 1;
                    }
                    if i >= chars.len() || chars[i] == '}' {
                        return (segments, i + 1);
                    }
                    if !is_ident(chars[i]) {
                        i += 1;
                        continue;
                    }
                    let (inner, end) = path_at(chars, i, all);
                    let mut full = segments.clone();
                    full.extend(inner.into_iter().filter(|s| s != "self"));
                    all.push(full);
                    i = end;
                }
            }
            if !chars.get(i).is_some_and(|&c| is_ident(c)) {
                return (segments, i);
            }
        } else {
            return (segments, i);
        }
    }
}

/// The module a path names from inside `module`, if it is one of `known` (the longest one).
/// In the binary (`bin::…`), `crate::` is the binary's root; the library (`innopress::`) is
/// left out, since it never uses the binary.
fn resolve(
    module: &str,
    path: &[String],
    known: &BTreeSet<String>,
    children: &BTreeSet<String>,
) -> Option<String> {
    let own: Vec<String> = module.split("::").map(str::to_string).collect();
    let in_bin = module == "bin" || module.starts_with("bin::");
    let mut base: Vec<String> = match path[0].as_str() {
        "crate" if in_bin => vec!["bin".to_string()],
        "crate" => Vec::new(),
        "self" => own.clone(),
        "super" => {
            let ups = path.iter().take_while(|s| *s == "super").count();
            own[..own.len().saturating_sub(ups)].to_vec()
        }
        first if children.contains(first) => own.clone(),
        _ => return None,
    };
    let mut best = None;
    if !base.is_empty() && known.contains(&base.join("::")) {
        best = Some(base.join("::"));
    }
    let rest = path
        .iter()
        .skip_while(|s| *s == "crate" || *s == "self" || *s == "super");
    for seg in rest {
        base.push(seg.clone());
        let name = base.join("::");
        if known.contains(&name) {
            best = Some(name);
        }
    }
    best
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mods = modules();
    let known: BTreeSet<String> = mods.keys().cloned().collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, text) in &mods {
        if name == "crate" || name == "bin" {
            continue;
        }
        let code = code_only(text);
        let children: BTreeSet<String> = code
            .lines()
            .filter_map(|l| {
                let l = l
                    .trim_start()
                    .trim_start_matches("pub ")
                    .trim_start_matches("pub(crate) ");
                l.strip_prefix("mod ")
                    .map(|m| m.trim_end_matches(';').trim().to_string())
            })
            .collect();
        for p in paths(&code) {
            if let Some(to) = resolve(name, &p, &known, &children)
                && to != *name
                && to != "crate"
            {
                edges.entry(name.clone()).or_default().insert(to);
            }
        }
    }
    edges
}

#[test]
fn the_module_graph_has_no_cycle() {
    let edges = graph();
    // the modules the path parser must see, so the test cannot pass by seeing nothing
    assert!(
        edges["render::site"].contains("render::model"),
        "{:?}",
        edges["render::site"]
    );
    assert!(edges["pipeline"].contains("render::site"));
    assert!(edges["render::site::documents"].contains("render::view"));
    let mut cycles = Vec::new();
    // depth-first search; a back edge is a cycle
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        cycles: &mut Vec<String>,
    ) {
        if let Some(at) = stack.iter().position(|s| s == n) {
            let mut c = stack[at..].to_vec();
            c.push(n.to_string());
            cycles.push(c.join(" → "));
            return;
        }
        if !done.insert(n.to_string()) {
            return;
        }
        stack.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            visit(m, edges, stack, done, cycles);
        }
        stack.pop();
    }
    let mut done = BTreeSet::new();
    for n in edges.keys() {
        visit(n, &edges, &mut Vec::new(), &mut done, &mut cycles);
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn no_source_file_passes_600_lines() {
    let long: Vec<String> = modules()
        .into_iter()
        .filter(|(_, text)| text.lines().count() > 600)
        .map(|(name, text)| format!("{name}: {} lines", text.lines().count()))
        .collect();
    assert!(long.is_empty(), "{long:?}");
}

#[test]
fn the_library_returns_no_string_errors() {
    let mut found = Vec::new();
    for (name, text) in modules() {
        if name.starts_with("bin") {
            continue;
        }
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

#[test]
#[ignore = "prints the module graph: cargo test --test integration print_graph -- --ignored --nocapture"]
fn print_graph() {
    for (from, to) in graph() {
        println!(
            "{from} -> {}",
            to.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
}
