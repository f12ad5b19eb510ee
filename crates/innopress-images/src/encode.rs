//! Making a picture's variants: decoded once, turned upright, resized (fast_image_resize,
//! Lanczos), written as WebP (libwebp through the `webp` crate) and JPEG or PNG (`image`).
//! Nothing of the original's metadata is copied: the encoders write pixels only.
//!
//! The files are kept in `.innopress/images/HASH-FORMAT-vN/`, named after the widths; a
//! picture whose folder is complete is not decoded at all, and two files with the same bytes
//! are decoded once. A folder appears whole or not at all: it is filled in a temporary
//! folder of its own (never shared with another job or build) and renamed. Pictures are
//! decoded within the memory of [`super::budget`].

use super::{Format, ImageInfo, Variant, budget, probe};
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

/// The cache folder of one picture: its bytes and the format its name says (which decides
/// the files in it), so that only identical files share one.
fn folder(root: &Path, info: &ImageInfo) -> PathBuf {
    let format = match info.format {
        Format::Jpeg => "jpeg",
        Format::Png => "png",
        Format::Webp => "webp",
        Format::Svg => "svg",
    };
    root.join(".innopress/images").join(format!(
        "{}-{format}-v{}",
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

/// The size in bytes of `variant`'s fallback file (JPEG or PNG) in the cache, once a build
/// has made it.
pub fn cached_size(root: &Path, info: &ImageInfo, variant: &super::Variant) -> Option<u64> {
    let name = format!("{}w.{}", variant.width, info.fallback_ext());
    std::fs::metadata(folder(root, info).join(name))
        .ok()
        .map(|m| m.len())
}

/// Makes (or finds in the cache) every variant of `images`, in parallel. Every picture that
/// cannot be made is one error; the others are still made.
pub fn produce(root: &Path, images: &[&ImageInfo]) -> (Produced, Vec<EncodeError>) {
    // one job per cache folder: files with the same bytes are made once, not by two jobs
    // racing for the same folder
    let mut jobs: std::collections::BTreeMap<PathBuf, &ImageInfo> = Default::default();
    for info in images {
        jobs.entry(folder(root, info)).or_insert(info);
    }
    let made: std::collections::BTreeMap<&PathBuf, Result<bool, Failure>> = jobs
        .par_iter()
        .map(|(dir, info)| {
            let complete = plan(info).iter().all(|(name, _)| dir.join(name).is_file());
            let result = if complete {
                Ok(false)
            } else {
                make(root, info, dir).map(|()| true)
            };
            (dir, result)
        })
        .collect();
    // each picture's files (output path, cached file), and whether it was encoded now
    type Made = (Vec<(String, PathBuf)>, bool);
    let results: Vec<Result<Made, EncodeError>> = images
        .iter()
        .map(|info| {
            let dir = folder(root, info);
            let encoded = match made.get(&dir) {
                Some(Ok(encoded)) => *encoded && jobs.get(&dir).is_some_and(|j| j.rel == info.rel),
                Some(Err(e)) => {
                    return Err(EncodeError {
                        rel: info.rel.clone(),
                        message: e.0.clone(),
                    });
                }
                None => false,
            };
            let files = plan(info)
                .into_iter()
                .map(|(name, out)| (out, dir.join(name)))
                .collect();
            Ok((files, encoded))
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
    let hash = hex::encode(&Sha256::digest(key)[..16]);
    let dir = root.join(".innopress").join(kind);
    let path = dir.join(format!("{hash}.{ext}"));
    if path.is_file() {
        return Ok((path, false));
    }
    let bytes = make()?;
    let failed = |e: &dyn std::fmt::Display| Failure(format!("cannot write the cache: {e}"));
    std::fs::create_dir_all(&dir).map_err(|e| failed(&e))?;
    // a temporary file of its own: two jobs making the same file (two cards with the same
    // text) never write into each other's
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{hash}."))
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| failed(&e))?;
    std::io::Write::write_all(&mut tmp, &bytes).map_err(|e| failed(&e))?;
    tmp.persist(&path).map_err(|e| failed(&e.error))?;
    Ok((path, true))
}

/// Decodes the picture and writes its folder.
fn make(root: &Path, info: &ImageInfo, dir: &Path) -> Result<(), Failure> {
    let src = root.join("content/static").join(&info.rel);
    let bytes = std::fs::read(&src).map_err(|e| format!("cannot read it: {e}"))?;
    let parent = dir.parent().unwrap_or(root);
    std::fs::create_dir_all(parent).map_err(|e| format!("cannot write the cache: {e}"))?;
    // a folder of its own, whatever else runs: it is removed when dropped unless renamed
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("picture");
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{name}.tmp-"))
        .tempdir_in(parent)
        .map_err(|e| format!("cannot write the cache: {e}"))?;
    write_all(info, &bytes, tmp.path())?;
    let _ = std::fs::remove_dir_all(dir);
    // when another build made it meanwhile the rename fails and theirs, as good, stays
    let _ = std::fs::rename(tmp.path(), dir);
    Ok(())
}

fn write_all(info: &ImageInfo, bytes: &[u8], into: &Path) -> Result<(), Failure> {
    let write = |name: String, data: &[u8]| -> Result<(), Failure> {
        std::fs::write(into.join(&name), data)
            .map_err(|e| Failure(format!("cannot write the cache: {e}")))
    };
    // held until every variant is written: the decoded picture lives as long
    let (source, _share) = match info.format {
        Format::Svg => {
            let largest = info.largest();
            // the widest drawing and its resized copy
            let cost = u64::from(largest.width) * u64::from(largest.height) * 8;
            (None, budget::take(cost))
        }
        _ => {
            let (img, share) = decode(bytes)?;
            (Some(img), share)
        }
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

/// Decodes a photo and turns it upright by its EXIF orientation, within a share of the
/// memory budget that the caller holds as long as it holds the picture.
fn decode(bytes: &[u8]) -> Result<(image::DynamicImage, budget::Share), Failure> {
    use image::ImageDecoder;
    let mut decoder = probe::reader(bytes)
        .map_err(|e| Failure(e.message))?
        .into_decoder()
        .map_err(|e| format!("cannot read it: {e}"))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let (w, h) = decoder.dimensions();
    let depth = u64::from(decoder.color_type().bytes_per_pixel());
    // checked when the site loaded; checked again since the file may have changed since
    if let Some(why) = budget::too_large(w, h, depth) {
        return Err(Failure(why));
    }
    // the decoded pixels and their 8-bit copy, held until this picture is resized
    let share = budget::take(u64::from(w) * u64::from(h) * (depth + 4));
    let mut img =
        image::DynamicImage::from_decoder(decoder).map_err(|e| format!("cannot read it: {e}"))?;
    img.apply_orientation(orientation);
    // 8 bits per channel, with alpha only where there is some
    let img = if img.color().has_alpha() {
        image::DynamicImage::ImageRgba8(img.into_rgba8())
    } else {
        image::DynamicImage::ImageRgb8(img.into_rgb8())
    };
    Ok((img, share))
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
    let tree = probe::parse_svg(bytes).map_err(|e| Failure(e.message))?;
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
