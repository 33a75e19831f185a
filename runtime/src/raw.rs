//! The escape hatch: calling an endpoint the spec does not describe yet.
//!
//! A [`RawRequest`] goes through the same machinery as a generated call (tokens, rate
//! limits, retries, redirect rules, body caps, errors); only the endpoint description is
//! written at run time. Its path may only extend the configured base URL: a full URL,
//! a `//host` path, `..` segments or a `?`/`#` in the path are refused, so a path built
//! from untrusted text cannot send the token elsewhere.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::client::{Call, Client, Endpoint, decode};
use crate::download::Download;
use crate::error::{Error, InvalidRequest};
use crate::multipart::Form;
use crate::operation::{Envelope, HttpMethod, RateLimit, TokenType};
use crate::path;
use crate::request::{Body, RequestOptions};

/// The token kinds a raw request accepts unless told otherwise, like most endpoints.
const DEFAULT_TOKENS: &[TokenType] = &[TokenType::Tenant, TokenType::User];

/// A request to an endpoint described at run time, from [`Client::request`].
///
/// ```no_run
/// # async fn run(client: feishu_runtime::Client) -> Result<(), feishu_runtime::Error> {
/// use feishu_runtime::HttpMethod;
///
/// let user = client
///     .request(HttpMethod::Get, "/open-apis/contact/v3/users/ou_7dab8a3d3cdcc9da365777c7ad535d62")
///     .query("user_id_type", "open_id")
///     .send_json()
///     .await?;
/// println!("{}", user["user"]["name"]);
/// # Ok(())
/// # }
/// ```
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest {
    client: Client,
    method: HttpMethod,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Body>,
    tokens: Cow<'static, [TokenType]>,
    idempotent: Option<bool>,
    rate_limits: Vec<RateLimit>,
    envelope: Envelope,
    options: RequestOptions,
    /// A setter's failure (an unserializable body), reported when sent.
    error: Option<Error>,
}

impl RawRequest {
    pub(crate) fn new(client: Client, method: HttpMethod, path: String) -> Self {
        Self {
            client,
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            tokens: Cow::Borrowed(DEFAULT_TOKENS),
            idempotent: None,
            rate_limits: Vec::new(),
            envelope: Envelope::Data,
            options: RequestOptions::default(),
            error: None,
        }
    }

    /// Appends a query pair (repeat the key for a list).
    pub fn query(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }

    /// Adds a header; the names the client sets itself (`Authorization`,
    /// `Content-Type`, `Host`, ...) are refused when sent.
    pub fn header(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.headers.push((name.into(), value.to_string()));
        self
    }

    /// Sends `body` as JSON.
    pub fn json<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(Body::Json(bytes.into())),
            Err(error) => {
                self.error = Some(
                    InvalidRequest::new(
                        "body",
                        "<unserializable>",
                        format!("must serialize to JSON: {error}"),
                    )
                    .into(),
                );
            }
        }
        self
    }

    /// Sends a `multipart/form-data` body (uploads).
    pub fn multipart(mut self, form: Form) -> Self {
        self.body = Some(Body::Multipart(form));
        self
    }

    /// Sends `bytes` as they are, with this `Content-Type`.
    pub fn body(mut self, bytes: impl Into<Bytes>, content_type: impl Into<String>) -> Self {
        self.body = Some(Body::Raw {
            bytes: bytes.into(),
            content_type: content_type.into(),
        });
        self
    }

    /// The token kinds the endpoint accepts (default: tenant and user); `&[]` for an
    /// endpoint that takes no token.
    pub fn tokens(mut self, tokens: &[TokenType]) -> Self {
        self.tokens = Cow::Owned(tokens.to_vec());
        self
    }

    /// Whether the call may be retried after a failure (default: only `GET`).
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// Adds a documented rate limit; the client keeps to every one added. Windows are
    /// shared with other raw requests of the same method and path.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limits.push(limit);
        self
    }

    /// Where the response's fields sit (default: under `data`).
    pub fn envelope(mut self, envelope: Envelope) -> Self {
        self.envelope = envelope;
        self
    }

    /// Per-request options: a token for this call, a tenant key, extra headers.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// Sends the request and decodes the response's fields (`data`, or the top level
    /// for [`Envelope::Flat`]) into `T`.
    ///
    /// # Errors
    ///
    /// As [`Client::execute`]; an unusable path is an [`Error::InvalidRequest`].
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, Error> {
        let envelope = self.envelope;
        let (client, parts) = self.into_parts()?;
        let success = client.run_json(parts.call()).await?;
        decode(&success, envelope)
    }

    /// Sends the request and returns the response's fields as JSON.
    ///
    /// # Errors
    ///
    /// As [`RawRequest::send`].
    pub async fn send_json(self) -> Result<serde_json::Value, Error> {
        self.send().await
    }

    /// Sends the request to a binary endpoint (see [`Client::download`]).
    ///
    /// # Errors
    ///
    /// As [`Client::download`].
    pub async fn download(self) -> Result<Download, Error> {
        let (client, parts) = self.into_parts()?;
        client.run_download(parts.call()).await
    }

    fn into_parts(self) -> Result<(Client, Parts), Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        check_path(&self.path)?;
        let mut url = self.path.clone();
        path::append_query(&mut url, &self.query);
        let longest = self
            .query
            .iter()
            .max_by_key(|(_, value)| value.len())
            .map_or(("path".to_owned(), self.path.len()), |(name, value)| {
                (name.clone(), value.len())
            });
        let endpoint = Endpoint {
            id: Cow::Owned(format!("raw {} {}", self.method.as_str(), self.path)),
            method: self.method,
            path: Cow::Owned(self.path),
            token_types: self.tokens,
            rate_limits: Cow::Owned(self.rate_limits),
            idempotent: self.idempotent.unwrap_or(self.method == HttpMethod::Get),
            envelope: self.envelope,
        };
        Ok((
            self.client,
            Parts {
                endpoint,
                url,
                longest,
                headers: self.headers,
                body: self.body,
                options: self.options,
            },
        ))
    }
}

