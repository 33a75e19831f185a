//! The client: request preparation, sending and the tracing span around each call.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{
    AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT,
};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use tracing::field;

use crate::config::ClientBuilder;
use crate::error::{Error, InvalidRequest, TransportError};
use crate::path;
use crate::request::Request;
use crate::response::{self, RawResponse};
use crate::secret::AccessToken;

const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// A Feishu Open Platform client.
///
/// Cheap to clone: clones share one connection pool and configuration.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    /// Without trailing `/`.
    pub(crate) base_url: String,
    pub(crate) access_token: Option<AccessToken>,
    pub(crate) timeout: Duration,
    pub(crate) user_agent: HeaderValue,
}

/// A request checked and turned into wire form; built once so that a retry (later)
/// re-sends exactly the same bytes without re-validating.
struct PreparedRequest {
    method: reqwest::Method,
    url: Url,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder<Client> {
        ClientBuilder::new()
    }

    pub(crate) fn from_inner(inner: ClientInner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The base URL requests go to, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends one request and decodes the envelope's `data` into `T`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] if a parameter is unusable (nothing is sent),
    /// [`Error::Transport`] if no response arrived, [`Error::Api`] if the platform
    /// reported an error, [`Error::Decode`] if the response is not what `T` expects.
    pub async fn execute<T: DeserializeOwned>(&self, request: Request) -> Result<T, Error> {
        let operation = request.operation();
        let span = tracing::info_span!(
            "feishu.request",
            operation = operation.id,
            method = operation.method.as_str(),
            path = operation.path,
            http.status = field::Empty,
            code = field::Empty,
            log_id = field::Empty,
        );
        async move {
            let result = self.execute_in_span(&request).await;
            if let Err(error) = &result {
                tracing::debug!(error = %error, "feishu request failed");
            }
            result
        }
        .instrument(span)
        .await
    }

    async fn execute_in_span<T: DeserializeOwned>(&self, request: &Request) -> Result<T, Error> {
        let prepared = self.prepare(request)?;
        let raw = self.send_once(&prepared).await?;
        let span = tracing::Span::current();
        span.record("http.status", raw.status);
        if let Some(log_id) = raw.log_id() {
            span.record("log_id", log_id);
        }
        let result = response::decode(&raw);
        match &result {
            Ok(_) => {
                span.record("code", 0);
            }
            Err(error) => {
                if let Some(code) = error.code() {
                    span.record("code", code);
                }
            }
        }
        result
    }

    fn prepare(&self, request: &Request) -> Result<PreparedRequest, Error> {
        let operation = request.operation();
        let path = path::render(operation.path, &request.path_params)?;
        let mut url = format!("{}{path}", self.inner.base_url);
        path::append_query(&mut url, &request.query);
        let url = Url::parse(&url).map_err(|error| {
            InvalidRequest::new("path", path, format!("must form a valid URL: {error}"))
        })?;

        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        let token = request
            .options
            .access_token
            .as_ref()
            .or(self.inner.access_token.as_ref());
        if let Some(token) = token {
            headers.insert(AUTHORIZATION, bearer(token)?);
        }
        if request.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
        }
        let extra = custom_headers(&request.options.headers)?;
        // All removals first, so repeated custom names keep every value.
        for (name, _) in &extra {
            headers.remove(name);
        }
        for (name, value) in extra {
            headers.append(name, value);
        }

        Ok(PreparedRequest {
            method: operation.method.to_reqwest(),
            url,
            headers,
            body: request.body.clone(),
        })
    }

    /// One HTTP exchange, no interpretation of the response; the place where retries
    /// and rate limiting will wrap around.
    async fn send_once(&self, prepared: &PreparedRequest) -> Result<RawResponse, Error> {
        let mut builder = self
            .inner
            .http
            .request(prepared.method.clone(), prepared.url.clone())
            .headers(prepared.headers.clone())
            // Per request as well as on the built client, so a caller-supplied
            // `reqwest::Client` still honours the configured timeout.
            .timeout(self.inner.timeout);
        if let Some(body) = &prepared.body {
            builder = builder.body(body.clone());
        }
        let response = builder.send().await.map_err(TransportError::new)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(TransportError::new)?;
        Ok(RawResponse {
            status,
            headers,
            body: Vec::from(body),
        })
    }
}

fn bearer(token: &AccessToken) -> Result<HeaderValue, InvalidRequest> {
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

fn custom_headers(
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

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("access_token", &self.inner.access_token)
            .field("timeout", &self.inner.timeout)
            .field("user_agent", &self.inner.user_agent)
            .finish_non_exhaustive()
    }
}
