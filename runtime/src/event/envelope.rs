//! The event envelope: schema 2.0 (`{schema, header, event}`) and the older schema 1.0
//! (`{uuid, token, ts, type: "event_callback", event: {type, ...}}`), both read into one
//! [`EventEnvelope`] so handlers never care which one the platform sent.

use std::fmt;

use serde::Deserialize;
use serde_json::value::RawValue;

/// Which envelope format a delivery used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schema {
    /// `{"schema": "2.0", "header": {...}, "event": {...}}`.
    V2,
    /// `{"uuid", "token", "ts", "type": "event_callback", "event": {"type", ...}}`.
    V1,
}

/// The envelope header. For schema 1.0 events it is filled from `uuid` (event id),
/// `event.type`, `ts` and `token`; `app_id` and `tenant_key` come from the event body
/// when it has them.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct EventHeader {
    /// Unique per event; the platform re-sends an event with the same id.
    pub event_id: String,
    /// E.g. `performance.stage_task.open_result_v2`.
    pub event_type: String,
    /// Milliseconds since the epoch, as a decimal string (schema 1.0: `ts` as sent).
    pub create_time: String,
    /// The app's Verification Token. `Debug` never shows it.
    pub token: String,
    /// The app the event is for.
    pub app_id: String,
    /// The tenant the event happened in.
    pub tenant_key: String,
}

impl fmt::Debug for EventHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventHeader")
            .field("event_id", &self.event_id)
            .field("event_type", &self.event_type)
            .field("create_time", &self.create_time)
            .field("token", &"<redacted>")
            .field("app_id", &self.app_id)
            .field("tenant_key", &self.tenant_key)
            .finish()
    }
}

/// One delivered event: its header and the still-undecoded `event` object.
#[derive(Clone, Debug)]
pub struct EventEnvelope {
    /// Which format the platform used.
    pub schema: Schema,
    /// Id, type, time, app and tenant.
    pub header: EventHeader,
    /// The `event` object exactly as received, decoded later by the typed handler.
    pub event: Box<RawValue>,
}

/// Why a body is not an event envelope. Messages name the JSON position, never its
/// contents, so a token in a malformed body cannot reach a log.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EnvelopeError {
    /// Not JSON, or the wrong shape.
    #[error("event body is not a valid envelope: {0}")]
    Malformed(String),
    /// Valid JSON, but neither schema 2.0 nor schema 1.0 (`type: event_callback`).
    #[error(
        "unsupported event envelope (schema {0:?}); expected schema 2.0 or a 1.0 event_callback"
    )]
    Unsupported(String),
}

#[derive(Deserialize)]
struct Wire {
    schema: Option<String>,
    header: Option<EventHeader>,
    event: Option<Box<RawValue>>,
    // Schema 1.0.
    uuid: Option<String>,
    token: Option<String>,
    ts: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct V1Event {
    #[serde(rename = "type")]
    kind: String,
    app_id: String,
    tenant_key: String,
}

/// Summarizes a serde error by kind and position only.
pub(crate) fn describe(error: &serde_json::Error) -> String {
    let kind = match error.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "unexpected JSON shape",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    format!("{kind} at line {} column {}", error.line(), error.column())
}

impl EventEnvelope {
    /// Reads a plaintext (already decrypted) envelope.
    ///
    /// # Errors
    ///
    /// When the body is not JSON, or is neither a schema 2.0 event nor a schema 1.0
    /// `event_callback`.
    pub fn parse(body: &[u8]) -> Result<Self, EnvelopeError> {
        let wire: Wire =
            serde_json::from_slice(body).map_err(|e| EnvelopeError::Malformed(describe(&e)))?;
        match (wire.schema.as_deref(), wire.header, wire.event) {
            (Some("2.0"), Some(header), Some(event)) => Ok(Self {
                schema: Schema::V2,
                header,
                event,
            }),
            (Some("2.0"), _, _) => Err(EnvelopeError::Malformed(
                "schema 2.0 envelope without `header` or `event`".to_owned(),
            )),
            (None, _, Some(event)) if wire.kind.as_deref() == Some("event_callback") => {
                let inner: V1Event = serde_json::from_str(event.get())
                    .map_err(|e| EnvelopeError::Malformed(describe(&e)))?;
                Ok(Self {
                    schema: Schema::V1,
                    header: EventHeader {
                        event_id: wire.uuid.unwrap_or_default(),
                        event_type: inner.kind,
                        create_time: wire.ts.unwrap_or_default(),
                        token: wire.token.unwrap_or_default(),
                        app_id: inner.app_id,
                        tenant_key: inner.tenant_key,
                    },
                    event,
                })
            }
            (schema, _, _) => Err(EnvelopeError::Unsupported(
                schema.unwrap_or("none").chars().take(16).collect(),
            )),
        }
    }
}
