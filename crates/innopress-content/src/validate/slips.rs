//! The slipped digit: a figure that is 3× or more off both the city's previous year and
//! the median of its years, such as 9,530,000 where the earlier years were 75–93 million,
//! or 650 where they were 49–77. `check` and `import observations` ask here, so one rule
//! gives one warning, in the same words, in both.
//!
//! Both comparisons must agree so that a real change of level (a city that doubles and then
//! stays there) is not flagged year after year, and the year after a slip is not blamed for
//! it. A city's first year has no previous one: the next year stands in for it. A city's own target near the figure, or a comment beside it, says the change is
//! known: no warning.

/// How far off (either way) a figure must be to be a likely slip.
pub const FACTOR: f64 = 3.0;

/// A likely slip, with what it was compared with.
#[derive(Debug, Clone, PartialEq)]
pub struct Slip {
    pub value: f64,
    pub year: i32,
    /// The year compared with: the city's latest earlier year, or for its first year the
    /// next one: (year, value).
    pub neighbour: (i32, f64),
    /// The median of all the city's years of the indicator, this one included.
    pub median: f64,
    /// How many years the city has of the indicator (with two, the median says nothing).
    pub years: usize,
}

/// One figure of a city's series, as the rule reads it.
#[derive(Debug, Clone, Copy)]
pub struct Point {
    pub year: i32,
    pub value: f64,
    pub target: Option<f64>,
    /// Whether the city wrote a comment beside it.
    pub commented: bool,
}

/// Whether the figure of `year` in `series` (one city, one indicator, every year it has,
/// this one included) is a likely slip. With two years only the later one is judged (which
/// of two is wrong cannot be told, and the later is the new one); a figure of 0 or below is
/// never judged (ratios mean nothing there).
pub fn slip(series: &[Point], year: i32) -> Option<Slip> {
    let this = series.iter().find(|p| p.year == year)?;
    let value = this.value;
    if this.commented || !(value.is_finite() && value > 0.0) {
        return None;
    }
    if this.target.is_some_and(|t| t > 0.0 && !far(value, t)) {
        return None;
    }
    let mut values: Vec<f64> = series
        .iter()
        .map(|p| p.value)
        .filter(|v| v.is_finite())
        .collect();
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n < 2 {
        return None;
    }
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    let finite = || series.iter().filter(|p| p.value.is_finite());
    let previous = finite().filter(|p| p.year < year).max_by_key(|p| p.year);
    let neighbour = match previous {
        Some(p) => p,
        None if n == 2 => return None,
        None => finite().filter(|p| p.year > year).min_by_key(|p| p.year)?,
    };
    // two years alone have a median halfway between them: the neighbour decides
    let slipped = far(value, neighbour.value) && (n == 2 || far(value, median));
    slipped.then_some(Slip {
        value,
        year,
        neighbour: (neighbour.year, neighbour.value),
        median,
        years: n,
    })
}

/// 3× or more apart, either way; a reference of 0 or below says nothing.
fn far(value: f64, reference: f64) -> bool {
    reference > 0.0 && {
        let r = value / reference;
        !(1.0 / FACTOR < r && r < FACTOR)
    }
}

impl Slip {
    /// "9,530,000 in 2025; 93,200,000 in 2024 (the median of its years is 81,700,000) — a
    /// missing digit?": both values and years in words, and the likely cause.
    pub fn words(&self) -> String {
        // small figures with their significant digits, not rounded to 0
        let n = |v: f64| {
            if v != 0.0 && v.abs() < 1.0 {
                format!("{}", (v * 1e4).round() / 1e4)
                    .trim_end_matches('0')
                    .to_string()
            } else {
                innopress_core::text::number(v)
            }
        };
        let (year, other) = self.neighbour;
        let mut s = format!("{} in {}; {} in {year}", n(self.value), self.year, n(other));
        if self.years > 2 && (self.median - other).abs() > f64::EPSILON * other.abs() {
            s.push_str(&format!(" (the median of its years is {})", n(self.median)));
        }
        s.push_str(" — ");
        s.push_str(cause(self.value / other));
        s
    }

    /// The whole warning, the same in `check` and the import: "`startups` of `tampere`:
    /// 60 in 2025; 6 in 2024 — an extra digit?".
    pub fn message(&self, indicator: &str, city: &str) -> String {
        format!("`{indicator}` of `{city}`: {}", self.words())
    }
}

