//! The value axis of a chart: where it ends, fitted to the data and to the labels beside the
//! bars, so that the largest bar fills most of the width.

use super::frame::Frame;
use innopress_core::money::short_amount;
use innopress_core::text::number;

/// How an indicator's values are written on axes, in legends and in words: amounts short
/// ("EUR 1.2 million"), percentages with their sign, other units as plain numbers.
pub(super) fn value_formatter(unit: &str) -> Box<dyn Fn(f64) -> String + Sync> {
    match unit {
        "EUR" => Box::new(|v| short_amount(v, "EUR")),
        "percent" | "%" => Box::new(|v| format!("{} %", number(v))),
        _ => Box::new(number),
    }
}

/// The end of a bar chart's value axis, fitted to the data, and which bars carry their
/// value label inside: a label goes inside a bar that holds it, beside the others, and the
/// axis grows only as far as the labels beside their bars need (so a largest bar of 19.2
/// million gets an axis to 20 million, not 40).
/// `bars` are (value, its label) in the order drawn.
pub(super) fn bar_axis(f: Frame, bars: &[(f64, &str)], plot_w: f64) -> (f64, Vec<bool>) {
    let max = bars.iter().map(|b| b.0).fold(0.0, f64::max);
    let widths: Vec<f64> = bars.iter().map(|b| f64::from(f.text_width(b.1))).collect();
    let mut x_max = nice_max(max);
    let mut inside = vec![false; bars.len()];
    // a longer axis shortens the bars, which may move a label outside: a few rounds settle it
    for _ in 0..6 {
        let px = |v: f64| v / x_max * plot_w;
        for (k, b) in bars.iter().enumerate() {
            inside[k] = px(b.0) >= widths[k] + 12.0;
        }
        let need = bars
            .iter()
            .zip(&widths)
            .zip(&inside)
            .filter(|(_, inside)| !**inside)
            .map(|((b, w), _)| b.0 * plot_w / (plot_w - w - 8.0).max(plot_w * 0.3))
            .fold(max, f64::max);
        if need <= x_max {
            break;
        }
        x_max = nice_max(need);
    }
    (x_max, inside)
}

pub(super) fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    for step in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if step * mag >= max {
            return step * mag;
        }
    }
    10.0 * mag
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::NARROW;

    #[test]
    fn a_bar_axis_fits_its_largest_bar() {
        let bar = |value: f64, label: &'static str| (value, label);
        let bars = [
            bar(19.2e6, "EUR 19.2 million"),
            bar(13.8e6, "EUR 13.8 million"),
            bar(0.3e6, "EUR 0.3 million"),
        ];
        let (x_max, inside) = bar_axis(NARROW, &bars, 218.0);
        assert_eq!(x_max, 20e6, "not 40 million");
        assert_eq!(inside, [true, true, false]);
        // a short bar's label beside it still fits before the axis ends
        let (x_max, inside) = bar_axis(NARROW, &[bar(10.0, "EUR 10"), bar(9.0, "EUR 9")], 218.0);
        assert_eq!(x_max, 10.0);
        assert_eq!(inside, [true, true]);
    }

    #[test]
    fn nice_maxima() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 8.0);
        assert_eq!(nice_max(130.0), 150.0);
    }
}
