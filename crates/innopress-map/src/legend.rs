//! The legends: reference circles for round amounts, drawn to the same scale as the cities,
//! or the colour classes of a map of a figure; and where to put the legend so it covers
//! neither the country nor a circle.

use geo::{Coord, Intersects, Polygon};

use super::font::{ascent_descent, text_width};
use super::geom::Rect;
use super::model::{CLASS_RADIUS, Class, MIN_RADIUS, radius};

/// Heading and amount sizes in px: the heading matches the city labels.
pub const HEADING_SIZE: f64 = 13.0;
pub const AMOUNT_SIZE: f64 = 12.0;
/// A heading wider than this wraps at spaces, so a long title cannot push the box off
/// the drawing.
const HEADING_MAX_WIDTH: f64 = 200.0;
/// Clear space kept around the box, from the country and the circles.
const CLEARANCE: f64 = 4.0;

/// The legend in its own coordinates (origin at the box's top-left corner); `x` and `y`
/// place it in the drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Legend {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// Heading lines and their baselines.
    pub heading: Vec<(String, f64)>,
    pub entries: Vec<LegendEntry>,
}

/// One reference circle with its amount: nested circles share a bottom, a short tick runs
/// from each circle's top to its label.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub cents: i64,
    pub label: String,
    pub cx: f64,
    pub cy: f64,
    pub r: f64,
    /// The tick's y and right end; it starts at (cx, tick_y).
    pub tick_y: f64,
    pub tick_x2: f64,
    pub text_x: f64,
    pub baseline: f64,
    /// A colour class's swatch (no tick): its fill, `None` for the hollow circle of cities
    /// without a value. Size entries have `swatch: false`.
    pub fill: Option<&'static str>,
    pub swatch: bool,
}

impl Legend {
    /// The box in drawing coordinates: an obstacle for labels.
    pub fn rect(&self) -> Rect {
        Rect::new(self.x, self.y, self.w, self.h)
    }
}

/// Round amounts (1, 2 or 5 × 10^k cents) not above `max`, largest first.
fn round_values(max: i64) -> Vec<i64> {
    let mut out = Vec::new();
    let mut power: i64 = 1;
    loop {
        for m in [1, 2, 5] {
            match power.checked_mul(m) {
                Some(v) if v <= max => out.push(v),
                _ => {}
            }
        }
        match power.checked_mul(10) {
            Some(p) if p <= max => power = p,
            _ => break,
        }
    }
    out.reverse();
    out
}

/// The legend for data whose largest value is `max_cents`, at the origin; `None` when
/// there is nothing to scale (every value zero).
pub fn build(max_cents: i64, title: &str, label: &dyn Fn(i64) -> String) -> Option<Legend> {
    if max_cents <= 0 {
        return None;
    }
    let (a12, d12) = ascent_descent(AMOUNT_SIZE);
    let line12 = a12 + d12;
    // the largest round amount, then smaller ones whose circle tops (and so their labels)
    // sit at least a line apart
    let mut picked: Vec<(i64, f64)> = Vec::new();
    for v in round_values(max_cents) {
        let r = radius(v, max_cents);
        let fits = match picked.last() {
            None => true,
            Some(&(_, prev)) => 2.0 * (prev - r) >= line12 + 1.0 && r >= MIN_RADIUS + 1.0,
        };
        if fits {
            picked.push((v, r));
            if picked.len() == 3 {
                break;
            }
        }
    }
    let big = picked.first()?.1;
    let (heading, head_h, mut width) = heading(title);
    let bottom = head_h + 4.0 + line12 / 2.0 + 2.0 * big;
    let cx = big + 0.5;
    let text_x = 2.0 * big + 8.0;
    let entries = picked
        .into_iter()
        .map(|(cents, r)| {
            let label = label(cents);
            width = width.max(text_x + text_width(&label, AMOUNT_SIZE));
            let tick_y = bottom - 2.0 * r;
            LegendEntry {
                cents,
                label,
                cx,
                cy: bottom - r,
                r,
                tick_y,
                tick_x2: text_x - 2.0,
                text_x,
                baseline: tick_y + (a12 - d12) / 2.0,
                fill: None,
                swatch: false,
            }
        })
        .collect();
    Some(Legend {
        x: 0.0,
        y: 0.0,
        w: width.ceil(),
        h: (bottom + 2.0).ceil(),
        heading,
        entries,
    })
}

