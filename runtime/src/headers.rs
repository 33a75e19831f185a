//! Header values from callers and the spec: checked, and marked sensitive so they stay
//! out of HTTP/2 compression tables and `Debug` output.

use reqwest::header::{HeaderName, HeaderValue};

use crate::error::InvalidRequest;
use crate::secret::AccessToken;

/// Header names the client sets itself; a header parameter may not name them.
const CLIENT_OWNED_HEADERS: &[&str] = &[
    "authorization",
    "connection",
    "content-length",
    "content-type",
    "expect",
    "host",
    "keep-alive",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
];

/// A header parameter: a valid name the client does not own, and a valid value.
pub(crate) fn header_param(
    name: &str,
    value: &str,
) -> Result<(HeaderName, HeaderValue), InvalidRequest> {
    if CLIENT_OWNED_HEADERS
        .iter()
        .any(|owned| owned.eq_ignore_ascii_case(name))
    {
        return Err(InvalidRequest::new(
            name,
            "<redacted>",
            "is a header the client sets itself",
        ));
    }
    let header_name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| InvalidRequest::new(name, "<redacted>", "must be a valid HTTP header name"))?;
    let mut header_value = HeaderValue::from_str(value).map_err(|_| {
        InvalidRequest::new(name, "<redacted>", "must be a valid HTTP header value")
    })?;
    header_value.set_sensitive(true);
    Ok((header_name, header_value))
}

pub(crate) fn bearer(token: &AccessToken) -> Result<HeaderValue, InvalidRequest> {
    let secret = token.expose_secret();
    if secret.is_empty() {
        return Err(InvalidRequest::new("access_token", "", "must not be empty"));
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {secret}")).map_err(|_| {
        InvalidRequest::new(
            "access_token",
            "<redacted>",
            "must be a valid HTTP header value",
        )
    })?;
    // Keeps the value out of HTTP/2 header compression tables and `http`'s Debug output.
    value.set_sensitive(true);
    Ok(value)
}

pub(crate) fn custom_headers(
    headers: &[(&'static str, String)],
) -> Result<Vec<(HeaderName, HeaderValue)>, InvalidRequest> {
    headers
        .iter()
        .map(|(name, value)| {
            let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                InvalidRequest::new(*name, "<redacted>", "must be a valid HTTP header name")
            })?;
            let mut header_value = HeaderValue::from_str(value).map_err(|_| {
                InvalidRequest::new(*name, "<redacted>", "must be a valid HTTP header value")
            })?;
            header_value.set_sensitive(true);
            Ok((header_name, header_value))
        })
        .collect()
}
