//! Keeping what was published: the record beside a newsletter issue when its campaign
//! starts (`NAME.sent.toml`), and `innopress freeze` for any other document
//! (`NAME.frozen.toml`). From then on the document renders from its record.

use crate::content::model::{DocKind, Document};
use crate::date::Date;
use crate::diagnostics::Diagnostics;
use crate::pipeline::{BuildError, load_checked};
use crate::render::Model;
use crate::render::record::{Stamp, record_of, sha256, to_toml};
use std::path::{Path, PathBuf};

/// Why a document cannot be frozen.
#[derive(Debug, thiserror::Error)]
pub enum FreezeError {
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error(
        "{0} is not an article, report or page of this site; give its path, such as content/reports/annual-report-2024.md"
    )]
    NotFound(String),
    #[error(
        "{0} is a newsletter issue: its record is written when its campaign starts (innopress newsletter send NUMBER --list FILE)"
    )]
    Newsletter(String),
    #[error(
        "{path} was frozen on {on} ({record}); pass --force to freeze it again with today's figures"
    )]
    Frozen {
        path: String,
        on: String,
        record: String,
    },
    #[error("cannot write {0}: {1}")]
    Write(String, std::io::Error),
}

/// Writes the record of `path` (an article, report or page) into `NAME.frozen.toml` and
/// returns its path. Refuses a document frozen before unless `force`.
pub fn freeze(root: &Path, path: &str, force: bool) -> Result<PathBuf, FreezeError> {
    let checked =
        load_checked(root, false, None).map_err(|d| FreezeError::Build(BuildError::Content(d)))?;
    let theme =
        crate::render::theme::load(root).map_err(|d| FreezeError::Build(BuildError::Content(d)))?;
    let model = Model::new(&checked.site, &checked.config, &checked.summary, &theme);
    let wanted = normalise(root, path);
    let doc = DocKind::ALL
        .into_iter()
        .flat_map(|k| checked.site.docs(k))
        .find(|d| checked.site.source(d.file).path == wanted)
        .ok_or_else(|| FreezeError::NotFound(path.to_string()))?;
    if doc.kind == DocKind::Newsletter {
        return Err(FreezeError::Newsletter(wanted));
    }
    if let Some((record, _)) = &doc.record
        && !force
    {
        return Err(FreezeError::Frozen {
            path: wanted,
            on: record
                .published
                .map_or_else(|| "an earlier day".into(), |d| d.0.long()),
            record: doc.record_path(),
        });
    }
    let record = record_of(&model, doc, Stamp::Published(Date::today()));
    write(root, doc, &to_toml(&record, doc))
}

/// Writes the record of issue `number` as its campaign starts, unless it has one (a resumed
/// campaign keeps the first). Returns the record's path when it wrote one.
pub fn record_sent(root: &Path, number: u32) -> Result<Option<PathBuf>, FreezeError> {
    let checked =
        load_checked(root, false, None).map_err(|d| FreezeError::Build(BuildError::Content(d)))?;
    let theme =
        crate::render::theme::load(root).map_err(|d| FreezeError::Build(BuildError::Content(d)))?;
    let model = Model::new(&checked.site, &checked.config, &checked.summary, &theme);
    let Some(doc) = checked
        .site
        .newsletters
        .iter()
        .find(|d| d.issue().is_some_and(|i| *i.number.get_ref() == number))
    else {
        let mut d = Diagnostics::default();
        d.push(crate::diagnostics::Diagnostic::file_error(
            "content/newsletters",
            format!("there is no newsletter issue number {number}"),
        ));
        return Err(FreezeError::Build(BuildError::Content(d)));
    };
    if doc.record.is_some() {
        return Ok(None);
    }
    let mut record = record_of(&model, doc, Stamp::Sent(Date::today()));
    let issue = crate::render::email::render_issue(&model, doc)
        .map_err(|e| FreezeError::Build(BuildError::Render(vec![e])))?;
    record.html_sha256 = Some(sha256(&issue.html.fill("", "")));
    record.text_sha256 = Some(sha256(&issue.text.fill("", "")));
    write(root, doc, &to_toml(&record, doc)).map(Some)
}

/// A path as given on the command line, as the site names its files (`content/…`): a path
/// that lies inside the site folder is taken relative to it, any other as it is.
fn normalise(root: &Path, path: &str) -> String {
    let p = Path::new(path);
    let rel = match (std::fs::canonicalize(p), std::fs::canonicalize(root)) {
        (Ok(abs), Ok(root)) => abs
            .strip_prefix(&root)
            .map_or_else(|_| p.to_path_buf(), Path::to_path_buf),
        _ => p.to_path_buf(),
    };
    rel.to_string_lossy()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_string()
}

/// Writes a record atomically beside its document.
fn write(root: &Path, doc: &Document, text: &str) -> Result<PathBuf, FreezeError> {
    let rel = doc.record_path();
    let target = root.join(&rel);
    let dir = target.parent().unwrap_or(root);
    let result = tempfile::NamedTempFile::new_in(dir).and_then(|mut f| {
        std::io::Write::write_all(&mut f, text.as_bytes())?;
        // a record is content, readable like the document beside it (temporary files are
        // created private)
        #[cfg(unix)]
        std::fs::set_permissions(
            f.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o644),
        )?;
        f.persist(&target).map_err(|e| e.error)?;
        Ok(())
    });
    result.map_err(|e| FreezeError::Write(rel.clone(), e))?;
    Ok(target)
}
