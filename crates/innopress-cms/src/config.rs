//! The Decap CMS configuration, generated from [`super::schema`] and the site's own data
//! files; never written by hand. Printed as YAML by `innopress cms config`, served to the
//! editor by `innopress serve` and written beside a published site with `[cms]`.

use super::schema::{self, Field, Kind, Ref};
use innopress_content::content::model::CmsConfig;
use serde_json::{Value, json};
use std::path::Path;

/// Where pictures uploaded in the editor go, and the site path they are named by.
pub const MEDIA_FOLDER: &str = "content/static/images";
pub const PUBLIC_FOLDER: &str = "/images";

/// Where the configuration is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Served by `innopress serve`: Decap's local backend, answered by serve itself.
    Local,
    /// Written into the built site: the Git host's backend of `[cms]`.
    Published,
}

/// What the configuration needs from `site.toml`, read leniently: the editor is how a
/// broken settings file gets fixed, so it must open when the site does not build.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub title: Option<String>,
    pub base_url: Option<String>,
    pub cms: Option<CmsConfig>,
}

impl Settings {
    pub fn read(root: &Path) -> Settings {
        let table = std::fs::read_to_string(root.join("content/site.toml"))
            .ok()
            .and_then(|t| t.parse::<toml::Table>().ok())
            .unwrap_or_default();
        let text = |k: &str| table.get(k).and_then(|v| v.as_str()).map(str::to_string);
        Settings {
            title: text("title"),
            base_url: text("base_url"),
            cms: table
                .get("cms")
                .and_then(|v| v.clone().try_into::<CmsConfig>().ok()),
        }
    }
}

/// The data files of a folder (`data/projects`), sorted, as (stem, path from the root).
fn data_files(root: &Path, folder: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(root.join("content").join(folder))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".toml")?;
            (!stem.is_empty() && !name.starts_with('.') && e.path().is_file())
                .then(|| (stem.to_string(), format!("content/{folder}/{name}")))
        })
        .collect();
    out.sort();
    out
}

/// A name Decap accepts for a file entry: the stem with anything but `[a-z0-9-]` as `-`.
fn entry_name(prefix: &str, stem: &str) -> String {
    let clean: String = stem
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '-' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '-',
        })
        .collect();
    format!("{prefix}-{clean}")
}

fn relation(r: Ref, multiple: bool) -> Value {
    let (collection, file, value, label) = match r {
        Ref::City => ("data", Some("cities"), "city.*.id", "city.*.name"),
        Ref::Theme => ("data", Some("themes"), "theme.*.id", "theme.*.name"),
        Ref::Indicator => (
            "data",
            Some("indicators"),
            "indicator.*.id",
            "indicator.*.name",
        ),
        Ref::Article => ("articles", None, "{{slug}}", "title"),
    };
    let mut w = json!({
        "widget": "relation",
        "collection": collection,
        "value_field": value,
        "search_fields": [label],
        "display_fields": [label],
        "multiple": multiple,
        "options_length": 200,
    });
    if let Some(file) = file {
        w["file"] = json!(file);
    }
    w
}

