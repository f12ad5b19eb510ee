//! Every fault of one table, not only the first. serde stops at the first field it cannot
//! read; to find the others, the field at fault is taken out (or, when one is missing, a
//! stand-in of a type the struct accepts is put in) and the table read again, until it reads
//! or nothing more can be learnt. A field taken out after an error is not reported again as
//! missing: the error already said what is wrong with it.

use serde::de::DeserializeOwned;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// More attempts than any table here has fields; a bound, not a tuning knob.
const MAX_ATTEMPTS: usize = 64;

/// The place given to stand-ins: no written text has it, so an error there is a stand-in's.
const STAND_IN: Range<usize> = usize::MAX..usize::MAX;

/// The table as `T`, or every error found in it, in the order found. A fault inside a field's
/// own table (`[project.funding]`) takes that field out whole: its first fault is reported,
/// and the rest of the outer table is still checked.
pub fn deserialize_all<'de, T: DeserializeOwned>(
    span: Range<usize>,
    mut table: DeTable<'de>,
) -> Result<T, Vec<toml::de::Error>> {
    let mut errors: Vec<toml::de::Error> = Vec::new();
    // fields taken out because of an error of their own
    let mut taken_out: BTreeSet<String> = BTreeSet::new();
    for _ in 0..MAX_ATTEMPTS {
        let e = match read::<T>(&span, &table) {
            Ok(v) if errors.is_empty() => return Ok(v),
            Ok(_) => return Err(errors),
            Err(e) => e,
        };
        let at = e.span();
        // a stand-in's own fault, or the same fault again: nothing more to learn
        let seen = errors
            .iter()
            .any(|x| x.message() == e.message() && x.span() == at);
        if at == Some(STAND_IN) || seen {
            return Err(errors);
        }
        let message = e.message().to_string();
        if let Some(field) = quoted_after(&message, "missing field `") {
            let field = field.to_string();
            if !taken_out.contains(&field) {
                errors.push(e);
            }
            if stand_in::<T>(&span, &mut table, &field) {
                continue;
            }
        } else if let Some(field) = quoted_after(&message, "unknown field `") {
            let field = field.to_string();
            // a misspelt field is one mistake: its right name is not reported missing too
            let expected = message.split('`').skip(3).step_by(2);
            if let Some(right) = innopress_core::diagnostics::did_you_mean(&field, expected) {
                taken_out.insert(right.to_string());
            }
            errors.push(e);
            if table.remove(field.as_str()).is_some() {
                continue;
            }
        } else {
            errors.push(e);
        }
        // the fault is in a field's value, or in its own table: leave the field out
        match at.and_then(|at| containing_field(&table, &at)) {
            Some(f) => {
                table.remove(f.as_str());
                taken_out.insert(f);
            }
            None => return Err(errors),
        }
    }
    Err(errors)
}

/// The field whose key or value (at any depth) holds `at`; else the nearest written before
/// it, for a fault the parser places after a sub-table's header.
fn containing_field(table: &DeTable<'_>, at: &Range<usize>) -> Option<String> {
    let holding = table
        .iter()
        .find(|(k, v)| within(at, &k.span()) || holds(v, at));
    let before = || {
        table
            .iter()
            .filter(|(k, _)| k.span() != STAND_IN && k.span().start <= at.start)
            .max_by_key(|(k, _)| k.span().start)
    };
    holding
        .or_else(before)
        .map(|(k, _)| k.get_ref().to_string())
}

/// Whether `at` lies in the value or in anything inside it (the keys of a dotted table such
/// as `funding.eu = …` are spread over the outer table).
fn holds(v: &Spanned<DeValue<'_>>, at: &Range<usize>) -> bool {
    within(at, &v.span())
        || match v.get_ref() {
            DeValue::Table(t) => t.iter().any(|(k, v)| within(at, &k.span()) || holds(v, at)),
            DeValue::Array(a) => a.iter().any(|i| holds(i, at)),
            _ => false,
        }
}

