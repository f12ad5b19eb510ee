//! The theme: tera templates and static assets. The default theme is embedded in the binary;
//! any file in the site's own `themes/default/` replaces the embedded file of the same name.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::text::{error_chain, escape_html};
use include_dir::{Dir, include_dir};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use tera::Tera;

static DEFAULT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub struct Theme {
    pub tera: Tera,
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
        // tera names the template it failed on; map it back to the file
        let chain = error_chain(&e);
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
        diags.push(Diagnostic {
            line,
            column,
            ..Diagnostic::file_error(shown, format!("template error: {message}"))
                .with_hint("fix the template syntax; see https://keats.github.io/tera/docs/")
        });
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Theme { tera, assets })
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
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
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
    crate::content::list_tree(dir, |_| {})
}
