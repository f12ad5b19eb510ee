//! The files of a folder as a sorted list, never following a symbolic link: what
//! `content/static/` publishes, and what other folders hold.

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
