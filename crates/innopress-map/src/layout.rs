//! Where everything goes, before any SVG is written: the frame that maps metres to px, the
//! simplified outline, one circle per place (crowded ones moved apart), the legend and the
//! labels. Kept apart from the SVG so tests can check the geometry (no overlaps, nothing
//! outside) directly.

use geo::{Area, Coord, LineString, Polygon, SimplifyVw};

use super::geom::Rect;
use super::labels::{self, LabelBox};
use super::legend::{self, Legend};
use super::model::{CLASS_RADIUS, Circle, MAX_RADIUS, Options, Place, WIDTH, radius};
use super::outline::Outline;
use super::spread::spread;

/// Space between the country and the drawing's edge.
const MARGIN: f64 = 8.0;
/// A very tall outline is drawn narrower rather than taller than this.
const MAX_MAP_HEIGHT: f64 = 900.0;
/// Visvalingam–Whyatt threshold in px²: a bend half a pixel deep across a couple of px,
/// finer than can be seen, and most of the file if kept. (Visvalingam rather than
/// Ramer–Douglas–Peucker because geo's RDP recurses, and a pathological ring could
/// exhaust the stack; VW works from a heap.)
const SIMPLIFY_PX2: f64 = 0.5;
/// Islands smaller than this (px²) are dropped.
const MIN_POLYGON_PX2: f64 = 2.0;
/// How far the map moves down per try when the legend has to go above it.
const SHIFT_STEP: f64 = 6.0;

/// The whole drawing as geometry, in viewBox px (y down).
#[derive(Debug, Clone)]
pub struct Layout<'a> {
    pub width: f64,
    pub height: f64,
    /// Drawing order: by amount descending, then id.
    pub circles: Vec<Circle<'a>>,
    /// One per circle, same order.
    pub labels: Vec<LabelBox<'a>>,
    pub legend: Option<Legend>,
    /// The outline, projected, scaled and simplified.
    pub outline: Vec<Polygon<f64>>,
}

/// Metres to px: x east to the right, y north upwards.
#[derive(Debug, Clone, Copy)]
struct Frame {
    scale: f64,
    min_x: f64,
    max_y: f64,
    left: f64,
    top: f64,
}

impl Frame {
    fn px(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.left + (x - self.min_x) * self.scale,
            self.top + (self.max_y - y) * self.scale,
        )
    }
}

/// Lays out the map; places [`Outline::locate`] rejects are left out (the caller warns
/// about them).
pub fn layout<'a>(outline: &Outline, places: &[Place<'a>], opts: &Options) -> Layout<'a> {
    let (mut frame, map_height) = fitted(outline);

    let (order, max_cents) = by_size(outline, places);
    let circles_at = |frame: &Frame, height: f64| -> Vec<Circle<'a>> {
        let mut circles: Vec<Circle<'a>> = order
            .iter()
            .map(|&(i, x, y)| {
                let (cx, cy) = frame.px(x, y);
                let r = if opts.classes.is_empty() {
                    radius(places[i].cents, max_cents)
                } else {
                    CLASS_RADIUS
                };
                let (id, place, ax, ay) = (places[i].id, i, cx, cy);
                Circle {
                    id,
                    place,
                    cx,
                    cy,
                    r,
                    ax,
                    ay,
                }
            })
            .collect();
        spread(&mut circles, WIDTH, height);
        circles
    };

    let base_shapes = simplified(outline, &frame);
    let mut shapes = base_shapes.clone();
    let mut circles = circles_at(&frame, map_height);
    let mut height = map_height;
    let mut legend = new_legend(&order, places, max_cents, opts);
    if let Some(l) = legend.as_mut() {
        let discs: Vec<(f64, f64, f64)> = circles.iter().map(|c| (c.cx, c.cy, c.r)).collect();
        if let Some((x, y)) = legend::find_spot(l.w, l.h, (WIDTH, height), &shapes, &discs) {
            (l.x, l.y) = (x, y);
        } else {
            // no blank corner: move the map down until the legend fits above it (at the
            // latest when the whole map, circles included, is below the legend)
            let mut shift = 0.0;
            let limit = l.h + 2.0 * MAX_RADIUS + 2.0 * MARGIN;
            (l.x, l.y) = (4.0, 4.0);
            while shift < limit {
                shift += SHIFT_STEP;
                frame.top = MARGIN + shift;
                // the outline simplified once, moved down: simplifying again at every step
                // cost a map of a figure, whose legend is tall, most of its time
                let moved = shifted(&base_shapes, shift);
                let moved_circles = circles_at(&frame, map_height + shift);
                let discs: Vec<_> = moved_circles.iter().map(|c| (c.cx, c.cy, c.r)).collect();
                let canvas = (WIDTH, map_height + shift);
                let fits = legend::fits(l.rect(), canvas, &moved, &discs);
                (shapes, circles, height) = (moved, moved_circles, canvas.1);
                if fits {
                    break;
                }
            }
        }
    }

    // only amounts formatted wider than the drawing get here: better no legend than one
    // cut off at the edge
    let legend = legend.filter(|l| l.rect().inside(WIDTH, height));

    let names: Vec<&str> = circles.iter().map(|c| places[c.place].name).collect();
    let legend_box: Option<Rect> = legend.as_ref().map(Legend::rect);
    let labels = labels::place(&circles, &names, WIDTH, &mut height, legend_box);
    Layout {
        width: WIDTH,
        height: height.ceil(),
        circles,
        labels,
        legend,
        outline: shapes,
    }
}

