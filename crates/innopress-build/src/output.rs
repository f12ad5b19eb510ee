//! Stage 5, write: the whole site is written into a staging folder beside the target and
//! swapped into place only when every page succeeded, so a failed build leaves the previous
//! output as it was. Every path is checked so nothing is written outside the output.

use std::fs;
use std::io;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("refusing to write to `{path}`: {why}")]
    Refused { path: String, why: String },
    #[error("unsafe output path `{0}`: it would leave the output folder")]
    UnsafePath(String),
    #[error("cannot write `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
}

fn io_err(path: &Path, source: io::Error) -> OutputError {
    OutputError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Makes a path absolute and removes `.`/`..` lexically, so paths that do not exist yet can
/// be compared.
pub fn absolute(path: &Path) -> PathBuf {
    let base = if path.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    let mut out = PathBuf::new();
    for c in base.join(path).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    // resolve symlinks where the path exists, so `out -> content` is caught too
    fs::canonicalize(&out).unwrap_or(out)
}

/// Refuses an output folder that is the site root, `content/`, `themes/`, contains one of
/// them, or lies inside `content/` or `themes/` (the next build would read its own output).
/// Unless `force`, it also refuses a link (a build would replace the folder it points to)
/// and, for a folder given with `--output` (`chosen`), one that holds files but is not an
/// earlier innopress output: a build replaces the whole folder.
pub fn check_target(
    root: &Path,
    output: &Path,
    chosen: bool,
    force: bool,
) -> Result<(), OutputError> {
    if !force && fs::symlink_metadata(output).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(OutputError::Refused {
            path: output.display().to_string(),
            why: format!(
                "it is a link to {}, which a build would replace; remove the link, or pass --force",
                absolute(output).display()
            ),
        });
    }
    let out = absolute(output);
    let root = absolute(root);
    let protected = [
        (root.clone(), "the site folder"),
        (root.join("content"), "the content folder"),
        (root.join("themes"), "the themes folder"),
    ];
    for (p, name) in &protected {
        if out == *p || p.starts_with(&out) {
            return Err(OutputError::Refused {
                path: output.display().to_string(),
                why: format!("it is or contains {name}, which a build would replace"),
            });
        }
        if p != &root && out.starts_with(p) {
            return Err(OutputError::Refused {
                path: output.display().to_string(),
                why: format!("it lies inside {name}; choose a folder outside content/ and themes/"),
            });
        }
    }
    if out.exists() && !out.is_dir() {
        return Err(OutputError::Refused {
            path: output.display().to_string(),
            why: "it is a file, not a folder".into(),
        });
    }
    if chosen && !force && !is_empty_or_output(&out) {
        return Err(OutputError::Refused {
            path: output.display().to_string(),
            why: "it holds files but no innopress output, and a build replaces the whole folder; \
                  choose a new or empty folder, or pass --force to replace it"
                .into(),
        });
    }
    Ok(())
}

/// Whether `dir` is missing, empty (a `.gitkeep` aside) or looks like what a build writes:
/// every build writes these files, which other folders are unlikely to hold all together.
fn is_empty_or_output(dir: &Path) -> bool {
    let Ok(mut entries) = fs::read_dir(dir) else {
        return true;
    };
    let empty = entries.all(|e| e.is_ok_and(|e| e.file_name() == ".gitkeep"));
    empty
        || ["index.html", "404.html", "sitemap.xml", "data/summary.json"]
            .iter()
            .all(|f| dir.join(f).is_file())
}

/// Checks a relative output path: `/`-separated, no empty, `.` or `..` parts, not absolute.
pub fn safe_relative(rel: &str) -> Result<&str, OutputError> {
    let bad = rel.is_empty()
        || rel.starts_with('/')
        || rel.contains('\\')
        || rel.contains('\0')
        || rel
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..");
    if bad {
        Err(OutputError::UnsafePath(rel.to_string()))
    } else {
        Ok(rel)
    }
}

/// Writes one file straight into an existing output folder `dir` (a serve rebuild, where
/// the folder already is the site), through the same path checks as the staging folder.
pub fn write_into(dir: &Path, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let path = dir.join(safe_relative(rel)?);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| io_err(parent, e))?;
    }
    fs::write(&path, bytes).map_err(|e| io_err(&path, e))
}

/// A folder being filled with the next build. Dropping it without [`Staging::commit`]
/// removes it.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
    /// What was written, for the build record: stamping files as they are written spares
    /// walking twelve thousand page folders afterwards.
    written: std::sync::Mutex<crate::cache::Tally>,
    /// The folders made so far: thousands of files share a folder (`search/docs/`), and
    /// asking the file system again for each cost two system calls a file.
    folders: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

