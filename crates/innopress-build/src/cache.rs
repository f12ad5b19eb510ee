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
    h.update(innopress_render::theme::embedded_fingerprint().as_bytes());
    h.update(options.as_bytes());
    h.update(output.to_string_lossy().as_bytes());
    for dir in ["content", "themes"] {
        h.update(dir.as_bytes());
        stamp_all(&mut h, &walk(&root.join(dir)));
    }
    hex(h)
}

/// Hash of what is in the output folder now (paths, sizes, modification times).
fn outputs(output: &Path) -> String {
    let mut tally = Tally::default();
    for stamp in walk(output) {
        tally.add(&stamp);
    }
    tally.hex()
}

/// What an output folder holds, as the sum of one hash per file (its path, size and
/// modification time): the order files come in does not matter, and a file written again
/// is taken out before it is added, so a build tallies its output as it writes it and
/// holds no list of a million files for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally([u128; 2]);

impl Tally {
    fn hash((path, len, mtime): &Stamp) -> [u128; 2] {
        let mut h = Sha256::new();
        stamp_all(&mut h, std::slice::from_ref(&(path.clone(), *len, *mtime)));
        let d = h.finalize();
        let half = |b: &[u8]| u128::from_le_bytes(b.try_into().unwrap_or([0; 16]));
        [half(&d[..16]), half(&d[16..])]
    }

    pub fn add(&mut self, stamp: &Stamp) {
        let [a, b] = Self::hash(stamp);
        self.0 = [self.0[0].wrapping_add(a), self.0[1].wrapping_add(b)];
    }

    pub fn remove(&mut self, stamp: &Stamp) {
        let [a, b] = Self::hash(stamp);
        self.0 = [self.0[0].wrapping_sub(a), self.0[1].wrapping_sub(b)];
    }

    fn hex(&self) -> String {
        format!("{:032x}{:032x}", self.0[0], self.0[1])
    }
}

/// A file's path below the walked folder, size and modification time in nanoseconds.
pub type Stamp = (PathBuf, u64, u128);

pub fn stamp(path: PathBuf, meta: &std::fs::Metadata) -> Stamp {
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    (path, meta.len(), mtime)
}

fn stamp_all(h: &mut Sha256, files: &[Stamp]) {
    for (path, len, mtime) in files {
        h.update(path.to_string_lossy().as_bytes());
        h.update([0]);
        h.update(len.to_le_bytes());
        h.update(mtime.to_le_bytes());
    }
}

/// Every file below `dir`, in sorted order. Sub-folders are walked in parallel: an output
/// folder holds one folder per page, and walking them one by one cost more than the rest of
/// a no-change build. A linked folder is walked like the loader reads it (a site may link
/// its theme in), unless it leads back to a folder being walked.
fn walk(dir: &Path) -> Vec<Stamp> {
    use rayon::prelude::*;
    fn visit(dir: &Path, rel: &Path, ancestors: &[PathBuf]) -> Vec<Stamp> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        entries
            .par_iter()
            .map(|e| {
                let path = rel.join(e.file_name());
                // the folder entry says whether it is a folder, sparing a stat per folder
                let meta = match e.file_type() {
                    Ok(t) if t.is_dir() => return visit(&e.path(), &path, ancestors),
                    Ok(t) if t.is_symlink() => std::fs::metadata(e.path()),
                    _ => e.metadata(),
                };
                match meta {
                    Ok(meta) if meta.is_dir() => {
                        let Ok(target) = std::fs::canonicalize(e.path()) else {
                            return Vec::new();
                        };
                        if ancestors.iter().any(|a| target.starts_with(a)) {
                            return vec![stamp(path, &meta)];
                        }
                        let mut inner = ancestors.to_vec();
                        inner.push(target);
                        visit(&e.path(), &path, &inner)
                    }
                    Ok(meta) => vec![stamp(path, &meta)],
                    Err(_) => Vec::new(),
                }
            })
            .flatten()
            .collect()
    }
    let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    visit(dir, Path::new(""), &[root])
}

fn hex(h: Sha256) -> String {
    hex::encode(h.finalize())
}

fn record_path(root: &Path, inputs: &str) -> PathBuf {
    // one record per input set: several outputs of one site do not evict each other
    root.join(".innopress/build-cache").join(&inputs[..32])
}

/// What a recorded build wrote and found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub pages: usize,
    pub charts: usize,
    pub files: usize,
    /// Warnings that build printed, so a skipped build can say they still stand.
    pub warnings: usize,
}

/// The build recorded for these inputs, if the output is unchanged since.
pub fn lookup(root: &Path, inputs: &str, output: &Path) -> Option<Recorded> {
    let text = std::fs::read_to_string(record_path(root, inputs)).ok()?;
    let mut lines = text.lines();
    if lines.next()? != inputs || lines.next()? != outputs(output) {
        return None;
    }
    let mut nums = lines.next()?.split(' ').filter_map(|n| n.parse().ok());
    Some(Recorded {
        pages: nums.next()?,
        charts: nums.next()?,
        files: nums.next()?,
        warnings: nums.next()?,
    })
}

/// Records a finished build. Failing to record only costs the next build its shortcut.
/// `written` is the tally of the files in the output, as [`crate::output::Staging::commit`]
/// returns it.
pub fn store(root: &Path, inputs: &str, written: &Tally, build: Recorded) {
    let Recorded {
        pages,
        charts,
        files,
        warnings,
    } = build;
    let path = record_path(root, inputs);
    if let Some(dir) = path.parent()
        && std::fs::create_dir_all(dir).is_ok()
    {
        let _ = std::fs::write(
            &path,
            format!(
                "{inputs}\n{}\n{pages} {charts} {files} {warnings}\n",
                written.hex()
            ),
        );
    }
}
