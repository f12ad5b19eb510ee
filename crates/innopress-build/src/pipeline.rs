//! The pipeline in one place: load → validate → impact → render → write. `build` and `check`
//! are the library entry points the command line calls.

use crate::output::{self, OutputError, Staging};
use innopress_content::content::model::SiteConfig;
use innopress_content::content::{self, Site};
use innopress_content::validate;
use innopress_core::date::Date;
use innopress_core::diagnostics::{Diagnostic, Diagnostics};
use innopress_impact::{self as impact, Summary};
use innopress_render::site::{self, Report};
use innopress_render::{self as render, Model, RenderError};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `ROOT/output`.
    pub output: Option<PathBuf>,
    pub drafts: bool,
    /// Overrides `as_of` from `site.toml`.
    pub as_of: Option<Date>,
    /// Replace an `output` folder that holds other files, or that is a link.
    pub force: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Problems in content: all of them, sorted.
    #[error("{}", .0.render())]
    Content(Diagnostics),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("{}", render_errors(.0))]
    Render(Vec<RenderError>),
}

fn render_errors(errors: &[RenderError]) -> String {
    errors
        .iter()
        .map(|e| format!("error: {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub output: PathBuf,
    pub pages: usize,
    pub charts: usize,
    pub files: usize,
    pub bytes: usize,
    pub millis: u128,
    /// Warnings found on the way (the build still succeeded).
    pub warnings: Diagnostics,
    /// Milliseconds spent in each stage, in order.
    pub stages: Vec<(&'static str, u128)>,
    /// What was loaded: (what, how many).
    pub loaded: Vec<(&'static str, usize)>,
    /// Nothing had changed since the last build into this output, so nothing was written.
    pub unchanged: bool,
    /// For an unchanged build: how many warnings the recorded build printed.
    pub earlier_warnings: usize,
    /// Pictures encoded by this build, and pictures taken from the cache.
    pub images_encoded: usize,
    pub images_cached: usize,
    /// What the search index cost (a full build only).
    pub search: Option<render::search::Cost>,
}

/// A loaded, validated site with its summary, ready to render. Its settings are taken out of
/// the [`Site`] here, so no later stage has to ask whether they exist.
pub struct Checked {
    pub site: Site,
    pub config: SiteConfig,
    pub summary: Summary,
    pub warnings: Diagnostics,
}

/// Loads and validates; drafts are dropped unless `drafts`. Returns every problem on failure.
pub fn load_checked(
    root: &Path,
    drafts: bool,
    as_of: Option<Date>,
) -> Result<Checked, Diagnostics> {
    let (mut site, mut diags) = content::load(root);
    diags.extend(validate::validate(&site, validate::Options { drafts }));
    diags.sort();
    let config = match site.config.take() {
        Some(config) if !diags.has_errors() => config,
        config => {
            if config.is_none() && !diags.has_errors() {
                diags.push(Diagnostic::file_error(
                    "content/site.toml",
                    "site settings are missing",
                ));
            }
            return Err(diags);
        }
    };
    if !drafts {
        site.articles.retain(|d| !d.draft());
        site.pages.retain(|d| !d.draft());
        site.reports.retain(|d| !d.draft());
        site.newsletters.retain(|d| !d.draft());
    }
    let summary = impact::summarise(&site, as_of.unwrap_or(config.as_of), Some(&config));
    Ok(Checked {
        site,
        config,
        summary,
        warnings: diags,
    })
}

pub use crate::check::{check, check_with};

/// Builds the site into the output folder, atomically.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    build_then(opts, false).map(|(report, _)| report)
}

/// What a build loaded and computed, for `serve` to keep (not loading the site twice).
pub struct Loaded {
    pub checked: Checked,
    pub theme: render::theme::Theme,
    pub charts: std::sync::Arc<std::collections::BTreeMap<String, innopress_charts::Chart>>,
    /// The search index the build wrote, kept for `serve` to update; `None` when loaded
    /// without building.
    pub search: Option<render::search::Index>,
}

impl Loaded {
    /// Loads, checks and summarises the site and draws its charts, writing nothing.
    pub fn load(opts: &BuildOptions) -> Result<Loaded, BuildError> {
        let checked =
            load_checked(&opts.root, opts.drafts, opts.as_of).map_err(BuildError::Content)?;
        let theme = render::theme::load(&opts.root).map_err(BuildError::Content)?;
        let charts = innopress_charts::named(&checked.summary, &theme.strings.charts);
        Ok(Loaded {
            checked,
            theme,
            charts,
            search: None,
        })
    }
}

/// [`build`], also returning what it loaded and the search index it wrote; `None` when
/// nothing had changed and so nothing was loaded.
pub fn build_keeping(opts: &BuildOptions) -> Result<(BuildReport, Option<Loaded>), BuildError> {
    build_then(opts, true)
}

/// A build, returning what it loaded, and the search index it wrote when `keep_index`.
fn build_then(
    opts: &BuildOptions,
    keep_index: bool,
) -> Result<(BuildReport, Option<Loaded>), BuildError> {
    let started = Instant::now();
    let root = &opts.root;
    let target = opts.output.clone().unwrap_or_else(|| root.join("output"));
    output::check_target(root, &target, opts.output.is_some(), opts.force)?;
    // nothing changed since the last build into this output: nothing to do
    let absolute_target = output::absolute(&target);
    let fingerprint = fingerprint(opts, &absolute_target);
    if let Some(rec) = crate::cache::lookup(root, &fingerprint, &absolute_target) {
        return Ok((BuildReport::unchanged(target, &rec, started), None));
    }
    let mut stages = vec![("fingerprint inputs", started.elapsed().as_millis())];
    let mut lap = Instant::now();
    let mut stage = |name: &'static str, stages: &mut Vec<(&'static str, u128)>| {
        stages.push((name, lap.elapsed().as_millis()));
        lap = Instant::now();
    };
    let mut checked = load_checked(root, opts.drafts, opts.as_of).map_err(BuildError::Content)?;
    stage("load, validate and summarise", &mut stages);
    let theme = render::theme::load(root).map_err(BuildError::Content)?;
    let model = Model::new(&checked.site, &checked.config, &checked.summary, &theme);
    checked.warnings.extend(render::record::drift(
        &model,
        innopress_mail::email::email_changed,
    ));
    checked.warnings.sort();
    stage("theme and charts", &mut stages);
    let staging = Staging::create(&target)?;
    let mut rendered = render_into(&model, &staging)?;
    stage("render and write", &mut stages);
    let scanned = std::mem::take(&mut rendered.scanned);
    let (report, index) = write_search_index(rendered, &staging)?;
    let search = index.cost();
    // only `serve` keeps the written index: a large register's link check needs the room
    let index = keep_index.then_some(index);
    stage("search index", &mut stages);
    // a broken internal link fails the build, as in `check`; the staging folder is
    // dropped, so the previous output stays
    check_links(&checked.site, scanned, &model)?;
    stage("check links", &mut stages);
    let written = staging.commit()?;
    stage("swap into place", &mut stages);
    crate::cache::store(
        root,
        &fingerprint,
        &written,
        recorded(&report, &model, &checked),
    );
    stage("record the build", &mut stages);
    let charts = model.charts.clone();
    drop(model);
    let report = BuildReport {
        unchanged: false,
        earlier_warnings: 0,
        charts: charts.len(),
        stages,
        loaded: loaded_counts(&checked.site, charts.len()),
        output: target,
        pages: report.pages,
        files: report.files,
        bytes: report.bytes,
        images_encoded: report.images_encoded,
        images_cached: report.images_cached,
        search: Some(search),
        millis: started.elapsed().as_millis(),
        warnings: std::mem::take(&mut checked.warnings),
    };
    Ok((
        report,
        Some(Loaded {
            checked,
            theme,
            charts,
            search: index,
        }),
    ))
}

/// What the build record keeps of a finished build.
fn recorded(report: &Report, model: &Model, checked: &Checked) -> crate::cache::Recorded {
    crate::cache::Recorded {
        pages: report.pages,
        charts: model.charts.len(),
        files: report.files,
        warnings: checked.warnings.warning_count(),
    }
}

/// The fingerprint of a build's inputs: its files, the binary and the options.
fn fingerprint(opts: &BuildOptions, absolute_target: &Path) -> String {
    let options = format!("{:?} {:?}", opts.drafts, opts.as_of);
    crate::cache::inputs(&opts.root, absolute_target, &options)
}

impl BuildReport {
    /// The report of a build that found nothing changed since `rec` was recorded.
    fn unchanged(output: PathBuf, rec: &crate::cache::Recorded, started: Instant) -> BuildReport {
        BuildReport {
            output,
            pages: rec.pages,
            charts: rec.charts,
            files: rec.files,
            earlier_warnings: rec.warnings,
            bytes: 0,
            millis: started.elapsed().as_millis(),
            warnings: Diagnostics::default(),
            stages: vec![("nothing changed", started.elapsed().as_millis())],
            loaded: Vec::new(),
            unchanged: true,
            images_encoded: 0,
            images_cached: 0,
            search: None,
        }
    }
}

/// The internal links of the rendered pages: a broken one is an error.
fn check_links(
    checked: &Site,
    scanned: innopress_render::links::Scans,
    model: &Model,
) -> Result<(), BuildError> {
    let broken = innopress_render::links::check(
        checked,
        &scanned,
        &site::other_files(model),
        &model.base.path,
    );
    if broken.has_errors() {
        return Err(BuildError::Content(broken));
    }
    Ok(())
}

/// The search index's term shards and summary, into `staging` (each record's own file was
/// written as its page rendered); the report with them counted, and the index.
fn write_search_index(
    rendered: Rendered,
    staging: &Staging,
) -> Result<(Report, render::search::Index), BuildError> {
    let Rendered {
        mut report,
        mut index,
        ..
    } = rendered;
    let sink = |path: &str, bytes: &[u8]| {
        staging
            .write(path, bytes)
            .map_err(|e| RenderError::Write(Box::new(e)))
    };
    let written = index.write(&sink, None).map_err(BuildError::Render)?;
    report.files += written.files;
    report.bytes += written.bytes;
    Ok((report, index))
}

/// What a build loaded, for `build --verbose`.
fn loaded_counts(s: &Site, charts: usize) -> Vec<(&'static str, usize)> {
    vec![
        ("content files", s.sources.len()),
        ("cities", s.cities.len()),
        ("projects", s.projects.len()),
        ("observations", s.observations.len()),
        ("articles", s.articles.len()),
        ("newsletter issues", s.newsletters.len()),
        ("charts", charts),
    ]
}

/// What [`render_into`] made: its report, each page's links and ids (scanned as it was
/// rendered, for the link check) and the search index, its shards not yet written.
struct Rendered {
    report: Report,
    scanned: innopress_render::links::Scans,
    index: render::search::Index,
}

/// Renders the website and the email previews into `staging` and copies the static files.
/// Every problem is collected, sorted, not just the first.
fn render_into(model: &Model, staging: &Staging) -> Result<Rendered, BuildError> {
    let index = render::search::Index::new(site::search_urls(model));
    let sink = |path: &str, bytes: &[u8]| {
        staging
            .write(path, bytes)
            .map_err(|e| RenderError::Write(Box::new(e)))
    };
    let stream =
        |path: &str, fill: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>| {
            staging
                .write_with(path, fill)
                .map_err(|e| RenderError::Write(Box::new(e)))
        };
    let scanner = innopress_render::links::Scanner::new(&model.base.full);
    let on_page = |path: &str, html: &str| scanner.add(path, html);
    let (mut report, mut errors) =
        match site::render_site(model, &index, (&sink, &stream), &on_page) {
            Ok(report) => (report, Vec::new()),
            Err(errors) => (Report::default(), errors),
        };
    let (emails, email_errors) = innopress_mail::email::preview::email_files(model, |_| true);
    errors.extend(email_errors);
    for (path, bytes) in &emails {
        report.bytes += bytes.len();
        report.files += 1;
        if let Err(e) = sink(path, bytes) {
            errors.push(e);
        }
    }
    errors.extend(write_pictures(model, staging, &mut report));
    errors.extend(write_cards(model, staging, &mut report));
    errors.extend(copy_static(model, staging, &mut report));
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.to_string());
        return Err(BuildError::Render(errors));
    }
    Ok(Rendered {
        report,
        scanned: scanner.finish(),
        index,
    })
}

