//! Leaf: how numbers are written for readers — the thousands separator and the decimal
//! mark ("1,234.5", "1 234,5", "1.234,5", "1'234.5") — as the site's `strings.toml` shows
//! them. One setting for the whole program run, set when the theme is loaded, before
//! anything is rendered; the open data, `summary.json` and the data files keep plain
//! numbers ("1234.5") whatever it is.

use std::sync::atomic::{AtomicU32, Ordering};

/// A way of writing numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberStyle {
    pub thousands: char,
    pub decimal: char,
}

/// The no-break space that groups thousands where a space does ("1 234"): a number never
/// breaks across lines.
pub const NO_BREAK_SPACE: char = '\u{a0}';

impl NumberStyle {
    /// "1,234.5", the built-in style.
    pub const ENGLISH: NumberStyle = NumberStyle {
        thousands: ',',
        decimal: '.',
    };

    /// The style an example shows: the example is 1234.5 written the site's way.
    pub fn from_example(example: &str) -> Option<NumberStyle> {
        let (thousands, decimal) = match example.trim() {
            "1,234.5" => (',', '.'),
            "1 234,5" | "1\u{a0}234,5" | "1\u{202f}234,5" => (NO_BREAK_SPACE, ','),
            "1 234.5" | "1\u{a0}234.5" => (NO_BREAK_SPACE, '.'),
            "1.234,5" => ('.', ','),
            "1'234.5" | "1’234.5" => ('\u{2019}', '.'),
            _ => return None,
        };
        Some(NumberStyle { thousands, decimal })
    }
}

/// The examples [`NumberStyle::from_example`] knows, for a message.
pub const EXAMPLES: &str = "\"1,234.5\", \"1 234,5\", \"1 234.5\", \"1.234,5\" or \"1'234.5\"";

static THOUSANDS: AtomicU32 = AtomicU32::new(',' as u32);
static DECIMAL: AtomicU32 = AtomicU32::new('.' as u32);

/// Sets the style every number is written in from now on.
pub fn set(style: NumberStyle) {
    THOUSANDS.store(style.thousands as u32, Ordering::Relaxed);
    DECIMAL.store(style.decimal as u32, Ordering::Relaxed);
}

/// The style numbers are written in.
pub fn style() -> NumberStyle {
    let char_of = |a: &AtomicU32, d: char| char::from_u32(a.load(Ordering::Relaxed)).unwrap_or(d);
    NumberStyle {
        thousands: char_of(&THOUSANDS, ','),
        decimal: char_of(&DECIMAL, '.'),
    }
}

/// `s`, a number written with a `.` as decimal mark, with the style's mark instead.
pub fn with_decimal_mark(s: String) -> String {
    let d = style().decimal;
    if d == '.' {
        s
    } else {
        s.replace('.', &d.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_name_their_style() {
        assert_eq!(
            NumberStyle::from_example("1,234.5"),
            Some(NumberStyle::ENGLISH)
        );
        let fi = NumberStyle::from_example("1 234,5").unwrap();
        assert_eq!((fi.thousands, fi.decimal), (NO_BREAK_SPACE, ','));
        assert_eq!(NumberStyle::from_example("1.234,5").unwrap().thousands, '.');
        assert!(NumberStyle::from_example("1234.5").is_none());
        // the built-in style until a theme sets another (no unit test sets one)
        assert_eq!(style(), NumberStyle::ENGLISH);
    }
}
