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

/// The table as `T`, or every error found in it, in the order found.
pub fn deserialize_all<'de, T: DeserializeOwned>(
    span: Range<usize>,
    mut table: DeTable<'de>,
) -> Result<T, Vec<toml::de::Error>> {
    let mut errors = Vec::new();
    // fields taken out because of an error of their own
    let mut taken_out: BTreeSet<String> = BTreeSet::new();
    for _ in 0..MAX_ATTEMPTS {
        let e = match read::<T>(&span, &table) {
            Ok(v) if errors.is_empty() => return Ok(v),
            Ok(_) => return Err(errors),
            Err(e) => e,
        };
        let message = e.message().to_string();
        if let Some(field) = quoted_after(&message, "missing field `") {
            let field = field.to_string();
            if !taken_out.contains(&field) {
                errors.push(e);
            }
            if !stand_in::<T>(&span, &mut table, &field) {
                return Err(errors);
            }
            continue;
        }
        if let Some(field) = quoted_after(&message, "unknown field `") {
            let field = field.to_string();
            // a misspelt field is one mistake: its right name is not reported missing too
            let expected = message.split('`').skip(3).step_by(2);
            if let Some(right) = crate::diagnostics::did_you_mean(&field, expected) {
                taken_out.insert(right.to_string());
            }
            errors.push(e);
            if table.remove(field.as_str()).is_none() {
                return Err(errors);
            }
            continue;
        }
        // an error in a value: the field whose key or value holds the error's place, or
        // else the nearest before it (a `[project.funding]` table's span is its header,
        // the error in a line below it)
        let at = e.span();
        errors.push(e);
        let field = at.and_then(|at| {
            let holding = table
                .iter()
                .find(|(k, v)| within(&at, &k.span()) || within(&at, &v.span()));
            let before = || {
                table
                    .iter()
                    .filter(|(k, _)| k.span().start <= at.start && k.span() != (span.end..span.end))
                    .max_by_key(|(k, v)| k.span().start.max(v.span().start))
            };
            holding
                .or_else(before)
                .map(|(k, _)| k.get_ref().to_string())
        });
        match field {
            Some(f) => {
                table.remove(f.as_str());
                taken_out.insert(f);
            }
            _ => return Err(errors),
        }
    }
    Err(errors)
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
    // an empty span that no written field has: errors at it are the stand-in's
    let at = span.end..span.end;
    for candidate in candidates() {
        let key = Spanned::new(at.clone(), Cow::Owned(field.to_string()));
        table.insert(key, Spanned::new(at.clone(), candidate));
        match read::<T>(span, table) {
            Ok(_) => return true,
            Err(e) => {
                let about_it = e.span() == Some(at.clone())
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
