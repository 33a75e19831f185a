//! The `/open-apis/auth/v3/...` calls. Their requests carry the app secret and their
//! responses carry tokens, so neither body ever reaches an error, a log or a span.

use std::time::{Duration, SystemTime};

use reqwest::Url;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use serde::Deserialize;
use tracing::Instrument;
use tracing::field;

use super::store::CachedToken;
use crate::error::{ApiError, AuthError, AuthErrorKind, DecodeError, Error, InvalidRequest};
use crate::response::{RATE_LIMITED_CODE, RawResponse};
use crate::secret::AccessToken;
use crate::transport::{self, OutBody, Outgoing};

pub(crate) const TENANT_TOKEN_INTERNAL: &str = "/open-apis/auth/v3/tenant_access_token/internal";
pub(crate) const APP_TOKEN_INTERNAL: &str = "/open-apis/auth/v3/app_access_token/internal";
pub(crate) const APP_TOKEN: &str = "/open-apis/auth/v3/app_access_token";
pub(crate) const TENANT_TOKEN: &str = "/open-apis/auth/v3/tenant_access_token";
pub(crate) const TICKET_RESEND: &str = "/open-apis/auth/v3/app_ticket/resend";

const BAD_CREDENTIALS: i64 = 99991543;
const TICKET_INVALID: i64 = 10012;
const BODY_WITHHELD: &str = "<withheld: token endpoint responses hold tokens>";

/// Token responses are a few hundred bytes; anything near this is not one.
const MAX_TOKEN_RESPONSE: usize = 64 * 1024;

/// The longest lifetime believed: the platform issues tokens for at most 2 h, so a
/// larger `expire` (up to `u64::MAX`, which would overflow the clock) is cut to a day.
/// A token that dies sooner is caught by the platform's token-invalid code and evicted.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// Which token field a response is expected to carry.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Field {
    Tenant,
    App,
}

/// Flat response of every token endpoint: no `data` wrapper.
#[derive(Deserialize)]
struct TokenResponse {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    msg: Option<String>,
    #[serde(default)]
    tenant_access_token: Option<String>,
    #[serde(default)]
    app_access_token: Option<String>,
    /// Remaining lifetime in seconds; any JSON number, read by [`lifetime`].
    #[serde(default)]
    expire: Option<serde_json::Number>,
}

/// What a token endpoint call needs from the client.
#[derive(Clone, Debug)]
pub(crate) struct Endpoints {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// The parsed base URL: a redirect never takes the app secret off its origin.
    pub(crate) origin: Url,
    pub(crate) timeout: Duration,
    pub(crate) user_agent: HeaderValue,
}

impl Endpoints {
    /// POSTs `body` to `path` and returns the token in `field` with its expiry.
    pub(crate) async fn fetch(
        &self,
        path: &'static str,
        body: serde_json::Value,
        field: Field,
    ) -> Result<CachedToken, Error> {
        let span = tracing::info_span!(
            "feishu.token",
            path = path,
            http.status = field::Empty,
            code = field::Empty,
        );
        async move {
            let raw = self.post(path, &body).await?;
            let span = tracing::Span::current();
            span.record("http.status", raw.status);
            let parsed = parse(&raw)?;
            if let Some(code) = parsed.code {
                span.record("code", code);
            }
            token_from(&raw, parsed, field)
        }
        .instrument(span)
        .await
    }

    /// Asks the platform to push a new `app_ticket`. Best effort: the caller is already
    /// failing with an [`AuthError`] that says a ticket is needed.
    pub(crate) async fn request_ticket_resend(&self, body: serde_json::Value) {
        let outcome = self.post(TICKET_RESEND, &body).await;
        let code = outcome
            .as_ref()
            .ok()
            .and_then(|raw| parse(raw).ok())
            .and_then(|parsed| parsed.code);
        tracing::info!(
            path = TICKET_RESEND,
            sent = outcome.is_ok(),
            code,
            "requested an app_ticket resend"
        );
    }

    async fn post(&self, path: &str, body: &serde_json::Value) -> Result<RawResponse, Error> {
        let url = Url::parse(&format!("{}{path}", self.base_url)).map_err(|error| {
            InvalidRequest::new("path", path, format!("must form a valid URL: {error}"))
        })?;
        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, self.user_agent.clone());
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        let body = bytes::Bytes::from(body.to_string());
        let outgoing = Outgoing {
            method: reqwest::Method::POST,
            url,
            headers,
            body: OutBody::Bytes(&body),
            timeout: self.timeout,
            max_body: MAX_TOKEN_RESPONSE,
            stream: false,
        };
        transport::send(&self.http, &self.origin, outgoing)
            .await?
            .buffered(MAX_TOKEN_RESPONSE)
            .await
    }
}

