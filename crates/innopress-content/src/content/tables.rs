//! Reading the TOML data files. Each file holds one kind of array of tables (`[[project]]`);
//! every table is deserialised on its own, so one bad project does not hide the problems of
//! the next, and every serde error keeps its span into the file.

use super::fields::deserialize_all;
use innopress_core::diagnostics::{Diagnostics, SourceFile, Stage, did_you_mean};
use serde::de::DeserializeOwned;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// What a data file gave.
#[derive(Debug)]
pub struct Loaded<T> {
    /// The tables that read, with the span of their header.
    pub items: Vec<(T, Range<usize>)>,
    /// The `id` of each table that did not read, or that a syntax error spoilt, where it can
    /// be read: later checks do not report references to it as unknown too.
    pub failed_ids: Vec<String>,
    /// How many tables did not load (with an id or without).
    pub failed: usize,
    /// The first syntax error's span, if the file has one that may hide ids: an `id` line
    /// that cannot be read. (Ids on lines that can still be read are in `failed_ids`.)
    pub syntax_error: Option<Range<usize>>,
}

/// Deserialises the `[[key]]` tables of `src`, reporting syntax errors, unknown top-level
/// keys and every field error of every table. A syntax error spoils only the table it is
/// in: the tables before and after it are read as usual, and the spoilt one is left out
/// without further errors (its missing fields would only repeat the syntax error).
pub fn load_array<T: DeserializeOwned>(
    src: &SourceFile,
    key: &str,
    diags: &mut Diagnostics,
) -> Loaded<T> {
    let text: &str = &src.text;
    let (root, errors) = DeTable::parse_recoverable(text);
    let mut loaded = Loaded {
        items: Vec::new(),
        failed_ids: Vec::new(),
        failed: 0,
        syntax_error: None,
    };
    let error_at: Vec<usize> = errors
        .iter()
        .map(|e| e.span().map_or(0, |s| s.start))
        .collect();
    if !errors.is_empty() {
        // what the parser's recovery lost, the lines may still say
        let (ids, hidden) = scan_ids(text);
        loaded.failed_ids.extend(ids);
        if hidden {
            loaded.syntax_error = errors.first().map(|e| e.span().unwrap_or(0..0));
        }
    }
    for e in errors {
        syntax_error(src, &e, 0, diags);
    }
    let first_error = error_at.iter().copied().min();
    for (k, v) in root.into_inner() {
        let name = k.get_ref().as_ref();
        // after a syntax error, a stray key is more likely its consequence than a typo
        if name != key && first_error.is_some_and(|at| at <= k.span().start) {
            continue;
        }
        if name != key {
            let hint = match did_you_mean(name, [key]) {
                Some(_) => format!("did you mean `[[{key}]]`?"),
                None => format!("this file holds only `[[{key}]]` tables"),
            };
            diags.error_in(
                Stage::Field,
                src,
                k.span(),
                format!("unknown table or key `{name}`"),
                Some(hint),
            );
            continue;
        }
        let span = v.span();
        let array = match v.into_inner() {
            DeValue::Array(array) => array,
            // `[city]` for `[[city]]` is a syntax error already; its id is known
            DeValue::Table(t) if first_error.is_some() => {
                loaded.failed_ids.extend(string_id(&t));
                continue;
            }
            _ if first_error.is_some() => continue,
            _ => {
                diags.error_in(
                    Stage::Field,
                    src,
                    span,
                    format!("`{key}` must be a list of tables"),
                    Some(format!(
                        "write `[[{key}]]` (double brackets) above each {key}'s fields"
                    )),
                );
                continue;
            }
        };
        read_tables(src, key, array, &error_at, &mut loaded, diags);
    }
    loaded
}

