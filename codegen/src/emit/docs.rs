//! Rustdoc text from spec descriptions. Spec text is prose copied from doc
//! pages, so it is escaped for Markdown: a stray `[x]` or `<b` must not turn
//! into a broken intra-doc link or an HTML tag warning.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Constraints, Docs, Field, Format, TypeRef};

/// `#[doc = "…"]` attributes, one per line, from Markdown text.
///
/// While [`super::doc_slots::enter`]'s guard lives this is one placeholder
/// attribute instead, filled in after printing (see that module for why).
pub fn doc_attrs(markdown: &str) -> TokenStream {
    let markdown = markdown.trim_end();
    if markdown.is_empty() {
        return TokenStream::new();
    }
    if let Some(placeholder) = super::doc_slots::placeholder(markdown) {
        return placeholder;
    }
    let lines = markdown.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {}", without_bidi(line))
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// `line` with bidi controls written as `\u{202e}`: rustc denies them in
/// doc comments (`text_direction_codepoint_in_doc_comment`), so one in a
/// spec's description or example would stop the generated crate compiling.
pub fn without_bidi(line: &str) -> std::borrow::Cow<'_, str> {
    let bidi = |c: char| matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    // Every bidi control starts with byte D8 or E2 in UTF-8: a byte scan
    // clears most lines without decoding their characters.
    if !line.bytes().any(|b| b == 0xD8 || b == 0xE2) || !line.contains(bidi) {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        if bidi(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Makes spec text safe as rustdoc Markdown.
///
/// Spec text is prose copied from doc pages, and rustdoc would read some of
/// it as markup: a fenced block becomes a doctest (```` ``` ```` followed by
/// JSON fails `cargo test --doc`), `[x]` a broken intra-doc link, `<b` an
/// unclosed HTML tag, a bare URL a `bare_urls` warning. So:
/// - a fenced block (```` ``` ```` or `~~~` at the start of a line) is kept
///   as a block but always as ```` ```text ````, never tested, with a fence
///   longer than any backtick run inside; an unclosed one is closed at the
///   end of the text;
/// - other lines are joined into one line of prose, in which Markdown
///   punctuation is escaped except inside `` `code` `` spans (when the
///   backticks pair up), runs of three or more backticks are escaped, and
///   URLs become code spans;
/// - control characters become U+FFFD: they are invisible in docs and a
///   bare carriage return is not allowed in a doc comment.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut prose: Vec<&str> = Vec::new();
    let mut lines = crate::source::yaml_lines(text);
    while let Some(line) = lines.next() {
        let Some((fence_char, fence_len)) = fence_opening(line) else {
            prose.push(line);
            continue;
        };
        flush_prose(&mut out, &mut prose);
        let mut content: Vec<&str> = Vec::new();
        for inner in lines.by_ref() {
            if is_fence_closing(inner, fence_char, fence_len) {
                break;
            }
            content.push(inner);
        }
        let longest = content
            .iter()
            .flat_map(|l| l.split(|c| c != '`'))
            .map(str::len)
            .max()
            .unwrap_or(0);
        let fence = "`".repeat((longest + 1).max(3));
        push_break(&mut out);
        out.push_str(&fence);
        out.push_str("text\n");
        for line in content {
            out.push_str(&without_controls(line));
            out.push('\n');
        }
        out.push_str(&fence);
    }
    flush_prose(&mut out, &mut prose);
    out
}

/// A blank line before a block, unless the text starts with it.
fn push_break(out: &mut String) {
    if !out.is_empty() {
        out.push_str("\n\n");
    }
}

fn flush_prose(out: &mut String, prose: &mut Vec<&str>) {
    let joined: Vec<&str> = prose
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    prose.clear();
    if joined.is_empty() {
        return;
    }
    push_break(out);
    out.push_str(&escape_prose(&without_controls(&joined.join(" "))));
}

/// ```` ``` ````/`~~~` (three or more), indented at most three spaces, as
/// CommonMark opens a fenced block: the fence character and length.
fn fence_opening(line: &str) -> Option<(char, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let c = rest.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let len = rest.len() - rest.trim_start_matches(c).len();
    (indent <= 3 && len >= 3).then_some((c, len))
}

fn is_fence_closing(line: &str, c: char, len: usize) -> bool {
    let trimmed = line.trim();
    trimmed.len() >= len
        && trimmed.chars().all(|x| x == c)
        && line.len() - line.trim_start_matches(' ').len() <= 3
}

fn without_controls(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// One line of prose: Markdown punctuation escaped outside code spans.
/// A run of one or two backticks opens a code span only when a later run of
/// the same length closes it (as CommonMark pairs them); any other
/// backtick is escaped, so what is left unescaped is exactly what rustdoc
/// reads as code.
fn escape_prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    let mut first = true;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("https://") || rest.starts_with("http://") {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            out.push_str(&code(&rest[..end]));
            rest = &rest[end..];
            first = false;
            continue;
        }
        if c == '`' {
            let len = rest.len() - rest.trim_start_matches('`').len();
            let closing = (len < 3).then(|| closing_run(&rest[len..], len)).flatten();
            match closing {
                Some(end) => {
                    let span_end = len + end + len;
                    out.push_str(&rest[..span_end]);
                    rest = &rest[span_end..];
                }
                None => {
                    out.push_str(&"\\`".repeat(len));
                    rest = &rest[len..];
                }
            }
            first = false;
            continue;
        }
        // `~` only matters where it could open a fence: at the start.
        if matches!(c, '\\' | '*' | '[' | ']' | '<' | '>' | '#' | '|') || (first && c == '~') {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
        first = false;
    }
    out
}

/// The byte offset in `text` of the first backtick run of exactly `len`.
fn closing_run(text: &str, len: usize) -> Option<usize> {
    let mut offset = 0;
    while let Some(start) = text[offset..].find('`') {
        let start = offset + start;
        let run = text[start..].len() - text[start..].trim_start_matches('`').len();
        if run == len {
            return Some(start);
        }
        offset = start + run;
    }
    None
}

/// Chinese description, then the English one as its own paragraph.
pub fn description(docs: &Docs) -> String {
    let mut out = escape(docs.description.trim());
    if let Some(en) = docs
        .description_en
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&escape(en));
    }
    out
}

