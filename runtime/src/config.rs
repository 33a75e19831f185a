//! Client configuration.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::HeaderValue;

use crate::client::{Client, ClientInner};
use crate::error::Error;
use crate::secret::AccessToken;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_USER_AGENT: &str = concat!("feishu-rust/", env!("CARGO_PKG_VERSION"));

/// Base URLs of the two platform deployments; the same `/open-apis/...` paths exist on both.
#[derive(Debug)]
pub struct BaseUrl;

impl BaseUrl {
    /// Feishu (China).
    pub const FEISHU: &'static str = "https://open.feishu.cn";
    /// Lark (international).
    pub const LARK: &'static str = "https://open.larksuite.com";
}

/// Builder for [`Client`], or for any client type `C` that wraps one (such as the
/// generated crate's client), via `C: From<Client>`.
pub struct ClientBuilder<C = Client> {
    base_url: String,
    access_token: Option<AccessToken>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    http_client: Option<reqwest::Client>,
    // `fn() -> C` keeps the builder Send + Sync whatever `C` is.
    _client: PhantomData<fn() -> C>,
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder with the defaults: [`BaseUrl::FEISHU`], no token, 30 s timeout,
    /// 10 s connect timeout, user agent `feishu-rust/<version>`.
    pub fn new() -> Self {
        Self {
            base_url: BaseUrl::FEISHU.to_owned(),
            access_token: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            http_client: None,
            _client: PhantomData,
        }
    }

    /// Sets the base URL, e.g. [`BaseUrl::LARK`] or a test server; a trailing `/` is ignored.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Sets the bearer token sent on every request that does not bring its own.
    pub fn access_token(mut self, token: impl Into<AccessToken>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// Sets the total time allowed for one request, from sending to the end of the body.
    pub fn timeout(mut self, duration: Duration) -> Self {
        self.timeout = duration;
        self
    }

    /// Sets the time allowed to establish a connection. Ignored with
    /// [`http_client`](Self::http_client), whose own setting applies.
    pub fn connect_timeout(mut self, duration: Duration) -> Self {
        self.connect_timeout = duration;
        self
    }

    /// Sets the `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Uses an existing `reqwest::Client` (and its connection pool, proxy and TLS setup).
    /// The timeout and user agent configured here still apply per request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Validates the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`] if the base URL is not an absolute `http`/`https` URL
    /// without credentials, query or fragment, if the user agent is not a valid header
    /// value, or if the HTTP client cannot be created.
    pub fn build(self) -> Result<C, Error> {
        let base_url = validate_base_url(&self.base_url)?;
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::Config("user agent is not a valid HTTP header value".into()))?;
        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout)
                .build()
                .map_err(|error| {
                    Error::Config(format!("cannot create the HTTP client: {error}"))
                })?,
        };
        Ok(C::from(Client::from_inner(ClientInner {
            http,
            base_url,
            access_token: self.access_token,
            timeout: self.timeout,
            user_agent,
        })))
    }
}

impl<C: From<Client>> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("access_token", &self.access_token)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("http_client", &self.http_client.is_some())
            .finish()
    }
}

/// Returns the base URL without trailing slashes, ready to have `/open-apis/...` appended.
fn validate_base_url(raw: &str) -> Result<String, Error> {
    let trimmed = raw.trim_end_matches('/');
    // The URL itself is not echoed: it may carry credentials.
    let url = Url::parse(trimmed)
        .map_err(|error| Error::Config(format!("base URL is not a valid URL: {error}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "base URL must use http or https, not `{}`",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Config("base URL has no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "base URL must not contain credentials; use access_token".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(
            "base URL must not have a query or fragment: endpoint paths are appended to it".into(),
        ));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::validate_base_url;

    #[test]
    fn accepts_http_and_https_and_trims_slashes() {
        assert_eq!(
            validate_base_url("https://open.feishu.cn//")
                .ok()
                .as_deref(),
            Some("https://open.feishu.cn")
        );
        assert_eq!(
            validate_base_url("http://127.0.0.1:8080/proxy/")
                .ok()
                .as_deref(),
            Some("http://127.0.0.1:8080/proxy")
        );
    }

    #[test]
    fn rejects_unusable_urls() {
        for bad in [
            "",
            "open.feishu.cn",
            "ftp://open.feishu.cn",
            "https://user:pw@open.feishu.cn",
            "https://open.feishu.cn?x=1",
            "https://open.feishu.cn#x",
        ] {
            assert!(validate_base_url(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
