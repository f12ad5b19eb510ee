//! Stage 1, load: reads `content/` into a [`Site`]. Every file is read and parsed even when
//! others fail, so one run reports every problem. Markdown files are read in parallel; the
//! result is sorted so it never depends on thread timing.

mod broken;
pub mod editing;
mod fields;
pub mod frontmatter;
mod mailing;
pub mod model;
pub mod observation;
mod outline;
pub mod pictures;
pub mod policy;
pub mod record;
pub mod tables;
mod tree;

pub use broken::{Broken, Unloaded};
pub use tree::{Skipped, list_tree};
use tree::{list_files, list_static, warn_unknown_entries};

use innopress_core::diagnostics::{Diagnostic, Diagnostics, FileId, SourceFile, Sources};
use model::*;
use observation::{NotApplicable, Observation, ObservationRow, Row};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Everything a site's `content/` holds, as read.
#[derive(Debug, Default)]
pub struct Site {
    pub root: PathBuf,
    pub sources: Sources,
    /// `None` when `site.toml` is missing or broken (the diagnostics say why).
    pub config: Option<SiteConfig>,
    pub config_file: Option<FileId>,
    pub cities: Vec<City>,
    pub themes: Vec<Theme>,
    pub indicators: Vec<Indicator>,
    pub projects: Vec<Project>,
    pub observations: Vec<Observation>,
    /// Indicators that do not apply to a city in a year (`not_applicable = true`).
    pub not_applicable: Vec<NotApplicable>,
    pub articles: Vec<Document>,
    pub pages: Vec<Document>,
    pub reports: Vec<Document>,
    pub newsletters: Vec<Document>,
    /// Files under `content/static/`, relative to it, `/`-separated, sorted.
    pub static_files: Vec<String>,
    /// The pictures among them (every photo, and the drawings shown as pictures), by path.
    pub images: std::collections::BTreeMap<String, innopress_images::ImageInfo>,
    /// The map's outline (`map` in `site.toml`), as GeoJSON text that parses.
    pub outline: Option<std::sync::Arc<str>>,
    /// Ids (and article slugs) of items that exist but failed to load: references to them
    /// are not reported again as unknown.
    pub broken: Broken,
}

impl Site {
    pub fn docs(&self, kind: DocKind) -> &[Document] {
        match kind {
            DocKind::Article => &self.articles,
            DocKind::Page => &self.pages,
            DocKind::Report => &self.reports,
            DocKind::Newsletter => &self.newsletters,
        }
    }

    pub fn docs_mut(&mut self, kind: DocKind) -> &mut Vec<Document> {
        match kind {
            DocKind::Article => &mut self.articles,
            DocKind::Page => &mut self.pages,
            DocKind::Report => &mut self.reports,
            DocKind::Newsletter => &mut self.newsletters,
        }
    }

    /// The Markdown body of a document.
    pub fn body(&self, doc: &Document) -> &str {
        &self.sources.get(doc.file).text[doc.body.clone()]
    }

    pub fn source(&self, file: FileId) -> &SourceFile {
        self.sources.get(file)
    }
}

const CONTENT_ENTRIES: [&str; 6] = [
    "site.toml",
    "data",
    "articles",
    "pages",
    "reports",
    "newsletters",
];
const DATA_ENTRIES: [&str; 5] = [
    "cities.toml",
    "themes.toml",
    "indicators.toml",
    "projects",
    "observations",
];

/// Loads the site below `root` (the folder that holds `content/`).
/// Only `content/site.toml`, for commands that need the settings and nothing else (the
/// inbox): a broken article does not stop the list from being kept.
pub fn load_config(root: &Path) -> Result<SiteConfig, Diagnostics> {
    let mut diags = Diagnostics::default();
    let config = match read_source(root, "content/site.toml") {
        Some(Ok(src)) => {
            let range = 0..src.text.len();
            tables::load_one::<SiteConfig>(&src, range, &mut diags)
        }
        Some(Err(d)) => {
            diags.push(d);
            None
        }
        None => {
            diags.push(Diagnostic::file_error(
                "content/site.toml",
                "missing `content/site.toml`: run this in the site folder, or give --root",
            ));
            None
        }
    };
    match config {
        Some(c) if !diags.has_errors() => Ok(c),
        _ => Err(diags),
    }
}

pub fn load(root: &Path) -> (Site, Diagnostics) {
    let mut site = Site {
        root: root.to_path_buf(),
        ..Site::default()
    };
    let mut diags = Diagnostics::default();
    let content = root.join("content");
    if !content.is_dir() {
        diags.push(
            Diagnostic::file_error("content", "no `content/` folder here")
                .with_hint(format!(
                    "run innopress in a site folder (the one holding content/) or pass --root DIR (looked in {})",
                    root.display()
                )),
        );
        return (site, diags);
    }
    warn_unknown_entries(
        &content,
        "content",
        &CONTENT_ENTRIES,
        &["static"],
        &mut diags,
    );
    load_settings(root, &mut site, &mut diags);
    let mut broken = load_tables(root, &mut site, &mut diags);
    load_documents(root, &mut site, &mut broken, &mut diags);

    load_records(root, &mut site, &mut diags);
    site.static_files = list_static(&content.join("static"), &mut diags);
    let used = pictures::referenced(
        DocKind::ALL.iter().flat_map(|k| site.docs(*k)),
        &site.cities,
        &site.projects,
        site.config.as_ref(),
    );
    site.images = pictures::probe_all(root, &site.static_files, &used, &mut diags);
    site.broken = broken;
    (site, diags)
}

