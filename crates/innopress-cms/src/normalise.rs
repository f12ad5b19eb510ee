//! What the editor saves, made into the file innopress reads: the TOML Decap wrote is read,
//! each field given the type the loader wants (a date picked in the browser becomes a TOML
//! date, `2520000.0` euros an integer, an emptied optional field is left out), and the
//! result merged into the file as it was, so its comments and layout stay and only what
//! changed is rewritten. Whatever was typed, the file written is valid TOML.

use super::schema::{Field, Kind, Shape};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NormaliseError {
    #[error("the editor sent a document without its front matter between +++ lines")]
    NoFrontMatter,
    #[error("the editor sent TOML that cannot be read: {0}")]
    Toml(String),
    #[error("the editor sent `{0}` as something other than a list of rows")]
    NotRows(String),
}

/// The file to write at a path of `shape`, from what Decap sent (`raw`) and the file's text
/// before (`old`, if it exists).
pub fn normalise(shape: Shape, raw: &str, old: Option<&str>) -> Result<String, NormaliseError> {
    let raw = raw.replace("\r\n", "\n");
    match shape {
        Shape::Document(fields) => {
            let (front, body) = split(&raw).ok_or(NormaliseError::NoFrontMatter)?;
            let mut new = parse(front)?;
            coerce(fields, &mut new);
            if old.is_none() {
                // a new file says only what differs from the defaults
                new.retain(|_, v| v.as_bool() != Some(false));
            }
            let old_front = old.and_then(|o| split(o).map(|(f, _)| f.to_string()));
            let doc = merged(old_front.as_deref(), &new, fields, None)?;
            let mut body = body.trim_start_matches('\n').to_string();
            if !body.ends_with('\n') {
                body.push('\n');
            }
            let mut front = doc.to_string();
            if !front.ends_with('\n') {
                front.push('\n');
            }
            Ok(format!("+++\n{front}+++\n{body}"))
        }
        Shape::Settings(fields) => {
            let mut new = parse(&raw)?;
            coerce(fields, &mut new);
            Ok(merged(old, &new, fields, None)?.to_string())
        }
        Shape::Rows(key, fields) => {
            let mut new = parse(&raw)?;
            match new.get_mut(key) {
                None => {}
                Some(toml::Value::Array(rows)) => {
                    for row in rows.iter_mut() {
                        match row {
                            toml::Value::Table(t) => coerce(fields, t),
                            _ => return Err(NormaliseError::NotRows(key.to_string())),
                        }
                    }
                }
                Some(_) => return Err(NormaliseError::NotRows(key.to_string())),
            }
            Ok(merged(old, &new, &[], Some((key, fields)))?.to_string())
        }
    }
}

/// The front matter and the body of a Markdown document.
pub fn split(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("+++")?.trim_start_matches([' ', '\t']);
    let rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))?;
    let mut at = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some((&rest[..at], &rest[at + line.len()..]));
        }
        at += line.len();
    }
    None
}

fn parse(text: &str) -> Result<toml::Table, NormaliseError> {
    text.parse::<toml::Table>()
        .map_err(|e| NormaliseError::Toml(e.message().to_string()))
}

/// A date from what a date picker wrote: `2025-03-20`, `2025-03-20T00:00:00.000Z` or a
/// TOML date-time; the day as written, never moved by a time zone.
fn date(v: &toml::Value) -> Option<toml::Value> {
    let text = match v {
        toml::Value::String(s) => s.trim().to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        _ => return None,
    };
    let day = text.get(..10)?;
    let d: toml::value::Datetime = day.parse().ok()?;
    (d.date.is_some() && d.time.is_none()).then_some(toml::Value::Datetime(d))
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        toml::Value::String(s) => s.trim().replace([' ', '\u{a0}'], "").parse().ok(),
        _ => None,
    }
}

/// Whole numbers as integers; others as they are.
fn whole(f: f64) -> toml::Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        toml::Value::Integer(f as i64)
    } else {
        toml::Value::Float(f)
    }
}

/// Gives each field of `fields` in `table` its type; fields the schema does not know stay
/// as they are, for `check` to name.
pub fn coerce(fields: &[Field], table: &mut toml::Table) {
    table.remove("body");
    let decorative = table.get("decorative").and_then(|v| v.as_bool()) == Some(true);
    for f in fields {
        let Some(v) = table.get_mut(f.name) else {
            continue;
        };
        let keep_empty = f.required || (matches!(f.kind, Kind::Alt) && decorative);
        let fixed = match (f.kind, &*v) {
            (_, toml::Value::String(s)) if s.trim().is_empty() && !keep_empty => None,
            (_, toml::Value::Array(a)) if a.is_empty() && !f.required => None,
            (Kind::Date, other) => Some(date(other).unwrap_or_else(|| other.clone())),
            (Kind::AsOf, toml::Value::String(s)) if s.trim() == "site" => {
                Some(toml::Value::String("site".into()))
            }
            (Kind::AsOf, other) => Some(date(other).unwrap_or_else(|| other.clone())),
            (Kind::Int | Kind::Money, other) => {
                Some(number(other).map_or_else(|| other.clone(), whole))
            }
            (Kind::Float, other) => {
                Some(number(other).map_or_else(|| other.clone(), toml::Value::Float))
            }
            (Kind::Bool | Kind::Greeting, toml::Value::String(s)) => match s.trim() {
                "true" => Some(toml::Value::Boolean(true)),
                "false" => Some(toml::Value::Boolean(false)),
                _ => Some(v.clone()),
            },
            (Kind::Table(sub), toml::Value::Table(t)) => {
                let mut t = t.clone();
                coerce(sub, &mut t);
                (!t.is_empty()).then_some(toml::Value::Table(t))
            }
            (_, other) => Some(other.clone()),
        };
        match fixed {
            Some(x) => *v = x,
            None => {
                table.remove(f.name);
            }
        }
    }
}

