//! Incremental rebuilds for `serve`: the loaded site, its summary, theme and charts stay in
//! memory; an edit of a Markdown document re-reads that file, re-validates, and renders only
//! its page and the pages that list it. Anything else (data, settings, theme, static files, a
//! new, removed or drafted document) falls back to a full build, which is always correct.

use crate::pipeline::{self, BuildError, BuildOptions, BuildReport};
use innopress_charts::Chart;
use innopress_content::content::Site;
use innopress_content::content::model::{DocKind, Document, SiteConfig};
use innopress_content::validate;
use innopress_core::diagnostics::Diagnostics;
use innopress_impact::Summary;
use innopress_render::site::{self, NewsPages, Selection};
use innopress_render::theme::Theme;
use innopress_render::{Model, RenderError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

pub struct Session {
    opts: BuildOptions,
    output: PathBuf,
    site: Site,
    config: SiteConfig,
    summary: Summary,
    theme: Theme,
    charts: Arc<BTreeMap<String, Chart>>,
    /// Figures on the documents' own dates, and the dates and charts they were computed for:
    /// computed again only when an edit changes those.
    dated: Arc<BTreeMap<innopress_core::date::Date, innopress_render::model::Dated>>,
    /// The search index, from the first build (or made at the first edit when that build
    /// was skipped), kept up to date: an edit rewrites only the shards of its words.
    search: Option<innopress_render::search::Index>,
    dated_shape: Option<Vec<(innopress_core::date::Date, Vec<String>)>>,
}

enum Change {
    Edit(String, DocKind, usize),
    Ignore,
    Other,
}

pub enum Outcome {
    /// Only these files were written.
    Incremental {
        files: usize,
        millis: u128,
    },
    Full(BuildReport),
}

impl Session {
    /// A full build, keeping what it loaded for later edits.
    pub fn start(opts: &BuildOptions) -> Result<(Session, BuildReport), BuildError> {
        let (report, loaded) = pipeline::build_keeping(opts)?;
        let session = Session::load(opts, report.output.clone(), loaded)?;
        Ok((session, report))
    }

    /// Keeps what the build loaded; loads the site only when the build was skipped.
    fn load(
        opts: &BuildOptions,
        output: PathBuf,
        loaded: Option<pipeline::Loaded>,
    ) -> Result<Session, BuildError> {
        let pipeline::Loaded {
            checked,
            theme,
            charts,
            search,
        } = match loaded {
            Some(l) => l,
            None => pipeline::Loaded::load(opts)?,
        };
        Ok(Session {
            opts: opts.clone(),
            output,
            site: checked.site,
            config: checked.config,
            summary: checked.summary,
            theme,
            charts,
            dated: Arc::new(BTreeMap::new()),
            dated_shape: None,
            search,
        })
    }

    /// Applies a change to `paths` (absolute or relative to the root). On an error nothing in
    /// the output or the session changes.
    pub fn rebuild(&mut self, paths: &[PathBuf]) -> Result<Outcome, BuildError> {
        let started = Instant::now();
        let root = self.opts.root.clone();
        let mut edits = Vec::new();
        for p in paths {
            match self.document_edit(&root, p) {
                Change::Edit(rel, kind, index) => edits.push((rel, kind, index)),
                Change::Ignore => {}
                Change::Other => return self.full(),
            }
        }
        if edits.is_empty() {
            return Ok(Outcome::Incremental {
                files: 0,
                millis: started.elapsed().as_millis(),
            });
        }
        edits.sort_by(|a, b| a.0.cmp(&b.0));
        edits.dedup_by(|a, b| a.0 == b.0);

        let mut selection = Selection::default();
        let mut diags = Diagnostics::default();
        let Some(undo) = self.apply(&root, &edits, &mut selection, &mut diags) else {
            return self.full();
        };
        if !diags.has_errors() {
            diags.extend(validate::validate(
                &self.site,
                validate::Options {
                    drafts: self.opts.drafts,
                },
            ));
        }
        if diags.has_errors() {
            self.revert(undo);
            diags.sort();
            return Err(BuildError::Content(diags));
        }
        self.refresh_dated();
        let model = Model::with_charts(
            &self.site,
            &self.config,
            &self.summary,
            &self.theme,
            self.charts.clone(),
            self.dated.clone(),
        );
        let (mut files, records) =
            write_selected(&self.output, &model, &selection).map_err(BuildError::Render)?;
        let index = self
            .search
            .get_or_insert_with(|| site::search_index(&model));
        files += reindex(index, &records, &self.output).map_err(BuildError::Render)?;
        Ok(Outcome::Incremental {
            files,
            millis: started.elapsed().as_millis(),
        })
    }

    /// Puts the edited documents in place of the old ones and selects what they touch; what
    /// undoes it, or `None` (nothing changed) when the edit needs a full build: a new slug,
    /// a draft, another issue number, a page's new title.
    fn apply(
        &mut self,
        root: &Path,
        edits: &[(String, DocKind, usize)],
        selection: &mut Selection,
        diags: &mut Diagnostics,
    ) -> Option<Vec<Undo>> {
        let mut undo: Vec<Undo> = Vec::new();
        for (rel, kind, index) in edits {
            let (src, doc, d) = innopress_content::content::load_document(root, rel, *kind);
            diags.extend(d);
            let (Some(src), Some(mut doc)) = (src, doc) else {
                continue;
            };
            let old = &self.site.docs(*kind)[*index];
            let old_issue = old.issue().map(|i| *i.number.get_ref());
            let new_issue = doc.issue().map(|i| *i.number.get_ref());
            // numbers name folders; page titles are in every page's footer
            if (doc.draft() && !self.opts.drafts)
                || doc.slug != old.slug
                || old_issue != new_issue
                || (*kind == DocKind::Page && old.title() != doc.title())
            {
                self.revert(undo);
                return None;
            }
            let listed = listing_changed(old, &doc);
            doc.file = old.file;
            // the record beside it is a file of its own; an edit of it rebuilds everything
            doc.record = old.record.clone();
            select(&self.site, old, &doc, listed, selection);
            let previous_text = self.site.sources.replace(doc.file, src.text.clone());
            let previous = std::mem::replace(&mut self.site.docs_mut(*kind)[*index], doc);
            undo.push((*kind, *index, previous, previous_text));
        }
        Some(undo)
    }

    /// The summaries on documents' own dates, computed again when the dates changed.
    fn refresh_dated(&mut self) {
        let wanted = innopress_render::dated::wanted(&self.site, self.summary.as_of);
        let shape = innopress_render::dated::shape(&wanted);
        if self.dated_shape.as_ref() != Some(&shape) {
            self.dated = Arc::new(innopress_render::dated::compute(
                &self.site,
                &self.summary,
                &self.theme.strings.charts,
                wanted,
            ));
            self.dated_shape = Some(shape);
        }
    }

    fn revert(&mut self, undo: Vec<Undo>) {
        for (kind, index, doc, text) in undo.into_iter().rev() {
            self.site.sources.replace(doc.file, text);
            self.site.docs_mut(kind)[index] = doc;
        }
    }

    fn full(&mut self) -> Result<Outcome, BuildError> {
        let (report, loaded) = pipeline::build_keeping(&self.opts)?;
        *self = Session::load(&self.opts, report.output.clone(), loaded)?;
        Ok(Outcome::Full(report))
    }

    /// What a changed path means: an edit of a document the session knows, nothing (a
    /// vanished temporary file of an editor), or anything else.
    fn document_edit(&self, root: &Path, p: &Path) -> Change {
        let rel = p.strip_prefix(root).unwrap_or(p);
        let Some(rel) = rel.to_str().map(|r| r.replace('\\', "/")) else {
            return Change::Other;
        };
        let known = self.site.sources.find(&rel);
        if !root.join(&rel).exists() {
            // a file that is gone: a deleted document, or an editor's temporary file
            return if known.is_some() {
                Change::Other
            } else {
                Change::Ignore
            };
        }
        let kind = DocKind::ALL.into_iter().find(|k| {
            rel.strip_prefix(&format!("content/{}/", k.folder()))
                .is_some_and(|name| name.ends_with(".md") && !name.contains('/'))
        });
        match (kind, known) {
            (Some(kind), Some(file)) => {
                match self.site.docs(kind).iter().position(|d| d.file == file) {
                    Some(index) => Change::Edit(rel, kind, index),
                    None => Change::Other,
                }
            }
            _ => Change::Other,
        }
    }
}

/// A document's cities and themes.
fn tags(d: &Document) -> (Vec<&String>, Vec<&String>) {
    (
        d.cities().iter().map(|c| c.get_ref()).collect(),
        d.themes().iter().map(|t| t.get_ref()).collect(),
    )
}

/// Whether what lists show of a document (title, date, summary, tags) changed.
fn listing_changed(old: &Document, new: &Document) -> bool {
    old.title() != new.title()
        || old.summary() != new.summary()
        || old.date() != new.date()
        || tags(old) != tags(new)
}

/// The pages an edit of `old` into `new` touches.
fn select(site: &Site, old: &Document, new: &Document, listed: bool, sel: &mut Selection) {
    sel.docs.push((new.kind, new.slug.clone()));
    match new.kind {
        DocKind::Article => {
            sel.feed = true;
            if listed {
                // the news lists are ordered by date: an article of the same date, cities
                // and themes keeps its place, and only its own page of each list changes
                // (two articles edited at once: every page)
                if old.date() != new.date() {
                    sel.sitemap = true;
                }
                let mine = if old.date() == new.date() && tags(old) == tags(new) {
                    NewsPages::Of(new.slug.clone())
                } else {
                    NewsPages::All
                };
                sel.news = match &sel.news {
                    NewsPages::None => mine,
                    before if *before == mine => mine,
                    _ => NewsPages::All,
                };
                for d in [old, new] {
                    sel.cities
                        .extend(d.cities().iter().map(|c| c.get_ref().clone()));
                    sel.themes
                        .extend(d.themes().iter().map(|t| t.get_ref().clone()));
                }
                // issues that tease the article show its title and summary
                for issue in &site.newsletters {
                    if issue
                        .issue()
                        .is_some_and(|i| i.articles.iter().any(|a| *a.get_ref() == new.slug))
                    {
                        sel.docs.push((DocKind::Newsletter, issue.slug.clone()));
                        sel.emails
                            .extend(issue.issue().map(|i| *i.number.get_ref()));
                    }
                }
            }
        }
        DocKind::Newsletter => {
            sel.emails.extend(new.issue().map(|i| *i.number.get_ref()));
            if listed {
                sel.lists = true;
                sel.sitemap = true;
            }
        }
        DocKind::Report => {
            if listed {
                sel.lists = true;
                sel.sitemap = true;
            }
        }
        DocKind::Page => {}
    }
}

/// The search index with the records of the pages just rendered: their own files, the
/// shards of the words they had or have, and the summary are written; shards no longer
/// in the index are removed. The same files as a full build's index.
fn reindex(
    index: &mut innopress_render::search::Index,
    records: &[innopress_render::search::SearchRecord],
    output: &Path,
) -> Result<usize, Vec<RenderError>> {
    let sink = live_sink(output);
    let mut touched = std::collections::BTreeSet::new();
    let mut files = 0;
    for r in records {
        if let Some((path, bytes)) = index.replace(r, &mut touched) {
            sink(&path, &bytes).map_err(|e| vec![e])?;
            files += 1;
        }
    }
    let written = index.write(&sink, Some(&touched))?;
    for gone in &written.removed {
        let _ = std::fs::remove_file(output.join(gone));
    }
    Ok(files + written.files)
}

/// Writes into the live output folder (`serve` rewrites files in place).
fn live_sink(out: &Path) -> impl Fn(&str, &[u8]) -> Result<(), RenderError> + Sync + '_ {
    move |path, bytes| {
        crate::output::write_into(out, path, bytes).map_err(|e| RenderError::Write(Box::new(e)))
    }
}

