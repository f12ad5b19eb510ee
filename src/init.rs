//! `innopress init DIR`: a new site from the starter embedded in the binary (`starter/` in
//! the repository): one city, theme, indicator, project, article and newsletter issue, and a
//! README on how to go on. It builds and checks clean as it is.

use include_dir::{Dir, include_dir};
use std::path::Path;

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{} is a file, not a folder", .0.display())]
    NotAFolder(std::path::PathBuf),
    #[error(
        "{} is not empty; innopress init only writes into a new or empty folder, so nothing is overwritten",
        .0.display()
    )]
    NotEmpty(std::path::PathBuf),
    /// `action` is what failed: "read", "create", "write".
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> InitError {
    let path = path.to_path_buf();
    move |source| InitError::Io {
        action,
        path,
        source,
    }
}

/// Writes the starter site into `dir`, which must not exist or be empty. Returns the files
/// written, relative to `dir`.
pub fn init(dir: &Path) -> Result<Vec<String>, InitError> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(InitError::NotAFolder(dir.to_path_buf()));
        }
        let mut entries = std::fs::read_dir(dir).map_err(io("read", dir))?;
        if entries.next().is_some() {
            return Err(InitError::NotEmpty(dir.to_path_buf()));
        }
    }
    let mut written = Vec::new();
    let mut stack: Vec<&Dir> = vec![&STARTER];
    while let Some(d) = stack.pop() {
        for f in d.files() {
            let rel = f.path();
            let target = dir.join(rel);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(io("create", parent))?;
            }
            std::fs::write(&target, f.contents()).map_err(io("write", &target))?;
            written.push(rel.to_string_lossy().replace('\\', "/"));
        }
        stack.extend(d.dirs());
    }
    let output = dir.join("output");
    std::fs::create_dir_all(&output).map_err(io("create", &output))?;
    written.sort();
    Ok(written)
}
