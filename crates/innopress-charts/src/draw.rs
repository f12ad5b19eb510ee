//! Drawing: bars, stacked bars and lines with plotters' SVG backend (no system fonts), and
//! the accessible name (`role="img"`, `<title>`, `<desc>`) added to the opening `<svg>`.
//! Okabe–Ito colours with dark outlines, so marks keep 3:1 contrast whatever their fill.

use innopress_core::money::{Money, group_thousands, short_amount};
use innopress_core::text::percent;
use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use super::axis::{bar_axis, nice_max};
use super::frame::{Frame, NARROW, WIDE};

/// A chart's wide and narrow SVG.
pub(super) type Pair = (String, String);

/// Okabe–Ito colours, darkest first so the first series has the most contrast.
pub(super) const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub(super) const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const INK: RGBColor = RGBColor(0x1b, 0x1f, 0x24);
const GRID: RGBColor = RGBColor(0xdd, 0xe1, 0xe6);
const SOURCE_COLOURS: [RGBColor; 4] = [BLUE, VERMILLION, GREEN, PURPLE];

const FONT: &str = "sans-serif";

/// plotters failed to draw (its errors are generic over the backend, so they arrive as text).
#[derive(Debug, thiserror::Error)]
#[error("drawing a chart failed: {0}")]
pub struct DrawError(String);

type DrawResult<T> = Result<T, DrawError>;

fn err<E: std::fmt::Debug>(e: E) -> DrawError {
    DrawError(format!("{e:?}"))
}

pub(super) struct Bar {
    pub label: String,
    pub value: f64,
    pub value_label: String,
}

pub(super) fn count_label(v: f64) -> String {
    if v.fract().abs() > 1e-9 {
        String::new()
    } else {
        group_thousands(v.max(0.0) as u64)
    }
}

#[derive(Clone, Copy)]
pub(super) enum Marker {
    Circle,
    Triangle,
}

pub(super) struct Series {
    pub label: String,
    pub points: Vec<(i32, f64)>,
    pub colour: RGBColor,
    pub marker: Marker,
}

fn text_style(size: f64) -> TextStyle<'static> {
    (FONT, size).into_font().color(&INK)
}

fn finish(name: &str, title: &str, desc: &str, svg: String) -> String {
    let esc = innopress_core::text::xml_escape;
    let open_end = svg.find('>').unwrap_or(0);
    let (open, rest) = svg.split_at(open_end);
    let open = open.replacen(
        "<svg ",
        &format!(
            "<svg class=\"chart-svg\" role=\"img\" aria-labelledby=\"{name}-title {name}-desc\" "
        ),
        1,
    );
    format!(
        "{open}>\n<title id=\"{name}-title\">{}</title>\n<desc id=\"{name}-desc\">{}</desc>{}",
        esc(title),
        esc(desc),
        &rest[1..]
    )
}

