//! Pictures. Every photo under `content/static/` (JPEG under any of its names, PNG, WebP)
//! and every SVG drawing a page uses as a picture is published as resized variants: WebP for
//! browsers that take it and JPEG (PNG where there is transparency) for the others, never
//! wider than the original, turned upright by its EXIF orientation and written without any
//! of its metadata, so a phone photo never publishes where it was taken. A GIF is rewritten
//! frame by frame without its comments and extensions ([`gif`]); every other picture format
//! (TIFF, HEIC, AVIF, BMP, camera raw files…) is refused ([`refused`]), since copying it as
//! it is would publish its metadata.
//!
//! Three steps, one per stage: [`probe`] reads what each file is while the site loads (size,
//! orientation, a hash of its bytes); [`variants`] says, from that alone, which files a page
//! may name (pure, so rendering needs no pixels); [`encode`] makes those files when the
//! output is written, keeping them under `.innopress/images/` by content hash so that a
//! rebuild or `serve` never encodes the same picture twice.

pub mod budget;
pub mod encode;
pub mod gif;
pub mod probe;

/// The widths offered, in pixels; an image narrower than one of them is offered at its own
/// width instead, never enlarged.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];

/// Bumped whenever encoding changes, so cached variants made the old way are not reused.
pub const ENCODING_VERSION: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    Svg,
}

impl Format {
    /// The format a file's name says, for the files innopress processes.
    pub fn of(rel: &str) -> Option<Format> {
        let ext = rel.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            // every name cameras, phones and browsers save JPEG under: each would otherwise
            // be copied as it is, with its EXIF block
            "jpg" | "jpeg" | "jpe" | "jfif" | "pjpeg" | "pjp" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            "webp" => Some(Format::Webp),
            "svg" => Some(Format::Svg),
            _ => None,
        }
    }

    pub fn is_raster(self) -> bool {
        self != Format::Svg
    }
}

/// Why a picture file innopress does not read may not be published, when `rel` names one:
/// such files keep everything the camera wrote (GPS position, serial number, the editor's
/// layers), and innopress cannot rewrite them without it.
pub fn refused(rel: &str) -> Option<&'static str> {
    let ext = rel.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "tif" | "tiff" => "a TIFF picture",
        "heic" | "heif" | "hif" => "a HEIC picture (as iPhones save photos)",
        "avif" => "an AVIF picture",
        "jxl" => "a JPEG XL picture",
        "jp2" | "j2k" | "jpf" | "jpx" | "jpm" => "a JPEG 2000 picture",
        "bmp" | "dib" => "a BMP picture",
        "apng" => "an animated PNG",
        "psd" | "psb" | "xcf" | "kra" => "an image editor's file",
        "dng" | "cr2" | "cr3" | "crw" | "nef" | "nrw" | "arw" | "srf" | "sr2" | "orf" | "rw2"
        | "raf" | "pef" | "srw" | "x3f" | "3fr" | "erf" | "kdc" | "mrw" | "raw" | "rwl" | "iiq" => {
            "a camera's raw file"
        }
        _ => return None,
    })
}

/// What a picture is, as read while loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageInfo {
    /// Path below `content/static/`, `/`-separated (`images/harbour.jpg`).
    pub rel: String,
    pub format: Format,
    /// Width and height as shown: after the EXIF orientation is applied.
    pub width: u32,
    pub height: u32,
    /// Whether the picture may have transparent parts (then its fallback is PNG).
    pub alpha: bool,
    /// The EXIF orientation, 1 to 8 (1: as stored).
    pub orientation: u8,
    /// SHA-256 of the file's bytes, hex: the key of its cached variants.
    pub hash: String,
    /// What its variants' names start with: the path without its extension
    /// (`images/harbour`), or with it when another picture in the folder has the same name
    /// (`images/photo-jpg` beside `images/photo-png`), so neither overwrites the other's.
    pub stem: String,
}

/// One width of a picture: the WebP file and its fallback, paths relative to the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub webp: String,
    pub fallback: String,
}

