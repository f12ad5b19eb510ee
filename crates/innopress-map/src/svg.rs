//! The layout written as SVG: byte-for-byte the same for the same input (fixed order,
//! coordinates rounded to a tenth of a px), and structured for assistive technology: the
//! drawing is one image named by the title and description, each city a link named by its
//! name and value.

use std::fmt::Write;

use geo::{LineString, Polygon};

use super::labels::LabelBox;
use super::layout::Layout;
use super::legend::{AMOUNT_SIZE, HEADING_SIZE, Legend};
use super::model::{Circle, Options, Place};
use super::spread::was_moved;
use innopress_core::text::xml_escape;

const FONT: &str = "DejaVu Sans, Verdana, Arial, sans-serif";
const TEXT: &str = "#1a1a1a";
/// Okabe–Ito blue: distinguishable with every common colour-vision deficiency.
const CIRCLE_FILL: &str = "#0072B2";
/// The circle's edge gives the 3:1 contrast against the land that the pale fill cannot.
const CIRCLE_STROKE: &str = "#08306b";
const LAND: &str = "#e8ecef";
const COAST: &str = "#8a959e";
const LEADER: &str = "#555";
/// Focus and hover have to be visible without the page's CSS (the map may be shown alone).
const STYLE: &str = "a.map-city:focus-visible circle,a.map-city:hover circle\
{stroke:#000;stroke-width:3}\
a.map-city:focus-visible text,a.map-city:hover text{text-decoration:underline}";

/// A coordinate rounded to a tenth, without a trailing ".0" or a "-0".
pub fn num(v: f64) -> String {
    tenths((v * 10.0).round() as i64)
}

fn tenths(t: i64) -> String {
    let (sign, a) = if t < 0 {
        ("-", t.unsigned_abs())
    } else {
        ("", t.unsigned_abs())
    };
    match a % 10 {
        0 => format!("{sign}{}", a / 10),
        d => format!("{sign}{}.{d}", a / 10),
    }
}

/// One path for every polygon: each ring absolute at its start, then relative steps in
/// tenths of a px, so rounding never accumulates.
fn outline_path(polygons: &[Polygon<f64>]) -> String {
    let mut d = String::new();
    let mut ring = |ls: &LineString<f64>| {
        let mut pts: Vec<(i64, i64)> = Vec::with_capacity(ls.0.len());
        for c in &ls.0 {
            let p = ((c.x * 10.0).round() as i64, (c.y * 10.0).round() as i64);
            if pts.last() != Some(&p) {
                pts.push(p);
            }
        }
        if pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        if pts.len() < 3 {
            return;
        }
        let (x0, y0) = pts[0];
        let _ = write!(d, "M{} {}l", tenths(x0), tenths(y0));
        let mut first = true;
        for w in pts.windows(2) {
            for v in [w[1].0 - w[0].0, w[1].1 - w[0].1] {
                let s = tenths(v);
                // a minus sign separates numbers by itself
                if !first && !s.starts_with('-') {
                    d.push(' ');
                }
                d.push_str(&s);
                first = false;
            }
        }
        d.push('z');
    };
    for p in polygons {
        ring(p.exterior());
        for h in p.interiors() {
            ring(h);
        }
    }
    d
}