/// `site.toml` and the map's outline.
fn load_settings(root: &Path, site: &mut Site, diags: &mut Diagnostics) {
    let content = root.join("content");
    match read_source(root, "content/site.toml") {
        Some(Ok(src)) => {
            let range = 0..src.text.len();
            site.config = tables::load_one::<SiteConfig>(&src, range, diags);
            site.config_file = Some(site.sources.add_file(src));
        }
        Some(Err(d)) => diags.push(d),
        None => diags.push(
            Diagnostic::file_error("content/site.toml", "missing `content/site.toml`").with_hint(
                "create it with at least: title = \"…\", base_url = \"https://…\", as_of = 2025-04-10",
            ),
        ),
    }

    // the map's outline may sit beside the data tables
    let outline_name = site
        .config
        .as_ref()
        .and_then(|c| c.map.as_ref())
        .and_then(|m| m.get_ref().strip_prefix("data/"))
        .map(str::to_string);
    warn_unknown_entries(
        &content.join("data"),
        "content/data",
        &DATA_ENTRIES,
        &outline_name.as_deref().into_iter().collect::<Vec<_>>(),
        diags,
    );
    if let (Some(map), Some(file)) = (
        site.config.as_ref().and_then(|c| c.map.as_ref()),
        site.config_file,
    ) {
        site.outline = outline::load(root, map, site.sources.get(file), diags);
    }
}

/// The data tables: cities, themes, indicators, projects, observations; what did not load.
fn load_tables(root: &Path, site: &mut Site, diags: &mut Diagnostics) -> Broken {
    let mut broken = Broken::default();
    let sources = &mut site.sources;
    site.cities = load_data(
        sources,
        root,
        &["content/data/cities.toml".into()],
        "city",
        diags,
        &mut broken.cities,
    );
    site.themes = load_data(
        sources,
        root,
        &["content/data/themes.toml".into()],
        "theme",
        diags,
        &mut broken.themes,
    );
    site.indicators = load_data(
        sources,
        root,
        &["content/data/indicators.toml".into()],
        "indicator",
        diags,
        &mut broken.indicators,
    );
    let projects = list_files(root, "content/data/projects", "toml", diags);
    site.projects = load_data(
        sources,
        root,
        &projects,
        "project",
        diags,
        &mut broken.projects,
    );
    let observations = list_files(root, "content/data/observations", "toml", diags);
    let rows: Vec<ObservationRow> = load_data(
        sources,
        root,
        &observations,
        "observation",
        diags,
        &mut broken.observations,
    );
    for row in rows {
        let file = row.origin.file;
        match row.split(sources.get(file), diags) {
            Some(Row::Figure(o)) => site.observations.push(o),
            Some(Row::NotApplicable(n)) => site.not_applicable.push(n),
            None => broken.observations.failed += 1,
        }
    }
    broken
}

/// The Markdown documents of every kind, read in parallel.
fn load_documents(root: &Path, site: &mut Site, broken: &mut Broken, diags: &mut Diagnostics) {
    for kind in DocKind::ALL {
        let files = list_files(root, &format!("content/{}", kind.folder()), "md", diags);
        let loaded: Vec<(Option<SourceFile>, Option<Document>, Diagnostics)> = files
            .par_iter()
            .map(|rel| load_document(root, rel, kind))
            .collect();
        for (src, doc, d) in loaded {
            if kind == DocKind::Article
                && doc.is_none()
                && let Some(src) = &src
            {
                let name = src.path.rsplit('/').next().unwrap_or_default();
                broken
                    .articles
                    .push(name.trim_end_matches(".md").to_string());
            }
            diags.extend(d);
            if let Some(src) = src {
                let id = site.sources.add_file(src);
                if let Some(mut doc) = doc {
                    doc.file = id;
                    site.docs_mut(kind).push(doc);
                }
            }
        }
    }
}

trait AddFile {
    fn add_file(&mut self, src: SourceFile) -> FileId;
}

impl AddFile for Sources {
    fn add_file(&mut self, src: SourceFile) -> FileId {
        self.add(src.path, src.text)
    }
}

/// Items that carry where they came from.
trait HasOrigin {
    fn set_origin(&mut self, origin: Origin);
}

macro_rules! has_origin {
    ($($t:ty),*) => {$(
        impl HasOrigin for $t {
            fn set_origin(&mut self, origin: Origin) {
                self.origin = origin;
            }
        }
    )*};
}
has_origin!(City, Theme, Indicator, Project, ObservationRow);

