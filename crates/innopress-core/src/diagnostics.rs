//! Problems found in a site's content, reported the way rustc does: every problem at once,
//! each with `file:line:column`, the offending line, and a hint on how to fix it.
//!
//! Loading and validation never stop at the first problem; they push into a [`Diagnostics`]
//! collection and the caller decides at the end whether the build may continue.

use std::fmt::{self, Write as _};
use std::ops::Range;
use std::sync::Arc;

/// Index of a file in a [`Sources`] table.
pub type FileId = usize;

/// One content file's path (relative to the site root, `/`-separated) and its text, kept so
/// diagnostics can quote the offending line.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
}

/// Every file read while loading, addressed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, path: String, text: Arc<str>) -> FileId {
        self.files.push(SourceFile { path, text });
        self.files.len() - 1
    }

    /// Replaces a file's text (an edit while serving); its id stays the same.
    pub fn replace(&mut self, id: FileId, text: Arc<str>) -> Arc<str> {
        std::mem::replace(&mut self.files[id].text, text)
    }

    /// The id of the file at `path`, if it was read.
    pub fn find(&self, path: &str) -> Option<FileId> {
        self.files.iter().position(|f| f.path == path)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    /// Information about the other problems (what was not checked because of them).
    Note,
}

/// What kind of check found a problem. Problems are listed in this order, so that a cause
/// (a file that does not parse) comes before its consequences (references it would have
/// defined).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Stage {
    /// The file's syntax.
    Syntax,
    /// A table's fields: names, types and values.
    Field,
    /// Everything else: checks of values against each other and the site.
    #[default]
    Check,
    /// A reference to an id defined elsewhere.
    Reference,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        })
    }
}

/// A located problem. Line and column are 1-based; the column counts characters, not bytes,
/// so it matches what an editor shows for Finnish text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub stage: Stage,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
    /// The source line and the width of the underline, when the location is inside a file.
    pub snippet: Option<(String, usize)>,
}

impl Diagnostic {
    /// A problem with a whole file or folder rather than a place in it (unreadable file,
    /// missing folder).
    pub fn file_error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            stage: Stage::Check,
            path: path.into(),
            line: 1,
            column: 1,
            message: message.into(),
            hint: None,
            snippet: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}

impl Diagnostic {
    /// Writes the diagnostic; `color` adds ANSI colours for a terminal.
    fn write(&self, f: &mut dyn fmt::Write, color: bool) -> fmt::Result {
        let (on, off) = match (color, self.severity) {
            (false, _) => ("", ""),
            (true, Severity::Error) => ("\x1b[1;31m", "\x1b[0m"),
            (true, Severity::Warning) => ("\x1b[1;33m", "\x1b[0m"),
            (true, Severity::Note) => ("\x1b[1;36m", "\x1b[0m"),
        };
        write!(
            f,
            "{}:{}:{}: {on}{}{off}: {}",
            self.path, self.line, self.column, self.severity, self.message
        )?;
        if let Some((line_text, width)) = &self.snippet {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            let mut caret = String::new();
            for _ in 1..self.column {
                caret.push(' ');
            }
            for _ in 0..(*width).max(1) {
                caret.push('^');
            }
            write!(f, "\n{pad} |\n{number} | {line_text}\n{pad} | {caret}")?;
        }
        if let Some(hint) = &self.hint {
            let pad = if self.snippet.is_some() {
                " ".repeat(self.line.to_string().len())
            } else {
                String::from("  ")
            };
            write!(f, "\n{pad} = hint: {hint}")?;
        }
        Ok(())
    }
}