/// What a ratio most likely means: a power of ten is a digit too few or too many.
fn cause(ratio: f64) -> &'static str {
    let tens = ratio.log10();
    let near_power = (tens - tens.round()).abs() < 0.2;
    match (near_power, ratio < 1.0) {
        (true, true) if tens.round() == -1.0 => "a missing digit?",
        (true, true) => "missing digits?",
        (true, false) if tens.round() == 1.0 => "an extra digit?",
        (true, false) => "extra digits?",
        _ => "a typo, or another unit?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(values: &[(i32, f64)]) -> Vec<Point> {
        values
            .iter()
            .map(|&(year, value)| Point {
                year,
                value,
                target: None,
                commented: false,
            })
            .collect()
    }

    #[test]
    fn the_issues_two_slips_are_caught_in_words() {
        let s = series(&[
            (2021, 75_400_000.0),
            (2022, 81_700_000.0),
            (2023, 88_000_000.0),
            (2024, 93_200_000.0),
            (2025, 9_530_000.0),
        ]);
        let found = slip(&s, 2025).unwrap();
        assert_eq!(
            found.words(),
            "9,530,000 in 2025; 93,200,000 in 2024 (the median of its years is 81,700,000) — a missing digit?"
        );
        let s = series(&[(2022, 49.0), (2023, 77.0), (2024, 61.0), (2025, 650.0)]);
        assert!(slip(&s, 2025).unwrap().words().contains("an extra digit?"));
    }

    #[test]
    fn the_year_after_a_slip_and_a_new_level_are_not_flagged() {
        let s = series(&[(2021, 80.0), (2022, 8.0), (2023, 85.0), (2024, 90.0)]);
        assert!(slip(&s, 2022).is_some());
        assert!(slip(&s, 2023).is_none(), "85 is near the median");
        let s = series(&[
            (2020, 10.0),
            (2021, 11.0),
            (2022, 12.0),
            (2023, 50.0),
            (2024, 52.0),
            (2025, 55.0),
        ]);
        assert!((2020..=2025).all(|y| slip(&s, y).is_none()));
    }

    #[test]
    fn a_first_year_is_judged_by_the_next_and_a_target_or_comment_silences() {
        let s = series(&[(2020, 9.0), (2021, 90.0)]);
        assert!(slip(&s, 2020).is_none());
        assert!(slip(&s, 2021).is_some());
        let s = series(&[(2020, 9.0), (2021, 90.0), (2022, 95.0)]);
        assert_eq!(
            slip(&s, 2020).unwrap().words(),
            "9 in 2020; 90 in 2021 — a missing digit?"
        );
        let mut s = series(&[(2023, 90.0), (2024, 93.0), (2025, 9.0)]);
        s[2].target = Some(10.0);
        assert!(slip(&s, 2025).is_none());
        s[2].target = Some(95.0);
        assert!(slip(&s, 2025).is_some());
        // a target of 0 ("net zero") says nothing about a slip
        s[2].target = Some(0.0);
        assert!(slip(&s, 2025).is_some());
        s[2].target = Some(95.0);
        s[2].commented = true;
        assert!(slip(&s, 2025).is_none());
    }

    #[test]
    fn two_years_name_no_median_and_small_figures_keep_their_digits() {
        let two = slip(&series(&[(2020, 9.0), (2021, 90.0)]), 2021).unwrap();
        assert_eq!(two.words(), "90 in 2021; 9 in 2020 — an extra digit?");
        let small = slip(&series(&[(2023, 0.05), (2024, 0.05), (2025, 0.004)]), 2025).unwrap();
        assert!(
            small.words().starts_with("0.004 in 2025; 0.05 in 2024"),
            "{}",
            small.words()
        );
    }

    #[test]
    fn zero_and_odd_values_never_panic_or_warn() {
        let s = series(&[(2023, 0.0), (2024, 0.0), (2025, 5.0), (2026, f64::NAN)]);
        for y in 2023..=2026 {
            let _ = slip(&s, y);
        }
        assert!(slip(&series(&[(2024, 90.0), (2025, 0.0)]), 2025).is_none());
        assert!(slip(&series(&[(2025, 7.0)]), 2025).is_none());
    }
}
