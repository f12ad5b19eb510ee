//! The pictures of a site, read while it loads: every photo under `content/static/` (so
//! that none is published with its metadata) and every SVG drawing that something shows as
//! a picture. Only headers are read, in parallel; [`innopress_images`] has the rest.

use super::model::{City, Document, Project, SiteConfig};
use innopress_core::diagnostics::{Diagnostic, Diagnostics};
use innopress_images::{Format, ImageInfo, budget, probe};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The paths below `content/static/` that a page shows as a picture: lead images, the
/// logo and Markdown pictures written from the site root.
pub fn referenced<'d>(
    docs: impl Iterator<Item = &'d Document>,
    cities: &[City],
    projects: &[Project],
    config: Option<&SiteConfig>,
) -> BTreeSet<String> {
    let base_path = config
        .and_then(|c| innopress_core::urls::BaseUrl::parse(c.base_url.get_ref()).ok())
        .map_or_else(|| "/".to_string(), |b| b.path);
    let mut out = BTreeSet::new();
    for doc in docs {
        out.extend(doc.lead_image().map(|l| l.rel().to_string()));
        for img in &doc.images {
            if let Some(rel) = innopress_core::markdown::site_path(&img.dest, &base_path) {
                out.insert(rel.to_string());
            }
        }
    }
    out.extend(
        cities
            .iter()
            .filter_map(|c| c.lead_image().map(|l| l.rel().to_string())),
    );
    out.extend(
        projects
            .iter()
            .filter_map(|p| p.lead_image().map(|l| l.rel().to_string())),
    );
    if let Some(logo) = config.and_then(|c| c.logo.as_ref()) {
        out.insert(logo.get_ref().trim_start_matches('/').to_string());
    }
    out
}

/// Probes every photo in `content/static/` and every referenced drawing there. A file that
/// cannot be read, is too large, or is a picture format innopress would have to publish as
/// it is (TIFF, HEIC…) is an error at its path; so is a name two files would be written to.
pub fn probe_all(
    root: &std::path::Path,
    static_files: &[String],
    used: &BTreeSet<String>,
    diags: &mut Diagnostics,
) -> BTreeMap<String, ImageInfo> {
    let dir = root.join("content/static");
    for rel in static_files {
        if let Some(what) = innopress_images::refused(rel) {
            diags.push(
                Diagnostic::file_error(
                    format!("content/static/{rel}"),
                    format!("this is {what}: innopress does not read it, and copying it as it is would publish its metadata (the camera, its serial number, where it was taken)"),
                )
                .with_hint("save it as JPEG (photos) or PNG (drawings, screenshots) and use that file instead"),
            );
        }
    }
    let wanted: Vec<(&String, Format)> = static_files
        .iter()
        .filter_map(|rel| Format::of(rel).map(|f| (rel, f)))
        .filter(|(rel, f)| f.is_raster() || used.contains(rel.as_str()))
        .collect();
    let probed: Vec<(String, Result<ImageInfo, probe::ProbeError>)> = wanted
        .par_iter()
        .map(|(rel, format)| (rel.to_string(), read_and_probe(&dir, rel, *format)))
        .collect();
    let mut out = BTreeMap::new();
    for (rel, result) in probed {
        match result {
            Ok(info) => {
                out.insert(rel, info);
            }
            Err(e) => diags.push(
                Diagnostic::file_error(format!("content/static/{rel}"), e.message)
                    .with_hint(e.hint),
            ),
        }
    }
    for rel in static_files
        .iter()
        .filter(|r| innopress_images::gif::is_gif(r))
    {
        if let Err(e) = innopress_images::gif::check(&dir.join(rel)) {
            diags.push(
                Diagnostic::file_error(format!("content/static/{rel}"), e.message)
                    .with_hint(e.hint),
            );
        }
    }
    name_variants(&mut out);
    collisions(static_files, &out, diags);
    out
}

/// Reads a picture, if it is not too large a file to read, and probes it.
fn read_and_probe(
    dir: &std::path::Path,
    rel: &str,
    format: Format,
) -> Result<ImageInfo, probe::ProbeError> {
    let path = dir.join(rel);
    let unreadable =
        |e: std::io::Error| probe::ProbeError::unreadable(format!("cannot read this picture: {e}"));
    let len = std::fs::metadata(&path).map_err(unreadable)?.len();
    if len > budget::MAX_FILE_BYTES {
        return Err(probe::ProbeError::too_large(format!(
            "this picture file is {} MiB, more than the {} MiB innopress reads",
            len / (1024 * 1024),
            budget::MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let bytes = std::fs::read(&path).map_err(unreadable)?;
    probe::probe(rel, format, &bytes)
}

/// Pictures in one folder with the same name but another extension (`photo.jpg`,
/// `photo.png`) get their extension into their variants' names, so that neither overwrites
/// the other's; every other picture keeps the plain names its links have always had.
fn name_variants(images: &mut BTreeMap<String, ImageInfo>) {
    let mut by_stem: BTreeMap<String, usize> = BTreeMap::new();
    for rel in images.keys() {
        *by_stem
            .entry(ImageInfo::plain_stem(rel).to_string())
            .or_default() += 1;
    }
    for (rel, info) in images.iter_mut() {
        if by_stem
            .get(ImageInfo::plain_stem(rel))
            .copied()
            .unwrap_or(0)
            > 1
        {
            info.stem = ImageInfo::qualified_stem(rel);
        }
    }
}

/// Every file written into the output from `content/static/` has one source: a name that
/// a variant and another file (or two variants) would both take is an error at the second.
fn collisions(
    static_files: &[String],
    images: &BTreeMap<String, ImageInfo>,
    diags: &mut Diagnostics,
) {
    let mut taken: BTreeMap<String, &str> = BTreeMap::new();
    let mut claims: Vec<(String, &str)> = static_files
        .iter()
        .map(|rel| (rel.clone(), rel.as_str()))
        .collect();
    for (rel, info) in images {
        for v in info.variants() {
            claims.push((v.webp, rel.as_str()));
            claims.push((v.fallback, rel.as_str()));
        }
    }
    for (path, source) in claims {
        match taken.get(&path) {
            Some(first) if *first != source => diags.push(
                Diagnostic::file_error(
                    format!("content/static/{source}"),
                    format!("innopress would write {path} for this file and for content/static/{first}, and one would overwrite the other"),
                )
                .with_hint("rename one of the two files"),
            ),
            Some(_) => {}
            None => {
                taken.insert(path, source);
            }
        }
    }
}
