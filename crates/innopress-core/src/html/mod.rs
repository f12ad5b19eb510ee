//! Leaf: reading HTML as a browser's tokenizer reads it (html5ever), for the places that
//! look into HTML — the link checker and the nesting check of email bodies. Any quoting and
//! character references read as in a browser, and the text of scripts and styles is never
//! taken for tags.

use html5ever::Attribute;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;

mod quick;

/// A tag as the tokenizer sees it.
pub enum Tag<'a> {
    Start {
        name: &'a str,
        attrs: &'a [Attribute],
        self_closing: bool,
    },
    End {
        name: &'a str,
    },
}

/// How the content of the element `name` (any case) is read, when it is text up to its end
/// tag rather than markup, as the tree builder tells the tokenizer.
fn raw_kind(name: &str) -> Option<RawKind> {
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    if is("script") {
        Some(RawKind::ScriptData)
    } else if ["style", "xmp", "iframe", "noembed", "noframes"]
        .into_iter()
        .any(is)
    {
        Some(RawKind::Rawtext)
    } else if is("textarea") || is("title") {
        Some(RawKind::Rcdata)
    } else {
        None
    }
}

/// Calls `each` with every tag of `html`, in order.
pub fn tags(html: &str, each: impl FnMut(Tag<'_>)) {
    struct Sink<F>(RefCell<F>);
    impl<F: FnMut(Tag<'_>)> TokenSink for Sink<F> {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            let Token::TagToken(tag) = token else {
                return TokenSinkResult::Continue;
            };
            let each = &mut *self.0.borrow_mut();
            if tag.kind == TagKind::EndTag {
                each(Tag::End { name: &tag.name });
                return TokenSinkResult::Continue;
            }
            each(Tag::Start {
                name: &tag.name,
                attrs: &tag.attrs,
                self_closing: tag.self_closing,
            });
            match raw_kind(&tag.name) {
                Some(kind) => TokenSinkResult::RawData(kind),
                None => TokenSinkResult::Continue,
            }
        }
    }
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(Sink(RefCell::new(each)), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
}

/// Calls `each` with the (name, value) of every attribute named in `wanted` (ASCII lower
/// case) of every start tag of `html`, in order, as [`tags`] reads them: by a quick scan
/// when the page is plain (as the pages the build writes are), else by html5ever.
pub fn start_attrs(html: &str, wanted: &[&str], mut each: impl FnMut(&str, &str)) {
    match quick::attrs(html, wanted) {
        Some(found) => {
            for (name, value) in found {
                each(name, value);
            }
        }
        None => tokenizer_attrs(html, wanted, each),
    }
}

/// [`start_attrs`] by html5ever's tokenizer, whatever the page.
fn tokenizer_attrs(html: &str, wanted: &[&str], mut each: impl FnMut(&str, &str)) {
    tags(html, |tag| {
        if let Tag::Start { attrs, .. } = tag {
            for attr in attrs {
                if wanted.contains(&&*attr.name.local) {
                    each(&attr.name.local, &attr.value);
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const WANTED: [&str; 3] = ["href", "src", "id"];

    fn slow(html: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        tokenizer_attrs(html, &WANTED, |n, v| {
            out.push((n.to_string(), v.to_string()))
        });
        out
    }

    /// The quick scan reads `html` as html5ever does, or gives up.
    fn agrees(html: &str) -> Result<(), TestCaseError> {
        if let Some(found) = fast(html) {
            prop_assert_eq!(found, slow(html), "{:?}", html);
        }
        Ok(())
    }

    fn fast(html: &str) -> Option<Vec<(String, String)>> {
        quick::attrs(html, &WANTED).map(|v| {
            v.into_iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect()
        })
    }

    /// Pieces of plain and of odd HTML, put together at random below.
    const PIECES: &[&str] = &[
        "<a href=\"x/\">",
        "<a href='y'>",
        "<a href=z>",
        "<a\nhref=\"1\" id=q>",
        "<A HREF=\"U\" ID='V'>",
        "</a>",
        "</a href=\">\">",
        "<!-- c -->",
        "<!-->",
        "<!--->",
        "--!>",
        "-->",
        "<!--",
        "<!DOCTYPE html>",
        "<!doctype html public \"x\">",
        "<script>",
        "</script>",
        "</SCRIPT >",
        "<style>",
        "</style>",
        "<title>",
        "</title>",
        "<textarea>",
        "</textarea>",
        "text",
        "<",
        ">",
        "\"",
        "'",
        "=",
        "/",
        " ",
        "&amp;",
        "&",
        "<img src=\"a.png\"/>",
        "<div id=\"x\" id=\"y\">",
        "<br/>",
        "<p =x>",
        "</>",
        "<?x?>",
        "<![CDATA[ x ]]>",
        "<svg viewBox=\"0 0 1 1\"><text>1</text></svg>",
        "é",
        "\r",
        "<a href=\"?a=1&amp;b=2\">",
        "<p id=>",
        "<p id = \"sp\" >",
        "<a/href=w>",
        "<x y=\"1\"z=\"2\" src=s>",
        "</x ",
        "<a href=\"",
        "<iframe>",
        "</iframe>",
        "<script type=\"application/ld+json\">{\"a\":\"</b>\"}",
    ];

    /// The pieces of plain pages, mostly: the quick scan reads most of their mixes itself.
    const PLAIN: &[&str] = &[
        "<a href=\"x/\">",
        "<a href='y'>",
        "<a href=z>",
        "<A HREF=\"U\" ID='V'>",
        "</a>",
        "text",
        "<!-- c -->",
        "<!DOCTYPE html>",
        "<script>",
        "</script>",
        "<style>",
        "</style>",
        "<title>",
        "</title>",
        ">",
        "\"",
        "'",
        "=",
        "/",
        " ",
        "\n",
        "<img src=\"a.png\"/>",
        "<br/>",
        "<p =x>",
        "é",
        "<p id=>",
        "<p id = \"sp\" >",
        "<a/href=w>",
        "<x y=\"1\"z=\"2\" src=s>",
        "<",
        "<svg viewBox=\"0 0 1 1\"><text>1</text></svg>",
        "</x>",
        "&lt;",
        "<b class=\"a>b\">",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn the_quick_scan_reads_as_html5ever_or_gives_up(
            picks in proptest::collection::vec(0..PIECES.len(), 0..24)
        ) {
            agrees(&picks.iter().map(|i| PIECES[*i]).collect::<String>())?;
        }

        #[test]
        fn the_quick_scan_reads_plain_pieces_as_html5ever(
            picks in proptest::collection::vec(0..PLAIN.len(), 0..40)
        ) {
            agrees(&picks.iter().map(|i| PLAIN[*i]).collect::<String>())?;
        }
    }

    #[test]
    fn plain_pages_take_the_quick_way() {
        let page = "<!DOCTYPE html><html lang=\"en\"><head><title>A <b></title>\
            <script type=\"application/ld+json\">{\"x\":\"<a href=no>\"}</script>\
            <style>a>b{}</style></head><body><!-- nav --><a href=\"../\" class=x>Home</a>\
            <h2 id=\"top\">T</h2><img src='p.webp' alt=\"a > b\"></body></html>";
        let found = fast(page).expect("a plain page");
        assert_eq!(found, slow(page));
        assert_eq!(found.len(), 3);
    }
}
