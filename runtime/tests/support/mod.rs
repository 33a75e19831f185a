//! A real HTTP server on 127.0.0.1:0 that records what it receives and sends a canned reply.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::any;
use feishu_runtime::{Client, HttpMethod, Operation, TokenType};

pub const CLIENT_TOKEN: &str = "t-client-secret-0123456789";

pub static CREATE_THING: Operation = Operation {
    id: "test.v1.thing.create",
    method: HttpMethod::Post,
    path: "/open-apis/test/v1/things",
    token_types: &[TokenType::Tenant],
    rate_limits: &[],
    idempotent: false,
    envelope: feishu_runtime::Envelope::Data,
};

#[path = "../shared/operations.rs"]
mod operations;
// Not every test binary uses both.
#[allow(unused_imports)]
pub use operations::{FIND_STAGE_TASKS, LIST_OKRS};

/// What the server received for one request.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Raw path as sent, still percent-encoded.
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The `{user_id}` segment as decoded by axum's router, when the OKR route matched.
    pub user_id: Option<String>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// The reply the server sends to every request.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![("content-type", "application/json".to_owned())],
            body: body.to_string(),
            delay: Duration::ZERO,
        }
    }

    pub fn ok() -> Self {
        Self::json(200, serde_json::json!({"code": 0, "msg": "ok", "data": {}}))
    }

    pub fn raw(status: u16, content_type: &str, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: vec![("content-type", content_type.to_owned())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

#[derive(Clone)]
struct ServerState {
    reply: Reply,
    recorded: Arc<Mutex<Vec<Recorded>>>,
}

pub struct TestServer {
    pub base_url: String,
    recorded: Arc<Mutex<Vec<Recorded>>>,
}

impl TestServer {
    pub async fn start(reply: Reply) -> Self {
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let state = ServerState {
            reply,
            recorded: Arc::clone(&recorded),
        };
        let router = Router::new()
            .route("/open-apis/okr/v1/users/{user_id}/okrs", any(okr_route))
            .fallback(fallback)
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self {
            base_url: format!("http://{address}"),
            recorded,
        }
    }

    /// A client for this server carrying [`CLIENT_TOKEN`].
    pub fn client(&self) -> Client {
        Client::builder()
            .base_url(&self.base_url)
            .access_token(CLIENT_TOKEN)
            .build()
            .unwrap()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.recorded.lock().unwrap().clone()
    }

    /// The only request received; fails the test if there was not exactly one.
    pub fn single_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request: {requests:?}"
        );
        requests.into_iter().next().unwrap()
    }
}

async fn okr_route(
    State(state): State<ServerState>,
    Path(user_id): Path<String>,
    request: Request,
) -> Response {
    record_and_reply(state, Some(user_id), request).await
}

async fn fallback(State(state): State<ServerState>, request: Request) -> Response {
    record_and_reply(state, None, request).await
}

async fn record_and_reply(
    state: ServerState,
    user_id: Option<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, usize::MAX).await.unwrap().to_vec();
    state.recorded.lock().unwrap().push(Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
        user_id,
    });
    tokio::time::sleep(state.reply.delay).await;
    let mut response =
        Response::builder().status(StatusCode::from_u16(state.reply.status).unwrap());
    for (name, value) in &state.reply.headers {
        response = response.header(*name, value);
    }
    response.body(Body::from(state.reply.body.clone())).unwrap()
}
