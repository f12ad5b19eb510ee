//! Calendar dates as content writes them (`2025-04-10`): validated, ordered, formatted.
//! Dates come from content only; nothing here reads the clock.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let ok = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        ok.then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD` exactly.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &s[r];
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        Date::new(num(0..4)? as i32, num(5..7)? as u8, num(8..10)? as u8)
    }

    /// "20 March 2025": unambiguous for international readers.
    pub fn long(&self) -> String {
        format!(
            "{} {} {}",
            self.day,
            MONTHS[usize::from(self.month - 1)],
            self.year
        )
    }

    /// Days since 1970-01-01 (civil-from-days inverse, valid for the proleptic Gregorian
    /// calendar).
    pub fn days_since_epoch(&self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (days-from-civil, Howard Hinnant's algorithm).
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(i32::try_from(year).ok()?, month as u8, day as u8)
    }

    /// Today in UTC, for records of when something was sent or frozen (never for output).
    pub fn today() -> Date {
        let today = jiff::tz::Offset::UTC
            .to_datetime(jiff::Timestamp::now())
            .date();
        Date::new(
            today.year().into(),
            today.month().unsigned_abs(),
            today.day().unsigned_abs(),
        )
        .unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        })
    }

    /// RFC 3339 midnight UTC, for Atom feeds.
    pub fn rfc3339(&self) -> String {
        format!("{self}T00:00:00Z")
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    /// Accepts a TOML date (`2025-04-10`, unquoted); refuses a date with a time.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // a quoted date fails here with serde's "invalid type"; the loader adds the hint
        let dt = toml::value::Datetime::deserialize(d)?;
        match (dt.date, dt.time, dt.offset) {
            (Some(date), None, None) => Date::new(i32::from(date.year), date.month, date.day)
                .ok_or_else(|| de::Error::custom(format!("{date} is not a date in the calendar"))),
            _ => Err(de::Error::custom(format!(
                "expected a date like 2025-04-10, found `{dt}` with a time; remove the time"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_calendar() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2025, 2, 29).is_none());
        assert!(Date::new(2025, 4, 31).is_none());
        assert!(Date::new(2025, 13, 1).is_none());
        assert_eq!(Date::parse("2025-04-10"), Date::new(2025, 4, 10));
        assert_eq!(Date::parse("2025-4-10"), None);
        assert_eq!(Date::parse("+025-04-10"), None);
    }

    #[test]
    fn days_round_trip() {
        for d in [
            "1970-01-01",
            "2000-02-29",
            "2024-12-31",
            "2025-04-10",
            "2100-03-01",
        ] {
            let date = Date::parse(d).unwrap();
            assert_eq!(
                Date::from_days_since_epoch(date.days_since_epoch()),
                Some(date)
            );
        }
    }

    #[test]
    fn epoch_days() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(Date::new(2000, 3, 1).unwrap().days_since_epoch(), 11_017);
        assert_eq!(Date::new(2025, 4, 10).unwrap().days_since_epoch(), 20_188);
    }

    #[test]
    fn formats() {
        let d = Date::new(2025, 3, 2).unwrap();
        assert_eq!(d.to_string(), "2025-03-02");
        assert_eq!(d.long(), "2 March 2025");
        assert_eq!(d.rfc3339(), "2025-03-02T00:00:00Z");
    }
}