/// The legend of a map of a figure: one swatch per colour class, lowest first, and a hollow
/// one for cities without a value when there are any.
pub fn swatches(title: &str, classes: &[Class], no_value: Option<&str>) -> Option<Legend> {
    if classes.is_empty() {
        return None;
    }
    let (a12, d12) = ascent_descent(AMOUNT_SIZE);
    let (heading, head_h, mut width) = heading(title);
    let mut y = head_h + 4.0;
    let row = (2.0 * CLASS_RADIUS + 4.0).max(a12 + d12 + 2.0);
    let text_x = 2.0 * CLASS_RADIUS + 8.0;
    let rows = classes
        .iter()
        .map(|c| (Some(c.fill), c.label.as_str()))
        .chain(no_value.map(|l| (None, l)));
    let mut entries = Vec::new();
    for (fill, label) in rows {
        let cy = y + row / 2.0;
        width = width.max(text_x + text_width(label, AMOUNT_SIZE));
        entries.push(LegendEntry {
            cents: 0,
            label: label.to_string(),
            cx: CLASS_RADIUS + 1.0,
            cy,
            r: CLASS_RADIUS,
            tick_y: cy,
            tick_x2: CLASS_RADIUS + 1.0,
            text_x,
            baseline: cy + (a12 - d12) / 2.0,
            fill,
            swatch: true,
        });
        y += row;
    }
    Some(Legend {
        x: 0.0,
        y: 0.0,
        w: width.ceil(),
        h: (y + 2.0).ceil(),
        heading,
        entries,
    })
}

/// The legend's heading: its lines with their baselines, its height and its width.
fn heading(title: &str) -> (Vec<(String, f64)>, f64, f64) {
    let (a13, d13) = ascent_descent(HEADING_SIZE);
    let lines: Vec<(String, f64)> = wrap(title, HEADING_SIZE, HEADING_MAX_WIDTH)
        .into_iter()
        .enumerate()
        .map(|(i, line)| (line, a13 + i as f64 * (a13 + d13)))
        .collect();
    let height = lines.len() as f64 * (a13 + d13);
    let width = lines
        .iter()
        .map(|(l, _)| text_width(l, HEADING_SIZE))
        .fold(0.0, f64::max);
    (lines, height, width)
}

/// Greedy word wrap at spaces; a single word wider than `max` keeps its own line.
fn wrap(text: &str, size: f64, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} {word}"), size) <= max => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// Whether a `w` × `h` box at (x, y) keeps clear of the country and the circles and stays
/// inside the drawing.
pub fn fits(
    r: Rect,
    canvas: (f64, f64),
    outline: &[Polygon<f64>],
    circles: &[(f64, f64, f64)],
) -> bool {
    let g = r.grow(CLEARANCE);
    if !r.inside(canvas.0, canvas.1) {
        return false;
    }
    if circles
        .iter()
        .any(|&(cx, cy, cr)| g.hits_circle(cx, cy, cr))
    {
        return false;
    }
    // a corner of the coast inside the box settles it at once; the exact test is left for
    // the boxes that have none (in the sea, or wholly on land), which are few: a tall legend
    // otherwise tested hundreds of spots against the whole coast
    let inside = |c: &Coord<f64>| c.x > g.x && c.x < g.right() && c.y > g.y && c.y < g.bottom();
    if outline.iter().any(|p| {
        p.exterior().0.iter().any(inside) || p.interiors().iter().any(|h| h.0.iter().any(inside))
    }) {
        return false;
    }
    let rect = geo::Rect::new(
        Coord { x: g.x, y: g.y },
        Coord {
            x: g.right(),
            y: g.bottom(),
        },
    );
    !outline.iter().any(|p| p.intersects(&rect))
}

/// The first clear spot down the left edge, then down the right edge: open sea or
/// neighbouring land, which the map leaves blank.
pub fn find_spot(
    w: f64,
    h: f64,
    canvas: (f64, f64),
    outline: &[Polygon<f64>],
    circles: &[(f64, f64, f64)],
) -> Option<(f64, f64)> {
    let xs = [CLEARANCE, canvas.0 - w - CLEARANCE];
    for x in xs {
        let mut y = CLEARANCE;
        while y + h + CLEARANCE <= canvas.1 {
            if fits(Rect::new(x, y, w, h), canvas, outline, circles) {
                return Some((x, y));
            }
            y += 2.0;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_values_are_one_two_five() {
        assert_eq!(
            round_values(4_000_000_000)[..3],
            [2_000_000_000, 1_000_000_000, 500_000_000]
        );
        assert_eq!(round_values(1), [1]);
        assert!(round_values(0).is_empty());
        assert_eq!(round_values(i64::MAX)[0], 5_000_000_000_000_000_000);
    }

    #[test]
    fn reference_circles_are_apart_and_the_largest_is_round() {
        let legend = build(4_000_000_000, "Total project funding", &|c| {
            format!("EUR {}", c / 100)
        })
        .expect("a legend");
        let cents: Vec<i64> = legend.entries.iter().map(|e| e.cents).collect();
        assert_eq!(cents[0], 2_000_000_000);
        assert!((2..=3).contains(&cents.len()), "{cents:?}");
        for pair in legend.entries.windows(2) {
            assert!(pair[0].tick_y + 14.0 <= pair[1].tick_y, "{pair:?}");
        }
        assert!(build(0, "t", &|c| c.to_string()).is_none());
    }
}
