//! Pictures on a page, in the feed and in email: `<picture>` with WebP and JPEG/PNG
//! `srcset`s, `width`/`height` from the picture so nothing shifts while it loads, lazy
//! loading below the first screen. Only paths and sizes are needed: [`innopress_images`]
//! planned the files, and the write stage makes them.

use super::model::{Model, Target};
use innopress_core::text::escape_html;
use innopress_images::ImageInfo;

/// Where a picture is shown, which decides the `sizes` it is offered at and how it loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// At the top of a page, full column width, loaded at once.
    Lead,
    /// In a document's text, full column width, loaded when scrolled near.
    Body,
    /// In a card of a list, about a third of the page wide.
    Card,
}

impl Place {
    fn sizes(self) -> &'static str {
        match self {
            Place::Lead | Place::Body => "(min-width: 48rem) 46rem, calc(100vw - 2rem)",
            Place::Card => "(min-width: 48rem) 22rem, calc(100vw - 2rem)",
        }
    }
}

/// Width of the email's text column (600 px less its padding): pictures are shown at most
/// this wide and sent at twice this, or as large as they are, for sharp screens.
pub const EMAIL_WIDTH: u32 = 552;

/// The one file of `info` an email (or feed) sends: the narrowest at least twice the
/// email's column, for sharp screens, or the largest there is.
pub fn email_variant(info: &ImageInfo) -> innopress_images::Variant {
    let variants = info.variants();
    variants
        .iter()
        .find(|v| v.width >= EMAIL_WIDTH * 2)
        .cloned()
        .unwrap_or_else(|| info.largest())
}

/// The picture `info` as HTML; `prefix` goes before every path (the page's relative root,
/// or the absolute base URL in the feed and email).
pub fn html(info: &ImageInfo, alt: &str, prefix: &str, place: Place, target: Target) -> String {
    let variants = info.variants();
    let largest = info.largest();
    let alt = escape_html(alt);
    if target != Target::Page {
        // one file, no srcset: feed readers and email clients take a plain <img>
        let pick = &email_variant(info);
        let shown = pick.width.min(EMAIL_WIDTH);
        let height = info.height_at(shown);
        return format!(
            "<img src=\"{prefix}{}\" alt=\"{alt}\" width=\"{shown}\" height=\"{height}\" style=\"display:block;width:100%;max-width:{shown}px;height:auto;border:0\">",
            escape_html(&pick.fallback)
        );
    }
    let set = |f: &dyn Fn(&innopress_images::Variant) -> &str| {
        variants
            .iter()
            .map(|v| format!("{prefix}{} {}w", escape_html(f(v)), v.width))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let src = variants.iter().find(|v| v.width >= 960).unwrap_or(&largest);
    let loading = match place {
        Place::Lead => " fetchpriority=\"high\"",
        _ => " loading=\"lazy\"",
    };
    format!(
        "<picture><source type=\"image/webp\" srcset=\"{webp}\" sizes=\"{sizes}\"><img src=\"{prefix}{src}\" srcset=\"{fallback}\" sizes=\"{sizes}\" width=\"{w}\" height=\"{h}\" alt=\"{alt}\"{loading} decoding=\"async\"></picture>",
        webp = set(&|v| &v.webp),
        fallback = set(&|v| &v.fallback),
        sizes = place.sizes(),
        src = escape_html(&src.fallback),
        w = largest.width,
        h = largest.height,
    )
}

impl Model<'_> {
    /// The picture at `rel` (below `content/static/`), if it is one innopress processed.
    pub fn picture(
        &self,
        rel: &str,
        alt: &str,
        prefix: &str,
        place: Place,
        target: Target,
    ) -> Option<String> {
        self.site
            .images
            .get(rel)
            .map(|info| html(info, alt, prefix, place, target))
    }

    /// The address and size of the picture a sharing card shows for `rel`: the largest
    /// JPEG or PNG (sites that make cards do not all read WebP).
    pub fn share_image(&self, rel: &str) -> Option<(String, u32, u32)> {
        let info = self.site.images.get(rel)?;
        let v = info.largest();
        Some((
            format!("{}{}", self.base.full, v.fallback),
            v.width,
            v.height,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use innopress_images::Format;

    #[test]
    fn a_photo_becomes_a_picture_with_both_formats_and_its_size() {
        let info = ImageInfo {
            rel: "images/a b.jpg".into(),
            format: Format::Jpeg,
            width: 4000,
            height: 3000,
            alpha: false,
            orientation: 1,
            hash: String::new(),
            stem: "images/a b".into(),
        };
        let h = html(
            &info,
            "A \"quoted\" <view>",
            "../",
            Place::Body,
            Target::Page,
        );
        assert!(h.contains("srcset=\"../images/a b-480w.webp 480w, ../images/a b-960w.webp 960w, ../images/a b-1600w.webp 1600w\""), "{h}");
        assert!(h.contains("src=\"../images/a b-960w.jpg\""), "{h}");
        assert!(h.contains("width=\"1600\" height=\"1200\""), "{h}");
        assert!(
            h.contains("alt=\"A &quot;quoted&quot; &lt;view&gt;\""),
            "{h}"
        );
        assert!(h.contains("loading=\"lazy\""));
        let lead = html(&info, "x", "", Place::Lead, Target::Page);
        assert!(!lead.contains("lazy") && lead.contains("fetchpriority"));
        let mail = html(&info, "x", "https://e.org/", Place::Body, Target::Email);
        assert!(
            mail.starts_with("<img src=\"https://e.org/images/a b-1600w.jpg\""),
            "{mail}"
        );
        assert!(mail.contains("width=\"552\" height=\"414\""), "{mail}");
    }
}
