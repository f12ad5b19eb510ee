//! `innopress check`: everything validated (content, drafts included, and theme) and every
//! link the pages will have checked, nothing written. The pages are rendered and scanned
//! one at a time, so a check holds their links, never the pages.

use crate::pipeline::load_checked;
use innopress_content::validate;
use innopress_core::diagnostics::{Diagnostic, Diagnostics};
use innopress_render::site;
use innopress_render::{self as render, Model};
use std::path::Path;

/// Validates everything (content, drafts included, and theme) and builds nothing; the data
/// warnings are added when the content itself is valid. Drafts are
/// checked as a build without `--drafts` sees them: a newsletter may not tease one.
pub fn check(root: &Path) -> Diagnostics {
    check_with(root, None)
}

/// [`check`], and with `external` = (parallel requests, timeout) also the links to other
/// sites.
pub fn check_with(root: &Path, external: Option<(usize, std::time::Duration)>) -> Diagnostics {
    let checked = match load_checked(root, false, None) {
        Err(d) => return d,
        Ok(checked) => checked,
    };
    let mut d = checked.warnings;
    d.extend(validate::data_warnings(
        &checked.site,
        &checked.config.policy,
    ));
    match render::theme::load(root) {
        Err(theme) => d.extend(theme),
        Ok(theme) => {
            let model = Model::new(&checked.site, &checked.config, &checked.summary, &theme);
            d.extend(render::record::drift(
                &model,
                innopress_mail::email::email_changed,
            ));
            // each page scanned as it is rendered, for every link the pages will have
            let (pages, errors) = site::scan_pages(&model);
            for e in errors {
                d.push(Diagnostic::file_error(
                    "themes/default/templates",
                    e.to_string(),
                ));
            }
            d.extend(render::links::check(
                &checked.site,
                &pages,
                &site::other_files(&model),
                &model.base.path,
            ));
            if let Some((parallel, timeout)) = external {
                d.extend(render::links::check_external(
                    &checked.site,
                    &pages,
                    &model.base.full,
                    parallel,
                    timeout,
                ));
            }
        }
    }
    d.sort();
    d
}
