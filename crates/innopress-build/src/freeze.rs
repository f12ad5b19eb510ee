//! Keeping what was published: writing the record beside a newsletter issue when its
//! campaign starts (`NAME.sent.toml`, made by `pipeline::prepare_issue`), and
//! `innopress freeze` for any other document (`NAME.frozen.toml`). From then on the document
//! renders from its record.

use crate::pipeline::{BuildError, load_checked};
use innopress_content::content::model::DocKind;
use innopress_core::date::Date;
use innopress_render::Model;
use innopress_render::record::{Stamp, record_of, to_toml};
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
    let theme = innopress_render::theme::load(root)
        .map_err(|d| FreezeError::Build(BuildError::Content(d)))?;
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
    write(root, &doc.record_path(), &to_toml(&record, doc))
}

/// Writes the record a campaign keeps of its issue (`PreparedIssue::unsent`: the path
/// relative to `root`, and the text); called once the server has accepted the login.
pub fn record_sent(root: &Path, (rel, text): &(String, String)) -> Result<PathBuf, FreezeError> {
    write(root, rel, text)
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

/// Writes a record atomically beside its document (`rel` is the record's path).
fn write(root: &Path, rel: &str, text: &str) -> Result<PathBuf, FreezeError> {
    let target = root.join(rel);
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
        f.persist(&target)
            .map_err(|e| innopress_core::files::replace_error(e.error))?;
        Ok(())
    });
    result.map_err(|e| FreezeError::Write(rel.to_string(), e))?;
    Ok(target)
}
