//! What a picture file is, read from its header (no pixels are decoded): size, EXIF
//! orientation, transparency, and a hash of its bytes. Any bytes give an answer or an error,
//! never a panic; pictures beyond [`MAX_SIDE`] or the limits of [`super::budget`] are
//! refused before anything is allocated.

use super::{Format, ImageInfo, budget};
use image::ImageDecoder;
use sha2::{Digest, Sha256};

/// The longest side innopress reads, in pixels (a 16,000 px photo is already 1 GB decoded).
pub const MAX_SIDE: u32 = 16_000;

/// Why a picture cannot be read, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ProbeError {
    pub message: String,
    pub hint: &'static str,
}

/// What to do with a file that is not a picture innopress reads.
pub const RESAVE_HINT: &str =
    "open the picture in an image editor and save it again as JPEG, PNG or WebP (SVG for drawings)";

impl ProbeError {
    pub fn unreadable(message: impl Into<String>) -> ProbeError {
        ProbeError {
            message: message.into(),
            hint: RESAVE_HINT,
        }
    }

    pub fn too_large(message: impl Into<String>) -> ProbeError {
        ProbeError {
            message: message.into(),
            hint: budget::RESIZE_HINT,
        }
    }
}

/// Reads what the picture at `rel` (below `content/static/`) is, from its bytes.
pub fn probe(rel: &str, format: Format, bytes: &[u8]) -> Result<ImageInfo, ProbeError> {
    let hash = {
        let mut h = Sha256::new();
        h.update(bytes);
        hex::encode(h.finalize())
    };
    let (width, height, alpha, orientation) = match format {
        Format::Svg => svg_size(bytes)?,
        _ => raster_header(bytes)?,
    };
    let info = ImageInfo {
        rel: rel.to_string(),
        format,
        width,
        height,
        alpha,
        orientation,
        hash,
        stem: ImageInfo::plain_stem(rel).to_string(),
    };
    // a drawing is drawn at each width, so a thin one would be drawn millions of pixels
    // high; a photo's variants are never larger than the photo, checked above
    for v in info.variants() {
        if let Some(why) = budget::too_large(v.width, v.height, 4) {
            return Err(ProbeError::too_large(format!(
                "at {} pixels wide, {why}",
                v.width
            )));
        }
    }
    Ok(info)
}

/// The reader every raster decode goes through: format from the bytes, with limits.
pub fn reader(bytes: &[u8]) -> Result<image::ImageReader<std::io::Cursor<&[u8]>>, ProbeError> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ProbeError::unreadable(format!("cannot read it: {e}")))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // what a decoder may allocate besides the pixels, which are checked against the budget
    limits.max_alloc = Some(budget::MAX_DECODED_BYTES);
    reader.limits(limits);
    if reader.format().is_none() {
        return Err(ProbeError::unreadable(
            "this is not a JPEG, PNG or WebP picture, whatever its name says",
        ));
    }
    Ok(reader)
}

fn raster_header(bytes: &[u8]) -> Result<(u32, u32, bool, u8), ProbeError> {
    let mut decoder = reader(bytes)?
        .into_decoder()
        .map_err(|e| ProbeError::unreadable(format!("cannot read it: {e}")))?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(ProbeError::unreadable(
            "the picture is empty (0 pixels wide or high)",
        ));
    }
    if let Some(why) = budget::too_large(w, h, u64::from(decoder.color_type().bytes_per_pixel())) {
        return Err(ProbeError::too_large(why));
    }
    let alpha = decoder.color_type().has_alpha();
    // a broken EXIF block is no reason to refuse the picture: it is shown as stored
    let orientation = decoder
        .orientation()
        .map_or(1, image::metadata::Orientation::to_exif);
    let (w, h) = if (5..=8).contains(&orientation) {
        (h, w)
    } else {
        (w, h)
    };
    Ok((w, h, alpha, orientation))
}

fn svg_size(bytes: &[u8]) -> Result<(u32, u32, bool, u8), ProbeError> {
    let tree = parse_svg(bytes)?;
    let size = tree.size();
    let side = |v: f32| -> u32 {
        if v.is_finite() && v >= 1.0 {
            (v.round() as u32).min(MAX_SIDE)
        } else {
            1
        }
    };
    Ok((side(size.width()), side(size.height()), true, 1))
}

/// Parses an SVG drawing without reaching outside it: no external files or fonts beyond the
/// embedded one.
pub fn parse_svg(bytes: &[u8]) -> Result<resvg::usvg::Tree, ProbeError> {
    let mut opt = resvg::usvg::Options {
        // relative hrefs resolve nowhere: a drawing cannot publish other files
        resources_dir: None,
        ..Default::default()
    };
    opt.fontdb_mut()
        .load_font_data(dejavu::sans::regular().to_vec());
    resvg::usvg::Tree::from_data(bytes, &opt)
        .map_err(|e| ProbeError::unreadable(format!("cannot read this SVG drawing: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bytes in [&b""[..], b"\xff\xd8\xff", b"<svg", b"\x89PNG\r\n\x1a\n\0\0"] {
            assert!(probe("x.jpg", Format::Jpeg, bytes).is_err());
            assert!(probe("x.svg", Format::Svg, bytes).is_err());
        }
    }

    #[test]
    fn an_svg_has_its_size() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="160" height="90"><rect width="160" height="90"/></svg>"#;
        let info = probe("images/d.svg", Format::Svg, svg).unwrap();
        assert_eq!((info.width, info.height), (160, 90));
        assert_eq!(info.hash.len(), 64);
    }
}
