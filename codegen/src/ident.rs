//! The one identifier sanitizer: every Rust name the generator emits (types,
//! fields, parameters, enum variants, modules, methods) comes from here.
//!
//! Wire names may be Rust keywords (`type`), hold hyphens (`zh-CN`), start
//! with a digit, be upper-case or not be ASCII at all. The result is always a
//! valid identifier in the requested case; the caller compares it with the
//! wire name to decide whether `#[serde(rename)]` is needed.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords that can be written as raw identifiers (`r#type`).
const RAW_OK_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const NEVER_RAW_KEYWORDS: &[&str] = &["crate", "self", "super", "Self", "_"];

/// A sanitized Rust identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RustIdent {
    /// The name as written in Rust source, possibly `r#`-prefixed.
    pub source: String,
}

impl RustIdent {
    /// The name without any `r#` prefix: what serde sees as the field name.
    pub fn unraw(&self) -> &str {
        self.source.strip_prefix("r#").unwrap_or(&self.source)
    }

    /// A `proc_macro2::Ident` for emitting.
    pub fn to_ident(&self) -> proc_macro2::Ident {
        match self.source.strip_prefix("r#") {
            Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
            None => proc_macro2::Ident::new(&self.source, proc_macro2::Span::call_site()),
        }
    }
}

/// The case an identifier is wanted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `snake_case`: fields, parameters, modules, methods.
    Snake,
    /// `UpperCamelCase`: types and enum variants.
    UpperCamel,
}

/// Turns any wire name into a valid Rust identifier of the given case.
pub fn sanitize(wire: &str, case: Case) -> RustIdent {
    let ascii = transliterate(wire);
    let cased = match case {
        Case::Snake => ascii.to_snake_case(),
        Case::UpperCamel => ascii.to_upper_camel_case(),
    };
    // A name with nothing to keep (an error message `--`, a value `---`) still
    // needs an identifier, in the case asked for: `value` as a variant name is a
    // non_camel_case_types warning in the generated crate.
    let mut name = match (cased.is_empty(), case) {
        (false, _) => cased,
        (true, Case::Snake) => "value".to_owned(),
        (true, Case::UpperCamel) => "Value".to_owned(),
    };
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = match case {
            Case::Snake => format!("n{name}"),
            Case::UpperCamel => format!("N{name}"),
        };
    }
    if NEVER_RAW_KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    } else if RAW_OK_KEYWORDS.contains(&name.as_str()) {
        name = format!("r#{name}");
    }
    RustIdent { source: name }
}

/// Keeps ASCII letters and digits, turns every other run of characters into
/// a word break, and spells non-ASCII characters as `u<hex>` words so that
/// Chinese names still give distinct, stable identifiers.
fn transliterate(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len());
    for c in wire.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_ascii() {
            out.push('_');
        } else {
            out.push_str(&format!("_u{:x}_", u32::from(c)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snake(s: &str) -> String {
        sanitize(s, Case::Snake).source
    }
    fn camel(s: &str) -> String {
        sanitize(s, Case::UpperCamel).source
    }

    #[test]
    fn keywords_become_raw_or_suffixed() {
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("ref"), "r#ref");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("crate"), "crate_");
        assert_eq!(camel("Self"), "Self_");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(sanitize("type", Case::Snake).unraw(), "type");
    }

    #[test]
    fn hyphens_digits_case_and_chinese() {
        assert_eq!(snake("zh-CN"), "zh_cn");
        assert_eq!(camel("zh-CN"), "ZhCn");
        assert_eq!(snake("2fa"), "n2fa");
        assert_eq!(camel("-1"), "N1");
        assert_eq!(snake("UserID"), "user_id");
        assert_eq!(camel("okr_batch"), "OkrBatch");
        assert_eq!(snake("名称"), "u540d_u79f0");
        assert_eq!(snake(""), "value");
        assert_eq!(snake("---"), "value");
        assert_eq!(camel(""), "Value");
        assert_eq!(camel("--"), "Value");
    }
}
