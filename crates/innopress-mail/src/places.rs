//! What the checks before a campaign need to know of an issue, found in its Markdown and
//! the site: where each address it links to or shows is written, and the pictures the
//! email carries, with the size of the file each one is sent as.

use super::preflight::Picture;
use innopress_core::diagnostics::Diagnostic;
use innopress_render::Model;

/// Where each address the issue's Markdown links to or shows is written, as the email has
/// it (absolute; a picture as each of its published files), for the checks before a campaign.
pub fn preflight_input(
    model: &Model,
    doc: &innopress_content::content::model::Document,
    view_url: &str,
) -> super::preflight::Input {
    use innopress_core::diagnostics::locate;
    use pulldown_cmark::{Event, Parser, Tag};
    use std::collections::BTreeMap;
    let site = model.site;
    let source = site.source(doc.file);
    let located = |span: std::ops::Range<usize>| {
        let (line, column, text, width) = locate(&source.text, span);
        Diagnostic {
            line,
            column,
            snippet: Some((text, width)),
            ..Diagnostic::file_error(source.path.clone(), "")
        }
    };
    let mut places: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for (ev, range) in
        Parser::new_ext(site.body(doc), innopress_core::markdown::options()).into_offset_iter()
    {
        let (Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })) =
            ev
        else {
            continue;
        };
        let url = dest_url.to_string();
        let span = doc.body.start + range.start..doc.body.start + range.end;
        let mut urls = Vec::new();
        if let Some(rest) = innopress_core::markdown::site_path(&url, &model.base.path) {
            let rel = rest.split(['#', '?']).next().unwrap_or_default();
            if let Some(info) = site.images.get(rel) {
                urls.extend(info.variants().iter().map(|v| model.base.abs(&v.fallback)));
            }
            urls.push(model.base.abs(rest));
        } else {
            urls.push(crate::email::resolve(&url, view_url));
        }
        for u in urls {
            places.entry(u).or_default().push(located(span.clone()));
        }
    }
    let nl = model.cfg.newsletter.as_ref();
    let settings = site
        .config_file
        .map(|f| {
            let src = site.source(f);
            let at = src.text.find("[newsletter]").unwrap_or(0);
            let (line, column, text, width) = locate(&src.text, at..at + "[newsletter]".len());
            Diagnostic {
                line,
                column,
                snippet: Some((text, width)),
                ..Diagnostic::file_error(src.path.clone(), "")
            }
        })
        .unwrap_or_else(|| Diagnostic::file_error("content/site.toml", ""));
    super::preflight::Input {
        issue_file: source.path.clone(),
        pictures: email_pictures(model, doc, &located),
        places,
        address: nl
            .and_then(|n| n.address.as_ref())
            .map(|a| a.get_ref().clone()),
        unsubscribe: nl.is_some_and(|n| n.unsubscribe.is_some()),
        settings,
    }
}

/// The pictures of the issue's email (its lead picture and those in its text) as the email
/// sends them: the file picked for it, its size in pixels and, once the site has been
/// built, in bytes.
fn email_pictures(
    model: &Model,
    doc: &innopress_content::content::model::Document,
    located: &dyn Fn(std::ops::Range<usize>) -> Diagnostic,
) -> Vec<Picture> {
    let site = model.site;
    let mut found: Vec<(String, Diagnostic)> = Vec::new();
    if let (Some(lead), Some(rel)) = (doc.lead_image(), doc.image_rel()) {
        found.push((rel.to_string(), located(doc.file_span(lead.path.span()))));
    }
    for img in &doc.images {
        if let Some(rest) = innopress_core::markdown::site_path(&img.dest, &model.base.path) {
            let rel = rest
                .split(['#', '?'])
                .next()
                .unwrap_or_default()
                .to_string();
            found.push((rel, located(img.span.clone())));
        }
    }
    found
        .into_iter()
        .filter_map(|(rel, place)| {
            let info = site.images.get(&rel)?;
            let sent = innopress_render::pictures::email_variant(info);
            Some(Picture {
                rel,
                width: sent.width,
                height: sent.height,
                bytes: innopress_images::encode::cached_size(&site.root, info, &sent),
                place,
            })
        })
        .collect()
}
