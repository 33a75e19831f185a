//! The client: request preparation, sending and the tracing span around each call.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Url;
use reqwest::header::{
    AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT,
};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use tracing::field;

use crate::config::{Config, validate_base_url};
use crate::error::{AuthError, AuthErrorKind, Error, InvalidRequest, TransportError};
use crate::operation::{Operation, TokenType};
use crate::path;
use crate::ratelimit::RateLimiters;
use crate::request::Request;
use crate::response::{self, RawResponse, Success};
use crate::retry::{self, RetryPolicy, Verdict};
use crate::secret::AccessToken;
use crate::token::{Endpoints, InMemoryTokenCache, TokenKind, TokenManager, is_token_invalid};
use crate::transport::{self, Outgoing};

const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// The longest URL (base URL, path and query) sent. Request lines beyond 8 KiB are
/// refused by common front ends (nginx's default buffer is 8 KiB) and no Feishu
/// parameter needs more; a longer URL is an [`InvalidRequest`], never sent or retried.
pub(crate) const MAX_URL_LEN: usize = 8 * 1024;

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
    /// The parsed base URL: redirects never leave its origin.
    pub(crate) origin: Url,
    pub(crate) max_response_body: usize,
    pub(crate) access_token: Option<AccessToken>,
    pub(crate) timeout: Duration,
    pub(crate) user_agent: HeaderValue,
    pub(crate) tokens: Option<TokenManager>,
    pub(crate) limiters: RateLimiters,
    pub(crate) retry: RetryPolicy,
}

/// A request checked and turned into wire form; built once so that a retry re-sends
/// exactly the same bytes without re-validating.
struct PreparedRequest {
    operation: &'static Operation,
    method: reqwest::Method,
    url: Url,
    /// Everything but `Authorization`, which may change between attempts.
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    token: TokenChoice,
    /// The tenant whose share of the rate limit this call uses.
    tenant_key: Option<String>,
}

/// Where the bearer token of a call comes from.
enum TokenChoice {
    /// Passed by the caller (per request or fixed on the client); never refreshed.
    Fixed(HeaderValue),
    /// Managed by the client; may be evicted and fetched again.
    Managed(TokenKind),
    /// No token at all (or the caller set `Authorization` as a custom header).
    None,
}

/// What one attempt produced, and the managed token it used.
struct Attempt {
    result: Result<Success, Error>,
    managed_token: Option<AccessToken>,
}

impl Client {
    /// Validates `config` and builds the client (see
    /// [`ClientBuilder::build`](crate::ClientBuilder::build)).
    pub(crate) fn new(config: Config) -> Result<Self, Error> {
        let base_url = validate_base_url(&config.base_url)?;
        let origin = Url::parse(&base_url)
            .map_err(|error| Error::Config(format!("base URL is not a valid URL: {error}")))?;
        let user_agent = HeaderValue::from_str(&config.user_agent)
            .map_err(|_| Error::Config("user agent is not a valid HTTP header value".into()))?;
        let http = match config.http_client {
            Some(client) => client,
            // No client-wide total timeout: every request sets its own
            // (the configured timeout, cut to what is left of the call's
            // budget), and a second timer per request would only cost time.
            // Redirects and Referer are handled by `transport`, never by reqwest.
            None => reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .referer(false)
                .build()
                .map_err(|error| {
                    Error::Config(format!("cannot create the HTTP client: {error}"))
                })?,
        };
        let tokens = config.app.map(|app| {
            let endpoints = Endpoints {
                http: http.clone(),
                base_url: base_url.clone(),
                origin: origin.clone(),
                timeout: config.timeout,
                user_agent: user_agent.clone(),
            };
            let cache = config
                .token_cache
                .unwrap_or_else(|| Arc::new(InMemoryTokenCache::default()));
            TokenManager::new(app.app_id, app.app_secret, app.kind, cache, endpoints)
        });
        Ok(Self {
            inner: Arc::new(ClientInner {
                http,
                base_url,
                origin,
                max_response_body: config.max_response_body,
                access_token: config.access_token,
                timeout: config.timeout,
                user_agent,
                tokens,
                limiters: RateLimiters::new(config.rate_limiting, config.rate_limit_overrides),
                retry: config.retry,
            }),
        })
    }

