//! Pixel-space rectangles and segments: the few tests label placement needs (boxes against
//! boxes, circles and leader lines), kept exact and allocation-free because placement runs
//! them thousands of times.

/// An axis-aligned box in SVG px (y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    pub fn grow(&self, d: f64) -> Rect {
        Rect::new(self.x - d, self.y - d, self.w + 2.0 * d, self.h + 2.0 * d)
    }

    /// Overlap with positive area: boxes that only touch do not intersect.
    pub fn intersects(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }

    /// Whether the box lies within `0..width` × `0..height`.
    pub fn inside(&self, width: f64, height: f64) -> bool {
        self.x >= 0.0 && self.y >= 0.0 && self.right() <= width && self.bottom() <= height
    }

    pub fn contains(&self, px: f64, py: f64) -> bool {
        px >= self.x && px <= self.right() && py >= self.y && py <= self.bottom()
    }

    /// The point of the box nearest to (px, py).
    pub fn nearest(&self, px: f64, py: f64) -> (f64, f64) {
        (
            px.clamp(self.x, self.right()),
            py.clamp(self.y, self.bottom()),
        )
    }

    pub fn hits_circle(&self, cx: f64, cy: f64, r: f64) -> bool {
        let (nx, ny) = self.nearest(cx, cy);
        (nx - cx).powi(2) + (ny - cy).powi(2) < r * r
    }

    /// Whether the segment passes through the box's interior (Liang–Barsky clipping).
    pub fn hits_segment(&self, s: &Segment) -> bool {
        let (dx, dy) = (s.x2 - s.x1, s.y2 - s.y1);
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        for (p, q) in [
            (-dx, s.x1 - self.x),
            (dx, self.right() - s.x1),
            (-dy, s.y1 - self.y),
            (dy, self.bottom() - s.y1),
        ] {
            if p == 0.0 {
                if q <= 0.0 {
                    return false;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
            }
        }
        t0 < t1
    }
}

/// A straight line between two points in SVG px.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
}

impl Segment {
    /// Whether the segment passes through the circle (closer to its centre than `r`).
    pub fn hits_circle(&self, cx: f64, cy: f64, r: f64) -> bool {
        let (dx, dy) = (self.x2 - self.x1, self.y2 - self.y1);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (((cx - self.x1) * dx + (cy - self.y1) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        (self.x1 + t * dx - cx).hypot(self.y1 + t * dy - cy) < r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_that_touch_do_not_intersect() {
        let a = Rect::new(0.0, 0.0, 10.0, 10.0);
        assert!(!a.intersects(&Rect::new(10.0, 0.0, 5.0, 5.0)));
        assert!(a.intersects(&Rect::new(9.9, 9.9, 5.0, 5.0)));
        assert!(a.inside(10.0, 10.0) && !a.inside(9.9, 10.0));
    }

    #[test]
    fn segments_and_circles() {
        let a = Rect::new(0.0, 0.0, 10.0, 10.0);
        let through = Segment {
            x1: -5.0,
            y1: 5.0,
            x2: 15.0,
            y2: 5.0,
        };
        let beside = Segment {
            x1: -5.0,
            y1: 12.0,
            x2: 15.0,
            y2: 20.0,
        };
        let ending_outside = Segment {
            x1: -5.0,
            y1: 5.0,
            x2: -1.0,
            y2: 5.0,
        };
        assert!(a.hits_segment(&through));
        assert!(!a.hits_segment(&beside));
        assert!(!a.hits_segment(&ending_outside));
        assert!(a.hits_circle(12.0, 5.0, 2.5) && !a.hits_circle(12.0, 12.0, 2.5));
        assert!(through.hits_circle(20.0, 5.0, 5.5) && !through.hits_circle(20.0, 5.0, 4.5));
        assert!(!beside.hits_circle(0.0, 0.0, 11.0) && beside.hits_circle(0.0, 0.0, 13.0));
    }
}
