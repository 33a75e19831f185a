//! Receiving events pushed over HTTP ("send events to the developer's server"),
//! independent of any web framework: [`WebhookReceiver::handle`] takes the request's
//! headers and raw body and returns the status and body to answer with.
//!
//! Checks, in order: body size; with an Encrypt Key, the `X-Lark-Signature` over the
//! raw body and the age of `X-Lark-Request-Timestamp`, then decryption; the
//! Verification Token when one is configured; de-duplication by event id (in the
//! [`Dispatcher`]). The URL verification request (`type: url_verification`) carries no
//! signature (the "receive events" page exempts it); it is answered with its
//! `challenge` once it decrypts (with an Encrypt Key) and its token matches.
//!
//! The platform documents no maximum timestamp age; 5 minutes is this crate's default
//! (each delivery, retries included, is signed afresh with its own nonce and
//! timestamp), configurable with [`WebhookConfig::max_age`].

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, StatusCode};
use serde::Deserialize;

use super::crypto;
use super::dispatch::{Dispatcher, Outcome};
use super::envelope::EventEnvelope;

const SIGNATURE: &str = "x-lark-signature";
const TIMESTAMP: &str = "x-lark-request-timestamp";
const NONCE: &str = "x-lark-request-nonce";

/// How a [`WebhookReceiver`] authenticates deliveries. `Debug` redacts the keys.
#[derive(Clone)]
pub struct WebhookConfig {
    encrypt_key: Option<String>,
    verification_token: Option<String>,
    max_age: Option<Duration>,
    max_body_bytes: usize,
    insecure: bool,
}

impl fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redact = |set: bool| if set { "<redacted>" } else { "<none>" };
        f.debug_struct("WebhookConfig")
            .field("encrypt_key", &redact(self.encrypt_key.is_some()))
            .field(
                "verification_token",
                &redact(self.verification_token.is_some()),
            )
            .field("max_age", &self.max_age)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("insecure", &self.insecure)
            .finish()
    }
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl WebhookConfig {
    /// Neither key set yet; 5-minute max age; 1 MiB body cap.
    pub fn new() -> Self {
        Self {
            encrypt_key: None,
            verification_token: None,
            max_age: Some(Duration::from_secs(300)),
            max_body_bytes: 1 << 20,
            insecure: false,
        }
    }

    /// The app's Encrypt Key: bodies must be encrypted and signed with it.
    #[must_use]
    pub fn encrypt_key(mut self, key: impl Into<String>) -> Self {
        self.encrypt_key = Some(key.into()).filter(|k| !k.is_empty());
        self
    }

    /// The app's Verification Token: every delivery's token must equal it.
    #[must_use]
    pub fn verification_token(mut self, token: impl Into<String>) -> Self {
        self.verification_token = Some(token.into()).filter(|t| !t.is_empty());
        self
    }

    /// Refuses signed deliveries whose timestamp is further than this from now (either
    /// way); `None` turns the check off.
    #[must_use]
    pub fn max_age(mut self, max_age: Option<Duration>) -> Self {
        self.max_age = max_age;
        self
    }

    /// Refuses bodies larger than this (HTTP 413).
    #[must_use]
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Accepts deliveries without any check when neither key is set. For local tests
    /// only; without it [`WebhookReceiver::new`] refuses such a configuration.
    #[must_use]
    pub fn insecure_accept_unauthenticated(mut self) -> Self {
        self.insecure = true;
        self
    }

    /// The body size cap, for framework integrations that enforce it while reading.
    pub fn body_limit(&self) -> usize {
        self.max_body_bytes
    }
}

/// The configuration can authenticate nothing.
#[derive(Debug, thiserror::Error)]
#[error(
    "webhook receiver needs an encrypt key or a verification token (or insecure_accept_unauthenticated)"
)]
pub struct ConfigError;

/// The answer to send: status and JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// JSON body (`{"challenge": ...}` for URL verification, `{"msg": ...}` otherwise).
    pub body: Vec<u8>,
}

impl WebhookResponse {
    fn message(status: StatusCode, msg: &str) -> Self {
        Self {
            status,
            body: serde_json::json!({ "msg": msg }).to_string().into_bytes(),
        }
    }

    fn refuse(status: StatusCode, reason: &str) -> Self {
        tracing::warn!(status = status.as_u16(), reason, "webhook delivery refused");
        Self::message(status, reason)
    }
}

/// The one answer to every unsigned encrypted body that is not a valid URL verification.
fn unsigned() -> WebhookResponse {
    WebhookResponse::refuse(StatusCode::UNAUTHORIZED, "missing signature")
}

/// Checks and decrypts webhook deliveries and hands them to a [`Dispatcher`].
#[derive(Debug, Clone)]
pub struct WebhookReceiver {
    config: WebhookConfig,
    dispatcher: Arc<Dispatcher>,
}

#[derive(Deserialize)]
struct Encrypted {
    encrypt: Option<String>,
}

#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "type")]
    kind: Option<String>,
    challenge: Option<String>,
    token: Option<String>,
}

impl WebhookReceiver {
    /// A receiver with `config` dispatching to `dispatcher`.
    ///
    /// # Errors
    ///
    /// When neither key is configured and insecure mode was not asked for.
    pub fn new(config: WebhookConfig, dispatcher: Arc<Dispatcher>) -> Result<Self, ConfigError> {
        if config.encrypt_key.is_none() && config.verification_token.is_none() && !config.insecure {
            return Err(ConfigError);
        }
        Ok(Self { config, dispatcher })
    }

    /// The configuration.
    pub fn config(&self) -> &WebhookConfig {
        &self.config
    }

