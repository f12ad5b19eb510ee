//! Label placement: greedy, one city at a time in drawing order, each label taking the
//! cheapest free spot among candidates around its circle. A label never overlaps another
//! label, the legend or the drawing's edge (hard rules); covering another city's circle or
//! crossing a leader line only costs (soft rules), so a crowded cluster still gets placed.

use std::f64::consts::PI;

use super::font::{ascent_descent, text_width};
use super::geom::{Rect, Segment};
use super::model::{Circle, LABEL_PAD, LABEL_SIZE};

/// Gap between a label's padded box and its circle when it sits right next to it.
const ADJACENT_GAP: f64 = 1.0;
/// A box farther than this from its circle's edge gets a leader line.
const LEADER_AFTER: f64 = 4.0;
/// Candidate rings around the circle: every 10 px out to 120 px.
const RING_STEP: f64 = 10.0;
const RINGS: u32 = 12;
/// Sixteen directions, in the order tried: sideways, then vertical, then diagonals,
/// then the rest (degrees, clockwise from east as y points down).
const DIRECTIONS: [f64; 16] = [
    0.0, 180.0, 270.0, 90.0, 315.0, 225.0, 45.0, 135.0, 337.5, 202.5, 22.5, 157.5, 292.5, 247.5,
    67.5, 112.5,
];

const COVERS_CENTRE: f64 = 50.0;
const COVERS_OWN: f64 = 50.0;
const CROSSES: f64 = 30.0;
const COVERS_CIRCLE: f64 = 12.0;
/// Cost per px of distance from the circle: 120 px away costs less than hiding a centre.
const PER_PX: f64 = 0.1;

/// A label's padded box: the text's box grown by [`LABEL_PAD`] on every side. No two
/// intersect, none meets the legend, all lie inside the drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelBox<'a> {
    pub id: &'a str,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// What is written: the name, shortened with "…" only if wider than the drawing.
    pub text: String,
    pub text_x: f64,
    pub baseline: f64,
    /// From the circle's edge to the box, when the box is not next to the circle.
    pub leader: Option<Segment>,
}

impl LabelBox<'_> {
    pub fn rect(&self) -> Rect {
        Rect::new(self.x, self.y, self.w, self.h)
    }
}

struct Placer {
    width: f64,
    height: f64,
    legend: Option<Rect>,
    placed: Vec<Rect>,
    leaders: Vec<Segment>,
}

impl Placer {
    /// The hard rules.
    fn free(&self, r: &Rect) -> bool {
        r.inside(self.width, self.height)
            && !self.legend.is_some_and(|l| l.intersects(r))
            && !self.placed.iter().any(|p| p.intersects(r))
    }
}

/// Places one label per circle, in the circles' order; `height` grows only if a label had
/// nowhere else to go (a band under the map).
pub fn place<'a>(
    circles: &[Circle<'a>],
    names: &[&str],
    width: f64,
    height: &mut f64,
    legend: Option<Rect>,
) -> Vec<LabelBox<'a>> {
    let (ascent, descent) = ascent_descent(LABEL_SIZE);
    let h = ascent + descent + 2.0 * LABEL_PAD;
    let mut placer = Placer {
        width,
        height: *height,
        legend,
        placed: Vec::with_capacity(circles.len()),
        leaders: Vec::new(),
    };
    let mut out = Vec::with_capacity(circles.len());
    for (i, (c, name)) in circles.iter().zip(names).enumerate() {
        let text = fit_text(name, width - 2.0 - 2.0 * LABEL_PAD);
        let w = text_width(&text, LABEL_SIZE) + 2.0 * LABEL_PAD;
        let r = best_candidate(&placer, circles, i, w, h)
            .or_else(|| side_column(&placer, c, w, h))
            .unwrap_or_else(|| {
                // a band under everything: always free, so the rules hold for any input
                let y = placer.height + 1.0;
                placer.height = y + h + 1.0;
                Rect::new(
                    (c.cx - w / 2.0).clamp(1.0, (width - w - 1.0).max(0.0)),
                    y,
                    w,
                    h,
                )
            });
        let leader = leader(c, &r);
        placer.placed.push(r);
        placer.leaders.extend(leader);
        out.push(LabelBox {
            id: c.id,
            x: r.x,
            y: r.y,
            w: r.w,
            h: r.h,
            text,
            text_x: r.x + LABEL_PAD,
            baseline: r.y + LABEL_PAD + ascent,
            leader,
        });
    }
    *height = placer.height;
    out
}