fn canvas<F>(
    f: Frame,
    name: &str,
    title: &str,
    desc: &str,
    height: u32,
    draw: F,
) -> DrawResult<String>
where
    F: FnOnce(&DrawingArea<SVGBackend, Shift>) -> DrawResult<()>,
{
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (f.width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    let class = if f.narrow {
        "chart-narrow"
    } else {
        "chart-wide"
    };
    let svg = finish(&format!("{name}{}", f.suffix), title, desc, buf);
    Ok(svg.replacen(
        "class=\"chart-svg\"",
        &format!("class=\"chart-svg {class}\""),
        1,
    ))
}

/// Horizontal bars, first item at the top, each labelled with its value.
pub(super) fn hbar(
    name: &str,
    title: &str,
    desc: &str,
    bars: &[Bar],
    axis: &dyn Fn(f64) -> String,
) -> DrawResult<Pair> {
    Ok((
        hbar_in(WIDE, name, title, desc, bars, axis)?,
        hbar_in(NARROW, name, title, desc, bars, axis)?,
    ))
}

fn hbar_in(
    f: Frame,
    name: &str,
    title: &str,
    desc: &str,
    bars: &[Bar],
    axis: &dyn Fn(f64) -> String,
) -> DrawResult<String> {
    let n = bars.len().max(1);
    let height = 60 + 30 * n as u32;
    let most = if f.narrow { 110 } else { 240 };
    let label_w = bars
        .iter()
        .map(|b| f.text_width(&b.label))
        .max()
        .map_or(40, |w| w.clamp(40, most))
        + 12;
    let plot_w = f.width.saturating_sub(label_w + 20).max(40) as f64;
    let labelled: Vec<(f64, &str)> = bars
        .iter()
        .map(|b| (b.value, b.value_label.as_str()))
        .collect();
    let (x_max, inside) = bar_axis(f, &labelled, plot_w);
    canvas(f, name, title, desc, height, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .margin_right(if f.narrow { 12 } else { 36 })
            .x_label_area_size(30)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0f64..x_max, (0..n - 1).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(if f.narrow { 3 } else { 5 })
            .y_labels(n)
            .x_label_formatter(&|v| axis(*v))
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) if *i < bars.len() => {
                    f.fit(&bars[bars.len() - 1 - *i].label, most)
                }
                _ => String::new(),
            })
            .label_style(text_style(f.text()))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(k, b)| {
                let i = bars.len() - 1 - k;
                let mut r = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(i)),
                        (b.value, SegmentValue::Exact(i + 1)),
                    ],
                    BLUE.filled(),
                );
                r.set_margin(4, 4, 0, 0);
                r
            }))
            .map_err(err)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(k, b)| {
                let i = bars.len() - 1 - k;
                let (style, dx) = value_style(f, inside[k]);
                EmptyElement::at((b.value, SegmentValue::CenterOf(i)))
                    + Text::new(b.value_label.clone(), (dx, 0), style)
            }))
            .map_err(err)?;
        Ok(())
    })
}

/// A bar's value label: in white at the end of a bar long enough to hold it (white on the
/// blue is 5.1:1), else in ink beside it; its style and offset.
fn value_style(f: Frame, inside: bool) -> (TextStyle<'static>, i32) {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    if inside {
        let white = (FONT, f.text()).into_font().color(&WHITE);
        (white.pos(Pos::new(HPos::Right, VPos::Center)), -6)
    } else {
        let ink = text_style(f.text()).pos(Pos::new(HPos::Left, VPos::Center));
        (ink, 6)
    }
}

/// Vertical bars (columns), labelled with their values.
pub(super) fn vbar(name: &str, title: &str, desc: &str, bars: &[Bar]) -> DrawResult<Pair> {
    Ok((
        vbar_in(WIDE, name, title, desc, bars)?,
        vbar_in(NARROW, name, title, desc, bars)?,
    ))
}

fn vbar_in(f: Frame, name: &str, title: &str, desc: &str, bars: &[Bar]) -> DrawResult<String> {
    let n = bars.len().max(1);
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let y_max = nice_max(max * 1.12);
    // on a phone, every other label when they would not fit side by side
    let every = if f.narrow && n > 6 { 2 } else { 1 };
    canvas(f, name, title, desc, 360, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(34)
            .y_label_area_size(56)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..y_max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(n)
            .y_labels(5)
            .y_label_formatter(&|v| count_label(*v))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i)
                    if *i < bars.len() && (bars.len() - 1 - *i).is_multiple_of(every) =>
                {
                    bars[*i].label.clone()
                }
                _ => String::new(),
            })
            .label_style(text_style(f.text()))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                let mut r = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0.0),
                        (SegmentValue::Exact(i + 1), b.value),
                    ],
                    BLUE.filled(),
                );
                r.set_margin(0, 0, 6, 6);
                r
            }))
            .map_err(err)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                let style = text_style(f.text()).pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Center,
                    plotters::style::text_anchor::VPos::Bottom,
                ));
                EmptyElement::at((SegmentValue::CenterOf(i), b.value))
                    + Text::new(b.value_label.clone(), (0, -4), style)
            }))
            .map_err(err)?;
        Ok(())
    })
}

