//! Reading the TOML data files. Each file holds one kind of array of tables (`[[project]]`);
//! every table is deserialised on its own, so one bad project does not hide the problems of
//! the next, and every serde error keeps its span into the file.

use crate::diagnostics::{Diagnostics, SourceFile, did_you_mean};
use serde::de::DeserializeOwned;
use std::ops::Range;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// Deserialises the `[[key]]` tables of `src`, reporting syntax errors, unknown top-level
/// keys and per-table field errors. Returns the good items with the span of their table.
/// The `id` of each table that failed is pushed to `failed_ids`, so later checks do not
/// report every reference to it as unknown too.
pub fn load_array<T: DeserializeOwned>(
    src: &SourceFile,
    key: &str,
    diags: &mut Diagnostics,
    failed_ids: &mut Vec<String>,
) -> Vec<(T, Range<usize>)> {
    let text: &str = &src.text;
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for e in errors {
            syntax_error(src, &e, 0, diags);
        }
        return Vec::new();
    }
    let mut items = Vec::new();
    for (k, v) in root.into_inner() {
        let name = k.get_ref().as_ref();
        if name != key {
            let hint = match did_you_mean(name, [key]) {
                Some(_) => format!("did you mean `[[{key}]]`?"),
                None => format!("this file holds only `[[{key}]]` tables"),
            };
            diags.error(
                src,
                k.span(),
                format!("unknown table or key `{name}`"),
                Some(hint),
            );
            continue;
        }
        let span = v.span();
        match v.into_inner() {
            DeValue::Array(array) => {
                for item in array {
                    let item_span = item.span();
                    let id = match item.get_ref() {
                        DeValue::Table(t) => t.get("id").and_then(|v| match v.get_ref() {
                            DeValue::String(s) => Some(s.to_string()),
                            _ => None,
                        }),
                        _ => None,
                    };
                    if !matches!(item.get_ref(), DeValue::Table(_)) {
                        diags.error(
                            src,
                            item_span,
                            format!("expected a `[[{key}]]` table"),
                            Some(format!("write each {key} as a `[[{key}]]` table")),
                        );
                        continue;
                    }
                    match T::deserialize(ValueDeserializer::from(item)) {
                        Ok(value) => items.push((value, item_span)),
                        Err(e) => {
                            failed_ids.extend(id);
                            field_error(src, &e, 0, item_span.start..item_span.start, diags)
                        }
                    }
                }
            }
            _ => diags.error(
                src,
                span,
                format!("`{key}` must be a list of tables"),
                Some(format!(
                    "write `[[{key}]]` (double brackets) above each {key}'s fields"
                )),
            ),
        }
    }
    items
}

/// Deserialises a whole document (site.toml, front matter) as one table.
pub fn load_one<T: DeserializeOwned>(
    src: &SourceFile,
    range: Range<usize>,
    diags: &mut Diagnostics,
) -> Option<T> {
    let text = &src.text[range.clone()];
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for e in errors {
            syntax_error(src, &e, range.start, diags);
        }
        return None;
    }
    let span = root.span();
    let value = toml::Spanned::new(span.clone(), DeValue::Table(root.into_inner()));
    match T::deserialize(ValueDeserializer::from(value)) {
        Ok(v) => Some(v),
        Err(e) => {
            field_error(src, &e, range.start, range.start..range.start, diags);
            None
        }
    }
}

/// Reports an error of `toml::from_str` on a whole file (a settings file such as an import
/// mapping), with a hint for field errors and for syntax errors alike.
pub fn whole_file_error(src: &SourceFile, e: &toml::de::Error, diags: &mut Diagnostics) {
    let message = first_line(e.message());
    if hint_for(&message).is_some() || message.starts_with("missing field") {
        field_error(src, e, 0, 0..0, diags);
    } else {
        syntax_error(src, e, 0, diags);
    }
}

/// `offset` is where the parsed text starts in the file (non-zero for front matter).
fn syntax_error(src: &SourceFile, e: &toml::de::Error, offset: usize, diags: &mut Diagnostics) {
    let span = shift(e.span().unwrap_or(0..0), offset);
    let message = first_line(e.message());
    let hint = if message.contains("date") || message.contains("time") {
        "write dates as 2025-04-10 (year-month-day, with leading zeros)"
    } else if message.contains("string") || message.contains("quote") {
        "text values need double quotes: key = \"value\""
    } else {
        "see https://toml.io for the syntax; a value is written `key = value`, text in double quotes"
    };
    diags.error(
        src,
        span,
        format!("TOML syntax: {message}"),
        Some(hint.to_string()),
    );
}