/// Each table of the `[[key]]` array: deserialised with every field error, or left out
/// (with its id) when a syntax error falls inside it.
fn read_tables<T: DeserializeOwned>(
    src: &SourceFile,
    key: &str,
    array: toml::de::DeArray<'_>,
    error_at: &[usize],
    loaded: &mut Loaded<T>,
    diags: &mut Diagnostics,
) {
    let text: &str = &src.text;
    // each table runs from its header to the next one's
    let starts: Vec<usize> = array.iter().map(|i| i.span().start).collect();
    for (n, item) in array.into_iter().enumerate() {
        let item_span = item.span();
        // the last table runs to the end, where an unclosed string's error is
        let extent = starts[n]..starts.get(n + 1).copied().unwrap_or(text.len() + 1);
        let DeValue::Table(table) = item.into_inner() else {
            diags.error_in(
                Stage::Field,
                src,
                item_span,
                format!("expected a `[[{key}]]` table"),
                Some(format!("write each {key} as a `[[{key}]]` table")),
            );
            continue;
        };
        let id = string_id(&table);
        if error_at.iter().any(|at| extent.contains(at)) {
            loaded.failed_ids.extend(id);
            loaded.failed += 1;
            continue;
        }
        match deserialize_all::<T>(item_span.clone(), table) {
            Ok(value) => loaded.items.push((value, item_span)),
            Err(errs) => {
                loaded.failed_ids.extend(id);
                loaded.failed += 1;
                for e in errs {
                    field_error(src, &e, 0, item_span.start..item_span.start, diags);
                }
            }
        }
    }
}

/// A table's `id`, when it is text.
fn string_id(table: &DeTable<'_>) -> Option<String> {
    table.get("id").and_then(|v| match v.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        _ => None,
    })
}

/// The ids on `id = "…"` lines of a file the parser could not read whole, and whether some
/// `id` line cannot be read (an unclosed or multi-line quote): then an id may be hidden.
fn scan_ids(text: &str) -> (Vec<String>, bool) {
    let mut ids = Vec::new();
    let mut hidden = false;
    for line in text.lines() {
        let Some(rest) = line.trim_start().strip_prefix("id") else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        let value = value.trim();
        let quoted = ['"', '\'']
            .iter()
            .find_map(|q| value.strip_prefix(*q).map(|v| (q, v)));
        // read as the parser's recovery reads it: an unclosed quote to the line's end, a
        // bare word to a space; only a multi-line string or nothing at all hides the id
        let id = match quoted {
            Some((q, v)) if v.starts_with(*q) => None,
            Some((q, v)) => Some(v.split(*q).next().unwrap_or(v).trim_end()),
            None => value.split([' ', '\t', '#']).next(),
        };
        match id.filter(|id| !id.is_empty()) {
            Some(id) => ids.push(id.to_string()),
            None => hidden = true,
        }
    }
    (ids, hidden)
}

