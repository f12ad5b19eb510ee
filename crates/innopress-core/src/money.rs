//! Exact money: euros held as integer cents, parsed without floating-point rounding and
//! formatted the way the site prints figures ("EUR 399,651", "EUR 9.6 million").

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign};

/// An amount of euros in cents. Amounts in content are never negative; sums use checked
/// arithmetic at the edges through `i64`, whose range (±92 trillion euros) no budget nears.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn cents(self) -> i64 {
        self.0
    }

    pub fn from_euros(euros: i64) -> Money {
        Money(euros * 100)
    }

    /// Parses a decimal like `125000.5`, `1_000` or `0.10` exactly. Refuses signs, exponents
    /// and more than two decimals, saying which.
    pub fn parse_decimal(text: &str) -> Result<Money, MoneyError> {
        let t: String = text.chars().filter(|c| *c != '_').collect();
        if t.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        let t = t.strip_prefix('+').unwrap_or(&t);
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::NotANumber);
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::NotANumber);
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }
        let whole: i64 = whole.parse().map_err(|_| MoneyError::TooLarge)?;
        let mut cents: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().unwrap_or(0)
        };
        if frac.len() == 1 {
            cents *= 10;
        }
        whole
            .checked_mul(100)
            .and_then(|c| c.checked_add(cents))
            .filter(|c| *c <= MAX_CENTS)
            .map(Money)
            .ok_or(MoneyError::TooLarge)
    }

    /// Euros with two decimals and no grouping, as data files want them: "399651.00".
    pub fn plain(self) -> String {
        let c = self.0;
        format!(
            "{}{}.{:02}",
            if c < 0 { "-" } else { "" },
            c.unsigned_abs() / 100,
            c.unsigned_abs() % 100
        )
    }

    /// Euros as a float, for JSON output only (exact for any realistic amount, since cents
    /// below 2^53 are represented exactly and printed with at most two decimals).
    pub fn euros_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// The one rule for amounts in text: "EUR 9.6 million" from a million up, "EUR 399,651"
    /// (whole euros, rounded half away from zero) below; `currency` is the code written
    /// before the amount. Tables and open data give the exact amount ([`Money::grouped`]).
    pub fn display(self, currency: &str) -> String {
        if self.0.abs() >= 100_000_000 {
            format!("{currency} {} million", self.millions())
        } else if self.0 != 0 && self.0.abs() < 50 {
            // rounded to whole euros it would read "EUR 0": a few cents are shown as they are
            format!("{currency} {}", self.grouped())
        } else {
            format!("{currency} {}", self.whole_euros())
        }
    }

    /// Whole euros with thousands separators, rounded half away from zero: "475,001".
    pub fn whole_euros(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let euros = (self.0.unsigned_abs() + 50) / 100;
        format!("{sign}{}", group_thousands(euros))
    }

    /// Full amount with thousands separators: "1,234,567" or "125,000.50".
    pub fn grouped(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = group_thousands(abs / 100);
        let cents = abs % 100;
        if cents == 0 {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}{}{cents:02}", crate::numbers::style().decimal)
        }
    }

    /// Millions with one decimal, rounded half away from zero in integer arithmetic.
    fn millions(self) -> String {
        let abs = self.0.unsigned_abs();
        // tenths of a million = cents / 10_000_000, rounded
        let tenths = (abs + 5_000_000) / 10_000_000;
        let sign = if self.0 < 0 { "-" } else { "" };
        format!(
            "{sign}{}{}{}",
            group_thousands(tenths / 10),
            crate::numbers::style().decimal,
            tenths % 10
        )
    }
}

/// Compact amounts for axes, where values are already floats: "EUR 1.2 M", "EUR 350 k".
pub fn short_amount(euros: f64, currency: &str) -> String {
    let a = euros.abs();
    let sign = if euros < 0.0 { "-" } else { "" };
    if a >= 1_000_000.0 {
        let m = a / 1_000_000.0;
        if m >= 100.0 {
            format!("{currency} {sign}{} M", group_thousands(m.round() as u64))
        } else {
            crate::numbers::with_decimal_mark(format!("{currency} {sign}{m:.1} M"))
        }
    } else if a >= 1_000.0 {
        format!("{currency} {sign}{} k", (a / 1_000.0).round() as u64)
    } else {
        format!("{currency} {sign}{}", a.round() as u64)
    }
}

/// Largest accepted amount: 10^13 euros in cents, far beyond any budget, exact as a TOML
/// float and well inside i64; sums saturate rather than overflow, so no input can panic.
const MAX_CENTS: i64 = 1_000_000_000_000_000;

