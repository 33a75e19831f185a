//! The client: request preparation, sending and the tracing span around each call.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Url;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use tracing::field;

use crate::config::{Config, validate_base_url};
use crate::download::{self, Download};
use crate::error::{AuthError, AuthErrorKind, Error, InvalidRequest, TransportError};
use crate::headers::{bearer, custom_headers, header_param};
use crate::operation::{Envelope, HttpMethod, Operation, RateLimit, TokenType};
use crate::path;
use crate::ratelimit::{Caller, RateLimiters};
use crate::raw::RawRequest;
use crate::request::{Body, Request, RequestOptions};
use crate::response::{self, RawResponse, Success};
use crate::retry::{self, RetryPolicy, Verdict};
use crate::secret::AccessToken;
use crate::token::{Endpoints, InMemoryTokenCache, TokenKind, TokenManager, is_token_invalid};
use crate::transport::{self, OutBody, Outgoing, Received};

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

/// What the client needs to know about an endpoint: a generated [`Operation`], or one
/// described at run time through [`Client::request`].
pub(crate) struct Endpoint {
    pub(crate) id: Cow<'static, str>,
    pub(crate) method: HttpMethod,
    pub(crate) path: Cow<'static, str>,
    pub(crate) token_types: Cow<'static, [TokenType]>,
    pub(crate) rate_limits: Cow<'static, [RateLimit]>,
    pub(crate) idempotent: bool,
    pub(crate) envelope: Envelope,
}

impl Endpoint {
    fn of(operation: &'static Operation) -> Self {
        Self {
            id: Cow::Borrowed(operation.id),
            method: operation.method,
            path: Cow::Borrowed(operation.path),
            token_types: Cow::Borrowed(operation.token_types),
            rate_limits: Cow::Borrowed(operation.rate_limits),
            idempotent: operation.idempotent,
            envelope: operation.envelope,
        }
    }
}

/// One call before preparation: the URL (path rendered, query appended) and the rest.
pub(crate) struct Call<'r> {
    pub(crate) endpoint: Endpoint,
    pub(crate) url: String,
    /// The longest parameter, to name when the URL is too long.
    pub(crate) longest: (String, usize),
    pub(crate) header_params: Vec<(&'r str, &'r str)>,
    pub(crate) body: Option<&'r Body>,
    pub(crate) options: &'r RequestOptions,
}

/// What the caller wants from the response.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A JSON envelope, read whole (under the body cap).
    Json,
    /// A body streamed to the caller.
    Download,
}

/// What one successful attempt produced.
pub(crate) enum Outcome {
    Json(Success),
    Download(Download),
}

/// A request checked and turned into wire form; built once so that a retry re-sends
/// exactly the same bytes without re-validating.
struct PreparedRequest<'r> {
    endpoint: Endpoint,
    method: reqwest::Method,
    url: Url,
    /// Everything but `Authorization`, which may change between attempts.
    headers: HeaderMap,
    body: Option<&'r Body>,
    token: TokenChoice,
    /// The tenant whose share of the rate limit this call uses.
    tenant_key: Option<String>,
    /// A hash of the caller's own token, for user-scoped rate limits.
    user_key: Option<u64>,
    mode: Mode,
}

/// Where the bearer token of a call comes from.
enum TokenChoice {
    /// Passed by the caller (per request or fixed on the client); never refreshed.
    Fixed(HeaderValue),
    /// Managed by the client; may be evicted and fetched again.
    Managed(TokenKind),
    /// No token at all (a token-less endpoint, or the caller set `Authorization` as a
    /// custom header).
    None,
}

