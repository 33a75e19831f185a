//! Decoding of the `{code, msg, data, error}` response envelope.

use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use std::time::Duration;

use crate::error::{ApiError, DecodeError, Error, RateLimited};

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
    #[serde(default, borrow)]
    error: Option<&'a RawValue>,
}

/// A successful envelope (`code: 0`), its body already checked to be text,
/// so the retry machinery never depends on the caller's type.
#[derive(Debug)]
pub(crate) struct Success {
    /// Status and headers; the body moved to `text`.
    response: RawResponse,
    text: String,
}

impl Success {
    /// Takes the body as text: validated once here, decoded once later.
    fn new(mut response: RawResponse) -> Result<Self, Error> {
        match String::from_utf8(std::mem::take(&mut response.body)) {
            Ok(text) => Ok(Self { response, text }),
            Err(error) => {
                response.body = error.into_bytes();
                Err(decode_error(
                    &response,
                    None,
                    "body is not UTF-8 text".to_owned(),
                ))
            }
        }
    }
}

/// Checks the envelope: a success is passed on whole, to be decoded once;
/// anything else becomes the matching error. Not generic, so it is compiled
/// once for all endpoints.
pub(crate) fn check(response: RawResponse) -> Result<Success, Error> {
    let success = (200..300).contains(&response.status);
    // The platform writes `code` first. Recognising `{"code": 0,` from the
    // first bytes spares a scan of the whole body before the typed decode;
    // any other shape takes the full check below.
    if success && leading_code_is_zero(&response.body) {
        return Success::new(response);
    }
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
        Some(code) if code != 0 || !success => Err(api_error(&response, code, envelope)),
        Some(_) => Success::new(response),
        None => Err(decode_error(
            &response,
            None,
            "response envelope has no `code`".to_owned(),
        )),
    }
}

/// For a JSON answer to a download: an error if it is an envelope whose `code` is not
/// 0; anything else (JSON that is the file itself) is fine.
pub(crate) fn check_envelope_only(response: &RawResponse) -> Result<(), Error> {
    match serde_json::from_slice::<Envelope<'_>>(&response.body) {
        Ok(envelope) => match envelope.code {
            Some(code) if code != 0 => Err(api_error(response, code, envelope)),
            _ => Ok(()),
        },
        Err(_) => Ok(()),
    }
}

/// Whether `body` starts `{"code": 0` followed by `,` or `}` (whitespace
/// allowed between tokens).
fn leading_code_is_zero(body: &[u8]) -> bool {
    fn skip_whitespace(rest: &[u8]) -> &[u8] {
        let start = rest
            .iter()
            .position(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
            .unwrap_or(rest.len());
        &rest[start..]
    }
    let rest = skip_whitespace(body);
    let Some(rest) = rest.strip_prefix(b"{") else {
        return false;
    };
    let Some(rest) = skip_whitespace(rest).strip_prefix(b"\"code\"") else {
        return false;
    };
    let Some(rest) = skip_whitespace(rest).strip_prefix(b":") else {
        return false;
    };
    let Some(rest) = skip_whitespace(rest).strip_prefix(b"0") else {
        return false;
    };
    matches!(skip_whitespace(rest).first(), Some(b',' | b'}'))
}

/// The envelope seen through the endpoint's type: `data`, and `code` once more.
///
/// `code` is read again so that the typed decode and the envelope check cannot see two
/// different bodies: serde rejects a second `code` (`{"code":0,"code":1001003}`), which
/// the fast path's look at the first bytes alone would take for a success, and a `code`
/// other than 0 here is refused too.
#[derive(serde::Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct DataOf<T> {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    data: Option<T>,
}

