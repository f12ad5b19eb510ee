//! Crowded cities kept apart: circles that overlap (Helsinki, Espoo and Vantaa, 15 km apart)
//! are pushed apart until none covers another, each by a share that shrinks with its size,
//! so a large city moves least. The circle keeps its true place as an anchor, which the SVG
//! marks with a dot and a leader line. Circles that overlap nothing are never touched, so a
//! map without crowding stays exactly as it was. Pure and deterministic: fixed order, fixed
//! number of rounds.

use super::model::Circle;

/// Clear space between two circles once apart, in px.
const GAP: f64 = 1.0;
/// Rounds of pushing; a dozen crowded circles settle in well under this.
const ROUNDS: usize = 400;
/// How far a circle may move before the map says so with a dot and a line, in px.
pub const MOVED: f64 = 0.5;

/// Moves overlapping circles apart, keeping each inside `width` × `height`.
pub fn spread(circles: &mut [Circle], width: f64, height: f64) {
    let n = circles.len();
    // only circles that were pushed are kept inside the drawing: one that overlaps nothing
    // stays where its city is, even at the edge
    let mut pushed = vec![false; n];
    for _ in 0..ROUNDS {
        let mut moved = false;
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = (&circles[i], &circles[j]);
                let (dx, dy) = (b.cx - a.cx, b.cy - a.cy);
                let dist = dx.hypot(dy);
                let need = a.r + b.r + GAP;
                if dist >= need - 1e-6 {
                    continue;
                }
                // two cities at one point part along a direction fixed by their order
                let (ux, uy) = if dist > 1e-9 {
                    (dx / dist, dy / dist)
                } else {
                    let angle = 2.399_963 * (i + j) as f64;
                    (angle.cos(), angle.sin())
                };
                let push = need - dist;
                let (wa, wb) = (a.r * a.r, b.r * b.r);
                let (sa, sb) = (wb / (wa + wb), wa / (wa + wb));
                circles[i].cx -= ux * push * sa;
                circles[i].cy -= uy * push * sa;
                circles[j].cx += ux * push * sb;
                circles[j].cy += uy * push * sb;
                (pushed[i], pushed[j], moved) = (true, true, true);
            }
        }
        for c in circles
            .iter_mut()
            .zip(&pushed)
            .filter(|(_, p)| **p)
            .map(|(c, _)| c)
        {
            c.cx = c.cx.clamp(c.r + 1.0, (width - c.r - 1.0).max(c.r + 1.0));
            c.cy = c.cy.clamp(c.r + 1.0, (height - c.r - 1.0).max(c.r + 1.0));
        }
        if !moved {
            break;
        }
    }
}

/// Whether the circle was moved off its place far enough to be marked.
pub fn was_moved(c: &Circle) -> bool {
    (c.cx - c.ax).hypot(c.cy - c.ay) > MOVED
}

#[cfg(test)]
mod tests {
    use super::*;

    fn circle(id: &'static str, cx: f64, cy: f64, r: f64) -> Circle<'static> {
        Circle {
            id,
            place: 0,
            cx,
            cy,
            r,
            ax: cx,
            ay: cy,
        }
    }

    #[test]
    fn overlapping_circles_part_and_others_stay() {
        let mut cs = vec![
            circle("helsinki", 100.0, 300.0, 22.0),
            circle("espoo", 92.0, 301.0, 12.0),
            circle("vantaa", 104.0, 294.0, 10.0),
            circle("oulu", 200.0, 100.0, 8.0),
            circle("same", 200.0, 200.0, 5.0),
            circle("place", 200.0, 200.0, 5.0),
        ];
        spread(&mut cs, 360.0, 600.0);
        for i in 0..cs.len() {
            for j in i + 1..cs.len() {
                let d = (cs[i].cx - cs[j].cx).hypot(cs[i].cy - cs[j].cy);
                assert!(
                    d >= cs[i].r + cs[j].r + GAP - 0.01,
                    "{} {}",
                    cs[i].id,
                    cs[j].id
                );
            }
        }
        assert!(!was_moved(&cs[3]), "a circle clear of others stays");
        assert!(was_moved(&cs[1]) && was_moved(&cs[2]));
        // the largest moves least
        let shift = |c: &Circle| (c.cx - c.ax).hypot(c.cy - c.ay);
        assert!(shift(&cs[0]) < shift(&cs[1]) && shift(&cs[0]) < shift(&cs[2]));
    }

    #[test]
    fn a_lone_circle_at_the_edge_stays_where_its_city_is() {
        let mut cs = vec![circle("hobart", 355.0, 590.0, 22.0)];
        spread(&mut cs, 360.0, 600.0);
        assert!(!was_moved(&cs[0]));
    }

    #[test]
    fn circles_stay_inside_the_drawing() {
        let mut cs = vec![circle("a", 2.0, 2.0, 20.0), circle("b", 3.0, 3.0, 20.0)];
        spread(&mut cs, 360.0, 100.0);
        for c in &cs {
            assert!(c.cx - c.r >= 0.0 && c.cy - c.r >= 0.0 && c.cx + c.r <= 360.0);
        }
    }
}
