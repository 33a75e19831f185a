//! The webhook receiver as an axum handler: `POST` the platform's deliveries to the
//! path you mount it on.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::webhook::WebhookReceiver;

/// A router answering `POST path` with `receiver`; merge or nest it into your app.
/// The body limit is the receiver's (axum answers 413 above it).
pub fn router(path: &str, receiver: WebhookReceiver) -> Router {
    let limit = receiver.config().body_limit();
    Router::new()
        .route(path, post(handle))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(Arc::new(receiver))
}

/// The handler itself, for routers that hold the receiver in their own state.
pub async fn handle(
    State(receiver): State<Arc<WebhookReceiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let answer = receiver.handle(&headers, &body).await;
    let mut response = (answer.status, answer.body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}
