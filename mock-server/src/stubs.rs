//! Generic stubs: any endpoint, answered with what the test (or a user's test) says.
//!
//! A stub is a method, a path template with `:name` segments, a reply and the token
//! kinds it accepts. Requests that match are checked like the fixed routes (bearer
//! token issued by this mock, or no `Authorization` at all for `tokens: [none]`
//! endpoints), recorded with their decoded path values, query pairs, headers, body and
//! multipart parts, and answered with the stub's reply or its next queued [`Fault`].
//! Stubs are matched before the fixed routes (so a test can replace a token endpoint)
//! and the most recently added stub wins.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::request::Parts;
use axum::response::Response;
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use crate::reply::Reply;
use crate::state::State;
use crate::tokens::Bearer;
use crate::{Fault, UploadedPart, handler, shapes};

/// Bodies larger than this are cut (and recorded cut): uploads in tests are small.
const BODY_LIMIT: usize = 64 << 20;

/// The kinds of access token a stub can accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A tenant access token this mock issued.
    Tenant,
    /// An app access token this mock issued.
    App,
    /// A token made acceptable with [`crate::MockServer::accept_token`] (a user token).
    User,
}

/// What a stub answers.
#[derive(Clone, Debug, PartialEq)]
pub enum StubReply {
    /// This status and JSON body (usually an envelope `{"code", "msg", "data"}`).
    Json {
        /// HTTP status.
        status: u16,
        /// The body, sent as `application/json`.
        body: Value,
    },
    /// Raw bytes, as a download endpoint sends them.
    Bytes {
        /// HTTP status.
        status: u16,
        /// The `Content-Type` header.
        content_type: String,
        /// The body.
        body: Vec<u8>,
    },
    /// A misbehaviour, on every request (use [`Stub::fail`] for the next few only).
    Fault(Fault),
}

impl StubReply {
    /// `200` with `{"code": 0, "msg": "success", "data": data}`.
    pub fn data(data: Value) -> Self {
        Self::Json {
            status: 200,
            body: json!({"code": 0, "msg": "success", "data": data}),
        }
    }

    /// `200` with `body` exactly as given (a whole envelope, or a flat one).
    pub fn json(body: Value) -> Self {
        Self::Json { status: 200, body }
    }

    /// An error envelope `{"code": code, "msg": msg}` with HTTP `status`.
    pub fn error(status: u16, code: i64, msg: &str) -> Self {
        Self::Json {
            status,
            body: json!({"code": code, "msg": msg}),
        }
    }

    /// `200` with these bytes and content type (a download).
    pub fn bytes(content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self::Bytes {
            status: 200,
            content_type: content_type.to_owned(),
            body: body.into(),
        }
    }
}

/// One request a stub received.
#[derive(Clone, Debug, PartialEq)]
pub struct StubRequest {
    /// HTTP method, upper case.
    pub method: String,
    /// Raw path, still percent-encoded.
    pub path: String,
    /// The values of the template's `:name` segments, percent-decoded, in order.
    pub path_params: Vec<(String, String)>,
    /// Raw query string.
    pub raw_query: Option<String>,
    /// Query pairs, percent-decoded, in order (a repeated key appears repeatedly).
    pub query: Vec<(String, String)>,
    /// Headers with lowercase names, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body bytes (empty for a multipart body: see `parts`).
    pub body: Vec<u8>,
    /// The parsed parts of a `multipart/form-data` body.
    pub parts: Vec<UploadedPart>,
    /// The kind of the bearer token sent, when it was one this mock knows.
    pub token: Option<TokenKind>,
    /// HTTP status of the answer (`0` while unanswered or when the connection was cut).
    pub status: u16,
}

impl StubRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

#[derive(Debug)]
pub(crate) struct Entry {
    method: String,
    template: Vec<String>,
    reply: StubReply,
    tokens: Vec<TokenKind>,
    faults: VecDeque<Fault>,
    log: Vec<StubRequest>,
}

/// Every stub, in the order added.
#[derive(Debug, Default)]
pub(crate) struct Stubs(Vec<Entry>);

impl Stubs {
    /// The newest stub for `method` and the raw `path`, with its path values.
    fn find(&self, method: &str, path: &str) -> Option<(usize, Vec<(String, String)>)> {
        let segments: Vec<&str> = path.split('/').collect();
        self.0.iter().enumerate().rev().find_map(|(id, entry)| {
            if !entry.method.eq_ignore_ascii_case(method) || entry.template.len() != segments.len()
            {
                return None;
            }
            let mut values = Vec::new();
            for (pattern, segment) in entry.template.iter().zip(&segments) {
                let decoded = percent_decode_str(segment).decode_utf8_lossy();
                match pattern.strip_prefix(':') {
                    Some(name) if !segment.is_empty() => {
                        values.push((name.to_owned(), decoded.into_owned()));
                    }
                    None if *pattern == decoded => {}
                    _ => return None,
                }
            }
            Some((id, values))
        })
    }
}

/// A stub on a [`crate::MockServer`]: change its reply, queue faults, read its requests.
/// Cloning it gives another handle to the same stub.
#[derive(Clone, Debug)]
pub struct Stub {
    id: usize,
    state: Arc<State>,
}

impl Stub {
    pub(crate) fn add(state: &Arc<State>, method: &str, path: &str, reply: StubReply) -> Self {
        let id = state.with(|inner| {
            inner.stubs.0.push(Entry {
                method: method.to_ascii_uppercase(),
                template: path.split('/').map(str::to_owned).collect(),
                reply,
                tokens: vec![TokenKind::Tenant, TokenKind::User],
                faults: VecDeque::new(),
                log: Vec::new(),
            });
            inner.stubs.0.len() - 1
        });
        Self {
            id,
            state: Arc::clone(state),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Entry) -> R) -> R {
        self.state.with(|inner| f(&mut inner.stubs.0[self.id]))
    }