/// Where in a file a byte offset falls: 1-based line, 1-based character column, the line's
/// text, and how many characters of the span lie on that line.
pub fn locate(text: &str, span: Range<usize>) -> (usize, usize, String, usize) {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[..start].matches('\n').count() + 1;
    let column = text[line_start..start].chars().count() + 1;
    let line_text = text[line_start..line_end].trim_end_matches('\r');
    let width = text[start..end.min(line_end)].chars().count();
    (line, column, line_text.replace('\t', " "), width)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Collects problems across all files. Errors fail the build; warnings are printed only.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// An error at `span` of file `file`.
    pub fn error(
        &mut self,
        source: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
        hint: impl Into<Option<String>>,
    ) {
        self.at(source, Severity::Error, Stage::Check, span, message, hint);
    }

    /// An error found by `stage` (syntax, fields, references), which orders the report.
    pub fn error_in(
        &mut self,
        stage: Stage,
        source: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
        hint: impl Into<Option<String>>,
    ) {
        self.at(source, Severity::Error, stage, span, message, hint);
    }

    /// A note: what was left unchecked because of another problem.
    pub fn note(
        &mut self,
        source: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
        hint: impl Into<Option<String>>,
    ) {
        self.at(source, Severity::Note, Stage::Check, span, message, hint);
    }

    pub fn warning(
        &mut self,
        source: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
        hint: impl Into<Option<String>>,
    ) {
        self.at(source, Severity::Warning, Stage::Check, span, message, hint);
    }

    fn at(
        &mut self,
        source: &SourceFile,
        severity: Severity,
        stage: Stage,
        span: Range<usize>,
        message: impl Into<String>,
        hint: impl Into<Option<String>>,
    ) {
        let (line, column, text, width) = locate(&source.text, span);
        self.items.push(Diagnostic {
            severity,
            stage,
            path: source.path.clone(),
            line,
            column,
            message: message.into(),
            hint: hint.into(),
            snippet: Some((text, width)),
        });
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warning_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// Orders problems so output is stable whatever order the loaders (some of them
    /// parallel) found them in, and causes come first: errors before warnings and notes, and
    /// among them syntax, then fields, then other checks, then references, each by file and
    /// position. Exact duplicates are dropped.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (a.severity, a.stage, &a.path, a.line, a.column, &a.message)
                .cmp(&(b.severity, b.stage, &b.path, b.line, b.column, &b.message))
        });
        self.items.dedup();
    }

    /// All problems as text, followed by a count line.
    pub fn render(&self) -> String {
        self.render_styled(false)
    }

    /// As [`Diagnostics::render`], with colours when `color` (a terminal without NO_COLOR).
    pub fn render_styled(&self, color: bool) -> String {
        let mut out = String::new();
        for d in &self.items {
            let _ = d.write(&mut out, color);
            out.push_str("\n\n");
        }
        let errors = self.error_count();
        let warnings = self.warning_count();
        let _ = match (errors, warnings) {
            (0, 0) => Ok(()),
            (e, 0) => writeln!(out, "{e} {}", plural(e, "error", "errors")),
            (0, w) => writeln!(out, "{w} {}", plural(w, "warning", "warnings")),
            (e, w) => writeln!(
                out,
                "{e} {}, {w} {}",
                plural(e, "error", "errors"),
                plural(w, "warning", "warnings")
            ),
        };
        out
    }
}

/// Whether standard error is a terminal that wants colours (`NO_COLOR` unset).
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    static CONSOLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stderr().is_terminal()
        // cmd.exe and PowerShell print colour codes as text until they are switched on;
        // where that fails, no colour (elsewhere there is nothing to switch)
        && *CONSOLE.get_or_init(|| anstyle_query::windows::enable_ansi_colors().unwrap_or(true))
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// The closest candidate by edit distance, for "did you mean" hints; `None` when nothing is
/// reasonably close.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = strsim::levenshtein(wrong, c);
        if d <= (wrong.chars().count() / 3).max(2) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_character_columns() {
        let text = "a = 1\nnimi = \"Jyväskylä\"\nx = y\n";
        let off = text.rfind('y').unwrap();
        // 'ä' is two bytes; the column counts characters.
        let (line, col, lt, w) = locate(text, off..off + 1);
        assert_eq!((line, col, lt.as_str(), w), (3, 5, "x = y", 1));
        let off = text.find("kylä").unwrap();
        let (line, col, _, w) = locate(text, off..off + "kylä".len());
        assert_eq!((line, col, w), (2, 14, 4));
    }

    #[test]
    fn locate_survives_out_of_range_spans() {
        let (line, col, _, _) = locate("ä", 1..99);
        assert_eq!((line, col), (1, 1));
        #[allow(clippy::reversed_empty_ranges)]
        let (line, _, _, _) = locate("", 5..2);
        assert_eq!(line, 1);
    }

    #[test]
    fn suggests_near_names() {
        assert_eq!(
            did_you_mean("tamper", ["turku", "tampere"]),
            Some("tampere")
        );
        assert_eq!(did_you_mean("xyz", ["tampere"]), None);
    }
}
