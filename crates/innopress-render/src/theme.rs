//! The theme: tera templates and static assets. The default theme is embedded in the binary;
//! any file in the site's own `themes/default/` replaces the embedded file of the same name.

use include_dir::{Dir, include_dir};
use innopress_core::diagnostics::{Diagnostic, Diagnostics, SourceFile, did_you_mean};
use innopress_core::strings::{BUILTIN, Strings};
use innopress_core::text::{error_chain, escape_html};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use tera::Tera;

static DEFAULT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../themes/default");

pub struct Theme {
    pub tera: Tera,
    /// The words of `strings.toml`, the site's overrides applied.
    pub strings: Strings,
    /// Files for `output/assets/`, by name, sorted.
    pub assets: BTreeMap<String, Cow<'static, [u8]>>,
}

/// Loads the embedded theme with the site's overrides from `root/themes/default/`.
pub fn load(root: &Path) -> Result<Theme, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut templates: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut assets: BTreeMap<String, Cow<'static, [u8]>> = BTreeMap::new();
    for (rel, bytes) in embedded_files() {
        if let Some(name) = rel.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(bytes).into_owned();
            templates.insert(name.to_string(), (format!("(built-in theme) {rel}"), text));
        } else if let Some(name) = rel.strip_prefix("static/") {
            assets.insert(name.to_string(), Cow::Borrowed(bytes));
        }
    }
    let dir = root.join("themes/default");
    for (sub, is_template) in [("templates", true), ("static", false)] {
        for rel in list_recursive(&dir.join(sub)) {
            let shown = format!("themes/default/{sub}/{rel}");
            let bytes = match std::fs::read(dir.join(sub).join(&rel)) {
                Ok(b) => b,
                Err(e) => {
                    diags.push(Diagnostic::file_error(&shown, format!("cannot read: {e}")));
                    continue;
                }
            };
            if is_template {
                match String::from_utf8(bytes) {
                    Ok(text) => {
                        templates.insert(rel, (shown, text));
                    }
                    Err(_) => diags.push(
                        Diagnostic::file_error(&shown, "template is not valid UTF-8")
                            .with_hint("save it with UTF-8 encoding"),
                    ),
                }
            } else {
                assets.insert(rel, Cow::Owned(bytes));
            }
        }
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    let raw: Vec<(&str, &str)> = templates
        .iter()
        .map(|(name, (_, text))| (name.as_str(), text.as_str()))
        .collect();
    if let Err(e) = tera.add_raw_templates(raw) {
        diags.push(template_error(&e, &templates));
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let strings = load_strings(root, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    // every number from here on is written the site's way
    innopress_core::numbers::set(
        strings
            .number_style()
            .unwrap_or(innopress_core::numbers::NumberStyle::ENGLISH),
    );
    Ok(Theme {
        tera,
        strings,
        assets,
    })
}

/// A template that does not parse, at its file, line and column: tera names the template
/// it failed on, and the name is mapped back to the file.
fn template_error(e: &tera::Error, templates: &BTreeMap<String, (String, String)>) -> Diagnostic {
    let chain = error_chain(e);
    let shown = templates
        .iter()
        .find(|(name, _)| chain.contains(&format!("'{name}'")))
        .map(|(_, (shown, _))| shown.clone())
        .unwrap_or_else(|| "themes/default/templates".into());
    let (line, column) = tera_position(&chain).unwrap_or((1, 1));
    let message = chain
        .replace('\n', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Diagnostic {
        line,
        column,
        ..Diagnostic::file_error(shown, format!("template error: {message}"))
            .with_hint("fix the template syntax; see https://keats.github.io/tera/docs/")
    }
}

/// tera reports parse errors as `--> LINE:COLUMN`.
fn tera_position(message: &str) -> Option<(usize, usize)> {
    let rest = message.split("--> ").nth(1)?;
    let mut it = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty());
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// A hash of the theme built into this binary, so a new binary invalidates build caches.
pub fn embedded_fingerprint() -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (path, bytes) in embedded_files() {
        h.update(path.as_bytes());
        h.update(bytes);
    }
    hex::encode(&h.finalize()[..16])
}

fn embedded_files() -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    let mut stack: Vec<&'static Dir<'static>> = vec![&DEFAULT];
    while let Some(dir) = stack.pop() {
        for f in dir.files() {
            out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents()));
        }
        stack.extend(dir.dirs());
    }
    out.sort();
    out
}

