//! Splitting a Markdown file into its TOML front matter and its body. Pure and total: any
//! input gives either the two parts or an error with a byte span, never a panic.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The TOML between the `+++` lines.
    pub matter: Range<usize>,
    /// Everything after the closing `+++` line.
    pub body: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    pub span: Range<usize>,
    pub message: &'static str,
    pub hint: &'static str,
}

/// Finds `+++` on the first line (after an optional byte-order mark) and the next line that is
/// exactly `+++` (trailing spaces and `\r` allowed).
pub fn split(text: &str) -> Result<Split, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineIter { text, pos: start };
    let Some(first) = lines.next() else {
        return Err(SplitError {
            span: start..start,
            message: "the file is empty: it needs front matter between `+++` lines",
            hint: "start the file with a line `+++`, then `title = \"…\"` and the other fields, then a line `+++`",
        });
    };
    if !is_fence(&text[first.clone()]) {
        return Err(SplitError {
            span: first,
            message: "missing front matter: the first line must be `+++`",
            hint: "start the file with a line `+++`, then `title = \"…\"` and the other fields, then a line `+++`",
        });
    }
    let matter_start = lines.pos;
    for line in lines.by_ref() {
        if is_fence(&text[line.clone()]) {
            return Ok(Split {
                matter: matter_start..line.start,
                body: lines.pos..text.len(),
            });
        }
    }
    Err(SplitError {
        span: first,
        message: "front matter is never closed",
        hint: "add a line containing only `+++` after the last front-matter field",
    })
}

fn is_fence(line: &str) -> bool {
    line.trim_end_matches(['\r', ' ', '\t']) == "+++"
}

/// Lines as byte ranges without their `\n`; `pos` is where the next line starts.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for LineIter<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.pos..];
        let (len, advance) = match rest.find('\n') {
            Some(i) => (i, i + 1),
            None => (rest.len(), rest.len()),
        };
        let line = self.pos..self.pos + len;
        self.pos += advance;
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits() {
        let t = "+++\ntitle = \"x\"\n+++\nbody\n";
        let s = split(t).unwrap();
        assert_eq!(&t[s.matter], "title = \"x\"\n");
        assert_eq!(&t[s.body], "body\n");
    }

    #[test]
    fn handles_crlf_bom_and_empty_body() {
        let t = "\u{feff}+++\r\ntitle = \"x\"\r\n+++  \r\n";
        let s = split(t).unwrap();
        assert_eq!(&t[s.matter], "title = \"x\"\r\n");
        assert_eq!(&t[s.body], "");
        let t = "+++\n+++";
        assert_eq!(split(t).unwrap().body, 7..7);
    }

    #[test]
    fn reports_missing_and_unclosed() {
        assert!(split("").unwrap_err().message.contains("empty"));
        assert!(
            split("title = 1\n")
                .unwrap_err()
                .message
                .contains("first line")
        );
        let e = split("+++\ntitle = \"x\"\nbody").unwrap_err();
        assert!(e.message.contains("never closed"));
        assert_eq!(e.span, 0..3);
        // `++++` is not a fence
        assert!(split("+++\n++++\n").is_err());
    }
}