/// What undoes one document's edit: its kind, index, old document and old text.
type Undo = (DocKind, usize, Document, Arc<str>);

/// The selected pages, the charts of documents' own dates and the selected issues' email
/// files, written into `out`; how many files.
fn write_selected(
    out: &Path,
    model: &Model,
    selection: &Selection,
) -> Result<(usize, Vec<innopress_render::search::SearchRecord>), Vec<RenderError>> {
    let sink = live_sink(out);
    let mut errors = Vec::new();
    let (files, records) = site::render_selected(model, selection, &sink).unwrap_or_else(|e| {
        errors.extend(e);
        (0, Vec::new())
    });
    // the charts on documents' own dates are few and may have changed with the edit
    // (a new date, a new chart): written again each time, for the feed that links them
    errors.extend(
        site::dated_chart_files(model).filter_map(|(path, svg)| sink(&path, svg.as_bytes()).err()),
    );
    let mut emails = 0;
    if !selection.emails.is_empty() {
        let (files, more) =
            innopress_mail::email::preview::email_files(model, |n| selection.emails.contains(&n));
        errors.extend(more);
        errors.extend(
            files
                .iter()
                .filter_map(|(path, bytes)| sink(path, bytes).err()),
        );
        emails = files.len();
    }
    if errors.is_empty() {
        Ok((files + emails, records))
    } else {
        Err(errors)
    }
}
