//! Where the new shapes may appear and which limits fit which type: `file`
//! only as a part of a multipart body, `max_size` only on a file, string
//! limits (`min_length`, `max_length`, `pattern`) only on strings, a
//! `pattern` the `regex` crate can parse, and `encoding: json_string` only
//! on a named type.
//!
//! Patterns are parsed with `regex-syntax` (the parser of the `regex` crate
//! the runtime compiles them with), so a pattern that passes here also
//! compiles there; the runtime still turns a failure into an error, never a
//! panic.

use super::{FieldRole, Resolver};
use crate::model::{Constraints, TypeRef};
use crate::source::{Segment, SourceFile, YamlPath};

/// Patterns longer than this are refused: the doc pages give short ones,
/// and a huge pattern only costs compile time in every client.
const MAX_PATTERN_LEN: usize = 1024;

impl Resolver {
    /// Applies `encoding:` to a resolved type. Only `json_string` exists,
    /// and it wraps a named type.
    pub(super) fn apply_encoding(
        &mut self,
        source: &SourceFile,
        path: &YamlPath,
        encoding: Option<&str>,
        ty: TypeRef,
    ) -> Option<TypeRef> {
        let Some(encoding) = encoding else {
            return Some(ty);
        };
        let at = with_key(path, "encoding");
        if encoding != "json_string" {
            self.error(
                source,
                &at,
                false,
                format!("unknown encoding `{encoding}`"),
                Some("the only encoding is `json_string` (a string holding JSON text of the field's type)".into()),
            );
            return None;
        }
        match ty {
            TypeRef::Named { .. } => Some(TypeRef::JsonString(Box::new(ty))),
            _ => {
                self.error(
                    source,
                    &at,
                    true,
                    "`encoding: json_string` needs a named type".into(),
                    Some("define the JSON text's object under `types:` and name it in `type:`; a plain string needs no encoding".into()),
                );
                None
            }
        }
    }

    /// Reports a `file` where it cannot travel. Returns whether all is well.
    pub(super) fn check_file_placement(
        &mut self,
        source: &SourceFile,
        type_path: &YamlPath,
        ty: &TypeRef,
        role: FieldRole,
    ) -> bool {
        if role == FieldRole::Multipart {
            let part_ok = match ty {
                TypeRef::File
                | TypeRef::String
                | TypeRef::Int
                | TypeRef::Int64
                | TypeRef::Float
                | TypeRef::Bool => true,
                TypeRef::Named { is_enum, .. } => *is_enum,
                _ => false,
            };
            if !part_ok {
                self.error(
                    source,
                    type_path,
                    false,
                    "a multipart part must be a `file`, a scalar or an enum".into(),
                    Some("each field of a multipart body is one form part; send structured data as a `string` part".into()),
                );
            }
            return part_ok;
        }
        if !contains_file(ty) {
            return true;
        }
        let place = match role {
            FieldRole::Body => "a JSON body",
            FieldRole::Struct => "a type or response",
            FieldRole::Path | FieldRole::Query | FieldRole::Header => "a parameter",
            FieldRole::Multipart => unreachable!("handled above"),
        };
        self.error(
            source,
            type_path,
            false,
            format!("a `file` cannot be in {place}"),
            Some("`file` fields belong to a `body:` with `content_type: multipart`".into()),
        );
        false
    }

    /// Reports limits that do not fit the field's type, and bad patterns.
    pub(super) fn check_constraints_fit(
        &mut self,
        source: &SourceFile,
        path: &YamlPath,
        ty: &TypeRef,
        c: &Constraints,
    ) -> bool {
        let mut ok = true;
        let is_string = matches!(ty, TypeRef::String);
        for (key, set) in [
            ("min_length", c.min_length.is_some()),
            ("max_length", c.max_length.is_some()),
            ("pattern", c.pattern.is_some()),
        ] {
            if set && !is_string {
                self.error(
                    source,
                    &with_key(path, key),
                    true,
                    format!("`{key}` applies only to a `string`"),
                    Some(format!(
                        "remove `{key}`, or use `min`/`max` for numbers and `min_items`/`max_items` for arrays"
                    )),
                );
                ok = false;
            }
        }
        if c.max_size.is_some() && *ty != TypeRef::File {
            self.error(
                source,
                &with_key(path, "max_size"),
                true,
                "`max_size` applies only to a `file`".into(),
                Some(
                    "it is the byte size of an uploaded file; use `max_length` for a string".into(),
                ),
            );
            ok = false;
        }
        if let (Some(min), Some(max)) = (c.min_length, c.max_length)
            && min > max
        {
            self.error(
                source,
                &with_key(path, "min_length"),
                true,
                format!("`min_length` ({min}) is greater than `max_length` ({max})"),
                Some("swap them".into()),
            );
            ok = false;
        }
        if let Some(pattern) = &c.pattern
            && let Err(message) = check_pattern(pattern)
        {
            self.error(
                source,
                &with_key(path, "pattern"),
                false,
                format!("`pattern` is not a valid regular expression: {message}"),
                Some("write it in the syntax of Rust's `regex` crate (no look-around or back-references)".into()),
            );
            ok = false;
        }
        ok
    }
}

fn with_key(path: &YamlPath, key: &str) -> YamlPath {
    let mut at = path.clone();
    at.push(Segment::Key(key.into()));
    at
}

fn contains_file(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::File => true,
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::JsonString(inner) => {
            contains_file(inner)
        }
        _ => false,
    }
}

/// Parses `pattern` as the `regex` crate would, returning the first line of
/// the parser's message (the rest draws the pattern with carets).
fn check_pattern(pattern: &str) -> Result<(), String> {
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(format!("longer than {MAX_PATTERN_LEN} bytes"));
    }
    regex_syntax::ParserBuilder::new()
        .nest_limit(64)
        .build()
        .parse(pattern)
        .map(|_| ())
        .map_err(|error| match &error {
            regex_syntax::Error::Parse(e) => e.kind().to_string(),
            regex_syntax::Error::Translate(e) => e.kind().to_string(),
            other => other
                .to_string()
                .lines()
                .last()
                .unwrap_or_default()
                .to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::check_pattern;

    #[test]
    fn patterns_are_parsed_like_the_regex_crate() {
        assert!(check_pattern("^[a-z0-9_]{1,64}$").is_ok());
        let message = check_pattern("(unclosed").unwrap_err();
        assert!(message.contains("unclosed"), "{message}");
        assert!(check_pattern("(?=look)").is_err());
        assert!(check_pattern(&"a".repeat(2000)).is_err());
    }
}
