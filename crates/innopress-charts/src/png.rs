//! Charts as PNG for email, whose clients do not show SVG: rasterised with resvg and the
//! DejaVu Sans font shipped in the binary.

use resvg::{tiny_skia, usvg};

#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("the chart's SVG cannot be read: {0}")]
    Parse(#[from] usvg::Error),
    #[error("chart has no size")]
    Empty,
    #[error("the PNG cannot be written: {0}")]
    Encode(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Rasterises a chart's SVG to PNG at `scale` (2 for sharp email images) with the DejaVu Sans
/// font shipped in the binary, so the picture is the same on every machine.
pub fn to_png(svg: &str, scale: f32) -> Result<Vec<u8>, PngError> {
    use std::sync::{Arc, OnceLock};
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(dejavu::sans::regular().to_vec());
        db.load_font_data(dejavu::sans::bold().to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        Arc::new(db)
    });
    let opts = usvg::Options {
        fontdb: fonts.clone(),
        font_family: "DejaVu Sans".into(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opts)?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or(PngError::Empty)?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| PngError::Encode(Box::new(e)))
}