/// What one attempt produced, and the managed token it used.
struct Attempt {
    result: Result<Outcome, Error>,
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
        // The one request path generated code takes too (`sending.rs`).
        self.clone().send(Ok(request)).await
    }

    /// [`Client::send`] for a binary endpoint: see [`Client::download`].
    ///
    /// # Errors
    ///
    /// As [`Client::download`], and `request`'s own error.
    pub async fn send_download(self, request: Result<Request, Error>) -> Result<Download, Error> {
        self.download(request?).await
    }

    /// Sends one request to a binary endpoint (a file or image download) and returns the
    /// response with its body unread, to be streamed or saved (see [`Download`]).
    ///
    /// Tokens, rate limits, redirects and retries work as in [`Client::execute`]; a call
    /// is only retried before the [`Download`] is handed out. A 206 answer to a `Range`
    /// header is a success. An answer in JSON whose `code` is not 0 (the platform's way
    /// of reporting a missing file or permission) is an [`Error::Api`].
    ///
    /// # Errors
    ///
    /// As [`Client::execute`], before any body byte is read.
    pub async fn download(&self, request: Request) -> Result<Download, Error> {
        let call = request_call(&request)?;
        self.run_download(call).await
    }

    /// Starts a request to an endpoint the spec does not describe yet, e.g.
    /// `client.request(HttpMethod::Get, "/open-apis/contact/v3/users/ou_x")`. The
    /// path must start with `/open-apis/`; it is joined to the configured base URL,
    /// never used as a URL of its own. See [`RawRequest`].
    pub fn request(&self, method: HttpMethod, path: impl Into<String>) -> RawRequest {
        RawRequest::new(self.clone(), method, path.into())
    }

    pub(crate) async fn run_json(&self, call: Call<'_>) -> Result<Success, Error> {
        match self.run(call, Mode::Json).await? {
            Outcome::Json(success) => Ok(success),
            Outcome::Download(_) => Err(Error::Config(
                "internal: a JSON call produced a download".to_owned(),
            )),
        }
    }

    pub(crate) async fn run_download(&self, call: Call<'_>) -> Result<Download, Error> {
        match self.run(call, Mode::Download).await? {
            Outcome::Download(download) => Ok(download),
            Outcome::Json(_) => Err(Error::Config(
                "internal: a download produced a JSON envelope".to_owned(),
            )),
        }
    }

    /// Everything but decoding `data`: tokens, rate limit, retries, the
    /// envelope. Not generic, so one copy serves every endpoint.
    async fn run(&self, call: Call<'_>, mode: Mode) -> Result<Outcome, Error> {
        let span = tracing::info_span!(
            "feishu.request",
            operation = &*call.endpoint.id,
            method = call.endpoint.method.as_str(),
            path = &*call.endpoint.path,
            attempt = field::Empty,
            http.status = field::Empty,
            code = field::Empty,
            log_id = field::Empty,
            latency_ms = field::Empty,
        );
        async move {
            let started = Instant::now();
            let result = self.execute_in_span(call, mode).await;
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

    async fn execute_in_span(&self, call: Call<'_>, mode: Mode) -> Result<Outcome, Error> {
        let prepared = self.prepare(call, mode)?;
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
        prepared: &PreparedRequest<'_>,
        deadline: Instant,
    ) -> Result<Outcome, Error> {
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
            // A one-shot upload stream that was handed over cannot be sent again: the
            // platform may have received part of it.
            if prepared.body.is_some_and(|body| !body.can_resend()) {
                return Err(error);
            }
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
            if !prepared.endpoint.idempotent || retries + 1 >= policy.max_attempts {
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
    async fn attempt(&self, prepared: &PreparedRequest<'_>, deadline: Instant) -> Attempt {
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
            let caller = Caller {
                tenant_key: prepared.tenant_key.as_deref(),
                user_key: prepared.user_key,
            };
            self.inner
                .limiters
                .acquire(
                    &prepared.endpoint.id,
                    &prepared.endpoint.rate_limits,
                    caller,
                )
                .await;
            let timeout = self
                .inner
                .timeout
                .min(deadline.saturating_duration_since(Instant::now()));
            let received = self.send_once(prepared, authorization, timeout).await?;
            match received {
                Received::Buffered(raw) => {
                    record_response(&raw);
                    response::check(raw).map(Outcome::Json)
                }
                Received::Streaming(streaming) if prepared.mode == Mode::Download => {
                    download::receive(streaming, self.inner.timeout)
                        .await
                        .map(Outcome::Download)
                }
                streaming @ Received::Streaming(_) => {
                    let raw = streaming.buffered(self.inner.max_response_body).await?;
                    record_response(&raw);
                    response::check(raw).map(Outcome::Json)
                }
            }
        }
        .await;
        Attempt {
            result,
            managed_token,
        }
    }

    fn prepare<'r>(&self, call: Call<'r>, mode: Mode) -> Result<PreparedRequest<'r>, Error> {
        let Call {
            endpoint,
            url,
            longest,
            header_params,
            body,
            options,
        } = call;
        let url = format!("{}{url}", self.inner.base_url);
        if url.len() > MAX_URL_LEN {
            let (name, value_len) = longest;
            return Err(InvalidRequest::new(
                name,
                format!("<{value_len} bytes>"),
                format!(
                    "makes the URL {} bytes long; at most {MAX_URL_LEN} are sent",
                    url.len()
                ),
            )
            .into());
        }
        let url = Url::parse(&url).map_err(|error| {
            InvalidRequest::new(
                "path",
                &*endpoint.path,
                format!("must form a valid URL: {error}"),
            )
        })?;

        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        match body {
            Some(Body::Json(_)) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
            }
            Some(Body::Raw { content_type, .. }) => {
                let value = HeaderValue::from_str(content_type).map_err(|_| {
                    InvalidRequest::new(
                        "Content-Type",
                        content_type.clone(),
                        "must be a valid HTTP header value",
                    )
                })?;
                headers.insert(CONTENT_TYPE, value);
            }
            // reqwest writes the boundary.
            Some(Body::Multipart(_)) | None => {}
        }
        for (name, value) in header_params {
            let (name, value) = header_param(name, value)?;
            headers.append(name, value);
        }
        let extra = custom_headers(&options.headers)?;
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
            self.choose_token(&endpoint.token_types, options)?
        };
        let user_key = match &token {
            TokenChoice::Fixed(value) => Some(self.inner.limiters.user_key(value.as_bytes())),
            _ => None,
        };
        let tenant_key = options.tenant_key.clone();

        Ok(PreparedRequest {
            method: endpoint.method.to_reqwest(),
            endpoint,
            url,
            headers,
            body,
            token,
            tenant_key,
            user_key,
            mode,
        })
    }

    fn choose_token(
        &self,
        types: &[TokenType],
        options: &RequestOptions,
    ) -> Result<TokenChoice, Error> {
        // A token-less endpoint (the auth endpoints) never gets one, whatever is set.
        if types.is_empty() {
            return Ok(TokenChoice::None);
        }
        let explicit = options
            .access_token
            .as_ref()
            .or(self.inner.access_token.as_ref());
        if let Some(token) = explicit {
            return Ok(TokenChoice::Fixed(bearer(token)?));
        }
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
        prepared: &PreparedRequest<'_>,
        authorization: Option<HeaderValue>,
        timeout: Duration,
    ) -> Result<Received, Error> {
        let mut headers = prepared.headers.clone();
        if let Some(value) = authorization {
            headers.insert(AUTHORIZATION, value);
        }
        let body = match prepared.body {
            None => OutBody::None,
            Some(Body::Json(bytes) | Body::Raw { bytes, .. }) => OutBody::Bytes(bytes),
            Some(Body::Multipart(form)) => OutBody::Form(form),
        };
        let outgoing = Outgoing {
            method: prepared.method.clone(),
            url: prepared.url.clone(),
            headers,
            body,
            timeout,
            max_body: self.inner.max_response_body,
            stream: prepared.mode == Mode::Download,
        };
        transport::send(&self.inner.http, &self.inner.origin, outgoing).await
    }
}

