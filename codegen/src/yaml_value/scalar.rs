//! What a YAML scalar means, by serde_yaml 0.9's rules, so that a value built
//! from yaml-rust2 events equals what `serde_yaml::from_str` gives.
//!
//! The functions below are ported from serde_yaml 0.9.34's `src/de.rs`
//! (`visit_scalar`, `visit_untagged_scalar`, `visit_int` and their helpers;
//! MIT OR Apache-2.0, as this crate). serde_yaml does not export them, and a
//! second parse with it is exactly what this module replaces. The
//! differential test (`codegen/tests/yaml_value.rs`) pins the two together.

use serde_yaml::Value;
use serde_yaml::value::{Tag, TaggedValue};
use yaml_rust2::parser::Tag as EventTag;
use yaml_rust2::scanner::TScalarStyle;

const BOOL: &str = "tag:yaml.org,2002:bool";
const INT: &str = "tag:yaml.org,2002:int";
const FLOAT: &str = "tag:yaml.org,2002:float";
const NULL: &str = "tag:yaml.org,2002:null";

/// The value of a scalar event, or why serde_yaml would refuse it.
pub(super) fn scalar(
    text: String,
    style: TScalarStyle,
    tag: Option<&EventTag>,
) -> Result<Value, String> {
    let plain = style == TScalarStyle::Plain;
    let Some(tag) = tag else {
        return if plain {
            untagged(text)
        } else {
            Ok(Value::String(text))
        };
    };
    let full = full_tag(tag);
    if let Some(local) = local_tag(&full) {
        // A `!custom` tag wraps the value; a plain scalar inside it still
        // resolves to null, a bool or a number.
        let value = if plain {
            untagged(text)?
        } else {
            Value::String(text)
        };
        return Ok(tagged(local, value));
    }
    // Core-schema tags force a type, whatever the quoting.
    match full.as_str() {
        BOOL => parse_bool(&text)
            .map(Value::Bool)
            .ok_or_else(|| invalid(&text, "a boolean")),
        INT => match integer(&text) {
            Some(result) => result,
            None => Err(invalid(&text, "an integer")),
        },
        FLOAT => parse_f64(&text)
            .map(|f| Value::Number(f.into()))
            .ok_or_else(|| invalid(&text, "a float")),
        NULL => match text.as_str() {
            "null" | "Null" | "NULL" | "~" => Ok(Value::Null),
            _ => Err(invalid(&text, "null")),
        },
        // `!!str`, `!!binary`, a verbatim `!<tag:…>`: the text as it is.
        _ => Ok(Value::String(text)),
    }
}

/// A tag as libyaml spells it: the resolved prefix and the suffix.
pub(super) fn full_tag(tag: &EventTag) -> String {
    format!("{}{}", tag.handle, tag.suffix)
}

/// The name serde_yaml gives a `!local` tag (without its `!`; a bare `!`
/// stays `!`), or `None` for a global tag (`tag:yaml.org,2002:str`), which
/// serde_yaml does not keep.
pub(super) fn local_tag(full: &str) -> Option<&str> {
    match full.strip_prefix('!')? {
        "" => Some(full),
        rest => Some(rest),
    }
}

/// `value` wrapped in a custom tag.
pub(super) fn tagged(tag: &str, value: Value) -> Value {
    Value::Tagged(Box::new(TaggedValue {
        tag: Tag::new(tag),
        value,
    }))
}

fn invalid(text: &str, expected: &str) -> String {
    format!("invalid value: string {text:?}, expected {expected}")
}

/// A plain scalar without a tag: null, a bool, an integer, a float, or text.
fn untagged(text: String) -> Result<Value, String> {
    if text.is_empty() || matches!(text.as_str(), "null" | "Null" | "NULL" | "~") {
        return Ok(Value::Null);
    }
    if let Some(boolean) = parse_bool(&text) {
        return Ok(Value::Bool(boolean));
    }
    if let Some(result) = integer(&text) {
        return result;
    }
    if !digits_but_not_number(&text)
        && let Some(float) = parse_f64(&text)
    {
        return Ok(Value::Number(float.into()));
    }
    Ok(Value::String(text))
}

/// An integer, if `text` is one. serde_yaml reads integers that need 65 to
/// 128 bits but its `Value` cannot hold them, so they are an error there
/// (and here), not a float or a string; longer digit strings fall through
/// to floats.
fn integer(text: &str) -> Option<Result<Value, String>> {
    if let Some(int) = parse_unsigned_int(text, u64::from_str_radix) {
        return Some(Ok(Value::Number(int.into())));
    }
    if let Some(int) = parse_negative_int(text, i64::from_str_radix) {
        return Some(Ok(Value::Number(int.into())));
    }
    let too_big = |kind: &str, shown: String| {
        Err(format!(
            "invalid type: integer `{shown}` as {kind}, expected any YAML value (integers must fit in 64 bits)"
        ))
    };
    if let Some(int) = parse_unsigned_int(text, u128::from_str_radix) {
        return Some(too_big("u128", int.to_string()));
    }
    if let Some(int) = parse_negative_int(text, i128::from_str_radix) {
        return Some(too_big("i128", int.to_string()));
    }
    None
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

type Radix<T> = fn(&str, u32) -> Result<T, std::num::ParseIntError>;

/// `0x`, `0o` and `0b` prefixes; `+` allowed, `-` not.
fn parse_unsigned_int<T>(scalar: &str, from_str_radix: Radix<T>) -> Option<T> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(unpositive, 10).ok()
}

/// Negative integers (`-12`, `-0x1F`, …). serde_yaml tries this after the
/// unsigned form, so it also reads `-0` and, for the decimal form, any
/// signed number.
fn parse_negative_int<T>(scalar: &str, from_str_radix: Radix<T>) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix)
            && let Ok(int) = from_str_radix(&format!("-{rest}"), radix)
        {
            return Some(int);
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(scalar, 10).ok()
}

/// Finite floats and the `.inf`/`.nan` spellings; Rust's own `inf`, `NaN`
/// and overflowing literals such as `1e400` are not floats (they stay text).
fn parse_f64(scalar: &str) -> Option<f64> {
    let unpositive = match scalar.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => scalar,
    };
    if let ".inf" | ".Inf" | ".INF" = unpositive {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = scalar {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = scalar {
        return Some(f64::NAN.copysign(1.0));
    }
    unpositive.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A leading zero followed by digits (`0123`) is text in YAML 1.2.
fn digits_but_not_number(scalar: &str) -> bool {
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}