fn parse(raw: &RawResponse) -> Result<TokenResponse, Error> {
    serde_json::from_slice(&raw.body).map_err(|error| {
        // serde_json's message can quote the offending value, which may be a token:
        // only the error's category and position are kept.
        Error::from(DecodeError {
            http_status: raw.status,
            log_id: raw.log_id().map(str::to_owned),
            json_path: None,
            message: format!(
                "token endpoint response is not the expected JSON ({:?} error at line {}, column {})",
                error.classify(),
                error.line(),
                error.column()
            ),
            body_start: BODY_WITHHELD.to_owned(),
        })
    })
}

fn token_from(
    raw: &RawResponse,
    parsed: TokenResponse,
    field: Field,
) -> Result<CachedToken, Error> {
    let code = parsed.code.unwrap_or(-1);
    let msg = parsed.msg.unwrap_or_default();
    let success = (200..300).contains(&raw.status);
    if code != 0 || !success {
        return Err(refusal(raw, code, msg));
    }
    let token = match field {
        Field::Tenant => parsed.tenant_access_token,
        Field::App => parsed.app_access_token,
    };
    let (Some(token), Some(expire)) = (token.filter(|t| !t.is_empty()), parsed.expire) else {
        return Err(Error::from(DecodeError {
            http_status: raw.status,
            log_id: raw.log_id().map(str::to_owned),
            json_path: None,
            message: "token endpoint response lacks the token or `expire`".to_owned(),
            body_start: BODY_WITHHELD.to_owned(),
        }));
    };
    // A token that cannot be sent in a header would fail every call for its whole
    // life if cached; the value itself is never shown.
    if HeaderValue::from_str(&format!("Bearer {token}")).is_err() {
        return Err(AuthError {
            kind: AuthErrorKind::MalformedTokenResponse,
            code: Some(code),
            msg: "the token endpoint returned a token that is not a valid HTTP header value"
                .to_owned(),
            http_status: Some(raw.status),
            log_id: raw.log_id().map(str::to_owned),
        }
        .into());
    }
    let now = SystemTime::now();
    let expires_at = now.checked_add(lifetime(&expire)).unwrap_or(now);
    Ok(CachedToken::new(AccessToken::new(token), expires_at))
}

/// `expire` as a duration: negative or NaN is 0, anything huge is [`MAX_TOKEN_LIFETIME`].
fn lifetime(expire: &serde_json::Number) -> Duration {
    let seconds = match (expire.as_u64(), expire.as_f64()) {
        (Some(seconds), _) => seconds,
        // Negative integers and fractions: `as` saturates (NaN becomes 0).
        (None, Some(seconds)) => seconds.max(0.0) as u64,
        (None, None) => 0,
    };
    Duration::from_secs(seconds).min(MAX_TOKEN_LIFETIME)
}

/// A refusal by the token endpoint. Rate limits and server errors stay what they are so
/// the retry logic treats them like any other call's; the rest are authentication errors.
fn refusal(raw: &RawResponse, code: i64, msg: String) -> Error {
    if code == RATE_LIMITED_CODE || raw.status == 429 || raw.status >= 500 {
        let api = ApiError {
            code,
            msg,
            http_status: raw.status,
            log_id: raw.log_id().map(str::to_owned),
            troubleshooter: None,
            permission_violations: Vec::new(),
            field_violations: Vec::new(),
            helps: Vec::new(),
            details: Vec::new(),
            raw_body: BODY_WITHHELD.to_owned(),
        };
        if raw.status >= 500 {
            return Error::from(api);
        }
        return Error::from(crate::error::RateLimited {
            retry_after: raw.rate_limit_reset(),
            api,
        });
    }
    let kind = match code {
        BAD_CREDENTIALS => AuthErrorKind::BadCredentials,
        TICKET_INVALID => AuthErrorKind::TicketInvalid,
        _ => AuthErrorKind::TokenEndpoint,
    };
    Error::from(AuthError {
        kind,
        code: Some(code),
        msg,
        http_status: Some(raw.status),
        log_id: raw.log_id().map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{MAX_TOKEN_LIFETIME, lifetime};

    #[test]
    fn any_expire_becomes_a_bounded_lifetime() {
        let number = |json: &str| serde_json::from_str::<serde_json::Number>(json).unwrap();
        assert_eq!(lifetime(&number("7200")), Duration::from_secs(7200));
        for huge in ["18446744073709551615", "9223372036854775807", "1e300"] {
            assert_eq!(lifetime(&number(huge)), MAX_TOKEN_LIFETIME, "{huge}");
        }
        for none in ["-1", "-9223372036854775808", "-1e300", "0"] {
            assert_eq!(lifetime(&number(none)), Duration::ZERO, "{none}");
        }
        assert_eq!(lifetime(&number("10.9")), Duration::from_secs(10));
    }
}