/// The name, cut with "…" until it fits `max` px (names are short; this guards the
/// drawing's edge against a pathological one).
fn fit_text(name: &str, max: f64) -> String {
    if text_width(name, LABEL_SIZE) <= max {
        return name.to_owned();
    }
    let mut chars: Vec<char> = name.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let s: String = chars.iter().collect::<String>() + "…";
        if text_width(&s, LABEL_SIZE) <= max {
            return s;
        }
    }
    String::new()
}

/// Candidate boxes around circle `c`, nearest first, with their distance from its edge.
fn candidates(c: &Circle, w: f64, h: f64) -> Vec<(Rect, f64)> {
    let (cx, cy, r) = (c.cx, c.cy, c.r);
    let g = r + ADJACENT_GAP;
    let mut out = vec![
        (Rect::new(cx + g, cy - h / 2.0, w, h), 0.0),
        (Rect::new(cx - g - w, cy - h / 2.0, w, h), 0.0),
        (Rect::new(cx - w / 2.0, cy - g - h, w, h), 0.0),
        (Rect::new(cx - w / 2.0, cy + g, w, h), 0.0),
    ];
    for &deg in &DIRECTIONS[4..8] {
        out.push((around(cx, cy, g, deg, w, h), 0.0));
    }
    for ring in 1..=RINGS {
        let d = f64::from(ring) * RING_STEP;
        for &deg in &DIRECTIONS {
            out.push((around(cx, cy, r + d, deg, w, h), d));
        }
    }
    out
}

/// The box whose side facing the circle touches the point `dist` from the centre in
/// direction `deg`: it lies wholly on the far side, whatever the angle.
fn around(cx: f64, cy: f64, dist: f64, deg: f64, w: f64, h: f64) -> Rect {
    let (sin, cos) = (deg * PI / 180.0).sin_cos();
    let (px, py) = (cx + dist * cos, cy + dist * sin);
    Rect::new(px - w * (1.0 - cos) / 2.0, py - h * (1.0 - sin) / 2.0, w, h)
}

fn leader(c: &Circle, r: &Rect) -> Option<Segment> {
    let (nx, ny) = r.nearest(c.cx, c.cy);
    let (dx, dy) = (nx - c.cx, ny - c.cy);
    let d = dx.hypot(dy);
    (d > c.r + LEADER_AFTER).then(|| Segment {
        x1: c.cx + dx / d * c.r,
        y1: c.cy + dy / d * c.r,
        x2: nx,
        y2: ny,
    })
}

/// The cheapest candidate that breaks no hard rule; ties go to the earlier (nearer) one.
fn best_candidate(placer: &Placer, circles: &[Circle], i: usize, w: f64, h: f64) -> Option<Rect> {
    let c = &circles[i];
    let mut best: Option<(f64, Rect)> = None;
    for (r, dist) in candidates(c, w, h) {
        if !placer.free(&r) {
            continue;
        }
        let mut cost = dist * PER_PX;
        if r.hits_circle(c.cx, c.cy, c.r) {
            cost += COVERS_OWN;
        }
        for (j, o) in circles.iter().enumerate() {
            if j != i {
                if r.contains(o.cx, o.cy) {
                    cost += COVERS_CENTRE;
                } else if r.hits_circle(o.cx, o.cy, o.r) {
                    cost += COVERS_CIRCLE;
                }
            }
        }
        cost += CROSSES * placer.leaders.iter().filter(|s| r.hits_segment(s)).count() as f64;
        if let Some(s) = leader(c, &r) {
            let crossed = placer.placed.iter().chain(&placer.legend);
            cost += CROSSES * crossed.filter(|p| p.hits_segment(&s)).count() as f64;
            // a line through another city's circle points at the wrong city
            let through = circles
                .iter()
                .enumerate()
                .filter(|&(j, o)| j != i && s.hits_circle(o.cx, o.cy, o.r));
            cost += CROSSES * through.count() as f64;
        }
        if best.is_none_or(|(b, _)| cost < b) {
            best = Some((cost, r));
            if cost == 0.0 {
                break;
            }
        }
    }
    best.map(|(_, r)| r)
}

/// A free slot at the drawing's right edge, then its left, as near the circle's height as
/// possible: only used when no candidate around the circle is free.
fn side_column(placer: &Placer, c: &Circle, w: f64, h: f64) -> Option<Rect> {
    let max_y = placer.height - h - 1.0;
    if max_y < 1.0 {
        return None;
    }
    let start = (c.cy - h / 2.0).clamp(1.0, max_y);
    for x in [placer.width - w - 1.0, 1.0] {
        let mut step = 0.0;
        while start - step >= 1.0 || start + step <= max_y {
            for y in [start - step, start + step] {
                let r = Rect::new(x, y, w, h);
                if (1.0..=max_y).contains(&y) && placer.free(&r) {
                    return Some(r);
                }
            }
            step += 1.0;
        }
    }
    None
}
