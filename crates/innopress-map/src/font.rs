//! Label widths measured on DejaVu Sans, the font the map names first and the one resvg
//! renders the PNG with. Browsers may fall back to Verdana or Arial, which are no wider, so
//! a box measured here is a conservative bound for placing labels without overlap.

use std::sync::OnceLock;

use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, GlyphId, MetadataProvider};

/// Advance used for every character if the bundled font ever failed to parse: wider than
/// any DejaVu letter but a few, so boxes stay conservative rather than overlapping.
const FALLBACK_ADVANCE_EM: f32 = 0.75;

struct Metrics {
    charmap: Charmap<'static>,
    glyphs: GlyphMetrics<'static>,
    upem: f32,
    /// Ascent and descent (both positive) in em.
    ascent: f32,
    descent: f32,
}

/// Parsed once: the font tables are borrowed from the bytes compiled into the binary.
fn metrics() -> Option<&'static Metrics> {
    static METRICS: OnceLock<Option<Metrics>> = OnceLock::new();
    METRICS
        .get_or_init(|| {
            let font = FontRef::new(dejavu::sans::regular()).ok()?;
            let line = font.metrics(Size::unscaled(), LocationRef::default());
            let upem = f32::from(line.units_per_em);
            if upem <= 0.0 {
                return None;
            }
            Some(Metrics {
                charmap: font.charmap(),
                glyphs: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
                upem,
                ascent: line.ascent / upem,
                descent: -line.descent / upem,
            })
        })
        .as_ref()
}

/// Width in px of `text` at `size` px: the sum of advance widths (no kerning, which only
/// ever narrows DejaVu text).
pub fn text_width(text: &str, size: f64) -> f64 {
    let Some(m) = metrics() else {
        return text.chars().count() as f64 * f64::from(FALLBACK_ADVANCE_EM) * size;
    };
    let units: f32 = text
        .chars()
        .map(|c| {
            // a character DejaVu lacks is drawn with some other font: take the widest guess
            let gid = m.charmap.map(c).unwrap_or(GlyphId::NOTDEF);
            m.glyphs
                .advance_width(gid)
                .unwrap_or(FALLBACK_ADVANCE_EM * m.upem)
        })
        .sum();
    f64::from(units / m.upem) * size
}

/// Ascent and descent in px at `size`, both positive: the label box is the line's full
/// height so accents above capitals and descenders below stay inside it.
pub fn ascent_descent(size: f64) -> (f64, f64) {
    match metrics() {
        Some(m) => (f64::from(m.ascent) * size, f64::from(m.descent) * size),
        None => (0.95 * size, 0.25 * size),
    }
}
