//! Leaf: the names shortcodes accept. Validation checks against this catalogue and the
//! renderers implement every name in it, so checking never needs the renderer.

/// Names the `figure` shortcode accepts.
pub const FIGURES: [&str; 17] = [
    "total-funding",
    "eu-funding",
    "state-funding",
    "city-funding",
    "other-funding",
    "city-share",
    "ongoing-funding",
    "project-count",
    "ongoing-count",
    "planned-count",
    "closed-count",
    "international-funding",
    "international-count",
    "partner-count",
    "city-count",
    "as-of",
    "indicator",
];

/// Names the `chart` shortcode accepts.
pub const CHARTS: [&str; 6] = [
    "map",
    "funding-by-city",
    "funding-by-source",
    "projects-by-theme",
    "projects-per-year",
    "indicator",
];