/// One stacked bar, each part named and quantified in text beside it.
pub(super) fn stacked(
    name: &str,
    title: &str,
    desc: &str,
    parts: &[(&str, Money)],
    total: Money,
    currency: &str,
) -> DrawResult<Pair> {
    Ok((
        stacked_in(WIDE, name, title, desc, parts, total, currency)?,
        stacked_in(NARROW, name, title, desc, parts, total, currency)?,
    ))
}

fn stacked_in(
    f: Frame,
    name: &str,
    title: &str,
    desc: &str,
    parts: &[(&str, Money)],
    total: Money,
    currency: &str,
) -> DrawResult<String> {
    let total_f = total.euros_f64().max(0.01);
    canvas(
        f,
        name,
        title,
        desc,
        150 + 26 * parts.len() as u32,
        |root| {
            let (bar_area, legend) = root.split_vertically(86);
            let mut chart = ChartBuilder::on(&bar_area)
                .margin(12)
                .margin_left(30)
                .margin_right(40)
                .x_label_area_size(30)
                .build_cartesian_2d(0f64..total_f, 0f64..1f64)
                .map_err(err)?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .disable_y_axis()
                .light_line_style(TRANSPARENT)
                .bold_line_style(GRID)
                .axis_style(INK)
                .x_labels(if f.narrow { 3 } else { 5 })
                .x_label_formatter(&|v| short_amount(*v, currency))
                .label_style(text_style(f.text()))
                .draw()
                .map_err(err)?;
            let mut x = 0.0;
            for (i, (_, m)) in parts.iter().enumerate() {
                let w = m.euros_f64();
                if w > 0.0 {
                    let colour = SOURCE_COLOURS[i % SOURCE_COLOURS.len()];
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(x, 0.1), (x + w, 0.9)],
                            colour.filled(),
                        )))
                        .map_err(err)?;
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(x, 0.1), (x + w, 0.9)],
                            INK.stroke_width(1),
                        )))
                        .map_err(err)?;
                }
                x += w;
            }
            stacked_legend(&legend, f, parts, total, currency)
        },
    )
}

/// The legend of a stacked bar: every part named in text, with its amount and share.
fn stacked_legend(
    legend: &DrawingArea<SVGBackend, Shift>,
    f: Frame,
    parts: &[(&str, Money)],
    total: Money,
    currency: &str,
) -> DrawResult<()> {
    for (i, (label, m)) in parts.iter().enumerate() {
        let y = 14 + 26 * i as i32;
        let colour = SOURCE_COLOURS[i % SOURCE_COLOURS.len()];
        legend
            .draw(&Rectangle::new([(22, y - 8), (40, y + 8)], colour.filled()))
            .map_err(err)?;
        legend
            .draw(&Rectangle::new(
                [(22, y - 8), (40, y + 8)],
                INK.stroke_width(1),
            ))
            .map_err(err)?;
        let share = if total.cents() == 0 {
            0.0
        } else {
            m.cents() as f64 / total.cents() as f64
        };
        let style = text_style(f.text()).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Left,
            plotters::style::text_anchor::VPos::Center,
        ));
        legend
            .draw(&Text::new(
                format!("{label}: {} ({})", m.display(currency), percent(share)),
                (50, y),
                style,
            ))
            .map_err(err)?;
    }
    Ok(())
}

/// Lines with markers by year; `targets` drawn as labelled crosses.
pub(super) fn line(
    name: &str,
    title: &str,
    desc: &str,
    series: &[Series],
    targets: &[(i32, f64)],
    fmt: &(dyn Fn(f64) -> String + Sync),
) -> DrawResult<Pair> {
    Ok((
        line_in(WIDE, name, title, desc, series, targets, fmt)?,
        line_in(NARROW, name, title, desc, series, targets, fmt)?,
    ))
}

