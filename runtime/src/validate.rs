//! Checks of the spec's constraints, run by generated code before anything is sent.

use crate::error::{Error, InvalidRequest};

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
    use super::{check_items, check_range};
    use crate::error::Error;

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
}