/// "1234567" → "1,234,567" (in the site's number style: "1 234 567").
pub fn group_thousands(n: u64) -> String {
    let sep = crate::numbers::style().thousands;
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("money cannot be negative")]
    Negative,
    #[error("money has more than two decimals")]
    TooManyDecimals,
    #[error("not a number")]
    NotANumber,
    #[error("amount is too large")]
    TooLarge,
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 = self.0.saturating_add(rhs.0);
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

/// Serialised as euros: a JSON number with at most two decimals.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.euros_f64())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MoneyVisitor)
    }
}

struct MoneyVisitor;

impl Visitor<'_> for MoneyVisitor {
    type Value = Money;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount in euros, like 125000 or 125000.50")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
        if v < 0 {
            return Err(E::custom(format!(
                "money cannot be negative ({v}); write the amount as a positive number"
            )));
        }
        Money::parse_decimal(&v.to_string()).map_err(|e| E::custom(format!("{e}: {v}")))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
        Money::parse_decimal(&v.to_string()).map_err(|e| E::custom(format!("{e}: {v}")))
    }

    /// TOML floats arrive as f64. Rust prints an f64 as the shortest decimal that reads back
    /// to the same value, which for any literal of up to 15 significant digits is the literal
    /// itself (less trailing zeros): parsing that text is exact, and a third decimal shows.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Money, E> {
        if !v.is_finite() {
            return Err(E::custom("money must be a finite number"));
        }
        if v < 0.0 {
            return Err(E::custom(format!(
                "money cannot be negative ({v}); write the amount as a positive number"
            )));
        }
        let text = format!("{v}");
        Money::parse_decimal(&text).map_err(|e| match e {
            MoneyError::TooManyDecimals => E::custom(format!(
                "money has more than two decimals ({text}); round it to whole cents"
            )),
            other => E::custom(format!("{other}: {text}")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(Money::parse_decimal("0.10"), Ok(Money(10)));
        assert_eq!(Money::parse_decimal("0.1"), Ok(Money(10)));
        assert_eq!(Money::parse_decimal("1_000.05"), Ok(Money(100_005)));
        assert_eq!(
            Money::parse_decimal("0.125"),
            Err(MoneyError::TooManyDecimals)
        );
        assert_eq!(Money::parse_decimal("-1"), Err(MoneyError::Negative));
        assert_eq!(Money::parse_decimal("1e5"), Err(MoneyError::NotANumber));
        assert_eq!(
            Money::parse_decimal("99999999999999999999"),
            Err(MoneyError::TooLarge)
        );
    }

    #[test]
    fn sums_exactly() {
        let a: Money = toml::from_str::<toml::Table>("a = 0.10")
            .ok()
            .and_then(|t| t.get("a").cloned())
            .and_then(|v| v.try_into().ok())
            .unwrap();
        let b = Money::parse_decimal("0.20").unwrap();
        assert_eq!(a + b, Money(30));
        assert_eq!(serde_json::to_string(&(a + b)).unwrap(), "0.3");
    }

    #[test]
    fn formats() {
        assert_eq!(Money::from_euros(399_651).display("EUR"), "EUR 399,651");
        assert_eq!(
            Money::from_euros(9_630_000).display("EUR"),
            "EUR 9.6 million"
        );
        assert_eq!(
            Money::from_euros(1_000_000).display("EUR"),
            "EUR 1.0 million"
        );
        assert_eq!(
            Money::from_euros(79_049_999).display("EUR"),
            "EUR 79.0 million"
        );
        // text rounds to whole euros, half away from zero; tables keep the cents
        assert_eq!(Money(12_500_050).display("EUR"), "EUR 125,001");
        assert_eq!(Money(12_500_049).display("EUR"), "EUR 125,000");
        assert_eq!(Money(-150).display("EUR"), "EUR -2");
        assert_eq!(Money(30).display("EUR"), "EUR 0.30");
        assert_eq!(Money(0).display("EUR"), "EUR 0");
        assert_eq!(Money(12_500_050).grouped(), "125,000.50");
        assert_eq!(
            Money::from_euros(1_234_567_000).display("EUR"),
            "EUR 1,234.6 million"
        );
        assert_eq!(group_thousands(999), "999");
        assert_eq!(short_amount(1_234_567.0, "EUR"), "EUR 1.2 M");
        assert_eq!(short_amount(350_400.0, "EUR"), "EUR 350 k");
        assert_eq!(short_amount(140_000_000.0, "EUR"), "EUR 140 M");
        assert_eq!(short_amount(0.0, "EUR"), "EUR 0");
        assert_eq!(group_thousands(1000), "1,000");
    }
}