fn line_in(
    f: Frame,
    name: &str,
    title: &str,
    desc: &str,
    series: &[Series],
    targets: &[(i32, f64)],
    fmt: &(dyn Fn(f64) -> String + Sync),
) -> DrawResult<String> {
    let ((lo, hi), (vmin, vmax)) = line_ranges(series, targets);
    // room right of the plot for the lines' names
    let names_w = series
        .iter()
        .map(|s| f.text_width(&s.label))
        .max()
        .unwrap_or(0)
        .clamp(40, if f.narrow { 96 } else { 150 })
        + 16;
    let years = (hi - lo + 1) as usize;
    canvas(f, name, title, desc, 340, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .margin_right(names_w)
            .x_label_area_size(30)
            .y_label_area_size(if f.narrow { 64 } else { 80 })
            .build_cartesian_2d(lo..hi, vmin..vmax)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(if f.narrow { years.min(4) } else { years })
            .y_labels(5)
            .x_label_formatter(&|y| y.to_string())
            .y_label_formatter(&|v| fmt(*v))
            .label_style(text_style(f.text()))
            .draw()
            .map_err(err)?;
        for s in series {
            draw_line(&mut chart, s, f, names_w)?;
        }
        if !targets.is_empty() {
            chart
                .draw_series(
                    targets
                        .iter()
                        .map(|p| Cross::new(*p, 7, INK.stroke_width(3))),
                )
                .map_err(err)?;
            // above and left of its cross: the lines' names are right of the plot, so the
            // two never meet
            let style = text_style(f.text()).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Right,
                plotters::style::text_anchor::VPos::Bottom,
            ));
            chart
                .draw_series(targets.iter().map(|p| {
                    EmptyElement::at(*p)
                        + Text::new(format!("Target {}", fmt(p.1)), (-8, -10), style.clone())
                }))
                .map_err(err)?;
        }
        Ok(())
    })
}

/// The years and the values a line chart spans, targets included; values from zero (or
/// below it) to a round number above the highest.
fn line_ranges(series: &[Series], targets: &[(i32, f64)]) -> ((i32, i32), (f64, f64)) {
    let years = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .chain(targets.iter().map(|t| t.0));
    let (lo, hi) = years.fold((i32::MAX, i32::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let (lo, hi) = if lo > hi {
        (2020, 2021)
    } else {
        (lo, hi.max(lo + 1))
    };
    let values = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .chain(targets.iter().map(|t| t.1));
    let (vmin, vmax) = values.fold((0f64, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let vmax = nice_max(if vmax <= vmin { vmin + 1.0 } else { vmax * 1.1 });
    let vmin = if vmin < 0.0 {
        -nice_max(-vmin * 1.1)
    } else {
        0.0
    };
    ((lo, hi), (vmin, vmax))
}

type LineChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordi32, plotters::coord::types::RangedCoordf64>,
>;

/// One line with its markers and, at its end, its name.
fn draw_line(chart: &mut LineChart, s: &Series, f: Frame, names_w: u32) -> DrawResult<()> {
    let colour = s.colour;
    chart
        .draw_series(LineSeries::new(
            s.points.iter().copied(),
            colour.stroke_width(3),
        ))
        .map_err(err)?;
    match s.marker {
        Marker::Circle => chart
            .draw_series(s.points.iter().map(|p| Circle::new(*p, 5, colour.filled())))
            .map(drop),
        Marker::Triangle => chart
            .draw_series(
                s.points
                    .iter()
                    .map(|p| TriangleMarker::new(*p, 7, colour.filled())),
            )
            .map(drop),
    }
    .map_err(err)?;
    // direct label at the end of the line
    if let Some(last) = s.points.last() {
        let style = text_style(f.text()).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Left,
            plotters::style::text_anchor::VPos::Center,
        ));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at(*last) + Text::new(f.fit(&s.label, names_w - 16), (12, 0), style),
            ))
            .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_adds_accessible_name() {
        let svg = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/>\n</svg>";
        let out = finish("c", "T & t", "D", svg.into());
        assert!(out.starts_with(
            "<svg class=\"chart-svg\" role=\"img\" aria-labelledby=\"c-title c-desc\" width="
        ));
        assert!(out.contains(
            "<title id=\"c-title\">T &amp; t</title>\n<desc id=\"c-desc\">D</desc>\n<rect/>"
        ));
    }
}
