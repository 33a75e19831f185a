//! Receiving events over the platform's WebSocket long connection (self-built apps).
//!
//! The wire protocol follows the official Go SDK (`larksuite/oapi-sdk-go`, `ws/`):
//! `POST {base}/callback/ws/endpoint` with the app id and secret returns a `wss://` URL
//! and a `ClientConfig`; over the WebSocket every message is a protobuf [`frame::Frame`].
//! The client pings every `PingInterval` seconds (control frame, `type: ping`), the
//! server answers `pong` (possibly with a new `ClientConfig`); events arrive as data
//! frames (`type: event` or `card`), possibly split into `sum` fragments, and each is
//! acknowledged by sending the frame back with payload `{"code": 200}` (500 when the
//! handler failed, so the platform re-sends) and a `biz_rt` header.
//!
//! Beyond the Go SDK: a read deadline and a pong deadline detect a connection that went
//! silent without closing, and replace it; handlers run on at most `max_in_flight`
//! tasks and reading pauses while they are all busy; fragments are held within a byte
//! budget and a timeout; server-given timings are clamped; the connection URL (whose
//! query holds tickets) is never logged beyond `scheme://host/path`; a [`StatusHandle`]
//! shows the state and counters; [`LongConnection::shutdown`] stops it gracefully.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use feishu_runtime::event::Dispatcher;
//! use feishu_runtime::event::long_connection::LongConnection;
//!
//! let dispatcher = Arc::new(Dispatcher::new());
//! let connection = LongConnection::builder("cli_xxx", "app secret").spawn(dispatcher)?;
//! let status = connection.status();
//! // ... later:
//! println!("{:?}", status.get().state);
//! connection.shutdown().await?;
//! # Ok(())
//! # }
//! ```

mod bootstrap;
pub mod frame;
mod reassemble;
mod session;
mod settings;
mod status;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

pub use bootstrap::{ClientConfig, ENDPOINT_PATH};
pub use settings::ReconnectPolicy;
pub use status::{ConnectionState, Status, StatusHandle};

use super::Dispatcher;
use session::{End, Shared};
use settings::Overrides;

/// The platform's default base URL.
pub const DEFAULT_BASE_URL: &str = "https://open.feishu.cn";

/// Why connecting failed.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum ConnectError {
    /// Worth retrying (network, busy server, dead connection).
    #[error("{0}")]
    Transient(String),
    /// Retrying cannot help (wrong credentials, forbidden, too many connections).
    #[error("{0}")]
    Fatal(String),
}

/// Why a long connection stopped on its own.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum LongConnectionError {
    /// The platform refused the app (credentials, permission, connection limit).
    #[error("long connection refused: {0}")]
    Refused(String),
    /// The reconnect policy's attempts ran out; the last error.
    #[error("long connection gave up after {attempts} attempts: {last_error}")]
    GaveUp {
        /// Failed attempts in a row.
        attempts: u32,
        /// The last attempt's error.
        last_error: String,
    },
    /// The connection task panicked or was cancelled.
    #[error("long connection task ended abnormally")]
    Aborted,
    /// Built outside a tokio runtime.
    #[error("a long connection must be spawned inside a tokio runtime")]
    NoRuntime,
}

/// Settings for a [`LongConnection`]; `Debug` redacts the app secret.
#[derive(Clone)]
pub struct LongConnectionBuilder {
    app_id: String,
    app_secret: String,
    base_url: String,
    bootstrap_timeout: Duration,
    pong_timeout: Duration,
    overrides: Overrides,
    max_in_flight: usize,
    max_message_bytes: usize,
    fragment_budget: usize,
    max_fragments: usize,
    fragment_timeout: Duration,
    shutdown_grace: Duration,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for LongConnectionBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LongConnectionBuilder")
            .field("app_id", &self.app_id)
            .field("app_secret", &"<redacted>")
            .field("base_url", &self.base_url)
            .field("bootstrap_timeout", &self.bootstrap_timeout)
            .field("pong_timeout", &self.pong_timeout)
            .field("max_in_flight", &self.max_in_flight)
            .finish_non_exhaustive()
    }
}

impl LongConnectionBuilder {
    /// Base URL of the platform (default [`DEFAULT_BASE_URL`]); the bootstrap request
    /// goes to `{base}/callback/ws/endpoint`.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Limit for the bootstrap request and for the WebSocket handshake (default 10 s).
    #[must_use]
    pub fn bootstrap_timeout(mut self, timeout: Duration) -> Self {
        self.bootstrap_timeout = timeout;
        self
    }

    /// Ping this often instead of the server's `PingInterval`.
    #[must_use]
    pub fn ping_interval(mut self, interval: Duration) -> Self {
        self.overrides.ping_interval = Some(interval.max(Duration::from_millis(1)));
        self
    }

    /// A ping not answered within this is a dead connection (default 30 s); also the
    /// limit for writing one frame.
    #[must_use]
    pub fn pong_timeout(mut self, timeout: Duration) -> Self {
        self.pong_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// No frame at all for this long is a dead connection (default: ping interval +
    /// pong timeout).
    #[must_use]
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.overrides.read_timeout = Some(timeout.max(Duration::from_millis(1)));
        self
    }