/// Deserialises a whole document (site.toml, front matter) as one table, reporting every
/// field error in it.
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
    match deserialize_all::<T>(span, root.into_inner()) {
        Ok(v) => Some(v),
        Err(errs) => {
            for e in errs {
                field_error(src, &e, range.start, range.start..range.start, diags);
            }
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
    if let Some((at, straight)) = curly_quoted(&src.text, span.start) {
        diags.error_in(
            Stage::Syntax,
            src,
            at..at + src.text[at..].chars().next().map_or(0, char::len_utf8),
            "TOML syntax: curly quotes (“ ” or ‘ ’) around a value, as a word processor types them: TOML needs straight ones (\")".to_string(),
            Some(format!("write it with straight quotes: {straight}")),
        );
        return;
    }
    let message = first_line(e.message());
    let hint = if message.contains("date") || message.contains("time") {
        "write dates as 2025-04-10 (year-month-day, with leading zeros)"
    } else if message.contains("duplicate key") {
        "a key is given twice; each item of a list is its own table under double brackets, such as [[city]]"
    } else if message.contains("string") || message.contains("quote") {
        "text values need double quotes: key = \"value\""
    } else {
        "see https://toml.io for the syntax; a value is written `key = value`, text in double quotes"
    };
    diags.error_in(
        Stage::Syntax,
        src,
        span,
        format!("TOML syntax: {message}"),
        Some(hint.to_string()),
    );
}

/// Typographic quotes a word processor puts around text pasted into TOML.
const CURLY: [char; 9] = ['“', '”', '„', '‟', '‘', '’', '‚', '«', '»'];

/// When the line of `pos` in `text` is `key = “value”` (a value in curly quotes, as pasted
/// from Word), where that value starts and the line with straight quotes.
fn curly_quoted(text: &str, pos: usize) -> Option<(usize, String)> {
    let pos = pos.min(text.len());
    let start = text.get(..pos)?.rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[start..end];
    let eq = line.find('=')?;
    let value = &line[eq + 1..];
    let lead = value.len() - value.trim_start().len();
    let value = value.trim();
    let first = value.chars().next().filter(|c| CURLY.contains(c))?;
    let rest = &value[first.len_utf8()..];
    // the value ends at its closing quote, curly or straight; a comment may follow it
    let inner = rest
        .find(|c: char| CURLY.contains(&c) || c == '"')
        .map_or(rest, |i| &rest[..i]);
    let inner = inner.replace('\\', "\\\\").replace('"', "\\\"");
    let straight = format!("{} = \"{}\"", line[..eq].trim(), inner);
    Some((start + eq + 1 + lead, straight))
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
    diags.error_in(Stage::Field, src, span, message, hint);
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
        let loaded: Loaded<Item> = load_array(&s, "item", &mut d);
        assert_eq!(loaded.items.len(), 1);
        assert_eq!(loaded.failed_ids, ["a"]);
        assert_eq!(d.items.len(), 2, "{}", d.render());
        assert_eq!((d.items[0].line, d.items[0].column), (3, 1));
        assert!(d.items[0].message.contains("unknown field `nn`"));
        assert_eq!(
            d.items[0].hint.as_deref(),
            Some("did you mean `n`? Field names are case-sensitive")
        );
        assert_eq!(d.items[1].line, 6);
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Full {
        id: String,
        n: u32,
        when: toml::value::Datetime,
        yes: bool,
        list: Vec<String>,
    }

    #[test]
    fn every_fault_of_one_table_is_reported() {
        // a wrong type, an unknown field, a quoted date and a missing field, in one table
        let s = src(
            "[[item]]\nid = \"a\"\nn = \"two\"\nextra = 1\nwhen = \"2025-01-01\"\nyes = true\n",
        );
        let mut d = Diagnostics::default();
        let loaded: Loaded<Full> = load_array(&s, "item", &mut d);
        assert!(loaded.items.is_empty());
        let found: Vec<(usize, &str)> = d
            .items
            .iter()
            .map(|x| (x.line, x.message.split(',').next().unwrap()))
            .collect();
        assert_eq!(found.len(), 4, "{}", d.render());
        assert!(
            found.contains(&(3, "invalid type: string \"two\"")),
            "{found:?}"
        );
        assert!(found.contains(&(4, "unknown field `extra`")), "{found:?}");
        assert!(found.iter().any(|(l, _)| *l == 5), "{found:?}");
        assert!(found.contains(&(1, "missing field `list`")), "{found:?}");
    }

    #[test]
    fn a_syntax_error_spoils_only_its_table() {
        let s =
            src("[[item]]\nid = \"a\"\n\n[[item]]\nid = \"b\"\nn = \"x\n\n[[item]]\nid = \"c\"\n");
        let mut d = Diagnostics::default();
        let loaded: Loaded<Item> = load_array(&s, "item", &mut d);
        assert_eq!(d.items.len(), 1, "{}", d.render());
        assert!(d.items[0].message.starts_with("TOML syntax"));
        assert_eq!(d.items[0].line, 6);
        let ids: Vec<&str> = loaded.items.iter().map(|(i, _)| i.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        // known though not loaded: read from the spoilt table and from the lines
        assert!(loaded.failed_ids.contains(&"b".to_string()));
        // every id line can be read: no id is hidden, so references are checked as usual
        assert!(loaded.syntax_error.is_none());

        // an id in a multi-line string hides it; a header broken does not (its id line is read)
        let s = src("[[item]]\nid = \"a\"\n\n[[item]\nid = \"b\"\n\n[[item]]\nid = \"\"\"c\"\n");
        let mut d = Diagnostics::default();
        let loaded: Loaded<Item> = load_array(&s, "item", &mut d);
        assert!(
            loaded.failed_ids.contains(&"b".to_string()),
            "{:?}",
            loaded.failed_ids
        );
        assert!(loaded.syntax_error.is_some());
        assert!(
            d.items.iter().all(|x| x.message.starts_with("TOML syntax")),
            "{}",
            d.render()
        );
    }

    #[test]
    fn syntax_and_top_level_errors() {
        let s = src("[[itme]]\nid = \"a\"\n");
        let mut d = Diagnostics::default();
        let loaded: Loaded<Item> = load_array(&s, "item", &mut d);
        assert!(loaded.items.is_empty());
        assert_eq!(d.items[0].hint.as_deref(), Some("did you mean `[[item]]`?"));

        let s = src("[[item]]\nid = \"a\n");
        let mut d = Diagnostics::default();
        let _: Loaded<Item> = load_array(&s, "item", &mut d);
        assert_eq!(d.items[0].line, 2);
        assert!(d.items[0].message.starts_with("TOML syntax"));
    }
}
