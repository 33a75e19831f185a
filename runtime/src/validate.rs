//! Checks of the spec's constraints, run by generated code before anything is sent.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use regex::Regex;

use crate::error::{Error, InvalidRequest};
use crate::multipart::FilePart;

/// Fails with [`Error::InvalidRequest`] unless `min <= value <= max` (each bound optional).
///
/// ```
/// # use feishu_runtime::validate::check_range;
/// assert!(check_range("limit", 5.0, Some(0.0), Some(10.0)).is_ok());
/// assert!(check_range("limit", 11.0, Some(0.0), Some(10.0)).is_err());
/// ```
pub fn check_range(
    parameter: &'static str,
    value: f64,
    min: Option<f64>,
    max: Option<f64>,
) -> Result<(), Error> {
    // NaN fails every comparison, so it is checked explicitly rather than slipping through.
    let below = value.is_nan() || min.is_some_and(|min| value < min);
    let above = value.is_nan() || max.is_some_and(|max| value > max);
    if below || above {
        return Err(InvalidRequest::new(parameter, number(value), bounds(min, max, "")).into());
    }
    Ok(())
}

/// Fails with [`Error::InvalidRequest`] unless a list has between `min` and `max` items.
///
/// ```
/// # use feishu_runtime::validate::check_items;
/// assert!(check_items("period_ids", 10, None, Some(10)).is_ok());
/// assert!(check_items("period_ids", 11, None, Some(10)).is_err());
/// ```
pub fn check_items(
    parameter: &'static str,
    len: usize,
    min: Option<usize>,
    max: Option<usize>,
) -> Result<(), Error> {
    if min.is_some_and(|min| len < min) || max.is_some_and(|max| len > max) {
        let as_f64 = |n: usize| n as f64;
        return Err(InvalidRequest::new(
            parameter,
            format!("{len} items"),
            bounds(min.map(as_f64), max.map(as_f64), " items"),
        )
        .into());
    }
    Ok(())
}

/// Fails with [`Error::InvalidRequest`] unless `value` has between `min` and `max`
/// characters (Unicode scalar values, as the platform's pages count them).
///
/// ```
/// # use feishu_runtime::validate::check_length;
/// assert!(check_length("name", "好好", Some(1), Some(2)).is_ok());
/// assert!(check_length("name", "", Some(1), None).is_err());
/// ```
pub fn check_length(
    parameter: &'static str,
    value: &str,
    min: Option<usize>,
    max: Option<usize>,
) -> Result<(), Error> {
    let len = value.chars().count();
    if min.is_some_and(|min| len < min) || max.is_some_and(|max| len > max) {
        let as_f64 = |n: usize| n as f64;
        return Err(InvalidRequest::new(
            parameter,
            format!("{len} characters"),
            bounds(min.map(as_f64), max.map(as_f64), " characters"),
        )
        .into());
    }
    Ok(())
}

/// Fails with [`Error::InvalidRequest`] unless `value` matches `pattern` (syntax of the
/// `regex` crate; the match is not anchored unless the pattern says `^...$`). Each
/// pattern is compiled once and cached; an invalid pattern is an `InvalidRequest`.
///
/// ```
/// # use feishu_runtime::validate::check_pattern;
/// assert!(check_pattern("color", "#00ff00", "^#[0-9a-fA-F]{6}$").is_ok());
/// assert!(check_pattern("color", "green", "^#[0-9a-fA-F]{6}$").is_err());
/// ```
pub fn check_pattern(
    parameter: &'static str,
    value: &str,
    pattern: &'static str,
) -> Result<(), Error> {
    let regex = compiled(pattern).map_err(|message| {
        InvalidRequest::new(
            parameter,
            "<value>",
            format!("has an unusable pattern: {message}"),
        )
    })?;
    if regex.is_match(value) {
        return Ok(());
    }
    // The value is echoed only in part: it may be long.
    let shown: String = value.chars().take(64).collect();
    Err(InvalidRequest::new(
        parameter,
        shown,
        format!("must match the pattern {pattern}"),
    )
    .into())
}

