//! The crate's error type and the structured parts of a platform error.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

/// Everything that can go wrong while calling an endpoint.
///
/// `Clone`, so that one failed token fetch can be handed to every call waiting for it.
#[non_exhaustive]
#[derive(Clone, Debug, thiserror::Error)]
pub enum Error {
    /// The platform answered with a non-zero `code` (or a non-2xx status with an envelope).
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The response body was not the JSON the endpoint is documented to return.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The request could not be sent or the response could not be received.
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// The request was rejected before anything was sent.
    #[error(transparent)]
    InvalidRequest(Box<InvalidRequest>),
    /// The platform's rate limit was hit (HTTP 429, or HTTP 400 with code 99991400) and
    /// retrying was not allowed or did not help in time.
    #[error(transparent)]
    RateLimited(Box<RateLimited>),
    /// No usable access token: the token endpoint refused the app's credentials or
    /// ticket, or the call needs a token the client cannot obtain by itself.
    #[error(transparent)]
    Auth(Box<AuthError>),
    /// The client configuration is unusable.
    #[error("invalid feishu client configuration: {0}")]
    Config(String),
    /// A paged list was abandoned because the server's paging data would never end it
    /// (a repeated or missing page token, endless empty pages, an offset out of range).
    #[error(transparent)]
    Pagination(Box<PaginationError>),
    /// A local file could not be read (an upload) or written (a download).
    #[error(transparent)]
    File(Box<FileError>),
}

impl Error {
    /// The platform's error `code`, when the platform answered with one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Self::Api(api) => Some(api.code),
            Self::RateLimited(limited) => Some(limited.api.code),
            Self::Auth(auth) => auth.code,
            _ => None,
        }
    }

    /// How long the platform asked the caller to wait, for [`Error::RateLimited`].
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited(limited) => limited.retry_after,
            _ => None,
        }
    }

    /// The platform's log id (`X-Tt-Logid`), which Feishu support asks for.
    pub fn log_id(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.log_id.as_deref(),
            Self::Decode(decode) => decode.log_id.as_deref(),
            Self::RateLimited(limited) => limited.api.log_id.as_deref(),
            Self::Auth(auth) => auth.log_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of the response, when one was received.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => Some(api.http_status),
            Self::Decode(decode) => Some(decode.http_status),
            Self::RateLimited(limited) => Some(limited.api.http_status),
            Self::Auth(auth) => auth.http_status,
            _ => None,
        }
    }
}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Self::Api(Box::new(error))
    }
}

impl From<DecodeError> for Error {
    fn from(error: DecodeError) -> Self {
        Self::Decode(Box::new(error))
    }
}

impl From<TransportError> for Error {
    fn from(error: TransportError) -> Self {
        Self::Transport(Box::new(error))
    }
}

impl From<InvalidRequest> for Error {
    fn from(error: InvalidRequest) -> Self {
        Self::InvalidRequest(Box::new(error))
    }
}

impl From<RateLimited> for Error {
    fn from(error: RateLimited) -> Self {
        Self::RateLimited(Box::new(error))
    }
}

impl From<PaginationError> for Error {
    fn from(error: PaginationError) -> Self {
        Self::Pagination(Box::new(error))
    }
}

impl From<AuthError> for Error {
    fn from(error: AuthError) -> Self {
        Self::Auth(Box::new(error))
    }
}