    /// Answers one delivery: `headers` and the raw `body` exactly as received.
    pub async fn handle(&self, headers: &HeaderMap, body: &[u8]) -> WebhookResponse {
        if body.len() > self.config.max_body_bytes {
            return WebhookResponse::refuse(StatusCode::PAYLOAD_TOO_LARGE, "body too large");
        }
        let Ok(outer) = serde_json::from_slice::<Encrypted>(body) else {
            return WebhookResponse::refuse(StatusCode::BAD_REQUEST, "body is not a JSON object");
        };
        let signed = headers.contains_key(SIGNATURE);
        let plaintext = match (&self.config.encrypt_key, outer.encrypt) {
            (Some(key), Some(encrypt)) => {
                if signed && let Err(response) = self.check_signature(key, headers, body) {
                    return response;
                }
                match crypto::decrypt(&encrypt, key) {
                    Ok(plain) => plain,
                    // Unsigned, only a URL verification is acceptable; every failure
                    // answers alike, so nobody can probe the decryption (padding oracle).
                    Err(_) if !signed => return unsigned(),
                    Err(_) => {
                        return WebhookResponse::refuse(
                            StatusCode::BAD_REQUEST,
                            "body does not decrypt with the encrypt key",
                        );
                    }
                }
            }
            (Some(_), None) => {
                return WebhookResponse::refuse(
                    StatusCode::BAD_REQUEST,
                    "an encrypt key is configured but the body is not encrypted",
                );
            }
            (None, Some(_)) => {
                return WebhookResponse::refuse(
                    StatusCode::BAD_REQUEST,
                    "body is encrypted but no encrypt key is configured",
                );
            }
            (None, None) => body.to_vec(),
        };
        // Only the URL verification may come unsigned when an encrypt key is set.
        let must_be_challenge = self.config.encrypt_key.is_some() && !signed;
        let probe = match serde_json::from_slice::<Probe>(&plaintext) {
            Ok(probe) => probe,
            Err(_) if must_be_challenge => return unsigned(),
            Err(_) => {
                return WebhookResponse::refuse(
                    StatusCode::BAD_REQUEST,
                    "body is not a JSON object",
                );
            }
        };
        if probe.kind.as_deref() == Some("url_verification") {
            if must_be_challenge && !self.token_ok(probe.token.as_deref()) {
                return unsigned();
            }
            return self.answer_challenge(probe);
        }
        if must_be_challenge {
            return unsigned();
        }
        let envelope = match EventEnvelope::parse(&plaintext) {
            Ok(envelope) => envelope,
            Err(error) => {
                return WebhookResponse::refuse(StatusCode::BAD_REQUEST, &error.to_string());
            }
        };
        if !self.token_ok(Some(envelope.header.token.as_str())) {
            return WebhookResponse::refuse(
                StatusCode::UNAUTHORIZED,
                "verification token mismatch",
            );
        }
        let event_type = envelope.header.event_type.clone();
        let event_id = envelope.header.event_id.clone();
        match self.dispatcher.dispatch(envelope).await {
            Ok(outcome) => {
                tracing::debug!(%event_type, %event_id, ?outcome, "webhook event handled");
                let msg = if outcome == Outcome::Duplicate {
                    "duplicate"
                } else {
                    "ok"
                };
                WebhookResponse::message(StatusCode::OK, msg)
            }
            Err(error) => {
                tracing::warn!(%event_type, %event_id, %error, "event handler failed");
                WebhookResponse::message(StatusCode::INTERNAL_SERVER_ERROR, "handler failed")
            }
        }
    }

    fn check_signature(
        &self,
        key: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(), WebhookResponse> {
        let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
        let (Some(signature), Some(timestamp), Some(nonce)) =
            (header(SIGNATURE), header(TIMESTAMP), header(NONCE))
        else {
            return Err(WebhookResponse::refuse(
                StatusCode::UNAUTHORIZED,
                "signature headers missing or not text",
            ));
        };
        let expected = crypto::signature(timestamp, nonce, key, body);
        if !crypto::signature_matches(&expected, signature) {
            return Err(WebhookResponse::refuse(
                StatusCode::UNAUTHORIZED,
                "signature mismatch",
            ));
        }
        if let Some(max_age) = self.config.max_age {
            let Ok(sent) = timestamp.trim().parse::<u64>() else {
                return Err(WebhookResponse::refuse(
                    StatusCode::UNAUTHORIZED,
                    "timestamp is not a number of seconds",
                ));
            };
            // Seconds, as the platform sends them; a value in milliseconds is accepted
            // too rather than refused as decades in the future.
            let sent = if sent > 100_000_000_000 {
                sent / 1000
            } else {
                sent
            };
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs();
            if now.abs_diff(sent) > max_age.as_secs() {
                return Err(WebhookResponse::refuse(
                    StatusCode::UNAUTHORIZED,
                    "timestamp outside the accepted window",
                ));
            }
        }
        Ok(())
    }

    fn token_ok(&self, received: Option<&str>) -> bool {
        match &self.config.verification_token {
            Some(expected) => crypto::secret_eq(expected, received.unwrap_or_default()),
            None => true,
        }
    }

    fn answer_challenge(&self, probe: Probe) -> WebhookResponse {
        if !self.token_ok(probe.token.as_deref()) {
            return WebhookResponse::refuse(
                StatusCode::UNAUTHORIZED,
                "verification token mismatch",
            );
        }
        let Some(challenge) = probe.challenge else {
            return WebhookResponse::refuse(
                StatusCode::BAD_REQUEST,
                "url_verification without challenge",
            );
        };
        tracing::info!("answered the URL verification challenge");
        WebhookResponse {
            status: StatusCode::OK,
            body: serde_json::json!({ "challenge": challenge })
                .to_string()
                .into_bytes(),
        }
    }
}