/// A raw request's owned parts, lent to the client as a [`Call`].
struct Parts {
    endpoint: Endpoint,
    url: String,
    longest: (String, usize),
    headers: Vec<(String, String)>,
    body: Option<Body>,
    options: RequestOptions,
}

impl Parts {
    fn call(&self) -> Call<'_> {
        Call {
            endpoint: Endpoint {
                id: self.endpoint.id.clone(),
                method: self.endpoint.method,
                path: self.endpoint.path.clone(),
                token_types: self.endpoint.token_types.clone(),
                rate_limits: self.endpoint.rate_limits.clone(),
                idempotent: self.endpoint.idempotent,
                envelope: self.endpoint.envelope,
            },
            url: self.url.clone(),
            longest: self.longest.clone(),
            header_params: self
                .headers
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .collect(),
            body: self.body.as_ref(),
            options: &self.options,
        }
    }
}

/// The path may only extend the base URL under `/open-apis/`.
fn check_path(path: &str) -> Result<(), InvalidRequest> {
    let refuse = |why: &str| {
        let shown: String = path.chars().take(128).collect();
        InvalidRequest::new("path", shown, why.to_owned())
    };
    if !path.starts_with("/open-apis/") {
        return Err(refuse("must start with /open-apis/ (a path, never a URL)"));
    }
    if path.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(refuse("must not contain whitespace or control characters"));
    }
    if path.contains(['?', '#', '\\']) {
        return Err(refuse(
            "must not contain `?`, `#` or `\\` (add query pairs with .query())",
        ));
    }
    if path.contains("//") {
        return Err(refuse("must not contain an empty segment (`//`)"));
    }
    let dots = |segment: &str| {
        let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        decoded == "." || decoded == ".."
    };
    if path.split('/').any(dots) {
        return Err(refuse("must not contain `.` or `..` segments"));
    }
    Ok(())
}

impl fmt::Debug for RawRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::check_path;

    #[test]
    fn only_paths_under_open_apis_are_accepted() {
        assert!(check_path("/open-apis/im/v1/images").is_ok());
        assert!(check_path("/open-apis/im/v1/files/file_v2%2Fx/download").is_ok());
        for bad in [
            "https://evil.example/open-apis/x",
            "//evil.example/open-apis/x",
            "/open-apis//evil.example/x",
            "open-apis/x",
            "/open-apis/../admin",
            "/open-apis/%2e%2E/admin",
            "/open-apis/x?token=1",
            "/open-apis/x#frag",
            "/open-apis/x\r\nHost: evil",
            "/open-apis/x y",
            "/open-apis\\..\\x",
            "",
        ] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
    }
}