fn list_recursive(dir: &Path) -> Vec<String> {
    // a link in a theme is skipped like one in content/static/, without a warning
    innopress_content::content::list_tree(dir, |_, _| {})
}

/// The built-in `strings.toml` with the site's `themes/default/strings.toml` laid over it
/// key by key. Unknown keys and values of the wrong kind are errors at their line.
fn load_strings(root: &Path, diags: &mut Diagnostics) -> Strings {
    let rel = "themes/default/strings.toml";
    let src = match innopress_content::content::read_source(root, rel) {
        None => return Strings::builtin(),
        Some(Err(d)) => {
            diags.push(d);
            return Strings::builtin();
        }
        Some(Ok(src)) => src,
    };
    let site: toml::Table = match toml::from_str(&src.text) {
        Ok(t) => t,
        Err(e) => {
            diags.error(
                &src,
                e.span().unwrap_or(0..0),
                format!("not valid TOML: {}", e.message()),
                Some("strings are written key = \"text\", under [section] headers as in the built-in file".to_string()),
            );
            return Strings::builtin();
        }
    };
    let Ok(mut merged) = toml::from_str::<toml::Table>(BUILTIN) else {
        return Strings::builtin();
    };
    let before = diags.error_count();
    overlay(&mut merged, site, "", &src, diags);
    if diags.error_count() > before {
        return Strings::builtin();
    }
    match toml::Value::Table(merged).try_into::<Strings>() {
        Ok(s) if s.months.len() == 12 && s.number_style().is_some() => s,
        Ok(s) if s.months.len() == 12 => {
            diags.error(
                &src,
                key_span(&src, "numbers"),
                format!(
                    "numbers = \"{}\" is not a way of writing 1234.5 that innopress knows",
                    s.numbers
                ),
                Some(format!(
                    "write 1234.5 as the site writes it: {}",
                    innopress_core::numbers::EXAMPLES
                )),
            );
            Strings::builtin()
        }
        Ok(_) => {
            diags.error(
                &src,
                key_span(&src, "months"),
                "months must name the twelve months, January first",
                None,
            );
            Strings::builtin()
        }
        Err(e) => {
            diags.push(Diagnostic::file_error(rel, e.to_string()));
            Strings::builtin()
        }
    }
}

/// Lays `over` onto `base`, key by key, checking each key exists in `base` with a value of
/// the same kind. `at` is the dotted path so far, for messages.
fn overlay(
    base: &mut toml::Table,
    over: toml::Table,
    at: &str,
    src: &SourceFile,
    diags: &mut Diagnostics,
) {
    for (key, value) in over {
        let path = if at.is_empty() {
            key.clone()
        } else {
            format!("{at}.{key}")
        };
        let Some(old) = base.get_mut(&key) else {
            let hint = match did_you_mean(&key, base.keys().map(String::as_str)) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "the keys here are: {}",
                    base.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            };
            diags.error(
                src,
                key_span(src, &key),
                format!("unknown string `{path}`"),
                Some(hint),
            );
            continue;
        };
        match (old, value) {
            (toml::Value::Table(old), toml::Value::Table(new)) => {
                overlay(old, new, &path, src, diags)
            }
            (old, new) if old.same_type(&new) => *old = new,
            (old, _) => diags.error(
                src,
                key_span(src, &key),
                format!("`{path}` must be {}", with_article(old.type_str())),
                Some("see the built-in themes/default/strings.toml for its form".to_string()),
            ),
        }
    }
}

/// Where `key` is first written as a key (`key =`), for the messages above.
fn key_span(src: &SourceFile, key: &str) -> std::ops::Range<usize> {
    let mut from = 0;
    while let Some(i) = src.text[from..].find(key) {
        let at = from + i;
        let line_start = src.text[..at].rfind('\n').map_or(0, |n| n + 1);
        let after = src.text[at + key.len()..].trim_start();
        if src.text[line_start..at].trim().is_empty() && after.starts_with('=') {
            return at..at + key.len();
        }
        from = at + key.len();
    }
    0..0
}

/// "a string", "an array".
fn with_article(kind: &str) -> String {
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {kind}")
}
