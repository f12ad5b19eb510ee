//! Shortcodes: `{{ figure(name="total-funding") }}`, `{{ chart(...) }}`, `{{ table(...) }}` in
//! Markdown bodies put live figures into text. This module finds and parses them (pure);
//! validation checks their names and arguments, rendering replaces them. Shortcodes in code
//! spans, code blocks and raw HTML are ordinary text and stay literal.

use crate::catalogue::ChartName;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Str(String),
    Int(i64),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Shortcode {
    pub name: String,
    pub args: Vec<(String, Arg)>,
    /// Where the shortcode is in the text it was found in.
    pub span: Range<usize>,
    /// Whether it stands alone in its paragraph (needed for charts and tables, which are
    /// blocks and cannot sit inside a sentence).
    pub alone: bool,
}

impl Shortcode {
    pub fn arg(&self, key: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| match v {
                Arg::Str(s) => Some(s.as_str()),
                _ => None,
            })
    }

    /// A whole-number argument (`year=2024`).
    pub fn int_arg(&self, key: &str) -> Option<i64> {
        self.args
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| match v {
                Arg::Int(i) => Some(*i),
                _ => None,
            })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShortcodeError {
    pub span: Range<usize>,
    pub message: String,
    pub hint: String,
}

/// Finds the shortcodes of a Markdown body, with spans into `body`. Only prose text is
/// searched: code and raw HTML are skipped.
pub fn find_in_markdown(body: &str) -> Vec<Result<Shortcode, ShortcodeError>> {
    if !body.contains("{{") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for run in prose_runs(body) {
        for mut item in find(&body[run.range.clone()]) {
            match &mut item {
                Ok(sc) => {
                    sc.alone = run.alone_in_paragraph
                        && body[run.range.clone()].trim()
                            == body[run.range.start + sc.span.start..run.range.start + sc.span.end]
                                .trim();
                    sc.span = sc.span.start + run.range.start..sc.span.end + run.range.start;
                }
                Err(e) => e.span = e.span.start + run.range.start..e.span.end + run.range.start,
            }
            out.push(item);
        }
    }
    out
}

struct Run {
    range: Range<usize>,
    alone_in_paragraph: bool,
}

/// Source ranges of consecutive text events outside code and HTML.
fn prose_runs(body: &str) -> Vec<Run> {
    let opts = super::dialect::options();
    let mut runs: Vec<Run> = Vec::new();
    let mut in_code = 0usize;
    let mut current: Option<Range<usize>> = None;
    let mut para_start: Option<usize> = None;
    let mut para_items = 0usize;
    let mut para_runs: Vec<usize> = Vec::new();
    for (ev, range) in Parser::new_ext(body, opts).into_offset_iter() {
        let is_text = matches!(ev, Event::Text(_)) && in_code == 0;
        if !is_text && let Some(r) = current.take() {
            para_runs.push(runs.len());
            runs.push(Run {
                range: r,
                alone_in_paragraph: false,
            });
        }
        match ev {
            Event::Start(Tag::CodeBlock(_)) | Event::Start(Tag::HtmlBlock) => in_code += 1,
            Event::End(TagEnd::CodeBlock) | Event::End(TagEnd::HtmlBlock) => {
                in_code = in_code.saturating_sub(1)
            }
            Event::Start(Tag::Paragraph) => {
                para_start = Some(range.start);
                para_items = 0;
                para_runs.clear();
            }
            Event::End(TagEnd::Paragraph) => {
                if para_start.take().is_some() && para_items == 0 && para_runs.len() == 1 {
                    runs[para_runs[0]].alone_in_paragraph = true;
                }
                para_runs.clear();
            }
            Event::Text(_) if in_code == 0 => {
                current = Some(match current.take() {
                    Some(r) if r.end == range.start => r.start..range.end,
                    Some(r) => {
                        para_runs.push(runs.len());
                        runs.push(Run {
                            range: r,
                            alone_in_paragraph: false,
                        });
                        range
                    }
                    None => range,
                });
            }
            Event::Text(_) => {}
            _ => {
                if para_start.is_some() {
                    para_items += 1;
                }
            }
        }
    }
    if let Some(r) = current.take() {
        runs.push(Run {
            range: r,
            alone_in_paragraph: false,
        });
    }
    runs
}

/// Finds shortcodes in plain text.
pub fn find(text: &str) -> Vec<Result<Shortcode, ShortcodeError>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(i) = text[pos..].find("{{") {
        let start = pos + i;
        match text[start..].find("}}") {
            None => {
                out.push(Err(ShortcodeError {
                    span: start..start + 2,
                    message: "`{{` opens a shortcode that is never closed with `}}`".into(),
                    hint: "write a shortcode like {{ figure(name=\"total-funding\") }}, or put the text in backticks to show it literally".into(),
                }));
                break;
            }
            Some(j) => {
                let end = start + j + 2;
                out.push(parse(&text[start + 2..end - 2], start..end));
                pos = end;
            }
        }
    }
    out
}