/// A colour class's fill with the dark edge that sets even the palest apart from the land
/// (3:1); without a value, a hollow dashed circle.
fn swatch_paint(fill: Option<&str>) -> String {
    match fill {
        Some(f) => format!(r#"fill="{f}" stroke="{CIRCLE_STROKE}" stroke-width="1.5""#),
        None => {
            format!(r##"fill="#fff" stroke="{LEADER}" stroke-width="1.5" stroke-dasharray="2 2""##)
        }
    }
}

pub fn write(layout: &Layout, places: &[Place], opts: &Options) -> String {
    let sfx = xml_escape(opts.id_suffix);
    let (w, h) = (num(layout.width), num(layout.height));
    let mut s = String::with_capacity(16 * 1024);
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="map" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="group" aria-labelledby="map-title{sfx}">"#
    );
    let _ = write!(
        s,
        r#"<title id="map-title{sfx}">{}</title><desc id="map-desc{sfx}">{}</desc><style>{STYLE}</style>"#,
        xml_escape(opts.title),
        xml_escape(opts.description)
    );
    let _ = write!(
        s,
        r#"<g role="img" aria-labelledby="map-title{sfx} map-desc{sfx}"><path d="{}" fill="{LAND}" fill-rule="evenodd" stroke="{COAST}" stroke-width="0.8" stroke-linejoin="round"/>"#,
        outline_path(&layout.outline)
    );
    if let Some(l) = &layout.legend {
        write_legend(&mut s, l);
    }
    s.push_str("</g>");
    let _ = write!(s, r#"<g font-family="{FONT}" font-size="13">"#);
    for (c, label) in layout.circles.iter().zip(&layout.labels) {
        write_city(&mut s, c, label, &places[c.place], opts);
    }
    s.push_str("</g></svg>");
    s
}

/// The legend: its heading, then the swatches or the circles of sizes.
fn write_legend(s: &mut String, l: &Legend) {
    let _ = write!(
        s,
        r#"<g transform="translate({} {})" font-family="{FONT}" fill="{TEXT}">"#,
        num(l.x),
        num(l.y)
    );
    for (line, baseline) in &l.heading {
        let _ = write!(
            s,
            r#"<text y="{}" font-size="{HEADING_SIZE}">{}</text>"#,
            num(*baseline),
            xml_escape(line)
        );
    }
    for e in l.entries.iter().filter(|e| e.swatch) {
        let _ = write!(
            s,
            r#"<circle cx="{}" cy="{}" r="{}" {}/><text x="{}" y="{}" font-size="{AMOUNT_SIZE}">{}</text>"#,
            num(e.cx),
            num(e.cy),
            num(e.r),
            swatch_paint(e.fill),
            num(e.text_x),
            num(e.baseline),
            xml_escape(&e.label)
        );
    }
    for e in l.entries.iter().filter(|e| !e.swatch) {
        let _ = write!(
            s,
            r#"<circle cx="{}" cy="{}" r="{}" fill="none" stroke="{CIRCLE_STROKE}"/><path d="M{} {}H{}" stroke="{LEADER}" stroke-dasharray="2 2"/><text x="{}" y="{}" font-size="{AMOUNT_SIZE}">{}</text>"#,
            num(e.cx),
            num(e.cy),
            num(e.r),
            num(e.cx),
            num(e.tick_y),
            num(e.tick_x2),
            num(e.text_x),
            num(e.baseline),
            xml_escape(&e.label)
        );
    }
    s.push_str("</g>");
}

/// A city: a link around its circle (and where it was moved from) and its label.
fn write_city(s: &mut String, c: &Circle, label: &LabelBox, place: &Place, opts: &Options) {
    let _ = write!(
        s,
        r#"<a href="{}" class="map-city" aria-label="{}: {}">"#,
        xml_escape(&place.href),
        xml_escape(place.name),
        xml_escape(&place.value)
    );
    if let Some(l) = &label.leader {
        let _ = write!(
            s,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{LEADER}"/>"#,
            num(l.x1),
            num(l.y1),
            num(l.x2),
            num(l.y2)
        );
    }
    let moved = was_moved(c);
    if moved {
        // the circle was moved apart from its neighbours: a dotted line from where the
        // city is to the circle's edge (a label's line is solid), and a dot there, below
        let (dx, dy) = (c.cx - c.ax, c.cy - c.ay);
        let d = dx.hypot(dy);
        if d > c.r {
            let k = (d - c.r) / d;
            let _ = write!(
                s,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{LEADER}" stroke-dasharray="1.5 1.5"/>"#,
                num(c.ax),
                num(c.ay),
                num(c.ax + dx * k),
                num(c.ay + dy * k)
            );
        }
    }
    let paint = if opts.classes.is_empty() {
        format!(r#"fill="{CIRCLE_FILL}" fill-opacity="0.6" stroke="{CIRCLE_STROKE}""#)
    } else {
        swatch_paint(
            place
                .class
                .and_then(|k| opts.classes.get(k))
                .map(|k| k.fill),
        )
    };
    let _ = write!(
        s,
        r##"<circle cx="{}" cy="{}" r="{}" {paint}/>{}<text x="{}" y="{}" fill="{TEXT}" stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">{}</text></a>"##,
        num(c.cx),
        num(c.cy),
        num(c.r),
        // on top, so that a circle moved less than its radius does not hide it
        if moved {
            format!(
                r##"<circle cx="{}" cy="{}" r="1.8" fill="{CIRCLE_STROKE}" stroke="#fff" stroke-width="0.8"/>"##,
                num(c.ax),
                num(c.ay)
            )
        } else {
            String::new()
        },
        num(label.text_x),
        num(label.baseline),
        xml_escape(&label.text)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_rounded_to_a_tenth() {
        assert_eq!(num(1.04), "1");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(-12.36), "-12.4");
        assert_eq!(num(360.0), "360");
        assert_eq!(num(0.25), "0.3");
    }
}
