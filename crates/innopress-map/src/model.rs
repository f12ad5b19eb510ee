//! The map's plain data and measures, shared by the files that lay it out and draw it: the
//! places and options callers hand over, the circles, the sizes, and the errors.

/// Drawing width in px (viewBox units are CSS px); the height follows the outline.
pub const WIDTH: f64 = 360.0;
/// Radius of the largest value's circle, and the floor under small and zero values.
pub const MAX_RADIUS: f64 = 22.0;
pub const MIN_RADIUS: f64 = 3.0;
/// City label font size in px.
pub const LABEL_SIZE: f64 = 13.0;
/// Clear space around each label's text, inside its label box.
pub const LABEL_PAD: f64 = 2.0;
/// Radius of every city's circle on a map of a figure, where colour, not size, tells.
pub const CLASS_RADIUS: f64 = 7.0;

#[derive(Debug, thiserror::Error)]
pub enum MapError {
    #[error("the map outline is not valid GeoJSON: {0}")]
    Json(String),
    #[error("the map outline has no polygon with coordinates that can be projected")]
    NoPolygons,
}

/// One city on the map.
#[derive(Debug, Clone)]
pub struct Place<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub lat: f64,
    pub lon: f64,
    /// Funding in cents (>= 0); circle AREA proportional to it; 0 draws a small dot.
    pub cents: i64,
    /// The value in words for the link's accessible name and the table, e.g. "EUR 12.3 million".
    pub value: String,
    /// Link target as written into href (already relative, e.g. "../cities/tampere/").
    pub href: String,
    /// On a map of a figure, the colour class of the city's value (an index into
    /// [`Options::classes`]); `None` there is a city without a value.
    pub class: Option<usize>,
}

/// One colour class of a map of a figure: its fill and the values it stands for.
#[derive(Debug, Clone)]
pub struct Class {
    pub fill: &'static str,
    /// The range in words, e.g. "100 to 150".
    pub label: String,
}

pub struct Options<'a> {
    /// Goes in `<title>`.
    pub title: &'a str,
    /// Goes in `<desc>`: the map described in words, made by the caller.
    pub description: &'a str,
    /// Heading of the size legend, e.g. "Total project funding".
    pub legend_title: &'a str,
    /// Formats a legend reference amount (cents) as a short label, e.g. "EUR 10 million".
    pub legend_label: &'a dyn Fn(i64) -> String,
    /// Appended to every id inside the SVG (two maps may share a page).
    pub id_suffix: &'a str,
    /// The colour classes of a map of a figure, lowest first; empty for a map of funding,
    /// whose circles' sizes tell. `legend_title` heads the classes then.
    pub classes: &'a [Class],
    /// On a map of a figure, what the legend calls a city without a value.
    pub no_value: &'a str,
}

/// Circle radius in px for `cents` when the largest value is `max_cents`: area proportional
/// to the amount (a radius proportional to it would exaggerate large values), with a floor
/// so small and zero values stay visible and clickable.
pub fn radius(cents: i64, max_cents: i64) -> f64 {
    if max_cents <= 0 || cents <= 0 {
        return MIN_RADIUS;
    }
    let share = (cents as f64 / max_cents as f64).min(1.0);
    (MAX_RADIUS * share.sqrt()).max(MIN_RADIUS)
}

/// One place's circle in px, in drawing order (largest amount first, then id).
#[derive(Debug, Clone, PartialEq)]
pub struct Circle<'a> {
    pub id: &'a str,
    /// Index of the place in the slice given to `layout`.
    pub place: usize,
    pub cx: f64,
    pub cy: f64,
    pub r: f64,
    /// Where the place is; not (`cx`, `cy`) when the circle was moved apart from others.
    pub ax: f64,
    pub ay: f64,
}