/// The outline scaled to the drawing's width (or its greatest height) and centred; the
/// map's height.
fn fitted(outline: &Outline) -> (Frame, f64) {
    let [min_x, min_y, max_x, max_y] = outline.bounds;
    let (bw, bh) = (max_x - min_x, max_y - min_y);
    let scale = ((WIDTH - 2.0 * MARGIN) / bw).min(MAX_MAP_HEIGHT / bh);
    let frame = Frame {
        scale,
        min_x,
        max_y,
        left: (WIDTH - bw * scale) / 2.0,
        top: MARGIN,
    };
    (frame, bh * scale + 2.0 * MARGIN)
}

/// The located places, largest first (then by id), and the largest amount.
fn by_size(outline: &Outline, places: &[Place]) -> (Vec<(usize, f64, f64)>, i64) {
    let projected: Vec<(usize, f64, f64)> = places
        .iter()
        .enumerate()
        .filter_map(|(i, p)| outline.locate(p.lat, p.lon).map(|(x, y)| (i, x, y)))
        .collect();
    let max_cents = projected
        .iter()
        .map(|&(i, _, _)| places[i].cents.max(0))
        .max()
        .unwrap_or(0);
    let mut order = projected;
    order.sort_by(|a, b| {
        let (pa, pb) = (&places[a.0], &places[b.0]);
        pb.cents
            .max(0)
            .cmp(&pa.cents.max(0))
            .then(pa.id.cmp(pb.id))
            .then(a.0.cmp(&b.0))
    });
    (order, max_cents)
}

/// The legend: the circles' sizes, or the colour classes (with "no value" when a city has
/// none).
fn new_legend(
    order: &[(usize, f64, f64)],
    places: &[Place],
    max_cents: i64,
    opts: &Options,
) -> Option<Legend> {
    if opts.classes.is_empty() {
        legend::build(max_cents, opts.legend_title, opts.legend_label)
    } else {
        let no_value = order.iter().any(|&(i, _, _)| places[i].class.is_none());
        legend::swatches(
            opts.legend_title,
            opts.classes,
            no_value.then_some(opts.no_value),
        )
    }
}

/// `shapes` moved down by `dy` px.
fn shifted(shapes: &[Polygon<f64>], dy: f64) -> Vec<Polygon<f64>> {
    use geo::Translate;
    shapes.iter().map(|p| p.translate(0.0, dy)).collect()
}

/// The outline in px, simplified to about half a pixel, without the islands too small
/// to see.
fn simplified(outline: &Outline, frame: &Frame) -> Vec<Polygon<f64>> {
    let to_px = |ring: &LineString<f64>| -> LineString<f64> {
        ring.0
            .iter()
            .map(|c| {
                let (x, y) = frame.px(c.x, c.y);
                Coord { x, y }
            })
            .collect()
    };
    outline
        .polygons
        .iter()
        .filter_map(|p| {
            let px = Polygon::new(
                to_px(p.exterior()),
                p.interiors().iter().map(to_px).collect(),
            );
            let s = px.simplify_vw(SIMPLIFY_PX2);
            if Polygon::new(s.exterior().clone(), vec![]).unsigned_area() < MIN_POLYGON_PX2 {
                return None;
            }
            let holes = s
                .interiors()
                .iter()
                .filter(|h| Polygon::new((*h).clone(), vec![]).unsigned_area() >= MIN_POLYGON_PX2)
                .cloned()
                .collect();
            Some(Polygon::new(s.exterior().clone(), holes))
        })
        .collect()
}