impl Staging {
    pub fn create(target: &Path) -> Result<Staging, OutputError> {
        let target = absolute(target);
        let parent = target.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        fs::create_dir_all(&parent).map_err(|e| io_err(&parent, e))?;
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| io_err(&dir, e))?;
        }
        fs::create_dir(&dir).map_err(|e| io_err(&dir, e))?;
        Ok(Staging {
            dir,
            target,
            committed: false,
            written: Default::default(),
            folders: Default::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes one file. Safe to call from many threads at once.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.dir.join(safe_relative(rel)?);
        self.folder_of(&path)?;
        let mut file = self.new_file(rel, &path)?;
        file.write_all(bytes).map_err(|e| io_err(&path, e))?;
        self.stamp(rel, file.metadata());
        Ok(())
    }

    /// Creates the file `rel` at `path`; one written before (a static file in place of a
    /// made one) is taken out of the tally first, so that it counts once, as last written.
    fn new_file(&self, rel: &str, path: &Path) -> Result<fs::File, OutputError> {
        let new = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path);
        match new {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                self.unstamp(rel, path);
                fs::File::create(path)
            }
            file => file,
        }
        .map_err(|e| io_err(path, e))
    }

    /// Writes one file in pieces: `fill` is handed a buffered writer into it, so a large
    /// file is never held whole. Returns its length.
    pub fn write_with(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<usize, OutputError> {
        let path = self.dir.join(safe_relative(rel)?);
        self.folder_of(&path)?;
        let file = self.new_file(rel, &path)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        fill(&mut out)
            .and_then(|()| out.flush())
            .map_err(|e| io_err(&path, e))?;
        let meta = out.get_ref().metadata();
        let len = meta.as_ref().map_or(0, |m| m.len() as usize);
        self.stamp(rel, meta);
        Ok(len)
    }

    /// Makes the folder `path` goes in, unless this staging folder made it before.
    fn folder_of(&self, path: &Path) -> Result<(), OutputError> {
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        let lock = || self.folders.lock().unwrap_or_else(|e| e.into_inner());
        if lock().contains(parent) {
            return Ok(());
        }
        fs::create_dir_all(parent).map_err(|e| io_err(parent, e))?;
        // a page's folder holds its page and seldom more: remembering the folders of a
        // million project pages would cost more memory than the calls it spares
        if path.file_name().is_none_or(|n| n != "index.html") {
            lock().insert(parent.to_path_buf());
        }
        Ok(())
    }

    fn stamp(&self, rel: &str, meta: std::io::Result<fs::Metadata>) {
        if let Ok(meta) = meta
            && let Ok(mut written) = self.written.lock()
        {
            written.add(&crate::cache::stamp(
                Path::new(rel).components().collect(),
                &meta,
            ));
        }
    }

    /// Takes the file `rel` at `path`, about to be written again, out of the tally.
    fn unstamp(&self, rel: &str, path: &Path) {
        if let Ok(meta) = fs::metadata(path)
            && let Ok(mut written) = self.written.lock()
        {
            written.remove(&crate::cache::stamp(
                Path::new(rel).components().collect(),
                &meta,
            ));
        }
    }

    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), OutputError> {
        let path = self.dir.join(safe_relative(rel)?);
        self.folder_of(&path)?;
        if path.exists() {
            self.unstamp(rel, &path);
        }
        fs::copy(from, &path).map_err(|e| io_err(from, e))?;
        self.stamp(rel, fs::metadata(&path));
        Ok(())
    }

    /// Swaps the staging folder into place: the old output is moved aside, the new one
    /// renamed in (a rename on the same file system), then the old one removed.
    /// Returns the tally of the files now in the output.
    pub fn commit(mut self) -> Result<crate::cache::Tally, OutputError> {
        let old = self.dir.with_extension("old");
        if old.exists() {
            fs::remove_dir_all(&old).map_err(|e| io_err(&old, e))?;
        }
        let had_old = self.target.exists();
        // a repository may keep an empty output/ with a .gitkeep; keep it across builds
        let keep = self.target.join(".gitkeep");
        if keep.is_file() {
            let copy = self.dir.join(".gitkeep");
            if copy.exists() {
                self.unstamp(".gitkeep", &copy);
            }
            if fs::copy(&keep, &copy).is_ok() {
                self.stamp(".gitkeep", fs::metadata(&copy));
            }
        }
        if had_old {
            fs::rename(&self.target, &old).map_err(|e| io_err(&self.target, e))?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(io_err(&self.target, e));
        }
        self.committed = true;
        if had_old {
            let _ = fs::remove_dir_all(&old);
        }
        let written = *self.written.get_mut().unwrap_or_else(|e| e.into_inner());
        Ok(written)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_cannot_escape() {
        assert!(safe_relative("news/a/index.html").is_ok());
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "a\\b",
            "./a",
        ] {
            assert!(safe_relative(bad).is_err(), "{bad}");
        }
    }
}
