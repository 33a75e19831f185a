//! The builder: collects a [`Config`] and hands it to `Client::new`.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use crate::client::Client;
use crate::config::{AppCredentials, Config};
use crate::error::Error;
use crate::operation::RateLimit;
use crate::retry::RetryPolicy;
use crate::secret::{AccessToken, Secret};
use crate::token::{AppKind, AppTicketStore, TokenCache};

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder<Client> {
        ClientBuilder::new()
    }
}

/// Builder for [`Client`], or for any client type `C` that wraps one (such as the
/// generated crate's client), via `C: From<Client>`.
pub struct ClientBuilder<C = Client> {
    config: Config,
    // `fn() -> C` keeps the builder Send + Sync whatever `C` is.
    _client: PhantomData<fn() -> C>,
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder with the defaults: [`BaseUrl::FEISHU`](crate::BaseUrl::FEISHU), no token, 30 s timeout,
    /// 10 s connect timeout, user agent `feishu-rust/<version>`, [`RetryPolicy::new`],
    /// client-side rate limiting on, tokens cached in memory.
    pub fn new() -> Self {
        Self {
            config: Config::default(),
            _client: PhantomData,
        }
    }

    /// Sets the base URL, e.g. [`BaseUrl::LARK`](crate::BaseUrl::LARK) or a test server; a trailing `/` is ignored.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.config.base_url = url.into();
        self
    }

    /// Configures a self-built app: the client fetches `tenant_access_token` (and
    /// `app_access_token` where an endpoint needs one) itself, caches and refreshes it.
    pub fn app_credentials(
        mut self,
        app_id: impl Into<String>,
        app_secret: impl Into<String>,
    ) -> Self {
        self.config.app = Some(AppCredentials {
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
        self.config.app = Some(AppCredentials {
            app_id: app_id.into(),
            app_secret: Secret::new(app_secret),
            kind: AppKind::Marketplace(tickets),
        });
        self
    }

    /// Keeps managed tokens in `cache` instead of this client's own memory, e.g. to
    /// share them between processes.
    pub fn token_cache(mut self, cache: Arc<dyn TokenCache>) -> Self {
        self.config.token_cache = Some(cache);
        self
    }

    /// Sets how failed calls are retried and how long a call may take in total.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.config.retry = policy;
        self
    }

    /// Turns client-side enforcement of the endpoints' documented quotas on (the
    /// default) or off.
    pub fn rate_limiting(mut self, enabled: bool) -> Self {
        self.config.rate_limiting = enabled;
        self
    }

    /// Uses `limit` instead of the documented quota for the operation with this id
    /// (e.g. a quota agreed with the platform, or a time-compressed one in tests).
    pub fn rate_limit_override(mut self, operation_id: &'static str, limit: RateLimit) -> Self {
        self.config.rate_limit_overrides.insert(operation_id, limit);
        self
    }

    /// Sets the bearer token sent on every request that does not bring its own; it wins
    /// over tokens managed through [`app_credentials`](Self::app_credentials).
    pub fn access_token(mut self, token: impl Into<AccessToken>) -> Self {
        self.config.access_token = Some(token.into());
        self
    }

    /// Sets the total time allowed for one request, from sending to the end of the body.
    pub fn timeout(mut self, duration: Duration) -> Self {
        self.config.timeout = duration;
        self
    }

    /// Sets the time allowed to establish a connection. Ignored with
    /// [`http_client`](Self::http_client), whose own setting applies.
    pub fn connect_timeout(mut self, duration: Duration) -> Self {
        self.config.connect_timeout = duration;
        self
    }

    /// Sets the `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.config.user_agent = user_agent.into();
        self
    }

    /// Uses an existing `reqwest::Client` (and its connection pool, proxy and TLS setup).
    /// The timeout and user agent configured here still apply per request.
    ///
    /// Build it with `redirect(reqwest::redirect::Policy::none())`: this client follows
    /// same-origin redirects itself and refuses any other. A `reqwest::Client` that
    /// follows redirects on its own is caught only afterwards (its answer from another
    /// origin is refused), when the request has already gone there.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.config.http_client = Some(client);
        self
    }

    /// Caps the size of a successful response body (default 16 MiB, above the largest
    /// documented response, a 10 MB spreadsheet range). A larger body fails the call
    /// with [`TransportErrorKind::BodyTooLarge`](crate::TransportErrorKind::BodyTooLarge)
    /// as soon as the cap is passed, whatever `Content-Length` says; it is never retried.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.config.max_response_body = bytes;
        self
    }

    /// Validates the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`] if the base URL is not an absolute `http`/`https` URL
    /// without credentials, query or fragment, if the user agent is not a valid header
    /// value, or if the HTTP client cannot be created.
    pub fn build(self) -> Result<C, Error> {
        Client::new(self.config).map(C::from)
    }
}

impl<C: From<Client>> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.config.fmt(f)
    }
}