/// One field as a Decap widget.
fn widget(field: &Field) -> Value {
    let mut w = match field.kind {
        Kind::Text | Kind::Greeting => json!({"widget": "string"}),
        // a date or "site": a text field that shows a date as the file writes it (no pattern:
        // Decap would test it against the date object a TOML date is read as)
        Kind::AsOf => json!({"widget": "innopress-as-of"}),
        Kind::Long => json!({"widget": "text"}),
        Kind::Body => json!({"widget": "markdown", "editor_components": ["image", "code-block"]}),
        Kind::Bool => json!({"widget": "boolean", "default": false}),
        Kind::Int => json!({"widget": "number", "value_type": "int", "step": 1}),
        Kind::Money => {
            json!({"widget": "number", "value_type": "float", "min": 0, "step": 0.01})
        }
        Kind::Float => json!({"widget": "number", "value_type": "float"}),
        Kind::Date => json!({
            "widget": "datetime",
            "format": "YYYY-MM-DD",
            "date_format": "YYYY-MM-DD",
            "time_format": false,
            "picker_utc": true,
        }),
        Kind::Image => json!({"widget": "image", "choose_url": false}),
        // required beside a picture: the editor's script checks it as an entry is saved
        Kind::Alt => json!({"widget": "string"}),
        Kind::Url => json!({
            "widget": "string",
            "pattern": ["^(https?://.+)?$", "An address that starts with https://"],
        }),
        Kind::Select(options) => json!({"widget": "select", "options": options}),
        Kind::One(r) => relation(r, false),
        Kind::Many(r) => relation(r, true),
        Kind::Table(fields) => json!({
            "widget": "object",
            "collapsed": true,
            "fields": fields.iter().map(widget).collect::<Vec<_>>(),
        }),
    };
    w["name"] = json!(field.name);
    w["label"] = json!(field.label);
    w["required"] = json!(field.required);
    if !field.hint.is_empty() {
        w["hint"] = json!(field.hint);
    }
    if field.name == "higher_is_better" {
        w["default"] = json!(true);
    }
    w
}

fn fields(list: &[Field]) -> Vec<Value> {
    list.iter().map(widget).collect()
}

fn documents(folder: &str, label: &str, singular: &str, list: &[Field]) -> Value {
    let mut fields = fields(list);
    // articles, reports and issues are listed by date: theirs is required, today's by default
    if matches!(folder, "articles" | "reports" | "newsletters") {
        for f in fields.iter_mut().filter(|f| f["name"] == "date") {
            f["required"] = json!(true);
            f["default"] = json!("{{now}}");
        }
    }
    let sortable = if list.iter().any(|f| f.name == "number") {
        json!(["number", "date", "title"])
    } else {
        json!(["date", "title"])
    };
    json!({
        "name": folder,
        "label": label,
        "label_singular": singular,
        "folder": format!("content/{folder}"),
        "extension": "md",
        "format": "toml-frontmatter",
        "frontmatter_delimiter": "+++",
        "create": true,
        "delete": true,
        "slug": "{{slug}}",
        "identifier_field": "title",
        "summary": "{{title}}",
        "sortable_fields": sortable,
        "fields": fields,
    })
}

fn rows_file(name: String, label: String, file: String, key: &str, list: &[Field]) -> Value {
    let rows = label.split(':').next().unwrap_or(&label).to_string();
    let summary = if list.iter().any(|f| f.name == "title") {
        "{{fields.title}}"
    } else if list.iter().any(|f| f.name == "name") {
        "{{fields.name}}"
    } else {
        "{{fields.city}} · {{fields.indicator}} · {{fields.year}}"
    };
    json!({
        "name": name,
        "label": label,
        "file": file,
        "format": "toml",
        "fields": [{
            "name": key,
            "label": rows,
            "label_singular": key,
            "widget": "list",
            "collapsed": true,
            "summary": summary,
            "fields": fields(list),
        }],
    })
}

/// The whole configuration, as the value Decap reads.
pub fn decap(root: &Path, settings: &Settings, mode: Mode) -> Value {
    let files = data_files_of(root);
    let mut config = json!({
        "media_folder": MEDIA_FOLDER,
        "public_folder": PUBLIC_FOLDER,
        "slug": {"encoding": "ascii", "clean_accents": true, "sanitize_replacement": "-"},
        "collections": [
            documents("articles", "News and stories", "Article", &schema::DOCUMENT),
            documents("pages", "Pages", "Page", &schema::DOCUMENT),
            documents("reports", "Reports", "Report", &schema::DOCUMENT),
            documents("newsletters", "Newsletter issues", "Newsletter issue", &schema::ISSUE),
            json!({
                "name": "data",
                "label": "Data",
                "editor": {"preview": false},
                "files": files,
            }),
        ],
    });
    if let Some(url) = &settings.base_url {
        config["site_url"] = json!(url);
        config["display_url"] = json!(url);
    }
    let cms = settings.cms.as_ref();
    config["backend"] = backend(cms);
    match mode {
        Mode::Local => config["local_backend"] = json!(true),
        Mode::Published => {
            if cms.is_some_and(|c| c.editorial_workflow) {
                config["publish_mode"] = json!("editorial_workflow");
            }
        }
    }
    config
}