/// The photos, resized and without their metadata (from `.innopress/images/` when done
/// before), into `staging`.
fn write_pictures(model: &Model, staging: &Staging, report: &mut Report) -> Vec<RenderError> {
    let mut errors = Vec::new();
    let images: Vec<&innopress_images::ImageInfo> = model.site.images.values().collect();
    let (produced, image_errors) = innopress_images::encode::produce(&model.site.root, &images);
    errors.extend(
        image_errors
            .into_iter()
            .map(|e| RenderError::Write(Box::new(e))),
    );
    report.images_encoded = produced.encoded;
    report.images_cached = produced.cached;
    for (rel, from) in &produced.files {
        if let Err(e) = staging.copy(rel, from) {
            errors.push(RenderError::Write(Box::new(e)));
        }
        report.files += 1;
    }
    errors
}

/// The static files but photos (written above, never as they came), into `staging`.
fn copy_static(model: &Model, staging: &Staging, report: &mut Report) -> Vec<RenderError> {
    let mut errors = Vec::new();
    let static_dir = model.site.root.join("content/static");
    for rel in &model.site.static_files {
        if model
            .site
            .images
            .get(rel)
            .is_some_and(|i| i.format.is_raster())
        {
            continue;
        }
        let copied = if innopress_images::gif::is_gif(rel) {
            // a GIF is rewritten without its comments and extensions, never copied
            innopress_images::gif::without_metadata(&static_dir, rel)
                .map_err(|e| RenderError::Write(Box::new(e)))
                .and_then(|bytes| {
                    staging
                        .write(rel, &bytes)
                        .map_err(|e| RenderError::Write(Box::new(e)))
                })
        } else {
            staging
                .copy(rel, &static_dir.join(rel))
                .map_err(|e| RenderError::Write(Box::new(e)))
        };
        if let Err(e) = copied {
            errors.push(e);
        }
        report.files += 1;
    }
    errors
}