fn parse(inner: &str, span: Range<usize>) -> Result<Shortcode, ShortcodeError> {
    let bad = |message: String| {
        ShortcodeError {
        span: span.clone(),
        message,
        hint: "shortcodes look like {{ chart(name=\"funding-by-city\") }}: a name, then arguments key=\"value\" separated by commas".into(),
    }
    };
    let s = inner.trim();
    let open = s
        .find('(')
        .ok_or_else(|| bad("a shortcode needs parentheses after its name".into()))?;
    if !s.ends_with(')') {
        return Err(bad("a shortcode must end with `)` before `}}`".into()));
    }
    let name = s[..open].trim();
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(bad(format!("`{name}` is not a shortcode name")));
    }
    let mut args = Vec::new();
    let mut rest = s[open + 1..s.len() - 1].trim();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or_else(|| bad(format!("argument `{rest}` needs a value: key=\"value\"")))?;
        let key = rest[..eq].trim();
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(bad(format!("`{key}` is not an argument name")));
        }
        let after = rest[eq + 1..].trim_start();
        let (value, remaining) = value(key, after, &bad)?;
        if args.iter().any(|(k, _): &(String, Arg)| k == key) {
            return Err(bad(format!("argument `{key}` is given twice")));
        }
        args.push((key.to_string(), value));
        let remaining = remaining.trim_start();
        rest = match remaining.strip_prefix(',') {
            Some(r) => r.trim_start(),
            None if remaining.is_empty() => "",
            None => {
                return Err(bad(format!(
                    "expected `,` between arguments, found `{remaining}`"
                )));
            }
        };
    }
    // `map(indicator="…", year=…)` is a short way to write the map chart of a figure
    if name == "map" {
        if args.iter().any(|(k, _)| k == "name") {
            return Err(bad(
                "map takes no name: it is the map; write chart(name=\"…\") for another chart"
                    .into(),
            ));
        }
        args.insert(
            0,
            (
                "name".to_string(),
                Arg::Str(ChartName::Map.name().to_string()),
            ),
        );
        return Ok(Shortcode {
            name: "chart".to_string(),
            args,
            span,
            alone: false,
        });
    }
    Ok(Shortcode {
        name: name.to_string(),
        args,
        span,
        alone: false,
    })
}

/// An argument's value (text in double quotes, a whole number, true or false) and what
/// follows it.
fn value<'a>(
    key: &str,
    after: &'a str,
    bad: &dyn Fn(String) -> ShortcodeError,
) -> Result<(Arg, &'a str), ShortcodeError> {
    if let Some(q) = after.strip_prefix('"') {
        let close = q
            .find('"')
            .ok_or_else(|| bad(format!("the value of `{key}` has no closing quote")))?;
        Ok((Arg::Str(q[..close].to_string()), &q[close + 1..]))
    } else {
        let end = after.find(',').unwrap_or(after.len());
        let raw = after[..end].trim();
        let v = match raw {
            "true" => Arg::Bool(true),
            "false" => Arg::Bool(false),
            _ => Arg::Int(raw.parse().map_err(|_| {
                bad(
                    if raw.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
                        format!(
                            "the value of `{key}` must be a whole number, or text in double quotes"
                        )
                    } else {
                        format!("the value of `{key}` must be in double quotes: {key}=\"{raw}\"")
                    },
                )
            })?),
        };
        Ok((v, &after[end..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_arguments() {
        let text = "Total {{ figure(name=\"total-funding\", city=\"tampere\") }} now.";
        let r = find(text);
        let sc = r[0].as_ref().unwrap();
        assert_eq!(sc.name, "figure");
        assert_eq!(sc.arg("name"), Some("total-funding"));
        assert_eq!(sc.arg("city"), Some("tampere"));
        assert_eq!(
            &text[sc.span.clone()],
            "{{ figure(name=\"total-funding\", city=\"tampere\") }}"
        );
        assert!(find("{{ x(a=1, b=true) }}")[0].is_ok());
    }

    #[test]
    fn reports_malformed() {
        assert!(find("{{ figure name }}")[0].is_err());
        assert!(find("{{ figure(name=total) }}")[0].is_err());
        assert!(find("{{ figure(name=\"a\" city=\"b\") }}")[0].is_err());
        assert!(find("{{ figure(name=\"a\"")[0].is_err());
        assert!(find("{{ f(a=\"1\", a=\"2\") }}")[0].is_err());
    }

    #[test]
    fn skips_code_and_knows_standalone_paragraphs() {
        let md = "Text `{{ figure(name=\"x\") }}` and\n\n```\n{{ chart(name=\"y\") }}\n```\n\n{{ chart(name=\"funding-by-city\") }}\n\nSee {{ figure(name=\"total-funding\") }}.\n";
        let found: Vec<_> = find_in_markdown(md)
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].name, "chart");
        assert!(found[0].alone);
        assert_eq!(
            &md[found[0].span.clone()],
            "{{ chart(name=\"funding-by-city\") }}"
        );
        assert_eq!(found[1].name, "figure");
        assert!(!found[1].alone);
    }
}