/// An error reported by the platform in the response envelope.
#[non_exhaustive]
#[derive(Clone, Debug)]
pub struct ApiError {
    /// The envelope's `code`; see the endpoint's error code table.
    pub code: i64,
    /// The envelope's `msg`.
    pub msg: String,
    /// HTTP status of the response.
    pub http_status: u16,
    /// Log id from the `X-Tt-Logid` header, else from the body's `error.log_id`.
    pub log_id: Option<String>,
    /// Link to the platform's troubleshooting page for this error.
    pub troubleshooter: Option<String>,
    /// Missing permissions (scopes) that caused the error.
    pub permission_violations: Vec<PermissionViolation>,
    /// Request fields the platform rejected.
    pub field_violations: Vec<FieldViolation>,
    /// Links to documentation that may help.
    pub helps: Vec<Help>,
    /// Further key/value details.
    pub details: Vec<ErrorDetail>,
    /// The start of the response body (at most 512 bytes, cut on a character boundary),
    /// for anything the structured fields do not cover.
    pub raw_body: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "feishu API error {}: {} (HTTP {}, log id {})",
            self.code,
            self.msg,
            self.http_status,
            self.log_id.as_deref().unwrap_or("-")
        )
    }
}

impl std::error::Error for ApiError {}

/// The platform refused a call because a rate limit was hit.
#[non_exhaustive]
#[derive(Clone, Debug)]
pub struct RateLimited {
    /// The wait the platform asked for (`x-ogw-ratelimit-reset`), when it said.
    pub retry_after: Option<Duration>,
    /// The platform's error as received (code 99991400 or HTTP 429).
    pub api: ApiError,
}

impl fmt::Display for RateLimited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rate limited: {}", self.api)?;
        if let Some(wait) = self.retry_after {
            write!(f, "; retry after {} s", wait.as_secs_f64())?;
        }
        Ok(())
    }
}

impl std::error::Error for RateLimited {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.api)
    }
}

/// Why no usable access token could be had.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthErrorKind {
    /// `app_id` or `app_secret` is wrong (code 99991543).
    BadCredentials,
    /// The marketplace `app_ticket` was rejected (code 10012); a resend was requested.
    TicketInvalid,
    /// No `app_ticket` has been received for the marketplace app yet; a resend was requested.
    TicketMissing,
    /// A marketplace app call needs `RequestOptions::tenant_key`.
    TenantKeyMissing,
    /// The endpoint accepts only a user access token, which must be passed per request.
    UserTokenRequired,
    /// The client has neither a token nor app credentials for this call.
    NoCredentials,
    /// The token endpoint answered with another error code.
    TokenEndpoint,
    /// The token endpoint answered with something that is not a token response.
    /// The body is never kept: it may hold a token.
    MalformedTokenResponse,
}

/// Obtaining an access token failed. Never carries the app secret, ticket or any token.
#[non_exhaustive]
#[derive(Clone, Debug)]
pub struct AuthError {
    /// What went wrong.
    pub kind: AuthErrorKind,
    /// The token endpoint's `code`, when it answered with one.
    pub code: Option<i64>,
    /// The token endpoint's `msg`, or an explanation written by this crate.
    pub msg: String,
    /// HTTP status of the token endpoint's response, when there was one.
    pub http_status: Option<u16>,
    /// Log id of the token endpoint's response (`X-Tt-Logid`).
    pub log_id: Option<String>,
}

impl AuthError {
    pub(crate) fn new(kind: AuthErrorKind, msg: impl Into<String>) -> Self {
        Self {
            kind,
            code: None,
            msg: msg.into(),
            http_status: None,
            log_id: None,
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "feishu authentication failed")?;
        if let Some(code) = self.code {
            write!(f, " with code {code}")?;
        }
        write!(f, ": {}", self.msg)?;
        if let Some(status) = self.http_status {
            write!(
                f,
                " (HTTP {status}, log id {})",
                self.log_id.as_deref().unwrap_or("-")
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for AuthError {}

/// One entry of `error.permission_violations`.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PermissionViolation {
    /// Violation type, e.g. `"action_privilege_required"`.
    #[serde(rename = "type", deserialize_with = "lenient_string")]
    pub kind: String,
    /// The scope or permission concerned.
    #[serde(deserialize_with = "lenient_string")]
    pub subject: String,
    /// Human-readable description.
    #[serde(deserialize_with = "lenient_string")]
    pub description: String,
}

/// One entry of `error.field_violations`.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct FieldViolation {
    /// The offending request field.
    #[serde(deserialize_with = "lenient_string")]
    pub field: String,
    /// The value the platform saw, rendered as text.
    #[serde(deserialize_with = "lenient_string")]
    pub value: String,
    /// Why the value was rejected.
    #[serde(deserialize_with = "lenient_string")]
    pub description: String,
}

/// One entry of `error.helps`.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Help {
    /// Link to documentation.
    #[serde(deserialize_with = "lenient_string")]
    pub url: String,
    /// What the link explains.
    #[serde(deserialize_with = "lenient_string")]
    pub description: String,
}

/// One entry of `error.details`.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ErrorDetail {
    /// Detail name.
    #[serde(deserialize_with = "lenient_string")]
    pub key: String,
    /// Detail value, rendered as text.
    #[serde(deserialize_with = "lenient_string")]
    pub value: String,
}

