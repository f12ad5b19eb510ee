//! Making a picture's variants: decoded once, turned upright, resized (fast_image_resize,
//! Lanczos), written as WebP (libwebp through the `webp` crate) and JPEG or PNG (`image`).
//! Nothing of the original's metadata is copied: the encoders write pixels only.
//!
//! The files are kept in `.innopress/images/HASH-vN/`, named after the widths; a picture
//! whose folder is complete is not decoded at all. A folder appears whole or not at all: it
//! is filled under a temporary name and renamed.

use super::{Format, ImageInfo, Variant, probe};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// WebP and JPEG quality, 0–100: photos look the same at a third of the size.
const QUALITY: u8 = 80;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("content/static/{rel}: {message}")]
pub struct EncodeError {
    pub rel: String,
    pub message: String,
}

/// Why a picture or a card could not be made (shown after the file's path).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Failure(pub String);

impl From<String> for Failure {
    fn from(s: String) -> Failure {
        Failure(s)
    }
}

impl From<&str> for Failure {
    fn from(s: &str) -> Failure {
        Failure(s.to_string())
    }
}

/// What [`produce`] made: the files to copy into the output (output path, cached file), and
/// how many pictures were encoded now and how many came from the cache.
#[derive(Debug, Default)]
pub struct Produced {
    pub files: Vec<(String, PathBuf)>,
    pub encoded: usize,
    pub cached: usize,
}

/// The cache folder of one picture.
fn folder(root: &Path, info: &ImageInfo) -> PathBuf {
    root.join(".innopress/images").join(format!(
        "{}-v{}",
        &info.hash[..info.hash.len().min(32)],
        super::ENCODING_VERSION
    ))
}

/// The file names inside a picture's cache folder, beside the output path each is copied
/// to: every variant, and the original's own path for a photo (its largest size, in its own
/// format, so old links to it keep working and carry no metadata).
fn plan(info: &ImageInfo) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for v in info.variants() {
        files.push((format!("{}w.webp", v.width), v.webp.clone()));
        files.push((
            format!("{}w.{}", v.width, info.fallback_ext()),
            v.fallback.clone(),
        ));
    }
    let largest = info.largest();
    match info.format {
        Format::Jpeg => files.push((
            format!("{}w.{}", largest.width, info.fallback_ext()),
            info.rel.clone(),
        )),
        Format::Webp => files.push((format!("{}w.webp", largest.width), info.rel.clone())),
        Format::Png if info.alpha => {
            files.push((format!("{}w.png", largest.width), info.rel.clone()))
        }
        Format::Png => files.push(("own.png".into(), info.rel.clone())),
        Format::Svg => {}
    }
    files
}

/// Makes (or finds in the cache) every variant of `images`, in parallel. Every picture that
/// cannot be made is one error; the others are still made.
pub fn produce(root: &Path, images: &[&ImageInfo]) -> (Produced, Vec<EncodeError>) {
    // each picture's files (output path, cached file), and whether it was encoded now
    type Made = (Vec<(String, PathBuf)>, bool);
    let results: Vec<Result<Made, EncodeError>> = images
        .par_iter()
        .map(|info| {
            let dir = folder(root, info);
            let plan = plan(info);
            let complete = plan.iter().all(|(name, _)| dir.join(name).is_file());
            if !complete {
                make(root, info, &dir).map_err(|e| EncodeError {
                    rel: info.rel.clone(),
                    message: e.0,
                })?;
            }
            let files = plan
                .into_iter()
                .map(|(name, out)| (out, dir.join(name)))
                .collect();
            Ok((files, !complete))
        })
        .collect();
    let mut produced = Produced::default();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok((files, encoded)) => {
                produced.files.extend(files);
                if encoded {
                    produced.encoded += 1;
                } else {
                    produced.cached += 1;
                }
            }
            Err(e) => errors.push(e),
        }
    }
    produced.files.sort();
    produced.files.dedup_by(|a, b| a.0 == b.0);
    (produced, errors)
}

