//! Finds where a JSON path (`data.items[2].id`) lies in an example's text,
//! so a diagnostic about an example can point at the offending key or item
//! rather than at the start of the block.
//!
//! serde_json keeps no positions for values, and no well-kept crate gives
//! spans for a path cheaply; the text was already parsed by serde_json (so
//! it is valid JSON nested at most 128 deep), which leaves only skipping
//! strings and brackets: a few dozen lines.

use serde_json::Value;

use crate::diagnostic::Position;
use crate::source::SourceFile;

/// One step of a JSON path.
#[derive(Clone, Debug)]
pub(super) enum Step {
    Key(String),
    Index(usize),
    /// Into the JSON text of a `json_string` field.
    Parsed,
}

/// `data.items[2].id`, `data["zh-CN"]`, `content(json).text`.
pub(super) fn path_text(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                let plain =
                    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if plain {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                } else {
                    out.push_str(&format!("[{}]", Value::String(key.clone())));
                }
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
            Step::Parsed => out.push_str("(json)"),
        }
    }
    if out.is_empty() {
        "(top level)".into()
    } else {
        out
    }
}

/// The file position of the last step of `path` inside `text` (a key's
/// opening quote, an array item's first character), when the example is a
/// `|` block whose lines appear verbatim in the file from `start`; `None`
/// otherwise, or when the path is not found.
pub(super) fn locate(
    source: &SourceFile,
    start: Position,
    text: &str,
    path: &[Step],
) -> Option<Position> {
    let offset = find(text.as_bytes(), path)?;
    let line_index = text[..offset].matches('\n').count();
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let column_chars = text[line_start..offset].chars().count();
    let json_line = text[line_start..].lines().next().unwrap_or_default();
    let in_file = source.line_str(start.line + line_index)?;
    let from_start: String = in_file.chars().skip(start.column - 1).collect();
    (from_start.trim_end() == json_line.trim_end()).then_some(Position {
        line: start.line + line_index,
        column: start.column + column_chars,
    })
}

/// Byte offset of the path's last step in `text`.
fn find(text: &[u8], path: &[Step]) -> Option<usize> {
    let mut at = skip_ws(text, 0);
    let mut found = at;
    for step in path {
        match step {
            Step::Key(wanted) => {
                let (key_at, value_at) = member(text, at, wanted)?;
                found = key_at;
                at = value_at;
            }
            Step::Index(wanted) => {
                at = element(text, at, *wanted)?;
                found = at;
            }
            // Inside a string's JSON text: the string itself is the place.
            Step::Parsed => return Some(found),
        }
    }
    Some(found)
}

fn skip_ws(text: &[u8], mut at: usize) -> usize {
    while text.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
        at += 1;
    }
    at
}

/// The end of the value starting at `at`.
fn skip_value(text: &[u8], at: usize) -> Option<usize> {
    match text.get(at)? {
        b'"' => skip_string(text, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            while let Some(&b) = text.get(i) {
                match b {
                    b'"' => {
                        i = skip_string(text, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        _ => {
            let mut i = at;
            while text
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
            {
                i += 1;
            }
            Some(i)
        }
    }
}

fn skip_string(text: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    loop {
        match text.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// In the object at `at`, the offsets of the key `wanted` and its value.
fn member(text: &[u8], at: usize, wanted: &str) -> Option<(usize, usize)> {
    if text.get(at) != Some(&b'{') {
        return None;
    }
    let mut i = skip_ws(text, at + 1);
    let mut hit = None;
    while text.get(i) == Some(&b'"') {
        let key_end = skip_string(text, i)?;
        let key: String = serde_json::from_slice(&text[i..key_end]).ok()?;
        let value_at = skip_ws(text, skip_ws(text, key_end) + 1);
        // The last of repeated keys wins, as in serde_json.
        if key == wanted {
            hit = Some((i, value_at));
        }
        i = skip_ws(text, skip_value(text, value_at)?);
        if text.get(i) == Some(&b',') {
            i = skip_ws(text, i + 1);
        }
    }
    hit
}

/// In the array at `at`, the offset of item `wanted`.
fn element(text: &[u8], at: usize, wanted: usize) -> Option<usize> {
    if text.get(at) != Some(&b'[') {
        return None;
    }
    let mut i = skip_ws(text, at + 1);
    let mut index = 0;
    while text.get(i).is_some_and(|&b| b != b']') {
        if index == wanted {
            return Some(i);
        }
        i = skip_ws(text, skip_value(text, i)?);
        if text.get(i) == Some(&b',') {
            i = skip_ws(text, i + 1);
        }
        index += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Step {
        Step::Key(k.into())
    }

    #[test]
    fn finds_keys_and_items_past_strings_with_brackets() {
        let text = r#"{"a": "}]\"", "data": {"items": [1, {"id": 2}, {"id": "x"}]}}"#;
        let at = find(
            text.as_bytes(),
            &[key("data"), key("items"), Step::Index(2), key("id")],
        );
        assert_eq!(&text[at.unwrap()..at.unwrap() + 4], r#""id""#);
        let at = find(
            text.as_bytes(),
            &[key("data"), key("items"), Step::Index(1)],
        )
        .unwrap();
        assert_eq!(&text[at..at + 1], "{");
        assert_eq!(find(text.as_bytes(), &[key("nope")]), None);
        assert_eq!(
            find(
                text.as_bytes(),
                &[key("data"), key("items"), Step::Index(9)]
            ),
            None
        );
    }

    #[test]
    fn a_truncated_text_is_not_found_and_does_not_panic() {
        for text in ["{\"a\": [1, 2", "{\"a\": \"unterminated", "[", "{\"a\"", ""] {
            let _ = find(text.as_bytes(), &[key("a"), Step::Index(5)]);
        }
    }
}
