//! A quick scan for the attributes of start tags, for pages that the build itself wrote.
//! html5ever's tokenizer reads any HTML as a browser does, and took a third of a large
//! build's time to read pages that are plain: quoted attributes, comments, one doctype, the
//! text of scripts and styles. This scan reads that plain HTML alone and gives up on
//! anything else (a character reference in a wanted value, a repeated attribute, an odd
//! comment, a script that opens a comment, a tag cut short); [`super::start_attrs`] then
//! reads the page with html5ever. The two agree on every page: a test compares them on
//! generated markup.

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b' ')
}

/// Where the spaces from `i` end; `None` at the end of the page.
fn skip_spaces(b: &[u8], mut i: usize) -> Option<usize> {
    while is_space(*b.get(i)?) {
        i += 1;
    }
    Some(i)
}

/// Where a tag or attribute name from `i` ends (a space, `/`, `>` or one of `also`); `None`
/// at the end of the page.
fn name_end(b: &[u8], mut i: usize, also: u8) -> Option<usize> {
    while !is_space(*b.get(i)?) && !matches!(b[i], b'/' | b'>') && b[i] != also {
        i += 1;
    }
    Some(i)
}

/// The (name, value) of the attributes named in `wanted` (ASCII lower case) of every start
/// tag of `html`, in order; `None` when the page is not plain enough for this scan.
pub fn attrs<'h>(html: &'h str, wanted: &[&'h str]) -> Option<Vec<(&'h str, &'h str)>> {
    let b = html.as_bytes();
    if b.iter().any(|c| matches!(c, b'\0' | b'\r')) {
        return None;
    }
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(lt) = b[i..].iter().position(|&c| c == b'<') {
        i += lt + 1;
        match *b.get(i)? {
            c if c.is_ascii_alphabetic() => {
                let (name, end) = tag(html, i, wanted, &mut out)?;
                i = end;
                if let Some(kind) = super::raw_kind(name) {
                    i = raw_text(html, i, name, kind)?;
                }
            }
            b'/' => match b.get(i + 1) {
                Some(c) if c.is_ascii_alphabetic() => {
                    // an end tag's attributes are read (a quoted `>` does not end it) and dropped
                    let mut dropped = Vec::new();
                    i = tag(html, i + 1, &[], &mut dropped)?.1;
                }
                _ => return None,
            },
            b'!' => i = bang(html, i + 1)?,
            b'?' => return None,
            // `<` before anything else is text
            _ => {}
        }
    }
    Some(out)
}

/// A tag whose name starts at `i`: its name and where it ends (after `>`); the wanted
/// attributes go to `out`.
fn tag<'h>(
    html: &'h str,
    mut i: usize,
    wanted: &[&'h str],
    out: &mut Vec<(&'h str, &'h str)>,
) -> Option<(&'h str, usize)> {
    let b = html.as_bytes();
    let start = i;
    i = name_end(b, i, b'>')?;
    let name = &html[start..i];
    let mut seen: Vec<&str> = Vec::new();
    loop {
        i = skip_spaces(b, i)?;
        match b[i] {
            b'>' => return Some((name, i + 1)),
            b'/' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let at = i;
        // a name may begin with `=`
        i = name_end(b, if b[i] == b'=' { i + 1 } else { i }, b'=')?;
        let attr = &html[at..i];
        i = skip_spaces(b, i)?;
        let mut value = "";
        if b[i] == b'=' {
            i = skip_spaces(b, i + 1)?;
            let (v, end) = attr_value(html, i)?;
            value = v;
            i = end;
        }
        if seen.iter().any(|s| s.eq_ignore_ascii_case(attr)) {
            // the tokenizer keeps the first of a repeated attribute
            return None;
        }
        seen.push(attr);
        if let Some(w) = wanted.iter().find(|w| w.eq_ignore_ascii_case(attr)) {
            if value.contains('&') {
                return None;
            }
            out.push((w, value));
        }
    }
}

/// An attribute value starting at `i` (after `=` and spaces): the value and where it ends.
fn attr_value(html: &str, i: usize) -> Option<(&str, usize)> {
    let b = html.as_bytes();
    match *b.get(i)? {
        q @ (b'"' | b'\'') => {
            let len = b[i + 1..].iter().position(|&c| c == q)?;
            Some((&html[i + 1..i + 1 + len], i + 2 + len))
        }
        // `<a href=>` has an empty value, and the tag ends here
        b'>' => Some(("", i)),
        _ => {
            let len = b[i..]
                .iter()
                .position(|&c| is_space(c) || c == b'>')
                .unwrap_or(b.len() - i);
            (i + len < b.len()).then(|| (&html[i..i + len], i + len))
        }
    }
}

/// The text of a raw-text element from `i` up to its end tag: where that end tag begins.
fn raw_text(
    html: &str,
    i: usize,
    name: &str,
    kind: html5ever::tokenizer::states::RawKind,
) -> Option<usize> {
    let b = html.as_bytes();
    let mut at = i;
    loop {
        let found = at + html[at..].find("</")?;
        let after = found + 2 + name.len();
        if b.len() > after
            && b[found + 2..after].eq_ignore_ascii_case(name.as_bytes())
            && (is_space(b[after]) || matches!(b[after], b'/' | b'>'))
        {
            // a script that opens a comment may hide its end tag (the escaped states)
            if kind == html5ever::tokenizer::states::RawKind::ScriptData
                && html[i..found].contains("<!--")
            {
                return None;
            }
            return Some(found);
        }
        at = found + 2;
    }
}

/// What follows `<!` at `i`: a comment or the doctype; where it ends.
fn bang(html: &str, i: usize) -> Option<usize> {
    let rest = &html[i..];
    if let Some(body) = rest.strip_prefix("--") {
        // `<!-->` and `<!--->` end at once, and `--!>` ends a comment too
        if body.starts_with('>') || body.starts_with("->") {
            return None;
        }
        let end = body.find("-->")?;
        if body[..end].contains("--!>") || body[..end].ends_with('-') {
            return None;
        }
        return Some(i + 2 + end + 3);
    }
    if rest.len() >= 7 && rest.as_bytes()[..7].eq_ignore_ascii_case(b"doctype") {
        let end = rest.find('>')?;
        if rest[..end].contains(['"', '\'']) {
            return None;
        }
        return Some(i + end + 1);
    }
    None
}
