//! Events the platform pushes to the app, e.g. `performance.stage_task.open_result_v2`.
//!
//! Two channels deliver them, both into one [`Dispatcher`]:
//!
//! - **Webhook** (feature `webhook`; `axum` adds a ready router): the platform POSTs each
//!   event to the app's URL. [`webhook::WebhookReceiver`] verifies, decrypts and
//!   de-duplicates, independent of the HTTP framework.
//! - **Long connection** (feature `long-connection`): the app opens a WebSocket to the
//!   platform and receives events over it ([`long_connection`]).
//!
//! The parts that do not depend on a channel are always compiled (they need only
//! serde): the [`EventEnvelope`] (schema 2.0 and 1.0), the [`EventSet`] trait that
//! generated per-service event enums implement, and the [`Dispatcher`] that routes an
//! envelope to typed async handlers and everything else to a fallback with the raw JSON.
//!
//! ```
//! use std::sync::Arc;
//! use feishu_runtime::event::{Dispatcher, Unhandled};
//!
//! let dispatcher = Arc::new(Dispatcher::new().fallback(|unhandled: Unhandled| async move {
//!     println!("{}: {}", unhandled.envelope.header.event_type, unhandled.envelope.event);
//!     Ok(())
//! }));
//! # let _ = dispatcher;
//! ```
// Built without a receiver's feature, the links above point at docs.rs, where every
// feature is on, instead of failing to resolve.
#![cfg_attr(
    not(feature = "webhook"),
    doc = "[`webhook::WebhookReceiver`]: https://docs.rs/feishu-runtime/latest/feishu_runtime/event/webhook/struct.WebhookReceiver.html"
)]
#![cfg_attr(
    not(feature = "long-connection"),
    doc = "[`long_connection`]: https://docs.rs/feishu-runtime/latest/feishu_runtime/event/long_connection/index.html"
)]

mod dedup;
mod dispatch;
mod envelope;

#[cfg(feature = "webhook")]
pub mod crypto;
#[cfg(feature = "webhook")]
pub mod webhook;

#[cfg(feature = "axum")]
pub mod axum;

#[cfg(feature = "long-connection")]
pub mod long_connection;

pub use dedup::DedupConfig;
pub use dispatch::{Dispatcher, EventSet, HandlerError, Outcome, Unhandled, UnhandledReason};
pub use envelope::{EnvelopeError, EventEnvelope, EventHeader, Schema};
