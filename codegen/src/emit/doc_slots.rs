//! Doc comments go around the token pipeline instead of through it.
//!
//! A `#[doc = "…"]` line built with `quote` is escaped into a string literal,
//! parsed back by `syn` and unescaped again by `prettyplease`, which prints it
//! as `///` plus the text; none of the three steps changes the text. With one
//! attribute per doc line that was a quarter of the instructions of a whole
//! run (callgrind on 500 synthetic endpoints, BENCHMARKS.md "Codegen speed").
//!
//! So, while the guard of [`enter`] lives, [`super::docs::doc_attrs`] keeps each
//! block of doc text here and emits a single placeholder attribute for it.
//! prettyplease places the placeholder at the item's indentation, as
//! `///\u{1}<n>` on a line of its own, and [`fill`] writes the block's lines
//! there exactly as prettyplease writes doc attributes: `///`, then the line
//! after a space, without trailing spaces. The output is byte-identical to
//! printing the attributes (the golden and `--check` tests compare it).
//!
//! Only a placeholder can put U+0001 right after `///` at the start of a line:
//! every doc line [`super::docs::doc_attrs`] writes starts with a space, and
//! prettyplease escapes control characters inside string literals. A
//! placeholder that names no block is an internal error. A block may be
//! placed more than once (the same doc tokens interpolated twice), or never: emitters build some docs before they
//! know whether the item is emitted (a service without operations has no
//! accessor struct). Docs must not be put inside a macro call, whose tokens
//! prettyplease prints verbatim: the placeholder would show as
//! `#[doc = "\u{1}3"]` in the output (none is today; the golden files show it).

use std::cell::RefCell;

use proc_macro2::TokenStream;
use quote::quote;

/// What starts a placeholder's doc text.
const MARK: char = '\u{1}';

thread_local! {
    /// The blocks kept since the last [`fill`], or `None` outside [`enter`].
    static BLOCKS: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Keeps doc blocks aside until dropped; restores the previous state then.
#[must_use = "doc blocks are kept aside only while this guard lives"]
pub struct Entered(Option<Vec<String>>);

impl Drop for Entered {
    fn drop(&mut self) {
        let previous = self.0.take();
        BLOCKS.with(|b| *b.borrow_mut() = previous);
    }
}

/// Keeps doc blocks aside, to be written by [`fill`], until the guard is
/// dropped. Outside it, [`placeholder`] declines and docs are attributes.
pub fn enter() -> Entered {
    Entered(BLOCKS.with(|b| b.borrow_mut().replace(Vec::new())))
}

/// A placeholder attribute for `text` (already trimmed, not empty), or
/// `None` outside [`enter`].
pub fn placeholder(text: &str) -> Option<TokenStream> {
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        let blocks = blocks.as_mut()?;
        let slot = format!("{MARK}{}", blocks.len());
        blocks.push(text.to_owned());
        Some(quote!(#[doc = #slot]))
    })
}

/// A placeholder that named no block.
#[derive(Debug)]
pub struct BadPlaceholder(pub String);

/// `printed` (prettyplease's output) with every placeholder replaced by its
/// block's doc lines. Takes the blocks kept since the last call. Outside
/// [`enter`], returns `printed` unchanged.
pub fn fill(printed: String) -> Result<String, BadPlaceholder> {
    let Some(blocks) = BLOCKS.with(|b| b.borrow_mut().as_mut().map(std::mem::take)) else {
        return Ok(printed);
    };
    let needle = format!("///{MARK}");
    let mut out =
        String::with_capacity(printed.len() + blocks.iter().map(String::len).sum::<usize>() * 2);
    let mut rest = printed.as_str();
    while let Some(at) = rest.find(&needle) {
        let line_start = rest[..at].rfind('\n').map_or(0, |n| n + 1);
        let indent = &rest[line_start..at];
        let after = &rest[at + needle.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let index: Option<usize> = after[..digits].parse().ok();
        let at_line_end = after[digits..].starts_with('\n');
        let Some(index) =
            index.filter(|&i| at_line_end && indent.bytes().all(|b| b == b' ') && i < blocks.len())
        else {
            return Err(BadPlaceholder(format!(
                "a doc placeholder that names no block near `{}`",
                after.lines().next().unwrap_or_default().escape_debug()
            )));
        };
        out.push_str(&rest[..at]);
        write_block(&mut out, indent, &blocks[index]);
        rest = &after[digits..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The lines of `block` as prettyplease prints one doc attribute per line:
/// the first at the placeholder's position, the others after `indent`.
fn write_block(out: &mut String, indent: &str, block: &str) {
    for (n, line) in block.lines().enumerate() {
        if n > 0 {
            out.push('\n');
            out.push_str(indent);
        }
        out.push_str("///");
        if !line.is_empty() {
            let start = out.len();
            out.push(' ');
            out.push_str(&super::docs::without_bidi(line));
            let kept = out[start..].trim_end_matches(' ').len();
            out.truncate(start + kept);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(tokens: TokenStream) -> String {
        prettyplease::unparse(&syn::parse2(tokens).unwrap())
    }

    #[test]
    fn filled_text_equals_the_attributes_printed() {
        let text = "First line.  \n\n    indented code\n```text\nx\n```\ntrailing   ";
        let tokens = |docs: TokenStream| {
            quote! {
                #docs
                pub struct A {
                    #docs
                    pub b: u8,
                }
                impl A {
                    #docs
                    pub fn c(&self) {}
                }
            }
        };
        let expected = printed(tokens(super::super::docs::doc_attrs(text)));
        let _kept = enter();
        let with_slots = printed(tokens(super::super::docs::doc_attrs(text)));
        assert!(with_slots.contains("///\u{1}0"), "{with_slots}");
        assert_eq!(fill(with_slots).unwrap(), expected);
    }

    #[test]
    fn an_unknown_placeholder_is_an_error() {
        let _kept = enter();
        assert!(fill("///\u{1}7\nstruct A;\n".into()).is_err());
        assert!(fill("///\u{1}x\n".into()).is_err());
        let _ = placeholder("a");
        assert!(
            fill("/// x\n///\u{1}1\n".into()).is_err(),
            "only block 0 exists"
        );
        let _ = placeholder("a");
        assert!(
            fill("struct A; ///\u{1}0\n".into()).is_err(),
            "not at a line start"
        );
    }

    #[test]
    fn text_that_looks_like_a_placeholder_is_written_as_it_is() {
        // Only prettyplease's output is searched; a block's own text never is.
        let _kept = enter();
        let tricky = "///\u{1}0\n\u{1}0";
        let doc = placeholder(tricky).unwrap();
        let filled = fill(printed(quote!(#doc struct A;))).unwrap();
        assert_eq!(filled, "/// ///\u{1}0\n/// \u{1}0\nstruct A;\n");
    }

    #[test]
    fn outside_enter_docs_are_attributes() {
        assert!(placeholder("a").is_none());
        assert_eq!(fill("///\u{1}0\n".into()).unwrap(), "///\u{1}0\n");
    }
}