/// Decodes a success's `data` into the endpoint's type, in one pass over
/// the body: the only generic step, so each endpoint adds just its own
/// deserializer. Where decoding failed is worked out only when it fails, by
/// decoding again through `serde_path_to_error`: tracking the path on every
/// successful decode would slow down every call.
pub(crate) fn decode_data<T: DeserializeOwned>(success: &Success) -> Result<T, Error> {
    let response = &success.response;
    let body = success.text.as_str();
    match serde_json::from_str::<DataOf<T>>(body) {
        Ok(DataOf {
            code: Some(0),
            data: Some(data),
        }) => Ok(data),
        // A success without `data` is normal for endpoints that return
        // nothing; decoding `{}` lets such endpoints use `Empty` or any type
        // whose fields are all optional.
        Ok(DataOf {
            code: Some(0),
            data: None,
        }) => serde_json::from_str("{}").map_err(|error| {
            decode_error_with_body(
                response,
                body.as_bytes(),
                Some(".".to_owned()),
                strip_position(&error.to_string()),
            )
        }),
        Ok(DataOf { code, .. }) => Err(decode_error_with_body(
            response,
            body.as_bytes(),
            None,
            format!("the envelope's `code` reads as {code:?} when decoding `data`"),
        )),
        Err(error) => Err(located::<T>(response, body, error)),
    }
}

/// Only `code`, to check a flat envelope once more (serde refuses a repeated `code`).
#[derive(serde::Deserialize)]
struct CodeOnly {
    #[serde(default)]
    code: Option<i64>,
}

/// Decodes a success of a flat envelope (the fields beside `code` and `msg`, as the
/// auth token endpoints answer) into `T`, from the whole top-level object.
pub(crate) fn decode_flat<T: DeserializeOwned>(success: &Success) -> Result<T, Error> {
    let response = &success.response;
    let body = success.text.as_str();
    match serde_json::from_str::<CodeOnly>(body) {
        Ok(CodeOnly { code: Some(0) }) => {}
        Ok(CodeOnly { code }) => {
            return Err(decode_error_with_body(
                response,
                body.as_bytes(),
                None,
                format!("the envelope's `code` reads as {code:?} when decoding the fields"),
            ));
        }
        Err(error) => {
            return Err(decode_error_with_body(
                response,
                body.as_bytes(),
                None,
                strip_position(&error.to_string()),
            ));
        }
    }
    if let Ok(value) = serde_json::from_str::<T>(body) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_str(body);
    let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(tracked) => {
            let path = tracked.path().to_string();
            (Some(path), tracked.into_inner().to_string())
        }
        Ok(_) => (None, "the fields do not decode".to_owned()),
    };
    Err(decode_error_with_body(
        response,
        body.as_bytes(),
        path,
        strip_position(&message),
    ))
}

/// The decode error of `body`, with the JSON path inside `data` where it failed
/// (`None` when the envelope around `data` was the problem, e.g. a repeated key).
#[cold]
fn located<T: DeserializeOwned>(
    response: &RawResponse,
    body: &str,
    error: serde_json::Error,
) -> Error {
    let mut deserializer = serde_json::Deserializer::from_str(body);
    let (path, message) = match serde_path_to_error::deserialize::<_, DataOf<T>>(&mut deserializer)
    {
        Err(tracked) => (
            data_path(&tracked.path().to_string()),
            tracked.into_inner().to_string(),
        ),
        // Cannot happen (the same decoder failed a moment ago); the first error stands.
        Ok(_) => (None, error.to_string()),
    };
    decode_error_with_body(response, body.as_bytes(), path, strip_position(&message))
}

/// `data.okr_list[0].total` -> `okr_list[0].total`; `data` itself is `.`.
fn data_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("data")?;
    match rest {
        "" => Some(".".to_owned()),
        _ if rest.starts_with('[') => Some(rest.to_owned()),
        _ => rest.strip_prefix('.').map(str::to_owned),
    }
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
    decode_error_with_body(response, &response.body, json_path, message)
}

