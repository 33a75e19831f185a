//! Checks of the spec's constraints, run by generated code before anything is sent.
//!
//! Each check is one call per documented constraint, taking the builder's field as it is
//! (a value or an `Option` of one, see [`Checked`]; `None` passes) and the limit as a
//! range in the field's own type, so that `i64` limits compare exactly:
//!
//! ```
//! use feishu_runtime::validate::{check_items, check_range};
//!
//! let offset: i32 = 5;
//! let ids: Option<Vec<String>> = None;
//! assert!(check_range("offset", &offset, 0..).is_ok());
//! assert!(check_items("ids", &ids, ..=10).is_ok());
//! ```
//!
//! The public functions are tiny and `#[inline]`; each hands what it found to a
//! non-generic function that builds the error, compiled once in this crate.

use std::collections::HashMap;
use std::fmt::Display;
use std::ops::{Bound, RangeBounds};
use std::sync::{Mutex, OnceLock, PoisonError};

use regex::Regex;

use crate::error::{Error, InvalidRequest};
use crate::multipart::FilePart;

/// A field a check reads: a number, a string, a list or a file part, or an `Option` of
/// one (`None`, an optional parameter left unset, passes every check).
pub trait Checked {
    /// What the check looks at: `i32`, `i64`, `f64`, `str`, `[T]` or [`FilePart`].
    type Value: ?Sized;
    /// The value, if the field holds one.
    fn checked(&self) -> Option<&Self::Value>;
}

macro_rules! checked_as_itself {
    ($($ty:ty),*) => {$(
        impl Checked for $ty {
            type Value = $ty;
            #[inline]
            fn checked(&self) -> Option<&$ty> {
                Some(self)
            }
        }
    )*};
}
checked_as_itself!(i32, i64, f64, FilePart);

impl Checked for String {
    type Value = str;
    #[inline]
    fn checked(&self) -> Option<&str> {
        Some(self)
    }
}

impl<T> Checked for Vec<T> {
    type Value = [T];
    #[inline]
    fn checked(&self) -> Option<&[T]> {
        Some(self)
    }
}

impl<C: Checked> Checked for Option<C> {
    type Value = C::Value;
    #[inline]
    fn checked(&self) -> Option<&C::Value> {
        self.as_ref().and_then(Checked::checked)
    }
}

/// Fails with [`Error::InvalidRequest`] unless the number is within `range` (NaN never
/// is). The range is in the field's type, so `i64` values compare exactly.
///
/// ```
/// # use feishu_runtime::validate::check_range;
/// assert!(check_range("limit", &5, 0..=10).is_ok());
/// assert!(check_range("limit", &11, 0..=10).is_err());
/// assert!(check_range("score", &Some(0.5), 0.0..=1.0).is_ok());
/// assert!(check_range("score", &None::<f64>, 0.0..=1.0).is_ok());
/// assert!(check_range("id", &i64::MAX, ..=9_007_199_254_740_992).is_err());
/// ```
#[inline]
pub fn check_range<F, T>(
    parameter: &'static str,
    field: &F,
    range: impl RangeBounds<T>,
) -> Result<(), Error>
where
    F: Checked<Value = T> + ?Sized,
    T: PartialOrd + Display,
{
    match field.checked() {
        Some(value) if !range.contains(value) => Err(out_of_range(
            parameter,
            value.to_string(),
            text(range.start_bound()),
            text(range.end_bound()),
            "",
        )),
        _ => Ok(()),
    }
}

/// Fails with [`Error::InvalidRequest`] unless a list's number of items is within `range`.
///
/// ```
/// # use feishu_runtime::validate::check_items;
/// assert!(check_items("period_ids", &vec![1; 10], ..=10).is_ok());
/// assert!(check_items("period_ids", &Some(vec![1; 11]), ..=10).is_err());
/// ```
#[inline]
pub fn check_items<F, T>(
    parameter: &'static str,
    field: &F,
    range: impl RangeBounds<usize>,
) -> Result<(), Error>
where
    F: Checked<Value = [T]> + ?Sized,
{
    match field.checked().map(<[T]>::len) {
        Some(len) if !range.contains(&len) => Err(out_of_range(
            parameter,
            format!("{len} items"),
            text(range.start_bound()),
            text(range.end_bound()),
            " items",
        )),
        _ => Ok(()),
    }
}