    /// Use this reconnect policy instead of the server's `ClientConfig`.
    #[must_use]
    pub fn reconnect_policy(mut self, policy: ReconnectPolicy) -> Self {
        self.overrides.reconnect = Some(policy);
        self
    }

    /// At most this many handlers run at once (default 16); reading pauses meanwhile.
    #[must_use]
    pub fn max_in_flight(mut self, handlers: usize) -> Self {
        self.max_in_flight = handlers.clamp(1, Semaphore::MAX_PERMITS);
        self
    }

    /// Largest WebSocket message accepted (default 4 MiB); larger ones drop the
    /// connection.
    #[must_use]
    pub fn max_message_bytes(mut self, bytes: usize) -> Self {
        self.max_message_bytes = bytes;
        self
    }

    /// Fragments of split messages held at once, in bytes (default 16 MiB), how many
    /// fragments one message may have (default 64), and how long a message may take
    /// to complete (default 5 s, as the Go SDK).
    #[must_use]
    pub fn fragments(mut self, budget_bytes: usize, max_parts: usize, timeout: Duration) -> Self {
        self.fragment_budget = budget_bytes;
        self.max_fragments = max_parts;
        self.fragment_timeout = timeout;
        self
    }

    /// How long shutdown waits for running handlers to finish and be acknowledged
    /// (default 5 s).
    #[must_use]
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// The HTTP client for the bootstrap request (default: a new one).
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Starts connecting on the current tokio runtime and returns at once.
    ///
    /// # Errors
    ///
    /// [`LongConnectionError::NoRuntime`] outside a tokio runtime.
    pub fn spawn(self, dispatcher: Arc<Dispatcher>) -> Result<LongConnection, LongConnectionError> {
        let runtime =
            tokio::runtime::Handle::try_current().map_err(|_| LongConnectionError::NoRuntime)?;
        let status = StatusHandle::new();
        let (stop_tx, stop_rx) = watch::channel(false);
        let shared = Shared {
            dispatcher,
            status: status.clone(),
            slots: Arc::new(Semaphore::new(self.max_in_flight)),
            max_in_flight: self.max_in_flight,
            fragment_budget: self.fragment_budget,
            max_fragments: self.max_fragments,
            fragment_timeout: self.fragment_timeout,
            shutdown_grace: self.shutdown_grace,
        };
        let task = runtime.spawn(run(self, shared, stop_rx));
        Ok(LongConnection {
            status,
            stop: Arc::new(stop_tx),
            task: Some(task),
        })
    }
}

/// A running long connection; dropping it stops the connection too.
#[derive(Debug)]
pub struct LongConnection {
    status: StatusHandle,
    stop: Arc<watch::Sender<bool>>,
    task: Option<JoinHandle<Result<(), LongConnectionError>>>,
}

/// Asks a [`LongConnection`] to stop from anywhere (cloneable).
#[derive(Clone, Debug)]
pub struct ShutdownHandle(Arc<watch::Sender<bool>>);

impl ShutdownHandle {
    /// Asks the connection to stop; [`LongConnection::wait`] then returns.
    pub fn shutdown(&self) {
        let _ = self.0.send(true);
    }
}

impl LongConnection {
    /// Settings with the app's credentials (from the developer console).
    pub fn builder(
        app_id: impl Into<String>,
        app_secret: impl Into<String>,
    ) -> LongConnectionBuilder {
        LongConnectionBuilder {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            bootstrap_timeout: Duration::from_secs(10),
            pong_timeout: Duration::from_secs(30),
            overrides: Overrides::default(),
            max_in_flight: 16,
            max_message_bytes: 4 << 20,
            fragment_budget: 16 << 20,
            max_fragments: 64,
            fragment_timeout: Duration::from_secs(5),
            shutdown_grace: Duration::from_secs(5),
            http: None,
        }
    }

    /// The connection's state and counters, for health checks.
    pub fn status(&self) -> StatusHandle {
        self.status.clone()
    }

    /// A handle that stops the connection from elsewhere.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle(Arc::clone(&self.stop))
    }

    /// Runs until the connection stops: after a shutdown request (`Ok`) or a refusal or
    /// exhausted reconnect policy (`Err`).
    ///
    /// # Errors
    ///
    /// See [`LongConnectionError`].
    pub async fn wait(mut self) -> Result<(), LongConnectionError> {
        match self.task.take() {
            Some(task) => task.await.unwrap_or(Err(LongConnectionError::Aborted)),
            None => Err(LongConnectionError::Aborted),
        }
    }

    /// Stops reading, lets running handlers finish and be acknowledged (up to the
    /// shutdown grace), closes the WebSocket and waits for all that.
    ///
    /// # Errors
    ///
    /// When the connection had already stopped with an error.
    pub async fn shutdown(self) -> Result<(), LongConnectionError> {
        let _ = self.stop.send(true);
        self.wait().await
    }
}