    /// Accepts only these token kinds (default: tenant and user). An empty list means
    /// the endpoint takes no token: a request with an `Authorization` header is refused.
    pub fn accept_tokens(&self, kinds: &[TokenKind]) -> &Self {
        self.with(|entry| entry.tokens = kinds.to_vec());
        self
    }

    /// Replaces the reply for later requests.
    pub fn reply(&self, reply: StubReply) -> &Self {
        self.with(|entry| entry.reply = reply);
        self
    }

    /// Answers the next `times` requests with `fault` (queued after earlier ones).
    pub fn fail(&self, fault: Fault, times: usize) -> &Self {
        self.with(|entry| entry.faults.extend(std::iter::repeat_n(fault, times)));
        self
    }

    /// The requests received so far, in arrival order.
    pub fn requests(&self) -> Vec<StubRequest> {
        self.with(|entry| entry.log.clone())
    }

    /// How many requests it received.
    pub fn count(&self) -> usize {
        self.with(|entry| entry.log.len())
    }
}

/// Whether a stub takes `method` on `path` (checked before the fixed routes).
pub(crate) fn matches(state: &State, method: &str, path: &str) -> bool {
    state.with(|inner| inner.stubs.find(method, path).is_some())
}

/// The router's fallback: a stub, or 404.
pub(crate) async fn fallback(state: Arc<State>, request: Request) -> Response {
    if matches(&state, request.method().as_str(), request.uri().path()) {
        handle(state, request).await
    } else {
        handler::not_found().await
    }
}

/// Records, checks the token, then answers with a fault or the stub's reply.
pub(crate) async fn handle(state: Arc<State>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default()
        .to_vec();
    let multipart = parts
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let uploaded = if multipart {
        shapes::upload_parts(&parts, body.clone())
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let picked = state.with(|inner| {
        let (id, path_params) = inner.stubs.find(&method, &path)?;
        let bearer = inner.tokens.bearer(authorization(&parts));
        let entry = &mut inner.stubs.0[id];
        entry
            .log
            .push(record(&parts, path_params, body, uploaded, &bearer));
        let fault = entry.faults.pop_front().or(match &entry.reply {
            StubReply::Fault(fault) => Some(fault.clone()),
            _ => None,
        });
        Some((id, entry.log.len() - 1, fault, bearer))
    });
    let Some((id, index, fault, bearer)) = picked else {
        // Removed meanwhile cannot happen (stubs are never removed); be safe anyway.
        return handler::not_found().await;
    };
    let (reply, dropped) = match fault {
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay.min(Duration::from_secs(3600))).await;
            (None, false)
        }
        Some(fault) => {
            let (reply, dropped) = handler::fault_reply(None, &fault, &state);
            (Some(reply), dropped)
        }
        None => (None, false),
    };
    state.with(|inner| {
        let reply = reply.unwrap_or_else(|| {
            let entry = &inner.stubs.0[id];
            match check_token(&entry.tokens, &bearer) {
                Err(refusal) => refusal,
                Ok(()) => to_reply(&entry.reply, &state),
            }
        });
        let log_id = format!("mock-log-{:06}", inner.next_log_id);
        inner.next_log_id += 1;
        if let Some(recorded) = inner.stubs.0[id].log.get_mut(index) {
            recorded.status = if dropped { 0 } else { reply.status };
        }
        reply.into_response(&log_id)
    })
}

fn authorization(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
}

fn record(
    parts: &Parts,
    path_params: Vec<(String, String)>,
    body: Vec<u8>,
    uploaded: Vec<UploadedPart>,
    bearer: &Bearer,
) -> StubRequest {
    let raw_query = parts.uri.query().map(str::to_owned);
    StubRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        path_params,
        query: handler::query_pairs(raw_query.as_deref().unwrap_or_default()),
        raw_query,
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: if uploaded.is_empty() {
            body
        } else {
            Vec::new()
        },
        parts: uploaded,
        token: match bearer {
            Bearer::Known(kind, _) => Some(*kind),
            _ => None,
        },
        status: 0,
    }
}

/// The platform's answers to a missing, unknown or wrong-kind token.
fn check_token(accepted: &[TokenKind], bearer: &Bearer) -> Result<(), Reply> {
    match bearer {
        Bearer::Missing if accepted.is_empty() => Ok(()),
        _ if accepted.is_empty() => Err(Reply::error(
            400,
            99991661,
            "mock: this endpoint takes no access token, but an Authorization header was sent",
        )),
        Bearer::Missing => Err(Reply::error(
            400,
            99991661,
            "Authorization header missing or empty",
        )),
        Bearer::Unknown => Err(Reply::token_invalid(400)),
        Bearer::Known(kind, _) if accepted.contains(kind) => Ok(()),
        Bearer::Known(kind, _) => Err(Reply::error(
            400,
            99991663,
            &format!("mock: a {kind:?} token was sent; this endpoint accepts {accepted:?}"),
        )),
    }
}

fn to_reply(reply: &StubReply, state: &State) -> Reply {
    match reply {
        StubReply::Json { status, body } => Reply::json(*status, body),
        StubReply::Bytes {
            status,
            content_type,
            body,
        } => {
            let mut reply = Reply::raw(*status, "application/octet-stream", body.clone());
            reply.headers.push(("content-type", content_type.clone()));
            reply
                .headers
                .push(("content-length", body.len().to_string()));
            reply
        }
        // A standing slow reply has already waited: answer an empty success.
        StubReply::Fault(Fault::Slow(_)) => Reply::data(json!({})),
        StubReply::Fault(fault) => handler::fault_reply(None, fault, state).0,
    }
}
