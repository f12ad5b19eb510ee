//! Fixture handling and helpers shared by the tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    repo().join("tests/fixtures")
}

/// Runs the binary with `args` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_innopress"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run innopress")
}

/// Waits until a child started with a debug-only pause hook says `PAUSED at POINT` on its
/// stderr (piped), then kills it with SIGKILL there. Returns the line it said.
pub fn kill_when_paused(child: &mut std::process::Child) -> String {
    use std::io::{BufRead, BufReader};
    let mut err = BufReader::new(child.stderr.take().expect("stderr piped"));
    let mut line = String::new();
    while err.read_line(&mut line).unwrap() > 0 && !line.contains("PAUSED") {
        line.clear();
    }
    child.kill().unwrap();
    child.wait().unwrap();
    line
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Copies a folder recursively, without build records (`.innopress/`).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        // a build record left in the fixture by an earlier run is not part of the fixture
        if entry.file_name() == ".innopress" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A temporary copy of the minimal site with the files of `overlay` (a folder under
/// `tests/fixtures/invalid/`, or `None`) copied over it.
pub fn site(overlay: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("minimal"), dir.path());
    if let Some(name) = overlay {
        copy_dir(
            &fixtures().join("invalid").join(name).join("content"),
            &dir.path().join("content"),
        );
    }
    dir
}

/// Every file below `dir` by relative path, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Builds the minimal site (with `args`) and returns the site dir and the output path.
pub fn built(args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = site(None);
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let o = run(dir.path(), &all);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    let out = dir.path().join("output");
    (dir, out)
}