impl ImageInfo {
    /// The fallback's extension: JPEG for opaque pictures, PNG where there is transparency.
    pub fn fallback_ext(&self) -> &'static str {
        if self.alpha { "png" } else { "jpg" }
    }

    /// The widths this picture is offered at, narrowest first.
    pub fn widths(&self) -> Vec<u32> {
        let largest = WIDTHS[WIDTHS.len() - 1];
        // a drawing scales to any width (a small one such as a logo not beyond 480 px);
        // a photo only down
        let own = if self.format == Format::Svg {
            self.width.clamp(WIDTHS[0], largest)
        } else {
            self.width.min(largest)
        };
        let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|w| *w < own).collect();
        widths.push(own.max(1));
        widths
    }

    /// The files a page may name, narrowest first: `images/harbour-480w.webp` and
    /// `images/harbour-480w.jpg` beside the original's folder.
    pub fn variants(&self) -> Vec<Variant> {
        let stem = &self.stem;
        self.widths()
            .into_iter()
            .map(|w| Variant {
                width: w,
                height: self.height_at(w),
                webp: format!("{stem}-{w}w.webp"),
                fallback: format!("{stem}-{w}w.{}", self.fallback_ext()),
            })
            .collect()
    }

    /// The path without its extension: what variants are named after when no other picture
    /// has the same one.
    pub fn plain_stem(rel: &str) -> &str {
        rel.rsplit_once('.').map_or(rel, |(s, _)| s)
    }

    /// The path with its extension made part of the name (`images/photo-jpg`), for two
    /// pictures that differ only in it.
    pub fn qualified_stem(rel: &str) -> String {
        match rel.rsplit_once('.') {
            Some((s, ext)) => format!("{s}-{ext}"),
            None => rel.to_string(),
        }
    }

    /// The height at width `w`, keeping the proportions (at least 1 pixel).
    pub fn height_at(&self, w: u32) -> u32 {
        let h = (u64::from(self.height) * u64::from(w) + u64::from(self.width) / 2)
            / u64::from(self.width.max(1));
        u32::try_from(h).unwrap_or(u32::MAX).max(1)
    }

    /// The largest variant: what the page's `width`/`height`, the original's own path and
    /// sharing cards use.
    pub fn largest(&self) -> Variant {
        let mut v = self.variants();
        v.pop().unwrap_or(Variant {
            width: self.width,
            height: self.height,
            webp: String::new(),
            fallback: self.rel.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(rel: &str, format: Format, width: u32, height: u32, alpha: bool) -> ImageInfo {
        ImageInfo {
            rel: rel.into(),
            format,
            width,
            height,
            alpha,
            orientation: 1,
            hash: String::new(),
            stem: ImageInfo::plain_stem(rel).into(),
        }
    }

    #[test]
    fn photos_are_never_enlarged_and_drawings_get_every_width() {
        let big = info("images/a.jpg", Format::Jpeg, 4000, 3000, false);
        assert_eq!(big.widths(), [480, 960, 1600]);
        assert_eq!(big.largest().height, 1200);
        assert_eq!(big.largest().fallback, "images/a-1600w.jpg");
        let mid = info("images/b.png", Format::Png, 1200, 800, true);
        assert_eq!(mid.widths(), [480, 960, 1200]);
        assert_eq!(mid.variants()[0].fallback, "images/b-480w.png");
        let small = info("x.webp", Format::Webp, 300, 100, false);
        assert_eq!(small.widths(), [300]);
        let logo = info("d.svg", Format::Svg, 120, 60, true);
        assert_eq!(logo.widths(), [480]);
        assert_eq!(logo.variants()[0].height, 240);
        let drawing = info("d.svg", Format::Svg, 1600, 900, true);
        assert_eq!(drawing.widths(), [480, 960, 1600]);
    }

    #[test]
    fn every_picture_format_is_read_or_refused_whatever_its_case() {
        for name in [
            "a.jpg", "a.JPG", "a.Jpeg", "a.jpe", "a.JFIF", "a.pjpeg", "a.pjp",
        ] {
            assert_eq!(Format::of(name), Some(Format::Jpeg), "{name}");
        }
        for name in [
            "a.tif", "a.TIFF", "a.heic", "a.avif", "a.bmp", "a.dng", "a.psd",
        ] {
            assert_eq!(Format::of(name), None, "{name}");
            assert!(refused(name).is_some(), "{name}");
        }
        for name in ["a.pdf", "a.css", "a.gif", "noext", "a.jpg.txt"] {
            assert!(refused(name).is_none(), "{name}");
        }
        let mut jpg = info("images/photo.jpg", Format::Jpeg, 500, 400, false);
        jpg.stem = ImageInfo::qualified_stem(&jpg.rel);
        assert_eq!(jpg.variants()[0].webp, "images/photo-jpg-480w.webp");
    }
}
