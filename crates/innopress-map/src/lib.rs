//! A static, accessible SVG map of a country or region with one circle per city: its area
//! proportional to the city's funding, or (a map of a figure) its colour the class of the
//! city's value. Pure: the caller reads the outline file and hands
//! over the places; nothing here does I/O, so the same input always draws the same bytes.
//!
//! [`Outline::from_geojson`] parses and projects the outline once, in a projection that
//! fits it (Finland's national grid for Finland, an equal-area one centred on any other
//! outline, or the site's `map_projection`); [`layout()`] decides where everything goes
//! (circles, legend, labels that never overlap); [`draw`] writes the SVG from that layout.

pub mod countries;
mod font;
mod geom;
mod labels;
mod layout;
mod legend;
mod model;
mod outline;
mod spread;
mod svg;

pub use geom::{Rect, Segment};
pub use labels::LabelBox;
pub use layout::{Layout, layout};
pub use legend::{Legend, LegendEntry};
pub use model::{
    CLASS_RADIUS, Circle, Class, LABEL_PAD, LABEL_SIZE, MAX_RADIUS, MIN_RADIUS, MapError, Options,
    Place, WIDTH, radius,
};
pub use outline::{Outline, PROJECTION_HINT, Projection, ProjectionError, project};

/// The map as an SVG string. Places [`Outline::locate`] rejects (coordinates not finite,
/// not on the globe or outside the outline's extent) are left out: the caller warns.
pub fn draw(outline: &Outline, places: &[Place], opts: &Options) -> String {
    svg::write(&layout(outline, places, opts), places, opts)
}

#[cfg(test)]
mod tests;