/// `fallback` (absolute) locates errors serde gives no span, such as a missing field.
fn field_error(
    src: &SourceFile,
    e: &toml::de::Error,
    offset: usize,
    fallback: Range<usize>,
    diags: &mut Diagnostics,
) {
    let message = first_line(e.message());
    let span = e.span().map_or(fallback, |s| shift(s, offset));
    let hint = hint_for(&message);
    diags.error(src, span, message, hint);
}

fn shift(span: Range<usize>, offset: usize) -> Range<usize> {
    span.start + offset..span.end + offset
}

fn first_line(s: &str) -> String {
    s.trim().lines().next().unwrap_or("").to_string()
}

/// Turns serde's messages into advice a writer can act on.
fn hint_for(message: &str) -> Option<String> {
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if message.starts_with("unknown field") {
        let wrong = quoted.first().copied().unwrap_or("");
        let allowed = &quoted.get(1..).unwrap_or(&[]);
        return Some(match did_you_mean(wrong, allowed.iter().copied()) {
            Some(right) => format!("did you mean `{right}`? Field names are case-sensitive"),
            None if allowed.is_empty() => "remove this field".to_string(),
            None => format!("remove it, or use one of: {}", allowed.join(", ")),
        });
    }
    if message.starts_with("unknown variant") {
        let allowed = &quoted.get(1..).unwrap_or(&[]);
        return Some(format!("use one of: {}", allowed.join(", ")));
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        return Some(format!("add `{field} = …` to this table"));
    }
    if message.starts_with("invalid type") {
        let expected = message.rsplit("expected ").next().unwrap_or("");
        let how = match expected {
            e if e.starts_with('u') || e.starts_with('i') => {
                "a whole number without quotes, e.g. 250000".to_string()
            }
            e if e.starts_with('f') => "a number without quotes, e.g. 12.5".to_string(),
            "a string" => "text in double quotes, e.g. \"Tampere\"".to_string(),
            "a boolean" => "true or false, without quotes".to_string(),
            "a sequence" => "a list in brackets, e.g. [\"a\", \"b\"]".to_string(),
            e if e.contains("datetime") => "an unquoted date, e.g. 2025-04-10".to_string(),
            other => other.to_string(),
        };
        return Some(format!("write this value as {how}"));
    }
    if message.starts_with("money") {
        return Some(
            "amounts are euros, at most two decimals and not negative, e.g. 125000.50".into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::sync::Arc;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Item {
        #[allow(dead_code)]
        id: String,
        #[allow(dead_code)]
        #[serde(default)]
        n: i64,
    }

    fn src(text: &str) -> SourceFile {
        SourceFile {
            path: "t.toml".into(),
            text: Arc::from(text),
        }
    }

    #[test]
    fn every_bad_table_is_reported() {
        let s = src("[[item]]\nid = \"a\"\nnn = 1\n\n[[item]]\nid = 2\n\n[[item]]\nid = \"c\"\n");
        let mut d = Diagnostics::default();
        let mut failed = Vec::new();
        let items: Vec<(Item, _)> = load_array(&s, "item", &mut d, &mut failed);
        assert_eq!(items.len(), 1);
        assert_eq!(failed, ["a"]);
        assert_eq!(d.items.len(), 2, "{}", d.render());
        assert_eq!((d.items[0].line, d.items[0].column), (3, 1));
        assert!(d.items[0].message.contains("unknown field `nn`"));
        assert_eq!(
            d.items[0].hint.as_deref(),
            Some("did you mean `n`? Field names are case-sensitive")
        );
        assert_eq!(d.items[1].line, 6);
    }

    #[test]
    fn syntax_and_top_level_errors() {
        let s = src("[[itme]]\nid = \"a\"\n");
        let mut d = Diagnostics::default();
        let items: Vec<(Item, _)> = load_array(&s, "item", &mut d, &mut Vec::new());
        assert!(items.is_empty());
        assert_eq!(d.items[0].hint.as_deref(), Some("did you mean `[[item]]`?"));

        let s = src("[[item]]\nid = \"a\n");
        let mut d = Diagnostics::default();
        let _: Vec<(Item, _)> = load_array(&s, "item", &mut d, &mut Vec::new());
        assert_eq!(d.items[0].line, 2);
        assert!(d.items[0].message.starts_with("TOML syntax"));
    }
}
