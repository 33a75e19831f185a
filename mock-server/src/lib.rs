//! A mock Feishu Open Platform server for tests: a real HTTP server on 127.0.0.1 that
//! issues tokens, serves the OKR and performance fixture endpoints, enforces quotas and
//! answers with injected faults on demand.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use feishu_mock_server::{Fault, MockServer, Route};
//!
//! let server = MockServer::start().await?;
//! server.add_okr_user("ou_1", 14);
//! server.inject(Route::OkrList, Fault::ServerError, 2);
//! // ... point a client at server.base_url() with MockServer::APP_ID / APP_SECRET ...
//! assert_eq!(server.count(Route::TenantTokenInternal), 0);
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod fixtures;
mod handler;
mod quota;
mod reply;
mod state;
mod tokens;
mod ws;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use tokio::task::JoinHandle;

pub use quota::{Quota, WindowMode};
use state::State;
pub use ws::{Frame, FrameHeader, WsAck, WsMock};

/// The endpoints the mock serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    /// `POST /open-apis/auth/v3/tenant_access_token/internal` (self-built app).
    TenantTokenInternal,
    /// `POST /open-apis/auth/v3/app_access_token/internal` (self-built app).
    AppTokenInternal,
    /// `POST /open-apis/auth/v3/app_access_token` (marketplace app, needs the ticket).
    AppToken,
    /// `POST /open-apis/auth/v3/tenant_access_token` (marketplace app, per tenant).
    TenantToken,
    /// `POST /open-apis/auth/v3/app_ticket/resend`.
    TicketResend,
    /// `GET /open-apis/okr/v1/users/:user_id/okrs`.
    OkrList,
    /// `POST /open-apis/performance/v1/stage_tasks/find_by_user_list`.
    StageTaskFind,
}

impl Route {
    /// The route's path template.
    pub const fn path(self) -> &'static str {
        match self {
            Self::TenantTokenInternal => "/open-apis/auth/v3/tenant_access_token/internal",
            Self::AppTokenInternal => "/open-apis/auth/v3/app_access_token/internal",
            Self::AppToken => "/open-apis/auth/v3/app_access_token",
            Self::TenantToken => "/open-apis/auth/v3/tenant_access_token",
            Self::TicketResend => "/open-apis/auth/v3/app_ticket/resend",
            Self::OkrList => "/open-apis/okr/v1/users/:user_id/okrs",
            Self::StageTaskFind => "/open-apis/performance/v1/stage_tasks/find_by_user_list",
        }
    }
}

/// A misbehaviour to answer with instead of the normal response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 500 with the route's documented internal-error envelope.
    ServerError,
    /// Sends the status line and headers, then cuts the connection mid-body.
    DropConnection,
    /// HTTP 200 with a truncated JSON body.
    MalformedJson,
    /// HTTP 502 with an HTML page, as a gateway in front of the API sends.
    HtmlBadGateway,
    /// Waits this long, then answers normally.
    Slow(Duration),
    /// Code 99991663 (tenant token invalid) with this HTTP status (400 or 200).
    TokenInvalid {
        /// HTTP status of the answer.
        http_status: u16,
    },
    /// This status and JSON body, verbatim (e.g. a token with a newline, duplicate keys).
    Raw {
        /// HTTP status of the answer.
        http_status: u16,
        /// The body, sent as `application/json` without any check.
        body: String,
    },
    /// A redirect to `location` (absolute or relative) with this 3xx status.
    Redirect {
        /// HTTP status of the answer (301, 302, 303, 307 or 308).
        http_status: u16,
        /// The `Location` header.
        location: String,
    },
    /// This status and a chunked JSON-looking body that never ends; the bytes sent are
    /// counted in [`MockServer::body_bytes_served`].
    EndlessBody {
        /// HTTP status of the answer.
        http_status: u16,
    },
    /// Code 99991400 with `x-ogw-ratelimit-reset: reset_seconds`.
    RateLimited {
        /// HTTP status of the answer: 429, or 400 like some older APIs.
        http_status: u16,
        /// Seconds to wait, as sent in `x-ogw-ratelimit-reset`.
        reset_seconds: u64,
    },
}

/// One request as received, with the status the mock answered (`0` when no answer was
/// sent: a dropped connection, or a slow answer the client stopped waiting for).
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// Which route it hit.
    pub route: Route,
    /// HTTP method.
    pub method: String,
    /// Raw path, still percent-encoded.
    pub path: String,
    /// Raw query string.
    pub query: Option<String>,
    /// Headers with lowercase names, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Arrival time since the server started.
    pub at: Duration,
    /// HTTP status of the answer.
    pub status: u16,
    /// The envelope `code` of the answer, when it sent one.
    pub code: Option<i64>,
    /// The tenant of the bearer token, for marketplace tenant tokens.
    pub tenant_key: Option<String>,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A running mock server; stops when dropped.
#[derive(Debug)]
pub struct MockServer {
    base_url: String,
    state: Arc<State>,
    ws: Arc<WsMock>,
    task: JoinHandle<()>,
}

impl MockServer {
    /// The app id the mock accepts by default.
    pub const APP_ID: &'static str = "cli_mock_app_0001";
    /// The app secret the mock accepts by default.
    pub const APP_SECRET: &'static str = "mock-app-secret-DO-NOT-LOG-1f2e3d";
    /// Token lifetime the mock reports by default (`expire`), in seconds.
    pub const DEFAULT_EXPIRE_SECONDS: u64 = 7200;

