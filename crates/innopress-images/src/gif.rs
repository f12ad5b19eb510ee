//! GIF pictures, published rewritten: every frame is copied as it was compressed (so an
//! animation stays exactly as it was, and no pixel is decoded), with its timing, position,
//! palette and transparency, and nothing else. Comments, XMP packets and every other
//! extension a program wrote into the file are left behind.

use super::budget;
use super::probe::ProbeError;
use std::io::Read;

/// Whether `rel` names a GIF picture (in any case).
pub fn is_gif(rel: &str) -> bool {
    rel.rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("gif"))
}

fn options() -> gif::DecodeOptions {
    let mut options = gif::DecodeOptions::new();
    // frames stay compressed: copying them needs no pixels in memory
    options.skip_frame_decoding(true);
    if let Some(limit) = std::num::NonZeroU64::new(budget::MAX_DECODED_BYTES) {
        options.set_memory_limit(gif::MemoryLimit::Bytes(limit));
    }
    options
}

/// Checks what the file's header says, while the site loads: a GIF, and not over the limits.
pub fn check(path: &std::path::Path) -> Result<(), ProbeError> {
    let file = std::fs::File::open(path)
        .map_err(|e| ProbeError::unreadable(format!("cannot read this picture: {e}")))?;
    let decoder = options()
        .read_info(std::io::BufReader::new(file.take(budget::MAX_FILE_BYTES)))
        .map_err(|e| {
            ProbeError::unreadable(format!(
                "this is not a GIF picture, whatever its name says: {e}"
            ))
        })?;
    match budget::too_large(u32::from(decoder.width()), u32::from(decoder.height()), 1) {
        Some(why) => Err(ProbeError::too_large(why)),
        None => Ok(()),
    }
}

/// The GIF in `bytes` rewritten with its frames only.
pub fn clean(bytes: &[u8]) -> Result<Vec<u8>, ProbeError> {
    let bad = |e: &dyn std::fmt::Display| {
        ProbeError::unreadable(format!("cannot read this GIF picture: {e}"))
    };
    let mut decoder = options().read_info(bytes).map_err(|e| bad(&e))?;
    let (w, h) = (decoder.width(), decoder.height());
    if let Some(why) = budget::too_large(u32::from(w), u32::from(h), 1) {
        return Err(ProbeError::too_large(why));
    }
    let palette = decoder.global_palette().unwrap_or(&[]).to_vec();
    let mut out = Vec::with_capacity(bytes.len());
    {
        let mut encoder = gif::Encoder::new(&mut out, w, h, &palette).map_err(|e| bad(&e))?;
        let mut frames = 0usize;
        // the loop count is known once the extensions before the first frame are read; the
        // frame is copied so the decoder can be asked (compressed, it is small)
        while let Some(frame) = decoder.read_next_frame().map_err(|e| bad(&e))?.cloned() {
            if frames == 0 && decoder.repeat() != gif::Repeat::Finite(0) {
                encoder.set_repeat(decoder.repeat()).map_err(|e| bad(&e))?;
            }
            encoder
                .write_lzw_pre_encoded_frame(&frame)
                .map_err(|e| bad(&e))?;
            frames += 1;
        }
        if frames == 0 {
            return Err(ProbeError::unreadable("this GIF picture has no frames"));
        }
    }
    Ok(out)
}

/// The GIF at `rel` below `static_dir` with its frames only, for the output.
pub fn without_metadata(
    static_dir: &std::path::Path,
    rel: &str,
) -> Result<Vec<u8>, super::encode::EncodeError> {
    let failed = |message: String| super::encode::EncodeError {
        rel: rel.to_string(),
        message,
    };
    let bytes =
        std::fs::read(static_dir.join(rel)).map_err(|e| failed(format!("cannot read it: {e}")))?;
    clean(&bytes).map_err(|e| failed(format!("{} ({})", e.message, e.hint)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A two-frame GIF with a comment and an XMP packet.
    fn commented() -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut e = gif::Encoder::new(&mut out, 4, 2, &[0, 0, 0, 255, 255, 255]).unwrap();
            e.set_repeat(gif::Repeat::Infinite).unwrap();
            e.write_raw_extension(gif::Extension::Comment.into(), &[&b"SECRET-COMMENT"[..]])
                .unwrap();
            e.write_raw_extension(
                gif::Extension::Application.into(),
                &[
                    &b"XMP DataXMP"[..],
                    &b"<x:xmpmeta>SECRET-XMP</x:xmpmeta>"[..],
                ],
            )
            .unwrap();
            for pixels in [[0u8, 1, 0, 1, 1, 0, 1, 0], [1, 1, 1, 1, 0, 0, 0, 0]] {
                let mut f = gif::Frame::from_indexed_pixels(4, 2, pixels.to_vec(), None);
                f.delay = 20;
                e.write_frame(&f).unwrap();
            }
        }
        out
    }

    #[test]
    fn a_gif_keeps_its_frames_and_loses_its_comments() {
        let before = commented();
        let contains = |hay: &[u8], n: &[u8]| hay.windows(n.len()).any(|w| w == n);
        assert!(contains(&before, b"SECRET-COMMENT") && contains(&before, b"SECRET-XMP"));
        let after = clean(&before).unwrap();
        assert!(!contains(&after, b"SECRET-COMMENT") && !contains(&after, b"SECRET-XMP"));
        let frames = |bytes: &[u8]| {
            let mut o = gif::DecodeOptions::new();
            o.set_color_output(gif::ColorOutput::Indexed);
            let mut d = o.read_info(bytes).unwrap();
            let mut all = Vec::new();
            while let Some(f) = d.read_next_frame().unwrap() {
                all.push((f.delay, f.buffer.to_vec()));
            }
            (all, d.repeat())
        };
        assert_eq!(frames(&after), frames(&before));
        assert!(clean(b"GIF89a").is_err());
        assert!(clean(b"").is_err());
    }
}
