//! The no-change shortcut: a build records a fingerprint of its inputs (every file under
//! `content/` and `themes/` by path, size and modification time, the binary's version and
//! embedded theme, and the build options) and of the output it wrote. When both still match,
//! the next build has nothing to do. The record lives in `.innopress/build-cache/`, never in
//! the output, so output stays byte-identical.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// Hash of the inputs of a build of `root` into `output` with `options` (a debug string).
pub fn inputs(root: &Path, output: &Path, options: &str) -> String {
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(crate::render::theme::embedded_fingerprint().as_bytes());
    h.update(options.as_bytes());
    h.update(output.to_string_lossy().as_bytes());
    for dir in ["content", "themes"] {
        walk(&root.join(dir), &mut |path, meta| {
            h.update(path.to_string_lossy().as_bytes());
            stamp(&mut h, meta);
        });
    }
    hex(h)
}

/// Hash of what is in the output folder now (paths, sizes, modification times).
pub fn outputs(output: &Path) -> String {
    let mut h = Sha256::new();
    walk(output, &mut |path, meta| {
        h.update(path.to_string_lossy().as_bytes());
        stamp(&mut h, meta);
    });
    hex(h)
}

fn stamp(h: &mut Sha256, meta: &std::fs::Metadata) {
    h.update(meta.len().to_le_bytes());
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    h.update(mtime.to_le_bytes());
}

/// Every file below `dir`, in sorted order.
fn walk(dir: &Path, f: &mut dyn FnMut(&Path, &std::fs::Metadata)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Ok(meta) = e.metadata() else { continue };
        if meta.is_dir() {
            walk(&e.path(), f);
        } else {
            f(&e.path(), &meta);
        }
    }
}

fn hex(h: Sha256) -> String {
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn record_path(root: &Path, inputs: &str) -> PathBuf {
    // one record per input set: several outputs of one site do not evict each other
    root.join(".innopress/build-cache").join(&inputs[..32])
}

/// The pages and files of the build recorded for these inputs, if the output is unchanged.
pub fn lookup(root: &Path, inputs: &str, output: &Path) -> Option<(usize, usize, usize)> {
    let text = std::fs::read_to_string(record_path(root, inputs)).ok()?;
    let mut lines = text.lines();
    if lines.next()? != inputs || lines.next()? != outputs(output) {
        return None;
    }
    let mut nums = lines.next()?.split(' ').filter_map(|n| n.parse().ok());
    Some((nums.next()?, nums.next()?, nums.next()?))
}

/// Records a finished build. Failing to record only costs the next build its shortcut.
pub fn store(root: &Path, inputs: &str, output: &Path, pages: usize, charts: usize, files: usize) {
    let path = record_path(root, inputs);
    if let Some(dir) = path.parent()
        && std::fs::create_dir_all(dir).is_ok()
    {
        let _ = std::fs::write(
            &path,
            format!("{inputs}\n{}\n{pages} {charts} {files}\n", outputs(output)),
        );
    }
}
