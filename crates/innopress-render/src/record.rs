//! Records of what a document was published with, and the drift since: [`record_of`] takes
//! every value a document's shortcodes show on its date (figures, charts with their data,
//! tables with their rows), for `newsletter send` and `freeze` to keep beside it; [`drift`]
//! compares a record with what the data gives now, for one warning per document.

use super::dated::{chart_key, table_key};
use super::model::Model;
use innopress_content::content::model::{
    Document, Record, RecordedFigure, RecordedTable, TomlDate,
};
use innopress_core::date::Date;
use innopress_core::diagnostics::{Diagnostic, Diagnostics, Severity};

/// When and why a record is made.
#[derive(Debug, Clone, Copy)]
pub enum Stamp {
    Sent(Date),
    Published(Date),
}

/// The record of `doc` as it renders now: each figure, chart and table its body shows,
/// once each, in the order they first appear.
pub fn record_of(model: &Model, doc: &Document, stamp: Stamp) -> Record {
    let at = model.at(doc).live();
    let mut record = Record {
        sent: None,
        published: None,
        as_of: TomlDate(at.summary.as_of),
        html_sha256: None,
        text_sha256: None,
        figures: Vec::new(),
        tables: Vec::new(),
        charts: Vec::new(),
    };
    match stamp {
        Stamp::Sent(d) => record.sent = Some(TomlDate(d)),
        Stamp::Published(d) => record.published = Some(TomlDate(d)),
    }
    let words = &model.theme.strings;
    for sc in innopress_core::markdown::shortcodes::find_in_markdown(model.site.body(doc))
        .into_iter()
        .flatten()
    {
        match sc.name.as_str() {
            "figure" => {
                if record.figure_of(&sc).is_none()
                    && let Some(value) = at.figure(&sc, words)
                {
                    record.figures.push(RecordedFigure {
                        value,
                        ..RecordedFigure::of(&sc)
                    });
                }
            }
            "chart" => {
                let key = chart_key(&sc);
                if record.chart(&key).is_none()
                    && let Some(chart) = at.chart(&key)
                {
                    record.charts.push(chart.clone());
                }
            }
            "table" => {
                let key = table_key(&sc);
                if record.table(&key).is_none() {
                    let (rows, caption) = model.table_rows(&sc, at.summary);
                    let projects = rows
                        .iter()
                        .filter_map(|r| toml::Value::try_from(r).ok())
                        .collect();
                    record.tables.push(RecordedTable {
                        key,
                        caption,
                        currency: at.summary.currency.clone(),
                        projects,
                    });
                }
            }
            _ => {}
        }
    }
    record
}

/// The record as the file it is kept in, with a comment that says what it is.
pub fn to_toml(record: &Record, doc: &Document) -> String {
    let what = match (record.sent, record.published) {
        (Some(d), _) => format!("the values this issue was sent with on {}", d.0),
        (_, Some(d)) => format!("the values this document was published with on {}", d.0),
        _ => "the values this document was published with".to_string(),
    };
    format!(
        "# Written by innopress: {what}.\n\
         # Commit it with {}.md. From now on the document shows these values,\n\
         # whatever the data says later. Do not edit it.\n\n{}",
        doc.slug,
        toml::to_string(record).unwrap_or_default()
    )
}

/// The SHA-256 of an email part (its text with empty greeting and unsubscribe slots), in hex.
pub fn sha256(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Which parts of a sent issue's email differ from its record, if any (`None` when none do
/// or nothing was recorded).
pub type EmailChanged = fn(&Model, &Document, &Record) -> Option<&'static str>;

/// What changed since the record of `doc` was made: the first figure, chart or table that
/// differs, and how many others do; `None` when nothing does.
fn changed(model: &Model, doc: &Document, record: &Record) -> Option<String> {
    let words = &model.theme.strings;
    // what the document would show now, compared value by value with its record
    let now = record_of(model, doc, Stamp::Published(record.as_of.0));
    // a figure the data no longer gives is a change too
    let figures: Vec<(&RecordedFigure, &str)> = record
        .figures
        .iter()
        .map(|f| (f, now.figure(f).unwrap_or("no value")))
        .filter(|(f, v)| *v != f.value)
        .collect();
    let charts: Vec<&str> = record
        .charts
        .iter()
        .filter(|c| now.chart(&c.name).is_some_and(|n| n.table != c.table))
        .map(|c| c.title.as_str())
        .collect();
    let tables: Vec<&str> = record
        .tables
        .iter()
        .filter(|t| {
            now.table(&t.key)
                .is_some_and(|n| n.projects != t.projects || n.caption != t.caption)
        })
        .map(|t| t.caption.as_str())
        .collect();
    let others = figures.len() + charts.len() + tables.len();
    if others == 0 {
        return None;
    }
    let when = match (record.sent, record.published) {
        (Some(d), _) => format!("sent on {}", words.long_date(d.0)),
        (_, Some(d)) => format!("published on {}", words.long_date(d.0)),
        _ => "published".to_string(),
    };
    let mut message = match (figures.first(), charts.first(), tables.first()) {
        (Some((f, v)), _, _) => {
            let mut name = match &f.indicator {
                Some(i) if f.name == "indicator" => format!("indicator {i}"),
                _ => f.name.clone(),
            };
            if let Some(c) = &f.city {
                name.push_str(&format!(" of {c}"));
            }
            if let Some(y) = f.year {
                name.push_str(&format!(" for {y} at"));
            }
            format!("{when} with {name} {}; the data now gives {v}", f.value)
        }
        (None, Some(title), _) => {
            format!("{when}; the data behind its chart \u{201c}{title}\u{201d} has changed since")
        }
        (None, None, Some(caption)) => {
            format!("{when}; the rows of its table \u{201c}{caption}\u{201d} have changed since")
        }
        (None, None, None) => return None,
    };
    if others > 1 {
        message.push_str(&format!(
            " ({} more figures, charts or tables changed)",
            others - 1
        ));
    }
    Some(message)
}

/// One warning per document whose record differs from what the data gives now: the first
/// figure that changed, and how many others did. `email_changed` says whether a sent
/// issue's email, rendered now, differs from its record (the email is the mail crate's).
pub fn drift(model: &Model, email_changed: EmailChanged) -> Diagnostics {
    let mut out = Diagnostics::default();
    for kind in innopress_content::content::model::DocKind::ALL {
        for doc in model.site.docs(kind) {
            let Some((record, _)) = &doc.record else {
                continue;
            };
            if let Some(parts) = email_changed(model, doc, record) {
                out.push(Diagnostic {
                    severity: Severity::Warning,
                    stage: Default::default(),
                    ..Diagnostic::file_error(
                        model.site.source(doc.file).path.clone(),
                        format!("the {parts} of this issue's email now differ from what was sent: its text or the email templates changed since"),
                    )
                }
                .with_hint("the archive shows the issue as it renders now; undo the change to show it exactly as sent".to_string()));
            }
            let Some(message) = changed(model, doc, record) else {
                continue;
            };
            let path = &model.site.source(doc.file).path;
            out.push(Diagnostic {
                severity: Severity::Warning,
                stage: Default::default(),
                ..Diagnostic::file_error(path.clone(), message)
            }
            .with_hint(format!(
                "the document keeps showing what it was published with ({}); delete that file to show today's figures",
                doc.record_path()
            )));
        }
    }
    out
}