/// Records the status and log id of a buffered response on the call's span.
fn record_response(raw: &RawResponse) {
    let span = tracing::Span::current();
    span.record("http.status", raw.status);
    if let Some(log_id) = raw.log_id() {
        span.record("log_id", log_id);
    }
}

/// Decodes a success as the endpoint's envelope says.
pub(crate) fn decode<T: DeserializeOwned>(
    success: &Success,
    envelope: Envelope,
) -> Result<T, Error> {
    match envelope {
        Envelope::Data => response::decode_data(success),
        Envelope::Flat => response::decode_flat(success),
    }
}

/// A generated request as a [`Call`]: the path rendered, the query appended.
pub(crate) fn request_call(request: &Request) -> Result<Call<'_>, Error> {
    let operation = request.operation();
    let path = path::render(operation.path, &request.path_params)?;
    let mut url = String::new();
    url.push_str(&path);
    path::append_query(&mut url, &request.query);
    let longest = request
        .path_params
        .iter()
        .chain(&request.query)
        .max_by_key(|(_, value)| value.len())
        .map_or(("path".to_owned(), 0), |(name, value)| {
            ((*name).to_owned(), value.len())
        });
    Ok(Call {
        endpoint: Endpoint::of(operation),
        url,
        longest,
        header_params: request
            .headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect(),
        body: request.body.as_ref(),
        options: &request.options,
    })
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