/// Error payloads are diagnostics: a number where a string was expected must not turn
/// a precise API error into a vague decode error, so any JSON value becomes text.
fn lenient_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    })
}

/// The response body could not be decoded.
#[non_exhaustive]
#[derive(Clone, Debug)]
pub struct DecodeError {
    /// HTTP status of the response.
    pub http_status: u16,
    /// Log id from the `X-Tt-Logid` header.
    pub log_id: Option<String>,
    /// Where in `data` decoding failed, e.g. `okr_list[0].total` (`.` is `data` itself);
    /// `None` when the envelope itself was the problem.
    pub json_path: Option<String>,
    /// What went wrong.
    pub message: String,
    /// The first 512 bytes of the body (cut on a character boundary), for diagnosis.
    pub body_start: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode feishu response (HTTP {}, log id {})",
            self.http_status,
            self.log_id.as_deref().unwrap_or("-")
        )?;
        if let Some(path) = &self.json_path {
            write!(f, " at `{path}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for DecodeError {}

/// What kind of transport failure happened; lets callers decide whether a retry is safe.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// No connection could be established (including a connect timeout): nothing was sent.
    Connect,
    /// The request timed out after the connection was made; it may have been processed.
    Timeout,
    /// The server redirected to another origin (scheme, host, port) than the configured
    /// base URL, or redirected too often. The redirect was not followed: nothing was
    /// sent to the other origin.
    Redirect,
    /// The response body is larger than
    /// [`ClientBuilder::max_response_body`](crate::ClientBuilder::max_response_body);
    /// reading stopped at the limit.
    BodyTooLarge,
    /// Any other failure while sending the request or reading the response.
    Other,
}

/// The request could not be sent or the response could not be read.
///
/// Never carries a URL's path or query, a header or a body: those may hold credentials.
#[derive(Clone, Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    /// Shared, so that a token fetch's failure can be handed to every waiting call.
    source: Arc<dyn std::error::Error + Send + Sync + 'static>,
}

impl TransportError {
    pub(crate) fn new(source: reqwest::Error) -> Self {
        // A connect timeout is reported as both; it belongs to Connect because the
        // distinction callers need is "was anything sent?".
        let kind = if source.is_connect() {
            TransportErrorKind::Connect
        } else if source.is_timeout() {
            TransportErrorKind::Timeout
        } else {
            TransportErrorKind::Other
        };
        Self {
            kind,
            // The URL may carry query values; the error's category says enough.
            source: Arc::new(source.without_url()),
        }
    }

    /// A failure described by this crate.
    pub(crate) fn message(kind: TransportErrorKind, message: String) -> Self {
        Self {
            kind,
            source: Arc::new(Message(message)),
        }
    }

    /// The call's total time budget ran out (while waiting, sending or receiving).
    pub(crate) fn budget_exhausted(budget: Duration) -> Self {
        Self::message(
            TransportErrorKind::Timeout,
            format!(
                "the call's total time budget of {} s is exhausted",
                budget.as_secs_f64()
            ),
        )
    }