/// Fails with [`Error::InvalidRequest`] unless the text's number of characters (Unicode
/// scalar values, as the platform's pages count them) is within `range`.
///
/// ```
/// # use feishu_runtime::validate::check_length;
/// assert!(check_length("name", &"好好".to_owned(), 1..=2).is_ok());
/// assert!(check_length("name", &Some(String::new()), 1..).is_err());
/// ```
#[inline]
pub fn check_length<F>(
    parameter: &'static str,
    field: &F,
    range: impl RangeBounds<usize>,
) -> Result<(), Error>
where
    F: Checked<Value = str> + ?Sized,
{
    match field.checked().map(|value| value.chars().count()) {
        Some(len) if !range.contains(&len) => Err(out_of_range(
            parameter,
            format!("{len} characters"),
            text(range.start_bound()),
            text(range.end_bound()),
            " characters",
        )),
        _ => Ok(()),
    }
}

/// The text of a bound for a message; `None` when unbounded.
fn text<T: Display>(bound: Bound<&T>) -> Bound<String> {
    bound.map(ToString::to_string)
}

/// The error of a failed range, item or length check. Not generic: one copy serves
/// every check.
#[cold]
#[inline(never)]
fn out_of_range(
    parameter: &'static str,
    value: String,
    min: Bound<String>,
    max: Bound<String>,
    unit: &str,
) -> Error {
    let rule = match (min, max) {
        (Bound::Included(min), Bound::Included(max)) => {
            format!("must be between {min} and {max}{unit}")
        }
        (min, max) => {
            let parts: Vec<String> = [
                match min {
                    Bound::Included(min) => Some(format!("at least {min}{unit}")),
                    Bound::Excluded(min) => Some(format!("more than {min}{unit}")),
                    Bound::Unbounded => None,
                },
                match max {
                    Bound::Included(max) => Some(format!("at most {max}{unit}")),
                    Bound::Excluded(max) => Some(format!("less than {max}{unit}")),
                    Bound::Unbounded => None,
                },
            ]
            .into_iter()
            .flatten()
            .collect();
            if parts.is_empty() {
                "must be a number".to_owned()
            } else {
                format!("must be {}", parts.join(" and "))
            }
        }
    };
    InvalidRequest::new(parameter, value, rule).into()
}

/// Fails with [`Error::InvalidRequest`] unless the text matches `pattern` (syntax of the
/// `regex` crate; the match is not anchored unless the pattern says `^...$`). Each
/// pattern is compiled once and cached; an invalid pattern is an `InvalidRequest`.
///
/// ```
/// # use feishu_runtime::validate::check_pattern;
/// assert!(check_pattern("color", &"#00ff00".to_owned(), "^#[0-9a-fA-F]{6}$").is_ok());
/// assert!(check_pattern("color", &Some("green".to_owned()), "^#[0-9a-fA-F]{6}$").is_err());
/// ```
#[inline]
pub fn check_pattern<F>(
    parameter: &'static str,
    field: &F,
    pattern: &'static str,
) -> Result<(), Error>
where
    F: Checked<Value = str> + ?Sized,
{
    match field.checked() {
        Some(value) => pattern_matches(parameter, value, pattern),
        None => Ok(()),
    }
}