/// A file made by `make` and kept in `.innopress/KIND/` under the hash of `key`: made only
/// when it is not there yet. Returns its path and whether it was made now.
pub fn cached(
    root: &Path,
    kind: &str,
    key: &[u8],
    ext: &str,
    make: impl FnOnce() -> Result<Vec<u8>, Failure>,
) -> Result<(PathBuf, bool), Failure> {
    use sha2::{Digest, Sha256};
    let hash: String = Sha256::digest(key)
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    let dir = root.join(".innopress").join(kind);
    let path = dir.join(format!("{hash}.{ext}"));
    if path.is_file() {
        return Ok((path, false));
    }
    let bytes = make()?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot write the cache: {e}"))?;
    let tmp = dir.join(format!("{hash}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, &bytes).map_err(|e| format!("cannot write the cache: {e}"))?;
    std::fs::rename(&tmp, &path).map_err(|e| format!("cannot write the cache: {e}"))?;
    Ok((path, true))
}

/// Decodes the picture and writes its folder.
fn make(root: &Path, info: &ImageInfo, dir: &Path) -> Result<(), Failure> {
    let src = root.join("content/static").join(&info.rel);
    let bytes = std::fs::read(&src).map_err(|e| format!("cannot read it: {e}"))?;
    let tmp = dir.with_extension(format!("tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| format!("cannot write the cache: {e}"))?;
    let result = write_all(info, &bytes, &tmp);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let _ = std::fs::remove_dir_all(dir);
    if std::fs::rename(&tmp, dir).is_err() {
        // another build made it meanwhile: theirs is as good
        let _ = std::fs::remove_dir_all(&tmp);
    }
    Ok(())
}

fn write_all(info: &ImageInfo, bytes: &[u8], into: &Path) -> Result<(), Failure> {
    let write = |name: String, data: &[u8]| -> Result<(), Failure> {
        std::fs::write(into.join(&name), data)
            .map_err(|e| Failure(format!("cannot write the cache: {e}")))
    };
    let source = match info.format {
        Format::Svg => None,
        _ => Some(decode(bytes)?),
    };
    let variants: Vec<Variant> = info.variants();
    // widest first, each from the one before: a 4000 px photo is read in full once
    let mut previous: Option<image::DynamicImage> = None;
    for v in variants.iter().rev() {
        let pixels = match (&source, &previous) {
            (Some(_), Some(prev)) => resize(prev, v.width, v.height)?,
            (Some(img), None) => resize(img, v.width, v.height)?,
            (None, _) => rasterise(bytes, v.width, v.height)?,
        };
        write(format!("{}w.webp", v.width), &webp(&pixels)?)?;
        let fallback = if info.alpha {
            png(&pixels)?
        } else {
            jpeg(&pixels)?
        };
        write(format!("{}w.{}", v.width, info.fallback_ext()), &fallback)?;
        previous = Some(pixels);
    }
    if info.format == Format::Png
        && !info.alpha
        && let (Some(img), Some(v)) = (&source, variants.last())
    {
        write("own.png".into(), &png(&resize(img, v.width, v.height)?)?)?;
    }
    Ok(())
}

/// Decodes a photo and turns it upright by its EXIF orientation.
fn decode(bytes: &[u8]) -> Result<image::DynamicImage, Failure> {
    use image::ImageDecoder;
    let mut decoder = probe::reader(bytes)
        .map_err(|e| Failure(e.0))?
        .into_decoder()
        .map_err(|e| format!("cannot read it: {e}"))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img =
        image::DynamicImage::from_decoder(decoder).map_err(|e| format!("cannot read it: {e}"))?;
    img.apply_orientation(orientation);
    // 8 bits per channel, with alpha only where there is some
    Ok(if img.color().has_alpha() {
        image::DynamicImage::ImageRgba8(img.into_rgba8())
    } else {
        image::DynamicImage::ImageRgb8(img.into_rgb8())
    })
}

fn resize(img: &image::DynamicImage, w: u32, h: u32) -> Result<image::DynamicImage, Failure> {
    use fast_image_resize::{ResizeOptions, Resizer};
    if (img.width(), img.height()) == (w, h) {
        return Ok(img.clone());
    }
    let mut dst = image::DynamicImage::new(w, h, img.color());
    Resizer::new()
        .resize(img, &mut dst, &ResizeOptions::new())
        .map_err(|e| format!("cannot resize it: {e}"))?;
    Ok(dst)
}

/// Draws an SVG picture at `w` × `h` pixels.
fn rasterise(bytes: &[u8], w: u32, h: u32) -> Result<image::DynamicImage, Failure> {
    use resvg::tiny_skia;
    let tree = probe::parse_svg(bytes).map_err(|e| Failure(e.0))?;
    let size = tree.size();
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or("the drawing has no size")?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(w as f32 / size.width(), h as f32 / size.height()),
        &mut pixmap.as_mut(),
    );
    let mut rgba = Vec::with_capacity((w * h * 4) as usize);
    for p in pixmap.pixels() {
        let c = p.demultiply();
        rgba.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    image::RgbaImage::from_raw(w, h, rgba)
        .map(image::DynamicImage::ImageRgba8)
        .ok_or_else(|| "the drawing could not be drawn".into())
}

fn webp(img: &image::DynamicImage) -> Result<Vec<u8>, Failure> {
    let (w, h) = (img.width(), img.height());
    let encoded = match img {
        image::DynamicImage::ImageRgb8(p) => {
            webp::Encoder::from_rgb(p.as_raw(), w, h).encode_simple(false, f32::from(QUALITY))
        }
        other => {
            let p = other.to_rgba8();
            webp::Encoder::from_rgba(p.as_raw(), w, h).encode_simple(false, f32::from(QUALITY))
        }
    };
    encoded
        .map(|m| m.to_vec())
        .map_err(|e| Failure(format!("cannot write it as WebP: {e:?}")))
}

fn jpeg(img: &image::DynamicImage) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode_image(&img.to_rgb8())
        .map_err(|e| format!("cannot write it as JPEG: {e}"))?;
    Ok(out)
}

fn png(img: &image::DynamicImage) -> Result<Vec<u8>, Failure> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut out = Vec::new();
    let enc =
        PngEncoder::new_with_quality(&mut out, CompressionType::Default, FilterType::Adaptive);
    enc.write_image(
        img.as_bytes(),
        img.width(),
        img.height(),
        img.color().into(),
    )
    .map_err(|e| format!("cannot write it as PNG: {e}"))?;
    Ok(out)
}
