//! The pictures of a site, read while it loads: every photo under `content/static/` (so
//! that none is published with its metadata) and every SVG drawing that something shows as
//! a picture. Only headers are read, in parallel; [`crate::images`] has the rest.

use super::model::{City, Document, Project, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::images::{Format, ImageInfo, probe};
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
        .and_then(|c| crate::urls::BaseUrl::parse(c.base_url.get_ref()).ok())
        .map_or_else(|| "/".to_string(), |b| b.path);
    let mut out = BTreeSet::new();
    for doc in docs {
        out.extend(doc.lead_image().map(|l| l.rel().to_string()));
        for img in &doc.images {
            if let Some(rel) = crate::markdown::site_path(&img.dest, &base_path) {
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
/// cannot be read is an error at its path.
pub fn probe_all(
    root: &std::path::Path,
    static_files: &[String],
    used: &BTreeSet<String>,
    diags: &mut Diagnostics,
) -> BTreeMap<String, ImageInfo> {
    let dir = root.join("content/static");
    let wanted: Vec<(&String, Format)> = static_files
        .iter()
        .filter_map(|rel| Format::of(rel).map(|f| (rel, f)))
        .filter(|(rel, f)| f.is_raster() || used.contains(rel.as_str()))
        .collect();
    let probed: Vec<(String, Result<ImageInfo, probe::ProbeError>)> = wanted
        .par_iter()
        .map(|(rel, format)| {
            let result = std::fs::read(dir.join(rel))
                .map_err(|e| probe::ProbeError(format!("cannot read this picture: {e}")))
                .and_then(|bytes| probe::probe(rel, *format, &bytes));
            (rel.to_string(), result)
        })
        .collect();
    let mut out = BTreeMap::new();
    for (rel, result) in probed {
        match result {
            Ok(info) => {
                out.insert(rel, info);
            }
            Err(e) => diags.push(
                Diagnostic::file_error(format!("content/static/{rel}"), e.0).with_hint(
                    "open the picture in an image editor and save it again as JPEG, PNG or WebP (SVG for drawings)",
                ),
            ),
        }
    }
    out
}