    /// The base URL requests go to, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends one request and decodes the envelope's `data` into `T`.
    ///
    /// The token is, in order: the request's own
    /// [`access_token`](crate::RequestOptions::access_token), the client's fixed one, or
    /// a token the client manages from its app credentials. The call waits for its share
    /// of the endpoint's rate limit before each attempt. Idempotent operations are
    /// retried on transport failures, 5xx responses and rate limiting, within the
    /// [`RetryPolicy`]. When the platform rejects a managed token, the token is evicted
    /// and the call is sent once more with a fresh one, whatever the operation: the
    /// platform did not act on a request it could not authenticate.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] if a parameter is unusable (nothing is sent),
    /// [`Error::Auth`] if no token could be had, [`Error::Transport`] if no response
    /// arrived (or the total budget ran out), [`Error::RateLimited`] if the platform kept
    /// refusing for rate limiting, [`Error::Api`] if the platform reported an error,
    /// [`Error::Decode`] if the response is not what `T` expects.
    pub async fn execute<T: DeserializeOwned>(&self, request: Request) -> Result<T, Error> {
        let success = self.execute_raw(request).await?;
        response::decode_data(&success)
    }

    /// Everything but decoding `data`: tokens, rate limit, retries, the
    /// envelope. Not generic, so one copy serves every endpoint.
    async fn execute_raw(&self, request: Request) -> Result<Success, Error> {
        let operation = request.operation();
        let span = tracing::info_span!(
            "feishu.request",
            operation = operation.id,
            method = operation.method.as_str(),
            path = operation.path,
            attempt = field::Empty,
            http.status = field::Empty,
            code = field::Empty,
            log_id = field::Empty,
            latency_ms = field::Empty,
        );
        async move {
            let started = Instant::now();
            let result = self.execute_in_span(&request).await;
            let span = tracing::Span::current();
            span.record("latency_ms", started.elapsed().as_millis());
            match &result {
                Ok(_) => {
                    span.record("code", 0);
                }
                Err(error) => {
                    if let Some(code) = error.code() {
                        span.record("code", code);
                    }
                    tracing::debug!(error = %error, "feishu request failed");
                }
            }
            result
        }
        .instrument(span)
        .await
    }