/// The editor's data files: the site's settings, the cities, themes and indicators, and
/// each file of projects and of figures.
fn data_files_of(root: &Path) -> Vec<Value> {
    let mut files = vec![
        json!({
            "name": "site",
            "label": "Site settings",
            "file": "content/site.toml",
            "format": "toml",
            "fields": fields(&schema::SITE),
        }),
        rows_file(
            "cities".into(),
            "Cities".into(),
            "content/data/cities.toml".into(),
            "city",
            &schema::CITY,
        ),
        rows_file(
            "themes".into(),
            "Themes".into(),
            "content/data/themes.toml".into(),
            "theme",
            &schema::THEME,
        ),
        rows_file(
            "indicators".into(),
            "Indicators (the impact model)".into(),
            "content/data/indicators.toml".into(),
            "indicator",
            &schema::INDICATOR,
        ),
    ];
    for (stem, path) in data_files(root, "data/projects") {
        files.push(rows_file(
            entry_name("projects", &stem),
            format!("Projects: {stem}"),
            path,
            "project",
            &schema::PROJECT,
        ));
    }
    for (stem, path) in data_files(root, "data/observations") {
        files.push(rows_file(
            entry_name("observations", &stem),
            format!("Figures: {stem}"),
            path,
            "observation",
            &schema::OBSERVATION,
        ));
    }
    files
}

/// Where the editor saves: the site's repository, or serve's local backend.
fn backend(cms: Option<&innopress_content::content::model::CmsConfig>) -> Value {
    match cms {
        Some(c) => {
            let mut b = json!({
                "name": c.backend.name(),
                "repo": c.repo.get_ref(),
                "branch": c.branch.as_deref().unwrap_or("main"),
            });
            if let Some(auth) = &c.auth_url {
                b["base_url"] = json!(auth);
            }
            if let Some(id) = &c.app_id {
                b["app_id"] = json!(id);
                if c.backend == innopress_content::content::model::CmsBackend::Gitlab {
                    b["auth_type"] = json!("pkce");
                }
            }
            b
        }
        // the local backend's protocol, spoken by serve at this path
        None => json!({"name": "proxy", "proxy_url": "/admin/api/v1", "branch": "main"}),
    }
}

/// `value` as YAML (block style; strings double-quoted as JSON writes them, which YAML
/// reads alike), so the configuration is readable and byte-for-byte the same each time.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    block(value, 0, &mut out);
    out
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Object(m) if m.is_empty() => Some("{}".into()),
        Value::Array(a) if a.is_empty() => Some("[]".into()),
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            serde_json::to_string(a).ok()
        }
        Value::Object(_) | Value::Array(_) => None,
        other => Some(other.to_string()),
    }
}

fn block(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(map) => {
            // a field's name and label first, as people write Decap configurations
            const FIRST: [&str; 4] = ["name", "label", "label_singular", "widget"];
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by_key(|k| (FIRST.iter().position(|f| f == k).unwrap_or(FIRST.len()), *k));
            for k in keys {
                let v = &map[k];
                match scalar(v) {
                    Some(s) => out.push_str(&format!("{pad}{k}: {s}\n")),
                    None => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        block(v, indent + 2, out);
                    }
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                match scalar(item) {
                    Some(s) => out.push_str(&format!("{pad}- {s}\n")),
                    None => {
                        let mut inner = String::new();
                        block(item, indent + 2, &mut inner);
                        // the item's first line carries the dash
                        out.push_str(&pad);
                        out.push_str("- ");
                        out.push_str(&inner[indent + 2..]);
                    }
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other).unwrap_or_default())),
    }
}