/// `new` written over `old` (when it exists and reads): keys gone from `new` are removed,
/// changed values replaced in their place with their comments, new keys added in the
/// schema's order. `rows`: the one array of tables of a data file, merged row by row.
fn merged(
    old: Option<&str>,
    new: &toml::Table,
    fields: &[Field],
    rows: Option<(&str, &[Field])>,
) -> Result<DocumentMut, NormaliseError> {
    let mut doc = old
        .and_then(|o| o.parse::<DocumentMut>().ok())
        .unwrap_or_default();
    merge_table(doc.as_table_mut(), new, fields, rows);
    Ok(doc)
}

fn order<'a>(new: &'a toml::Table, fields: &[Field]) -> Vec<&'a str> {
    let mut keys: Vec<&str> = fields
        .iter()
        .filter(|f| new.contains_key(f.name))
        .map(|f| f.name)
        .collect();
    keys.extend(
        new.keys()
            .map(String::as_str)
            .filter(|k| !fields.iter().any(|f| f.name == *k)),
    );
    keys
}

fn sub_fields<'f>(fields: &'f [Field], key: &str) -> &'f [Field] {
    match fields.iter().find(|f| f.name == key).map(|f| f.kind) {
        Some(Kind::Table(sub)) => sub,
        _ => &[],
    }
}

fn merge_table(
    old: &mut Table,
    new: &toml::Table,
    fields: &[Field],
    rows: Option<(&str, &[Field])>,
) {
    let gone: Vec<String> = old
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| !new.contains_key(k))
        .collect();
    for k in gone {
        old.remove(&k);
    }
    for key in order(new, fields) {
        let value = &new[key];
        match (rows, value) {
            (Some((rk, row_fields)), toml::Value::Array(items)) if rk == key => {
                merge_rows(old, key, items, row_fields);
            }
            (_, toml::Value::Table(t)) => {
                let sub = sub_fields(fields, key);
                match old.get_mut(key).and_then(Item::as_table_mut) {
                    Some(existing) => merge_table(existing, t, sub, None),
                    None => {
                        let mut fresh = Table::new();
                        merge_table(&mut fresh, t, sub, None);
                        old.insert(key, Item::Table(fresh));
                    }
                }
            }
            _ => merge_value(old, key, value),
        }
    }
}

fn merge_rows(old: &mut Table, key: &str, items: &[toml::Value], fields: &[Field]) {
    if !old.get(key).is_some_and(Item::is_array_of_tables) {
        old.insert(key, Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let Some(array) = old.get_mut(key).and_then(Item::as_array_of_tables_mut) else {
        return;
    };
    let rows: Vec<&toml::Table> = items.iter().filter_map(toml::Value::as_table).collect();
    while array.len() > rows.len() {
        array.remove(array.len() - 1);
    }
    for (i, row) in rows.iter().enumerate() {
        match array.get_mut(i) {
            Some(existing) => merge_table(existing, row, fields, None),
            None => {
                let mut fresh = Table::new();
                merge_table(&mut fresh, row, fields, None);
                array.push(fresh);
            }
        }
    }
}

/// A value read back as the loader reads it, to see whether it changed.
fn as_toml(item: &Item) -> Option<toml::Value> {
    let text = format!("v = {}", item.as_value()?.to_string().trim());
    text.parse::<toml::Table>().ok()?.remove("v")
}

fn merge_value(old: &mut Table, key: &str, value: &toml::Value) {
    if let Some(item) = old.get_mut(key) {
        if as_toml(item).as_ref() == Some(value) {
            return;
        }
        if let Some(existing) = item.as_value_mut() {
            let decor = existing.decor().clone();
            *existing = edit_value(value);
            *existing.decor_mut() = decor;
            return;
        }
    }
    old.insert(key, Item::Value(edit_value(value)));
}

fn edit_value(v: &toml::Value) -> toml_edit::Value {
    match v {
        toml::Value::String(s) => s.as_str().into(),
        toml::Value::Integer(i) => (*i).into(),
        toml::Value::Float(f) => (*f).into(),
        toml::Value::Boolean(b) => (*b).into(),
        toml::Value::Datetime(d) => match d.to_string().parse::<toml_edit::Datetime>() {
            Ok(d) => d.into(),
            Err(_) => d.to_string().into(),
        },
        toml::Value::Array(a) => {
            toml_edit::Value::Array(a.iter().map(edit_value).collect::<toml_edit::Array>())
        }
        toml::Value::Table(t) => {
            let mut inline = toml_edit::InlineTable::new();
            for (k, v) in t {
                inline.insert(k, edit_value(v));
            }
            toml_edit::Value::InlineTable(inline)
        }
    }
}