    async fn execute_in_span(&self, request: &Request) -> Result<Success, Error> {
        let prepared = self.prepare(request)?;
        let budget = self.inner.retry.total_budget;
        // A budget of Duration::MAX means "no limit", not an overflow.
        let deadline = Instant::now()
            .checked_add(budget)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(100 * 365 * 86_400));
        tokio::time::timeout(budget, self.attempts(&prepared, deadline))
            .await
            .unwrap_or_else(|_| Err(TransportError::budget_exhausted(budget).into()))
    }

    /// The retry loop.
    async fn attempts(
        &self,
        prepared: &PreparedRequest,
        deadline: Instant,
    ) -> Result<Success, Error> {
        let policy = &self.inner.retry;
        let span = tracing::Span::current();
        let mut token_retried = false;
        let mut retries = 0_u32;
        for attempt in 1_u32.. {
            span.record("attempt", attempt);
            let Attempt {
                result,
                managed_token,
            } = self.attempt(prepared, deadline).await;
            let error = match result {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            if let (TokenChoice::Managed(kind), Some(used), false) =
                (&prepared.token, &managed_token, token_retried)
                && is_token_invalid(&error)
                && let Some(tokens) = &self.inner.tokens
            {
                token_retried = true;
                tokens
                    .evict(*kind, prepared.tenant_key.as_deref(), used)
                    .await;
                tracing::debug!(
                    attempt,
                    code = error.code(),
                    "token rejected; retrying once"
                );
                continue;
            }
            if !prepared.operation.idempotent || retries + 1 >= policy.max_attempts {
                return Err(error);
            }
            let wait = match retry::classify(&error) {
                Verdict::Fail => return Err(error),
                Verdict::Backoff | Verdict::Wait(None) => policy.backoff(retries + 1),
                Verdict::Wait(Some(wait)) => retry::server_wait(wait),
            };
            if Instant::now()
                .checked_add(wait)
                .is_none_or(|end| end >= deadline)
            {
                // Waiting would overrun the budget: the real error says more than a timeout.
                return Err(error);
            }
            retries += 1;
            tracing::debug!(
                attempt,
                wait_ms = wait.as_millis(),
                error = %error,
                "retrying feishu request"
            );
            tokio::time::sleep(wait).await;
        }
        // `1_u32..` only ends after u32::MAX attempts, which max_attempts rules out.
        Err(TransportError::budget_exhausted(policy.total_budget).into())
    }

    /// Token, rate-limit slot, one HTTP exchange, decoding.
    async fn attempt(&self, prepared: &PreparedRequest, deadline: Instant) -> Attempt {
        let mut managed_token = None;
        let result = async {
            let authorization = match &prepared.token {
                TokenChoice::Fixed(value) => Some(value.clone()),
                TokenChoice::Managed(kind) => {
                    let tokens = self.inner.tokens.as_ref().ok_or_else(|| {
                        AuthError::new(AuthErrorKind::NoCredentials, "no app credentials")
                    })?;
                    let token = tokens.token(*kind, prepared.tenant_key.as_deref()).await?;
                    let value = bearer(&token)?;
                    managed_token = Some(token);
                    Some(value)
                }
                TokenChoice::None => None,
            };
            // After the token: a slow token fetch must not bunch up requests that
            // were spaced out by the limiter.
            self.inner
                .limiters
                .acquire(prepared.operation, prepared.tenant_key.as_deref())
                .await;
            let timeout = self
                .inner
                .timeout
                .min(deadline.saturating_duration_since(Instant::now()));
            let raw = self.send_once(prepared, authorization, timeout).await?;
            let span = tracing::Span::current();
            span.record("http.status", raw.status);
            if let Some(log_id) = raw.log_id() {
                span.record("log_id", log_id);
            }
            response::check(raw)
        }
        .await;
        Attempt {
            result,
            managed_token,
        }
    }

    fn prepare(&self, request: &Request) -> Result<PreparedRequest, Error> {
        let operation = request.operation();
        let path = path::render(operation.path, &request.path_params)?;
        let mut url = format!("{}{path}", self.inner.base_url);
        path::append_query(&mut url, &request.query);
        if url.len() > MAX_URL_LEN {
            return Err(url_too_long(request, url.len()).into());
        }
        let url = Url::parse(&url).map_err(|error| {
            InvalidRequest::new("path", path, format!("must form a valid URL: {error}"))
        })?;

        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        if request.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
        }
        let extra = custom_headers(&request.options.headers)?;
        let custom_authorization = extra.iter().any(|(name, _)| name == AUTHORIZATION);
        // All removals first, so repeated custom names keep every value.
        for (name, _) in &extra {
            headers.remove(name);
        }
        for (name, value) in extra {
            headers.append(name, value);
        }
        let token = if custom_authorization {
            TokenChoice::None
        } else {
            self.choose_token(request)?
        };
        let tenant_key = request.options.tenant_key.clone();

        Ok(PreparedRequest {
            operation,
            method: operation.method.to_reqwest(),
            url,
            headers,
            body: request.body.clone(),
            token,
            tenant_key,
        })
    }

    fn choose_token(&self, request: &Request) -> Result<TokenChoice, Error> {
        let explicit = request
            .options
            .access_token
            .as_ref()
            .or(self.inner.access_token.as_ref());
        if let Some(token) = explicit {
            return Ok(TokenChoice::Fixed(bearer(token)?));
        }
        let types = request.operation().token_types;
        let has = |kind| types.contains(&kind);
        if self.inner.tokens.is_some() {
            if has(TokenType::Tenant) {
                return Ok(TokenChoice::Managed(TokenKind::Tenant));
            }
            if has(TokenType::App) {
                return Ok(TokenChoice::Managed(TokenKind::App));
            }
        }
        if has(TokenType::User) && !has(TokenType::Tenant) && !has(TokenType::App) {
            return Err(AuthError::new(
                AuthErrorKind::UserTokenRequired,
                "this endpoint accepts only a user access token: pass one with \
                 RequestOptions::access_token(...)",
            )
            .into());
        }
        // Nothing to send; the platform's answer (99991661) says what is missing.
        Ok(TokenChoice::None)
    }

    /// One HTTP exchange, no interpretation of the response.
    async fn send_once(
        &self,
        prepared: &PreparedRequest,
        authorization: Option<HeaderValue>,
        timeout: Duration,
    ) -> Result<RawResponse, Error> {
        let mut headers = prepared.headers.clone();
        if let Some(value) = authorization {
            headers.insert(AUTHORIZATION, value);
        }
        let outgoing = Outgoing {
            method: prepared.method.clone(),
            url: prepared.url.clone(),
            headers,
            body: prepared.body.as_deref(),
            timeout,
            max_body: self.inner.max_response_body,
        };
        transport::send(&self.inner.http, &self.inner.origin, outgoing).await
    }
}

/// Names the longest parameter, which is almost always the culprit; its value is not
/// echoed (it is long, and may be anything).
fn url_too_long(request: &Request, length: usize) -> InvalidRequest {
    let longest = request
        .path_params
        .iter()
        .chain(&request.query)
        .max_by_key(|(_, value)| value.len());
    let (name, value_len) = longest.map_or(("path", 0), |(name, value)| (*name, value.len()));
    InvalidRequest::new(
        name,
        format!("<{value_len} bytes>"),
        format!("makes the URL {length} bytes long; at most {MAX_URL_LEN} are sent"),
    )
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
            .field("tokens", &self.inner.tokens)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}