/// The sharing cards, drawn in parallel; a card drawn before (same text, logo and colour)
/// is taken from `.innopress/cards/`.
fn write_cards(model: &Model, staging: &Staging, report: &mut Report) -> Vec<RenderError> {
    use base64::Engine;
    use rayon::prelude::*;
    let logo = model.cfg.logo.as_ref().and_then(|l| {
        let rel = l.get_ref().trim_start_matches('/');
        let info = model.site.images.get(rel)?;
        let bytes = std::fs::read(model.site.root.join("content/static").join(rel)).ok()?;
        let mime = if info.format == innopress_images::Format::Svg {
            "image/svg+xml"
        } else {
            "image/png"
        };
        Some(format!(
            "data:{mime};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ))
    });
    let cards = model.cards();
    let results: Vec<Result<(String, std::path::PathBuf), RenderError>> = cards
        .par_iter()
        .map(|card| {
            let svg = model.card_svg(card, logo.as_deref());
            let path = site::cards::card_path(&card.dir);
            innopress_images::encode::cached(
                &model.site.root,
                "cards",
                svg.as_bytes(),
                "png",
                || {
                    innopress_charts::to_png(&svg, 1.0)
                        .map_err(|e| innopress_images::encode::Failure(e.to_string()))
                },
            )
            .map(|(file, _)| (path.clone(), file))
            .map_err(|e| RenderError::Write(format!("{path}: {e}").into()))
        })
        .collect();
    let mut errors = Vec::new();
    for r in results {
        match r.and_then(|(path, file)| {
            staging
                .copy(&path, &file)
                .map_err(|e| RenderError::Write(Box::new(e)))
        }) {
            Ok(()) => report.files += 1,
            Err(e) => errors.push(e),
        }
    }
    errors
}

/// An issue rendered for sending, with the site settings it needs.
pub struct PreparedIssue {
    pub issue: innopress_mail::email::RenderedIssue,
    /// The record a campaign keeps of this issue, when it has none yet: where it goes
    /// (relative to the root) and its text, made from what was just rendered.
    pub unsent: Option<(String, String)>,
    pub config: innopress_content::content::model::SiteConfig,
    pub base: innopress_core::urls::BaseUrl,
    pub warnings: Diagnostics,
    /// What the checks before a campaign need ([`innopress_mail::preflight`]).
    pub preflight: innopress_mail::preflight::Input,
}

/// Loads and checks the site and renders newsletter issue `number` (drafts excluded).
pub fn prepare_issue(root: &Path, number: u32) -> Result<PreparedIssue, BuildError> {
    let checked = load_checked(root, false, None).map_err(BuildError::Content)?;
    let theme = render::theme::load(root).map_err(BuildError::Content)?;
    let cfg = &checked.config;
    let model = Model::new(&checked.site, cfg, &checked.summary, &theme);
    let Some(doc) = checked
        .site
        .newsletters
        .iter()
        .find(|d| d.issue().is_some_and(|i| *i.number.get_ref() == number))
    else {
        let mut known: Vec<u32> = checked
            .site
            .newsletters
            .iter()
            .filter_map(|d| d.issue().map(|i| *i.number.get_ref()))
            .collect();
        known.sort_unstable();
        let mut d = Diagnostics::default();
        d.push(
            Diagnostic::file_error(
                "content/newsletters",
                format!("there is no newsletter issue number {number}"),
            )
            .with_hint(format!(
                "issues found: {}",
                known
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
        return Err(BuildError::Content(d));
    };
    let issue = innopress_mail::email::render_issue(&model, doc)
        .map_err(|e| BuildError::Render(vec![e]))?;
    let unsent = doc.record.is_none().then(|| {
        use render::record::{Stamp, record_of, sha256, to_toml};
        let mut record = record_of(&model, doc, Stamp::Sent(Date::today()));
        record.html_sha256 = Some(sha256(&issue.html.fill("", "")));
        record.text_sha256 = Some(sha256(&issue.text.fill("", "")));
        (doc.record_path(), to_toml(&record, doc))
    });
    let preflight = innopress_mail::places::preflight_input(&model, doc, &issue.view_url);
    Ok(PreparedIssue {
        issue,
        unsent,
        config: cfg.clone(),
        base: model.base.clone(),
        warnings: checked.warnings,
        preflight,
    })
}
