//! The two sizes every chart is drawn at, and the text measures that depend on them.

/// The size a chart is drawn at. Each chart is drawn twice: wide for screens from a tablet
/// up, and narrow for phones, where the wide one scaled down would have 6 px text; the page
/// shows the one that fits ([`WIDE`], [`NARROW`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    pub width: u32,
    /// Text size in px as drawn.
    pub px: f64,
    /// Added to the ids inside the SVG, which must be unique on a page showing both.
    pub suffix: &'static str,
    pub narrow: bool,
}

/// 760 px wide with 14 px text: 1:1 in the 46rem column.
pub(super) const WIDE: Frame = Frame {
    width: 760,
    px: 14.0,
    suffix: "",
    narrow: false,
};
/// 360 px wide with 13 px text: at least 12 px on a 375 px phone.
pub(super) const NARROW: Frame = Frame {
    width: 360,
    px: 13.0,
    suffix: "-narrow",
    narrow: true,
};

impl Frame {
    /// plotters divides font sizes by 1.24 when writing SVG.
    pub fn text(self) -> f64 {
        self.px * 1.24
    }

    /// A rough width in pixels of `text`, for sizing label areas.
    pub fn text_width(self, text: &str) -> u32 {
        (text.chars().count() as f64 * 0.55 * self.px).ceil() as u32
    }

    /// `label` cut with "…" to fit `max` pixels.
    pub fn fit(self, label: &str, max: u32) -> String {
        if self.text_width(label) <= max {
            return label.to_string();
        }
        let chars = ((max as f64) / (0.55 * self.px)).floor() as usize;
        let cut: String = label.chars().take(chars.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}
