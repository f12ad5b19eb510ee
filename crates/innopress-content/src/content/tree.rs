//! The files of a folder as a sorted list, never following a symbolic link: what
//! `content/static/` publishes, and what other folders hold; the files of a data or
//! document folder, and warnings for what innopress does not read there.

use innopress_core::diagnostics::{Diagnostic, Diagnostics};
use std::path::Path;

/// Every regular file below `content/static/`, recursively. Symbolic links are skipped with
/// a warning, `content/static` itself too: following them could publish files from outside
/// the site (a key in a home folder).
pub(super) fn list_static(dir: &Path, diags: &mut Diagnostics) -> Vec<String> {
    let warn = |diags: &mut Diagnostics, path: String, message: &str, hint: &str| {
        diags.push(
            Diagnostic {
                severity: innopress_core::diagnostics::Severity::Warning,
                stage: Default::default(),
                ..Diagnostic::file_error(path, message)
            }
            .with_hint(hint),
        )
    };
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        warn(
            diags,
            "content/static".into(),
            "symbolic link skipped: nothing in it is published",
            "make content/static a real folder and copy the files to publish into it",
        );
        return Vec::new();
    }
    list_tree(dir, |child, skipped| match skipped {
        Skipped::Link => warn(
            diags,
            format!("content/static/{child}"),
            "symbolic link skipped",
            "copy the file into content/static/ instead of linking it",
        ),
        Skipped::NotUtf8 => warn(
            diags,
            format!("content/static/{child}"),
            "skipped: the name is not valid UTF-8",
            "rename the file; web addresses are UTF-8",
        ),
    })
}

/// Why [`list_tree`] passed over an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// A symbolic link: never followed.
    Link,
    /// A name that is not UTF-8 (shown with replacement characters).
    NotUtf8,
}

/// Every file below `dir` as a sorted `/`-separated relative path, hidden entries left out.
/// Symbolic links are never followed (so no link can lead outside the folder), and names
/// that are not UTF-8 cannot be published; each such entry is passed to `on_skipped`.
pub fn list_tree(dir: &Path, mut on_skipped: impl FnMut(&str, Skipped)) -> Vec<String> {
    let hidden =
        |e: &walkdir::DirEntry| e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| !hidden(e))
        .flatten()
    {
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let utf8 = rel.to_str().is_some();
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let kind = entry.file_type();
        if kind.is_symlink() {
            on_skipped(&rel, Skipped::Link);
        } else if !utf8 {
            on_skipped(&rel, Skipped::NotUtf8);
        } else if kind.is_file() {
            out.push(rel);
        }
    }
    out.sort();
    out
}

/// Files with extension `ext` directly in folder `rel`, sorted by name, as paths relative to
/// the root. Other files there get a warning, since they are probably misplaced.
pub(super) fn list_files(
    root: &Path,
    rel: &str,
    ext: &str,
    diags: &mut Diagnostics,
) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            diags.push(
                Diagnostic {
                    severity: innopress_core::diagnostics::Severity::Warning,
                    stage: Default::default(),
                    ..Diagnostic::file_error(
                        format!("{rel}/{}", entry.file_name().to_string_lossy()),
                        "ignored: the file name is not valid UTF-8",
                    )
                }
                .with_hint("rename the file (its name becomes a web address)"),
            );
            continue;
        };
        // hidden files, the rejected rows `innopress import` writes beside its output, and
        // the records of sent and frozen documents (read with their documents)
        if name.starts_with('.')
            || name.ends_with(".rejects.csv")
            || name.ends_with(".sent.toml")
            || name.ends_with(".frozen.toml")
        {
            continue;
        }
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && name.ends_with(&format!(".{ext}")) {
            out.push(format!("{rel}/{name}"));
        } else {
            diags.push(
                Diagnostic {
                    severity: innopress_core::diagnostics::Severity::Warning,
                    stage: Default::default(),
                    ..Diagnostic::file_error(
                        format!("{rel}/{name}"),
                        "ignored: not a .".to_string() + ext + " file",
                    )
                }
                .with_hint(format!(
                    "only `*.{ext}` files directly in `{rel}/` are read"
                )),
            );
        }
    }
    out.sort();
    out
}

/// A warning for each entry of `dir` that is neither `known` nor `also` (with the
/// nearest name, if one is near).
pub(super) fn warn_unknown_entries(
    dir: &Path,
    rel: &str,
    known: &[&str],
    also: &[&str],
    diags: &mut Diagnostics,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    for name in names {
        if known.contains(&name.as_str()) || also.contains(&name.as_str()) {
            continue;
        }
        let all = known.iter().chain(also).copied();
        let hint = match innopress_core::diagnostics::did_you_mean(&name, all) {
            Some(right) => format!("did you mean `{right}`?"),
            None => format!(
                "`{rel}/` may hold: {}",
                known
                    .iter()
                    .chain(also)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        diags.push(
            Diagnostic {
                severity: innopress_core::diagnostics::Severity::Warning,
                stage: Default::default(),
                ..Diagnostic::file_error(
                    format!("{rel}/{name}"),
                    "ignored: innopress does not read this",
                )
            }
            .with_hint(hint),
        );
    }
}