    /// Binds 127.0.0.1 on a free port and starts serving on the current tokio runtime.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address: SocketAddr = listener.local_addr()?;
        let state = Arc::new(State::new());
        let ws = Arc::new(WsMock::new(address));
        let router = routes(Arc::clone(&state)).merge(ws::routes(Arc::clone(&ws)));
        let task = tokio::spawn(async move {
            // The server runs until the handle is dropped; a failing accept loop only
            // shows up as connection errors in the test using it.
            let _ = axum::serve(listener, router).await;
        });
        Ok(Self {
            base_url: format!("http://{address}"),
            state,
            ws,
            task,
        })
    }

    /// `http://127.0.0.1:<port>`, to pass to the client builder.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The long-connection mock: bootstrap endpoint and WebSocket (events, faults, acks).
    pub fn ws(&self) -> &WsMock {
        &self.ws
    }

    /// Replaces the app credentials the token endpoints accept.
    pub fn set_credentials(&self, app_id: &str, app_secret: &str) {
        self.state
            .with(|inner| inner.tokens.set_credentials(app_id, app_secret));
    }

    /// Sets the `expire` (seconds) of tokens issued from now on.
    pub fn set_token_expiry(&self, seconds: u64) {
        self.state
            .with(|inner| inner.tokens.expire_seconds = seconds);
    }

    /// Makes the fixture endpoints accept `token` as a bearer token (e.g. a user token).
    pub fn accept_token(&self, token: &str) {
        self.state.with(|inner| inner.tokens.accept_fixed(token));
    }

    /// Forgets every issued token: later calls with them get 99991663.
    pub fn revoke_tokens(&self) {
        self.state.with(|inner| inner.tokens.revoke_all());
    }

    /// Issues a new valid `app_ticket`, as if the platform had pushed one; returns it.
    pub fn issue_app_ticket(&self) -> String {
        self.state.with(|inner| inner.tokens.issue_ticket())
    }

    /// Makes every ticket issued so far invalid (answered with 10012).
    pub fn invalidate_app_tickets(&self) {
        self.state.with(|inner| inner.tokens.invalidate_tickets());
    }

    /// Enforces `quota` on `route`: requests over it get HTTP 429 with code 99991400.
    pub fn set_quota(&self, route: Route, quota: Quota) {
        self.state.with(|inner| inner.quotas.set(route, quota));
    }

    /// Answers the next `times` requests to `route` with `fault` (queued after earlier ones).
    pub fn inject(&self, route: Route, fault: Fault, times: usize) {
        self.state.with(|inner| {
            let queue = inner.faults.entry(route).or_default();
            queue.extend(std::iter::repeat_n(fault, times));
        });
    }

    /// Makes `user_id` known to the OKR endpoint with `okr_count` OKRs.
    pub fn add_okr_user(&self, user_id: &str, okr_count: usize) {
        self.state.with(|inner| {
            let index = inner.okr_users.len();
            inner
                .okr_users
                .insert(user_id.to_owned(), (index, okr_count));
        });
    }

    /// Every request received so far, in arrival order.
    pub fn all_requests(&self) -> Vec<RecordedRequest> {
        self.state.with(|inner| inner.log.clone())
    }

    /// The requests received on `route`, in arrival order.
    pub fn requests(&self, route: Route) -> Vec<RecordedRequest> {
        self.state.with(|inner| {
            inner
                .log
                .iter()
                .filter(|request| request.route == route)
                .cloned()
                .collect()
        })
    }

    /// How many requests `route` received.
    pub fn count(&self, route: Route) -> usize {
        self.state
            .with(|inner| inner.log.iter().filter(|r| r.route == route).count())
    }

    /// How many requests to `route` were answered with code 99991400 (rate limited).
    pub fn rate_limited_count(&self, route: Route) -> usize {
        self.state.with(|inner| {
            inner
                .log
                .iter()
                .filter(|r| r.route == route && r.code == Some(reply::RATE_LIMITED_CODE))
                .count()
        })
    }

    /// How many body bytes [`Fault::EndlessBody`] answers have sent so far.
    pub fn body_bytes_served(&self) -> u64 {
        self.state.served.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Forgets the request log (not tokens, quotas or faults).
    pub fn clear_log(&self) {
        self.state.with(|inner| inner.log.clear());
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn routes(state: Arc<State>) -> Router {
    let route = |route: Route| {
        let state = Arc::clone(&state);
        move |request: axum::extract::Request| handler::handle(Arc::clone(&state), route, request)
    };
    Router::new()
        .route(
            Route::TenantTokenInternal.path(),
            post(route(Route::TenantTokenInternal)),
        )
        .route(
            Route::AppTokenInternal.path(),
            post(route(Route::AppTokenInternal)),
        )
        .route(Route::AppToken.path(), post(route(Route::AppToken)))
        .route(Route::TenantToken.path(), post(route(Route::TenantToken)))
        .route(Route::TicketResend.path(), post(route(Route::TicketResend)))
        .route(
            "/open-apis/okr/v1/users/{user_id}/okrs",
            get(route(Route::OkrList)),
        )
        .route(
            Route::StageTaskFind.path(),
            post(route(Route::StageTaskFind)),
        )
        .fallback(handler::not_found)
}