/// A decode error for a response whose body has been taken out of it.
fn decode_error_with_body(
    response: &RawResponse,
    body: &[u8],
    json_path: Option<String>,
    message: String,
) -> Error {
    Error::from(DecodeError {
        http_status: response.status,
        log_id: response.log_id().map(str::to_owned),
        json_path,
        message,
        body_start: body_start(body),
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
    use super::{
        BODY_START_LIMIT, RawResponse, body_start, check, decode_data, leading_code_is_zero,
    };
    use crate::error::Error;
    use reqwest::header::HeaderMap;

    fn response(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status,
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Page {
        total: Option<i32>,
    }

    #[test]
    fn recognises_a_leading_zero_code_only() {
        assert!(leading_code_is_zero(br#"{"code":0,"data":{}}"#));
        assert!(leading_code_is_zero(b" {\n  \"code\" : 0 }"));
        assert!(!leading_code_is_zero(
            br#"{"code":0}"#.strip_suffix(b"}").unwrap_or_default()
        ));
        assert!(!leading_code_is_zero(br#"{"code":01,"data":{}}"#));
        assert!(!leading_code_is_zero(br#"{"code":1001003,"msg":"x"}"#));
        assert!(!leading_code_is_zero(br#"{"msg":"ok","code":0}"#));
        assert!(!leading_code_is_zero(b""));
    }

    /// Whichever path `check` takes, success and failure come out the same.
    #[test]
    fn both_paths_agree() {
        for body in [
            r#"{"code":0,"data":{"total":3},"msg":"ok"}"#,
            r#"{"msg":"ok","data":{"total":3},"code":0}"#,
        ] {
            let success = check(response(200, body)).expect("a success");
            assert_eq!(
                decode_data::<Page>(&success).expect("decodes"),
                Page { total: Some(3) }
            );
        }
        for body in [
            r#"{"code":0,"msg":"ok"}"#,
            r#"{"msg":"ok","code":0,"data":null}"#,
        ] {
            let success = check(response(200, body)).expect("a success");
            assert_eq!(
                decode_data::<Page>(&success).expect("decodes"),
                Page { total: None }
            );
        }
        for body in [
            r#"{"code":0,"data":{"total":"x"}}"#,
            r#"{"msg":"","data":{"total":"x"},"code":0}"#,
        ] {
            let success = check(response(200, body)).expect("a success");
            match decode_data::<Page>(&success) {
                Err(Error::Decode(decode)) => {
                    assert_eq!(decode.json_path.as_deref(), Some("total"));
                    assert_eq!(decode.body_start, body, "the body is still shown");
                }
                other => panic!("expected a decode error, got {other:?}"),
            }
        }
        // A zero code on an error status is still an error, on either path.
        assert!(matches!(
            check(response(500, r#"{"code":0,"msg":""}"#)),
            Err(Error::Api(_))
        ));
        assert!(matches!(
            check(response(200, r#"{"code":5,"msg":"no"}"#)),
            Err(Error::Api(_))
        ));
    }

    /// A repeated key cannot make the fast path and the typed decode disagree.
    #[test]
    fn a_repeated_code_is_never_a_success() {
        for body in [
            r#"{"code":0,"code":1001003,"data":{"total":3}}"#,
            r#"{"code":1001003,"code":0,"data":{"total":3}}"#,
            r#"{"code":0,"data":{"total":3},"code":1001003}"#,
        ] {
            let decoded = check(response(200, body)).and_then(|ok| decode_data::<Page>(&ok));
            match decoded {
                Err(Error::Decode(decode)) => {
                    assert!(
                        decode.message.contains("duplicate field `code`"),
                        "{decode:?}"
                    );
                    assert_eq!(decode.json_path, None, "{body}");
                }
                other => panic!("{body} was read as {other:?}"),
            }
        }
    }

    #[test]
    fn any_rate_limit_reset_header_is_a_bounded_wait() {
        let with_reset = |value: &str| {
            let mut raw = response(429, "{}");
            raw.headers.insert(
                "x-ogw-ratelimit-reset",
                reqwest::header::HeaderValue::from_str(value).unwrap(),
            );
            raw.rate_limit_reset()
        };
        let hour = Some(std::time::Duration::from_secs(3600));
        for huge in ["18446744073709551616", "1e300", "9223372036854775807"] {
            assert_eq!(with_reset(huge), hour, "{huge}");
        }
        for unusable in ["-1", "NaN", "inf", "-inf", "soon", ""] {
            assert_eq!(with_reset(unusable), None, "{unusable}");
        }
        assert_eq!(with_reset("2"), Some(std::time::Duration::from_secs(2)));
    }

    #[test]
    fn paths_are_relative_to_data() {
        assert_eq!(super::data_path("data").as_deref(), Some("."));
        assert_eq!(
            super::data_path("data.okr_list[1].id").as_deref(),
            Some("okr_list[1].id")
        );
        assert_eq!(super::data_path("data[2]").as_deref(), Some("[2]"));
        assert_eq!(super::data_path("code"), None);
        assert_eq!(super::data_path("."), None);
    }

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