    /// What kind of failure this was.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            TransportErrorKind::Connect => "cannot connect to the feishu API",
            TransportErrorKind::Timeout => "request to the feishu API timed out",
            TransportErrorKind::Redirect => "refused a redirect from the feishu API",
            TransportErrorKind::BodyTooLarge => "feishu API response too large",
            TransportErrorKind::Other => "HTTP transport error talking to the feishu API",
        })?;
        // These two are written by this crate and say what the caller must know
        // (the foreign origin, the limit), so they are shown, not only chained.
        if matches!(
            self.kind,
            TransportErrorKind::Redirect | TransportErrorKind::BodyTooLarge
        ) {
            write!(f, ": {}", self.source)?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// A plain-text cause.
#[derive(Debug)]
struct Message(String);

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Message {}

/// How a paged list's server data went wrong.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaginationErrorKind {
    /// `has_more` was true and the next `page_token` was one handed out before.
    RepeatedPageToken,
    /// `has_more` was true without a (non-empty) next `page_token`.
    MissingPageToken,
    /// Too many empty pages in a row said `has_more: true`.
    EmptyPages,
    /// The next offset does not fit the endpoint's `offset` parameter (an `int32`).
    OffsetOverflow,
}

/// A paged list was abandoned because following it further would never end.
///
/// The pages before it were delivered; nothing after it was requested.
#[non_exhaustive]
#[derive(Clone, Debug)]
pub struct PaginationError {
    /// What the server did.
    pub kind: PaginationErrorKind,
    /// How many pages were received before stopping.
    pub pages: u64,
}

impl PaginationError {
    pub(crate) fn new(kind: PaginationErrorKind, pages: u64) -> Self {
        Self { kind, pages }
    }
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.kind {
            PaginationErrorKind::RepeatedPageToken => {
                "the server repeated a page_token it had handed out before (a loop)"
            }
            PaginationErrorKind::MissingPageToken => {
                "the server said has_more without giving a page_token"
            }
            PaginationErrorKind::EmptyPages => {
                "the server kept sending empty pages that said has_more"
            }
            PaginationErrorKind::OffsetOverflow => {
                "the next offset is beyond what the offset parameter can carry"
            }
        };
        write!(f, "feishu paging stopped after {} pages: {why}", self.pages)
    }
}

impl std::error::Error for PaginationError {}

/// A request was rejected before sending: nothing went over the network.
#[non_exhaustive]
#[derive(Clone, Debug)]
pub struct InvalidRequest {
    /// The parameter at fault, e.g. `user_id`.
    pub parameter: String,
    /// The offending value (`<redacted>` for secrets).
    pub value: String,
    /// The rule the value breaks, phrased to follow the parameter.
    pub constraint: String,
}

impl InvalidRequest {
    pub(crate) fn new(
        parameter: impl Into<String>,
        value: impl Into<String>,
        constraint: impl Into<String>,
    ) -> Self {
        Self {
            parameter: parameter.into(),
            value: value.into(),
            constraint: constraint.into(),
        }
    }
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid request: parameter `{}` = {:?}: {}",
            self.parameter, self.value, self.constraint
        )
    }
}

impl std::error::Error for InvalidRequest {}

/// A local file could not be read (an upload) or written (a download).
#[derive(Clone, Debug)]
pub struct FileError {
    /// What was being done, e.g. `"open the upload file"`.
    pub action: &'static str,
    /// The file.
    pub path: std::path::PathBuf,
    /// What the operating system said.
    pub source: Arc<std::io::Error>,
}

impl FileError {
    pub(crate) fn new(
        action: &'static str,
        path: impl Into<std::path::PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Self {
            action,
            path: path.into(),
            source: Arc::new(source),
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot {} {}: {}",
            self.action,
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

impl From<FileError> for Error {
    fn from(error: FileError) -> Self {
        Self::File(Box::new(error))
    }
}
