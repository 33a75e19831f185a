//! Rustdoc text from spec descriptions. Spec text is prose copied from doc
//! pages, so it is escaped for Markdown: a stray `[x]` or `<b` must not turn
//! into a broken intra-doc link or an HTML tag warning.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Constraints, Docs, Field, Format, TypeRef};

/// `#[doc = "…"]` attributes, one per line, from Markdown text.
pub fn doc_attrs(markdown: &str) -> TokenStream {
    let lines = markdown.trim_end().lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Escapes prose for Markdown, keeping `` `code` `` spans intact.
pub fn escape(text: &str) -> String {
    let balanced_backticks = text.matches('`').count().is_multiple_of(2);
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' if balanced_backticks => {
                in_code = !in_code;
                out.push(c);
            }
            _ if in_code => out.push(c),
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '#' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
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
    (!parts.is_empty()).then(|| parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn code_spans_survive_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }
}