fn pattern_matches(
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
///
/// ```
/// # use feishu_runtime::{multipart::FilePart, validate::check_file_size};
/// assert!(check_file_size("image", &FilePart::bytes(vec![0; 10]), 10).is_ok());
/// assert!(check_file_size("image", &Some(FilePart::bytes(vec![0; 11])), 10).is_err());
/// ```
#[inline]
pub fn check_file_size<F>(parameter: &'static str, field: &F, max: u64) -> Result<(), Error>
where
    F: Checked<Value = FilePart> + ?Sized,
{
    match field.checked() {
        Some(part) => file_fits(parameter, part, max),
        None => Ok(()),
    }
}

fn file_fits(parameter: &'static str, part: &FilePart, max: u64) -> Result<(), Error> {
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
            message(check_range("limit", &11, 0..=10)),
            "invalid request: parameter `limit` = \"11\": must be between 0 and 10"
        );
        assert_eq!(
            message(check_range("offset", &-1, 0..)),
            "invalid request: parameter `offset` = \"-1\": must be at least 0"
        );
        assert_eq!(
            message(check_range("score", &Some(1.5), ..=1.0)),
            "invalid request: parameter `score` = \"1.5\": must be at most 1"
        );
        assert!(check_range("limit", &0, 0..=10).is_ok());
        assert!(check_range("limit", &10, 0..=10).is_ok());
        assert!(check_range("x", &f64::NAN, 0.0..).is_err());
        assert!(check_range("x", &Some(f64::NAN), ..=1.0).is_err());
        assert!(check_range("x", &1.5, 0.0..).is_ok());
    }

    #[test]
    fn an_unset_optional_field_passes_every_check() {
        assert!(check_range("x", &None::<i32>, 0..=1).is_ok());
        assert!(check_items("x", &None::<Vec<u8>>, 1..).is_ok());
        assert!(check_length("x", &None::<String>, 1..).is_ok());
        assert!(check_pattern("x", &None::<String>, "^a$").is_ok());
        assert!(check_file_size("x", &None::<FilePart>, 0).is_ok());
    }

    #[test]
    fn i64_ranges_compare_exactly_beyond_f64_precision() {
        // 2^53 + 1 rounds to 2^53 as an f64; compared as i64 it is above the limit.
        let limit = 9_007_199_254_740_992_i64;
        assert!(check_range("id", &(limit + 1), ..=limit).is_err());
        assert!(check_range("id", &limit, ..=limit).is_ok());
        assert_eq!(
            message(check_range("id", &Some(i64::MIN), 0..)),
            "invalid request: parameter `id` = \"-9223372036854775808\": must be at least 0"
        );
    }

    #[test]
    fn excluded_bounds_are_described() {
        use std::ops::Bound;
        assert_eq!(
            message(check_range(
                "x",
                &5,
                (Bound::Excluded(5), Bound::Excluded(9))
            )),
            "invalid request: parameter `x` = \"5\": must be more than 5 and less than 9"
        );
    }

    #[test]
    fn items_name_parameter_count_and_limit() {
        assert_eq!(
            message(check_items("user_id_lists", &Vec::<String>::new(), 1..=50)),
            "invalid request: parameter `user_id_lists` = \"0 items\": must be between 1 and 50 items"
        );
        assert!(check_items("period_ids", &Some(vec![0; 10]), ..=10).is_ok());
        assert!(check_items("task_option_lists", &vec![0; 4], ..=3).is_err());
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(check_length("name", &"好好好".to_owned(), ..=3).is_ok());
        assert_eq!(
            message(check_length("name", &Some("好好好好".to_owned()), 1..=3)),
            "invalid request: parameter `name` = \"4 characters\": must be between 1 and 3 characters"
        );
        assert!(check_length("name", &String::new(), 1..).is_err());
    }

    #[test]
    fn pattern_matches_and_a_bad_pattern_is_an_error_not_a_panic() {
        assert!(check_pattern("id", &"om_123".to_owned(), "^om_[0-9]+$").is_ok());
        assert!(check_pattern("id", &Some("om_12x".to_owned()), "^om_[0-9]+$").is_err());
        // Twice: the cached failure is reported the same way.
        for _ in 0..2 {
            let text = message(check_pattern("id", &"x".to_owned(), "(unclosed"));
            assert!(text.contains("unusable pattern"), "{text}");
        }
    }

    #[test]
    fn file_size_is_checked_for_bytes_paths_and_declared_streams() {
        assert!(check_file_size("image", &FilePart::bytes(vec![0; 10]), 10).is_ok());
        assert!(check_file_size("image", &Some(FilePart::bytes(vec![0; 11])), 10).is_err());
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