/// An intra-doc link to `path::member`, or plain code when `member` is a
/// raw identifier (`r#type`), which rustdoc links cannot name.
pub fn member_link(path: &str, member: &crate::ident::RustIdent) -> String {
    if member.source.starts_with("r#") {
        format!("`{path}::{}`", member.source)
    } else {
        format!("[`{path}::{}`]", member.source)
    }
}

/// An inline code span that survives any backticks in `text`.
pub fn code(text: &str) -> String {
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A field's or parameter's full documentation: description, then the
/// facts that help a caller (wire name, example, default, limits, scopes).
pub fn field(field: &Field) -> String {
    let mut out = description(&field.docs);
    let mut facts = Vec::new();
    if field.rust_name.unraw() != field.wire_name {
        facts.push(format!("Wire name: {}.", code(&field.wire_name)));
    }
    if !field.aliases.is_empty() {
        let aliases: Vec<String> = field.aliases.iter().map(|a| code(a)).collect();
        facts.push(format!(
            "Also accepted when decoding: {}.",
            aliases.join(", ")
        ));
    }
    if let Some(format) = field.format {
        facts.push(
            match format {
                Format::Int64 => "A 64-bit integer carried as a JSON string: keep it as text.",
                Format::TimestampMs => "Milliseconds since the Unix epoch, carried as a string.",
                Format::Url => "A URL.",
            }
            .to_owned(),
        );
    }
    if let Some(limits) = constraints(&field.constraints, &field.ty) {
        facts.push(limits);
    }
    if let Some(example) = &field.example {
        facts.push(format!("Example: {}.", code(example)));
    }
    if let Some(default) = &field.default {
        facts.push(format!("Server default: {}.", code(default)));
    }
    if !field.field_scopes.is_empty() {
        let scopes: Vec<String> = field.field_scopes.iter().map(|s| code(s)).collect();
        facts.push(format!(
            "Returned only with the field scope {}.",
            scopes.join(" or ")
        ));
    }
    if let Some(note) = &field.deprecated {
        facts.push(if note.is_empty() {
            "Deprecated.".to_owned()
        } else {
            format!("Deprecated: {}", escape(note))
        });
    }
    if !facts.is_empty() {
        out.push_str("\n\n");
        out.push_str(&facts.join("\n"));
    }
    out
}

/// "Range: 0 to 10." / "At most 50 items." in words, or `None`.
pub fn constraints(c: &Constraints, ty: &TypeRef) -> Option<String> {
    let number = |n: f64| {
        if n.fract() == 0.0 && n.abs() < 1e15 {
            format!("{}", n as i64)
        } else {
            n.to_string()
        }
    };
    let mut parts = Vec::new();
    match (c.min, c.max) {
        (Some(min), Some(max)) => parts.push(format!(
            "Range: {} to {} inclusive.",
            number(min),
            number(max)
        )),
        (Some(min), None) => parts.push(format!("At least {}.", number(min))),
        (None, Some(max)) => parts.push(format!("At most {}.", number(max))),
        (None, None) => {}
    }
    let unit = if matches!(ty, TypeRef::Array(_)) {
        "items"
    } else {
        "elements"
    };
    match (c.min_items, c.max_items) {
        (Some(min), Some(max)) => parts.push(format!("{min} to {max} {unit}.")),
        (Some(min), None) => parts.push(format!("At least {min} {unit}.")),
        (None, Some(max)) => parts.push(format!("At most {max} {unit}.")),
        (None, None) => {}
    }
    match (c.min_length, c.max_length) {
        (Some(min), Some(max)) => parts.push(format!("{min} to {max} characters.")),
        (Some(min), None) => parts.push(format!("At least {min} characters.")),
        (None, Some(max)) => parts.push(format!("At most {max} characters.")),
        (None, None) => {}
    }
    if let Some(max) = c.max_size {
        parts.push(format!("At most {max} bytes."));
    }
    if let Some(pattern) = &c.pattern {
        parts.push(format!("Must match the pattern {}.", code(pattern)));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bidi_control_is_written_as_an_escape() {
        let controls = [
            '\u{061C}', '\u{200E}', '\u{200F}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ]
        .into_iter()
        .chain('\u{202A}'..='\u{202E}');
        for c in controls {
            let line = format!("目标 {c} x");
            let expected = format!("目标 \\u{{{:x}}} x", u32::from(c));
            assert_eq!(without_bidi(&line), expected);
        }
        // Near neighbours (same lead bytes) are not controls.
        assert_eq!(
            without_bidi("\u{0618}\u{200B}\u{2014}"),
            "\u{0618}\u{200B}\u{2014}"
        );
    }

    #[test]
    fn escapes_markdown_but_keeps_code_spans() {
        assert_eq!(
            escape("a [b] <c> `x_y` *z* x_y"),
            "a \\[b\\] \\<c\\> `x_y` \\*z\\* x_y"
        );
        assert_eq!(escape("odd ` tick"), "odd \\` tick");
        assert_eq!(escape("offset>=0"), "offset\\>=0");
    }

    #[test]
    fn fenced_blocks_become_text_blocks_and_are_closed() {
        assert_eq!(
            escape("```\nfn x( {\n```\nafter"),
            "```text\nfn x( {\n```\n\nafter"
        );
        // Unclosed, with a longer run inside: closed with a longer fence.
        assert_eq!(
            escape("intro\n~~~rust\na ```` b"),
            "intro\n\n`````text\na ```` b\n`````"
        );
        // Not at the start of a line: literal backticks, never a fence.
        assert_eq!(escape("x ``` y"), "x \\`\\`\\` y");
    }

    #[test]
    fn prose_loses_markup_that_rustdoc_would_warn_about() {
        assert_eq!(
            escape("see https://a.b/c_d and <b>"),
            "see `https://a.b/c_d` and \\<b\\>"
        );
        assert_eq!(escape("~~ strike"), "\\~~ strike");
        // Unpaired backtick runs are escaped; paired ones stay code.
        assert_eq!(escape("`a`` [b]"), "\\`a\\`\\` \\[b\\]");
        assert_eq!(escape("a\u{0}b\rc"), "a\u{fffd}b c");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }
}