fn read<'de, T: DeserializeOwned>(
    span: &Range<usize>,
    table: &DeTable<'de>,
) -> Result<T, toml::de::Error> {
    let value = Spanned::new(span.clone(), DeValue::Table(table.clone()));
    T::deserialize(ValueDeserializer::from(value))
}

/// Puts a value in for a missing `field` that lets the table be read past it: the first of
/// a text, a number, a whole number, a truth value, a date, a list and a table that `T`
/// accepts there. False when none does.
fn stand_in<'de, T: DeserializeOwned>(
    span: &Range<usize>,
    table: &mut DeTable<'de>,
    field: &str,
) -> bool {
    let at = STAND_IN;
    for candidate in candidates() {
        let key = Spanned::new(at.clone(), Cow::Owned(field.to_string()));
        table.insert(key, Spanned::new(at.clone(), candidate));
        match read::<T>(span, table) {
            Ok(_) => return true,
            Err(e) => {
                let about_it = e.span() == Some(STAND_IN)
                    || quoted_after(e.message(), "missing field `") == Some(field);
                if !about_it {
                    return true;
                }
            }
        }
        table.remove(field);
    }
    false
}

fn candidates() -> Vec<DeValue<'static>> {
    const SAMPLES: &str = "s = \"\"\nf = 0.0\ni = 0\nb = false\nd = 1970-01-01\na = []\nt = {}\n";
    match DeTable::parse(SAMPLES) {
        Ok(t) => t
            .into_inner()
            .into_iter()
            .map(|(_, v)| v.into_inner())
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn within(inner: &Range<usize>, outer: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end && outer.start < outer.end
}

/// The text between `prefix` and the next backtick.
fn quoted_after<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    message
        .trim()
        .strip_prefix(prefix)
        .and_then(|r| r.split('`').next())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Funding {
        eu: u32,
        #[serde(default)]
        city: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Project {
        title: String,
        start: toml::value::Datetime,
        #[serde(default)]
        funding: Option<Funding>,
        programme: String,
    }

    /// The messages of every fault of `text` read as one `Project`.
    fn faults(text: &str) -> Vec<String> {
        let root = DeTable::parse(text).unwrap();
        let span = root.span();
        match deserialize_all::<Project>(span, root.into_inner()) {
            Ok(_) => Vec::new(),
            Err(errs) => errs
                .iter()
                .map(|e| e.message().split(',').next().unwrap().trim().to_string())
                .collect(),
        }
    }

    #[test]
    fn every_missing_field_of_a_document() {
        // a whole document's span is 0..0, as a stand-in's must not be
        assert_eq!(
            faults("x = 1\n"),
            [
                "unknown field `x`",
                "missing field `title`",
                "missing field `start`",
                "missing field `programme`"
            ]
        );
    }

    #[test]
    fn a_fault_in_a_sub_table_does_not_hide_the_others() {
        let f = faults("title = 4\n[funding]\neu = 5\nbogus = 3\n");
        assert!(f.contains(&"unknown field `bogus`".to_string()), "{f:?}");
        assert!(f.contains(&"missing field `start`".to_string()), "{f:?}");
        assert!(
            f.contains(&"missing field `programme`".to_string()),
            "{f:?}"
        );
        assert!(
            f.iter().any(|m| m.starts_with("invalid type: integer `4`")),
            "{f:?}"
        );
        let f =
            faults("title = \"t\"\nstart = 2024-01-01\nprogramme = \"p\"\n[funding]\ncity = 1\n");
        assert_eq!(f, ["missing field `eu`"]);
    }

    #[test]
    fn dotted_keys_spread_over_the_table() {
        let f = faults(
            "funding.eu = 5\ntitle = 4\nfunding.city = -3\nstart = 2024-01-01\nprogramme = \"p\"\n",
        );
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f.iter().any(|m| m.contains("integer `4`")), "{f:?}");
        assert!(f.iter().any(|m| m.contains("-3")), "{f:?}");
    }
}