impl Drop for LongConnection {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn run(
    builder: LongConnectionBuilder,
    shared: Shared,
    mut stop: watch::Receiver<bool>,
) -> Result<(), LongConnectionError> {
    let http = builder.http.clone().unwrap_or_default();
    let status = shared.status.clone();
    let mut server_config: Option<ClientConfig> = None;
    let mut failures: u32 = 0;
    loop {
        if *stop.borrow() {
            status.set_state(ConnectionState::Stopped);
            return Ok(());
        }
        let attempt = connect(&builder, &http, &mut server_config).await;
        let mut timing = settings::effective(
            &builder.overrides,
            builder.pong_timeout,
            server_config.as_ref(),
        );
        let wait = match attempt {
            Ok((socket, service)) => {
                failures = 0;
                status.update(|s| s.connections += 1);
                status.set_state(ConnectionState::Connected);
                let end = session::run(
                    &shared,
                    socket,
                    service,
                    &mut timing,
                    &mut server_config,
                    builder.overrides.ping_interval.is_some(),
                    &mut stop,
                )
                .await;
                let reason = match end {
                    End::Shutdown => {
                        status.set_state(ConnectionState::Stopped);
                        return Ok(());
                    }
                    End::Lost(reason) => reason,
                    End::Dead(which) => format!("no frame before the {which}"),
                };
                tracing::warn!(%reason, "long connection lost");
                status.update(|s| s.last_error = Some(reason));
                jitter(timing.reconnect.jitter)
            }
            Err(ConnectError::Fatal(message)) => {
                tracing::error!(error = %message, "long connection refused");
                status.update(|s| s.last_error = Some(message.clone()));
                status.set_state(ConnectionState::Stopped);
                return Err(LongConnectionError::Refused(message));
            }
            Err(ConnectError::Transient(message)) => {
                failures = failures.saturating_add(1);
                tracing::warn!(error = %message, failures, "long connection attempt failed");
                status.update(|s| s.last_error = Some(message.clone()));
                if timing
                    .reconnect
                    .max_attempts
                    .is_some_and(|max| failures > max)
                {
                    status.set_state(ConnectionState::Stopped);
                    return Err(LongConnectionError::GaveUp {
                        attempts: failures,
                        last_error: message,
                    });
                }
                timing.reconnect.interval
            }
        };
        status.update(|s| s.reconnects += 1);
        status.set_state(ConnectionState::Reconnecting);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stop.changed() => {}
        }
    }
}

fn jitter(max: Duration) -> Duration {
    let millis = u64::try_from(max.as_millis()).unwrap_or(u64::MAX);
    if millis == 0 {
        Duration::ZERO
    } else {
        Duration::from_millis(fastrand::u64(0..=millis))
    }
}

async fn connect(
    builder: &LongConnectionBuilder,
    http: &reqwest::Client,
    server_config: &mut Option<ClientConfig>,
) -> Result<(session::Socket, i32), ConnectError> {
    let endpoint = bootstrap::fetch(
        http,
        &builder.base_url,
        &builder.app_id,
        &builder.app_secret,
        builder.bootstrap_timeout,
    )
    .await?;
    if endpoint.config.is_some() {
        *server_config = endpoint.config;
    }
    let service = bootstrap::service_id(&endpoint.url);
    let shown = bootstrap::redact_url(&endpoint.url);
    let conn_id = bootstrap::device_id(&endpoint.url);
    let config = WebSocketConfig::default()
        .max_message_size(Some(builder.max_message_bytes))
        .max_frame_size(Some(builder.max_message_bytes));
    let handshake =
        tokio_tungstenite::connect_async_with_config(endpoint.url.as_str(), Some(config), false);
    let (socket, _) = match tokio::time::timeout(builder.bootstrap_timeout, handshake).await {
        Err(_) => {
            return Err(ConnectError::Transient(
                "WebSocket handshake timed out".to_owned(),
            ));
        }
        Ok(Err(error)) => return Err(handshake_error(&error)),
        Ok(Ok(connected)) => connected,
    };
    tracing::info!(url = %shown, %conn_id, "long connection established");
    Ok((socket, service))
}

// Handshake refusals, as the Go SDK reads them: status in `Handshake-Status`, 403 is
// a ban, 514 with auth error 1000040350 is "too many connections"; both are final.
fn handshake_error(error: &tokio_tungstenite::tungstenite::Error) -> ConnectError {
    const FORBIDDEN: &str = "403";
    const AUTH_FAILED: &str = "514";
    const EXCEED_CONN_LIMIT: &str = "1000040350";
    let message = session::describe(error);
    let tokio_tungstenite::tungstenite::Error::Http(response) = error else {
        return ConnectError::Transient(message);
    };
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let status = header("Handshake-Status");
    let msg: String = header("Handshake-Msg").chars().take(200).collect();
    let detail = format!("{message}, handshake status {status}: {msg}");
    if status == FORBIDDEN
        || (status == AUTH_FAILED && header("Handshake-Autherrcode") == EXCEED_CONN_LIMIT)
    {
        ConnectError::Fatal(detail)
    } else {
        ConnectError::Transient(detail)
    }
}
