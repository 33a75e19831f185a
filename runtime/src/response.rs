//! Decoding of the `{code, msg, data, error}` response envelope.

use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use std::time::Duration;

use crate::error::{ApiError, DecodeError, Error, RateLimited};
use crate::json_path;

const LOG_ID_HEADER: &str = "x-tt-logid";
const RATE_LIMIT_RESET_HEADER: &str = "x-ogw-ratelimit-reset";
const BODY_START_LIMIT: usize = 512;
/// The gateway's "request trigger frequency limit" code; older APIs send it with HTTP 400.
pub(crate) const RATE_LIMITED_CODE: i64 = 99991400;
const HTTP_TOO_MANY_REQUESTS: u16 = 429;

/// A response as received, before any interpretation.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl RawResponse {
    /// The `X-Tt-Logid` header, which support asks for when investigating a call.
    pub(crate) fn log_id(&self) -> Option<&str> {
        self.headers
            .get(LOG_ID_HEADER)
            .and_then(|value| value.to_str().ok())
            .filter(|value| !value.is_empty())
    }

    /// `x-ogw-ratelimit-reset`: whole seconds until the gateway's window resets.
    pub(crate) fn rate_limit_reset(&self) -> Option<Duration> {
        self.headers
            .get(RATE_LIMIT_RESET_HEADER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<f64>().ok())
            .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
            // Capped so a garbled header cannot park a caller for days.
            .map(|seconds| Duration::from_secs_f64(seconds.min(3600.0)))
    }
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    msg: Option<String>,
    // Kept raw so `data` is parsed exactly once, straight into the caller's type.
    #[serde(default, borrow)]
    data: Option<&'a RawValue>,
    #[serde(default, borrow)]
    error: Option<&'a RawValue>,
}

/// A successful envelope: the response it came in and its `data`, still as
/// JSON text, so the retry machinery never depends on the caller's type.
#[derive(Debug)]
pub(crate) struct Success {
    response: RawResponse,
    /// `data`, or `{}` when the envelope has none.
    data: Box<RawValue>,
}

/// Checks the envelope: a success keeps `data` raw; anything else becomes
/// the matching error. Not generic, so it is compiled once for all
/// endpoints.
pub(crate) fn check(response: RawResponse) -> Result<Success, Error> {
    let success = (200..300).contains(&response.status);
    let envelope: Envelope<'_> = match serde_json::from_slice(&response.body) {
        Ok(envelope) => envelope,
        Err(error) => {
            let message = if success {
                format!("body is not a JSON response envelope: {error}")
            } else {
                format!(
                    "HTTP {} without a JSON error envelope: {error}",
                    response.status
                )
            };
            return Err(decode_error(&response, None, message));
        }
    };
    match envelope.code {
        // A non-2xx status is a failure even if the envelope claims success.
        Some(code) if code != 0 || !success => return Err(api_error(&response, code, envelope)),
        Some(_) => {}
        None => {
            return Err(decode_error(
                &response,
                None,
                "response envelope has no `code`".to_owned(),
            ));
        }
    }
    // A success without `data` is normal for endpoints that return nothing; decoding `{}`
    // lets such endpoints use `Empty` or any type whose fields are all optional.
    let data = match envelope.data {
        Some(data) if data.get() != "null" => data.to_owned(),
        _ => RawValue::from_string("{}".to_owned())
            .map_err(|error| decode_error(&response, None, error.to_string()))?,
    };
    Ok(Success { response, data })
}

/// Decodes a success's `data` into the endpoint's type: the only generic
/// step, so each endpoint adds just its own deserializer. The JSON path of
/// a failing field is worked out only when decoding fails.
pub(crate) fn decode_data<T: DeserializeOwned>(success: &Success) -> Result<T, Error> {
    let data = success.data.get();
    serde_json::from_str(data).map_err(|error| {
        let path = json_path::path_at(data, error.line(), error.column());
        decode_error(
            &success.response,
            Some(path),
            strip_position(&error.to_string()),
        )
    })
}

/// serde_json appends " at line L column C", which means nothing to a
/// caller who never saw the `data` text on its own; the JSON path says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message.to_owned(),
    }
}

fn api_error(response: &RawResponse, code: i64, envelope: Envelope<'_>) -> Error {
    let api = api_error_parts(response, code, envelope);
    if code == RATE_LIMITED_CODE || response.status == HTTP_TOO_MANY_REQUESTS {
        return Error::from(RateLimited {
            retry_after: response.rate_limit_reset(),
            api,
        });
    }
    Error::from(api)
}

fn api_error_parts(response: &RawResponse, code: i64, envelope: Envelope<'_>) -> ApiError {
    // Each part of `error` is optional and parsed on its own, so one malformed part
    // cannot hide the others or turn the API error into a decode error.
    let mut parts: Map<String, Value> = envelope
        .error
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default();
    let body_log_id: Option<String> = part(&mut parts, "log_id");
    let log_id = response
        .log_id()
        .map(str::to_owned)
        .or(body_log_id.filter(|id| !id.is_empty()));
    ApiError {
        code,
        msg: envelope.msg.unwrap_or_default(),
        http_status: response.status,
        log_id,
        troubleshooter: part(&mut parts, "troubleshooter"),
        permission_violations: part(&mut parts, "permission_violations"),
        field_violations: part(&mut parts, "field_violations"),
        helps: part(&mut parts, "helps"),
        details: part(&mut parts, "details"),
        raw_body: body_start(&response.body),
    }
}

fn part<T: DeserializeOwned + Default>(parts: &mut Map<String, Value>, key: &str) -> T {
    parts
        .remove(key)
        .and_then(|value| serde_json::from_value(value).ok())
        .unwrap_or_default()
}

fn decode_error(response: &RawResponse, json_path: Option<String>, message: String) -> Error {
    Error::from(DecodeError {
        http_status: response.status,
        log_id: response.log_id().map(str::to_owned),
        json_path,
        message,
        body_start: body_start(&response.body),
    })
}

/// The first [`BODY_START_LIMIT`] bytes as text, never splitting a UTF-8 character;
/// bodies that are not UTF-8 (some gateway pages) are shown lossily.
pub(crate) fn body_start(body: &[u8]) -> String {
    let mut end = body.len().min(BODY_START_LIMIT);
    if end < body.len() {
        // Step back over continuation bytes (0b10xx_xxxx) to the start of the cut character.
        while end > 0 && body.get(end).is_some_and(|byte| byte & 0xC0 == 0x80) {
            end -= 1;
        }
    }
    String::from_utf8_lossy(body.get(..end).unwrap_or_default()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{BODY_START_LIMIT, body_start};

    #[test]
    fn body_start_cuts_on_a_char_boundary() {
        // 511 ASCII bytes then a 3-byte character straddling the limit.
        let mut body = "a".repeat(BODY_START_LIMIT - 1).into_bytes();
        body.extend_from_slice("好好".as_bytes());
        let start = body_start(&body);
        assert_eq!(start.len(), BODY_START_LIMIT - 1);
        assert!(start.bytes().all(|byte| byte == b'a'));
    }

    #[test]
    fn body_start_keeps_short_bodies_whole() {
        assert_eq!(body_start("<html>好</html>".as_bytes()), "<html>好</html>");
        assert_eq!(body_start(b""), "");
    }

    #[test]
    fn body_start_survives_invalid_utf8() {
        assert_eq!(body_start(&[0x61, 0xFF, 0x62]), "a\u{FFFD}b");
    }
}
