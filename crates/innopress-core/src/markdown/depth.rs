//! How deeply a body nests: block quotes, lists, emphasis and raw HTML elements inside each
//! other. The email's CSS inliner walks the tree recursively, so a newsletter issue's depth
//! is capped here, where `check`, `build` and `serve` all see it, rather than trusted to the
//! inliner's stack.

use crate::html::Tag;
use pulldown_cmark::{Event, Parser};
use std::ops::Range;

/// The deepest nesting a document may have: far beyond any real text, far below what a
/// recursive walk can overflow on.
pub const MAX_DEPTH: usize = 100;

/// Where `md` first nests deeper than [`MAX_DEPTH`], and how deep it goes in all.
pub fn too_deep(md: &str) -> Option<(Range<usize>, usize)> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut first = None;
    for (event, range) in Parser::new_ext(md, super::dialect::options()).into_offset_iter() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) => {
                let (after, inner) = html_depth(&html, depth);
                deepest = deepest.max(inner);
                if inner > MAX_DEPTH && first.is_none() {
                    first = Some(range.clone());
                }
                depth = after;
            }
            _ => {}
        }
        if depth > MAX_DEPTH && first.is_none() {
            first = Some(range);
        }
        deepest = deepest.max(depth);
    }
    first.map(|r| (r, deepest))
}

/// The element depth after the raw HTML `html` and the deepest it reaches inside, starting
/// at `depth`.
fn html_depth(html: &str, depth: usize) -> (usize, usize) {
    const VOID: [&str; 13] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let (mut now, mut deepest) = (depth, depth);
    crate::html::tags(html, |tag| match tag {
        Tag::Start {
            name, self_closing, ..
        } if !self_closing && !VOID.contains(&name) => {
            now += 1;
            deepest = deepest.max(now);
        }
        Tag::End { name } if !VOID.contains(&name) => now = now.saturating_sub(1),
        _ => {}
    });
    (now, deepest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_of_every_kind_is_found() {
        let deep = 3 * MAX_DEPTH;
        for md in [
            format!("{}x\n", "> ".repeat(deep)),
            format!("{}x\n", "- ".repeat(deep)),
            format!("{}x{}\n", "*".repeat(deep), "*".repeat(deep)),
            format!("{}x{}\n", "<div>".repeat(deep), "</div>".repeat(deep)),
            format!("a {}x{} b\n", "<span>".repeat(deep), "</span>".repeat(deep)),
        ] {
            assert!(too_deep(&md).is_some(), "{}", &md[..20]);
        }
        let fine = "> quote\n\n- a\n  - b\n    - *c* <b>d</b><br>\n\n<div><p>x</p></div>\n";
        assert_eq!(too_deep(fine), None);
        // markup inside a script is text
        let script = format!("<script>var s = '{}';</script>\n", "<div>".repeat(300));
        assert_eq!(too_deep(&script), None);
        // siblings are not depth
        assert_eq!(too_deep(&"<div>x</div>".repeat(1000)), None);
    }
}
