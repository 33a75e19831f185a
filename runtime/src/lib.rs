//! Runtime support for the generated `feishu` client crate.
//!
//! Generated code describes each Feishu (Lark) Open Platform endpoint as a static
//! [`Operation`], assembles a [`Request`] for it and hands that to [`Client::execute`].
//! This crate owns everything that is the same for every endpoint: configuration,
//! URL building and percent-encoding, headers, the `{code, msg, data}` response
//! envelope and the [`Error`] type, managed access tokens, retries, client-side rate
//! limiting, constraint checks ([`validate`]), paging ([`paginate`]) and a tracing span
//! per call. It also carries the shapes some endpoints need: [`multipart`] uploads,
//! streamed downloads ([`Client::download`], [`Download`]), flat envelopes
//! ([`Envelope::Flat`]), JSON carried in strings ([`JsonString`]), and an escape hatch
//! for endpoints the spec lacks ([`Client::request`]).
//! Pushed events (webhook and long connection, behind the `webhook`, `axum`
//! and `long-connection` features) are in [`event`].
//!
//! ```no_run
//! use feishu_runtime::{Client, Empty, Envelope, HttpMethod, Operation, Request, TokenType};
//!
//! static DELETE_MESSAGE: Operation = Operation {
//!     id: "im.v1.message.delete",
//!     method: HttpMethod::Delete,
//!     path: "/open-apis/im/v1/messages/:message_id",
//!     token_types: &[TokenType::Tenant, TokenType::User],
//!     rate_limits: &[],
//!     idempotent: true,
//!     envelope: Envelope::Data,
//! };
//!
//! # async fn run() -> Result<(), feishu_runtime::Error> {
//! let client = Client::builder().access_token("t-example").build()?;
//! let mut request = Request::new(&DELETE_MESSAGE);
//! request.path_param("message_id", "om_dc13264520392913993dd051dba21dcf");
//! let _: Empty = client.execute(request).await?;
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod builder;
mod client;
mod config;
pub mod download;
mod error;
mod error_code;
pub mod event;
mod headers;
pub mod multipart;
mod operation;
pub mod paginate;
mod path;
mod ratelimit;
mod raw;
mod request;
mod response;
mod retry;
mod secret;
mod token;
mod transport;
pub mod validate;
mod wire;

pub use builder::ClientBuilder;
pub use client::Client;
pub use config::BaseUrl;
pub use download::{ContentRange, Download};
pub use error::{
    ApiError, AuthError, AuthErrorKind, DecodeError, Error, ErrorDetail, FieldViolation, FileError,
    Help, InvalidRequest, PaginationError, PaginationErrorKind, PermissionViolation, RateLimited,
    TransportError, TransportErrorKind,
};
pub use error_code::{ErrorCode, ErrorCodeInfo};
/// Stream traits for consuming [`paginate`] streams.
pub use futures::stream::{Stream, StreamExt, TryStreamExt};
pub use operation::{Envelope, HttpMethod, LimitScope, Operation, RateLimit, TokenType};
pub use raw::RawRequest;
pub use request::{Request, RequestOptions};
pub use retry::RetryPolicy;
pub use secret::AccessToken;
pub use token::{
    AppTicketStore, CachedToken, InMemoryAppTicketStore, InMemoryTokenCache, TokenCache, TokenKey,
    TokenKind,
};
pub use wire::{Empty, JsonString, UnknownValue};

/// `bytes::Bytes`, the type of upload and download chunks.
pub use bytes::Bytes;
/// `serde_json`, re-exported so generated code can name `serde_json::Value` (`any`
/// fields) without its own dependency.
pub use serde_json;