fn load_data<T: serde::de::DeserializeOwned + HasOrigin>(
    sources: &mut Sources,
    root: &Path,
    files: &[String],
    key: &str,
    diags: &mut Diagnostics,
    unloaded: &mut Unloaded,
) -> Vec<T> {
    let mut out = Vec::new();
    for rel in files {
        match read_source(root, rel) {
            Some(Ok(src)) => {
                let loaded = tables::load_array::<T>(&src, key, diags);
                let file = sources.add_file(src);
                unloaded.ids.extend(loaded.failed_ids);
                unloaded.failed += loaded.failed;
                unloaded
                    .unreadable
                    .extend(loaded.syntax_error.map(|span| (file, span)));
                out.extend(loaded.items.into_iter().map(|(mut item, span)| {
                    item.set_origin(Origin { file, span });
                    item
                }));
            }
            Some(Err(d)) => diags.push(d),
            None => {}
        }
    }
    out
}

pub fn load_document(
    root: &Path,
    rel: &str,
    kind: DocKind,
) -> (Option<SourceFile>, Option<Document>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let src = match read_source(root, rel) {
        Some(Ok(src)) => src,
        Some(Err(d)) => {
            diags.push(d);
            return (None, None, diags);
        }
        None => return (None, None, diags),
    };
    let file_name = rel.rsplit('/').next().unwrap_or(rel);
    let slug = file_name
        .strip_suffix(".md")
        .unwrap_or(file_name)
        .to_string();
    if !innopress_core::ids::is_slug(&slug) {
        diags.push(
            Diagnostic::file_error(rel, format!("file name `{file_name}` is not a valid slug"))
                .with_hint(format!(
                    "the file name becomes the page address: use lowercase letters, digits and hyphens, e.g. `{}.md`",
                    innopress_core::ids::suggest_slug(&slug)
                )),
        );
    }
    let split = match frontmatter::split(&src.text) {
        Ok(s) => s,
        Err(e) => {
            diags.error(&src, e.span, e.message, Some(e.hint.to_string()));
            return (Some(src), None, diags);
        }
    };
    let matter = match kind {
        DocKind::Newsletter => {
            tables::load_one::<IssueMatter>(&src, split.matter.clone(), &mut diags)
                .map(Matter::Issue)
        }
        _ => {
            tables::load_one::<FrontMatter>(&src, split.matter.clone(), &mut diags).map(Matter::Doc)
        }
    };
    let body = &src.text[split.body.clone()];
    let has_shortcodes = body.contains("{{");
    let images = innopress_core::markdown::images(body)
        .into_iter()
        .map(|(span, dest, alt, title)| MarkdownImage {
            span: span.start + split.body.start..span.end + split.body.start,
            dest,
            alt,
            title,
        })
        .collect();
    let doc = matter.map(|matter| Document {
        kind,
        slug,
        file: 0,
        record: None,
        has_shortcodes,
        images,
        matter_offset: split.matter.start,
        body: split.body,
        matter,
    });
    (Some(src), doc, diags)
}

/// Reads the records kept beside documents (`NAME.sent.toml`, `NAME.frozen.toml`). Each
/// folder is listed once: most documents have none, and a failed open per document would
/// cost a system call each.
fn load_records(root: &Path, site: &mut Site, diags: &mut Diagnostics) {
    for kind in DocKind::ALL {
        let Ok(entries) = std::fs::read_dir(root.join("content").join(kind.folder())) else {
            continue;
        };
        let present: std::collections::BTreeSet<String> = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| n.ends_with(".sent.toml") || n.ends_with(".frozen.toml"))
            .collect();
        if present.is_empty() {
            continue;
        }
        for i in 0..site.docs(kind).len() {
            let rel = site.docs(kind)[i].record_path();
            if !present.contains(rel.rsplit('/').next().unwrap_or_default()) {
                continue;
            }
            let src = match read_source(root, &rel) {
                None => continue,
                Some(Err(d)) => {
                    diags.push(d);
                    continue;
                }
                Some(Ok(src)) => src,
            };
            let record = tables::load_one::<Record>(&src, 0..src.text.len(), diags);
            let id = site.sources.add_file(src);
            if let Some(record) = record {
                site.docs_mut(kind)[i].record = Some((Arc::new(record), id));
            }
        }
    }
}

/// Reads a file as UTF-8. `None` when it does not exist; an error diagnostic when it cannot
/// be read or is not UTF-8 (pointing at the first bad byte).
pub fn read_source(root: &Path, rel: &str) -> Option<Result<SourceFile, Diagnostic>> {
    let bytes = match std::fs::read(root.join(rel)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            return Some(Err(Diagnostic::file_error(
                rel,
                format!("cannot read the file: {e}"),
            )
            .with_hint("check that the file exists and is readable")));
        }
    };
    Some(match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile {
            path: rel.to_string(),
            text: Arc::from(text),
        }),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes());
            let (line, column, snippet, _) =
                innopress_core::diagnostics::locate(&text, valid..valid + 1);
            Err(Diagnostic {
                line,
                column,
                snippet: Some((snippet, 1)),
                ..Diagnostic::file_error(rel, "the file is not valid UTF-8 text")
                    .with_hint("save the file with UTF-8 encoding in your editor")
            })
        }
    })
}
