//! Routing an [`EventEnvelope`] to the typed handler registered for its event type.
//!
//! Generated code implements [`EventSet`] for each service's event enum (and may for
//! each single event struct); the application registers one async closure per set with
//! [`Dispatcher::on`]. Types nobody registered, and bodies that do not decode into their
//! registered type, go to the fallback with the raw envelope: a new platform event must
//! never turn into an error the platform retries for hours.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;

use futures::FutureExt;
use serde_json::value::RawValue;

use super::dedup::{Dedup, DedupConfig, Seen};
use super::envelope::{EventEnvelope, EventHeader};

/// What a handler returns on failure; the delivery is then answered as failed and the
/// platform sends it again.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;

type BoxFuture = Pin<Box<dyn Future<Output = Result<(), HandlerError>> + Send>>;
type Route = Arc<dyn Fn(EventHeader, &RawValue) -> Result<BoxFuture, String> + Send + Sync>;
type Fallback = Arc<dyn Fn(Unhandled) -> BoxFuture + Send + Sync>;

/// A set of events decoded together: generated per service as an enum with one variant
/// per event.
///
/// ```
/// use feishu_runtime::event::EventSet;
/// use serde_json::value::RawValue;
///
/// #[derive(serde::Deserialize)]
/// struct Changed { id: String }
///
/// enum DemoEvent { Changed(Changed) }
///
/// impl EventSet for DemoEvent {
///     fn event_types() -> &'static [&'static str] {
///         &["demo.thing.changed_v1"]
///     }
///     fn decode(event_type: &str, raw: &RawValue) -> Result<Self, serde_json::Error> {
///         match event_type {
///             "demo.thing.changed_v1" => serde_json::from_str(raw.get()).map(Self::Changed),
///             other => Err(serde::de::Error::custom(format!("not a demo event: {other}"))),
///         }
///     }
/// }
/// ```
pub trait EventSet: Sized + Send + 'static {
    /// Every event type this set decodes, e.g. `performance.stage_task.open_result_v2`.
    fn event_types() -> &'static [&'static str];

    /// Decodes the `event` object of an event of type `event_type` (one of
    /// [`event_types`](Self::event_types)).
    ///
    /// # Errors
    ///
    /// When the object does not match the type.
    fn decode(event_type: &str, raw: &RawValue) -> Result<Self, serde_json::Error>;
}

/// Why an event reached the fallback handler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnhandledReason {
    /// No handler is registered for its event type.
    UnknownType,
    /// A handler is registered but the event did not decode into its type; the message
    /// names the JSON position, not the contents.
    DecodeFailed(String),
}

/// An event no typed handler took, with its raw JSON.
#[derive(Clone, Debug)]
pub struct Unhandled {
    /// The whole envelope; `envelope.event` is the raw `event` object.
    pub envelope: EventEnvelope,
    /// Why it was not handled by a typed handler.
    pub reason: UnhandledReason,
}

/// What [`Dispatcher::dispatch`] did with an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A typed handler ran and succeeded.
    Handled,
    /// The fallback handler ran and succeeded.
    Fallback,
    /// The event id was seen recently; no handler ran.
    Duplicate,
}

/// Routes events to typed handlers; see the [module documentation](crate::event).
///
/// Cheap to share: wrap it in an `Arc` and give it to a webhook receiver and a long
/// connection at once, and the two share one de-duplication window.
pub struct Dispatcher {
    routes: HashMap<&'static str, Route>,
    fallback: Fallback,
    dedup: Dedup,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut types: Vec<_> = self.routes.keys().collect();
        types.sort();
        f.debug_struct("Dispatcher")
            .field("event_types", &types)
            .finish_non_exhaustive()
    }
}

impl Default for Dispatcher {
    fn default() -> Self {
        Self::new()
    }
}

impl Dispatcher {
    /// No handlers; the fallback logs each event at `info` and succeeds. De-duplication
    /// uses [`DedupConfig::default`].
    pub fn new() -> Self {
        Self {
            routes: HashMap::new(),
            fallback: Arc::new(|unhandled: Unhandled| {
                tracing::info!(
                    event_type = %unhandled.envelope.header.event_type,
                    event_id = %unhandled.envelope.header.event_id,
                    reason = ?unhandled.reason,
                    "event without a handler"
                );
                Box::pin(async { Ok(()) })
            }),
            dedup: Dedup::new(DedupConfig::default()),
        }
    }

    /// Sets the de-duplication window (`capacity: 0` turns it off).
    #[must_use]
    pub fn dedup(mut self, config: DedupConfig) -> Self {
        self.dedup = Dedup::new(config);
        self
    }

    /// Handles every event type of `E` with `handler`. A type registered again (here or
    /// by another set) goes to the later handler.
    #[must_use]
    pub fn on<E, F, Fut>(mut self, handler: F) -> Self
    where
        E: EventSet,
        F: Fn(EventHeader, E) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let route: Route = Arc::new(move |header: EventHeader, raw: &RawValue| {
            let event = E::decode(&header.event_type, raw)
                .map_err(|error| super::envelope::describe(&error))?;
            Ok(Box::pin(handler(header, event)) as BoxFuture)
        });
        for event_type in E::event_types() {
            if self.routes.insert(event_type, Arc::clone(&route)).is_some() {
                tracing::debug!(event_type, "event handler replaced");
            }
        }
        self
    }

    /// Handles events no typed handler took (unknown types, undecodable bodies).
    #[must_use]
    pub fn fallback<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(Unhandled) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
    {
        self.fallback = Arc::new(move |unhandled| Box::pin(handler(unhandled)));
        self
    }

    /// The event types with a typed handler.
    pub fn event_types(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.routes.keys().copied()
    }

    /// Runs the handler for `envelope`, unless its event id was seen recently.
    ///
    /// # Errors
    ///
    /// The handler's error; the event id is then forgotten so a re-delivery runs again.
    pub async fn dispatch(&self, envelope: EventEnvelope) -> Result<Outcome, HandlerError> {
        let event_id = envelope.header.event_id.clone();
        if self.dedup.begin(&event_id) == Seen::Duplicate {
            tracing::debug!(%event_id, "duplicate event skipped");
            return Ok(Outcome::Duplicate);
        }
        let (future, outcome) = match self.routes.get(envelope.header.event_type.as_str()) {
            Some(route) => match route(envelope.header.clone(), &envelope.event) {
                Ok(future) => (future, Outcome::Handled),
                Err(message) => {
                    tracing::warn!(
                        event_type = %envelope.header.event_type,
                        %event_id,
                        error = %message,
                        "event did not decode into its registered type"
                    );
                    let unhandled = Unhandled {
                        envelope,
                        reason: UnhandledReason::DecodeFailed(message),
                    };
                    ((self.fallback)(unhandled), Outcome::Fallback)
                }
            },
            None => {
                let unhandled = Unhandled {
                    envelope,
                    reason: UnhandledReason::UnknownType,
                };
                ((self.fallback)(unhandled), Outcome::Fallback)
            }
        };
        // A panicking handler must not take the receiver (or the connection) with it;
        // it counts as a failed delivery.
        let result = AssertUnwindSafe(future)
            .catch_unwind()
            .await
            .unwrap_or_else(|_| Err("event handler panicked".into()));
        match result {
            Ok(()) => Ok(outcome),
            Err(error) => {
                self.dedup.forget(&event_id);
                Err(error)
            }
        }
    }
}
