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
            // as the tree builder would: the content of these is text, not markup
            match &*tag.name {
                "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                    TokenSinkResult::RawData(RawKind::Rawtext)
                }
                "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                _ => TokenSinkResult::Continue,
            }
        }
    }
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(Sink(RefCell::new(each)), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
}
