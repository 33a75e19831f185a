//! Client configuration.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::HeaderValue;

use crate::client::{Client, ClientInner};
use crate::error::Error;
use crate::operation::RateLimit;
use crate::ratelimit::RateLimiters;
use crate::retry::RetryPolicy;
use crate::secret::{AccessToken, Secret};
use crate::token::{
    AppKind, AppTicketStore, Endpoints, InMemoryTokenCache, TokenCache, TokenManager,
};

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
    app: Option<AppCredentials>,
    token_cache: Option<Arc<dyn TokenCache>>,
    retry: RetryPolicy,
    rate_limiting: bool,
    rate_limit_overrides: HashMap<&'static str, RateLimit>,
    // `fn() -> C` keeps the builder Send + Sync whatever `C` is.
    _client: PhantomData<fn() -> C>,
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder with the defaults: [`BaseUrl::FEISHU`], no token, 30 s timeout,
    /// 10 s connect timeout, user agent `feishu-rust/<version>`, [`RetryPolicy::new`],
    /// client-side rate limiting on, tokens cached in memory.
    pub fn new() -> Self {
        Self {
            base_url: BaseUrl::FEISHU.to_owned(),
            access_token: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            http_client: None,
            app: None,
            token_cache: None,
            retry: RetryPolicy::new(),
            rate_limiting: true,
            rate_limit_overrides: HashMap::new(),
            _client: PhantomData,
        }
    }

    /// Sets the base URL, e.g. [`BaseUrl::LARK`] or a test server; a trailing `/` is ignored.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Configures a self-built app: the client fetches `tenant_access_token` (and
    /// `app_access_token` where an endpoint needs one) itself, caches and refreshes it.
    pub fn app_credentials(
        mut self,
        app_id: impl Into<String>,
        app_secret: impl Into<String>,
    ) -> Self {
        self.app = Some(AppCredentials {
            app_id: app_id.into(),
            app_secret: Secret::new(app_secret),
            kind: AppKind::SelfBuilt,
        });
        self
    }

    /// Configures a marketplace (store) app. Its tokens need the `app_ticket` the
    /// platform pushes about once an hour, which the application's event handler puts
    /// into `tickets`; each request names its tenant with
    /// [`RequestOptions::tenant_key`](crate::RequestOptions::tenant_key).
    pub fn marketplace_app(
        mut self,
        app_id: impl Into<String>,
        app_secret: impl Into<String>,
        tickets: Arc<dyn AppTicketStore>,
    ) -> Self {
        self.app = Some(AppCredentials {
            app_id: app_id.into(),
            app_secret: Secret::new(app_secret),
            kind: AppKind::Marketplace(tickets),
        });
        self
    }

    /// Keeps managed tokens in `cache` instead of this client's own memory, e.g. to
    /// share them between processes.
    pub fn token_cache(mut self, cache: Arc<dyn TokenCache>) -> Self {
        self.token_cache = Some(cache);
        self
    }

    /// Sets how failed calls are retried and how long a call may take in total.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Turns client-side enforcement of the endpoints' documented quotas on (the
    /// default) or off.
    pub fn rate_limiting(mut self, enabled: bool) -> Self {
        self.rate_limiting = enabled;
        self
    }

    /// Uses `limit` instead of the documented quota for the operation with this id
    /// (e.g. a quota agreed with the platform, or a time-compressed one in tests).
    pub fn rate_limit_override(mut self, operation_id: &'static str, limit: RateLimit) -> Self {
        self.rate_limit_overrides.insert(operation_id, limit);
        self
    }

    /// Sets the bearer token sent on every request that does not bring its own; it wins
    /// over tokens managed through [`app_credentials`](Self::app_credentials).
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
            // No client-wide total timeout: every request sets its own
            // (the configured timeout, cut to what is left of the call's
            // budget), and a second timer per request would only cost time.
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(|error| {
                    Error::Config(format!("cannot create the HTTP client: {error}"))
                })?,
        };
        let tokens = self.app.map(|app| {
            let endpoints = Endpoints {
                http: http.clone(),
                base_url: base_url.clone(),
                timeout: self.timeout,
                user_agent: user_agent.clone(),
            };
            let cache = self
                .token_cache
                .unwrap_or_else(|| Arc::new(InMemoryTokenCache::default()));
            TokenManager::new(app.app_id, app.app_secret, app.kind, cache, endpoints)
        });
        Ok(C::from(Client::from_inner(ClientInner {
            http,
            base_url,
            access_token: self.access_token,
            timeout: self.timeout,
            user_agent,
            tokens,
            limiters: RateLimiters::new(self.rate_limiting, self.rate_limit_overrides),
            retry: self.retry,
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
            .field("app", &self.app)
            .field("token_cache", &self.token_cache)
            .field("retry", &self.retry)
            .field("rate_limiting", &self.rate_limiting)
            .field("rate_limit_overrides", &self.rate_limit_overrides)
            .finish()
    }
}

/// App id and secret as configured; the secret never shows in `Debug`.
struct AppCredentials {
    app_id: String,
    app_secret: Secret,
    kind: AppKind,
}

impl fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppCredentials")
            .field("app_id", &self.app_id)
            .field("app_secret", &self.app_secret)
            .field("marketplace", &matches!(self.kind, AppKind::Marketplace(_)))
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
