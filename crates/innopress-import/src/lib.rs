//! `innopress import projects`: turns a funding register's CSV export into a projects file
//! in the content format. A mapping file ([`mapping`]) says where each field comes from.
//! Every row either becomes a project or is rejected with its line and reasons; rejected rows
//! are reported located at the offending cell and always written to a rejects CSV beside the
//! output, so nothing is lost. The written TOML is sorted by id, carries each project's
//! source line, and is the same bytes for the same input, so a re-import diffs cleanly.

mod map;
pub mod mapping;
mod model;
mod row;
mod write;

pub use map::map_csv;
pub use model::{Imported, Mapped, Problem, Reject, normalise};

use innopress_core::diagnostics::{Diagnostics, SourceFile};
use innopress_core::money::Money;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub csv: PathBuf,
    pub mapping: PathBuf,
    pub output: PathBuf,
    pub skip_invalid: bool,
}

#[derive(Debug)]
pub struct ImportReport {
    pub rows: usize,
    pub imported: usize,
    pub rejected: usize,
    pub funding: Money,
    pub output: PathBuf,
    pub rejects_file: PathBuf,
    /// False when rows were rejected and `--skip-invalid` was not given.
    pub written: bool,
    /// One diagnostic per problem in a rejected row (warnings when skipped, else errors).
    pub diagnostics: Diagnostics,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the mapping or the CSV has problems")]
    Invalid(Diagnostics),
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> ImportError {
    ImportError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "projects".into())
}

/// Where an import of `csv` goes without `--output`: `ROOT/content/data/projects/NAME.toml`.
pub fn default_output(root: &Path, csv: &Path) -> PathBuf {
    root.join("content/data/projects")
        .join(format!("{}.toml", stem(csv)))
}

/// Where the rejects of an import into `output` go: `NAME.rejects.csv` beside `NAME.toml`.
pub fn rejects_path(output: &Path) -> PathBuf {
    output.with_file_name(format!("{}.rejects.csv", stem(output)))
}

/// Reads the files, maps the rows, writes the projects file (unless rows were rejected and
/// skipping was not asked for) and always the rejects file.
pub fn run(opts: &ImportOptions) -> Result<ImportReport, ImportError> {
    let rejects_file = rejects_path(&opts.output);
    check_output(opts, &rejects_file)?;
    let mut diags = Diagnostics::default();
    let (Some(mapping_src), Some(csv_src)) = (
        read_source(&opts.mapping, &mut diags),
        read_source(&opts.csv, &mut diags),
    ) else {
        return Err(ImportError::Invalid(diags));
    };
    let Some(m) = mapping::parse(&mapping_src, &mut diags) else {
        return Err(ImportError::Invalid(diags));
    };
    let mapped = map_csv(&csv_src, &m, &mapping_src, &mut diags);
    if diags.has_errors() {
        diags.sort();
        return Err(ImportError::Invalid(diags));
    }
    let written = mapped.rejects.is_empty() || opts.skip_invalid;
    for r in &mapped.rejects {
        for p in &r.problems {
            let message = format!("line {} rejected: {}", r.line, p.message);
            if written {
                diags.warning(&csv_src, p.span.clone(), message, p.hint.clone());
            } else {
                diags.error(&csv_src, p.span.clone(), message, p.hint.clone());
            }
        }
    }
    diags.sort();
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    if let Some(dir) = opts.output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    }
    let rejects_csv = write::rejects_csv(&mapped).map_err(|e| io_err(&rejects_file, e))?;
    write_atomically(&rejects_file, &rejects_csv)?;
    if written {
        let text = write::projects_toml(
            &mapped,
            &name(&opts.csv),
            &name(&opts.mapping),
            &name(&rejects_file),
        );
        write_atomically(&opts.output, text.as_bytes())?;
    }
    Ok(ImportReport {
        rows: mapped.rows(),
        imported: mapped.projects.len(),
        rejected: mapped.rejects.len(),
        funding: mapped.funding(),
        output: opts.output.clone(),
        rejects_file,
        written,
        diagnostics: diags,
    })
}

/// The output is a `.toml` file other than `site.toml`, and writing it or the rejects
/// would not overwrite an input.
fn check_output(opts: &ImportOptions, rejects_file: &Path) -> Result<(), ImportError> {
    if opts.output.extension().and_then(|e| e.to_str()) != Some("toml") {
        return Err(io_err(
            &opts.output,
            "the output must be a .toml file (e.g. content/data/projects/register.toml)",
        ));
    }
    for (written, input) in [
        (opts.output.as_path(), opts.csv.as_path()),
        (&opts.output, &opts.mapping),
        (rejects_file, &opts.csv),
        (rejects_file, &opts.mapping),
    ] {
        if same_file(written, input) {
            return Err(io_err(
                written,
                format!(
                    "the import would overwrite its input {}; choose another --output",
                    input.display()
                ),
            ));
        }
    }
    if opts.output.file_name().is_some_and(|n| n == "site.toml") {
        return Err(io_err(
            &opts.output,
            "site.toml holds the site's settings; write projects under content/data/projects/",
        ));
    }
    Ok(())
}

/// Reads a UTF-8 file the way content files are read (a non-UTF-8 byte is located).
fn read_source(path: &Path, diags: &mut Diagnostics) -> Option<SourceFile> {
    let rel = path.to_string_lossy();
    match innopress_content::content::read_source(Path::new(""), &rel) {
        Some(Ok(src)) => Some(src),
        Some(Err(d)) => {
            let hint = "save it as UTF-8 (in Excel: \"CSV UTF-8\")";
            diags.push(d.with_hint(hint));
            None
        }
        None => {
            diags.push(innopress_core::diagnostics::Diagnostic::file_error(
                rel,
                "no such file",
            ));
            None
        }
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Writes beside the target under a hidden name (which the site loader skips), then renames
/// it into place: the target is whole or untouched, never half written.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ImportError> {
    use std::io::Write as _;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // a content file, readable like the files beside it (tempfile's default is owner-only)
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder.tempfile_in(dir).map_err(|e| io_err(dir, e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| io_err(tmp.path(), e))?;
    tmp.persist(path)
        .map_err(|e| io_err(path, innopress_core::files::replace_error(e.error)))?;
    Ok(())
}
