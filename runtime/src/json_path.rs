//! The JSON path (`okr_list[0].total`) of a position in a JSON text.
//!
//! Decoding uses plain `serde_json` on the happy path; only when it fails is
//! the failing field located, by scanning the text up to the error's
//! line and column. This keeps tracking out of every successful decode and
//! keeps the per-endpoint generic code to one deserializer.

/// One step of a path.
enum Step {
    /// Inside an object; the key most recently read, if any.
    Object(Option<String>),
    /// Inside an array; the index of the current element.
    Array(usize),
}

/// The path of the value at 1-based `line`/`column` in `json`, or `.` for
/// the top level.
pub(crate) fn path_at(json: &str, line: usize, column: usize) -> String {
    let end = offset_of(json, line, column).min(json.len());
    let mut stack: Vec<Step> = Vec::new();
    let mut chars = json[..end].char_indices().peekable();
    // Whether the next string in an object is a key (before `:`).
    let mut expect_key = false;
    while let Some((_, c)) = chars.next() {
        match c {
            '{' => {
                stack.push(Step::Object(None));
                expect_key = true;
            }
            '[' => {
                stack.push(Step::Array(0));
                expect_key = false;
            }
            '}' | ']' => {
                stack.pop();
                expect_key = false;
            }
            ',' => match stack.last_mut() {
                Some(Step::Array(index)) => *index += 1,
                Some(Step::Object(_)) => expect_key = true,
                None => {}
            },
            ':' => expect_key = false,
            '"' => {
                let mut text = String::new();
                let mut escaped = false;
                for (_, c) in chars.by_ref() {
                    match (escaped, c) {
                        (true, _) => {
                            text.push(c);
                            escaped = false;
                        }
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        (false, _) => text.push(c),
                    }
                }
                if expect_key && let Some(Step::Object(key)) = stack.last_mut() {
                    *key = Some(text);
                }
            }
            _ => {}
        }
    }
    let mut path = String::new();
    for step in &stack {
        match step {
            Step::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Step::Object(None) => {}
            Step::Array(index) => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() {
        ".".to_owned()
    } else {
        path
    }
}

/// Byte offset of 1-based `line` and `column` (serde_json counts columns in
/// bytes).
fn offset_of(json: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (index, text) in json.split_inclusive('\n').enumerate() {
        if index + 1 == line {
            return offset + column.min(text.len());
        }
        offset += text.len();
    }
    json.len()
}

#[cfg(test)]
mod tests {
    use super::path_at;
    use serde::Deserialize;

    fn path_of_error<T: for<'de> Deserialize<'de>>(json: &str) -> String {
        match serde_json::from_str::<T>(json) {
            Ok(_) => panic!("expected a decode error"),
            Err(error) => path_at(json, error.line(), error.column()),
        }
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Page {
        total: Option<i32>,
        okr_list: Option<Vec<Okr>>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Okr {
        id: Option<String>,
        name: Option<String>,
        tags: Option<Vec<i32>>,
    }

    #[test]
    fn finds_the_failing_field() {
        assert_eq!(path_of_error::<Page>(r#"{"total": "x"}"#), "total");
        assert_eq!(
            path_of_error::<Page>(r#"{"okr_list": [{"id": "1"}, {"id": 2}]}"#),
            "okr_list[1].id"
        );
        assert_eq!(
            path_of_error::<Page>(
                "{\n  \"total\": 1,\n  \"okr_list\": [\n    {\"name\": \"a,b:{[\\\"\", \"tags\": [1, \"x\"]}\n  ]\n}"
            ),
            "okr_list[0].tags[1]"
        );
        assert_eq!(path_of_error::<Page>(r#"[1]"#), ".");
    }
}
