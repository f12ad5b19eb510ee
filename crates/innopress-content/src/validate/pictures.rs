//! Pictures and the site's identity: every lead image and Markdown picture exists, can be
//! shown and says what it shows (or is declared decoration); the logo, brand colour and
//! data licence in `site.toml` are usable.

use crate::content::Site;
use crate::content::model::LeadImage;
use crate::content::model::SiteConfig;
use innopress_core::diagnostics::{Diagnostics, FileId, SourceFile};
use std::ops::Range;

const ALT_HINT: &str = "describe what the picture shows in image_alt = \"…\" (for example \"Cyclists on the Tammerkoski bridge\"), or write image_alt = \"\" and decorative = true if it adds nothing a reader would miss";

pub fn check(site: &Site, diags: &mut Diagnostics) {
    let mut err = |file: FileId, span: Range<usize>, msg: String, hint: &str| {
        diags.error(site.source(file), span, msg, Some(hint.to_string()));
    };
    for kind in crate::content::model::DocKind::ALL {
        for doc in site.docs(kind) {
            let at = |span: Range<usize>| doc.file_span(span);
            if let Some(lead) = doc.lead_image() {
                lead_image(site, &lead, &at, &mut |span, msg, hint| {
                    err(doc.file, span, msg, hint)
                });
            }
            if let Some(alt) = doc.stray_alt() {
                err(
                    doc.file,
                    at(alt.span()),
                    "image_alt is set but there is no image".into(),
                    "add image = \"/images/….jpg\" or remove image_alt",
                );
            }
            let body = site.body(doc);
            for r in innopress_core::markdown::bare_html_images(body) {
                err(
                    doc.file,
                    doc.body.start + r.start..doc.body.start + r.end,
                    "this picture has no alternative text".into(),
                    "add alt=\"what it shows\" to the <img> tag (alt=\"\" if it is only decoration), or write it as a Markdown picture: ![Cyclists on the bridge](/images/x.jpg)",
                );
            }
            for img in &doc.images {
                if img.alt.trim().is_empty() && img.title != "decorative" {
                    err(
                        doc.file,
                        img.span.clone(),
                        "this picture has no alternative text".into(),
                        "write what it shows between the brackets: ![Cyclists on the bridge](/images/x.jpg); a picture that is only decoration is written ![](/images/x.jpg \"decorative\")",
                    );
                }
            }
        }
    }
    let same = |span: Range<usize>| span;
    let data = site
        .cities
        .iter()
        .map(|c| (c.origin.file, c.lead_image(), c.stray_alt()))
        .chain(
            site.projects
                .iter()
                .map(|p| (p.origin.file, p.lead_image(), p.stray_alt())),
        );
    for (file, lead, stray) in data {
        if let Some(lead) = lead {
            lead_image(site, &lead, &same, &mut |span, msg, hint| {
                err(file, span, msg, hint)
            });
        }
        if let Some(alt) = stray {
            err(
                file,
                alt.span(),
                "image_alt is set but there is no image".into(),
                "add image = \"/images/….jpg\" or remove image_alt",
            );
        }
    }
    identity(site, diags);
}

fn lead_image(
    site: &Site,
    lead: &LeadImage,
    at: &dyn Fn(Range<usize>) -> Range<usize>,
    err: &mut dyn FnMut(Range<usize>, String, &str),
) {
    let path = lead.path.get_ref();
    if !path.starts_with('/') || path.starts_with("//") {
        err(
            at(lead.path.span()),
            format!("image = \"{path}\" is not a path from the site root"),
            "put the picture in content/static/images/ and write image = \"/images/NAME.jpg\"",
        );
        return;
    }
    if !site.images.contains_key(lead.rel()) {
        let msg = if site.static_files.iter().any(|f| f == lead.rel()) {
            format!("{path} is not a picture innopress can show")
        } else {
            format!("there is no picture content/static{path}")
        };
        err(
            at(lead.path.span()),
            msg,
            "use a JPEG, PNG, WebP or SVG file in content/static/ and write its path from there, as image = \"/images/NAME.jpg\"",
        );
    }
    match lead.alt {
        None => err(
            at(lead.path.span()),
            "the picture has no image_alt".into(),
            ALT_HINT,
        ),
        Some(alt) if alt.get_ref().trim().is_empty() && !lead.decorative => err(
            at(alt.span()),
            "image_alt is empty but the picture is not marked decorative".into(),
            ALT_HINT,
        ),
        Some(alt) if lead.decorative && !alt.get_ref().trim().is_empty() => err(
            at(alt.span()),
            "a decorative picture has no alternative text".into(),
            "either remove decorative = true (the picture says something) or write image_alt = \"\"",
        ),
        Some(_) => {}
    }
}