/// The compiled `pattern`, from a process-wide cache keyed by the static text. The
/// patterns come from the spec, so the cache is bounded by the number of patterns in it.
fn compiled(pattern: &'static str) -> Result<Regex, String> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Result<Regex, String>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
    cache
        .entry(pattern)
        .or_insert_with(|| {
            regex::RegexBuilder::new(pattern)
                // Bounds compile time and memory for a hostile pattern.
                .size_limit(1 << 20)
                .build()
                .map_err(|error| error.to_string())
        })
        .clone()
}

/// Fails with [`Error::InvalidRequest`] if the file part is larger than `max` bytes: in
/// memory, its length; on disk, its size now; a stream, its declared length. The limit
/// is also enforced while the part is sent, so a file that grows or a stream of unknown
/// length stops at `max` bytes (the call then fails).
pub fn check_file_size(parameter: &'static str, part: &FilePart, max: u64) -> Result<(), Error> {
    part.limit_to(max);
    match part.checked_len()? {
        Some(len) if len > max => Err(InvalidRequest::new(
            parameter,
            format!("{len} bytes"),
            format!("must be at most {max} bytes"),
        )
        .into()),
        _ => Ok(()),
    }
}

fn bounds(min: Option<f64>, max: Option<f64>, unit: &str) -> String {
    match (min, max) {
        (Some(min), Some(max)) => {
            format!("must be between {} and {}{unit}", number(min), number(max))
        }
        (Some(min), None) => format!("must be at least {}{unit}", number(min)),
        (None, Some(max)) => format!("must be at most {}{unit}", number(max)),
        (None, None) => "must be a number".to_owned(),
    }
}

/// Whole numbers without a trailing `.0`, since most limits are integers.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::{check_file_size, check_items, check_length, check_pattern, check_range};
    use crate::error::Error;
    use crate::multipart::FilePart;

    fn message(result: Result<(), Error>) -> String {
        match result {
            Err(Error::InvalidRequest(invalid)) => invalid.to_string(),
            other => format!("unexpected {other:?}"),
        }
    }

    #[test]
    fn range_names_parameter_value_and_limit() {
        assert_eq!(
            message(check_range("limit", 11.0, Some(0.0), Some(10.0))),
            "invalid request: parameter `limit` = \"11\": must be between 0 and 10"
        );
        assert!(check_range("limit", 0.0, Some(0.0), Some(10.0)).is_ok());
        assert!(check_range("x", f64::NAN, None, None).is_err());
        assert!(check_range("x", 1.5, None, None).is_ok());
    }

    #[test]
    fn items_name_parameter_count_and_limit() {
        assert_eq!(
            message(check_items("user_id_lists", 0, Some(1), Some(50))),
            "invalid request: parameter `user_id_lists` = \"0 items\": must be between 1 and 50 items"
        );
        assert!(check_items("period_ids", 10, None, Some(10)).is_ok());
        assert!(check_items("task_option_lists", 4, None, Some(3)).is_err());
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(check_length("name", "好好好", None, Some(3)).is_ok());
        assert_eq!(
            message(check_length("name", "好好好好", Some(1), Some(3))),
            "invalid request: parameter `name` = \"4 characters\": must be between 1 and 3 characters"
        );
        assert!(check_length("name", "", Some(1), None).is_err());
    }

    #[test]
    fn pattern_matches_and_a_bad_pattern_is_an_error_not_a_panic() {
        assert!(check_pattern("id", "om_123", "^om_[0-9]+$").is_ok());
        assert!(check_pattern("id", "om_12x", "^om_[0-9]+$").is_err());
        // Twice: the cached failure is reported the same way.
        for _ in 0..2 {
            let text = message(check_pattern("id", "x", "(unclosed"));
            assert!(text.contains("unusable pattern"), "{text}");
        }
    }

    #[test]
    fn file_size_is_checked_for_bytes_paths_and_declared_streams() {
        assert!(check_file_size("image", &FilePart::bytes(vec![0; 10]), 10).is_ok());
        assert!(check_file_size("image", &FilePart::bytes(vec![0; 11]), 10).is_err());
        let stream = FilePart::reader(tokio::io::empty(), Some(11));
        assert!(check_file_size("image", &stream, 10).is_err());
        let unknown = FilePart::reader(tokio::io::empty(), None);
        assert!(check_file_size("image", &unknown, 10).is_ok());
        let missing = FilePart::path("/nonexistent/feishu-runtime-test-file");
        assert!(matches!(
            check_file_size("image", &missing, 10),
            Err(Error::File(_))
        ));
    }
}
