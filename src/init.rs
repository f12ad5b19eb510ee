//! `innopress init DIR`: a new site from the starter embedded in the binary (`starter/` in
//! the repository): one city, theme, indicator, project, article and newsletter issue, and a
//! README on how to go on. It builds and checks clean as it is.

use include_dir::{Dir, include_dir};
use std::path::Path;

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");

/// Writes the starter site into `dir`, which must not exist or be empty. Returns the files
/// written, relative to `dir`.
pub fn init(dir: &Path) -> Result<Vec<String>, String> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(format!("{} is a file, not a folder", dir.display()));
        }
        let mut entries =
            std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        if entries.next().is_some() {
            return Err(format!(
                "{} is not empty; innopress init only writes into a new or empty folder, so nothing is overwritten",
                dir.display()
            ));
        }
    }
    let mut written = Vec::new();
    let mut stack: Vec<&Dir> = vec![&STARTER];
    while let Some(d) = stack.pop() {
        for f in d.files() {
            let rel = f.path();
            let target = dir.join(rel);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            std::fs::write(&target, f.contents())
                .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            written.push(rel.to_string_lossy().replace('\\', "/"));
        }
        stack.extend(d.dirs());
    }
    std::fs::create_dir_all(dir.join("output"))
        .map_err(|e| format!("cannot create output/: {e}"))?;
    written.sort();
    Ok(written)
}