/// `logo`, `brand_colour`, `license`, `license_url` and `[cms] repo` in `site.toml`.
fn identity(site: &Site, diags: &mut Diagnostics) {
    let (Some(cfg), Some(file)) = (&site.config, site.config_file) else {
        return;
    };
    let src = site.source(file);
    if let Some(logo) = &cfg.logo {
        let rel = logo.get_ref().trim_start_matches('/');
        let ok = logo.get_ref().starts_with('/')
            && site.images.get(rel).is_some_and(|i| {
                matches!(
                    i.format,
                    innopress_images::Format::Svg | innopress_images::Format::Png
                )
            });
        if !ok {
            diags.error(
                src,
                logo.span(),
                format!(
                    "logo = \"{}\" is not an SVG or PNG file in content/static/",
                    logo.get_ref()
                ),
                Some(
                    "put the logo in content/static/images/ and write logo = \"/images/logo.svg\""
                        .into(),
                ),
            );
        }
    }
    if let Some(repo) = cfg.cms.as_ref().map(|c| &c.repo) {
        let r = repo.get_ref();
        let parts: Vec<&str> = r.split('/').collect();
        let plain = parts.len() >= 2
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            });
        if !plain {
            diags.error(
                src,
                repo.span(),
                format!("[cms] repo = \"{r}\" is not a repository's owner/name"),
                Some(
                    "write the repository as its address shows it after the host: repo = \"innocities/site\""
                        .into(),
                ),
            );
        }
    }
    if let Some(colour) = &cfg.brand_colour {
        brand_colour(src, colour, diags);
    }
    licence(src, cfg, diags);
}

/// The brand colour: a colour white text can stand on (WCAG 2.1 AA).
fn brand_colour(src: &SourceFile, colour: &toml::Spanned<String>, diags: &mut Diagnostics) {
    match parse_colour(colour.get_ref()) {
        None => diags.error(
            src,
            colour.span(),
            format!("brand_colour = \"{}\" is not a colour", colour.get_ref()),
            Some("write it as six hexadecimal digits, like brand_colour = \"#0b5394\"".into()),
        ),
        Some(rgb) => {
            let ratio = contrast_with_white(rgb);
            if ratio < 4.5 {
                diags.error(
                    src,
                    colour.span(),
                    format!(
                        "white text on brand_colour = \"{}\" has a contrast of {ratio:.2}:1, below the 4.5:1 that WCAG 2.1 AA asks",
                        colour.get_ref()
                    ),
                    Some("choose a darker shade of the colour; a contrast checker such as WebAIM's shows how dark".into()),
                );
            }
        }
    }
}

/// The licence: one innopress knows, or one with the address of its text.
fn licence(src: &SourceFile, cfg: &SiteConfig, diags: &mut Diagnostics) {
    if let Some(url) = &cfg.license_url
        && let Err(e) = innopress_core::urls::check_data_url(url.get_ref())
    {
        diags.error(
            src,
            url.span(),
            format!("license_url: {e}"),
            Some("write the full address of the licence text, starting with https://".into()),
        );
    }
    if let Some(id) = &cfg.license
        && innopress_core::licenses::resolve(
            id.get_ref(),
            cfg.license_url.as_ref().map(|u| u.get_ref().as_str()),
        )
        .is_none()
    {
        diags.error(
            src,
            id.span(),
            format!(
                "license = \"{}\" is not a licence innopress knows",
                id.get_ref()
            ),
            Some(format!(
                "use one of {} or add license_url = \"https://…\" with the address of its text",
                innopress_core::licenses::known_ids()
            )),
        );
    }
}

/// `#rrggbb` (or `#rgb`) as red, green, blue.
pub fn parse_colour(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    let digits: Vec<u8> = hex
        .chars()
        .map(|c| c.to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()?;
    match digits.as_slice() {
        [r, g, b] => Some([r * 17, g * 17, b * 17]),
        [r1, r2, g1, g2, b1, b2] => Some([r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2]),
        _ => None,
    }
}

/// The WCAG contrast ratio of white on `rgb`.
pub fn contrast_with_white(rgb: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
    1.05 / (l + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_wcag_examples() {
        assert!((contrast_with_white([0, 0, 0]) - 21.0).abs() < 0.01);
        assert!((contrast_with_white([0x76, 0x76, 0x76]) - 4.54).abs() < 0.01);
        assert_eq!(parse_colour("#0b5394"), Some([11, 83, 148]));
        assert_eq!(parse_colour("#fff"), Some([255, 255, 255]));
        assert_eq!(parse_colour("blue"), None);
        assert_eq!(parse_colour("#12345"), None);
    }
}
